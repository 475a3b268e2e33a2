#include "policy.hpp"

namespace cart_abandon {

namespace {

bool may_attempt(const StageRecord& stage, int max_attempts) {
    return stage.state == StageState::None ||
           (stage.state == StageState::Retry && stage.attempts < max_attempts);
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

}  // namespace cart_abandon
