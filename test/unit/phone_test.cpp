#include <gtest/gtest.h>

#include "core/contact/phone.hpp"

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
    EXPECT_EQ(e164("0151-234 567 89", "de"), "+4915123456789");  // national leading 0
    EXPECT_EQ(e164("0049 151 23456789", "de"), "+4915123456789");  // 00 international prefix
    EXPECT_EQ(e164("0049 151 23456789", ""), "+4915123456789");  // 00 with no region known
    EXPECT_EQ(e164("(98765) 43210", "IN"), "+919876543210");  // brackets, no country code
    EXPECT_EQ(e164("  +91-98765-43210 ", "us"), "+919876543210");  // the + wins over the region
    EXPECT_EQ(e164("(201) 555-0123", "us"), "+12015550123");  // US: fixed line or mobile
    EXPECT_EQ(e164("07400 123456", "gb"), "+447400123456");
}

// Found by the phone fuzzer: Mexico's old mobile "1" after +52 survived one parse, not a second,
// so the same number had two E.164 forms.
TEST(Phone, TheE164FormIsAFixedPoint) {
    const std::string first = e164("00 52112323456789", "US");
    EXPECT_EQ(first, e164(first, ""));
    EXPECT_EQ(first, "+522323456789");
    EXPECT_EQ(e164("+52 1 55 1234 5678", ""), e164("+52 55 1234 5678", ""));
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
    const auto choice =
        choose_phone({{"shipping", "", "de"}, {"billing", "12", "de"}, {"customer", "0151 23456789", "de"}}, "", {});
    EXPECT_EQ(choice.e164, "+4915123456789");
    EXPECT_EQ(choice.source, "customer");
    EXPECT_EQ(choice.region, "DE");
    EXPECT_FALSE(choice.skip_reason);
}

TEST(Phone, ShippingWinsOverBilling) {
    const auto choice = choose_phone({{"shipping", "07400 123456", "gb"}, {"billing", "0151 23456789", "de"}}, "", {});
    EXPECT_EQ(choice.e164, "+447400123456");
}

TEST(Phone, UsesTheDefaultRegionWhenTheAddressHasNoCountry) {
    EXPECT_EQ(choose_phone({{"customer", "98765 43210", ""}}, "IN", {}).e164, "+919876543210");
}

TEST(Phone, SaysWhyNothingWasUsable) {
    const auto none = choose_phone({{"shipping", " ", "de"}, {"customer", "", ""}}, "", {});
    EXPECT_EQ(none.skip_reason, SkipReason::NoPhone);
    const auto invalid = choose_phone({{"shipping", "12", "de"}, {"billing", "030 1234567", "de"}}, "", {});
    EXPECT_EQ(invalid.skip_reason, SkipReason::InvalidPhone);
    EXPECT_EQ(invalid.detail, "shipping phone: not a valid number; billing phone: not a mobile number");
}

TEST(Phone, ReadsFullwidthDigitsAndPlus) {
    EXPECT_EQ(e164("＋４９ １５１ ２３４５６７８９", ""), "+4915123456789");
    EXPECT_EQ(e164("０１５１ ２３４５６７８９", "de"), "+4915123456789");
    EXPECT_EQ(e164("００４９ １５１ ２３４５６７８９", "us"), "+4915123456789");  // fullwidth 00
}

// "00" is the international prefix in most of the world; a shopper whose address is in a
// country with another one (US and Canada 011, Australia 0011, Japan 010) may still type it.
TEST(Phone, Reads00AsTheInternationalPrefixInEveryRegion) {
    const struct {
        const char* typed;
        const char* expected;
    } numbers[] = {
        {"0049 151 23456789", "+4915123456789"},  {"0044 7400 123456", "+447400123456"},
        {"0091 98765 43210", "+919876543210"},    {"001 201 555 0123", "+12015550123"},
        {"0055 11 98765 4321", "+5511987654321"}, {"0061 412 345 678", "+61412345678"},
        {"0081 90 1234 5678", "+819012345678"},   {"0041 79 123 45 67", "+41791234567"},
    };
    for (const char* region : {"US", "CA", "IN", "GB", "DE", "BR", "AU", "JP", "us", ""}) {
        for (const auto& number : numbers) {
            SCOPED_TRACE(std::string(number.typed) + " typed in region \"" + region + "\"");
            EXPECT_EQ(e164(number.typed, region), number.expected);
        }
    }
}

TEST(Phone, Reads00AfterBracketsAndWithSeparators) {
    EXPECT_EQ(e164("(0049) 151 23456789", "us"), "+4915123456789");
    EXPECT_EQ(e164("00-49-151-23456789", "us"), "+4915123456789");
    EXPECT_EQ(e164("00 (49) 151 23456789", "us"), "+4915123456789");
    EXPECT_EQ(e164("tel. 0049 151 23456789", "us"), "+4915123456789");
}

TEST(Phone, KeepsTheRegionsOwnInternationalPrefix) {
    EXPECT_EQ(e164("011 49 151 23456789", "us"), "+4915123456789");
    EXPECT_EQ(e164("011 44 7400 123456", "ca"), "+447400123456");
    // Read as "00" followed by 11..., this would be a +1 number; Australia's own 0011 wins.
    EXPECT_EQ(e164("0011 49 151 23456789", "au"), "+4915123456789");
    // Brazil's prefix is 00 and a carrier code: "0041" would leave "79..." as an invalid +7 number.
    EXPECT_EQ(e164("0041 79 123 45 67", "br"), "+41791234567");
}

TEST(Phone, SaysWhenTheCountryCodeIsUnknown) {
    EXPECT_EQ(e164("+999 1234567", ""), "refused: unknown country code");
    EXPECT_EQ(e164("00 999 1234567", "us"), "refused: unknown country code");
}

// The region comes from where each number was typed: a UK number on a UK address stays British
// whatever the other addresses say.
TEST(Phone, ReadsEachNumberWithItsOwnAddressCountry) {
    const auto choice =
        choose_phone({{"shipping", "12", "in"}, {"billing", "", "in"}, {"customer", "07400 123456", "gb"}}, "in", {});
    EXPECT_EQ(choice.e164, "+447400123456");
    EXPECT_EQ(choice.region, "GB");
    EXPECT_EQ(choice.source, "customer");
    EXPECT_EQ(choose_phone({{"shipping", "07400 123456", "GB"}, {"billing", "98765 43210", "in"}}, "in", {}).e164,
              "+447400123456");
}

TEST(Phone, RefusesANationalNumberWithNoCountryAnywhere) {
    const auto choice = choose_phone({{"shipping", "98765 43210", ""}, {"customer", " 07400 123456", " "}}, "", {});
    EXPECT_TRUE(choice.e164.empty());
    EXPECT_EQ(choice.skip_reason, SkipReason::InvalidPhone);
    EXPECT_EQ(choice.detail,
              "shipping phone: no country code and no country to assume; "
              "customer phone: no country code and no country to assume");
}
