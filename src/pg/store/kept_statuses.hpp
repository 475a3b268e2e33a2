// Status webhooks kept because the ledger row of their message was not recorded yet (a status
// often arrives within a second of the request, while its batch still sends): applied once the
// row is, never dropped with a 200. Statements in src/pg/store/kept_statuses.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "pg/store/webhook_ledger.hpp"

namespace pg {

// Applies the kept statuses of these ledger rows (by callback data or by their recorded wamid),
// under the lock webhook calls take: a status that a concurrent call kept is committed before
// this reads, and one it applies after sees the row recorded. The caller writes the cart metadata
// of `metadata_pending` and records a pause.
StatusResult apply_kept_statuses(cart_abandon::ChannelKind channel, const std::vector<int64_t>& deliveries,
                                 int max_attempts);

// The same for every kept status that names one of cart_abandon's rows or a recorded wamid (a
// run's start: claims of a dead run have just become `unknown`).
StatusResult apply_all_kept_statuses(cart_abandon::ChannelKind channel, int max_attempts);

// Deletes the kept statuses that matched nothing for 7 days (Meta retries a webhook for 7 days:
// a status of ours has found its row by then; these are other systems' messages). Returns how many.
uint64_t expire_kept_statuses();

}  // namespace pg
