#include "core/rules/purchases.hpp"

namespace cart_abandon {

void Purchases::note(Latest& latest, const std::string& key, Timestamp at) {
    if (key.empty()) return;
    auto [it, inserted] = latest.emplace(key, at);
    if (!inserted && it->second < at) it->second = at;
}

bool Purchases::after(const Latest& latest, const std::string& key, Timestamp when) {
    if (key.empty()) return false;
    const auto it = latest.find(key);
    return it != latest.end() && it->second > when;
}

void Purchases::add(Timestamp at, const std::string& customer_id, const std::string& email, const std::string& e164) {
    note(by_customer_, customer_id, at);
    note(by_email_, email, at);
    note(by_phone_, e164, at);
}

bool Purchases::bought_after(Timestamp when, const std::string& customer_id, const std::string& email,
                             const std::string& e164) const {
    return after(by_customer_, customer_id, when) || after(by_email_, email, when) || after(by_phone_, e164, when);
}

}  // namespace cart_abandon
