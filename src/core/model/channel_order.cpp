#include "core/model/channel_order.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr const char* kWhitespace = " \t\r\n";

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(kWhitespace);
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

// `text` cut at each `separator`; "a;" gives "a" and "".
std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string::size_type begin = 0;
    for (;;) {
        const auto end = text.find(separator, begin);
        parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
        if (end == std::string::npos) return parts;
        begin = end + 1;
    }
}

[[noreturn]] void refuse(const std::string& reason) { throw Error(ErrorKind::InvalidArgument, reason); }

// `where`: "the list" when one list serves both stages, else "stage N".
std::vector<ChannelKind> parse_stage(const std::string& text, const std::string& where) {
    if (trim(text).empty()) refuse(where + " names no channel");  // "", or "whatsapp;"
    std::vector<ChannelKind> channels;
    for (const auto& part : split(text, ',')) {
        const std::string name = trim(part);
        if (name.empty()) refuse(where + " has an empty channel name (two commas, or one at an end)");
        const auto channel = parse_word<ChannelKind>(name);
        if (!channel)
            refuse("unknown channel \"" + name + "\" in " + where + "; the channels are whatsapp, email, sms");
        if (std::find(channels.begin(), channels.end(), *channel) != channels.end())
            refuse("channel \"" + name + "\" is named twice in " + where);
        channels.push_back(*channel);
    }
    return channels;
}

}  // namespace

ChannelOrder parse_channel_order(const std::string& text) {
    const auto lists = split(text, ';');
    if (lists.size() > 2)
        refuse("more than two stages (" + std::to_string(lists.size()) + "); a reminder has two, separated by ';'");
    ChannelOrder order;
    if (lists.size() == 1) {
        order.stages[0] = parse_stage(lists[0], "the list");
        order.stages[1] = order.stages[0];
    } else {
        order.stages[0] = parse_stage(lists[0], "stage 1");
        order.stages[1] = parse_stage(lists[1], "stage 2");
    }
    return order;
}

ChannelPasses channel_passes(const ChannelOrder& order, const bool (&enabled)[3]) {
    ChannelPasses result;
    for (std::size_t stage = 0; stage < 2; ++stage)
        for (const ChannelKind kind : order.stages[stage]) {
            if (!enabled[std::size_t(kind)]) continue;
            result.orders[stage].push_back(kind);
            if (std::find(result.passes.begin(), result.passes.end(), kind) == result.passes.end())
                result.passes.push_back(kind);
        }
    return result;
}

}  // namespace cart_abandon
