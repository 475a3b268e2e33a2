// What Medusa says of a due cart beyond its items and people: whether its payment went through
// (bought, even when completion never made the order).
#pragma once

#include <vector>

#include "pg/due_carts.hpp"

namespace pg {

// Sets DueCart::paid of each cart (one statement for the batch, as Medusa's tables' owner).
void read_cart_standing(std::vector<DueCart>& carts);

}  // namespace pg
