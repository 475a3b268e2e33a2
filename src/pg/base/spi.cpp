#include <cstring>
#include <utility>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pg/settings.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

std::string expand_schema(const char* sql, const std::string& quoted_schema) {
    static const std::string kPlaceholder = "@medusa@";
    std::string text = sql;
    for (std::size_t at = 0; (at = text.find(kPlaceholder, at)) != std::string::npos; at += quoted_schema.size())
        text.replace(at, kPlaceholder.size(), quoted_schema);
    return text;
}

Oid extension_owner = InvalidOid;
// The owner of Medusa's tables in medusa_schema, looked up once per SQL call (InvalidOid: not yet).
Oid medusa_owner = InvalidOid;
std::string medusa_owner_schema;

// Runs body as `role` with search_path pinned and JIT off; call inside guarded(). `restricted`:
// inside a security-restricted operation, and whatever settings the role's code changed are
// undone afterwards (AtEOXact_GUC(false)), as vacuum.c does; otherwise (the extension owner's
// own statements) a SET LOCAL of ours (durable_commit_statement) lasts to the commit.
template <typename F>
void as_role(Oid role, bool restricted, F&& body) {
    Oid caller;
    int caller_context;
    GetUserIdAndSecContext(&caller, &caller_context);
    // SPI leaves its procedure context current after executing or preparing; what the caller
    // pallocs next (a batch's parameters and cells) must stay in the caller's context, or it
    // lives until the end of the call: about 1 KB per message of a long run.
    MemoryContext caller_memory = CurrentMemoryContext;
    const int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                            false);
    // These queries return a batch at most; on a large shop their cost estimate passes
    // jit_above_cost, and JIT compilation would cost a second per call for nothing.
    (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    SetUserIdAndSecContext(
        role, caller_context | (restricted ? SECURITY_RESTRICTED_OPERATION : SECURITY_LOCAL_USERID_CHANGE));
    PG_TRY();
    { body(); }
    PG_CATCH();
    {
        SetUserIdAndSecContext(caller, caller_context);  // the nest level goes with the (sub)transaction's abort
        PG_RE_THROW();
    }
    PG_END_TRY();
    SetUserIdAndSecContext(caller, caller_context);
    AtEOXact_GUC(!restricted, nest_level);
    MemoryContextSwitchTo(caller_memory);
}

// Medusa's tables that cart_abandon reads or writes (cart_abandon.missing_medusa_tables).
const char* const kMedusaTables[] = {
    "cart",    "cart_address",  "cart_line_item", "cart_shipping_method",    "customer",           "customer_address",
    "order",   "order_address", "order_cart",     "cart_payment_collection", "payment_collection", "payment_session",
    "payment", "sales_channel", "region"};

struct TableFacts {
    Oid relation = InvalidOid;
    char kind = 0;
    Oid owner = InvalidOid;
};

std::string role_name(Oid role) {
    return guarded([&] { return std::string(GetUserNameFromId(role, false)); });
}

// The one role that owns Medusa's tables in `schema`: statements over them run as that role.
// Refused: a temporary schema (any session's pg_temp: what a caller could fill), a table that is
// not a table (a view or foreign table in its place), and tables of different owners (a
// statement joins several: no one owner could run it with only its own rights).
Oid find_medusa_owner(const std::string& schema) {
    using cart_abandon::Error;
    using cart_abandon::ErrorKind;
    const Oid namespace_id = guarded([&] { return get_namespace_oid(schema.c_str(), true); });
    if (!OidIsValid(namespace_id))
        throw Error(ErrorKind::MissingTable, "schema \"" + schema + "\" (cart_abandon.medusa_schema) does not exist",
                    "", "Set cart_abandon.medusa_schema to the schema that holds Medusa's tables.");
    if (guarded([&] { return isAnyTempNamespace(namespace_id); }))
        throw Error(ErrorKind::InsufficientPrivilege,
                    "cart_abandon.medusa_schema names a temporary schema (\"" + schema + "\")",
                    "Any session can create objects in its own temporary schema.",
                    "Set cart_abandon.medusa_schema to the schema that holds Medusa's tables.");
    std::vector<std::pair<std::string, TableFacts>> tables;
    for (const char* name : kMedusaTables) {
        TableFacts facts = guarded([&] {
            TableFacts f;
            f.relation = get_relname_relid(name, namespace_id);
            if (!OidIsValid(f.relation)) return f;
            f.kind = get_rel_relkind(f.relation);
            HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(f.relation));
            if (HeapTupleIsValid(tuple)) {
                f.owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
                ReleaseSysCache(tuple);
            }
            return f;
        });
        if (!OidIsValid(facts.relation))
            throw Error(ErrorKind::MissingTable, "Medusa table \"" + schema + "." + name + "\" not found", "",
                        "Set cart_abandon.medusa_schema to the schema that holds Medusa's tables, or run Medusa's "
                        "migrations first.");
        if (facts.kind != RELKIND_RELATION && facts.kind != RELKIND_PARTITIONED_TABLE)
            throw Error(ErrorKind::InsufficientPrivilege, "\"" + schema + "." + name + "\" is not a table",
                        "cart_abandon reads and writes Medusa's tables; a view or foreign table in a table's place "
                        "is code another role chose.",
                        "Point cart_abandon.medusa_schema at the schema of Medusa's own tables.");
        tables.emplace_back(name, facts);
    }
    const Oid owner = tables.front().second.owner;
    std::string owners;
    bool mixed = false;
    for (const auto& [name, facts] : tables) {
        if (facts.owner != owner) mixed = true;
        owners += (owners.empty() ? "" : ", ") + name + " (" + role_name(facts.owner) + ")";
    }
    if (mixed)
        throw Error(ErrorKind::InsufficientPrivilege,
                    "Medusa's tables in schema \"" + schema + "\" belong to different roles: " + owners,
                    "cart_abandon runs every statement over Medusa's tables as their owner, never as a superuser, "
                    "and one statement reads several of them.",
                    "Give them one owner, the role Medusa migrates with: ALTER TABLE ... OWNER TO that role.");
    return owner;
}

Oid current_medusa_owner(const std::string& schema) {
    if (!OidIsValid(medusa_owner) || schema != medusa_owner_schema) {
        medusa_owner = find_medusa_owner(schema);
        medusa_owner_schema = schema;
    }
    return medusa_owner;
}

bool names_medusa(const char* sql) { return std::strstr(sql, "@medusa@") != nullptr; }

}  // namespace

void use_extension_owner() {
    medusa_owner = InvalidOid;
    guarded([] {
        // Operators qualified: the caller's search_path must not pick what this query means.
        const int rc = SPI_execute(
            "SELECT extowner FROM pg_catalog.pg_extension "
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

void require_medusa_owner() { (void)current_medusa_owner(medusa_schema()); }

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
    const bool over_medusa = names_medusa(sql_);
    if (over_medusa && std::strstr(sql_, "cart_abandon.") != nullptr)
        throw cart_abandon::Error(cart_abandon::ErrorKind::Internal,
                                  "cart_abandon: a statement names both Medusa's tables and cart_abandon's");
    const std::string schema = medusa_schema();
    if (!OidIsValid(extension_owner))
        guarded([] { elog(ERROR, "cart_abandon: use_extension_owner() was not called"); });
    const Oid role = over_medusa ? current_medusa_owner(schema) : extension_owner;
    if (!plan_ || schema != prepared_for_schema_) {
        const std::string quoted = guarded([&] { return std::string(quote_identifier(schema.c_str())); });
        const std::string text = expand_schema(sql_, quoted);
        guarded([&] {
            as_role(role, over_medusa, [&] {
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
        if (values[i])
            datums[i] = *values[i];
        else
            nulls[i] = 'n';
    }
    return guarded([&] {
        as_role(role, over_medusa, [&] {
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

}  // namespace pg
