// Sends a batch of template messages as fast as the limits allow and no faster: up to
// max_concurrency in flight, starts paced by the run's rate limiter, transient failures retried
// within the call with exponential backoff and jitter (honouring Retry-After), an account-level
// rate limit pausing every send, a per-recipient limit delaying only that recipient, and
// a channel-fatal answer (or one per-message code that every request gets alike) stopping every
// further start while the requests in flight finish.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/delivery/channel.hpp"
#include "core/delivery/outcome.hpp"
#include "core/transport/http_client.hpp"
#include "core/delivery/rate_limiter.hpp"
#include "core/delivery/start_journal.hpp"

namespace cart_abandon {

struct EngineOptions {
    int max_concurrency = 32;
    std::chrono::milliseconds backoff_base{500};  // first retry after 0.5-1x this, doubling
    std::chrono::milliseconds max_retry_wait{30000};  // a longer wait is left to a later run
    // The channel was paused: one request at a time until one is accepted, so that a cause not
    // yet fixed costs one request, not a batch.
    // (A probe meeting a per-message code again is not paused at once: that one cart may be the
    // cause, and it would come first in every probe; kAlikeAnswers in a row pause it.)
    bool probe_first = false;
};

// A per-message code (DeliveryOutcome::ambiguous_code) that this many answers in a row got alike, with no
// acceptance between (or every answer of a smaller call, two at least), is a configuration
// error: the channel pauses and those deliveries count as never tried.
constexpr int kAlikeAnswers = 3;

struct Delivery {
    Notification notification;
    int attempts_allowed = 1;  // requests this call may make for it (at least 1)
    std::string journal_key;  // what the start journal records for it (the ledger row id)
};

// Keys are journaled this many deliveries at a time (at least max_concurrency): one durable
// write per group, not per request.
constexpr std::size_t kJournalGroup = 16;

struct SendReport {
    std::vector<DeliveryOutcome> outcomes;  // one per delivery, same order; attempts filled in
    bool channel_halted = false;  // a channel-fatal answer stopped further sends
    bool probe_accepted = false;  // probe_first: a request was accepted, the pause is over
    bool interrupted = false;  // should_stop ended the call
    std::string journal_error;  // the start journal failed: nothing more was started
};

// With a journal, no request starts before its delivery's key is durably in it; a journal that
// cannot be written stops every further start (the deliveries not started stay untried).
SendReport send_deliveries(HttpClient& client, RateLimiter& limiter, const EngineOptions& options,
                           const Channel& channel, const std::vector<Delivery>& deliveries,
                           const std::function<bool()>& should_stop, StartJournal* journal = nullptr);

// The wait before retry number `retry` (1 for the first), before jitter's cut: base * 2^(retry-1)
// (at most 2^16), saturating at milliseconds::max() instead of overflowing; 0 for a base <= 0.
std::chrono::milliseconds backoff_ceiling(std::chrono::milliseconds base, int retry);

// The wait before retry number `retry` after `answer`: the backoff ceiling times `jitter` (taken
// from 0.5 up to 1; clamped to 0..1), and at least the answer's Retry-After (held to
// kMaxRetryAfterSeconds) and the answer's recipient_spacing. Never negative, never an
// overflow, whatever the inputs.
std::chrono::milliseconds retry_wait(std::chrono::milliseconds backoff_base, int retry, double jitter,
                                     const DeliveryOutcome& answer);

// No call waits longer than this for one retry, whatever max_retry_wait says: a longer wait is
// left to a later run (and a time point this far ahead cannot overflow the clock).
constexpr std::chrono::milliseconds kLongestRetryWait = std::chrono::hours(24);

}  // namespace cart_abandon
