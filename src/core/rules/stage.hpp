// Which reminder stage, if any, a cart is due for. The SQL that selects candidate carts applies
// the same rule as a filter (so a batch holds only carts with work to do); this is the
// authoritative decision made on the facts that query returns.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/model/vocabulary.hpp"

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
    None,  // never attempted
    Retry,  // a transient failure; may be attempted again while attempts < max_attempts
    Sent,  // accepted by the provider
    Closed,  // failed, skipped, unknown outcome, or claimed by a run in flight: never again
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

// A stage's ledger row as the selection reads it (no status: no row yet).
struct LedgerStage {
    std::optional<Status> status;
    int attempts = 0;
    std::optional<Timestamp> sent_at;  // sent (an imported one may have none: long ago)
    std::optional<Timestamp> not_before;  // held
    std::optional<SkipReason> skip_reason;  // skipped (nullopt: a reason this version does not know)
    std::optional<Timestamp> cart_changed_at;  // a skip for want of data: the cart's latest change then
};

// Whether a stage's row can be taken at `now`: none yet; a retry with attempts left; held and
// its time come; or a skip for want of data (no_phone, invalid_phone, blocked_region,
// no_consent) that a change of the cart, its addresses or its customer since (`last_change`,
// Medusa's clock) may lift; a no_consent skip also once consent is no longer required.
bool stage_open(const LedgerStage& row, Timestamp last_change, int max_attempts, Timestamp now, bool consent_required);

// The selection's filter (the batch holds only carts with work to do; due_stage then decides):
// activity inside [first_delay, max_age] ago, and the first stage open, or the first sent at
// least the gap ago (an imported one without a time long ago), the second delay passed and the
// second stage open.
bool selection_due(Timestamp last_activity, Timestamp last_change, const LedgerStage& first, const LedgerStage& second,
                   const Timing& timing, Timestamp now, bool consent_required);

// Whether selection_due can hold for some activity, from the ledger rows alone: for the latest
// activity that each branch allows and any later change. The selection reads a candidate's
// activity (its items, shipping methods and addresses: the costly part) only when it can.
bool selection_may_be_due(const LedgerStage& first, const LedgerStage& second, const Timing& timing, Timestamp now,
                          bool consent_required);

}  // namespace cart_abandon
