// What a reminder says: the customer's name, the cart id and the recovery link, cleaned so that
// shopper-typed text can never make Meta reject the template.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace cart_abandon {

// Meta refuses a template text parameter with a newline, a tab or more than 4 consecutive
// spaces (error 132018, for every message alike), and phones show invisible characters as
// nothing or as boxes. Cleaned by Unicode property (ICU), not by ASCII:
//  - invalid UTF-8, noncharacters (U+FFFE, U+FFFF, U+nFFFE...) and format or default-ignorable
//    characters (bidi marks and isolates, U+200B, U+2060, U+FEFF, soft hyphen, tags...) go;
//  - every control (C0, C1, DEL), line or paragraph separator and Unicode space (Zs) becomes a
//    space; runs collapse to one; the ends are trimmed;
//  - kept only attached to a visible character: combining marks, variation selectors and emoji
//    modifiers (after one), ZWJ and ZWNJ (between two: emoji ZWJ sequences, Persian and Indic
//    shaping), an emoji tag sequence (after an emoji, complete with its cancel tag);
//  - private-use and unassigned code points stay (a newer Unicode may have assigned them);
//  - cut to at most max_chars code points, only between grapheme clusters (an emoji sequence,
//    a flag, a letter with its marks stays whole or goes whole), never right after a ZWJ or
//    ZWNJ (it would be left joining nothing); a space left at the end by the cut goes.
// A non-empty result always holds a visible character.
std::string clean_template_text(const std::string& text, std::size_t max_chars);

// The first name in order (customer, shipping address, billing address) with a visible
// character once cleaned (60 code points at most); the cleaned fallback when none has one.
std::string choose_customer_name(const std::vector<std::string>& names_in_order, const std::string& fallback);

// The cart link: every "{cart_id}" in the pattern replaced by the percent-encoded cart id
// (unreserved ASCII kept). The pattern itself is made a URI so that no send fails on it (132018
// for a space): whitespace, control and format characters are trimmed at its ends; inside, those,
// the ASCII a URI cannot hold raw (" < > \ ^ ` { | }) and every non-ASCII character are
// percent-encoded as UTF-8 (invalid bytes as they are); a '%' not starting "%XX" becomes "%25".
// The result is printable ASCII with no space.
std::string cart_link(const std::string& pattern, const std::string& cart_id);

}  // namespace cart_abandon
