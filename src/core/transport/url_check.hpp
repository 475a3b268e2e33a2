// The URLs the settings name (an API, a callback, a link in a message) as libcurl's URL parser
// reads them, and the rule that a credential or a shopper's data travels over TLS only.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// The parts of an absolute URL that the settings' checks look at. Host as libcurl gives it (an
// IPv6 address in brackets); port "" when the URL names none; path "/" when it has none.
struct UrlParts {
    std::string scheme;  // lower case
    std::string host;
    std::string port;
    std::string path;
    bool has_user = false;  // user or password before the host
    bool has_query = false;
    bool has_fragment = false;
};

// Reads `text` with libcurl's URL API (schemes libcurl supports only, no white space); false and
// `error` when it is not such a URL or has no host.
bool parse_url(const std::string& text, UrlParts& parts, std::string& error);

// "" when `text` is an http:// or https:// URL with a host and no user or password in it; else why
// not. For check hooks: whether http:// may be used is decided when sending (require_https).
std::string web_url_problem(const std::string& text);

// Throws Error(MissingConfiguration) naming `setting` unless `url` starts with https:// (or
// http:// while `allow_insecure_http`, for a local stand-in). `why`: what travels to it, the detail.
void require_https(const std::string& url, const std::string& setting, bool allow_insecure_http,
                   const std::string& why);

}  // namespace cart_abandon
