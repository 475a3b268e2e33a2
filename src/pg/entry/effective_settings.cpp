// SQL: cart_abandon.effective_settings() -> (medusa_schema, first_delay, second_delay, max_age):
// the settings the SQL side's statements need, as this library reads them.
#include "pg/settings.hpp"
#include "pg/base/spi.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_effective_settings);
Datum cart_abandon_effective_settings(PG_FUNCTION_ARGS);
}

namespace {

Interval* interval_of(std::chrono::seconds s) {
    auto* interval = static_cast<Interval*>(palloc0(sizeof(Interval)));
    interval->time = int64(s.count()) * USECS_PER_SEC;
    return interval;
}

Datum effective_settings_body(FunctionCallInfo fcinfo) {
    const auto settings = pg::current_settings();
    const std::string schema = pg::medusa_schema();
    return pg::guarded([&] {
        TupleDesc descriptor;
        if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "cart_abandon: effective_settings must return a record");
        Datum values[4] = {CStringGetTextDatum(schema.c_str()),
                           IntervalPGetDatum(interval_of(settings.timing.first_delay)),
                           IntervalPGetDatum(interval_of(settings.timing.second_delay)),
                           IntervalPGetDatum(interval_of(settings.timing.max_age))};
        bool nulls[4] = {false, false, false, false};
        return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(descriptor), values, nulls));
    });
}

}  // namespace

extern "C" Datum cart_abandon_effective_settings(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, effective_settings_body);
}
