// Which requests of a batch may have left this machine: the sender writes their keys (ledger
// row ids) to a file, durably, BEFORE it starts them. After a crash, a claim whose key is not in
// its backend's journal never left and can be released at once; one that is may have reached
// Meta and waits for its status webhook.
//
// The journal vouches only for the cluster and WAL timeline it was written under: its first line
// names them. After a standby's promotion (a new timeline), a restored backup or a file from
// another cluster, or with no journal at all, it cannot say what never left, and nothing is
// released on its word. So the journal exists before any claim of its session is committed.
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cart_abandon {

// Where a journal is written: pg_control's system identifier and the WAL timeline in force.
struct JournalOrigin {
    uint64_t system_identifier = 0;
    uint32_t timeline = 0;

    bool operator==(const JournalOrigin& other) const {
        return system_identifier == other.system_identifier && timeline == other.timeline;
    }
};

// The journal's first line for an origin, newline included.
std::string journal_header(const JournalOrigin& origin);

enum class JournalVerdict {
    Vouches,  // written here: its keys are every request of its session that may have left
    Missing,  // no file (a promoted standby's data directory, or created after the claims)
    Unreadable,  // no header it can read (cut short, damaged, or written before 1.6)
    OtherSystem,  // written under another system identifier (another cluster)
    OtherTimeline,  // written under another timeline (before a promotion or a point-in-time recovery)
};

struct JournalReading {
    JournalVerdict verdict = JournalVerdict::Missing;
    std::vector<std::string> keys;  // only when it vouches

    bool vouches() const { return verdict == JournalVerdict::Vouches; }
    // Why it cannot vouch, in the ledger's words ("" when it does).
    std::string why_not() const;
};

class StartJournal {
public:
    // `path`: "<directory>/<file>"; the directory is made when missing.
    StartJournal(std::string path, JournalOrigin origin) : path_(std::move(path)), origin_(origin) {}

    // Makes the journal exist, durably, under this origin (file, directory entry and, when it is
    // made, the directory itself): before any claim of the session is committed. Keeps the keys
    // of a journal already written under this origin; replaces one that cannot vouch. Throws
    // Error(Internal), naming the file, when that fails: nothing may be claimed then.
    void prepare();

    // Appends the keys and makes them durable (fdatasync) before returning. The journal must have
    // been prepared: a missing file fails. Throws Error(Internal), naming the file, when that
    // fails: nothing may start then.
    void record(const std::vector<std::string>& keys);

    // Forgets every key (back to the header): the batch's outcomes are recorded.
    void clear();

    // Removes the journal: its session has no claim left and is ending its call.
    void remove();

    const std::string& path() const { return path_; }

    // The journal at `path` as seen from `current`: a line cut short by a crash is ignored (its
    // request had not started).
    static JournalReading read(const std::string& path, const JournalOrigin& current);
    // The same for a file's content (`exists` false: there is no file).
    static JournalReading parse(bool exists, const std::string& content, const JournalOrigin& current);

    // The names of the journals in a directory (none when it does not exist).
    static std::vector<std::string> names_in(const std::string& directory);

private:
    std::string path_;
    JournalOrigin origin_;
};

// fsync of a directory, as PostgreSQL's fsync_fname does it (opened read-only; EBADF and EINVAL,
// which some systems answer for directories, are not failures). Throws Error(Internal).
void fsync_directory(const std::string& directory);

}  // namespace cart_abandon
