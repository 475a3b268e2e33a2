// SMTP submission through HttpClient against the local sink: the message as it arrives (MIME
// structure, encodings, headers, envelope), TLS (STARTTLS required, smtps, the test CA) and AUTH.
#include "smtp_sink.hpp"

namespace smtp_test {
namespace {

// Emoji, Hebrew and Arabic (right to left), a line that starts with "." (SMTP dot-stuffing), one
// longer than quoted-printable's 76 characters, and markup that must stay as it was written.
const std::string kText =
    "Hallo Anna 👋🏽 שלום مرحبا\r\n"
    ".a line that starts with a dot\r\n"
    "Ihr Warenkorb wartet: Kaffeebohnen (2 × 12,90 €), ein sehr langer Satz, der über sechsundsiebzig Zeichen "
    "hinausgeht und gefaltet werden muss.\r\n"
    "=3D is not an escape here; <script>alert(1)</script>\r\n";
const std::string kHtml =
    "<html><body><p dir=\"rtl\">שלום مرحبا 🛒</p>\r\n.<p>&lt;script&gt; &amp; €</p></body></html>\r\n";

// The sink reads a decoded text part with "\n" line breaks.
std::string lf_lines(std::string text) {
    for (std::size_t at; (at = text.find("\r\n")) != std::string::npos;) text.erase(at, 1);
    return text;
}

std::string header_value(const json& message, const std::string& name) {
    for (const auto& header : message["headers"])
        if (header[0] == name) return header[1];
    return "<absent>";
}

HttpRequest rich_mail(MailBodyEncoding encoding) {
    HttpRequest request = Smtp::mail(1);
    MailMessage& message = request.mail->message;
    message.headers = {
        "From: =?utf-8?q?Caf=C3=A9_Shop?= <shop@shop.test>",
        "To: anna@example.test",
        "Reply-To: help@shop.test",
        "Subject: =?utf-8?q?Ihr_Warenkorb_=F0=9F=9B=92?=\r\n =?utf-8?q?wartet?=",  // folded
        "Date: Mon, 07 Dec 2026 19:00:00 +0000",
        "Message-ID: <cart-1.stage-1@shop.test>",
        "List-Unsubscribe: <https://shop.test/unsubscribe/abc>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    };
    message.text = kText;
    message.html = kHtml;
    message.encoding = encoding;
    request.mail->recipients = {"anna@example.test", "ben@example.test"};
    return request;
}

void expect_arrived_intact(MailBodyEncoding encoding, const char* transfer_encoding) {
    HttpClient client(Smtp::options());
    const HttpRequest request = rich_mail(encoding);
    const HttpResult result = Smtp::run_one(client, request);
    EXPECT_TRUE(result.started);
    EXPECT_TRUE(result.completed) << result.error;
    EXPECT_EQ(result.status, 250);
    EXPECT_EQ(result.reply, "250 2.0.0 OK: queued as 1");
    EXPECT_EQ(result.curl_code, CURLE_OK);
    EXPECT_TRUE(result.request_sent);
    EXPECT_EQ(result.new_connections, 1);
    EXPECT_EQ(result.mail_message_id, "<cart-1.stage-1@shop.test>");  // the server's reply does not name it

    const json messages = plain_sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    const json& message = messages[0];
    EXPECT_EQ(message["mail_from"], "bounces@shop.test");
    EXPECT_EQ(message["rcpt_tos"], json({"anna@example.test", "ben@example.test"}));
    EXPECT_EQ(message["structure"], "multipart/alternative(text/plain,text/html)");
    for (const std::string& header : request.mail->message.headers) {
        const std::size_t colon = header.find(':');
        EXPECT_EQ(header_value(message, header.substr(0, colon)), header.substr(colon + 2)) << header;
    }
    EXPECT_EQ(header_value(message, "Mime-Version"), "1.0");
    ASSERT_EQ(message["parts"].size(), 2u);
    for (const auto& part : message["parts"]) {
        EXPECT_EQ(part["charset"], "utf-8");
        EXPECT_EQ(part["transfer_encoding"], transfer_encoding);
    }
    EXPECT_EQ(message["parts"][0]["content_type"], "text/plain; charset=utf-8");
    EXPECT_EQ(message["parts"][0]["text"], lf_lines(kText));
    EXPECT_EQ(message["parts"][1]["content_type"], "text/html; charset=utf-8");
    EXPECT_EQ(message["parts"][1]["text"], lf_lines(kHtml));
    // 7-bit on the wire; lines within RFC 5322's limit, the bodies' within 76 characters (RFC 2045).
    const std::string raw = message["raw"];
    for (unsigned char c : raw) EXPECT_LT(c, 0x80) << "8-bit byte in the message";
    std::istringstream lines(raw);
    bool in_body = false;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        EXPECT_LE(line.size(), in_body ? 76u : 998u) << line;
        in_body = in_body || line.empty();
    }
}

TEST_F(Smtp, MessageArrivesAsMultipartAlternativeQuotedPrintable) {
    expect_arrived_intact(MailBodyEncoding::QuotedPrintable, "quoted-printable");
}

TEST_F(Smtp, MessageArrivesAsMultipartAlternativeBase64) { expect_arrived_intact(MailBodyEncoding::Base64, "base64"); }

TEST_F(Smtp, BareLineFeedsTravelAsCrlf) {
    HttpClient client(options());
    HttpRequest request = mail(1);
    request.mail->message.text = "one\ntwo\rthree\r\n";
    request.mail->message.encoding = MailBodyEncoding::Base64;  // keeps the bytes as they were sent
    ASSERT_EQ(run_one(client, request).status, 250);
    const json messages = plain_sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0]["raw"].get<std::string>().find("b25lDQp0d28NCnRocmVlDQo="), std::string::npos)
        << "\"one\\r\\ntwo\\r\\nthree\\r\\n\" in base64";
}

TEST_F(Smtp, PlainSmtpIsRefusedUnlessAllowed) {
    HttpClient client(options());
    HttpRequest request = mail(1);
    request.mail->allow_plaintext = false;
    const HttpResult refused = run_one(client, request);
    EXPECT_FALSE(refused.completed);
    EXPECT_EQ(refused.curl_code, CURLE_USE_SSL_FAILED) << refused.error;
    EXPECT_FALSE(refused.request_sent);
    EXPECT_EQ(plain_sink.state()["transactions"], 0);
    EXPECT_EQ(plain_sink.messages().size(), 0u);

    request.mail->allow_plaintext = true;
    EXPECT_EQ(run_one(client, request).status, 250);
    EXPECT_EQ(plain_sink.messages().size(), 1u);
}

TEST_F(Smtp, StartTlsWithTheTestCertificateAndAuth) {
    HttpClient client(options());
    const HttpResult result = run_one(client, tls_mail(1));
    EXPECT_EQ(result.status, 250) << result.error;
    EXPECT_TRUE(result.request_sent);
    expect_no_password(result);
    const json messages = tls_sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["tls"], true);
    EXPECT_EQ(messages[0]["auth_user"], kUser);
    EXPECT_EQ(messages[0]["parts"][0]["text"], "Hello 1\n");
}

TEST_F(Smtp, ImplicitTls) {
    HttpClient client(options());
    const HttpResult result = run_one(client, tls_mail(1, true));
    EXPECT_EQ(result.status, 250) << result.error;
    const json messages = tls_sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["tls"], true);
}

TEST_F(Smtp, UntrustedCertificateIsRefused) {
    HttpClientOptions without_ca = options();
    without_ca.ca_file.clear();
    HttpClient client(without_ca);
    const HttpResult result = run_one(client, tls_mail(1));
    EXPECT_FALSE(result.completed);
    EXPECT_EQ(result.curl_code, CURLE_PEER_FAILED_VERIFICATION) << result.error;
    EXPECT_FALSE(result.request_sent);
    EXPECT_EQ(tls_sink.state()["auth_successes"].get<int>() + tls_sink.state()["auth_failures"].get<int>(), 0);
}

TEST_F(Smtp, WrongPasswordIsLoginDenied) {
    HttpClient client(options());
    const HttpResult result = run_one(client, tls_mail(1, false, "not-the-password"));
    EXPECT_EQ(result.curl_code, CURLE_LOGIN_DENIED) << result.error;
    EXPECT_TRUE(result.completed);
    EXPECT_EQ(result.status, 535);
    EXPECT_EQ(result.reply, "535 5.7.8 Authentication credentials invalid");
    EXPECT_FALSE(result.request_sent);
    EXPECT_EQ(result.error.find("not-the-password"), std::string::npos) << result.error;
    EXPECT_EQ(tls_sink.state()["auth_failures"], 1);
    EXPECT_EQ(tls_sink.messages().size(), 0u);
}

TEST_F(Smtp, MessageThatWouldBreakTheDialogueIsNotStarted) {
    HttpClient client(options());
    const std::vector<std::pair<std::string, std::function<void(MailSubmission&)>>> broken = {
        {"header", [](MailSubmission& m) { m.message.headers.push_back("Subject: hi\r\nBcc: all@example.test"); }},
        {"header", [](MailSubmission& m) { m.message.headers.push_back("Subject: hi\nX: y"); }},
        {"encoded", [](MailSubmission& m) { m.message.headers.push_back("Subject: Grüße"); }},
        {"transport's", [](MailSubmission& m) { m.message.headers.push_back("content-type: text/plain"); }},
        {"Name: value", [](MailSubmission& m) { m.message.headers.push_back("no colon"); }},
        {"sender", [](MailSubmission& m) { m.mail_from = "a@b.test>\r\nRCPT TO:<c@d.test"; }},
        {"recipient", [](MailSubmission& m) { m.recipients = {"a b@c.test"}; }},
        {"no recipient", [](MailSubmission& m) { m.recipients.clear(); }},
    };
    for (const auto& [why, damage] : broken) {
        HttpRequest request = mail(1);
        damage(*request.mail);
        const HttpResult result = run_one(client, request);
        EXPECT_FALSE(result.started) << why;
        EXPECT_TRUE(result.refused) << why;
        EXPECT_NE(result.error.find(why), std::string::npos) << result.error;
    }
    HttpRequest unsendable = mail(1);  // a channel that could not build it says why
    unsendable.unsendable = "the email could not be rendered: a template";
    const HttpResult refused = run_one(client, unsendable);
    EXPECT_FALSE(refused.started);
    EXPECT_TRUE(refused.refused);
    EXPECT_EQ(refused.error, "the email could not be rendered: a template");
    EXPECT_EQ(plain_sink.state()["connections"], 0);
}

TEST_F(Smtp, ConnectionRefused) {
    HttpClient client(options());
    HttpRequest request = mail(1, "smtp://127.0.0.1:1");
    const HttpResult result = run_one(client, request);
    EXPECT_FALSE(result.completed);
    EXPECT_EQ(result.curl_code, CURLE_COULDNT_CONNECT) << result.error;
    EXPECT_FALSE(result.request_sent);
}

}  // namespace
}  // namespace smtp_test
