// The keyset cursor: base64 of the JSON object {"id": "<cart id>"} (the seed's format).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// Longest cursor text accepted; real cursors are about 60 characters.
constexpr std::size_t kMaxCursorLength = 4096;

std::string encode_cursor(const std::string& cart_id);

// Returns the cart id the cursor points at. Throws Error(InvalidText) naming what is wrong:
// not base64, not JSON, not an object, no "id", or an "id" that is not a non-empty string.
std::string decode_cursor(const std::string& cursor);

}  // namespace cart_abandon
