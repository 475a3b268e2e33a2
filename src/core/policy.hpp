// Which reminder stage, if any, a cart is due for. The SQL that selects candidate carts applies
// the same rule as a filter (so a batch holds only carts with work to do); this is the
// authoritative decision made on the facts that query returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace cart_abandon {

using Microseconds = std::chrono::microseconds;
// Microseconds since the Unix epoch, UTC.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, Microseconds>;

struct Timing {
    std::chrono::seconds first_delay{24 * 3600};
    std::chrono::seconds second_delay{48 * 3600};
    std::chrono::seconds max_age{7 * 24 * 3600};
    int max_attempts = 3;
};

// The ledger's view of one stage of one cart on the channel being used.
enum class StageState {
    None,     // never attempted
    Retry,    // a transient failure; may be attempted again while attempts < max_attempts
    Sent,     // accepted by the provider
    Closed,   // failed, skipped, unknown outcome, or claimed by a run in flight: never again
};

struct StageRecord {
    StageState state = StageState::None;
    int attempts = 0;
    std::optional<Timestamp> sent_at;  // set when state == Sent
};

struct CartTimeline {
    Timestamp last_activity;
    StageRecord first;
    StageRecord second;
};

// 0 when nothing is due, else 1 or 2.
int due_stage(const CartTimeline& cart, const Timing& timing, Timestamp now);

}  // namespace cart_abandon
