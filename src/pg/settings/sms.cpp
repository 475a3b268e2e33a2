// The SMS channel: where Twilio's Messages API is, which account sends and from which sender,
// where Twilio reports each message's status, and SMS marketing consent. The auth token is a
// secret (secrets.cpp).
#include <cstring>

#include "core/channels/sms/sid.hpp"
#include "core/contact/phone.hpp"
#include "core/transport/url_check.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

bool enable_sms_value = false;
char* api_url_value = strdup("https://api.twilio.com");
char* account_sid_value = strdup("");
char* messaging_service_sid_value = strdup("");
char* from_value = strdup("");
char* status_callback_url_value = strdup("");
// SMS marketing needs the shopper's express consent (in the US, the TCPA): on unless turned off.
bool require_consent_value = true;
char* consent_key_value = strdup("sms_marketing_consent");

// `prefix` + 32 hex digits, or "".
bool check_sid(char** newval, const char* prefix, const char* hint) {
    return settings::check_unless_empty(
        newval,
        [&](const std::string& value) {
            return cart_abandon::twilio::is_sid(value, prefix)
                       ? std::string()
                       : std::string("\"") + prefix + "\" followed by 32 hex digits is expected";
        },
        hint);
}

bool check_account_sid(char** newval, void**, GucSource) {
    return check_sid(newval, cart_abandon::twilio::kAccountSidPrefix,
                     ": the Account SID of the Twilio Console's Account Info, or ''.");
}

bool check_messaging_service_sid(char** newval, void**, GucSource) {
    return check_sid(newval, cart_abandon::twilio::kMessagingServiceSidPrefix,
                     ": the Messaging Service SID of the Twilio Console, or ''.");
}

bool check_from(char** newval, void**, GucSource) {
    return settings::check_unless_empty(newval, cart_abandon::e164_problem, "; e.g. '+14155550123', or ''.");
}

bool check_web_url(char** newval, void**, GucSource) {
    return settings::check_unless_empty(newval, cart_abandon::web_url_problem,
                                        "; e.g. 'https://host.example/path', or ''.");
}

}  // namespace

void define_sms_settings() {
    using namespace settings;
    define_bool("cart_abandon.enable_sms", "Send reminders by SMS (Twilio).", &enable_sms_value);
    // Superuser-only: whoever sets the URL decides where the auth token is sent.
    define_string("cart_abandon.twilio_api_url", "Twilio's REST API base URL.", &api_url_value, PGC_SUSET, 0,
                  check_web_url);
    define_string("cart_abandon.twilio_account_sid", "Twilio Account SID (AC + 32 hex digits).", &account_sid_value,
                  PGC_SUSET, 0, check_account_sid);
    // Superuser-only, as the WhatsApp sending number: the sender is the shop's identity.
    define_string("cart_abandon.twilio_messaging_service_sid",
                  "Twilio Messaging Service SID (MG + 32 hex digits); when set, Twilio picks the sender.",
                  &messaging_service_sid_value, PGC_SUSET, 0, check_messaging_service_sid);
    define_string("cart_abandon.twilio_from", "Sending number in E.164, used when no Messaging Service is set.",
                  &from_value, PGC_SUSET, 0, check_from);
    // Superuser-only: Twilio posts each message's status and the shopper's number to it.
    define_string("cart_abandon.twilio_status_callback_url",
                  "Where the Medusa plugin receives Twilio's status callbacks; '' for none.",
                  &status_callback_url_value, PGC_SUSET, 0, check_web_url);
    define_bool("cart_abandon.sms_require_consent",
                "Text only carts whose cart or customer metadata holds sms_consent_key as true.",
                &require_consent_value);
    define_string("cart_abandon.sms_consent_key", "The metadata key that records SMS marketing consent.",
                  &consent_key_value, PGC_USERSET, 0, check_not_empty);
}

namespace settings {

void fill_sms(cart_abandon::Settings& s) {
    s.enable_sms = enable_sms_value;
    s.twilio_api_url = text(api_url_value);
    s.twilio_account_sid = text(account_sid_value);
    s.twilio_messaging_service_sid = text(messaging_service_sid_value);
    s.twilio_from = text(from_value);
    s.twilio_status_callback_url = text(status_callback_url_value);
    s.sms_require_consent = require_consent_value;
    s.sms_consent_key = text(consent_key_value);
}

}  // namespace settings

}  // namespace pg
