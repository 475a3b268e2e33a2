#include "core/channels/sms/text.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

namespace cart_abandon::twilio {

namespace {

// GSM 03.38's default alphabet beyond printable ASCII, and the ASCII it lacks.
constexpr char32_t kGsmNonAscii[] = {U'£', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø', U'Å', U'å', U'Δ',
                                     U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É',
                                     U'¤', U'¡', U'Ä', U'Ö', U'Ñ', U'Ü', U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};
constexpr char kGsmAsciiMissing[] = "`";  // '$' and '@' are in; '`' is not
// The extension table: an escape septet, then the character's.
constexpr char32_t kGsmExtension[] = {U'\f', U'^', U'{', U'}', U'\\', U'[', U'~', U']', U'|', U'€'};

// Septets of `c` in GSM-7, 0 when it has none.
int gsm_septets(UChar32 c) {
    for (char32_t e : kGsmExtension)
        if (char32_t(c) == e) return 2;
    if (c == '\n' || c == '\r') return 1;
    if (c >= 0x20 && c < 0x7F) {
        for (const char* m = kGsmAsciiMissing; *m; ++m)
            if (c == *m) return 0;
        return 1;
    }
    for (char32_t g : kGsmNonAscii)
        if (char32_t(c) == g) return 1;
    return 0;
}

std::size_t segments_of(std::size_t units, std::size_t single, std::size_t multi) {
    if (units == 0) return 0;
    return units <= single ? 1 : (units + multi - 1) / multi;
}

std::string filled(const std::string& pattern, const std::string& name, const std::string& link) {
    std::string out;
    for (std::size_t at = 0; at < pattern.size();) {
        if (pattern.compare(at, 6, "{name}") == 0) {
            out += name;
            at += 6;
        } else if (pattern.compare(at, 6, "{link}") == 0) {
            out += link;
            at += 6;
        } else {
            out += pattern[at++];
        }
    }
    return out;
}

}  // namespace

SmsLength sms_length(const std::string& text) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    const auto length = int32_t(std::min<std::size_t>(text.size(), INT32_MAX));
    std::size_t septets = 0;
    std::size_t utf16 = 0;
    bool gsm = true;
    for (int32_t i = 0; i < length;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        utf16 += c > 0xFFFF ? 2 : 1;
        const int s = c < 0 ? 0 : gsm_septets(c);
        if (s == 0) gsm = false;
        septets += std::size_t(s);
    }
    SmsLength result;
    if (gsm) {
        result.units = septets;
        result.segments = segments_of(septets, 160, 153);
    } else {
        result.encoding = SmsEncoding::Ucs2;
        result.units = utf16;
        result.segments = segments_of(utf16, 70, 67);
    }
    return result;
}

std::string reminder_text(const std::string& name, const std::string& link, const SmsWording& wording) {
    std::string without = filled(wording.without_name, name, link);
    if (name.empty()) return without;
    std::string with = filled(wording.with_name, name, link);
    return sms_length(with).segments <= sms_length(without).segments ? with : without;
}

}  // namespace cart_abandon::twilio
