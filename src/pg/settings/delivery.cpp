// How reminders are delivered: the time limit of a request, how many are in flight and started
// per second, in-run retries, and Meta's messaging limit.
#include <chrono>
#include <climits>

#include "core/delivery/engine.hpp"
#include "core/transport/http_client.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

// Defaults the core's types carry are theirs.
const cart_abandon::EngineOptions kEngine{};

int http_timeout_ms = int(cart_abandon::HttpClientOptions{}.timeout.count());
int max_concurrency_value = kEngine.max_concurrency;
int max_per_second_value = 70;
int attempts_per_run_value = 2;
int retry_backoff_ms = int(kEngine.backoff_base.count());
int max_retry_wait_ms = int(kEngine.max_retry_wait.count());
int messaging_limit_value = 0;

}  // namespace

void define_delivery_settings() {
    using settings::define_int;
    define_int("cart_abandon.http_timeout", "Time limit of one WhatsApp request.", nullptr, &http_timeout_ms, 100,
               300000, PGC_USERSET, GUC_UNIT_MS);
    define_int("cart_abandon.max_concurrency", "WhatsApp requests in flight at once.", nullptr, &max_concurrency_value,
               1, 1024);
    define_int("cart_abandon.max_per_second",
               "Most WhatsApp requests started per second from the sending number, by every call together "
               "(by each call alone when cart_abandon is not in shared_preload_libraries).",
               nullptr, &max_per_second_value, 1, 10000);
    define_int("cart_abandon.attempts_per_run",
               "Requests one call may make for a reminder that meets transient errors.", nullptr,
               &attempts_per_run_value, 1, 100);
    define_int("cart_abandon.retry_backoff", "Wait before the first in-run retry; doubles each time.", nullptr,
               &retry_backoff_ms, 0, 600000, PGC_USERSET, GUC_UNIT_MS);
    define_int("cart_abandon.max_retry_wait", "A retry due later than this is left to a later run.", nullptr,
               &max_retry_wait_ms, 0, 3600000, PGC_USERSET, GUC_UNIT_MS);
    define_int("cart_abandon.messaging_limit",
               "Meta's messaging limit: unique people reached per rolling 24 hours (250, 2000, 10000, "
               "100000); beyond it reminders are held. 0: not enforced.",
               nullptr, &messaging_limit_value, 0, INT_MAX);
}

namespace settings {

void fill_delivery(cart_abandon::Settings& s) {
    s.http_timeout = std::chrono::milliseconds(http_timeout_ms);
    s.messaging_limit = messaging_limit_value;
}

}  // namespace settings

cart_abandon::EngineOptions engine_options() {
    cart_abandon::EngineOptions options;
    options.max_concurrency = max_concurrency_value;
    options.backoff_base = std::chrono::milliseconds(retry_backoff_ms);
    options.max_retry_wait = std::chrono::milliseconds(max_retry_wait_ms);
    return options;
}
double max_per_second() { return max_per_second_value; }
int attempts_per_run() { return attempts_per_run_value; }

}  // namespace pg
