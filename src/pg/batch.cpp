#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/phone.hpp"
#include "core/policy.hpp"
#include "core/delivery_engine.hpp"
#include "pg/batch.hpp"
#include "pg/boundary.hpp"
#include "pg/due_carts.hpp"
#include "pg/ledger.hpp"
#include "pg/settings.hpp"

namespace pg {

namespace {

using cart_abandon::DeliveryOutcome;
using cart_abandon::OutcomeKind;

constexpr std::size_t kMaxCartIdChars = 200;

// Kept for the life of the backend so connections to the API stay open between calls.
cart_abandon::HttpClient& http_client(std::chrono::milliseconds timeout, int max_connections) {
    static std::unique_ptr<cart_abandon::HttpClient> client;
    if (!client || client->options().timeout != timeout || client->options().max_connections != max_connections) {
        client.reset();
        client = std::make_unique<cart_abandon::HttpClient>(cart_abandon::HttpClientOptions{timeout, max_connections});
    }
    return *client;
}

// Polled by the sender between waits; reading the flags does not process the interrupt.
bool cancel_requested() { return QueryCancelPending || ProcDiePending; }

struct Decision {
    const DueCart* cart = nullptr;
    int stage = 0;
    bool skip = false;
    std::string phone;
    std::string skip_reason;
    std::string detail;
};

std::vector<Decision> decide(const std::vector<DueCart>& carts, const RunState& state, cart_abandon::Timestamp now) {
    std::vector<Decision> decisions;
    decisions.reserve(carts.size());
    for (const auto& cart : carts) {
        Decision d;
        d.cart = &cart;
        d.stage = cart_abandon::due_stage(cart.timeline, state.config.timing, now);
        if (d.stage == 0) {  // the selection's filter and the policy disagree: the policy decides
            d.skip = true;
            d.skip_reason = "not_due";
        } else if (cart.customer_purchased_since) {
            d.skip = true;
            d.skip_reason = "customer_purchased";
            d.detail = "the customer completed another cart after this cart's last activity";
        } else {
            const auto choice = cart_abandon::choose_phone(cart.phones, state.settings.default_region);
            if (choice.e164.empty()) {
                d.skip = true;
                d.skip_reason = choice.skip_reason;
                d.detail = choice.detail;
            } else {
                d.phone = choice.e164;
            }
        }
        decisions.push_back(std::move(d));
    }

    std::vector<std::string> phones;
    for (const auto& d : decisions)
        if (!d.skip) phones.push_back(d.phone);
    const auto opted_out = opted_out_phones(phones);
    std::map<std::string, std::string> first_cart_of_phone;  // one reminder per person per batch
    for (auto& d : decisions) {
        if (d.skip) continue;
        if (opted_out.count(d.phone)) {
            d.skip = true;
            d.skip_reason = "opted_out";
            d.detail = "the phone number is on the opt-out list";
        } else if (const auto [first, inserted] = first_cart_of_phone.emplace(d.phone, d.cart->cart_id); !inserted) {
            d.skip = true;
            d.skip_reason = "duplicate_phone";
            d.detail = "cart " + first->second + " of the same number is reminded in this batch";
        }
    }
    return decisions;
}

cart_abandon::Delivery delivery_for(const Decision& d, const ClaimedStage& claim, const RunState& state) {
    const cart_abandon::Settings& s = state.settings;
    const std::string& cart_id = d.cart->cart_id;
    cart_abandon::TemplateMessage message{
        d.phone,
        d.stage == 1 ? s.template_first : s.template_second,
        s.template_language,
        {cart_abandon::choose_customer_name(d.cart->names, s.default_customer_name),
         cart_abandon::clean_template_text(cart_id, kMaxCartIdChars), cart_abandon::cart_link(s.cart_url, cart_id)}};
    // A call may retry, but never past the reminder's total attempts.
    const int left = state.config.timing.max_attempts - claim.attempts;
    return {std::move(message), std::max(1, std::min(attempts_per_run(), left))};
}

std::string skip_detail(const std::string& reason, const std::string& detail) {
    return detail.empty() ? reason : reason + ": " + detail;
}

// Turns one provider answer into the ledger's terms and the result row's action.
LedgerOutcome to_ledger(const Decision& d, const ClaimedStage& claim, const DeliveryOutcome& o, const RunState& state,
                        std::string& action) {
    LedgerOutcome out;
    out.cart_id = d.cart->cart_id;
    out.stage = d.stage;
    out.attempts_added = o.attempted ? o.attempts : 0;
    out.write_metadata = o.attempted;
    if (!o.error_text.empty()) out.error_message = o.error_text;
    if (o.error_code) out.error_code = o.error_code;
    switch (o.kind) {
        case OutcomeKind::Sent:
            out.status = action = "sent";
            out.wamid = o.wamid;
            if (!o.wa_id.empty()) out.wa_id = o.wa_id;
            break;
        case OutcomeKind::Transient:
            if (!o.attempted && state.channel_halted) out.error_message = "not sent: " + state.halt_reason;
            out.status = action =
                claim.attempts + out.attempts_added < state.config.timing.max_attempts ? "retry" : "failed";
            break;
        case OutcomeKind::Permanent:
            out.status = action = "failed";
            break;
        case OutcomeKind::ChannelFatal:
            // Not this cart's fault: it keeps its attempts and its metadata stays clean.
            out.status = action = "retry";
            out.attempts_added = 0;
            out.write_metadata = false;
            break;
        case OutcomeKind::Unknown:
            out.status = "unknown";
            action = "failed";
            out.error_message = "outcome unknown, not resent: " + o.error_text;
            break;
    }
    return out;
}

}  // namespace

namespace {

BatchResult process_batch_in_context(RunState& state, const std::string& after_cart_id,
                                     const std::function<void()>& claims_written,
                                     const std::function<void(const BatchResult&)>& outcomes_written);

}  // namespace

BatchResult process_batch(RunState& state, const std::string& after_cart_id,
                          const std::function<void()>& claims_written,
                          const std::function<void(const BatchResult&)>& outcomes_written) {
    // What a batch pallocs (parameter arrays, copied cells) goes with it, so a long run's memory
    // does not grow with its batches. On an error the context goes with the aborted transaction.
    MemoryContext batch_context = guarded([] {
        return AllocSetContextCreate(CurrentMemoryContext, "cart_abandon batch", ALLOCSET_DEFAULT_SIZES);
    });
    MemoryContext caller_context = MemoryContextSwitchTo(batch_context);
    BatchResult result = process_batch_in_context(state, after_cart_id, claims_written, outcomes_written);
    MemoryContextSwitchTo(caller_context);
    guarded([&] { MemoryContextDelete(batch_context); });
    return result;
}

namespace {

BatchResult process_batch_in_context(RunState& state, const std::string& after_cart_id,
                                     const std::function<void()>& claims_written,
                                     const std::function<void(const BatchResult&)>& outcomes_written) {
    BatchResult result;
    const auto now = std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());
    const auto carts = select_due_carts(after_cart_id, state.config.timing, now, state.config.batch_size, state.scan);
    if (carts.empty()) return result;

    const auto decisions = decide(carts, state, now);
    std::map<std::string, BatchRow> rows;  // by cart id: the result is in id order
    for (const auto& d : decisions) rows[d.cart->cart_id] = {d.cart->cart_id, d.stage, "", ""};
    state.totals.examined += int(decisions.size());

    if (state.config.dry_run) {
        for (const auto& d : decisions) {
            auto& row = rows[d.cart->cart_id];
            row.action = d.skip ? "skipped" : "would_send";
            row.detail = d.skip ? skip_detail(d.skip_reason, d.detail) : "to " + d.phone;
            (d.skip ? state.totals.skipped : state.totals.would_send) += 1;
        }
        for (auto& [id, row] : rows) result.rows.push_back(std::move(row));
        return result;
    }

    std::vector<LedgerClaim> claims;
    for (const auto& d : decisions)
        if (d.stage != 0) claims.push_back({d.cart->cart_id, d.stage, d.skip, d.phone, d.skip_reason, d.detail});
    const auto written = claim_stages(claims, state.run_id, state.config.timing.max_attempts);
    std::map<std::string, ClaimedStage> claimed;
    for (const auto& c : written) claimed[c.cart_id] = c;
    claims_written();

    std::vector<const Decision*> to_send;
    std::vector<cart_abandon::Delivery> deliveries;
    for (const auto& d : decisions) {
        auto& row = rows[d.cart->cart_id];
        const auto it = claimed.find(d.cart->cart_id);
        if (d.stage == 0) {
            row.action = "skipped";
            row.detail = "not_due";
            ++state.totals.skipped;
        } else if (it == claimed.end()) {
            row.action = "skipped";
            row.detail = "taken by another run, or the cart is no longer open";
            ++state.totals.skipped;
        } else if (d.skip) {
            row.action = "skipped";
            row.detail = skip_detail(d.skip_reason, d.detail);
            ++state.totals.skipped;
        } else {
            to_send.push_back(&d);
            deliveries.push_back(delivery_for(d, it->second, state));
        }
    }

    std::vector<LedgerOutcome> outcomes;
    std::vector<std::string> opted_out;
    bool halted_now = false;
    bool any_sent = false;
    if (!deliveries.empty()) {
        const cart_abandon::WhatsAppEndpoint endpoint{state.settings.whatsapp_api_url,
                                                      state.settings.whatsapp_phone_number_id,
                                                      state.settings.whatsapp_token};
        cart_abandon::SendReport report;
        if (state.channel_halted) {  // an earlier batch of this call hit a channel-fatal answer
            report.outcomes.resize(deliveries.size());
            for (auto& o : report.outcomes) {
                o.kind = OutcomeKind::Transient;
                o.attempted = false;
            }
        } else {
            const auto options = engine_options();
            report = cart_abandon::send_deliveries(http_client(state.settings.http_timeout, options.max_concurrency),
                                                   state.limiter, options, endpoint, deliveries, cancel_requested);
        }
        result.cancel_pending = report.interrupted;
        for (std::size_t i = 0; i < to_send.size(); ++i) {
            const auto& o = report.outcomes[i];
            if (o.kind == OutcomeKind::ChannelFatal && !state.channel_halted) {
                state.channel_halted = halted_now = true;
                state.halt_code = o.error_code;
                state.halt_reason = "channel paused by error " + std::to_string(o.error_code) + ": " + o.error_text;
            }
            if (o.kind == OutcomeKind::Sent) any_sent = true;
        }
        for (std::size_t i = 0; i < to_send.size(); ++i) {
            const Decision& d = *to_send[i];
            const auto& o = report.outcomes[i];
            std::string action;
            auto ledger = to_ledger(d, claimed.at(d.cart->cart_id), o, state, action);
            auto& row = rows[d.cart->cart_id];
            row.action = action;
            row.detail = action == "sent" ? o.wamid : ledger.error_message.value_or("");
            if (action == "sent") ++(d.stage == 1 ? state.totals.sent_first : state.totals.sent_second);
            else if (action == "retry") ++state.totals.retry;
            else ++state.totals.failed;
            if (o.recipient_opted_out) opted_out.push_back(d.phone);
            outcomes.push_back(std::move(ledger));
        }
    }
    for (auto& [id, row] : rows) result.rows.push_back(std::move(row));

    // From here to the caller's commit, a cancel must wait: the messages are out, and their
    // record must land with them.
    guarded([] { HOLD_INTERRUPTS(); });
    record_outcomes(outcomes);
    add_opt_outs(opted_out, "whatsapp_131050", "the user stopped marketing messages from this business");
    if (halted_now) record_channel_paused(state.halt_code, state.halt_reason);
    else if (any_sent) record_channel_sending();
    outcomes_written(result);
    guarded([] { RESUME_INTERRUPTS(); });
    return result;
}

}  // namespace

}  // namespace pg
