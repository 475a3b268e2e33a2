#include "core/delivery/rate_limiter_table.hpp"

namespace cart_abandon {

uint64_t number_key(std::string_view phone_number_id) {
    uint64_t hash = 14695981039346656037ull;
    for (const unsigned char c : phone_number_id) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash == 0 ? 1 : hash;
}

RateLimiterTable::RateLimiterTable() {
    // Shared memory comes uninitialized, and std::atomic's default constructor leaves it so.
    for (Entry& entry : entries_) {
        entry.key.store(0);
        entry.next.store(0);
    }
}

SharedNextStart& RateLimiterTable::for_number(std::string_view phone_number_id) {
    const uint64_t key = number_key(phone_number_id);
    const std::size_t home = key % kEntries;
    for (std::size_t probe = 0; probe < kEntries; ++probe) {
        Entry& entry = entries_[(home + probe) % kEntries];
        uint64_t found = entry.key.load(std::memory_order_acquire);
        if (found == 0 && entry.key.compare_exchange_strong(found, key, std::memory_order_acq_rel)) return entry.next;
        if (found == key) return entry.next;  // already this number's, or another caller just claimed it for it
    }
    return entries_[home].next;
}

}  // namespace cart_abandon
