// What to do with each due cart of a batch: the reads the selection rules need, around the rules
// themselves (core/rules/selection.hpp), in their order.
#pragma once

#include <vector>

#include "core/model/decision.hpp"
#include "core/rules/selection.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/batch/run_state.hpp"

namespace pg {

using cart_abandon::Decision;

// Decides each cart at `now` (core/rules/selection.hpp gives the rules and their order). Reads
// the stopped templates, the restricted countries and (at the first cart that needs them, then
// every few minutes) purchases; then, outside a dry run, locks the people it would message until
// the transaction ends (one voice per person: of two calls deciding at once, the second sees the
// first's claim), and reads their erasures, opt-outs and latest contacts; then the messaging
// window. `call` is only read; `memory` keeps purchases and, in a dry run, the people it would
// have messaged across batches.
std::vector<Decision> decide(const std::vector<DueCart>& carts, const CallSettings& call, SelectionMemory& memory,
                             cart_abandon::Timestamp now);

}  // namespace pg
