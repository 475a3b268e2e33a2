#!/usr/bin/env bash
# A shop running 1.4 upgrades to 1.5 in place: every ledger row, run, recovered cart, opt-out and
# channel status kept; the ledger gains the cart-metadata and opt-out marks (none pending after
# 1.4, which wrote metadata with the outcome); 1.4's helper functions go; the 1.5 library then
# sends what is due and nothing twice; the upgraded schema is the fresh one.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 10

q "CREATE EXTENSION cart_abandon VERSION '1.4'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.4" "1.4 installs"
refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c 'ERROR:  the cart_abandon extension is at version 1.4 but its library is 1.6' <<< "$refusal")" "1" \
   "the 1.6 library refuses to process with a 1.4 schema"

# What 1.4 wrote: a reminder sent with its metadata, a failure, a run, a recovered cart, an opt-out.
q "SELECT fixture.make_cart('w_sent', '30 hours', phone => '0151 8500000' || 1, metadata => '{\"notifications\": {\"firstSent\": true, \"secondSent\": false}}')" > /dev/null
q "SELECT fixture.make_cart('w_failed', '30 hours', phone => '0151 8500000' || 2)" > /dev/null
q "SELECT fixture.make_cart('w_due', '30 hours', phone => '0151 8500000' || 3)" > /dev/null
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 2, 1, 'pg_cron', now() - interval '3 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, sent_at, claimed_at, run_id, error_code, error_message, claim_session)
VALUES ('w_sent', 1, 'whatsapp', 'sent', 1, '+4915185000001', 'wamid.w1', '4915185000001', now() - interval '3 hours', now() - interval '3 hours', 1, NULL, NULL, '1.4'),
       ('w_failed', 1, 'whatsapp', 'failed', 1, '+4915185000002', NULL, NULL, NULL, now() - interval '3 hours', 1, 131026, 'undeliverable', '1.4');
INSERT INTO cart_abandon.recovered_carts (cart_id, completed_at, currency_code, value) VALUES ('w_old', now() - interval '2 hours', 'eur', 20.00);
INSERT INTO cart_abandon.opt_outs (phone, source, reason) VALUES ('+4915185000099', 'manual', 'asked');
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at) VALUES ('whatsapp', false, now() - interval '1 hour');
" > /dev/null
fingerprint() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', id, cart_id, stage, status, attempts, phone, wamid, wa_id, sent_at, error_code, error_message, claim_session), ',' ORDER BY id) FROM cart_abandon.deliveries)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, scan_key, sent_first, started_by, recoveries_checked_at), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value, recorded_at), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', phone, source, reason), ',') FROM cart_abandon.opt_outs)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6 (through 1.5)"
is "$(fingerprint)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
is "$(q "SELECT count(*) FILTER (WHERE metadata_pending_since IS NOT NULL OR opt_out_pending) FROM cart_abandon.deliveries")" 0 \
   "nothing pending after 1.4: it wrote cart metadata with each outcome"
is "$(q "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'cart_abandon' AND p.proname IN ('merge_notifications', 'stage_open', 'record_recoveries')")" 0 \
   "1.4's helpers that wrote Medusa's tables as the extension's owner are gone"
is "$(q "SELECT cart_abandon_stats() -> 'cart_metadata'")" '{"failing": 0, "pending": 0, "oldest_pending_since": null}' \
   "the stats show no metadata behind"

q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "w_due:sent,w_failed:failed,w_sent:sent" "the 1.6 library sends what was due, and only that"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915185000003" "nothing re-sent after the upgrade"

is_fresh_schema "an upgraded 1.4 schema equals a fresh 1.6 install"
