// What the delivery engine waits for: the wait's arithmetic (no overflow, never negative), and
// against the real stand-in (engine_fixture.hpp) in-call retries with backoff, Retry-After in
// every form, account and per-recipient rate limits, the start rate.
#include <climits>
#include <atomic>
#include <cmath>
#include <thread>

#include "core/transport/retry_after.hpp"
#include "engine_fixture.hpp"

using namespace engine_test;

TEST_F(Engine, RetriesATransientFailureWithinTheCall) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"}, {"code", 131000}, {"http_status", 500}, {"times", 1}}}));
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
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"},
                                  {"code", 131000},
                                  {"http_status", 503},
                                  {"headers", {{"Retry-After", "1"}}},
                                  {"times", 1}}}));
    const auto report = send(client, {{message(1), 2}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_GE(at(requests[1]) - at(requests[0]), 0.95) << "Retry-After: 1 was not honoured";
}

TEST_F(Engine, AnAccountRateLimitPausesEverySend) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"},
                                  {"code", 130429},
                                  {"http_status", 429},
                                  {"headers", {{"Retry-After", "1"}}},
                                  {"times", 1}}}));
    const auto report = send(client, deliveries(4, 2), concurrency(1));
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 5u);
    for (std::size_t i = 1; i < requests.size(); ++i)
        EXPECT_GE(at(requests[i]) - at(requests[0]), 0.95) << "request " << i << " did not wait for the pause";
}

TEST_F(Engine, AThrottleSpendsNoAttemptOfTheCall) {
    // Graph's rate limits (here 613, then 17) sent nothing: the delivery's one attempt is still
    // its own, and the limiter shared with other callers holds them too.
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"}, {"code", 613}, {"times", 1}},
                                 {{"mode", "error"}, {"code", 17}, {"times", 1}}}));
    SharedNextStart shared{0};
    RateLimiter limiter(10000), other(10000);
    limiter.share(&shared);
    other.share(&shared);
    const auto report = send_deliveries(client, limiter, fast(), WhatsAppChannel(endpoint()), {{message(1), 1}}, never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[0].attempts, 3);
    EXPECT_EQ(report.outcomes[0].throttled, 2);
    EXPECT_EQ(attempts_spent(report.outcomes[0], false), 1);
    EXPECT_EQ(standin.control("GET", "/requests").size(), 3u);
}

TEST_F(Engine, AThrottleHoldsTheNumbersSharedStart) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"}, {"code", 4}, {"times", 1}, {"headers", {{"Retry-After", "1"}}}}}));
    SharedNextStart shared{0};
    RateLimiter limiter(10000), other(10000);
    limiter.share(&shared);
    other.share(&shared);
    std::atomic<bool> other_started_early{false};
    const auto begun = RateLimiter::Clock::now();
    // The other caller polls while the first one waits out the throttle.
    std::thread poller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto now = RateLimiter::Clock::now();
        if (now - begun < std::chrono::milliseconds(900) && other.try_acquire(now)) other_started_early = true;
    });
    const auto report = send_deliveries(client, limiter, fast(), WhatsAppChannel(endpoint()), {{message(1), 1}}, never);
    poller.join();
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_FALSE(other_started_early) << "another caller of the number started during the throttle";
}

TEST_F(Engine, APairRateLimitDelaysOnlyThatRecipient) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"}, {"code", 131056}, {"to", "+4915110000000"}, {"times", 1}}}));
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
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"},
                                  {"code", 131000},
                                  {"http_status", 503},
                                  {"headers", {{"Retry-After", "120"}}},
                                  {"times", 1}}}));
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

TEST(RetryWait, TheBackoffDoublesAndSaturates) {
    using std::chrono::milliseconds;
    EXPECT_EQ(backoff_ceiling(milliseconds(500), 1), milliseconds(500));
    EXPECT_EQ(backoff_ceiling(milliseconds(500), 3), milliseconds(2000));
    EXPECT_EQ(backoff_ceiling(milliseconds(500), 0), milliseconds(500));
    EXPECT_EQ(backoff_ceiling(milliseconds(1), 17), milliseconds(65536)) << "at most 16 doublings";
    EXPECT_EQ(backoff_ceiling(milliseconds(1), INT_MAX), milliseconds(65536));
    EXPECT_EQ(backoff_ceiling(milliseconds::max() / 2, 3), milliseconds::max());
    EXPECT_EQ(backoff_ceiling(milliseconds::max(), 1), milliseconds::max());
    EXPECT_EQ(backoff_ceiling(milliseconds(-5), 2), milliseconds(0));
}

TEST(RetryWait, NeverNegativeNorAnOverflowWhateverTheInputs) {
    using std::chrono::milliseconds;
    DeliveryOutcome answer;
    for (const milliseconds base : {milliseconds(0), milliseconds(500), milliseconds::max() / 3, milliseconds::max()})
        for (const double jitter : {0.0, 0.5, 0.999999999, 1.0, 2.0, -1.0, std::nan("")})
            for (const int retry : {1, 2, 17, INT_MAX}) {
                const milliseconds wait = retry_wait(base, retry, jitter, answer);
                EXPECT_GE(wait.count(), 0) << base.count() << " " << jitter << " " << retry;
                EXPECT_LE(wait, backoff_ceiling(base, retry));
            }
    EXPECT_EQ(retry_wait(milliseconds(1000), 1, 0.5, answer), milliseconds(500));
    EXPECT_EQ(retry_wait(milliseconds::max(), 1, 1.0, answer), milliseconds::max());
}

TEST(RetryWait, RetryAfterOfAnySizeIsHeldToADay) {
    using std::chrono::milliseconds;
    DeliveryOutcome answer;
    for (const long asked : {10000000000000000L, LONG_MAX, kMaxRetryAfterSeconds + 1}) {
        answer.retry_after_seconds = asked;  // 1e16 s once made a negative wait (1e19 ms)
        EXPECT_EQ(retry_wait(milliseconds(500), 1, 0.5, answer), std::chrono::seconds(kMaxRetryAfterSeconds)) << asked;
    }
    answer.retry_after_seconds = 2;
    EXPECT_EQ(retry_wait(milliseconds(500), 1, 0.5, answer), milliseconds(2000));
    answer.retry_after_seconds = -1;  // none
    answer = classify_response(400, R"({"error":{"code":131056}})", {});  // Meta's pair rate limit
    EXPECT_EQ(retry_wait(milliseconds(500), 1, 0.5, answer), milliseconds(6000)) << "the pair rate's spacing";
}

TEST(RetryWait, ARateOfZeroOrLessIsHeldToOneAnHour) {
    for (const double rate : {0.0, -5.0, std::nan(""), 1e-300}) {
        const RateLimiter limiter(rate);
        EXPECT_GE(limiter.spacing(), std::chrono::hours(1)) << rate;  // with the window's margin
        EXPECT_LT(limiter.spacing(), std::chrono::minutes(62)) << rate;
    }
}

// Retry-After through the transport, one retry allowed: whether the call retried, and when.
struct RetryAfterCase {
    std::string header;
    bool retried_in_call;
    double least_gap_seconds;  // between the two requests
    long recorded;  // retry_after_seconds, when it was left to a later run
};

TEST_F(Engine, RetryAfterInEveryFormIsHonouredOrLeftToALaterRun) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    // An HTTP-date 2 s ahead when the case runs: a wait of 1 or 2 s, as the clock ticks.
    const auto soon = [] {
        const std::time_t at = std::time(nullptr) + 2;
        std::tm utc{};
        gmtime_r(&at, &utc);
        char text[64];
        std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        return std::string(text);
    };
    const RetryAfterCase cases[] = {
        {"99999999999999999999", false, 0, kMaxRetryAfterSeconds},
        {"1e16", false, 0, kMaxRetryAfterSeconds},
        {"-5", true, 0, 0},
        {"garbage", true, 0, 0},
        {"", true, 0, 0},
        {"0.5", true, 0.95, 0},
        {"in 2 s", true, 0.95, 0},
        {"Sun, 06 Nov 1994 08:49:37 GMT", true, 0, 0},
    };
    for (const auto& c : cases) {
        standin.control("POST", "/reset", json::object());
        standin.control("POST", "/faults",
                        json::array({{{"mode", "error"},
                                      {"code", 131000},
                                      {"http_status", 503},
                                      {"headers", {{"Retry-After", c.header == "in 2 s" ? soon() : c.header}}},
                                      {"times", 1}}}));
        const auto report = send(client, {{message(1), 2}});
        const auto requests = standin.control("GET", "/requests");
        ASSERT_EQ(requests.size(), c.retried_in_call ? 2u : 1u) << c.header;
        EXPECT_EQ(report.outcomes[0].kind, c.retried_in_call ? OutcomeKind::Sent : OutcomeKind::Transient) << c.header;
        if (c.retried_in_call) {
            EXPECT_GE(at(requests[1]) - at(requests[0]), c.least_gap_seconds) << c.header;
        }
        if (!c.retried_in_call) {
            EXPECT_EQ(report.outcomes[0].retry_after_seconds, c.recorded) << c.header;
        }
    }
}

// The header is found by its name in any case, white space around its value ignored; a header
// whose name only begins like it is another header.
TEST_F(Engine, RetryAfterIsFoundByItsNameInAnyCase) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    const std::pair<std::string, bool> headers[] = {{"retry-after", true},
                                                    {"RETRY-AFTER", true},
                                                    {"Retry-After", true},
                                                    {"Retry-After-Extra", false},
                                                    {"X-Retry-After", false}};
    for (const auto& [name, counts] : headers) {
        standin.control("POST", "/reset", json::object());
        standin.control("POST", "/faults",
                        json::array({{{"mode", "error"},
                                      {"code", 131000},
                                      {"http_status", 503},
                                      {"headers", {{name, "  99999999999999999999 "}}},
                                      {"times", 1}}}));
        const auto report = send(client, {{message(1), 2}});
        ASSERT_EQ(standin.control("GET", "/requests").size(), counts ? 1u : 2u) << name;
        EXPECT_EQ(report.outcomes[0].retry_after_seconds, counts ? kMaxRetryAfterSeconds : -1) << name;
    }
}
