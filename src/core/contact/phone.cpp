#include "core/contact/phone.hpp"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/contact/phone_text.hpp"

namespace cart_abandon {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Longer input (in characters, invisible ones not counted) is not a phone number;
// libphonenumber would refuse it anyway.
constexpr std::size_t kMaxNumberLength = 64;

const PhoneNumberUtil& phone_util() {
    static PhoneNumberUtil* util = [] {
        auto* instance = PhoneNumberUtil::GetInstance();
        // The default logger writes parse failures to stderr, which is the server log here.
        instance->SetLogger(new i18n::phonenumbers::NullLogger());
        return instance;
    }();
    return *util;
}

std::string trim(const std::string& s) {
    const auto begin = std::find_if_not(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
    const auto end = std::find_if_not(s.rbegin(), s.rend(), [](unsigned char c) { return std::isspace(c); }).base();
    return begin < end ? std::string(begin, end) : std::string();
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return s;
}

std::size_t code_points(const std::string& utf8) {
    return std::size_t(std::count_if(utf8.begin(), utf8.end(), [](unsigned char b) { return (b & 0xC0) != 0x80; }));
}

bool can_receive_whatsapp(PhoneNumberUtil::PhoneNumberType type) {
    switch (type) {
        case PhoneNumberUtil::MOBILE:
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:  // e.g. the US, where the two cannot be told apart
        case PhoneNumberUtil::PERSONAL_NUMBER:
        case PhoneNumberUtil::VOIP: return true;
        default: return false;
    }
}

// Reads a cleaned number. "00" counts as the international prefix in every region, although
// libphonenumber knows it only where it is the region's own (not in the US, whose is 011) and,
// without a region, not at all. The region's own reading is kept when it took off the region's
// own international prefix and gave a valid number ("0011 49 ..." in Australia); otherwise "00"
// is "+" (Brazil's "00" + carrier reads "0041 79 ..." as +7 9..., invalid; it is Swiss).
PhoneNumberUtil::ErrorType parse(const std::string& number, const std::string& region_code, PhoneNumber& parsed,
                                 bool& with_country_code) {
    const auto& util = phone_util();
    const NumberStart start = number_start(number);
    with_country_code = start.plus;
    auto error = util.ParseAndKeepRawInput(number, region_code, &parsed);
    if (start.country_code_at == std::string::npos) return error;
    if (error == PhoneNumberUtil::NO_PARSING_ERROR &&
        parsed.country_code_source() == PhoneNumber::FROM_NUMBER_WITH_IDD && util.IsValidNumber(parsed))
        return error;
    with_country_code = true;
    parsed.Clear();
    return util.ParseAndKeepRawInput("+" + number.substr(start.country_code_at), region_code, &parsed);
}

const std::set<std::string>& known_regions() {
    static const std::set<std::string> regions = [] {
        std::set<std::string> codes;
        phone_util().GetSupportedRegions(&codes);
        return codes;
    }();
    return regions;
}

}  // namespace

namespace {

// normalize_phone, also giving the number's own region (when `number_region` is set) from the
// parse already made: parsing again costs libphonenumber's regular expressions a second time.
std::string normalize(const std::string& raw, const std::string& region, std::string& problem,
                      std::string* number_region) {
    std::string number;
    if (!clean_phone_text(raw, number)) {
        problem = "not a phone number";  // not UTF-8 text
        return {};
    }
    if (number.empty()) {
        problem = "empty";
        return {};
    }
    if (code_points(number) > kMaxNumberLength) {
        problem = "too long";
        return {};
    }
    std::string region_code = upper(trim(region));
    if (region_code.empty()) region_code = "ZZ";  // unknown: only numbers with a country code can be read

    const auto& util = phone_util();
    PhoneNumber parsed;
    bool with_country_code = false;
    const auto error = parse(number, region_code, parsed, with_country_code);
    if (error == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR) {
        problem = with_country_code ? "unknown country code" : "no country code and no country to assume";
        return {};
    }
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
        problem = "not a phone number";
        return {};
    }
    if (!util.IsValidNumber(parsed)) {
        problem = "not a valid number";
        return {};
    }
    if (!can_receive_whatsapp(util.GetNumberType(parsed))) {
        problem = "not a mobile number";
        return {};
    }
    std::string e164;
    util.Format(parsed, PhoneNumberUtil::E164, &e164);
    // libphonenumber's E.164 of a number is not always a fixed point (Mexico's old mobile "1"
    // after +52 survives one parse, not a second): keep the form that parses to itself, so that
    // a number normalizes alike however it was typed.
    PhoneNumber again;
    if (util.Parse(e164, "ZZ", &again) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(again) &&
        can_receive_whatsapp(util.GetNumberType(again))) {
        std::string again_e164;
        util.Format(again, PhoneNumberUtil::E164, &again_e164);
        if (again_e164 != e164) {
            e164 = again_e164;
            parsed = again;
        }
    }
    if (number_region) {
        util.GetRegionCodeForNumber(parsed, number_region);
        // "ZZ": no region's numbering plan fits; "001": an international network, in no country.
        if (!is_known_region(*number_region)) number_region->clear();
    }
    return e164;
}

}  // namespace

std::string normalize_phone(const std::string& raw, const std::string& region, std::string& problem) {
    return normalize(raw, region, problem, nullptr);
}

std::string e164_problem(const std::string& text) {
    const bool digits = text.size() > 1 && text[0] == '+' &&
                        std::all_of(text.begin() + 1, text.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits) return "\"" + text + "\" is not in E.164 form: '+', the country code and the number, digits only";
    const auto& util = phone_util();
    PhoneNumber parsed;
    std::string e164;
    if (util.Parse(text, "ZZ", &parsed) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(parsed))
        util.Format(parsed, PhoneNumberUtil::E164, &e164);
    if (e164.empty()) return "\"" + text + "\" is not a valid phone number";
    if (e164 != text) return "\"" + text + "\" is not in E.164 form (" + e164 + ")";
    return {};
}

bool is_known_region(const std::string& code) { return known_regions().count(upper(code)) > 0; }

bool parse_region_list(const std::string& text, std::vector<std::string>& regions, std::string& error) {
    static const char* const kSeparators = ", \t\r\n\f\v";
    std::vector<std::string> codes;
    for (auto begin = text.find_first_not_of(kSeparators); begin != std::string::npos;
         begin = text.find_first_not_of(kSeparators, begin)) {
        const auto end = std::min(text.find_first_of(kSeparators, begin), text.size());
        const std::string code = text.substr(begin, end - begin);
        if (!is_known_region(code)) {
            error = "unknown region \"" + code + "\"";
            return false;
        }
        if (std::find(codes.begin(), codes.end(), upper(code)) == codes.end()) codes.push_back(upper(code));
        begin = end;
    }
    regions = std::move(codes);
    return true;
}

std::string phone_region(const std::string& e164) {
    const auto& util = phone_util();
    PhoneNumber parsed;
    if (util.Parse(e164, "ZZ", &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
    std::string region;
    util.GetRegionCodeForNumber(parsed, &region);
    // "ZZ": no region's numbering plan fits; "001": an international network, in no country.
    return is_known_region(region) ? region : std::string();
}

PhoneChoice choose_phone(const std::vector<PhoneCandidate>& candidates, const std::string& default_region,
                         const std::vector<std::string>& blocked_regions) {
    PhoneChoice choice;
    bool any_typed = false;
    bool any_blocked = false;
    for (const auto& candidate : candidates) {
        std::string cleaned;
        if (clean_phone_text(candidate.raw, cleaned) && cleaned.empty()) continue;  // nothing visible typed
        any_typed = true;
        const std::string& region = trim(candidate.region).empty() ? default_region : candidate.region;
        std::string problem;
        std::string number_region;
        std::string e164 = normalize(candidate.raw, region, problem, &number_region);
        if (!e164.empty()) {
            const bool blocked = !number_region.empty() &&
                                 std::any_of(blocked_regions.begin(), blocked_regions.end(),
                                             [&](const std::string& code) { return upper(code) == number_region; });
            if (!blocked) {
                choice.e164 = std::move(e164);
                choice.region = std::move(number_region);
                choice.source = candidate.source;
                choice.detail.clear();
                return choice;
            }
            any_blocked = true;
            problem = "a " + number_region + " number: WhatsApp delivers no marketing templates there";
        }
        if (!choice.detail.empty()) choice.detail += "; ";
        choice.detail += candidate.source + " phone: " + problem;
    }
    choice.skip_reason = !any_typed    ? SkipReason::NoPhone
                         : any_blocked ? SkipReason::BlockedRegion
                                       : SkipReason::InvalidPhone;
    if (!any_typed) choice.detail = "no phone number on the addresses or the customer";
    return choice;
}

}  // namespace cart_abandon
