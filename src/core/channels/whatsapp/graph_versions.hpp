// Graph API versions and how long Meta serves them (Meta's Platform Versioning page and version
// table, as restated in docs/whatsapp-cloud-api.md). Once a version is no longer
// served, Meta routes calls made to it to the next oldest usable version: a silent upgrade, not an
// error. So a sender must warn ahead of the date, not wait for a failure.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace cart_abandon {

// Days a version's end is announced ahead (the stats' `expiring`, the run's NOTICE).
constexpr int kGraphVersionWarningDays = 90;

struct GraphVersionLife {
    std::string version;  // "v25.0"
    std::optional<std::string> served_until;  // "YYYY-MM-DD" when Meta's table names the version
    // Bounds for a version the table does not name, from the named ones around it (versions end
    // in order): served at least until the newest named older one ends, at most until the oldest
    // named newer one does. For a named version both are its own date.
    std::optional<std::string> served_at_least_until;
    std::optional<std::string> served_at_most_until;
    std::optional<long> days_left;  // from today to served_at_least_until (negative: past)
    // Within kGraphVersionWarningDays of served_at_least_until, or older than every named version
    // (it may no longer be served at all).
    bool expiring = false;
};

// The version in a Cloud API base URL: its last path segment of the form v<major>.<minor>
// ("https://graph.facebook.com/v25.0" -> "v25.0"); nullopt when the URL names none.
std::optional<std::string> graph_version_of(const std::string& api_url);

// What is known of a version's life on `today` (a UTC day).
GraphVersionLife graph_version_life(const std::string& version, std::chrono::system_clock::time_point today);

}  // namespace cart_abandon
