#include "pg/batch/request.hpp"

#include <string>

#include "pg/batch/batch.hpp"
#include "pg/batch/channels.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/store/medusa_tables.hpp"
#include "pg/store/erasure.hpp"
#include "pg/store/kept_statuses.hpp"
#include "pg/store/ledger.hpp"
#include "pg/settings.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

extern "C" {
#include "utils/snapmgr.h"
}

namespace pg {

std::vector<BatchRow> process_request(const BatchRequest& request, bool autonomous) {
    auto options = cart_abandon::parse_run_options(request.options_json);
    options.batch_size = request.batch_size;

    RunState state;
    start_call(state, options);
    if (!state.call.config.dry_run && state.call.config.whatsapp) require_unexposed("cart_abandon.whatsapp_token");
    if (!state.call.config.dry_run && state.call.config.whatsapp)
        require_unexposed("cart_abandon.whatsapp_app_secret");  // appsecret_proof

    spi_connect(autonomous);
    // A worker has no portal to keep the snapshot SPI needs between commits (a procedure's
    // CALL has one): it keeps its own, set aside for each commit.
    if (autonomous) guarded([] { PushActiveSnapshot(GetTransactionSnapshot()); });
    use_extension_owner();
    require_medusa_tables();
    if (!state.call.config.dry_run) {
        state.channel.paused_code = channel_paused_code(state.call.channel->kind());
        apply_erasures(state.call.settings.default_region);
        expire_kept_statuses();  // a shop that drives cart_abandon by process calls alone
    }
    auto commit = [autonomous] {
        if (!autonomous) return;
        guarded([] { PopActiveSnapshot(); });
        spi_commit();
        guarded([] { PushActiveSnapshot(GetTransactionSnapshot()); });
    };
    DueCartQueue due(request.after_cart_id, state.call.scan);
    auto result = process_batch(state, due, commit, commit, [](const BatchResult&) {});
    // What was sent is committed; a cancel met afterwards is raised now.
    if (result.interrupted) std::rethrow_exception(result.interrupted);
    if (!state.call.config.dry_run) retire_journal();  // the worker's session ends with no claim open
    if (autonomous) guarded([] { PopActiveSnapshot(); });
    spi_finish();

    if (state.channel.halted && state.channel.halt_is_new) warn_channel_paused(state, false);
    warn_metadata_failures(state.metadata);
    if (result.cancel_pending) check_for_interrupts();
    return std::move(result.rows);
}

}  // namespace pg
