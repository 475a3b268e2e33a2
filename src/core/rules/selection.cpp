#include "core/rules/selection.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>

#include "core/contact/phone.hpp"
#include "core/rules/previous_reminders.hpp"

namespace cart_abandon {

namespace {

using Kind = Decision::Kind;

// A region code as ISO 3166 writes it ("de" -> "DE").
std::string upper_region(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return s;
}

bool same_region(std::string a, std::string b) {
    return !a.empty() && upper_region(std::move(a)) == upper_region(std::move(b));
}

// A skip closes the stage: a hold decided earlier (phase 1) no longer stands.
void skip(Decision& d, SkipReason reason, std::string detail) {
    d.kind = Kind::Skip;
    d.skip_reason = reason;
    d.hold_reason.reset();
    d.not_before.reset();
    d.detail = std::move(detail);
}

void hold(Decision& d, HoldReason reason, Timestamp until, std::string detail) {
    d.kind = Kind::Hold;
    d.hold_reason = reason;
    d.not_before = until;
    d.detail = std::move(detail);
}

// The previous system's reminders that the ledger does not have yet: recorded as sent (imported)
// and applied to the timeline, so that none is sent again and the second reminder's gap counts
// from the recorded first.
void apply_previous_reminders(const DueCart& cart, CartTimeline& timeline, Decision& d) {
    if (cart.notifications.empty()) return;
    const auto previous = parse_previous_reminders(cart.notifications);
    const bool stage_sent[2] = {previous.first_sent, previous.second_sent};
    const std::optional<Timestamp> stage_at[2] = {previous.first_at, previous.second_at};
    StageRecord* records[2] = {&timeline.first, &timeline.second};
    for (int i = 0; i < 2; ++i) {
        if (!stage_sent[i] || cart.rows[i].status) continue;
        Claim import;
        import.cart_id = cart.cart_id;
        import.stage = i + 1;
        import.status = Status::Sent;
        import.sent_at = stage_at[i];
        import.detail = "sent by the shop's previous system (cart.metadata.notifications)";
        d.imports.push_back(std::move(import));
        records[i]->state = StageState::Sent;
        records[i]->sent_at = stage_at[i].value_or(Timestamp{});  // without a time: long ago
    }
}

const char* refusal_text(SkipReason reason) {
    return reason == SkipReason::RegionDeleted
               ? "the cart's region is deleted: Medusa refuses to complete the cart"
               : "the cart's sales channel is disabled or deleted: Medusa refuses to complete the cart";
}

// An address the email channel can send to: one '@' with text on each side, no white space or
// control character (Medusa checks the shape when it stores one; this keeps a stray value out of
// the envelope).
bool usable_email(const std::string& address) {
    const auto at = address.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == address.size() ||
        address.find('@', at + 1) != std::string::npos)
        return false;
    return std::none_of(address.begin(), address.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// Where the recipient is, for quiet hours: the chosen number's country (and the province of the
// address it was typed on); without one, the shipping address's, else the billing address's.
std::pair<std::string, std::string> recipient_place(const DueCart& cart, const PhoneChoice& choice) {
    if (!choice.region.empty()) {
        std::string province;
        for (std::size_t i = 0; i < cart.phones.size(); ++i)
            if (cart.phones[i].source == choice.source && same_region(cart.phones[i].region, choice.region))
                province = cart.provinces[i];
        return {choice.region, province};
    }
    for (std::size_t i = 0; i < cart.phones.size() && i < 2; ++i)
        if (!cart.phones[i].region.empty()) return {upper_region(cart.phones[i].region), cart.provinces[i]};
    return {"", ""};
}

// Quiet hours at the recipient in `region` (and `province`): held until they end.
void hold_for_quiet_hours(Decision& d, const Settings& settings, const std::string& region, const std::string& province,
                          Timestamp now, std::map<std::string, QuietCheck>& quiet_by_place) {
    if (!settings.quiet_hours.enabled) return;
    // ICU's zone lookups cost tens of microseconds: once per place and batch (`now`).
    auto [place, unseen] = quiet_by_place.try_emplace(region + "/" + province);
    if (unseen) place->second = check_quiet_hours(settings.quiet_hours, recipient_time_zones(region, province), now);
    const auto& quiet = place->second;
    if (!quiet.allowed)
        hold(d, HoldReason::QuietHours, quiet.opens_at,
             "inside cart_abandon.quiet_hours at the recipient (" + region + "); due again from " +
                 utc_text(quiet.opens_at));
}

// Phase 1 for one cart.
Decision judge_cart(const DueCart& cart, const Settings& settings, const Timing& timing, const SelectionFacts& facts,
                    Timestamp now, std::map<std::string, QuietCheck>& quiet_by_place, ChannelKind pass) {
    Decision d;
    d.cart = &cart;
    auto timeline = cart.timeline;
    apply_previous_reminders(cart, timeline, d);
    d.stage = due_stage(timeline, timing, now);
    if (d.stage == 0) {
        if (!d.imports.empty()) {
            d.kind = Kind::Imported;
            d.stage = d.imports.back().stage;
        }
        return d;
    }
    // WhatsApp's blocked regions are Meta's refusals (US marketing): SMS reaches those numbers.
    const auto choice =
        choose_phone(cart.phones, settings.default_region,
                     pass == ChannelKind::WhatsApp ? settings.blocked_regions : std::vector<std::string>{});
    if (cart.customer_erased) {
        skip(d, SkipReason::Erased, "the cart's customer was deleted (erasure): never messaged again");
    } else if (cart.paid) {
        skip(d, SkipReason::Paid,
             "the cart's payment was authorized or captured (Medusa's payment collection), with or without an order");
    } else if (facts.purchases().bought_after(timeline.last_activity, cart.customer_id, cart.email, choice.e164)) {
        skip(d, SkipReason::CustomerPurchased,
             "the same person (customer, email or phone) bought after this cart's last activity");
    } else if (cart.refused) {
        skip(d, *cart.refused, refusal_text(*cart.refused));
    } else if (!cart.superseded_by.empty()) {
        skip(d, SkipReason::Superseded,
             "the same person (customer or email) has a newer open cart: its reminders are the ones sent");
    } else if (settings.require_consent && !cart.consent) {
        skip(d, SkipReason::NoConsent,
             "neither the cart's nor the customer's metadata holds \"" + settings.consent_key +
                 (pass == ChannelKind::Sms ? "\": true (SMS marketing needs it: cart_abandon.sms_require_consent)"
                                           : "\": true (cart_abandon.require_consent)"));
    } else if (pass == ChannelKind::Email && !usable_email(cart.email)) {
        skip(d, SkipReason::NoEmail,
             cart.email.empty() ? "no email address on the cart or its customer"
                                : "the cart's email address is not one a message can be sent to");
    } else if (pass != ChannelKind::Email && choice.e164.empty()) {
        skip(d, choice.skip_reason.value_or(SkipReason::NoPhone), choice.detail);
    } else if (pass != ChannelKind::WhatsApp) {
        d.kind = Kind::Send;
        d.recipient = pass == ChannelKind::Email ? cart.email : choice.e164;
        auto [region, province] = recipient_place(cart, choice);
        if (region.empty()) region = settings.default_region;
        d.region = region;
        hold_for_quiet_hours(d, settings, region, province, now, quiet_by_place);
    } else {
        d.kind = Kind::Send;
        d.recipient = choice.e164;
        d.region = choice.region;
        const std::string& template_name = d.stage == 1 ? settings.template_first : settings.template_second;
        if (facts.stopped_templates.count(template_name + "/" + settings.template_language) ||
            facts.stopped_templates.count(template_name + "/")) {
            // The provider paused or disabled the template (a webhook said so): no request would pass.
            const Timestamp until = now + std::chrono::hours(1);
            hold(d, HoldReason::TemplatePaused, until,
                 "Meta paused or disabled template " + template_name +
                     " (a template webhook); due again when it is approved, or from " + utc_text(until));
            return d;
        }
        if (const auto held = facts.restricted_countries.find(choice.region);
            held != facts.restricted_countries.end()) {
            hold(d, HoldReason::CountryRestricted, held->second,
                 "Meta does not let this business message users in " + choice.region + " (130497); due again from " +
                     utc_text(held->second));
            return d;
        }
        // The zone of the address the number was typed on, when it is in the number's country.
        const auto place = recipient_place(cart, choice);
        hold_for_quiet_hours(d, settings, place.first, place.second, now, quiet_by_place);
    }
    return d;
}

std::vector<std::string> sorted_unique(std::vector<std::string> people) {
    std::sort(people.begin(), people.end());
    people.erase(std::unique(people.begin(), people.end()), people.end());
    return people;
}

}  // namespace

std::string utc_text(Timestamp at) {
    const auto seconds = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(at));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::vector<Decision> judge_carts(const std::vector<DueCart>& carts, const Settings& settings, const Timing& timing,
                                  const SelectionFacts& facts, Timestamp now, ChannelKind pass) {
    std::vector<Decision> decisions;
    decisions.reserve(carts.size());
    std::map<std::string, QuietCheck> quiet_by_place;
    for (const auto& cart : carts)
        decisions.push_back(judge_cart(cart, settings, timing, facts, now, quiet_by_place, pass));
    return decisions;
}

std::vector<std::string> people_of(const std::vector<Decision>& decisions) {
    std::vector<std::string> people;
    for (const auto& d : decisions)
        if (d.kind == Kind::Send || d.kind == Kind::Hold) people.push_back(d.recipient);
    return sorted_unique(std::move(people));
}

std::vector<std::string> recipients_of(const std::vector<Decision>& decisions) {
    std::vector<std::string> people;
    for (const auto& d : decisions)
        if (d.kind == Kind::Send) people.push_back(d.recipient);
    return people;
}

void apply_contacts(std::vector<Decision>& decisions, const ContactFacts& facts, std::chrono::seconds cap,
                    std::map<std::string, Timestamp>& contacted, Timestamp now) {
    for (auto& d : decisions) {
        if (d.kind != Kind::Send && d.kind != Kind::Hold) continue;
        if (facts.erased.count(d.recipient)) {
            skip(d, SkipReason::Erased, "the phone number is an erased customer's: never messaged again");
            continue;
        }
        if (facts.opted_out.count(d.recipient)) {
            skip(d, SkipReason::OptedOut, "the phone number is on the opt-out list");
            continue;
        }
        if (d.kind != Kind::Send || cap.count() == 0) continue;
        std::optional<Timestamp> last;
        if (const auto it = facts.latest.find(d.recipient); it != facts.latest.end()) last = it->second;
        if (const auto it = contacted.find(d.recipient); it != contacted.end() && (!last || *last < it->second))
            last = it->second;
        if (last && *last + cap > now) {
            hold(d, HoldReason::FrequencyCap, *last + cap,
                 "this number was messaged at " + utc_text(*last) + " (cart_abandon.frequency_cap); due again from " +
                     utc_text(*last + cap));
        } else {
            contacted[d.recipient] = now;
        }
    }
}

void apply_messaging_limit(std::vector<Decision>& decisions, int limit, const MessagingWindow& window,
                           std::set<std::string>* counted, Timestamp now) {
    if (limit <= 0) return;
    int64_t people = window.people + (counted ? int64_t(counted->size()) : 0);
    // No one in the window yet: the people reached are this batch's, who leave it in 24 h.
    const Timestamp frees_at =
        std::max(window.frees_at.value_or(now + std::chrono::hours(24)), now) + std::chrono::minutes(1);
    for (auto& d : decisions) {
        if (d.kind != Kind::Send || window.reached.count(d.recipient) || (counted && counted->count(d.recipient)))
            continue;
        if (people < limit) {
            ++people;
            if (counted) counted->insert(d.recipient);
            continue;
        }
        hold(d, HoldReason::MessagingLimit, frees_at,
             "Meta's messaging limit (cart_abandon.messaging_limit = " + std::to_string(limit) +
                 " people per 24 hours) is reached; due again from " + utc_text(frees_at));
    }
}

std::vector<Claim> claims_of(const std::vector<Decision>& decisions) {
    std::vector<Claim> claims;
    for (const auto& d : decisions) {
        claims.insert(claims.end(), d.imports.begin(), d.imports.end());
        if (d.kind == Kind::NotDue || d.kind == Kind::Imported) continue;
        Claim claim;
        claim.cart_id = d.cart->cart_id;
        claim.stage = d.stage;
        claim.seen = d.cart->rows[d.stage - 1];
        claim.fallback_of = d.cart->fallback_of[d.stage - 1];
        claim.recipient = d.kind == Kind::Skip ? "" : d.recipient;
        claim.detail = d.detail;
        switch (d.kind) {
            case Kind::Send: claim.status = Status::Claimed; break;
            case Kind::Hold:
                claim.status = Status::Held;
                claim.hold_reason = d.hold_reason;
                claim.not_before = d.not_before;
                break;
            default:
                claim.status = Status::Skipped;
                claim.skip_reason = d.skip_reason;
                if (d.skip_reason && lifted_by_change(*d.skip_reason)) claim.cart_changed_at = d.cart->last_change;
                break;
        }
        claims.push_back(std::move(claim));
    }
    return claims;
}

}  // namespace cart_abandon
