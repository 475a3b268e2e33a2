// What a provider's webhook says happened to a sent message, in the ledger's terms: one status
// event, channel-neutral (the WhatsApp channel turns Meta's statuses into these).
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"

namespace cart_abandon {

struct StatusEvent {
    std::string provider_message_id;  // Meta's wamid
    ProviderStatus status = ProviderStatus::Sent;
    Timestamp at{};  // the provider's time
    std::string recipient;  // the provider's id of the person (Meta's wa_id)
    std::string recipient_user_id;  // Meta's business-scoped user id, "" when absent
    std::optional<int64_t> delivery_id;  // the ledger row the message's callback data names
    std::optional<Timestamp> claimed_at;  // the claim it names
    std::optional<FailureAction> action;  // Failed: what it does to the stage
    long error_code = 0;
    std::string error_text;
    std::string metadata_error;  // what public cart metadata may say of it
    std::optional<Timestamp> received_at;  // a kept status: when its webhook came
};

}  // namespace cart_abandon
