// The run's settings: where Medusa's tables are, how big a batch is, when a stage is due, which
// channels are on, and the pacing of cart_abandon_run.
#include <chrono>
#include <climits>
#include <cstring>

#include "core/rules/stage.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

// The reminder timing's defaults are cart_abandon::Timing's.
constexpr cart_abandon::Timing kTiming{};

char* medusa_schema_value = strdup("public");
int batch_size_value = 100;
int first_delay_s = int(kTiming.first_delay.count());
int second_delay_s = int(kTiming.second_delay.count());
int max_age_s = int(kTiming.max_age.count());
int max_attempts_value = kTiming.max_attempts;
bool enable_whatsapp_value = true;
bool enable_email_value = false;
int batch_pause_ms = 20;
int claim_timeout_s = 3600;
int full_scan_interval_s = 86400;
int reconcile_after_s = 900;

// cart_abandon reads and writes the tables of this schema: only a superuser may name it, and
// never a temporary schema (pg_temp is whichever session's own; each session can create there)
// nor a system one. Statements over the tables run as their owner in any case (src/pg/base/spi.cpp).
bool check_medusa_schema(char** newval, void** extra, GucSource source) {
    if (!settings::check_not_empty(newval, extra, source)) return false;
    const char* value = *newval;
    if (strncmp(value, "pg_", 3) == 0 || strcmp(value, "information_schema") == 0) {
        GUC_check_errdetail("Medusa's tables are never in a temporary or system schema (pg_temp, pg_catalog, ...).");
        return false;
    }
    return true;
}

}  // namespace

void define_run_settings() {
    using namespace settings;
    // Superuser-only: whoever names the schema chooses what cart_abandon reads and whom it messages.
    define_string("cart_abandon.medusa_schema", "Schema that holds Medusa's cart and customer tables.",
                  &medusa_schema_value, PGC_SUSET, 0, check_medusa_schema);
    define_int("cart_abandon.batch_size", "Carts per batch of cart_abandon_run.", nullptr, &batch_size_value, 1,
               cart_abandon::kMaxBatchSize);
    define_seconds("cart_abandon.first_delay", "Idle time after which the first reminder is due.", &first_delay_s);
    define_seconds("cart_abandon.second_delay", "Idle time after which the second reminder is due.", &second_delay_s);
    define_seconds("cart_abandon.max_age", "Carts idle longer than this are never reminded.", &max_age_s);
    define_bool("cart_abandon.enable_whatsapp", "Send reminders over WhatsApp.", &enable_whatsapp_value);
    define_bool("cart_abandon.enable_email", "Send reminders by email (not available yet).", &enable_email_value);
    define_int("cart_abandon.reconcile_after",
               "Obsolete since 1.6, no effect: silence is no proof that Meta did not accept a "
               "message, so an unknown reminder is never due again on a timer.",
               "Kept so that configurations that set it still load.", &reconcile_after_s, 60, INT_MAX, PGC_USERSET,
               GUC_UNIT_S);
    define_int("cart_abandon.batch_pause",
               "Pause between a batch's answers and the next batch's first request in cart_abandon_run.", nullptr,
               &batch_pause_ms, 0, 60000, PGC_USERSET, GUC_UNIT_MS);
    define_int("cart_abandon.max_attempts", "Attempts per reminder before it is closed as failed.", nullptr,
               &max_attempts_value, 1, 100);
    define_int("cart_abandon.claim_timeout",
               "A claim older than this with no outcome is marked unknown (never resent).", nullptr, &claim_timeout_s,
               60, INT_MAX, PGC_USERSET, GUC_UNIT_S);
    define_int("cart_abandon.full_scan_interval",
               "How often cart_abandon_run examines every cart active in the max-age window; "
               "the runs between only examine carts that can have come due since the last "
               "complete run. 0: every run is full.",
               nullptr, &full_scan_interval_s, 0, INT_MAX, PGC_USERSET, GUC_UNIT_S);
}

namespace settings {

void fill_run(cart_abandon::Settings& s) {
    s.batch_size = batch_size_value;
    s.timing.first_delay = std::chrono::seconds(first_delay_s);
    s.timing.second_delay = std::chrono::seconds(second_delay_s);
    s.timing.max_age = std::chrono::seconds(max_age_s);
    s.timing.max_attempts = max_attempts_value;
    s.enable_whatsapp = enable_whatsapp_value;
    s.enable_email = enable_email_value;
}

}  // namespace settings

std::string medusa_schema() { return settings::text(medusa_schema_value); }
int max_attempts() { return max_attempts_value; }
std::chrono::milliseconds batch_pause() { return std::chrono::milliseconds(batch_pause_ms); }
std::chrono::seconds claim_timeout() { return std::chrono::seconds(claim_timeout_s); }
std::chrono::seconds full_scan_interval() { return std::chrono::seconds(full_scan_interval_s); }

}  // namespace pg
