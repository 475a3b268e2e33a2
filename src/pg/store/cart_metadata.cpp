#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pg/store/cart_metadata.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/subtransaction.hpp"

namespace pg {

namespace {

// Carts written per transaction: a shopper saving one of them waits for one chunk at most.
constexpr int kChunk = 100;
constexpr std::size_t kMaxFailureChars = 300;

// Pending rows with the patch each one's stage gets (cart_abandon.stage_notifications: sent
// with its time, or the error's public summary), by id after $2; $1 NULL: every pending row.
Statement pending_statement(R"SQL(
SELECT d.id, d.cart_id, d.metadata_pending_since,
       cart_abandon.stage_notifications(d.stage, d.status = 'sent', d.sent_at, d.metadata_error)::text
  FROM cart_abandon.deliveries d
 WHERE d.metadata_pending_since IS NOT NULL AND ($1::bigint[] IS NULL OR d.id = ANY ($1::bigint[])) AND d.id > $2
 ORDER BY d.id
 LIMIT $3
)SQL",
                            {INT8ARRAYOID, INT8OID, INT4OID}, Statement::Planning::PerValues);

// The carts of a chunk that no other transaction holds, locked for the write that follows
// (SKIP LOCKED: a cart a shopper holds is left for a later call, never waited for).
Statement lock_statement("SELECT c.id FROM @medusa@.cart c WHERE c.id = ANY ($1::text[]) FOR UPDATE SKIP LOCKED",
                         {TEXTARRAYOID}, Statement::Planning::PerValues);

// The patches merged into cart.metadata.notifications of the locked carts: only that key is
// read and written, in this one statement, so other keys a concurrent writer sets survive; a
// JSON null removes a key; metadata that is not an object (never written by Medusa) is left
// alone. No WITH and no RETURNING: a rule the shop puts on the table may rewrite the statement.
// Runs as the tables' owner.
Statement write_statement(R"SQL(
UPDATE @medusa@.cart c
   SET metadata = CASE
        WHEN c.metadata IS NOT NULL AND jsonb_typeof(c.metadata) <> 'object' THEN c.metadata
        ELSE coalesce(c.metadata, '{}'::jsonb) || jsonb_build_object('notifications', (
            SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb)
              FROM jsonb_each('{"firstSent": false, "secondSent": false}'::jsonb
                              || CASE WHEN jsonb_typeof(c.metadata -> 'notifications') = 'object'
                                      THEN c.metadata -> 'notifications' ELSE '{}'::jsonb END
                              || p.notifications) n
             WHERE n.value <> 'null'::jsonb))
       END
  FROM (SELECT u.cart_id, jsonb_object_agg(e.key, e.value) AS notifications
          FROM unnest($1::text[], $2::text[]) AS u(cart_id, patch)
         CROSS JOIN LATERAL jsonb_each(u.patch::jsonb) e
         WHERE u.cart_id = ANY ($3::text[])
         GROUP BY u.cart_id) p
 WHERE c.id = p.cart_id
)SQL",
                          {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID}, Statement::Planning::PerValues);

Statement existing_statement("SELECT c.id FROM @medusa@.cart c WHERE c.id = ANY ($1::text[])", {TEXTARRAYOID},
                             Statement::Planning::PerValues);

// Written (or the cart is gone): the mark goes, unless the row changed since it was read.
Statement settle_statement(R"SQL(
UPDATE cart_abandon.deliveries d
   SET metadata_pending_since = NULL, metadata_write_error = NULL
  FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, since)
 WHERE d.id = u.id AND d.metadata_pending_since = u.since
)SQL",
                           {INT8ARRAYOID, TIMESTAMPTZARRAYOID}, Statement::Planning::PerValues);

Statement failed_statement(R"SQL(
UPDATE cart_abandon.deliveries d
   SET metadata_write_error = u.error
  FROM unnest($1::bigint[], $2::text[]) AS u(id, error)
 WHERE d.id = u.id AND d.metadata_pending_since IS NOT NULL
)SQL",
                           {INT8ARRAYOID, TEXTARRAYOID}, Statement::Planning::PerValues);

struct Pending {
    int64_t id;
    std::string cart_id;
    cart_abandon::Timestamp since;
    std::string patch;
};

// Operator intervention (cancel, shutdown), resources and internal errors are the call's, not
// the cart's: they end the call. A deadlock or serialization failure is a wait: tried later.
bool ends_the_call(const PgError& e) {
    const int sqlstate = e.data()->sqlerrcode;
    const int error_class = ERRCODE_TO_CATEGORY(sqlstate);
    return error_class == ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) ||
           error_class == ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) ||
           error_class == ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) ||
           error_class == ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR) ||
           error_class == ERRCODE_TO_CATEGORY(ERRCODE_PROGRAM_LIMIT_EXCEEDED);
}

bool is_a_wait(const PgError& e) {
    return ERRCODE_TO_CATEGORY(e.data()->sqlerrcode) == ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK);
}

// Writes the carts of `rows`; returns those written. One statement for all, in a subtransaction;
// if it fails, each cart alone, so that one cart's failure costs only that cart.
std::set<std::string> write(const std::vector<Pending>& rows, std::map<std::string, std::string>& failures) {
    std::set<std::string> written;
    auto write_carts = [&](const std::vector<const Pending*>& part) {
        std::vector<std::string> cart_ids, patches;
        for (const Pending* p : part) {
            cart_ids.push_back(p->cart_id);
            patches.push_back(p->patch);
        }
        return in_subtransaction([&] {
            std::set<std::string> locked;
            const auto count = lock_statement.execute({text_array(cart_ids)});
            for (uint64_t row = 0; row < count; ++row) locked.insert(cell_text_or_empty(row, 0));
            release_result();
            if (!locked.empty())
                write_statement.run(
                    {text_array(cart_ids), text_array(patches), text_array({locked.begin(), locked.end()})});
            return locked;
        });
    };
    std::vector<const Pending*> all;
    std::map<std::string, std::vector<const Pending*>> by_cart;
    for (const auto& p : rows) {
        all.push_back(&p);
        by_cart[p.cart_id].push_back(&p);
    }
    try {
        return write_carts(all);
    } catch (const PgError& e) {
        if (ends_the_call(e)) throw;
    }
    for (const auto& [cart_id, part] : by_cart) {
        try {
            for (const auto& id : write_carts(part)) written.insert(id);
        } catch (const PgError& e) {
            if (ends_the_call(e)) throw;
            if (is_a_wait(e)) continue;
            std::string message = e.what();
            if (message.size() > kMaxFailureChars) message.resize(kMaxFailureChars);
            failures[cart_id] = message;
        }
    }
    return written;
}

// One chunk of pending rows (ids after `after`; `only`: just these rows). Returns the last id
// read, or nothing when there was none.
std::optional<int64_t> write_chunk(const std::optional<std::vector<int64_t>>& only, int64_t after,
                                   MetadataWrites& totals) {
    std::vector<Pending> rows;
    const auto count = pending_statement.execute(
        {only ? std::optional<Datum>(int8_array(*only)) : std::nullopt, int8_value(after), int_value(kChunk)});
    for (uint64_t row = 0; row < count; ++row)
        rows.push_back({cell_int(row, 0).value_or(0), cell_text_or_empty(row, 1), *cell_timestamp(row, 2),
                        cell_text_or_empty(row, 3)});
    release_result();
    if (rows.empty()) return std::nullopt;

    std::map<std::string, std::string> failures;
    const std::set<std::string> written = write(rows, failures);
    // Not written, not failed: held by another transaction, or gone (nothing left to mirror).
    std::vector<std::string> unwritten;
    for (const auto& p : rows)
        if (!written.count(p.cart_id) && !failures.count(p.cart_id)) unwritten.push_back(p.cart_id);
    std::set<std::string> existing;
    if (!unwritten.empty()) {
        const auto found = existing_statement.execute({text_array(unwritten)});
        for (uint64_t row = 0; row < found; ++row) existing.insert(cell_text_or_empty(row, 0));
        release_result();
    }
    std::vector<int64_t> settled_ids, failed_ids;
    std::vector<cart_abandon::Timestamp> settled_since;
    std::vector<std::string> failed_errors;
    std::set<std::string> waiting;
    for (const auto& p : rows) {
        const auto failure = failures.find(p.cart_id);
        if (failure != failures.end()) {
            failed_ids.push_back(p.id);
            failed_errors.push_back(failure->second);
        } else if (written.count(p.cart_id) || !existing.count(p.cart_id)) {
            settled_ids.push_back(p.id);
            settled_since.push_back(p.since);
        } else {
            waiting.insert(p.cart_id);
        }
    }
    if (!settled_ids.empty()) settle_statement.run({int8_array(settled_ids), timestamp_array(settled_since)});
    if (!failed_ids.empty()) failed_statement.run({int8_array(failed_ids), text_array(failed_errors)});
    totals.written += written.size();
    totals.waiting += waiting.size();
    totals.failed += failures.size();
    if (totals.first_failure.empty() && !failures.empty()) {
        totals.first_failed_cart = failures.begin()->first;
        totals.first_failure = failures.begin()->second;
    }
    return rows.back().id;
}

}  // namespace

void MetadataWrites::add(const MetadataWrites& other) {
    written += other.written;
    waiting += other.waiting;
    failed += other.failed;
    if (first_failure.empty()) {
        first_failed_cart = other.first_failed_cart;
        first_failure = other.first_failure;
    }
}

namespace {

// Chunk after chunk, each in a subtransaction (a cancel rolls back only the chunk it meets, and
// leaves the transaction usable for the caller's commit), `between_chunks` after each.
MetadataWrites write_chunks(const std::optional<std::vector<int64_t>>& only,
                            const std::function<void()>& between_chunks) {
    MetadataWrites totals;
    int64_t after = 0;
    for (;;) {
        const auto last = in_subtransaction([&] { return write_chunk(only, after, totals); });
        if (!last) break;
        after = *last;
        between_chunks();
    }
    return totals;
}

}  // namespace

MetadataWrites write_cart_metadata(const std::vector<int64_t>& delivery_ids,
                                   const std::function<void()>& between_chunks) {
    if (delivery_ids.empty()) return {};
    return write_chunks(delivery_ids, between_chunks);
}

MetadataWrites write_pending_cart_metadata(const std::function<void()>& between_chunks) {
    return write_chunks(std::nullopt, between_chunks);
}

void warn_metadata_failures(const MetadataWrites& writes) {
    if (writes.failed == 0) return;
    const std::string message = "cart_abandon: the metadata of " + std::to_string(writes.failed) +
                                (writes.failed == 1 ? " cart" : " carts") + " could not be written (cart " +
                                writes.first_failed_cart + ": " + writes.first_failure + ")";
    guarded([&] {
        ereport(WARNING,
                (errmsg("%s", message.c_str()),
                 errdetail("Their reminders are recorded in cart_abandon.deliveries (metadata_write_error says why); "
                           "only cart.metadata.notifications, a mirror of that record, is behind."),
                 errhint("Each later run and webhook tries again; cart_abandon_stats() -> 'cart_metadata' counts "
                         "them.")));
    });
}

}  // namespace pg
