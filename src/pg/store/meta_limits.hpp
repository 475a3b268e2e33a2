// Meta's limits that hold part of the sending, not the whole channel (issue 19 part 5): countries
// whose users Meta does not let this business message (130497), per sending number.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/rules/selection.hpp"
#include "core/rules/stage.hpp"
#include "core/channels/whatsapp/webhook_account.hpp"

namespace pg {

// Holds `regions` (ISO 3166 codes) for `phone_number_id` until `until` (renewing an earlier hold).
void record_country_restrictions(const std::string& phone_number_id, const std::vector<std::string>& regions,
                                 cart_abandon::Timestamp until, const std::string& error_message);

// The regions held for `phone_number_id` at `now`, and until when.
std::map<std::string, cart_abandon::Timestamp> country_restrictions(const std::string& phone_number_id,
                                                                    cart_abandon::Timestamp now);

// The messaging limit's rolling 24 h (Meta's window): the people cart_abandon reached in it (a
// claim, a sent or an unknown message; by number), how many, and when the earliest leaves it.
// Held, with `lock`, until the transaction ends: calls deciding at once count one after the other.
using cart_abandon::MessagingWindow;
MessagingWindow messaging_window(const std::vector<std::string>& phones, cart_abandon::Timestamp now, bool lock);

// Applies template status and quality webhooks (a newer event only); an APPROVED template's held
// stages are due again at once. Returns how many changed a template's record.
uint64_t apply_template_updates(const std::vector<cart_abandon::TemplateUpdate>& updates);

// Templates that refuse every send now (PAUSED, DISABLED, ...): "name/language" ("name/" for every
// language).
std::set<std::string> stopped_templates();

}  // namespace pg
