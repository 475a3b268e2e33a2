#include <new>

#include "core/delivery/rate_limiter_table.hpp"
#include "pg/shmem/shared_limiter.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
}

namespace pg {

namespace {

// Set in the postmaster at startup; every process it forks inherits it.
cart_abandon::RateLimiterTable* table = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;

// Called by PostgreSQL with no C++ object alive: its errors may longjmp from here.
void request_memory() {
    if (previous_request_hook) previous_request_hook();
    RequestAddinShmemSpace(sizeof(cart_abandon::RateLimiterTable));
}

void set_up_memory() {
    if (previous_startup_hook) previous_startup_hook();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    void* memory = ShmemInitStruct("cart_abandon rate limits", sizeof(cart_abandon::RateLimiterTable), &found);
    table =
        found ? static_cast<cart_abandon::RateLimiterTable*>(memory) : new (memory) cart_abandon::RateLimiterTable();
    LWLockRelease(AddinShmemInitLock);
}

}  // namespace

void request_shared_limiter() {
    previous_request_hook = shmem_request_hook;
    shmem_request_hook = request_memory;
    previous_startup_hook = shmem_startup_hook;
    shmem_startup_hook = set_up_memory;
}

cart_abandon::SharedNextStart* shared_next_start(const std::string& phone_number_id) {
    return table ? &table->for_number(phone_number_id) : nullptr;
}

bool rate_limit_shared() { return table != nullptr; }

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_rate_limit_scope);
Datum cart_abandon_rate_limit_scope(PG_FUNCTION_ARGS);
}

// 'sending_number' (shared by every caller of the cluster) or 'call' (each call alone).
extern "C" Datum cart_abandon_rate_limit_scope(PG_FUNCTION_ARGS) {
    return pg::run_entry(
        fcinfo, [](FunctionCallInfo) { return pg::text_value(pg::rate_limit_shared() ? "sending_number" : "call"); });
}
