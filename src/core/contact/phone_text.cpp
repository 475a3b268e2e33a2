#include "core/contact/phone_text.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <limits>

namespace cart_abandon {

namespace {

bool is_invisible(UChar32 c) {
    // Cf covers visible prepended marks (U+0600) that are not default-ignorable; variation
    // selectors are Mn (and default-ignorable today), Hangul fillers Lo: each property is asked.
    return u_charType(c) == U_FORMAT_CHAR || u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR) ||
           u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Spaces of any kind and control characters (tab, newline, NUL) separate digit groups.
bool is_separator(UChar32 c) { return (U_GET_GC_MASK(c) & (U_GC_Z_MASK | U_GC_CC_MASK)) != 0; }

bool is_digit(UChar32 c) { return c >= 0 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER; }

}  // namespace

bool clean_phone_text(const std::string& typed, std::string& cleaned) {
    cleaned.clear();
    if (typed.size() > std::size_t(std::numeric_limits<int32_t>::max())) return false;  // ICU indexes with int32_t
    const auto* bytes = reinterpret_cast<const uint8_t*>(typed.data());
    const auto length = int32_t(typed.size());
    bool space_pending = false;
    for (int32_t i = 0; i < length;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) return false;  // ill-formed UTF-8, surrogates included
        if (is_invisible(c)) continue;
        if (is_separator(c)) {
            space_pending = !cleaned.empty();  // leading separators are trimmed
            continue;
        }
        if (space_pending) cleaned += ' ';
        space_pending = false;
        uint8_t encoded[U8_MAX_LENGTH];
        int32_t n = 0;
        U8_APPEND_UNSAFE(encoded, n, c);
        cleaned.append(reinterpret_cast<const char*>(encoded), std::size_t(n));
    }
    return true;
}

NumberStart number_start(const std::string& cleaned) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(cleaned.data());
    const auto length = int32_t(cleaned.size());
    int32_t i = 0;
    const auto next = [&] {
        UChar32 c = U_SENTINEL;
        if (i < length) U8_NEXT(bytes, i, length, c);
        return c;
    };
    const auto is_plus = [](UChar32 c) { return c == '+' || c == 0xFF0B; };  // and FULLWIDTH PLUS SIGN
    const auto is_zero = [](UChar32 c) { return is_digit(c) && u_charDigitValue(c) == 0; };

    NumberStart start;
    UChar32 c = next();
    while (c >= 0 && !is_plus(c) && !is_digit(c)) c = next();
    if (is_plus(c)) {
        start.plus = true;
        return start;
    }
    if (!is_zero(c) || !is_zero(next())) return start;
    // "00 49", "00-49", "00(49)": spaces and punctuation may stand between 00 and the country code.
    for (int32_t at = i; (c = next()) >= 0; at = i) {
        if (is_digit(c)) {
            start.country_code_at = std::size_t(at);
            break;
        }
        if ((U_GET_GC_MASK(c) & (U_GC_Z_MASK | U_GC_P_MASK)) == 0) break;
    }
    return start;
}

}  // namespace cart_abandon
