// Whether Medusa's tables, the extension's version and the recommended indexes are as cart_abandon needs.
#pragma once

#include <string>

namespace pg {

// Fails with an error naming the missing tables when Medusa's tables are not in the schema, and
// with 42501 when they cannot be read as their one owner (require_medusa_owner).
void require_medusa_tables();

// The recommended indexes (cart_abandon_recommended_indexes) missing from Medusa's schema,
// comma-separated; empty when all are there. A catalog lookup, by definition, whatever the names.
std::string missing_recommended_indexes();

}  // namespace pg
