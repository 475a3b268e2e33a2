// The SMTP tests' fixture: test/standin/smtp_sink.py on 127.0.0.1, twice (a plain sink; one with
// STARTTLS, smtps and AUTH under a throw-away self-signed certificate), started once for the suite.
// The sink needs aiosmtpd under /usr/bin/python3 (Debian's python3-aiosmtpd) and the certificate
// the openssl command: without either, every test of the suite is skipped and says why.
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
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/transport/http_client.hpp"
#include "control_request.hpp"

namespace smtp_test {

using namespace cart_abandon;
using nlohmann::json;

inline const char* kPython = "/usr/bin/python3";
inline const char* kUser = "shop@sink.test";
inline const char* kPassword = "unit-test-smtp-password-5f3a9c";

class Sink {
public:
    // Starts the sink with `extra` arguments; false (and why) when it did not come up.
    bool start(const std::string& dir, const std::string& name, const std::vector<std::string>& extra,
               std::string& why) {
        const char* script = std::getenv("SMTP_SINK_SCRIPT");
        const std::string script_path = script ? script : "test/standin/smtp_sink.py";
        const std::string port_file = dir + "/" + name + ".ports";
        std::vector<std::string> args{kPython, script_path, "--port-file", port_file};
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = fork();
        if (pid_ == 0) {
            std::vector<char*> argv;
            for (auto& arg : args) argv.push_back(arg.data());
            argv.push_back(nullptr);
            execv(kPython, argv.data());
            _exit(127);
        }
        for (int i = 0; i < 400; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
            std::ifstream in(port_file);
            std::stringstream text;
            text << in.rdbuf();
            if (text.str().empty()) continue;
            const json ports = json::parse(text.str());
            smtp_ = ports["smtp"].get<int>();
            smtps_ = ports["smtps"].is_null() ? 0 : ports["smtps"].get<int>();
            control_ = ports["control"].get<int>();
            return true;
        }
        why = "the SMTP sink did not start (" + script_path + ")";
        return false;
    }
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }
    std::string url(bool implicit_tls = false) const {
        return implicit_tls ? "smtps://127.0.0.1:" + std::to_string(smtps_)
                            : "smtp://127.0.0.1:" + std::to_string(smtp_);
    }

    json control(const std::string& method, const std::string& path, const json& body = nullptr) const {
        return test_support::control_request("http://127.0.0.1:" + std::to_string(control_) + "/_control" + path,
                                             method, body);
    }
    json messages() const { return control("GET", "/messages"); }
    json state() const { return control("GET", "/state"); }
    void faults(const json& rules) const { control("POST", "/faults", rules); }

private:
    pid_t pid_ = -1;
    int smtp_ = 0, smtps_ = 0, control_ = 0;
};

inline Sink plain_sink, tls_sink;
inline std::string skip_reason;
inline std::string work_dir;

inline std::string ca_file() { return work_dir + "/cert.pem"; }

class Smtp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        skip_reason.clear();
        if (std::system((std::string(kPython) + " -c 'import aiosmtpd' >/dev/null 2>&1").c_str()) != 0) {
            skip_reason = std::string(kPython) + " cannot import aiosmtpd (Debian: apt-get install python3-aiosmtpd)";
            return;
        }
        char dir_template[] = "/tmp/cart_abandon_smtp.XXXXXX";
        work_dir = mkdtemp(dir_template);
        // A throw-away certificate for 127.0.0.1, which the client trusts through ca_file only.
        const std::string make_cert =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
            "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
            work_dir + "/key.pem -out " + work_dir + "/cert.pem >/dev/null 2>&1";
        if (std::system(make_cert.c_str()) != 0) {
            skip_reason = "the openssl command could not make a test certificate";
            return;
        }
        std::ofstream(work_dir + "/auth") << kUser << "\n" << kPassword << "\n";
        if (!plain_sink.start(work_dir, "plain", {}, skip_reason)) return;
        tls_sink.start(work_dir, "tls",
                       {"--tls-cert", work_dir + "/cert.pem", "--tls-key", work_dir + "/key.pem", "--smtps-port", "0",
                        "--auth-file", work_dir + "/auth"},
                       skip_reason);
    }
    static void TearDownTestSuite() {
        plain_sink.stop();
        tls_sink.stop();
        if (!work_dir.empty()) std::system(("rm -rf " + work_dir).c_str());
        work_dir.clear();
    }
    void SetUp() override {
        if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;
        plain_sink.control("POST", "/reset", json::object());
        tls_sink.control("POST", "/reset", json::object());
    }

public:  // for helpers outside the tests' bodies too
    // A message to the plain sink (allow_plaintext), numbered n.
    static HttpRequest mail(int n, const std::string& url = plain_sink.url()) {
        HttpRequest request;
        request.url = url;
        MailSubmission submission;
        submission.mail_from = "bounces@shop.test";
        submission.recipients = {"anna" + std::to_string(n) + "@example.test"};
        submission.allow_plaintext = true;
        submission.message.headers = {"From: Shop <shop@shop.test>", "To: anna" + std::to_string(n) + "@example.test",
                                      "Subject: Your cart " + std::to_string(n),
                                      "Message-ID: <cart-" + std::to_string(n) + "@shop.test>"};
        submission.message.text = "Hello " + std::to_string(n) + "\r\n";
        submission.message.html = "<p>Hello " + std::to_string(n) + "</p>\r\n";
        request.mail = submission;
        return request;
    }
    // The same to the TLS sink, with its credentials.
    static HttpRequest tls_mail(int n, bool implicit_tls = false, const std::string& password = kPassword) {
        HttpRequest request = mail(n, tls_sink.url(implicit_tls));
        request.mail->allow_plaintext = false;
        request.mail->username = kUser;
        request.mail->password = password;
        return request;
    }

    // Runs `requests` with at most `concurrency` in flight; the results in the requests' order.
    static std::vector<HttpResult> run(HttpClient& client, const std::vector<HttpRequest>& requests,
                                       std::size_t concurrency = 1) {
        std::vector<HttpResult> results(requests.size());
        std::size_t next = 0, done = 0;
        while (done < requests.size()) {
            while (next < requests.size() && client.in_flight() < concurrency) {
                client.start(next, requests[next]);
                ++next;
            }
            client.poll(std::chrono::milliseconds(100), [&](std::size_t tag, HttpResult&& result) {
                results[tag] = std::move(result);
                ++done;
            });
        }
        return results;
    }
    static HttpResult run_one(HttpClient& client, const HttpRequest& request) { return run(client, {request})[0]; }

    static HttpClientOptions options(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
        HttpClientOptions options;
        options.timeout = timeout;
        options.ca_file = ca_file();
        return options;
    }
};

// No field of a result carries the password.
inline void expect_no_password(const HttpResult& result) {
    for (const std::string* text : {&result.reply, &result.error, &result.body})
        EXPECT_EQ(text->find(kPassword), std::string::npos) << *text;
}

}  // namespace smtp_test
