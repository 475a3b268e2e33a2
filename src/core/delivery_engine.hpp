// Sends a batch of template messages as fast as the limits allow and no faster: up to
// max_concurrency in flight, starts paced by the run's rate limiter, transient failures retried
// within the call with exponential backoff and jitter (honouring Retry-After), an account-level
// rate limit pausing every send, a per-recipient limit (131056) delaying only that recipient, and
// a channel-fatal answer stopping every further start while the requests in flight finish.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "rate_limiter.hpp"
#include "whatsapp.hpp"

namespace cart_abandon {

struct WhatsAppEndpoint {
    std::string api_url;
    std::string phone_number_id;
    std::string token;  // secret: only ever placed in the Authorization header
};

struct EngineOptions {
    int max_concurrency = 32;
    std::chrono::milliseconds backoff_base{500};      // first retry after 0.5-1x this, doubling
    std::chrono::milliseconds max_retry_wait{30000};  // a longer wait is left to a later run
};

struct Delivery {
    TemplateMessage message;
    int attempts_allowed = 1;  // requests this call may make for it (at least 1)
};

struct SendReport {
    std::vector<DeliveryOutcome> outcomes;  // one per delivery, same order; attempts filled in
    bool channel_halted = false;            // a channel-fatal answer stopped further sends
    bool interrupted = false;               // should_stop ended the call
};

SendReport send_deliveries(HttpClient& client, RateLimiter& limiter, const EngineOptions& options,
                           const WhatsAppEndpoint& endpoint, const std::vector<Delivery>& deliveries,
                           const std::function<bool()>& should_stop);

// The wait before retry number `retry` (1 for the first), before jitter's cut: base * 2^(retry-1).
std::chrono::milliseconds backoff_ceiling(std::chrono::milliseconds base, int retry);

}  // namespace cart_abandon
