#include "core/channels/email/template_check.hpp"

#include "core/channels/email/template_render.hpp"
#include "core/error.hpp"

namespace cart_abandon {

void check_message_template(const std::string& channel, const std::string& field, const std::string& locale,
                            const std::string& pattern) {
    const bool email = channel == "email";
    if (!email && channel != "sms")
        throw Error(ErrorKind::InvalidArgument, "template: unknown channel \"" + channel + "\"", "",
                    "Templates are for email and sms.");
    if (field != "body" && (!email || (field != "subject" && field != "html")))
        throw Error(ErrorKind::InvalidArgument, "template: " + channel + " has no field \"" + field + "\"", "",
                    email ? "An email template has a subject, a body (text) and an html body."
                          : "An SMS template has a body alone.");
    const std::string what = "the " + channel + " " + field + " template (" + locale + ")";
    TemplateArguments sample;
    sample.customer_name = "Ana";
    sample.item_count = 2;
    sample.first_item_title = "Linen shirt";
    sample.cart_total = "25.00";
    sample.recovery_link = "https://shop.example/cart";
    sample.unsubscribe_link = "https://shop.example/unsubscribe";
    sample.items = "- 2 x Linen shirt";
    const std::string rendered = render_template(pattern, locale, sample, field == "html", what);
    if (field == "subject" && rendered.find_first_of("\r\n") != std::string::npos)
        throw Error(ErrorKind::InvalidArgument, "template: " + what + " renders a line break", "",
                    "A subject is one line.");
}

}  // namespace cart_abandon
