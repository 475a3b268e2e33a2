#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pg/boundary.hpp"
#include "pg/due_carts.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

namespace pg {

const char* const kWhatsAppChannel = "whatsapp";

namespace {

// Candidates are carts with activity inside the given ranges: for a full scan, the whole
// max-age window, so the work follows the carts active in it, never every cart ever made; for
// an incremental scan, only the times whose reminders can have come due since the last complete
// run (plus open ledger rows and first reminders whose gap has passed), so an idle hourly run
// costs about the same at a million carts as at ten thousand. Then the exact due rule.
// Last activity = greatest of cart.updated_at and its live items' and shipping methods'
// created/updated times: Medusa does not bump cart.updated_at when items change. Candidate
// items include soft-deleted ones: deleting one is activity too.
Statement due_carts_statement(R"SQL(
WITH activity_range AS (
    SELECT r.low, r.high FROM unnest($9::timestamptz[], $10::timestamptz[]) AS r(low, high)
),
touched AS (
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT c.id FROM @medusa@.cart c
                          WHERE c.updated_at >= r.low AND c.updated_at <= r.high AND c.id > $1
                            AND c.deleted_at IS NULL AND c.completed_at IS NULL) c
    UNION
    SELECT li.cart_id FROM activity_range r
     CROSS JOIN LATERAL (SELECT li.cart_id FROM @medusa@.cart_line_item li
                          WHERE greatest(li.created_at, li.updated_at) >= r.low
                            AND greatest(li.created_at, li.updated_at) <= r.high AND li.cart_id > $1) li
    UNION
    SELECT sm.cart_id FROM activity_range r
     CROSS JOIN LATERAL (SELECT sm.cart_id FROM @medusa@.cart_shipping_method sm
                          WHERE greatest(sm.created_at, sm.updated_at) >= r.low
                            AND greatest(sm.created_at, sm.updated_at) <= r.high AND sm.cart_id > $1) sm
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE $11 AND d.status IN ('claimed', 'retry') AND d.channel = $8 AND d.cart_id > $1
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE d.stage = 1 AND d.status = 'sent' AND d.sent_at >= $12 AND d.sent_at <= $13
       AND d.channel = $8 AND d.cart_id > $1
),
-- Each candidate is examined on its own (OFFSET 0 keeps the planner from turning this into a
-- join over every cart: it cannot estimate how few candidates there are), in id order, so the
-- scan stops at the batch's LIMIT. The candidates are sorted first (the inner OFFSET 0 keeps
-- that order): sorting after the examination would examine every candidate for every batch.
due AS (
    SELECT o.*
      FROM (SELECT DISTINCT id FROM touched ORDER BY id OFFSET 0) t
     CROSS JOIN LATERAL (
        SELECT c.id, c.customer_id, c.email, c.shipping_address_id, c.billing_address_id, a.last_activity,
               d1.status AS first_status, d1.attempts AS first_attempts, d1.sent_at AS first_sent_at,
               d2.status AS second_status, d2.attempts AS second_attempts
          FROM @medusa@.cart c
         CROSS JOIN LATERAL (SELECT max(greatest(li.created_at, li.updated_at)) AS last_change, count(*) AS live
                               FROM @medusa@.cart_line_item li
                              WHERE li.cart_id = c.id AND li.deleted_at IS NULL) items
         CROSS JOIN LATERAL (SELECT max(greatest(sm.created_at, sm.updated_at)) AS last_change
                               FROM @medusa@.cart_shipping_method sm
                              WHERE sm.cart_id = c.id AND sm.deleted_at IS NULL) shipping
         CROSS JOIN LATERAL (SELECT greatest(c.updated_at, items.last_change, shipping.last_change) AS last_activity) a
          LEFT JOIN cart_abandon.deliveries d1 ON d1.cart_id = c.id AND d1.stage = 1 AND d1.channel = $8
          LEFT JOIN cart_abandon.deliveries d2 ON d2.cart_id = c.id AND d2.stage = 2 AND d2.channel = $8
         WHERE c.id = t.id AND c.deleted_at IS NULL AND c.completed_at IS NULL AND items.live > 0
           AND a.last_activity >= $2 AND a.last_activity <= $3
           AND (   d1.status IS NULL
                OR (d1.status = 'retry' AND d1.attempts < $6)
                OR (d1.status = 'sent' AND d1.sent_at <= $5 AND a.last_activity <= $4
                    AND (d2.status IS NULL OR (d2.status = 'retry' AND d2.attempts < $6))))
        OFFSET 0) o
     ORDER BY t.id
     LIMIT $7
)
SELECT due.id, due.last_activity,
       due.first_status, due.first_attempts, due.first_sent_at, due.second_status, due.second_attempts,
       EXISTS (SELECT 1 FROM @medusa@.cart other
                WHERE due.customer_id IS NOT NULL AND other.customer_id = due.customer_id
                  AND other.id <> due.id AND other.deleted_at IS NULL AND other.completed_at > due.last_activity)
       OR EXISTS (SELECT 1 FROM @medusa@.cart other
                   WHERE coalesce(due.email, cu.email) IS NOT NULL
                     AND lower(other.email) = lower(coalesce(due.email, cu.email))
                     AND other.id <> due.id AND other.deleted_at IS NULL AND other.completed_at > due.last_activity)
           AS customer_purchased_since,
       sa.phone, sa.country_code, ba.phone, ba.country_code, cu.phone, coalesce(sa.country_code, ba.country_code),
       cu.first_name, sa.first_name, ba.first_name
  FROM due
  LEFT JOIN @medusa@.cart_address sa ON sa.id = due.shipping_address_id AND sa.deleted_at IS NULL
  LEFT JOIN @medusa@.cart_address ba ON ba.id = due.billing_address_id AND ba.deleted_at IS NULL
  LEFT JOIN @medusa@.customer cu ON cu.id = due.customer_id AND cu.deleted_at IS NULL
 ORDER BY due.id
)SQL",
    {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID, TEXTOID,
     TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, BOOLOID, TIMESTAMPTZOID, TIMESTAMPTZOID},
    Statement::Planning::PerValues);

Statement missing_tables_statement("SELECT array_to_string(cart_abandon.missing_medusa_tables($1), ', ')", {TEXTOID});

cart_abandon::StageRecord stage_record(uint64_t row, int status_column, int attempts_column, int sent_at_column) {
    using cart_abandon::StageState;
    cart_abandon::StageRecord record;
    const auto status = cell_text(row, status_column);
    if (!status) return record;
    record.attempts = int(cell_int(row, attempts_column).value_or(0));
    if (*status == "retry") record.state = StageState::Retry;
    else if (*status == "sent") record.state = StageState::Sent;
    else record.state = StageState::Closed;
    if (sent_at_column >= 0) record.sent_at = cell_timestamp(row, sent_at_column);
    return record;
}

}  // namespace

void require_medusa_tables() {
    const std::string schema = medusa_schema();
    missing_tables_statement.execute({text_value(schema)});
    const std::string missing = cell_text_or_empty(0, 0);
    release_result();
    if (!missing.empty())
        throw cart_abandon::Error(cart_abandon::ErrorKind::MissingTable,
                                  "Medusa tables not found in schema \"" + schema + "\": " + missing,
                                  "cart_abandon reads Medusa v2's cart, cart_address, cart_line_item, "
                                  "cart_shipping_method and customer tables.",
                                  "Set cart_abandon.medusa_schema to the schema that holds them, or run "
                                  "Medusa's migrations first.");
}

std::vector<DueCart> select_due_carts(const std::string& after_cart_id, const cart_abandon::Timing& timing,
                                      cart_abandon::Timestamp now, int limit, const CandidateScan& scan) {
    // "No upper bound": activity stamped ahead of this server's clock still counts.
    const auto far_future = now + std::chrono::hours(24 * 3650);
    std::vector<cart_abandon::Timestamp> lows, highs;
    std::optional<Datum> first_sent_low, first_sent_high;
    if (!scan.incremental) {
        lows = {now - timing.max_age};
        highs = {far_future};
    } else {
        // Activity whose first or second delay has passed since then, and any change since
        // then (a cart whose latest item was removed can fall back into an earlier time).
        lows = {scan.since - timing.first_delay, scan.since - timing.second_delay, scan.since};
        highs = {now - timing.first_delay, now - timing.second_delay, far_future};
        const auto gap = timing.second_delay - timing.first_delay;
        first_sent_low = timestamp_value(scan.since - gap);
        first_sent_high = timestamp_value(now - gap);
    }
    const auto rows = due_carts_statement.execute({
        text_value(after_cart_id),
        timestamp_value(now - timing.max_age),
        timestamp_value(now - timing.first_delay),
        timestamp_value(now - timing.second_delay),
        timestamp_value(now - (timing.second_delay - timing.first_delay)),
        int_value(timing.max_attempts),
        int_value(limit),
        text_value(kWhatsAppChannel),
        timestamp_array(lows),
        timestamp_array(highs),
        bool_value(scan.incremental),
        first_sent_low,
        first_sent_high,
    });
    std::vector<DueCart> carts(rows);
    for (uint64_t row = 0; row < rows; ++row) {
        DueCart& cart = carts[row];
        cart.cart_id = cell_text_or_empty(row, 0);
        cart.timeline.last_activity = *cell_timestamp(row, 1);
        cart.timeline.first = stage_record(row, 2, 3, 4);
        cart.timeline.second = stage_record(row, 5, 6, -1);
        cart.customer_purchased_since = cell_bool(row, 7);
        cart.phones = {{"shipping", cell_text_or_empty(row, 8), cell_text_or_empty(row, 9)},
                       {"billing", cell_text_or_empty(row, 10), cell_text_or_empty(row, 11)},
                       {"customer", cell_text_or_empty(row, 12), cell_text_or_empty(row, 13)}};
        cart.names = {cell_text_or_empty(row, 14), cell_text_or_empty(row, 15), cell_text_or_empty(row, 16)};
    }
    release_result();
    return carts;
}

}  // namespace pg
