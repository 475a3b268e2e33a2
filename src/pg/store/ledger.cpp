#include <set>
#include <string>
#include <vector>

#include "core/rules/channel_turn.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/advisory_locks.hpp"
#include "pg/store/uncertain_claims.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// The ledger grows while a run writes it: these statements are planned for each call's values
// (Statement::Planning::PerValues), not once, when the table was nearly empty.

// Claiming takes two statements so that it locks nothing it does not take: a new stage is
// inserted with ON CONFLICT DO NOTHING (no lock on a row another run holds), and an existing row
// (retry, held, a skip a change lifted) is taken over by an UPDATE that locks only the rows it
// changes, and only while the row is as the selection saw it (status and updated_at): another
// run that took it first changed both. (ON CONFLICT DO UPDATE ... WHERE would lock every
// conflicting row until commit, and deadlock against the run recording those rows.) Right
// before, still_open_statement re-checks that each cart is still open and no order links to it.
// One voice across channels: a stage that another channel holds (a row neither failed nor skipped
// for a reason that hands it on: $15, core/rules/channel_turn.hpp) is not claimed, checked under
// a lock per cart and stage (LockSpace::Stages, taken first and kept until the claims
// commit), so that two runs' passes on two channels cannot both take one stage.
#define CLAIM_VALUES                                                                                        \
    "unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $7::text[], $9::text[], "            \
    "$10::timestamptz[], $11::bool[], $12::timestamptz[], $13::timestamptz[], $14::int8[])"                 \
    " AS u(cart_id, stage, status, recipient, reason, detail, hold_reason, not_before, imported, sent_at, " \
    "changed_at, "                                                                                          \
    "fallback_of)"
#define NOT_HELD_ELSEWHERE                                                                                   \
    "NOT EXISTS (SELECT 1 FROM cart_abandon.deliveries o WHERE o.cart_id = u.cart_id AND o.stage = u.stage " \
    "AND o.channel <> $8 AND o.status <> 'failed' AND (o.status <> 'skipped' OR o.skip_reason IS NULL "      \
    "OR o.skip_reason <> ALL ($15::text[])))"

// Of these carts, those still open with no order linked (read as Medusa's tables' owner).
Statement still_open_statement(R"SQL(
SELECT u.id FROM unnest($1::text[]) AS u(id)
 WHERE EXISTS (SELECT 1 FROM @medusa@.cart c WHERE c.id = u.id AND c.completed_at IS NULL AND c.deleted_at IS NULL)
   AND NOT EXISTS (SELECT 1 FROM @medusa@.order_cart oc WHERE oc.cart_id = u.id AND oc.deleted_at IS NULL)
)SQL",
                               {TEXTARRAYOID}, Statement::Planning::PerValues);

Statement claim_new_statement(
    "INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, recipient, run_id, claimed_at, skip_reason, "
    "error_message, hold_reason, not_before, origin, sent_at, cart_changed_at, updated_at, claim_session, fallback_of) "
    "SELECT u.cart_id, u.stage, $8, u.status, nullif(u.recipient, ''), $6, clock_timestamp(), nullif(u.reason, ''), "
    "CASE WHEN u.status <> 'sent' THEN nullif(u.detail, '') END, nullif(u.hold_reason, ''), u.not_before, "
    "CASE WHEN u.imported THEN 'imported' ELSE 'cart_abandon' END, u.sent_at, u.changed_at, clock_timestamp(), "
    "CASE WHEN u.status = 'claimed' THEN $16 END, u.fallback_of "
    "FROM " CLAIM_VALUES " WHERE " NOT_HELD_ELSEWHERE
    " ORDER BY u.cart_id, u.stage "
    "ON CONFLICT (cart_id, stage, channel) DO NOTHING "
    "RETURNING cart_id, stage, status, attempts, id, claimed_at, unlisted_answer_at IS NOT NULL",
    {TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8OID, TEXTARRAYOID, TEXTOID, TEXTARRAYOID,
     TIMESTAMPTZARRAYOID, BOOLARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, INT8ARRAYOID, TEXTARRAYOID, TEXTOID},
    Statement::Planning::PerValues);

Statement claim_existing_statement(
    "UPDATE cart_abandon.deliveries d "
    "SET status = u.status, recipient = nullif(u.recipient, ''), run_id = $6, claimed_at = clock_timestamp(), "
    "skip_reason = nullif(u.reason, ''), error_message = nullif(u.detail, ''), "
    "hold_reason = nullif(u.hold_reason, ''), not_before = u.not_before, cart_changed_at = u.changed_at, "
    "updated_at = clock_timestamp(), claim_session = CASE WHEN u.status = 'claimed' THEN $18 END, "
    // A new message (after a 131049 deferral): late webhooks of the earlier one must not match
    // it, and what they said of the earlier one no longer holds.
    "provider_message_id = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.provider_message_id END, "
    "message_status = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.message_status END, "
    "webhook_status = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.webhook_status END, "
    "delivered_at = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.delivered_at END, "
    "read_at = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.read_at END, "
    "failed_at = CASE WHEN u.status = 'claimed' THEN NULL ELSE d.failed_at END "
    "FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $7::text[], $9::text[], "
    "$10::timestamptz[], $13::timestamptz[], $16::text[], $17::timestamptz[]) "
    "AS u(cart_id, stage, status, recipient, reason, detail, hold_reason, not_before, changed_at, seen_status, "
    "seen_at) "
    "WHERE d.cart_id = u.cart_id AND d.stage = u.stage AND d.channel = $8 "
    "AND d.status = u.seen_status AND d.updated_at = u.seen_at AND " NOT_HELD_ELSEWHERE
    " RETURNING d.cart_id, d.stage, d.status, d.attempts, d.id, d.claimed_at, d.unlisted_answer_at IS NOT NULL",
    {TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8OID, TEXTARRAYOID, TEXTOID, TEXTARRAYOID,
     TIMESTAMPTZARRAYOID, BOOLARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, INT8ARRAYOID, TEXTARRAYOID,
     TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID},
    Statement::Planning::PerValues);

// Outcomes of this call's claims. Each first finds its open row by the unique key (OFFSET 0
// and MATERIALIZED keep that order), then the row is updated by id alone: given a status
// condition on the updated table, the planner takes the open rows for few (status is rarely
// 'claimed' when the table is analyzed) and rescans every outcome for each of them. The row is
// this call's claim: only expire_statement can change it meanwhile, to 'unknown', which takes
// the outcome too; nothing here waits for a shopper (the cart's metadata, a mirror of the
// ledger, is written afterwards: metadata_pending_since marks what it does not show yet).
Statement record_statement(R"SQL(
WITH outcome AS MATERIALIZED (
    SELECT u.*, d.id
      FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[],
                  $8::text[], $9::bool[], $11::text[], $12::text[], $13::timestamptz[], $14::bool[],
                  $15::text[], $16::bool[])
           AS u(cart_id, stage, status, attempts_added, provider_message_id, provider_recipient_id, error_code, error_message, write_metadata,
                metadata_error, message_status, not_before, opt_out, hold_reason, unlisted)
     CROSS JOIN LATERAL (SELECT d.id FROM cart_abandon.deliveries d
                          WHERE d.cart_id = u.cart_id AND d.stage = u.stage AND d.channel = $10
                            AND d.status IN ('claimed', 'unknown')
                          OFFSET 0) d
)
UPDATE cart_abandon.deliveries d
   SET status = o.status, attempts = d.attempts + o.attempts_added,
       provider_message_id = coalesce(o.provider_message_id, d.provider_message_id),
       provider_recipient_id = coalesce(o.provider_recipient_id, d.provider_recipient_id),
       error_code = nullif(o.error_code, 0), error_message = o.error_message,
       sent_at = CASE WHEN o.status = 'sent' THEN clock_timestamp() ELSE d.sent_at END,
       hold_reason = CASE WHEN o.status = 'held' THEN coalesce(nullif(o.hold_reason, ''), 'meta_marketing_cap') END,
       unlisted_answer_at = CASE WHEN o.unlisted THEN clock_timestamp() ELSE d.unlisted_answer_at END,
       not_before = CASE WHEN o.status = 'held' THEN o.not_before END,
       updated_at = clock_timestamp(),
       -- (The claim cleared what webhooks said of an earlier message of this row.)
       message_status = coalesce(o.message_status, d.message_status),
       metadata_error = CASE WHEN o.write_metadata THEN nullif(o.metadata_error, '') ELSE d.metadata_error END,
       metadata_pending_since = CASE WHEN o.write_metadata THEN clock_timestamp() ELSE d.metadata_pending_since END,
       opt_out_pending = d.opt_out_pending OR o.opt_out
  FROM outcome o
 WHERE d.id = o.id
RETURNING d.id, o.write_metadata
)SQL",
                           {TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                            INT4ARRAYOID, TEXTARRAYOID, BOOLARRAYOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
                            TIMESTAMPTZARRAYOID, BOOLARRAYOID, TEXTARRAYOID, BOOLARRAYOID},
                           Statement::Planning::PerValues);

// Opt-outs the outcomes marked: inserted, marks cleared, in one statement. The provider's own
// refusal says the person stopped the shop's messages (WhatsApp 131050, Twilio 21610 after a STOP):
// it holds for every sending number (phone_number_id NULL), as the shop's own entries do.
Statement add_pending_opt_outs_statement(R"SQL(
WITH marked AS (
    UPDATE cart_abandon.deliveries d SET opt_out_pending = false
     WHERE d.opt_out_pending
    RETURNING d.recipient, d.channel
)
INSERT INTO cart_abandon.opt_outs (kind, address, source, reason)
SELECT DISTINCT 'phone', m.recipient,
       CASE m.channel WHEN 'sms' THEN 'twilio_21610' ELSE 'whatsapp_131050' END,
       CASE m.channel WHEN 'sms' THEN 'the recipient texted STOP to the shop''s SMS number (Twilio error 21610)'
                      ELSE 'the user stopped marketing messages from this business' END
  FROM marked m
 WHERE m.recipient IS NOT NULL AND m.channel IN ('whatsapp', 'sms')
ON CONFLICT (kind, address) DO NOTHING
)SQL",
                                         {});

// A claim must survive a crash before its message leaves, and an outcome once Meta has it:
// where the server runs with synchronous_commit = off, this transaction commits durably anyway
// (SET LOCAL semantics; stronger settings are left as they are). 'on', not 'local': with
// synchronous standbys (synchronous_standby_names) it also waits for them, so a promoted standby
// knows every claim whose message may have left.
Statement durable_commit_statement(
    "SELECT pg_catalog.set_config('synchronous_commit', 'on', true) "
    "WHERE pg_catalog.current_setting('synchronous_commit') = 'off'",
    {});

Statement channel_paused_statement(R"SQL(
INSERT INTO cart_abandon.channel_status AS s (channel, paused, error_code, error_message, changed_at)
VALUES ($1, true, nullif($2, 0), $3, clock_timestamp())
ON CONFLICT (channel) DO UPDATE
   SET paused = true, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
       -- A probe that meets the same cause again: paused since the first time.
       changed_at = CASE WHEN s.paused AND s.error_code IS NOT DISTINCT FROM EXCLUDED.error_code
                         THEN s.changed_at ELSE EXCLUDED.changed_at END
)SQL",
                                   {TEXTOID, INT4OID, TEXTOID});

Statement channel_paused_code_statement(
    "SELECT coalesce(error_code, 0) FROM cart_abandon.channel_status WHERE channel = $1 AND paused", {TEXTOID});

// Touches the row only when it says paused, so a healthy channel costs no write.
Statement channel_sending_statement(R"SQL(
UPDATE cart_abandon.channel_status
   SET paused = false, changed_at = clock_timestamp()
 WHERE channel = $1 AND paused
)SQL",
                                    {TEXTOID});

}  // namespace

std::vector<ClaimedStage> claim_stages(cart_abandon::ChannelKind channel, const std::vector<Claim>& claims,
                                       std::optional<int64_t> run_id) {
    std::vector<ClaimedStage> claimed;
    std::set<std::string> open;
    {
        std::vector<std::string> cart_ids;
        for (const auto& claim : claims) cart_ids.push_back(claim.cart_id);
        if (cart_ids.empty()) return claimed;
        const auto rows = still_open_statement.execute({text_array(cart_ids)});
        for (uint64_t row = 0; row < rows; ++row) open.insert(cell_text_or_empty(row, 0));
        release_result();
    }
    {
        std::vector<std::string> stages;
        for (const auto& claim : claims) stages.push_back(claim.cart_id + "/" + std::to_string(claim.stage));
        lock_keys(LockSpace::Stages, stages);
    }
    std::vector<std::string> handing_on;
    for (std::size_t i = 0; i < cart_abandon::WordNames<cart_abandon::SkipReason>::names.size(); ++i)
        if (cart_abandon::hands_on(cart_abandon::SkipReason(i)))
            handing_on.push_back(cart_abandon::name(cart_abandon::SkipReason(i)));
    // New rows are inserted, rows the selection saw are taken over: one statement each.
    for (const bool existing : {false, true}) {
        std::vector<std::string> cart_ids, statuses, phones, reasons, details, hold_reasons, seen_statuses;
        std::vector<int> stages;
        std::vector<bool> imported;
        std::vector<std::optional<cart_abandon::Timestamp>> not_befores, sent_ats, changed_ats, seen_ats;
        std::vector<std::optional<int64_t>> fallbacks;
        for (const auto& claim : claims) {
            if (claim.seen.status.has_value() != existing || !open.count(claim.cart_id)) continue;
            cart_ids.push_back(claim.cart_id);
            stages.push_back(claim.stage);
            statuses.push_back(cart_abandon::name(claim.status));
            phones.push_back(claim.recipient);
            reasons.push_back(claim.skip_reason ? cart_abandon::name(*claim.skip_reason) : "");
            details.push_back(claim.detail);
            hold_reasons.push_back(claim.hold_reason ? cart_abandon::name(*claim.hold_reason) : "");
            not_befores.push_back(claim.not_before);
            imported.push_back(claim.status == cart_abandon::Status::Sent);
            sent_ats.push_back(claim.sent_at);
            changed_ats.push_back(claim.cart_changed_at);
            seen_statuses.push_back(claim.seen.status ? cart_abandon::name(*claim.seen.status) : "");
            seen_ats.push_back(claim.seen.updated_at);
            fallbacks.push_back(claim.fallback_of);
        }
        if (cart_ids.empty()) continue;
        std::vector<std::optional<Datum>> values = {text_array(cart_ids),
                                                    int_array(stages),
                                                    text_array(statuses),
                                                    text_array(phones),
                                                    text_array(reasons),
                                                    run_id ? std::optional<Datum>(int8_value(*run_id)) : std::nullopt,
                                                    text_array(details),
                                                    text_value(cart_abandon::name(channel)),
                                                    text_array(hold_reasons),
                                                    nullable_timestamp_array(not_befores),
                                                    bool_array(imported),
                                                    nullable_timestamp_array(sent_ats),
                                                    nullable_timestamp_array(changed_ats),
                                                    nullable_int8_array(fallbacks),
                                                    text_array(handing_on)};
        if (existing) {
            values.push_back(text_array(seen_statuses));
            values.push_back(nullable_timestamp_array(seen_ats));
        }
        values.push_back(text_value(claim_session()));
        const auto rows = (existing ? claim_existing_statement : claim_new_statement).execute(values);
        for (uint64_t row = 0; row < rows; ++row) {
            ClaimedStage& stage = claimed.emplace_back();
            stage.cart_id = cell_text_or_empty(row, 0);
            stage.stage = int(cell_int(row, 1).value_or(0));
            stage.status = cart_abandon::parse_word<cart_abandon::Status>(cell_text_or_empty(row, 2))
                               .value_or(cart_abandon::Status::Claimed);
            stage.attempts = int(cell_int(row, 3).value_or(0));
            stage.id = cell_int(row, 4).value_or(0);
            stage.claimed_at = cell_timestamp(row, 5).value_or(cart_abandon::Timestamp{});
            stage.unlisted_before = cell_bool(row, 6);
        }
        release_result();
    }
    if (!claimed.empty()) durable_commit_statement.run({});
    return claimed;
}

std::vector<int64_t> record_outcomes(cart_abandon::ChannelKind channel, const std::vector<Outcome>& outcomes) {
    std::vector<int64_t> metadata_pending;
    if (outcomes.empty()) return metadata_pending;
    std::vector<std::string> cart_ids, statuses;
    std::vector<int> stages, attempts_added, error_codes;
    std::vector<std::optional<std::string>> provider_message_ids, provider_recipient_ids, messages, message_statuses;
    std::vector<std::optional<cart_abandon::Timestamp>> not_befores;
    std::vector<std::string> metadata_errors;
    std::vector<bool> write_metadata, opt_outs, unlisted;
    std::vector<std::string> hold_reasons;
    for (const auto& outcome : outcomes) {
        opt_outs.push_back(outcome.opt_out);
        hold_reasons.push_back(outcome.hold_reason ? cart_abandon::name(*outcome.hold_reason) : "");
        unlisted.push_back(outcome.unlisted_answer);
        cart_ids.push_back(outcome.cart_id);
        stages.push_back(outcome.stage);
        statuses.push_back(cart_abandon::name(outcome.status));
        attempts_added.push_back(outcome.attempts_added);
        provider_message_ids.push_back(outcome.provider_message_id);
        provider_recipient_ids.push_back(outcome.provider_recipient_id);
        error_codes.push_back(int(outcome.error_code));
        messages.push_back(outcome.error_message);
        write_metadata.push_back(outcome.write_metadata);
        metadata_errors.push_back(outcome.metadata_error);
        message_statuses.push_back(outcome.message_status);
        not_befores.push_back(outcome.not_before);
    }
    const auto rows = record_statement.execute(
        {text_array(cart_ids), int_array(stages), text_array(statuses), int_array(attempts_added),
         nullable_text_array(provider_message_ids), nullable_text_array(provider_recipient_ids), int_array(error_codes),
         nullable_text_array(messages), bool_array(write_metadata), text_value(cart_abandon::name(channel)),
         text_array(metadata_errors), nullable_text_array(message_statuses), nullable_timestamp_array(not_befores),
         bool_array(opt_outs), text_array(hold_reasons), bool_array(unlisted)});
    for (uint64_t row = 0; row < rows; ++row)
        if (cell_bool(row, 1)) metadata_pending.push_back(cell_int(row, 0).value_or(0));
    release_result();
    durable_commit_statement.run({});
    return metadata_pending;
}

void make_commit_durable() { durable_commit_statement.run({}); }

void add_pending_opt_outs() { add_pending_opt_outs_statement.run({}); }

void record_channel_paused(cart_abandon::ChannelKind channel, long error_code, const std::string& error_message) {
    channel_paused_statement.run(
        {text_value(cart_abandon::name(channel)), int_value(int(error_code)), text_value(error_message)});
}

void record_channel_sending(cart_abandon::ChannelKind channel) {
    channel_sending_statement.run({text_value(cart_abandon::name(channel))});
}

std::optional<long> channel_paused_code(cart_abandon::ChannelKind channel) {
    std::optional<long> code;
    if (channel_paused_code_statement.execute({text_value(cart_abandon::name(channel))}) > 0)
        code = cell_int(0, 0).value_or(0);
    release_result();
    return code;
}

}  // namespace pg
