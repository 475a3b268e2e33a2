// Any shopper-typed name: the cleaned text is valid UTF-8 with no control character, no run of
// spaces, no space at either end, and at most the allowed number of characters; the payload
// built from it is JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/message.hpp"
#include "core/whatsapp.hpp"

namespace {

// Counts characters if the text is valid UTF-8, else -1.
long utf8_characters(const std::string& s) {
    long characters = 0;
    for (std::size_t i = 0; i < s.size(); ++characters) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
        if (length == 0 || i + length > s.size()) return -1;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return -1;
        i += length;
    }
    return characters;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::size_t limit = 1 + (size % 80);
    const std::string cleaned = cart_abandon::clean_template_text(text, limit);
    const long characters = utf8_characters(cleaned);
    if (characters < 0 || std::size_t(characters) > limit) std::abort();
    for (unsigned char c : cleaned)
        if (c < 0x20 || c == 0x7F) std::abort();
    if (cleaned.find("  ") != std::string::npos) std::abort();
    if (!cleaned.empty() && (cleaned.front() == ' ' || cleaned.back() == ' ')) std::abort();
    const auto payload = cart_abandon::whatsapp_payload({"+4915123456789", "t", "en", {cleaned, text}});
    if (nlohmann::json::parse(payload, nullptr, false).is_discarded()) std::abort();
    return 0;
}
