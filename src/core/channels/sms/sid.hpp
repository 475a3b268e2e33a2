// Twilio's string identifiers (SIDs): two letters naming the kind of resource, then 32 hex digits
// (an account "AC...", a Messaging Service "MG...", a message "SM..." or "MM...").
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon::twilio {

constexpr char kAccountSidPrefix[] = "AC";
constexpr char kMessagingServiceSidPrefix[] = "MG";

// Whether `value` is `prefix` followed by exactly 32 hex digits (either case, as Twilio's API
// definitions allow).
bool is_sid(const std::string& value, const std::string& prefix);

}  // namespace cart_abandon::twilio
