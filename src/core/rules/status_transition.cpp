#include "core/rules/status_transition.hpp"

#include <algorithm>
#include <chrono>

namespace cart_abandon {

namespace {

// How far a status got; a failure is not on the way (0, as no status).
int rank(std::optional<ProviderStatus> status) {
    if (!status) return 0;
    switch (*status) {
        case ProviderStatus::Sent: return 1;
        case ProviderStatus::Delivered: return 2;
        case ProviderStatus::Read: return 3;
        case ProviderStatus::Played: return 4;
        case ProviderStatus::Failed: return 0;
    }
    return 0;
}

std::optional<ProviderStatus> status_of_rank(int rank) {
    if (rank <= 0) return std::nullopt;
    return ProviderStatus(rank - 1);
}

std::optional<Timestamp> earliest(std::optional<Timestamp> a, std::optional<Timestamp> b) {
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

// The statuses of one message in one body, taken together.
struct Folded {
    int rank = 0;  // the furthest
    std::optional<Timestamp> accepted_at;  // Meta's earliest time of each status or any further one
    std::optional<Timestamp> delivered_at;
    std::optional<Timestamp> read_at;
    const StatusEvent* failure = nullptr;  // the earliest failure (ties: the first to arrive)
    std::optional<std::string> provider_message_id;  // the first status's
    std::string recipient_id;  // the first one named
};

Folded fold(const std::vector<StatusEvent>& statuses) {
    Folded f;
    for (const auto& s : statuses) {
        const int r = rank(s.status);
        f.rank = std::max(f.rank, r);
        if (r >= 1) f.accepted_at = earliest(f.accepted_at, s.at);
        if (r >= 2) f.delivered_at = earliest(f.delivered_at, s.at);
        if (r >= 3) f.read_at = earliest(f.read_at, s.at);
        if (s.status == ProviderStatus::Failed && (!f.failure || s.at < f.failure->at)) f.failure = &s;
        if (!f.provider_message_id) f.provider_message_id = s.provider_message_id;
        if (f.recipient_id.empty()) f.recipient_id = s.recipient;
    }
    return f;
}

// The status a counted failure leaves, by its action: one that spends an attempt fails the stage
// when none is left.
Status status_after_failure(std::optional<FailureAction> action, int attempts_after, bool unlisted_before,
                            int max_attempts) {
    const bool attempts_left = attempts_after < max_attempts;
    switch (action.value_or(FailureAction::Close)) {
        case FailureAction::Defer: return attempts_left ? Status::Held : Status::Failed;
        case FailureAction::Retry: return attempts_left ? Status::Retry : Status::Failed;
        case FailureAction::Pause: return Status::Retry;
        case FailureAction::Recheck: return unlisted_before ? Status::Failed : Status::Retry;
        case FailureAction::Close:
        case FailureAction::OptOut: return Status::Failed;
    }
    return Status::Failed;
}

}  // namespace

StatusTransition transition_status(const DeliveryState& row, const std::vector<StatusEvent>& statuses,
                                   const StatusContext& context) {
    StatusTransition t;
    t.next = row;
    if (statuses.empty()) return t;
    const Folded f = fold(statuses);
    DeliveryState& next = t.next;
    const std::optional<Timestamp> failed_at =
        f.failure ? std::optional<Timestamp>(f.failure->at) : std::optional<Timestamp>();
    const std::optional<FailureAction> action = f.failure ? f.failure->action : std::nullopt;

    const bool failed_before = row.failed_at.has_value();
    const bool unlisted_before = row.unlisted_answer_at.has_value();
    const bool fails = failed_at && !failed_before && !row.delivered_at && !f.delivered_at;
    const bool was_open = row.status == Status::Claimed || row.status == Status::Unknown;
    // A claim whose answer was lost had its request counted only if recorded (unknown).
    const int attempts_after = row.attempts + (row.status == Status::Claimed ? 1 : 0);

    if (fails)
        next.status = status_after_failure(action, attempts_after, unlisted_before, context.max_attempts);
    else if (was_open && f.accepted_at && !failed_before)
        next.status = Status::Sent;
    if (fails || failed_before)
        next.webhook_status = ProviderStatus::Failed;
    else if (const auto furthest = status_of_rank(std::max(rank(row.webhook_status), f.rank)))
        next.webhook_status = furthest;
    if (!next.provider_message_id) next.provider_message_id = f.provider_message_id;
    // A failed message stays failed: a late status of it changes nothing.
    if (!failed_before) {
        next.delivered_at = earliest(row.delivered_at, f.delivered_at);
        next.read_at = earliest(row.read_at, f.read_at);
    }

    t.changed = next.status != row.status || next.webhook_status != row.webhook_status ||
                next.delivered_at != row.delivered_at || next.read_at != row.read_at ||
                next.provider_message_id != row.provider_message_id;
    if (!t.changed) {
        t.next = row;
        return t;
    }

    const bool now_sent = next.status == Status::Sent && row.status != Status::Sent;
    const bool recheck = fails && action == FailureAction::Recheck;
    if (!next.provider_recipient_id && !f.recipient_id.empty()) next.provider_recipient_id = f.recipient_id;
    if (was_open && next.status != row.status) {
        const auto at = f.accepted_at ? f.accepted_at : failed_at;
        next.sent_at = at ? *at : context.now;
    }
    next.attempts = row.status == Status::Claimed && next.status != Status::Claimed ? attempts_after : row.attempts;
    // A failure that every message gets alike is the channel's, not this cart's.
    if (fails && action == FailureAction::Pause && row.attempts > 0) --next.attempts;
    // part 5: a code Meta's table does not name: its first answer spends no attempt.
    if (recheck && !unlisted_before && (row.attempts > 0 || row.status == Status::Claimed)) --next.attempts;
    if (recheck && !next.unlisted_answer_at) next.unlisted_answer_at = context.now;
    if (fails) {
        next.failed_at = failed_at;
        // part 5: a recheck's code 0 is a failed status that had none (Meta's 0 pauses instead).
        const long code = f.failure->error_code;
        next.error_code = recheck && code == 0 ? std::nullopt : std::optional<long>(code);
        next.error_message = "failed after Meta accepted it: " + f.failure->error_text;
        next.metadata_error =
            f.failure->metadata_error.empty() ? std::nullopt : std::optional<std::string>(f.failure->metadata_error);
    } else if (now_sent) {
        next.error_message = std::nullopt;
    }
    // Held by this failure (a row held before keeps its own reason and time).
    if (fails && next.status == Status::Held) {
        next.hold_reason = HoldReason::MetaMarketingCap;
        next.not_before = *failed_at + std::chrono::hours(24);
    }
    next.webhook_at = context.now;
    if (next.status != row.status) next.updated_at = context.now;
    // What public cart metadata shows of it changes: the ledger says so first (the metadata, a
    // mirror, is written afterwards without waiting for the shopper).
    t.metadata_pending = fails || now_sent;
    if (t.metadata_pending) next.metadata_pending_since = context.now;

    t.fails = fails;
    if (fails) {
        t.action = action;
        t.error_code = f.failure->error_code;
        t.error_text = f.failure->error_text;
    }
    t.recipient_id = f.recipient_id;
    return t;
}

}  // namespace cart_abandon
