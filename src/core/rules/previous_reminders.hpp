// What the shop's previous system (the seed's design) recorded in cart.metadata.notifications:
// {"firstSent": true, "firstSentAt": "2026-11-24T10:00:00.000Z", "secondSent": ..., ...}.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>

#include "core/rules/stage.hpp"

namespace cart_abandon {

struct PreviousReminders {
    bool first_sent = false;
    bool second_sent = false;  // implies the first was sent too
    std::optional<Timestamp> first_at;  // absent: no time, or one that does not parse
    std::optional<Timestamp> second_at;
};

// Reads the notifications object's JSON text ("" or anything else than an object: nothing
// sent). A stage counts as sent when its flag is true or the string "true"; its time is an
// ISO 8601 date-time with a zone (Z or +hh:mm), fractions of a second allowed. Never throws.
PreviousReminders parse_previous_reminders(const std::string& notifications_json);

// ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]" (a space may stand for the T); empty
// when it does not parse or has no zone.
std::optional<Timestamp> parse_iso8601(const std::string& text);

}  // namespace cart_abandon
