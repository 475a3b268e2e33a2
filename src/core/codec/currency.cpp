#include "core/codec/currency.hpp"

#include <unicode/ucurr.h>
#include <unicode/unistr.h>

namespace cart_abandon {

int currency_minor_units(const std::string& code) {
    constexpr int kUnknown = 2;
    if (code.size() != 3) return kUnknown;
    icu::UnicodeString upper = icu::UnicodeString::fromUTF8(code);
    upper.toUpper();
    UChar iso[4] = {upper[0], upper[1], upper[2], 0};
    UErrorCode status = U_ZERO_ERROR;
    // ICU answers 2 for a code it does not know: check that it knows it first.
    UEnumeration* all = ucurr_openISOCurrencies(UCURR_ALL, &status);
    bool known = false;
    const std::string wanted = [&] {
        std::string s;
        upper.toUTF8String(s);
        return s;
    }();
    for (const char* c; U_SUCCESS(status) && (c = uenum_next(all, nullptr, &status)) != nullptr;)
        if (wanted == c) known = true;
    uenum_close(all);
    if (!known) return kUnknown;
    status = U_ZERO_ERROR;
    const int32_t digits = ucurr_getDefaultFractionDigits(iso, &status);
    return U_SUCCESS(status) ? int(digits) : kUnknown;
}

}  // namespace cart_abandon
