// SQL: cart_abandon_process(batch_size, cursor, options) -> one row per cart examined.
#include <string>

#include "core/cursor.hpp"
#include "core/error.hpp"
#include "pg/arguments.hpp"
#include "pg/batch.hpp"
#include "pg/boundary.hpp"
#include "pg/due_carts.hpp"
#include "pg/ledger.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

namespace pg {

namespace {

using cart_abandon::Error;
using cart_abandon::ErrorKind;

void emit_row(FunctionCallInfo fcinfo, const BatchRow& row, const std::string& next_cursor) {
    Datum values[5] = {text_value(row.cart_id), Int32GetDatum(row.stage), text_value(row.action),
                       text_value(row.detail), text_value(next_cursor)};
    bool nulls[5] = {false, false, false, row.detail.empty(), false};
    guarded([&] {
        auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
}

Datum process_body(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0))
        throw Error(ErrorKind::InvalidArgument, "batch_size must not be NULL", {},
                    "Pass a number of carts between 1 and " + std::to_string(cart_abandon::kMaxBatchSize) + ".");
    const int batch_size = PG_GETARG_INT32(0);
    cart_abandon::check_batch_size(batch_size, "batch_size");

    std::string after_cart_id;
    if (const auto cursor = text_argument(fcinfo, 1)) after_cart_id = cart_abandon::decode_cursor(*cursor);

    std::string options_json;
    auto options = options_argument(fcinfo, 2, options_json);
    if (options.batch_size)
        throw Error(ErrorKind::InvalidArgument, "option \"batchSize\" is not accepted by cart_abandon_process", {},
                    "Pass the batch size as the function's first argument.");
    options.batch_size = batch_size;

    RunState state;
    state.settings = current_settings();
    state.limiter.set_rate(max_per_second());
    state.config = cart_abandon::resolve_run_config(state.settings, options);
    if (!state.config.dry_run && state.config.whatsapp) require_unexposed("cart_abandon.whatsapp_token");

    guarded([&] { InitMaterializedSRF(fcinfo, 0); });
    spi_connect(false);
    use_extension_owner();
    require_medusa_tables();
    if (!state.config.dry_run) state.paused_code = channel_paused_code();
    // Claims and outcomes are written in the caller's transaction; nothing to commit here.
    DueCartQueue due(after_cart_id, state.scan);
    const auto result = process_batch(state, due, [] {}, [](const BatchResult&) {});
    spi_finish();

    for (const auto& row : result.rows) emit_row(fcinfo, row, cart_abandon::encode_cursor(row.cart_id));
    if (state.channel_halted && state.halt_is_new) warn_channel_paused(state, false);
    if (result.cancel_pending) check_for_interrupts();
    return Datum(0);
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_process);
Datum cart_abandon_process(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, pg::process_body);
}
}
