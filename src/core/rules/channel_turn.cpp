#include "core/rules/channel_turn.hpp"

#include <algorithm>

namespace cart_abandon {

namespace {

// Closed to this pass: nothing it may do (stage_open is false for an Unknown row).
StageTurn closed(StageRow own = {}) {
    StageTurn turn;
    turn.stage.status = Status::Unknown;
    turn.row = own;
    return turn;
}

bool hands_on_row(const LedgerStage& s) {
    return s.status == Status::Failed || (s.status == Status::Skipped && s.skip_reason && hands_on(*s.skip_reason));
}

}  // namespace

bool hands_on(SkipReason reason) {
    switch (reason) {
        case SkipReason::NoPhone:
        case SkipReason::InvalidPhone:
        case SkipReason::BlockedRegion:
        case SkipReason::NoConsent:
        case SkipReason::NoEmail:
        case SkipReason::OptedOut: return true;
        default: return false;
    }
}

StageTurn stage_turn(const std::vector<ChannelStageRow>& rows, const std::vector<ChannelKind>& order,
                     ChannelKind pass) {
    const ChannelStageRow* own = nullptr;
    const ChannelStageRow* sent = nullptr;
    bool held_elsewhere = false;
    int failed = 0;
    for (const auto& r : rows) {
        if (r.stage.status == Status::Failed) ++failed;
        if (r.channel == pass) {
            own = &r;
            continue;
        }
        if (!r.stage.status || hands_on_row(r.stage)) continue;
        held_elsewhere = true;
        if (r.stage.status == Status::Sent) sent = &r;
    }
    const StageRow own_row = own ? own->row : StageRow{};
    if (held_elsewhere) {
        StageTurn turn = closed(own_row);
        // The next stage's gap counts from a reminder sent on any channel.
        if (sent) turn.stage = sent->stage;
        return turn;
    }
    const auto at = std::find(order.begin(), order.end(), pass);
    if (at == order.end()) {
        StageTurn turn = closed(own_row);
        if (own && own->stage.status == Status::Sent) turn.stage = own->stage;  // its time still counts
        return turn;
    }
    if (own) {
        StageTurn turn;
        turn.stage = own->stage;
        turn.row = own->row;
        turn.mine = true;
        return turn;
    }
    // No row of its own yet: every channel before it must have handed the stage on, at most one
    // of them by failing.
    std::optional<int64_t> failed_row;
    for (auto before = order.begin(); before != at; ++before) {
        const auto r = std::find_if(rows.begin(), rows.end(), [&](const auto& x) { return x.channel == *before; });
        if (r == rows.end() || !r->stage.status) return closed();
        if (r->stage.status == Status::Failed) failed_row = r->id;
    }
    if (failed > 1) return closed();
    StageTurn turn;
    turn.mine = true;
    turn.fallback_of = failed_row;
    return turn;
}

}  // namespace cart_abandon
