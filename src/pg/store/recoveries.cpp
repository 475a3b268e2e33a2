#include <optional>
#include <string>
#include <vector>

#include "pg/store/recoveries.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

constexpr int kChunk = 5000;

Statement since_statement(R"SQL(
SELECT clock_timestamp(), max(r.recoveries_checked_at) - interval '1 hour'
  FROM cart_abandon.runs r WHERE r.recoveries_checked_at IS NOT NULL
)SQL",
                          {});

// An order made from the cart was canceled (Medusa sets status 'canceled' and canceled_at): the
// cart is no recovery, nor its value.
#define ORDER_CANCELED(cart_id)                                                                     \
    "EXISTS (SELECT 1 FROM @medusa@.order_cart oc JOIN @medusa@.\"order\" o ON o.id = oc.order_id " \
    "WHERE oc.cart_id = " cart_id                                                                   \
    " AND oc.deleted_at IS NULL AND (o.status = 'canceled' OR o.canceled_at IS NOT NULL))"

// Completions from $1 (NULL: all), after ($2, $3) in (completed_at, id) order ($2 NULL: from
// the first), with the live items' subtotal at completion; and whether their order was canceled.
Statement completions_statement(R"SQL(
SELECT c.id, c.completed_at, lower(c.currency_code),
       (SELECT sum(li.unit_price * li.quantity) FROM @medusa@.cart_line_item li
         WHERE li.cart_id = c.id AND li.deleted_at IS NULL)::text,
       )SQL" ORDER_CANCELED("c.id") R"SQL(
  FROM @medusa@.cart c
 WHERE c.completed_at >= coalesce($1, '-infinity') AND c.deleted_at IS NULL
   AND ($2::timestamptz IS NULL OR (c.completed_at, c.id) > ($2, $3))
 ORDER BY c.completed_at, c.id
 LIMIT $4
)SQL",
                                {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, INT4OID}, Statement::Planning::PerValues);

Statement insert_statement(R"SQL(
INSERT INTO cart_abandon.recovered_carts (cart_id, completed_at, currency_code, value)
SELECT u.cart_id, u.completed_at, u.currency_code, u.value::numeric
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS u(cart_id, completed_at, currency_code, value)
 WHERE u.completed_at > (SELECT min(d.sent_at) FROM cart_abandon.deliveries d
                          WHERE d.cart_id = u.cart_id AND d.status = 'sent' AND d.origin = 'cart_abandon')
ON CONFLICT (cart_id) DO NOTHING
)SQL",
                           {TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID},
                           Statement::Planning::PerValues);

Statement recorded_statement(
    "SELECT r.cart_id FROM cart_abandon.recovered_carts r WHERE r.cart_id > $1 ORDER BY r.cart_id LIMIT $2",
    {TEXTOID, INT4OID}, Statement::Planning::PerValues);

// Recorded recoveries that no longer hold: the cart is no longer completed, or its order was
// canceled since (a recovery is removed from the figures, not kept as once true).
Statement no_longer_completed_statement(R"SQL(
SELECT u.id FROM unnest($1::text[]) AS u(id)
 WHERE NOT EXISTS (SELECT 1 FROM @medusa@.cart c WHERE c.id = u.id AND c.deleted_at IS NULL AND c.completed_at IS NOT NULL)
    OR )SQL" ORDER_CANCELED("u.id") R"SQL(
)SQL",
                                        {TEXTARRAYOID}, Statement::Planning::PerValues);

Statement forget_statement("DELETE FROM cart_abandon.recovered_carts WHERE cart_id = ANY ($1::text[])", {TEXTARRAYOID},
                           Statement::Planning::PerValues);

Statement checked_statement("UPDATE cart_abandon.runs SET recoveries_checked_at = $2 WHERE id = $1",
                            {INT8OID, TIMESTAMPTZOID});

}  // namespace

void record_recoveries(int64_t run_id) {
    since_statement.execute({});
    const auto checked_at = *cell_timestamp(0, 0);  // completions stamped later are the next check's
    const auto since = cell_timestamp(0, 1);
    release_result();

    std::optional<cart_abandon::Timestamp> after_at;
    std::string after_id;
    for (;;) {
        const auto rows =
            completions_statement.execute({since ? std::optional<Datum>(timestamp_value(*since)) : std::nullopt,
                                           after_at ? std::optional<Datum>(timestamp_value(*after_at)) : std::nullopt,
                                           text_value(after_id), int_value(kChunk)});
        std::vector<std::string> ids, currencies, values;
        std::vector<cart_abandon::Timestamp> completed;
        std::optional<cart_abandon::Timestamp> last_at;
        std::string last_id;
        for (uint64_t row = 0; row < rows; ++row) {
            last_id = cell_text_or_empty(row, 0);
            last_at = cell_timestamp(row, 1);
            if (cell_bool(row, 4)) continue;  // its order was canceled
            ids.push_back(last_id);
            completed.push_back(*last_at);
            currencies.push_back(cell_text_or_empty(row, 2));
            values.push_back(cell_text_or_empty(row, 3));
        }
        release_result();
        if (rows == 0) break;
        std::vector<std::optional<std::string>> nullable_values;
        for (const auto& v : values)
            nullable_values.push_back(v.empty() ? std::nullopt : std::optional<std::string>(v));
        if (!ids.empty())
            insert_statement.run({text_array(ids), timestamp_array(completed), text_array(currencies),
                                  nullable_text_array(nullable_values)});
        after_at = last_at;
        after_id = last_id;
        if (rows < uint64_t(kChunk)) break;
    }

    std::string after;
    for (;;) {
        const auto rows = recorded_statement.execute({text_value(after), int_value(kChunk)});
        std::vector<std::string> recorded;
        for (uint64_t row = 0; row < rows; ++row) recorded.push_back(cell_text_or_empty(row, 0));
        release_result();
        if (recorded.empty()) break;
        const auto gone_rows = no_longer_completed_statement.execute({text_array(recorded)});
        std::vector<std::string> gone;
        for (uint64_t row = 0; row < gone_rows; ++row) gone.push_back(cell_text_or_empty(row, 0));
        release_result();
        if (!gone.empty()) forget_statement.run({text_array(gone)});
        after = recorded.back();
        if (rows < uint64_t(kChunk)) break;
    }
    checked_statement.run({int8_value(run_id), timestamp_value(checked_at)});
}

}  // namespace pg
