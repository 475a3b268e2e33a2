#!/usr/bin/env bash
# What a reminder shows of a cart, as pg::load_cart_contents reads it: the very statement text of
# src/pg/store/cart_contents.cpp (kCartContents, read from the file by its name), prepared with
# the search_path it runs with and run over fixture carts of Medusa's schema. Live items only,
# oldest first, at most 50 listed of a true count; titles, http(s) thumbnails, amounts as exact
# numeric text (their conversion to minor units is core code: test/unit/decimal_amount_test.cpp);
# currency, locale and country. Then a Medusa without cart.locale (before 2.12.3), and the plan
# and time over 10,000 carts of 5 items.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 21
repo="$(cd "$(dirname "$0")/../.." && pwd)"

# The statement between its raw string's delimiters; @medusa@ as Statement expands it.
statement_text() {
    sed -n '/^const char kCartContents\[\] = R"SQL($/,/^)SQL";$/p' "$repo/src/pg/store/cart_contents.cpp" \
        | sed '1d;$d' | sed "s/@medusa@/\"$1\"/g"
}
sql=$(statement_text public)
# As locale_free_text() makes it: every c.locale read as NULL.
sql_without_locale=$(statement_text medusa_old | sed 's/c\.locale/NULL::text/g')
[ -n "$sql" ] || echo "Bail out! kCartContents not found in src/pg/store/cart_contents.cpp"
# contents TEXT IDS: the statement's rows for the cart ids (a text[] literal), '|'-separated,
# sorted by cart and the item's position (the statement returns them in no order).
contents() {
    psql -X -qtA -v ON_ERROR_STOP=1 -c "SET search_path = pg_catalog, pg_temp" \
        -c "PREPARE cart_contents(text[]) AS $1" -c "EXECUTE cart_contents('$2')" 2>&1 | sort -t'|' -k1,1 -k8,8n
}

q "
INSERT INTO cart_address (id, country_code) VALUES ('caaddr_de', 'de'), ('caaddr_fr', 'fr'), ('caaddr_blank', ''),
       ('caaddr_jp', 'jp'), ('caaddr_gone', 'at');
UPDATE cart_address SET deleted_at = now() WHERE id = 'caaddr_gone';
INSERT INTO cart (id, currency_code, locale, shipping_address_id, billing_address_id, deleted_at) VALUES
    ('cart_eur', 'eur', 'de-DE', 'caaddr_de', 'caaddr_fr', NULL),
    ('cart_none', 'eur', NULL, NULL, NULL, NULL),
    ('cart_jpy', 'jpy', 'ja', 'caaddr_blank', 'caaddr_jp', NULL),
    ('cart_kwd', 'kwd', NULL, 'caaddr_gone', NULL, NULL),
    ('cart_many', 'usd', 'en-US', NULL, 'caaddr_fr', NULL),
    ('cart_gone', 'eur', NULL, NULL, NULL, now());
INSERT INTO cart_line_item (id, cart_id, title, product_title, thumbnail, quantity, unit_price, raw_unit_price,
                            created_at, deleted_at) VALUES
    ('cali_e1', 'cart_eur', 'Mug', 'Mug product', 'https://cdn.example/mug.jpg', 3, 19.99, '{}', '2026-12-01 10:00', NULL),
    ('cali_e2', 'cart_eur', 'Removed', NULL, NULL, 1, 5.00, '{}', '2026-12-01 10:01', '2026-12-01 11:00'),
    ('cali_e4', 'cart_eur', '', 'Tea', 'HTTP://CDN.EXAMPLE/TEA.PNG', 1, 0.29, '{}', '2026-12-01 10:02', NULL),
    ('cali_e3', 'cart_eur', 'Spoon', NULL, 'javascript:alert(1)', 2, 7.5, '{}', '2026-12-01 10:02', NULL),
    ('cali_e5', 'cart_eur', 'Plate', NULL, '/static/plate.png', 1, 10, '{}', '2026-12-01 10:03', NULL),
    ('cali_n1', 'cart_none', 'Removed', NULL, NULL, 1, 1, '{}', '2026-12-01 10:00', '2026-12-01 10:05'),
    ('cali_j1', 'cart_jpy', 'Sencha', NULL, NULL, 2, 1500, '{}', '2026-12-01 10:00', NULL),
    ('cali_k1', 'cart_kwd', 'Dates', NULL, NULL, 2, 12.345, '{}', '2026-12-01 10:00', NULL),
    ('cali_g1', 'cart_gone', 'Gone', NULL, NULL, 1, 1, '{}', '2026-12-01 10:00', NULL);
INSERT INTO cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price, created_at)
SELECT 'cali_m' || lpad(n::text, 2, '0'), 'cart_many', 'Item ' || n, 1, 1.01, '{}', timestamptz '2026-12-01 10:00' + n * interval '1 minute'
  FROM generate_series(1, 60) AS n;
" > /dev/null

out=$(contents "$sql" '{cart_eur}')
is "$out" "cart_eur|EUR|de-DE|DE|4|85.26|19.99|1|Mug|3|https://cdn.example/mug.jpg|19.99
cart_eur|EUR|de-DE|DE|4|85.26|19.99|2|Spoon|2||7.5
cart_eur|EUR|de-DE|DE|4|85.26|19.99|3|Tea|1|HTTP://CDN.EXAMPLE/TEA.PNG|0.29
cart_eur|EUR|de-DE|DE|4|85.26|19.99|4|Plate|1||10" \
   "a cart: its live items oldest first (a tie by id), the product's title for a blank one, http(s) thumbnails only"
is "$(echo "$out" | cut -d'|' -f6 | head -1)" "85.26" "the subtotal is exact numeric text: 3 x 19.99 + 2 x 7.5 + 0.29 + 10 = 85.26"
is "$(echo "$out" | grep -c 'Removed')" "0" "a removed (soft-deleted) item is neither listed nor counted"

is "$(contents "$sql" '{cart_none}')" "cart_none|EUR||||||||||" \
   "a cart whose only item was removed: one row, no item, no count, no subtotal; no locale, no address"
is "$(contents "$sql" '{cart_jpy}')" "cart_jpy|JPY|ja|JP|1|3000|1500|1|Sencha|2||1500" \
   "JPY: a blank shipping country falls back to the billing address's"
is "$(contents "$sql" '{cart_kwd}')" "cart_kwd|KWD|||1|24.690|12.345|1|Dates|2||12.345" \
   "KWD: three decimals kept; a deleted shipping address gives no country"

out=$(contents "$sql" '{cart_many}')
is "$(echo "$out" | wc -l | tr -d ' ')" "50" "60 live items: 50 listed"
is "$(echo "$out" | cut -d'|' -f5 | sort -u)" "60" "and the count says 60"
is "$(echo "$out" | cut -d'|' -f6 | sort -u)" "60.60" "the subtotal sums all 60"
is "$(echo "$out" | cut -d'|' -f8,9 | sed -n '1p;50p' | tr '\n' ' ')" "1|Item 1 50|Item 50 " "the 50 listed are the oldest, by position"
is "$(echo "$out" | cut -d'|' -f4 | sort -u)" "FR" "no shipping address: the billing address's country"

out=$(contents "$sql" '{cart_eur,cart_jpy,cart_eur,cart_gone,cart_unknown,NULL}')
is "$(echo "$out" | cut -d'|' -f1 | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" "cart_eur:4 cart_jpy:1 " \
   "many carts in one statement: an id given twice read once, a deleted or unknown cart absent"

# Medusa before 2.12.3: no cart.locale. The statement with it fails there; the locale-free one reads NULL.
psql -X -q -v ON_ERROR_STOP=1 -v schema=medusa_old -f "$repo/test/fixtures/medusa_v2_schema.sql" > /dev/null 2>&1
q "ALTER TABLE medusa_old.cart DROP COLUMN locale;
   INSERT INTO medusa_old.cart (id, currency_code) VALUES ('cart_old', 'eur');
   INSERT INTO medusa_old.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price)
   VALUES ('cali_o1', 'cart_old', 'Old', 1, 2.5, '{}')" > /dev/null
is "$(contents "$sql_without_locale" '{cart_old}')" "cart_old|EUR|||1|2.5|2.5|1|Old|1||2.5" \
   "a Medusa without cart.locale: the locale-free statement reads the cart, locale empty"
out=$(contents "$(statement_text medusa_old)" '{cart_old}')
ok "$(grep -q 'column c.locale does not exist' <<< "$out"; echo $?)" \
   "the statement with c.locale fails there: the column check is needed"
is "$(grep -c 'get_attnum(cart, "locale")' "$repo/src/pg/store/cart_contents.cpp")" "1" \
   "the library chooses between the two by the catalog (get_attnum on cart)"

# 10,000 carts of 5 live items and a removed one, among 100,000 carts with their addresses (a
# shop's tables, where a hash of every cart or address would cost), read by one statement.
q "
INSERT INTO cart_address (id, country_code) SELECT 'caaddr_p' || n, 'de' FROM generate_series(1, 100000) AS n;
INSERT INTO cart (id, currency_code, locale, shipping_address_id, billing_address_id)
SELECT 'cart_p' || lpad(n::text, 6, '0'), 'eur', 'en', 'caaddr_p' || n, CASE WHEN n % 2 = 0 THEN 'caaddr_p' || n END
  FROM generate_series(1, 100000) AS n;
INSERT INTO cart_line_item (id, cart_id, title, thumbnail, quantity, unit_price, raw_unit_price, created_at, deleted_at)
SELECT 'cali_p' || lpad(n::text, 6, '0') || '_' || i, 'cart_p' || lpad(n::text, 6, '0'), 'Product ' || i,
       'https://cdn.example/' || i || '.jpg', i, 9.99 + i, '{}', now() - interval '1 day' + i * interval '1 minute',
       CASE WHEN i = 6 THEN now() END
  FROM generate_series(1, 100000) AS n, generate_series(1, 6) AS i;
ANALYZE;
" > /dev/null
ids="{$(seq -f 'cart_p%06g' 1 10 100000 | head -10000 | tr '\n' ',' | sed 's/,$//')}"
# The first five runs of a prepared statement are planned for their values, later ones may be
# generic: both plans are checked.
for mode in force_custom_plan force_generic_plan; do
    plan=$(psql -X -qtA -v ON_ERROR_STOP=1 -c "SET search_path = pg_catalog, pg_temp" -c "SET plan_cache_mode = $mode" \
        -c "SET jit = off" -c "PREPARE cart_contents(text[]) AS $sql" \
        -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE cart_contents('$ids')" 2>&1)
    rows=$(sed -n '1s/.*(actual time=[0-9.]* rows=\([0-9]*\) .*/\1/p' <<< "$plan")
    ms=$(sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p' <<< "$plan")
    echo "# $mode: $rows rows for 10,000 carts in $ms ms"
    is "$rows" "50000" "$mode: 10,000 carts x 5 live items in one statement"
    is "$(grep -c 'Seq Scan' <<< "$plan")" "0" "$mode: no sequential scan"
    ok "$(grep -q 'Index Scan using "IDX_line_item_cart_id" on cart_line_item' <<< "$plan"; echo $?)" \
       "$mode: the line items by Medusa's index on cart_id (live rows)"
done
