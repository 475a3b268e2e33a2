// Meta's limits that hold part of the sending, not the whole channel (issue 19 part 5): countries
// whose users Meta does not let this business message (130497), per sending number.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/policy.hpp"

namespace pg {

// Holds `regions` (ISO 3166 codes) for `phone_number_id` until `until` (renewing an earlier hold).
void record_country_restrictions(const std::string& phone_number_id, const std::vector<std::string>& regions,
                                 cart_abandon::Timestamp until, const std::string& error_message);

// The regions held for `phone_number_id` at `now`, and until when.
std::map<std::string, cart_abandon::Timestamp> country_restrictions(const std::string& phone_number_id,
                                                                    cart_abandon::Timestamp now);

}  // namespace pg
