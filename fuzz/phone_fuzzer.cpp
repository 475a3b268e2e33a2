// Any typed phone number with any region: refused with a reason, or E.164 ('+' then 7 to 15
// digits, the shortest real ones being 7 long, e.g. Niue's +683 4002) that normalizes to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/phone.hpp"

namespace {

bool is_e164(const std::string& number) {
    if (number.size() < 8 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
    for (std::size_t i = 1; i < number.size(); ++i)
        if (number[i] < '0' || number[i] > '9') return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const std::string region(reinterpret_cast<const char*>(data), 2);
    const std::string raw(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::string problem;
    const std::string e164 = cart_abandon::normalize_phone(raw, region, problem);
    if (e164.empty()) {
        if (problem.empty()) std::abort();
        return 0;
    }
    if (!is_e164(e164)) std::abort();
    std::string again_problem;
    if (cart_abandon::normalize_phone(e164, "", again_problem) != e164) std::abort();
    const auto choice = cart_abandon::choose_phone({{"shipping", raw, region}}, "");
    if (choice.e164 != e164) std::abort();
    return 0;
}
