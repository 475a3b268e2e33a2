#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "core/delivery/start_journal.hpp"
#include "pg/batch/sending.hpp"
#include "pg/settings.hpp"
#include "pg/shmem/shared_limiter.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

// Kept for the life of the backend so connections to the API stay open between calls.
cart_abandon::HttpClient& http_client(std::chrono::milliseconds timeout, int max_connections) {
    static std::unique_ptr<cart_abandon::HttpClient> client;
    if (!client || client->options().timeout != timeout || client->options().max_connections != max_connections) {
        client.reset();
        client = std::make_unique<cart_abandon::HttpClient>(cart_abandon::HttpClientOptions{timeout, max_connections});
    }
    return *client;
}

// How often a sender waiting to start looks for a stop.
constexpr std::chrono::milliseconds kStopPoll(10);

}  // namespace

bool cancel_requested() { return QueryCancelPending || ProcDiePending; }

SendPlan send_plan(const RunState& state) {
    SendPlan plan{state.call.channel, engine_options(), state.call.settings.http_timeout};
    plan.options.probe_first = state.channel.paused_code.has_value();
    plan.journal_path = journal_path(claim_session());
    plan.journal_origin = journal_origin();
    // The pace shared across callers is the WhatsApp number's (Meta's limits); SMS paces each call alone.
    if (state.call.channel->kind() == cart_abandon::ChannelKind::WhatsApp)
        plan.shared_next_start = shared_next_start(state.call.settings.whatsapp_phone_number_id);
    return plan;
}

cart_abandon::SendReport send_batch(RunState& state, const SendPlan& plan,
                                    const std::vector<cart_abandon::Delivery>& deliveries,
                                    const std::function<bool()>& should_stop) {
    if (deliveries.empty()) return {};
    cart_abandon::StartJournal journal(plan.journal_path, plan.journal_origin);
    state.limiter.share(plan.shared_next_start);
    return cart_abandon::send_deliveries(http_client(plan.timeout, plan.options.max_concurrency), state.limiter,
                                         plan.options, *plan.channel, deliveries, should_stop, &journal);
}

void forget_started() {
    try {
        cart_abandon::StartJournal(journal_path(claim_session()), journal_origin()).clear();
    } catch (const std::runtime_error&) {  // cart_abandon::Error; a PostgreSQL error (PgError) is not one
    }
}

BackgroundSend::BackgroundSend(RunState& state, const SendPlan& plan,
                               const std::vector<cart_abandon::Delivery>& deliveries, std::chrono::milliseconds after) {
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    try {
        thread_ = std::thread([this, &state, plan, &deliveries, after] {
            const auto should_stop = [this] { return stop_.load() || cancel_requested(); };
            const auto start = std::chrono::steady_clock::now() + after;
            for (auto now = std::chrono::steady_clock::now(); now < start && !should_stop();
                 now = std::chrono::steady_clock::now())
                std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(start - now, kStopPoll));
            try {
                report_ = send_batch(state, plan, deliveries, should_stop);
            } catch (...) {
                error_ = std::current_exception();
            }
        });
    } catch (...) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

cart_abandon::SendReport BackgroundSend::join() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    return std::move(report_);
}

BackgroundSend::~BackgroundSend() {
    if (thread_.joinable()) {
        stop_ = true;
        thread_.join();
    }
}

}  // namespace pg
