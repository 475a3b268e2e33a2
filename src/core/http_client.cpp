#include "http_client.hpp"

#include <curl/curl.h>

#include <deque>
#include <mutex>

#include "error.hpp"

namespace cart_abandon {

namespace {

constexpr int kPollMilliseconds = 100;

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw Error(ErrorKind::Internal, "libcurl could not be initialized");
    });
}

struct Transfer {
    std::size_t index = 0;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::size_t body_size = 0;
    HttpResult result;
    char error_buffer[CURL_ERROR_SIZE] = {0};
};

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (transfer->result.body.size() + bytes > kMaxResponseBytes) return 0;  // aborts: CURLE_WRITE_ERROR
    transfer->result.body.append(data, bytes);
    return bytes;
}

}  // namespace

struct HttpClient::Impl {
    HttpClientOptions options;
    CURLM* multi = nullptr;
    // Easy handles keep their connection cache entry warm between calls: reuse them.
    std::vector<CURL*> idle_handles;

    ~Impl() {
        for (CURL* easy : idle_handles) curl_easy_cleanup(easy);
        if (multi) curl_multi_cleanup(multi);
    }

    CURL* take_handle() {
        if (!idle_handles.empty()) {
            CURL* easy = idle_handles.back();
            idle_handles.pop_back();
            curl_easy_reset(easy);
            return easy;
        }
        CURL* easy = curl_easy_init();
        if (!easy) throw Error(ErrorKind::Internal, "libcurl could not create a handle");
        return easy;
    }

    void start(Transfer& transfer, const HttpRequest& request) {
        CURL* easy = take_handle();
        transfer.easy = easy;
        transfer.result.started = true;
        transfer.body_size = request.body.size();
        for (const auto& header : request.headers) transfer.headers = curl_slist_append(transfer.headers, header.c_str());
        transfer.headers = curl_slist_append(transfer.headers, "Content-Type: application/json");
        transfer.headers = curl_slist_append(transfer.headers, "Expect:");  // no 100-continue round trip
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM inside a database backend
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(options.timeout.count()));
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(options.timeout.count()));
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error_buffer);
        curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "cart_abandon/1.0");
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        const CURLMcode added = curl_multi_add_handle(multi, easy);
        if (added != CURLM_OK) {
            finish_unsent(transfer, curl_multi_strerror(added));
        }
    }

    // Releases the handle and fills in what is known about a transfer that ended.
    void finish(Transfer& transfer, CURLcode code) {
        CURL* easy = transfer.easy;
        curl_off_t uploaded = 0;
        curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
        long request_header_bytes = 0;
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_header_bytes);
        transfer.result.request_sent = request_header_bytes > 0 && uploaded >= curl_off_t(transfer.body_size);
        if (code == CURLE_OK) {
            transfer.result.completed = true;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.result.status);
        } else {
            transfer.result.error = transfer.error_buffer[0] ? transfer.error_buffer : curl_easy_strerror(code);
        }
        release(transfer);
    }

    void finish_unsent(Transfer& transfer, const std::string& why) {
        transfer.result.started = false;
        transfer.result.request_sent = false;
        transfer.result.error = why;
        release(transfer);
    }

    void release(Transfer& transfer) {
        if (transfer.easy) {
            curl_multi_remove_handle(multi, transfer.easy);
            idle_handles.push_back(transfer.easy);
            transfer.easy = nullptr;
        }
        curl_slist_free_all(transfer.headers);
        transfer.headers = nullptr;
    }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
    global_init_once();
    impl_->options = options;
    if (impl_->options.max_concurrency < 1) impl_->options.max_concurrency = 1;
    impl_->multi = curl_multi_init();
    if (!impl_->multi) throw Error(ErrorKind::Internal, "libcurl could not create a multi handle");
    curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(impl_->options.max_concurrency));
}

HttpClient::~HttpClient() = default;

bool HttpClient::post_all(const std::vector<HttpRequest>& requests,
                          const std::function<bool(std::size_t, HttpResult&&)>& on_done,
                          const std::function<bool()>& should_stop) {
    Impl& impl = *impl_;
    std::deque<Transfer> transfers(requests.size());  // stable addresses for curl's callbacks
    std::size_t next = 0;
    std::size_t in_flight = 0;
    std::size_t finished = 0;
    bool halted = false;

    auto report = [&](Transfer& transfer) {
        ++finished;
        if (!on_done(transfer.index, std::move(transfer.result))) halted = true;
    };
    auto report_unstarted = [&](const char* why) {
        for (; next < requests.size(); ++next) {
            transfers[next].index = next;
            transfers[next].result.error = why;
            report(transfers[next]);
        }
    };

    while (finished < requests.size()) {
        if (halted && in_flight == 0) {
            report_unstarted("sending was halted");
            break;
        }
        while (!halted && next < requests.size() && in_flight < std::size_t(impl.options.max_concurrency)) {
            Transfer& transfer = transfers[next];
            transfer.index = next;
            impl.start(transfer, requests[next]);
            ++next;
            if (transfer.easy) ++in_flight;
            else report(transfer);
        }

        int running = 0;
        const CURLMcode performed = curl_multi_perform(impl.multi, &running);
        if (performed != CURLM_OK) throw Error(ErrorKind::Internal, std::string("libcurl: ") + curl_multi_strerror(performed));

        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(impl.multi, &queued)) {
            if (message->msg != CURLMSG_DONE) continue;
            Transfer* transfer = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
            const CURLcode code = message->data.result;
            impl.finish(*transfer, code);
            --in_flight;
            report(*transfer);
        }
        if (finished == requests.size()) break;

        if (should_stop && should_stop()) {
            for (std::size_t i = 0; i < next; ++i) {
                Transfer& transfer = transfers[i];
                if (!transfer.easy) continue;
                impl.finish(transfer, CURLE_ABORTED_BY_CALLBACK);
                transfer.result.error = "stopped while waiting for the answer";
                report(transfer);
            }
            report_unstarted("the call was cancelled");
            return false;
        }
        if (in_flight > 0) curl_multi_poll(impl.multi, nullptr, 0, kPollMilliseconds, nullptr);
    }
    return true;
}

}  // namespace cart_abandon
