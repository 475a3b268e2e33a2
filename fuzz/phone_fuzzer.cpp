// Any typed phone number with any region: refused with a reason, or E.164 ('+' then 7 to 15
// digits, the shortest real ones being 7 long, e.g. Niue's +683 4002) that normalizes to itself.
// A format character or variation selector inserted anywhere changes nothing, and a number in
// a blocked region is never chosen. Input: two bytes of region, then the typed number.
#include <unicode/uniset.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/contact/phone.hpp"

namespace {

bool is_e164(const std::string& number) {
    if (number.size() < 8 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
    for (std::size_t i = 1; i < number.size(); ++i)
        if (number[i] < '0' || number[i] > '9') return false;
    return true;
}

// Every code point the cleaning must ignore, from ICU rather than a list of our own.
const icu::UnicodeSet& invisible() {
    static const icu::UnicodeSet* set = [] {
        UErrorCode status = U_ZERO_ERROR;
        auto* s = new icu::UnicodeSet(icu::UnicodeString(u"[[:Cf:][:Variation_Selector:]]"), status);
        if (U_FAILURE(status) || s->size() < 100) std::abort();
        s->freeze();
        return s;
    }();
    return *set;
}

// Deterministic choices from the input itself, so that a reproducer replays the same check.
uint64_t fnv1a(const uint8_t* data, size_t size) {
    uint64_t hash = 14695981039346656037ull;
    for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
    return hash;
}

std::string with_invisible(const std::string& raw, uint64_t hash) {
    const auto& set = invisible();
    const UChar32 c = set.charAt(int32_t(hash % uint64_t(set.size())));
    std::size_t at = std::size_t((hash >> 32) % (raw.size() + 1));
    while (at < raw.size() && (uint8_t(raw[at]) & 0xC0) == 0x80) ++at;  // not inside a UTF-8 sequence
    uint8_t encoded[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(encoded, n, c);
    return raw.substr(0, at) + std::string(reinterpret_cast<const char*>(encoded), std::size_t(n)) + raw.substr(at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const std::string region(reinterpret_cast<const char*>(data), 2);
    const std::string raw(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::string problem;
    const std::string e164 = cart_abandon::normalize_phone(raw, region, problem);
    if (e164.empty() == problem.empty()) std::abort();  // a number or a reason, never both

    std::string invisible_problem;
    const std::string invisible_e164 =
        cart_abandon::normalize_phone(with_invisible(raw, fnv1a(data, size)), region, invisible_problem);
    if (invisible_e164 != e164 || invisible_problem != problem) std::abort();

    if (e164.empty()) return 0;
    if (!is_e164(e164)) std::abort();
    std::string again_problem;
    if (cart_abandon::normalize_phone(e164, "", again_problem) != e164) std::abort();

    const std::string number_region = cart_abandon::phone_region(e164);
    const auto choice = cart_abandon::choose_phone({{"shipping", raw, region}}, "", {"US"});
    if (number_region == "US") {
        if (!choice.e164.empty() || choice.skip_reason != cart_abandon::SkipReason::BlockedRegion) std::abort();
    } else if (choice.e164 != e164 || choice.region != number_region || choice.source != "shipping") {
        std::abort();
    }
    if (!number_region.empty()) {
        const auto blocked = cart_abandon::choose_phone({{"shipping", raw, region}}, "", {number_region});
        if (!blocked.e164.empty() || blocked.skip_reason != cart_abandon::SkipReason::BlockedRegion) std::abort();
    }
    return 0;
}
