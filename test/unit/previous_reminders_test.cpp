#include <gtest/gtest.h>

#include "core/rules/previous_reminders.hpp"

using namespace cart_abandon;

namespace {

int64_t unix_seconds(const std::optional<Timestamp>& at) {
    return at ? std::chrono::duration_cast<std::chrono::seconds>(at->time_since_epoch()).count() : -1;
}

}  // namespace

TEST(PreviousReminders, ReadsTheSeedsLayout) {
    const auto p = parse_previous_reminders(
        R"({"firstSent": true, "firstSentAt": "2026-11-24T10:00:00.000Z", "secondSent": false})");
    EXPECT_TRUE(p.first_sent);
    EXPECT_FALSE(p.second_sent);
    EXPECT_EQ(unix_seconds(p.first_at), 1795514400);  // date -d 2026-11-24T10:00:00Z +%s
    EXPECT_FALSE(p.second_at);
}

TEST(PreviousReminders, ASecondReminderImpliesTheFirst) {
    const auto p = parse_previous_reminders(R"({"secondSent": "true", "secondSentAt": "2026-11-25T10:00:00+02:00"})");
    EXPECT_TRUE(p.first_sent);
    EXPECT_TRUE(p.second_sent);
    EXPECT_FALSE(p.first_at) << "no time recorded: long ago";
    EXPECT_EQ(unix_seconds(p.second_at), 1795593600);
}

TEST(PreviousReminders, AnythingElseMeansNothingWasSent) {
    for (const char* text : {"", "null", "[]", "\"x\"", "{", R"({"firstSent": false})", R"({"firstSent": 1})",
                             R"({"firstSent": "yes"})", R"({"firstsent": true})"}) {
        const auto p = parse_previous_reminders(text);
        EXPECT_FALSE(p.first_sent) << text;
        EXPECT_FALSE(p.second_sent) << text;
    }
}

TEST(PreviousReminders, TimesThatDoNotParseAreNoTime) {
    EXPECT_EQ(unix_seconds(parse_iso8601("1970-01-01T00:00:00Z")), 0);
    EXPECT_EQ(unix_seconds(parse_iso8601("2026-11-24 10:00:00.5Z")), 1795514400);
    EXPECT_EQ(parse_iso8601("2026-11-24T10:00:00.250Z")->time_since_epoch().count() % 1000000, 250000);
    EXPECT_EQ(unix_seconds(parse_iso8601("2026-11-24T10:00:00-05:30")), 1795514400 + 5 * 3600 + 1800);
    for (const char* text : {"", "yesterday", "2026-11-24", "2026-11-24T10:00:00", "2026-13-24T10:00:00Z",
                             "2026-11-24T25:00:00Z", "2026-11-24T10:00:00Zjunk", "2026-11-24T10:00:00+2"})
        EXPECT_FALSE(parse_iso8601(text)) << text;
    const auto p = parse_previous_reminders(R"({"firstSent": true, "firstSentAt": "last week"})");
    EXPECT_TRUE(p.first_sent);
    EXPECT_FALSE(p.first_at);
}
