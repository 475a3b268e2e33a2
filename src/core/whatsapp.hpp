// The WhatsApp Cloud API as a sender sees it: the template request, and what each answer means
// (see shared/reference/whatsapp-cloud-api.md for the error-code table followed here).
#pragma once

#include <string>
#include <vector>

namespace cart_abandon {

struct TemplateMessage {
    std::string to_e164;  // with the leading '+'
    std::string template_name;
    std::string language;
    std::vector<std::string> body_parameters;  // fill {{1}}, {{2}}, ... in order
};

// POST target: {api_url}/{phone_number_id}/messages
std::string whatsapp_messages_url(const std::string& api_url, const std::string& phone_number_id);

std::string whatsapp_payload(const TemplateMessage& message);

enum class OutcomeKind {
    Sent,          // accepted: keep the wamid
    Transient,     // nothing was sent; a later attempt may succeed
    Permanent,     // this stage of this cart will never succeed on this channel
    ChannelFatal,  // every later request fails too (token, account, permissions): stop the run
    Unknown,       // the request may have been accepted; never resend automatically
};

const char* outcome_kind_name(OutcomeKind kind);

struct DeliveryOutcome {
    OutcomeKind kind = OutcomeKind::Unknown;
    std::string wamid;
    std::string wa_id;
    long error_code = 0;      // Meta's error.code, 0 when there was none
    std::string error_text;   // short, for the ledger and the result row; never holds the token
    bool recipient_opted_out = false;  // 131050: the number goes on the opt-out list
    bool attempted = true;  // false when no request was made (sending halted or stopped first)
    int attempts = 0;       // requests made for it in this call
    long retry_after_seconds = -1;  // the answer's Retry-After, when it had one
};

// Rate limits on the whole sending account (not on one recipient): every send should wait.
bool is_account_rate_limit(const DeliveryOutcome& outcome);

// Classifies a complete HTTP answer by Meta's error.code first, then by HTTP status.
DeliveryOutcome classify_response(long http_status, const std::string& body);

// Classifies a request that got no complete HTTP answer. `request_sent` says whether the whole
// request left this machine: if it did, Meta may have acted on it, so the outcome is unknown.
DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent);

// Replaces every occurrence of `secret` in `text`, so that no recorded text can carry the token.
std::string redact(std::string text, const std::string& secret);

}  // namespace cart_abandon
