#include "core/rules/quiet_hours.hpp"

#include <unicode/basictz.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tztrans.h>
#include <unicode/ucal.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>

#include "core/rules/province_zones.hpp"

namespace cart_abandon {

namespace {

constexpr std::int64_t kMicrosPerMinute = 60'000'000;
constexpr std::int64_t kMicrosPerDay = 24 * 60 * kMicrosPerMinute;
constexpr std::int64_t kMicrosPerMilli = 1000;
// How far ahead opens_at is looked for. Two days, so that a DST change on the first night
// cannot hide the next day's opening.
constexpr std::int64_t kHorizon = 2 * kMicrosPerDay;
// Instants this far from the epoch (about 146,000 years) are refused rather than risk overflow.
constexpr std::int64_t kFarthest = std::numeric_limits<std::int64_t>::max() / 2;

// ---- the setting ----

std::string trim(const std::string& s) {
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    const auto begin = std::find_if_not(s.begin(), s.end(), space);
    const auto end = std::find_if_not(s.rbegin(), s.rend(), space).base();
    return begin < end ? std::string(begin, end) : std::string();
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// "H:MM" or "HH:MM" as minutes after midnight; else the reason.
const char* parse_time(const std::string& text, int& minute) {
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos) return "a time is HH:MM (24-hour), minutes included";
    const std::string hh = text.substr(0, colon);
    const std::string mm = text.substr(colon + 1);
    if (!all_digits(hh) || hh.size() > 2 || !all_digits(mm) || mm.size() != 2)
        return "a time is HH:MM (24-hour), minutes included";
    const int hour = std::stoi(hh);
    const int min = std::stoi(mm);
    if (hour > 23) return "hours are 00 to 23";
    if (min > 59) return "minutes are 00 to 59";
    minute = hour * 60 + min;
    return nullptr;
}

// ---- local wall time ----

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

UDate to_udate(std::int64_t micros) { return static_cast<UDate>(floor_div(micros, kMicrosPerMilli)); }

// ICU's offset (raw + DST) at an instant. getOffset fails only when given a failed status.
std::int64_t offset_micros(const icu::TimeZone& zone, std::int64_t t) {
    std::int32_t raw = 0;
    std::int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone.getOffset(to_udate(t), false, raw, dst, status);
    return (std::int64_t(raw) + dst) * kMicrosPerMilli;
}

// The next instant after `t` at which the zone's offset may change.
std::optional<std::int64_t> next_change(const icu::TimeZone& zone, std::int64_t t) {
    const auto* basic = dynamic_cast<const icu::BasicTimeZone*>(&zone);
    icu::TimeZoneTransition transition;
    if (basic == nullptr || !basic->getNextTransition(to_udate(t), false, transition)) return std::nullopt;
    return static_cast<std::int64_t>(transition.getTime()) * kMicrosPerMilli;
}

std::int64_t local_time_of_day(const icu::TimeZone& zone, std::int64_t t) {
    return floor_mod(t + offset_micros(zone, t), kMicrosPerDay);
}

bool inside(const QuietHours& hours, std::int64_t time_of_day) {
    const std::int64_t start = hours.start_minute * kMicrosPerMinute;
    const std::int64_t end = hours.end_minute * kMicrosPerMinute;
    return start < end ? time_of_day >= start && time_of_day < end : time_of_day >= start || time_of_day < end;
}

// The first instant after `t`, which is inside the window in `zone`, that is outside it, or
// `limit` if none comes before. Offset changes are stepped over one by one: a DST gap can end
// the window early (the clock jumps past its end) and an overlap can bring it back.
std::int64_t window_exit(const QuietHours& hours, const icu::TimeZone& zone, std::int64_t t, std::int64_t limit) {
    const std::int64_t window_end = hours.end_minute * kMicrosPerMinute;
    std::int64_t from = t;
    while (from < limit) {
        const std::int64_t time_of_day = local_time_of_day(zone, from);
        if (!inside(hours, time_of_day)) return from;  // an offset change at `from` left the window
        // With the offset at `from`, the clock reaches the window's end this much later.
        const std::int64_t to_end = floor_mod(window_end - time_of_day, kMicrosPerDay);
        const std::int64_t exit = limit - from <= to_end ? limit : from + to_end;
        const std::optional<std::int64_t> change = next_change(zone, from);
        if (!change || *change > exit) return exit;
        from = *change;
    }
    return limit;
}

std::unique_ptr<icu::TimeZone> load_zone(const std::string& id) {
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(id)));
    icu::UnicodeString loaded;
    // ICU answers an ID it does not know with Etc/Unknown, which is GMT: no use for a night.
    if (zone == nullptr || zone->getID(loaded) == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID)) return nullptr;
    return zone;
}

std::vector<std::string> country_zones(const std::string& region) {
    std::vector<std::string> zones;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::StringEnumeration> ids(
        icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
    if (U_FAILURE(status) || ids == nullptr) return zones;
    std::int32_t length = 0;
    while (const char* id = ids->next(&length, status)) {
        if (U_FAILURE(status)) break;
        zones.emplace_back(id, static_cast<std::size_t>(length));
    }
    return zones;
}

std::string canonical_zone(const std::string& id) {
    icu::UnicodeString canonical;
    UErrorCode status = U_ZERO_ERROR;
    icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(id), canonical, status);
    if (U_FAILURE(status)) return id;
    std::string out;
    canonical.toUTF8String(out);
    return out;
}

}  // namespace

bool parse_quiet_hours(const std::string& text, QuietHours& out, std::string& error) {
    const std::string value = trim(text);
    if (value.empty()) {
        out = QuietHours{};
        return true;
    }
    const char* problem = nullptr;
    int start = 0;
    int end = 0;
    const std::size_t dash = value.find('-');
    if (dash == std::string::npos || value.find('-', dash + 1) != std::string::npos)
        problem = "a window is a start and an end time joined by '-'";
    if (problem == nullptr) problem = parse_time(trim(value.substr(0, dash)), start);
    if (problem == nullptr) problem = parse_time(trim(value.substr(dash + 1)), end);
    if (problem == nullptr && start == end)
        problem = "start and end are equal, which is an empty or a whole-day window ('' turns quiet hours off)";
    if (problem != nullptr) {
        std::string shown = value;  // kept to one line
        std::replace_if(
            shown.begin(), shown.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
        error = "\"" + shown + "\" is not a window such as \"21:00-09:00\": " + problem;
        return false;
    }
    out = QuietHours{start, end, true};
    return true;
}

std::vector<std::string> recipient_time_zones(const std::string& region, const std::string& province) {
    std::string code = trim(region);
    if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
        !std::isalpha(static_cast<unsigned char>(code[1])))
        return {};
    std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    // Regions libphonenumber numbers belong to that have no zone of their own in ICU.
    if (code == "AC" || code == "TA") code = "SH";  // Ascension, Tristan da Cunha: St Helena's GMT
    if (code == "XK") code = "RS";  // Kosovo keeps Serbia's time (Europe/Belgrade)

    std::vector<std::string> zones = country_zones(code);
    if (zones.size() > 1) {
        const std::string zone = province_zone(code, province);
        // A table zone ICU does not list for the country (its data moved on) narrows nothing.
        if (!zone.empty() && std::count(zones.begin(), zones.end(), canonical_zone(zone)) > 0)
            return {canonical_zone(zone)};
    }
    return zones;
}

QuietCheck check_quiet_hours(const QuietHours& hours, const std::vector<std::string>& zones, Timestamp now) {
    const std::int64_t start = now.time_since_epoch().count();
    QuietCheck result;
    result.opens_at = now;
    if (!hours.enabled) return result;

    const bool far = start > kFarthest || start < -kFarthest;
    const std::int64_t limit = far ? start : start + kHorizon;
    QuietCheck never;
    never.allowed = false;
    never.opens_at = Timestamp(Microseconds(limit));
    never.never = true;

    const auto in_day = [](int minute) { return minute >= 0 && minute < 24 * 60; };
    if (far || !in_day(hours.start_minute) || !in_day(hours.end_minute) || hours.start_minute == hours.end_minute ||
        zones.empty())
        return never;
    std::vector<std::unique_ptr<icu::TimeZone>> loaded;
    for (const std::string& id : zones) {
        loaded.push_back(load_zone(id));
        if (loaded.back() == nullptr) return never;
    }

    // Chase the opening: while some zone is inside its window, jump to where that window ends.
    // Every instant jumped over is quiet somewhere, so the first instant no zone objects to is
    // the earliest; each jump lands on a window end or an offset change, a few per zone per day.
    std::int64_t t = start;
    while (t < limit) {
        bool moved = false;
        for (const auto& zone : loaded) {
            if (t < limit && inside(hours, local_time_of_day(*zone, t))) {
                t = window_exit(hours, *zone, t, limit);
                moved = true;
            }
        }
        if (!moved) {
            result.allowed = t == start;
            result.opens_at = Timestamp(Microseconds(t));
            return result;
        }
    }
    return never;
}

}  // namespace cart_abandon
