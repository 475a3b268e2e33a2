// HTTP POSTs over libcurl's multi interface, and SMTP submissions on worker threads beside it
// (smtp_workers.hpp says why): the transport only. Requests are started by tag, run concurrently
// on kept-alive connections (HTTP/2 multiplexed where the server offers it; an SMTP connection
// serves one submission after another), and are collected as they finish. What to send when is
// the delivery engine's business.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/transport/mail_submission.hpp"

namespace cart_abandon {

struct HttpRequest {
    std::string url;
    std::string body;
    std::vector<std::string> headers;  // "Name: value"; may hold credentials, so never logged
    // Set: an SMTP submission to `url` (smtps:// or smtp://); `body` and `headers` are not used.
    std::optional<MailSubmission> mail;
    // Set by a channel that could not build the request (why, without a secret): the transport
    // starts nothing and reports it refused, with this as its error.
    std::string unsendable;
};

// A mail submission's result reads: completed when the transaction ended on the server's word (250
// to the final ".", or a 4xx/5xx reply at any step, AUTH and STARTTLS included), status that
// reply's code (else the last code received, 0 for none), reply its text; request_sent once the
// whole message may have reached the server (after its "." even without a reply; never when it was
// refused before the message went out); error libcurl's words whenever curl_code is not 0;
// mail_message_id the Message-ID the message was submitted with.
struct HttpResult {
    bool started = false;  // the request was handed to libcurl
    // Not started because it cannot be sent as it is (HttpRequest::unsendable, or a mail that
    // mail_submission_problem() refuses): sending it again would be refused alike. `error` says why.
    bool refused = false;
    bool completed = false;  // a whole HTTP answer arrived (SMTP: above)
    long status = 0;  // HTTP status when completed (SMTP: the reply code, above)
    std::string reply;  // SMTP: the reply that gave `status`, lines joined by "\n" (at most kMaxReplyBytes)
    int curl_code = 0;  // libcurl's CURLcode (0: CURLE_OK), to tell failures apart (CURLE_LOGIN_DENIED, ...)
    std::string body;  // at most kMaxResponseBytes
    long retry_after_seconds = -1;  // Retry-After in seconds from the answer (0..kMaxRetryAfterSeconds), -1: none
    bool request_sent = false;  // the whole request left this machine (see classify_transport_failure)
    std::string error;  // what went wrong when !completed
    bool error_cut = false;  // libcurl's message filled its buffer: it may end mid-word
    long http_version = 0;  // CURL_HTTP_VERSION_1_1, CURL_HTTP_VERSION_2_0, ... when completed
    long new_connections = 0;  // connections opened for it (0 when it rode an existing one)
    // Mail: the value of the message's Message-ID header as submitted ("<...@...>"), "" when it
    // has none or was not started. The server's reply does not carry it, so the transport says it.
    std::string mail_message_id;
};

struct HttpClientOptions {
    std::chrono::milliseconds timeout{10000};  // per request (a whole mail submission), connect included
    // Mail: at most this many submissions at once, each on a worker thread with its own connection.
    int max_connections = 32;
    std::string ca_file;  // trust anchors other than the system's, e.g. a test server's certificate
};

constexpr std::size_t kMaxResponseBytes = 64 * 1024;
constexpr std::size_t kMaxReplyBytes = 4 * 1024;

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
    // cannot even be handed to libcurl is reported at the next poll() as not started, and one that
    // cannot be sent as it is (HttpResult::refused) as refused too.
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
