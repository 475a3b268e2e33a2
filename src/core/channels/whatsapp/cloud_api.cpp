#include "core/channels/whatsapp/cloud_api.hpp"

#include "core/channels/whatsapp/errors.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

namespace cart_abandon {

namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string whatsapp_messages_url(const std::string& api_url, const std::string& phone_number_id,
                                  const std::string& endpoint) {
    std::string url = api_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/" + phone_number_id + "/" + endpoint;
}

std::string whatsapp_payload(const Notification& message) {
    json parameters = json::array();
    for (const auto& text : message.data) parameters.push_back({{"type", "text"}, {"text", text}});
    json payload = {
        {"messaging_product", "whatsapp"},
        {"recipient_type", "individual"},
        {"to", message.to},
        {"type", "template"},
        {"template",
         {{"name", message.template_name},
          {"language", {{"code", message.language}}},
          {"components", json::array({{{"type", "body"}, {"parameters", parameters}}})}}},
    };
    if (!message.reference.empty()) payload["biz_opaque_callback_data"] = message.reference;
    // Invalid UTF-8 is replaced rather than thrown on: a bad name must not break the request.
    return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

DeliveryOutcome read_response(long http_status, const std::string& body, const Secrets& secrets) {
    DeliveryOutcome outcome;
    const auto parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const bool is_object = !parsed.is_discarded() && parsed.is_object();

    if (http_status >= 200 && http_status < 300) {
        if (is_object) {
            const auto messages = parsed.find("messages");
            if (messages != parsed.end() && messages->is_array() && !messages->empty() &&
                messages->front().is_object()) {
                outcome.provider_message_id = string_at(messages->front(), "id");
                if (holds_secret(outcome.provider_message_id, secrets)) outcome.provider_message_id.clear();
                outcome.message_status =
                    recordable(string_at(messages->front(), "message_status"), secrets, kMaxErrorText);
            }
            const auto contacts = parsed.find("contacts");
            if (contacts != parsed.end() && contacts->is_array() && !contacts->empty() &&
                contacts->front().is_object()) {
                outcome.provider_recipient_id = string_at(contacts->front(), "wa_id");
                if (holds_secret(outcome.provider_recipient_id, secrets)) outcome.provider_recipient_id.clear();
            }
        }
        return success_answer(std::move(outcome), http_status);  // without an id Meta may have accepted it
    }

    if (is_object) {
        const auto error = parsed.find("error");
        if (error != parsed.end() && error->is_object()) {
            const auto code = error->find("code");
            if (code != error->end() && code->is_number_integer()) {
                outcome.error_code = code->get<long>();
                const auto subcode = error->find("error_subcode");
                if (subcode != error->end() && subcode->is_number_integer())
                    outcome.error_subcode = subcode->get<long>();
                outcome.kind = classify_error_code(outcome.error_code, outcome.error_subcode);
                // 100 as a GraphMethodException is the call's, not the message's (a missing or
                // wrong appsecret_proof, an object the token cannot use): every request gets it.
                if (outcome.error_code == 100 && string_at(*error, "type") == "GraphMethodException")
                    outcome.kind = OutcomeKind::ChannelFatal;
                outcome.recipient_opted_out = outcome.error_code == 131050;
                std::string text = string_at(*error, "message");
                if (text.empty()) text = "error " + std::to_string(outcome.error_code);
                const std::string trace = string_at(*error, "fbtrace_id");
                if (!trace.empty()) text += " (fbtrace_id " + trace + ")";
                // Redacted before it is cut: a token echoed across the cut leaves nothing.
                outcome.error_text = recordable(std::move(text), secrets, kMaxErrorText);
                return outcome;
            }
        }
    }

    // No error code to go by: fall back on the HTTP status.
    outcome.error_text = "HTTP " + std::to_string(http_status) + " without a WhatsApp error code";
    if (http_status >= 500 || http_status == 429 || http_status == 408)
        outcome.kind = OutcomeKind::Transient;
    else if (http_status == 401 || http_status == 403 || http_status == 404)
        outcome.kind = OutcomeKind::ChannelFatal;  // wrong credentials or URL: every request fails alike
    else
        outcome.kind = OutcomeKind::Permanent;
    return outcome;
}

constexpr std::chrono::milliseconds kPairRateSpacing{6000};  // Meta: about one message every 6 s to one user

// What Meta's table says of the answer beyond its kind (core/delivery/outcome.hpp).
DeliveryOutcome annotated(DeliveryOutcome o) {
    o.account_throttled = is_account_rate_limit(o);
    o.ambiguous_code = o.kind == OutcomeKind::Permanent && is_ambiguous_code(o.error_code);
    o.unlisted_code = is_unlisted_failure(o);
    if (o.error_code == 131056) o.recipient_spacing = kPairRateSpacing;
    if (o.kind == OutcomeKind::Deferred) o.hold_seconds = kDeferralSeconds;
    if (o.kind == OutcomeKind::CountryRestricted) o.hold_seconds = kCountryRestrictionSeconds;
    if (o.kind != OutcomeKind::Sent) o.public_summary = error_summary(o.error_code);
    return o;
}

}  // namespace

DeliveryOutcome classify_response(long http_status, const std::string& body, const Secrets& secrets) {
    return annotated(read_response(http_status, body, secrets));
}

DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent, const Secrets& secrets,
                                           bool error_cut) {
    return annotated(unanswered_request(error, request_sent, secrets, kMaxErrorText, error_cut));
}

}  // namespace cart_abandon
