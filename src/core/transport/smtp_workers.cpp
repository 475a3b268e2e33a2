#include "core/transport/smtp_workers.hpp"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <system_error>

#include "core/error.hpp"

#include "core/transport/smtp_transfer.hpp"
#include "core/transport/transfer_basics.hpp"

namespace cart_abandon {

struct SmtpWorkers::Job {
    std::size_t tag = 0;
    HttpRequest request;
    std::atomic<bool> abandoned{false};
    HttpResult result;
};

namespace {

// libcurl's progress callback: a non-zero answer ends the transfer (CURLE_ABORTED_BY_CALLBACK).
int stop_when_abandoned(void* job_flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(job_flag)->load() ? 1 : 0;
}

}  // namespace

SmtpWorkers::SmtpWorkers(const HttpClientOptions& options, std::function<void()> wake)
    : options_(options), wake_(std::move(wake)) {}

SmtpWorkers::~SmtpWorkers() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        queued_.clear();
        for (auto& job : running_) job->abandoned = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
}

void SmtpWorkers::submit(std::size_t tag, const HttpRequest& request) {
    auto job = std::make_shared<Job>();
    job->tag = tag;
    job->request = request;
    std::lock_guard<std::mutex> lock(mutex_);
    queued_.push_back(std::move(job));
    // A worker that was woken may not have taken its job yet: count the queue against the idle.
    if (queued_.size() <= idle_ || threads_.size() >= std::size_t(std::max(options_.max_connections, 1))) {
        work_ready_.notify_one();
        return;
    }
    // The host process's signals (a PostgreSQL backend's) are never handled on a worker.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    try {
        threads_.emplace_back([this] { work(); });
        ++idle_;  // the new worker, until it takes a job
    } catch (const std::system_error&) {
        if (threads_.empty()) {
            queued_.pop_back();
            pthread_sigmask(SIG_SETMASK, &previous, nullptr);
            throw Error(ErrorKind::Internal, "no thread could be started to send mail");
        }
        work_ready_.notify_one();  // the workers there are will take it
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

std::size_t SmtpWorkers::in_flight() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queued_.size() + running_.size() + finished_.size();
}

SmtpWorkers::Finished SmtpWorkers::take_finished() {
    Finished out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& job : finished_) out.emplace_back(job->tag, std::move(job->result));
    finished_.clear();
    return out;
}

SmtpWorkers::Finished SmtpWorkers::abandon_all(const std::string& why) {
    std::vector<std::shared_ptr<Job>> jobs;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        for (auto& job : queued_) job->result.started = true;  // handed over; never begun
        jobs.assign(queued_.begin(), queued_.end());
        queued_.clear();
        for (auto& job : running_) job->abandoned = true;
        job_done_.wait(lock, [&] { return running_.empty(); });
        jobs.insert(jobs.end(), finished_.begin(), finished_.end());
        finished_.clear();
    }
    Finished out;
    for (auto& job : jobs) {
        job->result.completed = false;
        job->result.error = why;
        job->result.error_cut = false;
        job->result.curl_code = CURLE_ABORTED_BY_CALLBACK;
        out.emplace_back(job->tag, std::move(job->result));
    }
    return out;
}

void SmtpWorkers::work() {
    CURL* easy = curl_easy_init();  // kept: its connection cache holds the worker's connection
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        work_ready_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
        if (stopping_) break;
        std::shared_ptr<Job> job = queued_.front();
        queued_.pop_front();
        running_.push_back(job);
        --idle_;
        lock.unlock();
        if (easy)
            perform(easy, options_, *job);
        else
            job->result.error = "libcurl could not create a handle";
        lock.lock();
        running_.erase(std::find(running_.begin(), running_.end(), job));
        finished_.push_back(std::move(job));
        ++idle_;  // before its result is taken: the next submission finds this worker free
        job_done_.notify_all();
        wake_();
    }
    lock.unlock();
    if (easy) curl_easy_cleanup(easy);
}

void SmtpWorkers::perform(void* handle, const HttpClientOptions& options, Job& job) {
    CURL* easy = handle;
    curl_easy_reset(easy);  // keeps the connection cache
    char error_buffer[CURL_ERROR_SIZE] = {0};
    set_basic_options(easy, options, error_buffer);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, stop_when_abandoned);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &job.abandoned);
    SmtpTransfer transfer;
    transfer.configure(easy, job.request.url, *job.request.mail);
    job.result.started = true;
    const CURLcode code = curl_easy_perform(easy);
    fill_basic_result(easy, code, error_buffer, job.result);
    transfer.finish(easy, code, job.result);
    // libcurl keeps a connection for reuse when the wait for the reply to "." failed (a timeout, an
    // abort): the next MAIL would read that late reply as its own. After any failure the
    // connection goes: shut down, libcurl finds it dead and drops it (no QUIT to wait for).
    curl_socket_t socket = CURL_SOCKET_BAD;
    if (code != CURLE_OK && curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK &&
        socket != CURL_SOCKET_BAD)
        shutdown(socket, SHUT_RDWR);
    curl_easy_reset(easy);  // lets go of the transfer's MIME parts and lists before they go
}

}  // namespace cart_abandon
