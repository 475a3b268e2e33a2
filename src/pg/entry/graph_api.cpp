// SQL: cart_abandon.graph_api() -> jsonb, and the run's NOTICE of an expiring Graph API version.
#include <nlohmann/json.hpp>
#include <string>

#include "core/channels/whatsapp/graph_versions.hpp"
#include "pg/entry/graph_api.hpp"
#include "pg/settings.hpp"
#include "pg/base/boundary.hpp"

extern "C" {
#include <utils/jsonb.h>
}

namespace pg {

namespace {

cart_abandon::GraphVersionLife configured_version_life() {
    const auto version = cart_abandon::graph_version_of(current_settings().whatsapp_api_url);
    return cart_abandon::graph_version_life(version.value_or(""), std::chrono::system_clock::now());
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

Datum graph_api_body(FunctionCallInfo) {
    const auto life = configured_version_life();
    const nlohmann::json result = {
        {"version", life.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(life.version)},
        {"served_until", optional_json(life.served_until)},
        {"served_at_least_until", optional_json(life.served_at_least_until)},
        {"served_at_most_until", optional_json(life.served_at_most_until)},
        {"days_left", life.days_left ? nlohmann::json(*life.days_left) : nlohmann::json(nullptr)},
        {"expiring", life.expiring},
    };
    const std::string text = result.dump();
    return guarded([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
}

}  // namespace

void notice_graph_version_expiring() {
    const auto life = configured_version_life();
    if (!life.expiring) return;
    const std::string when =
        life.served_at_least_until
            ? (*life.days_left < 0 ? "Meta stopped serving it on " : "Meta serves it until ") +
                  *life.served_at_least_until +
                  (*life.days_left < 0 ? "" : " (" + std::to_string(*life.days_left) + " days)")
            : "it is older than every version whose end cart_abandon knows: Meta may no longer serve it";
    const std::string message =
        "cart_abandon: the Graph API version " + life.version + " of cart_abandon.whatsapp_api_url is ending: " + when;
    guarded([&] {
        ereport(NOTICE, (errmsg("%s", message.c_str()),
                         errdetail("Once a version is no longer served, Meta routes its calls to the next oldest "
                                   "version without an error: templates, answers and webhooks may change unseen."),
                         errhint("Check Meta's changelog for the messages and webhook references, then set "
                                 "cart_abandon.whatsapp_api_url to a newer version (v25.0 is served until "
                                 "2028-07-29) and reload.")));
    });
}

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_graph_api);
Datum cart_abandon_graph_api(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::graph_api_body); }
}
