#include <gtest/gtest.h>

#include <ctime>

#include "core/channels/whatsapp/graph_versions.hpp"

using cart_abandon::graph_version_life;
using cart_abandon::graph_version_of;

namespace {

std::chrono::system_clock::time_point utc(int year, int month, int day, int hour = 12) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    return std::chrono::system_clock::from_time_t(timegm(&t));
}

}  // namespace

TEST(GraphVersions, TheVersionIsTheUrlsLastSegment) {
    EXPECT_EQ(graph_version_of("https://graph.facebook.com/v25.0"), "v25.0");
    EXPECT_EQ(graph_version_of("https://graph.facebook.com/v21.0/"), "v21.0");
    EXPECT_EQ(graph_version_of("http://127.0.0.1:8080/v26.0"), "v26.0");
    EXPECT_EQ(graph_version_of("https://graph.facebook.com"), std::nullopt);
    EXPECT_EQ(graph_version_of("https://graph.facebook.com/v25.0/extra"), std::nullopt);
    EXPECT_EQ(graph_version_of("https://graph.facebook.com/v25"), std::nullopt);
}

TEST(GraphVersions, ANamedVersionHasItsDate) {
    const auto life = graph_version_life("v25.0", utc(2026, 12, 7));
    EXPECT_EQ(life.served_until, "2028-07-29");
    EXPECT_EQ(life.served_at_least_until, "2028-07-29");
    EXPECT_EQ(life.served_at_most_until, "2028-07-29");
    EXPECT_FALSE(life.expiring);
    ASSERT_TRUE(life.days_left);
    EXPECT_EQ(*life.days_left, 600);
}

TEST(GraphVersions, WarnsNinetyDaysAhead) {
    // v21.0 ends 2027-01-21: 45 days after 2026-12-07, 91 after 2026-10-22.
    auto life = graph_version_life("v21.0", utc(2026, 12, 7, 23));
    EXPECT_EQ(*life.days_left, 45);
    EXPECT_TRUE(life.expiring);
    life = graph_version_life("v21.0", utc(2026, 10, 22, 0));
    EXPECT_EQ(*life.days_left, 91);
    EXPECT_FALSE(life.expiring);
    life = graph_version_life("v21.0", utc(2026, 10, 23));
    EXPECT_EQ(*life.days_left, 90);
    EXPECT_TRUE(life.expiring);
    life = graph_version_life("v21.0", utc(2027, 2, 1));
    EXPECT_EQ(*life.days_left, -11);
    EXPECT_TRUE(life.expiring);
}

TEST(GraphVersions, AnUnnamedVersionIsBoundedByItsNamedNeighbours) {
    const auto life = graph_version_life("v23.0", utc(2026, 12, 7));
    EXPECT_EQ(life.served_until, std::nullopt);
    EXPECT_EQ(life.served_at_least_until, "2027-05-20");  // v22.0 ends first
    EXPECT_EQ(life.served_at_most_until, "2028-07-29");  // v25.0 ends later
    EXPECT_EQ(*life.days_left, 164);
    EXPECT_FALSE(life.expiring);
}

TEST(GraphVersions, OlderThanEveryNamedVersionMayBeGone) {
    const auto life = graph_version_life("v20.0", utc(2026, 12, 7));
    EXPECT_EQ(life.served_at_least_until, std::nullopt);
    EXPECT_EQ(life.served_at_most_until, "2027-01-21");
    EXPECT_EQ(life.days_left, std::nullopt);
    EXPECT_TRUE(life.expiring);
}

TEST(GraphVersions, NewerThanEveryNamedVersionIsNotExpiring) {
    const auto life = graph_version_life("v26.0", utc(2026, 12, 7));
    EXPECT_EQ(life.served_at_least_until, "2028-07-29");
    EXPECT_EQ(life.served_at_most_until, std::nullopt);
    EXPECT_FALSE(life.expiring);
    EXPECT_FALSE(graph_version_life("nonsense", utc(2026, 12, 7)).expiring);
}
