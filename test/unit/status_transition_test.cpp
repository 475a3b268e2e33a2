// What a body's statuses of one message do to its ledger row (core/rules/status_transition.hpp),
// branch by branch. test/sql/300_webhooks.sql and the shell tests check the same end to end.
#include <gtest/gtest.h>

#include "core/rules/status_transition.hpp"

using namespace cart_abandon;

namespace {

const Timestamp kNow = Timestamp(std::chrono::seconds(1'800'000'000));
const Timestamp kMeta = Timestamp(std::chrono::seconds(1'799'999'000));  // Meta's times, before ours
const Timestamp kUpdated = Timestamp(std::chrono::seconds(1'799'990'000));

Timestamp meta(int seconds) { return kMeta + std::chrono::seconds(seconds); }

StatusEvent status(ProviderStatus s, int at, std::string wamid = "wamid.A") {
    StatusEvent e;
    e.provider_message_id = std::move(wamid);
    e.status = s;
    e.at = meta(at);
    e.recipient = "4915123456789";
    return e;
}

StatusEvent failure(FailureAction action, long code, int at, std::string text = "") {
    StatusEvent e = status(ProviderStatus::Failed, at);
    e.action = action;
    e.error_code = code;
    e.error_text = text.empty() ? "(#" + std::to_string(code) + ") text" : text;
    e.metadata_error = "WhatsApp error " + std::to_string(code);
    return e;
}

// A message Meta accepted: the send's answer recorded, one attempt spent.
DeliveryState sent_row(int attempts = 1) {
    DeliveryState row;
    row.status = Status::Sent;
    row.attempts = attempts;
    row.provider_message_id = "wamid.A";
    row.provider_recipient_id = "4915123456789";
    row.sent_at = meta(-5);
    row.updated_at = kUpdated;
    return row;
}

// A claim whose answer was lost (claimed: its backend is gone; unknown: recorded as such).
DeliveryState open_row(Status status, int attempts) {
    DeliveryState row;
    row.status = status;
    row.attempts = attempts;
    row.error_message = "outcome unknown, not resent: timeout";
    row.updated_at = kUpdated;
    return row;
}

StatusTransition transition(const DeliveryState& row, const std::vector<StatusEvent>& statuses, int max_attempts = 3) {
    StatusContext context;
    context.max_attempts = max_attempts;
    context.now = kNow;
    return transition_status(row, statuses, context);
}

void expect_unchanged(const StatusTransition& t, const DeliveryState& row) {
    EXPECT_FALSE(t.changed);
    EXPECT_FALSE(t.fails);
    EXPECT_FALSE(t.metadata_pending);
    EXPECT_FALSE(t.pauses());
    EXPECT_FALSE(t.opts_out());
    EXPECT_EQ(t.next.status, row.status);
    EXPECT_EQ(t.next.attempts, row.attempts);
    EXPECT_EQ(t.next.webhook_status, row.webhook_status);
    EXPECT_EQ(t.next.delivered_at, row.delivered_at);
    EXPECT_EQ(t.next.read_at, row.read_at);
    EXPECT_EQ(t.next.failed_at, row.failed_at);
    EXPECT_EQ(t.next.error_code, row.error_code);
    EXPECT_EQ(t.next.error_message, row.error_message);
    EXPECT_EQ(t.next.metadata_pending_since, row.metadata_pending_since);
    EXPECT_EQ(t.next.updated_at, row.updated_at);
    EXPECT_EQ(t.next.webhook_at, row.webhook_at);
}

}  // namespace

// ---- statuses on the way: furthest status, earliest times

TEST(StatusTransition, DeliveredMovesTheWebhookStatusAndTime) {
    const auto row = sent_row();
    const auto t = transition(row, {status(ProviderStatus::Delivered, 10)});
    EXPECT_TRUE(t.changed);
    EXPECT_FALSE(t.fails);
    EXPECT_FALSE(t.metadata_pending);  // Sent already: cart metadata shows it
    EXPECT_EQ(t.next.status, Status::Sent);
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Delivered);
    EXPECT_EQ(t.next.delivered_at, meta(10));
    EXPECT_EQ(t.next.read_at, std::nullopt);
    EXPECT_EQ(t.next.attempts, 1);
    EXPECT_EQ(t.next.webhook_at, kNow);
    EXPECT_EQ(t.next.updated_at, kUpdated);  // the status did not change
    EXPECT_EQ(t.next.metadata_pending_since, std::nullopt);
    EXPECT_EQ(t.next.sent_at, meta(-5));
}

TEST(StatusTransition, TheFurthestStatusWinsWhateverTheOrder) {
    const auto t = transition(sent_row(), {status(ProviderStatus::Read, 30), status(ProviderStatus::Sent, 5),
                                           status(ProviderStatus::Delivered, 20)});
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Read);
    EXPECT_EQ(t.next.delivered_at, meta(20));
    EXPECT_EQ(t.next.read_at, meta(30));
}

TEST(StatusTransition, AFurtherStatusCountsForTheEarlierOnes) {
    // A read status alone says the message was delivered by then.
    const auto t = transition(sent_row(), {status(ProviderStatus::Read, 30)});
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Read);
    EXPECT_EQ(t.next.delivered_at, meta(30));
    EXPECT_EQ(t.next.read_at, meta(30));
    // Played is the furthest of all.
    const auto p = transition(sent_row(), {status(ProviderStatus::Played, 40), status(ProviderStatus::Read, 30)});
    EXPECT_EQ(p.next.webhook_status, ProviderStatus::Played);
    EXPECT_EQ(p.next.read_at, meta(30));
}

TEST(StatusTransition, MetasEarliestTimeOfEachStatus) {
    const auto t = transition(sent_row(), {status(ProviderStatus::Delivered, 20), status(ProviderStatus::Delivered, 12),
                                           status(ProviderStatus::Read, 25), status(ProviderStatus::Read, 40)});
    EXPECT_EQ(t.next.delivered_at, meta(12));
    EXPECT_EQ(t.next.read_at, meta(25));
}

TEST(StatusTransition, TimesOnlyMoveEarlier) {
    auto row = sent_row();
    row.webhook_status = ProviderStatus::Read;
    row.delivered_at = meta(20);
    row.read_at = meta(30);
    const auto later = transition(row, {status(ProviderStatus::Delivered, 25), status(ProviderStatus::Read, 35)});
    expect_unchanged(later, row);
    const auto earlier = transition(row, {status(ProviderStatus::Delivered, 15)});
    EXPECT_TRUE(earlier.changed);
    EXPECT_EQ(earlier.next.delivered_at, meta(15));
    EXPECT_EQ(earlier.next.read_at, meta(30));
    EXPECT_EQ(earlier.next.webhook_status, ProviderStatus::Read);  // never back
}

TEST(StatusTransition, TheWebhookStatusOnlyMovesFurther) {
    auto row = sent_row();
    row.webhook_status = ProviderStatus::Read;
    row.delivered_at = meta(20);
    row.read_at = meta(30);
    expect_unchanged(transition(row, {status(ProviderStatus::Sent, 2)}), row);
}

TEST(StatusTransition, ABodyAppliedTwiceChangesNothingTheSecondTime) {
    const std::vector<StatusEvent> body{status(ProviderStatus::Sent, 1), status(ProviderStatus::Delivered, 10),
                                        status(ProviderStatus::Delivered, 10)};
    const auto first = transition(sent_row(), body);
    EXPECT_TRUE(first.changed);
    expect_unchanged(transition(first.next, body), first.next);
}

TEST(StatusTransition, NoStatusesNoChange) {
    const auto row = sent_row();
    expect_unchanged(transition(row, {}), row);
}

TEST(StatusTransition, TheProvidersIdsAreKept) {
    auto row = sent_row();
    row.provider_recipient_id = "5511987654321";
    auto s = status(ProviderStatus::Delivered, 10);
    s.recipient = "4915111111111";
    const auto t = transition(row, {s});
    EXPECT_EQ(t.next.provider_message_id, "wamid.A");
    EXPECT_EQ(t.next.provider_recipient_id, "5511987654321");  // the row's own stays
    EXPECT_EQ(t.recipient_id, "4915111111111");
}

// ---- a claim or unknown row: its answer was lost, the statuses tell

TEST(StatusTransition, AnAcceptedClaimIsSentAndCountsItsRequest) {
    const auto row = open_row(Status::Claimed, 0);
    auto first = status(ProviderStatus::Delivered, 10, "wamid.B");
    first.recipient = "";
    const auto t = transition(row, {first, status(ProviderStatus::Sent, 3, "wamid.C")});
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.next.status, Status::Sent);
    EXPECT_EQ(t.next.attempts, 1);
    EXPECT_EQ(t.next.provider_message_id, "wamid.B");  // the first status's
    EXPECT_EQ(t.next.provider_recipient_id, "4915123456789");  // the first one named
    EXPECT_EQ(t.next.sent_at, meta(3));  // Meta's earliest time
    EXPECT_EQ(t.next.delivered_at, meta(10));
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Delivered);
    EXPECT_EQ(t.next.error_message, std::nullopt);
    EXPECT_EQ(t.next.updated_at, kNow);
    EXPECT_TRUE(t.metadata_pending);
    EXPECT_EQ(t.next.metadata_pending_since, kNow);
}

TEST(StatusTransition, AnAcceptedUnknownIsSentItsRequestCountedAlready) {
    const auto t = transition(open_row(Status::Unknown, 1), {status(ProviderStatus::Sent, 3)});
    EXPECT_EQ(t.next.status, Status::Sent);
    EXPECT_EQ(t.next.attempts, 1);
    EXPECT_EQ(t.next.sent_at, meta(3));
    EXPECT_TRUE(t.metadata_pending);
}

TEST(StatusTransition, OnlyAClaimOrUnknownBecomesSent) {
    auto row = open_row(Status::Retry, 1);
    row.provider_message_id = "wamid.A";
    const auto t = transition(row, {status(ProviderStatus::Delivered, 10)});
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.next.status, Status::Retry);
    EXPECT_FALSE(t.metadata_pending);
    EXPECT_EQ(t.next.sent_at, std::nullopt);
}

TEST(StatusTransition, AClaimThatFailsCountsItsRequest) {
    const auto t = transition(open_row(Status::Claimed, 1), {failure(FailureAction::Retry, 131000, 8)});
    EXPECT_TRUE(t.fails);
    EXPECT_EQ(t.next.status, Status::Retry);
    EXPECT_EQ(t.next.attempts, 2);
    EXPECT_EQ(t.next.sent_at, meta(8));  // no acceptance reported: the failure's time
    EXPECT_EQ(t.next.failed_at, meta(8));
}

TEST(StatusTransition, AClaimThatIsNeitherAcceptedNorFailedStaysAClaim) {
    // A failure after delivery does not count: nothing moves the claim.
    auto row = open_row(Status::Claimed, 0);
    row.delivered_at = meta(5);
    const auto t = transition(row, {failure(FailureAction::Close, 131026, 8)});
    EXPECT_FALSE(t.fails);
    EXPECT_EQ(t.next.status, Status::Claimed);
    EXPECT_EQ(t.next.attempts, 0);
}

// ---- failures: each action, with attempts left and without

TEST(StatusTransition, DeferHoldsADayFromMetasTimeWhileAttemptsAreLeft) {
    const auto t = transition(sent_row(1), {failure(FailureAction::Defer, 131049, 8)});
    EXPECT_TRUE(t.changed);
    EXPECT_TRUE(t.fails);
    EXPECT_EQ(t.next.status, Status::Held);
    EXPECT_EQ(t.next.hold_reason, HoldReason::MetaMarketingCap);
    EXPECT_EQ(t.next.not_before, meta(8) + std::chrono::hours(24));
    EXPECT_EQ(t.next.attempts, 1);
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Failed);
    EXPECT_EQ(t.next.failed_at, meta(8));
    EXPECT_EQ(t.next.error_code, 131049);
    EXPECT_EQ(t.next.error_message, "failed after Meta accepted it: (#131049) text");
    EXPECT_EQ(t.next.metadata_error, "WhatsApp error 131049");
    EXPECT_EQ(t.next.updated_at, kNow);
    EXPECT_TRUE(t.metadata_pending);
    EXPECT_FALSE(t.pauses());
    EXPECT_FALSE(t.opts_out());
}

TEST(StatusTransition, AHeldRowKeepsItsHoldWhenNoFailureCounts) {
    auto row = sent_row(1);
    row.status = Status::Held;
    row.hold_reason = HoldReason::QuietHours;
    row.not_before = meta(5000);
    const auto t = transition(row, {status(ProviderStatus::Delivered, 10)});
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.next.status, Status::Held);
    EXPECT_EQ(t.next.hold_reason, HoldReason::QuietHours);
    EXPECT_EQ(t.next.not_before, meta(5000));
}

TEST(StatusTransition, DeferFailsWithoutAttemptsLeft) {
    const auto t = transition(sent_row(3), {failure(FailureAction::Defer, 131049, 8)});
    EXPECT_EQ(t.next.status, Status::Failed);
    EXPECT_EQ(t.next.hold_reason, std::nullopt);
    EXPECT_EQ(t.next.not_before, std::nullopt);
    // A claim's request counts toward the limit.
    EXPECT_EQ(transition(open_row(Status::Claimed, 2), {failure(FailureAction::Defer, 131049, 8)}).next.status,
              Status::Failed);
    EXPECT_EQ(transition(open_row(Status::Unknown, 2), {failure(FailureAction::Defer, 131049, 8)}).next.status,
              Status::Held);
}

TEST(StatusTransition, RetryWhileAttemptsAreLeftElseFailed) {
    const auto left = transition(sent_row(2), {failure(FailureAction::Retry, 131000, 8)});
    EXPECT_EQ(left.next.status, Status::Retry);
    EXPECT_EQ(left.next.attempts, 2);
    EXPECT_EQ(left.next.webhook_status, ProviderStatus::Failed);
    EXPECT_EQ(transition(sent_row(3), {failure(FailureAction::Retry, 131000, 8)}).next.status, Status::Failed);
    EXPECT_EQ(transition(sent_row(2), {failure(FailureAction::Retry, 131000, 8)}, 2).next.status, Status::Failed);
}

TEST(StatusTransition, PauseRetriesAndGivesTheAttemptBack) {
    const auto t = transition(sent_row(3), {failure(FailureAction::Pause, 131031, 8, "(#131031) locked")});
    EXPECT_TRUE(t.pauses());
    EXPECT_EQ(t.next.status, Status::Retry);  // even with no attempt left
    EXPECT_EQ(t.next.attempts, 2);
    EXPECT_EQ(t.error_code, 131031);
    EXPECT_EQ(t.error_text, "(#131031) locked");
    EXPECT_EQ(t.next.error_code, 131031);
    // None to give back.
    EXPECT_EQ(transition(sent_row(0), {failure(FailureAction::Pause, 131031, 8)}).next.attempts, 0);
    // A claim's request is counted, then given back only if the row had one before.
    EXPECT_EQ(transition(open_row(Status::Claimed, 0), {failure(FailureAction::Pause, 131031, 8)}).next.attempts, 1);
    EXPECT_EQ(transition(open_row(Status::Claimed, 1), {failure(FailureAction::Pause, 131031, 8)}).next.attempts, 1);
}

TEST(StatusTransition, PauseKeepsMetasCodeZero) {
    const auto t = transition(sent_row(1), {failure(FailureAction::Pause, 0, 8)});
    EXPECT_TRUE(t.pauses());
    EXPECT_EQ(t.error_code, 0);
    EXPECT_EQ(t.next.error_code, 0);
}

TEST(StatusTransition, TheFirstRecheckIsAFreeRetry) {
    const auto t = transition(sent_row(3), {failure(FailureAction::Recheck, 135000, 8)});
    EXPECT_TRUE(t.fails);
    EXPECT_EQ(t.next.status, Status::Retry);
    EXPECT_EQ(t.next.attempts, 2);
    EXPECT_EQ(t.next.unlisted_answer_at, kNow);
    EXPECT_EQ(t.next.error_code, 135000);
    EXPECT_FALSE(t.pauses());
    // A claim: its request is counted, then given back.
    const auto claim = transition(open_row(Status::Claimed, 0), {failure(FailureAction::Recheck, 135000, 8)});
    EXPECT_EQ(claim.next.attempts, 0);
    // An unknown row without an attempt: none to give back.
    EXPECT_EQ(transition(open_row(Status::Unknown, 0), {failure(FailureAction::Recheck, 135000, 8)}).next.attempts, 0);
}

TEST(StatusTransition, ARechecksCodeZeroIsNone) {
    // A failed status without a code (Meta's own 0 pauses instead).
    const auto t = transition(sent_row(1), {failure(FailureAction::Recheck, 0, 8, "failed without an error code")});
    EXPECT_EQ(t.next.error_code, std::nullopt);
    EXPECT_EQ(t.error_code, 0);
    EXPECT_EQ(t.next.error_message, "failed after Meta accepted it: failed without an error code");
}

TEST(StatusTransition, TheSecondRecheckFails) {
    auto row = sent_row(1);
    row.unlisted_answer_at = meta(-100);
    const auto t = transition(row, {failure(FailureAction::Recheck, 135000, 8)});
    EXPECT_EQ(t.next.status, Status::Failed);
    EXPECT_EQ(t.next.attempts, 1);  // spent
    EXPECT_EQ(t.next.unlisted_answer_at, meta(-100));
}

TEST(StatusTransition, CloseFails) {
    const auto t = transition(sent_row(1), {failure(FailureAction::Close, 131026, 8)});
    EXPECT_EQ(t.next.status, Status::Failed);
    EXPECT_EQ(t.next.attempts, 1);
    EXPECT_EQ(t.next.error_code, 131026);
    EXPECT_EQ(t.next.unlisted_answer_at, std::nullopt);
    EXPECT_TRUE(t.metadata_pending);
    // A failure with no action recorded fails too.
    auto bare = failure(FailureAction::Close, 131026, 8);
    bare.action = std::nullopt;
    EXPECT_EQ(transition(sent_row(0), {bare}).next.status, Status::Failed);
}

TEST(StatusTransition, OptOutFailsAndOptsThePersonOut) {
    const auto t = transition(sent_row(0), {failure(FailureAction::OptOut, 131050, 8)});
    EXPECT_TRUE(t.opts_out());
    EXPECT_EQ(t.next.status, Status::Failed);
    EXPECT_EQ(t.recipient_id, "4915123456789");
    EXPECT_EQ(t.next.error_code, 131050);
}

TEST(StatusTransition, AFailureWithoutPublicSummaryClearsNoneAndWritesNone) {
    auto f = failure(FailureAction::Close, 131026, 8);
    f.metadata_error = "";
    EXPECT_EQ(transition(sent_row(), {f}).next.metadata_error, std::nullopt);
}

// ---- which failure counts

TEST(StatusTransition, TheEarliestFailureCountsTiesByArrival) {
    const auto t =
        transition(sent_row(1), {failure(FailureAction::Close, 131026, 9), failure(FailureAction::Retry, 131000, 7),
                                 failure(FailureAction::Pause, 131031, 7)});
    EXPECT_EQ(t.action, FailureAction::Retry);
    EXPECT_EQ(t.error_code, 131000);
    EXPECT_EQ(t.next.failed_at, meta(7));
    EXPECT_EQ(t.next.status, Status::Retry);
}

TEST(StatusTransition, AFailureCountsOnce) {
    auto row = sent_row(1);
    const std::vector<StatusEvent> body{failure(FailureAction::Retry, 131000, 8)};
    const auto first = transition(row, body);
    EXPECT_TRUE(first.fails);
    expect_unchanged(transition(first.next, body), first.next);
    // Another failure of the same message, later: still once.
    expect_unchanged(transition(first.next, {failure(FailureAction::Close, 131026, 20)}), first.next);
}

TEST(StatusTransition, AFailedMessageStaysFailed) {
    auto row = sent_row(1);
    row.status = Status::Failed;
    row.webhook_status = ProviderStatus::Failed;
    row.failed_at = meta(8);
    expect_unchanged(transition(row, {status(ProviderStatus::Delivered, 10), status(ProviderStatus::Read, 12)}), row);
    // A claim or unknown row whose message failed before is not sent by a late acceptance.
    auto unknown = open_row(Status::Unknown, 1);
    unknown.provider_message_id = "wamid.A";
    unknown.failed_at = meta(8);
    const auto t = transition(unknown, {status(ProviderStatus::Sent, 3)});
    EXPECT_TRUE(t.changed);  // the webhook status records the failure
    EXPECT_EQ(t.next.status, Status::Unknown);
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Failed);
    EXPECT_FALSE(t.metadata_pending);
}

TEST(StatusTransition, NoFailureAfterDelivery) {
    auto row = sent_row(1);
    row.webhook_status = ProviderStatus::Delivered;
    row.delivered_at = meta(5);
    expect_unchanged(transition(row, {failure(FailureAction::Close, 131026, 8)}), row);
    // Delivered in the same body: the failure does not count either.
    const auto t =
        transition(sent_row(1), {failure(FailureAction::Close, 131026, 3), status(ProviderStatus::Delivered, 5)});
    EXPECT_TRUE(t.changed);
    EXPECT_FALSE(t.fails);
    EXPECT_EQ(t.next.status, Status::Sent);
    EXPECT_EQ(t.next.webhook_status, ProviderStatus::Delivered);
    EXPECT_EQ(t.next.failed_at, std::nullopt);
}

TEST(StatusTransition, AFailureThatChangesNoColumnHasNoConsequence) {
    // Only a row whose status, webhook status, times or message id move is written; what would
    // follow from its failure (a pause, metadata) follows only then.
    auto row = sent_row(1);
    row.status = Status::Retry;
    row.webhook_status = ProviderStatus::Failed;
    expect_unchanged(transition(row, {failure(FailureAction::Pause, 131031, 8)}), row);
}
