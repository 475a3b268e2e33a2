// SQL: cart_abandon.check_message_template(channel, field, locale, pattern) -> true, or an ERROR
// naming what is wrong (sql/functions/check_message_template.sql).
#include "core/channels/email/template_check.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_check_message_template);
Datum cart_abandon_check_message_template(PG_FUNCTION_ARGS);
}

namespace {

std::string text_argument(FunctionCallInfo fcinfo, int n) {
    return PG_ARGISNULL(n) ? std::string()
                           : pg::guarded([&] { return std::string(text_to_cstring(PG_GETARG_TEXT_PP(n))); });
}

Datum check_message_template_body(FunctionCallInfo fcinfo) {
    // NULL pattern: the built-in wording applies. NULL channel, field or locale: their own
    // constraints refuse the row.
    if (PG_ARGISNULL(3) || PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2)) return BoolGetDatum(true);
    cart_abandon::check_message_template(text_argument(fcinfo, 0), text_argument(fcinfo, 1), text_argument(fcinfo, 2),
                                         text_argument(fcinfo, 3));
    return BoolGetDatum(true);
}

}  // namespace

extern "C" Datum cart_abandon_check_message_template(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, check_message_template_body);
}
