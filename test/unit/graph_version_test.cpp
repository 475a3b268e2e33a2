#include <gtest/gtest.h>

#include "core/graph_version.hpp"

using namespace cart_abandon;

namespace {

// Midday UTC of a date, as a time point.
std::chrono::system_clock::time_point day(int y, int m, int d) {
    // Days from civil for the test's dates (2026-2029), by counting from a known day.
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

TEST(GraphVersion, ReadsTheVersionAndItsLastDay) {
    const auto s = graph_version_status("https://graph.facebook.com/v25.0", day(2026, 12, 7));
    EXPECT_EQ(s.version, "v25.0");
    ASSERT_TRUE(s.served_until);
    EXPECT_EQ(*s.served_until, "2028-07-29");
    EXPECT_EQ(s.warning, "") << "more than 90 days ahead";
    EXPECT_EQ(graph_version_status("http://127.0.0.1:4000/v21.0/", day(2026, 12, 7)).version, "v21.0");
    EXPECT_EQ(graph_version_status("https://graph.facebook.com", day(2026, 12, 7)).version, "");
    EXPECT_EQ(graph_version_status("https://graph.facebook.com/video/v1x.0", day(2026, 12, 7)).version, "");
}

TEST(GraphVersion, WarnsNinetyDaysAheadAndAfter) {
    // v21.0 is served until 2027-01-21.
    EXPECT_EQ(graph_version_status("https://graph.facebook.com/v21.0", day(2026, 10, 22)).warning, "") << "91 days";
    const auto s = graph_version_status("https://graph.facebook.com/v21.0", day(2026, 10, 23));
    ASSERT_TRUE(s.days_left);
    EXPECT_EQ(*s.days_left, 90);
    EXPECT_NE(s.warning.find("2027-01-21"), std::string::npos) << s.warning;
    EXPECT_NE(s.warning.find("90 days"), std::string::npos) << s.warning;
    const auto past = graph_version_status("https://graph.facebook.com/v21.0", day(2027, 2, 1));
    EXPECT_EQ(*past.days_left, -11);
    EXPECT_NE(past.warning.find("routes its calls to the next usable version"), std::string::npos);
}

TEST(GraphVersion, AVersionWithoutAKnownDateIsNotWarnedOf) {
    const auto s = graph_version_status("https://graph.facebook.com/v26.0", day(2030, 1, 1));
    EXPECT_EQ(s.version, "v26.0");
    EXPECT_FALSE(s.served_until);
    EXPECT_EQ(s.warning, "");
}
