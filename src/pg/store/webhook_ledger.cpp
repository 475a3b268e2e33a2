// What Meta's other webhooks change: marketing preferences and STOP replies in the opt-out list, the
// user ids statuses name, the channel's last webhook; and the lock every webhook writer takes first.
// Statuses: src/pg/store/webhook_statuses.cpp.
#include <string>
#include <vector>

#include "pg/store/webhook_ledger.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// user_preferences: the newest event per person decides (an older one arriving late changes
// nothing); a stop adds the person, a resume removes only what Meta's marketing preference put
// there ('whatsapp', 'whatsapp_131050'). The person: the wa_id, or the business-scoped user id
// when Meta sent it alone (kept as 'user_id:<id>' in whatsapp_preferences); the number:
// cart_abandon.phone_of_person. A stop holds for the number it came through (value.metadata.
// phone_number_id; stopping a second number makes it every number's), a resume lifts only that
// number's entry (part 5).
Statement apply_preferences_statement(R"SQL(
WITH input AS (
    SELECT DISTINCT ON (u.key) u.key, nullif(u.wa_id, '') AS wa_id, nullif(u.user_id, '') AS user_id, u.value, u.at,
           nullif(u.phone_number_id, '') AS phone_number_id
      FROM (SELECT u.*, coalesce(nullif(u.wa_id, ''), 'user_id:' || u.user_id) AS key
              FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
                   AS u(wa_id, value, at, user_id, phone_number_id)) u
     ORDER BY u.key, u.at DESC, u.value = 'stop' DESC
),
newer AS (
    INSERT INTO cart_abandon.whatsapp_preferences AS p (wa_id, value, at)
    SELECT key, value, at FROM input
    ON CONFLICT (wa_id) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at, updated_at = clock_timestamp()
     WHERE p.at < EXCLUDED.at OR (p.at = EXCLUDED.at AND p.value = 'resume' AND EXCLUDED.value = 'stop')
    RETURNING wa_id AS key, value
),
person AS (
    SELECT i.wa_id, i.user_id, n.value, cart_abandon.phone_of_person(i.wa_id, i.user_id) AS phone, i.phone_number_id
      FROM newer n JOIN input i ON i.key = n.key
),
added AS (
    INSERT INTO cart_abandon.opt_outs AS o (kind, address, wa_id, user_id, source, reason, phone_number_id)
    SELECT DISTINCT ON (p.phone) 'phone', p.phone, p.wa_id, p.user_id, 'whatsapp',
           'the user stopped marketing messages (WhatsApp user_preferences)', p.phone_number_id
      FROM person p
     WHERE p.value = 'stop' AND p.phone ~ '^\+[1-9][0-9]{6,14}$' AND (p.wa_id IS NULL OR p.wa_id ~ '^[0-9]{6,20}$')
    ON CONFLICT (kind, address) DO UPDATE SET wa_id = coalesce(o.wa_id, EXCLUDED.wa_id),
                                              user_id = coalesce(o.user_id, EXCLUDED.user_id),
                                              phone_number_id = CASE WHEN o.phone_number_id = EXCLUDED.phone_number_id
                                                                     THEN o.phone_number_id END
     WHERE o.wa_id IS NULL OR o.user_id IS NULL OR o.phone_number_id IS DISTINCT FROM EXCLUDED.phone_number_id
    RETURNING (xmax = 0) AS inserted
),
removed AS (
    DELETE FROM cart_abandon.opt_outs o
     USING person p
     WHERE p.value = 'resume' AND o.source IN ('whatsapp', 'whatsapp_131050')
       AND (o.wa_id = p.wa_id OR (o.kind = 'phone' AND o.address = p.phone) OR o.user_id = p.user_id)
       AND o.phone_number_id IS NOT DISTINCT FROM p.phone_number_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM added WHERE inserted), (SELECT count(*) FROM removed), (SELECT count(*) FROM newer)
)SQL",
                                      {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID},
                                      Statement::Planning::PerValues);

// A "STOP" reply or the "Stop promotions" button: a written request to the business, kept until
// the shop lifts it (a later resume of the marketing preference does not).
// The person: the wa_id, or the business-scoped user id when Meta sent it alone; the request holds
// for the number it was sent to (a second number's makes it every number's) (part 5).
Statement add_reply_opt_outs_statement(R"SQL(
WITH person AS (
    SELECT DISTINCT ON (3) nullif(u.wa_id, '') AS wa_id, nullif(u.user_id, '') AS user_id,
           cart_abandon.phone_of_person(u.wa_id, u.user_id) AS phone, nullif(u.phone_number_id, '') AS phone_number_id
      FROM unnest($1::text[], $2::text[], $3::text[]) AS u(wa_id, user_id, phone_number_id)
)
INSERT INTO cart_abandon.opt_outs AS o (kind, address, wa_id, user_id, source, reason, phone_number_id)
SELECT 'phone', p.phone, p.wa_id, p.user_id, 'whatsapp_reply', 'the user asked to stop (a reply on WhatsApp)', p.phone_number_id
  FROM person p
 WHERE p.phone ~ '^\+[1-9][0-9]{6,14}$' AND (p.wa_id IS NULL OR p.wa_id ~ '^[0-9]{6,20}$')
ON CONFLICT (kind, address) DO UPDATE SET source = 'whatsapp_reply', reason = EXCLUDED.reason,
                                          wa_id = coalesce(o.wa_id, EXCLUDED.wa_id),
                                          user_id = coalesce(o.user_id, EXCLUDED.user_id),
                                          phone_number_id = CASE WHEN o.phone_number_id = EXCLUDED.phone_number_id
                                                                 THEN o.phone_number_id END
 WHERE o.source IN ('whatsapp', 'whatsapp_131050')
    OR (o.source = 'whatsapp_reply' AND o.phone_number_id IS DISTINCT FROM EXCLUDED.phone_number_id)
RETURNING (xmax = 0) AS inserted
)SQL",
                                       {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID}, Statement::Planning::PerValues);

// part 5: the business-scoped user id a status named its recipient by, kept beside the wa_id
// (after apply_statuses: a row matched by its callback data has its wamid by then).
Statement store_user_ids_statement(R"SQL(
UPDATE cart_abandon.deliveries d SET user_id = u.user_id
  FROM (SELECT DISTINCT ON (u.provider_message_id) u.provider_message_id, u.user_id
          FROM unnest($1::text[], $2::text[]) AS u(provider_message_id, user_id) WHERE u.user_id <> '') u
 WHERE d.provider_message_id = u.provider_message_id AND d.channel = $3 AND d.user_id IS DISTINCT FROM u.user_id
   AND d.recipient IS NOT NULL  -- an erased person's row stays without identifiers
)SQL",
                                   {TEXTARRAYOID, TEXTARRAYOID, TEXTOID}, Statement::Planning::PerValues);

// Every signed webhook proves the path works; statuses also say how far Meta has spoken.
Statement note_webhook_statement(R"SQL(
INSERT INTO cart_abandon.channel_status AS s (channel, paused, last_webhook_at, webhook_covers)
VALUES ($1, false, clock_timestamp(), $2)
ON CONFLICT (channel) DO UPDATE
   SET last_webhook_at = EXCLUDED.last_webhook_at,
       webhook_covers = greatest(s.webhook_covers, EXCLUDED.webhook_covers)
)SQL",
                                 {TEXTOID, TIMESTAMPTZOID});

// Webhook calls apply one at a time: each statement then reads what the previous call committed,
// so a body delivered twice at once cannot apply a failure twice.
Statement serialize_statement("SELECT pg_catalog.pg_advisory_xact_lock(1667325809, 0)", {});

}  // namespace

void serialize_webhooks() { serialize_statement.run({}); }

PreferenceResult apply_preferences(const std::vector<PreferenceRow>& rows) {
    PreferenceResult result;
    if (rows.empty()) return result;
    std::vector<std::string> wa_ids, values, user_ids, numbers;
    std::vector<cart_abandon::Timestamp> ats;
    for (const auto& row : rows) {
        wa_ids.push_back(row.wa_id);
        values.push_back(row.value);
        ats.push_back(row.at);
        user_ids.push_back(row.user_id);
        numbers.push_back(row.phone_number_id);
    }
    apply_preferences_statement.execute(
        {text_array(wa_ids), text_array(values), timestamp_array(ats), text_array(user_ids), text_array(numbers)});
    result.added = uint64_t(cell_int(0, 0).value_or(0));
    result.removed = uint64_t(cell_int(0, 1).value_or(0));
    result.applied = uint64_t(cell_int(0, 2).value_or(0));
    release_result();
    return result;
}

void store_user_ids(cart_abandon::ChannelKind channel, const std::vector<StatusRow>& rows) {
    std::vector<std::string> wamids, user_ids;
    for (const auto& row : rows) {
        if (row.recipient_user_id.empty()) continue;
        wamids.push_back(row.provider_message_id);
        user_ids.push_back(row.recipient_user_id);
    }
    if (!wamids.empty())
        store_user_ids_statement.run(
            {text_array(wamids), text_array(user_ids), text_value(cart_abandon::name(channel))});
}

uint64_t add_reply_opt_outs(const std::vector<ReplyRow>& replies) {
    if (replies.empty()) return 0;
    std::vector<std::string> wa_ids, user_ids, numbers;
    for (const auto& reply : replies) {
        wa_ids.push_back(reply.wa_id);
        user_ids.push_back(reply.user_id);
        numbers.push_back(reply.phone_number_id);
    }
    const uint64_t rows =
        add_reply_opt_outs_statement.execute({text_array(wa_ids), text_array(user_ids), text_array(numbers)});
    uint64_t inserted = 0;
    for (uint64_t row = 0; row < rows; ++row) inserted += cell_bool(row, 0) ? 1 : 0;
    release_result();
    return inserted;
}

void note_webhook(cart_abandon::ChannelKind channel, std::optional<cart_abandon::Timestamp> covers) {
    note_webhook_statement.run({text_value(cart_abandon::name(channel)),
                                covers ? std::optional<Datum>(timestamp_value(*covers)) : std::nullopt});
}

}  // namespace pg
