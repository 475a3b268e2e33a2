// Template and account webhooks (issue 19 part 5): what a sender reads from them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/channels/whatsapp/webhook.hpp"

using namespace cart_abandon;
using nlohmann::json;

namespace {

std::string change(const std::string& field, const json& value, long long time = 1765000000) {
    return json{
        {"object", "whatsapp_business_account"},
        {"entry",
         json::array(
             {{{"id", "1"}, {"time", time}, {"changes", json::array({{{"field", field}, {"value", value}}})}}})}}
        .dump();
}

}  // namespace

TEST(TemplateWebhook, StatusUpdatesAreRead) {
    const json paused = {
        {"event", "PAUSED"},
        {"message_template_id", 1234},
        {"message_template_name", "cart_abandonment_first"},
        {"message_template_language", "en"},
        {"reason", "NONE"},
        {"other_info", {{"title", "FIRST_PAUSE"}, {"description", "Paused for 3 hours\nlow quality"}}}};
    const auto batch = parse_webhook(change("message_template_status_update", paused), {});
    ASSERT_EQ(batch.templates.size(), 1u);
    const auto& t = batch.templates[0];
    EXPECT_EQ(t.name, "cart_abandonment_first");
    EXPECT_EQ(t.language, "en");
    EXPECT_EQ(t.event, "PAUSED");
    EXPECT_EQ(t.quality, "");
    EXPECT_EQ(t.reason, "Paused for 3 hours low quality") << "no control character";
    EXPECT_EQ(t.timestamp, 1765000000) << "the entry's time";
    EXPECT_TRUE(template_event_stops_sending("PAUSED"));
    EXPECT_TRUE(template_event_stops_sending("DISABLED"));
    EXPECT_FALSE(template_event_stops_sending("APPROVED"));
    EXPECT_FALSE(template_event_stops_sending("FLAGGED")) << "flagged templates still send";
}

TEST(TemplateWebhook, QualityUpdatesAreRead) {
    const json quality = {{"previous_quality_score", "GREEN"},
                          {"new_quality_score", "RED"},
                          {"message_template_id", 1},
                          {"message_template_name", "cart_abandonment_second"},
                          {"message_template_language", "en_US"}};
    const auto batch = parse_webhook(change("message_template_quality_update", quality), {});
    ASSERT_EQ(batch.templates.size(), 1u);
    EXPECT_EQ(batch.templates[0].quality, "RED");
    EXPECT_EQ(batch.templates[0].event, "");
}

TEST(TemplateWebhook, IncompleteOnesAreIgnoredDamagedOnesUnreadable) {
    auto batch = parse_webhook(change("message_template_status_update", {{"event", "PAUSED"}}), {});
    EXPECT_EQ(batch.templates.size(), 0u);
    EXPECT_EQ(batch.ignored, 1) << "no template name";
    batch = parse_webhook(change("message_template_status_update",
                                 {{"event", "PAUSED"}, {"message_template_name", std::string("a\0b", 3)}}),
                          {});
    EXPECT_EQ(batch.unreadable.size(), 1u);
}

TEST(AccountWebhook, RestrictionsOfBusinessMessagingStopMarketing) {
    const json restricted = {
        {"phone_number", "15550001234"},
        {"event", "ACCOUNT_RESTRICTION"},
        {"restriction_info",
         json::array({{{"restriction_type", "RESTRICTED_BIZ_INITIATED_MESSAGING"}, {"expiration", 1765600000}}})}};
    auto batch = parse_webhook(change("account_update", restricted), {});
    ASSERT_EQ(batch.accounts.size(), 1u);
    EXPECT_TRUE(batch.accounts[0].stops_marketing);
    EXPECT_EQ(batch.accounts[0].reason, "ACCOUNT_RESTRICTION RESTRICTED_BIZ_INITIATED_MESSAGING until unix 1765600000");
    const json other = {
        {"event", "ACCOUNT_RESTRICTION"},
        {"restriction_info", json::array({{{"restriction_type", "RESTRICTED_ADD_PHONE_NUMBER_ACTION"}}})}};
    batch = parse_webhook(change("account_update", other), {});
    EXPECT_EQ(batch.accounts.size(), 0u) << "adding numbers is not sending";
    EXPECT_EQ(batch.ignored, 1);
    batch = parse_webhook(
        change("account_update", {{"event", "DISABLED_UPDATE"}, {"ban_info", {{"waba_ban_state", "DISABLE"}}}}), {});
    EXPECT_TRUE(batch.accounts.at(0).stops_marketing);
}

TEST(AccountWebhook, SecretsAreRedacted) {
    const json restricted = {{"event", "DISABLED_UPDATE tok-SECRET-123"},
                             {"ban_info", {{"waba_ban_state", "DISABLE"}}}};
    const auto batch = parse_webhook(change("account_update", restricted), {"tok-SECRET-123"});
    EXPECT_EQ(batch.accounts.at(0).reason.find("tok-SECRET-123"), std::string::npos);
}
