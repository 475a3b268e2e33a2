// Percent-encoding (RFC 3986) through libcurl, for links and form bodies.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <string_view>

namespace cart_abandon {

// Every byte but RFC 3986's unreserved ones as %XX (libcurl's curl_easy_escape: a space is %20,
// '+' is %2B, UTF-8 byte by byte). Throws std::bad_alloc only.
std::string percent_encode(std::string_view bytes);

}  // namespace cart_abandon
