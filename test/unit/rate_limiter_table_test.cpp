#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/delivery/rate_limiter_table.hpp"

using namespace cart_abandon;
using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiterTable, OneNextStartPerNumber) {
    auto table = std::make_unique<RateLimiterTable>();
    SharedNextStart& first = table->for_number("1234567890");
    EXPECT_EQ(&table->for_number("1234567890"), &first);
    EXPECT_NE(&table->for_number("1234567891"), &first);
    EXPECT_EQ(first.load(), 0) << "no start taken yet";
}

TEST(RateLimiterTable, AFullTableSharesAnEntryRatherThanFailing) {
    auto table = std::make_unique<RateLimiterTable>();
    std::vector<SharedNextStart*> seen;
    for (std::size_t n = 0; n < RateLimiterTable::kEntries; ++n)
        seen.push_back(&table->for_number("number" + std::to_string(n)));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "64 numbers, 64 entries";
    SharedNextStart& extra = table->for_number("one number too many");
    EXPECT_TRUE(std::binary_search(seen.begin(), seen.end(), &extra)) << "shares: slower, never faster";
    EXPECT_EQ(&table->for_number("one number too many"), &extra);
}

TEST(RateLimiterTable, ThreadsClaimingNumbersAtOnceAgreeOnTheirEntries) {
    auto table = std::make_unique<RateLimiterTable>();
    std::vector<std::vector<SharedNextStart*>> found(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < found.size(); ++t)
        threads.emplace_back([&, t] {
            for (int n = 0; n < 40; ++n) found[t].push_back(&table->for_number("n" + std::to_string(n)));
        });
    for (auto& thread : threads) thread.join();
    for (const auto& each : found) EXPECT_EQ(each, found[0]);
}

namespace {

// `threads` callers, each with a limiter of its own at `rate` bound to this number's shared next
// start, sending as fast as it may for `duration` on the real clock: every start taken.
std::vector<Clock::time_point> send_at_once(RateLimiterTable& table, int threads, double rate,
                                            std::chrono::milliseconds duration) {
    std::vector<std::vector<Clock::time_point>> starts(threads);
    std::vector<std::thread> callers;
    const auto end = Clock::now() + duration;
    for (int t = 0; t < threads; ++t)
        callers.emplace_back([&, t] {
            RateLimiter limiter(rate);
            limiter.share(&table.for_number("1234567890"));
            for (auto now = Clock::now(); now < end; now = Clock::now()) {
                if (limiter.try_acquire(now))
                    starts[t].push_back(now);
                else
                    std::this_thread::sleep_for(200us);
            }
        });
    for (auto& caller : callers) caller.join();
    std::vector<Clock::time_point> all;
    for (const auto& each : starts) {
        EXPECT_FALSE(each.empty()) << "every caller sends";
        all.insert(all.end(), each.begin(), each.end());
    }
    std::sort(all.begin(), all.end());
    return all;
}

std::size_t busiest_second(const std::vector<Clock::time_point>& sorted) {
    std::size_t worst = 0;
    for (std::size_t i = 0, j = 0; i < sorted.size(); ++i) {
        while (sorted[i] - sorted[j] >= 1s) ++j;
        worst = std::max(worst, i - j + 1);
    }
    return worst;
}

}  // namespace

TEST(RateLimiterTable, ConcurrentCallersOfOneNumberNeverExceedTheRateTogether) {
    auto table = std::make_unique<RateLimiterTable>();
    const auto starts = send_at_once(*table, 4, 200, 1500ms);
    EXPECT_LE(busiest_second(starts), 200u);
    EXPECT_GE(starts.size(), 240u) << "and together they keep it up: 1.5 s at 200/s, less the margin and the polls";
}

TEST(RateLimiterTable, ConcurrentCallersAtAHighRateNeverExceedItEither) {
    auto table = std::make_unique<RateLimiterTable>();
    const auto starts = send_at_once(*table, 3, 5000, 1200ms);
    EXPECT_LE(busiest_second(starts), 5000u);
}
