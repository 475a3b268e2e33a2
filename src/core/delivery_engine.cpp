#include "delivery_engine.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace cart_abandon {

namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

constexpr milliseconds kLongestPoll{100};         // how often should_stop is checked while waiting
constexpr milliseconds kPairRateSpacing{6000};    // Meta: about one message every 6 s to one user

struct Slot {
    int attempts_made = 0;
    bool in_flight = false;
    bool done = false;
    Clock::time_point not_before{};
    DeliveryOutcome last;  // the latest answer, kept while a retry is pending
};

milliseconds jittered(milliseconds ceiling, std::mt19937& random) {
    std::uniform_real_distribution<double> half_to_full(0.5, 1.0);
    return milliseconds(static_cast<long long>(double(ceiling.count()) * half_to_full(random)));
}

}  // namespace

milliseconds backoff_ceiling(milliseconds base, int retry) {
    const int doublings = std::min(std::max(retry - 1, 0), 16);
    return base * (1LL << doublings);
}

SendReport send_deliveries(HttpClient& client, RateLimiter& limiter, const EngineOptions& options,
                           const WhatsAppEndpoint& endpoint, const std::vector<Delivery>& deliveries,
                           const std::function<bool()>& should_stop) {
    SendReport report;
    report.outcomes.resize(deliveries.size());
    std::vector<Slot> slots(deliveries.size());
    std::size_t remaining = deliveries.size();
    std::size_t first_open = 0;  // slots before it are done or in flight
    Clock::time_point paused_until{};  // an account-level rate limit holds every start
    std::mt19937 random{std::random_device{}()};

    const std::string url = whatsapp_messages_url(endpoint.api_url, endpoint.phone_number_id);
    const std::string authorization = "Authorization: Bearer " + endpoint.token;

    auto finish = [&](std::size_t i, DeliveryOutcome outcome) {
        outcome.attempts = slots[i].attempts_made;
        report.outcomes[i] = std::move(outcome);
        slots[i].done = true;
        --remaining;
    };
    // A delivery that will not get another request: its last answer stands, or it was never tried.
    auto finish_untried = [&](std::size_t i, const std::string& why) {
        if (slots[i].attempts_made > 0) return finish(i, slots[i].last);
        DeliveryOutcome outcome = classify_transport_failure(why, false);
        outcome.attempted = false;
        finish(i, std::move(outcome));
    };

    auto on_done = [&](std::size_t i, HttpResult&& result) {
        Slot& slot = slots[i];
        slot.in_flight = false;
        if (!result.started) --slot.attempts_made;
        DeliveryOutcome outcome = result.completed ? classify_response(result.status, result.body)
                                                   : classify_transport_failure(result.error, result.request_sent);
        outcome.error_text = redact(std::move(outcome.error_text), endpoint.token);
        outcome.attempted = slot.attempts_made > 0;
        outcome.retry_after_seconds = result.retry_after_seconds;
        if (outcome.kind == OutcomeKind::ChannelFatal) report.channel_halted = true;

        const bool may_retry = outcome.kind == OutcomeKind::Transient && result.started &&
                               slot.attempts_made < deliveries[i].attempts_allowed && !report.channel_halted;
        if (may_retry) {
            milliseconds wait = jittered(backoff_ceiling(options.backoff_base, slot.attempts_made), random);
            if (outcome.retry_after_seconds >= 0)
                wait = std::max(wait, milliseconds(outcome.retry_after_seconds * 1000));
            if (outcome.error_code == 131056) wait = std::max(wait, kPairRateSpacing);
            if (wait <= options.max_retry_wait) {
                const auto at = Clock::now() + wait;
                if (is_account_rate_limit(outcome)) paused_until = std::max(paused_until, at);
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
                DeliveryOutcome outcome = classify_transport_failure(result.error, result.request_sent);
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
        if (!report.channel_halted) {
            while (first_open < slots.size() && (slots[first_open].done || slots[first_open].in_flight)) ++first_open;
            for (std::size_t i = first_open; i < slots.size(); ++i) {
                Slot& slot = slots[i];
                if (slot.done || slot.in_flight) continue;
                const auto ready_at = std::max(slot.not_before, paused_until);
                if (ready_at > now) {
                    next_event = std::min(next_event, ready_at);
                    continue;
                }
                if (client.in_flight() >= std::size_t(options.max_concurrency)) break;
                if (!limiter.try_acquire(now)) {
                    next_event = std::min(next_event, limiter.next_slot());
                    break;
                }
                ++slot.attempts_made;
                slot.in_flight = true;
                client.start(i, {url, whatsapp_payload(deliveries[i].message), {authorization}});
            }
        } else if (client.in_flight() == 0) {
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (!slots[i].done) finish_untried(i, "sending was halted");
            break;
        }

        const auto wait = next_event - Clock::now();
        const bool nothing_in_flight = client.in_flight() == 0;
        client.poll(nothing_in_flight ? milliseconds(0)
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
