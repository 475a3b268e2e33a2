#include "core/rules/stage.hpp"

#include <algorithm>

namespace cart_abandon {

namespace {

bool may_attempt(const StageRecord& stage, int max_attempts) {
    return stage.state == StageState::None || (stage.state == StageState::Retry && stage.attempts < max_attempts);
}

}  // namespace

int due_stage(const CartTimeline& cart, const Timing& timing, Timestamp now) {
    const auto idle = now - cart.last_activity;
    // Outside the window: too fresh to be abandoned, or too old to remind (the old-cart guard
    // that keeps an install from messaging every historic cart).
    if (idle < timing.first_delay || idle > timing.max_age) return 0;

    if (may_attempt(cart.first, timing.max_attempts)) return 1;

    if (cart.first.state != StageState::Sent || !cart.first.sent_at) return 0;
    if (!may_attempt(cart.second, timing.max_attempts)) return 0;
    if (idle < timing.second_delay) return 0;
    // Keep the two reminders apart even when the first went out late (say, the job was down).
    if (now - *cart.first.sent_at < timing.second_delay - timing.first_delay) return 0;
    return 2;
}

bool stage_open(const LedgerStage& row, Timestamp last_change, int max_attempts, Timestamp now, bool consent_required) {
    if (!row.status) return true;
    if (*row.status == Status::Retry) return row.attempts < max_attempts;
    if (*row.status == Status::Held) return row.not_before && *row.not_before <= now;
    if (*row.status != Status::Skipped || !row.skip_reason) return false;
    const SkipReason reason = *row.skip_reason;
    if (lifted_by_change(reason) && (!row.cart_changed_at || last_change > *row.cart_changed_at)) return true;
    return reason == SkipReason::NoConsent && !consent_required;
}

bool selection_due(Timestamp last_activity, Timestamp last_change, const LedgerStage& first, const LedgerStage& second,
                   const Timing& timing, Timestamp now, bool consent_required) {
    if (last_activity < now - timing.max_age || last_activity > now - timing.first_delay) return false;
    if (stage_open(first, last_change, timing.max_attempts, now, consent_required)) return true;
    if (first.status != Status::Sent) return false;
    const Timestamp first_sent = first.sent_at.value_or(Timestamp::min());
    return first_sent <= now - (timing.second_delay - timing.first_delay) &&
           last_activity <= now - timing.second_delay &&
           stage_open(second, last_change, timing.max_attempts, now, consent_required);
}

bool selection_may_be_due(const LedgerStage& first, const LedgerStage& second, const Timing& timing, Timestamp now,
                          bool consent_required) {
    // stage_open only grows with the change; the first stage wants activity in the window, the
    // second also at least the second delay ago: the latest such time fits whenever any does.
    const Timestamp any_change = Timestamp::max();
    const Timestamp for_first = now - timing.first_delay;
    const Timestamp for_second = now - std::max(timing.first_delay, timing.second_delay);
    return selection_due(for_first, any_change, first, second, timing, now, consent_required) ||
           selection_due(for_second, any_change, first, second, timing, now, consent_required);
}

}  // namespace cart_abandon
