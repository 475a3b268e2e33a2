// Reading SQL arguments into C++ values, and the checks every entry point shares.
#pragma once

#include <optional>
#include <string>

#include "core/model/config.hpp"
#include "pg/base/postgres.hpp"

namespace pg {

std::optional<std::string> text_argument(FunctionCallInfo fcinfo, int index);

// The options argument as JSON text ("" when NULL), parsed with the seed's names.
cart_abandon::RunOptions options_argument(FunctionCallInfo fcinfo, int index, std::string& json_text);

}  // namespace pg
