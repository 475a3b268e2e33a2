#include "pg/batch/run_state.hpp"

#include "pg/batch/channels.hpp"
#include "pg/settings.hpp"

namespace pg {

void start_call(RunState& state, const cart_abandon::RunOptions& options) {
    state.call.settings = current_settings();
    state.call.channel = call_channel(state.call.settings);
    state.limiter.set_rate(max_per_second());
    state.call.config = cart_abandon::resolve_run_config(state.call.settings, options);
}

}  // namespace pg
