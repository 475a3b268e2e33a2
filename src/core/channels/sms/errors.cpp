#include "core/channels/sms/errors.hpp"

namespace cart_abandon::twilio {

namespace {

struct Entry {
    long code;
    OutcomeKind kind;
    const char* meaning;
};

// Twilio's error dictionary, the codes an SMS sender meets.
constexpr Entry kTable[] = {
    {20003, OutcomeKind::ChannelFatal, "authentication failed"},
    {20404, OutcomeKind::ChannelFatal, "account or Messaging Service not found"},
    {20429, OutcomeKind::Transient, "too many requests"},
    {21211, OutcomeKind::Permanent, "invalid 'To' number"},
    {21212, OutcomeKind::ChannelFatal, "invalid 'From' number"},
    {21408, OutcomeKind::CountryRestricted, "SMS to this region not enabled"},
    {21606, OutcomeKind::ChannelFatal, "'From' number cannot send this message"},
    {21610, OutcomeKind::Permanent, "recipient unsubscribed (STOP)"},
    {21614, OutcomeKind::Permanent, "'To' is not a mobile number"},
    {30001, OutcomeKind::Transient, "queue overflow"},
    {30002, OutcomeKind::ChannelFatal, "account suspended"},
    {30003, OutcomeKind::Transient, "unreachable handset"},
    {30004, OutcomeKind::Permanent, "message blocked"},
    {30005, OutcomeKind::Permanent, "unknown destination handset"},
    {30006, OutcomeKind::Permanent, "landline or unreachable carrier"},
    {30007, OutcomeKind::Permanent, "filtered by the carrier"},
    {30008, OutcomeKind::Transient, "unknown delivery error"},
    {30032, OutcomeKind::ChannelFatal, "toll-free number not verified"},
    {30034, OutcomeKind::ChannelFatal, "unregistered US A2P 10DLC number"},
};

const Entry* entry_of(long code) {
    for (const Entry& entry : kTable)
        if (entry.code == code) return &entry;
    return nullptr;
}

}  // namespace

OutcomeKind classify_error_code(long code) {
    const Entry* entry = entry_of(code);
    return entry ? entry->kind : OutcomeKind::Permanent;
}

bool is_listed_code(long code) { return entry_of(code) != nullptr; }

bool is_recipient_code(long code) {
    switch (code) {
        case 21211:
        case 21610:
        case 21614:
        case 30003:
        case 30004:
        case 30005:
        case 30006:
        case 30007: return true;
        default: return false;
    }
}

bool is_account_rate_limit(const DeliveryOutcome& outcome, long http_status) {
    return outcome.error_code == 20429 || (outcome.error_code == 0 && http_status == 429);
}

FailureAction failure_action(long code) {
    if (code == 21610) return FailureAction::OptOut;
    if (!is_listed_code(code)) return FailureAction::Recheck;
    switch (classify_error_code(code)) {
        case OutcomeKind::Transient:
        case OutcomeKind::CountryRestricted: return FailureAction::Retry;
        case OutcomeKind::ChannelFatal: return FailureAction::Pause;
        default: return FailureAction::Close;
    }
}

std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook) {
    return "SMS channel paused by Twilio error " + std::to_string(code) +
           (by_webhook ? " (a status callback): " : ": ") + error_text;
}

std::string channel_pause_advice(long code) {
    switch (code) {
        case 20003:
            return "Twilio refused the credentials: check the account SID and the auth token (a rotated auth "
                   "token replaces the old one).";
        case 20404:
            return "Twilio knows no such account or Messaging Service: check the account SID and the Messaging "
                   "Service SID.";
        case 21212:
            return "The From number is not a valid phone number: set it in E.164 (+15550001234), or send through "
                   "a Messaging Service SID.";
        case 21606:
            return "The From number cannot send SMS to these numbers: use an SMS-capable number of this account, "
                   "or a Messaging Service whose sender pool can.";
        case 30002: return "Twilio suspended the account: see the account's status in Twilio's console.";
        case 30032: return "The toll-free From number is not verified: complete toll-free verification in Twilio.";
        case 30034:
            return "US carriers block messages from a 10DLC number not registered for A2P 10DLC: register the "
                   "brand and campaign, and add the number to it.";
        default: return "";
    }
}

std::string error_summary(long code) {
    if (code == 0) return kNoCodeSummary;
    std::string summary = "Twilio error " + std::to_string(code);
    if (const Entry* entry = entry_of(code)) summary.append(": ").append(entry->meaning);
    return summary;
}

}  // namespace cart_abandon::twilio
