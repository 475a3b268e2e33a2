#include "core/codec/decimal_amount.hpp"

#include <limits>

namespace cart_abandon {

std::optional<long long> decimal_to_minor_units(std::string_view decimal, int digits) {
    if (digits < 0 || digits > 18) return std::nullopt;
    std::size_t at = 0;
    const bool negative = !decimal.empty() && decimal[0] == '-';
    if (!decimal.empty() && (decimal[0] == '-' || decimal[0] == '+')) at = 1;
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    // Read as an unsigned magnitude: every step checked, so no amount wraps around.
    unsigned long long magnitude = 0;
    const auto append = [&](char c) {
        return !__builtin_mul_overflow(magnitude, 10ULL, &magnitude) &&
               !__builtin_add_overflow(magnitude, static_cast<unsigned long long>(c - '0'), &magnitude);
    };
    std::size_t whole_digits = 0;
    for (; at < decimal.size() && is_digit(decimal[at]); ++at, ++whole_digits)
        if (!append(decimal[at])) return std::nullopt;
    std::size_t fraction_digits = 0;
    bool round_up = false;
    if (at < decimal.size() && decimal[at] == '.') {
        for (++at; at < decimal.size() && is_digit(decimal[at]); ++at, ++fraction_digits) {
            if (fraction_digits < std::size_t(digits)) {
                if (!append(decimal[at])) return std::nullopt;
            } else if (fraction_digits == std::size_t(digits)) {
                round_up = decimal[at] >= '5';
            }
        }
    }
    if (at != decimal.size() || whole_digits + fraction_digits == 0) return std::nullopt;
    for (std::size_t i = fraction_digits; i < std::size_t(digits); ++i)
        if (!append('0')) return std::nullopt;
    if (round_up && __builtin_add_overflow(magnitude, 1ULL, &magnitude)) return std::nullopt;
    if (magnitude > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) return std::nullopt;
    const long long value = static_cast<long long>(magnitude);
    return negative ? -value : value;
}

}  // namespace cart_abandon
