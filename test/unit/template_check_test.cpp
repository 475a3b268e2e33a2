#include <gtest/gtest.h>

#include "core/channels/email/template_check.hpp"
#include "core/error.hpp"

namespace cart_abandon {
namespace {

std::string refusal(const std::string& channel, const std::string& field, const std::string& pattern) {
    try {
        check_message_template(channel, field, "en", pattern);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(TemplateCheck, AcceptsEveryArgumentInEveryField) {
    const std::string all =
        "{customer_name} {item_count, plural, one {# item} other {# items}} {first_item_title} {cart_total} "
        "{recovery_link} {unsubscribe_link} {items}";
    for (const char* field : {"body", "html"}) EXPECT_EQ(refusal("email", field, all), "") << field;
    EXPECT_EQ(refusal("email", "subject", "{customer_name}, {first_item_title} waits"), "");
    EXPECT_EQ(refusal("sms", "body", all), "");
}

TEST(TemplateCheck, RefusesWhatCannotRender) {
    EXPECT_EQ(refusal("sms", "body", "Hi {name}"),
              "template: the sms body template (en) names an unknown argument \"name\"");
    EXPECT_NE(refusal("email", "html", "Hi {0}").find("names an argument by number"), std::string::npos);
    EXPECT_NE(refusal("email", "body", "Hi {customer_name").find("does not parse near character"), std::string::npos);
    EXPECT_NE(refusal("email", "body", "{customer_name, number}").find("could not be filled in"), std::string::npos);
    EXPECT_EQ(refusal("email", "subject", "Two\nlines"),
              "template: the email subject template (en) renders a line break");
    EXPECT_EQ(refusal("email", "subject", "{first_item_title}\r"),
              "template: the email subject template (en) renders a line break");
}

TEST(TemplateCheck, KnowsEachChannelsFields) {
    EXPECT_EQ(refusal("sms", "subject", "Hi"), "template: sms has no field \"subject\"");
    EXPECT_EQ(refusal("sms", "html", "Hi"), "template: sms has no field \"html\"");
    EXPECT_EQ(refusal("email", "footer", "Hi"), "template: email has no field \"footer\"");
    EXPECT_EQ(refusal("whatsapp", "body", "Hi"), "template: unknown channel \"whatsapp\"");
}

}  // namespace
}  // namespace cart_abandon
