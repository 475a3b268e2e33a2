// Reading what reminders show of carts (items, subtotal, currency, locale, country) from Medusa's tables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/cart_content.hpp"

namespace pg {

struct CartContentFacts {
    std::vector<cart_abandon::CartItem> items;  // the first kMaxListedItems live items, oldest first
    long long item_count = 0;  // every live item
    // quantity × unit price over every live item, in minor units of currency_code; nullopt when
    // it or an item's unit price does not fit a long long.
    std::optional<long long> subtotal_minor;
    std::string currency_code;  // ISO 4217, upper case
    std::string locale;  // the cart's, as Medusa has it (BCP 47); "" none
    std::string country_code;  // ISO 3166 alpha-2, upper case: the shipping address's, else the billing's; "" none
};

// A reminder lists at most this many items.
constexpr int kMaxListedItems = 50;

// What a reminder shows of each cart of `cart_ids` that is there (not deleted), by cart id; one
// statement for them all. Items: title (else the product's title), quantity, thumbnail (an
// http(s) URL only, else ""), unit price in minor units (an item whose price does not fit is left
// out). Medusa keeps amounts in major units as numeric: they are converted from their decimal
// text by the currency's ISO 4217 digits (cart_abandon::currency_minor_units), exactly.
std::map<std::string, CartContentFacts> load_cart_contents(const std::vector<std::string>& cart_ids);

}  // namespace pg
