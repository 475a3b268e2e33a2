#include <gtest/gtest.h>

#include <vector>

#include "core/codec/base64.hpp"
#include "core/codec/cursor.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

TEST(Base64, RoundTripsEveryLengthModuloThree) {
    for (const std::string& bytes :
         std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
        const auto decoded = base64_decode(base64_encode(bytes));
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, bytes);
    }
}

TEST(Base64, EncodesAsRfc4648WithPadding) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("a"), "YQ==");
    EXPECT_EQ(base64_encode("ab"), "YWI=");
    EXPECT_EQ(base64_encode("abc"), "YWJj");
    EXPECT_EQ(base64_encode("\xfb\xff\xbf"), "+/+/");
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte) every_byte += char(byte);
    // Python's base64.b64encode(bytes(range(256))).
    EXPECT_EQ(base64_encode(every_byte),
              "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZH"
              "SElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6P"
              "kJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX"
              "2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==");
    EXPECT_EQ(base64_decode(base64_encode(every_byte)).value(), every_byte);
}

// Every text of one or two bytes, padded or not, decodes back to its bytes (and a third byte
// after them, so that every length modulo three is covered).
TEST(Base64, DecodesEveryShortEncodingPaddedOrNot) {
    for (int value = 0; value < 256 * 256 + 256; ++value) {
        std::string bytes = value < 256 ? std::string(1, char(value)) : std::string{char(value >> 8), char(value)};
        for (int more = 0; more < 2; ++more, bytes += '\x80') {
            const std::string text = base64_encode(bytes);
            ASSERT_EQ(base64_decode(text), bytes) << text;
            ASSERT_EQ(base64_decode(text.substr(0, text.find('='))), bytes) << text;
        }
    }
}

// Strict: every accepted text is the encoding of what it decodes to, with or without its
// padding. Nothing else passes (white space, '=' inside, the URL-safe alphabet, a NUL, other
// bytes, non-zero bits after the last byte, a wrong amount of padding).
TEST(Base64, AcceptsOnlyTheEncodingOfWhatItDecodesTo) {
    const std::string symbols("AQgw/+= \n-_R\0\xff", 15);
    std::vector<std::string> texts{""};
    for (std::size_t begin = 0, length = 0; length < 5; ++length) {
        const std::size_t end = texts.size();
        for (std::size_t i = begin; i < end; ++i)
            for (char symbol : symbols) texts.push_back(texts[i] + symbol);
        begin = end;
    }
    int accepted = 0;
    for (const auto& text : texts) {
        const auto decoded = base64_decode(text);
        if (!decoded) continue;
        ++accepted;
        const std::string encoding = base64_encode(*decoded);
        ASSERT_TRUE(text == encoding || text == encoding.substr(0, encoding.find('='))) << text;
    }
    // Seven symbols are base64's; A, Q, g and w alone end a text with zero spare bits.
    EXPECT_EQ(accepted, 1 + 2 * (7 * 4) + 2 * (7 * 7 * 4) + 7 * 7 * 7 * 7)
        << "the empty text; two and three symbols, with and without padding; four symbols";
}

TEST(Base64, RejectsEveryMalformedText) {
    for (const std::string text : {"YQ=",
                                   "YQ===",
                                   "YWI==",
                                   "YWJj=",
                                   "YWJj==",
                                   "Y",
                                   "Y=",
                                   "Y==",
                                   "Y===",
                                   "=",
                                   "==",
                                   "===",
                                   "====",
                                   "YW=I",
                                   "=YWI",
                                   "YQ==YQ==",
                                   "YWI=YWJj",
                                   " YWJj",
                                   "YWJj ",
                                   "YWJj\n",
                                   "YW\nJj",
                                   "\tYWJj",
                                   "YWJj\r\n",
                                   "-_-_",
                                   "YW-j",
                                   "YW_j",
                                   "YR==",
                                   "YR",
                                   "YWJ=",
                                   "YWJ",
                                   "\xff\xff\xff\xff",
                                   "YW.j"})
        EXPECT_FALSE(base64_decode(text).has_value()) << '"' << text << '"';
    EXPECT_FALSE(base64_decode(std::string("YW\0j", 4)).has_value());
    EXPECT_FALSE(base64_decode(std::string("YWJj\0", 5)).has_value());
}

TEST(Base64, LongTextsAsShortOnes) {
    std::string bytes, text;
    for (int i = 0; i < 2500000; ++i) bytes += "abc", text += "YWJj";
    bytes += 'a', text += "YQ==";
    EXPECT_EQ(base64_encode(bytes), text);
    EXPECT_EQ(base64_decode(text), bytes);
    text[text.size() / 2] = '=';
    EXPECT_FALSE(base64_decode(text).has_value());
}

TEST(Base64, AcceptsMissingPaddingAndRejectsGarbage) {
    EXPECT_EQ(base64_decode("YWI").value(), "ab");
    EXPECT_EQ(base64_decode("YWI=").value(), "ab");
    EXPECT_FALSE(base64_decode("YWI*").has_value());
    EXPECT_FALSE(base64_decode("Y").has_value());
    EXPECT_FALSE(base64_decode("YW=I").has_value());
    EXPECT_FALSE(base64_decode("YWJ=").has_value()) << "non-zero trailing bits";
}

TEST(Cursor, DecodesTheSeedExample) { EXPECT_EQ(decode_cursor("eyJpZCI6ImNhcnRfMTIzIn0="), "cart_123"); }

TEST(Cursor, EncodesTheSeedFormatExactly) { EXPECT_EQ(encode_cursor("cart_123"), "eyJpZCI6ImNhcnRfMTIzIn0="); }

TEST(Cursor, RoundTripsIdsWithQuotesAndUnicode) {
    for (const std::string& id :
         std::vector<std::string>{"cart_01KGHG0CGTQNPT4SF5GA2CM86Z", "a\"b\\c", "cart_\xc3\xa9\xe2\x82\xac"})
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
    EXPECT_EQ(decode_error(base64_encode("{\"id\":\"a\\u0000b\"}")),
              "invalid cursor: its \"id\" contains a NUL character");
    EXPECT_EQ(decode_error(std::string(kMaxCursorLength + 1, 'A')),
              "invalid cursor: it is longer than 4096 characters");
}
