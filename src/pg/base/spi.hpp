// SPI as the rest of the PostgreSQL layer uses it: statements prepared once per backend and
// kept, run as the role their text decides; their typed parameters and typed reads of the last
// result are in src/pg/base/spi_values.hpp. Every function here may be called from C++ code:
// each one runs its PostgreSQL calls inside guarded().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/base/postgres.hpp"

namespace pg {

// Who runs a statement follows from what it names (the statement's text decides, so no call
// site can choose wrongly):
// - one naming Medusa's tables ("@medusa@") runs as the OWNER OF THOSE TABLES inside a
//   security-restricted operation, as PostgreSQL's own VACUUM, ANALYZE and REFRESH MATERIALIZED
//   VIEW do since CVE-2022-1552: whatever that role attached to its tables (triggers, rules,
//   index expressions, defaults, policies, a view in a table's place) runs with its own rights,
//   never the extension owner's, and can neither queue deferred triggers nor keep a setting;
// - any other runs as the extension's owner (cart_abandon's own tables, the catalogs).
// No statement names both: data crosses between the two as parameters. Both pin search_path to
// pg_catalog, pg_temp and turn JIT off (no batch query is worth a compilation); the switch is
// per statement, never across a commit, so an error always falls back to the caller. That is
// what SECURITY DEFINER does for a function, done per statement so that it also holds in
// CALL cart_abandon_run(), which commits and so cannot be SECURITY DEFINER.
// Call once per SQL call, after connect: it also forgets the Medusa owner of an earlier call.
void use_extension_owner();

// Finds the owner of Medusa's tables now (the statements over them run as that role): fails
// with 42501 when they have several owners, or one is not a table, or the schema is temporary.
// Calls check this before they start anything, so that such a call leaves no trace but its error.
void require_medusa_owner();

void spi_connect(bool nonatomic);
void spi_finish();
void spi_commit();

// One SQL statement with its parameter types. "@medusa@" in the text stands for the quoted
// Medusa schema name (an identifier cannot be a parameter); values are always parameters. A
// statement naming "@medusa@" and "cart_abandon." is refused when first prepared.
class Statement {
public:
    // How the plan follows the values. Generic: planned once, kept (key lookups). PerValues:
    // replanned for each call's values, for a statement whose best plan depends on them (a
    // time range): PostgreSQL's generic plan guesses a third of the table for `>= $2` and,
    // after five calls, would scan every cart. Also for a statement on a table that grows
    // during the call: a plan kept from when the ledger was nearly empty scans it for every batch.
    enum class Planning { Generic, PerValues };

    Statement(const char* sql, std::vector<Oid> parameter_types, Planning planning = Planning::Generic)
        : sql_(sql), types_(std::move(parameter_types)), planning_(planning) {}

    // Runs with the given values (NULL where the optional is empty) and returns the row
    // count; the rows stay readable through the cell readers until release_result().
    uint64_t execute(const std::vector<std::optional<Datum>>& values);

    // execute() for a statement whose rows are not read: the result is released at once.
    uint64_t run(const std::vector<std::optional<Datum>>& values);

private:
    const char* sql_;
    std::vector<Oid> types_;
    Planning planning_;
    SPIPlanPtr plan_ = nullptr;
    std::string prepared_for_schema_;
};

// Frees the last result once its cells have been read.
void release_result();

}  // namespace pg
