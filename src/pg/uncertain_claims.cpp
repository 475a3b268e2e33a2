// A crash's uncertain claims: the start journal of the backend that claimed them says which
// requests left; the gone backend's claims that never left are released, the others are `unknown`
// until their status webhook settles them. Silence is no proof that Meta did not accept one: a
// status can come days late (Meta retries a webhook for 7 days) or never (a held template).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "core/start_journal.hpp"
#include "pg/boundary.hpp"
#include "pg/due_carts.hpp"
#include "pg/spi.hpp"
#include "pg/uncertain_claims.hpp"

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

}  // namespace

std::string claim_session() {
    const int64_t start_unix_us =
        int64_t(MyStartTimestamp) + int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
    return std::to_string(MyProcPid) + "." + std::to_string(start_unix_us);
}

std::string journal_path(const std::string& session) {
    // Relative to the data directory, the backend's working directory.
    static const char* const kDirectory = "cart_abandon_journal";
    static bool made = false;  // once per backend, not per batch (a removed directory stops the
                               // journal's writes, and with them every start: never unsafe)
    if (!made) {
        guarded([] {
            if (mkdir(kDirectory, S_IRWXU) != 0 && errno != EEXIST)
                ereport(ERROR, (errcode_for_file_access(),
                                errmsg("could not create directory \"%s\": %m", kDirectory)));
        });
        made = true;
    }
    return std::string(kDirectory) + "/" + session;
}

SettledClaims settle_dead_claims() {
    SettledClaims settled;
    std::vector<std::string> sessions;
    const auto rows = dead_sessions_statement.execute({});
    for (uint64_t row = 0; row < rows; ++row) sessions.push_back(cell_text_or_empty(row, 0));
    release_result();
    for (const auto& session : sessions) {
        const std::string path = journal_path(session);
        std::vector<int64_t> started;
        for (const auto& key : cart_abandon::StartJournal::read(path)) {
            if (!key.empty() && key.size() <= 18 && key.find_first_not_of("0123456789") == std::string::npos)
                started.push_back(std::stoll(key));
        }
        const auto changed = settle_session_statement.execute({text_value(session), int8_array(started)});
        for (uint64_t row = 0; row < changed; ++row) ++(cell_bool(row, 0) ? settled.uncertain : settled.released);
        release_result();
        std::remove(path.c_str());
    }
    return settled;
}

uint64_t expire_stale_claims(std::chrono::seconds timeout) {
    return expire_statement.run({Float8GetDatum(double(timeout.count()))});
}

}  // namespace pg
