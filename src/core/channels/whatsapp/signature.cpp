#include "core/channels/whatsapp/signature.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/error.hpp"
#include "core/codec/keyed_hash.hpp"

namespace cart_abandon {

namespace {

constexpr std::size_t kDigestBytes = 32;  // SHA-256
constexpr std::string_view kPrefix = "sha256=";
constexpr std::string_view kSpace = " \t\r\n";

using Digest = std::array<unsigned char, kDigestBytes>;

// HMAC-SHA256 of payload keyed with secret (core/keyed_hash); false, never an exception, on an
// empty secret or a failure of OpenSSL.
bool hmac_sha256(const std::string& payload, const std::string& secret, Digest& out) {
    try {
        const std::string digest = cart_abandon::hmac_sha256(secret, payload);
        std::copy(digest.begin(), digest.end(), out.begin());
        return true;
    } catch (const Error&) {
        return false;
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The 32 bytes a well-formed header names; false for anything else. Only the header, which
// the sender controls anyway, decides the time this takes.
bool parse_header(std::string_view header, Digest& out) {
    const auto first = header.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return false;
    header = header.substr(first, header.find_last_not_of(kSpace) - first + 1);
    if (header.substr(0, kPrefix.size()) != kPrefix) return false;
    header.remove_prefix(kPrefix.size());
    if (header.size() != 2 * kDigestBytes) return false;
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
        const int high = hex_value(header[2 * i]);
        const int low = hex_value(header[2 * i + 1]);
        if (high < 0 || low < 0) return false;
        out[i] = static_cast<unsigned char>(high << 4 | low);
    }
    return true;
}

}  // namespace

bool signature_matches(const std::string& payload, const std::string& header, const std::string& app_secret) {
    Digest claimed{};
    Digest expected{};
    if (!parse_header(header, claimed) || !hmac_sha256(payload, app_secret, expected)) return false;
    return CRYPTO_memcmp(claimed.data(), expected.data(), kDigestBytes) == 0;
}

namespace {

std::string hex(const Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (unsigned char byte : digest) {
        text += kHex[byte >> 4];
        text += kHex[byte & 0x0F];
    }
    return text;
}

}  // namespace

std::string appsecret_proof(const std::string& access_token, const std::string& app_secret) {
    if (app_secret.empty()) throw Error(ErrorKind::InvalidArgument, "the app secret is empty");
    Digest digest{};
    if (!hmac_sha256(access_token, app_secret, digest))
        throw Error(ErrorKind::Internal, "HMAC-SHA256 of the access token (appsecret_proof) failed");
    return hex(digest);
}

}  // namespace cart_abandon
