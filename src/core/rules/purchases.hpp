// Who bought, and when: the purchases since the max-age window began, read once per run, so a
// due cart is checked against them in memory instead of by a query per cart.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/rules/stage.hpp"

namespace cart_abandon {

// A shopper is "the same person" by customer id, by email (compared case-insensitively: give
// them lower-cased) or by phone number in E.164 (a shopper who checks out under a work email
// with the same phone bought).
class Purchases {
public:
    // One purchase at `at`; empty keys are ignored.
    void add(Timestamp at, const std::string& customer_id, const std::string& email, const std::string& e164);

    // A phone number of a purchase at `at` as typed, read in `region` as normalize_phone reads it.
    // It is normalized only when a check needs it: bought_after(when, ...) with a phone first
    // normalizes every typed number of a purchase after `when` (newest first, each (raw, region)
    // once), the only ones that can answer it. libphonenumber takes about 40 µs a number, and a
    // run's carts are mostly recent: most of a week's numbers are never read.
    void add_typed_phone(Timestamp at, std::string raw, std::string region);

    // Whether the same person bought after `after`.
    bool bought_after(Timestamp after, const std::string& customer_id, const std::string& email,
                      const std::string& e164) const;

    // The keys known so far (typed phones count once normalized).
    std::size_t size() const { return by_customer_.size() + by_email_.size() + by_phone_.size(); }

    // How many typed phones have been normalized (libphonenumber calls made).
    std::size_t typed_phones_normalized() const { return normalizations_; }

private:
    using Latest = std::unordered_map<std::string, Timestamp>;
    static void note(Latest& latest, const std::string& key, Timestamp at);
    static bool after(const Latest& latest, const std::string& key, Timestamp when);
    void normalize_typed_after(Timestamp when) const;

    struct TypedPhone {
        Timestamp at;
        std::string raw, region;
    };

    Latest by_customer_, by_email_;
    // Normalizing is a cache of the typed phones: a const check fills these.
    mutable Latest by_phone_;
    // Those before typed_done_ are in by_phone_; the rest, once sorted, newest first.
    mutable std::vector<TypedPhone> typed_;
    mutable std::size_t typed_done_ = 0;
    mutable bool typed_sorted_ = true;
    mutable std::unordered_map<std::string, std::string> e164_of_;  // raw '\0' region -> E.164 or ""
    mutable std::size_t normalizations_ = 0;
};

}  // namespace cart_abandon
