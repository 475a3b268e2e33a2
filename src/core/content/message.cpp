#include "core/content/message.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>
#include <new>
#include <string_view>

#include "core/codec/percent.hpp"

namespace cart_abandon {

namespace {

constexpr std::size_t kMaxNameChars = 60;
constexpr UChar32 kZwnj = 0x200C;
constexpr UChar32 kZwj = 0x200D;
// UTS #51 emoji tag sequences: tag_spec characters, then CANCEL TAG.
constexpr UChar32 kFirstTagSpec = 0xE0020;
constexpr UChar32 kLastTagSpec = 0xE007E;
constexpr UChar32 kCancelTag = 0xE007F;

// What a code point is to the cleaner; ICU's properties decide, in this order.
enum class Kind {
    Space,  // Cc, Zs, Zl, Zp: becomes one space
    Drop,  // noncharacter, Cf or default ignorable: goes
    Joiner,  // ZWJ, ZWNJ: kept between two visible characters
    TagSpec,  // part of an emoji tag sequence
    TagEnd,  // CANCEL TAG, the end of one
    Attach,  // combining mark, variation selector, emoji modifier: kept after a visible character
    Lead,  // grapheme Prepend (e.g. U+0D4E): kept before a visible character
    Base,  // visible: letters, digits, symbols, emoji, private use, unassigned
};

Kind kind_of(UChar32 c) {
    const int8_t type = u_charType(c);
    if (type == U_CONTROL_CHAR || type == U_SPACE_SEPARATOR || type == U_LINE_SEPARATOR ||
        type == U_PARAGRAPH_SEPARATOR)
        return Kind::Space;
    if (U_IS_UNICODE_NONCHAR(c)) return Kind::Drop;
    if (c == kZwj || c == kZwnj) return Kind::Joiner;
    if (c >= kFirstTagSpec && c <= kLastTagSpec) return Kind::TagSpec;
    if (c == kCancelTag) return Kind::TagEnd;
    // Default ignorable, but they pick a glyph (text or emoji style) of the character before.
    if (u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR)) return Kind::Attach;
    if (type == U_FORMAT_CHAR || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) return Kind::Drop;
    const int32_t gcb = u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
    if (gcb == U_GCB_EXTEND || gcb == U_GCB_SPACING_MARK) return Kind::Attach;  // emoji modifiers too
    // Prepend joins whatever follows, a space included: alone it would glue a space into a cluster.
    if (gcb == U_GCB_PREPEND) return Kind::Lead;
    return Kind::Base;
}

void append_utf8(std::string& out, UChar32 c) {
    char bytes[U8_MAX_LENGTH];
    int32_t length = 0;
    U8_APPEND_UNSAFE(bytes, length, c);
    out.append(bytes, std::size_t(length));
}

bool is_continuation_byte(char byte) { return (uint8_t(byte) & 0xC0) == 0x80; }

// Cleans code point by code point. A joiner, a Prepend character or an emoji tag run waits in
// `pending` until the next code point says whether it stays.
class Cleaner {
public:
    void add(UChar32 c) {
        const Kind kind = kind_of(c);
        if (!pending_.empty()) {
            if (pending_kind_ == Kind::TagSpec && kind == Kind::TagSpec) {
                append_utf8(pending_, c);
                return;
            }
            if (pending_kind_ == Kind::TagSpec && kind == Kind::TagEnd) {
                append_utf8(pending_, c);
                emit(pending_);
                pending_.clear();
                emoji_base_ = false;  // one tag sequence per emoji
                return;
            }
            if (pending_kind_ != Kind::TagSpec && kind == Kind::Base) {
                flush_space();
                emit(pending_);
                pending_.clear();
                emit_base(c);
                return;
            }
            pending_.clear();
            after_ = After::Removed;
        }
        switch (kind) {
            case Kind::Space:
                space_pending_ = !out_.empty();
                after_ = After::Space;
                break;
            case Kind::Drop:
            case Kind::TagEnd: after_ = After::Removed; break;
            case Kind::Joiner:
            case Kind::TagSpec:
                if (after_ == After::Visible && (kind == Kind::Joiner || emoji_base_)) {
                    append_utf8(pending_, c);
                    pending_kind_ = kind;
                } else {
                    after_ = After::Removed;
                }
                break;
            case Kind::Attach:
                if (after_ == After::Visible) {
                    std::string bytes;
                    append_utf8(bytes, c);
                    emit(bytes);
                } else {
                    after_ = After::Removed;
                }
                break;
            case Kind::Lead:
                append_utf8(pending_, c);
                pending_kind_ = kind;
                break;
            case Kind::Base:
                flush_space();
                emit_base(c);
                break;
        }
    }

    // Code points written so far (what waits in `pending` is not counted).
    std::size_t chars() const { return chars_; }

    // The text cleaned so far; what still waits goes, as does a pending (trailing) space.
    const std::string& text() const { return out_; }

private:
    enum class After { Start, Space, Removed, Visible };  // what the previous code point left

    void emit(const std::string& bytes) {
        out_ += bytes;
        for (char byte : bytes) chars_ += is_continuation_byte(byte) ? 0 : 1;
    }

    void emit_base(UChar32 c) {
        std::string bytes;
        append_utf8(bytes, c);
        emit(bytes);
        after_ = After::Visible;
        emoji_base_ = u_hasBinaryProperty(c, UCHAR_EMOJI);
    }

    void flush_space() {
        if (space_pending_) emit(" ");
        space_pending_ = false;
    }

    std::string out_;
    std::size_t chars_ = 0;
    After after_ = After::Start;
    bool space_pending_ = false;
    bool emoji_base_ = false;  // the current cluster starts with an emoji: it may take tags
    std::string pending_;
    Kind pending_kind_ = Kind::Base;
};

bool ends_with_joiner(const std::string& text, std::size_t end) {
    if (end == 0) return false;
    int32_t i = int32_t(end);
    UChar32 c;
    U8_PREV_UNSAFE(reinterpret_cast<const uint8_t*>(text.data()), i, c);
    return c == kZwj || c == kZwnj;
}

// The longest prefix of whole grapheme clusters with at most max_chars code points that does
// not end in a joiner, without a trailing space. `text` is cleaned and holds at least
// max_chars + 1 code points (or all of its input), so every boundary up to there is known.
std::string cut_between_clusters(const std::string& text, std::size_t max_chars) {
    UErrorCode status = U_ZERO_ERROR;
    icu::LocalUTextPointer utext(utext_openUTF8(nullptr, text.data(), int64_t(text.size()), &status));
    std::unique_ptr<icu::BreakIterator> clusters(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_SUCCESS(status)) clusters->setText(utext.getAlias(), status);
    std::size_t cut = 0;
    if (U_SUCCESS(status)) {
        std::size_t chars = 0;
        std::size_t previous = 0;
        for (int32_t b = clusters->next(); b != icu::BreakIterator::DONE; b = clusters->next()) {
            for (std::size_t i = previous; i < std::size_t(b); ++i) chars += is_continuation_byte(text[i]) ? 0 : 1;
            previous = std::size_t(b);
            if (chars > max_chars) break;
            if (!ends_with_joiner(text, previous)) cut = previous;
        }
    } else {
        // No break iterator (ICU out of memory): a space is a cluster of its own, cut before one.
        std::size_t chars = 0;
        for (std::size_t i = 0; i < text.size() && chars <= max_chars; ++i) {
            if (text[i] == ' ') cut = i;
            chars += is_continuation_byte(text[i]) ? 0 : 1;
        }
    }
    std::string out = text.substr(0, cut);
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

// RFC 3986's unreserved characters as they are, every other byte as %XX (upper case).
void append_percent_encoded(std::string& out, std::string_view bytes) { out += percent_encode(bytes); }

// Part of a link pattern between placeholders, as a URI: see cart_link in the header.
void append_uri_text(std::string& out, const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        // RFC 3986 allows none of these raw; a '%' must start an escape.
        static constexpr std::string_view kNeverRaw = "\"<>\\^`{|}";
        const auto c = uint8_t(text[i]);
        const bool raw = c > ' ' && c < 0x7F && kNeverRaw.find(char(c)) == std::string_view::npos &&
                         (c != '%' || (i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2])));
        if (raw)
            out += char(c);
        else
            append_percent_encoded(out, text.substr(i, 1));
    }
}

// Whitespace, control, format and other invisible code points go from the pattern's ends
// (invalid bytes stay, percent-encoded).
bool trimmed_from_link(UChar32 c) {
    if (c < 0) return false;
    const Kind kind = kind_of(c);
    return kind == Kind::Space || kind == Kind::Drop || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

}  // namespace

std::string clean_template_text(const std::string& text, std::size_t max_chars) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    // U8_NEXT indexes with int32_t; PostgreSQL text is at most 1 GB anyway.
    const auto length = int32_t(std::min<std::size_t>(text.size(), INT32_MAX));
    Cleaner cleaner;
    // One code point past the limit is enough to know every cluster boundary up to it.
    for (int32_t i = 0; i < length && cleaner.chars() <= max_chars;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) continue;  // invalid UTF-8 (surrogates included): dropped as if absent
        cleaner.add(c);
    }
    if (cleaner.chars() <= max_chars) return cleaner.text();
    return cut_between_clusters(cleaner.text(), max_chars);
}

std::string choose_customer_name(const std::vector<std::string>& names_in_order, const std::string& fallback) {
    for (const auto& name : names_in_order) {
        // Cleaning keeps marks, joiners and selectors only with a visible character: a name that
        // is not empty once cleaned has one.
        std::string cleaned = clean_template_text(name, kMaxNameChars);
        if (!cleaned.empty()) return cleaned;
    }
    return clean_template_text(fallback, kMaxNameChars);
}

std::string cart_link(const std::string& pattern, const std::string& cart_id) {
    std::string encoded;
    append_percent_encoded(encoded, cart_id);

    // Trim invisible code points at both ends of the pattern.
    const auto* bytes = reinterpret_cast<const uint8_t*>(pattern.data());
    const auto length = int32_t(std::min<std::size_t>(pattern.size(), INT32_MAX));
    int32_t begin = 0;
    while (begin < length) {
        int32_t next = begin;
        UChar32 c;
        U8_NEXT(bytes, next, length, c);
        if (!trimmed_from_link(c)) break;
        begin = next;
    }
    int32_t end = length;
    while (end > begin) {
        int32_t previous = end;
        UChar32 c;
        U8_PREV(bytes, begin, previous, c);
        if (!trimmed_from_link(c)) break;
        end = previous;
    }
    const std::string trimmed = pattern.substr(std::size_t(begin), std::size_t(end - begin));

    static const std::string kPlaceholder = "{cart_id}";
    std::string link;
    std::size_t from = 0;
    for (std::size_t at; (at = trimmed.find(kPlaceholder, from)) != std::string::npos;
         from = at + kPlaceholder.size()) {
        append_uri_text(link, trimmed.substr(from, at - from));
        link += encoded;
    }
    append_uri_text(link, trimmed.substr(from));
    return link;
}

}  // namespace cart_abandon
