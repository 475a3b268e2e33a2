#include <optional>
#include <string>

#include "core/error.hpp"
#include "pg/settings.hpp"
#include "pg/store/runs.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

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
                             {INT8OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID, INT4OID,
                              INT4OID});

Statement finish_statement(R"SQL(
UPDATE cart_abandon.runs
   SET finished_at = clock_timestamp(), progress_at = clock_timestamp(), status = $2, batches = $3,
       examined = $4, sent_first = $5, sent_second = $6, failed = $7, retry = $8, skipped = $9,
       detail = nullif($10, ''), held = $11, imported = $12
 WHERE id = $1
)SQL",
                           {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID,
                            INT4OID, INT4OID});

// Open carts (not completed or deleted, a live item, no order linked), of them the abandoned
// (idle at least the first delay, $1 seconds) and those abandoned inside max_age ($2), with last
// activity as the due rule sees it: every change to the cart, its items and shipping methods
// (removals too) and its addresses. Only the open count passes over every cart (a semi-join to
// the live items' index, no aggregate); last activity is needed only for carts that changed
// since the earlier of the two times, found as the candidate scan finds them (by the recommended
// indexes), as the latest of those changes: abandoned = open less those active since the first
// delay. A second at a million carts where aggregating every cart's items took six to nine, as
// Medusa's tables' owner; a run that scans in full keeps it in its row for cart_abandon_stats(),
// which would otherwise examine every open cart per call.
Statement count_carts_statement(R"SQL(
WITH open_carts AS (
    SELECT count(*) AS n FROM @medusa@.cart c
     WHERE c.deleted_at IS NULL AND c.completed_at IS NULL
       AND EXISTS (SELECT 1 FROM @medusa@.cart_line_item li WHERE li.cart_id = c.id AND li.deleted_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL)),
bounds AS (
    SELECT now() - $1 * interval '1 second' AS idle_since, now() - $2 * interval '1 second' AS window_start,
           least(now() - $1 * interval '1 second', now() - $2 * interval '1 second') AS low),
change AS (
    SELECT c.id, c.updated_at AS at FROM bounds b
      JOIN @medusa@.cart c ON c.updated_at >= b.low AND c.deleted_at IS NULL AND c.completed_at IS NULL
    UNION ALL
    SELECT li.cart_id, greatest(li.created_at, li.updated_at, li.deleted_at) FROM bounds b
      JOIN @medusa@.cart_line_item li ON greatest(li.created_at, li.updated_at, li.deleted_at) >= b.low
    UNION ALL
    SELECT sm.cart_id, greatest(sm.created_at, sm.updated_at, sm.deleted_at) FROM bounds b
      JOIN @medusa@.cart_shipping_method sm ON greatest(sm.created_at, sm.updated_at, sm.deleted_at) >= b.low
    UNION ALL
    SELECT c.id, ad.updated_at FROM bounds b
      JOIN @medusa@.cart_address ad ON ad.updated_at >= b.low
     CROSS JOIN LATERAL (SELECT c.id FROM @medusa@.cart c
                          WHERE c.shipping_address_id = ad.id AND c.deleted_at IS NULL AND c.completed_at IS NULL
                         UNION ALL
                         SELECT c.id FROM @medusa@.cart c
                          WHERE c.billing_address_id = ad.id AND c.deleted_at IS NULL AND c.completed_at IS NULL
                         OFFSET 0) c),
recent AS (
    SELECT r.last_activity FROM (SELECT id, max(at) AS last_activity FROM change GROUP BY id) r
      JOIN @medusa@.cart c ON c.id = r.id
     WHERE c.deleted_at IS NULL AND c.completed_at IS NULL
       AND EXISTS (SELECT 1 FROM @medusa@.cart_line_item li WHERE li.cart_id = c.id AND li.deleted_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL))
SELECT (SELECT n FROM open_carts),
       (SELECT n FROM open_carts) - count(*) FILTER (WHERE r.last_activity > b.idle_since),
       count(*) FILTER (WHERE r.last_activity <= b.idle_since AND r.last_activity >= b.window_start)
  FROM recent r, bounds b
)SQL",
                                {INT8OID, INT8OID}, Statement::Planning::PerValues);

Statement record_counts_statement(R"SQL(
UPDATE cart_abandon.runs
   SET open_carts = $2, abandoned_carts = $3, abandoned_carts_in_window = $4, carts_counted_at = clock_timestamp()
 WHERE id = $1
)SQL",
                                  {INT8OID, INT8OID, INT8OID, INT8OID});

}  // namespace

void close_abandoned_runs() { close_abandoned_statement.run({}); }

std::string scan_key(const std::string& medusa_schema, const cart_abandon::Timing& timing, bool consent_required) {
    // "1.1": a 1.0 run did not look for what 1.1 examines (held stages, changed addresses and
    // customers), so the first 1.1 run is full; so is the first after consent stops being required.
    return std::string("1.1/") + (consent_required ? "consent/" : "") + medusa_schema + "/" +
           std::to_string(timing.first_delay.count()) + "/" + std::to_string(timing.second_delay.count()) + "/" +
           std::to_string(timing.max_age.count());
}

CandidateScan choose_scan(const std::string& key, cart_abandon::Timestamp now,
                          std::chrono::seconds full_scan_interval) {
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

void record_run_progress(int64_t run_id, const cart_abandon::RunTotals& t, int batches,
                         const std::string& last_cursor) {
    progress_statement.run({int8_value(run_id), int_value(batches), int_value(t.examined), int_value(t.sent_first),
                            int_value(t.sent_second), int_value(t.failed), int_value(t.retry), int_value(t.skipped),
                            text_value(last_cursor), int_value(t.held), int_value(t.imported)});
}

void finish_run(int64_t run_id, cart_abandon::RunStatus status, const cart_abandon::RunTotals& t, int batches,
                const std::string& detail) {
    finish_statement.run({int8_value(run_id), text_value(cart_abandon::name(status)), int_value(batches),
                          int_value(t.examined), int_value(t.sent_first), int_value(t.sent_second), int_value(t.failed),
                          int_value(t.retry), int_value(t.skipped), text_value(detail), int_value(t.held),
                          int_value(t.imported)});
}

CartCounts count_carts(const cart_abandon::Timing& timing) {
    count_carts_statement.execute({int8_value(timing.first_delay.count()), int8_value(timing.max_age.count())});
    const CartCounts counts{cell_int(0, 0).value_or(0), cell_int(0, 1).value_or(0), cell_int(0, 2).value_or(0)};
    release_result();
    return counts;
}

void record_cart_counts(int64_t run_id, const cart_abandon::Timing& timing) {
    const CartCounts counts = count_carts(timing);
    record_counts_statement.run({int8_value(run_id), int8_value(counts.open), int8_value(counts.abandoned),
                                 int8_value(counts.abandoned_in_window)});
}

namespace {

std::chrono::seconds seconds_of(const Interval* interval) {
    return std::chrono::seconds((interval->time / USECS_PER_SEC) + int64_t(interval->day) * SECS_PER_DAY +
                                int64_t(interval->month) * DAYS_PER_MONTH * SECS_PER_DAY);
}

// SQL: cart_abandon.count_carts(schema_name, first_delay, max_age): the count a full-scan run
// keeps (the benchmark times it). Superuser only; it reads as the tables' owner all the same.
Datum count_carts_body(FunctionCallInfo fcinfo) {
    const std::string schema = guarded([&] { return std::string(text_to_cstring(PG_GETARG_TEXT_PP(0))); });
    if (schema != medusa_schema())
        throw cart_abandon::Error(cart_abandon::ErrorKind::InvalidArgument,
                                  "schema_name must be cart_abandon.medusa_schema (\"" + medusa_schema() + "\")");
    cart_abandon::Timing timing;
    timing.first_delay = seconds_of(PG_GETARG_INTERVAL_P(1));
    timing.max_age = seconds_of(PG_GETARG_INTERVAL_P(2));
    spi_connect(false);
    use_extension_owner();
    const CartCounts counts = count_carts(timing);
    spi_finish();
    return guarded([&] {
        TupleDesc descriptor;
        if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "cart_abandon: count_carts must return a record");
        Datum values[3] = {Int64GetDatum(counts.open), Int64GetDatum(counts.abandoned),
                           Int64GetDatum(counts.abandoned_in_window)};
        bool nulls[3] = {false, false, false};
        return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(descriptor), values, nulls));
    });
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_count_carts);
Datum cart_abandon_count_carts(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::count_carts_body); }
}
