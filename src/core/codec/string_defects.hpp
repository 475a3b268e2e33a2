// JSON text whose strings hold what no reader here can keep: a NUL (PostgreSQL text cannot hold
// one), an unpaired UTF-16 surrogate escape such as \ud800 (nlohmann refuses the whole text),
// bytes that are not UTF-8, a raw control character. Each is replaced by a marker that parses,
// so that one bad string costs its own item (webhook.cpp), not the whole body.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cart_abandon {

// A marker in a parsed string is a NUL followed by one of these letters (every NUL of a marked
// text is one: a \u0000 of the original is marked too).
enum class StringDefect : char {
    None = 0,
    Nul = 'N',  // \u0000
    LoneSurrogate = 'S',  // \ud800..\udfff without its other half
    NotUtf8 = 'U',  // a byte sequence that is not UTF-8
    Control = 'C',  // a raw byte below 0x20 (JSON wants it escaped)
};

struct MarkedText {
    struct Marker {
        std::size_t begin, end;  // where it stands in `text`
        std::size_t grown;  // bytes `text` has gained up to its end
    };
    std::string text;
    std::vector<Marker> markers;  // in order: to map a position back

    // The position in the original text of `position` in `text` (inside a marker: where the
    // bytes it replaced began).
    std::size_t original_position(std::size_t position) const;
};

// `json_text` with every defect inside a string replaced by its marker, written as the escape
// \u0000 and the letter. Nothing outside strings changes: a text that is not JSON stays not JSON.
MarkedText mark_string_defects(const std::string& json_text);

// The first marker in a parsed string, or None.
StringDefect defect_in(const std::string& text);

// What a defect is, for a report; never quotes the text.
const char* defect_reason(StringDefect defect);

}  // namespace cart_abandon
