// The steps of one batch, shared by process_batch (src/pg/batch/batch.cpp) and the pipeline of
// cart_abandon_run (src/pg/batch/pipeline.cpp): prepare (select, decide, claim), send, finish.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/delivery/engine.hpp"
#include "pg/batch/decisions.hpp"
#include "pg/store/ledger.hpp"
#include "pg/batch/batch.hpp"
#include "pg/base/boundary.hpp"  // PostgreSQL's headers last: the core's come first

namespace pg {

// A batch between its claims and its outcomes. Decisions point into `carts`, `to_send` into
// `decisions`: a prepared batch is moved, never copied.
struct PreparedBatch {
    std::vector<DueCart> carts;
    std::vector<Decision> decisions;
    std::map<std::string, ClaimedStage> claimed;  // by "cart id/stage"
    std::map<std::string, BatchRow> rows;  // by cart id: the result is in id order
    std::vector<const Decision*> to_send;
    std::vector<cart_abandon::Delivery> deliveries;
    // The claims' commit was kept local: its wait for the synchronous standbys was cancelled.
    bool unreplicated = false;

    PreparedBatch() = default;
    PreparedBatch(PreparedBatch&&) = default;
    PreparedBatch& operator=(PreparedBatch&&) = default;
    PreparedBatch(const PreparedBatch&) = delete;
    PreparedBatch& operator=(const PreparedBatch&) = delete;
};

// Runs `body` in a memory context of its own, deleted afterwards: what a batch pallocs
// (parameter arrays, copied cells) goes with it, so a long run's memory does not grow with its
// batches, whether it returns or throws.
template <typename F>
auto in_batch_context(F&& body) {
    MemoryContext batch_context = guarded(
        [] { return AllocSetContextCreate(CurrentMemoryContext, "cart_abandon batch", ALLOCSET_DEFAULT_SIZES); });
    MemoryContext caller_context = MemoryContextSwitchTo(batch_context);
    try {
        auto result = body();
        MemoryContextSwitchTo(caller_context);
        guarded([&] { MemoryContextDelete(batch_context); });
        return result;
    } catch (...) {
        // A caught error's data lives in error_copy_context, the batch's in C++ containers.
        MemoryContextSwitchTo(caller_context);
        guarded([&] { MemoryContextDelete(batch_context); });
        throw;
    }
}

// Selects (the next batch from `due`), decides and claims; `claims_written` runs right
// after the claims are written and before anything can be sent (the procedure commits there).
// A dry run's rows are final here.
PreparedBatch prepare_batch(RunState& state, DueCartQueue& due, const std::function<void()>& claims_written);

// Outcomes for a claimed batch that will not be sent (the channel stopped, the call was
// cancelled): its carts stay due, their attempts untouched.
cart_abandon::SendReport unsent(const PreparedBatch& batch);

// Records a sent batch: totals and ledger outcomes, committed with interrupts held (the rows are
// this call's claims: nothing but cart_abandon's own short statements locks them), so that a
// cancel cannot separate what was sent from its record. Then, with interrupts allowed (these may
// wait for other transactions; each is marked in the ledger first, so an interrupted call loses
// nothing the next one does not finish): opt-outs, the channel's state, `outcomes_written`, and
// the carts' metadata. `commit` runs between chunks and after each step (the procedure and the
// batch worker commit there). `next_in_flight`: the next batch is being sent meanwhile.
BatchResult finish_batch(RunState& state, PreparedBatch& batch, const cart_abandon::SendReport& report,
                         const std::function<void()>& commit,
                         const std::function<void(const BatchResult&)>& outcomes_written, bool next_in_flight = false);

// A batch whose claims the synchronous standbys never confirmed is released, not sent (a failover
// now would send them again), and the call stops as cancelled: it was.
[[noreturn]] void raise_unreplicated();

}  // namespace pg
