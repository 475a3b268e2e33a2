#include <gtest/gtest.h>

#include "core/channels/email/locale.hpp"
#include "core/channels/sms/sid.hpp"
#include "core/contact/phone.hpp"
#include "core/error.hpp"
#include "core/model/channel_settings.hpp"
#include "core/transport/smtp_url.hpp"
#include "core/transport/url_check.hpp"
#include "sending_settings.hpp"

using namespace cart_abandon;

namespace {

const std::string kAccountSid = "AC0123456789abcdef0123456789ABCDEF";
const std::string kServiceSid = "MG0123456789abcdef0123456789abcdef";

// The error's message and kind, or "no error".
template <typename F>
std::string error_of(F&& call, ErrorKind expected = ErrorKind::MissingConfiguration) {
    try {
        call();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), expected) << e.what();
        return e.what();
    }
    return "no error";
}

Settings sms_settings() {
    Settings s = sending_settings();
    s.enable_sms = true;
    s.twilio_api_url = "https://api.twilio.com";
    s.twilio_account_sid = kAccountSid;
    s.twilio_auth_token = "token";
    s.twilio_from = "+14155550123";
    return s;
}

Settings email_settings() {
    Settings s = sending_settings();
    s.email_transport = EmailTransport::Smtp;
    s.smtp_url = "smtps://smtp.example.com";
    s.email_from = "shop@example.com";
    s.email_unsubscribe_url = "https://shop.example/unsubscribe";
    s.email_unsubscribe_secret = "key";
    return s;
}

}  // namespace

TEST(TwilioSid, PrefixAndThirtyTwoHexDigits) {
    EXPECT_TRUE(twilio::is_sid(kAccountSid, twilio::kAccountSidPrefix));
    EXPECT_TRUE(twilio::is_sid(kServiceSid, twilio::kMessagingServiceSidPrefix));
    EXPECT_FALSE(twilio::is_sid(kServiceSid, twilio::kAccountSidPrefix));
    EXPECT_FALSE(twilio::is_sid("ac0123456789abcdef0123456789abcdef", twilio::kAccountSidPrefix));
    EXPECT_FALSE(twilio::is_sid(kAccountSid + "0", twilio::kAccountSidPrefix));
    EXPECT_FALSE(twilio::is_sid(kAccountSid.substr(0, 33), twilio::kAccountSidPrefix));
    EXPECT_FALSE(twilio::is_sid("AC0123456789abcdef0123456789abcdeg", twilio::kAccountSidPrefix));
    EXPECT_FALSE(twilio::is_sid("", twilio::kAccountSidPrefix));
}

TEST(E164, AValidNumberOfAnyTypeInE164Form) {
    EXPECT_EQ(e164_problem("+4915123456789"), "");
    EXPECT_EQ(e164_problem("+18005550199"), "") << "a toll-free sender";
    EXPECT_EQ(e164_problem("+14155550123"), "");
    EXPECT_NE(e164_problem("4915123456789"), "");
    EXPECT_NE(e164_problem("+49 151 23456789"), "");
    EXPECT_NE(e164_problem("+49151234567890123"), "");
    EXPECT_NE(e164_problem("+999123"), "");
    EXPECT_NE(e164_problem("+"), "");
    EXPECT_NE(e164_problem("+0491512345678"), "");
}

TEST(LanguageTag, BcpFortySevenWithALanguage) {
    EXPECT_TRUE(is_language_tag("en"));
    EXPECT_TRUE(is_language_tag("de-AT"));
    EXPECT_TRUE(is_language_tag("zh-Hant-TW"));
    EXPECT_TRUE(is_language_tag("pt-BR"));
    EXPECT_FALSE(is_language_tag(""));
    EXPECT_FALSE(is_language_tag("de_AT"));
    EXPECT_FALSE(is_language_tag("en-"));
    EXPECT_FALSE(is_language_tag("e"));
    EXPECT_FALSE(is_language_tag("en US"));
    EXPECT_FALSE(is_language_tag("de-AT-x"));
    EXPECT_FALSE(is_language_tag("123"));
    EXPECT_FALSE(is_language_tag("english")) << "well-formed, yet no language";
    EXPECT_FALSE(is_language_tag("xx-DE"));
    EXPECT_TRUE(is_language_tag("gsw-CH"));
    EXPECT_TRUE(is_language_tag("fil"));
}

TEST(WebUrl, HttpOrHttpsWithAHostAndNoUser) {
    EXPECT_EQ(web_url_problem("https://shop.example/hooks/twilio"), "");
    EXPECT_EQ(web_url_problem("http://127.0.0.1:9000/unsubscribe"), "");
    EXPECT_EQ(web_url_problem("ftp://shop.example/x"), "it must be an https:// URL, not ftp");
    EXPECT_EQ(web_url_problem("https://user:pw@shop.example/"), "it must not hold a user or password");
    EXPECT_NE(web_url_problem("shop.example/hooks"), "");
    EXPECT_NE(web_url_problem("https://shop example/"), "");
    EXPECT_NE(web_url_problem("https://"), "");
}

TEST(RequireHttps, PlainHttpOnlyWhenAllowed) {
    EXPECT_EQ(error_of([] { require_https("https://api.twilio.com", "cart_abandon.twilio_api_url", false, "why"); }),
              "no error");
    EXPECT_EQ(error_of([] { require_https("http://127.0.0.1:1", "cart_abandon.twilio_api_url", false, "why"); }),
              "cart_abandon.twilio_api_url must be an https:// URL");
    EXPECT_EQ(error_of([] { require_https("http://127.0.0.1:1", "cart_abandon.twilio_api_url", true, "why"); }),
              "no error");
    EXPECT_EQ(error_of([] { require_https("ftp://x", "cart_abandon.twilio_api_url", true, "why"); }),
              "cart_abandon.twilio_api_url must be an https:// URL");
}

TEST(SmtpUrl, SmtpsOrSmtpWithAHostAndAPortOnly) {
    EXPECT_EQ(smtp_url_problem("smtps://smtp.example.com"), "");
    EXPECT_EQ(smtp_url_problem("smtps://smtp.example.com:465/"), "");
    EXPECT_EQ(smtp_url_problem("smtp://smtp.example.com:587"), "");
    EXPECT_EQ(smtp_url_problem("smtp://[::1]:2525"), "");
    EXPECT_EQ(
        smtp_url_problem("https://smtp.example.com"),
        "the scheme must be smtps:// (TLS from the start, port 465) or smtp:// (STARTTLS, port 587), not https://");
    EXPECT_EQ(smtp_url_problem("smtp://smtp.example.com/shop.example"), "it must not have a path (\"/shop.example\")");
    EXPECT_EQ(smtp_url_problem("smtps://me:secret@smtp.example.com"),
              "it must not hold a user or password: set cart_abandon.smtp_username and smtp_password");
    EXPECT_EQ(smtp_url_problem("smtps://smtp.example.com?x=1"), "it must not have a query or fragment");
    EXPECT_NE(smtp_url_problem("smtp.example.com:587"), "");
    EXPECT_NE(smtp_url_problem("smtps://smtp.example.com:99999"), "");
}

TEST(SmtpPlaintext, OnlyForALoopbackSink) {
    EXPECT_FALSE(resolve_smtp_plaintext("smtp://smtp.example.com:587", false));
    EXPECT_FALSE(resolve_smtp_plaintext("", false));
    EXPECT_TRUE(resolve_smtp_plaintext("smtp://127.0.0.1:2525", true));
    EXPECT_TRUE(resolve_smtp_plaintext("smtp://[::1]:2525", true));
    EXPECT_TRUE(resolve_smtp_plaintext("smtp://LocalHost:2525", true));
    EXPECT_TRUE(resolve_smtp_plaintext("", true)) << "no URL: nothing can travel yet";
    const std::string refusal =
        "cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback";
    EXPECT_EQ(error_of([] { resolve_smtp_plaintext("smtp://smtp.example.com:587", true); }), refusal);
    EXPECT_EQ(error_of([] { resolve_smtp_plaintext("smtps://smtp.example.com", true); }), refusal);
    EXPECT_EQ(error_of([] { resolve_smtp_plaintext("smtp://127.0.0.2:25", true); }), refusal);
    EXPECT_EQ(error_of([] { resolve_smtp_plaintext("smtp://localhost.evil.example", true); }), refusal);
    EXPECT_EQ(error_of([] { resolve_smtp_plaintext("not a url", true); }), refusal);
}

TEST(SmtpPlaintext, ASendIsRefusedWhateverTheChannels) {
    Settings s = sending_settings();
    s.smtp_url = "smtp://mail.example.com";
    s.smtp_allow_plaintext = true;
    EXPECT_EQ(error_of([&] { resolve_run_config(s, RunOptions{}); }),
              "cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback");
    RunOptions dry_run;
    dry_run.dry_run = true;
    EXPECT_EQ(error_of([&] { resolve_run_config(s, dry_run); }), "no error") << "a dry run sends nothing";
    s.smtp_url = "smtp://127.0.0.1:2525";
    EXPECT_EQ(error_of([&] { resolve_run_config(s, RunOptions{}); }), "no error");
}

TEST(SmsSettings, WhatASendNeeds) {
    EXPECT_EQ(error_of([] { check_sms_settings(sms_settings()); }), "no error");
    auto s = sms_settings();
    s.twilio_account_sid.clear();
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }), "cart_abandon.twilio_account_sid is not set");
    s = sms_settings();
    s.twilio_auth_token.clear();
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }), "cart_abandon.twilio_auth_token is not set");
    s = sms_settings();
    s.twilio_from.clear();
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }),
              "neither cart_abandon.twilio_messaging_service_sid nor cart_abandon.twilio_from is set");
    s.twilio_messaging_service_sid = kServiceSid;
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }), "no error");
    s = sms_settings();
    s.twilio_api_url = "http://127.0.0.1:8080";
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }), "cart_abandon.twilio_api_url must be an https:// URL");
    s.allow_insecure_http = true;
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }), "no error");
    s = sms_settings();
    s.twilio_status_callback_url = "http://shop.example/hooks";
    EXPECT_EQ(error_of([&] { check_sms_settings(s); }),
              "cart_abandon.twilio_status_callback_url must be an https:// URL");
}

TEST(EmailSettings, WhatASendNeeds) {
    EXPECT_EQ(error_of([] { check_email_settings(email_settings()); }), "no error");
    auto s = email_settings();
    s.smtp_url.clear();
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "cart_abandon.smtp_url is not set");
    s.email_transport = EmailTransport::Medusa;
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "no error") << "the shop's provider sends";
    s = email_settings();
    s.smtp_allow_plaintext = true;
    EXPECT_EQ(error_of([&] { check_email_settings(s); }),
              "cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback");
    s = email_settings();
    s.email_from.clear();
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "cart_abandon.email_from is not set");
    s = email_settings();
    s.email_unsubscribe_url.clear();
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "cart_abandon.email_unsubscribe_url is not set");
    s = email_settings();
    s.email_unsubscribe_url = "http://shop.example/unsubscribe";
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "cart_abandon.email_unsubscribe_url must be an https:// URL");
    s = email_settings();
    s.email_unsubscribe_secret.clear();
    EXPECT_EQ(error_of([&] { check_email_settings(s); }), "cart_abandon.email_unsubscribe_secret is not set");
}
