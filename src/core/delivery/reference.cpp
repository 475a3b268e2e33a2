#include "core/delivery/reference.hpp"

#include <cstddef>

namespace cart_abandon {

namespace {

constexpr char kPrefix[] = "cart_abandon:";
constexpr std::size_t kPrefixLength = sizeof kPrefix - 1;

}  // namespace

std::string message_reference(long long delivery_id, long long claimed_at_us) {
    return kPrefix + std::to_string(delivery_id) + ":" + std::to_string(claimed_at_us);
}

std::optional<MessageReference> parse_message_reference(const std::string& text) {
    if (text.size() > 64 || text.compare(0, kPrefixLength, kPrefix) != 0) return std::nullopt;
    const std::string rest = text.substr(kPrefixLength);
    const auto colon = rest.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string id = rest.substr(0, colon), claimed_at = rest.substr(colon + 1);
    auto digits = [](const std::string& s) {
        return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digits(id) || !digits(claimed_at)) return std::nullopt;
    return MessageReference{std::stoll(id), std::stoll(claimed_at)};
}

}  // namespace cart_abandon
