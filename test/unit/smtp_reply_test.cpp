// What an SMTP submission's answer means (core/channels/email/smtp_reply.hpp), row by row.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include "core/channels/email/smtp_reply.hpp"

using namespace cart_abandon;

namespace {

DeliveryOutcome reply(long code, const std::string& text, long curl = CURLE_OK, bool after_data = false) {
    SmtpAnswer answer;
    answer.reply_code = code;
    answer.reply_text = text;
    answer.curl_code = curl;
    answer.may_have_been_accepted = after_data;
    answer.message_id = "<ca.7.0011@shop.example>";
    return classify_smtp_answer(answer, "", {});
}

// libcurl's failure with no final refusal; `last` the last reply it saw.
DeliveryOutcome failure(long curl, bool after_data, long last = 0, const std::string& last_text = "") {
    SmtpAnswer answer;
    answer.reply_code = last;
    answer.reply_text = last_text;
    answer.curl_code = curl;
    answer.may_have_been_accepted = after_data;
    return classify_smtp_answer(answer, "libcurl says so", {});
}

}  // namespace

TEST(EnhancedStatus, IsReadFromTheLastLineThatHasOne) {
    EXPECT_EQ(parse_enhanced_status("550 5.1.1 <x@y>: Recipient address rejected"), (EnhancedStatus{5, 1, 1}));
    EXPECT_EQ(parse_enhanced_status("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.26 last"),
              (EnhancedStatus{5, 7, 26}));
    EXPECT_EQ(parse_enhanced_status("451 4.7.1 Greylisted", 451), (EnhancedStatus{4, 7, 1}));
    EXPECT_EQ(parse_enhanced_status("550 5.1.10 null MX"), (EnhancedStatus{5, 1, 10}));
}

TEST(EnhancedStatus, IsNoneWhenAbsentMalformedOrOfAnotherClass) {
    EXPECT_FALSE(parse_enhanced_status("550 Mailbox unavailable"));
    EXPECT_FALSE(parse_enhanced_status("550 5.1 short"));
    EXPECT_FALSE(parse_enhanced_status("550 5.1.1x glued"));
    EXPECT_FALSE(parse_enhanced_status("550 3.1.1 not a class"));
    EXPECT_FALSE(parse_enhanced_status("5.1.1 no reply code"));
    EXPECT_FALSE(parse_enhanced_status("550 4.1.1 disagrees", 550));  // RFC 2034: the classes agree
    EXPECT_EQ(parse_enhanced_status("550 4.1.1 disagrees"), (EnhancedStatus{4, 1, 1}));  // not checked
}

TEST(EnhancedStatus, PacksIntoOneNumberAndBack) {
    EXPECT_EQ(pack_enhanced_status({5, 1, 1}), 5001001);
    EXPECT_EQ(pack_enhanced_status({5, 7, 26}), 5007026);
    EXPECT_EQ(unpack_enhanced_status(5007026), (EnhancedStatus{5, 7, 26}));
    EXPECT_FALSE(unpack_enhanced_status(0));
    EXPECT_FALSE(unpack_enhanced_status(67));  // a CURLcode
}

TEST(SmtpReply, A2xxIsSentWithOurMessageId) {
    const auto o = reply(250, "250 2.0.0 Ok: queued as 4BQ2Xk");
    EXPECT_EQ(o.kind, OutcomeKind::Sent);
    EXPECT_EQ(o.provider_message_id, "<ca.7.0011@shop.example>");
    EXPECT_EQ(o.message_status, "250 2.0.0 Ok: queued as 4BQ2Xk");
    EXPECT_EQ(o.error_code, 0);
    EXPECT_TRUE(o.public_summary.empty());
}

TEST(SmtpReply, FourXxIsTransient) {
    for (const auto& [code, text] : std::vector<std::pair<long, std::string>>{
             {450, "450 4.2.1 Mailbox busy"},
             {451, "451 4.7.1 Greylisted, try again later"},
             {452, "452 4.3.1 Insufficient system storage"},
             {454, "454 4.7.0 TLS not available due to temporary reason"},
         }) {
        const auto o = reply(code, text, CURLE_SEND_ERROR);
        EXPECT_EQ(o.kind, OutcomeKind::Transient) << text;
        EXPECT_FALSE(o.account_throttled) << text;
        EXPECT_EQ(o.error_code, code);
        EXPECT_EQ(o.error_text, text);
    }
    EXPECT_EQ(reply(451, "451 4.7.1 Greylisted").error_subcode, 4007001);
}

TEST(SmtpReply, A421ClosesTheChannelForEveryMessageWithoutSpendingAnAttempt) {
    const auto o = reply(421, "421 4.3.2 Service shutting down", CURLE_RECV_ERROR);
    EXPECT_EQ(o.kind, OutcomeKind::Transient);
    EXPECT_TRUE(o.account_throttled);
}

TEST(SmtpReply, UnknownUserClosesThatAddressOnlyNeverPausing) {
    const auto o = reply(550, "550 5.1.1 <x@y>: Recipient address rejected: User unknown in relay recipient table",
                         CURLE_SEND_ERROR);
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);  // "relay" in the text does not make it the channel's
    EXPECT_FALSE(o.ambiguous_code);
    EXPECT_FALSE(o.unlisted_code);
    EXPECT_EQ(o.error_code, 550);
    EXPECT_EQ(o.error_subcode, 5001001);
    EXPECT_EQ(o.public_summary, "SMTP 550 5.1.1: unknown recipient");
    EXPECT_EQ(reply(550, "550 5.1.10 Recipient domain has null MX").kind, OutcomeKind::Permanent);
    EXPECT_EQ(reply(550, "550 5.1.2 Host unknown").public_summary, "SMTP 550 5.1.2: bad destination domain");
    EXPECT_EQ(reply(550, "550 Mailbox unavailable").kind, OutcomeKind::Permanent);
}

TEST(SmtpReply, A553IsPermanentButMayBeTheSendersSoTheEngineComparesAnswers) {
    const auto o = reply(553, "553 Requested action not taken: mailbox name not allowed");
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(o.ambiguous_code);
    EXPECT_EQ(reply(553, "553 5.1.7 Sender address syntax").kind, OutcomeKind::ChannelFatal);
}

TEST(SmtpReply, RelayRefusalsPauseTheChannelWithAdvice) {
    for (const auto& [code, text] : std::vector<std::pair<long, std::string>>{
             {554, "554 5.7.1 <x@y>: Relay access denied"},
             {550, "550 5.7.1 Relaying denied"},
             {550, "550 relay not permitted"},
         }) {
        const auto o = reply(code, text, CURLE_SEND_ERROR);
        EXPECT_EQ(o.kind, OutcomeKind::ChannelFatal) << text;
        EXPECT_NE(smtp_pause_advice(o.error_code, o.error_subcode).find("relay"), std::string::npos) << text;
    }
}

TEST(SmtpReply, APolicyRefusalWithoutRelayIsComparedAcrossAnswers) {
    const auto o = reply(550, "550 5.7.1 Message refused by recipient's policy");
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(o.ambiguous_code);  // every request alike (a MAIL FROM refusal): the engine pauses
    EXPECT_FALSE(smtp_pause_advice(o.error_code, o.error_subcode).empty());
    EXPECT_EQ(reply(550, "550 5.7.26 DMARC policy fails").kind, OutcomeKind::ChannelFatal);
}

TEST(SmtpReply, AuthenticationFailuresPauseTheChannel) {
    const auto bad = reply(535, "535 5.7.8 Authentication credentials invalid", CURLE_LOGIN_DENIED);
    EXPECT_EQ(bad.kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(bad.error_subcode, 5007008);
    EXPECT_NE(smtp_pause_advice(bad.error_code, bad.error_subcode).find("password"), std::string::npos);
    const auto required = reply(530, "530 5.7.0 Authentication required", CURLE_SEND_ERROR);
    EXPECT_EQ(required.kind, OutcomeKind::ChannelFatal);
    EXPECT_FALSE(smtp_pause_advice(required.error_code, required.error_subcode).empty());
    const auto denied = failure(CURLE_LOGIN_DENIED, false);
    EXPECT_EQ(denied.kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(denied.error_code, 0);
    EXPECT_EQ(denied.error_subcode, CURLE_LOGIN_DENIED);
    EXPECT_EQ(smtp_pause_advice(0, CURLE_LOGIN_DENIED), smtp_pause_advice(535, 5007008));
    // A temporary login failure is the server's moment, not the credentials.
    EXPECT_EQ(reply(454, "454 4.7.0 Temporary authentication failure", CURLE_LOGIN_DENIED).kind,
              OutcomeKind::Transient);
}

TEST(SmtpReply, TlsNotOfferedPausesAndSaysHowToGetIt) {
    const auto o = failure(CURLE_USE_SSL_FAILED, false, 250, "250 SIZE 10240000");
    EXPECT_EQ(o.kind, OutcomeKind::ChannelFatal);  // the 250 of EHLO is no acceptance
    EXPECT_NE(smtp_pause_advice(o.error_code, o.error_subcode).find("smtps://"), std::string::npos);
    EXPECT_EQ(o.public_summary, "SMTP: TLS not available");
}

TEST(SmtpReply, ConnectionAndNameFailures) {
    const auto refused = failure(CURLE_COULDNT_CONNECT, false);
    EXPECT_EQ(refused.kind, OutcomeKind::Transient);
    EXPECT_TRUE(refused.account_throttled);
    EXPECT_EQ(failure(CURLE_COULDNT_RESOLVE_HOST, false).kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(failure(CURLE_PEER_FAILED_VERIFICATION, false).kind, OutcomeKind::ChannelFatal);
}

TEST(SmtpReply, ATimeoutBeforeTheDataEndIsTransientAfterItUnknown) {
    const auto before = failure(CURLE_OPERATION_TIMEDOUT, false, 354, "354 End data with <CR><LF>.<CR><LF>");
    EXPECT_EQ(before.kind, OutcomeKind::Transient);
    EXPECT_EQ(before.error_text, "SMTP: libcurl says so (last reply: 354 End data with <CR><LF>.<CR><LF>)");
    EXPECT_EQ(before.public_summary, kNoCodeSummary);
    for (long curl : {CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_GOT_NOTHING}) {
        const auto after = failure(curl, true, 354, "354 go ahead");
        EXPECT_EQ(after.kind, OutcomeKind::Unknown) << curl;
        EXPECT_EQ(after.error_text.rfind("SMTP: no final reply after the message was sent", 0), 0u);
        EXPECT_TRUE(after.provider_message_id.empty());
    }
    // A refusal of the data's end is final even though the data went out.
    EXPECT_EQ(reply(554, "554 5.6.0 Message content rejected", CURLE_WEIRD_SERVER_REPLY, true).kind,
              OutcomeKind::Permanent);
    EXPECT_EQ(reply(451, "451 4.3.0 Queue write failed", CURLE_WEIRD_SERVER_REPLY, true).kind, OutcomeKind::Transient);
}

TEST(SmtpReply, UnnamedCodesAreUnlistedAndTextIsRedacted) {
    const auto o = reply(557, "557 something new");
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(o.unlisted_code);
    EXPECT_FALSE(reply(550, "550 5.1.1 unknown").unlisted_code);

    SmtpAnswer answer;
    answer.reply_code = 535;
    answer.reply_text = "535 5.7.8 bad password s3cret-pass";
    const auto redacted = classify_smtp_answer(answer, "", {"s3cret-pass"});
    EXPECT_EQ(redacted.error_text.find("s3cret-pass"), std::string::npos);
    EXPECT_NE(redacted.error_text.find(kRedacted), std::string::npos);
}
