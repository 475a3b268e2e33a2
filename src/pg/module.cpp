// The library's entry: module magic, settings, and the small SQL helpers.
#include "core/codec/currency.hpp"
#include "pg/settings.hpp"
#include "pg/shmem/shared_limiter.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

extern "C" {

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void) {
    // No C++ object is alive here, so PostgreSQL may raise errors directly.
    pg::define_run_settings();
    pg::define_delivery_settings();
    pg::define_whatsapp_settings();
    pg::define_audience_settings();
    pg::define_secret_settings();
    MarkGUCPrefixReserved("cart_abandon");
    // Shared memory is reserved at server start only: a library loaded later paces each call alone.
    if (process_shared_preload_libraries_in_progress) pg::request_shared_limiter();
}

PG_FUNCTION_INFO_V1(cart_abandon_effective_settings);
Datum cart_abandon_effective_settings(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(cart_abandon_currency_minor_units);
Datum cart_abandon_currency_minor_units(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(cart_abandon_exposed_secrets);
Datum cart_abandon_exposed_secrets(PG_FUNCTION_ARGS);
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

namespace {

Datum currency_minor_units_body(FunctionCallInfo fcinfo) {
    const std::string code = pg::guarded([&] { return std::string(text_to_cstring(PG_GETARG_TEXT_PP(0))); });
    return Int32GetDatum(cart_abandon::currency_minor_units(code));
}

}  // namespace

extern "C" Datum cart_abandon_currency_minor_units(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, currency_minor_units_body);
}

extern "C" Datum cart_abandon_exposed_secrets(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, [](FunctionCallInfo) { return pg::text_array(pg::exposed_secrets()); });
}
