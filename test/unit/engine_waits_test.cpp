// What the delivery engine waits for, against the real stand-in (engine_fixture.hpp): in-call
// retries with backoff, Retry-After, account and per-recipient rate limits, the start rate.
#include "engine_fixture.hpp"

using namespace engine_test;

TEST_F(Engine, RetriesATransientFailureWithinTheCall) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131000}, {"http_status", 500}, {"times", 1}}}));
    const auto report = send(client, {{message(1), 2}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[0].attempts, 2);
    EXPECT_EQ(standin.control("GET", "/requests").size(), 2u);
}

TEST_F(Engine, StopsRetryingWhenTheCallsAttemptsAreSpent) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "http"}, {"http_status", 503}, {"body", "busy"}}}));
    const auto report = send(client, {{message(1), 3}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Transient);
    EXPECT_EQ(report.outcomes[0].attempts, 3);
    EXPECT_EQ(standin.control("GET", "/requests").size(), 3u);
}

TEST_F(Engine, HonoursRetryAfter) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131000}, {"http_status", 503},
                                                      {"headers", {{"Retry-After", "1"}}}, {"times", 1}}}));
    const auto report = send(client, {{message(1), 2}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_GE(at(requests[1]) - at(requests[0]), 0.95) << "Retry-After: 1 was not honoured";
}

TEST_F(Engine, AnAccountRateLimitPausesEverySend) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 130429}, {"http_status", 429},
                                                      {"headers", {{"Retry-After", "1"}}}, {"times", 1}}}));
    const auto report = send(client, deliveries(4, 2), concurrency(1));
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 5u);
    for (std::size_t i = 1; i < requests.size(); ++i)
        EXPECT_GE(at(requests[i]) - at(requests[0]), 0.95) << "request " << i << " did not wait for the pause";
}

TEST_F(Engine, APairRateLimitDelaysOnlyThatRecipient) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131056}, {"to", "+4915110000000"}, {"times", 1}}}));
    const auto report = send(client, deliveries(3, 2), concurrency(1));
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[3]["to"], "+4915110000000") << "the others went first";
    EXPECT_LT(at(requests[2]) - at(requests[0]), 1.0) << "the other recipients were not held back";
    EXPECT_GE(at(requests[3]) - at(requests[0]), 5.9) << "about 6 s before the same user again";
}

TEST_F(Engine, ALongRetryWaitIsLeftToALaterRun) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131000}, {"http_status", 503},
                                                      {"headers", {{"Retry-After", "120"}}}, {"times", 1}}}));
    const auto report = send(client, {{message(1), 3}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Transient);
    EXPECT_EQ(report.outcomes[0].attempts, 1);
    EXPECT_EQ(report.outcomes[0].retry_after_seconds, 120);
}

TEST_F(Engine, PacesStartsByTheRateLimit) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    send(client, deliveries(11), concurrency(8), 20);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 11u);
    EXPECT_GE(at(requests[10]) - at(requests[0]), 0.45) << "11 starts at 20/s span at least 0.5 s";
}
