#include "pg/meta_limits.hpp"

#include "pg/spi.hpp"

namespace pg {

namespace {

Statement record_statement(R"SQL(
INSERT INTO cart_abandon.restricted_countries AS r (phone_number_id, region, error_message, until)
SELECT $1, u.region, $4, $3 FROM unnest($2::text[]) AS u(region) WHERE u.region ~ '^[A-Z]{2}$'
ON CONFLICT (phone_number_id, region) DO UPDATE
   SET until = greatest(r.until, EXCLUDED.until), error_message = EXCLUDED.error_message,
       since = CASE WHEN r.until < clock_timestamp() THEN clock_timestamp() ELSE r.since END
)SQL",
    {TEXTOID, TEXTARRAYOID, TIMESTAMPTZOID, TEXTOID});

Statement held_statement(
    "SELECT region, until FROM cart_abandon.restricted_countries WHERE phone_number_id = $1 AND until > $2",
    {TEXTOID, TIMESTAMPTZOID});

}  // namespace

void record_country_restrictions(const std::string& phone_number_id, const std::vector<std::string>& regions,
                                 cart_abandon::Timestamp until, const std::string& error_message) {
    if (regions.empty()) return;
    record_statement.run({text_value(phone_number_id), text_array(regions), timestamp_value(until),
                          text_value(error_message)});
}

std::map<std::string, cart_abandon::Timestamp> country_restrictions(const std::string& phone_number_id,
                                                                    cart_abandon::Timestamp now) {
    std::map<std::string, cart_abandon::Timestamp> held;
    const auto rows = held_statement.execute({text_value(phone_number_id), timestamp_value(now)});
    for (uint64_t row = 0; row < rows; ++row)
        held[cell_text_or_empty(row, 0)] = cell_timestamp(row, 1).value_or(now);
    release_result();
    return held;
}

}  // namespace pg
