#include "core/transport/smtp_url.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/transport/url_check.hpp"

namespace cart_abandon {

std::string smtp_url_problem(const std::string& text) {
    UrlParts parts;
    std::string error;
    if (!parse_url(text, parts, error)) return error;
    if (parts.scheme != "smtps" && parts.scheme != "smtp")
        return "the scheme must be smtps:// (TLS from the start, port 465) or smtp:// (STARTTLS, port 587), not " +
               parts.scheme + "://";
    // SHOW prints the URL: a password in it would be readable by whoever may read the setting.
    if (parts.has_user) return "it must not hold a user or password: set cart_abandon.smtp_username and smtp_password";
    // libcurl would send a path as the EHLO domain: nothing of ours.
    if (parts.path != "/" && !parts.path.empty()) return "it must not have a path (\"" + parts.path + "\")";
    if (parts.has_query || parts.has_fragment) return "it must not have a query or fragment";
    return {};
}

bool is_loopback_host(const std::string& host) {
    std::string lower = host;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return lower == "127.0.0.1" || lower == "[::1]" || lower == "::1" || lower == "localhost";
}

bool resolve_smtp_plaintext(const std::string& smtp_url, bool allow_plaintext) {
    if (!allow_plaintext || smtp_url.empty()) return allow_plaintext;
    UrlParts parts;
    std::string error;
    if (parse_url(smtp_url, parts, error) && is_loopback_host(parts.host)) return true;
    throw Error(ErrorKind::MissingConfiguration,
                "cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback",
                "Plain SMTP lets anyone on the way read the password and the shoppers' mail: it is for a sink on "
                "127.0.0.1, ::1 or localhost only.",
                "Turn cart_abandon.smtp_allow_plaintext off (the server must then offer STARTTLS, or use smtps://).");
}

}  // namespace cart_abandon
