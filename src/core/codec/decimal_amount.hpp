// Money amounts as decimal text (Medusa's numeric columns, in major units) to whole minor units.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string_view>

namespace cart_abandon {

// `decimal` as PostgreSQL prints a numeric ("19.99", "-0.5", "1200", "7.000") times 10^`digits`:
// exact, from its digits (19.99 with 2 digits is 1999). Digits past `digits` round half away
// from zero, as PostgreSQL's round(numeric, digits) does. nullopt for text that is not such a
// number ("NaN", "Infinity", "", "1e5"), for `digits` outside 0..18, and for a result outside
// the range of long long.
std::optional<long long> decimal_to_minor_units(std::string_view decimal, int digits);

}  // namespace cart_abandon
