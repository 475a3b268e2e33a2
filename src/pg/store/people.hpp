// Who a person is and what they allow: one voice per person (locks), the frequency cap (latest
// contacts) and the opt-out list. Statements in src/pg/store/people.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/rules/stage.hpp"

namespace pg {

// Holds, until the transaction ends, a lock per person (E.164 number) so that two calls cannot
// both decide to message one person; taken in sorted order so that two calls cannot deadlock.
void lock_people(const std::vector<std::string>& phones);

// Each number's latest contact after `since` (a claim, a sent or an unknown outcome), matched
// by number or by the wa_id Meta returned for it (Brazilian and Mexican wa_ids differ from E.164).
std::map<std::string, cart_abandon::Timestamp> latest_contacts(const std::vector<std::string>& phones,
                                                               cart_abandon::Timestamp since);

// The subset of phones that are on the opt-out list for sends from `phone_number_id` (an entry of
// that number or of every number).
std::set<std::string> opted_out_phones(const std::vector<std::string>& phones, const std::string& phone_number_id);

// The subset of email addresses (lower case, as the ledger keeps them) on the opt-out list.
std::set<std::string> opted_out_emails(const std::vector<std::string>& addresses);

}  // namespace pg
