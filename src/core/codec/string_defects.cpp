#include "core/codec/string_defects.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

namespace cart_abandon {

namespace {

// The value of 4 hex digits at text[at], or -1.
long hex4(const std::string& text, std::size_t at) {
    if (at + 4 > text.size()) return -1;
    long value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = text[i];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

bool is_high_surrogate(long unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(long unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

class Marker {
public:
    explicit Marker(const std::string& in) : in_(in) { out_.text.reserve(in.size()); }

    MarkedText run() {
        bool in_string = false;
        for (std::size_t at = 0; at < in_.size();) {
            const char c = in_[at];
            if (!in_string || c == '"') {
                in_string = in_string ? false : c == '"';
                out_.text += c;
                ++at;
            } else if (c == '\\') {
                at = escape(at);
            } else if (uint8_t(c) < 0x20) {
                mark(StringDefect::Control, 1);
                ++at;
            } else if (uint8_t(c) < 0x80) {
                out_.text += c;
                ++at;
            } else {
                at = multibyte(at);
            }
        }
        return std::move(out_);
    }

private:
    // Writes the marker of `defect` in place of `replaced` bytes of the original.
    void mark(StringDefect defect, std::size_t replaced) {
        const std::size_t begin = out_.text.size();
        out_.text += "\\u0000";
        out_.text += char(defect);
        grown_ += 7 - std::min<std::size_t>(replaced, 7);
        out_.markers.push_back({begin, out_.text.size(), grown_});
    }

    // An escape at `at`; returns the position after it. Anything but \u is copied as it is
    // (nlohmann judges it).
    std::size_t escape(std::size_t at) {
        const long unit = at + 1 < in_.size() && in_[at + 1] == 'u' ? hex4(in_, at + 2) : -1;
        if (unit < 0) {
            out_.text.append(in_, at, 2);
            return at + 2;
        }
        if (unit == 0) {
            mark(StringDefect::Nul, 6);
        } else if (is_high_surrogate(unit) && at + 8 <= in_.size() && in_.compare(at + 6, 2, "\\u") == 0 &&
                   is_low_surrogate(hex4(in_, at + 8))) {
            out_.text.append(in_, at, 12);  // a whole pair
            return at + 12;
        } else if (is_high_surrogate(unit) || is_low_surrogate(unit)) {
            mark(StringDefect::LoneSurrogate, 6);
        } else {
            out_.text.append(in_, at, 6);
        }
        return at + 6;
    }

    // A byte of 0x80 or more at `at`: a whole UTF-8 character is copied; an ill-formed
    // sequence (ICU's U8_NEXT skips the longest bad prefix) is marked.
    std::size_t multibyte(std::size_t at) {
        int32_t next = int32_t(at);
        UChar32 character;
        U8_NEXT(reinterpret_cast<const uint8_t*>(in_.data()), next, int32_t(in_.size()), character);
        if (character < 0)
            mark(StringDefect::NotUtf8, std::size_t(next) - at);
        else
            out_.text.append(in_, at, std::size_t(next) - at);
        return std::size_t(next);
    }

    const std::string& in_;
    MarkedText out_;
    std::size_t grown_ = 0;
};

}  // namespace

std::size_t MarkedText::original_position(std::size_t position) const {
    std::size_t grown = 0;  // up to `position`
    for (const Marker& marker : markers) {
        if (position < marker.begin) break;
        if (position < marker.end) return marker.begin - grown;
        grown = marker.grown;
    }
    return position - grown;
}

MarkedText mark_string_defects(const std::string& json_text) {
    if (json_text.size() > std::size_t(INT32_MAX)) return {json_text, {}};  // ICU's offsets are 32-bit
    return Marker(json_text).run();
}

StringDefect defect_in(const std::string& text) {
    const std::size_t at = text.find('\0');
    if (at == std::string::npos) return StringDefect::None;
    switch (at + 1 < text.size() ? text[at + 1] : 0) {
        case 'S': return StringDefect::LoneSurrogate;
        case 'U': return StringDefect::NotUtf8;
        case 'C': return StringDefect::Control;
        default: return StringDefect::Nul;
    }
}

const char* defect_reason(StringDefect defect) {
    switch (defect) {
        case StringDefect::Nul: return "a string holds a NUL (\\u0000)";
        case StringDefect::LoneSurrogate: return "a string holds an unpaired UTF-16 surrogate escape";
        case StringDefect::NotUtf8: return "a string holds bytes that are not UTF-8";
        case StringDefect::Control: return "a string holds an unescaped control character";
        case StringDefect::None: break;
    }
    return "";
}

}  // namespace cart_abandon
