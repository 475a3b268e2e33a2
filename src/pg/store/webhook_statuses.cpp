// What Meta's status webhooks change in the ledger: the rows their statuses name, locked, decided
// by cart_abandon::transition_status and written back; statuses of no recorded message kept; the
// opt-outs a 131050 asks for. Idempotent (a second application changes nothing) and order-
// independent (only a newer or further status changes a row).
#include <chrono>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/channels/sms/errors.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "core/rules/status_transition.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/webhook_ledger.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// A status finds its row by wamid; when the send's answer was lost (the row has no wamid yet:
// unknown, or claimed by a backend that is gone), by the callback data naming the row and its
// claim. A status that finds no row (its send's answer not yet recorded: the claim is live) is
// kept in cart_abandon.kept_statuses, to be applied once the row is recorded
// (src/pg/store/kept_statuses.cpp): never dropped.
// What the statuses do to a row is decided by cart_abandon::transition_status
// (core/rules/status_transition.hpp) on the row as this statement locks it: with the lock an
// UPDATE takes (FOR NO KEY UPDATE), in id order, after the webhook lock (serialize_webhooks) as
// every webhook writer; a locking read returns a row's latest version, so the decision reads what
// it overwrites. Each row: the statuses' positions.
Statement lock_rows_statement(R"SQL(
WITH input AS (
    SELECT u.*
      FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY
           AS u(provider_message_id, delivery_id, claimed_at, ord)
),
matched AS MATERIALIZED (
    SELECT i.ord, d.id
      FROM input i
     CROSS JOIN LATERAL (
           SELECT d.id FROM cart_abandon.deliveries d WHERE d.provider_message_id = i.provider_message_id AND d.channel = $4
           UNION ALL
           -- A live claim's answer is still on its way (its run records it); a dead one's never comes.
           SELECT d.id FROM cart_abandon.deliveries d
            WHERE d.id = nullif(i.delivery_id, '')::bigint AND d.claimed_at = i.claimed_at AND d.provider_message_id IS NULL
              AND d.channel = $4
              AND (d.status = 'unknown' OR (d.status = 'claimed' AND NOT cart_abandon.session_alive(d.claim_session)))
           LIMIT 1) d
)
SELECT d.id, m.ords, d.claimed_at, d.recipient, d.status, d.attempts, d.error_code, d.webhook_status, d.hold_reason,
       d.updated_at, d.provider_message_id, d.provider_recipient_id, d.error_message, d.metadata_error,
       d.sent_at, d.delivered_at, d.read_at, d.failed_at, d.unlisted_answer_at, d.not_before, d.metadata_pending_since,
       d.webhook_at
  FROM (SELECT m.id, array_agg(m.ord ORDER BY m.ord) AS ords FROM matched m GROUP BY m.id) m
  JOIN cart_abandon.deliveries d ON d.id = m.id
 ORDER BY d.id
   FOR NO KEY UPDATE OF d
)SQL",
                              {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID},
                              Statement::Planning::PerValues);

// The rows the statuses changed, as transition_status left them (locked above). The texts and
// times in the order of kTexts and kTimes below.
Statement write_rows_statement(R"SQL(
UPDATE cart_abandon.deliveries d
   SET status = u.status, attempts = u.attempts, error_code = CASE WHEN u.has_error_code THEN u.error_code END,
       webhook_status = u.webhook_status, hold_reason = u.hold_reason, updated_at = u.updated_at,
       provider_message_id = u.provider_message_id, provider_recipient_id = u.provider_recipient_id,
       error_message = u.error_message, metadata_error = u.metadata_error,
       sent_at = u.sent_at, delivered_at = u.delivered_at, read_at = u.read_at, failed_at = u.failed_at,
       unlisted_answer_at = u.unlisted_answer_at, not_before = u.not_before,
       metadata_pending_since = u.metadata_pending_since, webhook_at = u.webhook_at
  FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[],
              $9::text[], $10::text[], $11::text[], $12::text[],
              $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[],
              $18::timestamptz[], $19::timestamptz[], $20::timestamptz[])
       AS u(id, status, attempts, error_code, has_error_code, webhook_status, hold_reason, updated_at,
            provider_message_id, provider_recipient_id, error_message, metadata_error,
            sent_at, delivered_at, read_at, failed_at, unlisted_answer_at, not_before, metadata_pending_since, webhook_at)
 WHERE d.id = u.id
)SQL",
                               {INT8ARRAYOID,        TEXTARRAYOID,        INT4ARRAYOID,        INT4ARRAYOID,
                                BOOLARRAYOID,        TEXTARRAYOID,        TEXTARRAYOID,        TIMESTAMPTZARRAYOID,
                                TEXTARRAYOID,        TEXTARRAYOID,        TEXTARRAYOID,        TEXTARRAYOID,
                                TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID,
                                TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID},
                               Statement::Planning::PerValues);

// A status Meta posts again (a retry, a duplicate) is kept once.
Statement keep_statement(R"SQL(
INSERT INTO cart_abandon.kept_statuses (channel, provider_message_id, status, at, recipient, delivery_id, claimed_at, action,
                                        error_code, error_text, metadata_error, received_at, recipient_user_id)
SELECT $12, i.provider_message_id, i.status, i.at, nullif(i.recipient_id, ''), nullif(i.delivery_id, '')::bigint, i.claimed_at,
       nullif(i.action, ''), CASE WHEN i.status = 'failed' THEN i.error_code END, nullif(i.error_text, ''),
       nullif(i.metadata_error, ''), coalesce(i.received_at, clock_timestamp()), nullif(i.recipient_user_id, '')
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[],
              $7::text[], $8::int[], $9::text[], $10::text[], $11::timestamptz[], $13::text[])
       AS i(provider_message_id, status, at, recipient_id, delivery_id, claimed_at, action, error_code,
            error_text, metadata_error, received_at, recipient_user_id)
ON CONFLICT (channel, provider_message_id, status, at) DO NOTHING
)SQL",
                         {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                          TIMESTAMPTZARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                          TIMESTAMPTZARRAYOID, TEXTOID, TEXTARRAYOID},
                         Statement::Planning::PerValues);

// The person stopped the shop's messages: Meta's 131050 (named by wa_id too), Twilio's 21610
// after a STOP ($3: the channel).
Statement status_opt_outs_statement(R"SQL(
INSERT INTO cart_abandon.opt_outs (kind, address, wa_id, source, reason)
SELECT DISTINCT ON (u.address) 'phone', u.address, CASE WHEN $3 = 'whatsapp' THEN nullif(u.wa_id, '') END,
       CASE $3 WHEN 'sms' THEN 'twilio_21610' ELSE 'whatsapp_131050' END,
       CASE $3 WHEN 'sms' THEN 'the recipient texted STOP to the shop''s SMS number (Twilio error 21610)'
               ELSE 'the user stopped marketing messages from this business' END
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(address, wa_id, ord)
 ORDER BY u.address, u.ord
ON CONFLICT (kind, address) DO NOTHING
)SQL",
                                    {TEXTARRAYOID, TEXTARRAYOID, TEXTOID}, Statement::Planning::PerValues);

}  // namespace

void record_pause_of(cart_abandon::ChannelKind channel, const StatusResult& result) {
    if (!result.pause_code) return;
    const long code = *result.pause_code;
    record_channel_paused(channel, code,
                          channel == cart_abandon::ChannelKind::Sms
                              ? cart_abandon::twilio::channel_pause_reason(code, result.pause_text, true)
                              : cart_abandon::channel_pause_reason(code, result.pause_text, true));
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

namespace {

using cart_abandon::DeliveryState;

// The row's texts and times, in the order the statements name them.
constexpr std::optional<std::string> DeliveryState::*kTexts[] = {
    &DeliveryState::provider_message_id, &DeliveryState::provider_recipient_id, &DeliveryState::error_message,
    &DeliveryState::metadata_error};
constexpr std::optional<cart_abandon::Timestamp> DeliveryState::*kTimes[] = {&DeliveryState::sent_at,
                                                                             &DeliveryState::delivered_at,
                                                                             &DeliveryState::read_at,
                                                                             &DeliveryState::failed_at,
                                                                             &DeliveryState::unlisted_answer_at,
                                                                             &DeliveryState::not_before,
                                                                             &DeliveryState::metadata_pending_since,
                                                                             &DeliveryState::webhook_at};
constexpr int kFirstText = 10;  // the lock statement's column of kTexts[0]; kTimes follow

// A row the statuses found, locked, with the positions of its statuses in the body.
struct LockedRow {
    int64_t id = 0;
    std::vector<int64_t> ords;  // 1-based, in arrival order
    std::optional<cart_abandon::Timestamp> claimed_at;
    std::optional<std::string> recipient;
    DeliveryState state;
};

template <typename Word>
std::optional<Word> cell_word(uint64_t row, int column) {
    const auto text = cell_text(row, column);
    return text ? cart_abandon::parse_word<Word>(*text) : std::nullopt;
}

std::vector<LockedRow> lock_rows(cart_abandon::ChannelKind channel, const std::vector<StatusRow>& rows) {
    std::vector<std::string> wamids, delivery_ids;
    std::vector<std::optional<cart_abandon::Timestamp>> claimed_ats;
    for (const auto& row : rows) {
        wamids.push_back(row.provider_message_id);
        delivery_ids.push_back(row.delivery_id ? std::to_string(*row.delivery_id) : "");
        claimed_ats.push_back(row.claimed_at);
    }
    const uint64_t count =
        lock_rows_statement.execute({text_array(wamids), text_array(delivery_ids),
                                     nullable_timestamp_array(claimed_ats), text_value(cart_abandon::name(channel))});
    std::vector<LockedRow> locked(count);
    for (uint64_t r = 0; r < count; ++r) {
        LockedRow& row = locked[r];
        row.id = cell_int(r, 0).value_or(0);
        row.ords = cell_int8_array(r, 1);
        row.claimed_at = cell_timestamp(r, 2);
        row.recipient = cell_text(r, 3);
        DeliveryState& s = row.state;
        // Constrained to the vocabulary's words (sql/parts/tables.sql).
        s.status = cell_word<cart_abandon::Status>(r, 4).value_or(cart_abandon::Status::Sent);
        s.attempts = int(cell_int(r, 5).value_or(0));
        s.error_code = cell_int(r, 6);
        s.webhook_status = cell_word<cart_abandon::ProviderStatus>(r, 7);
        s.hold_reason = cell_word<cart_abandon::HoldReason>(r, 8);
        s.updated_at = cell_timestamp(r, 9).value_or(cart_abandon::Timestamp{});
        int column = kFirstText;
        for (const auto text : kTexts) s.*text = cell_text(r, column++);
        for (const auto time : kTimes) s.*time = cell_timestamp(r, column++);
    }
    release_result();
    return locked;
}

template <typename Word>
std::optional<std::string> word_name(const std::optional<Word>& word) {
    return word ? std::optional<std::string>(cart_abandon::name(*word)) : std::nullopt;
}

void write_rows(const std::vector<std::pair<int64_t, const DeliveryState*>>& rows) {
    std::vector<int64_t> ids;
    std::vector<std::string> statuses;
    std::vector<int> attempts, error_codes;
    std::vector<bool> has_error_codes;
    std::vector<std::optional<std::string>> webhook_statuses, hold_reasons;
    std::vector<cart_abandon::Timestamp> updated_ats;
    std::vector<std::vector<std::optional<std::string>>> texts(std::size(kTexts));
    std::vector<std::vector<std::optional<cart_abandon::Timestamp>>> times(std::size(kTimes));
    for (const auto& [id, s] : rows) {
        ids.push_back(id);
        statuses.push_back(cart_abandon::name(s->status));
        attempts.push_back(s->attempts);
        error_codes.push_back(int(s->error_code.value_or(0)));
        has_error_codes.push_back(s->error_code.has_value());
        webhook_statuses.push_back(word_name(s->webhook_status));
        hold_reasons.push_back(word_name(s->hold_reason));
        updated_ats.push_back(s->updated_at);
        for (std::size_t i = 0; i < texts.size(); ++i) texts[i].push_back(s->*kTexts[i]);
        for (std::size_t i = 0; i < times.size(); ++i) times[i].push_back(s->*kTimes[i]);
    }
    std::vector<std::optional<Datum>> values{int8_array(ids),
                                             text_array(statuses),
                                             int_array(attempts),
                                             int_array(error_codes),
                                             bool_array(has_error_codes),
                                             nullable_text_array(webhook_statuses),
                                             nullable_text_array(hold_reasons),
                                             timestamp_array(updated_ats)};
    for (const auto& column : texts) values.push_back(nullable_text_array(column));
    for (const auto& column : times) values.push_back(nullable_timestamp_array(column));
    write_rows_statement.run(values);
}

void keep(cart_abandon::ChannelKind channel, const std::vector<const StatusRow*>& rows) {
    std::vector<std::string> provider_message_ids, statuses, recipients, delivery_ids, actions, error_texts,
        metadata_errors, user_ids;
    std::vector<cart_abandon::Timestamp> ats;
    std::vector<std::optional<cart_abandon::Timestamp>> claimed_ats, received_ats;
    std::vector<int> error_codes;
    for (const StatusRow* row : rows) {
        provider_message_ids.push_back(row->provider_message_id);
        statuses.push_back(cart_abandon::name(row->status));
        ats.push_back(row->at);
        recipients.push_back(row->recipient);
        delivery_ids.push_back(row->delivery_id ? std::to_string(*row->delivery_id) : "");
        claimed_ats.push_back(row->claimed_at);
        received_ats.push_back(row->received_at);
        user_ids.push_back(row->recipient_user_id);
        actions.push_back(row->action ? cart_abandon::name(*row->action) : "");
        error_codes.push_back(int(row->error_code));
        error_texts.push_back(row->error_text);
        metadata_errors.push_back(row->metadata_error);
    }
    keep_statement.run({text_array(provider_message_ids), text_array(statuses), timestamp_array(ats),
                        text_array(recipients), text_array(delivery_ids), nullable_timestamp_array(claimed_ats),
                        text_array(actions), int_array(error_codes), text_array(error_texts),
                        text_array(metadata_errors), nullable_timestamp_array(received_ats),
                        text_value(cart_abandon::name(channel)), text_array(user_ids)});
}

}  // namespace

StatusResult apply_statuses(cart_abandon::ChannelKind channel, const std::vector<StatusRow>& rows, int max_attempts) {
    StatusResult result;
    if (rows.empty()) return result;
    const std::vector<LockedRow> locked = lock_rows(channel, rows);
    cart_abandon::StatusContext context;
    context.max_attempts = max_attempts;
    context.now = std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());

    std::vector<bool> matched(rows.size(), false);
    std::vector<cart_abandon::StatusTransition> transitions;
    transitions.reserve(locked.size());
    std::vector<std::pair<int64_t, const DeliveryState*>> changed;
    std::vector<std::string> opt_out_numbers, opt_out_wa_ids;
    for (const LockedRow& row : locked) {
        std::vector<StatusRow> statuses;
        statuses.reserve(row.ords.size());
        for (const int64_t ord : row.ords) {
            statuses.push_back(rows[std::size_t(ord - 1)]);
            matched[std::size_t(ord - 1)] = true;
        }
        result.matched += statuses.size();
        transitions.push_back(cart_abandon::transition_status(row.state, statuses, context));
        const cart_abandon::StatusTransition& t = transitions.back();
        if (!t.changed) continue;
        changed.emplace_back(row.id, &t.next);
        result.changed += statuses.size();
        if (row.claimed_at && (!result.covers || *row.claimed_at > *result.covers)) result.covers = row.claimed_at;
        if (t.pauses() && !result.pause_code) {
            result.pause_code = t.error_code;
            result.pause_text = t.error_text;
        }
        if (t.metadata_pending) result.metadata_pending.push_back(row.id);
        if (t.opts_out() && row.recipient) {
            opt_out_numbers.push_back(*row.recipient);
            opt_out_wa_ids.push_back(t.recipient_id);
        }
    }
    if (!changed.empty()) write_rows(changed);

    std::vector<const StatusRow*> unmatched;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!matched[i]) unmatched.push_back(&rows[i]);
    result.kept = unmatched.size();
    if (!unmatched.empty()) keep(channel, unmatched);
    if (!opt_out_numbers.empty())
        result.opt_outs_added = status_opt_outs_statement.run(
            {text_array(opt_out_numbers), text_array(opt_out_wa_ids), text_value(cart_abandon::name(channel))});
    return result;
}

}  // namespace pg
