#include "pg/store/advisory_locks.hpp"

#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

Statement lock_keys_statement(R"SQL(
SELECT count(pg_catalog.pg_advisory_xact_lock($1, pg_catalog.hashtext(k)))
  FROM (SELECT DISTINCT k FROM unnest($2::text[]) AS k ORDER BY k) keys
)SQL",
                              {INT4OID, TEXTARRAYOID});

}  // namespace

void lock_keys(LockSpace space, const std::vector<std::string>& keys) {
    if (!keys.empty()) lock_keys_statement.run({int_value(int(space)), text_array(keys)});
}

}  // namespace pg
