#include "core/delivery/rate_limiter.hpp"

namespace cart_abandon {

namespace {

int64_t nanoseconds(RateLimiter::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

bool next_start_after(int64_t next, int64_t now, int64_t spacing, int64_t& following) {
    if (now < next) return false;
    const int64_t catch_up = std::chrono::nanoseconds(RateLimiter::kCatchUp).count();
    following = (now - next > catch_up ? now : next) + spacing;
    return true;
}

void RateLimiter::set_rate(double per_second) {
    // A rate of 0, below, or NaN would make the spacing infinite, which no duration holds.
    if (!(per_second >= kSlowestRate)) per_second = kSlowestRate;
    const std::chrono::duration<double> second_with_margin = std::chrono::seconds(1) + kWindowMargin;
    spacing_ = std::chrono::duration_cast<Clock::duration>(second_with_margin / per_second);
}

RateLimiter::Clock::time_point RateLimiter::next_slot() const {
    const int64_t next = sequence().load(std::memory_order_relaxed);
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(next)));
}

bool RateLimiter::try_acquire(Clock::time_point now) {
    const int64_t at = nanoseconds(now);
    const int64_t spacing = std::chrono::duration_cast<std::chrono::nanoseconds>(spacing_).count();
    int64_t following = 0;
    // Another caller sharing the sequence may take the same slot first: then the next one is
    // judged afresh. (A sequence of this limiter's own never loses the exchange.)
    SharedNextStart& next_start = sequence();
    int64_t next = next_start.load(std::memory_order_relaxed);
    do {
        if (!next_start_after(next, at, spacing, following)) return false;
    } while (!next_start.compare_exchange_weak(next, following, std::memory_order_relaxed));
    return true;
}

void RateLimiter::hold_until(Clock::time_point at) {
    const int64_t until = nanoseconds(at);
    SharedNextStart& next_start = sequence();
    int64_t next = next_start.load(std::memory_order_relaxed);
    while (next < until && !next_start.compare_exchange_weak(next, until, std::memory_order_relaxed)) {}
}

}  // namespace cart_abandon
