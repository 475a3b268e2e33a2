// Retry-After (RFC 9110, 10.2.3): how long an answer asks the sender to wait. Servers and
// proxies send odd values; none may overflow a wait or make it negative.
#pragma once

#include "core/no_postgres.hpp"

#include <ctime>
#include <string>

namespace cart_abandon {

// The longest wait an answer may ask for: a day. Longer asks are held to it (the engine leaves
// any wait past max_retry_wait to a later run anyway).
constexpr long kMaxRetryAfterSeconds = 24 * 3600;

// A Retry-After value (surrounding white space and line ends ignored) in whole seconds from
// `now`, from 0 to kMaxRetryAfterSeconds: delay-seconds of any size; a looser number (negative:
// 0; fractional: rounded up; an exponent); an HTTP-date in any of RFC 9110's three formats
// (libcurl's curl_getdate), a past one 0. -1 when it is none of these (empty, garbage).
long parse_retry_after(const std::string& value, std::time_t now);

}  // namespace cart_abandon
