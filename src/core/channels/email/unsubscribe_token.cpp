#include "core/channels/email/unsubscribe_token.hpp"

#include <openssl/crypto.h>

#include <optional>
#include <vector>

#include "core/codec/base64.hpp"
#include "core/codec/keyed_hash.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr std::size_t kMinKeyBytes = 32;
constexpr std::size_t kMacBytes = 32;
constexpr char kVersion[] = "1";
constexpr char kMacPrefix[] = "cart_abandon unsubscribe\n";

void check_key(const std::string& key) {
    if (key.size() < kMinKeyBytes)
        throw Error(ErrorKind::InvalidArgument, "the unsubscribe key must be at least 32 bytes long");
}

// base64url without padding (RFC 4648 section 5), from the standard alphabet.
std::string base64url(const std::string& bytes) {
    std::string text = base64_encode(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
}

std::optional<std::string> from_base64url(std::string text) {
    for (char& c : text) {
        if (c == '+' || c == '/' || c == '=') return std::nullopt;  // the standard alphabet is not ours
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    return base64_decode(text);
}

std::string mac_of(const std::string& key, const std::string& payload) {
    return hmac_sha256(key, kMacPrefix + payload);
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1)
        parts.push_back(text.substr(start, at - start));
    parts.push_back(text.substr(start));
    return parts;
}

// A decimal of at most 18 digits without sign or leading zero (so one value has one spelling).
std::optional<std::int64_t> parse_seconds(const std::string& text) {
    if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

bool fit_for_payload(const std::string& field) {
    return !field.empty() && field.find('\n') == std::string::npos && field.find('\0') == std::string::npos;
}

}  // namespace

std::string sign_unsubscribe_token(const std::string& key, const UnsubscribeClaim& claim) {
    check_key(key);
    if (!fit_for_payload(claim.kind) || !fit_for_payload(claim.address) || claim.expires_at < 0)
        throw Error(ErrorKind::InvalidArgument,
                    "an unsubscribe token needs a kind and an address without line feeds, and an expiry");
    const std::string payload =
        std::string(kVersion) + "\n" + claim.kind + "\n" + std::to_string(claim.expires_at) + "\n" + claim.address;
    return base64url(payload) + "." + base64url(mac_of(key, payload));
}

const char* token_check_name(TokenCheck check) {
    switch (check) {
        case TokenCheck::Valid: return "valid";
        case TokenCheck::Malformed: return "malformed";
        case TokenCheck::Forged: return "forged";
        case TokenCheck::Expired: return "expired";
    }
    return "malformed";
}

TokenVerdict verify_unsubscribe_token(const std::string& key, const std::string& token, std::int64_t now) {
    check_key(key);
    TokenVerdict verdict;  // Malformed until shown otherwise
    if (token.size() > kMaxUnsubscribeToken) return verdict;
    const std::vector<std::string> parts = split(token, '.');
    if (parts.size() != 2) return verdict;
    const std::optional<std::string> payload = from_base64url(parts[0]);
    const std::optional<std::string> mac = from_base64url(parts[1]);
    if (!payload || !mac || mac->size() != kMacBytes) return verdict;
    const std::vector<std::string> fields = split(*payload, '\n');
    if (fields.size() != 4 || fields[0] != kVersion || !fit_for_payload(fields[1]) || !fit_for_payload(fields[3]))
        return verdict;
    const std::optional<std::int64_t> expires_at = parse_seconds(fields[2]);
    if (!expires_at) return verdict;

    const std::string expected = mac_of(key, *payload);
    if (CRYPTO_memcmp(expected.data(), mac->data(), kMacBytes) != 0) {
        verdict.check = TokenCheck::Forged;
        return verdict;
    }
    verdict.claim = {fields[1], fields[3], *expires_at};
    verdict.check = now < *expires_at ? TokenCheck::Valid : TokenCheck::Expired;
    return verdict;
}

}  // namespace cart_abandon
