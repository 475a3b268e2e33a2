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

TEST(Purchases, ATypedPhoneMatchesHoweverItWasTyped) {
    Purchases p;
    p.add_typed_phone(at(200), "0151 234 56789", "de");  // national, read in its address's country
    p.add_typed_phone(at(200), "0041 79 123 45 67", "US");  // "00" + country code anywhere
    EXPECT_TRUE(p.bought_after(at(100), "", "", "+4915123456789"));
    EXPECT_TRUE(p.bought_after(at(100), "", "", "+41791234567"));
    EXPECT_FALSE(p.bought_after(at(100), "", "", "+4915123456780"));
    EXPECT_FALSE(p.bought_after(at(200), "", "", "+4915123456789")) << "at the same instant is not after";
}

TEST(Purchases, TheSameNumberTypedTwoWaysIsOnePerson) {
    Purchases p;
    p.add_typed_phone(at(300), "+49 (151) 2345-6789", "FR");
    p.add_typed_phone(at(100), "015123456789", "DE");
    EXPECT_TRUE(p.bought_after(at(250), "", "", "+4915123456789")) << "the later purchase, typed with +49";
    EXPECT_FALSE(p.bought_after(at(300), "", "", "+4915123456789"));
    Purchases q;
    q.add_typed_phone(at(100), "+49 (151) 2345-6789", "FR");
    q.add_typed_phone(at(300), "015123456789", "DE");
    EXPECT_TRUE(q.bought_after(at(250), "", "", "+4915123456789")) << "the later purchase, typed nationally";
}

TEST(Purchases, ATypedPhoneIsNormalizedOnlyWhenACheckCanNeedIt) {
    Purchases p;
    p.add_typed_phone(at(100), "0151 23456781", "DE");
    p.add_typed_phone(at(300), "0151 23456783", "DE");
    p.add_typed_phone(at(200), "0151 23456782", "DE");
    p.add_typed_phone(at(300), "0151 23456783", "DE");  // the same (raw, region): normalized once
    p.add_typed_phone(at(300), "not a number", "DE");
    EXPECT_FALSE(p.bought_after(at(50), "cus_1", "", "+4915123456780"));
    EXPECT_EQ(p.typed_phones_normalized(), 4u) << "a check before every purchase reads them all";

    Purchases q;
    q.add(at(400), "cus_1", "", "");
    q.add_typed_phone(at(100), "0151 23456781", "DE");
    q.add_typed_phone(at(300), "0151 23456783", "DE");
    q.add_typed_phone(at(200), "0151 23456782", "DE");
    q.add_typed_phone(at(300), "0151 23456783", "DE");
    EXPECT_TRUE(q.bought_after(at(50), "cus_1", "", "+4915123456781"));
    EXPECT_FALSE(q.bought_after(at(50), "cus_2", "", ""));
    EXPECT_EQ(q.typed_phones_normalized(), 0u) << "the customer answered, or no phone was asked about";
    EXPECT_FALSE(q.bought_after(at(250), "", "", "+4915123456782")) << "bought at 200, not after 250";
    EXPECT_EQ(q.typed_phones_normalized(), 1u) << "only the purchases after 250";
    EXPECT_TRUE(q.bought_after(at(250), "", "", "+4915123456783"));
    EXPECT_TRUE(q.bought_after(at(150), "", "", "+4915123456782")) << "an earlier time reads further back";
    EXPECT_FALSE(q.bought_after(at(150), "", "", "+4915123456781"));
    EXPECT_EQ(q.typed_phones_normalized(), 2u);
    EXPECT_TRUE(q.bought_after(at(0), "", "", "+4915123456781"));
    EXPECT_EQ(q.typed_phones_normalized(), 3u);
    q.add_typed_phone(at(500), "0151 23456784", "DE");  // added after checks: still found
    EXPECT_TRUE(q.bought_after(at(450), "", "", "+4915123456784"));
    EXPECT_TRUE(q.bought_after(at(250), "", "", "+4915123456783"));
}
