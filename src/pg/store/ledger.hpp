// The delivery ledger (cart_abandon.deliveries), the opt-out list, and cart metadata: every
// write cart_abandon makes about a cart goes through here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/model/decision.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"
#include "pg/store/people.hpp"

namespace pg {

using cart_abandon::Claim;
using cart_abandon::ClaimedStage;
using cart_abandon::Outcome;

// Writes the claims whose cart is still open and whose row is still as the selection saw it
// (none: inserted unless another run inserted it first; else taken over only if unchanged);
// returns the ones written. Runs in the caller's transaction, made to commit durably: the
// procedure commits it before any message is sent.
std::vector<ClaimedStage> claim_stages(cart_abandon::ChannelKind channel, const std::vector<Claim>& claims,
                                       std::optional<int64_t> run_id);

// Records outcomes in the ledger (the transaction is made to commit durably) and returns the
// rows whose cart metadata is now pending (src/pg/store/cart_metadata.hpp writes it after the commit).
std::vector<int64_t> record_outcomes(cart_abandon::ChannelKind channel, const std::vector<Outcome>& outcomes);

// Makes the current transaction commit durably even where synchronous_commit is off (and wait
// for synchronous standbys, when there are).
void make_commit_durable();

// Adds the numbers of outcomes marked opt_out (131050) to cart_abandon.opt_outs, for every call
// that marked some (one interrupted before doing it included), and clears the marks.
void add_pending_opt_outs();

// The channel's pause, written with the outcomes of the batch that hit a channel-fatal answer,
// and lifted by the next batch that sends.
void record_channel_paused(cart_abandon::ChannelKind channel, long error_code, const std::string& error_message);
void record_channel_sending(cart_abandon::ChannelKind channel);
// The code that paused the channel (0 when it had none), or nullopt when it is not paused.
std::optional<long> channel_paused_code(cart_abandon::ChannelKind channel);

}  // namespace pg
