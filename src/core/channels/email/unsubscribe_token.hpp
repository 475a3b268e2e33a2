// The signed, expiring token of a one-click unsubscribe link (RFC 8058): whoever holds the link
// may stop the reminders of that one address until it expires, and nobody can make one for
// another address without the key.
//
// Format (version 1): PAYLOAD "." MAC, both base64url without padding (RFC 4648 section 5), where
//   PAYLOAD = "1" LF kind LF expiry LF address   (expiry: Unix seconds, decimal)
//   MAC     = HMAC-SHA256(key, "cart_abandon unsubscribe" LF PAYLOAD)   (32 bytes)
// The MAC's prefix keeps these MACs apart from any other use of the key.
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <string>

namespace cart_abandon {

struct UnsubscribeClaim {
    std::string kind;  // the address's kind: "email"
    std::string address;  // as it was signed (the caller normalizes it first, e.g. lower-case)
    std::int64_t expires_at = 0;  // Unix seconds; the token is refused from this second on
};

// The longest token verify() reads; longer ones are Malformed.
constexpr std::size_t kMaxUnsubscribeToken = 2048;

// The token of `claim` signed with `key` (at least 32 bytes; e.g. random_bytes(32)). Throws Error
// InvalidArgument for a shorter key, an empty kind or address, or one holding a line feed or NUL;
// neither the key nor the address is in the message.
std::string sign_unsubscribe_token(const std::string& key, const UnsubscribeClaim& claim);

enum class TokenCheck {
    Valid,
    Malformed,  // not a token of this format (bad characters, parts, version, numbers, length)
    Forged,  // well formed, but its MAC is not the key's for its payload (altered or forged)
    Expired,  // genuine, and its expiry has come
};

const char* token_check_name(TokenCheck check);

struct TokenVerdict {
    TokenCheck check = TokenCheck::Malformed;
    UnsubscribeClaim claim;  // filled when Valid or Expired (a genuine claim)
};

// Checks `token` against `key` at `now` (Unix seconds): the MAC in constant time
// (CRYPTO_memcmp), and the expiry only once the MAC holds. Never throws for any token; throws
// Error InvalidArgument for a key shorter than 32 bytes.
TokenVerdict verify_unsubscribe_token(const std::string& key, const std::string& token, std::int64_t now);

}  // namespace cart_abandon
