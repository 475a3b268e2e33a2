// Reading Medusa's purchases since a time into cart_abandon::Purchases.
#pragma once

#include <string>

#include "core/rules/stage.hpp"
#include "core/rules/purchases.hpp"

namespace pg {

// Every purchase since `since`: completed carts (unless the order they became was canceled) and
// orders that are neither canceled nor unconverted drafts (orders without a cart too: converted
// drafts, point of sale, imports; these count from their updated_at, see purchases.cpp). Each with who made it: customer, email, and every phone on
// its addresses and customer, each read in its own address's country (`default_region` when
// that has none; normalized when a check needs it, see Purchases::add_typed_phone). One statement, range scans on completed_at and on an order's latest time.
cart_abandon::Purchases load_purchases(cart_abandon::Timestamp since, const std::string& default_region);

}  // namespace pg
