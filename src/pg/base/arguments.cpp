#include <optional>
#include <string>

#include "pg/base/arguments.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

std::optional<std::string> text_argument(FunctionCallInfo fcinfo, int index) {
    if (PG_ARGISNULL(index)) return std::nullopt;
    const char* value = guarded([&] { return text_to_cstring(PG_GETARG_TEXT_PP(index)); });
    return std::string(value);
}

cart_abandon::RunOptions options_argument(FunctionCallInfo fcinfo, int index, std::string& json_text) {
    json_text.clear();
    if (!PG_ARGISNULL(index)) {
        const char* chars = guarded([&] {
            Jsonb* options = PG_GETARG_JSONB_P(index);
            return JsonbToCString(nullptr, &options->root, VARSIZE(options));
        });
        json_text = chars;
    }
    return cart_abandon::parse_run_options(json_text);
}

}  // namespace pg
