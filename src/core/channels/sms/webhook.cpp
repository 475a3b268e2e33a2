#include "core/channels/sms/webhook.hpp"

#include "core/channels/sms/errors.hpp"
#include "core/channels/sms/form.hpp"
#include "core/channels/sms/messages_api.hpp"
#include "core/channels/whatsapp/opt_out_text.hpp"
#include "core/delivery/reference.hpp"

namespace cart_abandon::twilio {

namespace {

constexpr std::size_t kMaxFieldBytes = 256;

bool is_printable_ascii(const std::string& text) {
    if (text.size() > kMaxFieldBytes) return false;
    for (char c : text)
        if (c < 0x20 || c > 0x7E) return false;
    return true;
}

bool is_sid(const std::string& text) {
    if (text.size() != 34 || text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' || text[1] > 'Z') return false;
    for (std::size_t i = 2; i < text.size(); ++i)
        if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f'))) return false;
    return true;
}

std::optional<ProviderStatus> provider_status(const std::string& word) {
    if (word == "sent") return ProviderStatus::Sent;
    if (word == "delivered") return ProviderStatus::Delivered;
    if (word == "read") return ProviderStatus::Read;
    if (word == "undelivered" || word == "failed") return ProviderStatus::Failed;
    return std::nullopt;
}

// Reads fields of a form; `problem` keeps why the first field that could not be kept could not.
struct Reader {
    const FormFields& fields;
    const Secrets& secrets;
    std::string problem;

    std::string text(const char* name, bool required = false) {
        const std::string* value = form_value(fields, name);
        const char* fault = nullptr;
        if (!value || value->empty())
            fault = required ? " is missing" : nullptr;
        else if (!is_printable_ascii(*value))
            fault = " is not printable ASCII of at most 256 bytes";
        else if (holds_secret(*value, secrets))
            fault = " holds a secret";
        if (!fault && value) return *value;
        if (fault && problem.empty()) problem = name + std::string(fault);
        return {};
    }

    std::string sid(const char* name, bool required = false) {
        std::string value = text(name, required);
        if (!value.empty() && !is_sid(value)) {
            if (problem.empty()) problem = std::string(name) + " is not a Twilio sid";
            value.clear();
        }
        return value;
    }
};

std::string reference_of(const std::string& url) {
    const auto query = url.find('?');
    if (query == std::string::npos) return {};
    const FormFields parameters = form_decode(url.substr(query + 1, url.find('#') - query - 1));
    const std::string* value = form_value(parameters, kReferenceParameter);
    return value ? *value : std::string();
}

// The item read, or why it could not be.
template <typename Item>
TwilioWebhook finished(const Reader& reader, Item item, std::optional<Item> TwilioWebhook::*slot, const char* what) {
    TwilioWebhook webhook;
    if (reader.problem.empty())
        webhook.*slot = std::move(item);
    else
        webhook.unreadable = what + reader.problem;
    return webhook;
}

TwilioWebhook read_status(Reader& reader, const std::string& url) {
    StatusCallback callback;
    callback.message_sid = reader.sid("MessageSid", true);
    callback.message_status = reader.text("MessageStatus", true);
    callback.to = reader.text("To");
    callback.from = reader.text("From");
    callback.messaging_service_sid = reader.sid("MessagingServiceSid");
    const std::string code = reader.text("ErrorCode");
    if (!code.empty() && code.size() <= 9 && code.find_first_not_of("0123456789") == std::string::npos) {
        callback.error_code = std::stol(code);
        callback.has_error_code = true;
    }
    callback.status = provider_status(callback.message_status);
    callback.reference = reference_of(url);
    return finished(reader, std::move(callback), &TwilioWebhook::status, "status callback: ");
}

TwilioWebhook read_inbound(Reader& reader, const std::string& body) {
    InboundMessage message;
    message.message_sid = reader.sid("MessageSid", true);
    message.from = reader.text("From", true);
    message.to = reader.text("To");
    message.messaging_service_sid = reader.sid("MessagingServiceSid");
    message.keyword = twilio_keyword(body);
    const std::string type = reader.text("OptOutType");
    message.opts_out = message.keyword == ReplyKeyword::OptOut || type == "STOP" || is_opt_out_text(body);
    message.opts_in = !message.opts_out && (message.keyword == ReplyKeyword::OptIn || type == "START");
    return finished(reader, std::move(message), &TwilioWebhook::inbound, "inbound message: ");
}

}  // namespace

TwilioWebhook parse_webhook(const std::string& url, const std::string& body, const Secrets& secrets) {
    const FormFields fields = form_decode(body);
    Reader reader{fields, secrets, {}};
    if (form_value(fields, "MessageStatus")) return read_status(reader, url);
    if (const std::string* text = form_value(fields, "Body")) return read_inbound(reader, *text);
    TwilioWebhook webhook;
    webhook.unreadable = "neither MessageStatus (a status callback) nor Body (an inbound message)";
    return webhook;
}

StatusEvent status_event(const StatusCallback& callback, Timestamp received_at) {
    StatusEvent event;
    event.provider_message_id = callback.message_sid;
    event.status = callback.status.value_or(ProviderStatus::Sent);
    event.at = received_at;
    event.recipient = callback.to;
    if (const auto reference = parse_message_reference(callback.reference)) {
        event.delivery_id = reference->delivery_id;
        event.claimed_at = Timestamp(Microseconds(reference->claimed_at_us));
    }
    if (event.status != ProviderStatus::Failed) return event;
    if (!callback.has_error_code) {
        event.action = FailureAction::Recheck;
        event.error_text = callback.message_status + " without an error code";
        event.metadata_error = error_summary(0);
    } else {
        event.action = failure_action(callback.error_code);
        event.error_code = callback.error_code;
        event.error_text = callback.message_status + ": " + error_summary(callback.error_code);
        event.metadata_error = error_summary(callback.error_code);
    }
    return event;
}

}  // namespace cart_abandon::twilio
