// What Meta's webhooks change in the ledger and the opt-out list: set-based statements, each
// idempotent (a second application changes nothing) and order-independent (only a newer or
// further status changes a row).
#include <string>
#include <vector>

#include "core/channels/whatsapp/cloud_api.hpp"
#include "pg/store/due_carts.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/webhook_ledger.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// One row per status. A status finds its row by wamid; when the send's answer was lost (the row
// has no wamid yet: unknown, or claimed by a backend that is gone), by the callback data naming
// the row and its claim. A status that finds no row (its send's answer not yet recorded: the
// claim is live) is kept in cart_abandon.kept_statuses, to be applied once the row is recorded
// (src/pg/store/kept_statuses.cpp): never dropped.
// Statuses of one row in one body are folded: the furthest status and Meta's earliest time of
// each. A failure counts once (failed_at set) and never after Meta delivered the message.
// Delivered and read times only move earlier; webhook_status only further.
Statement apply_statuses_statement(R"SQL(
WITH input AS (
    SELECT u.*, CASE u.status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 4
                              ELSE 0 END AS rank
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[],
                  $7::text[], $8::int[], $9::text[], $10::text[], $13::timestamptz[], $14::text[])
           WITH ORDINALITY AS u(provider_message_id, status, at, recipient_id, delivery_id, claimed_at, action, error_code,
                                error_text, metadata_error, received_at, recipient_user_id, ord)
),
matched AS MATERIALIZED (
    SELECT i.*, d.id
      FROM input i
     CROSS JOIN LATERAL (
           SELECT d.id FROM cart_abandon.deliveries d WHERE d.provider_message_id = i.provider_message_id AND d.channel = $12
           UNION ALL
           -- A live claim's answer is still on its way (its run records it); a dead one's never comes.
           SELECT d.id FROM cart_abandon.deliveries d
            WHERE d.id = nullif(i.delivery_id, '')::bigint AND d.claimed_at = i.claimed_at AND d.provider_message_id IS NULL
              AND d.channel = $12
              AND (d.status = 'unknown' OR (d.status = 'claimed' AND NOT cart_abandon.session_alive(d.claim_session)))
           LIMIT 1) d
),
folded AS (
    SELECT m.id,
           max(m.rank) AS rank,
           min(m.at) FILTER (WHERE m.rank >= 1) AS accepted_at,
           min(m.at) FILTER (WHERE m.rank >= 2) AS delivered_at,
           min(m.at) FILTER (WHERE m.rank >= 3) AS read_at,
           min(m.at) FILTER (WHERE m.status = 'failed') AS failed_at,
           (array_agg(m.action ORDER BY m.at, m.ord) FILTER (WHERE m.status = 'failed'))[1] AS action,
           (array_agg(m.error_code ORDER BY m.at, m.ord) FILTER (WHERE m.status = 'failed'))[1] AS error_code,
           (array_agg(m.error_text ORDER BY m.at, m.ord) FILTER (WHERE m.status = 'failed'))[1] AS error_text,
           (array_agg(m.metadata_error ORDER BY m.at, m.ord) FILTER (WHERE m.status = 'failed'))[1] AS metadata_error,
           (array_agg(m.provider_message_id ORDER BY m.ord))[1] AS provider_message_id,
           (array_agg(m.recipient_id ORDER BY m.ord) FILTER (WHERE m.recipient_id <> ''))[1] AS recipient_id
      FROM matched m
     GROUP BY m.id
),
planned AS (
    SELECT d.id, d.cart_id, d.stage, d.recipient, d.status AS old_status, f.action, f.error_code, f.error_text,
           f.metadata_error, f.recipient_id,
           f.failed_at IS NOT NULL AND d.failed_at IS NULL AND coalesce(d.delivered_at, f.delivered_at) IS NULL AS fails,
           d.failed_at IS NOT NULL AS failed_before,
           d.unlisted_answer_at IS NOT NULL AS unlisted_before,  -- part 5: 'recheck' retries once
           -- A claim whose answer was lost had its request counted only if recorded (unknown).
           d.attempts + CASE WHEN d.status = 'claimed' THEN 1 ELSE 0 END AS attempts_after,
           coalesce(d.provider_message_id, f.provider_message_id) AS provider_message_id,
           -- A failed message stays failed: a late status of it changes nothing.
           CASE WHEN d.failed_at IS NULL THEN least(d.delivered_at, f.delivered_at) ELSE d.delivered_at END AS delivered_at,
           CASE WHEN d.failed_at IS NULL THEN least(d.read_at, f.read_at) ELSE d.read_at END AS read_at,
           f.failed_at, f.accepted_at,
           CASE greatest(CASE d.webhook_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3
                                               WHEN 'played' THEN 4 ELSE 0 END, f.rank)
                WHEN 1 THEN 'sent' WHEN 2 THEN 'delivered' WHEN 3 THEN 'read' WHEN 4 THEN 'played' END AS furthest,
           d.webhook_status AS old_webhook_status, d.delivered_at AS old_delivered_at, d.read_at AS old_read_at
      FROM folded f
      JOIN cart_abandon.deliveries d ON d.id = f.id
),
next AS (
    SELECT p.*,
           CASE WHEN p.fails THEN
                     CASE p.action
                          WHEN 'defer' THEN CASE WHEN p.attempts_after < $11 THEN 'held' ELSE 'failed' END
                          WHEN 'retry' THEN CASE WHEN p.attempts_after < $11 THEN 'retry' ELSE 'failed' END
                          WHEN 'pause' THEN 'retry'
                          WHEN 'recheck' THEN CASE WHEN p.unlisted_before THEN 'failed' ELSE 'retry' END
                          ELSE 'failed' END
                WHEN p.old_status IN ('claimed', 'unknown') AND p.accepted_at IS NOT NULL AND NOT p.failed_before THEN 'sent'
                ELSE p.old_status END AS status,
           CASE WHEN p.fails OR p.failed_before THEN 'failed' ELSE coalesce(p.furthest, p.old_webhook_status) END AS webhook_status
      FROM planned p
),
changed AS (
    UPDATE cart_abandon.deliveries d
       SET status = n.status,
           webhook_status = n.webhook_status,
           provider_message_id = n.provider_message_id,
           provider_recipient_id = coalesce(d.provider_recipient_id, n.recipient_id),
           delivered_at = n.delivered_at,
           read_at = n.read_at,
           sent_at = CASE WHEN n.old_status IN ('claimed', 'unknown') AND n.status <> n.old_status
                          THEN coalesce(n.accepted_at, n.failed_at, clock_timestamp()) ELSE d.sent_at END,
           attempts = CASE WHEN n.old_status = 'claimed' AND n.status <> 'claimed' THEN n.attempts_after
                           ELSE d.attempts END
                      -- A failure that every message gets alike is the channel's, not this cart's.
                      - CASE WHEN n.fails AND n.action = 'pause' AND d.attempts > 0 THEN 1 ELSE 0 END
                      -- part 5: a code Meta's table does not name: its first answer spends no attempt.
                      - CASE WHEN n.fails AND n.action = 'recheck' AND NOT n.unlisted_before
                                  AND (d.attempts > 0 OR n.old_status = 'claimed') THEN 1 ELSE 0 END,
           unlisted_answer_at = CASE WHEN n.fails AND n.action = 'recheck'
                                     THEN coalesce(d.unlisted_answer_at, clock_timestamp()) ELSE d.unlisted_answer_at END,
           failed_at = CASE WHEN n.fails THEN n.failed_at ELSE d.failed_at END,
           -- part 5: a recheck's code 0 is a failed status that had none (Meta's 0 pauses instead).
           error_code = CASE WHEN n.fails THEN CASE WHEN n.action = 'recheck' THEN nullif(n.error_code, 0)
                                                    ELSE n.error_code END
                             ELSE d.error_code END,
           error_message = CASE WHEN n.fails THEN 'failed after Meta accepted it: ' || n.error_text
                                WHEN n.status = 'sent' AND n.old_status <> 'sent' THEN NULL
                                ELSE d.error_message END,
           hold_reason = CASE WHEN n.status = 'held' THEN 'meta_marketing_cap' ELSE d.hold_reason END,
           not_before = CASE WHEN n.status = 'held' THEN n.failed_at + interval '24 hours' ELSE d.not_before END,
           webhook_at = clock_timestamp(),
           updated_at = CASE WHEN n.status <> n.old_status THEN clock_timestamp() ELSE d.updated_at END,
           -- What public cart metadata shows of it changes: the ledger says so first (the
           -- metadata, a mirror, is written afterwards without waiting for the shopper).
           metadata_error = CASE WHEN n.fails THEN nullif(n.metadata_error, '') ELSE d.metadata_error END,
           metadata_pending_since = CASE WHEN n.fails OR (n.status = 'sent' AND n.old_status <> 'sent')
                                         THEN clock_timestamp() ELSE d.metadata_pending_since END
      FROM next n
     WHERE d.id = n.id
       AND (n.status, n.webhook_status, n.delivered_at, n.read_at, n.provider_message_id)
           IS DISTINCT FROM (n.old_status, n.old_webhook_status, n.old_delivered_at, n.old_read_at, d.provider_message_id)
    RETURNING d.id, d.cart_id, d.stage, d.recipient, d.status, d.sent_at, d.claimed_at, n.old_status, n.fails,
              n.action, n.metadata_error, n.recipient_id, n.error_code, n.error_text
),
to_keep AS (
    SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.ord = i.ord)
),
-- A status Meta posts again (a retry, a duplicate) is kept once.
kept AS (
    INSERT INTO cart_abandon.kept_statuses (channel, provider_message_id, status, at, recipient, delivery_id, claimed_at, action,
                                            error_code, error_text, metadata_error, received_at, recipient_user_id)
    SELECT $12, i.provider_message_id, i.status, i.at, nullif(i.recipient_id, ''), nullif(i.delivery_id, '')::bigint, i.claimed_at,
           nullif(i.action, ''), CASE WHEN i.status = 'failed' THEN i.error_code END, nullif(i.error_text, ''),
           nullif(i.metadata_error, ''), coalesce(i.received_at, clock_timestamp()), nullif(i.recipient_user_id, '')
      FROM to_keep i
    ON CONFLICT (channel, provider_message_id, status, at) DO NOTHING
    RETURNING 1
),
opted_out AS (
    INSERT INTO cart_abandon.opt_outs (kind, address, wa_id, source, reason)
    SELECT DISTINCT ON (c.recipient) 'phone', c.recipient, nullif(c.recipient_id, ''), 'whatsapp_131050',
           'the user stopped marketing messages from this business'
      FROM changed c
     WHERE c.fails AND c.action = 'opt_out' AND c.recipient IS NOT NULL
    ON CONFLICT (kind, address) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM matched),
       (SELECT count(*) FROM matched m WHERE m.id IN (SELECT c.id FROM changed c)),
       (SELECT count(*) FROM opted_out),
       (SELECT max(claimed_at) FROM changed),
       (SELECT error_code FROM changed WHERE fails AND action = 'pause' LIMIT 1),
       (SELECT error_text FROM changed WHERE fails AND action = 'pause' LIMIT 1),
       (SELECT array_agg(id) FROM changed WHERE fails OR (status = 'sent' AND old_status <> 'sent')),
       (SELECT count(*) FROM to_keep)
)SQL",
                                   {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                                    TIMESTAMPTZARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                                    INT4OID, TEXTOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID},
                                   Statement::Planning::PerValues);

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

void record_pause_of(const StatusResult& result) {
    if (result.pause_code)
        record_channel_paused(*result.pause_code,
                              cart_abandon::channel_pause_reason(*result.pause_code, result.pause_text, true));
}

void StatusResult::add(StatusResult&& other) {
    matched += other.matched;
    changed += other.changed;
    kept += other.kept;
    opt_outs_added += other.opt_outs_added;
    if (other.covers && (!covers || *other.covers > *covers)) covers = other.covers;
    if (other.pause_code && !pause_code) {
        pause_code = other.pause_code;
        pause_text = std::move(other.pause_text);
    }
    metadata_pending.insert(metadata_pending.end(), other.metadata_pending.begin(), other.metadata_pending.end());
}

StatusResult apply_statuses(const std::vector<StatusRow>& rows, int max_attempts) {
    StatusResult result;
    if (rows.empty()) return result;
    std::vector<std::string> wamids, statuses, recipients, delivery_ids, actions, error_texts, metadata_errors,
        user_ids;
    std::vector<cart_abandon::Timestamp> ats;
    std::vector<std::optional<cart_abandon::Timestamp>> claimed_ats, received_ats;
    std::vector<int> error_codes;
    for (const auto& row : rows) {
        wamids.push_back(row.provider_message_id);
        statuses.push_back(cart_abandon::name(row.status));
        ats.push_back(row.at);
        recipients.push_back(row.recipient);
        delivery_ids.push_back(row.delivery_id ? std::to_string(*row.delivery_id) : "");
        claimed_ats.push_back(row.claimed_at);
        received_ats.push_back(row.received_at);
        user_ids.push_back(row.recipient_user_id);
        actions.push_back(row.action ? cart_abandon::name(*row.action) : "");
        error_codes.push_back(int(row.error_code));
        error_texts.push_back(row.error_text);
        metadata_errors.push_back(row.metadata_error);
    }
    apply_statuses_statement.execute(
        {text_array(wamids), text_array(statuses), timestamp_array(ats), text_array(recipients),
         text_array(delivery_ids), nullable_timestamp_array(claimed_ats), text_array(actions), int_array(error_codes),
         text_array(error_texts), text_array(metadata_errors), int_value(max_attempts), text_value(kWhatsAppChannel),
         nullable_timestamp_array(received_ats), text_array(user_ids)});
    result.matched = uint64_t(cell_int(0, 0).value_or(0));
    result.changed = uint64_t(cell_int(0, 1).value_or(0));
    result.opt_outs_added = uint64_t(cell_int(0, 2).value_or(0));
    result.covers = cell_timestamp(0, 3);
    if (!cell_is_null(0, 4)) {
        result.pause_code = cell_int(0, 4).value_or(0);
        result.pause_text = cell_text_or_empty(0, 5);
    }
    result.metadata_pending = cell_int8_array(0, 6);
    result.kept = uint64_t(cell_int(0, 7).value_or(0));
    release_result();
    return result;
}

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

void store_user_ids(const std::vector<StatusRow>& rows) {
    std::vector<std::string> wamids, user_ids;
    for (const auto& row : rows) {
        if (row.recipient_user_id.empty()) continue;
        wamids.push_back(row.provider_message_id);
        user_ids.push_back(row.recipient_user_id);
    }
    if (!wamids.empty())
        store_user_ids_statement.run({text_array(wamids), text_array(user_ids), text_value(kWhatsAppChannel)});
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

void note_webhook(std::optional<cart_abandon::Timestamp> covers) {
    note_webhook_statement.run(
        {text_value(kWhatsAppChannel), covers ? std::optional<Datum>(timestamp_value(*covers)) : std::nullopt});
}

}  // namespace pg
