#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/codec/keyed_hash.hpp"
#include "core/contact/phone.hpp"
#include "pg/store/erasure.hpp"
#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

constexpr int kChunk = 1000;

// The key: 32 bytes of OpenSSL's CSPRNG, made once per database (a concurrent first erasure
// keeps the one committed first).
Statement ensure_key_statement(R"SQL(
INSERT INTO cart_abandon.erasure_key (key)
SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM cart_abandon.erasure_key)
ON CONFLICT DO NOTHING
)SQL",
                               {BYTEAOID});

Statement since_statement(
    "SELECT clock_timestamp(), k.customers_checked_at - interval '1 hour' FROM cart_abandon.erasure_key k", {});

// Customers deleted from $1 (NULL: ever), after ($2, $3) in (deleted_at, id) order.
Statement erased_customers_statement(R"SQL(
SELECT cu.id, cu.deleted_at FROM @medusa@.customer cu
 WHERE cu.deleted_at >= coalesce($1, '-infinity')
   AND ($2::timestamptz IS NULL OR (cu.deleted_at, cu.id) > ($2, $3))
 ORDER BY cu.deleted_at, cu.id
 LIMIT $4
)SQL",
                                     {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, INT4OID},
                                     Statement::Planning::PerValues);

// Everything of these customers that can reach them: their carts (removed ones too) and every
// number on their record, saved addresses and carts' addresses, with the country it was typed in.
Statement person_statement(R"SQL(
SELECT 'cart', c.id, NULL FROM @medusa@.cart c WHERE c.customer_id = ANY ($1::text[])
UNION ALL
SELECT 'phone', cu.phone,
       (SELECT ca.country_code FROM @medusa@.customer_address ca
         WHERE ca.customer_id = cu.id AND (ca.is_default_shipping OR ca.is_default_billing)
         ORDER BY ca.is_default_shipping DESC, ca.created_at LIMIT 1)
  FROM @medusa@.customer cu WHERE cu.id = ANY ($1::text[]) AND cu.phone IS NOT NULL
UNION ALL
SELECT 'phone', ca.phone, ca.country_code FROM @medusa@.customer_address ca
 WHERE ca.customer_id = ANY ($1::text[]) AND ca.phone IS NOT NULL
UNION ALL
SELECT 'phone', ad.phone, ad.country_code
  FROM @medusa@.cart c JOIN @medusa@.cart_address ad ON ad.id IN (c.shipping_address_id, c.billing_address_id)
 WHERE c.customer_id = ANY ($1::text[]) AND ad.phone IS NOT NULL
)SQL",
                           {TEXTARRAYOID}, Statement::Planning::PerValues);

Statement add_erased_statement(R"SQL(
INSERT INTO cart_abandon.erased_phones (phone_hmac)
SELECT DISTINCT cart_abandon.phone_hmac(p) FROM unnest($1::text[]) AS p
ON CONFLICT (phone_hmac) DO NOTHING
)SQL",
                               {TEXTARRAYOID}, Statement::Planning::PerValues);

// The ledger keeps status, stage, times and codes (the figures); who it was goes, with the
// opt-out and preference rows that would name the number or the WhatsApp user.
Statement scrub_statement(R"SQL(
WITH target AS (
    SELECT d.id, d.provider_recipient_id AS wa_id, d.user_id FROM cart_abandon.deliveries d
     WHERE d.cart_id = ANY ($1::text[]) OR d.recipient = ANY ($2::text[])
),
preferences AS (
    DELETE FROM cart_abandon.whatsapp_preferences w
     WHERE w.wa_id IN (SELECT t.wa_id FROM target t)
        OR w.wa_id IN (SELECT 'user_id:' || t.user_id FROM target t WHERE t.user_id IS NOT NULL)
),
opt_outs AS (
    DELETE FROM cart_abandon.opt_outs o
     WHERE (o.kind = 'phone' AND o.address = ANY ($2::text[])) OR o.wa_id IN (SELECT t.wa_id FROM target t)
        OR o.user_id IN (SELECT t.user_id FROM target t)
),
-- Statuses still waiting for their message keep the figures, not the person.
kept AS (
    UPDATE cart_abandon.kept_statuses k SET recipient = NULL, recipient_user_id = NULL
     WHERE k.delivery_id IN (SELECT t.id FROM target t) OR k.recipient IN (SELECT t.wa_id FROM target t)
        OR k.recipient_user_id IN (SELECT t.user_id FROM target t)
)
UPDATE cart_abandon.deliveries d SET recipient = NULL, provider_recipient_id = NULL, user_id = NULL, error_message = NULL
  FROM target t
 WHERE d.id = t.id
   AND (d.recipient IS NOT NULL OR d.provider_recipient_id IS NOT NULL OR d.user_id IS NOT NULL
        OR d.error_message IS NOT NULL)
)SQL",
                          {TEXTARRAYOID, TEXTARRAYOID}, Statement::Planning::PerValues);

Statement checked_statement("UPDATE cart_abandon.erasure_key SET customers_checked_at = $1", {TIMESTAMPTZOID});

Statement erased_statement(R"SQL(
SELECT p FROM unnest($1::text[]) AS p
 WHERE EXISTS (SELECT 1 FROM cart_abandon.erased_phones e WHERE e.phone_hmac = cart_abandon.phone_hmac(p))
)SQL",
                           {TEXTARRAYOID}, Statement::Planning::PerValues);

void erase(const std::vector<std::string>& customer_ids, const std::string& default_region) {
    std::vector<std::string> carts, phones;
    std::set<std::string> seen;
    const auto rows = person_statement.execute({text_array(customer_ids)});
    for (uint64_t row = 0; row < rows; ++row) {
        const std::string kind = cell_text_or_empty(row, 0), value = cell_text_or_empty(row, 1);
        if (kind == "cart") {
            carts.push_back(value);
            continue;
        }
        std::string region = cell_text_or_empty(row, 2);
        if (region.empty()) region = default_region;
        std::string problem;
        const std::string e164 = cart_abandon::normalize_phone(value, region, problem);
        if (!e164.empty() && seen.insert(e164).second) phones.push_back(e164);
    }
    release_result();
    if (!phones.empty()) add_erased_statement.run({text_array(phones)});
    if (!carts.empty() || !phones.empty()) scrub_statement.run({text_array(carts), text_array(phones)});
}

}  // namespace

void apply_erasures(const std::string& default_region) {
    ensure_key_statement.run({bytea_value(cart_abandon::random_bytes(32))});
    since_statement.execute({});
    const auto checked_at = *cell_timestamp(0, 0);  // deletions stamped later are the next look's
    const auto since = cell_timestamp(0, 1);
    release_result();

    std::optional<cart_abandon::Timestamp> after_at;
    std::string after_id;
    for (;;) {
        const auto rows = erased_customers_statement.execute(
            {since ? std::optional<Datum>(timestamp_value(*since)) : std::nullopt,
             after_at ? std::optional<Datum>(timestamp_value(*after_at)) : std::nullopt, text_value(after_id),
             int_value(kChunk)});
        std::vector<std::string> ids;
        for (uint64_t row = 0; row < rows; ++row) {
            ids.push_back(cell_text_or_empty(row, 0));
            after_at = cell_timestamp(row, 1);
        }
        release_result();
        if (ids.empty()) break;
        after_id = ids.back();
        erase(ids, default_region);
        if (rows < uint64_t(kChunk)) break;
    }
    checked_statement.run({timestamp_value(checked_at)});
}

std::set<std::string> erased_phones(const std::vector<std::string>& phones) {
    std::set<std::string> erased;
    if (phones.empty()) return erased;
    const auto rows = erased_statement.execute({text_array(phones)});
    for (uint64_t row = 0; row < rows; ++row) erased.insert(cell_text_or_empty(row, 0));
    release_result();
    return erased;
}

}  // namespace pg
