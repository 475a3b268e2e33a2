// Who a person is and what they allow: the locks that give one voice per person, their latest
// contacts (the frequency cap) and the opt-out list.
#include <set>
#include <string>
#include <vector>

#include "pg/store/people.hpp"
#include "pg/store/advisory_locks.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

Statement latest_contacts_statement(R"SQL(
SELECT d.recipient, d.provider_recipient_id, max(coalesce(d.sent_at, d.claimed_at))
  FROM cart_abandon.deliveries d
 WHERE d.status IN ('claimed', 'sent', 'unknown') AND coalesce(d.sent_at, d.claimed_at) > $3
   AND (d.recipient = ANY ($1) OR d.provider_recipient_id = ANY ($2))
 GROUP BY d.recipient, d.provider_recipient_id
)SQL",
                                    {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZOID}, Statement::Planning::PerValues);

// A person is a number or the wa_id Meta returned for it: an opt-out by wa_id (a webhook names
// the user by wa_id only) covers every number that wa_id was returned for.
// part 5: an opt-out holds for the sending number it came through ($2), or for every number (NULL).
Statement opted_out_statement(R"SQL(
WITH o AS (SELECT * FROM cart_abandon.opt_outs o WHERE o.phone_number_id IS NULL OR o.phone_number_id = $2)
SELECT p FROM unnest($1::text[]) AS p
 WHERE EXISTS (SELECT 1 FROM o WHERE o.kind = 'phone' AND o.address = p)
    OR EXISTS (SELECT 1 FROM o WHERE o.wa_id = substr(p, 2))
    OR EXISTS (SELECT 1 FROM cart_abandon.deliveries d JOIN o ON o.wa_id = d.provider_recipient_id
                WHERE d.recipient = p AND d.provider_recipient_id IS NOT NULL AND d.status IN ('claimed', 'sent', 'unknown'))
    -- part 5: an opt-out by business-scoped user id covers every number that user id was seen for.
    OR EXISTS (SELECT 1 FROM cart_abandon.deliveries d JOIN o ON o.user_id = d.user_id
                WHERE d.recipient = p AND d.user_id IS NOT NULL)
)SQL",
                              {TEXTARRAYOID, TEXTOID}, Statement::Planning::PerValues);

// An email address's opt-out (kind 'email'; the unsubscribe link, the shop's entries).
Statement opted_out_emails_statement(R"SQL(
SELECT p FROM unnest($1::text[]) AS p
 WHERE EXISTS (SELECT 1 FROM cart_abandon.opt_outs o WHERE o.kind = 'email' AND o.address = p)
)SQL",
                                     {TEXTARRAYOID}, Statement::Planning::PerValues);

std::set<std::string> subset(Statement& statement, const std::vector<std::optional<Datum>>& values) {
    std::set<std::string> found;
    const auto rows = statement.execute(values);
    for (uint64_t row = 0; row < rows; ++row) found.insert(cell_text_or_empty(row, 0));
    release_result();
    return found;
}

}  // namespace

void lock_people(const std::vector<std::string>& phones) { lock_keys(LockSpace::People, phones); }

std::map<std::string, cart_abandon::Timestamp> latest_contacts(const std::vector<std::string>& phones,
                                                               cart_abandon::Timestamp since) {
    std::map<std::string, cart_abandon::Timestamp> latest;
    if (phones.empty()) return latest;
    // Meta's wa_id is the number's digits without '+' (where it differs, it is another form).
    std::map<std::string, std::string> phone_of_wa_id;
    std::vector<std::string> wa_ids;
    for (const auto& phone : phones) {
        wa_ids.push_back(phone.substr(1));
        phone_of_wa_id[wa_ids.back()] = phone;
    }
    auto note = [&](const std::string& phone, cart_abandon::Timestamp at) {
        auto [it, inserted] = latest.emplace(phone, at);
        if (!inserted && it->second < at) it->second = at;
    };
    const auto rows =
        latest_contacts_statement.execute({text_array(phones), text_array(wa_ids), timestamp_value(since)});
    std::set<std::string> asked(phones.begin(), phones.end());
    for (uint64_t row = 0; row < rows; ++row) {
        const auto at = *cell_timestamp(row, 2);
        const std::string phone = cell_text_or_empty(row, 0);
        if (asked.count(phone)) note(phone, at);
        const auto by_wa_id = phone_of_wa_id.find(cell_text_or_empty(row, 1));
        if (by_wa_id != phone_of_wa_id.end()) note(by_wa_id->second, at);
    }
    release_result();
    return latest;
}

std::set<std::string> opted_out_phones(const std::vector<std::string>& phones, const std::string& phone_number_id) {
    std::set<std::string> opted_out;
    if (phones.empty()) return opted_out;
    const auto rows = opted_out_statement.execute({text_array(phones), text_value(phone_number_id)});
    for (uint64_t row = 0; row < rows; ++row) opted_out.insert(cell_text_or_empty(row, 0));
    release_result();
    return opted_out;
}

std::set<std::string> opted_out_emails(const std::vector<std::string>& addresses) {
    if (addresses.empty()) return {};
    return subset(opted_out_emails_statement, {text_array(addresses)});
}

}  // namespace pg
