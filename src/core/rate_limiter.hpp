// Evenly spaced request starts: at most `per_second` in any one-second window, with no bursts.
// A run keeps one limiter across its batches.
#pragma once

#include <chrono>

namespace cart_abandon {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimiter(double per_second) { set_rate(per_second); }

    void set_rate(double per_second) {
        spacing_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_second));
    }

    // The earliest time the next request may start.
    Clock::time_point next_slot() const { return next_; }

    // Takes the next slot if it has come; false (and nothing taken) otherwise.
    bool try_acquire(Clock::time_point now) {
        if (now < next_) return false;
        // A limiter idle for a while does not bank slots: the next start is spaced from now.
        next_ = (now - next_ > spacing_ ? now : next_) + spacing_;
        return true;
    }

private:
    Clock::duration spacing_{};
    Clock::time_point next_{};
};

}  // namespace cart_abandon
