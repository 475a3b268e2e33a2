// Recovered carts (cart_abandon.recovered_carts): the carts completed after cart_abandon's first
// reminder to them, kept by each run so that cart_abandon_stats() reads these rows instead of
// looking up every reminded cart per call (135 ms after a 7,800-message backlog at a million carts).
#pragma once

#include <cstdint>

namespace pg {

// Records the reminded carts completed since an hour before the previous run's check (Medusa
// stamps completed_at with its own clock, and a checkout commits after its stamp; a cart
// recorded already is kept as it is; the first check looks at every completion), forgets those
// Medusa deleted or reopened since, and stamps the run's recoveries_checked_at. Medusa's carts
// are read as their owner, the ledger as the extension's, a chunk at a time.
void record_recoveries(int64_t run_id);

}  // namespace pg
