-- Medusa v2 carts at scale, set-based (no per-row loop): psql -v carts=N -f generate.sql
-- into a database that has Medusa's tables (test/fixtures/medusa_v2_schema.sql) in public.
--
-- Variables (all optional but carts):
--   carts          how many carts
--   span_hours     carts were created over this many hours before now (8760: a year)
--   offset_hours   ... ending this many hours ago (25 with span 15: every cart due for its first reminder)
--   completed_pct  carts that became orders (30: the real ~70% abandonment rate)
--   messy          1: phone numbers typed every way, some missing or invalid; 0: all valid
--   prefix         cart id prefix, so several generations can share a database
--   first          the first cart's number (1): generations that share a database take disjoint
--                  ranges, so their random picks (phone numbers among them) differ
--
-- Shape: ids are ULID-like and time-ordered as Medusa's are; 1 to 5 line items per cart (about
-- 1 in 9 carts with a soft-deleted one), a shipping method on a third, an address on 9 in 10;
-- a third of the carts anonymous, the rest guests (a customer row each, has_account false) or
-- registered customers who come back (about 10 carts each). Line items change after the cart
-- row does, which is Medusa's updated_at trap.
\set ON_ERROR_STOP on
\if :{?span_hours} \else \set span_hours 8760 \endif
\if :{?offset_hours} \else \set offset_hours 0 \endif
\if :{?completed_pct} \else \set completed_pct 30 \endif
\if :{?messy} \else \set messy 1 \endif
\if :{?prefix} \else \set prefix 'b' \endif
\if :{?first} \else \set first 1 \endif

SET client_min_messages = warning;
SET jit = off;
BEGIN;

-- One row per cart with every random pick it needs, from a hash of its number: the same
-- arguments always give the same data (up to now()).
CREATE TEMP TABLE plan ON COMMIT DROP AS
SELECT i,
       created,
       'cart_' || :'prefix' || upper(lpad(to_hex((extract(epoch FROM created) * 1000)::bigint), 12, '0'))
           || upper(substr(md5(:'prefix' || i), 1, 14)) AS cart_id,
       r1, r2, r3,
       (r1 % 100) < :completed_pct AS completed,
       CASE WHEN r2 % 3 = 0 THEN 'anonymous' WHEN r2 % 3 = 1 THEN 'guest' ELSE 'registered' END AS kind,
       1 + (r3 % 5)::int AS items,
       make_interval(secs => 60 + (r2 % 5400)) AS session
  FROM (SELECT i,
               -- minus the session (see below): no activity lies in the future
               now() - make_interval(hours => :offset_hours)
                     - make_interval(secs => (:span_hours * 3600.0) * ((hashint4(i) & 2147483647) / 2147483648.0))
                     - make_interval(secs => 240 + ((hashint4(i * 5 + 2) & 2147483647) % 5400)) AS created,
               hashint4(i * 3 + 1) & 2147483647 AS r1,
               hashint4(i * 5 + 2) & 2147483647 AS r2,
               hashint4(i * 7 + 3) & 2147483647 AS r3
          FROM generate_series(:first, :first + :carts - 1) AS i) AS g;

-- Registered customers: one per ten registered carts, each coming back for several carts.
INSERT INTO customer (id, first_name, last_name, email, phone, has_account, created_at, updated_at)
SELECT 'cus_' || :'prefix' || 'r' || k,
       (ARRAY['Anna', 'Ravi', 'Maria José', 'Zoë', 'राहुल', 'محمد', 'Li Wei', 'Chloé', '', NULL])[1 + k % 10],
       'Shopper', 'user' || :'prefix' || k || '@example.com',
       CASE WHEN k % 4 = 0 THEN '+4915' || lpad((hashint4(k) & 16777215)::text, 9, '0') END,
       true, now() - interval '400 days', now() - interval '400 days'
  FROM generate_series(0, greatest(:carts / 30, 1)) AS k;

-- Guests: Medusa makes a customer row without an account for the email given at checkout.
INSERT INTO customer (id, first_name, email, has_account, created_at, updated_at)
SELECT 'cus_' || :'prefix' || 'g' || i, (ARRAY['Anna', 'Ravi', 'Zoë', 'Li Wei', NULL])[1 + r1 % 5],
       'guest' || :'prefix' || i || '@example.com', false, created, created
  FROM plan WHERE kind = 'guest';

-- Shipping addresses, with the phone as typed at checkout.
INSERT INTO cart_address (id, first_name, country_code, phone, created_at, updated_at)
SELECT 'caaddr_' || cart_id, (ARRAY['Anna', 'Ravi', 'Maria José', 'Zoë', 'राहुल', 'محمد', 'Li Wei', 'Chloé', ''])[1 + r3 % 9],
       p.country, p.phone, created, created
  FROM plan
 CROSS JOIN LATERAL (
     SELECT CASE WHEN :messy = 0 THEN 'de'
                 ELSE (ARRAY['de', 'de', 'de', 'in', 'in', 'in', 'gb', 'gb', 'us', 'br', 'de', 'in', NULL])[1 + r1 % 13]
            END AS country,
            CASE WHEN :messy = 0 THEN '+49 151 ' || lpad((r2 % 100000000)::text, 8, '0')
                 WHEN r2 % 17 = 0 THEN NULL
                 ELSE format((ARRAY['0151 %s', '+49 (0)151 %s', '0049 151 %s', '9%s', '+91-9%s', '09%s',
                                    '07400 %s', '+44 7400 %s', '(201) 555-%s', '(11) 9%s', '030 %s',
                                    'n/a %s', '+49151%s'])[1 + r1 % 13],
                             CASE WHEN r1 % 13 IN (6, 7) THEN lpad((r2 % 1000000)::text, 6, '0')
                                  WHEN r1 % 13 = 8 THEN lpad((r2 % 10000)::text, 4, '0')
                                  WHEN r1 % 13 IN (3, 4, 5) THEN lpad((r2 % 1000000000)::text, 9, '0')
                                  ELSE lpad((r2 % 100000000)::text, 8, '0') END)
            END AS phone) AS p
 WHERE :messy = 0 OR r3 % 10 > 0;

INSERT INTO cart (id, customer_id, email, currency_code, shipping_address_id, metadata,
                  created_at, updated_at, completed_at)
SELECT cart_id,
       CASE kind WHEN 'guest' THEN 'cus_' || :'prefix' || 'g' || i
                 WHEN 'registered' THEN 'cus_' || :'prefix' || 'r' || (r3 % greatest(:carts / 30, 1)) END,
       CASE kind WHEN 'guest' THEN 'guest' || :'prefix' || i || '@example.com'
                 WHEN 'registered' THEN 'user' || :'prefix' || (r3 % greatest(:carts / 30, 1)) || '@example.com' END,
       (ARRAY['eur', 'inr', 'usd'])[1 + r2 % 3],
       CASE WHEN :messy = 0 OR r3 % 10 > 0 THEN 'caaddr_' || cart_id END,
       CASE WHEN r1 % 4 = 0 THEN '{"utm_source": "instagram"}'::jsonb END,
       created, created + interval '1 minute',
       CASE WHEN completed THEN created + session + interval '3 minutes' END
  FROM plan;

-- Line items: added during the session, after the cart row last changed.
INSERT INTO cart_line_item (id, cart_id, title, quantity, variant_id, product_id, product_title,
                            unit_price, raw_unit_price, created_at, updated_at, deleted_at)
SELECT 'cali_' || substr(cart_id, 6) || '_' || n, cart_id, 'Item ' || n, 1 + (r1 + n) % 3,
       'variant_' || (r2 + n) % 5000, 'prod_' || (r2 + n) % 800, 'Product ' || (r2 + n) % 800,
       round(5 + ((r3 + n) % 9000) / 100.0, 2),
       jsonb_build_object('value', round(5 + ((r3 + n) % 9000) / 100.0, 2)::text, 'precision', 20),
       created + session * n / items, created + session * n / items,
       CASE WHEN n = 1 AND items > 1 AND r1 % 9 = 0 THEN created + session END
  FROM plan CROSS JOIN LATERAL generate_series(1, items) AS n;

-- Shipping methods on a third of the carts, chosen at the end of the session.
INSERT INTO cart_shipping_method (id, cart_id, name, amount, raw_amount, created_at, updated_at)
SELECT 'casm_' || substr(cart_id, 6), cart_id, 'Standard', 4.99, '{"value": "4.99", "precision": 20}',
       created + session, created + session
  FROM plan WHERE r3 % 3 = 0;

COMMIT;
ANALYZE customer, cart_address, cart, cart_line_item, cart_shipping_method;
