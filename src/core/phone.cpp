#include "phone.hpp"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>

namespace cart_abandon {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Longer input is not a phone number; libphonenumber would refuse it anyway.
constexpr std::size_t kMaxRawLength = 64;

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

bool can_receive_whatsapp(PhoneNumberUtil::PhoneNumberType type) {
    switch (type) {
        case PhoneNumberUtil::MOBILE:
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:  // e.g. the US, where the two cannot be told apart
        case PhoneNumberUtil::PERSONAL_NUMBER:
        case PhoneNumberUtil::VOIP:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string normalize_phone(const std::string& raw, const std::string& region, std::string& problem) {
    std::string number = trim(raw);
    if (number.empty()) {
        problem = "empty";
        return {};
    }
    if (number.size() > kMaxRawLength) {
        problem = "too long";
        return {};
    }
    std::string region_code = upper(trim(region));
    if (region_code.empty()) {
        region_code = "ZZ";  // unknown: only numbers with a country code can be read
        // Without a region, libphonenumber does not know "00" as the international prefix.
        if (number.rfind("00", 0) == 0) number = "+" + number.substr(2);
    }

    const auto& util = phone_util();
    PhoneNumber parsed;
    if (util.Parse(number, region_code, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) {
        problem = region_code == "ZZ" ? "no country code and no country to assume" : "not a phone number";
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
    return e164;
}

PhoneChoice choose_phone(const std::vector<PhoneCandidate>& candidates, const std::string& default_region) {
    PhoneChoice choice;
    bool any_typed = false;
    for (const auto& candidate : candidates) {
        if (trim(candidate.raw).empty()) continue;
        any_typed = true;
        const std::string& region = trim(candidate.region).empty() ? default_region : candidate.region;
        std::string problem;
        std::string e164 = normalize_phone(candidate.raw, region, problem);
        if (!e164.empty()) {
            choice.e164 = std::move(e164);
            choice.detail.clear();
            return choice;
        }
        if (!choice.detail.empty()) choice.detail += "; ";
        choice.detail += candidate.source + " phone: " + problem;
    }
    choice.skip_reason = any_typed ? "invalid_phone" : "no_phone";
    if (!any_typed) choice.detail = "no phone number on the addresses or the customer";
    return choice;
}

}  // namespace cart_abandon
