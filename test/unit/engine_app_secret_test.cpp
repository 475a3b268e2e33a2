// appsecret_proof against the real stand-in (engine_fixture.hpp) in its "Require App Secret"
// mode: every request carries it when the app secret is set, and nothing recorded holds it.
#include "core/channels/whatsapp/signature.hpp"
#include "engine_fixture.hpp"

using namespace engine_test;

TEST_F(Engine, EveryRequestCarriesTheAppSecretProofWhenTheSecretIsSet) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/account", {{"require_app_secret", true}});
    WhatsAppEndpoint with_secret = endpoint();
    with_secret.app_secret = kAppSecret;
    RateLimiter limiter(10000);
    const auto report = send_deliveries(client, limiter, fast(), WhatsAppChannel(with_secret), deliveries(3), never);
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent) << o.error_text;
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 3u);
    for (const auto& r : requests) EXPECT_EQ(r["appsecret_proof"], "valid");
}

TEST_F(Engine, WithoutTheProofAnAppThatRequiresItRefusesEveryCall) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/account", {{"require_app_secret", true}});
    const auto report = send(client, deliveries(3), concurrency(1));
    EXPECT_TRUE(report.channel_halted) << "every request answered alike: the channel's";
    EXPECT_NE(report.outcomes[0].error_text.find("appsecret_proof"), std::string::npos)
        << report.outcomes[0].error_text;
    EXPECT_EQ(standin.control("GET", "/requests")[0]["appsecret_proof"], "absent");
}

TEST_F(Engine, AWrongSecretIsRefusedAndNeverRecorded) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/account", {{"require_app_secret", true}});
    WhatsAppEndpoint wrong = endpoint();
    wrong.app_secret = "not-the-app-secret-0123456789";
    RateLimiter limiter(10000);
    const auto report = send_deliveries(client, limiter, fast(), WhatsAppChannel(wrong), deliveries(1), never);
    EXPECT_EQ(report.outcomes[0].error_code, 100);
    EXPECT_EQ(standin.control("GET", "/requests")[0]["appsecret_proof"], "invalid");
    for (const auto& o : report.outcomes) {
        EXPECT_EQ(o.error_text.find(wrong.app_secret), std::string::npos);
        EXPECT_EQ(o.error_text.find(appsecret_proof(kToken, wrong.app_secret)), std::string::npos);
    }
}
