// The stand-in fixture of the delivery engine's tests: the real WhatsApp stand-in on 127.0.0.1,
// started once for the Engine suite (every test file of it shares this one fixture).
#pragma once

#include <gtest/gtest.h>

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/channels/whatsapp/channel.hpp"
#include "core/delivery/engine.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "core/transport/http_client.hpp"
#include "control_request.hpp"

namespace engine_test {

using namespace cart_abandon;
using nlohmann::json;

inline const char* kToken = "unit-test-token-0123456789abcdef";
inline const char* kAppSecret = "unit-test-app-secret-fedcba9876543210";
inline const char* kPhoneNumberId = "555000111";

// A stand-in server (a Python script of test/standin) on a free port of 127.0.0.1: `files` are
// written to a fresh directory first, and "{dir}" in `args` names that directory.
class StandIn {
public:
    void start() {
        start(
            std::getenv("STANDIN_SCRIPT") ? std::getenv("STANDIN_SCRIPT") : "test/standin/whatsapp_standin.py",
            {{"token", kToken}, {"secret", kAppSecret}},
            {"--token-file", "{dir}/token", "--phone-number-id", kPhoneNumberId, "--app-secret-file", "{dir}/secret"});
    }
    void start(const std::string& script_path, const std::vector<std::pair<std::string, std::string>>& files,
               std::vector<std::string> args) {
        port_.clear();  // a suite after another starts its own stand-in
        char dir_template[] = "/tmp/cart_abandon_unit.XXXXXX";
        dir_ = mkdtemp(dir_template);
        for (const auto& [name, content] : files) std::ofstream(dir_ + "/" + name) << content;
        for (auto& arg : args)
            if (arg.compare(0, 5, "{dir}") == 0) arg = dir_ + arg.substr(5);
        const std::string port_file = dir_ + "/port";
        std::vector<std::string> argv_text{"python3", script_path, "--port", "0", "--port-file", port_file};
        argv_text.insert(argv_text.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_text) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            execvp("python3", argv.data());
            _exit(127);
        }
        for (int i = 0; i < 200 && port_.empty(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
            std::ifstream(dir_ + "/port") >> port_;
        }
        ASSERT_FALSE(port_.empty()) << "the stand-in did not start (" << script_path << ")";
    }
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        std::system(("rm -rf " + dir_).c_str());
    }
    std::string base() const { return "http://127.0.0.1:" + port_; }

    json control(const std::string& method, const std::string& path, const json& body = nullptr) {
        return test_support::control_request(base() + "/_control" + path, method, body);
    }

private:
    std::string dir_;
    std::string port_;
    pid_t pid_ = -1;
};

inline StandIn standin;

class Engine : public ::testing::Test {
protected:
    static void SetUpTestSuite() { standin.start(); }
    static void TearDownTestSuite() { standin.stop(); }
    void SetUp() override { standin.control("POST", "/reset", json::object()); }

    WhatsAppEndpoint endpoint(const std::string& token = kToken) const {
        return {standin.base() + "/v25.0", kPhoneNumberId, token};
    }
    static Notification message(int n) {
        return {"+49151" + std::to_string(10000000 + n),
                "cart_abandonment_first",
                "en",
                {"Anna", "cart_" + std::to_string(n), "https://shop.example/cart/recover/cart_" + std::to_string(n)}};
    }
    static std::vector<Notification> messages(int count) {
        std::vector<Notification> all;
        for (int i = 0; i < count; ++i) all.push_back(message(i));
        return all;
    }
    static bool never() { return false; }

    static std::vector<Delivery> deliveries(int count, int attempts_allowed = 1) {
        std::vector<Delivery> all;
        for (auto& m : messages(count)) all.push_back({m, attempts_allowed});
        return all;
    }
    SendReport send(HttpClient& client, const std::vector<Delivery>& batch, EngineOptions options = fast(),
                    double per_second = 10000, const std::function<bool()>& stop = never) {
        RateLimiter limiter(per_second);
        return send_deliveries(client, limiter, options, WhatsAppChannel(endpoint()), batch, stop);
    }
    static EngineOptions concurrency(int n) {
        EngineOptions options = fast();
        options.max_concurrency = n;
        return options;
    }
    RateLimiter unlimited{10000};
    static EngineOptions fast() {
        EngineOptions options;
        options.backoff_base = std::chrono::milliseconds(20);
        return options;
    }
    static double at(const json& request) { return request["at"].get<double>(); }
};

}  // namespace engine_test
