// Currency facts from ICU's data (CLDR, ISO 4217).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// Digits after the decimal point of an ISO 4217 currency code in any case: 2 for "eur" and
// "USD", 0 for "jpy", 3 for "kwd"; 2 for a code ICU does not know.
int currency_minor_units(const std::string& code);

}  // namespace cart_abandon
