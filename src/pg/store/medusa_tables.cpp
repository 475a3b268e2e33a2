// Checks of Medusa's tables, the extension's version and the recommended indexes, before a call reads them.
#include <string>

#include "core/error.hpp"
#include "pg/store/medusa_tables.hpp"
#include "pg/settings.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

Statement missing_tables_statement(
    "SELECT array_to_string(cart_abandon.missing_medusa_tables($1), ', '), "
    "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'cart_abandon')",
    {TEXTOID});

Statement missing_indexes_statement("SELECT array_to_string(cart_abandon.missing_indexes($1), ', ')", {TEXTOID});

// The SQL objects this library's statements expect.
const char* const kSchemaVersion = "1.9";

}  // namespace

void require_medusa_tables() {
    const std::string schema = medusa_schema();
    missing_tables_statement.execute({text_value(schema)});
    const std::string missing = cell_text_or_empty(0, 0);
    const std::string version = cell_text_or_empty(0, 1);
    release_result();
    if (version != kSchemaVersion)
        throw cart_abandon::Error(
            cart_abandon::ErrorKind::MissingConfiguration,
            "the cart_abandon extension is at version " + version + " but its library is " + kSchemaVersion,
            "The library was upgraded; the extension's tables and functions were not.",
            "Run ALTER EXTENSION cart_abandon UPDATE;");
    if (!missing.empty())
        throw cart_abandon::Error(cart_abandon::ErrorKind::MissingTable,
                                  "Medusa tables not found in schema \"" + schema + "\": " + missing,
                                  "cart_abandon reads Medusa v2's cart, cart_address, cart_line_item, "
                                  "cart_shipping_method, customer, customer_address, order, order_address, "
                                  "order_cart, cart_payment_collection, payment_collection, payment_session, "
                                  "payment, sales_channel and region tables.",
                                  "Set cart_abandon.medusa_schema to the schema that holds them, or run "
                                  "Medusa's migrations first.");
    require_medusa_owner();
}

std::string missing_recommended_indexes() {
    missing_indexes_statement.execute({text_value(medusa_schema())});
    std::string missing = cell_text_or_empty(0, 0);
    release_result();
    return missing;
}

}  // namespace pg
