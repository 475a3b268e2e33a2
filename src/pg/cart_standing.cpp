#include <string>
#include <vector>

#include "pg/cart_standing.hpp"
#include "pg/spi.hpp"

namespace pg {

namespace {

// Paid: a payment collection of the cart that Medusa calls authorized or (partly) captured, or a
// session of it authorized or captured, or a payment of it captured or not canceled (Medusa makes
// the payment row when a session is authorized). Completion can fail after that (a crash between
// payment and order, a payment completed by the provider's webhook: medusajs/medusa#12790,
// #3871, #16398), leaving an open cart whose shopper has paid.
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
                                     AND (p.captured_at IS NOT NULL OR p.canceled_at IS NULL))))
  FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
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
    }
    release_result();
}

}  // namespace pg
