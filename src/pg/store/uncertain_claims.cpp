// A crash's uncertain claims: the start journal of the backend that claimed them says which
// requests left; the gone backend's claims that never left are released, the others are `unknown`
// until their status webhook settles them. Silence is no proof that Meta did not accept one: a
// status can come days late (Meta retries a webhook for 7 days) or never (a held template).
// A journal that cannot vouch (missing after a failover, another timeline or cluster) releases
// nothing: every open claim of its session is unknown.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/delivery/start_journal.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

extern "C" {
#include "access/xlog.h"
#include "access/xlogrecovery.h"
}

namespace pg {

namespace {

Statement expire_statement(R"SQL(
UPDATE cart_abandon.deliveries
   SET status = 'unknown', updated_at = clock_timestamp(),
       error_message = 'outcome unknown: the run that claimed this reminder stopped before recording an answer; not resent'
 WHERE status = 'claimed' AND claimed_at < clock_timestamp() - make_interval(secs => $1)
)SQL",
                           {FLOAT8OID});

Statement dead_sessions_statement(R"SQL(
SELECT DISTINCT claim_session FROM cart_abandon.deliveries
 WHERE status = 'claimed' AND claim_session IS NOT NULL AND NOT cart_abandon.session_alive(claim_session)
)SQL",
                                  {});

Statement settle_session_statement(R"SQL(
UPDATE cart_abandon.deliveries
   SET status = CASE WHEN id = ANY ($2) THEN 'unknown' ELSE 'retry' END,
       error_message = CASE WHEN id = ANY ($2)
           THEN 'outcome unknown: the run that sent it stopped before its answer; its status webhook settles it'
           ELSE 'released: the run that claimed it stopped before sending it' END,
       claim_session = CASE WHEN id = ANY ($2) THEN claim_session END,
       updated_at = clock_timestamp()
 WHERE status = 'claimed' AND claim_session = $1
RETURNING status = 'unknown'
)SQL",
                                   {TEXTOID, INT8ARRAYOID});

// The journal cannot say which of them left: none is released.
Statement unvouched_session_statement(R"SQL(
UPDATE cart_abandon.deliveries
   SET status = 'unknown',
       error_message = 'outcome unknown: the run that claimed it stopped before its answer and ' || $2 ||
                       '; not resent, its status webhook settles it',
       updated_at = clock_timestamp()
 WHERE status = 'claimed' AND claim_session = $1
)SQL",
                                      {TEXTOID, TEXTOID});

// Journals of sessions that are gone and hold no claim: nothing left for them to vouch for.
Statement spent_journals_statement(R"SQL(
SELECT s FROM unnest($1::text[]) AS s
 WHERE NOT cart_abandon.session_alive(s)
   AND NOT EXISTS (SELECT 1 FROM cart_abandon.deliveries d WHERE d.status = 'claimed' AND d.claim_session = s)
)SQL",
                                   {TEXTARRAYOID});

// Databases, named by the journals of the cluster's directory, that no longer exist.
Statement dropped_databases_statement(R"SQL(
SELECT o FROM unnest($1::text[]) AS o
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database d WHERE d.oid::text = o)
)SQL",
                                      {TEXTARRAYOID});

constexpr char kJournalDirectory[] = "cart_abandon_journal";  // relative to the data directory

}  // namespace

void refuse_on_standby(const char* call) {
    guarded([&] {
        if (!RecoveryInProgress()) return;
        ereport(ERROR,
                (errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION), errmsg("cart_abandon cannot send from a hot standby"),
                 errdetail("%s claims reminders and records what it sent; this server is a standby in "
                           "recovery, read-only. Nothing was claimed or sent.",
                           call),
                 errhint("Run it on the primary (this standby's pg_stat_wal_receiver names it as "
                         "sender_host). cart_abandon_stats() and dry runs ('{\"dryRun\": true}') "
                         "work on a standby.")));
    });
}

std::string claim_session() {
    const int64_t start_unix_us =
        int64_t(MyStartTimestamp) + int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
    return std::to_string(MyProcPid) + "." + std::to_string(start_unix_us);
}

// Journals are named "<database oid>.<session>": the directory is the cluster's, and a database's
// runs settle and sweep only its own.
static std::string journal_prefix() { return std::to_string(MyDatabaseId) + "."; }

std::string journal_path(const std::string& session) {
    // Relative to the data directory, the backend's working directory.
    return std::string(kJournalDirectory) + "/" + journal_prefix() + session;
}

cart_abandon::JournalOrigin journal_origin() {
    return guarded([] {
        cart_abandon::JournalOrigin origin;
        origin.system_identifier = GetSystemIdentifier();
        TimeLineID timeline = 0;
        if (RecoveryInProgress())
            (void)GetXLogReplayRecPtr(&timeline);
        else
            timeline = GetWALInsertionTimeLine();
        origin.timeline = timeline;
        return origin;
    });
}

cart_abandon::StartJournal session_journal() {
    return cart_abandon::StartJournal(journal_path(claim_session()), journal_origin());
}

void prepare_journal() { session_journal().prepare(); }

void retire_journal() {
    try {
        session_journal().remove();
    } catch (const std::runtime_error&) {  // cart_abandon::Error: left, a later run's settling removes it
    }
}

// Journals whose sessions ended with no claim open (each session keeps one while it lives), and
// those of dropped databases (no run will ever settle them).
static void remove_spent_journals() {
    std::vector<std::string> names;
    std::vector<std::string> databases;  // of the other journals
    for (const auto& name : cart_abandon::StartJournal::names_in(kJournalDirectory)) {
        if (name.compare(0, journal_prefix().size(), journal_prefix()) == 0)
            names.push_back(name.substr(journal_prefix().size()));
        else
            databases.push_back(name.substr(0, name.find('.')));
    }
    if (!databases.empty()) {
        std::vector<std::string> dropped;
        const auto found = dropped_databases_statement.execute({text_array(databases)});
        for (uint64_t row = 0; row < found; ++row) dropped.push_back(cell_text_or_empty(row, 0) + ".");
        release_result();
        for (const auto& name : cart_abandon::StartJournal::names_in(kJournalDirectory))
            for (const auto& prefix : dropped)
                if (name.compare(0, prefix.size(), prefix) == 0)
                    std::remove((std::string(kJournalDirectory) + "/" + name).c_str());
    }
    if (!names.empty()) {
        std::vector<std::string> spent;
        const auto found = spent_journals_statement.execute({text_array(names)});
        for (uint64_t row = 0; row < found; ++row) spent.push_back(cell_text_or_empty(row, 0));
        release_result();
        for (const auto& name : spent) std::remove(journal_path(name).c_str());
    }
}

SettledClaims settle_dead_claims() {
    SettledClaims settled;
    std::vector<std::string> sessions;
    const auto rows = dead_sessions_statement.execute({});
    for (uint64_t row = 0; row < rows; ++row) sessions.push_back(cell_text_or_empty(row, 0));
    release_result();
    const auto origin = journal_origin();
    for (const auto& session : sessions) {
        const std::string path = journal_path(session);
        const auto journal = cart_abandon::StartJournal::read(path, origin);
        if (!journal.vouches()) {
            settled.uncertain += unvouched_session_statement.run({text_value(session), text_value(journal.why_not())});
        } else {
            std::vector<int64_t> started;
            for (const auto& key : journal.keys) {
                if (!key.empty() && key.size() <= 18 && key.find_first_not_of("0123456789") == std::string::npos)
                    started.push_back(std::stoll(key));
            }
            const auto changed = settle_session_statement.execute({text_value(session), int8_array(started)});
            for (uint64_t row = 0; row < changed; ++row) ++(cell_bool(row, 0) ? settled.uncertain : settled.released);
            release_result();
        }
        std::remove(path.c_str());
    }
    remove_spent_journals();
    return settled;
}

uint64_t expire_stale_claims(std::chrono::seconds timeout) {
    return expire_statement.run({Float8GetDatum(double(timeout.count()))});
}

}  // namespace pg
