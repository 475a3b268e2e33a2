// cart_abandon.channels: which channels each reminder stage tries, in order ("whatsapp,email", or
// per stage "whatsapp,sms,email;email").
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"

namespace cart_abandon {

struct ChannelOrder {
    // stages[0]: the first reminder's channels, best first; stages[1]: the second's. Never empty.
    std::vector<ChannelKind> stages[2];
};

// Reads a comma-separated list of channel names (whatsapp, email, sms; spaces around names
// ignored), or two such lists separated by ';', one per stage: a single list applies to both
// stages. Throws Error(InvalidArgument) with the reason for an unknown channel, a channel twice in
// one stage, an empty stage or name, or more than two stages.
ChannelOrder parse_channel_order(const std::string& text);

}  // namespace cart_abandon
