#include "core/channels/sms/sid.hpp"

#include <algorithm>
#include <cctype>

namespace cart_abandon::twilio {

bool is_sid(const std::string& value, const std::string& prefix) {
    constexpr std::size_t kHexDigits = 32;
    return value.size() == prefix.size() + kHexDigits && value.compare(0, prefix.size(), prefix) == 0 &&
           std::all_of(value.begin() + long(prefix.size()), value.end(),
                       [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace cart_abandon::twilio
