// SQL: cart_abandon.exposed_secrets() -> text[]: the secret settings whose value a role other than the
// server's could read (the names only), for the stats and the secret checks.
#include "pg/settings.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_exposed_secrets);
Datum cart_abandon_exposed_secrets(PG_FUNCTION_ARGS);
}

extern "C" Datum cart_abandon_exposed_secrets(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, [](FunctionCallInfo) { return pg::text_array(pg::exposed_secrets()); });
}
