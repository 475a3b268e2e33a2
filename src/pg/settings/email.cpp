// The email channel: how mail leaves (SMTP from the database, or Medusa's Notification Module),
// the SMTP server and login, who it is from, the one-click unsubscribe link, the default
// language; and the order in which each stage tries the channels. The password and the
// unsubscribe key are secrets (secrets.cpp).
#include <cstring>

#include "core/channels/email/header_encoding.hpp"
#include "core/channels/email/locale.hpp"
#include "core/error.hpp"
#include "core/model/channel_order.hpp"
#include "core/transport/smtp_url.hpp"
#include "core/transport/url_check.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

int transport_value = int(cart_abandon::EmailTransport::Smtp);
char* smtp_url_value = strdup("");
char* smtp_username_value = strdup("");
bool smtp_allow_plaintext_value = false;
char* from_value = strdup("");
char* from_name_value = strdup("");
char* reply_to_value = strdup("");
char* unsubscribe_url_value = strdup("");
char* default_locale_value = strdup("en");
char* channels_value = strdup("whatsapp");

const struct config_enum_entry transport_options[] = {{"smtp", int(cart_abandon::EmailTransport::Smtp), false},
                                                      {"medusa", int(cart_abandon::EmailTransport::Medusa), false},
                                                      {nullptr, 0, false}};

bool check_smtp_url(char** newval, void**, GucSource) {
    return settings::check_unless_empty(newval, cart_abandon::smtp_url_problem,
                                        "; e.g. 'smtps://smtp.example.com' or 'smtp://smtp.example.com:587'.");
}

bool check_address(char** newval, void**, GucSource) {
    return settings::check_unless_empty(
        newval,
        [](const std::string& value) {
            return cart_abandon::is_header_safe_address(value) ? std::string() : std::string("not an address");
        },
        ": an address such as 'shop@example.com' (no display name, no white space or <>,;:\"()[]\\), or ''.");
}

bool check_display_name(char** newval, void**, GucSource) {
    return settings::check_unless_empty(newval, [](const std::string& value) {
        return value.find_first_of("\r\n") == std::string::npos ? std::string() : std::string("A name is one line.");
    });
}

bool check_web_url(char** newval, void**, GucSource) {
    return settings::check_unless_empty(newval, cart_abandon::web_url_problem,
                                        "; e.g. 'https://shop.example/cart-abandon/unsubscribe', or ''.");
}

bool check_locale(char** newval, void** extra, GucSource source) {
    if (!settings::check_not_empty(newval, extra, source)) return false;
    return settings::check_unless_empty(
        newval,
        [](const std::string& value) {
            return cart_abandon::is_language_tag(value) ? std::string()
                                                        : std::string("not a BCP 47 tag of a language ICU knows");
        },
        ": e.g. 'en', 'de-AT' or 'pt-BR' (a hyphen, not '_').");
}

bool check_channels(char** newval, void**, GucSource) {
    std::string reason;
    const bool parsed = settings::no_exception([&] {
        try {
            cart_abandon::parse_channel_order(settings::text(*newval));
            return true;
        } catch (const cart_abandon::Error& e) {
            reason = e.what();
            return false;
        }
    });
    if (parsed || reason.empty()) return parsed;
    GUC_check_errdetail("%s. Example: 'whatsapp,email' for both stages, 'whatsapp,sms,email;email' per stage.",
                        reason.c_str());
    return false;
}

}  // namespace

void define_email_settings() {
    using namespace settings;
    DefineCustomEnumVariable("cart_abandon.email_transport",
                             "How email leaves: smtp (from the database, smtp_url) or medusa (an outbox the "
                             "Medusa plugin hands to the shop's Notification Module).",
                             nullptr, &transport_value, transport_value, transport_options, PGC_USERSET, 0, nullptr,
                             nullptr, nullptr);
    // Superuser-only: whoever sets the URL decides where the password and the shoppers' mail go.
    define_string("cart_abandon.smtp_url", "SMTP server: smtps://host[:port], or smtp://host[:port] with STARTTLS.",
                  &smtp_url_value, PGC_SUSET, 0, check_smtp_url);
    define_string("cart_abandon.smtp_username", "SMTP login (AUTH); '' for none.", &smtp_username_value, PGC_SUSET);
    define_bool("cart_abandon.smtp_allow_plaintext",
                "Accept smtp:// without STARTTLS, for a sink on the loopback only (never in production).",
                &smtp_allow_plaintext_value, PGC_SUSET, GUC_SUPERUSER_ONLY);
    // Superuser-only, as the WhatsApp sending number: the sender and where replies go are the shop's.
    define_string("cart_abandon.email_from", "The reminders' From address.", &from_value, PGC_SUSET, 0, check_address);
    define_string("cart_abandon.email_from_name", "The From address's display name; '' for the address alone.",
                  &from_name_value, PGC_SUSET, 0, check_display_name);
    define_string("cart_abandon.email_reply_to", "The reminders' Reply-To address; '' for none.", &reply_to_value,
                  PGC_SUSET, 0, check_address);
    define_string("cart_abandon.email_unsubscribe_url",
                  "Base URL of the one-click unsubscribe links, served by the Medusa plugin.", &unsubscribe_url_value,
                  PGC_SUSET, 0, check_web_url);
    define_string("cart_abandon.default_locale", "Language (BCP 47) of an email when the cart tells none.",
                  &default_locale_value, PGC_USERSET, 0, check_locale);
    define_string("cart_abandon.channels",
                  "The channels each stage tries, best first: 'whatsapp,email', or per stage "
                  "'whatsapp,sms,email;email'.",
                  &channels_value, PGC_USERSET, 0, check_channels);
}

namespace settings {

void fill_email(cart_abandon::Settings& s) {
    s.email_transport = cart_abandon::EmailTransport(transport_value);  // each option's val is its enum's
    s.smtp_url = text(smtp_url_value);
    s.smtp_username = text(smtp_username_value);
    s.smtp_allow_plaintext = smtp_allow_plaintext_value;
    s.email_from = text(from_value);
    s.email_from_name = text(from_name_value);
    s.email_reply_to = text(reply_to_value);
    s.email_unsubscribe_url = text(unsubscribe_url_value);
    s.default_locale = text(default_locale_value);
    // The check hook accepted the value: it parses.
    s.channels = cart_abandon::parse_channel_order(text(channels_value));
}

}  // namespace settings

}  // namespace pg
