// The delivery engine drives a channel it knows only through core/delivery/channel.hpp: a fake
// channel (its provider: the stand-in's 404 for any path, its answers scripted per recipient)
// goes through concurrency, pacing, retries, throttles, pauses and probes end to end, with no
// WhatsApp code involved.
#include <chrono>
#include <map>
#include <mutex>

#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

// A channel whose provider is the stand-in's "unknown path" answer, which quotes the path: the
// recipient is read back from it, and the scripted answers for that recipient are given in turn
// (the last one repeats; none: accepted).
class ScriptedChannel final : public Channel {
public:
    explicit ScriptedChannel(std::string base) : base_(std::move(base)) {}

    std::map<std::string, std::vector<DeliveryOutcome>> script;

    const char* display_name() const override { return "Scripted"; }
    ChannelKind kind() const override { return ChannelKind::Email; }  // any but WhatsApp: the engine reads none
    HttpRequest request(const Notification& n) const override {
        std::lock_guard<std::mutex> lock(mutex_);
        ++started_;
        if (!accepted_)
            most_in_flight_before_acceptance_ = std::max(most_in_flight_before_acceptance_, started_ - answered_total_);
        return {base_ + "/scripted/" + n.to, n.template_name, {"X-Scripted: yes"}};
    }
    DeliveryOutcome classify(const HttpResult& result) const override {
        DeliveryOutcome o;
        if (!result.completed) {
            o.kind = result.request_sent ? OutcomeKind::Unknown : OutcomeKind::Transient;
            o.error_text = "no answer: " + result.error;
            return o;
        }
        const auto at = result.body.find("/scripted/");
        const std::string to = result.body.substr(at + 10, result.body.find('"', at) - at - 10);
        std::lock_guard<std::mutex> lock(mutex_);
        ++answered_total_;
        const int turn = answered_[to]++;
        const auto it = script.find(to);
        if (it != script.end() && !it->second.empty())
            o = it->second[std::min<std::size_t>(std::size_t(turn), it->second.size() - 1)];
        else {
            o.kind = OutcomeKind::Sent;
            o.provider_message_id = "scripted." + to;
        }
        if (o.kind == OutcomeKind::Sent) accepted_ = true;
        return o;
    }
    const Secrets& secrets() const override { return secrets_; }
    std::string pause_reason(long code, const std::string&, bool) const override {
        return "paused by " + std::to_string(code);
    }
    std::string pause_advice(long, long) const override { return ""; }
    int most_in_flight_before_acceptance() const { return most_in_flight_before_acceptance_; }
    int answered(const std::string& to) const {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = answered_.find(to);
        return it == answered_.end() ? 0 : it->second;
    }

private:
    std::string base_;
    Secrets secrets_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, int> answered_;
    mutable int started_ = 0, answered_total_ = 0, most_in_flight_before_acceptance_ = 0;
    mutable bool accepted_ = false;
};

DeliveryOutcome scripted(OutcomeKind kind, long code = 0) {
    DeliveryOutcome o;
    o.kind = kind;
    o.error_code = code;
    o.error_text = "scripted " + std::string(outcome_kind_name(kind));
    if (kind == OutcomeKind::Sent) o.provider_message_id = "scripted.sent";
    return o;
}

std::vector<Delivery> to(const std::vector<std::string>& people, int attempts_allowed = 1) {
    std::vector<Delivery> all;
    for (const auto& p : people) all.push_back({{p, "reminder", "en", {"a"}}, attempts_allowed, p});
    return all;
}

std::vector<std::string> people(int count) {
    std::vector<std::string> all;
    for (int i = 0; i < count; ++i) all.push_back("p" + std::to_string(i));
    return all;
}

class FakeChannel : public Engine {};

}  // namespace

TEST_F(FakeChannel, EveryDeliveryGetsItsOwnAnswerUnderConcurrency) {
    ScriptedChannel channel(standin.base());
    HttpClient client({std::chrono::milliseconds(5000), 8});
    const auto report = send_deliveries(client, unlimited, concurrency(8), channel, to(people(24)), never);
    ASSERT_EQ(report.outcomes.size(), 24u);
    for (int i = 0; i < 24; ++i) {
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << i;
        EXPECT_EQ(report.outcomes[i].provider_message_id, "scripted.p" + std::to_string(i)) << i;
        EXPECT_EQ(report.outcomes[i].attempts, 1) << i;
    }
    EXPECT_FALSE(report.channel_halted);
}

TEST_F(FakeChannel, ATransientAnswerIsRetriedWithinTheAttemptsAllowed) {
    ScriptedChannel channel(standin.base());
    channel.script["twice"] = {scripted(OutcomeKind::Transient), scripted(OutcomeKind::Transient),
                               scripted(OutcomeKind::Sent)};
    channel.script["never"] = {scripted(OutcomeKind::Transient)};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    const auto report = send_deliveries(client, unlimited, fast(), channel, to({"twice", "never"}, 3), never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[0].attempts, 3);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Transient);
    EXPECT_EQ(report.outcomes[1].attempts, 3);
    EXPECT_EQ(channel.answered("never"), 3);
}

TEST_F(FakeChannel, AnAccountThrottleSpendsNoAttemptAndHoldsEveryone) {
    ScriptedChannel channel(standin.base());
    auto throttle = scripted(OutcomeKind::Transient, 42);
    throttle.account_throttled = true;
    channel.script["a"] = {throttle, scripted(OutcomeKind::Sent)};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    RateLimiter limiter(10000);
    const auto report = send_deliveries(client, limiter, concurrency(1), channel, to({"a", "b"}, 1), never);
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[0].attempts, 2);
    EXPECT_EQ(report.outcomes[0].throttled, 1);
    EXPECT_EQ(attempts_spent(report.outcomes[0], false), 1);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Sent);
}

TEST_F(FakeChannel, AChannelFatalAnswerStopsEveryFurtherStart) {
    ScriptedChannel channel(standin.base());
    channel.script["p2"] = {scripted(OutcomeKind::ChannelFatal, 7)};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    const auto report = send_deliveries(client, unlimited, concurrency(1), channel, to(people(6)), never);
    EXPECT_TRUE(report.channel_halted);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[2].kind, OutcomeKind::ChannelFatal);
    for (int i = 3; i < 6; ++i) {
        EXPECT_FALSE(report.outcomes[i].attempted) << i;
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Transient) << i;  // the channel's own words for "not sent"
        EXPECT_EQ(channel.answered("p" + std::to_string(i)), 0) << i;
    }
}

TEST_F(FakeChannel, TheSameAmbiguousCodeForEveryRequestPausesTheChannel) {
    ScriptedChannel channel(standin.base());
    auto bad_value = scripted(OutcomeKind::Permanent, 100);
    bad_value.ambiguous_code = true;
    for (const auto& p : people(6)) channel.script[p] = {bad_value};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    const auto report = send_deliveries(client, unlimited, concurrency(1), channel, to(people(6)), never);
    EXPECT_TRUE(report.channel_halted);
    for (int i = 0; i < kAlikeAnswers; ++i) {
        EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::ChannelFatal) << i;
        EXPECT_EQ(report.outcomes[i].error_text.rfind("every request answered alike", 0), 0u) << i;
    }
    EXPECT_FALSE(report.outcomes[5].attempted);
    // The same code, not marked ambiguous by the channel, is each cart's own.
    ScriptedChannel own(standin.base());
    for (const auto& p : people(6)) own.script[p] = {scripted(OutcomeKind::Permanent, 100)};
    const auto each = send_deliveries(client, unlimited, concurrency(1), own, to(people(6)), never);
    EXPECT_FALSE(each.channel_halted);
    for (const auto& o : each.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Permanent);
}

TEST_F(FakeChannel, AProbeGoesAloneUntilOneIsAccepted) {
    ScriptedChannel channel(standin.base());
    channel.script["p0"] = {scripted(OutcomeKind::Transient)};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    EngineOptions probing = concurrency(8);
    probing.probe_first = true;
    const auto report = send_deliveries(client, unlimited, probing, channel, to(people(5)), never);
    EXPECT_TRUE(report.probe_accepted);
    for (int i = 1; i < 5; ++i) EXPECT_EQ(report.outcomes[i].kind, OutcomeKind::Sent) << i;
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Transient);
    EXPECT_EQ(channel.most_in_flight_before_acceptance(), 1) << "one request at a time until one is accepted";
    // Without a pause to probe, the same batch goes eight at a time.
    ScriptedChannel open(standin.base());
    open.script["p0"] = {scripted(OutcomeKind::Transient)};
    open.script["p1"] = {scripted(OutcomeKind::Transient)};
    standin.control("POST", "/delay", {{"ms", 100}});
    send_deliveries(client, unlimited, concurrency(8), open, to(people(5)), never);
    EXPECT_GT(open.most_in_flight_before_acceptance(), 1);
}

TEST_F(FakeChannel, StartsArePacedByTheLimiter) {
    ScriptedChannel channel(standin.base());
    HttpClient client({std::chrono::milliseconds(5000), 8});
    RateLimiter limiter(20);  // 50 ms apart
    const auto started = std::chrono::steady_clock::now();
    const auto report = send_deliveries(client, limiter, concurrency(8), channel, to(people(6)), never);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    for (const auto& o : report.outcomes) EXPECT_EQ(o.kind, OutcomeKind::Sent);
    EXPECT_GE(elapsed, std::chrono::milliseconds(5 * 50 - 10)) << "six starts at 20/s take 250 ms at least";
}

TEST_F(FakeChannel, ARecipientsSpacingHoldsItsRetry) {
    ScriptedChannel channel(standin.base());
    auto pair_limit = scripted(OutcomeKind::Transient, 9);
    pair_limit.recipient_spacing = std::chrono::milliseconds(400);
    channel.script["a"] = {pair_limit, scripted(OutcomeKind::Sent)};
    HttpClient client({std::chrono::milliseconds(5000), 8});
    EngineOptions quick = fast();
    quick.backoff_base = std::chrono::milliseconds(1);
    const auto started = std::chrono::steady_clock::now();
    const auto report = send_deliveries(client, unlimited, quick, channel, to({"a", "b"}, 2), never);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(report.outcomes[0].kind, OutcomeKind::Sent);
    EXPECT_EQ(report.outcomes[1].kind, OutcomeKind::Sent);
    EXPECT_GE(elapsed, std::chrono::milliseconds(400))
        << "the retry waited the recipient's spacing, not the 1 ms backoff";
}
