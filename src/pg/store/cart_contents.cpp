#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/codec/currency.hpp"
#include "core/codec/decimal_amount.hpp"
#include "pg/settings.hpp"
#include "pg/store/cart_contents.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// One row per listed item of each cart of $1 (one row with NULL item columns for a cart without
// live items), the cart's facts repeated on each, in no order: each item has its position among
// the cart's live items (Medusa soft-deletes a removed item), oldest first, and at most the first
// 50 (kMaxListedItems) are read. A sort of every row by cart would spill to disk at 10,000 carts.
// The window aggregates count and sum every live item before the LIMIT, in the same scan of
// Medusa's index on cart_id (live rows).
// The cart and its addresses are lookups by id (OFFSET 0: never a hash of every cart or address
// of the shop). Amounts stay numeric text: their conversion to minor units is exact, in C++.
// test/shell/136_cart_contents.sh runs this very text (it reads it from this file by its name).
const char kCartContents[] = R"SQL(
SELECT s.id, upper(c.currency_code), c.locale,
       upper(coalesce(nullif(sa.country_code, ''), nullif(ba.country_code, ''))),
       li.item_count, li.subtotal::text, li.max_unit_price::text,
       li.position, li.title, li.quantity, li.thumbnail, li.unit_price::text
  FROM (SELECT DISTINCT u.id FROM unnest($1::text[]) AS u(id)) s
 CROSS JOIN LATERAL (SELECT c.currency_code, c.locale, c.shipping_address_id, c.billing_address_id
                       FROM @medusa@.cart c WHERE c.id = s.id AND c.deleted_at IS NULL OFFSET 0) c
  LEFT JOIN LATERAL (SELECT ad.country_code FROM @medusa@.cart_address ad
                      WHERE ad.id = c.shipping_address_id AND ad.deleted_at IS NULL OFFSET 0) sa ON true
  LEFT JOIN LATERAL (SELECT ad.country_code FROM @medusa@.cart_address ad
                      WHERE ad.id = c.billing_address_id AND ad.deleted_at IS NULL OFFSET 0) ba ON true
  LEFT JOIN LATERAL (
      SELECT row_number() OVER (ORDER BY l.created_at, l.id) AS position,
             coalesce(nullif(l.title, ''), l.product_title, '') AS title, l.quantity,
             CASE WHEN l.thumbnail ~* '^https?://.' THEN l.thumbnail END AS thumbnail, l.unit_price,
             count(*) OVER () AS item_count, sum(l.unit_price * l.quantity) OVER () AS subtotal,
             max(l.unit_price) OVER () AS max_unit_price
        FROM @medusa@.cart_line_item l
       WHERE l.cart_id = s.id AND l.deleted_at IS NULL
       ORDER BY l.created_at, l.id
       LIMIT 50) li ON true
)SQL";

// Medusa before 2.12.3 has no cart.locale: this text reads NULL in its place (every c.locale).
const char* locale_free_text() {
    static const std::string text = [] {
        static const std::string kColumn = "c.locale", kNull = "NULL::text";
        std::string t = kCartContents;
        for (std::size_t at = 0; (at = t.find(kColumn, at)) != std::string::npos; at += kNull.size())
            t.replace(at, kColumn.size(), kNull);
        return t;
    }();
    return text.c_str();
}

Statement with_locale_statement(kCartContents, {TEXTARRAYOID});
Statement without_locale_statement(locale_free_text(), {TEXTARRAYOID});

// Whether Medusa's cart table has its locale column (2.12.3 and later); asked at each call, as
// a migration can add it between two.
bool cart_has_locale() {
    const std::string schema = medusa_schema();
    return guarded([&] {
        const Oid namespace_id = get_namespace_oid(schema.c_str(), true);
        const Oid cart = OidIsValid(namespace_id) ? get_relname_relid("cart", namespace_id) : InvalidOid;
        return OidIsValid(cart) && get_attnum(cart, "locale") != InvalidAttrNumber;
    });
}

}  // namespace

std::map<std::string, CartContentFacts> load_cart_contents(const std::vector<std::string>& cart_ids) {
    std::map<std::string, CartContentFacts> contents;
    if (cart_ids.empty()) return contents;
    Statement& statement = cart_has_locale() ? with_locale_statement : without_locale_statement;
    const auto rows = statement.execute({text_array(cart_ids)});
    std::map<std::string, int> digits_of;  // currency_minor_units asks ICU: once per currency
    std::map<std::string, std::vector<std::pair<int64_t, cart_abandon::CartItem>>> listed;  // by position
    for (uint64_t row = 0; row < rows; ++row) {
        const std::string cart_id = cell_text_or_empty(row, 0);
        const auto [at, first_row] = contents.try_emplace(cart_id);
        CartContentFacts& facts = at->second;
        if (first_row) {
            facts.currency_code = cell_text_or_empty(row, 1);
            facts.locale = cell_text_or_empty(row, 2);
            facts.country_code = cell_text_or_empty(row, 3);
            facts.item_count = cell_int(row, 4).value_or(0);
        }
        auto digits = digits_of.find(facts.currency_code);
        if (digits == digits_of.end())
            digits =
                digits_of.emplace(facts.currency_code, cart_abandon::currency_minor_units(facts.currency_code)).first;
        // No live item: a subtotal of 0. Any item's price that does not fit, listed or not: none.
        if (first_row && cell_is_null(row, 5))
            facts.subtotal_minor = 0;
        else if (first_row && cart_abandon::decimal_to_minor_units(cell_text_or_empty(row, 6), digits->second))
            facts.subtotal_minor = cart_abandon::decimal_to_minor_units(cell_text_or_empty(row, 5), digits->second);
        if (cell_is_null(row, 7)) continue;  // the row of a cart without live items
        const auto unit_price = cart_abandon::decimal_to_minor_units(cell_text_or_empty(row, 11), digits->second);
        if (!unit_price) continue;
        cart_abandon::CartItem item;
        item.title = cell_text_or_empty(row, 8);
        item.quantity = cell_int(row, 9).value_or(0);
        item.thumbnail_url = cell_text_or_empty(row, 10);
        item.unit_price_minor = *unit_price;
        item.currency_code = facts.currency_code;
        listed[cart_id].emplace_back(cell_int(row, 7).value_or(0), std::move(item));
    }
    release_result();
    for (auto& [cart_id, items] : listed) {
        std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        auto& into = contents[cart_id].items;
        for (auto& positioned : items) into.push_back(std::move(positioned.second));
    }
    return contents;
}

}  // namespace pg
