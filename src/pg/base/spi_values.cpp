// Datums from C++ values (arrays included) and C++ values from the last result's cells.
#include <memory>
#include <string>
#include <vector>

#include "pg/base/spi_values.hpp"
#include "pg/base/boundary.hpp"

namespace pg {

namespace {

constexpr int64_t kUnixToPostgresEpochMicros = int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;

template <typename T>
Datum array_of(const std::vector<T>& values, Oid element_type, Datum (*to_datum)(const T&)) {
    std::vector<Datum> datums;
    datums.reserve(values.size());
    for (const auto& value : values) datums.push_back(to_datum(value));
    return guarded([&] {
        int16 length;
        bool by_value;
        char alignment;
        get_typlenbyvalalign(element_type, &length, &by_value, &alignment);
        return PointerGetDatum(
            construct_array(datums.data(), int(datums.size()), element_type, length, by_value, alignment));
    });
}

Datum cell(uint64_t row, int column, bool* is_null) {
    return guarded([&] { return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column + 1, is_null); });
}

}  // namespace

Datum text_value(const std::string& text) {
    return guarded([&] { return PointerGetDatum(cstring_to_text_with_len(text.data(), int(text.size()))); });
}

// A bytea is a varlena of raw bytes, laid out as text is.
Datum bytea_value(const std::string& bytes) { return text_value(bytes); }

Datum int_value(int value) { return Int32GetDatum(value); }

Datum int8_value(int64_t value) { return Int64GetDatum(value); }

Datum timestamp_value(cart_abandon::Timestamp at) { return TimestampTzGetDatum(to_timestamptz(at)); }
Datum bool_value(bool value) { return BoolGetDatum(value); }

Datum text_array(const std::vector<std::string>& texts) {
    return array_of<std::string>(texts, TEXTOID, [](const std::string& t) { return text_value(t); });
}

namespace {

// A one-dimensional array with NULLs where the optionals are empty.
template <typename T, typename ToDatum>
Datum nullable_array(const std::vector<std::optional<T>>& values, Oid element_type, ToDatum to_datum) {
    std::vector<Datum> datums(values.size());
    std::unique_ptr<bool[]> nulls(new bool[values.size() + 1]);
    for (std::size_t i = 0; i < values.size(); ++i) {
        nulls[i] = !values[i];
        datums[i] = values[i] ? to_datum(*values[i]) : Datum(0);
    }
    bool* raw_nulls = nulls.get();
    return guarded([&] {
        int16 length;
        bool by_value;
        char alignment;
        get_typlenbyvalalign(element_type, &length, &by_value, &alignment);
        int dims[1] = {int(datums.size())};
        int lower_bounds[1] = {1};
        return PointerGetDatum(construct_md_array(datums.data(), raw_nulls, 1, dims, lower_bounds, element_type, length,
                                                  by_value, alignment));
    });
}

}  // namespace

Datum nullable_text_array(const std::vector<std::optional<std::string>>& texts) {
    return nullable_array(texts, TEXTOID, [](const std::string& t) { return text_value(t); });
}

Datum nullable_timestamp_array(const std::vector<std::optional<cart_abandon::Timestamp>>& values) {
    return nullable_array(values, TIMESTAMPTZOID,
                          [](const cart_abandon::Timestamp& at) { return timestamp_value(at); });
}

Datum nullable_int8_array(const std::vector<std::optional<int64_t>>& values) {
    return nullable_array(values, INT8OID, [](const int64_t& v) { return Int64GetDatum(v); });
}

Datum int_array(const std::vector<int>& values) {
    return array_of<int>(values, INT4OID, [](const int& v) { return Int32GetDatum(v); });
}

Datum int8_array(const std::vector<int64_t>& values) {
    return array_of<int64_t>(values, INT8OID, [](const int64_t& v) { return Int64GetDatum(v); });
}

Datum timestamp_array(const std::vector<cart_abandon::Timestamp>& values) {
    return array_of<cart_abandon::Timestamp>(values, TIMESTAMPTZOID,
                                             [](const cart_abandon::Timestamp& at) { return timestamp_value(at); });
}

Datum bool_array(const std::vector<bool>& values) {
    std::vector<char> flags(values.begin(), values.end());
    return array_of<char>(flags, BOOLOID, [](const char& v) { return BoolGetDatum(v != 0); });
}

bool cell_is_null(uint64_t row, int column) {
    bool is_null;
    cell(row, column, &is_null);
    return is_null;
}

std::optional<std::string> cell_text(uint64_t row, int column) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    if (is_null) return std::nullopt;
    const char* chars = guarded([&] { return text_to_cstring(DatumGetTextPP(value)); });
    return std::string(chars);
}

std::string cell_text_or_empty(uint64_t row, int column) { return cell_text(row, column).value_or(std::string()); }

std::optional<int64_t> cell_int(uint64_t row, int column) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    if (is_null) return std::nullopt;
    const Oid type = guarded([&] { return SPI_gettypeid(SPI_tuptable->tupdesc, column + 1); });
    switch (type) {
        case INT2OID: return DatumGetInt16(value);
        case INT4OID: return DatumGetInt32(value);
        default: return DatumGetInt64(value);
    }
}

std::optional<cart_abandon::Timestamp> cell_timestamp(uint64_t row, int column) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    if (is_null) return std::nullopt;
    return from_timestamptz(DatumGetTimestampTz(value));
}

bool cell_bool(uint64_t row, int column) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    return !is_null && DatumGetBool(value);
}

std::vector<int64_t> cell_int8_array(uint64_t row, int column) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    std::vector<int64_t> values;
    if (is_null) return values;
    Datum* elements = nullptr;
    bool* nulls = nullptr;
    int count = 0;
    guarded([&] {
        deconstruct_array(DatumGetArrayTypeP(value), INT8OID, 8, true, TYPALIGN_DOUBLE, &elements, &nulls, &count);
    });
    for (int i = 0; i < count; ++i)
        if (!nulls[i]) values.push_back(DatumGetInt64(elements[i]));
    return values;
}

void for_each_text_in_cell(uint64_t row, int column, const std::function<void(std::string_view)>& each) {
    bool is_null;
    const Datum value = cell(row, column, &is_null);
    if (is_null) return;
    Datum* elements = nullptr;
    bool* nulls = nullptr;
    int count = 0;
    guarded([&] {
        deconstruct_array(DatumGetArrayTypeP(value), TEXTOID, -1, false, TYPALIGN_INT, &elements, &nulls, &count);
    });
    for (int i = 0; i < count; ++i)
        if (!nulls[i]) {
            const auto* element = reinterpret_cast<const struct varlena*>(DatumGetPointer(elements[i]));
            each(std::string_view(VARDATA_ANY(element), VARSIZE_ANY_EXHDR(element)));
        }
}

cart_abandon::Timestamp from_timestamptz(TimestampTz value) {
    return cart_abandon::Timestamp(cart_abandon::Microseconds(value + kUnixToPostgresEpochMicros));
}

TimestampTz to_timestamptz(cart_abandon::Timestamp at) {
    return at.time_since_epoch().count() - kUnixToPostgresEpochMicros;
}

}  // namespace pg
