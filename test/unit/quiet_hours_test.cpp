#include <gtest/gtest.h>

#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <memory>

#include "core/rules/quiet_hours.hpp"

using namespace cart_abandon;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return std::int64_t(era) * 146097 + doe - 719468;
}

// The instant a clock `offset` ahead of UTC reads the given wall time.
Timestamp wall(int y, int m, int d, int hour, int minute, minutes offset = minutes(0)) {
    return Timestamp(hours(24 * days_from_civil(y, m, d)) + hours(hour) + minutes(minute) - offset);
}
Timestamp utc(int y, int m, int d, int hour, int minute) { return wall(y, m, d, hour, minute); }

const minutes kIST(330);
const std::vector<std::string> kIndia = {"Asia/Calcutta"};
const std::vector<std::string> kGermany = {"Europe/Berlin"};

QuietHours window(const std::string& text) {
    QuietHours hours;
    std::string error;
    EXPECT_TRUE(parse_quiet_hours(text, hours, error)) << error;
    return hours;
}
const QuietHours kDefault = window("21:00-09:00");

std::string parse_error(const std::string& text) {
    QuietHours hours{1, 2, true};
    std::string error;
    if (parse_quiet_hours(text, hours, error)) return "accepted";
    EXPECT_EQ(hours.start_minute, 1) << "out changed on failure";
    return error;
}

// "allowed" or "held until <microseconds since the epoch>", so a failure shows both.
::testing::AssertionResult held_until(const QuietCheck& check, Timestamp expected) {
    if (!check.allowed && !check.never && check.opens_at == expected) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "allowed=" << check.allowed << " never=" << check.never
                                         << " opens_at=" << check.opens_at.time_since_epoch().count() << " expected "
                                         << expected.time_since_epoch().count() << " (off by "
                                         << (check.opens_at - expected).count() / 60'000'000.0 << " min)";
}
::testing::AssertionResult allowed(const QuietCheck& check, Timestamp now) {
    if (check.allowed && !check.never && check.opens_at == now) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "held until " << check.opens_at.time_since_epoch().count()
                                         << " never=" << check.never;
}

}  // namespace

TEST(QuietHoursParse, AcceptsWindows) {
    const QuietHours night = window("21:00-09:00");
    EXPECT_TRUE(night.enabled);
    EXPECT_EQ(night.start_minute, 21 * 60);
    EXPECT_EQ(night.end_minute, 9 * 60);
    const QuietHours odd = window("  22:30 - 07:15 ");
    EXPECT_EQ(odd.start_minute, 22 * 60 + 30);
    EXPECT_EQ(odd.end_minute, 7 * 60 + 15);
    EXPECT_EQ(window("00:00-06:00").start_minute, 0);
    EXPECT_EQ(window("00:00-06:00").end_minute, 360);
    EXPECT_EQ(window("9:00-21:00").start_minute, 540);  // a one-digit hour
    EXPECT_EQ(window("23:59-00:00").end_minute, 0);
}

TEST(QuietHoursParse, EmptyTurnsThemOff) {
    QuietHours hours{60, 120, true};
    std::string error;
    ASSERT_TRUE(parse_quiet_hours("", hours, error));
    EXPECT_FALSE(hours.enabled);
    hours.enabled = true;
    ASSERT_TRUE(parse_quiet_hours("   ", hours, error));
    EXPECT_FALSE(hours.enabled);
}

TEST(QuietHoursParse, RefusesWhatIsNotAWindow) {
    const std::string prefix = " is not a window such as \"21:00-09:00\": ";
    EXPECT_EQ(parse_error("25:00-09"), "\"25:00-09\"" + prefix + "hours are 00 to 23");
    EXPECT_EQ(parse_error("24:00-06:00"), "\"24:00-06:00\"" + prefix + "hours are 00 to 23");
    EXPECT_EQ(parse_error("21:00-09:60"), "\"21:00-09:60\"" + prefix + "minutes are 00 to 59");
    const std::string shape = "a time is HH:MM (24-hour), minutes included";
    EXPECT_EQ(parse_error("21-09"), "\"21-09\"" + prefix + shape);
    EXPECT_EQ(parse_error("21:0-09:00"), "\"21:0-09:00\"" + prefix + shape);
    EXPECT_EQ(parse_error("021:00-09:00"), "\"021:00-09:00\"" + prefix + shape);
    EXPECT_EQ(parse_error("21:00-"), "\"21:00-\"" + prefix + shape);
    EXPECT_EQ(parse_error("21.00-09.00"), "\"21.00-09.00\"" + prefix + shape);
    const std::string joined = "a window is a start and an end time joined by '-'";
    EXPECT_EQ(parse_error("night"), "\"night\"" + prefix + joined);
    EXPECT_EQ(parse_error("21:00\u201309:00"), "\"21:00\u201309:00\"" + prefix + joined);  // an en dash
    EXPECT_EQ(parse_error("21:00-09:00-10:00"), "\"21:00-09:00-10:00\"" + prefix + joined);
    EXPECT_EQ(parse_error("21:00\n09:00"), "\"21:00 09:00\"" + prefix + joined);  // the error stays one line
    EXPECT_EQ(parse_error(" 21:00-21:00 "), "\"21:00-21:00\"" + prefix +
                                                "start and end are equal, which is an empty or a whole-day window "
                                                "('' turns quiet hours off)");
}

// The example: a Kolkata cart idle since 02:30 IST is reminded after 09:00 IST.
TEST(QuietHoursCheck, IndiaAtNightWaitsForNineInTheMorning) {
    ASSERT_EQ(recipient_time_zones("IN", ""), kIndia);
    EXPECT_TRUE(
        held_until(check_quiet_hours(kDefault, kIndia, wall(2025, 6, 10, 2, 30, kIST)), wall(2025, 6, 10, 9, 0, kIST)));
    const Timestamp nine = wall(2025, 6, 10, 9, 0, kIST);
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kIndia, nine - Microseconds(1)), nine));
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, kIndia, nine), nine));
}

TEST(QuietHoursCheck, IndiaEveningEndsAtNine) {
    const Timestamp last_minute = wall(2025, 6, 10, 20, 59, kIST);
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, kIndia, last_minute), last_minute));
    const Timestamp just_before = wall(2025, 6, 10, 21, 0, kIST) - Microseconds(1);
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, kIndia, just_before), just_before));
    EXPECT_TRUE(
        held_until(check_quiet_hours(kDefault, kIndia, wall(2025, 6, 10, 21, 0, kIST)), wall(2025, 6, 11, 9, 0, kIST)));
}

TEST(QuietHoursCheck, WindowNotWrappingMidnight) {
    const QuietHours early = window("00:00-06:00");
    const Timestamp late_evening = wall(2025, 6, 10, 23, 59, kIST);
    EXPECT_TRUE(allowed(check_quiet_hours(early, kIndia, late_evening), late_evening));
    const Timestamp six = wall(2025, 6, 11, 6, 0, kIST);
    EXPECT_TRUE(held_until(check_quiet_hours(early, kIndia, wall(2025, 6, 11, 0, 0, kIST)), six));
    EXPECT_TRUE(held_until(check_quiet_hours(early, kIndia, wall(2025, 6, 11, 5, 59, kIST)), six));
    EXPECT_TRUE(allowed(check_quiet_hours(early, kIndia, six), six));
    const Timestamp nine_pm = wall(2025, 6, 11, 21, 0, kIST);  // quiet under the default window, not this one
    EXPECT_TRUE(allowed(check_quiet_hours(early, kIndia, nine_pm), nine_pm));
}

TEST(QuietHoursCheck, GermanySummerAndWinter) {
    // 07:00 UTC is 09:00 in summer (CEST, +2) but 08:00 in winter (CET, +1).
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, kGermany, utc(2025, 7, 1, 7, 0)), utc(2025, 7, 1, 7, 0)));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kGermany, utc(2025, 1, 15, 7, 0)), utc(2025, 1, 15, 8, 0)));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kGermany, utc(2025, 7, 1, 6, 59)), utc(2025, 7, 1, 7, 0)));
    // 19:30 UTC is 21:30 in summer, 20:30 in winter.
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kGermany, utc(2025, 7, 1, 19, 30)), utc(2025, 7, 2, 7, 0)));
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, kGermany, utc(2025, 1, 15, 19, 30)), utc(2025, 1, 15, 19, 30)));
}

TEST(QuietHoursCheck, GermanyNightsWhenTheClocksChange) {
    // Held at 21:00 CET on Saturday 29 March 2025; the clocks go forward that night, so 09:00
    // on Sunday is 07:00 UTC, not the 08:00 UTC the evening's offset would give.
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kGermany, utc(2025, 3, 29, 20, 0)), utc(2025, 3, 30, 7, 0)));
    // And back on Sunday 26 October: 22:00 CEST on Saturday waits until 09:00 CET = 08:00 UTC.
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, kGermany, utc(2025, 10, 25, 20, 0)), utc(2025, 10, 26, 8, 0)));
    EXPECT_EQ(recipient_time_zones("de", "Bayern"), (std::vector<std::string>{"Europe/Berlin", "Europe/Busingen"}));
}

TEST(QuietHoursCheck, WindowEndingInsideTheSpringGap) {
    // 02:30 never happens on 30 March 2025: 02:00 CET (01:00 UTC) is followed by 03:00 CEST.
    const QuietHours hours = window("22:00-02:30");
    EXPECT_TRUE(held_until(check_quiet_hours(hours, kGermany, utc(2025, 3, 30, 0, 30)), utc(2025, 3, 30, 1, 0)));
    // A window starting in the gap begins when the clock jumps into it.
    const QuietHours morning = window("02:30-06:00");
    const Timestamp before = utc(2025, 3, 30, 0, 59);
    EXPECT_TRUE(allowed(check_quiet_hours(morning, kGermany, before), before));
    EXPECT_TRUE(held_until(check_quiet_hours(morning, kGermany, utc(2025, 3, 30, 1, 0)), utc(2025, 3, 30, 4, 0)));
}

TEST(QuietHoursCheck, WindowEndingInsideTheAutumnRepeat) {
    // 02:00-03:00 happens twice on 26 October 2025: first CEST (00:00-01:00 UTC), then CET.
    const QuietHours hours = window("22:00-02:30");
    EXPECT_TRUE(held_until(check_quiet_hours(hours, kGermany, utc(2025, 10, 26, 0, 0)), utc(2025, 10, 26, 0, 30)));
    const Timestamp between = utc(2025, 10, 26, 0, 45);  // 02:45 CEST
    EXPECT_TRUE(allowed(check_quiet_hours(hours, kGermany, between), between));
    // 02:10 CET is inside the window again, until the second 02:30.
    EXPECT_TRUE(held_until(check_quiet_hours(hours, kGermany, utc(2025, 10, 26, 1, 10)), utc(2025, 10, 26, 1, 30)));
}

TEST(QuietHoursCheck, AustraliaWaitsForTheLastZone) {
    const std::vector<std::string> australia = recipient_time_zones("AU", "");
    ASSERT_GT(australia.size(), 5u);
    const std::vector<std::string> perth = recipient_time_zones("AU", "WA");
    const std::vector<std::string> sydney = recipient_time_zones("AU", "nsw");
    // 1 July, 00:30 UTC: 10:30 in Sydney but 08:30 in Perth, the last of the country to reach 09:00.
    const Timestamp morning = utc(2025, 7, 1, 0, 30);
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, sydney, morning), morning));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, australia, morning), utc(2025, 7, 1, 1, 0)));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, perth, morning), utc(2025, 7, 1, 1, 0)));
    // 15 January, 10:00 UTC: 21:00 in Sydney (summer time, +11), 18:00 in Perth.
    const Timestamp evening = utc(2025, 1, 15, 10, 0);
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, perth, evening), evening));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, sydney, evening), utc(2025, 1, 15, 22, 0)));
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, australia, evening), utc(2025, 1, 16, 1, 0)));
}

TEST(QuietHoursCheck, CanadaFromStJohnsToVancouver) {
    const std::vector<std::string> canada = recipient_time_zones("CA", "");
    // 1 July, 15:00 UTC: 12:30 in St. John's (-2:30), 08:00 in Vancouver (-7).
    const Timestamp morning = utc(2025, 7, 1, 15, 0);
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, canada, morning), utc(2025, 7, 1, 16, 0)));
    const std::vector<std::string> ontario = recipient_time_zones("CA", "ON");
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, ontario, morning), morning));
    // 23:30 UTC is 21:00 in St. John's: the country is closed until Vancouver's 09:00.
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, canada, utc(2025, 7, 1, 23, 30)), utc(2025, 7, 2, 16, 0)));
    const Timestamp st_johns_last = utc(2025, 7, 1, 23, 29);
    EXPECT_TRUE(allowed(check_quiet_hours(kDefault, canada, st_johns_last), st_johns_last));
}

// Russia spans Kaliningrad (+2) to Kamchatka (+12): 09:00-21:00 everywhere is 07:00-09:00 UTC.
TEST(QuietHoursCheck, RussiaHasTwoHoursEveryDay) {
    const std::vector<std::string> russia = recipient_time_zones("RU", "");
    ASSERT_GT(russia.size(), 20u);
    for (int day = 0; day < 365; ++day) {
        const Timestamp midnight = utc(2025, 1, 1, 0, 0) + hours(24 * day);
        EXPECT_TRUE(held_until(check_quiet_hours(kDefault, russia, midnight), midnight + hours(7))) << "day " << day;
        const Timestamp last = midnight + hours(9) - minutes(1);
        EXPECT_TRUE(allowed(check_quiet_hours(kDefault, russia, last), last)) << "day " << day;
        EXPECT_TRUE(held_until(check_quiet_hours(kDefault, russia, midnight + hours(9)), midnight + hours(31)))
            << "day " << day;
    }
}

// The US spans New York to Honolulu: open from 19:00 UTC (09:00 in Hawaii) until 21:00 in New
// York, 01:00 UTC in summer time and 02:00 UTC in winter.
TEST(QuietHoursCheck, UnitedStatesEveryDayOfTheYear) {
    const std::vector<std::string> states = recipient_time_zones("US", "");
    ASSERT_GT(states.size(), 20u);
    const Timestamp summer_from = utc(2025, 3, 9, 7, 0);  // 02:00 EST -> 03:00 EDT
    const Timestamp summer_until = utc(2025, 11, 2, 6, 0);  // 02:00 EDT -> 01:00 EST
    for (int day = 0; day < 365; ++day) {
        const Timestamp noon = utc(2025, 1, 1, 12, 0) + hours(24 * day);
        EXPECT_TRUE(held_until(check_quiet_hours(kDefault, states, noon), noon + hours(7))) << "day " << day;
        const Timestamp closes = noon + hours(noon > summer_from && noon < summer_until ? 13 : 14);
        const Timestamp last = closes - Microseconds(1);
        EXPECT_TRUE(allowed(check_quiet_hours(kDefault, states, last), last)) << "day " << day;
        EXPECT_TRUE(held_until(check_quiet_hours(kDefault, states, closes), noon + hours(31))) << "day " << day;
    }
}

TEST(QuietHoursCheck, NeverWhenNoHourIsCommonToAllZones) {
    // 10:00-20:00 in Kaliningrad is 08:00-18:00 UTC; in Kamchatka it is 22:00-08:00 UTC.
    const Timestamp now = utc(2025, 6, 1, 12, 0);
    const QuietCheck check = check_quiet_hours(window("20:00-10:00"), recipient_time_zones("RU", ""), now);
    EXPECT_FALSE(check.allowed);
    EXPECT_TRUE(check.never);
    EXPECT_EQ(check.opens_at, now + hours(48));
}

TEST(QuietHoursCheck, NeverWithoutAUsableZone) {
    const Timestamp now = utc(2025, 6, 1, 12, 0);
    for (const auto& zones : {std::vector<std::string>{}, std::vector<std::string>{"Mars/Olympus_Mons"},
                              std::vector<std::string>{"Asia/Calcutta", "Etc/Unknown"}}) {
        const QuietCheck check = check_quiet_hours(kDefault, zones, now);
        EXPECT_FALSE(check.allowed);
        EXPECT_TRUE(check.never);
        EXPECT_EQ(check.opens_at, now + hours(48));
    }
    EXPECT_TRUE(check_quiet_hours(QuietHours{600, 600, true}, kIndia, now).never);  // a whole-day window
    EXPECT_TRUE(check_quiet_hours(QuietHours{600, 1440, true}, kIndia, now).never);
}

TEST(QuietHoursCheck, DisabledIsAlwaysAllowed) {
    const Timestamp night = wall(2025, 6, 10, 2, 30, kIST);
    EXPECT_TRUE(allowed(check_quiet_hours(window(""), kIndia, night), night));
    EXPECT_TRUE(allowed(check_quiet_hours(QuietHours{}, {}, night), night));
}

TEST(QuietHoursCheck, IanaNamesWorkToo) {
    const Timestamp night = wall(2025, 6, 10, 2, 30, kIST);
    EXPECT_TRUE(held_until(check_quiet_hours(kDefault, {"Asia/Kolkata"}, night), wall(2025, 6, 10, 9, 0, kIST)));
}

namespace {

// A second, independent reading of local wall time: ICU's Gregorian calendar fields.
class WallClock {
public:
    explicit WallClock(const std::string& zone)
        : calendar_(std::make_unique<icu::GregorianCalendar>(
              icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)), status_)) {}

    int minute_of_day(Timestamp t) {
        calendar_->setTime(static_cast<UDate>(t.time_since_epoch().count() / 1000), status_);
        return calendar_->get(UCAL_HOUR_OF_DAY, status_) * 60 + calendar_->get(UCAL_MINUTE, status_);
    }
    bool ok() const { return U_SUCCESS(status_); }

private:
    UErrorCode status_ = U_ZERO_ERROR;
    std::unique_ptr<icu::GregorianCalendar> calendar_;
};

// The first whole minute from `now` (itself a whole minute) when every clock is outside the
// window, read minute by minute for up to 48 hours. Exact for zones whose offsets and offset
// changes fall on whole minutes, as all of today's do.
QuietCheck scan(const QuietHours& quiet_hours, std::vector<WallClock>& clocks, Timestamp now) {
    const auto quiet = [&](int m) {
        const int start = quiet_hours.start_minute;
        const int end = quiet_hours.end_minute;
        return start < end ? m >= start && m < end : m >= start || m < end;
    };
    for (Timestamp t = now; t < now + hours(48); t += minutes(1)) {
        if (std::none_of(clocks.begin(), clocks.end(), [&](WallClock& c) { return quiet(c.minute_of_day(t)); }))
            return QuietCheck{t == now, t, false};
    }
    return QuietCheck{false, now + hours(48), true};
}

}  // namespace

// opens_at agrees with a minute-by-minute scan of every zone's calendar, on the nights the clocks
// change in the US, Europe, Australia and New Zealand and on ordinary ones around them.
TEST(QuietHoursCheck, AgreesWithAMinuteByMinuteScan) {
    const char* countries[] = {"IN", "NP", "DE", "GB", "AU", "NZ", "CA", "US", "BR", "RU"};
    const char* windows[] = {"21:00-09:00", "22:30-07:15", "00:00-06:00", "22:00-02:30", "02:30-06:00", "18:00-10:00"};
    const Timestamp nights[] = {utc(2025, 3, 8, 12, 0),  utc(2025, 3, 29, 12, 0), utc(2025, 4, 5, 0, 0),
                                utc(2025, 9, 27, 0, 0),  utc(2025, 10, 4, 0, 0),  utc(2025, 10, 25, 12, 0),
                                utc(2025, 11, 1, 12, 0), utc(2025, 6, 21, 3, 0)};
    int compared = 0;
    for (const char* country : countries) {
        const std::vector<std::string> zones = recipient_time_zones(country, "");
        std::vector<WallClock> clocks(zones.begin(), zones.end());
        for (const char* text : windows) {
            const QuietHours quiet = window(text);
            for (const Timestamp start : nights) {
                for (int step = 0; step < 8; ++step) {
                    const Timestamp now = start + minutes(217 * step);  // every 3 h 37 min for a day
                    const QuietCheck expected = scan(quiet, clocks, now);
                    const QuietCheck got = check_quiet_hours(quiet, zones, now);
                    const auto at = now.time_since_epoch().count();
                    EXPECT_EQ(got.allowed, expected.allowed) << country << " " << text << " at " << at;
                    EXPECT_EQ(got.never, expected.never) << country << " " << text << " at " << at;
                    EXPECT_EQ(got.opens_at, expected.opens_at)
                        << country << " " << text << " at " << at << ": off by "
                        << std::chrono::duration_cast<minutes>(got.opens_at - expected.opens_at).count() << " min";
                    ++compared;
                }
            }
        }
        for (const WallClock& clock : clocks) ASSERT_TRUE(clock.ok()) << country;
    }
    EXPECT_EQ(compared, 10 * 6 * 8 * 8);
}
