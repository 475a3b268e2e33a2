#!/usr/bin/env bash
# A shop running a released version upgrades in place to the current one; the version is the
# argument (scripts/test.sh runs every version an upgrade script starts from, and
# test/shell/600_upgrade.sh@1.3 names one). Each case installs that version, writes what it
# wrote, runs ALTER EXTENSION cart_abandon UPDATE and checks that nothing is lost or re-sent and
# that the upgraded schema is the one a fresh install of the current version makes.
# The old version installs through PostgreSQL's chain (1.0's script, then the upgrades): only 1.0's
# full script is shipped, and the chain makes the same schema as each release's own full script.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
source "$(dirname "$0")/lib/schema.sh"
from="${1:-}"
current=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" cart_abandon.control)
# Columns 1.7 renamed, read under either name (rows aliased d and o): a fingerprint reads the same
# values before and after an upgrade.
RECIPIENT="coalesce(to_jsonb(d) ->> 'recipient', to_jsonb(d) ->> 'phone')"
PROVIDER_MESSAGE_ID="coalesce(to_jsonb(d) ->> 'provider_message_id', to_jsonb(d) ->> 'wamid')"
PROVIDER_RECIPIENT_ID="coalesce(to_jsonb(d) ->> 'provider_recipient_id', to_jsonb(d) ->> 'wa_id')"
ADDRESS="coalesce(to_jsonb(o) ->> 'address', to_jsonb(o) ->> 'phone')"

# The current library refuses to work on an older schema (`version`) and says so, naming both.
# The stats an upgrade keeps: without what depends on the indexes and the secrets of this machine,
# and what 1.9 adds (by_channel, channels.sms).
stats_kept="(cart_abandon_stats() - 'missing_indexes' - 'exposed_secrets' - 'by_channel' #- '{channels,sms}')"

refuses_older_schema() {
    local refusal
    refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
    is "$(grep -c "ERROR:  the cart_abandon extension is at version $1 but its library is $current" <<< "$refusal")" "1" \
       "the $current library refuses to process with a $1 schema"
}

# A shop running 1.0 upgrades in place: CREATE EXTENSION ... VERSION '1.0', a ledger, opt-outs and
# runs as 1.0 wrote them, then ALTER EXTENSION cart_abandon UPDATE. Nothing is lost, nothing is
# re-sent, 1.0's same-batch duplicates become held stages, and the upgraded schema (1.0 -> 1.1 ->
# 1.2 -> 1.3 -> 1.4 -> 1.5 -> 1.6 -> ...) is the one a fresh install of the current version makes.
from_1_0() {
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
before=$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, attempts, $RECIPIENT, $PROVIDER_MESSAGE_ID, sent_at, error_code, error_message), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries d")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, attempts, $RECIPIENT, $PROVIDER_MESSAGE_ID, sent_at, error_code, error_message), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries d")" \
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

}

# A shop running 1.1 upgrades (to 1.2, 1.3, 1.4, 1.5, 1.6 ...) in place: its ledger, opt-outs, runs and paused channel kept;
# the stages 1.1 closed for a template or account error (132001, ...) reopened with their attempts
# given back, other failures left closed; the current library sends what is due and nothing else;
# the upgraded schema is the fresh one.
from_1_1() {
refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c "ERROR:  the cart_abandon extension is at version 1.1 but its library is $current" <<< "$refusal") $(grep -o 'ALTER EXTENSION cart_abandon UPDATE' <<< "$refusal" | head -1)" \
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
before=$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, $RECIPIENT, $PROVIDER_MESSAGE_ID, $PROVIDER_RECIPIENT_ID, sent_at, origin, hold_reason, not_before), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries d")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(q "SELECT md5(string_agg(concat_ws('|', cart_id, stage, channel, $RECIPIENT, $PROVIDER_MESSAGE_ID, $PROVIDER_RECIPIENT_ID, sent_at, origin, hold_reason, not_before), ',' ORDER BY cart_id, stage)) FROM cart_abandon.deliveries d")" \
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
}

# A shop running 1.2 upgrades (through 1.3 and 1.4) to the current version in place: its ledger, opt-outs,
# preferences, channel status and run log kept; the run log gains who started each run and the cart counts (empty for 1.2's rows);
# the stats' cart and recovered figures wait for the first run; the upgraded schema is the fresh one.
from_1_2() {
refusal=$(psql -X -qtA -c "SELECT cart_abandon_stats()" -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c "ERROR:  the cart_abandon extension is at version 1.2 but its library is $current" <<< "$refusal")" "1" \
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
    q "SELECT md5((SELECT string_agg(concat_ws('|', cart_id, stage, status, attempts, $RECIPIENT, $PROVIDER_MESSAGE_ID, $PROVIDER_RECIPIENT_ID, sent_at, message_status, webhook_status, delivered_at, claim_session, hold_reason, not_before), ',' ORDER BY id) FROM cart_abandon.deliveries d)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, finished_at, scan, scan_key, examined, sent_first), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', $ADDRESS, source, wa_id), ',') FROM cart_abandon.opt_outs o)
               || (SELECT string_agg(concat_ws('|', wa_id, value, at), ',') FROM cart_abandon.whatsapp_preferences)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at, webhook_covers), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(fingerprint)" "$before" "every ledger row, run, opt-out, preference and channel status kept"
is "$(q "SELECT count(*) FROM cart_abandon.runs WHERE started_by IS NULL AND carts_counted_at IS NULL AND open_carts IS NULL")" "2" \
   "1.2's runs: who started them and the cart counts unknown"
is "$(q "SELECT (cart_abandon_stats() -> 'open_carts')::text || ' ' || (cart_abandon_stats() -> 'recovered_carts')::text || ' ' || jsonb_array_length(cart_abandon_stats() -> 'missing_indexes')")" "null null 10" \
   "stats: no cart count and no recovered count before a run made them; the ten recommended indexes named missing"

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
}

# A shop running 1.3 upgrades (through 1.4) to the current version in place: its ledger, recovered carts, run log, opt-outs and
# channel status kept; cart_abandon_daily() reads what 1.3 wrote; nothing is re-sent; the upgraded
# schema is the fresh one.
from_1_3() {
refuses_older_schema 1.3

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
    q "SELECT md5((SELECT string_agg(concat_ws('|', cart_id, stage, status, attempts, $RECIPIENT, $PROVIDER_MESSAGE_ID, $PROVIDER_RECIPIENT_ID, sent_at, message_status, webhook_status, delivered_at, read_at, claim_session), ',' ORDER BY id) FROM cart_abandon.deliveries d)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, finished_at, scan, scan_key, examined, sent_first, started_by, open_carts, carts_counted_at, recoveries_checked_at), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value, recorded_at), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', $ADDRESS, source, wa_id), ',') FROM cart_abandon.opt_outs o)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at, webhook_covers), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)
stats_before=$(q "SELECT $stats_kept")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(fingerprint)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
is "$(q "SELECT $stats_kept - 'cart_metadata' - 'kept_statuses' - 'graph_api' - 'replication'")" "$stats_before" "the stats read the same (1.5 adds cart_metadata; 1.6 kept_statuses, graph_api, replication)"
# 1.3's rows, three hours old: on today's or yesterday's line of the UTC calendar.
is "$(PGOPTIONS='-c TimeZone=UTC' q "SELECT sum(first_sent) || ' ' || sum(delivered) || ' ' || sum(read) || ' ' || sum(recovered_carts) || ' ' || (SELECT recovered_value FROM cart_abandon_daily(2) WHERE recovered_carts > 0) FROM cart_abandon_daily(2)")" \
   '2 1 1 1 {"eur": 20.00}' "cart_abandon_daily reads what 1.3 wrote: 2 reminders, 1 delivered, 1 read, 1 recovered for 20.00 eur"
is "$(q "SELECT has_function_privilege('cart_abandon_monitor', 'cart_abandon_daily(integer)', 'EXECUTE') AND NOT has_function_privilege('public', 'cart_abandon_daily(integer)', 'EXECUTE')")" t \
   "the upgrade grants cart_abandon_daily to the monitor, not to PUBLIC"

q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "0" "nothing re-sent after the upgrade"
}

# What 1.4 and 1.5 wrote, as one hash: ledger rows, runs, recovered carts, opt-outs, channel status.
fingerprint_since_1_4() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', id, cart_id, stage, status, attempts, $RECIPIENT, $PROVIDER_MESSAGE_ID, $PROVIDER_RECIPIENT_ID, sent_at, error_code, error_message, claim_session), ',' ORDER BY id) FROM cart_abandon.deliveries d)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, scan_key, sent_first, started_by, recoveries_checked_at), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value, recorded_at), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', $ADDRESS, source, reason), ',') FROM cart_abandon.opt_outs o)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at), ',') FROM cart_abandon.channel_status))"
}

# A shop running 1.4 upgrades to 1.5 in place: every ledger row, run, recovered cart, opt-out and
# channel status kept; the ledger gains the cart-metadata and opt-out marks (none pending after
# 1.4, which wrote metadata with the outcome); 1.4's helper functions go; the 1.5 library then
# sends what is due and nothing twice; the upgraded schema is the fresh one.
from_1_4() {
refuses_older_schema 1.4

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
before=$(fingerprint_since_1_4)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(fingerprint_since_1_4)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
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
   "w_due:sent,w_failed:failed,w_sent:sent" "the $current library sends what was due, and only that"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915185000003" "nothing re-sent after the upgrade"
}

# A shop running 1.5 upgrades (to 1.6 ...) in place: every ledger row, run, recovered cart, opt-out and
# channel status kept; 1.6 keeps the statuses that come before their message is recorded
# (cart_abandon.kept_statuses) and never makes an unknown reminder due again on silence: an
# unknown claim of 1.5 stays unknown until its status comes. The upgraded schema is the fresh one.
from_1_5() {
refuses_older_schema 1.5

# What 1.5 wrote: a reminder sent, a failure, an unknown one (its answer lost hours ago, while
# later messages got statuses), a run, a recovered cart, an opt-out.
for i in 1 2 3 4; do q "SELECT fixture.make_cart('u_$i', '30 hours', phone => '0151 8600000$i')" > /dev/null; done
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 3, 1, 'pg_cron', now() - interval '3 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, sent_at, claimed_at, run_id, error_code, error_message, claim_session)
VALUES ('u_1', 1, 'whatsapp', 'sent', 1, '+4915186000001', 'wamid.u1', '4915186000001', now() - interval '3 hours', now() - interval '3 hours', 1, NULL, NULL, '1.5'),
       ('u_2', 1, 'whatsapp', 'failed', 1, '+4915186000002', NULL, NULL, NULL, now() - interval '3 hours', 1, 131026, 'undeliverable', '1.5'),
       ('u_3', 1, 'whatsapp', 'unknown', 1, '+4915186000003', NULL, NULL, NULL, '2026-12-01 10:00:00+00', 1, NULL, 'outcome unknown', '1.5');
INSERT INTO cart_abandon.recovered_carts (cart_id, completed_at, currency_code, value) VALUES ('u_old', now() - interval '2 hours', 'eur', 20.00);
INSERT INTO cart_abandon.opt_outs (phone, source, reason) VALUES ('+4915186000099', 'manual', 'asked');
INSERT INTO cart_abandon.opt_outs (phone, source, reason) VALUES ('+5215512345678', 'whatsapp_reply', 'STOP');
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at, webhook_covers) VALUES ('whatsapp', false, now() - interval '1 hour', now() - interval '1 hour');
" > /dev/null
before=$(fingerprint_since_1_4)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
q "UPDATE cart_abandon.opt_outs SET address = '+5215512345678' WHERE address = '+525512345678'" > /dev/null  # for the fingerprint
is "$(fingerprint_since_1_4)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
q "UPDATE cart_abandon.opt_outs SET address = '+525512345678' WHERE address = '+5215512345678'" > /dev/null
is "$(q "SELECT cart_abandon_stats() -> 'kept_statuses'")" '{"count": 0, "oldest_received_at": null}' "no status kept yet"
q "SELECT fixture.make_cart('u_mx', '30 hours', phone => '+52 1 55 1234 5678', country => 'mx')" > /dev/null

q "SELECT fixture.standin_reset()" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "u_1:sent,u_2:failed,u_3:unknown,u_4:sent,u_mx:skipped" "the $current library sends what was due; 1.5's unknown stays unknown"
is "$(q "SELECT skip_reason FROM cart_abandon.deliveries WHERE cart_id = 'u_mx'")" "opted_out" \
   "a Mexican mobile that opted out under 1.5's form (+521...) stays out under 1.6's (+52...)"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915186000004" "nothing re-sent after the upgrade"

# Its status comes, days late: it settles the unknown row (the callback data names it).
id=$(q "SELECT id FROM cart_abandon.deliveries WHERE cart_id = 'u_3'")
secret=$(cat "$STANDIN_APP_SECRET_FILE")
body="{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\"$STANDIN_PHONE_NUMBER_ID\"},\"statuses\":[{\"id\":\"wamid.u3\",\"status\":\"delivered\",\"timestamp\":\"1764583300\",\"recipient_id\":\"4915186000003\",\"biz_opaque_callback_data\":\"cart_abandon:$id:$(q "SELECT (extract(epoch FROM claimed_at) * 1000000)::bigint FROM cart_abandon.deliveries WHERE id = $id")\"}]}}]}]}"
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
is "$(q "SELECT cart_abandon_webhook(\$b\$$body\$b\$, '$signature') ->> 'statuses_applied'")" "1" "a late status of 1.5's unknown message applies"
is "$(q "SELECT status || ' ' || provider_message_id || ' ' || webhook_status FROM cart_abandon.deliveries WHERE id = $id")" "sent wamid.u3 delivered" \
   "... and settles it"
}

# What 1.6 wrote, as one hash, read by either version's column names (1.7 names the ledger's
# recipient, provider message id and provider recipient id, and the opt-outs' address, where 1.6
# said phone, wamid and wa_id).
fingerprint_since_1_6() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', id, cart_id, stage, channel, status, attempts,
                            coalesce(j ->> 'recipient', j ->> 'phone'), coalesce(j ->> 'provider_message_id', j ->> 'wamid'),
                            coalesce(j ->> 'provider_recipient_id', j ->> 'wa_id'), user_id, sent_at, claimed_at, error_code,
                            error_message, message_status, webhook_status, delivered_at, hold_reason, not_before, claim_session),
                            ',' ORDER BY id) FROM cart_abandon.deliveries d, to_jsonb(d) j)
               || (SELECT string_agg(concat_ws('|', coalesce(j ->> 'address', j ->> 'phone'), source, reason, wa_id, user_id,
                                     phone_number_id, created_at), ',' ORDER BY created_at, source) FROM cart_abandon.opt_outs o, to_jsonb(o) j)
               || (SELECT string_agg(concat_ws('|', id, channel, coalesce(j ->> 'provider_message_id', j ->> 'wamid'), status, at,
                                     recipient, recipient_user_id, received_at), ',' ORDER BY id) FROM cart_abandon.kept_statuses k, to_jsonb(k) j)
               || (SELECT string_agg(concat_ws('|', wa_id, value, at), ',' ORDER BY wa_id) FROM cart_abandon.whatsapp_preferences)
               || (SELECT string_agg(concat_ws('|', phone_number_id, region, until), ',') FROM cart_abandon.restricted_countries)
               || (SELECT string_agg(concat_ws('|', name, language, status, at), ',') FROM cart_abandon.template_status)
               || (SELECT count(*)::text FROM cart_abandon.erased_phones)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, scan_key, sent_first, started_by), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at, webhook_covers), ',') FROM cart_abandon.channel_status))"
}

# ALTER EXTENSION cart_abandon UPDATE, then 3 checks: the current version, every row kept
# (fingerprint_since_1_6), and `$2` reading as before (`$1` says what it is).
update_keeping() {
    local before query_before
    before=$(fingerprint_since_1_6)
    query_before=$(q "$2")
    q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
    is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
    is "$(fingerprint_since_1_6)" "$before" "every ledger row, opt-out, kept status, run and channel status kept"
    is "$(q "$2")" "$query_before" "$1"
}

# A signed WhatsApp status webhook: the message's wamid, its status, Meta's time, callback data.
status_webhook() {
    local body signature
    body="{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\"$STANDIN_PHONE_NUMBER_ID\"},\"statuses\":[{\"id\":\"$1\",\"status\":\"$2\",\"timestamp\":\"$3\",\"recipient_id\":\"$4\"${5:+,\"biz_opaque_callback_data\":\"$5\"}}]}}]}]}"
    signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$(cat "$STANDIN_APP_SECRET_FILE")" | sed 's/^.*= //')"
    q "SELECT cart_abandon_webhook(\$b\$$body\$b\$, '$signature')"
}

# A shop running 1.6 upgrades to 1.7 in place: every ledger row, opt-out, kept status, preference,
# restriction, template status, erasure, run and channel status kept under 1.7's channel-neutral
# names; the current library sends what is due and nothing twice, a late status finds 1.6's
# message by its id, a kept status stays kept, an opt-out by number still holds.
from_1_6() {
refuses_older_schema 1.6

# What 1.6 wrote: a reminder sent and delivered (wa_id and business-scoped user id), an unknown
# one, a held one, an opt-out by number, one by user id, a STOP preference, a status kept for a
# message of another system, a restricted country, a paused template, an erased number, a run.
for i in 1 2 3 4 5; do q "SELECT fixture.make_cart('x_$i', '30 hours', phone => '0151 8700000$i')" > /dev/null; done
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 3, 1, 'pg_cron', now() - interval '3 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, phone, wamid, wa_id, user_id, sent_at, claimed_at, run_id,
                                     message_status, webhook_status, delivered_at, hold_reason, not_before, error_message, claim_session)
VALUES ('x_1', 1, 'whatsapp', 'sent', 1, '+4915187000001', 'wamid.x1', '4915187000001', 'DE.123', now() - interval '3 hours', now() - interval '3 hours', 1,
        'accepted', 'delivered', now() - interval '170 minutes', NULL, NULL, NULL, '1.6'),
       ('x_2', 1, 'whatsapp', 'unknown', 1, '+4915187000002', NULL, NULL, NULL, NULL, '2026-12-01 10:00:00+00', 1,
        NULL, NULL, NULL, NULL, NULL, 'outcome unknown', '1.6'),
       ('x_3', 1, 'whatsapp', 'held', 0, '+4915187000003', NULL, NULL, NULL, NULL, now() - interval '3 hours', 1,
        NULL, NULL, NULL, 'frequency_cap', now() + interval '5 hours', NULL, '1.6');
INSERT INTO cart_abandon.opt_outs (phone, source, reason, wa_id, phone_number_id, created_at)
VALUES ('+4915187000004', 'whatsapp_reply', 'STOP', '4915187000004', NULL, now() - interval '2 days'),
       ('+4915187000098', 'whatsapp', 'stop', '4915187000098', '$STANDIN_PHONE_NUMBER_ID', now() - interval '1 day');
INSERT INTO cart_abandon.opt_outs (phone, source, reason, user_id, created_at) VALUES ('+4915187000099', 'manual', 'asked', 'DE.999', now());
INSERT INTO cart_abandon.whatsapp_preferences (wa_id, value, at) VALUES ('4915187000098', 'stop', now() - interval '1 day');
INSERT INTO cart_abandon.kept_statuses (channel, wamid, status, at, recipient) VALUES ('whatsapp', 'wamid.elsewhere', 'delivered', now() - interval '1 hour', '4915100000000');
INSERT INTO cart_abandon.restricted_countries (phone_number_id, region, until) VALUES ('$STANDIN_PHONE_NUMBER_ID', 'US', now() + interval '1 day');
INSERT INTO cart_abandon.template_status (name, language, status, at) VALUES ('some_other_template', '', 'PAUSED', now() - interval '1 hour');
INSERT INTO cart_abandon.erased_phones (phone_hmac) VALUES (sha256('not a number'));
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at, webhook_covers) VALUES ('whatsapp', false, now() - interval '1 hour', now() - interval '3 hours');
" > /dev/null
before=$(fingerprint_since_1_6)
stats_before=$(q "SELECT $stats_kept")

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$current" "updated to $current"
is "$(fingerprint_since_1_6)" "$before" \
   "every ledger row, opt-out, kept status, preference, restriction, template status, erasure, run and channel status kept"
is "$(q "SELECT $stats_kept")" "$stats_before" "the stats read the same"

q "SELECT fixture.standin_reset()" > /dev/null
run_id=$(PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()")
is "$run_id" "$(q "SELECT max(id) FROM cart_abandon.runs")" "CALL cart_abandon_run() answers the id of the run row it wrote"
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "x_1:sent,x_2:unknown,x_3:held,x_4:skipped,x_5:sent" "the current library sends what was due; 1.6's unknown and held stay so"
is "$(q "SELECT skip_reason FROM cart_abandon.deliveries WHERE cart_id = 'x_4'")" "opted_out" "1.6's opt-out by number still holds"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915187000005" "nothing re-sent after the upgrade"

# Late statuses of 1.6's messages: one named by its wamid alone, one by the callback data.
is "$(status_webhook wamid.x1 read 1764583300 4915187000001 | jq -r .statuses_applied)" "1" "a late status finds 1.6's message by its id"
is "$(q "SELECT webhook_status FROM cart_abandon.deliveries WHERE cart_id = 'x_1'")" "read" "... and applies"
id=$(q "SELECT id FROM cart_abandon.deliveries WHERE cart_id = 'x_2'")
status_webhook wamid.x2 delivered 1764583300 4915187000002 \
    "cart_abandon:$id:$(q "SELECT (extract(epoch FROM claimed_at) * 1000000)::bigint FROM cart_abandon.deliveries WHERE id = $id")" > /dev/null
is "$(q "SELECT status || ' ' || webhook_status FROM cart_abandon.deliveries WHERE id = $id")" "sent delivered" \
   "1.6's unknown message settles when its status comes"
is "$(q "SELECT cart_abandon_stats() -> 'kept_statuses' ->> 'count'")" "1" "the status kept for another system's message stays kept"
}

# A shop running 1.7 upgrades to 1.8 in place: every ledger row, opt-out (by number and by email
# address), kept status, run and channel status kept; nothing re-sent; 1.8's wording table starts
# empty (the built-in wording applies), takes a shop's template and refuses a broken one.
from_1_7() {
refuses_older_schema 1.7

for i in 1 2 3 4; do q "SELECT fixture.make_cart('y_$i', '30 hours', phone => '0151 8800000$i', email => 'y$i@example.com')" > /dev/null; done
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 3, 1, 'pg_cron', now() - interval '3 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, provider_recipient_id, sent_at, claimed_at, run_id,
                                     message_status, webhook_status, delivered_at, error_message, claim_session)
VALUES ('y_1', 1, 'whatsapp', 'sent', 1, '+4915188000001', 'wamid.y1', '4915188000001', now() - interval '3 hours', now() - interval '3 hours', 1,
        'accepted', 'delivered', now() - interval '170 minutes', NULL, '1.7'),
       ('y_2', 1, 'whatsapp', 'unknown', 1, '+4915188000002', NULL, NULL, NULL, '2026-12-01 10:00:00+00', 1,
        NULL, NULL, NULL, 'outcome unknown', '1.7');
INSERT INTO cart_abandon.opt_outs (address, kind, source, reason, created_at)
VALUES ('+4915188000003', 'phone', 'whatsapp_reply', 'STOP', now() - interval '2 days'),
       ('y9@example.com', 'email', 'manual', 'asked', now() - interval '1 day');
INSERT INTO cart_abandon.kept_statuses (channel, provider_message_id, status, at, recipient) VALUES ('whatsapp', 'wamid.elsewhere', 'delivered', now() - interval '1 hour', '4915100000000');
INSERT INTO cart_abandon.channel_status (channel, paused, last_webhook_at, webhook_covers) VALUES ('whatsapp', false, now() - interval '1 hour', now() - interval '3 hours');
" > /dev/null
update_keeping "the stats read the same" "SELECT $stats_kept"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE fallback_of IS NOT NULL")" "0" "no 1.7 row is a fallback"

q "SELECT fixture.standin_reset()" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "y_1:sent,y_2:unknown,y_3:skipped,y_4:sent" "the current library sends what was due; 1.7's unknown stays so, its opt-out holds"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915188000004" "nothing re-sent after the upgrade"

is "$(q "SELECT count(*) FROM cart_abandon.message_templates")" "0" "the wording table starts empty: the built-in wording applies"
is "$(psql -X -qtA -c "SET ROLE cart_abandon_operator" -c "INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject, body)
        VALUES ('email', 1, 'fr', 'Votre panier, {customer_name}', 'Bonjour {customer_name}: {recovery_link}') RETURNING locale" 2>&1)" \
   "fr" "the operator writes a template after the upgrade"
is "$(psql -X -qtA -c "SET ROLE cart_abandon_operator" -c "INSERT INTO cart_abandon.message_templates (channel, stage, locale, body)
        VALUES ('sms', 1, 'fr', 'Bonjour {prenom}')" 2>&1 | grep -o 'names an unknown argument "prenom"')" \
   'names an unknown argument "prenom"' "a template naming an unknown argument is refused, by its name"
}

# A shop running 1.8 upgrades to 1.9 in place: its ledger (an SMS row among them), opt-outs,
# wording, runs and channel statuses kept; nothing re-sent; then Twilio's signed status callback
# of an SMS the upgraded extension sends reaches its row through cart_abandon_sms_webhook.
from_1_8() {
refuses_older_schema 1.8

for i in 1 2 3; do q "SELECT fixture.make_cart('z_$i', '30 hours', phone => '+1 415 555 27$i$i', country => 'us',
                                             metadata => '{\"sms_marketing_consent\": true}')" > /dev/null; done
q "
INSERT INTO cart_abandon.runs (status, started_at, finished_at, scan, scan_from, scan_key, examined, sent_first, started_by, recoveries_checked_at)
VALUES ('succeeded', now() - interval '3 hours', now() - interval '3 hours', 'full', now() - interval '3 hours', 'k', 2, 1, 'pg_cron', now() - interval '3 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, sent_at, claimed_at, run_id,
                                     message_status, claim_session, skip_reason)
VALUES ('z_1', 1, 'whatsapp', 'skipped', 0, '+14155552711', NULL, NULL, now() - interval '3 hours', 1, NULL, '1.8', 'blocked_region'),
       ('z_1', 1, 'sms', 'sent', 1, '+14155552711', 'SM0123456789abcdef0123456789abcdef', now() - interval '3 hours',
        now() - interval '3 hours', 1, 'queued', '1.8', NULL);
INSERT INTO cart_abandon.opt_outs (address, kind, source, reason, created_at)
VALUES ('+14155552722', 'phone', 'twilio_21610', 'STOP', now() - interval '2 days');
INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('sms', 1, 'en', 'Hi {customer_name}: {recovery_link}');
INSERT INTO cart_abandon.channel_status (channel, paused) VALUES ('sms', false);
" > /dev/null
update_keeping "the shop's wording kept" "SELECT string_agg(concat_ws('|', channel, stage, locale, body), ',') FROM cart_abandon.message_templates"

q "SELECT fixture.standin_reset(), fixture.twilio_reset()" > /dev/null
q "SELECT fixture.twilio_call('POST', '/callback_plan', '{\"statuses\": [\"delivered\"], \"push\": false}')" > /dev/null
PGOPTIONS="-c client_min_messages=warning -c cart_abandon.enable_whatsapp=off -c cart_abandon.enable_sms=on -c cart_abandon.channels=sms
           -c cart_abandon.twilio_status_callback_url=http://127.0.0.1:9/twilio" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || channel || ':' || status, ',' ORDER BY cart_id, channel) FROM cart_abandon.deliveries")" \
   "z_1:sms:sent,z_1:whatsapp:skipped,z_2:sms:skipped,z_3:sms:sent" "the current library texts what was due; 1.8's SMS is not re-sent, its opt-out holds"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.twilio_requests()")" "+14155552733" "one SMS, to the cart 1.8 had not reached"
is "$(q "SELECT cart_abandon_sms_webhook(url, body, signature) ->> 'statuses_applied' FROM fixture.twilio_callbacks()")" "1" \
   "Twilio's signed status callback is applied through cart_abandon_sms_webhook"
is "$(q "SELECT webhook_status FROM cart_abandon.deliveries WHERE cart_id = 'z_3'")" "delivered" "... to the SMS's row"
}

case "$from" in
    1.0) plan 12 ;;
    1.1) plan 12 ;;
    1.2) plan 11 ;;
    1.3) plan 9 ;;
    1.4) plan 10 ;;
    1.5) plan 11 ;;
    1.6) plan 14 ;;
    1.7) plan 12 ;;
    1.8) plan 10 ;;
    # A released version without its case fails alone, and the files after it still run.
    *) plan 1; ok 1 "an upgrade case for version '$from' (a released version such as 1.5)"; exit 1 ;;
esac

q "CREATE EXTENSION cart_abandon VERSION '$from'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "$from" "$from installs"
"from_${from//./_}"
# The upgraded schema is the fresh one: same columns, constraints, indexes and functions.
is_fresh_schema "an upgraded $from schema equals a fresh install of the current version"
