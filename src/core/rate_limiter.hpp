// Evenly spaced request starts: at most `per_second` in any one-second window, with no bursts.
// A run keeps one limiter across its batches. The spacing is stretched by kWindowMargin per
// second so that the requests, arriving with a few milliseconds of jitter, still never put
// more than `per_second` into one second at the receiving end (the average is 2.4% under).
#pragma once

#include <algorithm>
#include <chrono>

namespace cart_abandon {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kWindowMargin{25};
    static constexpr std::chrono::milliseconds kCatchUp{10};

    explicit RateLimiter(double per_second) { set_rate(per_second); }

    void set_rate(double per_second) {
        const std::chrono::duration<double> second_with_margin = std::chrono::seconds(1) + kWindowMargin;
        spacing_ = std::chrono::duration_cast<Clock::duration>(second_with_margin / per_second);
    }

    // The earliest time the next request may start.
    Clock::time_point next_slot() const { return next_; }
    Clock::duration spacing() const { return spacing_; }

    // Takes the next slot if it has come; false (and nothing taken) otherwise.
    bool try_acquire(Clock::time_point now) {
        if (now < next_) return false;
        // Slots missed while the caller was busy (it polls about every millisecond; at 10,000/s
        // that is ten slots) are taken now, up to kCatchUp (or one spacing) late; a limiter idle
        // for longer does not bank a burst: the next start is spaced from now.
        const Clock::duration catch_up = std::max<Clock::duration>(spacing_, kCatchUp);
        next_ = (now - next_ > catch_up ? now : next_) + spacing_;
        return true;
    }

private:
    Clock::duration spacing_{};
    Clock::time_point next_{};
};

}  // namespace cart_abandon
