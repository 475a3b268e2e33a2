// Transaction-scoped advisory locks in key spaces of cart_abandon's own: the first key of
// pg_advisory_xact_lock(int, int) is the space (four ASCII letters read as a big-endian int),
// the second the hash of a key's text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pg {

enum class LockSpace : int32_t {
    People = 1667325808,  // "ca_p": one per person (a number): the frequency cap's one voice
    Stages = 1667325811,  // "ca_s": one per "cart/stage": one channel per stage
};

// Waits for every key's lock in `space`, distinct keys in sorted order (two callers never wait
// on each other crosswise), held until the transaction ends; honours cancel and lock_timeout.
void lock_keys(LockSpace space, const std::vector<std::string>& keys);

}  // namespace pg
