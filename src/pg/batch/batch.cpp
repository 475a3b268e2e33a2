#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/content/message.hpp"
#include "core/contact/phone.hpp"
#include "core/delivery/reference.hpp"
#include "core/delivery/engine.hpp"
#include "core/rules/stage.hpp"
#include "core/rules/outcome.hpp"
#include "pg/batch/batch.hpp"
#include "pg/batch/follow_ups.hpp"
#include "pg/batch/decisions.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/meta_limits.hpp"
#include "pg/batch/sending.hpp"
#include "pg/settings.hpp"
#include "pg/base/sync_replication.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/subtransaction.hpp"
#include "pg/batch/steps.hpp"

namespace pg {

namespace {

using cart_abandon::DeliveryOutcome;
using cart_abandon::OutcomeKind;

constexpr std::size_t kMaxCartIdChars = 200;

cart_abandon::Delivery delivery_for(const Decision& d, const ClaimedStage& claim, const RunState& state) {
    const cart_abandon::Settings& s = state.call.settings;
    const std::string& cart_id = d.cart->cart_id;
    cart_abandon::Notification message{
        d.recipient,
        d.stage == 1 ? s.template_first : s.template_second,
        s.template_language,
        {cart_abandon::choose_customer_name(d.cart->names, s.default_customer_name),
         cart_abandon::clean_template_text(cart_id, kMaxCartIdChars), cart_abandon::cart_link(s.cart_url, cart_id)}};
    // Meta echoes it in the message's status webhooks: the ledger row, no personal data.
    message.reference = cart_abandon::message_reference(claim.id, claim.claimed_at.time_since_epoch().count());
    // A call may retry, but never past the reminder's total attempts.
    const int left = state.call.config.timing.max_attempts - claim.attempts;
    return {std::move(message), std::max(1, std::min(attempts_per_run(), left)), std::to_string(claim.id)};
}

// A batch's claims are found by cart and stage (a cart may also have a previous system's stage).
std::string claim_key(const std::string& cart_id, int stage) { return cart_id + "/" + std::to_string(stage); }

template <typename Reason>
std::string reason_detail(std::optional<Reason> reason, const std::string& detail) {
    const std::string word = reason ? cart_abandon::name(*reason) : "";
    return detail.empty() ? word : word + ": " + detail;
}

}  // namespace

PreparedBatch prepare_batch(RunState& state, DueCartQueue& due, const std::function<void()>& claims_written) {
    PreparedBatch batch;
    // The journal exists before any claim is committed: one missing at settling is a failover's.
    if (!state.call.config.dry_run) prepare_journal();
    const auto now = std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());
    // Selecting, deciding and claiming wait for other transactions (a person's lock, Medusa's
    // tables): in a subtransaction, so that a cancel meanwhile leaves the transaction usable for
    // recording the batch in flight (run_batches) and takes this batch's claims with it.
    in_subtransaction([&] {
        const auto kind = state.call.channel->kind();
        const auto& s = state.call.settings;
        // SMS asks its own consent (cart_abandon.sms_consent_key), required also where every channel's is.
        const bool sms = kind == cart_abandon::ChannelKind::Sms;
        batch.carts = due.next(kind, state.call.config.channels.orders, state.call.config.timing, now,
                               state.call.config.batch_size, sms ? s.sms_consent_key : s.consent_key,
                               sms ? s.sms_require_consent || s.require_consent : s.require_consent,
                               state.call.config.dry_run ? &state.selection.pretend : nullptr);
        if (batch.carts.empty()) return;
        batch.decisions = decide(batch.carts, state.call, state.selection, now);
        if (!state.call.config.dry_run)
            for (const auto& c :
                 claim_stages(state.call.channel->kind(), claims_of(batch.decisions), state.call.run_id))
                batch.claimed[claim_key(c.cart_id, c.stage)] = c;
    });
    if (batch.carts.empty()) return batch;
    for (const auto& d : batch.decisions)
        batch.rows[d.cart->cart_id] = {d.cart->cart_id, d.stage, cart_abandon::Action::Skipped, ""};
    // A cart is counted once, by the pass that acts on it: one this pass hands on to a later
    // channel is counted by that pass (or count_handed_on), one an earlier pass handed on by this.
    for (const auto& d : batch.decisions) {
        state.handed_on.erase(d.cart->cart_id);
        if (d.kind == Decision::Kind::Skip && hands_on_in_call(state, d.stage, d.skip_reason))
            state.handed_on.insert(d.cart->cart_id);
        else
            ++state.totals.examined;
    }
    if (!state.call.config.dry_run) {
        claims_written();
        batch.unreplicated = !batch.claimed.empty() && !last_commit_replicated();
    }

    for (const auto& d : batch.decisions) {
        auto& row = batch.rows[d.cart->cart_id];
        const bool taken = state.call.config.dry_run || d.kind == Decision::Kind::NotDue ||
                           batch.claimed.count(claim_key(d.cart->cart_id, d.stage));
        using cart_abandon::Action;
        if (!taken) {
            row.action = Action::Skipped;
            row.detail = "taken by another run, or the cart is no longer open";
            if (state.handed_on.erase(d.cart->cart_id)) ++state.totals.examined;  // handed on by no row
            ++state.totals.skipped;
            continue;
        }
        state.totals.imported += int(d.imports.size());
        switch (d.kind) {
            case Decision::Kind::NotDue:  // the selection's filter and the policy disagree: the policy decides
                row.action = Action::Skipped;
                row.detail = cart_abandon::kNotDueDetail;
                ++state.totals.skipped;
                break;
            case Decision::Kind::Imported:
                row.action = Action::Imported;
                row.detail = d.imports.back().detail;
                break;
            case Decision::Kind::Skip:
                row.action = Action::Skipped;
                row.detail = reason_detail(d.skip_reason, d.detail);
                if (!state.handed_on.count(d.cart->cart_id)) {
                    ++state.totals.skipped;
                } else if (state.call.config.dry_run) {  // the row it would write, for the later pass
                    cart_abandon::ChannelStageRow pretend;
                    pretend.channel = state.call.channel->kind();
                    pretend.stage.status = pretend.row.status = cart_abandon::Status::Skipped;
                    pretend.stage.skip_reason = pretend.row.skip_reason = d.skip_reason;
                    state.selection.pretend[d.cart->cart_id][std::size_t(d.stage - 1)].push_back(pretend);
                }  // else counted by a later pass
                break;
            case Decision::Kind::Hold:
                row.action = Action::Held;
                row.detail = reason_detail(d.hold_reason, d.detail);
                ++state.totals.held;
                break;
            case Decision::Kind::Send:
                if (state.call.config.dry_run) {
                    row.action = Action::WouldSend;
                    row.detail = "to " + d.recipient;
                    ++state.totals.would_send;
                } else {
                    batch.to_send.push_back(&d);
                    batch.deliveries.push_back(
                        delivery_for(d, batch.claimed.at(claim_key(d.cart->cart_id, d.stage)), state));
                }
                break;
        }
    }
    return batch;
}

cart_abandon::SendReport unsent(const PreparedBatch& batch) {
    cart_abandon::SendReport report;
    report.outcomes.resize(batch.deliveries.size());
    for (auto& o : report.outcomes) {
        o.kind = OutcomeKind::Transient;
        o.attempted = false;
    }
    return report;
}

// Outcomes are recorded this many at a time, each chunk committed.
constexpr std::size_t kOutcomeChunk = 100;

BatchResult finish_batch(RunState& state, PreparedBatch& batch, const cart_abandon::SendReport& report,
                         const std::function<void()>& commit,
                         const std::function<void(const BatchResult&)>& outcomes_written, bool next_in_flight) {
    BatchResult result;
    std::vector<Outcome> outcomes;
    bool halted_now = false;
    bool any_sent = false;
    std::vector<std::string> restricted;  // regions Meta refused (130497)
    std::string restriction_text;
    result.cancel_pending = report.interrupted;
    for (std::size_t i = 0; i < batch.to_send.size(); ++i) {
        const auto& o = report.outcomes[i];
        if (o.kind == OutcomeKind::ChannelFatal && !state.channel.halted) {
            state.channel.halted = halted_now = true;
            state.channel.halt_code = o.error_code;
            state.channel.halt_reason = state.call.channel->pause_reason(o.error_code, o.error_text, false);
            state.channel.halt_advice = state.call.channel->pause_advice(o.error_code, o.error_subcode);
            state.channel.halt_is_new = state.channel.paused_code != o.error_code;
        }
        if (o.kind == OutcomeKind::Sent) any_sent = true;
        if (o.kind == OutcomeKind::CountryRestricted) {
            const std::string& region = batch.to_send[i]->region;
            if (!region.empty()) restricted.push_back(region);
            restriction_text = o.error_text;
        }
    }
    const cart_abandon::OutcomeContext context{
        state.call.config.timing.max_attempts, state.channel.halted, state.channel.halt_reason,
        std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now())};
    for (std::size_t i = 0; i < batch.to_send.size(); ++i) {
        using cart_abandon::Action;
        const Decision& d = *batch.to_send[i];
        const auto& o = report.outcomes[i];
        auto judged = cart_abandon::judge_outcome(d, batch.claimed.at(claim_key(d.cart->cart_id, d.stage)), o, context);
        auto& row = batch.rows[d.cart->cart_id];
        row.action = judged.action;
        row.detail = judged.action == Action::Sent ? o.provider_message_id : judged.ledger.error_message.value_or("");
        if (judged.action == Action::Sent)
            ++(d.stage == 1 ? state.totals.sent_first : state.totals.sent_second);
        else if (judged.action == Action::Retry)
            ++state.totals.retry;
        else if (o.kind == OutcomeKind::CountryRestricted)
            ++state.totals.held;
        else
            ++state.totals.failed;  // a 131049 deferral held included, as it spends an attempt
        judged.ledger.opt_out = o.recipient_opted_out;
        outcomes.push_back(std::move(judged.ledger));
    }
    for (auto& [id, row] : batch.rows) result.rows.push_back(std::move(row));

    std::vector<int64_t> metadata_pending;
    guarded([] { HOLD_INTERRUPTS(); });
    for (std::size_t from = 0; from < outcomes.size(); from += kOutcomeChunk) {
        const auto first = outcomes.begin() + std::ptrdiff_t(from);
        const auto last = outcomes.begin() + std::ptrdiff_t(std::min(outcomes.size(), from + kOutcomeChunk));
        const auto pending = record_outcomes(state.call.channel->kind(),
                                             {std::make_move_iterator(first), std::make_move_iterator(last)});
        metadata_pending.insert(metadata_pending.end(), pending.begin(), pending.end());
        commit();
    }
    // Only once the outcomes are committed: a crash before that leaves the claims, and the
    // journal must still say which requests started. Not while the next batch is being sent: its
    // starts are in the same journal (the keys left name rows no longer claimed: they settle
    // nothing, and the call's end removes the journal).
    if (!batch.deliveries.empty() && !next_in_flight) forget_started();
    guarded([] { RESUME_INTERRUPTS(); });

    // A cancel from here on (it may have arrived while sending) is kept in the result and raised
    // by the caller once it has released what else it claimed.
    RecordedBatch recorded{{},       std::move(metadata_pending), halted_now,
                           any_sent, std::move(restricted),       std::move(restriction_text)};
    for (const auto& [key, claim] : batch.claimed) recorded.claims.push_back(claim.id);
    follow_up_outcomes(state, std::move(recorded), result, commit, outcomes_written);
    if (any_sent) state.channel.paused_code.reset();  // the pause is over: no more probing
    commit();
    return result;
}

void warn_channel_paused(const RunState& state, bool whole_run) {
    const std::string message = std::string("cart_abandon: ") + state.call.channel->display_name() +
                                " sending paused: " + state.channel.halt_reason;
    std::string hint = state.channel.halt_advice.empty() ? "Fix the cause. " : state.channel.halt_advice + " ";
    hint += "The next call probes with one request and resumes when it is accepted; no cart was closed for it";
    hint += whole_run ? " and the carts not sent stay due." : ".";
    guarded([&] { ereport(WARNING, (errmsg("%s", message.c_str()), errhint("%s", hint.c_str()))); });
}

[[noreturn]] void raise_unreplicated() {
    guarded([] {
        ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED),
                        errmsg("cart_abandon: the claims' wait for the synchronous standby was cancelled; "
                               "their reminders were not sent"),
                        errdetail("PostgreSQL kept their commit local (\"canceling wait for synchronous "
                                  "replication\"): a failover could lose them and send those reminders again. "
                                  "They are due again."),
                        errhint("Check that a standby named in synchronous_standby_names is streaming, and give "
                                "the call no statement_timeout shorter than the standby's delays.")));
    });
    throw std::logic_error("unreachable");
}

BatchResult process_batch(RunState& state, DueCartQueue& due, const std::function<void()>& claims_written,
                          const std::function<void()>& chunk_written,
                          const std::function<void(const BatchResult&)>& outcomes_written) {
    return in_batch_context([&] {
        PreparedBatch batch = prepare_batch(state, due, claims_written);
        if (state.call.config.dry_run || batch.carts.empty()) {
            BatchResult result;
            for (auto& [id, row] : batch.rows) result.rows.push_back(std::move(row));
            return result;
        }
        const auto report = state.channel.halted || batch.unreplicated
                                ? unsent(batch)
                                : send_batch(state, send_plan(state), batch.deliveries, cancel_requested);
        BatchResult result = finish_batch(state, batch, report, chunk_written, outcomes_written);
        if (batch.unreplicated) raise_unreplicated();
        return result;
    });
}

}  // namespace pg
