#include "core/channels/email/money.hpp"

#include <unicode/numberformatter.h>

#include <cctype>
#include <cstdlib>

#include "core/channels/email/locale.hpp"
#include "core/codec/currency.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

// "1250" with 2 digits is "12.50"; "-5" with 2 is "-0.05".
std::string decimal_text(long long minor_units, int digits) {
    const bool negative = minor_units < 0;
    // The magnitude as unsigned: LLONG_MIN has no positive long long.
    unsigned long long magnitude =
        negative ? 0ULL - static_cast<unsigned long long>(minor_units) : static_cast<unsigned long long>(minor_units);
    std::string digits_text = std::to_string(magnitude);
    if (digits > 0) {
        if (digits_text.size() <= std::size_t(digits)) digits_text.insert(0, digits - digits_text.size() + 1, '0');
        digits_text.insert(digits_text.size() - digits, ".");
    }
    return (negative ? "-" : "") + digits_text;
}

}  // namespace

std::string format_money(long long minor_units, const std::string& currency_code, const std::string& locale) {
    bool letters = currency_code.size() == 3;
    for (char c : currency_code) letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (!letters) throw Error(ErrorKind::InvalidArgument, "a currency code must be three letters: " + currency_code);
    std::string upper = currency_code;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));

    UErrorCode status = U_ZERO_ERROR;
    const UChar iso[4] = {UChar(upper[0]), UChar(upper[1]), UChar(upper[2]), 0};
    const icu::CurrencyUnit unit(iso, status);
    const std::string amount = decimal_text(minor_units, currency_minor_units(upper));
    const icu::UnicodeString text = icu::number::NumberFormatter::withLocale(icu_locale(locale))
                                        .unit(unit)
                                        .formatDecimal(icu::StringPiece(amount), status)
                                        .toString(status);
    if (U_FAILURE(status))
        throw Error(ErrorKind::Internal, std::string("ICU could not format an amount: ") + u_errorName(status));
    std::string out;
    return text.toUTF8String(out);
}

}  // namespace cart_abandon
