// HTTP POSTs over libcurl's multi interface: several requests in flight, connections kept alive
// across requests and calls, and a stop check between waits so the server can cancel a call.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cart_abandon {

struct HttpRequest {
    std::string url;
    std::string body;
    std::vector<std::string> headers;  // "Name: value"; may hold credentials, so never logged
};

struct HttpResult {
    bool started = false;       // the request was handed to libcurl (false: halted or stopped first)
    bool completed = false;     // a whole HTTP answer arrived
    long status = 0;            // HTTP status when completed
    std::string body;           // at most kMaxResponseBytes
    bool request_sent = false;  // the whole request left this machine (see classify_transport_failure)
    std::string error;          // what went wrong when !completed
};

struct HttpClientOptions {
    std::chrono::milliseconds timeout{10000};  // per request, connect included
    int max_concurrency = 1;
};

constexpr std::size_t kMaxResponseBytes = 64 * 1024;

class HttpClient {
public:
    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends every request and calls on_done(index, result) as each finishes, in completion order.
    // When on_done returns false, no further request is started; those in flight finish, and
    // the ones never started are reported as not sent. should_stop is polled at least every
    // 100 ms; when it returns true, transfers in flight are abandoned and every unfinished
    // request is reported (request_sent tells which may have reached the server). Every request
    // is reported exactly once. Returns false when stopped by should_stop.
    bool post_all(const std::vector<HttpRequest>& requests,
                  const std::function<bool(std::size_t, HttpResult&&)>& on_done,
                  const std::function<bool()>& should_stop);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cart_abandon
