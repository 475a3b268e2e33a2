// The one hand-written piece of quiet hours: which zone a shopper's province is in, for the
// countries ICU gives several zones that matter for WhatsApp reminders. Used by
// recipient_time_zones (quiet_hours.hpp); exposed for its tests.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace cart_abandon {

struct ProvinceZone {
    const char* region;  // ISO 3166 alpha-2, upper case
    const char* zone;  // IANA name as in tzdata's zone.tab
    const char* names;  // '|'-separated ISO 3166-2 codes (without the country) and names
};

const std::vector<ProvinceZone>& province_zone_table();

// Folds a place name for comparison: accents dropped, ICU case folding, every run of
// characters other than letters and digits made one space, trimmed. "Île-du-Prince-Édouard"
// becomes "ile du prince edouard".
std::string fold_place_name(const std::string& text);

// The zone (as written in the table) of `province` in `region` (ISO 3166 alpha-2, upper case),
// or "" when the table does not know it. "CA-ON", "ca on" and "ON" are the same for CA.
std::string province_zone(const std::string& region, const std::string& province);

}  // namespace cart_abandon
