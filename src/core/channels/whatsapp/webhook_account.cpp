#include "core/channels/whatsapp/webhook_account.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cart_abandon {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 512;
constexpr std::size_t kMaxReasonBytes = 300;

std::string text_at(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Texts for a record: no control character (PostgreSQL text cannot hold a NUL), redacted, cut.
std::string recorded(std::string text, const Secrets& secrets, std::size_t max) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return uint8_t(c) < 0x20 || c == 0x7F; }, ' ');
    return recordable(std::move(text), secrets, max);
}

}  // namespace

bool template_event_stops_sending(const std::string& event) {
    return event == "PAUSED" || event == "DISABLED" || event == "REJECTED" || event == "PENDING_DELETION" ||
           event == "DELETED";
}

std::optional<TemplateUpdate> read_template_update(const json& value, bool quality, int64_t at,
                                                   const Secrets& secrets) {
    TemplateUpdate update;
    update.name = text_at(value, "message_template_name");
    update.language = text_at(value, "message_template_language");
    if (update.name.empty() || update.name.size() > kMaxNameBytes || update.language.size() > kMaxNameBytes)
        return std::nullopt;
    if (quality) {
        update.quality = text_at(value, "new_quality_score");
        if (update.quality.empty()) return std::nullopt;
    } else {
        update.event = text_at(value, "event");
        if (update.event.empty()) return std::nullopt;
        std::string reason = text_at(value, "reason");
        const std::string description =
            value.contains("other_info") ? text_at(value["other_info"], "description") : std::string();
        if (!description.empty())
            reason = reason.empty() || reason == "NONE" ? description : reason + ": " + description;
        update.reason = recorded(std::move(reason), secrets, kMaxReasonBytes);
    }
    update.name = recorded(std::move(update.name), secrets, kMaxNameBytes);
    update.language = recorded(std::move(update.language), secrets, kMaxNameBytes);
    update.timestamp = at;
    return update;
}

std::optional<AccountUpdate> read_account_update(const json& value, int64_t at, const Secrets& secrets) {
    AccountUpdate update;
    update.event = text_at(value, "event");
    if (update.event.empty()) return std::nullopt;
    update.timestamp = at;
    std::string reason = update.event;
    // restriction_info[]: {restriction_type, expiration}; ban_info: {waba_ban_state, waba_ban_date}.
    if (value.contains("restriction_info") && value["restriction_info"].is_array()) {
        for (const json& restriction : value["restriction_info"]) {
            const std::string type = text_at(restriction, "restriction_type");
            if (type.empty()) continue;
            reason += " " + type;
            if (type == "RESTRICTED_BIZ_INITIATED_MESSAGING") update.stops_marketing = true;
            const auto expiration = restriction.is_object() ? restriction.find("expiration") : restriction.end();
            if (restriction.is_object() && expiration != restriction.end() && expiration->is_number_integer())
                reason += " until unix " + std::to_string(expiration->get<int64_t>());
        }
    }
    if (value.contains("ban_info")) {
        const std::string state = text_at(value["ban_info"], "waba_ban_state");
        if (!state.empty()) reason += " ban " + state;
        if (state == "DISABLE" || state == "SCHEDULE_FOR_DISABLE") update.stops_marketing = true;
    }
    if (update.event == "ACCOUNT_BANNED") update.stops_marketing = true;
    if (!update.stops_marketing) return std::nullopt;  // read, not acted on: ignored
    update.reason = recorded(std::move(reason), secrets, kMaxReasonBytes);
    return update;
}

}  // namespace cart_abandon
