#include <gtest/gtest.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string>

#include "core/content/message.hpp"

using namespace cart_abandon;

namespace {

// Code points written out (U"..."), as UTF-8: every test string says exactly what it holds.
std::string utf8(const std::u32string& code_points) {
    std::string out;
    for (char32_t c : code_points) {
        char bytes[U8_MAX_LENGTH];
        int32_t length = 0;
        U8_APPEND_UNSAFE(bytes, length, UChar32(c));
        out.append(bytes, std::size_t(length));
    }
    return out;
}

std::string clean(const std::u32string& text, std::size_t max_chars = 60) {
    return clean_template_text(utf8(text), max_chars);
}

const std::u32string kFamily = U"\U0001F468\u200D\U0001F469\u200D\U0001F467";  // 👨‍👩‍👧, 5 code points
const std::u32string kThumbsUpMedium = U"\U0001F44D\U0001F3FD";  // 👍🏽
const std::u32string kGermanFlag = U"\U0001F1E9\U0001F1EA";  // 🇩🇪
const std::u32string kEnglandFlag = U"\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F";

}  // namespace

TEST(TemplateText, TurnsNewlinesTabsAndSpaceRunsIntoSingleSpaces) {
    EXPECT_EQ(clean_template_text("  Anna\n\tMaria     Lopez \r\n", 60), "Anna Maria Lopez");
}

TEST(TemplateText, KeepsUnicodeAndDropsInvalidBytes) {
    EXPECT_EQ(clean_template_text("\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae", 60),
              "\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae");  // राम
    EXPECT_EQ(clean_template_text("Ann\xff\xfe"
                                  "a \xf0\x9f\x98\x80",
                                  60),
              "Anna \xf0\x9f\x98\x80");
    EXPECT_EQ(clean_template_text("\xc0\xafx", 60), "x") << "overlong encoding";
    EXPECT_EQ(clean_template_text("a\xed\xa0\x80"
                                  "b",
                                  60),
              "ab")
        << "an encoded surrogate";
}

TEST(TemplateText, CutsAtCharactersNotBytes) {
    EXPECT_EQ(clean_template_text("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9");
    EXPECT_EQ(clean_template_text("ab cd", 3), "ab");
    EXPECT_EQ(clean_template_text("abc", 0), "");
}

TEST(TemplateText, C1ControlsAndDeleteBecomeSpaces) {
    EXPECT_EQ(clean(U"Anna\u0085Maria\u009BLopez\u007F"), "Anna Maria Lopez");
    EXPECT_EQ(clean(U"\u0080\u009FAnna\u0000\u0001"), "Anna");
}

TEST(TemplateText, LineAndParagraphSeparatorsBecomeSpaces) {
    EXPECT_EQ(clean(U"Anna\u2028Maria\u2029Lopez\u2029"), "Anna Maria Lopez");
}

TEST(TemplateText, EveryUnicodeSpaceAndControlBecomesOneSpace) {
    EXPECT_EQ(clean(U"a\u00A0\u3000\u205F\u2007\u202F\u1680b"), "a b");
    int spaces = 0;
    for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
        const int8_t type = u_charType(c);
        if (type != U_SPACE_SEPARATOR && type != U_LINE_SEPARATOR && type != U_PARAGRAPH_SEPARATOR &&
            type != U_CONTROL_CHAR)
            continue;
        spaces += type == U_SPACE_SEPARATOR;
        const std::u32string two(2, char32_t(c));
        ASSERT_EQ(clean(U"a" + two + U"b" + two), "a b") << std::hex << c;
    }
    EXPECT_GE(spaces, 17);  // U+0020, U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000
}

TEST(TemplateText, BidiMarksGoAtTheStartMiddleAndEnd) {
    EXPECT_EQ(clean(U"\u200F\u202BAnna\u200E"), "Anna");
    EXPECT_EQ(clean(U"Anna \u2068\u0645\u0631\u064A\u0645\u2069 Lopez\u202C"),
              utf8(U"Anna \u0645\u0631\u064A\u0645 Lopez"));
    EXPECT_EQ(clean(U"An\u061Cna\u2066"), "Anna");
}

TEST(TemplateText, FormatAndInvisibleCharactersGo) {
    EXPECT_EQ(clean(U"\uFEFFAn\u200Bna\u2060\u00AD\u2061\u180E\u034F"), "Anna");
    EXPECT_EQ(clean(U"\u3164"), "") << "Hangul filler, default ignorable";
    EXPECT_EQ(clean(U"a\U000E0001b"), "ab") << "LANGUAGE TAG";
    for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
        if (u_charType(c) != U_FORMAT_CHAR || c == 0x200C || c == 0x200D) continue;
        ASSERT_EQ(clean(U"a" + std::u32string(1, char32_t(c)) + U"b"), "ab") << std::hex << c;
    }
}

TEST(TemplateText, NoncharactersGoPrivateUseAndUnassignedStay) {
    EXPECT_EQ(clean(U"a\uFFFE\uFFFF\uFDD0\U0001FFFE\U0010FFFFb"), "ab");
    EXPECT_EQ(clean(U"\uE000\U000F0000"), utf8(U"\uE000\U000F0000"));
    EXPECT_EQ(clean(U"\u0378"), utf8(U"\u0378"));
}

TEST(TemplateText, ZwjStaysInsideAnEmojiSequenceAndGoesAtTheEdges) {
    EXPECT_EQ(clean(kFamily), utf8(kFamily));
    EXPECT_EQ(clean(U"\u2764\uFE0F\u200D\U0001F525"), utf8(U"\u2764\uFE0F\u200D\U0001F525"));  // ❤️‍🔥
    EXPECT_EQ(clean(U"\u200D\U0001F468\u200D"), utf8(U"\U0001F468"));
    EXPECT_EQ(clean(U"\U0001F468\u200D \U0001F469"), utf8(U"\U0001F468 \U0001F469"));
    EXPECT_EQ(clean(U"\U0001F468 \u200D\U0001F469"), utf8(U"\U0001F468 \U0001F469"));
    EXPECT_EQ(clean(U"\U0001F468\u200D\u200D\U0001F469"), utf8(U"\U0001F468\U0001F469")) << "doubled";
    EXPECT_EQ(clean(U"a\u200B\u200Db"), "ab") << "after a removed character";
}

TEST(TemplateText, ZwnjStaysBetweenLettersOnly) {
    const std::u32string persian = U"\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";  // می‌خواهم
    EXPECT_EQ(clean(persian), utf8(persian));
    EXPECT_EQ(clean(U"\u200C\u0645\u06CC\u200C"), utf8(U"\u0645\u06CC"));
    const std::u32string conjunct = U"\u0915\u094D\u200D\u0937";  // क्‍ष: ZWJ after a virama
    EXPECT_EQ(clean(conjunct), utf8(conjunct));
}

TEST(TemplateText, SkinToneModifiersStayOnlyWithTheirEmoji) {
    EXPECT_EQ(clean(kThumbsUpMedium), utf8(kThumbsUpMedium));
    EXPECT_EQ(clean(U"\U0001F3FDhi"), "hi");
    EXPECT_EQ(clean(U"hi \U0001F3FD"), "hi");
    EXPECT_EQ(clean(U"\U0001F44D\u200B\U0001F3FD"), utf8(U"\U0001F44D")) << "after a removed character";
}

TEST(TemplateText, VariationSelectorsStayOnlyAfterAVisibleCharacter) {
    EXPECT_EQ(clean(U"\u2764\uFE0F"), utf8(U"\u2764\uFE0F"));
    EXPECT_EQ(clean(U"1\uFE0F\u20E3"), utf8(U"1\uFE0F\u20E3"));  // keycap 1️⃣
    EXPECT_EQ(clean(U"\uFE0Fa \uFE0E"), "a");
}

TEST(TemplateText, FlagsAndTagSequencesStayWhole) {
    EXPECT_EQ(clean(kGermanFlag), utf8(kGermanFlag));
    EXPECT_EQ(clean(kEnglandFlag), utf8(kEnglandFlag));
    EXPECT_EQ(clean(U"a\U000E0067\U000E007F"), "a") << "tags after a letter";
    EXPECT_EQ(clean(U"\U0001F3F4\U000E0067\U000E0062 x"), utf8(U"\U0001F3F4 x")) << "no cancel tag";
    EXPECT_EQ(clean(U"\U0001F3F4\U000E007F"), utf8(U"\U0001F3F4")) << "cancel tag alone";
    EXPECT_EQ(clean(kEnglandFlag + U"\U000E0067\U000E007F"), utf8(kEnglandFlag)) << "one tag sequence per emoji";
    EXPECT_EQ(clean(U"\U0001F468\u200D\U000E007F"), utf8(U"\U0001F468")) << "cancel tag after a joiner";
    // UTS #51: each element of a ZWJ sequence may be a tag sequence (found by the fuzzer, which
    // had wanted one per cluster).
    EXPECT_EQ(clean(kEnglandFlag + U"\u200D\U0001F469" + U"\U000E0067\U000E007F"),
              utf8(kEnglandFlag + U"\u200D\U0001F469" + U"\U000E0067\U000E007F"))
        << "a tag sequence per element of a ZWJ sequence";
    EXPECT_EQ(clean(kEnglandFlag + U"\u200D\U0001F469\U000E0067\U000E007F\U000E0067\U000E007F"),
              utf8(kEnglandFlag + U"\u200D\U0001F469\U000E0067\U000E007F"))
        << "still one per element";
}

TEST(TemplateText, CombiningMarksStayOnlyOnACharacter) {
    EXPECT_EQ(clean(U"Jose\u0301"), utf8(U"Jose\u0301"));
    EXPECT_EQ(clean(U"\u0301\u0308Anna"), "Anna");
    EXPECT_EQ(clean(U"Anna \u0301"), "Anna");
    EXPECT_EQ(clean(U"\u0D4E\u0D15 \u0D4E"), utf8(U"\u0D4E\u0D15")) << "a Prepend letter needs one after it";
}

TEST(TemplateText, CutNeverSplitsAGraphemeCluster) {
    const std::u32string text = U"Hi " + kFamily + U"!";  // 3 + 5 + 1 code points
    EXPECT_EQ(clean(text, 7), "Hi") << "limit - 1: the family goes whole, the space with it";
    EXPECT_EQ(clean(text, 8), utf8(U"Hi " + kFamily)) << "exactly the limit";
    EXPECT_EQ(clean(text, 9), utf8(text)) << "limit + 1";
    EXPECT_EQ(clean(U"ab" + kThumbsUpMedium, 3), "ab");
    EXPECT_EQ(clean(U"ab" + kThumbsUpMedium, 4), utf8(U"ab" + kThumbsUpMedium));
    EXPECT_EQ(clean(U"ab" + kGermanFlag + kGermanFlag, 5), utf8(U"ab" + kGermanFlag));
    EXPECT_EQ(clean(U"a" + kEnglandFlag, 7), "a");
    EXPECT_EQ(clean(U"Jose\u0301", 4), "Jos");
    EXPECT_EQ(clean(U"a\u1112\u1161\u11AB", 3), "a") << "Hangul jamo of one syllable";
    EXPECT_EQ(clean(U"a\u1112\u1161\u11AB", 4), utf8(U"a\u1112\u1161\u11AB"));
}

TEST(TemplateText, CutNeverLeavesAJoinerAtTheEnd) {
    const std::u32string persian = U"\u0645\u06CC\u200C\u062E";  // cluster "\u06CC\u200C" ends in ZWNJ
    EXPECT_EQ(clean(persian, 3), utf8(U"\u0645"));
    EXPECT_EQ(clean(persian, 4), utf8(persian));
}

TEST(TemplateText, CleaningTwiceChangesNothing) {
    const std::u32string texts[] = {U"  a\u200D\u200Db \u0301" + kFamily + U"\u2028\uFE0F x", U"Hi " + kFamily + U"!",
                                    U"\u0645\u06CC\u200C\u062E"};
    for (const auto& text : texts) {
        for (std::size_t limit : {1, 3, 7, 8, 60}) {
            const std::string once = clean(text, limit);
            EXPECT_EQ(clean_template_text(once, limit), once) << once;
        }
    }
}

TEST(CustomerName, FirstNonBlankNameElseTheFallback) {
    EXPECT_EQ(choose_customer_name({"", "  ", "Ravi"}, "there"), "Ravi");
    EXPECT_EQ(choose_customer_name({"Maria", "Ravi"}, "there"), "Maria");
    EXPECT_EQ(choose_customer_name({"", "\n\t"}, "there"), "there");
}

TEST(CustomerName, InvisibleNamesFallBack) {
    for (const char32_t* name : {U"\u200B\u200E", U"\u3000", U"\uFE0F", U"\u0301", U"\U0001F3FD", U"\u200D\u200C",
                                 U"\U000E0067\U000E007F", U"\u00A0\u2028\u0085"})
        EXPECT_EQ(choose_customer_name({utf8(name)}, " there\n"), "there");
    EXPECT_EQ(choose_customer_name({utf8(U"\u200B"), utf8(U"\u00A0Ravi\u200F")}, "there"), "Ravi");
}

TEST(CustomerName, CutAt60CodePointsBetweenClusters) {
    const std::u32string name = std::u32string(57, U'a') + kFamily;  // the family would end at 62
    EXPECT_EQ(choose_customer_name({utf8(name)}, "there"), std::string(57, 'a'));
    const std::u32string over = U"\u0301" + std::u32string(60, U'\u0308');  // one cluster only marks
    EXPECT_EQ(choose_customer_name({utf8(U"e" + over)}, "there"), "there") << "the first cluster is too long";
}

TEST(CartLink, ReplacesEveryPlaceholderWithTheEncodedId) {
    EXPECT_EQ(cart_link("https://shop.example/cart/recover/{cart_id}", "cart_01ABC"),
              "https://shop.example/cart/recover/cart_01ABC");
    EXPECT_EQ(cart_link("https://s.example/{cart_id}?c={cart_id}&utm_source=whatsapp", "a b/c"),
              "https://s.example/a%20b%2Fc?c=a%20b%2Fc&utm_source=whatsapp");
}

TEST(CartLink, TrimsTheEndsAndEncodesSpacesInside) {
    EXPECT_EQ(cart_link("https://shop.example/cart recover/{cart_id} ", "cart_01ABC"),
              "https://shop.example/cart%20recover/cart_01ABC");
    EXPECT_EQ(cart_link(utf8(U"\u200F\uFEFF\t https://s.example/{cart_id}\n\u00A0\u200B\u0085"), "c1"),
              "https://s.example/c1");
    EXPECT_EQ(cart_link(utf8(U"https://s.example/a\tb\u00A0c\u200Bd/{cart_id}"), "c1"),
              "https://s.example/a%09b%C2%A0c%E2%80%8Bd/c1");
}

TEST(CartLink, EncodesNonAsciiAndWhatAUriCannotHoldRaw) {
    EXPECT_EQ(cart_link(utf8(U"https://s.example/k\u00F6rbe/{cart_id}?q=\U0001F6D2"), "c1"),
              "https://s.example/k%C3%B6rbe/c1?q=%F0%9F%9B%92");
    EXPECT_EQ(cart_link("https://s.example/\"<>\\^`{|}/{cart_id}", "c1"),
              "https://s.example/%22%3C%3E%5C%5E%60%7B%7C%7D/c1");
    EXPECT_EQ(cart_link("https://s.example/\xff/{cart_id}", "c1"), "https://s.example/%FF/c1") << "invalid byte";
}

// Every byte in the cart id and inside the pattern: RFC 3986's unreserved characters stay in the
// id, the rest is %XX in upper case (Python's urllib.parse.quote(bytes(range(256)), safe='')).
TEST(CartLink, EncodesEveryByteOfTheIdAndOfThePattern) {
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte) every_byte += char(byte);
    EXPECT_EQ(cart_link("{cart_id}", every_byte),
              "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F"
              "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTU"
              "VWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F%80%81%82%83%84%85%86%87%88%89%8A%8B"
              "%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB"
              "%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB"
              "%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB"
              "%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF");
    EXPECT_EQ(cart_link("a" + every_byte + "{cart_id}", "c1"),
              "a"
              "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F"
              "%20!%22#$%25&'()*+,-./0123456789:;%3C=%3E\?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[%5C]%5E_%60abcdefghijklmno"
              "pqrstuvwxyz%7B%7C%7D~%7F%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97"
              "%98%99%9A%9B%9C%9D%9E%9F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7"
              "%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7"
              "%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7"
              "%F8%F9%FA%FB%FC%FD%FE%FF"
              "c1");
    EXPECT_EQ(cart_link("{cart_id}", ""), "");
    EXPECT_EQ(cart_link("https://s.example/{cart_id}", std::string("a\0b", 3)), "https://s.example/a%00b");
}

TEST(CartLink, KeepsPercentEscapesAndEncodesStrayPercents) {
    EXPECT_EQ(cart_link("https://s.example/a%20b/{cart_id}?d=50%&e=%zz&f=%4", "c1"),
              "https://s.example/a%20b/c1?d=50%25&e=%25zz&f=%254");
    EXPECT_EQ(cart_link("https://s.example/x%{cart_id}", "41"), "https://s.example/x%2541");
}
