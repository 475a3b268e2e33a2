// Who bought, and when: the purchases since the max-age window began, read once per run, so a
// due cart is checked against them in memory instead of by a query per cart.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <unordered_map>

#include "core/rules/stage.hpp"

namespace cart_abandon {

// A shopper is "the same person" by customer id, by email (compared case-insensitively: give
// them lower-cased) or by phone number in E.164 (a shopper who checks out under a work email
// with the same phone bought).
class Purchases {
public:
    // One purchase at `at`; empty keys are ignored.
    void add(Timestamp at, const std::string& customer_id, const std::string& email, const std::string& e164);

    // Whether the same person bought after `after`.
    bool bought_after(Timestamp after, const std::string& customer_id, const std::string& email,
                      const std::string& e164) const;

    std::size_t size() const { return by_customer_.size() + by_email_.size() + by_phone_.size(); }

private:
    using Latest = std::unordered_map<std::string, Timestamp>;
    static void note(Latest& latest, const std::string& key, Timestamp at);
    static bool after(const Latest& latest, const std::string& key, Timestamp when);

    Latest by_customer_, by_email_, by_phone_;
};

}  // namespace cart_abandon
