// One voice across channels: whose turn a cart's stage is. A stage has at most one row per
// channel (the ledger's unique key); the shop orders the channels per stage
// (cart_abandon.channels). A run takes each channel in turn (a pass); this rule gives the pass on
// `pass` the view of the stage it may act on, so that:
//  - the first channel in the order that can reach the person takes the stage: a channel before it
//    that cannot (its row skipped for want of an address, consent, or an opted-out address: reach
//    reasons) hands it on;
//  - a channel whose reminder failed for good hands it on once: at most one failed row per stage,
//    and the next channel's row records which one it stands in for (fallback_of);
//  - never two channels for one stage: a row that holds the stage (claimed, sent, retry, held,
//    unknown, or skipped for a reason of the cart or the person, such as paid or erased) closes it
//    for every other channel; a channel before `pass` that has not yet spoken (no row) keeps it.
#pragma once

#include "core/no_postgres.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/cart.hpp"
#include "core/model/channel_order.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"

namespace cart_abandon {

// One channel's row of a cart's stage, as the selection read it.
struct ChannelStageRow {
    ChannelKind channel = ChannelKind::WhatsApp;
    int64_t id = 0;  // deliveries.id
    LedgerStage stage;
    StageRow row;
};

// What the pass on one channel sees of a stage.
struct StageTurn {
    // The stage as the rules read it (stage_open, due_stage): the pass's own row when the stage is
    // its own; when another channel holds it, that row's state (a sent one keeps its time, for the
    // next stage's gap); a closed row (Unknown) when the stage is not the pass's to take.
    LedgerStage stage;
    StageRow row;  // the pass's own row, which its claim must find unchanged (none: no row yet)
    bool mine = false;  // the pass may act on the stage (stage_open decides whether it is due)
    std::optional<int64_t> fallback_of;  // mine, no own row yet, and an earlier channel failed: its row
};

// A skip that hands the stage on to the next channel: the channel cannot reach the person
// (no address of its kind, none valid, a blocked region, no consent for it, an opted-out address).
bool hands_on(SkipReason reason);

// The view of a stage for the pass on `pass`, given every channel's row of it (any order) and the
// stage's channel order. A pass not in the order never takes the stage.
StageTurn stage_turn(const std::vector<ChannelStageRow>& rows, const std::vector<ChannelKind>& order, ChannelKind pass);

}  // namespace cart_abandon
