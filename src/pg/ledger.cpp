#include <set>
#include <string>
#include <vector>

#include "pg/boundary.hpp"
#include "pg/due_carts.hpp"
#include "pg/ledger.hpp"
#include "pg/spi.hpp"

namespace pg {

namespace {

// The ledger grows while a run writes it: these statements are planned for each call's values
// (Statement::Planning::PerValues), not once, when the table was nearly empty.

// Claiming takes two statements so that it locks nothing it does not take: a new stage is
// inserted with ON CONFLICT DO NOTHING (no lock on a row another run holds), and a stage left
// 'retry' is taken over by an UPDATE that locks only the rows it changes. (ON CONFLICT DO
// UPDATE ... WHERE would lock every conflicting row until commit, and deadlock against the run
// recording those rows.) Both re-check that the cart is still open.
Statement claim_new_statement(R"SQL(
INSERT INTO cart_abandon.deliveries
       (cart_id, stage, channel, status, phone, run_id, claimed_at, skip_reason, error_message, updated_at)
SELECT u.cart_id, u.stage, $8, CASE WHEN u.skip THEN 'skipped' ELSE 'claimed' END, nullif(u.phone, ''), $6,
       clock_timestamp(), nullif(u.reason, ''), nullif(u.detail, ''), clock_timestamp()
  FROM unnest($1::text[], $2::int[], $3::bool[], $4::text[], $5::text[], $7::text[])
       AS u(cart_id, stage, skip, phone, reason, detail)
 WHERE EXISTS (SELECT 1 FROM @medusa@.cart c
                WHERE c.id = u.cart_id AND c.completed_at IS NULL AND c.deleted_at IS NULL)
 ORDER BY u.cart_id
ON CONFLICT (cart_id, stage, channel) DO NOTHING
RETURNING cart_id, stage, status, attempts
)SQL",
    {TEXTARRAYOID, INT4ARRAYOID, BOOLARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8OID, TEXTARRAYOID, TEXTOID},
    Statement::Planning::PerValues);

Statement claim_retry_statement(R"SQL(
UPDATE cart_abandon.deliveries d
   SET status = CASE WHEN u.skip THEN 'skipped' ELSE 'claimed' END, phone = nullif(u.phone, ''), run_id = $6,
       claimed_at = clock_timestamp(), skip_reason = nullif(u.reason, ''), error_message = nullif(u.detail, ''),
       updated_at = clock_timestamp()
  FROM unnest($1::text[], $2::int[], $3::bool[], $4::text[], $5::text[], $7::text[])
       AS u(cart_id, stage, skip, phone, reason, detail)
 WHERE d.cart_id = u.cart_id AND d.stage = u.stage AND d.channel = $8
   AND d.status = 'retry' AND d.attempts < $9
   AND EXISTS (SELECT 1 FROM @medusa@.cart c
                WHERE c.id = u.cart_id AND c.completed_at IS NULL AND c.deleted_at IS NULL)
RETURNING d.cart_id, d.stage, d.status, d.attempts
)SQL",
    {TEXTARRAYOID, INT4ARRAYOID, BOOLARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8OID, TEXTARRAYOID, TEXTOID, INT4OID},
    Statement::Planning::PerValues);

// The ledger row and the cart's metadata change in one statement, so they commit together.
// Only the "notifications" key of metadata is touched, read and written in the same UPDATE, so
// a concurrent writer's other keys survive. Each outcome first finds its open row by the unique
// key (OFFSET 0 and MATERIALIZED keep that order), then the row is updated by id alone: given a
// status condition on the updated table, the planner takes the open rows for few (status is
// rarely 'claimed' when the table is analyzed) and rescans every outcome for each of them. The
// row is this run's claim: only expire_statement can change it meanwhile, to 'unknown', which
// takes the outcome too.
Statement record_statement(R"SQL(
WITH outcome AS MATERIALIZED (
    SELECT u.*, d.id
      FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[],
                  $8::text[], $9::bool[])
           AS u(cart_id, stage, status, attempts_added, wamid, wa_id, error_code, error_message, write_metadata)
     CROSS JOIN LATERAL (SELECT d.id FROM cart_abandon.deliveries d
                          WHERE d.cart_id = u.cart_id AND d.stage = u.stage AND d.channel = $10
                            AND d.status IN ('claimed', 'unknown')
                          OFFSET 0) d
),
recorded AS (
    UPDATE cart_abandon.deliveries d
       SET status = o.status, attempts = d.attempts + o.attempts_added,
           wamid = coalesce(o.wamid, d.wamid), wa_id = coalesce(o.wa_id, d.wa_id),
           error_code = nullif(o.error_code, 0), error_message = o.error_message,
           sent_at = CASE WHEN o.status = 'sent' THEN clock_timestamp() ELSE d.sent_at END,
           updated_at = clock_timestamp()
      FROM outcome o
     WHERE d.id = o.id
    RETURNING d.cart_id, d.stage, d.status, d.sent_at, d.error_message, o.write_metadata
),
patch AS (
    SELECT r.cart_id,
           CASE WHEN r.status = 'sent'
                THEN jsonb_build_object(p.prefix || 'Sent', true,
                                        p.prefix || 'SentAt', to_char(r.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                        p.prefix || 'Error', NULL)
                ELSE jsonb_build_object(p.prefix || 'Error', r.error_message)
           END AS notifications
      FROM recorded r
     CROSS JOIN LATERAL (SELECT CASE r.stage WHEN 1 THEN 'first' ELSE 'second' END AS prefix) p
     WHERE r.write_metadata
)
UPDATE @medusa@.cart c
   SET metadata = cart_abandon.merge_notifications(c.metadata, patch.notifications)
  FROM patch
 WHERE c.id = patch.cart_id
)SQL",
    {TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID,
     BOOLARRAYOID, TEXTOID},
    Statement::Planning::PerValues);

// A claim must survive a crash before its message leaves, and an outcome once Meta has it:
// where the server runs with synchronous_commit = off, this transaction commits durably anyway
// (SET LOCAL semantics; stronger settings are left as they are).
Statement durable_commit_statement(
    "SELECT pg_catalog.set_config('synchronous_commit', 'local', true) "
    "WHERE pg_catalog.current_setting('synchronous_commit') = 'off'",
    {});

Statement opted_out_statement("SELECT phone FROM cart_abandon.opt_outs WHERE phone = ANY ($1)", {TEXTARRAYOID});

Statement add_opt_outs_statement(R"SQL(
INSERT INTO cart_abandon.opt_outs (phone, source, reason)
SELECT DISTINCT p, $2, $3 FROM unnest($1::text[]) AS p
ON CONFLICT (phone) DO NOTHING
)SQL",
    {TEXTARRAYOID, TEXTOID, TEXTOID});

Statement channel_paused_statement(R"SQL(
INSERT INTO cart_abandon.channel_status AS s (channel, paused, error_code, error_message, changed_at)
VALUES ($1, true, nullif($2, 0), $3, clock_timestamp())
ON CONFLICT (channel) DO UPDATE
   SET paused = true, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
       changed_at = EXCLUDED.changed_at
)SQL",
    {TEXTOID, INT4OID, TEXTOID});

// Touches the row only when it says paused, so a healthy channel costs no write.
Statement channel_sending_statement(R"SQL(
UPDATE cart_abandon.channel_status
   SET paused = false, changed_at = clock_timestamp()
 WHERE channel = $1 AND paused
)SQL",
    {TEXTOID});

Statement expire_statement(R"SQL(
UPDATE cart_abandon.deliveries
   SET status = 'unknown', updated_at = clock_timestamp(),
       error_message = 'outcome unknown: the run that claimed this reminder stopped before recording an answer; not resent'
 WHERE status = 'claimed' AND claimed_at < clock_timestamp() - make_interval(secs => $1)
)SQL",
    {FLOAT8OID});

}  // namespace

std::vector<ClaimedStage> claim_stages(const std::vector<LedgerClaim>& claims, std::optional<int64_t> run_id,
                                       int max_attempts) {
    if (claims.empty()) return {};
    std::vector<std::string> cart_ids, phones, reasons, details;
    std::vector<int> stages;
    std::vector<bool> skips;
    for (const auto& claim : claims) {
        cart_ids.push_back(claim.cart_id);
        stages.push_back(claim.stage);
        skips.push_back(claim.skip);
        phones.push_back(claim.phone);
        reasons.push_back(claim.skip_reason);
        details.push_back(claim.detail);
    }
    const std::vector<std::optional<Datum>> values = {
        text_array(cart_ids), int_array(stages), bool_array(skips), text_array(phones), text_array(reasons),
        run_id ? std::optional<Datum>(int8_value(*run_id)) : std::nullopt, text_array(details),
        text_value(kWhatsAppChannel), int_value(max_attempts)};
    std::vector<ClaimedStage> claimed;
    auto collect = [&](uint64_t rows) {
        for (uint64_t row = 0; row < rows; ++row) {
            ClaimedStage& stage = claimed.emplace_back();
            stage.cart_id = cell_text_or_empty(row, 0);
            stage.stage = int(cell_int(row, 1).value_or(0));
            stage.skipped = cell_text_or_empty(row, 2) == "skipped";
            stage.attempts = int(cell_int(row, 3).value_or(0));
        }
        release_result();
    };
    collect(claim_new_statement.execute({values.begin(), values.end() - 1}));
    collect(claim_retry_statement.execute(values));
    durable_commit_statement.run({});
    return claimed;
}

void record_outcomes(const std::vector<LedgerOutcome>& outcomes) {
    if (outcomes.empty()) return;
    std::vector<std::string> cart_ids, statuses;
    std::vector<int> stages, attempts_added, error_codes;
    std::vector<std::optional<std::string>> wamids, wa_ids, messages;
    std::vector<bool> write_metadata;
    for (const auto& outcome : outcomes) {
        cart_ids.push_back(outcome.cart_id);
        stages.push_back(outcome.stage);
        statuses.push_back(outcome.status);
        attempts_added.push_back(outcome.attempts_added);
        wamids.push_back(outcome.wamid);
        wa_ids.push_back(outcome.wa_id);
        error_codes.push_back(int(outcome.error_code));
        messages.push_back(outcome.error_message);
        write_metadata.push_back(outcome.write_metadata);
    }
    record_statement.run({text_array(cart_ids), int_array(stages), text_array(statuses), int_array(attempts_added),
                              nullable_text_array(wamids), nullable_text_array(wa_ids), int_array(error_codes),
                              nullable_text_array(messages), bool_array(write_metadata), text_value(kWhatsAppChannel)});
    durable_commit_statement.run({});
}

std::set<std::string> opted_out_phones(const std::vector<std::string>& phones) {
    std::set<std::string> opted_out;
    if (phones.empty()) return opted_out;
    const auto rows = opted_out_statement.execute({text_array(phones)});
    for (uint64_t row = 0; row < rows; ++row) opted_out.insert(cell_text_or_empty(row, 0));
    release_result();
    return opted_out;
}

void add_opt_outs(const std::vector<std::string>& phones, const std::string& source, const std::string& reason) {
    if (phones.empty()) return;
    add_opt_outs_statement.run({text_array(phones), text_value(source), text_value(reason)});
}

void record_channel_paused(long error_code, const std::string& error_message) {
    channel_paused_statement.run({text_value(kWhatsAppChannel), int_value(int(error_code)), text_value(error_message)});
}

void record_channel_sending() {
    channel_sending_statement.run({text_value(kWhatsAppChannel)});
}

uint64_t expire_stale_claims(std::chrono::seconds timeout) {
    return expire_statement.run({Float8GetDatum(double(timeout.count()))});
}

}  // namespace pg
