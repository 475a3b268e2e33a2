// Twilio's answers as the SMS channel classifies them: each documented code, the HTTP statuses
// without one, transport failures, and what no recorded text may carry.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/channels/sms/channel.hpp"
#include "core/channels/sms/errors.hpp"
#include "core/channels/sms/messages_api.hpp"

using namespace cart_abandon;
using namespace cart_abandon::twilio;
using nlohmann::json;

namespace {

const std::string kSid = "AC0123456789abcdef0123456789abcdef";
const std::string kToken = "auth-token-0123456789abcdef";

std::string error_body(long code, long status, const std::string& message = "something") {
    return json{{"code", code},
                {"message", message},
                {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
                {"status", status}}
        .dump();
}

DeliveryOutcome answer(long code, long status = 400) { return classify_response(status, error_body(code, status), {}); }

SmsChannel channel() {
    SmsEndpoint e;
    e.account_sid = kSid;
    e.auth_token = kToken;
    e.from = "+15005550001";
    return SmsChannel(e);
}

}  // namespace

TEST(SmsClassify, CreatedWithASidIsSent) {
    const auto sent = classify_response(
        201,
        R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+15005550006","from":"+15005550001",)"
        R"("body":"Hi","num_segments":"1","error_code":null})",
        {});
    EXPECT_EQ(sent.kind, OutcomeKind::Sent);
    EXPECT_EQ(sent.provider_message_id, "SM0123456789abcdef0123456789abcdef");
    EXPECT_EQ(sent.message_status, "queued");
    EXPECT_TRUE(sent.public_summary.empty());
    EXPECT_EQ(classify_response(201, R"({"sid":"SMx","status":"accepted"})", {}).message_status, "accepted");
    // Accepted without a sid, or an answer that is not JSON: Twilio may have queued it.
    EXPECT_EQ(classify_response(201, R"({"status":"queued"})", {}).kind, OutcomeKind::Unknown);
    EXPECT_EQ(classify_response(200, "<html>", {}).kind, OutcomeKind::Unknown);
}

TEST(SmsClassify, EachDocumentedCode) {
    const auto invalid_to = answer(21211);
    EXPECT_EQ(invalid_to.kind, OutcomeKind::Permanent);
    EXPECT_FALSE(invalid_to.ambiguous_code);  // this number's, not every request's
    EXPECT_FALSE(invalid_to.unlisted_code);
    EXPECT_FALSE(invalid_to.recipient_opted_out);
    EXPECT_EQ(invalid_to.public_summary, "Twilio error 21211: invalid 'To' number");

    const auto unsubscribed = answer(21610);
    EXPECT_EQ(unsubscribed.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(unsubscribed.recipient_opted_out);
    EXPECT_FALSE(unsubscribed.ambiguous_code);

    const auto region = answer(21408);
    EXPECT_EQ(region.kind, OutcomeKind::CountryRestricted);
    EXPECT_EQ(region.hold_seconds, kRegionHoldSeconds);

    EXPECT_EQ(answer(21614).kind, OutcomeKind::Permanent);
    EXPECT_FALSE(answer(21614).ambiguous_code);

    const auto auth = answer(20003, 401);
    EXPECT_EQ(auth.kind, OutcomeKind::ChannelFatal);
    EXPECT_NE(channel().pause_advice(20003, 0).find("auth token"), std::string::npos);
    EXPECT_EQ(answer(20404, 404).kind, OutcomeKind::ChannelFatal);
    EXPECT_NE(channel().pause_advice(20404, 0).find("Messaging Service"), std::string::npos);
    EXPECT_EQ(answer(21606).kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(answer(21212).kind, OutcomeKind::ChannelFatal);
    EXPECT_NE(channel().pause_advice(21212, 0).find("E.164"), std::string::npos);

    const auto limited = answer(20429, 429);
    EXPECT_EQ(limited.kind, OutcomeKind::Transient);
    EXPECT_TRUE(limited.account_throttled);
}

TEST(SmsClassify, DeliveryCodesMeanWhatTheyWouldAtSend) {
    EXPECT_EQ(classify_error_code(30003), OutcomeKind::Transient);
    EXPECT_EQ(classify_error_code(30008), OutcomeKind::Transient);
    for (long code : {30004L, 30005L, 30006L, 30007L}) EXPECT_EQ(classify_error_code(code), OutcomeKind::Permanent);
    EXPECT_EQ(classify_error_code(30034), OutcomeKind::ChannelFatal);
}

TEST(SmsClassify, UnlistedCodesAreAmbiguousPermanentAndRetriedOnce) {
    const auto unknown = answer(21999);
    EXPECT_EQ(unknown.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(unknown.unlisted_code);
    EXPECT_TRUE(unknown.ambiguous_code);
    EXPECT_EQ(unknown.public_summary, "Twilio error 21999");
    // A server error is transient whatever its code.
    EXPECT_EQ(answer(20500, 500).kind, OutcomeKind::Transient);
}

TEST(SmsClassify, WithoutACodeByHttpStatus) {
    const auto throttled = classify_response(429, "", {});
    EXPECT_EQ(throttled.kind, OutcomeKind::Transient);
    EXPECT_TRUE(throttled.account_throttled);
    EXPECT_EQ(classify_response(503, "<html>busy</html>", {}).kind, OutcomeKind::Transient);
    EXPECT_EQ(classify_response(401, "", {}).kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(classify_response(404, "{}", {}).kind, OutcomeKind::ChannelFatal);
    const auto bad = classify_response(400, "{}", {});
    EXPECT_EQ(bad.kind, OutcomeKind::Permanent);
    EXPECT_EQ(bad.public_summary, kNoCodeSummary);
    EXPECT_FALSE(bad.ambiguous_code);
}

TEST(SmsClassify, ARateLimitAnswerThrottlesTheAccountThroughTheChannel) {
    HttpResult result;
    result.completed = true;
    result.status = 429;
    result.body = error_body(20429, 429, "Too Many Requests");
    const auto outcome = channel().classify(result);
    EXPECT_EQ(outcome.kind, OutcomeKind::Transient);
    EXPECT_TRUE(outcome.account_throttled);
}

TEST(SmsClassify, TransportFailures) {
    HttpResult result;
    result.error = "Connection refused";
    EXPECT_EQ(channel().classify(result).kind, OutcomeKind::Transient);
    result.request_sent = true;
    result.error = "Operation timed out";
    const auto unknown = channel().classify(result);
    EXPECT_EQ(unknown.kind, OutcomeKind::Unknown);
    EXPECT_EQ(unknown.public_summary, kNoCodeSummary);
}

TEST(SmsClassify, NoRecordedTextCarriesTheCredentials) {
    HttpResult result;
    result.completed = true;
    result.status = 404;
    result.body = error_body(
        20404, 404,
        "The requested resource /2010-04-01/Accounts/" + kSid + "/Messages.json was not found (token " + kToken + ")");
    const auto outcome = channel().classify(result);
    EXPECT_EQ(outcome.error_code, 20404);
    EXPECT_EQ(outcome.error_text.find(kSid), std::string::npos);
    EXPECT_EQ(outcome.error_text.find(kToken), std::string::npos);
    EXPECT_NE(outcome.error_text.find("[redacted]"), std::string::npos);
    const std::string reason = channel().pause_reason(20404, outcome.error_text, false);
    EXPECT_EQ(reason.find(kSid), std::string::npos);
    EXPECT_NE(reason.find("20404"), std::string::npos);
    // A message sid that holds a secret is no sid.
    EXPECT_EQ(classify_response(201, json{{"sid", kSid}}.dump(), channel().secrets()).kind, OutcomeKind::Unknown);
}

TEST(SmsClassify, FailedStatusActions) {
    EXPECT_EQ(failure_action(21610), FailureAction::OptOut);
    EXPECT_EQ(failure_action(30003), FailureAction::Retry);
    EXPECT_EQ(failure_action(30008), FailureAction::Retry);
    EXPECT_EQ(failure_action(21408), FailureAction::Retry);
    EXPECT_EQ(failure_action(30005), FailureAction::Close);
    EXPECT_EQ(failure_action(30007), FailureAction::Close);
    EXPECT_EQ(failure_action(30034), FailureAction::Pause);
    EXPECT_EQ(failure_action(30999), FailureAction::Recheck);
}
