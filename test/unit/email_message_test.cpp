// The rendered reminder email (core/channels/email/message.hpp and the pieces it is made of):
// templates per locale, plurals, amounts, escaping, the header fields.
#include <gtest/gtest.h>

#include "core/channels/email/default_templates.hpp"
#include "core/channels/email/html_escape.hpp"
#include "core/channels/email/message.hpp"
#include "core/channels/email/money.hpp"
#include "core/channels/email/template_render.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'796'670'566));  // Mon 2026-12-07

EmailInput input(const std::string& locale = "en", int stage = 1) {
    EmailInput in;
    in.to_address = "anna@example.com";
    in.cart.recipient_name = "Anna";
    in.cart.customer_name = "Anna";
    in.from_address = "shop@shop.example";
    in.from_name = "The Shop";
    in.cart.ledger_id = 42;
    in.cart.stage = stage;
    in.cart.locale = locale;
    in.cart.items = {{"Blue mug", 1, "https://cdn.shop.example/mug.png", 1250, "EUR"}};
    in.cart.total_minor = 1250;
    in.cart.currency_code = "EUR";
    in.cart.recovery_link = "https://shop.example/cart/recover?id=cart_1&t=abc";
    in.unsubscribe_link = "https://shop.example/unsubscribe?t=tok";
    return in;
}

std::string header(const RenderedEmail& email, const std::string& name) {
    for (const std::string& field : email.headers)
        if (field.rfind(name + ":", 0) == 0) return field;
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "<ca.<ledger>.<24 lower-case hex digits>@<domain>>"
bool is_message_id(const std::string& id, const std::string& ledger, const std::string& domain) {
    const std::string head = "<ca." + ledger + ".", tail = "@" + domain + ">";
    if (id.size() != head.size() + 24 + tail.size() || id.rfind(head, 0) != 0 ||
        id.compare(id.size() - tail.size(), tail.size(), tail) != 0)
        return false;
    return id.substr(head.size(), 24).find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Every LF comes after a CR.
bool has_crlf_lines_only(const std::string& text) {
    for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; ++at)
        if (at == 0 || text[at - 1] != '\r') return false;
    return true;
}

// The Error that `call` throws (a failure when it throws none).
template <typename Call>
Error error_of(Call call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no cart_abandon::Error thrown";
    return Error(ErrorKind::Internal, "none");
}

}  // namespace

TEST(EmailMoney, FormatsPerLocaleExactly) {
    EXPECT_EQ(format_money(1250, "EUR", "de"), "12,50\u00a0€");
    EXPECT_EQ(format_money(1250, "usd", "en"), "$12.50");
    EXPECT_EQ(format_money(1250, "EUR", "de_DE"), "12,50\u00a0€");
    EXPECT_EQ(format_money(500, "JPY", "en"), "¥500");  // no minor units
    EXPECT_EQ(format_money(123456789012345678LL, "USD", "en"), "$1,234,567,890,123,456.78");  // no double
    EXPECT_EQ(format_money(-5, "USD", "en"), "-$0.05");
    EXPECT_THROW(format_money(1, "EU", "en"), Error);
}

TEST(EmailHtml, EscapesTheFiveCharactersAndKeepsEveryOtherByte) {
    EXPECT_EQ(html_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    EXPECT_EQ(html_escape("\"&'"), "&quot;&amp;&#39;");
    const std::string rtl_and_emoji = "שלום مرحبا 👩‍👩‍👧 🇩🇪 e\u0301";
    EXPECT_EQ(html_escape(rtl_and_emoji), rtl_and_emoji);
}

TEST(EmailTemplate, PluralsPerLocale) {
    TemplateArguments one, three;
    one.item_count = 1;
    three.item_count = 3;
    const std::string en = "{item_count, plural, one {# item} other {# items}}";
    EXPECT_EQ(render_template(en, "en", one, false, "t"), "1 item");
    EXPECT_EQ(render_template(en, "en", three, false, "t"), "3 items");
    const std::string de = "{item_count, plural, one {liegt # Artikel} other {liegen # Artikel}}";
    EXPECT_EQ(render_template(de, "de", one, false, "t"), "liegt 1 Artikel");
    EXPECT_EQ(render_template(de, "de", three, false, "t"), "liegen 3 Artikel");
}

TEST(EmailTemplate, AnInvalidTemplateIsAnErrorNamingIt) {
    TemplateArguments arguments;
    const Error syntax = error_of([&] {
        render_template("Hi {customer_name", "en", arguments, false, "the shop's subject template of stage 2 (de)");
    });
    EXPECT_EQ(syntax.kind(), ErrorKind::InvalidText);
    EXPECT_TRUE(contains(syntax.what(), "the shop's subject template of stage 2 (de) does not parse")) << syntax.what();
    const Error unknown = error_of([&] { render_template("Hi {first_name}", "en", arguments, false, "the text"); });
    EXPECT_EQ(unknown.kind(), ErrorKind::InvalidArgument);
    EXPECT_TRUE(contains(unknown.what(), "names an unknown argument \"first_name\"")) << unknown.what();
    EXPECT_THROW(render_template("Hi {0}", "en", arguments, false, "t"), Error);
    EXPECT_THROW(render_template("{customer_name, number}", "en", arguments, false, "t"), Error);

    EmailInput in = input();
    in.templates.html = "<p>{cart_total, plural, one {x}}</p>";  // no "other"
    const Error shops = error_of([&] { render_email(in, kNow); });
    EXPECT_TRUE(contains(shops.what(), "the shop's html template of stage 1 (en)")) << shops.what();
}

TEST(EmailTemplate, EveryValueInHtmlIsEscapedAndTextIsNot) {
    TemplateArguments arguments;
    arguments.customer_name = "<script>alert(1)</script>";
    arguments.first_item_title = "\"&'";
    arguments.recovery_link = "https://x.example/?a=1&b=\"2\"";
    const std::string pattern = "<p>{customer_name}</p><p>{first_item_title}</p><a href=\"{recovery_link}\">";
    EXPECT_EQ(render_template(pattern, "en", arguments, true, "t"),
              "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>&quot;&amp;&#39;</p>"
              "<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\">");
    EXPECT_EQ(render_template("{customer_name} {first_item_title}", "en", arguments, false, "t"),
              "<script>alert(1)</script> \"&'");
}

TEST(EmailMessage, RtlTextAndEmojiComeThroughExactly) {
    EmailInput in = input();
    in.cart.customer_name = "محمد 👩‍👩‍👧";
    in.cart.items.front().title = "כוס כחולה 🇮🇱 ☕️";
    const RenderedEmail email = render_email(in, kNow);
    EXPECT_TRUE(contains(email.text, "Hi محمد 👩‍👩‍👧,")) << email.text;
    EXPECT_TRUE(contains(email.html, "<p>Hi محمد 👩‍👩‍👧,</p>")) << email.html;
    EXPECT_TRUE(contains(email.html, "<td>כוס כחולה 🇮🇱 ☕️</td>"));
    EXPECT_TRUE(contains(email.text, "- 1 × כוס כחולה 🇮🇱 ☕️: €12.50"));
}

TEST(EmailMessage, AScriptNameIsEscapedInHtmlEverywhere) {
    EmailInput in = input("en", 2);
    in.cart.customer_name = "<script>alert(1)</script>";
    in.cart.items.front().title = "<img src=x onerror=alert(1)> \"&'";
    in.cart.items.front().thumbnail_url = "https://cdn.example/a.png?x=\"><script>";
    const RenderedEmail email = render_email(in, kNow);
    EXPECT_FALSE(contains(email.html, "<script>"));
    EXPECT_FALSE(contains(email.html, "<img src=x"));
    EXPECT_TRUE(contains(email.html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_TRUE(contains(email.html, "&lt;img src=x onerror=alert(1)&gt; &quot;&amp;&#39;"));
    EXPECT_TRUE(contains(email.html, "src=\"https://cdn.example/a.png?x=&quot;&gt;&lt;script&gt;\""));
    EXPECT_TRUE(contains(email.text, "Hi <script>alert(1)</script>,"));  // text/plain is not HTML
    in.cart.items.front().thumbnail_url = "javascript:alert(1)";
    EXPECT_FALSE(contains(render_email(in, kNow).html, "javascript:"));
}

TEST(EmailMessage, DefaultsPerStageAndLanguageWithPluralsAndAmounts) {
    EmailInput de = input("de-DE");
    const RenderedEmail one = render_email(de, kNow);
    EXPECT_EQ(one.subject, "Ihr Warenkorb wartet, Anna");
    EXPECT_TRUE(contains(one.text, "in Ihrem Warenkorb liegt noch 1 Artikel:")) << one.text;
    EXPECT_TRUE(contains(one.text, "Summe: 12,50\u00a0€\r\n"));
    EXPECT_TRUE(contains(one.html, "<td>× 1</td><td>12,50\u00a0€</td>"));
    de.cart.items.push_back({"Teller", 2, "", 800, "EUR"});
    de.cart.total_minor = 2850;
    const RenderedEmail three = render_email(de, kNow);
    EXPECT_TRUE(contains(three.text, "liegen noch 3 Artikel:"));
    EXPECT_TRUE(contains(three.text, "- 2 × Teller: 16,00\u00a0€"));
    EXPECT_TRUE(contains(three.text, "Summe: 28,50\u00a0€"));

    EmailInput en = input("en", 2);
    en.cart.currency_code = "USD";
    en.cart.items = {{"Mug", 3, "", 1250, "USD"}};
    en.cart.total_minor = 3750;
    const RenderedEmail second = render_email(en, kNow);
    EXPECT_EQ(second.subject, "Still thinking about Mug?");
    EXPECT_TRUE(contains(second.text, "your cart still holds Mug and more: 3 items.")) << second.text;
    EXPECT_TRUE(contains(second.text, "Total: $37.50"));
    en.cart.items.front().quantity = 1;
    EXPECT_TRUE(contains(render_email(en, kNow).text, "your cart still holds Mug.\r\n"));
    for (const char* locale : {"en", "de", "fr"})
        for (int stage : {1, 2}) {
            const DefaultEmailTemplates& set = default_email_templates(stage, locale);
            EXPECT_NE(set.subject, nullptr);
            EXPECT_NO_THROW(render_email(input(locale, stage), kNow)) << locale << stage;
        }
    EXPECT_EQ(&default_email_templates(2, "fr"), &default_email_templates(2, "en"));
    EXPECT_NE(&default_email_templates(1, "de-AT"), &default_email_templates(1, "en"));
}

TEST(EmailMessage, TheShopsTemplatesReplaceTheDefaultsOneByOne) {
    EmailInput in = input();
    in.templates.subject = "{customer_name}: {cart_total}";
    const RenderedEmail email = render_email(in, kNow);
    EXPECT_EQ(email.subject, "Anna: €12.50");
    EXPECT_TRUE(contains(email.text, "Hi Anna,"));  // the default text
}

TEST(EmailMessage, BodiesEndLinesWithCrlf) {
    const RenderedEmail email = render_email(input(), kNow);
    for (const std::string* body : {&email.text, &email.html}) {
        EXPECT_TRUE(contains(*body, "\r\n"));
        EXPECT_TRUE(has_crlf_lines_only(*body)) << *body;
    }
}

TEST(EmailMessage, HeaderFieldsForTheTransport) {
    EmailInput in = input("de");
    in.reply_to_address = "help@shop.example";
    in.from_name = "Bäckerei Müller";
    const RenderedEmail email = render_email(in, kNow);
    ASSERT_EQ(email.headers.size(), 8u);
    EXPECT_EQ(email.headers[0], "Date: Mon, 07 Dec 2026 19:09:26 +0000");
    EXPECT_EQ(email.headers[1].rfind("From: =?UTF-8?B?", 0), 0u);
    EXPECT_EQ(email.headers[2], "To: Anna <anna@example.com>");
    EXPECT_EQ(email.headers[3], "Reply-To: help@shop.example");
    EXPECT_EQ(email.headers[4], "Subject: Ihr Warenkorb wartet, Anna");
    EXPECT_EQ(header(email, "Message-ID"), "Message-ID: " + email.message_id);
    EXPECT_TRUE(is_message_id(email.message_id, "42", "shop.example")) << email.message_id;
    EXPECT_EQ(header(email, "List-Unsubscribe"), "List-Unsubscribe: <https://shop.example/unsubscribe?t=tok>");
    EXPECT_EQ(header(email, "List-Unsubscribe-Post"), "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    EXPECT_EQ(header(render_email(input(), kNow), "Reply-To"), "");
}

TEST(EmailMessage, MessageIdsAreUniquePerRender) {
    EXPECT_NE(render_email(input(), kNow).message_id, render_email(input(), kNow).message_id);
    EXPECT_TRUE(is_message_id(make_message_id(7, "shop@bücher.example"), "7", "cart-abandon.invalid"));
    EXPECT_FALSE(is_message_id(make_message_id(7, "shop@shop.example"), "7", "cart-abandon.invalid"));
}

TEST(EmailMessage, RefusesWhatCannotStandInAHeader) {
    EmailInput in = input();
    in.unsubscribe_link = "https://shop.example/u?t=a b";
    EXPECT_THROW(render_email(in, kNow), Error);
    in = input();
    in.unsubscribe_link = "https://shop.example/" + std::string(120, 'x');
    const std::string folded = header(render_email(in, kNow), "List-Unsubscribe");
    EXPECT_EQ(folded, "List-Unsubscribe:\r\n <" + in.unsubscribe_link + ">");
    in = input();
    in.to_address = "anna@example.com\r\nBcc: x@evil.example";
    EXPECT_THROW(render_email(in, kNow), Error);
    in = input();
    in.cart.items.front().quantity = 1LL << 62;
    EXPECT_THROW(render_email(in, kNow), Error);  // quantity times price overflows
}
