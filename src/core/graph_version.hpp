// The Graph API version pinned in cart_abandon.whatsapp_api_url, and when Meta stops serving it.
// Once a version is no longer usable Meta routes calls to the next oldest usable version (a silent
// upgrade, not a failure: Platform Versioning), so the date is warned of ahead, not met as an error.
// Dates from Meta's version table (shared/reference/whatsapp-cloud-api.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace cart_abandon {

// Warned of this many days before the version's last day.
constexpr int kGraphVersionWarningDays = 90;

struct GraphVersionStatus {
    std::string version;                    // "v25.0"; "" when the URL names none
    std::optional<std::string> served_until;  // "YYYY-MM-DD", when Meta's table gives it
    std::optional<int> days_left;           // until served_until (negative: past it)
    std::string warning;                    // "" unless within kGraphVersionWarningDays or past
};

// The version segment of `api_url` ("/v" digits "." digits, the last one), its date, and a warning.
GraphVersionStatus graph_version_status(const std::string& api_url, std::chrono::system_clock::time_point now);

}  // namespace cart_abandon
