#!/usr/bin/env bash
# A shop running 1.3 upgrades (through 1.4) to the current version in place: its ledger, recovered carts, run log, opt-outs and
# channel status kept; cart_abandon_daily() reads what 1.3 wrote; nothing is re-sent; the upgraded
# schema is the fresh one.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 9

q "CREATE EXTENSION cart_abandon VERSION '1.3'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.3" "1.3 installs"
refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c 'ERROR:  the cart_abandon extension is at version 1.3 but its library is 1.6' <<< "$refusal")" "1" \
   "the current library refuses to process with a 1.3 schema"

# What 1.3 wrote: a reminder delivered and read, a completion it recorded as recovered, runs with
# their counts, an opt-out, a channel's webhook times.
q "SELECT fixture.make_cart('v_sent', '30 hours', phone => '0151 8400000' || 1)" > /dev/null
q "SELECT fixture.make_cart('v_bought', '30 hours', phone => '0151 8400000' || 2, items => 2, unit_price => 10.00, currency => 'eur')" > /dev/null
q "
SET TimeZone = 'UTC';
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by,
                               open_carts, abandoned_carts, abandoned_carts_in_window, carts_counted_at, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 2, 2, 'pg_cron',
        2, 2, 2, now() - interval '3 hours', now() - interval '3 hours'),
       ('succeeded', now() - interval '1 hour', now() - interval '1 hour', 'incremental', now() - interval '1 hour', 'k', 0, 0, 'pg_cron',
        NULL, NULL, NULL, NULL, now() - interval '1 hour');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, sent_at, claimed_at, run_id, message_status, webhook_status, delivered_at, read_at, claim_session)
VALUES ('v_sent', 1, 'whatsapp', 'sent', 1, '+4915184000001', 'wamid.v1', '4915184000001', now() - interval '3 hours', now() - interval '3 hours', 1, 'accepted', 'read', now() - interval '170 minutes', now() - interval '160 minutes', '1.3'),
       ('v_bought', 1, 'whatsapp', 'sent', 1, '+4915184000002', 'wamid.v2', '4915184000002', now() - interval '3 hours', now() - interval '3 hours', 1, 'accepted', NULL, NULL, NULL, '1.3');
UPDATE public.cart SET completed_at = now() - interval '2 hours' WHERE id = 'v_bought';
INSERT INTO cart_abandon.recovered_carts (cart_id, completed_at, currency_code, value) VALUES ('v_bought', now() - interval '2 hours', 'eur', 20.00);
INSERT INTO cart_abandon.opt_outs (phone, source, reason, wa_id) VALUES ('+4915184000099', 'whatsapp', 'stop', '4915184000099');
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at, webhook_covers) VALUES ('whatsapp', false, now() - interval '1 hour', now() - interval '3 hours');
" > /dev/null
fingerprint() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', cart_id, stage, status, attempts, phone, wamid, wa_id, sent_at, message_status, webhook_status, delivered_at, read_at, claim_session), ',' ORDER BY id) FROM cart_abandon.deliveries)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, finished_at, scan, scan_key, examined, sent_first, started_by, open_carts, carts_counted_at, recoveries_checked_at), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value, recorded_at), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', phone, source, wa_id), ',') FROM cart_abandon.opt_outs)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at, webhook_covers), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)
stats_before=$(q "SELECT cart_abandon_stats() - 'missing_indexes' - 'exposed_secrets'")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6 (through 1.4 and 1.5)"
is "$(fingerprint)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
is "$(q "SELECT cart_abandon_stats() - 'missing_indexes' - 'exposed_secrets' - 'cart_metadata' - 'graph_version'")" "$stats_before" \
   "the stats read the same (1.5 adds cart_metadata, 1.6 graph_version)"
# 1.3's rows, three hours old: on today's or yesterday's line of the UTC calendar.
is "$(PGOPTIONS='-c TimeZone=UTC' q "SELECT sum(first_sent) || ' ' || sum(delivered) || ' ' || sum(read) || ' ' || sum(recovered_carts) || ' ' || (SELECT recovered_value FROM cart_abandon_daily(2) WHERE recovered_carts > 0) FROM cart_abandon_daily(2)")" \
   '2 1 1 1 {"eur": 20.00}' "cart_abandon_daily reads what 1.3 wrote: 2 reminders, 1 delivered, 1 read, 1 recovered for 20.00 eur"
is "$(q "SELECT has_function_privilege('cart_abandon_monitor', 'cart_abandon_daily(integer)', 'EXECUTE') AND NOT has_function_privilege('public', 'cart_abandon_daily(integer)', 'EXECUTE')")" t \
   "the upgrade grants cart_abandon_daily to the monitor, not to PUBLIC"

q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "0" "nothing re-sent after the upgrade"

is_fresh_schema "an upgraded 1.3 schema equals a fresh 1.6 install"
