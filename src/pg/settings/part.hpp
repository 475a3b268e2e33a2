// What the parts of the settings share: each part (run, delivery, whatsapp, sms, email, audience,
// secrets) keeps its C variables, defines them from its own init function (settings.hpp) and fills
// its fields of cart_abandon::Settings. A setting's default is written once, as its C variable's
// initial value, which the define functions pass to PostgreSQL as the boot value.
#pragma once

#include <string>

#include "core/model/config.hpp"
#include "pg/settings.hpp"
#include "pg/base/postgres.hpp"

namespace pg::settings {

void define_bool(const char* name, const char* description, bool* variable, GucContext context = PGC_USERSET,
                 int flags = 0);
void define_int(const char* name, const char* description, const char* details, int* variable, int min, int max,
                GucContext context = PGC_USERSET, int flags = 0);
// A duration in whole seconds, at least 1, that accepts units.
void define_seconds(const char* name, const char* description, int* variable);
void define_string(const char* name, const char* description, char** variable, GucContext context, int flags = 0,
                   GucStringCheckHook check = nullptr, GucShowHook show = nullptr);

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

bool check_not_empty(char** newval, void**, GucSource);

// A check hook's body for a setting whose "" means none: `problem(value)` says why a value is
// refused ("" when it is not); that reason, then `hint`, is the detail.
template <typename Problem>
bool check_unless_empty(char** newval, Problem&& problem, const char* hint = "") {
    if (!*newval || !(*newval)[0]) return true;
    std::string reason;
    if (!no_exception([&] {
            reason = problem(std::string(*newval));
            return true;
        }))
        return false;
    if (reason.empty()) return true;
    GUC_check_errdetail("%s%s", reason.c_str(), hint);
    return false;
}

// A string setting's value; "" for none.
std::string text(const char* value);

// Each part's fields of the settings in force now.
void fill_run(cart_abandon::Settings& s);
void fill_whatsapp(cart_abandon::Settings& s);
void fill_secrets(cart_abandon::Settings& s);
void fill_delivery(cart_abandon::Settings& s);
void fill_audience(cart_abandon::Settings& s);
void fill_sms(cart_abandon::Settings& s);
void fill_email(cart_abandon::Settings& s);

}  // namespace pg::settings
