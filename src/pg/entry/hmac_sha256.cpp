// SQL: cart_abandon.hmac_sha256(key bytea, data bytea) -> bytea, HMAC-SHA256 through OpenSSL
// (src/core/codec/keyed_hash.cpp): how cart_abandon.phone_hmac keeps the numbers of erased people.
#include <string>

#include "core/codec/keyed_hash.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

std::string bytes_argument(FunctionCallInfo fcinfo, int n) {
    return guarded([&] {
        const bytea* value = PG_GETARG_BYTEA_PP(n);
        return std::string(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
    });
}

Datum hmac_sha256_body(FunctionCallInfo fcinfo) {
    return bytea_value(cart_abandon::hmac_sha256(bytes_argument(fcinfo, 0), bytes_argument(fcinfo, 1)));
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_hmac_sha256);
Datum cart_abandon_hmac_sha256(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::hmac_sha256_body); }
}
