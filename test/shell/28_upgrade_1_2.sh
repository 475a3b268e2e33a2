#!/usr/bin/env bash
# A shop running 1.2 upgrades (through 1.3 and 1.4) to the current version in place: its ledger, opt-outs,
# preferences, channel status and run log kept; the run log gains who started each run and the cart counts (empty for 1.2's rows);
# the stats' cart and recovered figures wait for the first run; the upgraded schema is the fresh one.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 11

q "CREATE EXTENSION cart_abandon VERSION '1.2'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.2" "1.2 installs"
refusal=$(psql -X -qtA -c "SELECT cart_abandon_stats()" -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c 'ERROR:  the cart_abandon extension is at version 1.2 but its library is 1.6' <<< "$refusal")" "1" \
   "the current library refuses to process with a 1.2 schema"

# What 1.2 wrote: a sent reminder with Meta's delivery, a held stage, runs, an opt-out by wa_id,
# a preference, a channel's webhook times.
q "SELECT fixture.make_cart('u_sent', '30 hours', phone => '0151 8300000' || 1)" > /dev/null
q "SELECT fixture.make_cart('u_held', '30 hours', phone => '0151 8300000' || 2)" > /dev/null
q "SELECT fixture.make_cart('u_bought', '30 hours', phone => '0151 8300000' || 3, items => 2, unit_price => 10.00, currency => 'eur')" > /dev/null
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 2, 1),
       ('interrupted', now() - interval '2 hours', now() - interval '2 hours', 'incremental', now() - interval '2 hours', 'k', 0, 0);
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, sent_at, claimed_at, run_id, message_status, webhook_status, delivered_at, claim_session, hold_reason, not_before)
VALUES ('u_sent', 1, 'whatsapp', 'sent', 1, '+4915183000001', 'wamid.u1', '4915183000001', now() - interval '3 hours', now() - interval '3 hours', 1, 'accepted', 'delivered', now() - interval '170 minutes', '1.2', NULL, NULL),
       ('u_held', 1, 'whatsapp', 'held', 0, '+4915183000002', NULL, NULL, NULL, now() - interval '3 hours', 1, NULL, NULL, NULL, NULL, 'frequency_cap', now() + interval '10 hours'),
       ('u_bought', 1, 'whatsapp', 'sent', 1, '+4915183000003', 'wamid.u3', '4915183000003', now() - interval '3 hours', now() - interval '3 hours', 1, 'accepted', NULL, NULL, '1.2', NULL, NULL);
UPDATE public.cart SET completed_at = now() - interval '1 hour' WHERE id = 'u_bought';
INSERT INTO cart_abandon.opt_outs (phone, source, reason, wa_id) VALUES ('+4915183000099', 'whatsapp', 'stop', '4915183000099');
INSERT INTO cart_abandon.whatsapp_preferences (wa_id, value, at) VALUES ('4915183000099', 'stop', now() - interval '1 day');
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at, webhook_covers) VALUES ('whatsapp', false, now() - interval '1 hour', now() - interval '3 hours');
" > /dev/null
fingerprint() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', cart_id, stage, status, attempts, phone, wamid, wa_id, sent_at, message_status, webhook_status, delivered_at, claim_session, hold_reason, not_before), ',' ORDER BY id) FROM cart_abandon.deliveries)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, finished_at, scan, scan_key, examined, sent_first), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', phone, source, wa_id), ',') FROM cart_abandon.opt_outs)
               || (SELECT string_agg(concat_ws('|', wa_id, value, at), ',') FROM cart_abandon.whatsapp_preferences)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at, webhook_covers), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6 (through 1.3, 1.4 and 1.5)"
is "$(fingerprint)" "$before" "every ledger row, run, opt-out, preference and channel status kept"
is "$(q "SELECT count(*) FROM cart_abandon.runs WHERE started_by IS NULL AND carts_counted_at IS NULL AND open_carts IS NULL")" "2" \
   "1.2's runs: who started them and the cart counts unknown"
is "$(q "SELECT (cart_abandon_stats() -> 'open_carts')::text || ' ' || (cart_abandon_stats() -> 'recovered_carts')::text || ' ' || jsonb_array_length(cart_abandon_stats() -> 'missing_indexes')")" "null null 9" \
   "stats: no cart count and no recovered count before a run made them; the nine recommended indexes named missing"

# The 1.3 library: the held stage waits, nothing is re-sent; the run (full: no earlier complete
# scan with this key) counts the carts.
q "SELECT fixture.standin_reset()" > /dev/null
PGAPPNAME=upgrade_test q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "0" "nothing re-sent after the upgrade"
is "$(q "SELECT started_by || ' ' || open_carts FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" "upgrade_test 2" \
   "the first 1.3 run records who started it and counts the open carts"
is "$(q "SELECT (cart_abandon_stats() ->> 'open_carts')")" "2" "and the stats report that count"
is "$(q "SELECT (cart_abandon_stats() ->> 'recovered_carts') || ' ' || (cart_abandon_stats() -> 'recovered_value')::text")" '1 {"eur": 20.00}' \
   "its first look at completions finds the cart completed after 1.2's reminder, before the upgrade"

is_fresh_schema "an upgraded 1.2 schema equals a fresh install of the current version"
