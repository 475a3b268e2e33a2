#include <gtest/gtest.h>

#include "core/rules/purchases.hpp"

using namespace cart_abandon;

namespace {
Timestamp at(int64_t seconds) { return Timestamp(Microseconds(seconds * 1000000)); }
}  // namespace

TEST(Purchases, TheSamePersonByCustomerEmailOrPhone) {
    Purchases p;
    p.add(at(100), "cus_1", "", "");
    p.add(at(100), "", "anna@example.com", "");
    p.add(at(100), "", "", "+4915123456789");
    EXPECT_TRUE(p.bought_after(at(50), "cus_1", "", ""));
    EXPECT_TRUE(p.bought_after(at(50), "cus_2", "anna@example.com", ""));
    EXPECT_TRUE(p.bought_after(at(50), "cus_2", "work@example.com", "+4915123456789"));
    EXPECT_FALSE(p.bought_after(at(50), "cus_2", "work@example.com", "+4915123456780"));
}

TEST(Purchases, OnlyAfterTheCartsLastActivity) {
    Purchases p;
    p.add(at(100), "cus_1", "", "");
    p.add(at(300), "cus_1", "", "");
    p.add(at(200), "", "", "+4915123456789");
    EXPECT_TRUE(p.bought_after(at(250), "cus_1", "", "")) << "the latest purchase counts";
    EXPECT_FALSE(p.bought_after(at(300), "cus_1", "", "")) << "at the same instant is not after";
    EXPECT_FALSE(p.bought_after(at(250), "", "", "+4915123456789"));
}

TEST(Purchases, EmptyKeysMatchNobody) {
    Purchases p;
    p.add(at(100), "", "", "");
    EXPECT_EQ(p.size(), 0u);
    EXPECT_FALSE(p.bought_after(at(0), "", "", ""));
}
