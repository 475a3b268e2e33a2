// Who may be reminded and when: the phone region of numbers without one, regions WhatsApp does
// not deliver marketing to, quiet hours at the recipient, the frequency cap and consent.
#include <chrono>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "core/contact/phone.hpp"
#include "core/rules/quiet_hours.hpp"
#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

char* default_region_value = strdup("");
char* blocked_regions_value = strdup("US");
char* quiet_hours_value = strdup("21:00-09:00");
int frequency_cap_s = 16 * 3600;
bool require_consent_value = false;
char* consent_key_value = strdup("whatsapp_opt_in");

bool check_region(char** newval, void**, GucSource) {
    const char* value = *newval;
    if (!value || !value[0] || settings::no_exception([&] { return cart_abandon::is_known_region(value); }))
        return true;
    GUC_check_errdetail("A region is an ISO 3166 alpha-2 country code such as \"de\" or \"IN\", or empty.");
    return false;
}

// Whether the core's parser accepts the value; its error, then `hint`, is the detail when not.
template <typename Parse>
bool check_parsed(char** newval, Parse&& parse, const char* hint) {
    std::string error;
    if (settings::no_exception([&] { return parse(std::string(*newval ? *newval : ""), error); })) return true;
    if (error.empty()) return false;
    GUC_check_errdetail("%s%s", error.c_str(), hint);
    return false;
}

bool check_region_list(char** newval, void**, GucSource) {
    std::vector<std::string> regions;
    return check_parsed(
        newval,
        [&](const std::string& value, std::string& error) {
            return cart_abandon::parse_region_list(value, regions, error);
        },
        "; a list of ISO 3166 alpha-2 country codes such as 'US' or 'US, BR', or ''.");
}

bool check_quiet_hours(char** newval, void**, GucSource) {
    cart_abandon::QuietHours hours;
    return check_parsed(
        newval,
        [&](const std::string& value, std::string& error) {
            return cart_abandon::parse_quiet_hours(value, hours, error);
        },
        "");
}

}  // namespace

void define_audience_settings() {
    using namespace settings;
    define_string("cart_abandon.default_region", "Phone region when an address has no country (e.g. \"in\").",
                  &default_region_value, PGC_USERSET, 0, check_region);
    define_int("cart_abandon.frequency_cap",
               "At most one reminder per person (phone number or wa_id) per this time; 0: no cap.",
               "Accepts units: '16h', '1d'.", &frequency_cap_s, 0, INT_MAX, PGC_USERSET, GUC_UNIT_S);
    define_string("cart_abandon.quiet_hours",
                  "No reminder inside this window of the recipient's local time, 'HH:MM-HH:MM'; '' for none.",
                  &quiet_hours_value, PGC_USERSET, 0, check_quiet_hours);
    define_bool("cart_abandon.require_consent",
                "Remind only carts whose cart or customer metadata holds consent_key as true.", &require_consent_value);
    define_string("cart_abandon.consent_key", "The metadata key that records WhatsApp marketing consent.",
                  &consent_key_value, PGC_USERSET, 0, check_not_empty);
    define_string("cart_abandon.whatsapp_blocked_regions",
                  "Regions whose numbers WhatsApp delivers no marketing templates to (skipped), e.g. 'US'.",
                  &blocked_regions_value, PGC_USERSET, 0, check_region_list);
}

namespace settings {

void fill_audience(cart_abandon::Settings& s) {
    s.default_region = text(default_region_value);
    s.frequency_cap = std::chrono::seconds(frequency_cap_s);
    std::string error;
    // The check hooks accepted these values: they parse.
    cart_abandon::parse_quiet_hours(text(quiet_hours_value), s.quiet_hours, error);
    s.require_consent = require_consent_value;
    s.consent_key = text(consent_key_value);
    s.blocked_regions.clear();
    cart_abandon::parse_region_list(text(blocked_regions_value), s.blocked_regions, error);
}

}  // namespace settings

}  // namespace pg
