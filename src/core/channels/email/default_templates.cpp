#include "core/channels/email/default_templates.hpp"

#include "core/channels/email/locale.hpp"

namespace cart_abandon {

namespace {

// One frame for every default's text and one for its HTML, so the four differ in their words
// alone. Double quotes in the HTML: an apostrophe before '{' would quote the argument
// (MessageFormat).
#define EMAIL_TEXT(greeting, line, total, link, unsubscribe)                                    \
    greeting "\n\n" line "\n\n{items}\n\n" total "\n\n" link " {recovery_link}\n\n" unsubscribe \
             " {unsubscribe_link}"                                                              \
             "\n"
#define EMAIL_HTML(lang, title, greeting, line, total, link, unsubscribe)                                   \
    "<!DOCTYPE html>\n<html lang=\"" lang "\"><head><meta charset=\"utf-8\"><title>" title                  \
    "</title></head>\n<body style=\"font-family: sans-serif; color: #222\">\n<p>" greeting "</p>\n<p>" line \
    "</p>\n{items}\n<p><strong>" total "</strong></p>\n<p><a href=\"{recovery_link}\">" link                \
    "</a></p>\n<p style=\"font-size: small\"><a href=\"{unsubscribe_link}\">" unsubscribe "</a></p>\n</body></html>\n"

// The plural lines, the same in the text and the HTML.
#define EN_FIRST "you left {item_count, plural, one {# item} other {# items}} in your cart:"
#define EN_SECOND                                                                                                \
    "your cart still holds {item_count, plural, one {{first_item_title}} other {{first_item_title} and more: # " \
    "items}}."
#define DE_FIRST "in Ihrem Warenkorb {item_count, plural, one {liegt noch # Artikel} other {liegen noch # Artikel}}:"
#define DE_SECOND                                                                                                     \
    "Ihr Warenkorb ist noch da: {item_count, plural, one {{first_item_title}} other {{first_item_title} und mehr, # " \
    "Artikel}}."

constexpr DefaultEmailTemplates kEnglish[2] = {
    {"Your cart is waiting, {customer_name}",
     EMAIL_TEXT("Hi {customer_name},", EN_FIRST, "Total: {cart_total}",
                "Complete your order:", "No more reminders? Unsubscribe:"),
     EMAIL_HTML("en", "Your cart is waiting", "Hi {customer_name},", EN_FIRST, "Total: {cart_total}",
                "Complete your order", "Unsubscribe from these reminders")},
    {"Still thinking about {first_item_title}?",
     EMAIL_TEXT("Hi {customer_name},", EN_SECOND, "Total: {cart_total}",
                "It is saved for you:", "No more reminders? Unsubscribe:"),
     EMAIL_HTML("en", "Still thinking it over?", "Hi {customer_name},", EN_SECOND, "Total: {cart_total}",
                "Back to your cart", "Unsubscribe from these reminders")},
};

constexpr DefaultEmailTemplates kGerman[2] = {
    {"Ihr Warenkorb wartet, {customer_name}",
     EMAIL_TEXT("Hallo {customer_name},", DE_FIRST, "Summe: {cart_total}",
                "Zur Bestellung:", "Keine Erinnerungen mehr? Abmelden:"),
     EMAIL_HTML("de", "Ihr Warenkorb wartet", "Hallo {customer_name},", DE_FIRST, "Summe: {cart_total}",
                "Bestellung abschließen", "Von diesen Erinnerungen abmelden")},
    {"Noch unentschlossen? {first_item_title} wartet",
     EMAIL_TEXT("Hallo {customer_name},", DE_SECOND, "Summe: {cart_total}",
                "Zum Warenkorb:", "Keine Erinnerungen mehr? Abmelden:"),
     EMAIL_HTML("de", "Noch unentschlossen?", "Hallo {customer_name},", DE_SECOND, "Summe: {cart_total}",
                "Zum Warenkorb", "Von diesen Erinnerungen abmelden")},
};

#undef EMAIL_TEXT
#undef EMAIL_HTML
#undef EN_FIRST
#undef EN_SECOND
#undef DE_FIRST
#undef DE_SECOND

}  // namespace

const DefaultEmailTemplates& default_email_templates(int stage, const std::string& locale) {
    const DefaultEmailTemplates* set = locale_language(locale) == "de" ? kGerman : kEnglish;
    return set[stage <= 1 ? 0 : 1];
}

bool has_default_email_templates(const std::string& locale) {
    const std::string language = locale_language(locale);
    return language == "en" || language == "de";
}

}  // namespace cart_abandon
