#include "core/channels/sms/reply.hpp"

namespace cart_abandon::twilio {

namespace {

struct Keyword {
    std::string_view word;
    ReplyKeyword kind;
};

constexpr Keyword kKeywords[] = {
    {"STOP", ReplyKeyword::OptOut},   {"STOPALL", ReplyKeyword::OptOut}, {"UNSUBSCRIBE", ReplyKeyword::OptOut},
    {"CANCEL", ReplyKeyword::OptOut}, {"END", ReplyKeyword::OptOut},     {"QUIT", ReplyKeyword::OptOut},
    {"START", ReplyKeyword::OptIn},   {"YES", ReplyKeyword::OptIn},      {"UNSTOP", ReplyKeyword::OptIn},
    {"HELP", ReplyKeyword::Help},     {"INFO", ReplyKeyword::Help},
};

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool equal_ignoring_case(std::string_view text, std::string_view upper) {
    if (text.size() != upper.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        // ASCII only: the C library's toupper follows the server's locale (a Turkish 'i').
        if ((text[i] >= 'a' && text[i] <= 'z' ? char(text[i] - 'a' + 'A') : text[i]) != upper[i]) return false;
    return true;
}

}  // namespace

ReplyKeyword twilio_keyword(std::string_view body) {
    while (!body.empty() && is_ascii_space(body.front())) body.remove_prefix(1);
    while (!body.empty() && is_ascii_space(body.back())) body.remove_suffix(1);
    for (const Keyword& keyword : kKeywords)
        if (equal_ignoring_case(body, keyword.word)) return keyword.kind;
    return ReplyKeyword::None;
}

}  // namespace cart_abandon::twilio
