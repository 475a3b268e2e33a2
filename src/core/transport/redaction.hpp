// Provider text (Meta's answers and webhooks, libcurl's messages) may echo a secret: the access
// token of an echoed Authorization header or request, the app secret. Every such text goes
// through here before it is recorded (ledger, run log, channel status, result rows, WARNINGs,
// the server log): redacted on the whole text first, then cut, so that no cut can leave part of
// a secret behind.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cart_abandon {

// The secrets a text must not carry; empty ones are ignored.
using Secrets = std::vector<std::string>;

constexpr char kRedacted[] = "[redacted]";

// Every occurrence of a secret replaced by "[redacted]": as is, percent-encoded (hex digits in
// either case, '+' for a space), JSON-escaped ("\/", "\u0041", "\n", ...), or any mix of these
// character by character, as an echoed URL, header or JSON document carries it.
std::string redact(std::string text, const Secrets& secrets);

// Whether `text` holds a secret in any of those forms.
bool holds_secret(const std::string& text, const Secrets& secrets);

// `text` safe to record and at most `max_bytes` (at least 4) long: redacted first, on the whole
// text; then, when too long, cut on a UTF-8 character boundary and marked "...". A cut never
// ends in the first characters of a secret (in any of its forms): they are removed too.
// `cut_before`: the text was already cut by its source (libcurl's fixed error buffer), so its
// end is such a cut as well.
std::string recordable(std::string text, const Secrets& secrets, std::size_t max_bytes, bool cut_before = false);

}  // namespace cart_abandon
