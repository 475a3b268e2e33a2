// One cart_abandon_process batch, wherever it runs: in the caller's backend for a dry run (it
// writes nothing), in a background worker of its own otherwise (src/pg/worker/launch.cpp). The
// entry point (src/pg/entry/process.cpp) and the worker both call it; it calls neither.
#pragma once

#include <string>
#include <vector>

#include "pg/batch/batch.hpp"

namespace pg {

// What a call asks for, checked by the caller before anything runs.
struct BatchRequest {
    int batch_size = 0;
    std::string after_cart_id;  // the cursor, decoded ("" from the start)
    std::string options_json;  // "" when NULL
};

// Runs the batch. `autonomous`: commit the claims before anything is sent and the outcomes in
// chunks (a worker's own transactions, as CALL cart_abandon_run() does); otherwise everything
// stays in the current transaction (a dry run, which writes nothing). A channel pause is warned
// about here; a cancel that arrived while sending is raised here, after the outcomes are written.
std::vector<BatchRow> process_request(const BatchRequest& request, bool autonomous);

}  // namespace pg
