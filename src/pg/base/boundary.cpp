#include <cstdio>
#include <cstring>
#include <new>

#include "core/error.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

int sqlstate_for(cart_abandon::ErrorKind kind) {
    using cart_abandon::ErrorKind;
    switch (kind) {
        case ErrorKind::InvalidArgument: return ERRCODE_INVALID_PARAMETER_VALUE;
        case ErrorKind::InvalidText: return ERRCODE_INVALID_TEXT_REPRESENTATION;
        case ErrorKind::MissingConfiguration: return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
        case ErrorKind::MissingTable: return ERRCODE_UNDEFINED_TABLE;
        case ErrorKind::NotSupported: return ERRCODE_FEATURE_NOT_SUPPORTED;
        case ErrorKind::TransactionState: return ERRCODE_INVALID_TRANSACTION_TERMINATION;
        case ErrorKind::InvalidAuthorization: return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
        case ErrorKind::InsufficientPrivilege: return ERRCODE_INSUFFICIENT_PRIVILEGE;
        case ErrorKind::Internal: return ERRCODE_INTERNAL_ERROR;
    }
    return ERRCODE_INTERNAL_ERROR;
}

// Static buffers: copying a message out of a catch block must not allocate (an allocation
// failure there would longjmp out of the handler).
char message_buffer[1024];
char detail_buffer[1024];
char hint_buffer[1024];

void copy_text(char* buffer, std::size_t size, const char* text) { snprintf(buffer, size, "%s", text ? text : ""); }

}  // namespace

MemoryContext error_copy_context() {
    static MemoryContext context = nullptr;
    if (!context) context = AllocSetContextCreate(TopMemoryContext, "cart_abandon caught errors", ALLOCSET_SMALL_SIZES);
    return context;
}

Datum run_entry(FunctionCallInfo fcinfo, Datum (*body)(FunctionCallInfo)) {
    // Errors copied by earlier calls were raised long ago; their memory can go.
    MemoryContextReset(error_copy_context());

    ErrorData* pg_error = nullptr;
    int sqlstate = 0;
    try {
        return body(fcinfo);
    } catch (const PgError& e) {
        pg_error = e.data();
    } catch (const cart_abandon::Error& e) {
        sqlstate = sqlstate_for(e.kind());
        copy_text(message_buffer, sizeof message_buffer, e.what());
        copy_text(detail_buffer, sizeof detail_buffer, e.detail().c_str());
        copy_text(hint_buffer, sizeof hint_buffer, e.hint().c_str());
    } catch (const std::bad_alloc&) {
        sqlstate = ERRCODE_OUT_OF_MEMORY;
        copy_text(message_buffer, sizeof message_buffer, "out of memory in cart_abandon");
        detail_buffer[0] = hint_buffer[0] = '\0';
    } catch (const std::exception& e) {
        sqlstate = ERRCODE_INTERNAL_ERROR;
        copy_text(message_buffer, sizeof message_buffer, e.what());
        detail_buffer[0] = hint_buffer[0] = '\0';
    } catch (...) {
        sqlstate = ERRCODE_INTERNAL_ERROR;
        copy_text(message_buffer, sizeof message_buffer, "unexpected failure in cart_abandon");
        detail_buffer[0] = hint_buffer[0] = '\0';
    }
    // No C++ object is alive past this point: longjmp is safe again.
    if (pg_error) ReThrowError(pg_error);
    ereport(ERROR,
            (errcode(sqlstate), errmsg("%s", message_buffer), detail_buffer[0] ? errdetail("%s", detail_buffer) : 0,
             hint_buffer[0] ? errhint("%s", hint_buffer) : 0));
    pg_unreachable();
}

}  // namespace pg
