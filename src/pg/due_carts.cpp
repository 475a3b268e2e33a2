#include <algorithm>
#include <chrono>
#include <cstddef>
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
// costs about the same at a million carts as at ten thousand. Candidate items include
// soft-deleted ones: deleting one is activity too. Returned sorted, the next $8 after $1.
Statement candidates_statement(R"SQL(
WITH activity_range AS (
    SELECT r.low, r.high FROM unnest($2::timestamptz[], $3::timestamptz[]) AS r(low, high)
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
     WHERE $5 AND d.status IN ('claimed', 'retry') AND d.channel = $4 AND d.cart_id > $1
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE d.stage = 1 AND d.status = 'sent' AND d.sent_at >= $6 AND d.sent_at <= $7
       AND d.channel = $4 AND d.cart_id > $1
)
SELECT id FROM touched ORDER BY id LIMIT $8
)SQL",
    {TEXTOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID, BOOLOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID},
    Statement::Planning::PerValues);

// The exact due rule over a slice of candidates ($8, sorted), returning each due cart with its
// position in the slice. Last activity = greatest of cart.updated_at and its live items' and
// shipping methods' created/updated times: Medusa does not bump cart.updated_at when items change.
// Each candidate is examined on its own, in the slice's order (the inner OFFSET 0s keep the
// planner from turning this into a join over every cart and keep that order), so the scan stops
// at the batch's LIMIT.
Statement due_carts_statement(R"SQL(
WITH due AS (
    SELECT t.n, o.*
      FROM (SELECT s.id, s.n FROM unnest($8::text[]) WITH ORDINALITY AS s(id, n) ORDER BY s.n OFFSET 0) t
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
          LEFT JOIN cart_abandon.deliveries d1 ON d1.cart_id = c.id AND d1.stage = 1 AND d1.channel = $7
          LEFT JOIN cart_abandon.deliveries d2 ON d2.cart_id = c.id AND d2.stage = 2 AND d2.channel = $7
         WHERE c.id = t.id AND c.deleted_at IS NULL AND c.completed_at IS NULL AND items.live > 0
           AND a.last_activity >= $1 AND a.last_activity <= $2
           AND (   d1.status IS NULL
                OR (d1.status = 'retry' AND d1.attempts < $5)
                OR (d1.status = 'sent' AND d1.sent_at <= $4 AND a.last_activity <= $3
                    AND (d2.status IS NULL OR (d2.status = 'retry' AND d2.attempts < $5))))
        OFFSET 0) o
     ORDER BY t.n
     LIMIT $6
)
SELECT due.n, due.id, due.last_activity,
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
 ORDER BY due.n
)SQL",
    {TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID, TEXTOID, TEXTARRAYOID},
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

DueCartQueue::DueCartQueue(std::string after_cart_id, CandidateScan scan)
    : last_collected_(std::move(after_cart_id)), scan_(scan) {}

void DueCartQueue::collect_candidates(const cart_abandon::Timing& timing, cart_abandon::Timestamp now) {
    // "No upper bound": activity stamped ahead of this server's clock still counts.
    const auto far_future = now + std::chrono::hours(24 * 3650);
    std::vector<cart_abandon::Timestamp> lows, highs;
    std::optional<Datum> first_sent_low, first_sent_high;
    if (!scan_.incremental) {
        lows = {now - timing.max_age};
        highs = {far_future};
    } else {
        // Activity whose first or second delay has passed since then, and any change since
        // then (a cart whose latest item was removed can fall back into an earlier time).
        lows = {scan_.since - timing.first_delay, scan_.since - timing.second_delay, scan_.since};
        highs = {now - timing.first_delay, now - timing.second_delay, far_future};
        const auto gap = timing.second_delay - timing.first_delay;
        first_sent_low = timestamp_value(scan_.since - gap);
        first_sent_high = timestamp_value(now - gap);
    }
    const auto rows = candidates_statement.execute({
        text_value(last_collected_),
        timestamp_array(lows),
        timestamp_array(highs),
        text_value(kWhatsAppChannel),
        bool_value(scan_.incremental),
        first_sent_low,
        first_sent_high,
        int_value(kCandidateChunk),
    });
    candidates_.clear();
    candidates_.reserve(rows);
    for (uint64_t row = 0; row < rows; ++row) candidates_.push_back(cell_text_or_empty(row, 0));
    release_result();
    position_ = 0;
    if (rows < uint64_t(kCandidateChunk)) all_collected_ = true;
    if (!candidates_.empty()) last_collected_ = candidates_.back();
}

std::vector<DueCart> DueCartQueue::next(const cart_abandon::Timing& timing, cart_abandon::Timestamp now,
                                        int limit) {
    std::vector<DueCart> carts;
    // A slice as long as the carts still wanted: with a backlog nearly every candidate is due.
    // It doubles after each slice that yields fewer, so that an idle scan takes few statements.
    std::size_t slice_length = std::size_t(limit);
    while (int(carts.size()) < limit) {
        if (position_ == candidates_.size()) {
            if (all_collected_) break;
            collect_candidates(timing, now);
            if (candidates_.empty()) break;
        }
        const int wanted = limit - int(carts.size());
        const std::size_t length = std::min(slice_length, candidates_.size() - position_);
        const auto first = candidates_.begin() + std::ptrdiff_t(position_);
        const auto rows = due_carts_statement.execute({
            timestamp_value(now - timing.max_age),
            timestamp_value(now - timing.first_delay),
            timestamp_value(now - timing.second_delay),
            timestamp_value(now - (timing.second_delay - timing.first_delay)),
            int_value(timing.max_attempts),
            int_value(wanted),
            text_value(kWhatsAppChannel),
            text_array({first, first + std::ptrdiff_t(length)}),
        });
        for (uint64_t row = 0; row < rows; ++row) {
            DueCart cart;
            cart.cart_id = cell_text_or_empty(row, 1);
            cart.timeline.last_activity = *cell_timestamp(row, 2);
            cart.timeline.first = stage_record(row, 3, 4, 5);
            cart.timeline.second = stage_record(row, 6, 7, -1);
            cart.customer_purchased_since = cell_bool(row, 8);
            cart.phones = {{"shipping", cell_text_or_empty(row, 9), cell_text_or_empty(row, 10)},
                           {"billing", cell_text_or_empty(row, 11), cell_text_or_empty(row, 12)},
                           {"customer", cell_text_or_empty(row, 13), cell_text_or_empty(row, 14)}};
            cart.names = {cell_text_or_empty(row, 15), cell_text_or_empty(row, 16), cell_text_or_empty(row, 17)};
            carts.push_back(std::move(cart));
        }
        // The batch is full: go on after its last cart (its position in the slice, from 1).
        // Otherwise the whole slice was examined.
        const std::size_t examined =
            int(rows) == wanted ? std::size_t(*cell_int(rows - 1, 0)) : length;
        release_result();
        position_ += examined;
        if (int(rows) < wanted) slice_length *= 2;
    }
    return carts;
}

}  // namespace pg
