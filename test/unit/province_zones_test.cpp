#include <gtest/gtest.h>

#include <unicode/timezone.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/rules/province_zones.hpp"
#include "core/rules/quiet_hours.hpp"

using namespace cart_abandon;

namespace {

using Zones = std::vector<std::string>;

std::string canonical(const std::string& id) {
    icu::UnicodeString out;
    UErrorCode status = U_ZERO_ERROR;
    icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(id), out, status);
    std::string text;
    out.toUTF8String(text);
    return U_SUCCESS(status) ? text : "not a zone: " + id;
}

}  // namespace

TEST(RecipientZones, OneZoneCountries) {
    EXPECT_EQ(recipient_time_zones("IN", ""), Zones{"Asia/Calcutta"});  // ICU's (CLDR's) name for Asia/Kolkata
    EXPECT_EQ(recipient_time_zones("in", "Maharashtra"), Zones{"Asia/Calcutta"});
    EXPECT_EQ(recipient_time_zones(" gb ", ""), Zones{"Europe/London"});
}

TEST(RecipientZones, RegionsWithoutAZoneOfTheirOwn) {
    EXPECT_EQ(recipient_time_zones("AC", ""), Zones{"Atlantic/St_Helena"});
    EXPECT_EQ(recipient_time_zones("ta", ""), Zones{"Atlantic/St_Helena"});
    EXPECT_EQ(recipient_time_zones("XK", ""), Zones{"Europe/Belgrade"});
}

TEST(RecipientZones, UnknownRegionsHaveNone) {
    EXPECT_TRUE(recipient_time_zones("", "").empty());
    EXPECT_TRUE(recipient_time_zones("XX", "").empty());
    EXPECT_TRUE(recipient_time_zones("001", "").empty());
    EXPECT_TRUE(recipient_time_zones("DEU", "").empty());
    EXPECT_TRUE(recipient_time_zones("1a", "").empty());
}

TEST(RecipientZones, TheProvinceNarrowsTheCountry) {
    EXPECT_EQ(recipient_time_zones("CA", "ON"), Zones{"America/Toronto"});
    EXPECT_EQ(recipient_time_zones("ca", "CA-ON"), Zones{"America/Toronto"});
    EXPECT_EQ(recipient_time_zones("CA", "Québec"), Zones{"America/Toronto"});
    EXPECT_EQ(recipient_time_zones("CA", "QUEBEC"), Zones{"America/Toronto"});
    EXPECT_EQ(recipient_time_zones("CA", "British Columbia"), Zones{"America/Vancouver"});
    EXPECT_EQ(recipient_time_zones("CA", " british   columbia "), Zones{"America/Vancouver"});
    EXPECT_EQ(recipient_time_zones("CA", "ca-bc"), Zones{"America/Vancouver"});
    EXPECT_EQ(recipient_time_zones("CA", "Île-du-Prince-Édouard"), Zones{"America/Halifax"});
    EXPECT_EQ(recipient_time_zones("AU", "WA"), Zones{"Australia/Perth"});
    EXPECT_EQ(recipient_time_zones("AU", "nsw"), Zones{"Australia/Sydney"});
    EXPECT_EQ(recipient_time_zones("AU", "AU-NSW"), Zones{"Australia/Sydney"});
    EXPECT_EQ(recipient_time_zones("BR", "sao paulo"), Zones{"America/Sao_Paulo"});
    EXPECT_EQ(recipient_time_zones("BR", "br-am"), Zones{"America/Manaus"});
    EXPECT_EQ(recipient_time_zones("MX", "Ciudad de México"), Zones{"America/Mexico_City"});
    EXPECT_EQ(recipient_time_zones("ID", "Bali"), Zones{"Asia/Makassar"});
    EXPECT_EQ(recipient_time_zones("ES", "Las Palmas"), Zones{"Atlantic/Canary"});
    EXPECT_EQ(recipient_time_zones("ES", "Barcelona"), Zones{"Europe/Madrid"});
    EXPECT_EQ(recipient_time_zones("PT", "Açores"), Zones{"Atlantic/Azores"});
    EXPECT_EQ(recipient_time_zones("PT", "pt-30"), Zones{"Atlantic/Madeira"});
    EXPECT_EQ(recipient_time_zones("US", "us-ca"), Zones{"America/Los_Angeles"});
    EXPECT_EQ(recipient_time_zones("US", "Indiana"), Zones{"America/Indianapolis"});  // ICU's name
}

TEST(RecipientZones, AnUnknownProvinceKeepsEveryZone) {
    const Zones canada = recipient_time_zones("CA", "");
    EXPECT_GT(canada.size(), 10u);
    EXPECT_NE(std::find(canada.begin(), canada.end(), "America/St_Johns"), canada.end());
    EXPECT_EQ(recipient_time_zones("CA", "Atlantis"), canada);
    EXPECT_EQ(recipient_time_zones("CA", "ON, Canada"), canada);
    EXPECT_EQ(recipient_time_zones("CA", "WA"), canada);  // Western Australia, not a Canadian province
    EXPECT_EQ(recipient_time_zones("ES", "Tenerife").size(), 3u);  // an island, not a province
}

TEST(ProvinceTable, EveryZoneIsOneOfItsCountrysZones) {
    for (const ProvinceZone& row : province_zone_table()) {
        const Zones zones = recipient_time_zones(row.region, "");
        EXPECT_GT(zones.size(), 1u) << row.region << ": one zone, nothing to narrow";
        EXPECT_NE(std::find(zones.begin(), zones.end(), canonical(row.zone)), zones.end())
            << row.zone << " is not among ICU's zones of " << row.region;
    }
}

TEST(ProvinceTable, NoNameIsListedTwiceInACountry) {
    std::map<std::string, std::set<std::string>> seen;  // region -> folded names
    for (const ProvinceZone& row : province_zone_table()) {
        const std::string names = row.names;
        std::size_t begin = 0;
        while (begin <= names.size()) {
            const std::size_t end = std::min(names.find('|', begin), names.size());
            const std::string folded = fold_place_name(names.substr(begin, end - begin));
            EXPECT_FALSE(folded.empty()) << row.zone << ": an empty name";
            EXPECT_TRUE(seen[row.region].insert(folded).second) << row.region << ": \"" << folded << "\" twice";
            // Each name narrows to its own row's zone.
            EXPECT_EQ(province_zone(row.region, names.substr(begin, end - begin)), row.zone) << folded;
            begin = end + 1;
        }
    }
}

TEST(ProvinceTable, FoldsNamesForComparison) {
    EXPECT_EQ(fold_place_name("Île-du-Prince-Édouard"), "ile du prince edouard");
    EXPECT_EQ(fold_place_name("  SÃO   PAULO "), "sao paulo");
    EXPECT_EQ(fold_place_name("CA_ON"), "ca on");
    EXPECT_EQ(fold_place_name("Straße"), "strasse");
    EXPECT_EQ(fold_place_name("--"), "");
    EXPECT_EQ(fold_place_name("\xff\xfe"), "");  // not UTF-8: no letters
}
