// A crash's uncertain claims (src/pg/uncertain_claims.cpp): sessions, start journals, and
// what the next run settles.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pg {

// This backend as claims name it ('<pid>.<backend start, unix microseconds>').
std::string claim_session();

// The start journal of a session: a file in the data directory (made on first use).
std::string journal_path(const std::string& session);

struct SettledClaims {
    uint64_t released = 0;  // never started: due again at once, attempts untouched
    uint64_t uncertain = 0;  // started: unknown until a status webhook settles them
};

// Claims of backends that are gone: those their start journal does not hold never left and are
// released; the others become unknown (their status webhooks settle them). Journals of gone
// backends are removed.
SettledClaims settle_dead_claims();

// Claims older than the timeout with no outcome: the process that made them died mid-flight.
// They become 'unknown' and are never resent. Returns how many.
uint64_t expire_stale_claims(std::chrono::seconds timeout);

}  // namespace pg
