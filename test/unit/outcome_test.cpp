// What each kind of answer means for the ledger and the result row (core/rules/outcome.hpp).
#include <gtest/gtest.h>

#include "core/rules/outcome.hpp"

using namespace cart_abandon;

namespace {

const Timestamp kNow = Timestamp(std::chrono::seconds(1'800'000'000));

struct Case {
    DueCart cart;
    Decision decision;
    ClaimedStage claim;
    OutcomeContext context;

    Case() {
        cart.cart_id = "cart_1";
        decision.cart = &cart;
        decision.stage = 2;
        decision.kind = Decision::Kind::Send;
        claim.attempts = 0;
        context.max_attempts = 3;
        context.now = kNow;
    }
    Judgement judge(const DeliveryOutcome& o) const { return judge_outcome(decision, claim, o, context); }
};

DeliveryOutcome answer(OutcomeKind kind, long code = 0) {
    DeliveryOutcome o;
    o.kind = kind;
    o.error_code = code;
    o.attempts = 1;
    if (code) o.error_text = "(#" + std::to_string(code) + ") text";
    if (code) o.public_summary = "Provider error " + std::to_string(code);
    if (kind == OutcomeKind::Deferred || kind == OutcomeKind::CountryRestricted) o.hold_seconds = 24 * 3600;
    return o;
}

}  // namespace

TEST(Outcome, SentKeepsTheProvidersIds) {
    Case c;
    auto o = answer(OutcomeKind::Sent);
    o.provider_message_id = "wamid.X";
    o.provider_recipient_id = "4915123456789";
    o.message_status = "accepted";
    const auto j = c.judge(o);
    EXPECT_EQ(j.action, Action::Sent);
    EXPECT_EQ(j.ledger.status, Status::Sent);
    EXPECT_EQ(j.ledger.cart_id, "cart_1");
    EXPECT_EQ(j.ledger.stage, 2);
    EXPECT_EQ(j.ledger.provider_message_id, "wamid.X");
    EXPECT_EQ(j.ledger.provider_recipient_id, "4915123456789");
    EXPECT_EQ(j.ledger.message_status, "accepted");
    EXPECT_EQ(j.ledger.attempts_added, 1);
    EXPECT_TRUE(j.ledger.write_metadata);
    EXPECT_TRUE(j.ledger.metadata_error.empty());
}

TEST(Outcome, TransientRetriesWhileAttemptsAreLeft) {
    Case c;
    c.claim.attempts = 1;
    auto j = c.judge(answer(OutcomeKind::Transient, 131000));
    EXPECT_EQ(j.ledger.status, Status::Retry);
    EXPECT_EQ(j.action, Action::Retry);
    EXPECT_EQ(j.ledger.error_code, 131000);
    EXPECT_EQ(j.ledger.metadata_error, "Provider error 131000");
    c.claim.attempts = 2;  // this was the last one
    j = c.judge(answer(OutcomeKind::Transient, 131000));
    EXPECT_EQ(j.ledger.status, Status::Failed);
    EXPECT_EQ(j.action, Action::Failed);
}

TEST(Outcome, UnsentAfterAHaltSaysWhy) {
    Case c;
    c.context.channel_halted = true;
    c.context.halt_reason = "the token expired";
    auto o = answer(OutcomeKind::Transient);
    o.attempted = false;
    o.attempts = 0;
    const auto j = c.judge(o);
    EXPECT_EQ(j.ledger.status, Status::Retry);
    EXPECT_EQ(j.ledger.attempts_added, 0);
    EXPECT_EQ(j.ledger.error_message, "not sent: the token expired");
    EXPECT_EQ(j.ledger.metadata_error, kNoCodeSummary);  // no code: the fixed text
    EXPECT_FALSE(j.ledger.write_metadata);
}

TEST(Outcome, DeferredIsHeldADayThenFails) {
    Case c;
    auto j = c.judge(answer(OutcomeKind::Deferred, 131049));
    EXPECT_EQ(j.ledger.status, Status::Held);
    EXPECT_EQ(j.action, Action::Held);
    EXPECT_EQ(j.ledger.hold_reason, HoldReason::MetaMarketingCap);
    EXPECT_EQ(j.ledger.not_before, kNow + std::chrono::hours(24));
    EXPECT_EQ(j.ledger.attempts_added, 1);
    c.claim.attempts = 2;
    j = c.judge(answer(OutcomeKind::Deferred, 131049));
    EXPECT_EQ(j.ledger.status, Status::Failed);
    EXPECT_FALSE(j.ledger.not_before);
}

TEST(Outcome, PermanentFailsButAnUnlistedCodeRetriesOnceForFree) {
    Case c;
    auto j = c.judge(answer(OutcomeKind::Permanent, 131026));
    EXPECT_EQ(j.ledger.status, Status::Failed);
    EXPECT_FALSE(j.ledger.unlisted_answer);
    auto unlisted = answer(OutcomeKind::Permanent, 999999);
    unlisted.unlisted_code = true;  // the channel's table does not name it
    j = c.judge(unlisted);
    EXPECT_EQ(j.ledger.status, Status::Retry);
    EXPECT_EQ(j.action, Action::Retry);
    EXPECT_TRUE(j.ledger.unlisted_answer);
    EXPECT_EQ(j.ledger.attempts_added, 0);
    EXPECT_NE(j.ledger.error_message->find("retried once"), std::string::npos);
    c.claim.unlisted_before = true;  // spent already
    j = c.judge(unlisted);
    EXPECT_EQ(j.ledger.status, Status::Failed);
    EXPECT_EQ(j.ledger.attempts_added, 1);
}

TEST(Outcome, CountryRestrictedHoldsWithoutAnAttemptOrMetadata) {
    Case c;
    const auto j = c.judge(answer(OutcomeKind::CountryRestricted, 130497));
    EXPECT_EQ(j.ledger.status, Status::Held);
    EXPECT_EQ(j.action, Action::Held);
    EXPECT_EQ(j.ledger.hold_reason, HoldReason::CountryRestricted);
    EXPECT_EQ(j.ledger.not_before, kNow + std::chrono::hours(24));
    EXPECT_EQ(j.ledger.attempts_added, 0);
    EXPECT_FALSE(j.ledger.write_metadata);
}

TEST(Outcome, ChannelFatalIsNotTheCartsFault) {
    Case c;
    c.claim.attempts = 2;
    const auto j = c.judge(answer(OutcomeKind::ChannelFatal, 190));
    EXPECT_EQ(j.ledger.status, Status::Retry);
    EXPECT_EQ(j.ledger.attempts_added, 0);
    EXPECT_FALSE(j.ledger.write_metadata);
}

TEST(Outcome, UnknownIsNeverResent) {
    Case c;
    auto o = answer(OutcomeKind::Unknown);
    o.error_text = "timeout after the request was sent";
    const auto j = c.judge(o);
    EXPECT_EQ(j.ledger.status, Status::Unknown);
    EXPECT_EQ(j.action, Action::Failed);
    EXPECT_EQ(j.ledger.error_message, "outcome unknown, not resent: timeout after the request was sent");
}
