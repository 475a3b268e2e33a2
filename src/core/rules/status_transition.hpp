// What the statuses a provider's webhook reports of one message do to its ledger row: the
// webhook-status transitions as a pure function (test/unit/status_transition_test.cpp covers them
// case by case). The PostgreSQL layer locks the rows, calls it, and writes back what changed
// (src/pg/store/webhook_statuses.cpp).
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>
#include <vector>

#include "core/model/event.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"

namespace cart_abandon {

// A ledger row (cart_abandon.deliveries) as the statuses find it: the columns they may change.
struct DeliveryState {
    Status status = Status::Sent;
    int attempts = 0;
    std::optional<std::string> provider_message_id;
    std::optional<std::string> provider_recipient_id;
    std::optional<ProviderStatus> webhook_status;  // the furthest status reported, or Failed
    std::optional<Timestamp> sent_at;
    std::optional<Timestamp> delivered_at;  // the provider's times
    std::optional<Timestamp> read_at;
    std::optional<Timestamp> failed_at;
    std::optional<Timestamp> unlisted_answer_at;  // the stage's first answer with a code not in the table
    std::optional<long> error_code;
    std::optional<std::string> error_message;
    std::optional<HoldReason> hold_reason;
    std::optional<Timestamp> not_before;
    std::optional<std::string> metadata_error;  // what public cart metadata shows of a failure
    std::optional<Timestamp> metadata_pending_since;  // cart metadata does not show the row yet
    Timestamp updated_at{};  // when the status last changed (our clock)
    std::optional<Timestamp> webhook_at;  // when a webhook last changed the row (our clock)
};

struct StatusContext {
    int max_attempts = 3;  // the reminder's attempts in all (Timing::max_attempts)
    Timestamp now{};  // our clock, for the columns that record when we wrote
};

struct StatusTransition {
    DeliveryState next;
    // The row is written: its status, webhook status, delivery or read time or message id moved.
    // Everything below is false/empty when it is not (a body applied before changes nothing).
    bool changed = false;
    // A failure after acceptance counts now (at most once per message, never after delivery).
    bool fails = false;
    std::optional<FailureAction> action;  // the counted failure's, with Meta's code and text
    long error_code = 0;
    std::string error_text;
    bool metadata_pending = false;  // cart metadata is to show the row's new state
    std::string recipient_id;  // the provider's id of the person, as the statuses named it ("" when none did)

    // The failure is the channel's (a code every message gets alike): the channel pauses.
    bool pauses() const { return fails && action == FailureAction::Pause; }
    // The person stopped marketing messages from the business (131050): they are opted out.
    bool opts_out() const { return fails && action == FailureAction::OptOut; }
};

// The statuses of one message from one body, in arrival order, fold into: the furthest status
// (sent < delivered < read < played), the provider's earliest time for each, and the earliest
// failure (ties by arrival) with its action, code and texts. Then:
// - a failure counts once (failed_at unset before) and never once Meta delivered the message. Its
//   action decides the status: Defer -> Held MetaMarketingCap for 24 h from Meta's time, Retry ->
//   Retry, while attempts are left, else Failed; Pause -> Retry, the attempt given back; Recheck ->
//   Retry, no attempt spent, code 0 recorded as none, the stage's second such failure Failed;
//   Close, OptOut -> Failed. webhook_status becomes Failed;
// - otherwise a claim or unknown row whose message the provider accepted becomes Sent (its
//   request counted if it was a claim), unless it failed before: a failed message stays failed;
// - delivered and read times only move earlier (not once failed), webhook_status only further.
StatusTransition transition_status(const DeliveryState& row, const std::vector<StatusEvent>& statuses,
                                   const StatusContext& context);

}  // namespace cart_abandon
