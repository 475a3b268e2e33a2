// The shop's email templates per stage and language (core/channels/email/templates.hpp): which
// templates a reminder uses, and the check that refuses a template before any send.
#include <gtest/gtest.h>

#include "core/channels/email/default_templates.hpp"
#include "core/channels/email/templates.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

namespace {

EmailTemplates named(const std::string& name) { return {name + " subject", name + " text", name + " html"}; }

EmailTemplateSet shop_set() {
    EmailTemplateSet set;
    set.add(1, "pt", {"pt subject", "", ""});  // text and html left to the defaults
    set.add(1, "pt_br", named("pt-BR"));
    set.add(1, "fr", named("fr"));
    set.add(2, "de", named("de-2"));
    return set;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message of the Error `call` throws ("" and a failure when none).
template <typename Call>
std::string error_of(Call call) {
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no cart_abandon::Error thrown";
    return "";
}

}  // namespace

TEST(EmailTemplateSet, TheShoppersLocaleThenItsLanguageThenTheShopsThenTheDefaults) {
    const EmailTemplateSet set = shop_set();
    EXPECT_EQ(set.pick(1, "pt-BR", "en").subject, "pt-BR subject");
    EXPECT_EQ(set.pick(1, "PT-br", "en").text, "pt-BR text");
    EXPECT_EQ(set.pick(1, "pt-PT", "en").subject, "pt subject");  // the language's
    EXPECT_EQ(set.pick(1, "es", "fr").subject, "fr subject");  // the shop's default
    EXPECT_EQ(set.pick(1, "es", "fr-CA").subject, "fr subject");  // the shop's default's language
    EXPECT_EQ(set.pick(1, "", "fr").html, "fr html");  // a shopper without a locale
    EXPECT_EQ(set.pick(1, "not a tag!", "fr").html, "fr html");

    // Nothing of the shop's fits: the defaults, in the shopper's language when they have it.
    EXPECT_EQ(set.pick(1, "es", "en").subject, default_email_templates(1, "en").subject);
    EXPECT_EQ(set.pick(1, "de-AT", "it").subject, default_email_templates(1, "de").subject);
    EXPECT_EQ(set.pick(1, "de-AT", "fr").subject, "fr subject");  // the shop's own before any default
    EXPECT_EQ(set.pick(2, "es", "de").subject, "de-2 subject");
    EXPECT_EQ(set.pick(2, "es", "it").subject, default_email_templates(2, "en").subject);
    EXPECT_EQ(set.pick(2, "pt-BR", "en").subject, default_email_templates(2, "en").subject);  // no stage 2 in pt
    EXPECT_EQ(set.pick(3, "de", "en").subject, "de-2 subject");  // above 2 reads as 2
    EXPECT_STREQ(default_email_templates(1, "de").subject, "Ihr Warenkorb wartet, {customer_name}");
    EXPECT_EQ(EmailTemplateSet().pick(1, "es", "de").subject, default_email_templates(1, "de").subject);
}

TEST(EmailTemplateSet, AnEmptyFieldIsTheDefaultsInTheChosenLanguage) {
    const EmailTemplateSet set = shop_set();
    const EmailTemplates pt = set.pick(1, "pt-PT", "de");
    EXPECT_EQ(pt.subject, "pt subject");
    EXPECT_EQ(pt.text, default_email_templates(1, "pt-PT").text);  // English: no Portuguese defaults
    EXPECT_EQ(pt.html, default_email_templates(1, "pt-PT").html);

    EmailTemplateSet german;
    german.add(1, "de", {"", "", "<p>{customer_name}</p>"});
    const EmailTemplates de = german.pick(1, "de-CH", "en");
    EXPECT_EQ(de.subject, default_email_templates(1, "de").subject);
    EXPECT_EQ(de.html, "<p>{customer_name}</p>");
}

TEST(EmailTemplateSet, TheLocaleToRenderInIsTheShoppersWhenTheLanguageIsTheirs) {
    const EmailTemplateSet set = shop_set();
    EXPECT_EQ(set.choose(1, "pt_BR", "en").locale, "pt-BR");
    EXPECT_EQ(set.choose(1, "pt-PT", "en").locale, "pt-PT");  // found under "pt"
    EXPECT_EQ(set.choose(1, "es", "fr-CA").locale, "fr-CA");  // the shop's text, read the shop's way
    EXPECT_EQ(set.choose(1, "fr-BE", "fr-CA").locale, "fr-BE");
    EXPECT_EQ(set.choose(1, "de-AT", "it").locale, "de-AT");  // German defaults
    EXPECT_EQ(set.choose(1, "de-AT", "fr").locale, "fr");
    EXPECT_EQ(set.choose(1, "es", "de").locale, "de");
    EXPECT_EQ(set.choose(1, "es", "it").locale, "en");  // English defaults read in English
    EXPECT_TRUE(set.choose(1, "es", "it").templates.subject.empty());  // render_email fills in the defaults
}

TEST(EmailTemplateSet, AddKeepsOneEntryPerStageAndCanonicalLocaleAndRefusesTheRest) {
    EmailTemplateSet set;
    set.add(1, "pt_br", named("first"));
    set.add(1, "PT-BR", named("second"));
    ASSERT_EQ(set.entries().size(), 1u);
    EXPECT_EQ(set.entries().begin()->first.second, "pt-BR");
    EXPECT_EQ(set.pick(1, "pt-BR", "en").subject, "second subject");
    EXPECT_TRUE(contains(error_of([&] { set.add(3, "en", named("x")); }), "stage 3"));
    EXPECT_TRUE(contains(error_of([&] { set.add(1, "", named("x")); }), "is not a language tag"));
    EXPECT_TRUE(contains(error_of([&] { set.add(1, "!!", named("x")); }), "\"!!\" is not a language tag"));
}

TEST(EmailTemplateValidation, ABadTemplateIsRefusedNamingItsStageLocaleAndField) {
    EXPECT_NO_THROW(validate_email_templates(shop_set()));
    EmailTemplateSet plurals;
    plurals.add(2, "de", {"{item_count, plural, one {# Artikel} other {# Artikel}}", "{items}", "{unsubscribe_link}"});
    EXPECT_NO_THROW(validate_email_templates(plurals));

    // Each bad set, and what its error must say.
    const std::vector<std::pair<EmailTemplates, std::string>> bad = {
        {{"", "Hi {customer_name", ""}, "stage 2: template: the email body template (pt-BR) does not parse"},
        {{"ok", "ok", "<p>{coupon_code}</p>"},
         "stage 2: template: the email html template (pt-BR) names an unknown argument \"coupon_code\""},
        // A text argument read as a number fails only when filled in.
        {{"{customer_name, number}", "", ""},
         "stage 2: template: the email subject template (pt-BR) could not be filled in"},
        {{"{customer_name, select, other {Hi\n{customer_name}}}", "", ""},
         "stage 2: template: the email subject template (pt-BR) renders a line break"},
    };
    for (const auto& [templates, error] : bad) {
        EmailTemplateSet set = shop_set();
        set.add(2, "pt_BR", templates);
        EXPECT_TRUE(contains(error_of([&] { validate_email_templates(set); }), error)) << error;
    }
}
