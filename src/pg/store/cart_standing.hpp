// What Medusa says of a due cart beyond its items and people: whether its payment went through
// (bought, even when completion never made the order), and whether Medusa itself refuses the cart
// (its sales channel disabled or deleted, its region deleted), and whether the same person has a
// newer open cart (one basket, one sequence: the newest), and whether its customer was deleted.
#pragma once

#include <vector>

#include "pg/store/due_carts.hpp"

namespace pg {

// Sets DueCart::paid, refused, superseded_by and customer_erased of each cart (one statement for the batch, as Medusa's tables' owner).
void read_cart_standing(std::vector<DueCart>& carts);

}  // namespace pg
