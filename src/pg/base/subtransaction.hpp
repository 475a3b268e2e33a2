// A step that may fail (or be cancelled) without taking the transaction's other work with it.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "pg/base/boundary.hpp"
#include "pg/base/postgres.hpp"

extern "C" {
#include "utils/resowner.h"
}

namespace pg {

// Runs body in an internal subtransaction, as PL/pgSQL's EXCEPTION blocks do: a PostgreSQL
// error inside it (a PgError from guarded()) rolls back what body did, including the locks it
// took and the settings it changed, and is rethrown; the transaction stays usable, so the
// caller may go on and commit its other work. Memory body allocates is the caller's (it
// survives the rollback). Never call it with interrupts held: an error resets PostgreSQL's
// interrupt holdoff count.
template <typename F>
auto in_subtransaction(F&& body) -> decltype(body()) {
    MemoryContext caller_memory = CurrentMemoryContext;
    ResourceOwner caller_owner = CurrentResourceOwner;
    auto back_to_caller = [&] {
        MemoryContextSwitchTo(caller_memory);
        CurrentResourceOwner = caller_owner;
    };
    guarded([] { BeginInternalSubTransaction(nullptr); });
    MemoryContextSwitchTo(caller_memory);
    using Result = decltype(body());
    std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>> result{};
    try {
        if constexpr (std::is_void_v<Result>)
            body();
        else
            result.emplace(body());
    } catch (...) {
        guarded([] { RollbackAndReleaseCurrentSubTransaction(); });
        back_to_caller();
        throw;
    }
    guarded([] { ReleaseCurrentSubTransaction(); });
    back_to_caller();
    if constexpr (!std::is_void_v<Result>) return std::move(*result);
}

}  // namespace pg
