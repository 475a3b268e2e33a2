// The X-Hub-Signature-256 value Meta would send for a body, for the tests and the webhook fuzzer
// to sign their bodies with: the extension itself only verifies (core/signature.hpp).
#pragma once

#include <string>

#include "core/codec/keyed_hash.hpp"

namespace cart_abandon {

// `sha256=` and 64 lower-case hex digits of HMAC-SHA256 of `payload` keyed with `app_secret`.
// Throws Error InvalidArgument for an empty secret (hmac_sha256 refuses an empty key).
inline std::string signature_header(const std::string& payload, const std::string& app_secret) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string header = "sha256=";
    for (const unsigned char byte : hmac_sha256(app_secret, payload)) {
        header += kHex[byte >> 4];
        header += kHex[byte & 0x0F];
    }
    return header;
}

}  // namespace cart_abandon
