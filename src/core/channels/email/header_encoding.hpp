// Top-level header fields of an email as the SMTP transport hands them on: "Name: value", folded
// to lines of at most 78 characters (RFC 5322 section 2.1.1) with CRLF and a space (section
// 2.2.3), non-ASCII text as RFC 2047 encoded-words ("=?UTF-8?B?...?=", base64 by OpenSSL).
// libcurl writes these fields as given and has no encoder of its own for encoded-words.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// The longest line of a folded header field, CRLF not counted (RFC 5322 section 2.1.1).
constexpr std::size_t kMaxHeaderLine = 78;
// The longest encoded-word (RFC 2047 section 2).
constexpr std::size_t kMaxEncodedWord = 75;

// A header field of unstructured text (Subject): controls (CR and LF included, so no field can be
// injected), line and paragraph separators become spaces, invalid UTF-8 becomes U+FFFD. Printable
// ASCII stays as it is, folded at its spaces when too long (a word longer than a line stays whole);
// text with non-ASCII, or with "=?" (a decoder would read it as an encoded-word), becomes encoded-
// words of whole characters (RFC 2047 section 5), each line within kMaxHeaderLine.
std::string text_header(const std::string& name, const std::string& value);

// A header field of one mailbox (From, To, Reply-To; RFC 5322 section 3.4): "Name: addr" or
// "Name: display <addr>". An ASCII display name is an atom phrase when it can be, else a quoted
// string; a non-ASCII one encoded-words (RFC 2047 section 5 (3)). Throws Error InvalidArgument
// when `address` is not an address that can stand in a header (empty, no '@' inside, white space,
// controls, or one of <>,;:"()[]\ ).
std::string mailbox_header(const std::string& name, const std::string& display_name, const std::string& address);

// Whether `address` can stand in mailbox_header (the same check).
bool is_header_safe_address(const std::string& address);

}  // namespace cart_abandon
