// Status webhooks kept until their message's ledger row is recorded, then applied the same way as
// a webhook's own (apply_statuses, src/pg/store/webhook_statuses.cpp): what it cannot match yet, it
// keeps again, with its first arrival time.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "pg/store/kept_statuses.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

// $2 NULL: every kept status naming a row of ours or a recorded wamid; else those of these rows.
Statement take_statement(R"SQL(
DELETE FROM cart_abandon.kept_statuses k
 WHERE k.channel = $1
   AND CASE WHEN $2::bigint[] IS NULL
            THEN k.delivery_id IS NOT NULL
                 OR EXISTS (SELECT 1 FROM cart_abandon.deliveries d WHERE d.provider_message_id = k.provider_message_id AND d.channel = k.channel)
            ELSE k.delivery_id = ANY ($2)
                 OR k.provider_message_id IN (SELECT d.provider_message_id FROM cart_abandon.deliveries d
                                 WHERE d.id = ANY ($2) AND d.provider_message_id IS NOT NULL AND d.channel = k.channel) END
RETURNING k.id, k.provider_message_id, k.status, k.at, coalesce(k.recipient, ''), k.delivery_id, k.claimed_at,
          coalesce(k.action, ''), coalesce(k.error_code, 0), coalesce(k.error_text, ''),
          coalesce(k.metadata_error, ''), k.received_at, coalesce(k.recipient_user_id, '')
)SQL",
                         {TEXTOID, INT8ARRAYOID});

Statement expire_statement(R"SQL(
DELETE FROM cart_abandon.kept_statuses WHERE received_at < clock_timestamp() - interval '7 days'
)SQL",
                           {});

// Meta's largest body: apply_statuses' inputs stay that size.
constexpr std::size_t kChunk = 1000;

StatusResult apply_taken(cart_abandon::ChannelKind channel, std::optional<Datum> deliveries, int max_attempts) {
    serialize_webhooks();
    const uint64_t rows = take_statement.execute({text_value(cart_abandon::name(channel)), deliveries});
    std::vector<std::pair<int64_t, StatusRow>> taken;
    taken.reserve(rows);
    for (uint64_t r = 0; r < rows; ++r) {
        StatusRow row;
        row.provider_message_id = cell_text_or_empty(r, 1);
        // Kept by this library: the words are the vocabulary's.
        row.status = cart_abandon::parse_word<cart_abandon::ProviderStatus>(cell_text_or_empty(r, 2))
                         .value_or(cart_abandon::ProviderStatus::Sent);
        row.at = cell_timestamp(r, 3).value_or(cart_abandon::Timestamp{});
        row.recipient = cell_text_or_empty(r, 4);
        row.delivery_id = cell_int(r, 5);
        row.claimed_at = cell_timestamp(r, 6);
        row.action = cart_abandon::parse_word<cart_abandon::FailureAction>(cell_text_or_empty(r, 7));
        row.error_code = long(cell_int(r, 8).value_or(0));
        row.error_text = cell_text_or_empty(r, 9);
        row.metadata_error = cell_text_or_empty(r, 10);
        row.received_at = cell_timestamp(r, 11);
        row.recipient_user_id = cell_text_or_empty(r, 12);
        taken.emplace_back(cell_int(r, 0).value_or(0), std::move(row));
    }
    release_result();
    // In arrival order: transition_status breaks ties of Meta's time by position.
    std::sort(taken.begin(), taken.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    StatusResult result;
    for (std::size_t from = 0; from < taken.size(); from += kChunk) {
        std::vector<StatusRow> chunk;
        for (std::size_t i = from; i < std::min(taken.size(), from + kChunk); ++i)
            chunk.push_back(std::move(taken[i].second));
        result.add(apply_statuses(channel, chunk, max_attempts));
        store_user_ids(channel, chunk);
    }
    return result;
}

}  // namespace

StatusResult apply_kept_statuses(cart_abandon::ChannelKind channel, const std::vector<int64_t>& deliveries,
                                 int max_attempts) {
    if (deliveries.empty()) return {};
    return apply_taken(channel, int8_array(deliveries), max_attempts);
}

StatusResult apply_all_kept_statuses(cart_abandon::ChannelKind channel, int max_attempts) {
    return apply_taken(channel, std::nullopt, max_attempts);
}

uint64_t expire_kept_statuses() { return expire_statement.run({}); }

}  // namespace pg
