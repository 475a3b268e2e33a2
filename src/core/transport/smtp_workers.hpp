// HttpClient's SMTP submissions, each on a worker thread of its own. libcurl (7.88 and before)
// waits for the reply to a message's final "." in the transfer's DONE phase, blocking: on the
// multi handle one slow reply would hold every other transfer, and submissions would go one at a
// time. A worker owns an easy handle, whose connection cache keeps its SMTP connection open from
// one submission to the next; there are at most max_connections workers, started as needed.
#pragma once

#include "core/no_postgres.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/transport/http_client.hpp"

namespace cart_abandon {

class SmtpWorkers {
public:
    using Finished = std::vector<std::pair<std::size_t, HttpResult>>;

    // `wake` is called on a worker's thread whenever a result is ready (HttpClient wakes its poll).
    SmtpWorkers(const HttpClientOptions& options, std::function<void()> wake);
    ~SmtpWorkers();  // abandons what runs and joins the threads
    SmtpWorkers(const SmtpWorkers&) = delete;
    SmtpWorkers& operator=(const SmtpWorkers&) = delete;

    // Queues a submission (request.mail set, and mail_submission_problem() found none).
    void submit(std::size_t tag, const HttpRequest& request);
    // Submitted and not yet taken back.
    std::size_t in_flight() const;
    // The results ready now.
    Finished take_finished();
    // Stops every submission and returns them all, each with `why` as its error and not completed;
    // request_sent says how far it got. Those running stop at libcurl's next progress check, which
    // a wait for a reply makes at least once a second: this waits for them.
    Finished abandon_all(const std::string& why);

private:
    struct Job;
    void work();
    static void perform(void* easy, const HttpClientOptions& options, Job& job);

    const HttpClientOptions options_;
    const std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable job_done_;
    std::deque<std::shared_ptr<Job>> queued_;
    std::vector<std::shared_ptr<Job>> running_;
    std::vector<std::shared_ptr<Job>> finished_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;  // workers without a job (waiting, or about to)
    bool stopping_ = false;
};

}  // namespace cart_abandon
