// Evenly spaced request starts: at most `per_second` in any one-second window, with no bursts.
// A run keeps one limiter across its batches. The spacing is stretched by kWindowMargin per
// second so that the requests, arriving with a few milliseconds of jitter, still never put
// more than `per_second` into one second at the receiving end (the average is 2.4% under).
//
// Several limiters may share one next start (share()): every caller sending from the same number
// takes its starts from one sequence, in this process or, when the atomic lives in shared memory,
// in any process. A start is taken with a compare-and-swap, so nothing is reserved ahead: a
// caller that stops wastes no slot.
#pragma once

#include "core/no_postgres.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cart_abandon {

// The next start of a sequence, in steady-clock nanoseconds (the same clock in every process of
// the machine). Lock-free, so that it works in shared memory and from any thread.
using SharedNextStart = std::atomic<int64_t>;
static_assert(SharedNextStart::is_always_lock_free, "the next start must be lock-free to live in shared memory");

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kWindowMargin{25};
    static constexpr std::chrono::milliseconds kCatchUp{10};
    static constexpr double kSlowestRate = 1.0 / 3600;  // a lower (or no) rate is held to one an hour

    explicit RateLimiter(double per_second) { set_rate(per_second); }

    void set_rate(double per_second);

    // Takes starts from `next` from now on (nullptr: a sequence of this limiter's own). Each
    // start keeps the sequence's next one at least this limiter's spacing away: limiters with
    // different rates sharing it never exceed the highest rate together, nor each its own.
    void share(SharedNextStart* next) { shared_ = next; }
    bool shared() const { return shared_ != nullptr; }

    // The earliest time the next request may start.
    Clock::time_point next_slot() const;
    Clock::duration spacing() const { return spacing_; }

    // Takes the next slot if it has come; false (and nothing taken) otherwise.
    bool try_acquire(Clock::time_point now);

    // No start before `at` in the sequence (shared or not): an account-level rate limit holds
    // every caller sending from the number, not just the one that met it. Never moves it earlier.
    void hold_until(Clock::time_point at);

private:
    SharedNextStart& sequence() const { return shared_ ? *shared_ : own_; }

    Clock::duration spacing_{};
    mutable SharedNextStart own_{0};  // the sequence when not shared: one code path for both
    SharedNextStart* shared_ = nullptr;
};

// The slot taken at `now` when the sequence's next start is `next`, and the next start after it;
// false when the next start has not come. Slots missed while the caller was busy (it polls about
// every millisecond; at 10,000/s that is ten slots) are taken now, up to kCatchUp late; a sequence
// idle for longer does not bank a burst: the next start is spaced from now. So every start is at
// most kCatchUp after its slot, and slots are a spacing apart: a one-second window holds at most
// (1 s + kCatchUp) / spacing starts, under the rate thanks to kWindowMargin. (Catching up a whole
// spacing would let a poll late by almost one put rate + 1 into a window at low rates.)
// All in nanoseconds of the steady clock.
bool next_start_after(int64_t next, int64_t now, int64_t spacing, int64_t& following);

}  // namespace cart_abandon
