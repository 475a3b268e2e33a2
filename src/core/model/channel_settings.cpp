#include "core/model/channel_settings.hpp"

#include "core/error.hpp"
#include "core/transport/smtp_url.hpp"
#include "core/transport/url_check.hpp"

namespace cart_abandon {

void require_setting(const std::string& value, const char* name, const char* channel) {
    if (value.empty())
        throw Error(ErrorKind::MissingConfiguration, std::string(name) + " is not set",
                    std::string(channel) + " sending is enabled, and it needs this setting.",
                    std::string("Set ") + name + " (see the README's settings), or pass '{\"dryRun\": true}'.");
}

void check_sms_settings(const Settings& s) {
    require_setting(s.twilio_account_sid, "cart_abandon.twilio_account_sid", "SMS");
    require_setting(s.twilio_auth_token, "cart_abandon.twilio_auth_token", "SMS");
    if (s.twilio_messaging_service_sid.empty() && s.twilio_from.empty())
        throw Error(ErrorKind::MissingConfiguration,
                    "neither cart_abandon.twilio_messaging_service_sid nor cart_abandon.twilio_from is set",
                    "SMS sending is enabled, and Twilio needs a sender: a Messaging Service or a number.",
                    "Set one of them (see the README's settings), or pass '{\"dryRun\": true}'.");
    require_setting(s.twilio_api_url, "cart_abandon.twilio_api_url", "SMS");
    require_https(s.twilio_api_url, "cart_abandon.twilio_api_url", s.allow_insecure_http,
                  "The auth token is sent to it; over plain HTTP anyone on the way could read it.");
    if (!s.twilio_status_callback_url.empty())
        require_https(s.twilio_status_callback_url, "cart_abandon.twilio_status_callback_url", s.allow_insecure_http,
                      "Twilio posts each message's status and the shopper's number to it.");
}

void check_email_settings(const Settings& s) {
    if (s.email_transport == EmailTransport::Smtp) {
        require_setting(s.smtp_url, "cart_abandon.smtp_url", "Email");
        resolve_smtp_plaintext(s.smtp_url, s.smtp_allow_plaintext);
    }
    require_setting(s.email_from, "cart_abandon.email_from", "Email");
    require_setting(s.email_unsubscribe_url, "cart_abandon.email_unsubscribe_url", "Email");
    require_https(s.email_unsubscribe_url, "cart_abandon.email_unsubscribe_url", s.allow_insecure_http,
                  "Each email's one-click unsubscribe link starts with it; shoppers open it.");
    require_setting(s.email_unsubscribe_secret, "cart_abandon.email_unsubscribe_secret", "Email");
}

}  // namespace cart_abandon
