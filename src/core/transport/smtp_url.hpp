// cart_abandon.smtp_url, where the email channel submits its mail, and when that may be in clear.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// "" when `text` is "smtps://host[:port]" (TLS from the start) or "smtp://host[:port]" (STARTTLS,
// RFC 3207), a trailing "/" allowed; else why not: another scheme, a user or password (they are
// cart_abandon.smtp_username and smtp_password), a path, query or fragment, no host.
std::string smtp_url_problem(const std::string& text);

// Whether `host` (as libcurl gives it: IPv6 in brackets) is this machine's loopback: 127.0.0.1,
// ::1 or localhost, in any case.
bool is_loopback_host(const std::string& host);

// What a send does with cart_abandon.smtp_url and smtp_allow_plaintext: the submission's
// allow_plaintext (MailSubmission). Plain SMTP is for a loopback sink only, so while
// `allow_plaintext` is on, a URL that is set and whose host is not the loopback throws
// Error(MissingConfiguration) naming both settings, whatever its scheme.
bool resolve_smtp_plaintext(const std::string& smtp_url, bool allow_plaintext);

}  // namespace cart_abandon
