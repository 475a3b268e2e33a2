// The run log (cart_abandon.runs): one row per CALL cart_abandon_run(), updated per batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/model/run.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"
#include "pg/store/due_carts.hpp"

namespace pg {

// Runs left 'running' by a session that is gone, or by this one (cancelled), become 'interrupted'.
void close_abandoned_runs();

// What a run's candidates depend on besides time: the rules' version, whether consent is
// required, the Medusa schema and the delays.
std::string scan_key(const std::string& medusa_schema, const cart_abandon::Timing& timing, bool consent_required);

// Incremental from the start of the last complete run with the same key, unless the last
// complete full scan began more than `full_scan_interval` before `now` (or there is none): a
// full scan then catches whatever the incremental ones cannot see.
CandidateScan choose_scan(const std::string& key, cart_abandon::Timestamp now, std::chrono::seconds full_scan_interval);

// Writes the run row, with how it scans and from when (`scan_from`: before its first selection).
int64_t start_run(const std::string& options_json, const CandidateScan& scan, cart_abandon::Timestamp scan_from,
                  const std::string& key);

void record_run_progress(int64_t run_id, const cart_abandon::RunTotals& totals, int batches,
                         const std::string& last_cursor);

void finish_run(int64_t run_id, cart_abandon::RunStatus status, const cart_abandon::RunTotals& totals, int batches,
                const std::string& detail);

struct CartCounts {
    int64_t open = 0;
    int64_t abandoned = 0;  // idle at least the first delay
    int64_t abandoned_in_window = 0;  // of those, inside max_age
};

// The shop's open and abandoned carts: a full pass over the carts (cart_abandon.count_carts).
CartCounts count_carts(const cart_abandon::Timing& timing);

// Counts them into the run's row (cart_abandon_stats() reads the latest count); runs that scan
// in full do it.
void record_cart_counts(int64_t run_id, const cart_abandon::Timing& timing);

}  // namespace pg
