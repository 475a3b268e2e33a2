#include "core/channels/sms/messages_api.hpp"

#include <nlohmann/json.hpp>

#include "core/channels/sms/errors.hpp"
#include "core/channels/sms/form.hpp"
#include "core/codec/base64.hpp"

namespace cart_abandon::twilio {

namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Twilio's code as a number; some proxies and old answers give it as a string of digits.
long code_at(const json& object) {
    const auto it = object.find("code");
    if (it == object.end()) return 0;
    if (it->is_number_integer()) return it->get<long>();
    if (it->is_string()) {
        const std::string text = it->get<std::string>();
        if (!text.empty() && text.size() <= 9 && text.find_first_not_of("0123456789") == std::string::npos)
            return std::stol(text);
    }
    return 0;
}

OutcomeKind kind_by_status(long http_status) {
    if (http_status >= 500 || http_status == 429 || http_status == 408) return OutcomeKind::Transient;
    if (http_status == 401 || http_status == 403 || http_status == 404) return OutcomeKind::ChannelFatal;
    return OutcomeKind::Permanent;
}

DeliveryOutcome read_response(long http_status, const std::string& body, const Secrets& secrets) {
    DeliveryOutcome outcome;
    const auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const bool is_object = !parsed.is_discarded() && parsed.is_object();

    if (http_status >= 200 && http_status < 300) {
        if (is_object) {
            outcome.provider_message_id = string_at(parsed, "sid");
            if (holds_secret(outcome.provider_message_id, secrets)) outcome.provider_message_id.clear();
            outcome.message_status = recordable(string_at(parsed, "status"), secrets, kMaxErrorText);
        }
        return success_answer(std::move(outcome), http_status);  // without a sid Twilio may have queued it
    }

    outcome.error_code = is_object ? code_at(parsed) : 0;
    if (outcome.error_code == 0) {
        outcome.kind = kind_by_status(http_status);
        outcome.error_text = "HTTP " + std::to_string(http_status) + " without a Twilio error code";
        return outcome;
    }
    outcome.kind = http_status >= 500 ? OutcomeKind::Transient : classify_error_code(outcome.error_code);
    outcome.recipient_opted_out = outcome.error_code == 21610;
    std::string text = string_at(parsed, "message");
    if (text.empty()) text = "error " + std::to_string(outcome.error_code);
    // Redacted before it is cut: an echoed account SID or token across the cut leaves nothing.
    outcome.error_text = recordable("HTTP " + std::to_string(http_status) + ": " + text, secrets, kMaxErrorText);
    return outcome;
}

DeliveryOutcome annotated(DeliveryOutcome o, long http_status) {
    o.account_throttled = is_account_rate_limit(o, http_status);
    o.ambiguous_code = o.kind == OutcomeKind::Permanent && o.error_code != 0 && !is_recipient_code(o.error_code);
    o.unlisted_code = o.kind == OutcomeKind::Permanent && o.error_code != 0 && !is_listed_code(o.error_code);
    if (o.kind == OutcomeKind::CountryRestricted) o.hold_seconds = kRegionHoldSeconds;
    if (o.kind != OutcomeKind::Sent) o.public_summary = error_summary(o.error_code);
    return o;
}

}  // namespace

std::string messages_url(const std::string& api_url, const std::string& account_sid) {
    std::string url = api_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/2010-04-01/Accounts/" + percent_encode(account_sid) + "/Messages.json";
}

std::string basic_authorization(const std::string& account_sid, const std::string& auth_token) {
    return "Authorization: Basic " + base64_encode(account_sid + ":" + auth_token);
}

std::string status_callback_for(const std::string& status_callback_url, const std::string& reference) {
    if (status_callback_url.empty() || reference.empty()) return status_callback_url;
    const char separator = status_callback_url.find('?') == std::string::npos ? '?' : '&';
    return status_callback_url + separator + kReferenceParameter + "=" + percent_encode(reference);
}

std::string message_form(const std::string& to, const std::string& from, const std::string& messaging_service_sid,
                         const std::string& body, const std::string& status_callback) {
    FormFields fields{{"To", to}};
    if (!messaging_service_sid.empty())
        fields.emplace_back("MessagingServiceSid", messaging_service_sid);
    else
        fields.emplace_back("From", from);
    fields.emplace_back("Body", body);
    if (!status_callback.empty()) fields.emplace_back("StatusCallback", status_callback);
    return form_encode(fields);
}

DeliveryOutcome classify_response(long http_status, const std::string& body, const Secrets& secrets) {
    return annotated(read_response(http_status, body, secrets), http_status);
}

DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent, const Secrets& secrets,
                                           bool error_cut) {
    return annotated(unanswered_request(error, request_sent, secrets, kMaxErrorText, error_cut), 0);
}

}  // namespace cart_abandon::twilio
