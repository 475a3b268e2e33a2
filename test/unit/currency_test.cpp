#include <gtest/gtest.h>

#include "core/codec/currency.hpp"

using cart_abandon::currency_minor_units;

TEST(Currency, MinorUnitsFromIcuInAnyCase) {
    EXPECT_EQ(currency_minor_units("eur"), 2);
    EXPECT_EQ(currency_minor_units("INR"), 2);
    EXPECT_EQ(currency_minor_units("jpy"), 0);
    EXPECT_EQ(currency_minor_units("Krw"), 0);
    EXPECT_EQ(currency_minor_units("kwd"), 3);
    EXPECT_EQ(currency_minor_units("bhd"), 3);
}

TEST(Currency, UnknownCodesGetTwo) {
    EXPECT_EQ(currency_minor_units(""), 2);
    EXPECT_EQ(currency_minor_units("xx"), 2);
    EXPECT_EQ(currency_minor_units("zzz"), 2);
    EXPECT_EQ(currency_minor_units("euro"), 2);
}
