// The pipeline of cart_abandon_run (see pipeline.hpp).
#include <chrono>
#include <exception>
#include <memory>

#include "pg/batch/pipeline.hpp"
#include "pg/batch/sending.hpp"
#include "pg/batch/steps.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

// Whether a batch's answers let the next batch go out before they are recorded: nothing in them
// stops the call (a channel-fatal answer, a cancel, a start journal that failed).
bool answers_let_next_go(const cart_abandon::SendReport& report) {
    return !report.interrupted && !report.channel_halted && report.journal_error.empty();
}

}  // namespace

int run_batches(RunState& state, const std::function<void()>& commit,
                const std::function<void(const BatchResult&, int batch_number)>& batch_recorded,
                std::chrono::milliseconds pause) {
    int batches = 0;
    // A sent batch's outcomes (counted as a batch).
    auto record = [&](PreparedBatch& batch, const cart_abandon::SendReport& report, bool next_in_flight) {
        const int number = ++batches;
        return in_batch_context([&] {
            return finish_batch(
                state, batch, report, commit, [&](const BatchResult& r) { batch_recorded(r, number); }, next_in_flight);
        });
    };
    // A batch claimed but not to be sent: its carts stay due (recorded as retry with their
    // attempts untouched; not counted as a batch).
    auto release = [&](PreparedBatch& batch) {
        if (batch.carts.empty()) return BatchResult{};
        return in_batch_context([&] {
            return finish_batch(state, batch, unsent(batch), commit,
                                [&](const BatchResult& r) { batch_recorded(r, batches); });
        });
    };
    // The sender reads the batch's deliveries in place: batches are held by pointer, never moved
    // while a sender may read them, and each sender is declared after its batch (joined first).
    auto start_sending = [&](const PreparedBatch& batch, bool probe_first, std::chrono::milliseconds after) {
        SendPlan plan = send_plan(state);
        plan.options.probe_first = probe_first;
        return std::make_unique<BackgroundSend>(state, plan, batch.deliveries, after);
    };
    DueCartQueue due("", state.call.scan);
    auto current = std::make_unique<PreparedBatch>(in_batch_context([&] { return prepare_batch(state, due, commit); }));
    if (current->unreplicated) {
        release(*current);
        raise_unreplicated();
    }
    if (current->carts.empty()) return batches;
    auto sending = start_sending(*current, state.channel.paused_code.has_value(), std::chrono::milliseconds(0));
    for (;;) {
        auto next = std::make_unique<PreparedBatch>();
        // Interrupted while this batch is in flight (a cancel, a timeout, a lock that another
        // session holds past lock_timeout): the sender starts nothing more, what it sent is
        // recorded and committed, then the error is raised.
        std::exception_ptr interrupted;
        try {
            *next = in_batch_context([&] { return prepare_batch(state, due, commit); });
        } catch (const PgError&) {
            interrupted = std::current_exception();
            sending->stop();
        }
        const cart_abandon::SendReport report = sending->join();

        // The next batch goes out the pause after this one's answers, and this one is recorded
        // meanwhile; unless something in those answers, or meanwhile, stops the call. The
        // channel's probe is over once this batch's probe was accepted.
        std::unique_ptr<BackgroundSend> next_sending;
        if (!interrupted && answers_let_next_go(report) && !state.channel.halted && !next->carts.empty() &&
            !next->unreplicated && !cancel_requested())
            next_sending = start_sending(*next, state.channel.paused_code.has_value() && !report.probe_accepted, pause);
        const BatchResult result = record(*current, report, next_sending != nullptr);
        if (!interrupted) interrupted = result.interrupted;
        if (next_sending) {
            if (!interrupted) {
                current = std::move(next);
                sending = std::move(next_sending);
                continue;
            }
            // What follows from this batch's outcomes was interrupted: the next batch starts
            // nothing more, and what it sent is recorded before the error is raised.
            next_sending->stop();
            const cart_abandon::SendReport next_report = next_sending->join();
            const BatchResult next_result = record(*next, next_report, false);
            (void)next_result;  // the first interruption is the one raised
            std::rethrow_exception(interrupted);
        }
        if (!interrupted && next->unreplicated) {
            release(*next);
            raise_unreplicated();
        }
        if (interrupted || result.cancel_pending || state.channel.halted) {
            const BatchResult released = release(*next);
            if (!interrupted) interrupted = released.interrupted;
            if (interrupted) std::rethrow_exception(interrupted);
            if (result.cancel_pending) check_for_interrupts();
            break;
        }
        // Here when the next batch is empty, a cancel came, or the start journal failed: then the
        // next batch goes out only once this one is recorded (untried if the journal still fails).
        current = std::move(next);
        if (current->carts.empty()) break;
        if (cancel_requested()) {
            const BatchResult released = release(*current);
            if (released.interrupted) std::rethrow_exception(released.interrupted);
            check_for_interrupts();
            break;
        }
        sending = start_sending(*current, state.channel.paused_code.has_value(), pause);
    }
    return batches;
}

}  // namespace pg
