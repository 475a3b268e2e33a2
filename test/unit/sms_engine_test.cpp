// The delivery engine drives the SMS channel against the Twilio stand-in (its answers as Twilio
// documents them): the same engine as WhatsApp's, through core/delivery/channel.hpp only.
#include "engine_fixture.hpp"

#include <set>

#include "core/channels/sms/channel.hpp"

using namespace engine_test;

namespace {

const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";
const char* kAuthToken = "unit-test-twilio-token-0123456789";
const char* kFrom = "+15005550006";

StandIn twilio_standin;

class SmsEngine : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        twilio_standin.start("test/standin/twilio_standin.py", {{"token", kAuthToken}},
                             {"--account-sid", kAccountSid, "--auth-token-file", "{dir}/token", "--from", kFrom});
    }
    static void TearDownTestSuite() { twilio_standin.stop(); }
    void SetUp() override { twilio_standin.control("POST", "/reset", json::object()); }

    static SmsChannel channel(const std::string& token = kAuthToken) {
        SmsEndpoint endpoint;
        endpoint.api_url = twilio_standin.base();
        endpoint.account_sid = kAccountSid;
        endpoint.auth_token = token;
        endpoint.from = kFrom;
        return SmsChannel(endpoint);
    }
    static std::vector<Delivery> texts(const std::vector<std::string>& numbers) {
        std::vector<Delivery> all;
        for (const auto& n : numbers)
            all.push_back({{n, "cart_abandonment_first", "en", {"Anna", "cart_1", "https://shop.example/c/1"}}, 1, n});
        return all;
    }
    static std::vector<std::string> numbers(int count) {
        std::vector<std::string> all;
        for (int i = 0; i < count; ++i) all.push_back("+1415555" + std::to_string(1000 + i));
        return all;
    }
    static EngineOptions options(int concurrency) {
        EngineOptions o;
        o.backoff_base = std::chrono::milliseconds(20);
        o.max_concurrency = concurrency;
        return o;
    }
};

}  // namespace

TEST_F(SmsEngine, EveryTextIsAcceptedOnceUnderConcurrency) {
    HttpClient client({std::chrono::milliseconds(5000), 8});
    RateLimiter limiter(10000);
    const auto report =
        send_deliveries(client, limiter, options(8), channel(), texts(numbers(40)), [] { return false; });
    ASSERT_EQ(report.outcomes.size(), 40u);
    std::set<std::string> sids;
    for (const auto& o : report.outcomes) {
        EXPECT_EQ(o.kind, OutcomeKind::Sent) << o.error_text;
        EXPECT_EQ(o.provider_message_id.size(), 34u);
        EXPECT_EQ(o.provider_message_id.compare(0, 2, "SM"), 0) << o.provider_message_id;
        sids.insert(o.provider_message_id);
    }
    EXPECT_EQ(sids.size(), 40u);
    const json requests = twilio_standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 40u);
    for (const auto& r : requests) {
        EXPECT_TRUE(r["auth_ok"].get<bool>());
        EXPECT_EQ(r["content_types"], json::array({"application/x-www-form-urlencoded"}));
        EXPECT_EQ(r["From"], kFrom);
        EXPECT_NE(r["Body"].get<std::string>().find("https://shop.example/c/1"), std::string::npos);
    }
}

TEST_F(SmsEngine, AnInvalidNumberAndAnOptedOutOneAreThatTextsOwn) {
    twilio_standin.control("POST", "/opt_outs", {{"add", {"+14155551001"}}});
    HttpClient client({std::chrono::milliseconds(5000), 8});
    RateLimiter limiter(10000);
    const auto report =
        send_deliveries(client, limiter, options(4), channel(),
                        texts({"+14155551000", "+14155551001", "+1415", "+14155551003"}), [] { return false; });
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Permanent);
    EXPECT_EQ(report.outcomes[1].error_code, 21610);
    EXPECT_TRUE(report.outcomes[1].recipient_opted_out);
    EXPECT_EQ(report.outcomes[2].kind, OutcomeKind::Permanent);
    EXPECT_EQ(report.outcomes[2].error_code, 21211);
    EXPECT_EQ(report.outcomes[3].kind, OutcomeKind::Sent);
    EXPECT_FALSE(report.channel_halted);
}

TEST_F(SmsEngine, AWrongAuthTokenHaltsTheChannelAndNeverShowsTheToken) {
    HttpClient client({std::chrono::milliseconds(5000), 8});
    RateLimiter limiter(10000);
    const std::string wrong = "unit-test-wrong-token-9876543210";
    const auto report =
        send_deliveries(client, limiter, options(1), channel(wrong), texts(numbers(5)), [] { return false; });
    EXPECT_TRUE(report.channel_halted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(report.outcomes[0].error_code, 20003);
    for (const auto& o : report.outcomes) {
        EXPECT_NE(o.kind, OutcomeKind::Sent);
        EXPECT_EQ(o.error_text.find(wrong), std::string::npos);
        EXPECT_EQ(o.error_text.find(kAccountSid), std::string::npos);
    }
    EXPECT_EQ(twilio_standin.control("GET", "/requests").size(), 1u) << "nothing more is sent after the channel halts";
}
