// What a reminder shows of a cart: its items, its subtotal, the shopper's names and language.
#pragma once
#include "core/no_postgres.hpp"
#include <string>
#include <vector>
namespace cart_abandon {
struct CartItem {
    std::string title;
    long long quantity = 1;
    std::string thumbnail_url;  // "" none; only an http(s) URL is shown
    long long unit_price_minor = 0;  // in the currency's minor units
    std::string currency_code;  // ISO 4217
};
struct CartContent {
    std::string recipient_name;  // the display name in To; "" for the address alone
    std::string customer_name;  // the greeting's name
    std::string locale;  // BCP 47; "" = the shop's default
    std::vector<CartItem> items;
    long long total_minor = 0;  // the cart's subtotal in minor units of currency_code
    std::string currency_code;
    std::string recovery_link;
    int stage = 1;
    long long ledger_id = 0;
};
}  // namespace cart_abandon
