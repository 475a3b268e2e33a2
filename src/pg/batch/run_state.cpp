#include "pg/batch/run_state.hpp"

#include <algorithm>

#include "core/rules/channel_turn.hpp"
#include "pg/batch/channels.hpp"
#include "pg/settings.hpp"
#include "pg/store/ledger.hpp"

namespace pg {

void start_call(RunState& state, const cart_abandon::RunOptions& options) {
    state.call.settings = current_settings();
    state.call.channel = call_channel(state.call.settings);
    state.limiter.set_rate(max_per_second());
    state.call.config = cart_abandon::resolve_run_config(state.call.settings, options);
}

void begin_pass(RunState& state, std::shared_ptr<const cart_abandon::Channel> channel) {
    state.call.channel = std::move(channel);
    state.channel = ChannelHealth{};
    if (!state.call.config.dry_run) state.channel.paused_code = channel_paused_code(state.call.channel->kind());
}

bool hands_on_in_call(const RunState& state, int stage, std::optional<cart_abandon::SkipReason> reason) {
    if (stage < 1 || stage > 2 || !reason || !cart_abandon::hands_on(*reason)) return false;
    const auto& order = state.call.config.channels.orders[std::size_t(stage - 1)];
    const auto at = std::find(order.begin(), order.end(), state.call.channel->kind());
    return at != order.end() && at + 1 != order.end();
}

void count_handed_on(RunState& state) {
    state.totals.examined += int(state.handed_on.size());
    state.totals.skipped += int(state.handed_on.size());
    state.handed_on.clear();
}

}  // namespace pg
