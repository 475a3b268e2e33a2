#include "core/delivery/start_journal.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr char kHeaderStart[] = "cart_abandon start journal 1 system_identifier=";
constexpr char kTimeline[] = " timeline=";

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw Error(ErrorKind::Internal,
                "could not " + what + " the start journal \"" + path + "\": " + std::strerror(error),
                "No reminder is claimed or started that the journal cannot vouch for.");
}

// "a/b/c" -> "a/b"; "c" -> ".".
std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Decimal digits only, no sign, no overflow past `max`.
bool parse_number(const std::string& text, uint64_t max, uint64_t& out) {
    if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    errno = 0;
    const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || value > max) return false;
    out = value;
    return true;
}

void write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail("write", path, error);
        }
        written += std::size_t(n);
    }
}

}  // namespace

std::string journal_header(const JournalOrigin& origin) {
    return kHeaderStart + std::to_string(origin.system_identifier) + kTimeline + std::to_string(origin.timeline) + "\n";
}

std::string JournalReading::why_not() const {
    switch (verdict) {
        case JournalVerdict::Vouches: return "";
        case JournalVerdict::Missing:
            return "its session's start journal is missing (after a failover, the old primary's journal stays "
                   "behind)";
        case JournalVerdict::Unreadable: return "its session's start journal has no readable header";
        case JournalVerdict::OtherSystem:
            return "its session's start journal was written by another cluster (system identifier)";
        case JournalVerdict::OtherTimeline:
            return "its session's start journal was written on another timeline (before a promotion or a "
                   "point-in-time recovery)";
    }
    return "";
}

void fsync_directory(const std::string& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open the directory of", directory, errno);
    if (::fsync(fd) != 0 && errno != EBADF && errno != EINVAL) {
        const int error = errno;
        ::close(fd);
        fail("sync the directory of", directory, error);
    }
    ::close(fd);
}

void StartJournal::prepare() {
    const std::string directory = parent_of(path_);
    if (::mkdir(directory.c_str(), S_IRWXU) == 0) {
        fsync_directory(parent_of(directory));  // the new directory's entry is durable too
    } else if (errno != EEXIST) {
        fail("create the directory of", path_, errno);
    }
    const JournalReading existing = read(path_, origin_);
    if (existing.vouches()) return;  // this session's, written under this origin: its keys stay
    if (existing.verdict != JournalVerdict::Missing && ::unlink(path_.c_str()) != 0 && errno != ENOENT)
        fail("replace", path_, errno);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) fail("create", path_, errno);
    write_all(fd, journal_header(origin_), path_);
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail("sync", path_, error);
    }
    ::close(fd);
    // The file's name durable too: a power loss right after must not lose the journal.
    fsync_directory(directory);
}

void StartJournal::record(const std::vector<std::string>& keys) {
    if (keys.empty()) return;
    std::string text;
    for (const auto& key : keys) text += key + "\n";
    // No O_CREAT: a journal made now would come after its claims (prepare makes it before them).
    const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) fail("open", path_, errno);
    write_all(fd, text, path_);
    // Durable before the requests start: a crash of the machine must not forget a started one.
    if (::fdatasync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail("sync", path_, error);
    }
    ::close(fd);
}

void StartJournal::clear() {
    // Not synced: keys that outlive a crash name rows no longer claimed, or make a claim of the
    // same row unknown rather than released. Never the unsafe way.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        fail("open", path_, errno);
    }
    if (::ftruncate(fd, off_t(journal_header(origin_).size())) != 0) {
        const int error = errno;
        ::close(fd);
        fail("truncate", path_, error);
    }
    ::close(fd);
}

void StartJournal::remove() {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) fail("remove", path_, errno);
}

JournalReading StartJournal::read(const std::string& path, const JournalOrigin& current) {
    std::ifstream file(path, std::ios::binary);
    if (!file.is_open()) {
        JournalReading reading;
        // A file that exists but cannot be opened is not a missing one: it cannot vouch either way.
        struct stat st;
        reading.verdict = ::stat(path.c_str(), &st) == 0 ? JournalVerdict::Unreadable : JournalVerdict::Missing;
        return reading;
    }
    const std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad()) return {JournalVerdict::Unreadable, {}};
    return parse(true, content, current);
}

JournalReading StartJournal::parse(bool exists, const std::string& content, const JournalOrigin& current) {
    JournalReading reading;
    if (!exists) return reading;
    reading.verdict = JournalVerdict::Unreadable;
    const auto header_end = content.find('\n');
    if (header_end == std::string::npos) return reading;  // cut short before its header was whole
    const std::string header = content.substr(0, header_end + 1);
    if (header.compare(0, sizeof kHeaderStart - 1, kHeaderStart) != 0) return reading;
    const auto timeline_at = header.find(kTimeline, sizeof kHeaderStart - 1);
    if (timeline_at == std::string::npos) return reading;
    JournalOrigin written;
    uint64_t timeline = 0;
    if (!parse_number(header.substr(sizeof kHeaderStart - 1, timeline_at - (sizeof kHeaderStart - 1)), UINT64_MAX,
                      written.system_identifier) ||
        !parse_number(
            header.substr(timeline_at + sizeof kTimeline - 1, header.size() - 1 - (timeline_at + sizeof kTimeline - 1)),
            UINT32_MAX, timeline))
        return reading;
    written.timeline = uint32_t(timeline);
    if (journal_header(written) != header) return reading;  // only the form it writes (no leading zeros)
    if (written.system_identifier != current.system_identifier) {
        reading.verdict = JournalVerdict::OtherSystem;
        return reading;
    }
    if (written.timeline != current.timeline) {
        reading.verdict = JournalVerdict::OtherTimeline;
        return reading;
    }
    reading.verdict = JournalVerdict::Vouches;
    std::size_t start = header_end + 1;
    for (std::size_t end; (end = content.find('\n', start)) != std::string::npos; start = end + 1)
        if (end > start) reading.keys.push_back(content.substr(start, end - start));
    return reading;  // whatever follows the last newline was cut short
}

std::vector<std::string> StartJournal::names_in(const std::string& directory) {
    std::vector<std::string> names;
    DIR* dir = ::opendir(directory.c_str());
    if (!dir) return names;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    return names;
}

}  // namespace cart_abandon
