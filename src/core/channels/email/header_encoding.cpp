#include "core/channels/email/header_encoding.hpp"

#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "core/codec/base64.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr char kWordStart[] = "=?UTF-8?B?";
constexpr std::size_t kWordOverhead = sizeof(kWordStart) - 1 + 2;  // "=?UTF-8?B?" and "?="
constexpr char kFold[] = "\r\n ";

// Valid UTF-8 (U+FFFD for invalid bytes, by ICU) with every control, line or paragraph separator
// as a space.
std::string header_safe(const std::string& text) {
    std::string valid;
    icu::UnicodeString::fromUTF8(text).toUTF8String(valid);
    std::string out;
    out.reserve(valid.size());
    for (int32_t at = 0; at < int32_t(valid.size());) {
        const int32_t start = at;
        UChar32 c;
        U8_NEXT(valid.data(), at, int32_t(valid.size()), c);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029)
            out += ' ';
        else
            out.append(valid, std::size_t(start), std::size_t(at - start));
    }
    return out;
}

void trim_spaces(std::string& text) {
    text.erase(0, std::min(text.size(), text.find_first_not_of(' ')));
    while (!text.empty() && text.back() == ' ') text.pop_back();
}

bool is_ascii(const std::string& text) {
    for (unsigned char c : text)
        if (c >= 0x80) return false;
    return true;
}

// The UTF-8 bytes of whole characters from `at` that an encoded-word of at most `budget`
// characters holds (at least one character).
std::size_t bytes_for_word(const std::string& text, std::size_t at, std::size_t budget) {
    const std::size_t max_bytes = budget > kWordOverhead ? (budget - kWordOverhead) / 4 * 3 : 0;
    std::size_t end = at;
    while (end < text.size()) {
        int32_t next = int32_t(end);
        UChar32 c;
        U8_NEXT(text.data(), next, int32_t(text.size()), c);
        (void)c;
        if (std::size_t(next) - at > max_bytes && end > at) break;
        end = std::size_t(next);
    }
    return end - at;
}

// `text` as encoded-words after `line` (the field so far): each within kMaxEncodedWord and its
// line within kMaxHeaderLine, separated by folds (white space between adjacent encoded-words is
// not part of the text: RFC 2047 section 6.2). Returns the length of the last line.
std::size_t append_encoded_words(std::string& out, std::size_t line, const std::string& text) {
    std::size_t at = 0;
    bool first = true;
    while (at < text.size()) {
        std::size_t budget = std::min(kMaxEncodedWord, kMaxHeaderLine - std::min(line, kMaxHeaderLine));
        if (!first || budget < kWordOverhead + 4) {
            if (!first || line > 0) {
                out += kFold;
                line = 1;
            }
            budget = kMaxEncodedWord;
        }
        const std::size_t length = bytes_for_word(text, at, budget);
        const std::string word = kWordStart + base64_encode(text.substr(at, length)) + "?=";
        out += word;
        line += word.size();
        at += length;
        first = false;
    }
    return line;
}

// Printable ASCII after `line`, folded at spaces before a word that would pass kMaxHeaderLine.
void append_folded_ascii(std::string& out, std::size_t line, const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t space = text.find(' ', at + 1);
        if (space == std::string::npos) space = text.size();
        const std::size_t length = space - at;  // a word with the space before it (but the first)
        if (line + length > kMaxHeaderLine && at > 0 && text[at] == ' ') {
            out += "\r\n";
            line = 0;
        }
        out.append(text, at, length);
        line += length;
        at = space;
    }
}

bool needs_encoding(const std::string& text) { return !is_ascii(text) || text.find("=?") != std::string::npos; }

// RFC 5322 section 3.2.3: atext and spaces make a phrase of atoms; anything else is quoted.
bool is_atom_phrase(const std::string& text) {
    static const std::string kSpecials = "()<>[]:;@\\,.\"";
    for (unsigned char c : text)
        if (c < 0x20 || c >= 0x7f || kSpecials.find(char(c)) != std::string::npos) return false;
    return text.find_first_not_of(' ') != std::string::npos;
}

std::string quoted_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

bool is_header_safe_address(const std::string& address) {
    static const std::string kRefused = "<>,;:\"()[]\\ ";
    const std::size_t at = address.rfind('@');
    if (address.empty() || at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
    for (unsigned char c : address)
        if (c < 0x20 || c == 0x7f || kRefused.find(char(c)) != std::string::npos) return false;
    return true;
}

std::string text_header(const std::string& name, const std::string& value) {
    std::string text = header_safe(value);
    trim_spaces(text);  // a folded line of white space alone is not allowed (RFC 5322 section 3.2.2)
    std::string out = name + ":";
    if (text.empty()) return out;
    if (needs_encoding(text)) {
        out += ' ';
        append_encoded_words(out, out.size(), text);
    } else {
        append_folded_ascii(out, out.size(), " " + text);
    }
    return out;
}

std::string mailbox_header(const std::string& name, const std::string& display_name, const std::string& address) {
    if (!is_header_safe_address(address))
        throw Error(ErrorKind::InvalidArgument, "an email address in a header field is not usable",
                    "It must hold an '@' inside and no white space, controls or <>,;:\"()[]\\.");
    std::string text = header_safe(display_name);
    trim_spaces(text);
    std::string out = name + ": ";
    if (text.empty()) return out + address;
    std::size_t line;
    if (needs_encoding(text)) {
        line = append_encoded_words(out, out.size(), text);
    } else {
        out += is_atom_phrase(text) ? text : quoted_string(text);
        line = out.size();
    }
    const std::string angle = "<" + address + ">";
    if (line + 1 + angle.size() > kMaxHeaderLine)
        out += kFold;
    else
        out += ' ';
    return out + angle;
}

}  // namespace cart_abandon
