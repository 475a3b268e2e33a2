// The reference a message carries to its provider and back in every status of it (WhatsApp's
// biz_opaque_callback_data): "cart_abandon:<ledger row id>:<claimed_at, unix microseconds>". A late
// status of an earlier message of the same row (a deferral sends again) names another claim and
// is not mistaken for the current one. No personal data; at most 64 characters.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>

namespace cart_abandon {

struct MessageReference {
    long long delivery_id = 0;
    long long claimed_at_us = 0;
};

std::string message_reference(long long delivery_id, long long claimed_at_us);

// nullopt for anything else: another sender's data on the same number.
std::optional<MessageReference> parse_message_reference(const std::string& text);

}  // namespace cart_abandon
