#include "core/transport/retry_after.hpp"

#include <curl/curl.h>

#include <charconv>
#include <cmath>
#include <system_error>

namespace cart_abandon {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Seconds as a wait: at least 0, at most the longest, whole seconds rounded up (waiting less
// than asked would meet the same answer).
long bounded_seconds(double seconds) {
    if (!(seconds > 0)) return 0;
    if (seconds >= double(kMaxRetryAfterSeconds)) return kMaxRetryAfterSeconds;
    return long(std::ceil(seconds));
}

}  // namespace

long parse_retry_after(const std::string& value, std::time_t now) {
    std::size_t begin = 0, end = value.size();
    while (begin < end && is_space(value[begin])) ++begin;
    while (end > begin && is_space(value[end - 1])) --end;
    if (begin == end) return -1;
    const std::string text = value.substr(begin, end - begin);

    const char first = text[0];
    if ((first >= '0' && first <= '9') || first == '-' || first == '.') {
        double seconds = 0;
        const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (stop == text.data() + text.size() && error != std::errc::invalid_argument) {
            // Beyond a double's range (from_chars then leaves `seconds` alone): a huge wait,
            // unless it is negative or a tiny fraction.
            if (error == std::errc::result_out_of_range)
                return first == '-' || text.find("e-") != std::string::npos || text.find("E-") != std::string::npos
                           ? 0
                           : kMaxRetryAfterSeconds;
            return std::isnan(seconds) ? -1 : bounded_seconds(seconds);
        }
    }
    const std::time_t date = curl_getdate(text.c_str(), nullptr);
    if (date == -1) return -1;
    return date <= now ? 0 : bounded_seconds(std::difftime(date, now));
}

}  // namespace cart_abandon
