// What a submission's result says when the server refuses it at each step (RFC 5321 reply codes,
// RFC 3463 enhanced codes in the text), or when the transfer is cut: whether the message may have
// been delivered (request_sent) and the reply that decided.
#include "smtp_sink.hpp"

namespace smtp_test {
namespace {

// One submission through a sink told to refuse at `stage`: the result says so, and nothing arrived.
HttpResult refused_at(const std::string& stage, long code, const std::string& text, MailBodyEncoding encoding) {
    plain_sink.faults({{{"stage", stage}, {"code", code}, {"text", text}, {"times", 1}}});
    HttpClient client(Smtp::options());
    HttpRequest request = Smtp::mail(1);
    request.mail->message.encoding = encoding;
    HttpResult result = Smtp::run_one(client, request);
    EXPECT_TRUE(result.completed) << stage;
    EXPECT_EQ(result.status, code) << stage;
    // libcurl says QUIT after a refusal: its 221 does not hide the refusal.
    EXPECT_EQ(result.reply, std::to_string(code) + " " + text) << stage;
    EXPECT_NE(result.curl_code, CURLE_OK) << stage;
    EXPECT_EQ(plain_sink.messages().size(), 0u) << stage;
    // The refusal was for that submission only.
    EXPECT_EQ(Smtp::run_one(client, Smtp::mail(2)).status, 250) << stage;
    plain_sink.control("POST", "/reset", json::object());
    return result;
}

TEST_F(Smtp, RefusedBeforeTheMessageWentOut) {
    for (MailBodyEncoding encoding : {MailBodyEncoding::QuotedPrintable, MailBodyEncoding::Base64}) {
        EXPECT_FALSE(refused_at("mail", 421, "4.7.0 Try again later", encoding).request_sent);
        EXPECT_FALSE(
            refused_at("rcpt", 550, "5.1.1 <anna1@example.test>: Recipient address rejected", encoding).request_sent);
        EXPECT_FALSE(refused_at("data", 451, "4.3.0 Local error in processing", encoding).request_sent);
    }
}

TEST_F(Smtp, MessageRefusedAfterItsEnd) {
    // The message went out whole: the server had it.
    for (MailBodyEncoding encoding : {MailBodyEncoding::QuotedPrintable, MailBodyEncoding::Base64})
        EXPECT_TRUE(refused_at("end_of_data", 554, "5.7.1 Message rejected as spam", encoding).request_sent);
}

TEST_F(Smtp, CutAfterTheMessageIsUncertain) {
    plain_sink.faults({{{"stage", "end_of_data"}, {"close", true}}});
    HttpClient client(options());
    for (MailBodyEncoding encoding : {MailBodyEncoding::QuotedPrintable, MailBodyEncoding::Base64}) {
        HttpRequest request = mail(1);
        request.mail->message.encoding = encoding;
        const HttpResult result = run_one(client, request);
        EXPECT_FALSE(result.completed);
        EXPECT_TRUE(result.request_sent) << "cut after the final \".\": it may have been delivered";
        EXPECT_NE(result.curl_code, CURLE_OK);
        EXPECT_FALSE(result.error.empty());
    }
}

TEST_F(Smtp, CutBeforeDataIsNotSent) {
    plain_sink.faults({{{"stage", "rcpt"}, {"close", true}}});
    HttpClient client(options());
    const HttpResult result = run_one(client, mail(1));
    EXPECT_FALSE(result.completed);
    EXPECT_FALSE(result.request_sent);
    EXPECT_NE(result.curl_code, CURLE_OK);
}

// After a submission whose reply to "." never came, the next one on the same client is whole: it
// does not ride the connection where that reply is still due (and would be read as its own).
void expect_next_submission_whole(HttpClient& client) {
    plain_sink.control("POST", "/delay", {{"ms", 0}});
    const HttpResult next = Smtp::run_one(client, Smtp::mail(1));
    EXPECT_EQ(next.status, 250) << next.error;
    EXPECT_EQ(next.new_connections, 1);
    int arrived = 0;
    for (const auto& message : plain_sink.messages()) arrived += message["rcpt_tos"][0] == "anna1@example.test";
    EXPECT_EQ(arrived, 1) << "the next message was answered but not taken";
}

TEST_F(Smtp, NoAnswerToTheMessageTimesOutUncertain) {
    plain_sink.control("POST", "/delay", {{"ms", 1500}});
    HttpClient client(options(std::chrono::milliseconds(500)));
    const HttpResult result = run_one(client, mail(0));
    EXPECT_FALSE(result.completed);
    EXPECT_EQ(result.curl_code, CURLE_OPERATION_TIMEDOUT) << result.error;
    EXPECT_TRUE(result.request_sent);
    expect_next_submission_whole(client);
}

TEST_F(Smtp, AbandonedSubmissionsSayHowFarTheyGot) {
    plain_sink.control("POST", "/delay", {{"ms", 3000}});
    HttpClient client(options());
    client.start(0, mail(0));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    // Until the sink has the whole message; its answer is 3 s away.
    while (plain_sink.state()["ends_of_data"] == 0 && std::chrono::steady_clock::now() < until)
        client.poll(std::chrono::milliseconds(20), [](std::size_t, HttpResult&&) { FAIL() << "finished early"; });
    std::vector<HttpResult> results;
    const auto start = std::chrono::steady_clock::now();
    client.abandon_all("stopped", [&](std::size_t, HttpResult&& result) { results.push_back(std::move(result)); });
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500)) << "not stopped in time";
    ASSERT_EQ(results.size(), 1u);
    EXPECT_FALSE(results[0].completed);
    EXPECT_TRUE(results[0].request_sent);
    EXPECT_EQ(results[0].error, "stopped");
    EXPECT_EQ(results[0].curl_code, CURLE_ABORTED_BY_CALLBACK);
    EXPECT_EQ(client.in_flight(), 0u);
    expect_next_submission_whole(client);
}

TEST_F(Smtp, PasswordInNoResult) {
    // The server echoes the password: the result does not.
    tls_sink.faults({{{"stage", "rcpt"}, {"code", 550}, {"text", std::string("5.7.1 relay denied for ") + kPassword}}});
    HttpClient client(options());
    const HttpResult refused = run_one(client, tls_mail(1));
    EXPECT_EQ(refused.status, 550);
    EXPECT_EQ(refused.reply, "550 5.7.1 relay denied for [redacted]");
    expect_no_password(refused);
    expect_no_password(run_one(client, tls_mail(2)));
    expect_no_password(run_one(client, tls_mail(3, false, std::string(kPassword) + "x")));
    HttpRequest unreachable = tls_mail(4);
    unreachable.url = "smtp://127.0.0.1:1";
    expect_no_password(run_one(client, unreachable));
}

}  // namespace
}  // namespace smtp_test
