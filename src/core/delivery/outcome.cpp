#include "core/delivery/outcome.hpp"

#include <algorithm>

namespace cart_abandon {

const char* outcome_kind_name(OutcomeKind kind) {
    switch (kind) {
        case OutcomeKind::Sent: return "sent";
        case OutcomeKind::Transient: return "transient";
        case OutcomeKind::Permanent: return "permanent";
        case OutcomeKind::Deferred: return "deferred";
        case OutcomeKind::ChannelFatal: return "channel_fatal";
        case OutcomeKind::CountryRestricted: return "country_restricted";
        case OutcomeKind::Unknown: return "unknown";
    }
    return "unknown";
}

int attempts_spent(const DeliveryOutcome& outcome, bool free_retry) {
    if (!outcome.attempted) return 0;
    return std::max(0, outcome.attempts - outcome.throttled - (free_retry ? 1 : 0));
}

DeliveryOutcome success_answer(DeliveryOutcome outcome, long http_status) {
    if (!outcome.provider_message_id.empty()) {
        outcome.kind = OutcomeKind::Sent;
        return outcome;
    }
    outcome.kind = OutcomeKind::Unknown;
    outcome.error_text = "HTTP " + std::to_string(http_status) + " without a message id in the answer";
    return outcome;
}

DeliveryOutcome unanswered_request(const std::string& error, bool request_sent, const Secrets& secrets,
                                   std::size_t max_bytes, bool error_cut) {
    DeliveryOutcome outcome;
    outcome.kind = request_sent ? OutcomeKind::Unknown : OutcomeKind::Transient;
    outcome.error_text =
        recordable((request_sent ? "no complete answer after the request was sent: " : "request not sent: ") + error,
                   secrets, max_bytes, error_cut);
    return outcome;
}

}  // namespace cart_abandon
