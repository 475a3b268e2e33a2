// The secrets: the access token and the app secret, each set directly (superuser-only, never
// shown) or read from a file only the server's OS user can read; and whether a configuration
// file exposes one because the library was not preloaded.
#include <cstring>
#include <fstream>
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

char* token_value = strdup("");
char* token_file_value = strdup("");
char* app_secret_value = strdup("");
char* app_secret_file_value = strdup("");
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

// SHOW and pg_settings never print the token, not even to a superuser.
const char* show_token() { return token_value && token_value[0] ? "(set)" : "(not set)"; }
const char* show_app_secret() { return app_secret_value && app_secret_value[0] ? "(set)" : "(not set)"; }

}  // namespace

void define_secret_settings() {
    using settings::define_string;
    preloaded = process_shared_preload_libraries_in_progress;
    define_string("cart_abandon.whatsapp_token", "WhatsApp Cloud API access token (secret).", &token_value, PGC_SUSET,
                  GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, show_token);
    define_string("cart_abandon.whatsapp_token_file",
                  "File holding the access token, read by the server's OS user when whatsapp_token is empty.",
                  &token_file_value, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE);
    // Whoever knows the app secret can forge Meta's webhooks (deliveries, opt-outs).
    define_string("cart_abandon.whatsapp_app_secret", "Meta app secret that signs webhooks (secret).",
                  &app_secret_value, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr,
                  show_app_secret);
    define_string("cart_abandon.whatsapp_app_secret_file",
                  "File holding the app secret, read by the server's OS user when whatsapp_app_secret is empty.",
                  &app_secret_file_value, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE);
}

namespace settings {

void fill_secrets(cart_abandon::Settings& s) {
    s.whatsapp_token = text(token_value);
    if (s.whatsapp_token.empty() && token_file_value && token_file_value[0])
        s.whatsapp_token = read_secret_file("cart_abandon.whatsapp_token_file", token_file_value);
    s.whatsapp_app_secret = whatsapp_app_secret();
}

}  // namespace settings

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
        } catch (const cart_abandon::Error&) {}
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

}  // namespace pg
