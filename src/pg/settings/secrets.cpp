// The secrets: each set directly (superuser-only, never shown) or read from a file only the
// server's OS user can read; and whether a configuration file exposes one because the library was
// not preloaded.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/error.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

// The GUC table (each setting's source), for exposed_secrets(); a C header without extern "C".
extern "C" {
#include "utils/guc_tables.h"
}

namespace pg {

namespace {

// One secret: its setting and the setting of the file read when it is empty.
struct Secret {
    const char* name;
    const char* file_name;
    const char* description;
    const char* file_description;
    char* value;
    char* file;
};

enum SecretIndex { kWhatsappToken, kWhatsappAppSecret, kTwilioAuthToken, kSmtpPassword, kUnsubscribeSecret };

Secret secrets[] = {
    {"cart_abandon.whatsapp_token", "cart_abandon.whatsapp_token_file", "WhatsApp Cloud API access token (secret).",
     "File holding the access token, read by the server's OS user when whatsapp_token is empty.", strdup(""),
     strdup("")},
    // Whoever knows the app secret can forge Meta's webhooks (deliveries, opt-outs).
    {"cart_abandon.whatsapp_app_secret", "cart_abandon.whatsapp_app_secret_file",
     "Meta app secret that signs webhooks (secret).",
     "File holding the app secret, read by the server's OS user when whatsapp_app_secret is empty.", strdup(""),
     strdup("")},
    // Sends SMS at the shop's cost, and signs Twilio's status callbacks (X-Twilio-Signature).
    {"cart_abandon.twilio_auth_token", "cart_abandon.twilio_auth_token_file", "Twilio auth token (secret).",
     "File holding the Twilio auth token, read by the server's OS user when twilio_auth_token is empty.", strdup(""),
     strdup("")},
    {"cart_abandon.smtp_password", "cart_abandon.smtp_password_file", "SMTP password (secret).",
     "File holding the SMTP password, read by the server's OS user when smtp_password is empty.", strdup(""),
     strdup("")},
    // Whoever knows it can forge unsubscribe links, and so opt anyone out.
    {"cart_abandon.email_unsubscribe_secret", "cart_abandon.email_unsubscribe_secret_file",
     "HMAC key of the email unsubscribe links' tokens (secret).",
     "File holding the unsubscribe key, read by the server's OS user when email_unsubscribe_secret is empty.",
     strdup(""), strdup("")},
};

// Whether the library was loaded at server start (shared_preload_libraries): only then are the
// secret settings protected in every session from the start.
bool preloaded = false;

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

bool is_set(const char* value) { return value && value[0]; }

// The secret in force: its setting, else its file's content; "" when neither is set.
std::string secret(SecretIndex index) {
    const Secret& s = secrets[index];
    if (is_set(s.value)) return s.value;
    if (is_set(s.file)) return read_secret_file(s.file_name, s.file);
    return "";
}

// SHOW and pg_settings never print a secret, not even to a superuser.
template <SecretIndex index>
const char* show_secret() {
    return is_set(secrets[index].value) ? "(set)" : "(not set)";
}

const GucShowHook show_hooks[] = {show_secret<kWhatsappToken>, show_secret<kWhatsappAppSecret>,
                                  show_secret<kTwilioAuthToken>, show_secret<kSmtpPassword>,
                                  show_secret<kUnsubscribeSecret>};
static_assert(std::size(show_hooks) == std::size(secrets), "one SHOW hook per secret");

}  // namespace

void define_secret_settings() {
    using settings::define_string;
    preloaded = process_shared_preload_libraries_in_progress;
    for (std::size_t i = 0; i < std::size(secrets); ++i) {
        Secret& s = secrets[i];
        define_string(s.name, s.description, &s.value, PGC_SUSET,
                      GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, show_hooks[i]);
        define_string(s.file_name, s.file_description, &s.file, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE);
    }
}

namespace settings {

void fill_secrets(cart_abandon::Settings& s) {
    s.whatsapp_token = secret(kWhatsappToken);
    s.whatsapp_app_secret = secret(kWhatsappAppSecret);
    s.twilio_auth_token = secret(kTwilioAuthToken);
    s.smtp_password = secret(kSmtpPassword);
    s.email_unsubscribe_secret = secret(kUnsubscribeSecret);
}

}  // namespace settings

std::string whatsapp_app_secret() { return secret(kWhatsappAppSecret); }

cart_abandon::Secrets readable_secrets() {
    cart_abandon::Secrets readable;
    for (const Secret& s : secrets) {
        if (is_set(s.value)) {
            readable.push_back(s.value);
        } else if (is_set(s.file)) {
            try {
                readable.push_back(read_secret_file(s.file_name, s.file));
            } catch (const cart_abandon::Error&) {}
        }
    }
    return readable;
}

std::vector<std::string> exposed_secrets() {
    std::vector<std::string> exposed;
    if (preloaded) return exposed;
    struct config_generic** variables = get_guc_variables();
    const int count = GetNumConfigOptions();
    for (int i = 0; i < count; ++i) {
        const config_generic* variable = variables[i];
        if (variable->source != PGC_S_FILE || variable->vartype != PGC_STRING) continue;
        const bool secret_setting = std::any_of(std::begin(secrets), std::end(secrets),
                                                [&](const Secret& s) { return strcmp(variable->name, s.name) == 0; });
        if (!secret_setting) continue;
        const char* const* value = reinterpret_cast<const config_string*>(variable)->variable;
        if (value && is_set(*value)) exposed.push_back(variable->name);
    }
    return exposed;
}

void require_unexposed(const char* setting) {
    for (const auto& name : exposed_secrets()) {
        if (name != setting) continue;
        throw cart_abandon::Error(
            cart_abandon::ErrorKind::MissingConfiguration,
            std::string(setting) +
                " is set in a configuration file while cart_abandon is not in "
                "shared_preload_libraries",
            "Until a session loads the library, the setting is a plain placeholder that any role can read "
            "with SHOW; nothing is sent with a secret that may have been read.",
            std::string("Add cart_abandon to shared_preload_libraries and restart, or move the secret to a file "
                        "named by ") +
                setting + "_file (mode 600, owned by the server's user).");
    }
}

void require_sending_secrets_unexposed(const cart_abandon::RunConfig& config) {
    if (config.dry_run) return;
    if (config.whatsapp) {
        require_unexposed("cart_abandon.whatsapp_token");
        require_unexposed("cart_abandon.whatsapp_app_secret");  // appsecret_proof
    }
    if (config.sms) require_unexposed("cart_abandon.twilio_auth_token");
}

}  // namespace pg
