#include "core/codec/percent.hpp"

#include <curl/curl.h>

#include <new>

namespace cart_abandon {

std::string percent_encode(std::string_view bytes) {
    // curl_easy_escape takes an int length (0 meaning strlen): longer texts go in pieces.
    constexpr std::size_t kPiece = 1 << 30;
    std::string out;
    for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
        const std::string_view piece = bytes.substr(at, kPiece);
        char* escaped = curl_easy_escape(nullptr, piece.data(), int(piece.size()));
        if (!escaped) throw std::bad_alloc();
        out += escaped;
        curl_free(escaped);
    }
    return out;
}

}  // namespace cart_abandon
