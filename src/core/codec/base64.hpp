// Standard base64 (RFC 4648 section 4) with optional padding on input.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>

namespace cart_abandon {

std::string base64_encode(const std::string& bytes);

// nullopt when the text holds a character outside the alphabet, misplaced padding, or a
// length that no encoding produces.
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace cart_abandon
