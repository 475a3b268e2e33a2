#include <optional>
#include <string>

#include "pg/boundary.hpp"
#include "pg/runs.hpp"
#include "pg/spi.hpp"

namespace pg {

namespace {

Statement close_abandoned_statement(R"SQL(
UPDATE cart_abandon.runs r
   SET status = 'interrupted', finished_at = coalesce(r.progress_at, r.started_at),
       detail = 'stopped before it finished (cancelled, or its session ended)'
 WHERE r.status = 'running'
   AND (r.pid = pg_catalog.pg_backend_pid()  -- this session is starting a new run, so that one is over
        OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
                        WHERE a.pid = r.pid AND a.backend_start <= r.started_at))
)SQL",
    {});

Statement start_statement(R"SQL(
INSERT INTO cart_abandon.runs (options, scan, scan_from, scan_since, scan_key, started_by)
VALUES (coalesce(nullif($1, '')::jsonb, '{}'), $2, $3, $4, $5,
        (SELECT coalesce(nullif(a.application_name, ''), a.backend_type)
           FROM pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) a))
RETURNING id
)SQL",
    {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID});

Statement last_scans_statement(R"SQL(
SELECT (SELECT max(scan_from) FROM cart_abandon.runs WHERE status = 'succeeded' AND scan_key = $1),
       (SELECT max(scan_from) FROM cart_abandon.runs WHERE status = 'succeeded' AND scan_key = $1 AND scan = 'full')
)SQL",
    {TEXTOID});

Statement progress_statement(R"SQL(
UPDATE cart_abandon.runs
   SET progress_at = clock_timestamp(), batches = $2, examined = $3, sent_first = $4, sent_second = $5,
       failed = $6, retry = $7, skipped = $8, last_cursor = $9, held = $10, imported = $11
 WHERE id = $1
)SQL",
    {INT8OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID, INT4OID, INT4OID});

Statement finish_statement(R"SQL(
UPDATE cart_abandon.runs
   SET finished_at = clock_timestamp(), progress_at = clock_timestamp(), status = $2, batches = $3,
       examined = $4, sent_first = $5, sent_second = $6, failed = $7, retry = $8, skipped = $9,
       detail = nullif($10, ''), held = $11, imported = $12
 WHERE id = $1
)SQL",
    {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID, INT4OID, INT4OID});

// One set-wise pass over Medusa's carts (cart_abandon.count_carts), kept with the run for
// cart_abandon_stats(), which would otherwise examine every open cart per call.
Statement count_carts_statement(R"SQL(
UPDATE cart_abandon.runs r
   SET open_carts = c.open_carts, abandoned_carts = c.abandoned_carts,
       abandoned_carts_in_window = c.abandoned_carts_in_window, carts_counted_at = clock_timestamp()
  FROM cart_abandon.count_carts($2, $3 * interval '1 second', $4 * interval '1 second') c
 WHERE r.id = $1
)SQL",
    {INT8OID, TEXTOID, INT8OID, INT8OID});

// Reminded carts completed since the last check, kept for cart_abandon_stats() (recovered).
Statement record_recoveries_statement("SELECT cart_abandon.record_recoveries($1, $2)", {INT8OID, TEXTOID});

}  // namespace

void close_abandoned_runs() {
    close_abandoned_statement.run({});
}

std::string scan_key(const std::string& medusa_schema, const cart_abandon::Timing& timing, bool consent_required) {
    // "1.1": a 1.0 run did not look for what 1.1 examines (held stages, changed addresses and
    // customers), so the first 1.1 run is full; so is the first after consent stops being required.
    return std::string("1.1/") + (consent_required ? "consent/" : "") + medusa_schema + "/" + std::to_string(timing.first_delay.count()) + "/" +
           std::to_string(timing.second_delay.count()) + "/" + std::to_string(timing.max_age.count());
}

CandidateScan choose_scan(const std::string& key, cart_abandon::Timestamp now, std::chrono::seconds full_scan_interval) {
    last_scans_statement.execute({text_value(key)});
    const auto last_complete = cell_timestamp(0, 0);
    const auto last_full = cell_timestamp(0, 1);
    release_result();
    CandidateScan scan;
    if (full_scan_interval.count() > 0 && last_complete && last_full && *last_full >= now - full_scan_interval &&
        *last_complete <= now) {
        scan.incremental = true;
        scan.since = *last_complete;
    }
    return scan;
}

int64_t start_run(const std::string& options_json, const CandidateScan& scan, cart_abandon::Timestamp scan_from,
                  const std::string& key) {
    std::optional<Datum> since;
    if (scan.incremental) since = timestamp_value(scan.since);
    start_statement.execute({text_value(options_json), text_value(scan.incremental ? "incremental" : "full"),
                             timestamp_value(scan_from), since, text_value(key)});
    const int64_t id = cell_int(0, 0).value_or(0);
    release_result();
    return id;
}

void record_run_progress(int64_t run_id, const RunTotals& t, int batches, const std::string& last_cursor) {
    progress_statement.run({int8_value(run_id), int_value(batches), int_value(t.examined),
                            int_value(t.sent_first), int_value(t.sent_second), int_value(t.failed),
                            int_value(t.retry), int_value(t.skipped), text_value(last_cursor), int_value(t.held),
                            int_value(t.imported)});
}

void finish_run(int64_t run_id, const std::string& status, const RunTotals& t, int batches,
                const std::string& detail) {
    finish_statement.run({int8_value(run_id), text_value(status), int_value(batches), int_value(t.examined),
                          int_value(t.sent_first), int_value(t.sent_second), int_value(t.failed),
                          int_value(t.retry), int_value(t.skipped), text_value(detail), int_value(t.held),
                          int_value(t.imported)});
}

void count_carts(int64_t run_id, const std::string& medusa_schema, const cart_abandon::Timing& timing) {
    count_carts_statement.run({int8_value(run_id), text_value(medusa_schema), int8_value(timing.first_delay.count()),
                               int8_value(timing.max_age.count())});
}

void record_recoveries(int64_t run_id, const std::string& medusa_schema) {
    record_recoveries_statement.run({int8_value(run_id), text_value(medusa_schema)});
}

}  // namespace pg
