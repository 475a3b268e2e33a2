#include "core/codec/keyed_hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <climits>

#include "core/error.hpp"

namespace cart_abandon {

std::string hmac_sha256(const std::string& key, const std::string& data) {
    if (key.empty() || key.size() > size_t(INT_MAX))
        throw Error(ErrorKind::InvalidArgument, "an HMAC key must not be empty");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
              data.size(), digest, &length) ||
        length != 32)
        throw Error(ErrorKind::Internal, "HMAC-SHA256 failed");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string random_bytes(std::size_t size) {
    std::string bytes(size, '\0');
    if (size > size_t(INT_MAX) || RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), int(size)) != 1)
        throw Error(ErrorKind::Internal, "OpenSSL's random generator could not give a key");
    return bytes;
}

}  // namespace cart_abandon
