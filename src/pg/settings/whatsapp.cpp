// The WhatsApp channel: where the Cloud API is, which number sends, through which endpoint, and
// what a reminder carries (templates, language, the cart link, the fallback name).
#include <cstring>

#include "pg/settings.hpp"
#include "pg/settings/part.hpp"

namespace pg {

namespace {

char* api_url_value = strdup("https://graph.facebook.com/v25.0");
char* phone_number_id_value = strdup("");
int endpoint_value = 0;  // index into endpoint_options
bool allow_insecure_http_value = false;
char* template_first_value = strdup("cart_abandonment_first");
char* template_second_value = strdup("cart_abandonment_second");
char* template_language_value = strdup("en");
char* cart_url_value = strdup("");
char* default_customer_name_value = strdup("there");

const struct config_enum_entry endpoint_options[] = {
    {"messages", 0, false}, {"marketing_messages", 1, false}, {nullptr, 0, false}};

}  // namespace

void define_whatsapp_settings() {
    using namespace settings;
    // Superuser-only: whoever sets the URL decides where the token is sent.
    define_string("cart_abandon.whatsapp_api_url", "WhatsApp Cloud API base URL, version included.", &api_url_value,
                  PGC_SUSET);
    define_string("cart_abandon.whatsapp_phone_number_id", "Meta's id of the sending phone number.",
                  &phone_number_id_value, PGC_SUSET);
    DefineCustomEnumVariable("cart_abandon.whatsapp_endpoint",
                             "Where templates are sent: messages (Cloud API) or marketing_messages (Meta's "
                             "Marketing Messages API, which error 131063 asks for).",
                             nullptr, &endpoint_value, endpoint_value, endpoint_options, PGC_USERSET, 0, nullptr,
                             nullptr, nullptr);
    define_bool("cart_abandon.allow_insecure_http",
                "Accept an http:// whatsapp_api_url (a local stand-in; never in production).",
                &allow_insecure_http_value, PGC_SUSET, GUC_SUPERUSER_ONLY);
    define_string("cart_abandon.template_first", "Template of the first reminder.", &template_first_value, PGC_USERSET);
    define_string("cart_abandon.template_second", "Template of the second reminder.", &template_second_value,
                  PGC_USERSET);
    define_string("cart_abandon.template_language", "Language code of both templates.", &template_language_value,
                  PGC_USERSET);
    define_string("cart_abandon.cart_url", "Recovery link pattern; {cart_id} is replaced by the cart id.",
                  &cart_url_value, PGC_USERSET);
    define_string("cart_abandon.default_customer_name", "Name used in a reminder when no name is known.",
                  &default_customer_name_value, PGC_USERSET, 0, check_not_empty);
}

namespace settings {

void fill_whatsapp(cart_abandon::Settings& s) {
    s.whatsapp_api_url = text(api_url_value);
    s.whatsapp_phone_number_id = text(phone_number_id_value);
    s.whatsapp_endpoint = endpoint_options[endpoint_value].name;
    s.allow_insecure_http = allow_insecure_http_value;
    s.template_first = text(template_first_value);
    s.template_second = text(template_second_value);
    s.template_language = text(template_language_value);
    s.cart_url = text(cart_url_value);
    s.default_customer_name = text(default_customer_name_value);
}

}  // namespace settings

}  // namespace pg
