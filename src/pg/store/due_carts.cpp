// The due-cart queue's selection: each slice of candidates by its ledger rows, its activity and the stage rule.
#include <algorithm>
#include <array>
#include <map>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/rules/channel_turn.hpp"
#include "pg/store/cart_standing.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// The open carts of a slice of candidates ($3, sorted) whose last activity is inside the window
// [$1, $2], each with its position in the slice. Last activity = the greatest change time of the
// cart, all its items and shipping methods (removed ones too: Medusa does not bump
// cart.updated_at when items change, bug #15043) and its addresses; last change adds the
// customer's. Live and removed rows are read apart: Medusa's index on cart_id covers live rows
// only, so a cart's live rows are a lookup, while the slice's removed rows are read together,
// once per slice (`removed`): by the recommended cart_abandon_*_removed indexes, or without them
// by one scan of each table, never one scan per cart (3.7 carts/s at 1M carts). A cart an order
// links to (order_cart) has been bought whatever completed_at says (Medusa #8111). Each
// candidate is examined on its own, in the slice's order (the inner OFFSET 0s keep the planner
// from turning this into a join over every cart). Its ledger rows are read apart, before
// (ledger_statement): only the candidates they leave open come here
// (cart_abandon::selection_may_be_due), and the core applies the stage rule (selection_due).
Statement activity_statement(R"SQL(
WITH removed AS MATERIALIZED (
    SELECT li.cart_id, max(greatest(li.created_at, li.updated_at, li.deleted_at)) AS last_change
      FROM @medusa@.cart_line_item li
     WHERE li.cart_id = ANY ($3::text[]) AND li.deleted_at IS NOT NULL
     GROUP BY li.cart_id
    UNION ALL
    SELECT sm.cart_id, max(greatest(sm.created_at, sm.updated_at, sm.deleted_at))
      FROM @medusa@.cart_shipping_method sm
     WHERE sm.cart_id = ANY ($3::text[]) AND sm.deleted_at IS NOT NULL
     GROUP BY sm.cart_id
)
SELECT t.n, o.id, o.last_activity, o.last_change
  FROM (SELECT s.id, s.n, r.last_change AS removed_change
          FROM unnest($3::text[]) WITH ORDINALITY AS s(id, n)
          LEFT JOIN (SELECT cart_id, max(last_change) AS last_change FROM removed GROUP BY cart_id) r
                 ON r.cart_id = s.id
         ORDER BY s.n OFFSET 0) t
 CROSS JOIN LATERAL (
    SELECT c.id, a.last_activity, greatest(a.last_activity, cu.updated_at) AS last_change
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
     WHERE c.id = t.id AND c.deleted_at IS NULL AND c.completed_at IS NULL AND items.live > 0
       AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL)
       AND a.last_activity >= $1 AND a.last_activity <= $2
    OFFSET 0) o
 ORDER BY t.n
)SQL",
                             {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTARRAYOID}, Statement::Planning::PerValues);

// The ledger rows of the first and second stage of these carts, on every channel (one voice
// across channels: core/rules/channel_turn.hpp reads them together).
Statement ledger_statement(R"SQL(
SELECT d.cart_id, d.stage, d.status, d.attempts, d.sent_at, d.updated_at, d.origin, d.skip_reason, d.not_before,
       d.cart_changed_at, d.channel, d.id
  FROM cart_abandon.deliveries d
 WHERE d.cart_id = ANY ($1::text[])
)SQL",
                           {TEXTARRAYOID}, Statement::Planning::PerValues);

// What the decision needs of the carts chosen ($1, in order): who, which phones, consent, names.
Statement details_statement(R"SQL(
SELECT s.n, c.id,
       CASE WHEN jsonb_typeof(c.metadata -> 'notifications') = 'object' THEN (c.metadata -> 'notifications')::text END,
       c.customer_id, lower(coalesce(c.email, cu.email)),
       coalesce(lower(c.metadata ->> $2) IN ('true', 'yes'), false)
           OR coalesce(lower(cu.metadata ->> $2) IN ('true', 'yes'), false),
       sa.phone, sa.country_code, sa.province, ba.phone, ba.country_code, ba.province,
       cu.phone, cda.country_code, cda.province,
       cu.first_name, sa.first_name, ba.first_name
  FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
  JOIN @medusa@.cart c ON c.id = s.id
  LEFT JOIN @medusa@.cart_address sa ON sa.id = c.shipping_address_id AND sa.deleted_at IS NULL
  LEFT JOIN @medusa@.cart_address ba ON ba.id = c.billing_address_id AND ba.deleted_at IS NULL
  LEFT JOIN @medusa@.customer cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
  -- The customer's own phone is read in the country of the customer's default address, never
  -- of this cart's addresses (a gift shipped abroad must not change whose number it is).
  LEFT JOIN LATERAL (SELECT ca.country_code, ca.province FROM @medusa@.customer_address ca
                      WHERE ca.customer_id = c.customer_id AND ca.deleted_at IS NULL
                        AND (ca.is_default_shipping OR ca.is_default_billing)
                      ORDER BY ca.is_default_shipping DESC, ca.created_at LIMIT 1) cda ON true
 ORDER BY s.n
)SQL",
                            {TEXTARRAYOID, TEXTOID}, Statement::Planning::PerValues);

// A stage's ledger rows as the pass on one channel sees them (cart_abandon::stage_turn).
struct LedgerRow {
    cart_abandon::LedgerStage stage;
    StageRow row;
    std::optional<int64_t> fallback_of;
};

// The policy's view of a ledger row the selection returned. A held or skipped row there is open
// (stage_open: its time came, or a change lifted the skip; a later stage matters only after a
// sent one): it counts as never attempted, keeping its attempts.
cart_abandon::StageRecord stage_record(const cart_abandon::LedgerStage& row, bool with_sent_at) {
    using cart_abandon::StageState;
    cart_abandon::StageRecord record;
    using cart_abandon::Status;
    if (!row.status) return record;
    const Status status = *row.status;
    record.attempts = row.attempts;
    if (status == Status::Retry)
        record.state = StageState::Retry;
    else if (status == Status::Sent)
        record.state = StageState::Sent;
    else if (status == Status::Held || status == Status::Skipped)
        record.state = StageState::None;
    else
        record.state = StageState::Closed;
    // An imported reminder without a time was sent long ago.
    if (with_sent_at && record.state == StageState::Sent)
        record.sent_at = row.sent_at.value_or(cart_abandon::Timestamp{});
    return record;
}

// The ledger rows of these carts' stages 1 and 2 as the pass on `channel` sees them (each
// stage's channel order in `orders`), by cart id; a cart without rows is left out.
std::map<std::string, std::array<LedgerRow, 2>> ledger_rows(cart_abandon::ChannelKind channel,
                                                            const cart_abandon::StageOrders& orders,
                                                            const std::vector<std::string>& cart_ids,
                                                            const PretendRows* pretend) {
    PretendRows read;
    if (cart_ids.empty()) return {};
    if (pretend)
        for (const auto& id : cart_ids)
            if (const auto found = pretend->find(id); found != pretend->end()) read[id] = found->second;
    const auto count = ledger_statement.execute({text_array(cart_ids)});
    for (uint64_t i = 0; i < count; ++i) {
        const int stage = int(cell_int(i, 1).value_or(0));
        // The channels are the CHECK's: one this library does not know cannot be read.
        const auto kind = cart_abandon::parse_word<cart_abandon::ChannelKind>(cell_text_or_empty(i, 10));
        if ((stage != 1 && stage != 2) || !kind) continue;
        cart_abandon::ChannelStageRow& r = read[cell_text_or_empty(i, 0)][std::size_t(stage - 1)].emplace_back();
        r.channel = *kind;
        r.id = cell_int(i, 11).value_or(0);
        // The statuses are the CHECK's: an unknown one cannot be read.
        r.stage.status = cart_abandon::parse_word<cart_abandon::Status>(cell_text_or_empty(i, 2));
        r.stage.attempts = int(cell_int(i, 3).value_or(0));
        r.stage.sent_at = cell_timestamp(i, 4);
        r.stage.skip_reason = cart_abandon::parse_word<cart_abandon::SkipReason>(cell_text_or_empty(i, 7));
        r.stage.not_before = cell_timestamp(i, 8);
        r.stage.cart_changed_at = cell_timestamp(i, 9);
        r.row.status = r.stage.status;
        r.row.updated_at = cell_timestamp(i, 5);
        r.row.origin = cart_abandon::parse_word<cart_abandon::Origin>(cell_text_or_empty(i, 6))
                           .value_or(cart_abandon::Origin::CartAbandon);
        r.row.skip_reason = r.stage.skip_reason;
    }
    release_result();
    std::map<std::string, std::array<LedgerRow, 2>> rows;
    for (const auto& [cart_id, stages] : read)
        for (std::size_t i = 0; i < 2; ++i) {
            const auto turn = cart_abandon::stage_turn(stages[i], orders[i], channel);
            rows[cart_id][i] = {turn.stage, turn.row, turn.fallback_of};
        }
    return rows;
}

}  // namespace

std::vector<DueCart> DueCartQueue::next(cart_abandon::ChannelKind channel, const cart_abandon::StageOrders& orders,
                                        const cart_abandon::Timing& timing, cart_abandon::Timestamp now, int limit,
                                        const std::string& consent_key, bool consent_required,
                                        const PretendRows* pretend) {
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
        const std::size_t wanted = std::size_t(limit) - carts.size();
        const std::size_t length = std::min(slice_length, candidates_.size() - position_);
        std::vector<std::string> slice;
        slice.reserve(length);
        for (std::size_t i = position_; i < position_ + length; ++i) slice.push_back(candidates_.at(i));

        // Their ledger rows first: a candidate they rule out whatever its activity (reminded, or
        // its first reminder too recent for the second) is not read further. With a shop's
        // reminded carts in the window, most candidates past the due ones are such.
        // A cart without rows: each stage as stage_turn sees it without rows.
        std::array<LedgerRow, 2> no_rows;
        for (std::size_t i = 0; i < 2; ++i) {
            const auto turn = cart_abandon::stage_turn({}, orders[i], channel);
            no_rows[i] = {turn.stage, turn.row, turn.fallback_of};
        }
        const auto ledger = ledger_rows(channel, orders, slice, pretend);
        const auto stages_of = [&](const std::string& cart_id) -> const std::array<LedgerRow, 2>& {
            const auto found = ledger.find(cart_id);
            return found == ledger.end() ? no_rows : found->second;
        };
        std::vector<std::string> open;
        std::vector<std::size_t> open_at;  // each one's position in the slice, from 1
        for (std::size_t i = 0; i < slice.size(); ++i) {
            const auto& stages = stages_of(slice[i]);
            if (!cart_abandon::selection_may_be_due(stages[0].stage, stages[1].stage, timing, now, consent_required))
                continue;
            open.push_back(slice[i]);
            open_at.push_back(i + 1);
        }

        // The open carts active in the window, in the slice's order (n: position in `open`, from 1).
        struct Active {
            std::size_t n;
            std::string cart_id;
            cart_abandon::Timestamp last_activity, last_change;
        };
        std::vector<Active> active;
        if (!open.empty()) {
            const auto rows = activity_statement.execute(
                {timestamp_value(now - timing.max_age), timestamp_value(now - timing.first_delay), text_array(open)});
            for (uint64_t row = 0; row < rows; ++row) {
                Active a{
                    std::size_t(cell_int(row, 0).value_or(0)), cell_text_or_empty(row, 1), *cell_timestamp(row, 2), {}};
                a.last_change = cell_timestamp(row, 3).value_or(a.last_activity);
                active.push_back(std::move(a));
            }
            release_result();
        }

        // The rule over their ledger rows, up to the batch's need.
        std::vector<DueCart> chosen;
        std::size_t examined = length;
        for (const auto& a : active) {
            const auto& stages = stages_of(a.cart_id);
            if (!cart_abandon::selection_due(a.last_activity, a.last_change, stages[0].stage, stages[1].stage, timing,
                                             now, consent_required))
                continue;
            DueCart& cart = chosen.emplace_back();
            cart.cart_id = a.cart_id;
            cart.timeline.last_activity = a.last_activity;
            cart.last_change = a.last_change;
            cart.timeline.first = stage_record(stages[0].stage, true);
            cart.timeline.second = stage_record(stages[1].stage, false);
            cart.rows[0] = stages[0].row;
            cart.rows[1] = stages[1].row;
            cart.fallback_of[0] = stages[0].fallback_of;
            cart.fallback_of[1] = stages[1].fallback_of;
            // The batch is full: go on after this cart.
            if (chosen.size() == wanted) {
                examined = open_at[a.n - 1];
                break;
            }
        }

        // Who they are; a cart gone since is left out.
        if (!chosen.empty()) {
            std::vector<std::string> chosen_ids;
            for (const auto& c : chosen) chosen_ids.push_back(c.cart_id);
            std::vector<bool> found(chosen.size(), false);
            const auto rows_found = details_statement.execute({text_array(chosen_ids), text_value(consent_key)});
            for (uint64_t row = 0; row < rows_found; ++row) {
                const std::size_t index = std::size_t(cell_int(row, 0).value_or(1) - 1);
                found[index] = true;
                DueCart& cart = chosen[index];
                cart.notifications = cell_text_or_empty(row, 2);
                cart.customer_id = cell_text_or_empty(row, 3);
                cart.email = cell_text_or_empty(row, 4);
                cart.consent = cell_bool(row, 5);
                cart.phones = {{"shipping", cell_text_or_empty(row, 6), cell_text_or_empty(row, 7)},
                               {"billing", cell_text_or_empty(row, 9), cell_text_or_empty(row, 10)},
                               {"customer", cell_text_or_empty(row, 12), cell_text_or_empty(row, 13)}};
                cart.provinces = {cell_text_or_empty(row, 8), cell_text_or_empty(row, 11), cell_text_or_empty(row, 14)};
                cart.names = {cell_text_or_empty(row, 15), cell_text_or_empty(row, 16), cell_text_or_empty(row, 17)};
            }
            release_result();
            for (std::size_t i = 0; i < chosen.size(); ++i)
                if (found[i]) carts.push_back(std::move(chosen[i]));
        }
        position_ += examined;
        if (chosen.size() < wanted) slice_length *= 2;
    }
    read_cart_standing(carts);
    return carts;
}

}  // namespace pg
