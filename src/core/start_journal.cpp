#include "start_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "error.hpp"

namespace cart_abandon {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw Error(ErrorKind::Internal, "could not " + what + " the start journal \"" + path + "\": " + std::strerror(error),
                "No request is started that the journal does not hold.");
}

}  // namespace

void StartJournal::record(const std::vector<std::string>& keys) {
    if (keys.empty()) return;
    std::string text;
    for (const auto& key : keys) text += key + "\n";
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) fail("open", path_, errno);
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail("write", path_, error);
        }
        written += std::size_t(n);
    }
    // Durable before the requests start: a crash of the machine must not forget a started one.
    if (::fdatasync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail("sync", path_, error);
    }
    ::close(fd);
}

void StartJournal::clear() {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) fail("remove", path_, errno);
}

std::vector<std::string> StartJournal::read(const std::string& path) {
    std::vector<std::string> keys;
    std::ifstream file(path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::size_t start = 0;
    for (std::size_t end; (end = content.find('\n', start)) != std::string::npos; start = end + 1)
        if (end > start) keys.push_back(content.substr(start, end - start));
    return keys;  // whatever follows the last newline was cut short
}

}  // namespace cart_abandon
