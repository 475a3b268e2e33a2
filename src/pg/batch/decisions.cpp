#include "pg/batch/decisions.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "pg/store/erasure.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/meta_limits.hpp"
#include "pg/store/purchases.hpp"

namespace pg {

namespace {

using cart_abandon::Timestamp;

// A long run re-reads purchases this often, so a purchase made during it still counts.
constexpr auto kPurchasesFreshFor = std::chrono::minutes(5);

// The purchases that can answer for carts last active at `oldest` or later (a cart is checked
// against those after its last activity): read from twice as far back as `oldest` (within the
// window), so that the next batches, and a run's second reminders after its first, mostly find
// them read; a batch with a cart older than that reads them again. A backlog's carts a day or
// two old need a fraction of the window's week of purchases.
const cart_abandon::Purchases& purchases(const CallSettings& call, SelectionMemory& memory, Timestamp now,
                                         Timestamp oldest) {
    if (!memory.purchases || now - memory.purchases_read_at > kPurchasesFreshFor || oldest < memory.purchases_since) {
        const Timestamp since = std::min(oldest, std::max(now - call.config.timing.max_age, oldest - (now - oldest)));
        memory.purchases = load_purchases(since, call.settings.default_region);
        memory.purchases_read_at = now;
        memory.purchases_since = since;
    }
    return *memory.purchases;
}

}  // namespace

std::vector<Decision> decide(const std::vector<DueCart>& carts, const CallSettings& call, SelectionMemory& memory,
                             Timestamp now) {
    const cart_abandon::Settings& settings = call.settings;
    const bool dry_run = call.config.dry_run;
    const auto pass = call.channel->kind();
    const bool whatsapp = pass == cart_abandon::ChannelKind::WhatsApp;

    // Meta's facts hold WhatsApp's sends only.
    cart_abandon::SelectionFacts facts;
    if (whatsapp) {
        facts.restricted_countries = country_restrictions(settings.whatsapp_phone_number_id, now);
        facts.stopped_templates = stopped_templates();
    }
    Timestamp oldest = now;
    for (const auto& cart : carts) oldest = std::min(oldest, cart.timeline.last_activity);
    facts.purchases = [&]() -> const cart_abandon::Purchases& { return purchases(call, memory, now, oldest); };
    // SMS asks its own consent (cart_abandon.sms_consent_key), required also where every channel's is.
    cart_abandon::Settings pass_settings = settings;
    if (pass == cart_abandon::ChannelKind::Sms) {
        pass_settings.require_consent = settings.sms_require_consent || settings.require_consent;
        pass_settings.consent_key = settings.sms_consent_key;
    }
    auto decisions = cart_abandon::judge_carts(carts, pass_settings, call.config.timing, facts, now, pass);

    const auto people = cart_abandon::people_of(decisions);
    cart_abandon::ContactFacts contacts;
    if (pass == cart_abandon::ChannelKind::Email) {
        contacts.opted_out = opted_out_emails(people);
    } else {
        // A stop through one WhatsApp number holds for that number's sends alone (SMS: none of them).
        contacts.opted_out = opted_out_phones(people, whatsapp ? settings.whatsapp_phone_number_id : "");
        contacts.erased = erased_phones(people);
    }
    const auto cap = settings.frequency_cap;
    if (cap.count() > 0) {
        if (!dry_run) lock_people(people);
        contacts.latest = latest_contacts(people, now - cap);
    }
    // Whom this call messaged: a real call's earlier batches are in the ledger already (claims
    // commit before sending), so it keeps only this batch's; a dry run writes nothing, so it keeps
    // every batch's, to predict what a real run sends across batch boundaries.
    std::map<std::string, Timestamp> this_batch;
    cart_abandon::apply_contacts(decisions, contacts, cap, dry_run ? memory.contacted : this_batch, now);

    if (whatsapp && settings.messaging_limit > 0) {  // Meta's limit
        const auto recipients = cart_abandon::recipients_of(decisions);
        if (!recipients.empty()) {
            // Under one lock for every call until the claims commit, so that two calls cannot both
            // take the last places.
            const MessagingWindow window = messaging_window(recipients, now, !dry_run);
            cart_abandon::apply_messaging_limit(decisions, settings.messaging_limit, window,
                                                dry_run ? &memory.window_people : nullptr, now);
        }
    }
    return decisions;
}

}  // namespace pg
