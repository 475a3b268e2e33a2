// cart_abandon.channels: which channels each reminder stage tries, in order ("whatsapp,email", or
// per stage "whatsapp,sms,email;email").
#pragma once

#include "core/no_postgres.hpp"

#include <array>
#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"

namespace cart_abandon {

// Each stage's channel order (stage 1, stage 2), enabled channels only: the first channel that can
// reach the person takes the stage (core/rules/channel_turn.hpp).
using StageOrders = std::array<std::vector<ChannelKind>, 2>;

// The channels a call takes in turn (each its own pass), and each stage's order among them.
struct ChannelPasses {
    std::vector<ChannelKind> passes;  // every channel some stage orders, in order of first appearance
    StageOrders orders;
};

struct ChannelOrder;

// `order` without the channels not `enabled` (indexed by ChannelKind).
ChannelPasses channel_passes(const ChannelOrder& order, const bool (&enabled)[3]);

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
