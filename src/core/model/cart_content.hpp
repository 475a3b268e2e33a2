// What a reminder says about the cart, channel-neutral: the recipient's names, the language, the
// items, the total and the recovery link. Email renders all of it; WhatsApp and SMS send their
// templates' parameters (Notification::data) instead.
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
    std::string recipient_name;  // the display name beside the address (email's To); "" none
    std::string customer_name;  // the greeting's name
    std::string locale;  // BCP 47; "" the shop's default
    std::vector<CartItem> items;
    long long total_minor = 0;  // the cart's total in minor units of currency_code
    std::string currency_code;  // ISO 4217
    std::string recovery_link;
    int stage = 1;  // the reminder's stage (1 or 2)
    long long ledger_id = 0;  // the ledger row (deliveries.id) the reminder is for
};

}  // namespace cart_abandon
