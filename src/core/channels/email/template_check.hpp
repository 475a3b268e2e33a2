// A shop's template is checked when it is written (cart_abandon.message_templates' CHECK calls
// cart_abandon.check_message_template), so that a bad one is refused at once, never at a send.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// Renders `pattern`, the `field` ("subject", "body" or "html") of `channel` ("email" or "sms")
// in `locale`, once with sample values. Throws Error InvalidArgument or InvalidText naming the
// channel, field and locale: a channel or field it does not know (SMS has a body alone), a
// pattern that does not parse or names an unknown argument (render_template's), a subject that
// renders a line break.
void check_message_template(const std::string& channel, const std::string& field, const std::string& locale,
                            const std::string& pattern);

}  // namespace cart_abandon
