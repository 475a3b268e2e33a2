#include <memory>
#include <string>
#include <vector>

#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

namespace pg {

namespace {

constexpr int64_t kUnixToPostgresEpochMicros =
    int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;

std::string expand_schema(const char* sql, const std::string& quoted_schema) {
    static const std::string kPlaceholder = "@medusa@";
    std::string text = sql;
    for (std::size_t at = 0; (at = text.find(kPlaceholder, at)) != std::string::npos; at += quoted_schema.size())
        text.replace(at, kPlaceholder.size(), quoted_schema);
    return text;
}

Oid extension_owner = InvalidOid;

// Runs body as the extension's owner with search_path pinned and JIT off; call inside guarded().
template <typename F>
void as_extension_owner(F&& body) {
    if (!OidIsValid(extension_owner)) elog(ERROR, "cart_abandon: use_extension_owner() was not called");
    Oid caller;
    int caller_context;
    GetUserIdAndSecContext(&caller, &caller_context);
    // SPI leaves its procedure context current after executing or preparing; what the caller
    // pallocs next (a batch's parameters and cells) must stay in the caller's context, or it
    // lives until the end of the call: about 1 KB per message of a long run.
    MemoryContext caller_memory = CurrentMemoryContext;
    const int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
                            0, false);
    // These queries return a batch at most; on a large shop their cost estimate passes
    // jit_above_cost, and JIT compilation would cost a second per call for nothing.
    (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    SetUserIdAndSecContext(extension_owner, caller_context | SECURITY_LOCAL_USERID_CHANGE);
    PG_TRY();
    {
        body();
    }
    PG_CATCH();
    {
        SetUserIdAndSecContext(caller, caller_context);  // the nest level goes with the abort
        PG_RE_THROW();
    }
    PG_END_TRY();
    SetUserIdAndSecContext(caller, caller_context);
    AtEOXact_GUC(true, nest_level);
    MemoryContextSwitchTo(caller_memory);
}

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
        return PointerGetDatum(construct_array(datums.data(), int(datums.size()), element_type, length, by_value,
                                               alignment));
    });
}

Datum cell(uint64_t row, int column, bool* is_null) {
    return guarded([&] {
        return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column + 1, is_null);
    });
}

}  // namespace

void use_extension_owner() {
    guarded([] {
        // Operators qualified: the caller's search_path must not pick what this query means.
        const int rc = SPI_execute("SELECT extowner FROM pg_catalog.pg_extension "
                                   "WHERE extname OPERATOR(pg_catalog.=) 'cart_abandon'",
                                   true, 1);
        if (rc != SPI_OK_SELECT || SPI_processed != 1)
            elog(ERROR, "cart_abandon: the extension is not installed in this database");
        bool is_null;
        extension_owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
        SPI_freetuptable(SPI_tuptable);
        SPI_tuptable = nullptr;
    });
}

void spi_connect(bool nonatomic) {
    guarded([&] {
        if (SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0) != SPI_OK_CONNECT)
            elog(ERROR, "cart_abandon: SPI_connect failed");
    });
}

void spi_finish() {
    guarded([] { SPI_finish(); });
}

void spi_commit() {
    guarded([] { SPI_commit(); });
}

uint64_t Statement::execute(const std::vector<std::optional<Datum>>& values) {
    const std::string schema = medusa_schema();
    if (!plan_ || schema != prepared_for_schema_) {
        const std::string quoted = guarded([&] { return std::string(quote_identifier(schema.c_str())); });
        const std::string text = expand_schema(sql_, quoted);
        guarded([&] {
            as_extension_owner([&] {
                const int options = planning_ == Planning::PerValues ? CURSOR_OPT_CUSTOM_PLAN : 0;
                SPIPlanPtr plan = SPI_prepare_cursor(text.c_str(), int(types_.size()), types_.data(), options);
                if (!plan)
                    elog(ERROR, "cart_abandon: could not prepare a statement: %s", SPI_result_code_string(SPI_result));
                if (plan_) SPI_freeplan(plan_);
                SPI_keepplan(plan);
                plan_ = plan;
            });
        });
        prepared_for_schema_ = schema;
    }
    std::vector<Datum> datums(values.size());
    std::string nulls(values.size(), ' ');
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i]) datums[i] = *values[i];
        else nulls[i] = 'n';
    }
    return guarded([&] {
        as_extension_owner([&] {
            const int rc = SPI_execute_plan(plan_, datums.data(), nulls.c_str(), false, 0);
            if (rc < 0) elog(ERROR, "cart_abandon: statement failed: %s", SPI_result_code_string(rc));
        });
        return uint64_t(SPI_processed);
    });
}

void release_result() {
    guarded([] {
        if (SPI_tuptable) SPI_freetuptable(SPI_tuptable);
        SPI_tuptable = nullptr;
    });
}

uint64_t Statement::run(const std::vector<std::optional<Datum>>& values) {
    const uint64_t rows = execute(values);
    release_result();
    return rows;
}

Datum text_value(const std::string& text) {
    return guarded([&] { return PointerGetDatum(cstring_to_text_with_len(text.data(), int(text.size()))); });
}

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
        return PointerGetDatum(construct_md_array(datums.data(), raw_nulls, 1, dims, lower_bounds, element_type,
                                                  length, by_value, alignment));
    });
}

}  // namespace

Datum nullable_text_array(const std::vector<std::optional<std::string>>& texts) {
    return nullable_array(texts, TEXTOID, [](const std::string& t) { return text_value(t); });
}

Datum nullable_timestamp_array(const std::vector<std::optional<cart_abandon::Timestamp>>& values) {
    return nullable_array(values, TIMESTAMPTZOID, [](const cart_abandon::Timestamp& at) { return timestamp_value(at); });
}

Datum int_array(const std::vector<int>& values) {
    return array_of<int>(values, INT4OID, [](const int& v) { return Int32GetDatum(v); });
}

Datum int8_array(const std::vector<int64_t>& values) {
    return array_of<int64_t>(values, INT8OID, [](const int64_t& v) { return Int64GetDatum(v); });
}

Datum timestamp_array(const std::vector<cart_abandon::Timestamp>& values) {
    return array_of<cart_abandon::Timestamp>(values, TIMESTAMPTZOID, [](const cart_abandon::Timestamp& at) {
        return timestamp_value(at);
    });
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

cart_abandon::Timestamp from_timestamptz(TimestampTz value) {
    return cart_abandon::Timestamp(cart_abandon::Microseconds(value + kUnixToPostgresEpochMicros));
}

TimestampTz to_timestamptz(cart_abandon::Timestamp at) {
    return at.time_since_epoch().count() - kUnixToPostgresEpochMicros;
}

}  // namespace pg
