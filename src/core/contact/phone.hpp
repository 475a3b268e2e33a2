// Phone numbers as shoppers type them, turned into E.164 with Google's libphonenumber.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"

namespace cart_abandon {

struct PhoneCandidate {
    std::string source;  // where it came from, for the skip detail: "shipping", "billing", "customer"
    std::string raw;  // as typed
    std::string region;  // ISO 3166 alpha-2 in any case, or empty when unknown
};

struct PhoneChoice {
    std::string e164;  // "+4915123456789" when usable, else empty
    std::string region;  // the chosen number's own region ("DE"), empty when none is
    std::string source;  // the chosen candidate's source
    // When e164 is empty: NoPhone, InvalidPhone or BlockedRegion.
    std::optional<SkipReason> skip_reason;
    std::string detail;  // why each typed number was refused
};

// Normalizes one number, read with `region` (the country where it was typed) unless it carries
// its own country code ("+49", or "00 49" whatever the region's dialling prefix). Invisible
// characters are ignored. Returns the E.164 form, or an empty string and a reason in `problem`.
std::string normalize_phone(const std::string& raw, const std::string& region, std::string& problem);

// "" when `text` is already a valid number in E.164 form ("+14155550123": '+', the country code
// and the number, digits only), of any type (a sender may be a landline or toll-free number);
// else why not.
std::string e164_problem(const std::string& text);

// Whether `code` (any case) is an ISO 3166 alpha-2 region libphonenumber knows.
bool is_known_region(const std::string& code);

// Reads a list of region codes separated by commas and/or spaces, in any case, into upper-case
// codes without duplicates; "" is the empty list. False and `error` on an unknown code.
bool parse_region_list(const std::string& text, std::vector<std::string>& regions, std::string& error);

// The region an E.164 number belongs to ("+14165550123" -> "CA"), or "" when it belongs to
// none (unknown, or an international network such as +800).
std::string phone_region(const std::string& e164);

// The first candidate, in the given order, that is a usable mobile number outside
// `blocked_regions` (upper-case codes). A candidate's empty region means `default_region`.
PhoneChoice choose_phone(const std::vector<PhoneCandidate>& candidates, const std::string& default_region,
                         const std::vector<std::string>& blocked_regions);

}  // namespace cart_abandon
