// The delivery engine and its curl transport against the real stand-in on 127.0.0.1, started by
// this test binary (engine_fixture.hpp): sending, pausing, probing, transport failures, HTTP/2,
// the start journal. Retries and waits: engine_waits_test.cpp.
#include <set>

#include "engine_fixture.hpp"

using namespace engine_test;

TEST_F(Engine, SendsATemplateAndKeepsTheWamid) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    const auto report = send(client, {{message(1), 1}});
    ASSERT_EQ(report.outcomes.size(), 1u);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[0].provider_message_id.rfind("wamid.", 0), 0u);
    EXPECT_EQ(report.outcomes[0].provider_recipient_id, "4915110000001");
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests[0]["auth_ok"].get<bool>());
    EXPECT_EQ(requests[0]["to"], "+4915110000001");
}

TEST_F(Engine, EveryOutcomeLandsAtItsMessageUnderConcurrency) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/delay", {{"ms", 50}});
    const auto report = send(client, deliveries(24), concurrency(8));
    ASSERT_EQ(report.outcomes.size(), 24u);
    for (int i = 0; i < 24; ++i) {
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << i;
        EXPECT_EQ(report.outcomes[i].provider_recipient_id, "49151" + std::to_string(10000000 + i)) << i;
    }
    EXPECT_EQ(standin.control("GET", "/requests").size(), 24u);
}

TEST_F(Engine, ReusesItsConnectionAcrossCalls) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    send(client, {{message(1), 1}});
    send(client, {{message(2), 1}});
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0]["client_port"], requests[1]["client_port"]) << "a new connection was opened";
}

TEST_F(Engine, AChannelFatalAnswerStopsFurtherRequests) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults",
                    json::array({{{"mode", "error"}, {"code", 190}, {"http_status", 401}, {"times", 1}}}));
    const auto report = send(client, deliveries(5), concurrency(1));
    EXPECT_TRUE(report.channel_halted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(report.outcomes[0].error_code, 190);
    for (int i = 1; i < 5; ++i) {
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Transient) << i;
        EXPECT_FALSE(report.outcomes[i].attempted) << i;
    }
    EXPECT_EQ(standin.control("GET", "/requests").size(), 1u);
}

TEST_F(Engine, ATemplateErrorPausesTheChannelAtTheFirstAnswer) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 132001}, {"http_status", 404}}}));
    const auto report = send(client, deliveries(6), concurrency(1));
    EXPECT_TRUE(report.channel_halted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
    for (int i = 1; i < 6; ++i) EXPECT_FALSE(report.outcomes[i].attempted) << i;
    EXPECT_EQ(standin.control("GET", "/requests").size(), 1u);
}

TEST_F(Engine, OneParameterErrorIsThatMessagesOwn) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 100}, {"times", 1}}}));
    const auto report = send(client, deliveries(5), concurrency(1));
    EXPECT_FALSE(report.channel_halted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Permanent);
    for (int i = 1; i < 5; ++i) EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << i;
}

TEST_F(Engine, ACodeEveryRequestGetsAlikeIsTheChannels) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131009}}}));
    const auto report = send(client, deliveries(10), concurrency(1));
    EXPECT_TRUE(report.channel_halted);
    for (int i = 0; i < kAlikeAnswers; ++i) {
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::ChannelFatal) << i << ": no cart pays for it";
        EXPECT_EQ(report.outcomes[i].error_code, 131009);
    }
    for (int i = kAlikeAnswers; i < 10; ++i) EXPECT_FALSE(report.outcomes[i].attempted) << i;
    EXPECT_EQ(standin.control("GET", "/requests").size(), std::size_t(kAlikeAnswers));
}

TEST_F(Engine, AlikeAnswersInFlightAllCountAsTheChannels) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/delay", {{"ms", 30}});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 100}}}));
    const auto report = send(client, deliveries(16), concurrency(8));
    EXPECT_TRUE(report.channel_halted);
    for (const auto& o : report.outcomes) EXPECT_NE(o.kind, OutcomeKind::Permanent) << "no cart closed for it";
}

TEST_F(Engine, TwoAlikeAnswersOfATwoMessageCallAreTheChannels) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 100}}}));
    EXPECT_TRUE(send(client, deliveries(2), concurrency(1)).channel_halted);
    EXPECT_FALSE(send(client, deliveries(1), concurrency(1)).channel_halted) << "one answer proves nothing";
}

TEST_F(Engine, AProbeSendsOneAtATimeUntilOneIsAccepted) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/delay", {{"ms", 20}});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131026}, {"times", 2}}}));
    EngineOptions options = concurrency(8);
    options.probe_first = true;
    const auto report = send(client, deliveries(12), options);
    EXPECT_TRUE(report.probe_accepted);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Permanent);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Permanent);
    for (int i = 2; i < 12; ++i) EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << i;
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 12u);
    // The first three went one after the other: each started after the previous answer.
    for (int i = 1; i < 3; ++i) EXPECT_GE(at(requests[i]) - at(requests[i - 1]), 0.019) << i;
}

TEST_F(Engine, AProbeThatMeetsTheCauseAgainCostsOneRequest) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 132015}}}));
    EngineOptions options = concurrency(8);
    options.probe_first = true;
    const auto report = send(client, deliveries(12), options);
    EXPECT_TRUE(report.channel_halted);
    EXPECT_FALSE(report.probe_accepted);
    EXPECT_EQ(standin.control("GET", "/requests").size(), 1u);
}

TEST_F(Engine, AProbeMeetingOneBadCartMovesOnToTheNext) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "error"}, {"code", 131009}, {"times", 1}}}));
    EngineOptions options = concurrency(8);
    options.probe_first = true;
    const auto report = send(client, deliveries(6), options);
    EXPECT_FALSE(report.channel_halted) << "the first cart's own bad value must not keep the channel paused";
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Permanent);
    EXPECT_TRUE(report.probe_accepted);
}

TEST_F(Engine, SendsToTheMarketingMessagesEndpoint) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    WhatsAppEndpoint marketing = endpoint();
    marketing.endpoint = "marketing_messages";
    const auto report =
        send_deliveries(client, unlimited, fast(), WhatsAppChannel(marketing), {{message(1), 1}}, never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_NE(requests[0]["path"].get<std::string>().find("/marketing_messages"), std::string::npos);
}

TEST_F(Engine, AWrongTokenIsChannelFatalAndNeverEchoed) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    const auto report = send_deliveries(client, unlimited, fast(), WhatsAppChannel(endpoint("wrong-token-value")),
                                        {{message(1), 1}}, never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
    EXPECT_EQ(report.outcomes[0].error_text.find("wrong-token-value"), std::string::npos);
}

TEST_F(Engine, AnAnswerEchoingTheTokenAcrossTheCutLeavesNoneOfIt) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    const std::string token = kToken;
    // The token from wholly before the 300-byte cut to wholly after it, as is and percent-encoded
    // (an echoed URL): the recorded text is the filler, "[redacted]" and "..." only.
    for (const std::string& echo : {token, std::string("unit%2Dtest%2dtoken-0123456789abcdef")}) {
        for (std::size_t before = 300 - echo.size() - 2; before <= 300; ++before) {
            const std::string text_echoed = std::string(before, '#') + echo + std::string(40, '#');
            const json answer = {{"error", {{"message", text_echoed}, {"code", 190}}}};
            standin.control("POST", "/faults",
                            json::array({{{"mode", "http"}, {"http_status", 401}, {"body", answer.dump()}}}));
            const auto report = send(client, {{message(1), 1}});
            std::string text = report.outcomes[0].error_text;
            ASSERT_EQ(report.outcomes[0].kind, OutcomeKind::ChannelFatal);
            if (text.size() >= 3 && text.compare(text.size() - 3, 3, "...") == 0) text.resize(text.size() - 3);
            for (auto at = text.find(kRedacted); at != std::string::npos; at = text.find(kRedacted)) text.erase(at, 10);
            const auto marker = text.find('[');  // the start of "[redacted]" at the cut
            if (marker != std::string::npos && std::string(kRedacted).rfind(text.substr(marker), 0) == 0)
                text.resize(marker);
            ASSERT_EQ(text.find_first_not_of('#'), std::string::npos)
                << before << ": " << report.outcomes[0].error_text;
        }
    }
}

TEST_F(Engine, ARefusedConnectionIsTransientAndNotSent) {
    HttpClient client({std::chrono::milliseconds(2000), 32});
    const auto report = send_deliveries(client, unlimited, fast(),
                                        WhatsAppChannel({"http://127.0.0.1:1/v21.0", kPhoneNumberId, kToken}),
                                        {{message(1), 1}}, never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Transient);
    EXPECT_TRUE(report.outcomes[0].attempted);
    EXPECT_EQ(report.outcomes[0].error_text.rfind("request not sent: ", 0), 0u) << report.outcomes[0].error_text;
}

TEST_F(Engine, NoAnswerWithinTheTimeoutIsUnknown) {
    HttpClient client({std::chrono::milliseconds(500), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "hang"}, {"seconds", 2}}}));
    const auto report = send(client, {{message(1), 1}});
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Unknown) << report.outcomes[0].error_text;
}

TEST_F(Engine, AResetConnectionAfterTheRequestIsUnknown) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/faults", json::array({{{"mode", "reset"}, {"times", 1}}}));
    const auto report = send(client, {{message(1), 1}, {message(2), 1}}, concurrency(1));
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Unknown) << report.outcomes[0].error_text;
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Sent) << "the client recovers on a new connection";
}

TEST_F(Engine, StoppingReportsEveryMessageOnce) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/delay", {{"ms", 300}});
    const auto started = std::chrono::steady_clock::now();
    auto stop_soon = [&] { return std::chrono::steady_clock::now() - started > std::chrono::milliseconds(100); };
    const auto report = send(client, deliveries(6), concurrency(2), 10000, stop_soon);
    EXPECT_TRUE(report.interrupted);
    ASSERT_EQ(report.outcomes.size(), 6u);
    int unknown = 0, unstarted = 0;
    for (const auto& o : report.outcomes) {
        if (o.kind == OutcomeKind::Unknown) ++unknown;
        if (!o.attempted) ++unstarted;
    }
    EXPECT_EQ(unknown, 2) << "the two in flight may have reached Meta";
    EXPECT_EQ(unstarted, 4) << "the rest were never sent";
}
TEST_F(Engine, KeepsManyRequestsInFlight) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    standin.control("POST", "/delay", {{"ms", 300}});
    send(client, deliveries(16), concurrency(16));
    const auto requests = standin.control("GET", "/requests");
    ASSERT_EQ(requests.size(), 16u);
    EXPECT_LT(at(requests[15]) - at(requests[0]), 0.25) << "all 16 should arrive before the first is answered";
}

// HTTP/2 where the server offers it: a local nghttpd over TLS (a certificate made for the test),
// serving Meta's success answer at the messages path.
TEST(Http2, MultiplexesConcurrentRequestsOnOneConnection) {
    char dir_template[] = "/tmp/cart_abandon_h2.XXXXXX";
    const std::string dir = mkdtemp(dir_template);
    ASSERT_EQ(std::system(("mkdir -p " + dir +
                           "/docroot/v21.0/1 && printf '%s' "
                           "'{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+1\",\"wa_id\":\"1\"}],"
                           "\"messages\":[{\"id\":\"wamid.h2\"}]}' > " +
                           dir +
                           "/docroot/v21.0/1/messages && "
                           "openssl req -x509 -newkey rsa:2048 -nodes -keyout " +
                           dir + "/key.pem -out " + dir +
                           "/cert.pem -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null")
                              .c_str()),
              0);
    const int port = 20000 + getpid() % 20000;
    const pid_t server = fork();
    if (server == 0) {
        const std::string port_text = std::to_string(port);
        execlp("nghttpd", "nghttpd", "-a", "127.0.0.1", "-d", (dir + "/docroot").c_str(), port_text.c_str(),
               (dir + "/key.pem").c_str(), (dir + "/cert.pem").c_str(), (char*)nullptr);
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    HttpClientOptions options{std::chrono::milliseconds(5000), 32};
    options.ca_file = dir + "/cert.pem";
    HttpClient client(options);
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/v21.0/1/messages";
    for (std::size_t i = 0; i < 10; ++i) client.start(i, {url, "{}", {}});
    std::vector<HttpResult> results;
    for (int polls = 0; results.size() < 10 && polls < 100; ++polls)
        client.poll(std::chrono::milliseconds(100),
                    [&](std::size_t, HttpResult&& r) { results.push_back(std::move(r)); });
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
    std::system(("rm -rf " + dir).c_str());

    ASSERT_EQ(results.size(), 10u);
    long connections = 0;
    for (const auto& r : results) {
        EXPECT_TRUE(r.completed) << r.error;
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.http_version, long(CURL_HTTP_VERSION_2_0));
        EXPECT_EQ(classify_response(r.status, r.body, {}).kind, OutcomeKind::Sent);
        connections += r.new_connections;
    }
    EXPECT_EQ(connections, 1) << "ten concurrent requests should share one multiplexed connection";
}

TEST_F(Engine, JournalsEveryRequestBeforeItStarts) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    char dir_template[] = "/tmp/cart_abandon_journal.XXXXXX";
    const std::string path = std::string(mkdtemp(dir_template)) + "/journal";
    const JournalOrigin origin{7312345678901234567ULL, 1};
    StartJournal journal(path, origin);
    journal.prepare();
    auto batch = deliveries(100);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].journal_key = std::to_string(1000 + i);
    standin.control("POST", "/delay", {{"ms", 20}});
    // Stopped while the first requests are in flight: started ones are journaled, the rest of
    // their group too, and no delivery outside the journal was attempted.
    const auto started = std::chrono::steady_clock::now();
    RateLimiter limiter(200);
    const auto report = send_deliveries(
        client, limiter, concurrency(4), WhatsAppChannel(endpoint()), batch,
        [&] { return std::chrono::steady_clock::now() - started > std::chrono::milliseconds(150); }, &journal);
    const auto keys = StartJournal::read(path, origin).keys;
    ASSERT_GE(keys.size(), kJournalGroup);
    EXPECT_LT(keys.size(), batch.size()) << "only the groups that started";
    const std::set<std::string> journaled(keys.begin(), keys.end());
    int attempted = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!report.outcomes[i].attempted) continue;
        ++attempted;
        EXPECT_TRUE(journaled.count(batch[i].journal_key)) << i << " started without being journaled";
    }
    EXPECT_GT(attempted, 0);
    EXPECT_EQ(std::size_t(attempted), standin.control("GET", "/requests").size());
    journal.clear();
    EXPECT_TRUE(StartJournal::read(path, origin).vouches()) << "cleared back to its header";
    EXPECT_TRUE(StartJournal::read(path, origin).keys.empty());
    std::system(("rm -rf " + path.substr(0, path.rfind('/'))).c_str());
}

TEST_F(Engine, AJournalThatCannotBeWrittenStartsNothing) {
    HttpClient client({std::chrono::milliseconds(5000), 32});
    StartJournal journal("/nonexistent-directory/journal", {});
    const auto report =
        send_deliveries(client, unlimited, fast(), WhatsAppChannel(endpoint()), deliveries(3), never, &journal);
    EXPECT_NE(report.journal_error.find("/nonexistent-directory/journal"), std::string::npos);
    for (const auto& o : report.outcomes) EXPECT_FALSE(o.attempted);
    EXPECT_EQ(standin.control("GET", "/requests").size(), 0u);
}
