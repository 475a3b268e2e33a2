#include "core/rules/purchases.hpp"

#include <algorithm>
#include <utility>

#include "core/contact/phone.hpp"

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

void Purchases::add_typed_phone(Timestamp at, std::string raw, std::string region) {
    if (raw.empty()) return;
    typed_.push_back({at, std::move(raw), std::move(region)});
    typed_sorted_ = false;
}

// Every typed phone of a purchase after `when` ends up in by_phone_, so that a number's latest
// purchase there is later than `when` exactly when some purchase after `when` has it: those
// left out are at or before `when` and cannot answer.
void Purchases::normalize_typed_after(Timestamp when) const {
    if (!typed_sorted_) {
        std::stable_sort(typed_.begin() + std::ptrdiff_t(typed_done_), typed_.end(),
                         [](const TypedPhone& a, const TypedPhone& b) { return a.at > b.at; });
        typed_sorted_ = true;
    }
    for (; typed_done_ < typed_.size() && typed_[typed_done_].at > when; ++typed_done_) {
        const TypedPhone& typed = typed_[typed_done_];
        auto [known, unseen] = e164_of_.try_emplace(typed.raw + '\0' + typed.region);
        if (unseen) {
            std::string problem;
            known->second = normalize_phone(typed.raw, typed.region, problem);
            ++normalizations_;
        }
        note(by_phone_, known->second, typed.at);
    }
}

bool Purchases::bought_after(Timestamp when, const std::string& customer_id, const std::string& email,
                             const std::string& e164) const {
    if (after(by_customer_, customer_id, when) || after(by_email_, email, when)) return true;
    if (e164.empty()) return false;
    normalize_typed_after(when);
    return after(by_phone_, e164, when);
}

}  // namespace cart_abandon
