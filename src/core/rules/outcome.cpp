#include "core/rules/outcome.hpp"

#include <chrono>

namespace cart_abandon {

Judgement judge_outcome(const Decision& d, const ClaimedStage& claim, const DeliveryOutcome& o,
                        const OutcomeContext& context) {
    Judgement j;
    Outcome& out = j.ledger;
    out.cart_id = d.cart->cart_id;
    out.stage = d.stage;
    // An unlisted code's first answer for this stage spends no attempt.
    const bool unlisted = o.kind == OutcomeKind::Permanent && o.unlisted_code;
    const bool free_retry = (unlisted && !claim.unlisted_before) || o.kind == OutcomeKind::CountryRestricted;
    out.attempts_added = attempts_spent(o, free_retry);
    out.write_metadata = o.attempted;
    if (!o.error_text.empty()) out.error_message = o.error_text;
    // Cart metadata is public (Medusa's Store API): the provider's code and a fixed text, nothing more.
    if (o.kind != OutcomeKind::Sent) out.metadata_error = o.public_summary.empty() ? kNoCodeSummary : o.public_summary;
    if (o.error_code) out.error_code = o.error_code;
    const bool attempts_left = claim.attempts + out.attempts_added < context.max_attempts;
    switch (o.kind) {
        case OutcomeKind::Sent:
            out.status = Status::Sent;
            j.action = Action::Sent;
            out.provider_message_id = o.provider_message_id;
            if (!o.provider_recipient_id.empty()) out.provider_recipient_id = o.provider_recipient_id;
            if (!o.message_status.empty()) out.message_status = o.message_status;
            break;
        case OutcomeKind::Deferred:
            // The provider asks for a wait before this person is tried again (Meta's 131049: 24 h);
            // the attempt counts.
            if (attempts_left) {
                out.status = Status::Held;
                j.action = Action::Held;
                out.hold_reason = HoldReason::MetaMarketingCap;
                out.not_before = context.now + std::chrono::seconds(o.hold_seconds);
            } else {
                out.status = Status::Failed;
                j.action = Action::Failed;
            }
            break;
        case OutcomeKind::Transient:
            if (!o.attempted && context.channel_halted) out.error_message = "not sent: " + context.halt_reason;
            out.status = attempts_left ? Status::Retry : Status::Failed;
            j.action = attempts_left ? Action::Retry : Action::Failed;
            break;
        case OutcomeKind::Permanent:
            out.status = free_retry ? Status::Retry : Status::Failed;
            j.action = free_retry ? Action::Retry : Action::Failed;
            out.unlisted_answer = free_retry;
            if (free_retry) out.error_message = "error code not in Meta's table, retried once: " + o.error_text;
            break;
        case OutcomeKind::CountryRestricted:
            // The provider refuses the business in this country (Meta's 130497): that country's carts
            // wait, the channel goes on; the cart's own record stays clean.
            out.status = Status::Held;
            j.action = Action::Held;
            out.hold_reason = HoldReason::CountryRestricted;
            out.not_before = context.now + std::chrono::seconds(o.hold_seconds);
            out.write_metadata = false;
            break;
        case OutcomeKind::ChannelFatal:
            // Not this cart's fault: it keeps its attempts and its metadata stays clean.
            out.status = Status::Retry;
            j.action = Action::Retry;
            out.attempts_added = 0;
            out.write_metadata = false;
            break;
        case OutcomeKind::Unknown:
            out.status = Status::Unknown;
            j.action = Action::Failed;
            out.error_message = "outcome unknown, not resent: " + o.error_text;
            break;
    }
    return j;
}

}  // namespace cart_abandon
