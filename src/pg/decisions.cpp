#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/phone.hpp"
#include "core/previous_reminders.hpp"
#include "core/quiet_hours.hpp"
#include "pg/decisions.hpp"
#include "pg/erasure.hpp"
#include "pg/meta_limits.hpp"
#include "pg/purchases.hpp"

namespace pg {

namespace {

using cart_abandon::Timestamp;
using Kind = Decision::Kind;

// A long run re-reads purchases this often, so a purchase made during it still counts.
constexpr auto kPurchasesFreshFor = std::chrono::minutes(5);

std::string utc_text(Timestamp at) {
    const auto seconds = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(at));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

bool same_region(std::string a, std::string b) {
    auto upper = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
        return s;
    };
    return !a.empty() && upper(std::move(a)) == upper(std::move(b));
}

// The previous system's reminders that the ledger does not have yet: recorded as sent (imported)
// and applied to the timeline, so that none is sent again and the second reminder's gap counts
// from the recorded first.
void apply_previous_reminders(const DueCart& cart, cart_abandon::CartTimeline& timeline, Decision& d) {
    if (cart.notifications.empty()) return;
    const auto previous = cart_abandon::parse_previous_reminders(cart.notifications);
    const bool stage_sent[2] = {previous.first_sent, previous.second_sent};
    const std::optional<Timestamp> stage_at[2] = {previous.first_at, previous.second_at};
    cart_abandon::StageRecord* records[2] = {&timeline.first, &timeline.second};
    for (int i = 0; i < 2; ++i) {
        if (!stage_sent[i] || cart.rows[i].status) continue;
        LedgerClaim import;
        import.cart_id = cart.cart_id;
        import.stage = i + 1;
        import.status = "sent";
        import.sent_at = stage_at[i];
        import.detail = "sent by the shop's previous system (cart.metadata.notifications)";
        d.imports.push_back(std::move(import));
        records[i]->state = cart_abandon::StageState::Sent;
        records[i]->sent_at = stage_at[i].value_or(Timestamp{});  // without a time: long ago
    }
}

const cart_abandon::Purchases& purchases(RunState& state, Timestamp now) {
    if (!state.purchases || now - state.purchases_read_at > kPurchasesFreshFor) {
        state.purchases = load_purchases(now - state.config.timing.max_age, state.settings.default_region);
        state.purchases_read_at = now;
    }
    return *state.purchases;
}

void skip(Decision& d, std::string reason, std::string detail) {
    d.kind = Kind::Skip;
    d.reason = std::move(reason);
    d.detail = std::move(detail);
}

void hold(Decision& d, std::string reason, Timestamp until, std::string detail) {
    d.kind = Kind::Hold;
    d.reason = std::move(reason);
    d.not_before = until;
    d.detail = std::move(detail);
}

bool lifted_by_change(const std::string& reason) {
    return reason == "no_phone" || reason == "invalid_phone" || reason == "blocked_region" || reason == "no_consent";
}

// Steps 1 to 7 for one cart; a cart left to Send here is checked against the cap afterwards.
Decision decide_cart(const DueCart& cart, RunState& state, Timestamp now,
                     std::map<std::string, cart_abandon::QuietCheck>& quiet_by_place) {
    const cart_abandon::Settings& settings = state.settings;
    Decision d;
    d.cart = &cart;
    auto timeline = cart.timeline;
    apply_previous_reminders(cart, timeline, d);
    d.stage = cart_abandon::due_stage(timeline, state.config.timing, now);
    if (d.stage == 0) {
        if (!d.imports.empty()) {
            d.kind = Kind::Imported;
            d.stage = d.imports.back().stage;
        }
        return d;
    }
    const auto choice = cart_abandon::choose_phone(cart.phones, settings.default_region, settings.blocked_regions);
    if (cart.customer_erased) {
        skip(d, "erased", "the cart's customer was deleted (erasure): never messaged again");
    } else if (cart.paid) {
        skip(d, "paid", "the cart's payment was authorized or captured (Medusa's payment collection), with or without an order");
    } else if (purchases(state, now).bought_after(timeline.last_activity, cart.customer_id, cart.email, choice.e164)) {
        skip(d, "customer_purchased",
             "the same person (customer, email or phone) bought after this cart's last activity");
    } else if (!cart.refused.empty()) {
        skip(d, cart.refused, cart.refused == "region_deleted"
                                  ? "the cart's region is deleted: Medusa refuses to complete the cart"
                                  : "the cart's sales channel is disabled or deleted: Medusa refuses to complete the cart");
    } else if (!cart.superseded_by.empty()) {
        skip(d, "superseded", "the same person (customer or email) has a newer open cart: its reminders are the ones sent");
    } else if (settings.require_consent && !cart.consent) {
        skip(d, "no_consent", "neither the cart's nor the customer's metadata holds \"" + settings.consent_key +
                                  "\": true (cart_abandon.require_consent)");
    } else if (choice.e164.empty()) {
        skip(d, choice.skip_reason, choice.detail);
    } else {
        d.kind = Kind::Send;
        d.phone = choice.e164;
        const std::string& template_name = d.stage == 1 ? settings.template_first : settings.template_second;
        if (state.stopped_templates.count(template_name + "/" + settings.template_language) ||
            state.stopped_templates.count(template_name + "/")) {
            // Meta paused or disabled the template (a webhook said so): no request would pass.
            const Timestamp until = now + std::chrono::hours(1);
            hold(d, "template_paused", until,
                 "Meta paused or disabled template " + template_name + " (a template webhook); due again when it is "
                 "approved, or from " + utc_text(until));
            return d;
        }
        if (const auto held = state.restricted_countries.find(choice.region); held != state.restricted_countries.end()) {
            hold(d, "country_restricted", held->second,
                 "Meta does not let this business message users in " + choice.region + " (130497); due again from " +
                     utc_text(held->second));
            return d;
        }
        if (!settings.quiet_hours.enabled) return d;
        // The zone of the address the number was typed on, when it is in the number's country.
        std::string province;
        for (std::size_t i = 0; i < cart.phones.size(); ++i)
            if (cart.phones[i].source == choice.source && same_region(cart.phones[i].region, choice.region))
                province = cart.provinces[i];
        // ICU's zone lookups cost tens of microseconds: once per place and batch (`now`).
        auto [place, unseen] = quiet_by_place.try_emplace(choice.region + "/" + province);
        if (unseen)
            place->second = cart_abandon::check_quiet_hours(
                settings.quiet_hours, cart_abandon::recipient_time_zones(choice.region, province), now);
        const auto& quiet = place->second;
        if (!quiet.allowed)
            hold(d, "quiet_hours", quiet.opens_at,
                 "inside cart_abandon.quiet_hours at the recipient (" + choice.region + "); due again from " +
                     utc_text(quiet.opens_at));
    }
    return d;
}

}  // namespace

namespace {

// Meta's messaging limit (unique people per rolling 24 h): a person not reached in the window is
// one more; beyond the limit, held until the earliest contact leaves the window. Under one lock
// for every call until the claims commit, so that two calls cannot both take the last places.
void hold_beyond_messaging_limit(std::vector<Decision>& decisions, RunState& state, Timestamp now) {
    const int limit = state.settings.messaging_limit;
    if (limit <= 0) return;
    std::vector<std::string> phones;
    for (const auto& d : decisions)
        if (d.kind == Kind::Send) phones.push_back(d.phone);
    if (phones.empty()) return;
    const MessagingWindow window = messaging_window(phones, now, !state.config.dry_run);
    // A dry run claims nothing: the people its earlier batches would have reached count here.
    auto& counted = state.window_people;
    int64_t people = window.people + (state.config.dry_run ? int64_t(counted.size()) : 0);
    // No one in the window yet: the people reached are this batch's, who leave it in 24 h.
    const Timestamp frees_at = std::max(window.frees_at.value_or(now + std::chrono::hours(24)), now) + std::chrono::minutes(1);
    for (auto& d : decisions) {
        if (d.kind != Kind::Send || window.reached.count(d.phone) || counted.count(d.phone)) continue;
        if (people < limit) {
            ++people;
            if (state.config.dry_run) counted.insert(d.phone);
            continue;
        }
        hold(d, "messaging_limit", frees_at,
             "Meta's messaging limit (cart_abandon.messaging_limit = " + std::to_string(limit) +
                 " people per 24 hours) is reached; due again from " + utc_text(frees_at));
    }
}

}  // namespace

std::vector<Decision> decide(const std::vector<DueCart>& carts, RunState& state, Timestamp now) {
    std::vector<Decision> decisions;
    decisions.reserve(carts.size());
    std::map<std::string, cart_abandon::QuietCheck> quiet_by_place;
    state.restricted_countries = country_restrictions(state.settings.whatsapp_phone_number_id, now);
    state.stopped_templates = stopped_templates();
    for (const auto& cart : carts) decisions.push_back(decide_cart(cart, state, now, quiet_by_place));

    std::vector<std::string> phones;
    for (const auto& d : decisions)
        if (d.kind == Kind::Send || d.kind == Kind::Hold) phones.push_back(d.phone);
    std::sort(phones.begin(), phones.end());
    phones.erase(std::unique(phones.begin(), phones.end()), phones.end());
    const auto opted_out = opted_out_phones(phones, state.settings.whatsapp_phone_number_id);
    const auto erased = erased_phones(phones);

    // One voice per person: a lock per number, then its latest contact, so that of two calls
    // deciding at once the second sees the first's claim.
    const auto cap = state.settings.frequency_cap;
    // Whom this call messaged: a real call's earlier batches are in the ledger already (claims
    // commit before sending), so it keeps only this batch's; a dry run writes nothing, so it keeps
    // every batch's, to predict what a real run sends across batch boundaries.
    std::map<std::string, Timestamp> this_batch;
    auto& contacted = state.config.dry_run ? state.contacted : this_batch;
    std::map<std::string, Timestamp> latest;
    if (cap.count() > 0) {
        if (!state.config.dry_run) lock_people(phones);
        latest = latest_contacts(phones, now - cap);
    }
    for (auto& d : decisions) {
        if (d.kind != Kind::Send && d.kind != Kind::Hold) continue;
        if (erased.count(d.phone)) {
            skip(d, "erased", "the phone number is an erased customer's: never messaged again");
            continue;
        }
        if (opted_out.count(d.phone)) {
            skip(d, "opted_out", "the phone number is on the opt-out list");
            continue;
        }
        if (d.kind != Kind::Send || cap.count() == 0) continue;
        std::optional<Timestamp> last;
        if (const auto it = latest.find(d.phone); it != latest.end()) last = it->second;
        if (const auto it = contacted.find(d.phone); it != contacted.end() && (!last || *last < it->second))
            last = it->second;
        if (last && *last + cap > now) {
            hold(d, "frequency_cap", *last + cap,
                 "this number was messaged at " + utc_text(*last) + " (cart_abandon.frequency_cap); due again from " +
                     utc_text(*last + cap));
        } else {
            contacted[d.phone] = now;
        }
    }
    hold_beyond_messaging_limit(decisions, state, now);
    return decisions;
}

std::vector<LedgerClaim> claims_of(const std::vector<Decision>& decisions) {
    std::vector<LedgerClaim> claims;
    for (const auto& d : decisions) {
        claims.insert(claims.end(), d.imports.begin(), d.imports.end());
        if (d.kind == Kind::NotDue || d.kind == Kind::Imported) continue;
        LedgerClaim claim;
        claim.cart_id = d.cart->cart_id;
        claim.stage = d.stage;
        claim.seen = d.cart->rows[d.stage - 1];
        claim.phone = d.kind == Kind::Skip ? "" : d.phone;
        claim.detail = d.detail;
        switch (d.kind) {
            case Kind::Send:
                claim.status = "claimed";
                break;
            case Kind::Hold:
                claim.status = "held";
                claim.hold_reason = d.reason;
                claim.not_before = d.not_before;
                break;
            default:
                claim.status = "skipped";
                claim.skip_reason = d.reason;
                if (lifted_by_change(d.reason)) claim.cart_changed_at = d.cart->last_change;
                break;
        }
        claims.push_back(std::move(claim));
    }
    return claims;
}

}  // namespace pg
