// What follows from a batch's outcomes once they are committed: statuses Meta reported before
// them, opt-outs, the channel's state, the caller's progress, and the carts' metadata. Each step
// may wait for another transaction; each is marked in the ledger first, so a cancel there loses
// nothing the next call does not finish (src/pg/batch/follow_ups.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pg/batch/batch.hpp"

namespace pg {

struct RecordedBatch {
    std::vector<int64_t> claims;  // the batch's ledger rows
    std::vector<int64_t> metadata_pending;  // rows whose cart metadata is to be written
    bool halted_now = false;  // a channel-fatal answer in this batch paused the channel
    bool any_sent = false;  // Meta accepted one of its messages
    std::vector<std::string> restricted;  // regions Meta refused for the sending number (130497)
    std::string restriction_text;  // Meta's words for it
};

// In subtransactions, `commit` after each step: an error (a cancel) is kept in
// `result.interrupted` for the caller to raise once it has released what else it claimed.
void follow_up_outcomes(RunState& state, RecordedBatch&& recorded, BatchResult& result,
                        const std::function<void()>& commit,
                        const std::function<void(const BatchResult&)>& outcomes_written);

}  // namespace pg
