// What to do with each due cart of a batch: the decision rules, in the order they apply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "pg/batch.hpp"
#include "pg/due_carts.hpp"
#include "pg/ledger.hpp"

namespace pg {

struct Decision {
    enum class Kind { NotDue, Imported, Skip, Hold, Send };
    const DueCart* cart = nullptr;
    Kind kind = Kind::NotDue;
    int stage = 0;  // the stage acted on (for Imported: the last stage imported)
    std::string phone;
    std::string reason;  // skip or hold reason
    std::string detail;
    std::optional<cart_abandon::Timestamp> not_before;  // Hold
    std::vector<LedgerClaim> imports;                   // the previous system's reminders to record
};

// Decides each cart at `now`, in order:
// 1. the previous system's reminders (cart.metadata.notifications) count as sent;
// 2. the due stage (core policy);
// 3. the cart's customer was deleted -> skip erased; the cart's payment went through -> skip paid; bought since (same customer, email or phone:
//    Purchases) -> skip customer_purchased;
// 3b. Medusa refuses the cart -> skip sales_channel_disabled / sales_channel_deleted / region_deleted;
// 3c. the same person has a newer open cart -> skip superseded;
// 4. consent required and not given -> skip no_consent;
// 5. no usable phone -> skip no_phone / invalid_phone / blocked_region;
// 6. an erased person's number -> skip erased; opted out -> skip opted_out;
// 7. inside quiet hours at the recipient -> hold quiet_hours until they end;
// 8. the person was messaged within the frequency cap (ledger, or earlier in this call) ->
//    hold frequency_cap until it allows.
// Reads purchases, opt-outs and contacts; outside a dry run it locks the people it decides to
// message until the transaction ends (lock_people), so two calls cannot both message one.
std::vector<Decision> decide(const std::vector<DueCart>& carts, RunState& state, cart_abandon::Timestamp now);

// The ledger writes of the decisions: imports, then the stage acted on.
std::vector<LedgerClaim> claims_of(const std::vector<Decision>& decisions);

}  // namespace pg
