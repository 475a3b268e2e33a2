#include <cctype>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/phone.hpp"
#include "core/quiet_hours.hpp"

#include "pg/base/boundary.hpp"
#include "pg/settings.hpp"

// The GUC table (each setting's source), for exposed_secrets(); a C header without extern "C".
extern "C" {
#include "utils/guc_tables.h"
}

namespace pg {

namespace {

// Values live in these C variables; PostgreSQL's GUC machinery owns the strings.
char* medusa_schema_value = nullptr;
int batch_size_value = 100;
int first_delay_s = 24 * 3600;
int second_delay_s = 48 * 3600;
int max_age_s = 7 * 24 * 3600;
bool enable_whatsapp_value = true;
bool enable_email_value = false;
char* api_url_value = nullptr;
char* phone_number_id_value = nullptr;
char* token_value = nullptr;
char* token_file_value = nullptr;
bool allow_insecure_http_value = false;
int endpoint_value = 0;  // index into endpoint_options
char* app_secret_value = nullptr;
char* app_secret_file_value = nullptr;
int reconcile_after_s = 900;
// Whether the library was loaded at server start (shared_preload_libraries): only then are the
// secret settings protected in every session from the start.
bool preloaded = false;

const struct config_enum_entry endpoint_options[] = {
    {"messages", 0, false}, {"marketing_messages", 1, false}, {nullptr, 0, false}};
char* template_first_value = nullptr;
char* template_second_value = nullptr;
char* template_language_value = nullptr;
char* cart_url_value = nullptr;
char* default_region_value = nullptr;
char* default_customer_name_value = nullptr;
int http_timeout_ms = 10000;
int batch_pause_ms = 20;
int max_attempts_value = 3;
int claim_timeout_s = 3600;
int full_scan_interval_s = 86400;
int max_concurrency_value = 32;
int max_per_second_value = 70;
int attempts_per_run_value = 2;
int retry_backoff_ms = 500;
int max_retry_wait_ms = 30000;
int frequency_cap_s = 16 * 3600;
int messaging_limit_value = 0;
char* quiet_hours_value = nullptr;
bool require_consent_value = false;
char* consent_key_value = nullptr;
char* blocked_regions_value = nullptr;

std::string text(const char* value) { return value ? value : ""; }

// A secret from its file, surrounding white space trimmed. The error names the setting and the
// file, never what it holds.
std::string read_secret_file(const char* setting, const char* path) {
    std::ifstream file(path);
    std::stringstream content;
    if (file) content << file.rdbuf();
    if (!file)
        throw cart_abandon::Error(cart_abandon::ErrorKind::MissingConfiguration,
                                  std::string("could not read ") + setting + " \"" + path + "\"",
                                  "It must be readable by the database server's operating-system user.");
    std::string secret = content.str();
    const auto first = secret.find_first_not_of(" \t\r\n");
    const auto last = secret.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : secret.substr(first, last - first + 1);
}

// SHOW and pg_settings never print the token, not even to a superuser.
const char* show_token() { return token_value && token_value[0] ? "(set)" : "(not set)"; }
const char* show_app_secret() { return app_secret_value && app_secret_value[0] ? "(set)" : "(not set)"; }

// Check hooks are called by PostgreSQL: no C++ exception may leave them.
template <typename F>
bool no_exception(F&& check) {
    try {
        return check();
    } catch (...) {
        GUC_check_errdetail("The value could not be checked.");
        return false;
    }
}

bool check_region(char** newval, void**, GucSource) {
    const char* value = *newval;
    if (!value || !value[0] || no_exception([&] { return cart_abandon::is_known_region(value); })) return true;
    GUC_check_errdetail("A region is an ISO 3166 alpha-2 country code such as \"de\" or \"IN\", or empty.");
    return false;
}

bool check_region_list(char** newval, void**, GucSource) {
    std::vector<std::string> regions;
    std::string error;
    if (no_exception([&] { return cart_abandon::parse_region_list(*newval ? *newval : "", regions, error); }))
        return true;
    if (error.empty()) return false;
    GUC_check_errdetail("%s; a list of ISO 3166 alpha-2 country codes such as 'US' or 'US, BR', or ''.", error.c_str());
    return false;
}

bool check_quiet_hours(char** newval, void**, GucSource) {
    cart_abandon::QuietHours hours;
    std::string error;
    if (no_exception([&] { return cart_abandon::parse_quiet_hours(*newval ? *newval : "", hours, error); }))
        return true;
    if (error.empty()) return false;
    GUC_check_errdetail("%s", error.c_str());
    return false;
}

bool check_not_empty(char** newval, void**, GucSource) {
    if (*newval && (*newval)[0]) return true;
    GUC_check_errdetail("This setting cannot be empty.");
    return false;
}

// cart_abandon reads and writes the tables of this schema: only a superuser may name it, and
// never a temporary schema (pg_temp is whichever session's own; each session can create there)
// nor a system one. Statements over the tables run as their owner in any case (src/pg/base/spi.cpp).
bool check_medusa_schema(char** newval, void** extra, GucSource source) {
    if (!check_not_empty(newval, extra, source)) return false;
    const char* value = *newval;
    if (strncmp(value, "pg_", 3) == 0 || strcmp(value, "information_schema") == 0) {
        GUC_check_errdetail("Medusa's tables are never in a temporary or system schema (pg_temp, pg_catalog, ...).");
        return false;
    }
    return true;
}

void define_string(const char* name, const char* description, char** variable, const char* initial,
                   GucContext context, int flags = 0, GucStringCheckHook check = nullptr,
                   GucShowHook show = nullptr) {
    DefineCustomStringVariable(name, description, nullptr, variable, initial, context, flags, check, nullptr, show);
}

void define_seconds(const char* name, const char* description, int* variable, int initial) {
    DefineCustomIntVariable(name, description, "Accepts units: '24h', '7d', '90min'.", variable, initial, 1,
                            INT_MAX, PGC_USERSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
}

}  // namespace

void define_settings() {
    preloaded = process_shared_preload_libraries_in_progress;
    // Superuser-only: whoever names the schema chooses what cart_abandon reads and whom it messages.
    define_string("cart_abandon.medusa_schema", "Schema that holds Medusa's cart and customer tables.",
                  &medusa_schema_value, "public", PGC_SUSET, 0, check_medusa_schema);
    DefineCustomIntVariable("cart_abandon.batch_size", "Carts per batch of cart_abandon_run.", nullptr,
                            &batch_size_value, 100, 1, cart_abandon::kMaxBatchSize, PGC_USERSET, 0, nullptr,
                            nullptr, nullptr);
    define_seconds("cart_abandon.first_delay", "Idle time after which the first reminder is due.", &first_delay_s,
                   24 * 3600);
    define_seconds("cart_abandon.second_delay", "Idle time after which the second reminder is due.",
                   &second_delay_s, 48 * 3600);
    define_seconds("cart_abandon.max_age", "Carts idle longer than this are never reminded.", &max_age_s,
                   7 * 24 * 3600);
    DefineCustomBoolVariable("cart_abandon.enable_whatsapp", "Send reminders over WhatsApp.", nullptr,
                             &enable_whatsapp_value, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("cart_abandon.enable_email", "Send reminders by email (not available yet).",
                             nullptr, &enable_email_value, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    // Superuser-only: whoever sets the URL decides where the token is sent.
    define_string("cart_abandon.whatsapp_api_url", "WhatsApp Cloud API base URL, version included.",
                  &api_url_value, "https://graph.facebook.com/v25.0", PGC_SUSET);
    define_string("cart_abandon.whatsapp_phone_number_id", "Meta's id of the sending phone number.",
                  &phone_number_id_value, "", PGC_SUSET);
    define_string("cart_abandon.whatsapp_token", "WhatsApp Cloud API access token (secret).", &token_value, "",
                  PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, show_token);
    define_string("cart_abandon.whatsapp_token_file",
                  "File holding the access token, read by the server's OS user when whatsapp_token is empty.",
                  &token_file_value, "", PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE);
    DefineCustomEnumVariable("cart_abandon.whatsapp_endpoint",
                             "Where templates are sent: messages (Cloud API) or marketing_messages (Meta's "
                             "Marketing Messages API, which error 131063 asks for).",
                             nullptr, &endpoint_value, 0, endpoint_options, PGC_USERSET, 0, nullptr, nullptr,
                             nullptr);
    // Whoever knows the app secret can forge Meta's webhooks (deliveries, opt-outs).
    define_string("cart_abandon.whatsapp_app_secret", "Meta app secret that signs webhooks (secret).",
                  &app_secret_value, "", PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
                  nullptr, show_app_secret);
    define_string("cart_abandon.whatsapp_app_secret_file",
                  "File holding the app secret, read by the server's OS user when whatsapp_app_secret is empty.",
                  &app_secret_file_value, "", PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE);
    DefineCustomIntVariable("cart_abandon.reconcile_after",
                            "Obsolete since 1.6, no effect: silence is no proof that Meta did not accept a "
                            "message, so an unknown reminder is never due again on a timer.",
                            "Kept so that configurations that set it still load.", &reconcile_after_s, 900, 60, INT_MAX, PGC_USERSET,
                            GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("cart_abandon.allow_insecure_http",
                             "Accept an http:// whatsapp_api_url (a local stand-in; never in production).", nullptr,
                             &allow_insecure_http_value, false, PGC_SUSET, GUC_SUPERUSER_ONLY, nullptr, nullptr,
                             nullptr);
    define_string("cart_abandon.template_first", "Template of the first reminder.", &template_first_value,
                  "cart_abandonment_first", PGC_USERSET);
    define_string("cart_abandon.template_second", "Template of the second reminder.", &template_second_value,
                  "cart_abandonment_second", PGC_USERSET);
    define_string("cart_abandon.template_language", "Language code of both templates.",
                  &template_language_value, "en", PGC_USERSET);
    define_string("cart_abandon.cart_url", "Recovery link pattern; {cart_id} is replaced by the cart id.",
                  &cart_url_value, "", PGC_USERSET);
    define_string("cart_abandon.default_region", "Phone region when an address has no country (e.g. \"in\").",
                  &default_region_value, "", PGC_USERSET, 0, check_region);
    define_string("cart_abandon.default_customer_name", "Name used in a reminder when no name is known.",
                  &default_customer_name_value, "there", PGC_USERSET, 0, check_not_empty);
    DefineCustomIntVariable("cart_abandon.http_timeout", "Time limit of one WhatsApp request.", nullptr,
                            &http_timeout_ms, 10000, 100, 300000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("cart_abandon.batch_pause", "Pause between two batches of cart_abandon_run.", nullptr,
                            &batch_pause_ms, 20, 0, 60000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.max_attempts", "Attempts per reminder before it is closed as failed.",
                            nullptr, &max_attempts_value, 3, 1, 100, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.claim_timeout",
                            "A claim older than this with no outcome is marked unknown (never resent).", nullptr,
                            &claim_timeout_s, 3600, 60, INT_MAX, PGC_USERSET, GUC_UNIT_S, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("cart_abandon.full_scan_interval",
                            "How often cart_abandon_run examines every cart active in the max-age window; "
                            "the runs between only examine carts that can have come due since the last "
                            "complete run. 0: every run is full.",
                            nullptr, &full_scan_interval_s, 86400, 0, INT_MAX, PGC_USERSET, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.max_concurrency", "WhatsApp requests in flight at once.", nullptr,
                            &max_concurrency_value, 32, 1, 1024, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.max_per_second",
                            "Most WhatsApp requests started per second from the sending number, by every call together "
                            "(by each call alone when cart_abandon is not in shared_preload_libraries).", nullptr,
                            &max_per_second_value, 70, 1, 10000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.attempts_per_run",
                            "Requests one call may make for a reminder that meets transient errors.", nullptr,
                            &attempts_per_run_value, 2, 1, 100, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.retry_backoff", "Wait before the first in-run retry; doubles each time.",
                            nullptr, &retry_backoff_ms, 500, 0, 600000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("cart_abandon.max_retry_wait",
                            "A retry due later than this is left to a later run.", nullptr, &max_retry_wait_ms,
                            30000, 0, 3600000, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.messaging_limit",
                            "Meta's messaging limit: unique people reached per rolling 24 hours (250, 2000, 10000, "
                            "100000); beyond it reminders are held. 0: not enforced.",
                            nullptr, &messaging_limit_value, 0, 0, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("cart_abandon.frequency_cap",
                            "At most one reminder per person (phone number or wa_id) per this time; 0: no cap.",
                            "Accepts units: '16h', '1d'.", &frequency_cap_s, 16 * 3600, 0, INT_MAX, PGC_USERSET,
                            GUC_UNIT_S, nullptr, nullptr, nullptr);
    define_string("cart_abandon.quiet_hours",
                  "No reminder inside this window of the recipient's local time, 'HH:MM-HH:MM'; '' for none.",
                  &quiet_hours_value, "21:00-09:00", PGC_USERSET, 0, check_quiet_hours);
    DefineCustomBoolVariable("cart_abandon.require_consent",
                             "Remind only carts whose cart or customer metadata holds consent_key as true.", nullptr,
                             &require_consent_value, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    define_string("cart_abandon.consent_key", "The metadata key that records WhatsApp marketing consent.",
                  &consent_key_value, "whatsapp_opt_in", PGC_USERSET, 0, check_not_empty);
    define_string("cart_abandon.whatsapp_blocked_regions",
                  "Regions whose numbers WhatsApp delivers no marketing templates to (skipped), e.g. 'US'.",
                  &blocked_regions_value, "US", PGC_USERSET, 0, check_region_list);
    MarkGUCPrefixReserved("cart_abandon");
}

cart_abandon::Settings current_settings() {
    cart_abandon::Settings s;
    s.batch_size = batch_size_value;
    s.timing.first_delay = std::chrono::seconds(first_delay_s);
    s.timing.second_delay = std::chrono::seconds(second_delay_s);
    s.timing.max_age = std::chrono::seconds(max_age_s);
    s.timing.max_attempts = max_attempts_value;
    s.enable_whatsapp = enable_whatsapp_value;
    s.enable_email = enable_email_value;
    s.whatsapp_api_url = text(api_url_value);
    s.whatsapp_phone_number_id = text(phone_number_id_value);
    s.whatsapp_token = text(token_value);
    if (s.whatsapp_token.empty() && token_file_value && token_file_value[0])
        s.whatsapp_token = read_secret_file("cart_abandon.whatsapp_token_file", token_file_value);
    s.whatsapp_app_secret = whatsapp_app_secret();
    s.whatsapp_endpoint = endpoint_options[endpoint_value].name;
    s.allow_insecure_http = allow_insecure_http_value;
    s.template_first = text(template_first_value);
    s.template_second = text(template_second_value);
    s.template_language = text(template_language_value);
    s.cart_url = text(cart_url_value);
    s.default_region = text(default_region_value);
    s.default_customer_name = text(default_customer_name_value);
    s.http_timeout = std::chrono::milliseconds(http_timeout_ms);
    s.frequency_cap = std::chrono::seconds(frequency_cap_s);
    s.messaging_limit = messaging_limit_value;
    std::string error;
    // The check hooks accepted these values: they parse.
    cart_abandon::parse_quiet_hours(text(quiet_hours_value), s.quiet_hours, error);
    s.require_consent = require_consent_value;
    s.consent_key = text(consent_key_value);
    s.blocked_regions.clear();
    cart_abandon::parse_region_list(text(blocked_regions_value), s.blocked_regions, error);
    return s;
}

cart_abandon::EngineOptions engine_options() {
    cart_abandon::EngineOptions options;
    options.max_concurrency = max_concurrency_value;
    options.backoff_base = std::chrono::milliseconds(retry_backoff_ms);
    options.max_retry_wait = std::chrono::milliseconds(max_retry_wait_ms);
    return options;
}
double max_per_second() { return max_per_second_value; }
int attempts_per_run() { return attempts_per_run_value; }

std::string whatsapp_app_secret() {
    if (app_secret_value && app_secret_value[0]) return app_secret_value;
    if (app_secret_file_value && app_secret_file_value[0])
        return read_secret_file("cart_abandon.whatsapp_app_secret_file", app_secret_file_value);
    return "";
}

cart_abandon::Secrets readable_secrets() {
    cart_abandon::Secrets secrets;
    auto add = [&](const char* value, const char* file_setting, const char* file) {
        if (value && value[0]) return secrets.push_back(value);
        if (!file || !file[0]) return;
        try {
            secrets.push_back(read_secret_file(file_setting, file));
        } catch (const cart_abandon::Error&) {
        }
    };
    add(token_value, "cart_abandon.whatsapp_token_file", token_file_value);
    add(app_secret_value, "cart_abandon.whatsapp_app_secret_file", app_secret_file_value);
    return secrets;
}

std::vector<std::string> exposed_secrets() {
    std::vector<std::string> exposed;
    if (preloaded) return exposed;
    struct config_generic** variables = get_guc_variables();
    const int count = GetNumConfigOptions();
    for (int i = 0; i < count; ++i) {
        const config_generic* variable = variables[i];
        if (variable->source != PGC_S_FILE || variable->vartype != PGC_STRING) continue;
        if (strcmp(variable->name, "cart_abandon.whatsapp_token") != 0 &&
            strcmp(variable->name, "cart_abandon.whatsapp_app_secret") != 0)
            continue;
        const char* const* value = reinterpret_cast<const config_string*>(variable)->variable;
        if (value && *value && (*value)[0]) exposed.push_back(variable->name);
    }
    return exposed;
}

void require_unexposed(const char* setting) {
    for (const auto& name : exposed_secrets()) {
        if (name != setting) continue;
        throw cart_abandon::Error(
            cart_abandon::ErrorKind::MissingConfiguration,
            std::string(setting) + " is set in a configuration file while cart_abandon is not in "
                                   "shared_preload_libraries",
            "Until a session loads the library, the setting is a plain placeholder that any role can read "
            "with SHOW; nothing is sent with a secret that may have been read.",
            std::string("Add cart_abandon to shared_preload_libraries and restart, or move the secret to a file "
                        "named by ") + setting + "_file (mode 600, owned by the server's user).");
    }
}

std::string medusa_schema() { return text(medusa_schema_value); }
int max_attempts() { return max_attempts_value; }
std::chrono::milliseconds batch_pause() { return std::chrono::milliseconds(batch_pause_ms); }
std::chrono::seconds claim_timeout() { return std::chrono::seconds(claim_timeout_s); }
std::chrono::seconds full_scan_interval() { return std::chrono::seconds(full_scan_interval_s); }

}  // namespace pg
