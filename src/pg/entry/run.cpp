// SQL: CALL cart_abandon_run(options, INOUT run_id): every due cart, batch by batch, a commit
// after each claim and each batch's outcomes; answers the id of the run row it wrote (NULL for a
// dry run, which writes none). This is what the pg_cron schedule calls.
#include <chrono>
#include <optional>
#include <string>

#include "core/codec/cursor.hpp"
#include "core/error.hpp"
#include "pg/batch/channels.hpp"
#include "pg/batch/batch.hpp"
#include "pg/batch/pipeline.hpp"
#include "pg/store/cart_metadata.hpp"
#include "pg/store/erasure.hpp"
#include "pg/store/recoveries.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/store/medusa_tables.hpp"
#include "pg/entry/graph_api.hpp"
#include "pg/store/kept_statuses.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/runs.hpp"
#include "pg/settings.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/arguments.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

using cart_abandon::Error;
using cart_abandon::ErrorKind;

bool is_nonatomic_call(FunctionCallInfo fcinfo) {
    return fcinfo->context && IsA(fcinfo->context, CallContext) && !castNode(CallContext, fcinfo->context)->atomic;
}

std::string summary(const RunState& state, int64_t run_id, int batches, double seconds) {
    const auto& t = state.totals;
    char timing[32];
    snprintf(timing, sizeof timing, "%.1f s", seconds);
    if (state.call.config.dry_run)
        return "cart_abandon dry run: " + std::to_string(t.examined) + " carts examined in " + std::to_string(batches) +
               " batches; " + std::to_string(t.would_send) + " would be sent, " + std::to_string(t.skipped) +
               " skipped, " + std::to_string(t.held) + " held; " + timing;
    return "cart_abandon run " + std::to_string(run_id) + ": " + std::to_string(t.examined) + " carts examined in " +
           std::to_string(batches) + " batches; sent " + std::to_string(t.sent_first) + " first and " +
           std::to_string(t.sent_second) + " second reminders; " + std::to_string(t.failed) + " failed, " +
           std::to_string(t.retry) + " to retry, " + std::to_string(t.skipped) + " skipped, " + std::to_string(t.held) +
           " held, " + std::to_string(t.imported) + " imported; " + timing +
           (state.metadata.waiting ? "; the metadata of " + std::to_string(state.metadata.waiting) +
                                         (state.metadata.waiting == 1 ? " cart waits" : " carts wait") +
                                         " for its row's lock (written by a later run)"
                                   : "");
}

// Once per run: without the recommended indexes every run still works, each batch reading
// Medusa's tables by scans instead of index lookups; the shop should know, and how to fix it.
void notice_missing_indexes() {
    const std::string missing = missing_recommended_indexes();
    if (missing.empty()) return;
    const std::string message =
        "cart_abandon: recommended indexes missing in schema \"" + medusa_schema() + "\": " + missing;
    guarded([&] {
        ereport(NOTICE, (errmsg("%s", message.c_str()),
                         errdetail("Without them a run reads Medusa's tables by scans, once per batch, instead "
                                   "of index lookups: it is slower with many carts."),
                         errhint("Create them once, in psql as a superuser: "
                                 "SELECT * FROM cart_abandon_recommended_indexes() \\gexec")));
    });
}

// CALL's answer: a procedure's output parameters travel as one record (ExecuteCallStmt sends it
// as the CALL's row). It is formed in the context the call began in, which outlives the
// procedure's commits (ExecuteCallStmt's portal), unlike a transaction's contexts.
Datum run_id_row(FunctionCallInfo fcinfo, MemoryContext call_context, std::optional<int64_t> run_id) {
    return guarded([&] {
        const MemoryContext previous = MemoryContextSwitchTo(call_context);
        TupleDesc descriptor;
        if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "cart_abandon: cart_abandon_run must have its INOUT run_id");
        Datum values[1] = {Int64GetDatum(run_id.value_or(0))};
        bool nulls[1] = {!run_id.has_value()};
        const Datum row = HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(descriptor), values, nulls));
        MemoryContextSwitchTo(previous);
        return row;
    });
}

Datum run_body(FunctionCallInfo fcinfo) {
    const auto started = std::chrono::steady_clock::now();
    const MemoryContext call_context = CurrentMemoryContext;
    std::string options_json;
    const auto options = options_argument(fcinfo, 0, options_json);

    RunState state;
    start_call(state, options);
    const bool dry_run = state.call.config.dry_run;
    if (!dry_run) refuse_on_standby("cart_abandon_run()");
    require_sending_secrets_unexposed(state.call.config);
    const bool nonatomic = is_nonatomic_call(fcinfo);
    if (!nonatomic && !dry_run)
        throw Error(ErrorKind::TransactionState,
                    "cart_abandon_run() must be called with CALL at top level, outside a transaction block",
                    "It commits after claiming each batch and after recording it, so that no message can be "
                    "sent twice.",
                    "Inside a transaction, use SELECT * FROM cart_abandon_process(...) instead.");

    spi_connect(nonatomic);
    use_extension_owner();
    require_medusa_tables();
    notice_missing_indexes();
    notice_graph_version_expiring();
    int64_t run_id = 0;
    if (!dry_run) {
        // A crash's uncertain claims: released when they never left, `unknown` when they may
        // have (silence is no proof: only a status webhook settles them), and the statuses kept
        // for them applied.
        settle_dead_claims();
        expire_stale_claims(claim_timeout());
        spi_commit();  // the statuses take the webhook lock before any row lock, as webhook calls do
        for (const auto kind : state.call.config.channels.passes)
            record_pause_of(kind, apply_all_kept_statuses(kind, max_attempts()));
        expire_kept_statuses();
        close_abandoned_runs();
        // What earlier calls marked and could not finish: opt-outs, and cart metadata whose
        // cart was held by a shopper (or failed) then.
        add_pending_opt_outs();
        apply_erasures(state.call.settings.default_region);
        spi_commit();
        state.metadata.add(write_pending_cart_metadata([] { spi_commit(); }));
        // Before the first selection: every batch's own `now` is later.
        const auto scan_from =
            std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());
        const std::string key =
            scan_key(medusa_schema(), state.call.config.timing, state.call.settings.require_consent);
        state.call.scan = choose_scan(key, scan_from, full_scan_interval());
        run_id = start_run(options_json, state.call.scan, scan_from, key);
        state.call.run_id = run_id;
        spi_commit();
    }

    // One pass per channel, in the order the shop gave: each takes the stages that are its turn
    // (core/rules/channel_turn.hpp), with its own health, pause probe and pacing.
    int batches = 0;
    bool any_halted = false;
    std::string halt_reasons;
    for (const auto& channel : call_channels(state.call.settings, state.call.config.channels.passes)) {
        begin_pass(state, channel);
        check_for_interrupts();
        if (dry_run) {
            DueCartQueue due("", state.call.scan);
            for (;;) {
                const auto result = process_batch(
                    state, due, [] {}, [] {}, [](const BatchResult&) {});
                if (result.rows.empty()) break;
                ++batches;
                check_for_interrupts();
            }
        } else {
            const int before = batches;
            batches += run_batches(
                state, [] { spi_commit(); },
                [&](const BatchResult& batch, int batch_number) {
                    if (!batch.rows.empty())
                        record_run_progress(run_id, state.totals, before + batch_number,
                                            cart_abandon::encode_cursor(batch.rows.back().cart_id));
                },
                batch_pause());
        }
        if (state.channel.halted) {
            any_halted = true;
            halt_reasons += (halt_reasons.empty() ? "" : "; ") + state.channel.halt_reason;
            if (state.channel.halt_is_new) warn_channel_paused(state, true);
        }
    }

    count_handed_on(state);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!dry_run) {
        finish_run(run_id, any_halted ? cart_abandon::RunStatus::ChannelPaused : cart_abandon::RunStatus::Succeeded,
                   state.totals, batches, halt_reasons);
        spi_commit();
        retire_journal();  // every claim of the run has its outcome
        record_recoveries(run_id);
        spi_commit();
        // After the sending, as rarely as full scans (a day by default): a pass over every cart.
        if (!state.call.scan.incremental) {
            record_cart_counts(run_id, state.call.config.timing);
            spi_commit();
        }
    }
    spi_finish();

    const std::string notice = summary(state, run_id, batches, seconds);
    warn_metadata_failures(state.metadata);
    guarded([&] { ereport(NOTICE, (errmsg("%s", notice.c_str()))); });
    // The INOUT run_id's value on the way in is not read: it is an answer only.
    return run_id_row(fcinfo, call_context, dry_run ? std::nullopt : std::optional<int64_t>(run_id));
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_run);
Datum cart_abandon_run(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::run_body); }
}
