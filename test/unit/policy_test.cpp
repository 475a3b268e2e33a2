#include <gtest/gtest.h>

#include "core/policy.hpp"

using namespace cart_abandon;
using std::chrono::hours;

namespace {

const Timestamp kNow = Timestamp(std::chrono::seconds(1'800'000'000));
const Timing kTiming;  // 24 h, 48 h, 7 days, 3 attempts

CartTimeline idle_for(hours idle) {
    CartTimeline cart;
    cart.last_activity = kNow - idle;
    return cart;
}

StageRecord sent(hours ago) {
    StageRecord r;
    r.state = StageState::Sent;
    r.attempts = 1;
    r.sent_at = kNow - ago;
    return r;
}

}  // namespace

TEST(Policy, NothingBeforeTheFirstDelay) {
    EXPECT_EQ(due_stage(idle_for(hours(23)), kTiming, kNow), 0);
}

TEST(Policy, FirstStageAtExactlyTheFirstDelay) {
    EXPECT_EQ(due_stage(idle_for(hours(24)), kTiming, kNow), 1);
}

TEST(Policy, FirstStageFirstEvenWhenIdleBeyondTheSecondDelay) {
    EXPECT_EQ(due_stage(idle_for(hours(60)), kTiming, kNow), 1);
}

TEST(Policy, NeverBeyondTheMaximumAge) {
    EXPECT_EQ(due_stage(idle_for(hours(7 * 24 + 1)), kTiming, kNow), 0);
    auto cart = idle_for(hours(7 * 24 + 1));
    cart.first = sent(hours(100));
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
}

TEST(Policy, SecondStageNeedsTheSecondDelayAndTheGapSinceTheFirst) {
    auto cart = idle_for(hours(48));
    cart.first = sent(hours(24));
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 2);
    cart.first = sent(hours(23));  // the first went out late: keep them a full gap apart
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
    cart = idle_for(hours(47));
    cart.first = sent(hours(30));
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
}

TEST(Policy, SecondStageOnlyAfterAFirstThatWasSent) {
    auto cart = idle_for(hours(50));
    cart.first.state = StageState::Closed;  // failed or skipped
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
}

TEST(Policy, EachStageAtMostOnce) {
    auto cart = idle_for(hours(50));
    cart.first = sent(hours(26));
    cart.second = sent(hours(1));
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
    cart.second.state = StageState::Closed;
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
}

TEST(Policy, RetriesUntilTheMaximumAttempts) {
    auto cart = idle_for(hours(30));
    cart.first.state = StageState::Retry;
    cart.first.attempts = 2;
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 1);
    cart.first.attempts = 3;
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 0);
    cart = idle_for(hours(50));
    cart.first = sent(hours(25));
    cart.second.state = StageState::Retry;
    cart.second.attempts = 1;
    EXPECT_EQ(due_stage(cart, kTiming, kNow), 2);
}
