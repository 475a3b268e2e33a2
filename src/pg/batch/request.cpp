#include "pg/batch/request.hpp"

#include <algorithm>
#include <map>
#include <optional>
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
    require_sending_secrets_unexposed(state.call.config);

    spi_connect(autonomous);
    // A worker has no portal to keep the snapshot SPI needs between commits (a procedure's
    // CALL has one): it keeps its own, set aside for each commit.
    if (autonomous) guarded([] { PushActiveSnapshot(GetTransactionSnapshot()); });
    use_extension_owner();
    require_medusa_tables();
    if (!state.call.config.dry_run) {
        apply_erasures(state.call.settings.default_region);
        expire_kept_statuses();  // a shop that drives cart_abandon by process calls alone
    }
    auto commit = [autonomous] {
        if (!autonomous) return;
        guarded([] { PopActiveSnapshot(); });
        spi_commit();
        guarded([] { PushActiveSnapshot(GetTransactionSnapshot()); });
    };
    // Each channel's pass over the carts after the cursor; a cart's row is the last pass's that
    // examined it (a skip hands it on). A pass that filled its batch may have left
    // carts after its last one: every later pass stops at that cart, and every row's cursor goes
    // no further, so that the next call's cursor skips no cart of any pass.
    BatchResult result;
    std::map<std::string, std::size_t> row_of;
    std::optional<std::string> bound;
    for (const auto& channel : call_channels(state.call.settings, state.call.config.channels.passes)) {
        begin_pass(state, channel);
        DueCartQueue due(request.after_cart_id, state.call.scan, bound);
        auto pass = process_batch(state, due, commit, commit, [](const BatchResult&) {});
        if (pass.interrupted) std::rethrow_exception(pass.interrupted);  // what was sent is committed
        result.cancel_pending = result.cancel_pending || pass.cancel_pending;
        if (int(pass.rows.size()) >= request.batch_size) bound = pass.rows.back().cart_id;  // within any earlier bound
        for (auto& row : pass.rows) {
            const auto [at, fresh] = row_of.emplace(row.cart_id, result.rows.size());
            if (fresh)
                result.rows.push_back(std::move(row));
            else if (result.rows[at->second].action == cart_abandon::Action::Skipped)
                result.rows[at->second] = std::move(row);  // handed on: the later channel's is the outcome
        }
        if (state.channel.halted && state.channel.halt_is_new) warn_channel_paused(state, false);
    }
    if (state.call.config.channels.passes.size() > 1 && !result.rows.empty()) {
        std::vector<std::string> ids;
        for (const auto& row : result.rows) ids.push_back(row.cart_id);
        std::vector<BatchRow> ordered;
        bool past_bound = false;
        for (const auto& id : in_cursor_order(ids)) {
            ordered.push_back(std::move(result.rows[row_of.at(id)]));
            if (past_bound) ordered.back().cursor_cart_id = *bound;
            past_bound = past_bound || (bound && id == *bound);
        }
        result.rows = std::move(ordered);
    }
    if (!state.call.config.dry_run) retire_journal();  // the worker's session ends with no claim open
    if (autonomous) guarded([] { PopActiveSnapshot(); });
    spi_finish();

    warn_metadata_failures(state.metadata);
    if (result.cancel_pending) check_for_interrupts();
    return std::move(result.rows);
}

}  // namespace pg
