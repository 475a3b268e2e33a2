// Many submissions through one HttpClient: each message arrives once, connections are reused
// from one submission to the next, and submissions run side by side. The throughput figure is a
// disabled test (--gtest_also_run_disabled_tests), a measure rather than a check.
#include "smtp_sink.hpp"

#include <iostream>
#include <map>

namespace smtp_test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<HttpRequest> mails(int count) {
    std::vector<HttpRequest> all;
    for (int i = 0; i < count; ++i) all.push_back(Smtp::mail(i));
    return all;
}

TEST_F(Smtp, FiftyMessagesArriveOnceOnReusedConnections) {
    HttpClient client(options());
    const std::vector<HttpResult> results = run(client, mails(50), 8);
    long opened = 0;
    for (const auto& result : results) {
        EXPECT_EQ(result.status, 250) << result.error;
        opened += result.new_connections;
    }
    std::map<std::string, int> arrived;  // Message-ID -> times
    std::map<int, int> per_connection;
    for (const auto& message : plain_sink.messages()) {
        for (const auto& header : message["headers"])
            if (header[0] == "Message-ID") ++arrived[header[1].get<std::string>()];
        ++per_connection[message["connection"].get<int>()];
    }
    ASSERT_EQ(arrived.size(), 50u);
    for (const auto& [id, times] : arrived) EXPECT_EQ(times, 1) << id;
    const int connections = plain_sink.state()["connections"];
    EXPECT_EQ(opened, connections);
    EXPECT_LE(connections, 8);
    EXPECT_LT(per_connection.size(), 50u);
    std::cout << "[          ] 50 messages on " << connections << " connections\n";
}

TEST_F(Smtp, TlsConnectionsAreReusedToo) {
    HttpClient client(options());
    std::vector<HttpRequest> requests;
    for (int i = 0; i < 6; ++i) requests.push_back(tls_mail(i));
    long opened = 0;
    for (const auto& result : run(client, requests, 1)) {
        EXPECT_EQ(result.status, 250) << result.error;
        opened += result.new_connections;
    }
    EXPECT_EQ(opened, 1);
    EXPECT_EQ(tls_sink.state()["connections"], 1);
    EXPECT_EQ(tls_sink.state()["auth_successes"], 1);  // AUTH once per connection
    EXPECT_EQ(tls_sink.messages().size(), 6u);
}

TEST_F(Smtp, SlowAnswersOverlap) {
    // Each message's "." is answered 300 ms late: 8 side by side take about 300 ms, not 8 x 300.
    plain_sink.control("POST", "/delay", {{"ms", 300}});
    HttpClient client(options());
    const auto start = Clock::now();
    for (const auto& result : run(client, mails(8), 8)) EXPECT_EQ(result.status, 250) << result.error;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    EXPECT_LT(elapsed.count(), 1500) << "the answers were waited for one after another";
}

// Sends 2,000 messages at concurrency 32 and prints the rate.
void measure(const Sink& sink, const std::function<HttpRequest(int)>& make, const char* what) {
    constexpr int kMessages = 2000;
    constexpr int kConcurrency = 32;
    HttpClient client(Smtp::options());
    std::vector<HttpRequest> requests;
    for (int i = 0; i < kMessages; ++i) requests.push_back(make(i));
    const auto start = Clock::now();
    const std::vector<HttpResult> results = Smtp::run(client, requests, kConcurrency);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    int accepted = 0;
    for (const auto& result : results) accepted += result.status == 250;
    EXPECT_EQ(accepted, kMessages);
    EXPECT_EQ(sink.state()["messages"], kMessages);
    std::cout << "[          ] " << what << ": " << kMessages << " messages at concurrency " << kConcurrency << " in "
              << seconds << " s: " << kMessages / seconds << " messages/s on " << sink.state()["connections"]
              << " connections\n";
}

TEST_F(Smtp, DISABLED_Throughput) {
    measure(
        plain_sink, [](int i) { return mail(i); }, "plain SMTP");
}

TEST_F(Smtp, DISABLED_ThroughputStartTlsAuth) {
    measure(
        tls_sink, [](int i) { return tls_mail(i); }, "STARTTLS and AUTH");
}

}  // namespace
}  // namespace smtp_test
