#include <climits>

#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace settings {

void define_bool(const char* name, const char* description, bool* variable, GucContext context, int flags) {
    DefineCustomBoolVariable(name, description, nullptr, variable, *variable, context, flags, nullptr, nullptr,
                             nullptr);
}

void define_int(const char* name, const char* description, const char* details, int* variable, int min, int max,
                GucContext context, int flags) {
    DefineCustomIntVariable(name, description, details, variable, *variable, min, max, context, flags, nullptr, nullptr,
                            nullptr);
}

void define_seconds(const char* name, const char* description, int* variable) {
    define_int(name, description, "Accepts units: '24h', '7d', '90min'.", variable, 1, INT_MAX, PGC_USERSET,
               GUC_UNIT_S);
}

void define_string(const char* name, const char* description, char** variable, GucContext context, int flags,
                   GucStringCheckHook check, GucShowHook show) {
    DefineCustomStringVariable(name, description, nullptr, variable, *variable, context, flags, check, nullptr, show);
}

bool check_not_empty(char** newval, void**, GucSource) {
    if (*newval && (*newval)[0]) return true;
    GUC_check_errdetail("This setting cannot be empty.");
    return false;
}

std::string text(const char* value) { return value ? value : ""; }

}  // namespace settings

cart_abandon::Settings current_settings() {
    cart_abandon::Settings s{};
    settings::fill_run(s);
    settings::fill_whatsapp(s);
    settings::fill_secrets(s);
    settings::fill_delivery(s);
    settings::fill_audience(s);
    settings::fill_sms(s);
    settings::fill_email(s);
    return s;
}

}  // namespace pg
