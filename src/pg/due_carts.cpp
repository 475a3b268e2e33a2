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
// run (plus open ledger rows, held stages whose time came and first reminders whose gap has
// passed), so an idle hourly run costs about the same at a million carts as at ten thousand.
// Activity is every change: items and shipping methods removed ones included (a removal stamps
// the row), the cart's addresses, and its customer (whose phone or consent can lift a skip).
// Returned sorted, the next $8 after $1.
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
                          WHERE greatest(li.created_at, li.updated_at, li.deleted_at) >= r.low
                            AND greatest(li.created_at, li.updated_at, li.deleted_at) <= r.high AND li.cart_id > $1) li
    UNION
    SELECT sm.cart_id FROM activity_range r
     CROSS JOIN LATERAL (SELECT sm.cart_id FROM @medusa@.cart_shipping_method sm
                          WHERE greatest(sm.created_at, sm.updated_at, sm.deleted_at) >= r.low
                            AND greatest(sm.created_at, sm.updated_at, sm.deleted_at) <= r.high AND sm.cart_id > $1) sm
    UNION
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT ad.id FROM @medusa@.cart_address ad
                          WHERE ad.updated_at >= r.low AND ad.updated_at <= r.high) ad
      JOIN @medusa@.cart c ON c.shipping_address_id = ad.id
     WHERE c.id > $1 AND c.deleted_at IS NULL AND c.completed_at IS NULL
    UNION
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT ad.id FROM @medusa@.cart_address ad
                          WHERE ad.updated_at >= r.low AND ad.updated_at <= r.high) ad
      JOIN @medusa@.cart c ON c.billing_address_id = ad.id
     WHERE c.id > $1 AND c.deleted_at IS NULL AND c.completed_at IS NULL
    UNION
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT cu.id FROM @medusa@.customer cu
                          WHERE cu.updated_at >= r.low AND cu.updated_at <= r.high) cu
      JOIN @medusa@.cart c ON c.customer_id = cu.id
     WHERE c.id > $1 AND c.deleted_at IS NULL AND c.completed_at IS NULL
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE $5 AND d.status IN ('claimed', 'retry') AND d.channel = $4 AND d.cart_id > $1
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE $5 AND d.status = 'held' AND d.not_before >= $9 AND d.not_before <= $10
       AND d.channel = $4 AND d.cart_id > $1
    UNION
    SELECT d.cart_id FROM cart_abandon.deliveries d
     WHERE d.stage = 1 AND d.status = 'sent' AND d.sent_at >= $6 AND d.sent_at <= $7
       AND d.channel = $4 AND d.cart_id > $1
)
SELECT id FROM touched ORDER BY id LIMIT $8
)SQL",
    {TEXTOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID, BOOLOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID,
     TIMESTAMPTZOID, TIMESTAMPTZOID},
    Statement::Planning::PerValues);

// The exact due rule over a slice of candidates ($8, sorted), returning each due cart with its
// position in the slice. Last activity = the greatest change time of the cart, all its items
// and shipping methods (removed ones too: Medusa does not bump cart.updated_at when items
// change, bug #15043) and its addresses. Live and removed rows are read apart: Medusa's index on
// cart_id covers live rows only, so a cart's live rows are a lookup, while the slice's removed
// rows are read together, once per slice (`removed`): by the recommended cart_abandon_*_removed
// indexes, or without them by one scan of each table, never one scan per cart (3.7 carts/s at
// 1M carts). A cart an order links to (order_cart) has been bought whatever completed_at says
// (Medusa #8111). cart_abandon.stage_open says whether a ledger row
// can be taken (none, retry, held and its time come, a skip that a change lifted).
// Each candidate is examined on its own, in the slice's order (the inner OFFSET 0s keep the
// planner from turning this into a join over every cart and keep that order), so the scan stops
// at the batch's LIMIT.
Statement due_carts_statement(R"SQL(
WITH removed AS MATERIALIZED (
    SELECT li.cart_id, max(greatest(li.created_at, li.updated_at, li.deleted_at)) AS last_change
      FROM @medusa@.cart_line_item li
     WHERE li.cart_id = ANY ($8::text[]) AND li.deleted_at IS NOT NULL
     GROUP BY li.cart_id
    UNION ALL
    SELECT sm.cart_id, max(greatest(sm.created_at, sm.updated_at, sm.deleted_at))
      FROM @medusa@.cart_shipping_method sm
     WHERE sm.cart_id = ANY ($8::text[]) AND sm.deleted_at IS NOT NULL
     GROUP BY sm.cart_id
),
due AS (
    SELECT t.n, o.*
      FROM (SELECT s.id, s.n, r.last_change AS removed_change
              FROM unnest($8::text[]) WITH ORDINALITY AS s(id, n)
              LEFT JOIN (SELECT cart_id, max(last_change) AS last_change FROM removed GROUP BY cart_id) r
                     ON r.cart_id = s.id
             ORDER BY s.n OFFSET 0) t
     CROSS JOIN LATERAL (
        SELECT c.id, c.customer_id, c.email, c.metadata, c.shipping_address_id, c.billing_address_id,
               a.last_activity, greatest(a.last_activity, cu.updated_at) AS last_change,
               d1.status AS s1, d1.attempts AS a1, d1.sent_at AS t1, d1.updated_at AS u1, d1.origin AS o1,
               d1.skip_reason AS r1,
               d2.status AS s2, d2.attempts AS a2, d2.updated_at AS u2, d2.origin AS o2, d2.skip_reason AS r2
          FROM @medusa@.cart c
         CROSS JOIN LATERAL (SELECT max(greatest(li.created_at, li.updated_at)) AS last_change, count(*) AS live
                               FROM @medusa@.cart_line_item li
                              WHERE li.cart_id = c.id AND li.deleted_at IS NULL) items
         CROSS JOIN LATERAL (SELECT max(greatest(sm.created_at, sm.updated_at)) AS last_change
                               FROM @medusa@.cart_shipping_method sm
                              WHERE sm.cart_id = c.id AND sm.deleted_at IS NULL) shipping
         CROSS JOIN LATERAL (SELECT max(ad.updated_at) AS last_change FROM @medusa@.cart_address ad
                              WHERE ad.id IN (c.shipping_address_id, c.billing_address_id)) addresses
         CROSS JOIN LATERAL (SELECT greatest(c.updated_at, items.last_change, shipping.last_change,
                                             t.removed_change, addresses.last_change) AS last_activity) a
          LEFT JOIN @medusa@.customer cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
          LEFT JOIN cart_abandon.deliveries d1 ON d1.cart_id = c.id AND d1.stage = 1 AND d1.channel = $7
          LEFT JOIN cart_abandon.deliveries d2 ON d2.cart_id = c.id AND d2.stage = 2 AND d2.channel = $7
         WHERE c.id = t.id AND c.deleted_at IS NULL AND c.completed_at IS NULL AND items.live > 0
           AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL)
           AND a.last_activity >= $1 AND a.last_activity <= $2
           AND (   cart_abandon.stage_open(d1.status, d1.attempts, d1.not_before, d1.skip_reason, d1.cart_changed_at,
                                           greatest(a.last_activity, cu.updated_at), $5, $9, $11)
                OR (d1.status = 'sent' AND coalesce(d1.sent_at, '-infinity') <= $4 AND a.last_activity <= $3
                    AND cart_abandon.stage_open(d2.status, d2.attempts, d2.not_before, d2.skip_reason,
                                                d2.cart_changed_at, greatest(a.last_activity, cu.updated_at),
                                                $5, $9, $11)))
        OFFSET 0) o
     ORDER BY t.n
     LIMIT $6
)
SELECT due.n, due.id, due.last_activity, due.last_change,
       due.s1, due.a1, due.t1, due.u1, due.o1, due.r1, due.s2, due.a2, due.u2, due.o2, due.r2,
       CASE WHEN jsonb_typeof(due.metadata -> 'notifications') = 'object' THEN (due.metadata -> 'notifications')::text END,
       due.customer_id, lower(coalesce(due.email, cu.email)),
       coalesce(lower(due.metadata ->> $10) IN ('true', 'yes'), false)
           OR coalesce(lower(cu.metadata ->> $10) IN ('true', 'yes'), false),
       sa.phone, sa.country_code, sa.province, ba.phone, ba.country_code, ba.province,
       cu.phone, cda.country_code, cda.province,
       cu.first_name, sa.first_name, ba.first_name
  FROM due
  LEFT JOIN @medusa@.cart_address sa ON sa.id = due.shipping_address_id AND sa.deleted_at IS NULL
  LEFT JOIN @medusa@.cart_address ba ON ba.id = due.billing_address_id AND ba.deleted_at IS NULL
  LEFT JOIN @medusa@.customer cu ON cu.id = due.customer_id AND cu.deleted_at IS NULL
  -- The customer's own phone is read in the country of the customer's default address, never
  -- of this cart's addresses (a gift shipped abroad must not change whose number it is).
  LEFT JOIN LATERAL (SELECT ca.country_code, ca.province FROM @medusa@.customer_address ca
                      WHERE ca.customer_id = due.customer_id AND ca.deleted_at IS NULL
                        AND (ca.is_default_shipping OR ca.is_default_billing)
                      ORDER BY ca.is_default_shipping DESC, ca.created_at LIMIT 1) cda ON true
 ORDER BY due.n
)SQL",
    {TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID, TEXTOID, TEXTARRAYOID,
     TIMESTAMPTZOID, TEXTOID, BOOLOID},
    Statement::Planning::PerValues);

Statement missing_tables_statement(
    "SELECT array_to_string(cart_abandon.missing_medusa_tables($1), ', '), "
    "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cart_abandon')",
    {TEXTOID});

Statement missing_indexes_statement("SELECT array_to_string(cart_abandon.missing_indexes($1), ', ')", {TEXTOID});

// The SQL objects this library's statements expect.
const char* const kSchemaVersion = "1.4";

// The policy's view of a ledger row the selection returned. A held or skipped row there is open
// (stage_open: its time came, or a change lifted the skip; a later stage matters only after a
// sent one): it counts as never attempted, keeping its attempts.
cart_abandon::StageRecord stage_record(uint64_t row, int status_column, int attempts_column, int sent_at_column) {
    using cart_abandon::StageState;
    cart_abandon::StageRecord record;
    const auto status = cell_text(row, status_column);
    if (!status) return record;
    record.attempts = int(cell_int(row, attempts_column).value_or(0));
    if (*status == "retry") record.state = StageState::Retry;
    else if (*status == "sent") record.state = StageState::Sent;
    else if (*status == "held" || *status == "skipped") record.state = StageState::None;
    else record.state = StageState::Closed;
    // An imported reminder without a time was sent long ago.
    if (sent_at_column >= 0 && record.state == StageState::Sent)
        record.sent_at = cell_timestamp(row, sent_at_column).value_or(cart_abandon::Timestamp{});
    return record;
}

StageRow stage_row(uint64_t row, int status_column, int updated_column, int origin_column, int reason_column) {
    StageRow r;
    r.status = cell_text(row, status_column);
    r.updated_at = cell_timestamp(row, updated_column);
    r.origin = cell_text_or_empty(row, origin_column);
    r.skip_reason = cell_text_or_empty(row, reason_column);
    return r;
}

}  // namespace

void require_medusa_tables() {
    const std::string schema = medusa_schema();
    missing_tables_statement.execute({text_value(schema)});
    const std::string missing = cell_text_or_empty(0, 0);
    const std::string version = cell_text_or_empty(0, 1);
    release_result();
    if (version != kSchemaVersion)
        throw cart_abandon::Error(cart_abandon::ErrorKind::MissingConfiguration,
                                  "the cart_abandon extension is at version " + version + " but its library is " +
                                      kSchemaVersion,
                                  "The library was upgraded; the extension's tables and functions were not.",
                                  "Run ALTER EXTENSION cart_abandon UPDATE;");
    if (!missing.empty())
        throw cart_abandon::Error(cart_abandon::ErrorKind::MissingTable,
                                  "Medusa tables not found in schema \"" + schema + "\": " + missing,
                                  "cart_abandon reads Medusa v2's cart, cart_address, cart_line_item, "
                                  "cart_shipping_method, customer, customer_address, order, order_address and "
                                  "order_cart tables.",
                                  "Set cart_abandon.medusa_schema to the schema that holds them, or run "
                                  "Medusa's migrations first.");
}

std::string missing_recommended_indexes() {
    missing_indexes_statement.execute({text_value(medusa_schema())});
    std::string missing = cell_text_or_empty(0, 0);
    release_result();
    return missing;
}

DueCartQueue::DueCartQueue(std::string after_cart_id, CandidateScan scan)
    : last_collected_(std::move(after_cart_id)), scan_(scan) {}

void DueCartQueue::collect_candidates(const cart_abandon::Timing& timing, cart_abandon::Timestamp now) {
    // "No upper bound": activity stamped ahead of this server's clock still counts.
    const auto far_future = now + std::chrono::hours(24 * 3650);
    std::vector<cart_abandon::Timestamp> lows, highs;
    std::optional<Datum> first_sent_low, first_sent_high, held_low, held_high;
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
        held_low = timestamp_value(scan_.since);
        held_high = timestamp_value(now);
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
        held_low,
        held_high,
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
                                        int limit, const std::string& consent_key, bool consent_required) {
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
            timestamp_value(now),
            text_value(consent_key),
            bool_value(consent_required),
        });
        for (uint64_t row = 0; row < rows; ++row) {
            DueCart cart;
            cart.cart_id = cell_text_or_empty(row, 1);
            cart.timeline.last_activity = *cell_timestamp(row, 2);
            cart.last_change = cell_timestamp(row, 3).value_or(cart.timeline.last_activity);
            cart.timeline.first = stage_record(row, 4, 5, 6);
            cart.rows[0] = stage_row(row, 4, 7, 8, 9);
            cart.timeline.second = stage_record(row, 10, 11, -1);
            cart.rows[1] = stage_row(row, 10, 12, 13, 14);
            cart.notifications = cell_text_or_empty(row, 15);
            cart.customer_id = cell_text_or_empty(row, 16);
            cart.email = cell_text_or_empty(row, 17);
            cart.consent = cell_bool(row, 18);
            cart.phones = {{"shipping", cell_text_or_empty(row, 19), cell_text_or_empty(row, 20)},
                           {"billing", cell_text_or_empty(row, 22), cell_text_or_empty(row, 23)},
                           {"customer", cell_text_or_empty(row, 25), cell_text_or_empty(row, 26)}};
            cart.provinces = {cell_text_or_empty(row, 21), cell_text_or_empty(row, 24), cell_text_or_empty(row, 27)};
            cart.names = {cell_text_or_empty(row, 28), cell_text_or_empty(row, 29), cell_text_or_empty(row, 30)};
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
