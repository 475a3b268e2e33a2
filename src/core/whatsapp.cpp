#include "whatsapp.hpp"

#include "core/message.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

namespace cart_abandon {

namespace {

using nlohmann::json;

OutcomeKind kind_for_code(long code, long subcode) {
    switch (code) {
        case 130429:  // throughput cap
        case 131056:  // pair rate limit (this recipient only)
        case 4: case 17: case 32: case 613: case 80007:  // Graph's app / user / page / per-call / account limits
        case 1: case 2: case 131000: case 131016: case 133004:  // temporary service errors
        case 131057:  // account in maintenance
            return OutcomeKind::Transient;
        case 190:  // token expired or invalid
        case 0: case 3: case 10: case 131005:  // auth / permission
        case 368: case 131031: case 131042: case 131048:  // blocked, locked, billing, spam rate
        case 131045: case 133010:  // business number not registered
        // Template and account configuration: the same answer for every message.
        case 132000: case 132001: case 132005: case 132007: case 132012: case 132015: case 132016: case 132018:
        case 131063:  // marketing disabled on /messages: use the Marketing Messages API
        case 131064:  // account-wide limit after template-category violations
        case 131037:  // the display name of a 555 number is not approved yet
            return OutcomeKind::ChannelFatal;
        case 130497:  // the business may not message users in the recipient's country
            return OutcomeKind::CountryRestricted;
        case 100:
            // GraphMethodException subcode 33: the phone-number id does not exist for this token.
            return subcode == 33 ? OutcomeKind::ChannelFatal : OutcomeKind::Permanent;
        case 131049:  // Meta's per-user marketing cap: not delivered, wait at least 24 h
            return OutcomeKind::Deferred;
        default:
            if (code >= 200 && code <= 299) return OutcomeKind::ChannelFatal;  // permission family
            // 131026, 131021, 130472, 131047, 131050, 131008, 131009, 131062 (a BSUID recipient
            // this message cannot go to), 137000 (the recipient's identity key changed: the number
            // may be someone else's now, so never resent) and anything new: retrying the same
            // request would not change Meta's answer. (A code not in the table is retried once
            // by the ledger: is_listed_code.)
            return OutcomeKind::Permanent;
    }
}

std::string string_at(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

OutcomeKind classify_error_code(long code, long subcode) { return kind_for_code(code, subcode); }

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
        if (!outcome.provider_message_id.empty()) {
            outcome.kind = OutcomeKind::Sent;
            return outcome;
        }
        // A 2xx may mean Meta accepted the message; resending could message the shopper twice.
        outcome.kind = OutcomeKind::Unknown;
        outcome.error_text = "HTTP " + std::to_string(http_status) + " without a message id in the answer";
        return outcome;
    }

    if (is_object) {
        const auto error = parsed.find("error");
        if (error != parsed.end() && error->is_object()) {
            const auto code = error->find("code");
            if (code != error->end() && code->is_number_integer()) {
                outcome.error_code = code->get<long>();
                const auto subcode = error->find("error_subcode");
                if (subcode != error->end() && subcode->is_number_integer()) outcome.error_subcode = subcode->get<long>();
                outcome.kind = kind_for_code(outcome.error_code, outcome.error_subcode);
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
    DeliveryOutcome outcome;
    outcome.kind = request_sent ? OutcomeKind::Unknown : OutcomeKind::Transient;
    outcome.error_text = recordable((request_sent ? "no complete answer after the request was sent: "
                                                  : "request not sent: ") + error,
                                    secrets, kMaxErrorText, error_cut);
    return annotated(std::move(outcome));
}

std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook) {
    return "channel paused by error " + std::to_string(code) + (by_webhook ? " (a status webhook): " : ": ") +
           error_text;
}

bool is_ambiguous_code(long code) {
    switch (code) {
        case 100: case 131008: case 131009: case 135000:
            return true;
        // Meta's answers about this recipient or this message alone.
        case 131026: case 131021: case 130472: case 131047: case 131049: case 131050: case 137000:
            return false;
        default:
            // Anything Meta's table does not name: treated like a parameter error.
            return kind_for_code(code, 0) == OutcomeKind::Permanent;
    }
}

std::string channel_pause_advice(long code, long subcode) {
    switch (code) {
        case 131063:
            return "Marketing templates are disabled on /messages for this number: set "
                   "cart_abandon.whatsapp_endpoint = 'marketing_messages' (the Marketing Messages API) where the "
                   "runs read it (postgresql.conf, or ALTER DATABASE ... SET).";
        case 131064:
            return "Meta limits the account after template-category violations until the enforcement period "
                   "ends; the next run probes again.";
        case 131037:
            return "Meta has not approved the display name of this 555 number yet: check its status in WhatsApp "
                   "Manager (Phone numbers > Name); the next run probes again once it is approved.";
        case 132018:
            return "A template parameter holds a newline, a tab or more than 4 spaces in a row: check "
                   "cart_abandon.cart_url and default_customer_name.";
        case 132015:
            return "Meta paused the template for low quality (3 h, then 6 h); the next run probes again.";
        case 132016:
            return "Meta disabled the template: set cart_abandon.template_first/_second to an approved one.";
        case 132001:
            return "No approved template of that name in that language: check cart_abandon.template_first, "
                   "template_second and template_language against WhatsApp Manager.";
        case 100:
            if (subcode == 33)
                return "Meta does not know this phone-number id for this token: check "
                       "cart_abandon.whatsapp_phone_number_id.";
            return "Every request got error 100: when Meta's text names appsecret_proof, the app requires it "
                   "(set cart_abandon.whatsapp_app_secret_file); else check the templates' parameters against "
                   "WhatsApp Manager, cart_abandon.cart_url and default_customer_name.";
        case 190:
            return "The access token expired or is invalid: replace it (cart_abandon.whatsapp_token_file, or "
                   "cart_abandon.whatsapp_token).";
        default:
            break;
    }
    if (is_ambiguous_code(code))
        return "Every request got the same error: check the templates' parameters against WhatsApp Manager, "
               "cart_abandon.cart_url and default_customer_name.";
    return "";
}

bool is_account_rate_limit(const DeliveryOutcome& outcome) {
    switch (outcome.error_code) {
        case 130429: case 4: case 17: case 32: case 613: case 80007: return true;
        case 0: return outcome.kind == OutcomeKind::Transient && outcome.error_text.rfind("HTTP 429", 0) == 0;
        default: return false;
    }
}

bool is_listed_code(long code) {
    switch (code) {
        case 0: case 1: case 2: case 3: case 4: case 10: case 17: case 32: case 100: case 190: case 368: case 613:
        case 80007:
        case 130429: case 130472: case 130497:
        case 131000: case 131005: case 131008: case 131009: case 131016: case 131021: case 131026: case 131031:
        case 131037: case 131042: case 131045: case 131047: case 131048: case 131049: case 131050: case 131056:
        case 131057: case 131062: case 131063: case 131064:
        case 132000: case 132001: case 132005: case 132007: case 132012: case 132015: case 132016: case 132018:
        case 133004: case 133010: case 135000: case 137000:
            return true;
        default:
            return code >= 200 && code <= 299;
    }
}

bool is_unlisted_failure(const DeliveryOutcome& outcome) {
    return outcome.kind == OutcomeKind::Permanent && outcome.error_code != 0 && !is_listed_code(outcome.error_code);
}


}  // namespace cart_abandon
