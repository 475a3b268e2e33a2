#include "core/transport/http_client.hpp"

#include <cctype>
#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <mutex>

#include "core/error.hpp"
#include "core/transport/retry_after.hpp"
#include "core/transport/smtp_transfer.hpp"
#include "core/transport/smtp_workers.hpp"
#include "core/transport/transfer_basics.hpp"

namespace cart_abandon {

namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw Error(ErrorKind::Internal, "libcurl could not be initialized");
    });
}

struct Transfer {
    std::size_t tag = 0;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::size_t body_size = 0;
    HttpResult result;
    char error_buffer[CURL_ERROR_SIZE] = {0};
};

// Whether the request names its own Content-Type (a form, as Twilio takes): else it is JSON.
bool names_content_type(const std::vector<std::string>& headers) {
    constexpr char kName[] = "content-type:";
    for (const auto& header : headers) {
        if (header.size() < sizeof kName - 1) continue;
        bool same = true;
        for (std::size_t i = 0; same && i < sizeof kName - 1; ++i)
            same = std::tolower(static_cast<unsigned char>(header[i])) == kName[i];
        if (same) return true;
    }
    return false;
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (transfer->result.body.size() + bytes > kMaxResponseBytes) return 0;  // aborts: CURLE_WRITE_ERROR
    transfer->result.body.append(data, bytes);
    return bytes;
}

// The last Retry-After header the transfer received (libcurl keeps them per easy handle, interim
// answers and trailers included) as seconds from now, whatever its form (parse_retry_after); -1
// when there was none. Not CURLINFO_RETRY_AFTER: it reads "1.5" as 1, "1e16" as 1, a number too
// large for it as 0 and "12abc" as 12, and gives 0 for no header at all.
long retry_after_of(CURL* easy) {
    const curl_header* last = nullptr;
    for (curl_header* header = nullptr;
         (header = curl_easy_nextheader(easy, CURLH_HEADER | CURLH_TRAILER | CURLH_CONNECT | CURLH_1XX, -1, header));)
        if (curl_strequal(header->name, "Retry-After")) last = header;
    return last ? parse_retry_after(last->value, std::time(nullptr)) : -1;
}

}  // namespace

struct HttpClient::Impl {
    HttpClientOptions options;
    CURLM* multi = nullptr;
    std::map<std::size_t, std::unique_ptr<Transfer>> transfers;  // in flight, by tag
    std::vector<std::unique_ptr<Transfer>> refused;  // never started; reported at poll
    // Easy handles keep their connection cache entry warm between requests: reuse them.
    std::vector<CURL*> idle_handles;
    std::unique_ptr<SmtpWorkers> smtp;  // from the first mail submission on

    ~Impl() {
        smtp.reset();  // its workers wake the multi handle
        for (auto& [tag, transfer] : transfers) release(*transfer);
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

    void configure(Transfer& transfer, const HttpRequest& request) {
        CURL* easy = transfer.easy;
        set_basic_options(easy, options, transfer.error_buffer);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
        curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
        for (const auto& header : request.headers)
            transfer.headers = curl_slist_append(transfer.headers, header.c_str());
        if (!names_content_type(request.headers))
            transfer.headers = curl_slist_append(transfer.headers, "Content-Type: application/json");
        transfer.headers = curl_slist_append(transfer.headers, "Expect:");  // no 100-continue round trip
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));  // h2 over TLS when offered
        // Over TLS, wait for a connection that may multiplex rather than open one per request;
        // plain http is HTTP/1.1, where waiting would only serialize the starts.
        if (request.url.rfind("https://", 0) == 0) curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "cart_abandon/1.0");
    }

    // Fills in what is known about a transfer that ended, and releases its handle.
    void finish(Transfer& transfer, CURLcode code) {
        CURL* easy = transfer.easy;
        fill_basic_result(easy, code, transfer.error_buffer, transfer.result);
        curl_off_t uploaded = 0;
        curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
        long request_header_bytes = 0;
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_header_bytes);
        transfer.result.request_sent = request_header_bytes > 0 && uploaded >= curl_off_t(transfer.body_size);
        transfer.result.retry_after_seconds = retry_after_of(easy);
        if (code == CURLE_OK) {
            transfer.result.completed = true;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.result.status);
            curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &transfer.result.http_version);
        }
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
    if (impl_->options.max_connections < 1) impl_->options.max_connections = 1;
    impl_->multi = curl_multi_init();
    if (!impl_->multi) throw Error(ErrorKind::Internal, "libcurl could not create a multi handle");
    curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(impl_->options.max_connections));
    curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
}

HttpClient::~HttpClient() = default;

const HttpClientOptions& HttpClient::options() const { return impl_->options; }

std::size_t HttpClient::in_flight() const {
    return impl_->transfers.size() + impl_->refused.size() + (impl_->smtp ? impl_->smtp->in_flight() : 0);
}

void HttpClient::start(std::size_t tag, const HttpRequest& request) {
    Impl& impl = *impl_;
    auto transfer = std::make_unique<Transfer>();
    transfer->tag = tag;
    transfer->body_size = request.body.size();
    const std::string problem = request.mail ? mail_submission_problem(*request.mail) : "";
    if (!request.unsendable.empty() || !problem.empty()) {
        transfer->result.refused = true;
        transfer->result.error = problem.empty() ? request.unsendable : "the mail cannot be sent: " + problem;
        impl.refused.push_back(std::move(transfer));
        return;
    }
    if (request.mail) {
        if (!impl.smtp) {
            CURLM* multi = impl.multi;
            impl.smtp = std::make_unique<SmtpWorkers>(impl.options, [multi] { curl_multi_wakeup(multi); });
        }
        impl.smtp->submit(tag, request);
        return;
    }
    transfer->easy = impl.take_handle();
    impl.configure(*transfer, request);
    const CURLMcode added = curl_multi_add_handle(impl.multi, transfer->easy);
    if (added != CURLM_OK) {
        transfer->result.error = curl_multi_strerror(added);
        impl.release(*transfer);
        impl.refused.push_back(std::move(transfer));
        return;
    }
    transfer->result.started = true;
    impl.transfers[tag] = std::move(transfer);
}

void HttpClient::poll(std::chrono::milliseconds wait, const OnDone& on_done) {
    Impl& impl = *impl_;
    for (auto& transfer : impl.refused) on_done(transfer->tag, std::move(transfer->result));
    impl.refused.clear();

    auto perform = [&] {
        int running = 0;
        const CURLMcode performed = curl_multi_perform(impl.multi, &running);
        if (performed != CURLM_OK)
            throw Error(ErrorKind::Internal, std::string("libcurl: ") + curl_multi_strerror(performed));
        return std::size_t(running);
    };
    auto report_mail = [&] {
        if (!impl.smtp) return false;
        auto finished = impl.smtp->take_finished();
        for (auto& [tag, result] : finished) on_done(tag, std::move(result));
        return !finished.empty();
    };
    // Starts what was just added, and reads what is ready. When that finished a transfer, its
    // answer is handed over now: waiting would hold it (and the next start) for nothing.
    const std::size_t running = perform();
    const bool reported = report_mail();
    const bool waiting = !impl.transfers.empty() || (impl.smtp && impl.smtp->in_flight() > 0);
    if (running == impl.transfers.size() && !reported && waiting && wait.count() > 0) {
        // curl may still have work due before any socket is ready (a reused connection is set
        // up on a timer): never sleep past the time it asks to be called back. A mail worker's
        // result wakes the wait (curl_multi_wakeup).
        long curl_wait = -1;
        if (!impl.transfers.empty()) curl_multi_timeout(impl.multi, &curl_wait);
        const long wait_ms = curl_wait >= 0 ? std::min<long>(curl_wait, long(wait.count())) : long(wait.count());
        if (wait_ms > 0) curl_multi_poll(impl.multi, nullptr, 0, int(wait_ms), nullptr);
        perform();
        report_mail();
    }

    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(impl.multi, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        Transfer* transfer = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
        impl.finish(*transfer, message->data.result);
        auto owned = std::move(impl.transfers.at(transfer->tag));
        impl.transfers.erase(transfer->tag);
        on_done(owned->tag, std::move(owned->result));
    }
}

void HttpClient::abandon_all(const std::string& why, const OnDone& on_done) {
    Impl& impl = *impl_;
    auto transfers = std::move(impl.transfers);
    impl.transfers.clear();
    for (auto& [tag, transfer] : transfers) {
        impl.finish(*transfer, CURLE_ABORTED_BY_CALLBACK);
        transfer->result.error = why;
        transfer->result.error_cut = false;
        on_done(tag, std::move(transfer->result));
    }
    if (impl.smtp)
        for (auto& [tag, result] : impl.smtp->abandon_all(why)) on_done(tag, std::move(result));
    for (auto& transfer : impl.refused) on_done(transfer->tag, std::move(transfer->result));
    impl.refused.clear();
}

}  // namespace cart_abandon
