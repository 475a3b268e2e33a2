// Text made safe to stand in HTML, as element content or as a quoted attribute's value.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// & < > " ' as character references (&amp; &lt; &gt; &quot; &#39;); every other byte as it is,
// so any UTF-8 (RTL text, emoji sequences) comes through exactly.
std::string html_escape(const std::string& text);

}  // namespace cart_abandon
