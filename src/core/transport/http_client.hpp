// HTTP POSTs over libcurl's multi interface: the transport only. Requests are started by tag,
// run concurrently on kept-alive connections (HTTP/2 multiplexed where the server offers it),
// and are collected as they finish. What to send when is the delivery engine's business.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
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
    bool started = false;  // the request was handed to libcurl
    bool completed = false;  // a whole HTTP answer arrived
    long status = 0;  // HTTP status when completed
    std::string body;  // at most kMaxResponseBytes
    long retry_after_seconds = -1;  // Retry-After in seconds from the answer (0..kMaxRetryAfterSeconds), -1: none
    bool request_sent = false;  // the whole request left this machine (see classify_transport_failure)
    std::string error;  // what went wrong when !completed
    bool error_cut = false;  // libcurl's message filled its buffer: it may end mid-word
    long http_version = 0;  // CURL_HTTP_VERSION_1_1, CURL_HTTP_VERSION_2_0, ... when completed
    long new_connections = 0;  // connections opened for it (0 when it rode an existing one)
};

struct HttpClientOptions {
    std::chrono::milliseconds timeout{10000};  // per request, connect included
    int max_connections = 32;
    std::string ca_file;  // trust anchors other than the system's, e.g. a test server's certificate
};

constexpr std::size_t kMaxResponseBytes = 64 * 1024;

class HttpClient {
public:
    using OnDone = std::function<void(std::size_t tag, HttpResult&&)>;

    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    const HttpClientOptions& options() const;
    std::size_t in_flight() const;

    // Starts a request; its result comes back through poll() under the same tag. A request that
    // cannot even be handed to libcurl is reported at the next poll() as not started.
    void start(std::size_t tag, const HttpRequest& request);

    // Drives the transfers, waiting at most `wait` for one to progress, and reports each one
    // that finished.
    void poll(std::chrono::milliseconds wait, const OnDone& on_done);

    // Ends every transfer in flight at once and reports each (request_sent tells which may have
    // reached the server).
    void abandon_all(const std::string& why, const OnDone& on_done);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cart_abandon
