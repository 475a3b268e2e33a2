// Which requests of a batch may have left this machine: the sender writes their keys (ledger
// row ids) to a file, durably, BEFORE it starts them. After a crash, a claim whose key is not in
// its backend's journal never left and can be released at once; one that is may have reached
// Meta and waits for its status webhook.
#pragma once

#include <string>
#include <vector>

namespace cart_abandon {

class StartJournal {
public:
    explicit StartJournal(std::string path) : path_(std::move(path)) {}

    // Appends the keys and makes them durable (fdatasync) before returning. Throws
    // Error(Internal), naming the file, when that fails: nothing may start then.
    void record(const std::vector<std::string>& keys);

    // Forgets every key (removes the file): the batch's outcomes are recorded.
    void clear();

    const std::string& path() const { return path_; }

    // The keys in a journal; none when the file does not exist (nothing was ever started). A
    // line cut short by a crash is ignored: its request had not started.
    static std::vector<std::string> read(const std::string& path);

private:
    std::string path_;
};

}  // namespace cart_abandon
