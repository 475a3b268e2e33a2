#include <gtest/gtest.h>

#include <unicode/utf8.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "core/channels/whatsapp/webhook.hpp"
#include "webhook_samples.hpp"

using namespace cart_abandon;
using nlohmann::json;
using namespace webhook_samples;

namespace {

bool is_valid_utf8(const std::string& text) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    for (int32_t i = 0, length = int32_t(text.size()); i < length;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) return false;
    }
    return true;
}

}  // namespace

TEST(Webhook, SentStatusInMetasShape) {
    const WebhookBatch batch = parse_webhook(kSentStatus, {});
    ASSERT_EQ(batch.statuses.size(), 1u);
    const StatusUpdate& s = batch.statuses[0];
    EXPECT_EQ(s.wamid, "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI4QTJGRkQ4RjlEQjU1N0M0MjkA");
    EXPECT_EQ(s.status, ProviderStatus::Sent);
    EXPECT_EQ(s.timestamp, 1750263773);
    EXPECT_EQ(s.recipient_id, "16505076520");
    EXPECT_EQ(s.callback_data, "cart_abandon:ledger:42");
    EXPECT_EQ(s.error_code, 0);
    EXPECT_EQ(s.error_text, "");
    EXPECT_EQ(s.phone_number_id, "106540352242922");
    EXPECT_EQ(batch.ignored, 0);
    EXPECT_EQ(batch.updates(), 1u);
}

TEST(Webhook, DeliveredReadAndPlayedStatuses) {
    json value = statuses(0);
    for (const char* word : {"delivered", "read", "played"}) value["statuses"].push_back(status_item(word));
    value["statuses"][1]["timestamp"] = 1750263999;  // a number is taken as well as a string
    const WebhookBatch batch = parse_webhook(envelope("messages", value), {});
    ASSERT_EQ(batch.statuses.size(), 3u);
    EXPECT_EQ(batch.statuses[0].status, ProviderStatus::Delivered);
    EXPECT_EQ(batch.statuses[1].status, ProviderStatus::Read);
    EXPECT_EQ(batch.statuses[1].timestamp, 1750263999);
    EXPECT_EQ(batch.statuses[2].status, ProviderStatus::Played);
    EXPECT_EQ(batch.statuses[2].callback_data, "") << "absent";
}

TEST(Webhook, FailedStatusKeepsTheCodeAndText) {
    const WebhookBatch batch = parse_webhook(kFailed131049, {});
    ASSERT_EQ(batch.statuses.size(), 1u);
    EXPECT_EQ(batch.statuses[0].status, ProviderStatus::Failed);
    EXPECT_EQ(batch.statuses[0].error_code, 131049);
    EXPECT_EQ(batch.statuses[0].error_text,
              "This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a "
              "healthy ecosystem engagement, the message failed to be delivered.");
}

TEST(Webhook, ErrorTextFallsBackOnMessageAndDetailsAndHasNoControls) {
    json item = status_item("failed");
    item["errors"] = json::array({{{"code", 131026}, {"message", "Message undeliverable\n\tx"}}});
    auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
    EXPECT_EQ(s.error_code, 131026);
    EXPECT_EQ(s.error_text, "Message undeliverable  x");
    item["errors"] = json::array({{{"code", 131050}, {"error_data", {{"details", "stopped"}}}}});
    s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
    EXPECT_EQ(s.error_text, "stopped");
    item["errors"] = json::array({{{"code", "131050"}}});
    EXPECT_EQ(parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0).error_code, 0)
        << "a string";
}

TEST(Webhook, AFailedStatusWithoutANumericCodeHasNoCode) {
    // Never read as Meta's code 0 (an authentication failure, which pauses the channel).
    json item = status_item("failed");
    for (const json& errors : {json::array({{{"code", "131050"}, {"title", "t"}}}), json::array({{{"title", "t"}}}),
                               json::array({{{"code", 1.5}}}), json::array({{{"code", nullptr}}}), json::array(),
                               json::array({{{"code", 18446744073709551615ULL}}})}) {
        item["errors"] = errors;
        const auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
        EXPECT_FALSE(s.has_error_code) << errors.dump();
        EXPECT_EQ(s.error_code, 0) << errors.dump();
    }
    item.erase("errors");
    EXPECT_FALSE(parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0).has_error_code);
    for (long code : {0L, 131026L}) {
        item["errors"] = json::array({{{"code", code}}});
        const auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
        EXPECT_TRUE(s.has_error_code) << code;
        EXPECT_EQ(s.error_code, code);
    }
}

TEST(Webhook, ErrorTextIsCutTo300BytesAtACharacter) {
    json item = status_item("failed");
    // Two-byte é after one or two x, three-byte € after none to two: every cut falls somewhere else.
    for (const std::string character : {"\xc3\xa9", "\xe2\x82\xac"}) {
        for (std::size_t lead = 0; lead < 3; ++lead) {
            std::string title(lead, 'x');
            for (int i = 0; i < 400; ++i) title += character;
            item["errors"] = json::array({{{"code", 131000}, {"title", title}}});
            const auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
            EXPECT_LE(s.error_text.size(), kMaxWebhookErrorText);
            EXPECT_GE(s.error_text.size(), kMaxWebhookErrorText - 3 - 2) << "no more than one character less";
            EXPECT_TRUE(is_valid_utf8(s.error_text)) << lead;
            EXPECT_EQ(s.error_text.substr(s.error_text.size() - 3), "...");
            EXPECT_EQ(s.error_text.substr(0, s.error_text.size() - 3), title.substr(0, s.error_text.size() - 3));
        }
    }
}

TEST(Webhook, ErrorsCountOnlyOnAFailedStatus) {
    json item = status_item("sent");
    item["errors"] = json::array({{{"code", 131049}, {"title", "t"}}});
    const auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
    EXPECT_EQ(s.error_code, 0);
    EXPECT_EQ(s.error_text, "");
}

TEST(Webhook, UnknownStatusWordsAndIncompleteStatusesAreIgnoredMisshapenOnesUnreadable) {
    json value = statuses(1);
    for (const char* word : {"deleted", "warning", "Sent", "", "SENT"}) value["statuses"].push_back(status_item(word));
    json no_id = status_item("sent");
    no_id.erase("id");
    json no_status = status_item("read");
    no_status.erase("status");
    json numeric_id = status_item("read");
    numeric_id["id"] = 12345;
    value["statuses"].insert(value["statuses"].end(), {no_id, no_status, numeric_id, json(42), json::array(), nullptr});
    const WebhookBatch batch = parse_webhook(envelope("messages", value), {});
    EXPECT_EQ(batch.statuses.size(), 1u);
    EXPECT_EQ(batch.ignored, 7) << "5 unknown words, no id, no status";
    ASSERT_EQ(batch.unreadable.size(), 4u) << "a numeric id, 42, [] and null";
    EXPECT_EQ(batch.unreadable[0].path, "entry[0].changes[0].value.statuses[8]");
    EXPECT_EQ(batch.unreadable[0].reason, "\"id\" is not a string");
    EXPECT_EQ(batch.unreadable[1].reason, "not a JSON object");
    EXPECT_EQ(batch.updates(), 12u);
}

TEST(Webhook, IdsThatAreNotMetasAreRefusedForeignCallbackDataDroppedAndNulsUnreadable) {
    json value = statuses(0);
    json long_id = status_item("sent");
    long_id["id"] = std::string(kMaxWebhookIdBytes + 1, 'w');
    json control_id = status_item("sent");
    control_id["id"] = std::string("wamid.\0x", 8);
    json long_callback = status_item("sent");
    long_callback["biz_opaque_callback_data"] = std::string(kMaxCallbackDataBytes + 1, 'c');
    json nul_callback = status_item("read");
    nul_callback["biz_opaque_callback_data"] = std::string("a\0b", 3);
    nul_callback["recipient_id"] = std::string(kMaxWebhookIdBytes + 1, '4');
    value["statuses"] = {long_id, control_id, long_callback, nul_callback};
    const WebhookBatch batch = parse_webhook(envelope("messages", value), {});
    EXPECT_EQ(batch.ignored, 1) << "the long id";
    ASSERT_EQ(batch.unreadable.size(), 2u) << "a NUL in the id, a NUL in the callback data";
    EXPECT_EQ(batch.unreadable[0].reason, "a string holds a NUL (\\u0000)");
    ASSERT_EQ(batch.statuses.size(), 1u);
    EXPECT_EQ(batch.statuses[0].callback_data, "");
    json long_recipient = status_item("read");
    long_recipient["recipient_id"] = std::string(kMaxWebhookIdBytes + 1, '4');
    EXPECT_EQ(parse_webhook(envelope("messages", {{"statuses", {long_recipient}}}), {}).statuses.at(0).recipient_id,
              "");
}

TEST(Webhook, TimestampsAreDigitsOrNonNegativeIntegers) {
    const std::pair<json, int64_t> cases[] = {{"1750263773", 1750263773},
                                              {1750263773, 1750263773},
                                              {"0", 0},
                                              {"", 0},
                                              {"-5", 0},
                                              {-5, 0},
                                              {" 17", 0},
                                              {"17a", 0},
                                              {1.5e9, 0},
                                              {"9999999999999999999", 0},
                                              {"999999999999999999", 999999999999999999},
                                              {json::array(), 0},
                                              {nullptr, 0},
                                              {18446744073709551615ULL, 0}};
    for (const auto& [timestamp, expected] : cases) {
        json item = status_item("sent");
        item["timestamp"] = timestamp;
        EXPECT_EQ(parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0).timestamp, expected)
            << timestamp.dump();
    }
}

TEST(Webhook, UserPreferencesStopAndResume) {
    const WebhookBatch batch = parse_webhook(kUserPreferences, {});
    ASSERT_EQ(batch.preferences.size(), 2u);
    EXPECT_EQ(batch.preferences[0].wa_id, "16505551234");
    EXPECT_EQ(batch.preferences[0].category, "marketing_messages");
    EXPECT_EQ(batch.preferences[0].value, "stop");
    EXPECT_EQ(batch.preferences[0].timestamp, 1731705721);
    EXPECT_EQ(batch.preferences[1].wa_id, "5511987654321");
    EXPECT_EQ(batch.preferences[1].value, "resume");
    EXPECT_EQ(batch.preferences[1].timestamp, 1731705800);
    EXPECT_EQ(batch.ignored, 0);
}

TEST(Webhook, OtherPreferencesAndIncompleteOnesAreIgnored) {
    const json items = json::array({
        {{"wa_id", "1"}, {"category", "utility_messages"}, {"value", "stop"}},
        {{"wa_id", "1"}, {"category", "marketing_messages"}, {"value", "pause"}},
        {{"wa_id", "1"}, {"category", "marketing_messages"}, {"value", "STOP"}},
        {{"wa_id", "1"}, {"value", "stop"}},
        {{"category", "marketing_messages"}, {"value", "stop"}},
        {{"wa_id", "1"}, {"category", "marketing_messages"}},
        {{"wa_id", "1"}, {"category", "marketing_messages"}, {"value", "stop"}},
    });
    const WebhookBatch batch = parse_webhook(envelope("user_preferences", {{"user_preferences", items}}), {});
    EXPECT_EQ(batch.preferences.size(), 1u);
    EXPECT_EQ(batch.ignored, 6);
    // Preferences only count under their own field.
    EXPECT_EQ(parse_webhook(envelope("messages", {{"user_preferences", items}}), {}).preferences.size(), 0u);
}

TEST(Webhook, InboundStopTextIsAnOptOut) {
    const WebhookBatch batch = parse_webhook(kInboundStop, {});
    ASSERT_EQ(batch.opt_outs.size(), 1u);
    EXPECT_EQ(batch.opt_outs[0].wa_id, "4915123456789");
    EXPECT_EQ(batch.opt_outs[0].wamid, "wamid.INBOUNDSTOP");
    EXPECT_EQ(batch.opt_outs[0].timestamp, 1750264000);
    EXPECT_EQ(batch.opt_outs[0].how, "text");
    EXPECT_EQ(batch.opt_outs[0].replied_to, "wamid.SENTREMINDER");
    EXPECT_EQ(batch.ignored, 0);
}

TEST(Webhook, OtherInboundMessagesAreIgnored) {
    for (const json& message : {json{{"type", "text"}, {"text", {{"body", "don't stop, I'll buy it tonight"}}}},
                                json{{"type", "text"}, {"text", {{"body", "Hello"}}}},
                                json{{"type", "image"}, {"image", {{"id", "1"}, {"caption", "STOP"}}}},
                                json{{"type", "button"}, {"button", {{"payload", "Buy now"}, {"text", "Buy now"}}}},
                                json{{"type", "text"}, {"button", {{"text", "Stop promotions"}}}},
                                json{{"type", "unsupported"}, {"errors", {{{"code", 131051}}}}}}) {
        const WebhookBatch batch = parse_webhook(envelope("messages", inbound(message)), {});
        EXPECT_EQ(batch.opt_outs.size(), 0u) << message.dump();
        EXPECT_EQ(batch.ignored, 1) << message.dump();
    }
    json no_from = inbound({{"type", "text"}, {"text", {{"body", "STOP"}}}});
    no_from["messages"][0].erase("from");
    EXPECT_EQ(parse_webhook(envelope("messages", no_from), {}).ignored, 1) << "who asked is unknown";
}

TEST(Webhook, StopPromotionsButtonIsAnOptOut) {
    const WebhookBatch batch = parse_webhook(kButtonStopPromotions, {});
    ASSERT_EQ(batch.opt_outs.size(), 1u);
    EXPECT_EQ(batch.opt_outs[0].wa_id, "919876543210");
    EXPECT_EQ(batch.opt_outs[0].wamid, "wamid.BUTTONTAP");
    EXPECT_EQ(batch.opt_outs[0].how, "button");
    EXPECT_EQ(batch.opt_outs[0].replied_to, "wamid.SENTREMINDER2");
}

TEST(Webhook, ButtonPayloadAndInteractiveRepliesCountToo) {
    for (const json& message :
         {json{{"type", "button"}, {"button", {{"payload", "STOP_PROMOTIONS"}, {"text", "Nein danke"}}}},
          json{{"type", "button"}, {"button", {{"text", "Parar promoções"}}}},
          json{{"type", "interactive"},
               {"interactive",
                {{"type", "button_reply"}, {"button_reply", {{"id", "b1"}, {"title", "Stop promotions"}}}}}},
          json{{"type", "interactive"},
               {"interactive",
                {{"type", "button_reply"}, {"button_reply", {{"id", "unsubscribe"}, {"title", "No thanks"}}}}}}}) {
        const WebhookBatch batch = parse_webhook(envelope("messages", inbound(message)), {});
        ASSERT_EQ(batch.opt_outs.size(), 1u) << message.dump();
        EXPECT_EQ(batch.opt_outs[0].how, "button");
        EXPECT_EQ(batch.opt_outs[0].replied_to, "");
    }
    const json list_reply = {
        {"type", "interactive"},
        {"interactive", {{"type", "list_reply"}, {"list_reply", {{"id", "stop"}, {"title", "Stop"}}}}}};
    EXPECT_EQ(parse_webhook(envelope("messages", inbound(list_reply)), {}).opt_outs.size(), 0u);
}

// Business-scoped user ids (2026): a user with a username may come by user id alone.
TEST(Webhook, UserIdsAreReadBesideOrInsteadOfTheWaId) {
    json item = status_item("sent");
    item["recipient_user_id"] = "DE.1000000000001";
    auto s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
    EXPECT_EQ(s.recipient_id, "491");
    EXPECT_EQ(s.recipient_user_id, "DE.1000000000001");
    item.erase("recipient_id");
    s = parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).statuses.at(0);
    EXPECT_EQ(s.recipient_id, "");
    EXPECT_EQ(s.recipient_user_id, "DE.1000000000001") << "a status without the phone is still read";

    json stop = inbound({{"type", "text"}, {"text", {{"body", "STOP"}}}, {"from_user_id", "DE.1000000000002"}});
    stop["messages"][0].erase("from");
    auto batch = parse_webhook(envelope("messages", stop), {});
    ASSERT_EQ(batch.opt_outs.size(), 1u) << "a STOP by user id alone is an opt-out";
    EXPECT_EQ(batch.opt_outs[0].wa_id, "");
    EXPECT_EQ(batch.opt_outs[0].user_id, "DE.1000000000002");

    const json items =
        json::array({{{"user_id", "DE.1000000000003"}, {"category", "marketing_messages"}, {"value", "stop"}},
                     {{"category", "marketing_messages"}, {"value", "stop"}}});
    batch = parse_webhook(envelope("user_preferences", {{"user_preferences", items}}), {});
    ASSERT_EQ(batch.preferences.size(), 1u);
    EXPECT_EQ(batch.preferences[0].user_id, "DE.1000000000003");
    EXPECT_EQ(batch.preferences[0].wa_id, "");
    EXPECT_EQ(batch.ignored, 1) << "neither id: who it is is unknown";

    item["recipient_user_id"] = 5;
    EXPECT_EQ(parse_webhook(envelope("messages", {{"statuses", {item}}}), {}).unreadable.size(), 1u) << "not a string";
}

TEST(Webhook, PreferencesAndRepliesCarryTheirBusinessNumber) {
    // Opt-outs are per sending number (value.metadata.phone_number_id).
    json value = inbound({{"type", "text"}, {"text", {{"body", "STOP"}}}});
    value["metadata"] = {{"phone_number_id", "106"}};
    EXPECT_EQ(parse_webhook(envelope("messages", value), {}).opt_outs.at(0).phone_number_id, "106");
    const json items = json::array({{{"wa_id", "1"}, {"category", "marketing_messages"}, {"value", "stop"}}});
    json preferences = {{"user_preferences", items}, {"metadata", {{"phone_number_id", "107"}}}};
    EXPECT_EQ(parse_webhook(envelope("user_preferences", preferences), {}).preferences.at(0).phone_number_id, "107");
    preferences.erase("metadata");
    EXPECT_EQ(parse_webhook(envelope("user_preferences", preferences), {}).preferences.at(0).phone_number_id, "");
}
