#include "core/codec/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace cart_abandon {

namespace {

// OpenSSL's block functions take an int length: texts go through in pieces this long (a
// multiple of 3 bytes, of 4 symbols).
constexpr std::size_t kPieceBytes = 3 << 20;
constexpr std::size_t kPieceSymbols = kPieceBytes / 3 * 4;

}  // namespace

std::string base64_encode(const std::string& bytes) {
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');  // EVP_EncodeBlock ends with a NUL
    std::size_t written = 0;
    for (std::size_t at = 0; at < bytes.size(); at += kPieceBytes) {
        const std::size_t piece = std::min(kPieceBytes, bytes.size() - at);
        written += EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[written]),
                                   reinterpret_cast<const unsigned char*>(bytes.data() + at), int(piece));
    }
    out.resize(written);
    return out;
}

// EVP_DecodeBlock skips white space around the text, reads '=' anywhere as zero bits and
// ignores the bits after the last byte, so it cannot judge a text alone: a text is accepted
// only when it is the encoding of the bytes it decodes to, with or without that padding.
std::optional<std::string> base64_decode(const std::string& text) {
    std::size_t length = text.size();
    while (length > 0 && text[length - 1] == '=' && text.size() - length < 2) --length;
    const std::size_t padding = text.size() - length;
    // Padded input must come in whole quads; unpadded input may not end in a single symbol.
    if (padding > 0 && text.size() % 4 != 0) return std::nullopt;
    if (length % 4 == 1) return std::nullopt;

    std::string padded = text.substr(0, length);
    padded.append((4 - length % 4) % 4, '=');
    std::string out(padded.size() / 4 * 3, '\0');
    for (std::size_t at = 0; at < padded.size(); at += kPieceSymbols) {
        const std::size_t piece = std::min(kPieceSymbols, padded.size() - at);
        if (EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[at / 4 * 3]),
                            reinterpret_cast<const unsigned char*>(padded.data() + at), int(piece)) < 0)
            return std::nullopt;
    }
    out.resize(length * 3 / 4);  // the padding's zero bytes
    const std::string encoding = base64_encode(out);
    if (encoding.compare(0, length, text, 0, length) != 0) return std::nullopt;
    return out;
}

}  // namespace cart_abandon
