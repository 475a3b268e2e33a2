#include <gtest/gtest.h>

#include <vector>

#include "core/base64.hpp"
#include "core/cursor.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

TEST(Base64, RoundTripsEveryLengthModuloThree) {
    for (const std::string& bytes : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
        const auto decoded = base64_decode(base64_encode(bytes));
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, bytes);
    }
}

TEST(Base64, AcceptsMissingPaddingAndRejectsGarbage) {
    EXPECT_EQ(base64_decode("YWI").value(), "ab");
    EXPECT_EQ(base64_decode("YWI=").value(), "ab");
    EXPECT_FALSE(base64_decode("YWI*").has_value());
    EXPECT_FALSE(base64_decode("Y").has_value());
    EXPECT_FALSE(base64_decode("YW=I").has_value());
    EXPECT_FALSE(base64_decode("YWJ=").has_value()) << "non-zero trailing bits";
}

TEST(Cursor, DecodesTheSeedExample) {
    EXPECT_EQ(decode_cursor("eyJpZCI6ImNhcnRfMTIzIn0="), "cart_123");
}

TEST(Cursor, EncodesTheSeedFormatExactly) {
    EXPECT_EQ(encode_cursor("cart_123"), "eyJpZCI6ImNhcnRfMTIzIn0=");
}

TEST(Cursor, RoundTripsIdsWithQuotesAndUnicode) {
    for (const std::string& id : std::vector<std::string>{"cart_01KGHG0CGTQNPT4SF5GA2CM86Z", "a\"b\\c", "cart_\xc3\xa9\xe2\x82\xac"})
        EXPECT_EQ(decode_cursor(encode_cursor(id)), id);
}

std::string decode_error(const std::string& cursor) {
    try {
        decode_cursor(cursor);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidText);
        return e.what();
    }
    return "no error";
}

TEST(Cursor, RejectsEachKindOfBadCursorWithItsOwnMessage) {
    EXPECT_EQ(decode_error(""), "invalid cursor: it is empty");
    EXPECT_EQ(decode_error("not base64!"), "invalid cursor: it is not base64");
    EXPECT_EQ(decode_error(base64_encode("{nope")), "invalid cursor: it does not decode to JSON");
    EXPECT_EQ(decode_error(base64_encode("[1]")), "invalid cursor: it does not decode to a JSON object");
    EXPECT_EQ(decode_error(base64_encode("{\"cart\":\"x\"}")), "invalid cursor: it has no \"id\" key");
    EXPECT_EQ(decode_error(base64_encode("{\"id\":123}")), "invalid cursor: its \"id\" is not a string");
    EXPECT_EQ(decode_error(base64_encode("{\"id\":\"\"}")), "invalid cursor: its \"id\" is empty");
    EXPECT_EQ(decode_error(base64_encode("{\"id\":\"a\\u0000b\"}")), "invalid cursor: its \"id\" contains a NUL character");
    EXPECT_EQ(decode_error(std::string(kMaxCursorLength + 1, 'A')),
              "invalid cursor: it is longer than 4096 characters");
}
