// The cart's items as a reminder email lists them: lines in the text body, a table in the HTML.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace cart_abandon {

struct EmailItem {
    std::string title;
    long long quantity = 1;
    std::string thumbnail_url;  // "" none; only an http(s) URL is shown
    long long unit_price_minor = 0;  // in the currency's minor units
    std::string currency_code;  // ISO 4217
};

// One line an item, "- 2 × Title: 25,00 €" (the line's total, quantity × unit price, per
// locale), lines joined by LF. Throws Error InvalidArgument for a bad currency code or a line
// total out of range.
std::string items_text(const std::vector<EmailItem>& items, const std::string& locale);

// A presentation table, one row an item: thumbnail, title, "× quantity", the line's total;
// every value HTML-escaped. "" for no items.
std::string items_html(const std::vector<EmailItem>& items, const std::string& locale);

}  // namespace cart_abandon
