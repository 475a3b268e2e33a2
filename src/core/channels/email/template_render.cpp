#include "core/channels/email/template_render.hpp"

#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>

#include <iterator>

#include "core/channels/email/html_escape.hpp"
#include "core/channels/email/locale.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr int kArgumentCount = int(std::size(kTemplateArgumentNames));

std::string utf8(const icu::UnicodeString& text) {
    std::string out;
    return text.toUTF8String(out);
}

// Where a pattern stops parsing, as a person counts: character (UTF-16 unit) offset from 1.
std::string parse_failure(const std::string& what, const UParseError& error, UErrorCode status) {
    return what + " does not parse near character " + std::to_string(error.offset + 1) + " (" + u_errorName(status) +
           ")";
}

// Every argument the pattern names is one of ours, by name.
void check_argument_names(const icu::UnicodeString& pattern, const std::string& what) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError error{};
    icu::MessagePattern parsed(pattern, &error, status);
    if (U_FAILURE(status)) throw Error(ErrorKind::InvalidText, "template: " + parse_failure(what, error, status));
    for (int32_t i = 0; i < parsed.countParts(); ++i) {
        const icu::MessagePattern::Part& part = parsed.getPart(i);
        if (part.getType() == UMSGPAT_PART_TYPE_ARG_NUMBER)
            throw Error(ErrorKind::InvalidArgument,
                        "template: " + what + " names an argument by number (" + utf8(parsed.getSubstring(part)) +
                            "); name it: customer_name, item_count, first_item_title, cart_total, recovery_link, "
                            "unsubscribe_link or items");
        if (part.getType() != UMSGPAT_PART_TYPE_ARG_NAME) continue;
        const std::string name = utf8(parsed.getSubstring(part));
        bool known = false;
        for (const char* ours : kTemplateArgumentNames) known = known || name == ours;
        if (!known)
            throw Error(ErrorKind::InvalidArgument, "template: " + what + " names an unknown argument \"" + name + "\"",
                        "",
                        "Known arguments: customer_name, item_count, first_item_title, cart_total, recovery_link, "
                        "unsubscribe_link, items.");
    }
}

}  // namespace

std::string render_template(const std::string& pattern, const std::string& locale, const TemplateArguments& arguments,
                            bool html, const std::string& what) {
    const icu::UnicodeString source = icu::UnicodeString::fromUTF8(pattern);
    check_argument_names(source, what);

    UErrorCode status = U_ZERO_ERROR;
    UParseError error{};
    const icu::MessageFormat format(source, icu_locale(locale), error, status);
    if (U_FAILURE(status)) throw Error(ErrorKind::InvalidText, "template: " + parse_failure(what, error, status));

    auto text = [html](const std::string& value) {
        return icu::Formattable(icu::UnicodeString::fromUTF8(html ? html_escape(value) : value));
    };
    icu::UnicodeString names[kArgumentCount];
    for (int i = 0; i < kArgumentCount; ++i) names[i] = icu::UnicodeString(kTemplateArgumentNames[i], -1, US_INV);
    // In kTemplateArgumentNames's order.
    const icu::Formattable values[kArgumentCount] = {
        text(arguments.customer_name),
        icu::Formattable(int64_t(arguments.item_count)),
        text(arguments.first_item_title),
        text(arguments.cart_total),
        text(arguments.recovery_link),
        text(arguments.unsubscribe_link),
        icu::Formattable(icu::UnicodeString::fromUTF8(arguments.items)),
    };
    icu::UnicodeString result;
    format.format(names, values, kArgumentCount, result, status);
    if (U_FAILURE(status))
        throw Error(ErrorKind::InvalidArgument,
                    "template: " + what + " could not be filled in (" + u_errorName(status) + ")", "",
                    "item_count is the only number; every other argument is text.");
    return utf8(result);
}

}  // namespace cart_abandon
