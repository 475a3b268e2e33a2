// What one call carries from batch to batch, by kind: its settings (read once, then only read),
// the channel's health (changed by answers), what the selection remembers across batches, the
// totals, the pacing, and the cart metadata written. A part that changes one kind takes only that.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/model/config.hpp"
#include "core/delivery/channel.hpp"
#include "core/model/run.hpp"
#include "core/rules/purchases.hpp"
#include "core/delivery/rate_limiter.hpp"
#include "pg/store/cart_metadata.hpp"
#include "pg/store/due_carts.hpp"

namespace pg {

// Read when the call starts, then only read.
struct CallSettings {
    cart_abandon::Settings settings;
    cart_abandon::RunConfig config;
    std::optional<int64_t> run_id;  // set for cart_abandon_run
    CandidateScan scan;  // full unless a run chose incremental
    std::shared_ptr<const cart_abandon::Channel> channel;  // what it sends on (pg/channels.hpp)
};

// The sending channel as the call's answers leave it.
struct ChannelHealth {
    bool halted = false;  // a channel-fatal answer: send nothing more in this call
    std::string halt_reason;
    std::string halt_advice;  // what to do about it (the WARNING's hint)
    long halt_code = 0;
    bool halt_is_new = false;  // the channel was not already paused for this code: warn once
    // The channel was paused when the call began: it probes with one request at a time until
    // one is accepted.
    std::optional<long> paused_code;
};

// What the selection keeps from batch to batch.
struct SelectionMemory {
    // Read at the first due cart, then every few minutes and for a batch of older carts.
    std::optional<cart_abandon::Purchases> purchases;
    cart_abandon::Timestamp purchases_read_at{};
    cart_abandon::Timestamp purchases_since{};  // every purchase from then on is in `purchases`
    std::map<std::string, cart_abandon::Timestamp> contacted;  // dry run: people it would have messaged
    std::set<std::string> window_people;  // dry run: people it would have reached (messaging_limit)
    PretendRows pretend;  // dry run: the stages its passes handed on, as rows a later pass reads
};

using cart_abandon::RunTotals;

struct RunState {
    CallSettings call;
    ChannelHealth channel;
    SelectionMemory selection;
    RunTotals totals;
    // Paces every start of the call, across its batches, with every other caller of the number
    // when preloaded; its rate is cart_abandon.max_per_second (start_call sets it).
    cart_abandon::RateLimiter limiter{1};
    MetadataWrites metadata;  // cart metadata written, waiting for a shopper's lock, failed
    // Carts a pass handed on to a later channel of their stage's order: counted once, by the pass
    // that acts on them (count_handed_on counts those no later pass took as skipped).
    std::set<std::string> handed_on;
};

// A call's start: its settings as they are now, the channel they name, the limiter at
// cart_abandon.max_per_second, and the configuration `options` make of them. Errors: those of
// resolve_run_config (22023 naming the option or setting).
void start_call(RunState& state, const cart_abandon::RunOptions& options);

// A pass on `channel` begins: the call sends on it, its health as the ledger says (paused: the
// pass probes; needs SPI outside a dry run), its pace cart_abandon.max_per_second.
void begin_pass(RunState& state, std::shared_ptr<const cart_abandon::Channel> channel);

// Whether the pass's skip of `stage` (1 or 2) for `reason` leaves it to a later channel of the
// stage's order in this call (cart_abandon::hands_on).
bool hands_on_in_call(const RunState& state, int stage, std::optional<cart_abandon::SkipReason> reason);

// The carts handed on that no later pass examined, as examined and skipped in the totals.
void count_handed_on(RunState& state);

}  // namespace pg
