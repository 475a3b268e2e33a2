// Sending a claimed batch: what the core sender needs (read from PostgreSQL before it runs),
// the sender itself (pure C++, on the backend's thread or a thread of its own), and the start
// journal it keeps.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/delivery/engine.hpp"
#include "pg/batch/run_state.hpp"

namespace pg {

// Polled by the sender between waits; reading the flags does not process the interrupt.
bool cancel_requested();

// What the sender needs, read from PostgreSQL before it runs (it may run on another thread).
struct SendPlan {
    std::shared_ptr<const cart_abandon::Channel> channel;
    cart_abandon::EngineOptions options;
    std::chrono::milliseconds timeout;
    std::string journal_path;  // this backend's start journal
    cart_abandon::JournalOrigin journal_origin;
    // The sending number's next start, shared with every caller of the cluster (nullptr: the
    // library is not preloaded, the call paces itself alone).
    cart_abandon::SharedNextStart* shared_next_start = nullptr;
};

SendPlan send_plan(const RunState& state);

// Pure C++: no PostgreSQL call, so it may run on the sending thread. Every request is in the
// start journal before it starts.
cart_abandon::SendReport send_batch(RunState& state, const SendPlan& plan,
                                    const std::vector<cart_abandon::Delivery>& deliveries,
                                    const std::function<bool()>& should_stop);

// The batch's outcomes are committed: its start journal has served and goes back to its header
// (it stays, so that the next batch's claims are vouched for). A journal that cannot be cleared
// is left: the rows it names are no longer claimed, so it settles nothing wrongly.
void forget_started();

// Sends a batch on a thread of its own while the backend prepares the next one. The thread runs
// only the core sender (libcurl, no PostgreSQL call), with every signal blocked so that
// PostgreSQL's handlers run on the backend's own thread. It starts `after` from now (a cancel
// meanwhile: nothing is started). Leaving scope stops and joins it.
class BackgroundSend {
public:
    BackgroundSend(RunState& state, const SendPlan& plan, const std::vector<cart_abandon::Delivery>& deliveries,
                   std::chrono::milliseconds after = std::chrono::milliseconds(0));
    BackgroundSend(const BackgroundSend&) = delete;
    BackgroundSend& operator=(const BackgroundSend&) = delete;
    ~BackgroundSend();

    cart_abandon::SendReport join();

    // Starts no further request (those in flight finish): the call was interrupted meanwhile.
    void stop() { stop_ = true; }

private:
    std::thread thread_;
    std::atomic<bool> stop_{false};
    cart_abandon::SendReport report_;
    std::exception_ptr error_;
};

}  // namespace pg
