#include <gtest/gtest.h>

#include "core/rules/stage.hpp"

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

TEST(Policy, NothingBeforeTheFirstDelay) { EXPECT_EQ(due_stage(idle_for(hours(23)), kTiming, kNow), 0); }

TEST(Policy, FirstStageAtExactlyTheFirstDelay) { EXPECT_EQ(due_stage(idle_for(hours(24)), kTiming, kNow), 1); }

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

namespace {

LedgerStage row(const char* status) {
    LedgerStage r;
    r.status = parse_word<Status>(status);
    return r;
}

}  // namespace

TEST(StageOpen, NoRowIsOpen) { EXPECT_TRUE(stage_open(LedgerStage{}, kNow, 3, kNow, false)); }

TEST(StageOpen, RetryWhileAttemptsAreLeft) {
    LedgerStage r = row("retry");
    r.attempts = 2;
    EXPECT_TRUE(stage_open(r, kNow, 3, kNow, false));
    r.attempts = 3;
    EXPECT_FALSE(stage_open(r, kNow, 3, kNow, false));
}

TEST(StageOpen, HeldOnceItsTimeCame) {
    LedgerStage r = row("held");
    EXPECT_FALSE(stage_open(r, kNow, 3, kNow, false));  // no time: never
    r.not_before = kNow + hours(1);
    EXPECT_FALSE(stage_open(r, kNow, 3, kNow, false));
    r.not_before = kNow;
    EXPECT_TRUE(stage_open(r, kNow, 3, kNow, false));
}

TEST(StageOpen, ClosedRowsStayClosed) {
    for (const char* status : {"claimed", "sent", "failed", "unknown"})
        EXPECT_FALSE(stage_open(row(status), kNow, 3, kNow, false)) << status;
}

TEST(StageOpen, ASkipForWantOfDataLiftsOnALaterChange) {
    for (const char* reason : {"no_phone", "invalid_phone", "blocked_region", "no_consent"}) {
        LedgerStage r = row("skipped");
        r.skip_reason = parse_word<SkipReason>(reason);
        r.cart_changed_at = kNow - hours(5);
        EXPECT_FALSE(stage_open(r, kNow - hours(5), 3, kNow, true)) << reason;
        EXPECT_TRUE(stage_open(r, kNow - hours(4), 3, kNow, true)) << reason;
        r.cart_changed_at.reset();  // unknown: any change lifts it
        EXPECT_TRUE(stage_open(r, kNow - hours(40), 3, kNow, true)) << reason;
    }
    LedgerStage bought = row("skipped");
    bought.skip_reason = SkipReason::CustomerPurchased;
    EXPECT_FALSE(stage_open(bought, kNow, 3, kNow, false));
}

TEST(StageOpen, NoConsentLiftsOnceConsentIsNotRequired) {
    LedgerStage r = row("skipped");
    r.skip_reason = SkipReason::NoConsent;
    r.cart_changed_at = kNow;
    EXPECT_FALSE(stage_open(r, kNow, 3, kNow, true));
    EXPECT_TRUE(stage_open(r, kNow, 3, kNow, false));
    r.skip_reason = SkipReason::NoPhone;
    EXPECT_FALSE(stage_open(r, kNow, 3, kNow, false));
}

TEST(SelectionDue, TheWindowOfActivity) {
    const LedgerStage none;
    EXPECT_FALSE(selection_due(kNow - hours(23), kNow, none, none, kTiming, kNow, false));
    EXPECT_TRUE(selection_due(kNow - hours(24), kNow, none, none, kTiming, kNow, false));
    EXPECT_TRUE(selection_due(kNow - hours(24 * 7), kNow, none, none, kTiming, kNow, false));
    EXPECT_FALSE(selection_due(kNow - hours(24 * 7 + 1), kNow, none, none, kTiming, kNow, false));
}

TEST(SelectionDue, TheSecondStageAfterTheGapAndTheSecondDelay) {
    LedgerStage first = row("sent");
    first.sent_at = kNow - hours(24);
    const LedgerStage none;
    EXPECT_TRUE(selection_due(kNow - hours(48), kNow, first, none, kTiming, kNow, false));
    EXPECT_FALSE(selection_due(kNow - hours(47), kNow, first, none, kTiming, kNow, false));  // second delay
    first.sent_at = kNow - hours(23);
    EXPECT_FALSE(selection_due(kNow - hours(48), kNow, first, none, kTiming, kNow, false));  // the gap
    first.sent_at.reset();  // imported without a time: long ago
    EXPECT_TRUE(selection_due(kNow - hours(48), kNow, first, none, kTiming, kNow, false));
    EXPECT_FALSE(selection_due(kNow - hours(48), kNow, first, row("sent"), kTiming, kNow, false));
    EXPECT_FALSE(selection_due(kNow - hours(48), kNow, row("failed"), none, kTiming, kNow, false));
}

// selection_may_be_due is selection_due for some activity in the window and some later change:
// checked against every activity hour of the window and a few changes, over ledger rows of
// every kind.
TEST(SelectionMayBeDue, ExactlyWhenSomeActivityMakesTheCartDue) {
    std::vector<LedgerStage> rows{LedgerStage{}, row("claimed"), row("failed"), row("unknown")};
    for (const char* status : {"sent", "retry", "held", "skipped"}) {
        for (int variant = 0; variant < 4; ++variant) {
            LedgerStage r = row(status);
            r.attempts = variant % 2 == 0 ? 1 : 3;
            if (variant >= 2)
                r.sent_at = kNow - hours(30);
            else if (r.status == Status::Sent)
                r.sent_at = kNow - hours(10);
            if (r.status == Status::Held) r.not_before = variant % 2 == 0 ? kNow - hours(1) : kNow + hours(1);
            if (r.status == Status::Skipped) {
                r.skip_reason = variant % 2 == 0 ? SkipReason::NoPhone : SkipReason::CustomerPurchased;
                if (variant >= 2) r.cart_changed_at = kNow - hours(2);
            }
            rows.push_back(r);
        }
    }
    LedgerStage imported = row("sent");  // without a time: long ago
    rows.push_back(imported);
    LedgerStage no_consent = row("skipped");
    no_consent.skip_reason = SkipReason::NoConsent;
    no_consent.cart_changed_at = kNow;
    rows.push_back(no_consent);

    int may = 0, may_not = 0;
    for (const Timing& timing :
         {kTiming, Timing{hours(1), hours(10), hours(24 * 7), 3}, Timing{hours(24), hours(24 * 8), hours(24 * 7), 3}}) {
        for (const auto& first : rows) {
            for (const auto& second : rows) {
                for (bool consent_required : {false, true}) {
                    bool some = false;
                    for (int h = 0; h <= 24 * 8 && !some; ++h)
                        for (int later : {0, 1, 24 * 9})
                            some = some || selection_due(kNow - hours(h), kNow - hours(h) + hours(later), first, second,
                                                         timing, kNow, consent_required);
                    EXPECT_EQ(selection_may_be_due(first, second, timing, kNow, consent_required), some);
                    (some ? may : may_not)++;
                }
            }
        }
    }
    EXPECT_GT(may, 100);  // both answers are exercised
    EXPECT_GT(may_not, 100);
}
