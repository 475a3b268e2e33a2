#include <gtest/gtest.h>

#include "core/rate_limiter.hpp"

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
