#include "core/channels/whatsapp/webhook_status.hpp"

#include <chrono>

#include "core/delivery/reference.hpp"
#include "core/content/message.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"

namespace cart_abandon {

FailureAction failure_action(long code) {
    if (code == 131050) return FailureAction::OptOut;
    if (!is_listed_code(code)) return FailureAction::Recheck;
    switch (classify_error_code(code)) {
        case OutcomeKind::Deferred: return FailureAction::Defer;
        case OutcomeKind::Transient:
        case OutcomeKind::CountryRestricted: return FailureAction::Retry;
        case OutcomeKind::ChannelFatal: return FailureAction::Pause;
        default: return FailureAction::Close;
    }
}

StatusEvent status_event(const StatusUpdate& s) {
    StatusEvent event;
    event.provider_message_id = s.wamid;
    event.status = s.status;
    event.at = Timestamp(std::chrono::seconds(s.timestamp));
    event.recipient = s.recipient_id;
    event.recipient_user_id = s.recipient_user_id;
    if (const auto callback = parse_message_reference(s.callback_data)) {
        event.delivery_id = callback->delivery_id;
        event.claimed_at = Timestamp(Microseconds(callback->claimed_at_us));
    }
    if (s.status != ProviderStatus::Failed) return event;
    if (!s.has_error_code) {
        event.action = FailureAction::Recheck;
        event.error_text = s.error_text.empty() ? "failed without an error code" : s.error_text;
        event.metadata_error = error_summary(0);
    } else {
        event.action = failure_action(s.error_code);
        event.error_code = s.error_code;
        event.error_text = s.error_text.empty() ? "error " + std::to_string(s.error_code) : s.error_text;
        event.metadata_error = error_summary(s.error_code);
    }
    return event;
}

}  // namespace cart_abandon
