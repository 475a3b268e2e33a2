// The delivery engine drives the email channel against the local SMTP sink (test/standin/smtp_sink.py):
// the same engine as WhatsApp's and SMS's, through core/delivery/channel.hpp only.
#include "smtp_sink.hpp"

#include <set>

#include "core/channels/email/channel.hpp"
#include "core/codec/base64.hpp"
#include "core/delivery/engine.hpp"

namespace smtp_test {
namespace {

const std::string kUnsubscribeKey = "unit-test-unsubscribe-key-0123456789abcdef";

class EmailEngine : public Smtp {
protected:
    // The plain sink (allow_plaintext); with `password`, the TLS sink over smtps with AUTH.
    static EmailChannel channel(const std::string& password = "") {
        EmailEndpoint e;
        e.url = password.empty() ? plain_sink.url() : tls_sink.url(true);
        e.allow_plaintext = password.empty();
        e.username = password.empty() ? "" : kUser;
        e.password = password;
        e.from_address = "shop@shop.test";
        e.from_name = "The Shop";
        e.unsubscribe_url = "https://shop.test/unsubscribe";
        e.unsubscribe_secret = kUnsubscribeKey;
        return EmailChannel(e);
    }
    static std::string address(int n) { return "shopper" + std::to_string(n) + "@example.test"; }
    static std::vector<Delivery> emails(int count, int attempts_allowed = 1) {
        std::vector<Delivery> all;
        for (int i = 0; i < count; ++i) {
            Notification n;
            n.to = address(i);
            n.content.customer_name = "Anna";
            n.content.items = {{"Blue mug", 1, "", 1250, "EUR"}};
            n.content.total_minor = 1250;
            n.content.currency_code = "EUR";
            n.content.recovery_link = "https://shop.test/cart/" + std::to_string(i);
            n.content.ledger_id = 1000 + i;
            all.push_back({n, attempts_allowed, std::to_string(1000 + i)});
        }
        return all;
    }
    static SendReport send(const EmailChannel& c, const std::vector<Delivery>& batch, int concurrent) {
        HttpClient client(options(std::chrono::milliseconds(5000)));
        RateLimiter limiter(10000);
        EngineOptions engine;
        engine.backoff_base = std::chrono::milliseconds(20);
        engine.max_concurrency = concurrent;
        return send_deliveries(client, limiter, engine, c, batch, [] { return false; });
    }
    static std::string message_id(const json& message) {
        for (const auto& header : message["headers"])
            if (header[0] == "Message-ID") return header[1];
        return "<absent>";
    }
};

TEST_F(EmailEngine, EveryEmailArrivesOnceWithOurMessageIdRecorded) {
    const auto report = send(channel(), emails(40), 8);
    ASSERT_EQ(report.outcomes.size(), 40u);
    const json messages = plain_sink.messages();
    ASSERT_EQ(messages.size(), 40u);
    std::map<std::string, std::string> received;  // recipient -> Message-ID
    for (const auto& m : messages) {
        ASSERT_EQ(m["rcpt_tos"].size(), 1u);
        EXPECT_TRUE(received.emplace(m["rcpt_tos"][0].get<std::string>(), message_id(m)).second) << "twice";
    }
    for (int i = 0; i < 40; ++i) {
        const DeliveryOutcome& o = report.outcomes[i];
        EXPECT_EQ(o.kind, OutcomeKind::Sent) << o.error_text;
        EXPECT_EQ(o.attempts, 1);
        EXPECT_EQ(o.provider_message_id.rfind("<ca." + std::to_string(1000 + i) + ".", 0), 0u) << o.provider_message_id;
        EXPECT_EQ(received[address(i)], o.provider_message_id);
    }
    EXPECT_LE(plain_sink.state()["connections"].get<int>(), 8);  // reused, at most one per worker
}

TEST_F(EmailEngine, AnUnknownRecipientAndAnUnrenderableEmailFailAlone) {
    plain_sink.faults(json::array({{{"stage", "rcpt"},
                                    {"code", 550},
                                    {"text", "5.1.1 <" + address(1) + ">: Recipient address rejected"},
                                    {"to", address(1)}}}));
    std::vector<Delivery> batch = emails(5);
    batch[3].notification.content.currency_code = "EURO";  // cannot be rendered
    const auto report = send(channel(), batch, 4);
    EXPECT_FALSE(report.channel_halted);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Permanent);
    EXPECT_EQ(report.outcomes[1].error_code, 550);
    EXPECT_EQ(report.outcomes[1].error_subcode, 5001001);
    EXPECT_EQ(report.outcomes[3].kind, OutcomeKind::Permanent);
    EXPECT_EQ(report.outcomes[3].error_code, 0);
    EXPECT_FALSE(report.outcomes[3].attempted) << "nothing went out";
    for (int i : {0, 2, 4}) EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << report.outcomes[i].error_text;
    std::set<std::string> received;
    for (const auto& m : plain_sink.messages()) received.insert(m["rcpt_tos"][0].get<std::string>());
    EXPECT_EQ(received, (std::set<std::string>{address(0), address(2), address(4)}));
}

TEST_F(EmailEngine, ARefusedLoginHaltsTheChannelAfterOneSubmissionAndNeverShowsThePassword) {
    const std::string wrong = "unit-test-wrong-smtp-password-31c7";
    const EmailChannel c = channel(wrong);
    const auto report = send(c, emails(5), 1);
    EXPECT_TRUE(report.channel_halted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(report.outcomes[0].error_code, 535);
    const std::string plain = base64_encode(std::string(1, '\0') + kUser + '\0' + wrong);
    for (const auto& o : report.outcomes) {
        EXPECT_NE(o.kind, OutcomeKind::Sent);
        const std::string pause = c.pause_reason(o.error_code, o.error_text, false);
        for (const std::string& text : {o.error_text, o.public_summary, o.message_status, pause})
            for (const std::string& secret : {wrong, plain, base64_encode(wrong), kUnsubscribeKey})
                EXPECT_EQ(text.find(secret), std::string::npos) << text;
    }
    const json state = tls_sink.state();
    EXPECT_EQ(state["auth_failures"], 1) << "nothing more is tried after the channel halts";
    EXPECT_EQ(state["messages"], 0);

    const auto right = send(channel(kPassword), emails(2), 1);  // the same channel with the right password
    for (const auto& o : right.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent) << o.error_text;
}

TEST_F(EmailEngine, AClosingServiceAndAGreylistingAreRetried) {
    plain_sink.faults(
        json::array({{{"stage", "mail"}, {"code", 421}, {"text", "4.3.2 Service shutting down"}, {"times", 1}},
                     {{"stage", "rcpt"},
                      {"code", 451},
                      {"text", "4.7.1 Greylisted, try again later"},
                      {"to", address(2)},
                      {"times", 1}}}));
    const auto report = send(channel(), emails(4, 2), 2);
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent) << o.error_text;
    EXPECT_EQ(report.outcomes[2].attempts, 2);
    EXPECT_EQ(plain_sink.state()["refusals"], 2);
    std::multiset<std::string> received;
    for (const auto& m : plain_sink.messages()) received.insert(m["rcpt_tos"][0].get<std::string>());
    EXPECT_EQ(received, (std::multiset<std::string>{address(0), address(1), address(2), address(3)}));
}

}  // namespace
}  // namespace smtp_test
