#include <gtest/gtest.h>

#include "core/message.hpp"

using namespace cart_abandon;

TEST(TemplateText, TurnsNewlinesTabsAndSpaceRunsIntoSingleSpaces) {
    EXPECT_EQ(clean_template_text("  Anna\n\tMaria     Lopez \r\n", 60), "Anna Maria Lopez");
}

TEST(TemplateText, KeepsUnicodeAndDropsInvalidBytes) {
    EXPECT_EQ(clean_template_text("\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae", 60), "\xe0\xa4\xb0\xe0\xa4\xbe\xe0\xa4\xae");  // राम
    EXPECT_EQ(clean_template_text("Ann\xff\xfe" "a \xf0\x9f\x98\x80", 60), "Anna \xf0\x9f\x98\x80");
    EXPECT_EQ(clean_template_text("\xc0\xafx", 60), "x") << "overlong encoding";
}

TEST(TemplateText, CutsAtCharactersNotBytes) {
    EXPECT_EQ(clean_template_text("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9");
    EXPECT_EQ(clean_template_text("ab cd", 3), "ab");
}

TEST(CustomerName, FirstNonBlankNameElseTheFallback) {
    EXPECT_EQ(choose_customer_name({"", "  ", "Ravi"}, "there"), "Ravi");
    EXPECT_EQ(choose_customer_name({"Maria", "Ravi"}, "there"), "Maria");
    EXPECT_EQ(choose_customer_name({"", "\n\t"}, "there"), "there");
}

TEST(CartLink, ReplacesEveryPlaceholderWithTheEncodedId) {
    EXPECT_EQ(cart_link("https://shop.example/cart/recover/{cart_id}", "cart_01ABC"),
              "https://shop.example/cart/recover/cart_01ABC");
    EXPECT_EQ(cart_link("https://s.example/{cart_id}?c={cart_id}&utm_source=whatsapp", "a b/c"),
              "https://s.example/a%20b%2Fc?c=a%20b%2Fc&utm_source=whatsapp");
}
