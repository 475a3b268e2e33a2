// Selecting the next batch of carts that have a reminder due (the keyset scan).
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/phone.hpp"
#include "core/policy.hpp"

namespace pg {

extern const char* const kWhatsAppChannel;

struct DueCart {
    std::string cart_id;
    cart_abandon::CartTimeline timeline;
    bool customer_purchased_since = false;  // same customer or email completed another cart after last activity
    std::vector<cart_abandon::PhoneCandidate> phones;  // shipping, billing, customer
    std::vector<std::string> names;                     // customer, shipping, billing first names
};

// Fails with an error naming the missing tables when Medusa's tables are not in the schema.
void require_medusa_tables();

// Which carts a selection examines. Full: every cart active inside the max-age window.
// Incremental: only carts that can have come due since `since`, the start of the last run that
// examined every candidate it had (see cart_abandon.runs.scan).
struct CandidateScan {
    bool incremental = false;
    cart_abandon::Timestamp since{};
};

// Up to `limit` carts after `after_cart_id` (in id order) that are open, have a live line item,
// and have a stage due by the same rule as cart_abandon::due_stage.
std::vector<DueCart> select_due_carts(const std::string& after_cart_id, const cart_abandon::Timing& timing,
                                      cart_abandon::Timestamp now, int limit, const CandidateScan& scan);

}  // namespace pg
