// A crash's uncertain claims (src/pg/store/uncertain_claims.cpp): sessions, start journals, and
// what the next run settles.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/delivery/start_journal.hpp"

namespace pg {

// A call that would claim or record a send fails here on a hot standby (read-only, in recovery),
// before any notice or work, naming the primary as the place to run it.
void refuse_on_standby(const char* call);

// This backend as claims name it ('<pid>.<backend start, unix microseconds>').
std::string claim_session();

// The start journal of a session of this database: a file in the data directory's
// cart_abandon_journal.
std::string journal_path(const std::string& session);

// This cluster's system identifier and current timeline, as journals record them.
cart_abandon::JournalOrigin journal_origin();

// This backend's journal, made (durably, with its header) before any of its claims is committed:
// a journal missing when its session is settled means a failover, and releases nothing.
void prepare_journal();

// Removes this backend's journal at the end of a call that left no claim open.
void retire_journal();

struct SettledClaims {
    uint64_t released = 0;  // never started: due again at once, attempts untouched
    uint64_t uncertain = 0;  // started: unknown until a status webhook settles them
};

// Claims of backends that are gone: those their start journal does not hold never left and are
// released; the others become unknown (their status webhooks settle them). A journal that cannot
// vouch (missing, another system identifier or timeline, no readable header) releases none: all
// its session's claims become unknown. Journals of gone backends are removed.
SettledClaims settle_dead_claims();

// Claims older than the timeout with no outcome: the process that made them died mid-flight.
// They become 'unknown' and are never resent. Returns how many.
uint64_t expire_stale_claims(std::chrono::seconds timeout);

}  // namespace pg
