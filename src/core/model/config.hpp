// Settings (from the cart_abandon.* GUCs), per-call options (the seed's JSON names), and the
// validated configuration one call runs with.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model/channel_order.hpp"
#include "core/rules/stage.hpp"
#include "core/rules/quiet_hours.hpp"

namespace cart_abandon {

constexpr int kMaxBatchSize = 10000;
constexpr double kMaxDelayHours = 24.0 * 365;

// cart_abandon.email_transport: how the email channel's messages leave.
enum class EmailTransport {
    Smtp,  // from the database, through libcurl's SMTP (smtp_url)
    Medusa,  // through an outbox that the Medusa plugin drains into the shop's Notification Module
};

// The settings in force, as pg::current_settings() reads them. No defaults here: a setting's
// default is written once, where PostgreSQL takes it from (the initial value of its C variable in
// src/pg/settings/, its boot value), and these fields are always filled from the settings.
struct Settings {
    int batch_size{};
    Timing timing;
    bool enable_whatsapp{};
    bool enable_email{};
    std::string whatsapp_api_url;
    std::string whatsapp_phone_number_id;
    std::string whatsapp_token;
    // The app secret (secret): when set, every Graph request carries appsecret_proof, which apps
    // with "Require App Secret" demand; only its HMAC of the token ever leaves.
    std::string whatsapp_app_secret;
    std::string whatsapp_endpoint;  // messages or marketing_messages (Meta's Marketing Messages API)
    bool allow_insecure_http{};  // http:// API URLs, for a local stand-in only
    std::string template_first;
    std::string template_second;
    std::string template_language;
    std::string cart_url;
    std::string default_region;
    std::string default_customer_name;
    std::chrono::milliseconds http_timeout{};
    std::chrono::seconds frequency_cap{};  // one reminder per person per this; 0: no cap
    // Meta's messaging limit: unique people reached per rolling 24 h (250, 2,000, 10,000,
    // 100,000); beyond it reminders are held, not sent into Meta's refusal. 0: not enforced.
    int messaging_limit{};
    QuietHours quiet_hours;  // at the recipient
    bool require_consent{};
    std::string consent_key;
    std::vector<std::string> blocked_regions;  // upper-case ISO 3166 codes
    // Each stage's channels, best first (cart_abandon.channels).
    ChannelOrder channels;

    // SMS through Twilio's Messages API (the sms_* and twilio_* settings).
    bool enable_sms{};
    std::string twilio_api_url;  // https:// unless allow_insecure_http
    std::string twilio_account_sid;  // "AC" + 32 hex digits, or ""
    // The auth token (secret): HTTP Basic auth of every request, and the key of the
    // X-Twilio-Signature of status callbacks.
    std::string twilio_auth_token;
    std::string twilio_messaging_service_sid;  // "MG" + 32 hex digits; when set, Twilio picks the sender
    std::string twilio_from;  // the sending number in E.164, used when no Messaging Service is set
    std::string twilio_status_callback_url;  // where the Medusa plugin takes Twilio's status callbacks; "" none
    bool sms_require_consent{};  // SMS marketing needs express consent: on by default
    std::string sms_consent_key;  // the metadata key of SMS marketing consent

    // Email.
    EmailTransport email_transport{};
    std::string smtp_url;  // "smtps://host[:port]" or "smtp://host[:port]" (STARTTLS), or ""
    std::string smtp_username;  // AUTH when not empty
    std::string smtp_password;  // secret
    // Plain smtp:// without STARTTLS, for a loopback sink only (resolve_smtp_plaintext).
    bool smtp_allow_plaintext{};
    std::string email_from;  // the From address (and the envelope's sender)
    std::string email_from_name;  // From's display name; "" the address alone
    std::string email_reply_to;  // "" no Reply-To
    std::string email_unsubscribe_url;  // the base of the one-click unsubscribe links the plugin serves
    std::string email_unsubscribe_secret;  // secret: the HMAC key of the unsubscribe tokens
    std::string default_locale;  // BCP 47: the email's language when the cart tells none
};

// Options given to one call. Absent keys leave the setting in force.
struct RunOptions {
    std::optional<int> batch_size;
    std::optional<double> first_delay_hours;
    std::optional<double> second_delay_hours;
    std::optional<bool> enable_whatsapp;
    std::optional<bool> enable_email;
    std::optional<bool> dry_run;
};

// Parses the options object. Throws Error(InvalidArgument) naming the key for an unknown key,
// a wrong type or an out-of-range value; an empty text or JSON null means no options.
RunOptions parse_run_options(const std::string& json_text);

// Always made by resolve_run_config, from the settings and the options: no defaults of its own.
struct RunConfig {
    int batch_size{};
    Timing timing;
    bool whatsapp{};
    bool sms{};
    bool dry_run{};
    // The channels the call takes in turn and each stage's order among them: cart_abandon.channels
    // without the channels not enabled.
    ChannelPasses channels;
};

// Merges settings and options and checks they make sense together (delays in order and inside
// the maximum age, a channel to send on, the sending settings present unless dry-run).
RunConfig resolve_run_config(const Settings& settings, const RunOptions& options);

// Checks a batch size given as a function argument (NULL is checked by the caller).
void check_batch_size(long long batch_size, const char* name);

}  // namespace cart_abandon
