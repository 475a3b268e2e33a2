// SQL: cart_abandon.graph_version(api_url) -> jsonb: the Graph API version the URL pins, the last
// day Meta serves it, and a warning from 90 days before (cart_abandon_stats() -> 'graph_version').
#include <nlohmann/json.hpp>

#include "core/graph_version.hpp"
#include "pg/arguments.hpp"
#include "pg/boundary.hpp"
#include "pg/spi.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_graph_version);
Datum cart_abandon_graph_version(PG_FUNCTION_ARGS) {
    return pg::run_entry(fcinfo, [](FunctionCallInfo fcinfo) {
        using nlohmann::json;
        const auto url = pg::text_argument(fcinfo, 0);
        const auto status = cart_abandon::graph_version_status(url.value_or(""), std::chrono::system_clock::now());
        const json result = {{"version", status.version.empty() ? json() : json(status.version)},
                             {"served_until", status.served_until ? json(*status.served_until) : json()},
                             {"days_left", status.days_left ? json(*status.days_left) : json()},
                             {"warning", status.warning.empty() ? json() : json(status.warning)}};
        const std::string text = result.dump();
        return pg::guarded([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
    });
}
}
