// Keyed hashes for data cart_abandon must keep without revealing it (the numbers of erased
// people): HMAC-SHA256 (RFC 2104) and random keys, both from OpenSSL.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>

namespace cart_abandon {

// The 32 raw bytes of HMAC-SHA256 of `data` keyed with `key`. Throws Error InvalidArgument for an
// empty key, Internal when OpenSSL fails; neither message holds the key or the data.
std::string hmac_sha256(const std::string& key, const std::string& data);

// `size` bytes from OpenSSL's CSPRNG (RAND_bytes). Throws Error Internal when it has no entropy.
std::string random_bytes(std::size_t size);

}  // namespace cart_abandon
