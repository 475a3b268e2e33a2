// One batch, start to finish: select due carts -> decide (core policy) -> claim -> send (core
// sender) -> record outcomes -> then what follows from them (opt-outs, the channel's state, cart
// metadata). Shared by cart_abandon_process and cart_abandon_run.
//
// Waits and interrupts: interrupts are held only while the ledger records what was sent (rows
// this call claimed, which no other transaction locks but cart_abandon's own short statements),
// never across a lock wait or the network. A cancel or timeout that arrives while a batch is in
// flight (selecting the next one, waiting for a person's lock, pausing) stops the sender from
// starting more requests; what was sent is recorded and committed, then the cancel is raised.
// What follows from the outcomes may wait for other transactions (a shopper holding a cart, an
// opt-out being inserted): it is marked in the ledger first and done after the commit, so a
// cancel there loses nothing (the next call finishes it).
#pragma once

#include <cstdint>
#include <exception>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/batch/run_state.hpp"

namespace pg {

struct BatchRow {
    std::string cart_id;
    int stage = 0;
    cart_abandon::Action action = cart_abandon::Action::Skipped;
    std::string detail;
    // The cart the row's next cursor points after, when not its own: the bound of a call whose
    // later pass stopped short of this cart (src/pg/batch/request.cpp).
    std::string cursor_cart_id;
};

struct BatchResult {
    std::vector<BatchRow> rows;  // in cart id order
    bool cancel_pending = false;  // a cancel arrived while sending; the caller raises it
    // A cancel (or another error) met after the outcomes were committed, while doing what follows
    // from them: the caller raises it once it has released what else it claimed.
    std::exception_ptr interrupted;
};

// The WARNING, once per pause (a probe that meets the same cause again stays quiet): why, and
// what to do about it.
void warn_channel_paused(const RunState& state, bool whole_run);

// Processes the next carts `due`, at most config.batch_size of them.
// `claims_written` runs right after the claims are written and before anything is sent (the
// batch worker commits there), `chunk_written` after each chunk of outcomes and after what
// follows from them (it commits there too). `outcomes_written` runs once the outcomes are
// committed, in the transaction of what follows from them (a run writes its progress there; it
// must not commit).
BatchResult process_batch(RunState& state, DueCartQueue& due, const std::function<void()>& claims_written,
                          const std::function<void()>& chunk_written,
                          const std::function<void(const BatchResult&)>& outcomes_written);

}  // namespace pg
