// The account-level webhooks of a WhatsApp Business Account (issue 19 part 5): a template's
// status (message_template_status_update: PAUSED for 3 h then 6 h, DISABLED, APPROVED again), its
// quality (message_template_quality_update), and the account's restrictions and bans
// (account_update). A sender pauses and resumes a template's stage, or the channel, from these
// without spending a request. Read by core/webhook.cpp into WebhookBatch.
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/transport/redaction.hpp"

namespace cart_abandon {

struct TemplateUpdate {
    std::string name;  // message_template_name
    std::string language;  // message_template_language ("" when absent: every language)
    std::string event;  // status: PAUSED, DISABLED, APPROVED, ... ; "" for a quality update
    std::string quality;  // quality: new_quality_score (GREEN, YELLOW, RED, UNKNOWN); "" for a status
    std::string reason;  // reason, or other_info.description; recordable, at most 300 bytes
    int64_t timestamp = 0;  // entry.time, unix seconds; 0 when absent
};

// Whether a template in this status refuses every send (132015, 132016 would follow).
bool template_event_stops_sending(const std::string& event);

struct AccountUpdate {
    std::string event;  // ACCOUNT_RESTRICTION, ACCOUNT_VIOLATION, DISABLED_UPDATE, ACCOUNT_BANNED, ...
    bool stops_marketing = false;  // business-initiated messaging restricted, or the account banned/disabled
    std::string reason;  // what the pause records: the event and its restriction or ban, recordable
    int64_t timestamp = 0;
};

// The value of a change of the field, read: nullopt when it is not one the sender acts on (an
// account update that leaves business-initiated messaging alone included).
std::optional<TemplateUpdate> read_template_update(const nlohmann::json& value, bool quality, int64_t at,
                                                   const Secrets& secrets);
std::optional<AccountUpdate> read_account_update(const nlohmann::json& value, int64_t at, const Secrets& secrets);

}  // namespace cart_abandon
