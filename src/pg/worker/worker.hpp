// cart_abandon_process's batch in a dynamic background worker started for the call (the pattern
// of pg_background; no preloading needed). The worker's transactions are its own, as CALL
// cart_abandon_run()'s are: its claims commit before anything is sent and its outcomes right
// after, so nothing the caller does with its transaction (roll back, fail a later part of the
// statement, be cancelled or time out) can lose the record of a message that left, and no cart
// row lock is ever held in the caller's transaction.
//
// The caller shares a segment of dynamic shared memory with the worker: the request, the
// caller's identity and its settings (GUC state: SET cart_abandon.* applies in the worker), and
// a queue the worker's protocol output is redirected to (its rows, then its notices, warnings
// and error, which the caller raises again with their SQLSTATE).
#pragma once

#include <vector>

#include "pg/batch/request.hpp"
#include "pg/base/postgres.hpp"

namespace pg {

// Runs `request` in a worker of its own and returns its rows.
// Errors: 53000 (insufficient_resources) when no background worker slot is free; 40P01
// (deadlock_detected) when the worker waits for a lock the calling transaction holds (e.g. on a
// cart it changed and has not committed); the worker's own error as it raised it. A cancel or
// statement_timeout of the caller is passed on to the worker, which records what it sent before
// stopping; the caller's cancel is raised once the worker has finished.
std::vector<BatchRow> process_in_worker(const BatchRequest& request);

namespace batch_worker {

// The shared segment: its magic number and table-of-contents keys.
constexpr uint64 kMagic = 0x63615f6261746368;  // "ca_batch"
enum Key : uint64 { kFixed = 1, kCursor, kOptions, kGucState, kQueue };

struct Fixed {
    Oid database_id;
    Oid authenticated_user_id;
    Oid current_user_id;  // SET ROLE and SECURITY DEFINER apply as in the caller
    int security_context;
    int batch_size;
};

// 1,000 rows of a large batch fill it about a third: the worker writes while the caller reads.
constexpr Size kQueueBytes = 256 * 1024;

// Messages on the queue besides the protocol's own 'E' (error) and 'N' (notice, warning).
constexpr char kRow = 'D';  // int32 stage, then cart id, action, detail: int32 length + bytes
constexpr char kDone = 'C';  // the batch's outcomes are committed and every row was sent

}  // namespace batch_worker

}  // namespace pg

extern "C" PGDLLEXPORT void cart_abandon_batch_worker(Datum main_arg);
