// Phone numbers as shoppers type them, turned into E.164 with Google's libphonenumber.
#pragma once

#include <string>
#include <vector>

namespace cart_abandon {

struct PhoneCandidate {
    std::string source;  // where it came from, for the skip detail: "shipping", "billing", "customer"
    std::string raw;     // as typed
    std::string region;  // ISO 3166 alpha-2 in any case, or empty when unknown
};

struct PhoneChoice {
    std::string e164;         // "+4915123456789" when usable, else empty
    std::string skip_reason;  // "no_phone" or "invalid_phone" when e164 is empty
    std::string detail;       // why each typed number was refused
};

// Normalizes one number. Returns the E.164 form, or an empty string and a reason in `problem`.
std::string normalize_phone(const std::string& raw, const std::string& region, std::string& problem);

// The first candidate, in the given order, that is a usable mobile number.
PhoneChoice choose_phone(const std::vector<PhoneCandidate>& candidates, const std::string& default_region);

}  // namespace cart_abandon
