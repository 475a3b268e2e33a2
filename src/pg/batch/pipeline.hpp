// cart_abandon_run's batches as a pipeline (src/pg/batch/pipeline.cpp).
#pragma once

#include <chrono>
#include <functional>

#include "pg/batch/batch.hpp"
#include "pg/batch/run_state.hpp"

namespace pg {

// Every due cart, batch after batch, for CALL cart_abandon_run (not a dry run), as a pipeline:
// while one batch is being sent (on a thread that runs only the core sender), the next one is
// selected and claimed; the next one goes out `pause` after this one's answers are in, and this
// one is recorded meanwhile, so the database work hides behind the network wait. A batch whose
// answers stop the call (a channel-fatal answer, a cancel) is recorded before anything more is
// sent, and the next batch is released (its carts stay due, their attempts untouched). `commit`
// runs after each batch's claims, chunks of outcomes and what follows from them (the procedure
// commits there); `batch_recorded` after each batch's outcomes, before the commit that follows (it
// must not commit). Returns the number of batches.
int run_batches(RunState& state, const std::function<void()>& commit,
                const std::function<void(const BatchResult&, int batch_number)>& batch_recorded,
                std::chrono::milliseconds pause);

}  // namespace pg
