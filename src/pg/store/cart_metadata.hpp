// cart.metadata.notifications (the seed's layout) as a mirror of the ledger.
//
// The ledger is the truth: an outcome or a webhook commits its ledger row first and marks it
// metadata_pending_since; the cart's metadata is written afterwards, by a statement that runs
// as the owner of Medusa's tables (src/pg/base/spi.cpp) and never waits for a shopper: a cart row
// that someone holds (a checkout, a Medusa session idle in transaction) is skipped and written
// by a later call. A cart whose write fails (a shop trigger, a constraint, a read-only switch)
// keeps its ledger row and its pending mark, is counted, and is tried again; the other carts of
// the chunk are written all the same. cart_abandon_stats() -> 'cart_metadata' shows what waits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pg {

struct MetadataWrites {
    uint64_t written = 0;  // carts whose metadata now shows their ledger rows
    uint64_t waiting = 0;  // carts held by another transaction: a later call writes them
    uint64_t failed = 0;  // carts whose write failed (first_failure says why)
    std::string first_failed_cart;
    std::string first_failure;

    void add(const MetadataWrites& other);
};

// Writes the metadata of these ledger rows where it is pending, 100 carts at a time, each chunk
// in a subtransaction; `between_chunks` runs after each (a procedure commits there; a function
// passes a no-op and its caller commits). A cancel or other error of the call's (not the
// cart's) is raised with its chunk rolled back.
MetadataWrites write_cart_metadata(const std::vector<int64_t>& delivery_ids,
                                   const std::function<void()>& between_chunks);

// The same for every pending row (left by earlier calls).
MetadataWrites write_pending_cart_metadata(const std::function<void()>& between_chunks);

// One WARNING naming what failed, if anything did.
void warn_metadata_failures(const MetadataWrites& writes);

}  // namespace pg
