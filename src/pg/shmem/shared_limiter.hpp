// The rate limit of a sending number, held by every caller of the cluster together: backends,
// pg_cron's jobs and background workers, in any database. Its state is a small table in shared
// memory, which PostgreSQL reserves only for a library in shared_preload_libraries; without the
// preload each call paces itself alone (cart_abandon_stats() -> 'rate_limit' says which holds).
#pragma once

#include <string>

#include "core/delivery/rate_limiter.hpp"

namespace pg {

// From _PG_init while shared_preload_libraries are loaded: reserves the table and sets it up
// when the server's shared memory is made (and again after a crash's reinitialization).
void request_shared_limiter();

// The next start shared by every caller sending from this number; nullptr without the preload.
// Lock-free, no PostgreSQL call: safe on the sending thread.
cart_abandon::SharedNextStart* shared_next_start(const std::string& phone_number_id);

// Whether the limit is shared (the table exists in this process).
bool rate_limit_shared();

}  // namespace pg
