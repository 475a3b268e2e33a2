#include <string>
#include <utility>

#include "pg/store/purchases.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// An order's time is when it became an order. For one a cart made (order_cart), its created_at:
// the checkout. One without a cart may have begun as a draft (an admin, quote or phone order)
// whose created_at is when the draft began; Medusa records no time of conversion (it sets
// status and is_draft_order, which stamps updated_at), so such an order counts from its
// updated_at, at or after the conversion (a later change moves it later: toward not reminding).
// Canceled orders do not count (status canceled or canceled_at set), nor drafts not yet
// converted (status draft or is_draft_order). The addresses and customer of each purchase are
// lookups by id (OFFSET 0: a week's 10,000 purchases of a million-cart shop were joined to every
// address and customer, hashed, 450 ms of a run's first batch).
Statement purchases_statement(R"SQL(
SELECT c.completed_at, c.customer_id, lower(coalesce(c.email, cu.email)),
       sa.phone, sa.country_code, ba.phone, ba.country_code, cu.phone, cda.country_code
  FROM @medusa@.cart c
  LEFT JOIN LATERAL (SELECT ad.phone, ad.country_code FROM @medusa@.cart_address ad
                      WHERE ad.id = c.shipping_address_id OFFSET 0) sa ON true
  LEFT JOIN LATERAL (SELECT ad.phone, ad.country_code FROM @medusa@.cart_address ad
                      WHERE ad.id = c.billing_address_id OFFSET 0) ba ON true
  LEFT JOIN LATERAL (SELECT cu.email, cu.phone FROM @medusa@.customer cu WHERE cu.id = c.customer_id OFFSET 0) cu ON true
  LEFT JOIN LATERAL (SELECT ca.country_code FROM @medusa@.customer_address ca
                      WHERE ca.customer_id = c.customer_id AND ca.deleted_at IS NULL
                        AND (ca.is_default_shipping OR ca.is_default_billing)
                      ORDER BY ca.is_default_shipping DESC, ca.created_at LIMIT 1) cda ON true
 WHERE c.completed_at >= $1 AND c.deleted_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc JOIN @medusa@."order" o ON o.id = oc.order_id
                    WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL
                      AND (o.status = 'canceled' OR o.canceled_at IS NOT NULL))
UNION ALL
SELECT placed.at, o.customer_id, lower(coalesce(o.email, cu.email)),
       sa.phone, sa.country_code, ba.phone, ba.country_code, cu.phone, cda.country_code
  FROM @medusa@."order" o
 CROSS JOIN LATERAL (SELECT CASE WHEN EXISTS (SELECT 1 FROM @medusa@.order_cart oc
                                               WHERE oc.order_id = o.id AND oc.deleted_at IS NULL)
                                 THEN o.created_at ELSE greatest(o.created_at, o.updated_at) END AS at) placed
  LEFT JOIN LATERAL (SELECT ad.phone, ad.country_code FROM @medusa@.order_address ad
                      WHERE ad.id = o.shipping_address_id OFFSET 0) sa ON true
  LEFT JOIN LATERAL (SELECT ad.phone, ad.country_code FROM @medusa@.order_address ad
                      WHERE ad.id = o.billing_address_id OFFSET 0) ba ON true
  LEFT JOIN LATERAL (SELECT cu.email, cu.phone FROM @medusa@.customer cu WHERE cu.id = o.customer_id OFFSET 0) cu ON true
  LEFT JOIN LATERAL (SELECT ca.country_code FROM @medusa@.customer_address ca
                      WHERE ca.customer_id = o.customer_id AND ca.deleted_at IS NULL
                        AND (ca.is_default_shipping OR ca.is_default_billing)
                      ORDER BY ca.is_default_shipping DESC, ca.created_at LIMIT 1) cda ON true
 WHERE greatest(o.created_at, o.updated_at) >= $1 AND placed.at >= $1  -- the first by cart_abandon_order_changes
   AND o.deleted_at IS NULL AND o.canceled_at IS NULL AND o.status NOT IN ('canceled', 'draft') AND NOT o.is_draft_order
)SQL",
                              {TIMESTAMPTZOID}, Statement::Planning::PerValues);

}  // namespace

cart_abandon::Purchases load_purchases(cart_abandon::Timestamp since, const std::string& default_region) {
    cart_abandon::Purchases purchases;
    const auto rows = purchases_statement.execute({timestamp_value(since)});
    for (uint64_t row = 0; row < rows; ++row) {
        const auto at = *cell_timestamp(row, 0);
        purchases.add(at, cell_text_or_empty(row, 1), cell_text_or_empty(row, 2), "");
        for (int column = 3; column <= 7; column += 2) {
            const std::string raw = cell_text_or_empty(row, column);
            if (raw.empty()) continue;
            std::string region = cell_text_or_empty(row, column + 1);
            if (region.empty()) region = default_region;
            purchases.add_typed_phone(at, raw, std::move(region));
        }
    }
    release_result();
    return purchases;
}

}  // namespace pg
