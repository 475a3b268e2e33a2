// One next start per sending number (WhatsApp's throughput limit is the number's), for every
// caller of a cluster: a fixed table meant for shared memory, keyed by a 64-bit hash of the
// number's id. Entries are claimed with a compare-and-swap and never freed: a cluster sends from
// a handful of numbers. Should all be taken, a new number shares the entry its hash points at:
// slower than its limit, never faster. Lock-free throughout, so a sending thread that may not
// call PostgreSQL can use it.
#pragma once

#include "core/no_postgres.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/delivery/rate_limiter.hpp"

namespace cart_abandon {

class RateLimiterTable {
public:
    static constexpr std::size_t kEntries = 64;

    RateLimiterTable();  // every entry free, no start taken
    RateLimiterTable(const RateLimiterTable&) = delete;
    RateLimiterTable& operator=(const RateLimiterTable&) = delete;

    // The next start shared by every caller sending from this number.
    SharedNextStart& for_number(std::string_view phone_number_id);

private:
    struct Entry {
        std::atomic<uint64_t> key;  // the number's hash; 0: free
        SharedNextStart next;
    };
    static_assert(std::atomic<uint64_t>::is_always_lock_free, "keys must be lock-free to live in shared memory");
    Entry entries_[kEntries];
};

// FNV-1a, never 0 (the free key).
uint64_t number_key(std::string_view phone_number_id);

}  // namespace cart_abandon
