#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/delivery/rate_limiter.hpp"

using namespace cart_abandon;
using namespace std::chrono_literals;

TEST(RateLimiter, SpacesStartsEvenlyWithAMargin) {
    RateLimiter limiter(80);
    EXPECT_EQ(limiter.spacing(), std::chrono::duration_cast<RateLimiter::Clock::duration>(12812500ns))
        << "80/s is one start every 1.025 s / 80";
    const auto t0 = RateLimiter::Clock::time_point(1s);
    EXPECT_TRUE(limiter.try_acquire(t0));
    EXPECT_FALSE(limiter.try_acquire(t0 + 12500us));
    EXPECT_TRUE(limiter.try_acquire(t0 + limiter.spacing()));
    EXPECT_EQ(limiter.next_slot(), t0 + 2 * limiter.spacing());
}

TEST(RateLimiter, ToleratesArrivalJitterOfTheMargin) {
    RateLimiter limiter(80);
    // The 81st start comes more than a second plus the margin after the first, so even if the
    // first arrives 25 ms late the two cannot share a one-second window.
    EXPECT_GE(80 * limiter.spacing(), 1s + RateLimiter::kWindowMargin);
}

TEST(RateLimiter, NeverMoreThanTheRateInAnyOneSecondWindow) {
    RateLimiter limiter(80);
    std::vector<RateLimiter::Clock::time_point> starts;
    auto now = RateLimiter::Clock::time_point(1s);
    for (int step = 0; step < 5000; ++step, now += 1ms)  // a caller polling every millisecond for 5 s
        while (limiter.try_acquire(now)) starts.push_back(now);
    std::size_t worst = 0;
    for (std::size_t i = 0, j = 0; i < starts.size(); ++i) {
        while (starts[i] - starts[j] >= 1s) ++j;
        worst = std::max(worst, i - j + 1);
    }
    EXPECT_LE(worst, 80u);
    EXPECT_GE(starts.size(), 390u) << "and keeps up the rate: 5 s at 80/s, less the 2.4% margin";
}

TEST(RateLimiter, DoesNotBankSlotsWhileIdle) {
    RateLimiter limiter(10);
    auto now = RateLimiter::Clock::time_point(1s);
    EXPECT_TRUE(limiter.try_acquire(now));
    now += 10s;  // idle
    EXPECT_TRUE(limiter.try_acquire(now));
    EXPECT_FALSE(limiter.try_acquire(now + 50ms)) << "no burst after idling";
}

TEST(RateLimiter, KeepsUpAHighRateForACallerPollingEveryMillisecond) {
    RateLimiter limiter(10000);
    std::vector<RateLimiter::Clock::time_point> starts;
    auto now = RateLimiter::Clock::time_point(1s);
    for (int step = 0; step < 2000; ++step, now += 1ms)  // 2 s
        while (limiter.try_acquire(now)) starts.push_back(now);
    std::size_t worst = 0;
    for (std::size_t i = 0, j = 0; i < starts.size(); ++i) {
        while (starts[i] - starts[j] >= 1s) ++j;
        worst = std::max(worst, i - j + 1);
    }
    EXPECT_GE(starts.size(), 19000u) << "the slots missed between two polls are taken at the next";
    EXPECT_LE(worst, 10000u);
}

namespace {

using Starts = std::vector<RateLimiter::Clock::time_point>;

std::size_t busiest_second(Starts starts) {
    std::sort(starts.begin(), starts.end());
    std::size_t worst = 0;
    for (std::size_t i = 0, j = 0; i < starts.size(); ++i) {
        while (starts[i] - starts[j] >= 1s) ++j;
        worst = std::max(worst, i - j + 1);
    }
    return worst;
}

// Callers polling in turn every millisecond for `duration`, each with its own limiter.
Starts poll_in_turn(std::vector<RateLimiter*> callers, std::chrono::milliseconds duration) {
    Starts starts;
    auto now = RateLimiter::Clock::time_point(1s);
    for (auto end = now + duration; now < end; now += 1ms)
        for (RateLimiter* caller : callers)
            while (caller->try_acquire(now)) starts.push_back(now);
    return starts;
}

}  // namespace

TEST(RateLimiter, APollLateByAlmostASpacingAddsNoStartToAWindow) {
    RateLimiter limiter(20);  // a start every 51.25 ms
    const auto t0 = RateLimiter::Clock::time_point(1s);
    Starts starts;
    ASSERT_TRUE(limiter.try_acquire(t0));
    // The next poll comes 50 ms after the slot (the sender was writing its start journal): the
    // missed slot is not taken 50 ms late, or 21 starts would follow within a second.
    auto now = t0 + limiter.spacing() + 50ms;
    for (auto end = now + 1100ms; now < end; now += 1ms)
        while (limiter.try_acquire(now)) starts.push_back(now);
    EXPECT_LE(busiest_second(starts), 20u);
}

TEST(RateLimiter, TwoCallersWithTheirOwnLimitersSendTwiceTheRate) {
    // What each call did on its own before the limit was shared: the reason for share().
    RateLimiter a(20), b(20);
    EXPECT_GE(busiest_second(poll_in_turn({&a, &b}, 3s)), 39u);
}

TEST(RateLimiter, CallersSharingANextStartKeepTheRateTogether) {
    SharedNextStart next{0};
    RateLimiter a(20), b(20), c(20);
    for (RateLimiter* limiter : {&a, &b, &c}) limiter->share(&next);
    const Starts starts = poll_in_turn({&a, &b, &c}, 5s);
    EXPECT_LE(busiest_second(starts), 20u);
    EXPECT_GE(starts.size(), 97u) << "5 s at 20/s, less the 2.4% margin";
}

TEST(RateLimiter, SharedWithDifferentRatesNeitherExceedsItsOwnNorTheHighest) {
    // Each start keeps the number for its own caller's spacing: while a slow caller sends, the
    // fast one slows down too (the number's rate lies between the two).
    SharedNextStart next{0};
    RateLimiter fast(100), slow(10);
    fast.share(&next);
    slow.share(&next);
    Starts fast_starts, slow_starts;
    auto now = RateLimiter::Clock::time_point(1s);
    for (int step = 0; step < 3000; ++step, now += 1ms) {  // they poll first in turn
        RateLimiter& first = step % 2 ? fast : slow;
        RateLimiter& second = step % 2 ? slow : fast;
        while (first.try_acquire(now)) (&first == &fast ? fast_starts : slow_starts).push_back(now);
        while (second.try_acquire(now)) (&second == &fast ? fast_starts : slow_starts).push_back(now);
    }
    Starts all = fast_starts;
    all.insert(all.end(), slow_starts.begin(), slow_starts.end());
    EXPECT_LE(busiest_second(all), 100u);
    EXPECT_LE(busiest_second(slow_starts), 10u);
    EXPECT_GE(slow_starts.size(), 5u);
    EXPECT_GE(fast_starts.size(), 5u);
}

TEST(RateLimiter, HoldUntilHoldsEveryCallerSharingTheNumber) {
    // An account-level rate limit met by one caller holds the number's next start for all.
    SharedNextStart next{0};
    RateLimiter a(100), b(100);
    a.share(&next);
    b.share(&next);
    const auto now = RateLimiter::Clock::time_point(10s);
    ASSERT_TRUE(b.try_acquire(now));
    a.hold_until(now + 2s);
    EXPECT_FALSE(b.try_acquire(now + 1s)) << "the other caller waits too";
    EXPECT_FALSE(a.try_acquire(now + 1999ms));
    EXPECT_TRUE(b.try_acquire(now + 2s));
    a.hold_until(now + 1s);
    EXPECT_GT(b.next_slot(), now + 2s) << "an earlier hold never moves the next start back";
}
