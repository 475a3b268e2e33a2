// The worker's side of a batch worker (src/pg/worker/worker.hpp): take on the caller's identity
// and settings, run the batch in transactions of its own, send the rows back.
#include <signal.h>

#include <string>
#include <vector>

#include "pg/batch/request.hpp"
#include "pg/worker/worker.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
#include "libpq/pqformat.h"
#include "libpq/pqmq.h"
#include "mb/pg_wchar.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/resowner.h"
}

namespace pg {

namespace {

using namespace batch_worker;

// Set by the worker's entry before the C++ body runs; they point into the shared segment.
const Fixed* request_fixed = nullptr;
const char* request_cursor = nullptr;
const char* request_options = nullptr;
MemoryContext worker_context = nullptr;

void put_text(StringInfo message, const std::string& text) {
    pq_sendint32(message, uint32(text.size()));
    pq_sendbytes(message, text.data(), int(text.size()));
}

void send_row(const BatchRow& row) {
    guarded([&] {
        StringInfoData message;
        pq_beginmessage(&message, kRow);
        pq_sendint32(&message, uint32(row.stage));
        put_text(&message, row.cart_id);
        put_text(&message, cart_abandon::name(row.action));
        put_text(&message, row.detail);
        put_text(&message, row.cursor_cart_id);
        // A caller that is gone does not stop the worker: what was sent is recorded already.
        pq_endmessage(&message);
    });
}

Datum batch_body(FunctionCallInfo) {
    const BatchRequest request{request_fixed->batch_size, request_cursor, request_options};
    guarded([] {
        SetCurrentStatementStartTimestamp();  // now() of the first transaction
        StartTransactionCommand();
        // SPI's contexts and what it returns to must outlive the batch's commits.
        MemoryContextSwitchTo(worker_context);
    });
    const std::vector<BatchRow> rows = process_request(request, true);
    guarded([] { CommitTransactionCommand(); });
    for (const auto& row : rows) send_row(row);
    guarded([] {
        StringInfoData message;
        pq_beginmessage(&message, kDone);
        pq_endmessage(&message);
    });
    return Datum(0);
}

}  // namespace

}  // namespace pg

// No C++ object lives in this function: PostgreSQL's errors may longjmp through it.
extern "C" void cart_abandon_batch_worker(Datum main_arg) {
    using namespace pg::batch_worker;
    // A fast shutdown sets ProcDiePending (the sender stops and records) instead of exiting at once.
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();

    CurrentResourceOwner = ResourceOwnerCreate(nullptr, "cart_abandon batch");
    pg::worker_context = AllocSetContextCreate(TopMemoryContext, "cart_abandon batch worker", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(pg::worker_context);
    // Nonatomic SPI puts its contexts under PortalContext; a worker has no portal.
    PortalContext = pg::worker_context;

    dsm_segment* segment = dsm_attach(DatumGetUInt32(main_arg));
    if (!segment) ereport(ERROR, (errmsg("cart_abandon batch worker: its caller is gone")));
    shm_toc* toc = shm_toc_attach(kMagic, dsm_segment_address(segment));
    if (!toc) ereport(ERROR, (errmsg("cart_abandon batch worker: bad shared memory segment")));
    pg::request_fixed = static_cast<const Fixed*>(shm_toc_lookup(toc, kFixed, false));
    pg::request_cursor = static_cast<const char*>(shm_toc_lookup(toc, kCursor, false));
    pg::request_options = static_cast<const char*>(shm_toc_lookup(toc, kOptions, false));
    char* guc_state = static_cast<char*>(shm_toc_lookup(toc, kGucState, false));
    shm_mq* queue = static_cast<shm_mq*>(shm_toc_lookup(toc, kQueue, false));
    shm_mq_set_sender(queue, MyProc);
    // From here on, the worker's errors, warnings and notices go to the caller.
    pq_redirect_to_shm_mq(segment, shm_mq_attach(queue, segment, nullptr));

    BackgroundWorkerInitializeConnectionByOid(pg::request_fixed->database_id, pg::request_fixed->authenticated_user_id,
                                              0);
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    RestoreGUCState(guc_state);
    CommitTransactionCommand();
    // Messages travel in the database's encoding: the caller raises them again as they are.
    SetClientEncoding(GetDatabaseEncoding());
    SetUserIdAndSecContext(pg::request_fixed->current_user_id, pg::request_fixed->security_context);
    MemoryContextSwitchTo(pg::worker_context);
    pgstat_report_activity(STATE_RUNNING, "cart_abandon_process batch");

    PG_TRY();
    { pg::run_entry(nullptr, pg::batch_body); }
    PG_CATCH();
    {
        // To the caller (who raises it with its SQLSTATE) and to the log, as an ERROR.
        EmitErrorReport();
        AbortCurrentTransaction();
        FlushErrorState();
    }
    PG_END_TRY();
    pgstat_report_activity(STATE_IDLE, nullptr);
}
