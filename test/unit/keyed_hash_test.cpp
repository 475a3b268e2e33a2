#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/codec/keyed_hash.hpp"

namespace {

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

}  // namespace

// RFC 4231, test cases 1 and 2.
TEST(KeyedHash, HmacSha256MatchesRfc4231) {
    EXPECT_EQ(hex(cart_abandon::hmac_sha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hex(cart_abandon::hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(KeyedHash, AnEmptyKeyIsRefused) {
    EXPECT_THROW(cart_abandon::hmac_sha256("", "+4915144440003"), cart_abandon::Error);
}

TEST(KeyedHash, RandomKeysDiffer) {
    const auto a = cart_abandon::random_bytes(32);
    const auto b = cart_abandon::random_bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
}
