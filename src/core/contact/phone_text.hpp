// The text of a phone number as typed, before libphonenumber reads it: invisible input
// removed (ICU's Unicode properties decide what is invisible) and a "00" prefix located.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>

namespace cart_abandon {

// Removes format characters (general category Cf: bidi marks, zero-width characters, a BOM, a
// soft hyphen), variation selectors and other default-ignorable code points; turns Unicode
// spaces, line separators and control characters into one ASCII space; trims. False when
// `typed` is not valid UTF-8 (then `cleaned` is unspecified).
bool clean_phone_text(const std::string& typed, std::string& cleaned);

// How a cleaned number begins, seen from its first '+' or decimal digit: what comes before is
// ignored, as libphonenumber does.
struct NumberStart {
    bool plus = false;  // '+' or '＋': a country code follows
    std::size_t country_code_at = std::string::npos;  // after "00": where the digits go on
};
NumberStart number_start(const std::string& cleaned);

}  // namespace cart_abandon
