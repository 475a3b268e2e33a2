// The start journal vouches only for the cluster and timeline it was written under: a missing,
// foreign, older-timeline or unreadable journal releases nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <mutex>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/delivery/start_journal.hpp"

using namespace cart_abandon;

namespace {

// Every path fsync'd in this process, in order: the test binary's own fsync stands in for libc's
// (the executable's definition wins at link time) and passes each call on to the kernel.
std::mutex synced_mutex;
std::vector<std::string> synced_paths;

std::vector<std::string> take_synced() {
    std::lock_guard<std::mutex> lock(synced_mutex);
    return std::move(synced_paths);
}

}  // namespace

extern "C" int fsync(int fd) {
    char link[64];
    char target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, target, sizeof target - 1);
    {
        std::lock_guard<std::mutex> lock(synced_mutex);
        synced_paths.push_back(n > 0 ? std::string(target, std::size_t(n)) : "?");
    }
    return int(syscall(SYS_fsync, fd));
}

namespace {

constexpr JournalOrigin kHere{7312345678901234567ULL, 3};

class JournalDir : public ::testing::Test {
protected:
    void SetUp() override {
        char dir_template[] = "/tmp/cart_abandon_journal_test.XXXXXX";
        dir_ = mkdtemp(dir_template);
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string file_text(const std::string& path) {
        std::ifstream file(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    }

    std::string dir_;
};

JournalReading parse(const std::string& content) { return StartJournal::parse(true, content, kHere); }

}  // namespace

TEST(StartJournalHeader, NamesTheSystemAndTimeline) {
    EXPECT_EQ(journal_header(kHere), "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=3\n");
    EXPECT_EQ(journal_header({UINT64_MAX, UINT32_MAX}),
              "cart_abandon start journal 1 system_identifier=18446744073709551615 timeline=4294967295\n");
}

TEST(StartJournalHeader, VouchesOnlyForItsOwnSystemAndTimeline) {
    const std::string keys = "11\n12\n";
    const auto here = parse(journal_header(kHere) + keys);
    EXPECT_EQ(here.verdict, JournalVerdict::Vouches);
    EXPECT_EQ(here.keys, (std::vector<std::string>{"11", "12"}));
    EXPECT_TRUE(here.why_not().empty());

    const auto other_system = parse(journal_header({kHere.system_identifier + 1, kHere.timeline}) + keys);
    EXPECT_EQ(other_system.verdict, JournalVerdict::OtherSystem);
    EXPECT_TRUE(other_system.keys.empty()) << "a journal that cannot vouch lists nothing";
    EXPECT_NE(other_system.why_not().find("another cluster"), std::string::npos);

    // A promoted standby is on the next timeline; a point-in-time recovery too.
    for (uint32_t timeline : {kHere.timeline - 1, kHere.timeline + 1}) {
        const auto other_timeline = parse(journal_header({kHere.system_identifier, timeline}) + keys);
        EXPECT_EQ(other_timeline.verdict, JournalVerdict::OtherTimeline) << timeline;
        EXPECT_TRUE(other_timeline.keys.empty());
        EXPECT_NE(other_timeline.why_not().find("timeline"), std::string::npos);
    }
}

TEST(StartJournalHeader, NoFileCannotVouch) {
    const auto missing = StartJournal::parse(false, "", kHere);
    EXPECT_EQ(missing.verdict, JournalVerdict::Missing);
    EXPECT_FALSE(missing.vouches());
    EXPECT_NE(missing.why_not().find("missing"), std::string::npos);
}

TEST(StartJournalHeader, AHeaderItCannotReadCannotVouch) {
    const std::string header = journal_header(kHere);
    const std::vector<std::string> unreadable = {
        "",  // created, header not yet written (or lost)
        header.substr(0, header.size() - 1),  // header cut short before its newline
        header.substr(0, 30) + "\n",  // cut short mid-header
        "11\n12\n",  // written by 1.5 (keys, no header)
        "cart_abandon start journal 2 system_identifier=7312345678901234567 timeline=3\n11\n",  // a later format
        "cart_abandon start journal 1 system_identifier=07312345678901234567 timeline=3\n",  // leading zero
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=03\n",
        "cart_abandon start journal 1 system_identifier=-1 timeline=3\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=-3\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=4294967299\n",  // past uint32
        "cart_abandon start journal 1 system_identifier=18446744073709551616 timeline=3\n",  // past uint64
        "cart_abandon start journal 1 system_identifier= timeline=3\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=3 \n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567  timeline=3\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567\n",
        "cart_abandon start journal 1 system_identifier=7312345678901234567 timeline=3\r\n",
        std::string("cart_abandon start journal 1 system_identifier=7312345678901234567\0 timeline=3\n", 79),
        "\ncart_abandon start journal 1 system_identifier=7312345678901234567 timeline=3\n",
    };
    for (const auto& content : unreadable) {
        const auto reading = parse(content);
        EXPECT_EQ(reading.verdict, JournalVerdict::Unreadable) << content;
        EXPECT_TRUE(reading.keys.empty()) << content;
        EXPECT_NE(reading.why_not().find("header"), std::string::npos);
    }
}

TEST(StartJournalHeader, ReadsWholeKeyLinesOnly) {
    const auto cut = parse(journal_header(kHere) + "11\n12\n1");
    EXPECT_EQ(cut.verdict, JournalVerdict::Vouches);
    EXPECT_EQ(cut.keys, (std::vector<std::string>{"11", "12"})) << "a line cut short: its request had not started";
    EXPECT_TRUE(parse(journal_header(kHere)).keys.empty()) << "a header alone: nothing started";
    EXPECT_TRUE(parse(journal_header(kHere)).vouches());
}

TEST_F(JournalDir, PrepareMakesTheDirectoryAndTheHeaderBeforeAnyKey) {
    const std::string path = dir_ + "/journals/123.456";
    EXPECT_EQ(StartJournal::read(path, kHere).verdict, JournalVerdict::Missing);
    StartJournal journal(path, kHere);
    journal.prepare();
    struct stat st;
    ASSERT_EQ(stat((dir_ + "/journals").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ(file_text(path), journal_header(kHere));
    EXPECT_TRUE(StartJournal::read(path, kHere).vouches());
    EXPECT_EQ(StartJournal::names_in(dir_ + "/journals"), (std::vector<std::string>{"123.456"}));
    EXPECT_TRUE(StartJournal::names_in(dir_ + "/none").empty());
}

TEST_F(JournalDir, RecordClearAndPrepareAgainKeepTheHeader) {
    const std::string path = dir_ + "/j";
    StartJournal journal(path, kHere);
    journal.prepare();
    journal.record({"1", "2"});
    journal.record({"3"});
    EXPECT_EQ(StartJournal::read(path, kHere).keys, (std::vector<std::string>{"1", "2", "3"}));
    journal.prepare();  // the next batch claims while this one is in flight: its keys stay
    EXPECT_EQ(StartJournal::read(path, kHere).keys, (std::vector<std::string>{"1", "2", "3"}));
    journal.clear();
    EXPECT_EQ(file_text(path), journal_header(kHere)) << "cleared back to its header, not removed";
    journal.record({"4"});
    EXPECT_EQ(StartJournal::read(path, kHere).keys, (std::vector<std::string>{"4"}));
    journal.remove();
    EXPECT_EQ(StartJournal::read(path, kHere).verdict, JournalVerdict::Missing);
    journal.remove();  // twice is fine
    journal.clear();  // so is clearing none
}

TEST_F(JournalDir, RecordWithoutPrepareStartsNothing) {
    // A journal made at the first request would come after its claims: it could not vouch.
    StartJournal journal(dir_ + "/j", kHere);
    try {
        journal.record({"1"});
        FAIL() << "recorded into a journal never prepared";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir_ + "/j"), std::string::npos) << e.what();
    }
    EXPECT_EQ(StartJournal::read(dir_ + "/j", kHere).verdict, JournalVerdict::Missing);
}

TEST_F(JournalDir, PrepareReplacesAJournalThatCannotVouch) {
    const std::string path = dir_ + "/j";
    std::ofstream(path) << journal_header({kHere.system_identifier, kHere.timeline - 1}) << "7\n";
    EXPECT_EQ(StartJournal::read(path, kHere).verdict, JournalVerdict::OtherTimeline);
    StartJournal(path, kHere).prepare();
    EXPECT_EQ(file_text(path), journal_header(kHere));
    std::ofstream(path, std::ios::trunc) << "7\n";  // 1.5's form
    StartJournal(path, kHere).prepare();
    EXPECT_EQ(file_text(path), journal_header(kHere));
}

TEST_F(JournalDir, AFileThatCannotBeOpenedIsNotMissing) {
    if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
    const std::string path = dir_ + "/j";
    std::ofstream(path) << journal_header(kHere);
    chmod(path.c_str(), 0);
    EXPECT_EQ(StartJournal::read(path, kHere).verdict, JournalVerdict::Unreadable);
}

TEST_F(JournalDir, ANewJournalIsSyncedWithItsDirectoryAndANewDirectoryWithItsParent) {
    // PostgreSQL's fsync_fname pattern: a power loss right after creation must not lose either.
    char resolved[PATH_MAX];
    ASSERT_NE(realpath(dir_.c_str(), resolved), nullptr);
    const std::string dir = resolved;
    take_synced();
    StartJournal journal(dir + "/journals/123.456", kHere);
    journal.prepare();
    EXPECT_EQ(take_synced(), (std::vector<std::string>{dir, dir + "/journals/123.456", dir + "/journals"}))
        << "the new directory's parent, the journal, then its directory";
    journal.prepare();
    EXPECT_TRUE(take_synced().empty()) << "a journal already made is not made again";
    journal.remove();
    journal.prepare();
    EXPECT_EQ(take_synced(), (std::vector<std::string>{dir + "/journals/123.456", dir + "/journals"}))
        << "an existing directory: the journal and its directory";
}

TEST_F(JournalDir, DirectoriesAreSynced) {
    EXPECT_NO_THROW(fsync_directory(dir_));
    EXPECT_NO_THROW(fsync_directory("."));
    EXPECT_THROW(fsync_directory(dir_ + "/none"), Error);
    const std::string blocked = dir_ + "/file/journals/j";  // its directory's parent is a file
    std::ofstream(dir_ + "/file") << "x";
    EXPECT_THROW(StartJournal(blocked, kHere).prepare(), Error);
}
