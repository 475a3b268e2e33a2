#include "message.hpp"

#include <cstdint>

namespace cart_abandon {

namespace {

constexpr std::size_t kMaxNameChars = 60;

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one.
std::size_t utf8_sequence_length(const std::string& s, std::size_t i) {
    const auto lead = uint8_t(s[i]);
    std::size_t length;
    uint32_t code_point;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) { length = 2; code_point = lead & 0x1F; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; code_point = lead & 0x0F; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; code_point = lead & 0x07; }
    else return 0;
    if (i + length > s.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = uint8_t(s[i + k]);
        if ((next & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (next & 0x3F);
    }
    // Reject overlong forms, surrogates and values past Unicode's range.
    static const uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    return length;
}

}  // namespace

std::string clean_template_text(const std::string& text, std::size_t max_chars) {
    std::string out;
    out.reserve(text.size());
    std::size_t chars = 0;
    bool pending_space = false;
    for (std::size_t i = 0; i < text.size() && chars < max_chars;) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {  // not UTF-8: drop the byte
            ++i;
            continue;
        }
        const auto byte = uint8_t(text[i]);
        if (length == 1 && (byte <= 0x20 || byte == 0x7F)) {  // space, tab, newline, control
            pending_space = !out.empty();
            i += 1;
            continue;
        }
        if (pending_space) {
            if (++chars >= max_chars) break;
            out += ' ';
            pending_space = false;
        }
        out.append(text, i, length);
        ++chars;
        i += length;
    }
    return out;
}

std::string choose_customer_name(const std::vector<std::string>& names_in_order, const std::string& fallback) {
    for (const auto& name : names_in_order) {
        std::string cleaned = clean_template_text(name, kMaxNameChars);
        if (!cleaned.empty()) return cleaned;
    }
    return clean_template_text(fallback, kMaxNameChars);
}

std::string cart_link(const std::string& pattern, const std::string& cart_id) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : cart_id) {
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.' || c == '~') {
            encoded += char(c);
        } else {
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 15];
        }
    }
    static const std::string kPlaceholder = "{cart_id}";
    std::string link;
    std::size_t from = 0;
    for (std::size_t at; (at = pattern.find(kPlaceholder, from)) != std::string::npos; from = at + kPlaceholder.size())
        link.append(pattern, from, at - from).append(encoded);
    link.append(pattern, from, std::string::npos);
    return link;
}

}  // namespace cart_abandon
