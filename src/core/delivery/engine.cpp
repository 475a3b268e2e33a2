#include "core/delivery/engine.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "core/transport/retry_after.hpp"

namespace cart_abandon {

namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kLongestPoll{100};  // how often should_stop is checked while waiting

struct Slot {
    int attempts_made = 0;
    int throttled = 0;  // of them, answered by an account-level rate limit: no attempt spent
    bool in_flight = false;
    bool done = false;
    Clock::time_point not_before{};
    DeliveryOutcome last;  // the latest answer, kept while a retry is pending
};

}  // namespace

milliseconds backoff_ceiling(milliseconds base, int retry) {
    const int doublings = std::clamp(retry - 1, 0, 16);
    if (base <= milliseconds::zero()) return milliseconds::zero();
    if (base.count() > (milliseconds::max().count() >> doublings)) return milliseconds::max();
    return base * (1LL << doublings);
}

milliseconds retry_wait(milliseconds backoff_base, int retry, double jitter, const DeliveryOutcome& answer) {
    const milliseconds ceiling = backoff_ceiling(backoff_base, retry);
    // In double, compared before converting back: a product at the top of the range (or a NaN
    // jitter) would not fit a 64-bit integer.
    const double scaled = double(ceiling.count()) * (jitter >= 0 ? std::min(jitter, 1.0) : 0.0);
    milliseconds wait = scaled < double(ceiling.count()) ? milliseconds(static_cast<long long>(scaled)) : ceiling;
    if (answer.retry_after_seconds >= 0)
        wait = std::max<milliseconds>(
            wait, std::chrono::seconds(std::min(answer.retry_after_seconds, kMaxRetryAfterSeconds)));
    wait = std::max(wait, answer.recipient_spacing);
    return wait;
}

SendReport send_deliveries(HttpClient& client, RateLimiter& limiter, const EngineOptions& options,
                           const Channel& channel, const std::vector<Delivery>& deliveries,
                           const std::function<bool()>& should_stop, StartJournal* journal) {
    SendReport report;
    report.outcomes.resize(deliveries.size());
    std::vector<Slot> slots(deliveries.size());
    std::size_t remaining = deliveries.size();
    std::size_t first_open = 0;  // slots before it are done or in flight
    Clock::time_point paused_until{};  // an account-level rate limit holds every start
    std::mt19937 random{std::random_device{}()};
    std::uniform_real_distribution<double> half_to_full(0.5, 1.0);  // the jitter of a retry's wait

    bool probing = options.probe_first;
    std::size_t journaled_up_to = 0;  // deliveries before it are in the journal
    const std::size_t journal_group = std::max(kJournalGroup, std::size_t(std::max(options.max_concurrency, 1)));
    // Journals the group from slot i on; false (and the error kept) when the journal failed.
    auto journaled = [&](std::size_t i) {
        if (!journal || i < journaled_up_to) return true;
        std::vector<std::string> keys;
        const std::size_t end = std::min(deliveries.size(), i + journal_group);
        for (std::size_t j = i; j < end; ++j) keys.push_back(deliveries[j].journal_key);
        try {
            journal->record(keys);
        } catch (const std::exception& e) {
            report.journal_error = e.what();
            return false;
        }
        journaled_up_to = end;
        return true;
    };
    long alike_code = 0;  // the ambiguous code of the latest answers, and how many in a row
    int alike_count = 0;
    const int alike_needed = std::max(2, std::min<int>(kAlikeAnswers, int(deliveries.size())));
    // Once the answers were found alike, each of them (and any still to come) is the channel's.
    auto as_channel_fatal = [&](DeliveryOutcome& o) {
        if (o.kind != OutcomeKind::Permanent || o.error_code != alike_code || alike_count < alike_needed) return;
        o.kind = OutcomeKind::ChannelFatal;
        if (o.error_text.rfind("every request", 0) != 0) o.error_text = "every request answered alike: " + o.error_text;
    };
    // A request that gets no answer, in the channel's words.
    auto unanswered = [&](const std::string& why, bool request_sent, bool error_cut) {
        HttpResult none;
        none.error = why;
        none.request_sent = request_sent;
        none.error_cut = error_cut;
        return channel.classify(none);
    };

    auto finish = [&](std::size_t i, DeliveryOutcome outcome) {
        outcome.attempts = slots[i].attempts_made;
        outcome.throttled = slots[i].throttled;
        report.outcomes[i] = std::move(outcome);
        slots[i].done = true;
        --remaining;
    };
    // A delivery that will not get another request: its last answer stands, or it was never tried.
    auto finish_untried = [&](std::size_t i, const std::string& why) {
        if (slots[i].attempts_made > 0) return finish(i, slots[i].last);
        DeliveryOutcome outcome = unanswered(why, false, false);
        outcome.attempted = false;
        finish(i, std::move(outcome));
    };

    auto on_done = [&](std::size_t i, HttpResult&& result) {
        Slot& slot = slots[i];
        slot.in_flight = false;
        if (!result.started) --slot.attempts_made;
        DeliveryOutcome outcome = channel.classify(result);
        outcome.attempted = slot.attempts_made > 0;
        outcome.retry_after_seconds = result.retry_after_seconds;
        if (outcome.kind == OutcomeKind::Sent) {
            alike_count = 0;
            if (probing) report.probe_accepted = true;
            probing = false;
        } else if (outcome.kind == OutcomeKind::Permanent && outcome.ambiguous_code) {
            alike_count = outcome.error_code == alike_code ? alike_count + 1 : 1;
            alike_code = outcome.error_code;
            if (alike_count == alike_needed) {
                for (std::size_t j = 0; j < slots.size(); ++j)
                    if (slots[j].done) as_channel_fatal(report.outcomes[j]);
            }
            as_channel_fatal(outcome);
        }
        if (outcome.kind == OutcomeKind::ChannelFatal) report.channel_halted = true;
        // A throttle sent nothing: it spends none of the delivery's attempts (its backoff still grows
        // with every request, so a throttle that lasts ends the call's retries by max_retry_wait).
        const bool throttle = result.started && outcome.account_throttled;
        if (throttle) ++slot.throttled;

        const bool may_retry = outcome.kind == OutcomeKind::Transient && result.started &&
                               slot.attempts_made - slot.throttled < deliveries[i].attempts_allowed &&
                               !report.channel_halted;
        if (may_retry) {
            const milliseconds wait =
                retry_wait(options.backoff_base, slot.attempts_made, half_to_full(random), outcome);
            if (wait <= std::min(options.max_retry_wait, kLongestRetryWait)) {
                const auto at = Clock::now() + wait;
                if (throttle) {
                    paused_until = std::max(paused_until, at);
                    limiter.hold_until(at);  // every caller sending from this number waits too
                }
                slot.not_before = at;
                slot.last = std::move(outcome);
                first_open = std::min(first_open, i);
                return;
            }
        }
        finish(i, std::move(outcome));
    };

    while (remaining > 0) {
        if (should_stop && should_stop()) {
            client.abandon_all("stopped while waiting for the answer", [&](std::size_t i, HttpResult&& result) {
                slots[i].in_flight = false;
                DeliveryOutcome outcome = unanswered(result.error, result.request_sent, result.error_cut);
                outcome.attempted = true;
                finish(i, std::move(outcome));
            });
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (!slots[i].done) finish_untried(i, "the call was cancelled");
            report.interrupted = true;
            break;
        }

        const auto now = Clock::now();
        auto next_event = now + kLongestPoll;
        if (!report.channel_halted && report.journal_error.empty()) {
            while (first_open < slots.size() && (slots[first_open].done || slots[first_open].in_flight)) ++first_open;
            for (std::size_t i = first_open; i < slots.size(); ++i) {
                Slot& slot = slots[i];
                if (slot.done || slot.in_flight) continue;
                const auto ready_at = std::max(slot.not_before, paused_until);
                if (ready_at > now) {
                    next_event = std::min(next_event, ready_at);
                    continue;
                }
                if (client.in_flight() >= std::size_t(probing ? 1 : options.max_concurrency)) break;
                if (!journaled(i)) break;
                if (!limiter.try_acquire(now)) {
                    next_event = std::min(next_event, limiter.next_slot());
                    break;
                }
                ++slot.attempts_made;
                slot.in_flight = true;
                client.start(i, channel.request(deliveries[i].notification));
            }
        } else if (client.in_flight() == 0) {
            const std::string why = report.journal_error.empty() ? "sending was halted" : report.journal_error;
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (!slots[i].done) finish_untried(i, why);
            break;
        }

        const auto wait = next_event - Clock::now();
        const bool nothing_in_flight = client.in_flight() == 0;
        client.poll(nothing_in_flight
                        ? milliseconds(0)
                        : std::clamp(std::chrono::ceil<milliseconds>(wait), milliseconds(1), kLongestPoll),
                    on_done);
        if (nothing_in_flight && remaining > 0 && wait > Clock::duration::zero()) {
            // Nothing was in flight, so poll did not wait, and nothing could start: sleep until
            // the next start is due, to the microsecond (at 1,000/s a start is due every
            // millisecond: rounding down to 0 ms spun the thread). Sleeping after answers came
            // in would idle the sender.
            std::this_thread::sleep_for(std::min<Clock::duration>(wait, kLongestPoll));
        }
    }
    return report;
}

}  // namespace cart_abandon
