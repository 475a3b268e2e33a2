// Quiet hours (cart_abandon.quiet_hours): no WhatsApp reminder while it is night where the
// recipient lives. The zones come from the number's country; a reminder due inside the window is
// held until the window opens, not skipped. Zones, offsets and DST are ICU's, from ICU's own copy
// of tzdata (icu::TimeZone::getTZDataVersion()), which can be older than PostgreSQL's.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

#include "core/rules/stage.hpp"

namespace cart_abandon {

// The window [start_minute, end_minute) of local wall time, in minutes after local midnight
// (0..1439). It wraps past midnight when start_minute > end_minute ("21:00-09:00").
// Disabled (the setting is '') means reminders may go at any hour.
struct QuietHours {
    int start_minute = 0;
    int end_minute = 0;
    bool enabled = false;
};

// Parses the setting: "HH:MM-HH:MM", 24-hour, e.g. "21:00-09:00", "22:30-07:15", "00:00-06:00".
// A one-digit hour is accepted ("9:00" is 09:00); minutes always have two digits; spaces are
// allowed around the '-' and at either end. "" or only spaces turns quiet hours off.
// Refuses hours above 23 (there is no "24:00"), minutes above 59, a time without minutes,
// equal start and end (an empty or a whole-day window), and anything else. On success sets `out`
// and returns true; on failure leaves `out` alone, returns false and sets `error` to one line:
//   "25:00-09" is not a window such as "21:00-09:00": hours are 00 to 23
bool parse_quiet_hours(const std::string& text, QuietHours& out, std::string& error);

// The zones where a number of `region` (ISO 3166 alpha-2, any case) can be: ICU's canonical
// location zones of that country, as ICU names them (CLDR's canonical IDs, which are IANA names
// but sometimes the older link, e.g. "Asia/Calcutta" for Asia/Kolkata; ICU accepts both).
// When `province` (Medusa's free text: "ON", "ca-on", "Ontario", "Québec", ...) names a
// subdivision in the table of province_zones.cpp, only the zone covering most of it (its
// minority areas, such as north-west Ontario, are then an hour off).
// AC, TA and XK, which libphonenumber knows but ICU has no zones for, use the zones of SH, SH and
// RS. Empty when the region is unknown (not two letters, or no zone in ICU).
std::vector<std::string> recipient_time_zones(const std::string& region, const std::string& province);

// The answer for one recipient at `now`.
//   allowed:  local wall time at `now` is outside the window in every zone.
//   opens_at: the earliest instant at or after `now` outside the window in every zone
//             (`now` itself when allowed), exact to the microsecond across DST changes.
//   never:    no such instant within 48 hours of `now` (the window leaves no hour common to
//             these zones, e.g. "20:00-10:00" across Russia), or no usable zone was given
//             (an empty list, or an ID ICU does not know). Then allowed is false and opens_at
//             is now + 48 h, before which nothing is allowed; the caller holds the reminder and
//             can report why. (An absurd `now`, over 146,000 years from 1970: never, at now.)
struct QuietCheck {
    bool allowed = true;
    Timestamp opens_at;
    bool never = false;
};

// Decides whether a reminder may go now to a recipient in `zones` (from recipient_time_zones;
// IANA or ICU IDs). Disabled hours are always allowed. Enabled hours with minutes outside
// 0..1439 or start == end (which parse_quiet_hours never produces) count as a whole-day window:
// never. Throws nothing but std::bad_alloc.
QuietCheck check_quiet_hours(const QuietHours& hours, const std::vector<std::string>& zones, Timestamp now);

}  // namespace cart_abandon
