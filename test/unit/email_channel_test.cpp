// The email channel (core/channels/email/channel.hpp) without a server: the submission it builds
// from a notification, a message that cannot be rendered, and what each kind of answer means.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <thread>

#include "core/channels/email/channel.hpp"
#include "core/channels/email/default_templates.hpp"
#include "core/channels/email/unsubscribe_token.hpp"
#include "core/codec/base64.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'796'670'566));  // Mon 2026-12-07
const std::int64_t kNowSeconds = 1'796'670'566;
const std::string kUser = "shop@smtp.example";
const std::string kPassword = "unit-test-smtp-password-8d1e4b";
const std::string kUnsubscribeKey = "unit-test-unsubscribe-key-0123456789abcdef";
const std::string kOtherSecret = "unit-test-other-secret-77aa";

EmailEndpoint endpoint() {
    EmailEndpoint e;
    e.url = "smtps://smtp.example:465";
    e.username = kUser;
    e.password = kPassword;
    e.from_address = "shop@shop.example";
    e.from_name = "The Shop";
    e.reply_to_address = "help@shop.example";
    e.default_locale = "de";
    e.unsubscribe_url = "https://shop.example/cart-abandon/unsubscribe";
    e.unsubscribe_secret = kUnsubscribeKey;
    e.other_secrets = {kOtherSecret};
    return e;
}

EmailChannel channel(EmailEndpoint e = endpoint()) {
    return EmailChannel(std::move(e), [] { return kNow; });
}

Notification notification(const std::string& locale = "en-US", int stage = 1) {
    Notification n;
    n.to = "Anna.Berg@Example.com";
    n.content.recipient_name = "Anna Berg";
    n.content.customer_name = "Anna";
    n.content.locale = locale;
    n.content.items = {{"Blue mug", 2, "https://cdn.shop.example/mug.png", 1250, "USD"}};
    n.content.total_minor = 2500;
    n.content.currency_code = "USD";
    n.content.recovery_link = "https://shop.example/cart/recover?id=cart_1";
    n.content.stage = stage;
    n.content.ledger_id = 4711;
    return n;
}

// A header field's value, unfolded.
std::string header(const MailMessage& message, const std::string& name) {
    for (const std::string& field : message.headers) {
        if (field.rfind(name + ":", 0) != 0) continue;
        std::string value = field.substr(name.size() + 1);
        for (std::size_t at; (at = value.find("\r\n")) != std::string::npos;) value.erase(at, 2);
        return value.substr(value.find_first_not_of(' '));
    }
    return "<absent>";
}

// The text of one RFC 2047 base64 encoded-word.
std::string decoded_word(const std::string& word) {
    const std::string head = "=?UTF-8?B?";
    if (word.rfind(head, 0) != 0 || word.size() < head.size() + 2) return "<not an encoded-word: " + word + ">";
    return base64_decode(word.substr(head.size(), word.size() - head.size() - 2)).value_or("<not base64>");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The result HttpClient reports for `request`, which must not need a server.
HttpResult run_offline(const HttpRequest& request) {
    HttpClient client({std::chrono::milliseconds(2000), 1});
    client.start(0, request);
    HttpResult out;
    bool done = false;
    for (int i = 0; i < 100 && !done; ++i)
        client.poll(std::chrono::milliseconds(10), [&](std::size_t, HttpResult&& result) {
            out = std::move(result);
            done = true;
        });
    EXPECT_TRUE(done);
    return out;
}

// Every secret of the channel, and what AUTH carries of the password.
std::vector<std::string> all_secrets() {
    return {kPassword, base64_encode(std::string(1, '\0') + kUser + '\0' + kPassword), base64_encode(kPassword),
            kUnsubscribeKey, kOtherSecret};
}

void expect_no_secret(const DeliveryOutcome& o, const EmailChannel& c) {
    for (const std::string& text : {o.error_text, o.message_status, o.public_summary, o.provider_message_id,
                                    c.pause_reason(o.error_code, o.error_text, false)})
        for (const std::string& secret : all_secrets()) EXPECT_FALSE(contains(text, secret)) << text;
}

}  // namespace

TEST(EmailChannel, NamesItself) {
    const EmailChannel c = channel();
    EXPECT_STREQ(c.display_name(), "email");
    EXPECT_EQ(c.kind(), ChannelKind::Email);
    for (const std::string& secret : all_secrets())
        EXPECT_NE(std::find(c.secrets().begin(), c.secrets().end(), secret), c.secrets().end());
}

TEST(EmailChannel, WithoutAPasswordNoAuthFormIsASecret) {
    EmailEndpoint e = endpoint();
    e.password.clear();
    const EmailChannel c = channel(e);
    EXPECT_EQ(c.secrets(), (Secrets{kOtherSecret, kUnsubscribeKey}));  // base64 of "\0user\0" would be one
}

TEST(EmailChannel, TheRequestIsTheRenderedEmailToTheAddress) {
    const HttpRequest request = channel().request(notification());
    EXPECT_EQ(request.url, "smtps://smtp.example:465");
    EXPECT_EQ(request.unsendable, "");
    ASSERT_TRUE(request.mail.has_value());
    const MailSubmission& mail = *request.mail;
    EXPECT_EQ(mail.username, kUser);
    EXPECT_EQ(mail.password, kPassword);
    EXPECT_EQ(mail.mail_from, "shop@shop.example");
    EXPECT_EQ(mail.recipients, std::vector<std::string>{"Anna.Berg@Example.com"});
    EXPECT_FALSE(mail.allow_plaintext);

    const MailMessage& m = mail.message;
    EXPECT_EQ(header(m, "Date"), "Mon, 07 Dec 2026 19:09:26 +0000");
    EXPECT_EQ(header(m, "From"), "The Shop <shop@shop.example>");
    EXPECT_EQ(header(m, "To"), "Anna Berg <Anna.Berg@Example.com>");
    EXPECT_EQ(header(m, "Reply-To"), "help@shop.example");
    EXPECT_EQ(header(m, "Subject"), "Your cart is waiting, Anna");
    EXPECT_EQ(header(m, "Message-ID").rfind("<ca.4711.", 0), 0u) << header(m, "Message-ID");  // the ledger row's
    EXPECT_TRUE(contains(header(m, "Message-ID"), "@shop.example>"));
    EXPECT_EQ(header(m, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_TRUE(contains(m.text, "- 2 × Blue mug: $25.00")) << m.text;
    EXPECT_TRUE(contains(m.text, "Total: $25.00"));
    EXPECT_TRUE(contains(m.html, "href=\"https://shop.example/cart/recover?id=cart_1\""));
    for (const std::string& field : m.headers) EXPECT_FALSE(contains(field, kPassword)) << field;
}

TEST(EmailChannel, ListUnsubscribeCarriesATokenForTheAddressThatVerifies) {
    const HttpRequest request = channel().request(notification());
    ASSERT_TRUE(request.mail);
    const std::string field = header(request.mail->message, "List-Unsubscribe");
    const std::string prefix = "<https://shop.example/cart-abandon/unsubscribe?token=";
    ASSERT_EQ(field.rfind(prefix, 0), 0u) << field;
    ASSERT_EQ(field.back(), '>');
    const std::string token = field.substr(prefix.size(), field.size() - prefix.size() - 1);
    const TokenVerdict verdict = verify_unsubscribe_token(kUnsubscribeKey, token, kNowSeconds);
    EXPECT_EQ(verdict.check, TokenCheck::Valid);
    EXPECT_EQ(verdict.claim.kind, "email");
    EXPECT_EQ(verdict.claim.address, "anna.berg@example.com");  // as opt-outs keep it
    EXPECT_EQ(verdict.claim.expires_at, kNowSeconds + 30 * 24 * 3600);
    EXPECT_EQ(verify_unsubscribe_token(std::string(32, 'x'), token, kNowSeconds).check, TokenCheck::Forged);
    EXPECT_TRUE(contains(request.mail->message.text, field.substr(1, field.size() - 2)));  // the body's link too

    EmailEndpoint with_query = endpoint();
    with_query.unsubscribe_url = "https://shop.example/u?shop=1";
    EXPECT_EQ(
        channel(with_query).unsubscribe_link("a@b.example", kNow).rfind("https://shop.example/u?shop=1&token=", 0), 0u);
}

TEST(EmailChannel, TheShopsTemplatesFollowTheShoppersLocaleThenTheShops) {
    EmailEndpoint e = endpoint();
    e.templates.add(1, "pt", {"Olá {customer_name}: {cart_total}", "", ""});
    e.templates.add(1, "fr", {"Bonjour {customer_name}", "", ""});
    e.default_locale = "fr-CA";
    const EmailChannel c = channel(e);
    auto subject = [&](const std::string& locale, int stage = 1) {
        Notification n = notification(locale, stage);
        n.content.currency_code = "EUR";
        const HttpRequest request = c.request(n);
        return request.mail ? header(request.mail->message, "Subject") : request.unsendable;
    };
    EXPECT_EQ(decoded_word(subject("pt-BR")), "Olá Anna: €\u00a025,00");  // read in pt-BR
    EXPECT_EQ(subject("es"), "Bonjour Anna");  // the shop's default language
    EXPECT_EQ(subject(""), "Bonjour Anna");
    EXPECT_EQ(subject("de-AT", 2), "Noch unentschlossen? Blue mug wartet");  // no stage 2 of the shop's: defaults
    EXPECT_EQ(subject("es", 2), "Still thinking about Blue mug?");
}

TEST(EmailChannel, AnEmailThatCannotBeRenderedFailsThatMessageAloneAndIsNeverSent) {
    EmailEndpoint e = endpoint();
    e.templates.add(2, "en", {"Hi {customer_name", "", ""});  // does not parse
    const EmailChannel c = channel(e);
    EXPECT_TRUE(c.request(notification("en", 1)).mail.has_value());  // stage 1 is fine

    const HttpRequest broken = c.request(notification("en", 2));
    EXPECT_FALSE(broken.mail.has_value());
    EXPECT_TRUE(contains(broken.unsendable,
                         "the email could not be rendered: template: the shop's subject "
                         "template of stage 2 (en) does not parse"))
        << broken.unsendable;
    const HttpResult result = run_offline(broken);
    EXPECT_FALSE(result.started);
    EXPECT_TRUE(result.refused);
    const DeliveryOutcome o = c.classify(result);
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);
    EXPECT_FALSE(o.ambiguous_code);  // never taken for the channel's: the others go on
    EXPECT_EQ(o.error_text, broken.unsendable);
    EXPECT_EQ(o.public_summary, "email not sendable");

    Notification bad_currency = notification();
    bad_currency.content.currency_code = "EURO";
    const DeliveryOutcome currency = c.classify(run_offline(c.request(bad_currency)));
    EXPECT_EQ(currency.kind, OutcomeKind::Permanent);
    EXPECT_TRUE(contains(currency.error_text, "could not be rendered")) << currency.error_text;
}

TEST(EmailChannel, ARefusalTextHoldsNoSecret) {
    const EmailChannel c = channel();
    HttpResult refused;
    refused.refused = true;
    refused.error = "the mail cannot be sent: " + kUnsubscribeKey + " " + kPassword;
    const DeliveryOutcome o = c.classify(refused);
    EXPECT_EQ(o.kind, OutcomeKind::Permanent);
    expect_no_secret(o, c);
    EXPECT_TRUE(contains(o.error_text, "[redacted]"));
}

TEST(EmailChannel, ASettingThatWouldFailEverySendIsRefusedWhenTheChannelIsMade) {
    EmailEndpoint short_key = endpoint();
    short_key.unsubscribe_secret = "too-short-key";
    try {
        channel(short_key);
        ADD_FAILURE() << "a short unsubscribe key was taken";
    } catch (const Error& e) {
        EXPECT_TRUE(contains(e.what(), "at least 32 bytes"));
        EXPECT_FALSE(contains(e.what(), "too-short-key"));
    }
    EmailEndpoint no_from = endpoint();
    no_from.from_address = "shop";
    EXPECT_THROW(channel(no_from), Error);
    EmailEndpoint no_url = endpoint();
    no_url.unsubscribe_url.clear();
    EXPECT_THROW(channel(no_url), Error);
}

TEST(EmailChannel, ClassifiesTheTransportsResults) {
    const EmailChannel c = channel();
    auto answer = [](long code, const std::string& reply, int curl_code = CURLE_OK) {
        HttpResult r;
        r.started = true;
        r.completed = true;
        r.status = code;
        r.reply = reply;
        r.curl_code = curl_code;
        r.request_sent = code == 250;
        r.mail_message_id = "<ca.4711.0123456789abcdef01234567@shop.example>";
        return r;
    };
    const DeliveryOutcome sent = c.classify(answer(250, "250 2.0.0 OK: queued as 1"));
    EXPECT_EQ(sent.kind, OutcomeKind::Sent);
    EXPECT_EQ(sent.provider_message_id, "<ca.4711.0123456789abcdef01234567@shop.example>");
    EXPECT_EQ(sent.message_status, "250 2.0.0 OK: queued as 1");

    const DeliveryOutcome unknown_user =
        c.classify(answer(550, "550 5.1.1 <x@example.com>: Recipient address rejected", CURLE_SEND_ERROR));
    EXPECT_EQ(unknown_user.kind, OutcomeKind::Permanent);
    EXPECT_EQ(unknown_user.error_code, 550);
    EXPECT_EQ(unknown_user.error_subcode, 5001001);
    EXPECT_EQ(unknown_user.public_summary, "SMTP 550 5.1.1: unknown recipient");

    const DeliveryOutcome greylisted = c.classify(answer(451, "451 4.7.1 Try again later", CURLE_SEND_ERROR));
    EXPECT_EQ(greylisted.kind, OutcomeKind::Transient);

    // A server that echoes what AUTH PLAIN carried, refusing the login.
    const std::string plain = base64_encode(std::string(1, '\0') + kUser + '\0' + kPassword);
    const DeliveryOutcome login =
        c.classify(answer(535, "535 5.7.8 Authentication credentials invalid: " + plain, CURLE_LOGIN_DENIED));
    EXPECT_EQ(login.kind, OutcomeKind::ChannelFatal);
    EXPECT_TRUE(contains(login.error_text, "535 5.7.8 Authentication credentials invalid: [redacted]"))
        << login.error_text;
    EXPECT_EQ(c.pause_reason(login.error_code, login.error_text, false),
              "email channel paused by SMTP reply 535: " + login.error_text);
    EXPECT_TRUE(contains(c.pause_advice(login.error_code, login.error_subcode), "SMTP user and password"));

    HttpResult denied;  // libcurl's failure without a reply, its message echoing the password
    denied.started = true;
    denied.curl_code = CURLE_LOGIN_DENIED;
    denied.error = "Login denied for " + kPassword;
    const DeliveryOutcome curl_login = c.classify(denied);
    EXPECT_EQ(curl_login.kind, OutcomeKind::ChannelFatal);
    EXPECT_TRUE(contains(c.pause_reason(0, curl_login.error_text, false), "email channel paused: SMTP: Login denied"));

    HttpResult cut;  // cut after the final "."
    cut.started = true;
    cut.curl_code = CURLE_OPERATION_TIMEDOUT;
    cut.request_sent = true;
    cut.error = "timed out";
    EXPECT_EQ(c.classify(cut).kind, OutcomeKind::Unknown);

    HttpResult never;  // the engine's word for a delivery it never started (sending halted)
    never.error = "sending was halted";
    const DeliveryOutcome untried = c.classify(never);
    EXPECT_EQ(untried.kind, OutcomeKind::Transient);
    EXPECT_EQ(untried.provider_message_id, "");

    for (const DeliveryOutcome& o : {sent, unknown_user, greylisted, login, curl_login, untried})
        expect_no_secret(o, c);
}
