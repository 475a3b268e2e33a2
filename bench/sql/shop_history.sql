-- A shop's past on top of generate.sql's carts, set-based: psql -v due=PREFIX -f shop_history.sql,
-- into a database with cart_abandon installed; carts generated with that prefix are left unreminded
-- (the due carts the next run sends to).
--   Orders: each completed cart became one ("order" and order_cart, as Medusa's checkout makes them).
--   The ledger of the hourly runs that reminded the open carts, as cart_abandon.deliveries rows:
--   the first reminder in the hour after the first delay (24 h of idle time) passed, the second
--   in the hour after the second delay (48 h), if that hour is over; Meta's statuses delivered
--   or read; a cart without a phone skipped. Carts whose hour has not come yet are what the next
--   run finds due.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
BEGIN;

INSERT INTO "order" (id, customer_id, email, currency_code, status, created_at, updated_at)
SELECT 'order_' || substr(id, 6), customer_id, email, currency_code, 'completed', completed_at, completed_at
  FROM cart WHERE completed_at IS NOT NULL;
INSERT INTO order_cart (order_id, cart_id, id, created_at, updated_at)
SELECT 'order_' || substr(id, 6), id, 'ordercart_' || substr(id, 6), completed_at, completed_at
  FROM cart WHERE completed_at IS NOT NULL;

-- Each open cart's last change (its items and shipping method change after the cart row) and the
-- minute of the hour the runs reached it.
CREATE TEMP TABLE reminded ON COMMIT DROP AS
SELECT c.id AS cart_id, a.phone, greatest(c.updated_at, li.changed, sm.changed) AS active_at,
       make_interval(mins => (hashtext(c.id) & 2147483647) % 60) AS run_minute
  FROM cart c
  LEFT JOIN cart_address a ON a.id = c.shipping_address_id
  LEFT JOIN (SELECT cart_id, max(greatest(updated_at, deleted_at)) AS changed FROM cart_line_item GROUP BY cart_id) li
         ON li.cart_id = c.id
  LEFT JOIN (SELECT cart_id, max(greatest(updated_at, deleted_at)) AS changed FROM cart_shipping_method GROUP BY cart_id) sm
         ON sm.cart_id = c.id
 WHERE c.completed_at IS NULL AND c.deleted_at IS NULL AND c.id NOT LIKE 'cart_' || :'due' || '%';

INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id,
                                     provider_recipient_id, skip_reason,
                                     claimed_at, sent_at, webhook_status, delivered_at, read_at, webhook_at,
                                     cart_changed_at, created_at, updated_at)
SELECT r.cart_id, s.stage, 'whatsapp',
       CASE WHEN r.phone IS NULL THEN 'skipped' ELSE 'sent' END,
       CASE WHEN r.phone IS NULL THEN 0 ELSE 1 END,
       r.phone,
       CASE WHEN r.phone IS NOT NULL THEN 'wamid.shop' || md5(r.cart_id || s.stage) END,
       CASE WHEN r.phone IS NOT NULL THEN regexp_replace(r.phone, '[^0-9]', '', 'g') END,
       CASE WHEN r.phone IS NULL THEN 'no_phone' END,
       s.at, CASE WHEN r.phone IS NOT NULL THEN s.at END,
       CASE WHEN r.phone IS NULL THEN NULL WHEN hashtext(r.cart_id || s.stage) % 3 = 0 THEN 'delivered' ELSE 'read' END,
       CASE WHEN r.phone IS NOT NULL THEN s.at + interval '20 seconds' END,
       CASE WHEN r.phone IS NOT NULL AND hashtext(r.cart_id || s.stage) % 3 <> 0 THEN s.at + interval '2 hours' END,
       CASE WHEN r.phone IS NOT NULL THEN s.at + interval '20 seconds' END,
       r.active_at, s.at, s.at
  FROM reminded r
 CROSS JOIN LATERAL (VALUES (1, r.active_at + interval '24 hours' + r.run_minute),
                            (2, r.active_at + interval '48 hours' + r.run_minute)) AS s(stage, at)
 WHERE s.at <= now()
   AND (s.stage = 1 OR r.phone IS NOT NULL);  -- a skipped cart has no second reminder

-- The last hourly run, an hour ago: the next run reads the completions since then for its
-- recovered carts, not the shop's six months of them (what a first run after an install does). No
-- scan_key: the next run scans the window in full.
INSERT INTO cart_abandon.runs (started_at, progress_at, finished_at, status, started_by, recoveries_checked_at)
VALUES (now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', 'succeeded', 'pg_cron',
        now() - interval '1 hour');

COMMIT;
VACUUM ANALYZE "order", order_cart, cart_abandon.deliveries;
