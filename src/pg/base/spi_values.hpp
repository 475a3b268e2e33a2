// Typed parameter values for SPI statements, typed cells of the last result, and the timestamp conversions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rules/stage.hpp"
#include "pg/base/postgres.hpp"

namespace pg {

// Parameter values (palloc'd in the current memory context).
Datum text_value(const std::string& text);
Datum bytea_value(const std::string& bytes);
Datum int_value(int value);
Datum int8_value(int64_t value);
Datum timestamp_value(cart_abandon::Timestamp at);
Datum bool_value(bool value);
Datum timestamp_array(const std::vector<cart_abandon::Timestamp>& values);
Datum text_array(const std::vector<std::string>& texts);
Datum nullable_text_array(const std::vector<std::optional<std::string>>& texts);
Datum nullable_timestamp_array(const std::vector<std::optional<cart_abandon::Timestamp>>& values);
Datum nullable_int8_array(const std::vector<std::optional<int64_t>>& values);
Datum int_array(const std::vector<int>& values);
Datum int8_array(const std::vector<int64_t>& values);
Datum bool_array(const std::vector<bool>& values);

// Cells of the last result.
bool cell_is_null(uint64_t row, int column);
std::optional<std::string> cell_text(uint64_t row, int column);
std::string cell_text_or_empty(uint64_t row, int column);
std::optional<int64_t> cell_int(uint64_t row, int column);
std::optional<cart_abandon::Timestamp> cell_timestamp(uint64_t row, int column);
bool cell_bool(uint64_t row, int column);
std::vector<int64_t> cell_int8_array(uint64_t row, int column);  // a bigint[] (NULL: empty)
// Each element of a text[] cell in order, NULLs left out, without a copy: `each` reads it while
// the result is held (a long list is one value, not as many rows and strings).
void for_each_text_in_cell(uint64_t row, int column, const std::function<void(std::string_view)>& each);

// Conversions between PostgreSQL's TimestampTz (microseconds since 2000) and the core's clock.
cart_abandon::Timestamp from_timestamptz(TimestampTz value);
TimestampTz to_timestamptz(cart_abandon::Timestamp at);

}  // namespace pg
