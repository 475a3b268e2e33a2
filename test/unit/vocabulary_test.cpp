// The vocabulary's names are the SQL's: every CHECK constraint that lists a word family in
// sql/parts/tables.sql lists exactly the names of core/model/vocabulary.hpp, and every name reads
// back as its word.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "core/channels/whatsapp/webhook_status.hpp"
#include "core/model/vocabulary.hpp"
#include "core/delivery/reference.hpp"

using namespace cart_abandon;

namespace {

std::string tables_sql() {
    // The tests run from the repository's root (make unittest).
    std::ifstream in("sql/parts/tables.sql");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The quoted words of the CHECK that starts with `opening` ("status IN ("), up to its ')'.
std::set<std::string> check_list(const std::string& sql, const std::string& opening) {
    std::set<std::string> words;
    const auto at = sql.find(opening);
    if (at == std::string::npos) return words;
    const auto end = sql.find(')', at + opening.size());
    for (auto quote = sql.find('\'', at); quote < end;) {
        const auto close = sql.find('\'', quote + 1);
        words.insert(sql.substr(quote + 1, close - quote - 1));
        quote = sql.find('\'', close + 1);
    }
    return words;
}

template <typename Word>
std::set<std::string> names_of() {
    const auto& names = WordNames<Word>::names;
    return {names.begin(), names.end()};
}

template <typename Word>
void expect_round_trip() {
    for (std::size_t i = 0; i < WordNames<Word>::names.size(); ++i) {
        const Word word = Word(i);
        EXPECT_EQ(parse_word<Word>(name(word)), word) << name(word);
    }
    EXPECT_FALSE(parse_word<Word>(""));
    EXPECT_FALSE(parse_word<Word>("SENT"));
}

}  // namespace

TEST(Vocabulary, TheSqlChecksListTheSameNames) {
    const std::string sql = tables_sql();
    ASSERT_FALSE(sql.empty()) << "sql/parts/tables.sql not found from "
                              << std::string(getenv("PWD") ? getenv("PWD") : "?");
    EXPECT_EQ(check_list(sql, "CHECK (status IN ("), names_of<Status>());
    EXPECT_EQ(check_list(sql, "CHECK (origin IN ("), names_of<Origin>());
    EXPECT_EQ(check_list(sql, "CHECK (webhook_status IN ("), names_of<ProviderStatus>());
    EXPECT_EQ(check_list(sql, "CHECK (channel IN ("), names_of<ChannelKind>());
    // The run log's statuses: the second "status IN (" list of the file.
    const auto runs = sql.find("CREATE TABLE cart_abandon.runs");
    ASSERT_NE(runs, std::string::npos);
    EXPECT_EQ(check_list(sql.substr(runs), "CHECK (status IN ("), names_of<RunStatus>());
}

TEST(Vocabulary, EveryNameReadsBackAsItsWord) {
    expect_round_trip<Status>();
    expect_round_trip<Origin>();
    expect_round_trip<Action>();
    expect_round_trip<SkipReason>();
    expect_round_trip<HoldReason>();
    expect_round_trip<RunStatus>();
    expect_round_trip<ProviderStatus>();
    expect_round_trip<FailureAction>();
    expect_round_trip<ChannelKind>();
}

TEST(Vocabulary, TheSkipsADataChangeLifts) {
    for (std::size_t i = 0; i < WordNames<SkipReason>::names.size(); ++i) {
        const auto reason = SkipReason(i);
        const bool want_of_data = reason == SkipReason::NoPhone || reason == SkipReason::InvalidPhone ||
                                  reason == SkipReason::BlockedRegion || reason == SkipReason::NoConsent ||
                                  reason == SkipReason::NoEmail;
        EXPECT_EQ(lifted_by_change(reason), want_of_data) << name(reason);
    }
}

TEST(WhatsAppStatus, FailureActionsFollowMetasTable) {
    EXPECT_EQ(failure_action(131050), FailureAction::OptOut);
    EXPECT_EQ(failure_action(131049), FailureAction::Defer);
    EXPECT_EQ(failure_action(131000), FailureAction::Retry);
    EXPECT_EQ(failure_action(130497), FailureAction::Retry);
    EXPECT_EQ(failure_action(190), FailureAction::Pause);
    EXPECT_EQ(failure_action(131026), FailureAction::Close);
    EXPECT_EQ(failure_action(987654), FailureAction::Recheck);
}

TEST(WhatsAppStatus, AnEventCarriesTheLedgerRowAndWhatAFailureDoes) {
    StatusUpdate s;
    s.wamid = "wamid.A";
    s.status = ProviderStatus::Failed;
    s.timestamp = 1'800'000'000;
    s.recipient_id = "4915123456789";
    s.callback_data = message_reference(42, 1'700'000'000'000'000);
    s.has_error_code = true;
    s.error_code = 131026;
    auto e = status_event(s);
    EXPECT_EQ(e.provider_message_id, "wamid.A");
    EXPECT_EQ(e.at, Timestamp(std::chrono::seconds(1'800'000'000)));
    EXPECT_EQ(e.delivery_id, 42);
    EXPECT_EQ(e.claimed_at, Timestamp(Microseconds(1'700'000'000'000'000)));
    EXPECT_EQ(e.action, FailureAction::Close);
    EXPECT_EQ(e.error_code, 131026);
    EXPECT_EQ(e.error_text, "error 131026");
    EXPECT_FALSE(e.metadata_error.empty());
    s.has_error_code = false;  // no code is not Meta's code 0 (which pauses)
    e = status_event(s);
    EXPECT_EQ(e.action, FailureAction::Recheck);
    EXPECT_EQ(e.error_code, 0);
    EXPECT_EQ(e.error_text, "failed without an error code");
    s.status = ProviderStatus::Delivered;
    EXPECT_FALSE(status_event(s).action);
    s.callback_data = "someone else's";
    EXPECT_FALSE(status_event(s).delivery_id);
}
