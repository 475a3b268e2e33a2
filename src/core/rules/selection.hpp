// Who gets a reminder now: the selection rules as three pure phases around the reads they need.
// The caller (src/pg/batch/decisions.cpp) reads, the rules decide:
//   1. judge_carts: each cart on its own facts (stage, erasure, payment, purchases, Medusa's
//      refusal, newer cart, consent, phone, template, country, quiet hours);
//   then the caller locks the people phase 1 would message (one voice per person) and reads
//   their opt-outs, erasures and latest contacts;
//   2. apply_contacts: erased or opted-out people are skipped, the frequency cap holds;
//   then the caller reads the provider's messaging window (people reached in 24 h);
//   3. apply_messaging_limit: people beyond the limit wait until a place frees.
// claims_of turns the decisions into the ledger writes that claim them.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/model/config.hpp"
#include "core/model/cart.hpp"
#include "core/model/decision.hpp"
#include "core/rules/purchases.hpp"
#include "core/rules/quiet_hours.hpp"

namespace cart_abandon {

// What phase 1 reads besides the carts (per batch).
struct SelectionFacts {
    // "template/language" (or "template/") the provider paused or disabled.
    std::set<std::string> stopped_templates;
    // Regions the provider refuses this business in, and until when.
    std::map<std::string, Timestamp> restricted_countries;
    // Purchases since the oldest cart's time, read at the first cart that needs them.
    std::function<const Purchases&()> purchases;
};

// Phase 1, in order: the previous system's reminders (cart.metadata.notifications) count as sent;
// the due stage (due_stage); the customer deleted -> skip Erased; the payment went through ->
// skip Paid; bought since (same customer, email or phone) -> skip CustomerPurchased; Medusa
// refuses the cart -> skip its reason; a newer open cart of the same person -> skip Superseded;
// consent required and not given -> skip NoConsent; no usable address on the pass's channel ->
// its skip reason (WhatsApp and SMS: the phone's; email: NoEmail); WhatsApp only: the template
// stopped -> hold TemplatePaused for an hour, the country refused -> hold CountryRestricted until
// its time; quiet hours at the recipient (the number's country, else the address's) -> hold
// QuietHours until they end. WhatsApp's blocked regions hold for WhatsApp alone.
std::vector<Decision> judge_carts(const std::vector<DueCart>& carts, const Settings& settings, const Timing& timing,
                                  const SelectionFacts& facts, Timestamp now, ChannelKind pass = ChannelKind::WhatsApp);

// The addresses phase 2 needs facts about: those of Send and Hold decisions, sorted, unique.
std::vector<std::string> people_of(const std::vector<Decision>& decisions);

// What phase 2 reads about people_of(decisions) (after locking them, outside a dry run).
struct ContactFacts {
    std::set<std::string> erased;
    std::set<std::string> opted_out;
    std::map<std::string, Timestamp> latest;  // latest contact inside the frequency cap
};

// Phase 2: an erased person -> skip Erased; opted out -> skip OptedOut; messaged within `cap`
// (the ledger's latest contact, or `contacted` by this call) -> hold FrequencyCap until it allows.
// A person it lets through is added to `contacted` at `now`. cap 0: no cap.
void apply_contacts(std::vector<Decision>& decisions, const ContactFacts& facts, std::chrono::seconds cap,
                    std::map<std::string, Timestamp>& contacted, Timestamp now);

// The addresses still to be messaged (Send), for the messaging window's read.
std::vector<std::string> recipients_of(const std::vector<Decision>& decisions);

// The provider's messaging window: unique people reached in the last 24 h.
struct MessagingWindow {
    int64_t people = 0;
    std::set<std::string> reached;  // of the addresses asked about, those already in the window
    std::optional<Timestamp> frees_at;  // the earliest contact + 24 h
};

// Phase 3: a person not reached in the window is one more; beyond `limit` (0: not enforced),
// held MessagingLimit until the earliest contact leaves the window. `counted` (a dry run, which
// claims nothing): the people its earlier batches would have reached, counted and added to.
void apply_messaging_limit(std::vector<Decision>& decisions, int limit, const MessagingWindow& window,
                           std::set<std::string>* counted, Timestamp now);

// The ledger writes of the decisions: imports, then the stage acted on.
std::vector<Claim> claims_of(const std::vector<Decision>& decisions);

// "2026-12-07T09:00:00Z", for the details' words.
std::string utc_text(Timestamp at);

}  // namespace cart_abandon
