// What Meta's webhooks change: ledger rows (statuses), the opt-out list (preferences, replies),
// and the channel's webhook health. Statements in src/pg/store/webhook_statuses.cpp
// (statuses) and src/pg/store/webhook_ledger.cpp (the rest).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/event.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"

namespace pg {

using StatusRow = cart_abandon::StatusEvent;

struct StatusResult {
    uint64_t matched = 0;  // statuses of messages the ledger knows
    uint64_t kept = 0;  // statuses of no recorded message yet: kept to apply later
    uint64_t changed = 0;  // statuses whose message's row changed (0 for a body applied before)
    uint64_t opt_outs_added = 0;
    std::optional<cart_abandon::Timestamp> covers;  // the latest claim a status spoke of
    std::optional<long> pause_code;  // a failure after acceptance that is the channel's
    std::string pause_text;
    std::vector<int64_t> metadata_pending;  // rows whose cart metadata is to be written

    // Adds what a later application changed (kept statuses applied after a body's own).
    void add(StatusResult&& other);
};

// Records the channel's pause when a failure after acceptance was the channel's (a code that every
// message gets alike), with Meta's text.
void record_pause_of(cart_abandon::ChannelKind channel, const StatusResult& result);

// Holds, until the transaction ends, the lock that makes webhook calls apply one at a time.
void serialize_webhooks();

StatusResult apply_statuses(cart_abandon::ChannelKind channel, const std::vector<StatusRow>& rows, int max_attempts);

// Keeps the business-scoped user id each status named beside its message's wa_id (part 5).
void store_user_ids(cart_abandon::ChannelKind channel, const std::vector<StatusRow>& rows);

struct PreferenceRow {
    std::string wa_id;  // "" when Meta sent the user id alone
    std::string value;  // stop, resume
    cart_abandon::Timestamp at{};
    std::string user_id;  // the business-scoped user id, "" when absent
    std::string phone_number_id;  // the number it applies to (value.metadata), "" when absent
};

struct PreferenceResult {
    uint64_t applied = 0;  // events newer than what was known
    uint64_t added = 0;
    uint64_t removed = 0;
};

PreferenceResult apply_preferences(const std::vector<PreferenceRow>& rows);

// Opt-outs by reply ("STOP", "Stop promotions"); returns how many people were added. The person
// is named by wa_id, or by business-scoped user id alone.
struct ReplyRow {
    std::string wa_id;
    std::string user_id;
    std::string phone_number_id;  // the number asked (value.metadata), "" when absent
};
uint64_t add_reply_opt_outs(const std::vector<ReplyRow>& replies);

// Records that a signed webhook arrived now, and how far statuses have spoken.
void note_webhook(cart_abandon::ChannelKind channel, std::optional<cart_abandon::Timestamp> covers);

}  // namespace pg
