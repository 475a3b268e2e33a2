#include <string>
#include <vector>

#include "pg/store/cart_standing.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// Paid: a payment collection of the cart that Medusa calls authorized or (partly) captured, or a
// session of it authorized or captured, or a payment of it captured or not canceled (Medusa makes
// the payment row when a session is authorized). Completion can fail after that (a crash between
// payment and order, a payment completed by the provider's webhook: medusajs/medusa#12790,
// #3871, #16398), leaving an open cart whose shopper has paid.
// Refused: Medusa refuses to update or complete a cart of a disabled or deleted sales channel or
// of a deleted region, so a reminder would lead to a checkout that fails.
// Superseded by: the newest open cart (not completed, no order, a live item) of the same person
// made after this one, the person being the same customer or a customer of the same email (Medusa
// links every cart that has an email to a customer of that email: a guest one, reused by later
// carts, or the account), so both are index lookups (customer_id; customer's email).
// Erased: the cart's customer was deleted (pg/erasure.hpp).
Statement standing_statement(R"SQL(
SELECT s.n,
       EXISTS (SELECT 1 FROM @medusa@.cart_payment_collection cpc
                 JOIN @medusa@.payment_collection pc ON pc.id = cpc.payment_collection_id AND pc.deleted_at IS NULL
                WHERE cpc.cart_id = s.id AND cpc.deleted_at IS NULL
                  AND (pc.status IN ('authorized', 'partially_authorized', 'partially_captured', 'completed')
                       OR EXISTS (SELECT 1 FROM @medusa@.payment_session ps
                                   WHERE ps.payment_collection_id = pc.id AND ps.deleted_at IS NULL
                                     AND ps.status IN ('authorized', 'captured'))
                       OR EXISTS (SELECT 1 FROM @medusa@.payment p
                                   WHERE p.payment_collection_id = pc.id AND p.deleted_at IS NULL
                                     AND (p.captured_at IS NOT NULL OR p.canceled_at IS NULL)))),
       CASE WHEN sc.deleted_at IS NOT NULL THEN 'sales_channel_deleted'
            WHEN sc.is_disabled THEN 'sales_channel_disabled'
            WHEN r.deleted_at IS NOT NULL THEN 'region_deleted' END,
       (SELECT n.id
          FROM (SELECT c.customer_id AS id
                UNION
                SELECT p.id FROM @medusa@.customer p
                 WHERE p.email = lower(coalesce(c.email, cu.email)) AND p.deleted_at IS NULL) person
         CROSS JOIN LATERAL (
                SELECT n.id, n.created_at FROM @medusa@.cart n
                 WHERE n.customer_id = person.id AND n.deleted_at IS NULL AND n.completed_at IS NULL
                   AND (n.created_at, n.id) > (c.created_at, c.id)
                   AND EXISTS (SELECT 1 FROM @medusa@.cart_line_item li WHERE li.cart_id = n.id AND li.deleted_at IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = n.id AND oc.deleted_at IS NULL)) n
         ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
       EXISTS (SELECT 1 FROM @medusa@.customer gone WHERE gone.id = c.customer_id AND gone.deleted_at IS NOT NULL)
  FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
  LEFT JOIN @medusa@.cart c ON c.id = s.id
  LEFT JOIN @medusa@.customer cu ON cu.id = c.customer_id AND cu.deleted_at IS NULL
  LEFT JOIN @medusa@.sales_channel sc ON sc.id = c.sales_channel_id
  LEFT JOIN @medusa@.region r ON r.id = c.region_id
 ORDER BY s.n
)SQL",
                             {TEXTARRAYOID}, Statement::Planning::PerValues);

}  // namespace

void read_cart_standing(std::vector<DueCart>& carts) {
    if (carts.empty()) return;
    std::vector<std::string> ids;
    ids.reserve(carts.size());
    for (const auto& cart : carts) ids.push_back(cart.cart_id);
    const auto rows = standing_statement.execute({text_array(ids)});
    for (uint64_t row = 0; row < rows; ++row) {
        const auto index = std::size_t(cell_int(row, 0).value_or(0) - 1);
        if (index >= carts.size()) continue;
        carts[index].paid = cell_bool(row, 1);
        carts[index].refused = cart_abandon::parse_word<cart_abandon::SkipReason>(cell_text_or_empty(row, 2));
        carts[index].superseded_by = cell_text_or_empty(row, 3);
        carts[index].customer_erased = cell_bool(row, 4);
    }
    release_result();
}

}  // namespace pg
