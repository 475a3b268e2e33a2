// SQL: cart_abandon.currency_minor_units(code text) -> int: ISO 4217 minor units (ICU), for the stats' values.
#include "core/codec/currency.hpp"
#include "pg/base/spi.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_currency_minor_units);
Datum cart_abandon_currency_minor_units(PG_FUNCTION_ARGS);
}

namespace {

Datum currency_minor_units_body(FunctionCallInfo fcinfo) {
    const std::string code = pg::guarded([&] { return std::string(text_to_cstring(PG_GETARG_TEXT_PP(0))); });
    return Int32GetDatum(cart_abandon::currency_minor_units(code));
}

}  // namespace

extern "C" Datum cart_abandon_currency_minor_units(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, currency_minor_units_body);
}
