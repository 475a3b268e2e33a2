// Regions: the codes a setting may name, the region a number belongs to, and numbers in
// regions where WhatsApp delivers no marketing templates.
#include <gtest/gtest.h>

#include "core/contact/phone.hpp"

using namespace cart_abandon;

namespace {

using Regions = std::vector<std::string>;

std::string region_list(const std::string& text) {
    Regions regions{"untouched"};
    std::string error;
    if (!parse_region_list(text, regions, error)) return "error: " + error;
    std::string joined;
    for (const auto& code : regions) joined += (joined.empty() ? "" : "|") + code;
    return joined;
}

const char* const kUsRefused = "a US number: WhatsApp delivers no marketing templates there";

}  // namespace

TEST(PhoneRegion, KnowsIsoCodesLibphonenumberSupports) {
    for (const char* code : {"US", "us", "Ca", "GB", "DE", "IN", "BR", "AU", "JP", "GG"})
        EXPECT_TRUE(is_known_region(code)) << code;
    for (const char* code : {"XX", "ZZ", "Germany", "U1", "001", "USA", "U", "", " US", "UK"})
        EXPECT_FALSE(is_known_region(code)) << code;
}

TEST(PhoneRegion, ReadsRegionLists) {
    EXPECT_EQ(region_list("US"), "US");
    EXPECT_EQ(region_list("us, br"), "US|BR");
    EXPECT_EQ(region_list("ca,us br\tDE"), "CA|US|BR|DE");
    EXPECT_EQ(region_list("us US, uS"), "US");  // duplicates once, first place kept
    EXPECT_EQ(region_list(""), "");  // nothing blocked
    EXPECT_EQ(region_list(" , ,, "), "");
}

TEST(PhoneRegion, NamesTheUnknownCodeInARegionList) {
    EXPECT_EQ(region_list("US, XX"), "error: unknown region \"XX\"");
    EXPECT_EQ(region_list("Germany"), "error: unknown region \"Germany\"");
    EXPECT_EQ(region_list("us;br"), "error: unknown region \"us;br\"");
    EXPECT_EQ(region_list("ZZ"), "error: unknown region \"ZZ\"");
    Regions regions{"US"};
    std::string error;
    EXPECT_FALSE(parse_region_list("DE, U1", regions, error));
    EXPECT_EQ(regions, Regions{"US"});  // left as it was
}

TEST(PhoneRegion, TellsTheRegionOfANumber) {
    EXPECT_EQ(phone_region("+12015550123"), "US");
    EXPECT_EQ(phone_region("+14165550123"), "CA");  // Toronto
    EXPECT_EQ(phone_region("+16045550123"), "CA");  // Vancouver
    EXPECT_EQ(phone_region("+4915123456789"), "DE");
    EXPECT_EQ(phone_region("+447400123456"), "GB");
    EXPECT_EQ(phone_region("+447781123456"), "GG");  // Guernsey shares +44 with the UK
    EXPECT_EQ(phone_region("+919876543210"), "IN");
    EXPECT_EQ(phone_region("+80012345678"), "");  // international freephone: no country
    EXPECT_EQ(phone_region("+9991234567"), "");
    EXPECT_EQ(phone_region(""), "");
    EXPECT_EQ(phone_region("call me"), "");
}

TEST(PhoneRegion, SkipsANumberInABlockedRegionForTheNextCandidate) {
    const auto choice =
        choose_phone({{"shipping", "(201) 555-0123", "us"}, {"billing", "0151 23456789", "de"}}, "", {"US"});
    EXPECT_EQ(choice.e164, "+4915123456789");
    EXPECT_EQ(choice.source, "billing");
    EXPECT_EQ(choice.region, "DE");
}

TEST(PhoneRegion, SaysWhenOnlyBlockedRegionsWereLeft) {
    const auto blocked = choose_phone({{"shipping", "+1 201 555 0123", ""}}, "", {"US"});
    EXPECT_TRUE(blocked.e164.empty());
    EXPECT_EQ(blocked.skip_reason, SkipReason::BlockedRegion);
    EXPECT_EQ(blocked.detail, std::string("shipping phone: ") + kUsRefused);

    const auto mixed = choose_phone(
        {{"shipping", "12", "de"}, {"billing", "(201) 555-0123", "us"}, {"customer", "030 1234567", "de"}}, "", {"US"});
    EXPECT_EQ(mixed.skip_reason, SkipReason::BlockedRegion);
    EXPECT_EQ(mixed.detail, std::string("shipping phone: not a valid number; billing phone: ") + kUsRefused +
                                "; customer phone: not a mobile number");

    const auto brazil = choose_phone({{"customer", "(11) 98765-4321", "br"}}, "", {"US", "BR"});
    EXPECT_EQ(brazil.skip_reason, SkipReason::BlockedRegion);
    EXPECT_EQ(brazil.detail, "customer phone: a BR number: WhatsApp delivers no marketing templates there");
}

TEST(PhoneRegion, BlockingTheUsLeavesCanadaAlone) {
    for (const char* typed : {"(416) 555-0123", "604 555 0123", "+1 416 555 0123"}) {
        for (const char* address : {"ca", "us"}) {  // the number's region counts, not the address's
            SCOPED_TRACE(std::string(typed) + " on an address in " + address);
            const auto choice = choose_phone({{"shipping", typed, address}}, "", {"US"});
            EXPECT_FALSE(choice.e164.empty());
            EXPECT_EQ(choice.region, "CA");
            EXPECT_FALSE(choice.skip_reason);
        }
    }
}

TEST(PhoneRegion, BlocksByTheNumbersRegionNotTheAddresses) {
    // A US number typed on a Canadian address is still a US number.
    EXPECT_EQ(choose_phone({{"shipping", "+1 201 555 0123", "ca"}}, "", {"US"}).skip_reason, SkipReason::BlockedRegion);
    // A German number typed by a shopper with a US address is a German number.
    const auto german = choose_phone({{"shipping", "0049 151 23456789", "us"}}, "", {"US"});
    EXPECT_EQ(german.e164, "+4915123456789");
    EXPECT_EQ(german.region, "DE");
}

TEST(PhoneRegion, AnEmptyBlockListBlocksNothing) {
    const auto choice = choose_phone({{"shipping", "(201) 555-0123", "us"}}, "", {});
    EXPECT_EQ(choice.e164, "+12015550123");
    EXPECT_EQ(choice.region, "US");
    EXPECT_EQ(choice.source, "shipping");
}

TEST(PhoneRegion, ABlockedRegionDoesNotHideWhyOthersWereRefused) {
    // Invalid everywhere and nothing blocked: still invalid_phone with a blocked list set.
    EXPECT_EQ(choose_phone({{"shipping", "12", "us"}}, "", {"US"}).skip_reason, SkipReason::InvalidPhone);
    EXPECT_EQ(choose_phone({{"shipping", "", "us"}}, "", {"US"}).skip_reason, SkipReason::NoPhone);
}
