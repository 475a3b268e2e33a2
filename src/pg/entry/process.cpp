// SQL: cart_abandon_process(batch_size, cursor, options) -> one row per cart examined.
// A dry run runs in the caller's backend. Any other call runs its batch in a background worker
// (src/pg/worker/launch.cpp) whose transactions are its own, so that what the caller does with
// its transaction afterwards (roll back, fail, cancel) cannot lose the record of a message.
#include <string>

#include "core/codec/cursor.hpp"
#include "core/error.hpp"
#include "pg/batch/request.hpp"
#include "pg/settings.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/arguments.hpp"
#include "pg/worker/worker.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"

namespace pg {

using cart_abandon::Error;
using cart_abandon::ErrorKind;

namespace {

void emit_row(FunctionCallInfo fcinfo, const BatchRow& row, const std::string& next_cursor) {
    Datum values[5] = {text_value(row.cart_id), Int32GetDatum(row.stage), text_value(cart_abandon::name(row.action)),
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
    BatchRequest request;
    request.batch_size = PG_GETARG_INT32(0);
    cart_abandon::check_batch_size(request.batch_size, "batch_size");
    if (const auto cursor = text_argument(fcinfo, 1)) request.after_cart_id = cart_abandon::decode_cursor(*cursor);

    // Every argument, option and setting is checked here, so that a bad call starts no worker.
    auto options = options_argument(fcinfo, 2, request.options_json);
    if (options.batch_size)
        throw Error(ErrorKind::InvalidArgument, "option \"batchSize\" is not accepted by cart_abandon_process", {},
                    "Pass the batch size as the function's first argument.");
    options.batch_size = request.batch_size;
    const auto config = cart_abandon::resolve_run_config(current_settings(), options);
    if (!config.dry_run) refuse_on_standby("cart_abandon_process()");
    require_sending_secrets_unexposed(config);

    guarded([&] { InitMaterializedSRF(fcinfo, 0); });
    const auto rows = config.dry_run ? process_request(request, false) : process_in_worker(request);
    for (const auto& row : rows)
        emit_row(fcinfo, row,
                 cart_abandon::encode_cursor(row.cursor_cart_id.empty() ? row.cart_id : row.cursor_cart_id));
    return Datum(0);
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_process);
Datum cart_abandon_process(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::process_body); }
}
