// The due-cart queue's candidates: the carts active in the scanned times, collected a chunk at a time.
#include <chrono>
#include <optional>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pg/store/due_carts.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// Candidates are carts with activity inside the given ranges: for a full scan, the whole
// max-age window, so the work follows the carts active in it, never every cart ever made; for
// an incremental scan, only the times whose reminders can have come due since the last complete
// run (plus open ledger rows, held stages whose time came and first reminders whose gap has
// passed), so an idle hourly run costs about the same at a million carts as at ten thousand.
// Activity is every change: items and shipping methods removed ones included (a removal stamps
// the row), the cart's addresses, and, when the scan is incremental ($5), its customer (whose
// phone or consent can lift a skip; a full scan finds every cart whose last activity is in the
// window by the other changes, and the customer's is no part of it). A changed address reaches
// its carts through Medusa's indexes on the address ids (OFFSET 0 keeps the planner from hashing
// every open cart instead). Medusa's side (as its tables' owner) and the ledger's side (as the
// extension's owner) are two statements; the second, for an incremental scan only (a full scan
// has no ledger candidates), merges the first's ids, so that one ORDER BY (the database's
// collation, as the cursor's) orders both. Each returns the next $4 / $6 after $1, up to $6 / $8
// when that is not NULL, as one array.
Statement medusa_candidates_statement(R"SQL(
WITH activity_range AS (
    SELECT r.low, r.high FROM unnest($2::timestamptz[], $3::timestamptz[]) AS r(low, high)
),
touched AS (
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT c.id FROM @medusa@.cart c
                          WHERE c.updated_at >= r.low AND c.updated_at <= r.high AND c.id > $1
                            AND c.deleted_at IS NULL AND c.completed_at IS NULL) c
    UNION ALL
    SELECT li.cart_id FROM activity_range r
     CROSS JOIN LATERAL (SELECT li.cart_id FROM @medusa@.cart_line_item li
                          WHERE greatest(li.created_at, li.updated_at, li.deleted_at) >= r.low
                            AND greatest(li.created_at, li.updated_at, li.deleted_at) <= r.high AND li.cart_id > $1) li
    UNION ALL
    SELECT sm.cart_id FROM activity_range r
     CROSS JOIN LATERAL (SELECT sm.cart_id FROM @medusa@.cart_shipping_method sm
                          WHERE greatest(sm.created_at, sm.updated_at, sm.deleted_at) >= r.low
                            AND greatest(sm.created_at, sm.updated_at, sm.deleted_at) <= r.high AND sm.cart_id > $1) sm
    UNION ALL
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT ad.id FROM @medusa@.cart_address ad
                          WHERE ad.updated_at >= r.low AND ad.updated_at <= r.high) ad
     CROSS JOIN LATERAL (SELECT c.id FROM @medusa@.cart c
                          WHERE c.shipping_address_id = ad.id AND c.id > $1
                            AND c.deleted_at IS NULL AND c.completed_at IS NULL
                         UNION ALL
                         SELECT c.id FROM @medusa@.cart c
                          WHERE c.billing_address_id = ad.id AND c.id > $1
                            AND c.deleted_at IS NULL AND c.completed_at IS NULL
                         OFFSET 0) c
    UNION ALL
    SELECT c.id FROM activity_range r
     CROSS JOIN LATERAL (SELECT cu.id FROM @medusa@.customer cu
                          WHERE $5 AND cu.updated_at >= r.low AND cu.updated_at <= r.high) cu
      JOIN @medusa@.cart c ON c.customer_id = cu.id
     WHERE c.id > $1 AND c.deleted_at IS NULL AND c.completed_at IS NULL
)
SELECT ARRAY(SELECT id FROM (SELECT DISTINCT id FROM touched) t WHERE $6::text IS NULL OR id <= $6
              ORDER BY id LIMIT $4)
)SQL",
                                      {TEXTOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, INT4OID, BOOLOID, TEXTOID},
                                      Statement::Planning::PerValues);

// The ledger's side reads every channel's rows: a stage one channel left (a failure, a first
// reminder sent) can be another channel's to take (core/rules/channel_turn.hpp).
Statement candidates_statement(R"SQL(
SELECT ARRAY(
    SELECT id FROM (
        SELECT unnest($7::text[]) AS id
        UNION
        SELECT d.cart_id FROM cart_abandon.deliveries d
         WHERE d.status IN ('claimed', 'retry') AND d.cart_id > $1
        UNION
        SELECT d.cart_id FROM cart_abandon.deliveries d
         WHERE d.status = 'held' AND d.not_before >= $2 AND d.not_before <= $3 AND d.cart_id > $1
        UNION
        SELECT d.cart_id FROM cart_abandon.deliveries d
         WHERE d.stage = 1 AND d.status = 'sent' AND d.sent_at >= $4 AND d.sent_at <= $5 AND d.cart_id > $1
    ) touched
     WHERE $8::text IS NULL OR id <= $8
    ORDER BY id LIMIT $6)
)SQL",
                               {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID,
                                TEXTARRAYOID, TEXTOID},
                               Statement::Planning::PerValues);

// The cursor's order is the database's collation, not the bytes' (ORDER BY as the candidates').
Statement cursor_order_statement(R"SQL(SELECT ARRAY(SELECT id FROM unnest($1::text[]) AS id ORDER BY id))SQL",
                                 {TEXTARRAYOID});

}  // namespace

std::vector<std::string> in_cursor_order(const std::vector<std::string>& cart_ids) {
    cursor_order_statement.execute({text_array(cart_ids)});
    std::vector<std::string> ordered;
    ordered.reserve(cart_ids.size());
    for_each_text_in_cell(0, 0, [&](std::string_view id) { ordered.emplace_back(id); });
    release_result();
    return ordered;
}

DueCartQueue::DueCartQueue(std::string after_cart_id, CandidateScan scan, std::optional<std::string> up_to_cart_id)
    : last_collected_(std::move(after_cart_id)), scan_(scan), up_to_(std::move(up_to_cart_id)) {}

void DueCartQueue::collect_candidates(const cart_abandon::Timing& timing, cart_abandon::Timestamp now) {
    // "No upper bound": activity stamped ahead of this server's clock still counts.
    const auto far_future = now + std::chrono::hours(24 * 3650);
    std::vector<cart_abandon::Timestamp> lows, highs;
    if (!scan_.incremental) {
        lows = {now - timing.max_age};
        highs = {far_future};
    } else {
        // Activity whose first or second delay has passed since then, and any change since
        // then (a cart whose latest item was removed can fall back into an earlier time).
        lows = {scan_.since - timing.first_delay, scan_.since - timing.second_delay, scan_.since};
        highs = {now - timing.first_delay, now - timing.second_delay, far_future};
    }
    std::optional<Datum> up_to;  // NULL: no bound
    if (up_to_) up_to = text_value(*up_to_);
    candidates_.clear();
    medusa_candidates_statement.execute({text_value(last_collected_), timestamp_array(lows), timestamp_array(highs),
                                         int_value(kCandidateChunk), bool_value(scan_.incremental), up_to});
    for_each_text_in_cell(0, 0, [&](std::string_view id) { candidates_.add(id); });
    release_result();
    if (scan_.incremental) {
        std::vector<std::string> from_medusa;
        from_medusa.reserve(candidates_.size());
        for (std::size_t i = 0; i < candidates_.size(); ++i) from_medusa.push_back(candidates_.at(i));
        candidates_.clear();
        const auto gap = timing.second_delay - timing.first_delay;
        candidates_statement.execute({
            text_value(last_collected_),
            timestamp_value(scan_.since),
            timestamp_value(now),
            timestamp_value(scan_.since - gap),
            timestamp_value(now - gap),
            int_value(kCandidateChunk),
            text_array(from_medusa),
            up_to,
        });
        for_each_text_in_cell(0, 0, [&](std::string_view id) { candidates_.add(id); });
        release_result();
    }
    position_ = 0;
    if (candidates_.size() < std::size_t(kCandidateChunk)) all_collected_ = true;
    if (candidates_.size() > 0) last_collected_ = candidates_.at(candidates_.size() - 1);
}

}  // namespace pg
