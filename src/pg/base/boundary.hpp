// The boundary between C++ and PostgreSQL error handling, in both directions.
//
// 1. PostgreSQL -> C++: every SQL-callable function is `PG_FUNCTION_INFO_V1` + a body that
//    calls run_entry(). run_entry catches every C++ exception and raises it as a PostgreSQL
//    ERROR only after all C++ objects are destroyed.
// 2. C++ -> PostgreSQL: every call that may ereport (SPI, palloc, CHECK_FOR_INTERRUPTS, ...)
//    runs inside guarded(). A PostgreSQL error is caught there (no longjmp crosses a C++
//    frame) and rethrown as pg::PgError, which run_entry raises again with its SQLSTATE.
//    The lambda given to guarded() must not own objects with destructors across such calls.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "pg/base/postgres.hpp"

namespace pg {

// A PostgreSQL error caught by guarded(); carries the full ErrorData.
class PgError : public std::exception {
public:
    explicit PgError(ErrorData* data) : data_(data) {}
    const char* what() const noexcept override { return data_->message ? data_->message : "PostgreSQL error"; }
    ErrorData* data() const noexcept { return data_; }

private:
    ErrorData* data_;
};

// Where caught ErrorData is copied: it must outlive the C++ unwinding up to run_entry.
MemoryContext error_copy_context();

template <typename F>
auto guarded(F&& body) -> decltype(body()) {
    using Result = decltype(body());
    using Slot = std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>>;
    Slot result{};
    std::exception_ptr cpp_error;
    ErrorData* volatile pg_error = nullptr;
    MemoryContext volatile caller_context = CurrentMemoryContext;

    PG_TRY();
    {
        try {
            if constexpr (std::is_void_v<Result>)
                body();
            else
                result.emplace(body());
        } catch (...) {
            cpp_error = std::current_exception();  // never unwind through PG_TRY's frame
        }
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(error_copy_context());
        pg_error = CopyErrorData();
        FlushErrorState();
        MemoryContextSwitchTo(caller_context);
    }
    PG_END_TRY();

    if (pg_error) throw PgError(pg_error);
    if (cpp_error) std::rethrow_exception(cpp_error);
    if constexpr (!std::is_void_v<Result>) return std::move(*result);
}

// Runs an SQL-callable function body; never returns by exception.
Datum run_entry(FunctionCallInfo fcinfo, Datum (*body)(FunctionCallInfo));

// CHECK_FOR_INTERRUPTS as a C++ call: a cancel arrives as PgError.
inline void check_for_interrupts() {
    guarded([] { CHECK_FOR_INTERRUPTS(); });
}

}  // namespace pg
