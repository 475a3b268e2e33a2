// The caller's side of a batch worker (src/pg/worker/worker.hpp): start it, read what it sends,
// pass a cancel on, notice a wait on the caller's own locks.
#include <signal.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "pg/batch/sending.hpp"
#include "pg/worker/worker.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
#include "libpq/pqformat.h"
#include "libpq/pqmq.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
}

namespace pg {

namespace {

using namespace batch_worker;

struct Worker {
    dsm_segment* segment = nullptr;
    shm_mq_handle* queue = nullptr;
    BackgroundWorkerHandle* handle = nullptr;
    pid_t pid = 0;  // 0: it never started
};

char* copy_into(shm_toc* toc, Key key, const std::string& text) {
    char* place = static_cast<char*>(shm_toc_allocate(toc, text.size() + 1));
    memcpy(place, text.c_str(), text.size() + 1);
    shm_toc_insert(toc, key, place);
    return place;
}

Worker start(const BatchRequest& request) {
    return guarded([&] {
        Worker worker;
        const Size guc_bytes = EstimateGUCStateSpace();
        shm_toc_estimator estimator;
        shm_toc_initialize_estimator(&estimator);
        shm_toc_estimate_chunk(&estimator, sizeof(Fixed));
        shm_toc_estimate_chunk(&estimator, request.after_cart_id.size() + 1);
        shm_toc_estimate_chunk(&estimator, request.options_json.size() + 1);
        shm_toc_estimate_chunk(&estimator, guc_bytes);
        shm_toc_estimate_chunk(&estimator, kQueueBytes);
        shm_toc_estimate_keys(&estimator, 5);
        const Size bytes = shm_toc_estimate(&estimator);

        worker.segment = dsm_create(bytes, 0);
        shm_toc* toc = shm_toc_create(kMagic, dsm_segment_address(worker.segment), bytes);
        auto* fixed = static_cast<Fixed*>(shm_toc_allocate(toc, sizeof(Fixed)));
        fixed->database_id = MyDatabaseId;
        fixed->authenticated_user_id = GetAuthenticatedUserId();
        GetUserIdAndSecContext(&fixed->current_user_id, &fixed->security_context);
        fixed->batch_size = request.batch_size;
        shm_toc_insert(toc, kFixed, fixed);
        copy_into(toc, kCursor, request.after_cart_id);
        copy_into(toc, kOptions, request.options_json);
        char* guc_state = static_cast<char*>(shm_toc_allocate(toc, guc_bytes));
        SerializeGUCState(guc_bytes, guc_state);
        shm_toc_insert(toc, kGucState, guc_state);
        shm_mq* queue = shm_mq_create(shm_toc_allocate(toc, kQueueBytes), kQueueBytes);
        shm_toc_insert(toc, kQueue, queue);
        shm_mq_set_receiver(queue, MyProc);
        worker.queue = shm_mq_attach(queue, worker.segment, nullptr);

        BackgroundWorker definition;
        memset(&definition, 0, sizeof definition);
        definition.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
        definition.bgw_start_time = BgWorkerStart_ConsistentState;
        definition.bgw_restart_time = BGW_NEVER_RESTART;
        snprintf(definition.bgw_library_name, BGW_MAXLEN, "cart_abandon");
        snprintf(definition.bgw_function_name, BGW_MAXLEN, "cart_abandon_batch_worker");
        snprintf(definition.bgw_name, BGW_MAXLEN, "cart_abandon batch for PID %d", MyProcPid);
        snprintf(definition.bgw_type, BGW_MAXLEN, "cart_abandon batch");
        definition.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(worker.segment));
        definition.bgw_notify_pid = MyProcPid;
        if (!RegisterDynamicBackgroundWorker(&definition, &worker.handle))
            ereport(ERROR,
                    (errcode(ERRCODE_INSUFFICIENT_RESOURCES),
                     errmsg("cart_abandon_process: no background worker slot is free for the batch"),
                     errdetail("Each call sends its batch from a background worker of its own, so that its record "
                               "never depends on the caller's transaction; all %d slots "
                               "(max_worker_processes) are taken.",
                               max_worker_processes),
                     errhint("Raise max_worker_processes in postgresql.conf (it takes a restart; parallel queries, "
                             "pg_cron and other extensions share it), or use CALL cart_abandon_run(), which needs "
                             "no worker. Nothing was claimed or sent.")));
        shm_mq_set_handle(worker.queue, worker.handle);
        // A cancel while it starts is passed on once it runs (a worker is never left unheard).
        HOLD_INTERRUPTS();
        const BgwHandleStatus status = WaitForBackgroundWorkerStartup(worker.handle, &worker.pid);
        RESUME_INTERRUPTS();
        if (status == BGWH_POSTMASTER_DIED)
            ereport(ERROR, (errcode(ERRCODE_ADMIN_SHUTDOWN), errmsg("cart_abandon_process: the server is stopping")));
        if (status != BGWH_STARTED) worker.pid = 0;
        return worker;
    });
}

// The worker waits for a lock that this backend holds: it would wait for as long as the
// caller's transaction lasts, and the caller waits for the worker. PostgreSQL's deadlock
// detector cannot see the second wait.
bool waits_for_caller(pid_t worker_pid) {
    return guarded([&] {
        PGPROC* proc = BackendPidGetProc(worker_pid);
        if (!proc || (proc->wait_event_info & 0xFF000000U) != PG_WAIT_LOCK) return false;
        ArrayType* blockers = DatumGetArrayTypeP(DirectFunctionCall1(pg_blocking_pids, Int32GetDatum(worker_pid)));
        Datum* pids;
        int count;
        deconstruct_array(blockers, INT4OID, sizeof(int32), true, TYPALIGN_INT, &pids, nullptr, &count);
        for (int i = 0; i < count; ++i)
            if (DatumGetInt32(pids[i]) == MyProcPid) return true;
        return false;
    });
}

StringInfoData message_of(const std::string& bytes) {
    StringInfoData message;
    initStringInfo(&message);
    appendBinaryStringInfo(&message, bytes.data(), int(bytes.size()));
    message.cursor = 1;  // past the type byte
    return message;
}

// Raises a notice, warning or error the worker sent, as it sent it (an error at ERROR level:
// the worker's FATAL, if any, is not the caller's).
void raise_again(const std::string& bytes) {
    guarded([&] {
        StringInfoData message = message_of(bytes);
        ErrorData data;
        pq_parse_errornotice(&message, &data);
        data.elevel = Min(data.elevel, ERROR);
        ThrowErrorData(&data);
    });
}

std::string read_text(StringInfo message) {
    const int length = pq_getmsgint(message, 4);
    const char* bytes = pq_getmsgbytes(message, length);
    return std::string(bytes, std::size_t(length));
}

BatchRow read_row(const std::string& bytes) {
    return guarded([&] {
        StringInfoData message = message_of(bytes);
        BatchRow row;
        row.stage = int(pq_getmsgint(&message, 4));
        row.cart_id = read_text(&message);
        row.action = cart_abandon::parse_word<cart_abandon::Action>(read_text(&message)).value_or(row.action);
        row.detail = read_text(&message);
        row.cursor_cart_id = read_text(&message);
        return row;
    });
}

}  // namespace

std::vector<BatchRow> process_in_worker(const BatchRequest& request) {
    Worker worker = start(request);
    std::vector<BatchRow> rows;
    std::string error;  // the worker's error message, raised once it is gone
    bool done = false;
    bool cancel_passed_on = false;
    bool waits_on_caller = false;
    auto next_lock_check = std::chrono::steady_clock::now();

    for (;;) {
        Size bytes = 0;
        void* data = nullptr;
        const shm_mq_result result = guarded([&] { return shm_mq_receive(worker.queue, &bytes, &data, true); });
        if (result == SHM_MQ_DETACHED) break;
        if (result == SHM_MQ_SUCCESS) {
            const std::string message(static_cast<const char*>(data), bytes);
            if (message.empty()) continue;
            switch (message[0]) {
                case kRow: rows.push_back(read_row(message)); break;
                case kDone: done = true; break;
                case 'E': error = message; break;
                case 'N': raise_again(message); break;
                default: break;  // nothing else is sent; a future message type is not ours to read
            }
            continue;
        }
        if (worker.pid != 0 && !cancel_passed_on && cancel_requested()) {
            kill(worker.pid, SIGINT);  // it stops sending, records what it sent, and ends
            cancel_passed_on = true;
        }
        const auto now = std::chrono::steady_clock::now();
        if (worker.pid != 0 && now >= next_lock_check) {
            next_lock_check = now + std::chrono::milliseconds(200);
            if (waits_for_caller(worker.pid)) {
                // Before sending it stops at once (its claims roll back); while recording, its
                // outcomes wait for this transaction to end.
                kill(worker.pid, SIGINT);
                waits_on_caller = true;
                break;
            }
        }
        guarded([] {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 50, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
        });
    }

    guarded([&] {
        shm_mq_detach(worker.queue);
        // Its slot is free before the next call asks for one (a loop of calls needs one slot).
        if (worker.pid != 0 && !waits_on_caller) {
            HOLD_INTERRUPTS();
            (void)WaitForBackgroundWorkerShutdown(worker.handle);
            RESUME_INTERRUPTS();
        }
        dsm_detach(worker.segment);
    });
    if (waits_on_caller)
        guarded([&] {
            ereport(ERROR,
                    (errcode(ERRCODE_T_R_DEADLOCK_DETECTED),
                     errmsg("cart_abandon_process: its batch waits for a lock held by the calling transaction"),
                     errdetail("The batch runs in a background worker (PID %d) whose transactions are its own, so "
                               "that no rollback here can lose the record of a message; it needs a row or lock "
                               "this transaction took and has not committed.",
                               int(worker.pid)),
                     errhint("Commit changes to carts before calling cart_abandon_process, or call it outside a "
                             "transaction block. What the batch sent is recorded once this transaction ends.")));
        });
    if (cancel_requested()) check_for_interrupts();
    if (!error.empty()) raise_again(error);
    if (!done)
        guarded([&] {
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("cart_abandon_process: the background worker of the batch ended without an answer"),
                            errhint("The server log says why. Claims it made are settled by the next "
                                    "CALL cart_abandon_run(), as after a crash.")));
        });
    return rows;
}

}  // namespace pg
