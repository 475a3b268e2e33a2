#!/usr/bin/env bash
# A shop running 1.0 upgrades in place: CREATE EXTENSION ... VERSION '1.0', a ledger, opt-outs and
# runs as 1.0 wrote them, then ALTER EXTENSION cart_abandon UPDATE. Nothing is lost, nothing is
# re-sent, 1.0's same-batch duplicates become held stages, and the upgraded schema (1.0 -> 1.1 ->
# 1.2 -> 1.3 -> 1.4 -> 1.5 -> 1.6) is the one a fresh install of the current version makes.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 12

q "CREATE EXTENSION cart_abandon VERSION '1.0'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.0" "1.0 installs"
is "$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1 | grep -o 'ALTER EXTENSION cart_abandon UPDATE' | head -1)" \
   "ALTER EXTENSION cart_abandon UPDATE" "the current library refuses a 1.0 schema and says how to upgrade"

# What 1.0 wrote: a sent first reminder (metadata too), a second due soon, a failed stage, a
# retry, a no_phone skip, a same-batch duplicate, an opt-out, a finished run.
q "SELECT fixture.make_cart('up_sent', '30 hours', phone => '0151 81000001')" > /dev/null
q "SELECT fixture.make_cart('up_second', '50 hours', phone => '0151 81000002')" > /dev/null
q "SELECT fixture.make_cart('up_failed', '30 hours', phone => '0151 81000003')" > /dev/null
q "SELECT fixture.make_cart('up_retry', '30 hours', phone => '0151 81000004')" > /dev/null
q "SELECT fixture.make_cart('up_nophone', '30 hours', phone => ' ')" > /dev/null
q "SELECT fixture.make_cart('up_dup_a', '30 hours', phone => '0151 81000005')" > /dev/null
q "SELECT fixture.make_cart('up_dup_b', '30 hours', phone => '0151 81000005')" > /dev/null
q "SELECT fixture.make_cart('up_optout', '30 hours', phone => '0151 81000006')" > /dev/null
q "
INSERT INTO cart_abandon.runs (status, finished_at, scan, scan_from, scan_key, examined, sent_first)
VALUES ('succeeded', now() - interval '2 hours', 'full', now() - interval '2 hours', 'public/86400/172800/604800', 8, 2);
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, sent_at, claimed_at, skip_reason, error_code, error_message, run_id)
VALUES ('up_sent', 1, 'whatsapp', 'sent', 1, '+4915181000001', 'wamid.1', now() - interval '2 hours', now() - interval '2 hours', NULL, NULL, NULL, 1),
       ('up_second', 1, 'whatsapp', 'sent', 1, '+4915181000002', 'wamid.2', now() - interval '26 hours', now() - interval '26 hours', NULL, NULL, NULL, 1),
       ('up_failed', 1, 'whatsapp', 'failed', 1, '+4915181000003', NULL, NULL, now() - interval '2 hours', NULL, 131026, 'Message undeliverable', 1),
       ('up_retry', 1, 'whatsapp', 'retry', 1, '+4915181000004', NULL, NULL, now() - interval '2 hours', NULL, 131000, 'Something went wrong', 1),
       ('up_nophone', 1, 'whatsapp', 'skipped', 0, NULL, NULL, NULL, now() - interval '2 hours', 'no_phone', NULL, NULL, 1),
       ('up_dup_a', 1, 'whatsapp', 'sent', 1, '+4915181000005', 'wamid.5', now() - interval '10 hours', now() - interval '10 hours', NULL, NULL, NULL, 1),
       ('up_dup_b', 1, 'whatsapp', 'skipped', 0, NULL, NULL, NULL, now() - interval '10 hours', 'duplicate_phone', NULL, NULL, 1);
UPDATE public.cart SET metadata = '{\"notifications\": {\"firstSent\": true, \"secondSent\": false}}' WHERE id IN ('up_sent', 'up_second', 'up_dup_a');
INSERT INTO cart_abandon.opt_outs (phone, reason) VALUES ('+4915181000006', 'asked by email');
INSERT INTO cart_abandon.channel_status (channel, paused) VALUES ('whatsapp', false);
" > /dev/null
before=$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, attempts, phone, wamid, sent_at, error_code, error_message), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6 (through 1.1, 1.2, 1.3, 1.4 and 1.5)"
is "$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, attempts, phone, wamid, sent_at, error_code, error_message), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries")" \
   "$before" "every ledger row kept with its attempts, numbers, wamids, times and errors"
is "$(q "SELECT count(*) FROM cart_abandon.opt_outs") $(q "SELECT count(*) FROM cart_abandon.runs")" "1 1" "opt-outs and runs kept"
is "$(q "SELECT status || '/' || hold_reason FROM cart_abandon.deliveries WHERE cart_id = 'up_dup_b'")" "held/frequency_cap" \
   "1.0's duplicate_phone skip becomes a hold"
is "$(q "SELECT string_agg(DISTINCT origin, ',') FROM cart_abandon.deliveries")" "cart_abandon" "1.0's rows are cart_abandon's own"

q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(to_phone, ',' ORDER BY to_phone) FROM fixture.standin_requests()")" \
   "+4915181000002,+4915181000004" "after the upgrade only the due second reminder and the retry go out"
is "$(q "SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'up_dup_b'")" "held" \
   "the person messaged 10 h ago through another cart is still held by the frequency cap"
is "$(q "SELECT status || '/' || coalesce(skip_reason, '') FROM cart_abandon.deliveries WHERE cart_id = 'up_optout'")" "skipped/opted_out" \
   "the opt-out still holds"
is "$(q "SELECT scan FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" "full" "the first run after the upgrade scans in full"

# The upgraded schema is the fresh one: same columns, constraints, indexes and functions.
is_fresh_schema "an upgraded schema equals a fresh install"
