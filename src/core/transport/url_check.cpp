#include "core/transport/url_check.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/error.hpp"

namespace cart_abandon {

namespace {

struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// One part of a parsed URL; "" when the URL has none.
std::string part(CURLU* url, CURLUPart which, bool& present) {
    char* value = nullptr;
    present = curl_url_get(url, which, &value, 0) == CURLUE_OK && value;
    std::string text = present ? value : "";
    curl_free(value);
    return text;
}

std::string part(CURLU* url, CURLUPart which) {
    bool present = false;
    return part(url, which, present);
}

bool has_part(CURLU* url, CURLUPart which) {
    bool present = false;
    part(url, which, present);
    return present;
}

}  // namespace

bool parse_url(const std::string& text, UrlParts& parts, std::string& error) {
    std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
    if (!url) {
        error = "the URL could not be read (out of memory)";
        return false;
    }
    if (text.find('\0') != std::string::npos || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
        error = "\"" + text + "\" is not an absolute URL such as https://host.example/path";
        return false;
    }
    parts.scheme = part(url.get(), CURLUPART_SCHEME);
    std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    parts.host = part(url.get(), CURLUPART_HOST);
    parts.port = part(url.get(), CURLUPART_PORT);
    parts.path = part(url.get(), CURLUPART_PATH);
    parts.has_user = has_part(url.get(), CURLUPART_USER) || has_part(url.get(), CURLUPART_PASSWORD);
    parts.has_query = has_part(url.get(), CURLUPART_QUERY);
    parts.has_fragment = has_part(url.get(), CURLUPART_FRAGMENT);
    if (parts.host.empty()) {
        error = "\"" + text + "\" names no host";
        return false;
    }
    return true;
}

std::string web_url_problem(const std::string& text) {
    UrlParts parts;
    std::string error;
    if (!parse_url(text, parts, error)) return error;
    if (parts.scheme != "https" && parts.scheme != "http") return "it must be an https:// URL, not " + parts.scheme;
    // SHOW prints the value: a password there would be readable by whoever may read the setting.
    if (parts.has_user) return "it must not hold a user or password";
    return {};
}

void require_https(const std::string& url, const std::string& setting, bool allow_insecure_http,
                   const std::string& why) {
    const bool https = url.rfind("https://", 0) == 0;
    const bool http = url.rfind("http://", 0) == 0;
    if (https || (http && allow_insecure_http)) return;
    throw Error(ErrorKind::MissingConfiguration, setting + " must be an https:// URL", why,
                "For a local stand-in, a superuser may turn on cart_abandon.allow_insecure_http.");
}

}  // namespace cart_abandon
