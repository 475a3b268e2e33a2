// The cart's items as a reminder email lists them: lines in the text body, a table in the HTML.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

#include "core/model/cart_content.hpp"

namespace cart_abandon {

// One line an item, "- 2 × Title: 25,00 €" (the line's total, quantity × unit price, per
// locale), lines joined by LF. Throws Error InvalidArgument for a bad currency code or a line
// total out of range.
std::string items_text(const std::vector<CartItem>& items, const std::string& locale);

// A presentation table, one row an item: thumbnail, title, "× quantity", the line's total;
// every value HTML-escaped. "" for no items.
std::string items_html(const std::vector<CartItem>& items, const std::string& locale);

}  // namespace cart_abandon
