#!/usr/bin/env bash
# A shop running 1.5 upgrades to 1.6 in place: every ledger row, run, recovered cart, opt-out and
# channel status kept; 1.6 keeps the statuses that come before their message is recorded
# (cart_abandon.kept_statuses) and never makes an unknown reminder due again on silence: an
# unknown claim of 1.5 stays unknown until its status comes. The upgraded schema is the fresh one.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
source "$(dirname "$0")/schema.sh"
plan 11

q "CREATE EXTENSION cart_abandon VERSION '1.5'" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.5" "1.5 installs"
refusal=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" 2>&1)
is "$(grep -c 'ERROR:  the cart_abandon extension is at version 1.5 but its library is 1.6' <<< "$refusal")" "1" \
   "the 1.6 library refuses to process with a 1.5 schema"

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
fingerprint() {
    q "SELECT md5((SELECT string_agg(concat_ws('|', id, cart_id, stage, status, attempts, phone, wamid, wa_id, sent_at, error_code, error_message, claim_session), ',' ORDER BY id) FROM cart_abandon.deliveries)
               || (SELECT string_agg(concat_ws('|', id, status, started_at, scan_key, sent_first, started_by, recoveries_checked_at), ',' ORDER BY id) FROM cart_abandon.runs)
               || (SELECT string_agg(concat_ws('|', cart_id, completed_at, currency_code, value, recorded_at), ',') FROM cart_abandon.recovered_carts)
               || (SELECT string_agg(concat_ws('|', phone, source, reason), ',') FROM cart_abandon.opt_outs)
               || (SELECT string_agg(concat_ws('|', channel, paused, last_webhook_at), ',') FROM cart_abandon.channel_status))"
}
before=$(fingerprint)

q "ALTER EXTENSION cart_abandon UPDATE" > /dev/null
is "$(q "SELECT extversion FROM pg_extension WHERE extname = 'cart_abandon'")" "1.6" "updated to 1.6"
q "UPDATE cart_abandon.opt_outs SET phone = '+5215512345678' WHERE phone = '+525512345678'" > /dev/null  # for the fingerprint
is "$(fingerprint)" "$before" "every ledger row, run, recovered cart, opt-out and channel status kept"
q "UPDATE cart_abandon.opt_outs SET phone = '+525512345678' WHERE phone = '+5215512345678'" > /dev/null
is "$(q "SELECT cart_abandon_stats() -> 'kept_statuses'")" '{"count": 0, "oldest_received_at": null}' "no status kept yet"
q "SELECT fixture.make_cart('u_mx', '30 hours', phone => '+52 1 55 1234 5678', country => 'mx')" > /dev/null

q "SELECT fixture.standin_reset()" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "u_1:sent,u_2:failed,u_3:unknown,u_4:sent,u_mx:skipped" "the 1.6 library sends what was due; 1.5's unknown stays unknown"
is "$(q "SELECT skip_reason FROM cart_abandon.deliveries WHERE cart_id = 'u_mx'")" "opted_out" \
   "a Mexican mobile that opted out under 1.5's form (+521...) stays out under 1.6's (+52...)"
is "$(q "SELECT string_agg(to_phone, ',') FROM fixture.standin_requests()")" "+4915186000004" "nothing re-sent after the upgrade"

# Its status comes, days late: it settles the unknown row (the callback data names it).
id=$(q "SELECT id FROM cart_abandon.deliveries WHERE cart_id = 'u_3'")
secret=$(cat "$STANDIN_APP_SECRET_FILE")
body="{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\"$STANDIN_PHONE_NUMBER_ID\"},\"statuses\":[{\"id\":\"wamid.u3\",\"status\":\"delivered\",\"timestamp\":\"1764583300\",\"recipient_id\":\"4915186000003\",\"biz_opaque_callback_data\":\"cart_abandon:$id:$(q "SELECT (extract(epoch FROM claimed_at) * 1000000)::bigint FROM cart_abandon.deliveries WHERE id = $id")\"}]}}]}]}"
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
is "$(q "SELECT cart_abandon_webhook(\$b\$$body\$b\$, '$signature') ->> 'statuses_applied'")" "1" "a late status of 1.5's unknown message applies"
is "$(q "SELECT status || ' ' || wamid || ' ' || webhook_status FROM cart_abandon.deliveries WHERE id = $id")" "sent wamid.u3 delivered" \
   "... and settles it"

is_fresh_schema "an upgraded 1.5 schema equals a fresh 1.6 install"
