#include "core/rules/previous_reminders.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace cart_abandon {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long days_from_civil(long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + long(doe) - 719468;
}

bool flag(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return false;
    return (it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get<std::string>() == "true");
}

std::optional<Timestamp> time_of(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return parse_iso8601(it->get<std::string>());
}

}  // namespace

std::optional<Timestamp> parse_iso8601(const std::string& text) {
    int year, month, day, hour, minute, second, consumed = 0;
    char separator;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &year, &month, &day, &separator, &hour, &minute,
                    &second, &consumed) != 7 ||
        consumed != 19 || (separator != 'T' && separator != ' '))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::size_t at = 19;
    long micros = 0;
    if (at < text.size() && text[at] == '.') {
        long scale = 100000;
        for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
            micros += (text[at] - '0') * scale;
    }
    long offset_minutes = 0;
    if (at < text.size() && text[at] == 'Z') {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int oh, om, n = 0;
        if (std::sscanf(text.c_str() + at + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh > 23 || om > 59)
            return std::nullopt;
        offset_minutes = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
        at += 6;
    } else {
        return std::nullopt;  // a time without a zone is no instant
    }
    if (at != text.size()) return std::nullopt;
    const long long seconds = (long long)days_from_civil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 +
                              minute * 60 + second - offset_minutes * 60;
    return Timestamp(Microseconds(seconds * 1000000 + micros));
}

PreviousReminders parse_previous_reminders(const std::string& notifications_json) {
    PreviousReminders previous;
    const auto object = nlohmann::json::parse(notifications_json, nullptr, false);
    if (object.is_discarded() || !object.is_object()) return previous;
    previous.second_sent = flag(object, "secondSent");
    previous.first_sent = previous.second_sent || flag(object, "firstSent");
    if (previous.first_sent) previous.first_at = time_of(object, "firstSentAt");
    if (previous.second_sent) previous.second_at = time_of(object, "secondSentAt");
    return previous;
}

}  // namespace cart_abandon
