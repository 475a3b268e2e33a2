#include <gtest/gtest.h>

#include "core/codec/currency.hpp"
#include "core/codec/decimal_amount.hpp"

using cart_abandon::decimal_to_minor_units;

TEST(DecimalAmount, ExactFromTheDigits) {
    EXPECT_EQ(decimal_to_minor_units("19.99", 2), 1999);  // 19.99 * 100 in binary floating point is 1998.99...
    EXPECT_EQ(decimal_to_minor_units("0.29", 2), 29);
    EXPECT_EQ(decimal_to_minor_units("1200", 2), 120000);
    EXPECT_EQ(decimal_to_minor_units("7.000", 2), 700);
    EXPECT_EQ(decimal_to_minor_units("1.5", 2), 150);
    EXPECT_EQ(decimal_to_minor_units(".5", 2), 50);
    EXPECT_EQ(decimal_to_minor_units("5.", 2), 500);
    EXPECT_EQ(decimal_to_minor_units("0", 2), 0);
    EXPECT_EQ(decimal_to_minor_units("-0.5", 2), -50);
    EXPECT_EQ(decimal_to_minor_units("+3", 0), 3);
}

// As load_cart_contents converts Medusa's amounts: by the digits ICU gives the cart's currency.
TEST(DecimalAmount, ByTheCurrencysDigits) {
    using cart_abandon::currency_minor_units;
    EXPECT_EQ(decimal_to_minor_units("19.99", currency_minor_units("eur")), 1999);
    EXPECT_EQ(decimal_to_minor_units("1500", currency_minor_units("jpy")), 1500);
    EXPECT_EQ(decimal_to_minor_units("12.345", currency_minor_units("kwd")), 12345);
    EXPECT_EQ(decimal_to_minor_units("0.001", currency_minor_units("KWD")), 1);
}

TEST(DecimalAmount, DigitsPastTheMinorUnitRoundHalfAwayFromZero) {
    EXPECT_EQ(decimal_to_minor_units("19.994", 2), 1999);
    EXPECT_EQ(decimal_to_minor_units("19.995", 2), 2000);
    EXPECT_EQ(decimal_to_minor_units("19.9949999", 2), 1999);
    EXPECT_EQ(decimal_to_minor_units("-0.125", 2), -13);
    EXPECT_EQ(decimal_to_minor_units("1499.5", 0), 1500);
}

TEST(DecimalAmount, TheLimitsOfLongLong) {
    EXPECT_EQ(decimal_to_minor_units("92233720368547758.07", 2), 9223372036854775807LL);
    EXPECT_EQ(decimal_to_minor_units("92233720368547758.08", 2), std::nullopt);
    EXPECT_EQ(decimal_to_minor_units("92233720368547758.075", 2), std::nullopt);  // rounds past the limit
    EXPECT_EQ(decimal_to_minor_units("100000000000000000000", 0), std::nullopt);
    EXPECT_EQ(decimal_to_minor_units("99999999999999999999999999.99", 2), std::nullopt);
}

TEST(DecimalAmount, NotADecimal) {
    for (const char* text : {"", "-", ".", "NaN", "Infinity", "-Infinity", "1e5", "1,5", " 1", "1 ", "1.2.3", "--1"})
        EXPECT_EQ(decimal_to_minor_units(text, 2), std::nullopt) << text;
    EXPECT_EQ(decimal_to_minor_units("1", -1), std::nullopt);
    EXPECT_EQ(decimal_to_minor_units("1", 19), std::nullopt);
}
