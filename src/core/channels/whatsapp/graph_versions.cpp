#include "core/channels/whatsapp/graph_versions.hpp"

#include <cstdio>
#include <ctime>
#include <utility>

namespace cart_abandon {

namespace {

// Meta's version table: the versions cart_abandon has been told the end of, oldest first.
struct Known {
    int major;
    int minor;
    const char* served_until;
};
constexpr Known kKnown[] = {
    {21, 0, "2027-01-21"},
    {22, 0, "2027-05-20"},
    {25, 0, "2028-07-29"},
};

// "v<major>.<minor>", each 1 to 3 digits.
std::optional<std::pair<int, int>> parse(const std::string& version) {
    const auto dot = version.find('.');
    if (version.size() < 4 || version[0] != 'v' || dot == std::string::npos) return std::nullopt;
    const std::string major = version.substr(1, dot - 1), minor = version.substr(dot + 1);
    const auto digits = [](const std::string& part) {
        return !part.empty() && part.size() <= 3 && part.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digits(major) || !digits(minor)) return std::nullopt;
    return std::make_pair(std::stoi(major), std::stoi(minor));
}

// Whole days from the UTC day of `t` to the day `ymd` ("YYYY-MM-DD").
long days_until(const std::string& ymd, std::chrono::system_clock::time_point t) {
    std::tm day{};
    std::sscanf(ymd.c_str(), "%d-%d-%d", &day.tm_year, &day.tm_mon, &day.tm_mday);
    day.tm_year -= 1900;
    day.tm_mon -= 1;
    const std::time_t end = timegm(&day);
    const std::time_t now = std::chrono::system_clock::to_time_t(t);
    constexpr long kDay = 86400;
    return long(end / kDay) - long(now / kDay) - (now % kDay < 0 ? 1 : 0);
}

}  // namespace

std::optional<std::string> graph_version_of(const std::string& api_url) {
    std::string path = api_url;
    while (!path.empty() && path.back() == '/') path.pop_back();
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    const std::string last = path.substr(slash + 1);
    if (!parse(last)) return std::nullopt;
    return last;
}

GraphVersionLife graph_version_life(const std::string& version, std::chrono::system_clock::time_point today) {
    GraphVersionLife life;
    life.version = version;
    const auto number = parse(version);
    if (!number) return life;
    const Known* older = nullptr;  // the newest named version not newer than this one
    const Known* newer = nullptr;  // the oldest named version newer than this one
    for (const auto& known : kKnown) {
        if (std::make_pair(known.major, known.minor) <= *number)
            older = &known;
        else if (!newer)
            newer = &known;
    }
    const bool named = older && std::make_pair(older->major, older->minor) == *number;
    if (named) life.served_until = older->served_until;
    if (older) life.served_at_least_until = older->served_until;
    if (named)
        life.served_at_most_until = older->served_until;
    else if (newer)
        life.served_at_most_until = newer->served_until;
    if (life.served_at_least_until) {
        life.days_left = days_until(*life.served_at_least_until, today);
        life.expiring = *life.days_left <= kGraphVersionWarningDays;
    } else {
        life.expiring = newer != nullptr;  // older than every named version
    }
    return life;
}

}  // namespace cart_abandon
