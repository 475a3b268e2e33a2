#include <gtest/gtest.h>

#include "core/rules/channel_turn.hpp"

namespace cart_abandon {
namespace {

constexpr auto W = ChannelKind::WhatsApp;
constexpr auto E = ChannelKind::Email;
constexpr auto S = ChannelKind::Sms;

ChannelStageRow row(ChannelKind channel, Status status, int64_t id = 1, std::optional<SkipReason> reason = {}) {
    ChannelStageRow r;
    r.channel = channel;
    r.id = id;
    r.stage.status = status;
    r.stage.skip_reason = reason;
    r.row.status = status;
    r.row.skip_reason = reason;
    if (status == Status::Sent) r.stage.sent_at = Timestamp(std::chrono::hours(1000));
    return r;
}

TEST(ChannelTurn, TheFirstChannelInTheOrderTakesAFreshStage) {
    const auto w = stage_turn({}, {W, E}, W);
    EXPECT_TRUE(w.mine);
    EXPECT_FALSE(w.stage.status);
    EXPECT_FALSE(w.fallback_of);
    // The second waits for the first to speak.
    const auto e = stage_turn({}, {W, E}, E);
    EXPECT_FALSE(e.mine);
    EXPECT_EQ(e.stage.status, Status::Unknown);
}

TEST(ChannelTurn, AChannelThatCannotReachHandsTheStageOn) {
    for (auto reason : {SkipReason::NoPhone, SkipReason::InvalidPhone, SkipReason::BlockedRegion, SkipReason::NoConsent,
                        SkipReason::OptedOut}) {
        const auto e = stage_turn({row(W, Status::Skipped, 7, reason)}, {W, E}, E);
        EXPECT_TRUE(e.mine) << name(reason);
        EXPECT_FALSE(e.stage.status) << name(reason);
        EXPECT_FALSE(e.fallback_of) << "not a failure: no fallback spent";
    }
    // Along the whole order.
    EXPECT_TRUE(
        stage_turn({row(W, Status::Skipped, 1, SkipReason::NoPhone), row(S, Status::Skipped, 2, SkipReason::NoConsent)},
                   {W, S, E}, E)
            .mine);
    // One channel that has not spoken keeps it.
    EXPECT_FALSE(stage_turn({row(W, Status::Skipped, 1, SkipReason::NoPhone)}, {W, S, E}, E).mine);
}

TEST(ChannelTurn, AFailureFallsBackOnceAndIsRecorded) {
    const auto e = stage_turn({row(W, Status::Failed, 41)}, {W, E}, E);
    EXPECT_TRUE(e.mine);
    EXPECT_EQ(e.fallback_of, 41);
    // The fallback's own failure ends the stage: no third channel.
    EXPECT_FALSE(stage_turn({row(W, Status::Failed, 41), row(E, Status::Failed, 42)}, {W, E, S}, S).mine);
    // A skip between them still hands on, and the failure is still the one recorded.
    const auto s =
        stage_turn({row(W, Status::Failed, 41), row(E, Status::Skipped, 42, SkipReason::OptedOut)}, {W, E, S}, S);
    EXPECT_TRUE(s.mine);
    EXPECT_EQ(s.fallback_of, 41);
}

TEST(ChannelTurn, NeverTwoChannelsForOneStage) {
    for (auto status : {Status::Claimed, Status::Sent, Status::Retry, Status::Held, Status::Unknown}) {
        const auto e = stage_turn({row(W, status)}, {W, E}, E);
        EXPECT_FALSE(e.mine) << name(status);
        EXPECT_NE(e.stage.status, std::nullopt) << name(status);
    }
    // A reason of the cart or the person closes it for every channel.
    for (auto reason : {SkipReason::Paid, SkipReason::CustomerPurchased, SkipReason::Superseded, SkipReason::Erased,
                        SkipReason::SalesChannelDisabled, SkipReason::RegionDeleted})
        EXPECT_FALSE(stage_turn({row(W, Status::Skipped, 1, reason)}, {W, E}, E).mine) << name(reason);
    // A later data change that lifts WhatsApp's own skip does not take the stage from email,
    // which reminded meanwhile.
    const auto w = stage_turn({row(W, Status::Skipped, 1, SkipReason::NoPhone), row(E, Status::Sent, 2)}, {W, E}, W);
    EXPECT_FALSE(w.mine);
    EXPECT_EQ(w.row.status, Status::Skipped) << "its own row, as the claim would find it";
    EXPECT_EQ(w.stage.status, Status::Sent) << "the sent stage's time counts for the next stage's gap";
}

TEST(ChannelTurn, ItsOwnRowIsItsView) {
    auto retry = row(E, Status::Retry, 3);
    retry.stage.attempts = 1;
    const auto e = stage_turn({row(W, Status::Skipped, 1, SkipReason::NoPhone), retry}, {W, E}, E);
    EXPECT_TRUE(e.mine);
    EXPECT_EQ(e.stage.status, Status::Retry);
    EXPECT_EQ(e.stage.attempts, 1);
    EXPECT_EQ(e.row.status, Status::Retry);
    EXPECT_FALSE(e.fallback_of);
}

TEST(ChannelTurn, AChannelOutsideTheOrderNeverTakesTheStage) {
    EXPECT_FALSE(stage_turn({}, {W}, E).mine);
    EXPECT_FALSE(stage_turn({row(W, Status::Skipped, 1, SkipReason::NoPhone)}, {W}, E).mine);
    // Its own sent reminder still dates the stage (the order changed since).
    const auto e = stage_turn({row(E, Status::Sent, 5)}, {W}, E);
    EXPECT_FALSE(e.mine);
    EXPECT_EQ(e.stage.status, Status::Sent);
    EXPECT_TRUE(e.stage.sent_at);
}

}  // namespace
}  // namespace cart_abandon
