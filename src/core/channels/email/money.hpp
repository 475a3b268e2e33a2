// An amount of money as a shopper of a locale reads it ("12,50 €" in de, "$12.50" in en), by ICU.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// `minor_units` of the ISO 4217 currency `currency_code` (any case; its minor units from
// currency_minor_units: 1250 EUR is 12.50) formatted for the BCP 47 `locale` ("de-DE", "en";
// '_' read as '-'; empty: "en"). Exact for any amount (formatted from its decimal digits, never
// through a double). Throws Error InvalidArgument for a code that is not three letters, Internal
// when ICU fails.
std::string format_money(long long minor_units, const std::string& currency_code, const std::string& locale);

}  // namespace cart_abandon
