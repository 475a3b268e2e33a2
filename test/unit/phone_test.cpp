#include <gtest/gtest.h>

#include "core/phone.hpp"

using namespace cart_abandon;

namespace {

std::string e164(const std::string& raw, const std::string& region) {
    std::string problem;
    const std::string result = normalize_phone(raw, region, problem);
    return result.empty() ? "refused: " + problem : result;
}

}  // namespace

TEST(Phone, NormalizesTheFormsShoppersType) {
    EXPECT_EQ(e164("+49 151 23456789", ""), "+4915123456789");
    EXPECT_EQ(e164("0151-234 567 89", "de"), "+4915123456789");      // national leading 0
    EXPECT_EQ(e164("0049 151 23456789", "de"), "+4915123456789");    // 00 international prefix
    EXPECT_EQ(e164("0049 151 23456789", ""), "+4915123456789");      // 00 with no region known
    EXPECT_EQ(e164("(98765) 43210", "IN"), "+919876543210");          // brackets, no country code
    EXPECT_EQ(e164("  +91-98765-43210 ", "us"), "+919876543210");     // the + wins over the region
    EXPECT_EQ(e164("(201) 555-0123", "us"), "+12015550123");          // US: fixed line or mobile
    EXPECT_EQ(e164("07400 123456", "gb"), "+447400123456");
}

TEST(Phone, RefusesWhatCannotBeAWhatsAppRecipient) {
    EXPECT_EQ(e164("", "de"), "refused: empty");
    EXPECT_EQ(e164("call me", "de"), "refused: not a phone number");
    EXPECT_EQ(e164("12345", "de"), "refused: not a valid number");
    EXPECT_EQ(e164("9876543210", ""), "refused: no country code and no country to assume");
    EXPECT_EQ(e164("030 1234567", "de"), "refused: not a mobile number");  // Berlin landline
    EXPECT_EQ(e164("0800 1234567", "de"), "refused: not a mobile number");  // toll free
    EXPECT_EQ(e164(std::string(65, '1'), "de"), "refused: too long");
}

TEST(Phone, ChoosesTheFirstUsableInOrder) {
    const auto choice = choose_phone({{"shipping", "", "de"},
                                      {"billing", "12", "de"},
                                      {"customer", "0151 23456789", "de"}},
                                     "");
    EXPECT_EQ(choice.e164, "+4915123456789");
    EXPECT_TRUE(choice.skip_reason.empty());
}

TEST(Phone, ShippingWinsOverBilling) {
    const auto choice = choose_phone({{"shipping", "07400 123456", "gb"}, {"billing", "0151 23456789", "de"}}, "");
    EXPECT_EQ(choice.e164, "+447400123456");
}

TEST(Phone, UsesTheDefaultRegionWhenTheAddressHasNoCountry) {
    EXPECT_EQ(choose_phone({{"customer", "98765 43210", ""}}, "IN").e164, "+919876543210");
}

TEST(Phone, SaysWhyNothingWasUsable) {
    const auto none = choose_phone({{"shipping", " ", "de"}, {"customer", "", ""}}, "");
    EXPECT_EQ(none.skip_reason, "no_phone");
    const auto invalid = choose_phone({{"shipping", "12", "de"}, {"billing", "030 1234567", "de"}}, "");
    EXPECT_EQ(invalid.skip_reason, "invalid_phone");
    EXPECT_EQ(invalid.detail, "shipping phone: not a valid number; billing phone: not a mobile number");
}
