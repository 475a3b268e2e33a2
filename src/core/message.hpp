// What a reminder says: the customer's name, the cart id and the recovery link, cleaned so that
// shopper-typed text can never make Meta reject the template.
#pragma once

#include <string>
#include <vector>

namespace cart_abandon {

// Meta refuses template text with newlines, tabs or more than 4 consecutive spaces.
// Returns the text with control characters turned into spaces, runs of spaces collapsed, ends
// trimmed, invalid UTF-8 dropped, and cut to at most max_chars characters (code points).
std::string clean_template_text(const std::string& text, std::size_t max_chars);

// The first non-blank name in order (customer, shipping address, billing address), cleaned;
// the fallback when none is usable.
std::string choose_customer_name(const std::vector<std::string>& names_in_order, const std::string& fallback);

// The cart link: every "{cart_id}" in the pattern replaced by the percent-encoded cart id.
std::string cart_link(const std::string& pattern, const std::string& cart_id);

}  // namespace cart_abandon
