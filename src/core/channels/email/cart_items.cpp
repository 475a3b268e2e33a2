#include "core/channels/email/cart_items.hpp"

#include <cctype>

#include "core/channels/email/html_escape.hpp"
#include "core/channels/email/money.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr char kTimes[] = "\xC3\x97";  // U+00D7 MULTIPLICATION SIGN

std::string line_total(const CartItem& item, const std::string& locale) {
    long long total = 0;
    if (__builtin_mul_overflow(item.unit_price_minor, item.quantity, &total))
        throw Error(ErrorKind::InvalidArgument, "an item's quantity times its price is out of range");
    return format_money(total, item.currency_code, locale);
}

bool is_web_url(const std::string& url) {
    std::string scheme = url.substr(0, url.find(':'));
    for (char& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
    return (scheme == "https" || scheme == "http") && url.size() > scheme.size() + 3;
}

}  // namespace

std::string items_text(const std::vector<CartItem>& items, const std::string& locale) {
    std::string out;
    for (const CartItem& item : items) {
        if (!out.empty()) out += '\n';
        out += "- " + std::to_string(item.quantity) + " " + kTimes + " " + item.title + ": " + line_total(item, locale);
    }
    return out;
}

std::string items_html(const std::vector<CartItem>& items, const std::string& locale) {
    if (items.empty()) return "";
    std::string out = "<table role=\"presentation\" cellpadding=\"6\" cellspacing=\"0\">\n";
    for (const CartItem& item : items) {
        out += "<tr><td>";
        if (is_web_url(item.thumbnail_url))
            out += "<img src=\"" + html_escape(item.thumbnail_url) + "\" alt=\"\" width=\"64\" height=\"64\">";
        out += "</td><td>" + html_escape(item.title) + "</td><td>" + kTimes + " " + std::to_string(item.quantity) +
               "</td><td>" + html_escape(line_total(item, locale)) + "</td></tr>\n";
    }
    return out + "</table>";
}

}  // namespace cart_abandon
