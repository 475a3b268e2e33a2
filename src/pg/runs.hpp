// The run log (cart_abandon.runs): one row per CALL cart_abandon_run(), updated per batch.
#pragma once

#include <cstdint>
#include <string>

#include "pg/batch.hpp"

namespace pg {

// Runs left 'running' by a session that is gone, or by this one (cancelled), become 'interrupted'.
void close_abandoned_runs();

int64_t start_run(const std::string& options_json);

void record_run_progress(int64_t run_id, const RunTotals& totals, int batches, const std::string& last_cursor);

void finish_run(int64_t run_id, const std::string& status, const RunTotals& totals, int batches,
                const std::string& detail);

}  // namespace pg
