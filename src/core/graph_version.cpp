#include "graph_version.hpp"

#include <cctype>
#include <cstdio>

namespace cart_abandon {

namespace {

struct Served {
    const char* version;
    int year, month, day;  // the last day Meta serves it
};

// Meta's Graph API version table as the reference restates it (June 2026).
constexpr Served kServedUntil[] = {
    {"v21.0", 2027, 1, 21},
    {"v22.0", 2027, 5, 20},
    {"v25.0", 2028, 7, 29},
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The last "/v<digits>.<digits>" path segment of the URL, "" when there is none.
std::string version_of(const std::string& url) {
    std::string found;
    for (std::size_t at = url.find("/v"); at != std::string::npos; at = url.find("/v", at + 1)) {
        std::size_t i = at + 2, digits = 0;
        while (i < url.size() && std::isdigit(static_cast<unsigned char>(url[i]))) ++i, ++digits;
        if (digits == 0 || i >= url.size() || url[i] != '.') continue;
        ++i;  // the dot
        std::size_t minor = 0;
        while (i < url.size() && std::isdigit(static_cast<unsigned char>(url[i]))) ++i, ++minor;
        if (minor == 0 || (i < url.size() && url[i] != '/')) continue;
        found = url.substr(at + 1, i - at - 1);
    }
    return found;
}

}  // namespace

GraphVersionStatus graph_version_status(const std::string& api_url, std::chrono::system_clock::time_point now) {
    GraphVersionStatus status;
    status.version = version_of(api_url);
    for (const Served& served : kServedUntil) {
        if (status.version != served.version) continue;
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", served.year, served.month, served.day);
        status.served_until = date;
        const long today =
            long(std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24 -
                 (now.time_since_epoch().count() < 0 ? 1 : 0));
        status.days_left = int(days_from_civil(served.year, served.month, served.day) - today);
        if (*status.days_left < 0)
            status.warning = "Graph API " + status.version + " (cart_abandon.whatsapp_api_url) was served until " + date +
                             ": Meta now routes its calls to the next usable version. Move whatsapp_api_url to a "
                             "current version after checking Meta's changelog.";
        else if (*status.days_left <= kGraphVersionWarningDays)
            status.warning = "Graph API " + status.version + " (cart_abandon.whatsapp_api_url) is served until " + date +
                             " (" + std::to_string(*status.days_left) +
                             " days); Meta then routes its calls to the next usable version without an error. Move "
                             "whatsapp_api_url to a current version before then, after checking Meta's changelog.";
    }
    return status;
}

}  // namespace cart_abandon
