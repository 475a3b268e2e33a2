// Invisible input in typed phone numbers: what copy and paste from chats, spreadsheets and
// right-to-left pages leaves in a field.
#include <gtest/gtest.h>

#include "core/contact/phone.hpp"
#include "core/contact/phone_text.hpp"

using namespace cart_abandon;

namespace {

std::string e164(const std::string& raw, const std::string& region) {
    std::string problem;
    const std::string result = normalize_phone(raw, region, problem);
    return result.empty() ? "refused: " + problem : result;
}

std::string cleaned(const std::string& typed) {
    std::string text;
    return clean_phone_text(typed, text) ? text : "<not UTF-8>";
}

struct Invisible {
    const char* name;
    const char* utf8;
};

// Format characters (Cf), variation selectors (Mn) and other default-ignorable code points.
const Invisible kInvisible[] = {
    {"LEFT-TO-RIGHT MARK U+200E", "\u200E"},
    {"RIGHT-TO-LEFT MARK U+200F", "\u200F"},
    {"LEFT-TO-RIGHT EMBEDDING U+202A", "\u202A"},
    {"RIGHT-TO-LEFT EMBEDDING U+202B", "\u202B"},
    {"POP DIRECTIONAL FORMATTING U+202C", "\u202C"},
    {"LEFT-TO-RIGHT OVERRIDE U+202D", "\u202D"},
    {"RIGHT-TO-LEFT OVERRIDE U+202E", "\u202E"},
    {"LEFT-TO-RIGHT ISOLATE U+2066", "\u2066"},
    {"RIGHT-TO-LEFT ISOLATE U+2067", "\u2067"},
    {"FIRST STRONG ISOLATE U+2068", "\u2068"},
    {"POP DIRECTIONAL ISOLATE U+2069", "\u2069"},
    {"ARABIC LETTER MARK U+061C", "\u061C"},
    {"ZERO WIDTH SPACE U+200B", "\u200B"},
    {"ZERO WIDTH NON-JOINER U+200C", "\u200C"},
    {"ZERO WIDTH JOINER U+200D", "\u200D"},
    {"WORD JOINER U+2060", "\u2060"},
    {"BYTE ORDER MARK U+FEFF", "\uFEFF"},
    {"SOFT HYPHEN U+00AD", "\u00AD"},
    {"ARABIC NUMBER SIGN U+0600 (Cf, not default-ignorable)", "\u0600"},
    {"VARIATION SELECTOR-1 U+FE00", "\uFE00"},
    {"VARIATION SELECTOR-16 U+FE0F", "\uFE0F"},
    {"VARIATION SELECTOR-17 U+E0100", "\U000E0100"},
    {"VARIATION SELECTOR-256 U+E01EF", "\U000E01EF"},
    {"MONGOLIAN FREE VARIATION SELECTOR ONE U+180B", "\u180B"},
    {"COMBINING GRAPHEME JOINER U+034F (Mn)", "\u034F"},
    {"HANGUL FILLER U+3164 (Lo)", "\u3164"},
    {"TAG LATIN SMALL LETTER A U+E0061", "\U000E0061"},
};

}  // namespace

TEST(PhoneText, IgnoresInvisibleCharactersWhereverTheySit) {
    for (const auto& invisible : kInvisible) {
        SCOPED_TRACE(invisible.name);
        const std::string c = invisible.utf8;
        EXPECT_EQ(cleaned(c + "0151 23456789"), "0151 23456789");
        EXPECT_EQ(cleaned("0151" + c + "23456789"), "015123456789");
        EXPECT_EQ(cleaned("0151 23456789" + c), "0151 23456789");
        EXPECT_EQ(e164(c + "0151 23456789", "de"), "+4915123456789");
        EXPECT_EQ(e164("0151 2345" + c + "6789", "de"), "+4915123456789");
        EXPECT_EQ(e164("0151 23456789" + c, "de"), "+4915123456789");
        EXPECT_EQ(e164(c + "+" + c + "49 151 23456789" + c + c, ""), "+4915123456789");  // before the +, after it
        EXPECT_EQ(e164("0" + c + "049 151 23456789", "us"), "+4915123456789");  // inside the 00
    }
}

TEST(PhoneText, ReadsANumberWrappedInBidiControls) {
    // What a right-to-left page hands over: the number isolated, or marked left-to-right.
    EXPECT_EQ(e164("\u2066+49 151 23456789\u2069", ""), "+4915123456789");
    EXPECT_EQ(e164("\u202A+91 98765 43210\u202C", ""), "+919876543210");
    EXPECT_EQ(e164("\u200E+44\u200E 7400\u200E 123456\u200E", ""), "+447400123456");
}

TEST(PhoneText, TurnsUnicodeSpacesAndControlsIntoOneSpace) {
    const Invisible spaces[] = {
        {"NO-BREAK SPACE U+00A0", "\u00A0"},
        {"NARROW NO-BREAK SPACE U+202F", "\u202F"},
        {"FIGURE SPACE U+2007", "\u2007"},
        {"IDEOGRAPHIC SPACE U+3000", "\u3000"},
        {"LINE SEPARATOR U+2028", "\u2028"},
        {"TAB", "\t"},
        {"LINE FEED", "\n"},
        {"CARRIAGE RETURN", "\r"},
        {"NEXT LINE U+0085", "\u0085"},
        {"ESCAPE", "\x1B"},
    };
    for (const auto& space : spaces) {
        SCOPED_TRACE(space.name);
        const std::string s = space.utf8;
        EXPECT_EQ(cleaned(s + "0151" + s + s + "23456789" + s), "0151 23456789");
        EXPECT_EQ(e164(s + "0151 23456789", "de"), "+4915123456789");
        EXPECT_EQ(e164("0151" + s + "234" + s + "56789", "de"), "+4915123456789");
        EXPECT_EQ(e164("0151 23456789" + s, "de"), "+4915123456789");
    }
    EXPECT_EQ(cleaned(std::string("0151\0"
                                  "23456789",
                                  13)),
              "0151 23456789");  // NUL
}

TEST(PhoneText, RefusesInvalidUtf8) {
    for (const char* bytes : {"\xFF"
                              "0151 23456789",  // never in UTF-8
                              "0151 \x80"
                              "23456789",  // lone continuation byte
                              "0151 23456789\xE2\x80",  // truncated sequence
                              "\xC0\xB0"
                              "151 23456789",  // overlong "0"
                              "0151 \xED\xA0\x80"
                              "23456789",  // surrogate U+D800
                              "0151 \xF4\x90\x80\x80"}) {  // above U+10FFFF
        SCOPED_TRACE(bytes);
        EXPECT_EQ(cleaned(bytes), "<not UTF-8>");
        EXPECT_EQ(e164(bytes, "de"), "refused: not a phone number");
    }
    const auto choice = choose_phone({{"shipping", "\xFF", "de"}}, "", {});
    EXPECT_EQ(choice.skip_reason, SkipReason::InvalidPhone);
    EXPECT_EQ(choice.detail, "shipping phone: not a phone number");
}

TEST(PhoneText, InvisibleInputAloneIsNoNumber) {
    EXPECT_EQ(e164("\u200B\u00A0\uFEFF\t", "de"), "refused: empty");
    const auto choice = choose_phone({{"shipping", "\u200E\u200F", "de"}, {"customer", "\u00A0", ""}}, "", {});
    EXPECT_EQ(choice.skip_reason, SkipReason::NoPhone);
}

TEST(PhoneText, CountsOnlyVisibleCharactersTowardsTheLengthLimit) {
    std::string padded;
    for (int i = 0; i < 100; ++i) padded += "\u200B";
    EXPECT_EQ(e164(padded + "0151 23456789" + padded, "de"), "+4915123456789");
    EXPECT_EQ(e164("0151 23456789" + std::string(51, '-'), "de"), "+4915123456789");  // 64 characters
    EXPECT_EQ(e164("0151 23456789" + std::string(52, '-'), "de"), "refused: too long");
    EXPECT_EQ(e164("０１５１ ２３４５６７８９" + std::string(51, '-'), "de"), "+4915123456789");  // 64, not 88 bytes
}

TEST(PhoneText, FindsWhereTheNumberStarts) {
    EXPECT_TRUE(number_start("+49 151").plus);
    EXPECT_TRUE(number_start("(＋49) 151").plus);
    EXPECT_EQ(number_start("0049 151").country_code_at, 2u);
    EXPECT_EQ(number_start("(00) 49 151").country_code_at, 5u);
    EXPECT_EQ(number_start("００４９").country_code_at, 6u);  // fullwidth digits are 3 bytes each
    EXPECT_EQ(number_start("0151 00 49").country_code_at, std::string::npos);  // 00 inside the number
    EXPECT_EQ(number_start("0 049 151").country_code_at, std::string::npos);
    EXPECT_EQ(number_start("00").country_code_at, std::string::npos);
    EXPECT_EQ(number_start("00 x 49").country_code_at, std::string::npos);
    EXPECT_FALSE(number_start("").plus);
}
