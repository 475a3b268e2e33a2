#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/delivery/reference.hpp"
#include "core/channels/whatsapp/errors.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "core/channels/whatsapp/channel.hpp"

using namespace cart_abandon;
using nlohmann::json;

namespace {

std::string error_body(long code) {
    return json{{"error",
                 {{"message", "(#" + std::to_string(code) + ") something"},
                  {"type", "OAuthException"},
                  {"code", code},
                  {"fbtrace_id", "Atrace"}}}}
        .dump();
}

OutcomeKind kind_of(long code, long status = 400) { return classify_response(status, error_body(code), {}).kind; }

}  // namespace

TEST(Payload, IsTheCloudApiTemplateShape) {
    const auto payload = json::parse(whatsapp_payload(
        {"+4915123456789", "cart_abandonment_first", "en", {"Anna", "cart_1", "https://s.example/cart_1"}}));
    EXPECT_EQ(payload["messaging_product"], "whatsapp");
    EXPECT_EQ(payload["to"], "+4915123456789");
    EXPECT_EQ(payload["type"], "template");
    EXPECT_EQ(payload["template"]["name"], "cart_abandonment_first");
    EXPECT_EQ(payload["template"]["language"]["code"], "en");
    const auto& body = payload["template"]["components"][0];
    EXPECT_EQ(body["type"], "body");
    ASSERT_EQ(body["parameters"].size(), 3u);
    EXPECT_EQ(body["parameters"][0], (json{{"type", "text"}, {"text", "Anna"}}));
    EXPECT_EQ(body["parameters"][2]["text"], "https://s.example/cart_1");
}

TEST(Payload, SurvivesInvalidUtf8) { EXPECT_NO_THROW(json::parse(whatsapp_payload({"+1", "t", "en", {"\xff\xfe"}}))); }

TEST(Url, JoinsBaseIdAndEndpoint) {
    EXPECT_EQ(whatsapp_messages_url("https://graph.facebook.com/v25.0/", "123"),
              "https://graph.facebook.com/v25.0/123/messages");
    EXPECT_EQ(whatsapp_messages_url("https://graph.facebook.com/v25.0", "123", "marketing_messages"),
              "https://graph.facebook.com/v25.0/123/marketing_messages");
}

// The store keeps the ledger's rows by the channel's kind: the WhatsApp channel's is "whatsapp".
TEST(Channel, ItsKindIsWhatsApp) {
    const WhatsAppChannel whatsapp({"https://graph.facebook.com/v25.0", "123", "token"});
    const Channel& channel = whatsapp;
    EXPECT_EQ(channel.kind(), ChannelKind::WhatsApp);
    EXPECT_STREQ(name(channel.kind()), "whatsapp");
}

TEST(Classify, SuccessKeepsTheWamidAndWaId) {
    const auto o = classify_response(
        200,
        R"({"messaging_product":"whatsapp","contacts":[{"input":"+4915123456789","wa_id":"4915123456789"}],"messages":[{"id":"wamid.HBgX"}]})",
        {});
    EXPECT_EQ(o.kind, OutcomeKind::Sent);
    EXPECT_EQ(o.provider_message_id, "wamid.HBgX");
    EXPECT_EQ(o.provider_recipient_id, "4915123456789");
}

TEST(Classify, SuccessWithoutAMessageIdIsUnknownNotRetried) {
    EXPECT_EQ(classify_response(200, "not json", {}).kind, OutcomeKind::Unknown);
    EXPECT_EQ(classify_response(200, R"({"messages":[]})", {}).kind, OutcomeKind::Unknown);
    EXPECT_EQ(classify_response(200, R"({"messages":[{"id":"wam)", {}).kind, OutcomeKind::Unknown);
}

TEST(Classify, ByMetaErrorCodeNotByHttpStatus) {
    for (long code : {130429L, 131056L, 4L, 17L, 32L, 613L, 80007L, 1L, 2L, 131000L, 131016L, 133004L, 131057L})
        EXPECT_EQ(kind_of(code), OutcomeKind::Transient) << code;
    // Per recipient or per message (Meta's table of June 2026).
    for (long code :
         {131050L, 131026L, 131021L, 131047L, 100L, 131008L, 131009L, 135000L, 130472L, 131062L, 137000L, 999999L})
        EXPECT_EQ(kind_of(code), OutcomeKind::Permanent) << code;
    EXPECT_EQ(kind_of(131049), OutcomeKind::Deferred);
    // Every request fails alike: token, account, permissions, templates, number registration.
    for (long code : {190L,    0L,      3L,      10L,     200L,    250L,    299L,    368L,    131031L,
                      131042L, 131048L, 131005L, 131045L, 133010L, 132000L, 132001L, 132005L, 132007L,
                      132012L, 132015L, 132016L, 132018L, 131063L, 131064L, 131037L})
        EXPECT_EQ(kind_of(code), OutcomeKind::ChannelFatal) << code;
    EXPECT_EQ(kind_of(130497), OutcomeKind::CountryRestricted) << "that country's, never the channel's";
    EXPECT_EQ(kind_of(131000, 500), OutcomeKind::Transient);
    EXPECT_EQ(kind_of(131026, 500), OutcomeKind::Permanent) << "the code decides, not the status";
}

TEST(Classify, AnUnknownPhoneNumberIdIsTheChannels) {
    const std::string body = R"({"error":{"message":"Unsupported post request. Object with ID '1' does not exist",)"
                             R"("type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"A"}})";
    const auto o = classify_response(400, body, {});
    EXPECT_EQ(o.kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(o.error_code, 100);
    EXPECT_EQ(o.error_subcode, 33);
    EXPECT_NE(channel_pause_advice(100, 33).find("whatsapp_phone_number_id"), std::string::npos);
    EXPECT_EQ(classify_response(400, error_body(100), {}).kind, OutcomeKind::Permanent) << "100 alone is one message's";
    EXPECT_EQ(classify_error_code(100, 33), OutcomeKind::ChannelFatal);
}

TEST(Classify, AmbiguousCodesAreThoseOfAMessageOrOfEveryRequest) {
    for (long code : {100L, 131008L, 131009L, 135000L, 987654L}) EXPECT_TRUE(is_ambiguous_code(code)) << code;
    for (long code : {131026L, 131021L, 130472L, 131047L, 131049L, 131050L, 132001L, 190L, 131000L, 130497L, 137000L})
        EXPECT_FALSE(is_ambiguous_code(code)) << code;
}

TEST(Classify, AdviceNamesWhatToChange) {
    EXPECT_NE(channel_pause_advice(131063, 0).find("marketing_messages"), std::string::npos);
    EXPECT_NE(channel_pause_advice(132001, 0).find("template_first"), std::string::npos);
    EXPECT_EQ(channel_pause_advice(131026, 0), "");
}

TEST(Classify, KeepsMessageStatusOfPacedTemplates) {
    const auto o = classify_response(
        200,
        R"({"messaging_product":"whatsapp","contacts":[{"input":"+5511987654321","wa_id":"551187654321"}],)"
        R"("messages":[{"id":"wamid.P","message_status":"held_for_quality_assessment"}]})",
        {});
    EXPECT_EQ(o.kind, OutcomeKind::Sent);
    EXPECT_EQ(o.message_status, "held_for_quality_assessment");
    EXPECT_EQ(o.provider_recipient_id, "551187654321");
}

TEST(MessageReference, NamesTheRowAndItsClaim) {
    EXPECT_EQ(message_reference(42, 1764460800123456), "cart_abandon:42:1764460800123456");
    const auto parsed = parse_message_reference("cart_abandon:42:1764460800123456");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->delivery_id, 42);
    EXPECT_EQ(parsed->claimed_at_us, 1764460800123456);
    for (const char* other :
         {"", "cart_abandon:", "cart_abandon:42", "cart_abandon::1", "cart_abandon:4x:1", "other:42:1",
          "cart_abandon:42:1:2", "cart_abandon:-1:5", "cart_abandon:1234567890123456789:1"})
        EXPECT_FALSE(parse_message_reference(other)) << other;
    EXPECT_LE(message_reference(9223372036854775807LL, 9223372036854775807LL).size(), 512u) << "Meta's limit";
}

TEST(Payload, CarriesTheCallbackDataOnlyWhenSet) {
    Notification m{"+4915123456789", "t", "en", {"a"}};
    EXPECT_FALSE(json::parse(whatsapp_payload(m)).contains("biz_opaque_callback_data"));
    m.reference = "cart_abandon:7:1";
    EXPECT_EQ(json::parse(whatsapp_payload(m))["biz_opaque_callback_data"], "cart_abandon:7:1");
}

TEST(Classify, KeepsTheCodeMessageAndTrace) {
    const auto o = classify_response(400, error_body(131026), {});
    EXPECT_EQ(o.error_code, 131026);
    EXPECT_EQ(o.error_text, "(#131026) something (fbtrace_id Atrace)");
    EXPECT_FALSE(o.recipient_opted_out);
    EXPECT_TRUE(classify_response(400, error_body(131050), {}).recipient_opted_out);
}

TEST(Classify, WithoutACodeFallsBackOnTheStatus) {
    EXPECT_EQ(classify_response(503, "<html>busy</html>", {}).kind, OutcomeKind::Transient);
    EXPECT_EQ(classify_response(500, "", {}).kind, OutcomeKind::Transient);
    EXPECT_EQ(classify_response(429, "", {}).kind, OutcomeKind::Transient);
    EXPECT_EQ(classify_response(401, "", {}).kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(classify_response(404, "<html/>", {}).kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(classify_response(400, R"({"error":{"code":"x"}})", {}).kind, OutcomeKind::Permanent);
}

TEST(Classify, TransportFailures) {
    EXPECT_EQ(classify_transport_failure("Connection refused", false, {}).kind, OutcomeKind::Transient);
    EXPECT_EQ(classify_transport_failure("Operation timed out", true, {}).kind, OutcomeKind::Unknown);
}

TEST(Classify, BoundsLongErrorText) {
    const auto o =
        classify_response(400, json{{"error", {{"code", 100}, {"message", std::string(5000, 'x')}}}}.dump(), {});
    EXPECT_LE(o.error_text.size(), 303u);
}

// Issue 19 part 5: Meta's limits and codes as documented in 2026.
TEST(Classify, GraphRateLimitsAreAccountThrottles) {
    for (long code : {4L, 17L, 32L, 613L, 80007L, 130429L}) {
        const auto o = classify_response(400, error_body(code), {});
        EXPECT_EQ(o.kind, OutcomeKind::Transient) << code;
        EXPECT_TRUE(is_account_rate_limit(o)) << code;
    }
    for (long code : {131056L, 131000L, 131026L})
        EXPECT_FALSE(is_account_rate_limit(classify_response(400, error_body(code), {}))) << code;
}

TEST(Classify, AnUnlistedCodeIsKnownAsSuch) {
    for (long code : {0L, 4L, 17L, 32L, 613L, 80007L, 100L, 130497L, 131037L, 131062L, 137000L, 131050L, 132001L, 250L})
        EXPECT_TRUE(is_listed_code(code)) << code;
    for (long code : {999999L, 131999L, 5L, 300L, 138000L}) EXPECT_FALSE(is_listed_code(code)) << code;
    EXPECT_TRUE(is_unlisted_failure(classify_response(400, error_body(999999), {})));
    EXPECT_FALSE(is_unlisted_failure(classify_response(400, error_body(131026), {}))) << "a listed per-message code";
    EXPECT_FALSE(is_unlisted_failure(classify_response(400, R"({"error":{"code":"x"}})", {}))) << "no code at all";
    EXPECT_FALSE(is_unlisted_failure(classify_response(503, "", {})));
}

TEST(Classify, AttemptsSpentLeaveOutThrottlesAndTheFreeRetry) {
    DeliveryOutcome o = classify_response(400, error_body(999999), {});
    o.attempts = 1;
    EXPECT_EQ(attempts_spent(o, true), 0) << "an unlisted code's first answer spends nothing";
    EXPECT_EQ(attempts_spent(o, false), 1) << "its second one counts";
    o.attempts = 3;
    o.throttled = 2;
    EXPECT_EQ(attempts_spent(o, false), 1) << "two of three requests were throttled";
    EXPECT_EQ(attempts_spent(o, true), 0);
    o.attempted = false;
    EXPECT_EQ(attempts_spent(o, false), 0);
}

TEST(Classify, NewCodesAdviceAndMeaning) {
    EXPECT_NE(channel_pause_advice(131037, 0).find("display name"), std::string::npos);
    EXPECT_NE(channel_pause_reason(131037, "x").find("131037"), std::string::npos);
    EXPECT_FALSE(is_ambiguous_code(130497)) << "a country, never every request's";
    EXPECT_TRUE(is_ambiguous_code(131062)) << "a recipient's, or every request's when all get it";
    EXPECT_STREQ(outcome_kind_name(OutcomeKind::CountryRestricted), "country_restricted");
}

TEST(Classify, A100GraphMethodExceptionIsTheCallsNotTheMessages) {
    // Graph's answer to an app with "Require App Secret" and no (or a wrong) appsecret_proof.
    const auto o =
        classify_response(400,
                          R"({"error":{"message":"API calls from the server require an appsecret_proof argument",)"
                          R"("type":"GraphMethodException","code":100,"fbtrace_id":"A"}})",
                          {});
    EXPECT_EQ(o.kind, OutcomeKind::ChannelFatal);
    EXPECT_NE(channel_pause_advice(100, 0).find("whatsapp_app_secret"), std::string::npos);
    EXPECT_EQ(channel_pause_advice(131009, 0).find("appsecret"), std::string::npos) << "only where it can be the cause";
    EXPECT_EQ(classify_response(
                  400, R"({"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}})", {})
                  .kind,
              OutcomeKind::Permanent)
        << "a message's parameter";
}

TEST(Classify, FillsWhatTheEngineAndTheRulesReadFromMetasTable) {
    auto o = classify_response(400, error_body(130429), {});
    EXPECT_TRUE(o.account_throttled);
    EXPECT_EQ(o.public_summary, error_summary(130429));
    o = classify_response(400, error_body(131008), {});
    EXPECT_TRUE(o.ambiguous_code);
    EXPECT_FALSE(o.unlisted_code);
    o = classify_response(400, error_body(987654), {});
    EXPECT_TRUE(o.unlisted_code);
    EXPECT_TRUE(o.ambiguous_code);
    o = classify_response(400, error_body(131056), {});
    EXPECT_EQ(o.recipient_spacing, std::chrono::milliseconds(6000));
    EXPECT_FALSE(o.account_throttled) << "one recipient's limit, not the account's";
    EXPECT_EQ(classify_response(400, error_body(131049), {}).hold_seconds, kDeferralSeconds);
    EXPECT_EQ(classify_response(400, error_body(130497), {}).hold_seconds, kCountryRestrictionSeconds);
    o = classify_response(200, R"({"messages":[{"id":"wamid.A"}],"contacts":[{"wa_id":"4915123456789"}]})", {});
    EXPECT_EQ(o.kind, OutcomeKind::Sent);
    EXPECT_TRUE(o.public_summary.empty());
    EXPECT_EQ(o.provider_recipient_id, "4915123456789");
    EXPECT_EQ(classify_transport_failure("refused", false, {}).public_summary, kNoCodeSummary);
}

TEST(ErrorSummary, FixedWordsForEveryCodeInTheTable) {
    EXPECT_EQ(error_summary(131026), "Meta error 131026: message undeliverable");
    EXPECT_EQ(error_summary(131049), "Meta error 131049: not delivered to keep engagement healthy");
    EXPECT_EQ(error_summary(131050), "Meta error 131050: the user stopped marketing messages");
    EXPECT_EQ(error_summary(130429), "Meta error 130429: rate limit");
    EXPECT_EQ(error_summary(132001), "Meta error 132001: template does not exist");
    EXPECT_EQ(error_summary(190), "Meta error 190: access token expired or invalid");
    EXPECT_EQ(error_summary(250), "Meta error 250: permission denied");
    EXPECT_EQ(error_summary(0), "sending failed");
    // docs/whatsapp-cloud-api.md's error table, every code (200-299 as 200 and 299).
    for (long code : {130429L, 131056L, 4L,      80007L,  1L,      2L,      131000L, 131016L, 133004L, 131057L, 131049L,
                      131050L, 131026L, 130472L, 131021L, 131047L, 100L,    131008L, 131009L, 135000L, 132000L, 132001L,
                      132005L, 132007L, 132012L, 132018L, 132015L, 132016L, 131063L, 131064L, 131005L, 10L,     200L,
                      299L,    131045L, 133010L, 190L,    3L,      368L,    131031L, 131042L, 131048L}) {
        const std::string prefix = "Meta error " + std::to_string(code) + ": ";
        const std::string summary = error_summary(code);
        ASSERT_EQ(summary.compare(0, prefix.size(), prefix), 0) << summary;
        EXPECT_GT(summary.size(), prefix.size()) << summary;
    }
}

TEST(ErrorSummary, AnUnknownCodeYieldsOnlyTheNumber) {
    EXPECT_EQ(error_summary(131999), "Meta error 131999");
    EXPECT_EQ(error_summary(300), "Meta error 300");
    EXPECT_EQ(error_summary(-7), "Meta error -7");
}
