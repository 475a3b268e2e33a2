#include "pg/store/meta_limits.hpp"

#include <chrono>

#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

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

// Newer events only (Meta retries and reorders webhooks); a quality update keeps the status.
Statement template_updates_statement(R"SQL(
WITH input AS (
    SELECT u.name, u.language,
           (array_agg(u.status ORDER BY u.at DESC) FILTER (WHERE u.status <> ''))[1] AS status,
           (array_agg(u.quality ORDER BY u.at DESC) FILTER (WHERE u.quality <> ''))[1] AS quality,
           (array_agg(nullif(u.reason, '') ORDER BY u.at DESC) FILTER (WHERE u.status <> ''))[1] AS reason,
           max(u.at) AS at
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
           AS u(name, language, status, quality, reason, at)
     GROUP BY u.name, u.language
),
applied AS (
    INSERT INTO cart_abandon.template_status AS t (name, language, status, quality, reason, at)
    SELECT name, language, status, quality, reason, at FROM input
    ON CONFLICT (name, language) DO UPDATE
       SET status = coalesce(EXCLUDED.status, t.status), quality = coalesce(EXCLUDED.quality, t.quality),
           reason = CASE WHEN EXCLUDED.status IS NOT NULL THEN EXCLUDED.reason ELSE t.reason END,
           at = EXCLUDED.at, updated_at = clock_timestamp()
     WHERE t.at <= EXCLUDED.at
    RETURNING t.status
),
released AS (
    UPDATE cart_abandon.deliveries d SET not_before = clock_timestamp(), updated_at = clock_timestamp()
     WHERE d.status = 'held' AND d.hold_reason = 'template_paused' AND EXISTS (SELECT 1 FROM applied WHERE status = 'APPROVED')
    RETURNING 1
)
SELECT (SELECT count(*) FROM applied), (SELECT count(*) FROM released)
)SQL",
                                     {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                                      TIMESTAMPTZARRAYOID},
                                     Statement::Planning::PerValues);

Statement stopped_templates_statement(
    "SELECT name || '/' || language FROM cart_abandon.template_status "
    "WHERE status IN ('PAUSED', 'DISABLED', 'REJECTED', 'PENDING_DELETION', 'DELETED')",
    {});

// One lock for every call of the cluster's database that decides under the messaging limit.
Statement window_lock_statement("SELECT pg_catalog.pg_advisory_xact_lock(1667325810, 0)", {});

Statement window_statement(R"SQL(
WITH reached AS (
    SELECT d.recipient, min(coalesce(d.sent_at, d.claimed_at)) AS first_at
      FROM cart_abandon.deliveries d
     WHERE d.status IN ('claimed', 'sent', 'unknown') AND d.recipient IS NOT NULL
       AND coalesce(d.sent_at, d.claimed_at) > $2 - interval '24 hours'
     GROUP BY d.recipient
)
SELECT (SELECT count(*) FROM reached), (SELECT min(first_at) + interval '24 hours' FROM reached), r.recipient
  FROM (SELECT NULL::text AS recipient UNION ALL SELECT recipient FROM reached WHERE recipient = ANY ($1)) r
)SQL",
                           {TEXTARRAYOID, TIMESTAMPTZOID}, Statement::Planning::PerValues);

}  // namespace

MessagingWindow messaging_window(const std::vector<std::string>& phones, cart_abandon::Timestamp now, bool lock) {
    if (lock) window_lock_statement.run({});
    MessagingWindow window;
    const auto rows = window_statement.execute({text_array(phones), timestamp_value(now)});
    window.people = cell_int(0, 0).value_or(0);
    window.frees_at = cell_timestamp(0, 1);
    for (uint64_t row = 0; row < rows; ++row)
        if (!cell_is_null(row, 2)) window.reached.insert(cell_text_or_empty(row, 2));
    release_result();
    return window;
}

uint64_t apply_template_updates(const std::vector<cart_abandon::TemplateUpdate>& updates) {
    if (updates.empty()) return 0;
    std::vector<std::string> names, languages, statuses, qualities, reasons;
    std::vector<cart_abandon::Timestamp> ats;
    const auto now = std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());
    for (const auto& u : updates) {
        names.push_back(u.name);
        languages.push_back(u.language);
        statuses.push_back(u.event);
        qualities.push_back(u.quality);
        reasons.push_back(u.reason);
        ats.push_back(u.timestamp > 0 ? cart_abandon::Timestamp(std::chrono::seconds(u.timestamp)) : now);
    }
    template_updates_statement.execute({text_array(names), text_array(languages), text_array(statuses),
                                        text_array(qualities), text_array(reasons), timestamp_array(ats)});
    const uint64_t applied = uint64_t(cell_int(0, 0).value_or(0));
    release_result();
    return applied;
}

std::set<std::string> stopped_templates() {
    std::set<std::string> stopped;
    const auto rows = stopped_templates_statement.execute({});
    for (uint64_t row = 0; row < rows; ++row) stopped.insert(cell_text_or_empty(row, 0));
    release_result();
    return stopped;
}

void record_country_restrictions(const std::string& phone_number_id, const std::vector<std::string>& regions,
                                 cart_abandon::Timestamp until, const std::string& error_message) {
    if (regions.empty()) return;
    record_statement.run(
        {text_value(phone_number_id), text_array(regions), timestamp_value(until), text_value(error_message)});
}

std::map<std::string, cart_abandon::Timestamp> country_restrictions(const std::string& phone_number_id,
                                                                    cart_abandon::Timestamp now) {
    std::map<std::string, cart_abandon::Timestamp> held;
    const auto rows = held_statement.execute({text_value(phone_number_id), timestamp_value(now)});
    for (uint64_t row = 0; row < rows; ++row) held[cell_text_or_empty(row, 0)] = cell_timestamp(row, 1).value_or(now);
    release_result();
    return held;
}

}  // namespace pg
