#!/usr/bin/env bash
# A shop running 1.1 upgrades (to 1.2, 1.3, 1.4, 1.5, then 1.6) in place: its ledger, opt-outs, runs and paused channel kept;
# the stages 1.1 closed for a template or account error (132001, ...) reopened with their attempts
# given back, other failures left closed; the current library sends what is due and nothing else;
# the upgraded schema is the fresh one.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 12

q "CREATE EXTENSION cart_abandon VERSION '1.1'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.1" "1.1 installs"
refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c 'ERROR:  the cart_abandon extension is at version 1.1 but its library is 1.6' <<< "$refusal") $(grep -o 'ALTER EXTENSION cart_abandon UPDATE' <<< "$refusal" | head -1)" \
   "1 ALTER EXTENSION cart_abandon UPDATE" "the current library refuses a 1.1 schema and says how to upgrade"

# What 1.1 wrote: a sent reminder with its wa_id, a stage closed by 132001 (a misspelt template),
# one closed by 131026, a held stage, an imported one, a 131050 opt-out, a paused channel.
n=0
for c in sent tmpl undeliverable held imported; do
    n=$((n + 1))
    q "SELECT fixture.make_cart('v_$c', '30 hours', phone => '0151 8200000$n')" > /dev/null
done
q "
INSERT INTO cart_abandon.runs (status, finished_at, scan, scan_from, scan_key, examined, sent_first)
VALUES ('channel_paused', now() - interval '2 hours', 'full', now() - interval '2 hours', '1.1/public/86400/172800/604800', 5, 1);
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, sent_at, claimed_at, error_code, error_message, run_id, origin, hold_reason, not_before)
VALUES ('v_sent', 1, 'whatsapp', 'sent', 1, '+4915182000001', 'wamid.v1', '4915182000001', now() - interval '2 hours', now() - interval '2 hours', NULL, NULL, 1, 'cart_abandon', NULL, NULL),
       ('v_tmpl', 1, 'whatsapp', 'failed', 1, '+4915182000002', NULL, NULL, NULL, now() - interval '2 hours', 132001, '(#132001) Template name does not exist in the translation', 1, 'cart_abandon', NULL, NULL),
       ('v_undeliverable', 1, 'whatsapp', 'failed', 1, '+4915182000003', NULL, NULL, NULL, now() - interval '2 hours', 131026, '(#131026) Message undeliverable', 1, 'cart_abandon', NULL, NULL),
       ('v_held', 1, 'whatsapp', 'held', 0, '+4915182000004', NULL, NULL, NULL, now() - interval '2 hours', NULL, NULL, 1, 'cart_abandon', 'frequency_cap', now() + interval '10 hours'),
       ('v_imported', 1, 'whatsapp', 'sent', 0, NULL, NULL, NULL, now() - interval '40 hours', now() - interval '2 hours', NULL, NULL, 1, 'imported', NULL, NULL);
INSERT INTO cart_abandon.opt_outs (phone, source, reason) VALUES ('+4915182000099', 'whatsapp_131050', 'stopped');
INSERT INTO cart_abandon.channel_status (channel, paused, error_code, error_message) VALUES ('whatsapp', true, 190, 'channel paused by error 190');
" > /dev/null
before=$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, phone, wamid, wa_id, sent_at, origin, hold_reason, not_before), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6 (through 1.2, 1.3, 1.4 and 1.5)"
is "$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, phone, wamid, wa_id, sent_at, origin, hold_reason, not_before), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries")" \
   "$before" "every ledger row kept with its numbers, wamids, wa_ids, times, origins and holds"
is "$(q "SELECT status || '/' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'v_tmpl'")" "retry/0" \
   "a stage 1.1 closed for a template error is due again, its attempt given back"
is "$(q "SELECT status || '/' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'v_undeliverable'")" "failed/1" \
   "a stage closed for its recipient (131026) stays closed"
is "$(q "SELECT source || ' ' || coalesce(wa_id, '-') FROM cart_abandon.opt_outs")" "whatsapp_131050 -" "the opt-out kept"
is "$(q "SELECT paused || ' ' || error_code FROM cart_abandon.channel_status")" "true 190" "the channel's pause kept"

# The current library: it probes the paused channel, finds it accepted, sends the reopened stage.
q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(to_phone, ',' ORDER BY to_phone) FROM fixture.standin_requests()")" "+4915182000002" \
   "after the upgrade only the reopened stage goes out"
is "$(q "SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'v_tmpl'")" "sent" "and is recorded sent"
is "$(q "SELECT paused FROM cart_abandon.channel_status")" "f" "the accepted probe lifted the pause"

is_fresh_schema "an upgraded 1.1 schema equals a fresh install of the current version"
