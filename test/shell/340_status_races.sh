#!/usr/bin/env bash
# Meta's status webhooks often arrive within a second of the request, while the batch that sent it
# still waits and before its outcome is recorded. Such a status is kept, then applied once the
# outcome is recorded: every status counts exactly once whatever the order of webhook and outcome,
# shuffled and twice included. An opt-out (131050), Meta's marketing cap (131049) and an
# undeliverable (131026) reported before the record act as if reported after.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 12
CARTS=24

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('rc_' || lpad(i::text, 2, '0'), '30 hours', phone => '0151 7400' || lpad(i::text, 4, '0'))
     FROM generate_series(1, $CARTS) AS i" > /dev/null
# Statuses queued before the send is answered (700 ms later), handed out shuffled, half of them twice.
# +4915174000001 stops marketing after `sent` (131050); ...02 meets Meta's marketing cap (131049);
# ...03 is undeliverable (131026). Those of ...24 come late, after the run.
q "SELECT fixture.standin_post('/webhook_plan', '{\"statuses\": [\"sent\", \"delivered\", \"read\"], \"timing\": \"before_answer\",
     \"order\": \"shuffled\", \"duplicate_rate\": 0.5, \"seed\": 19, \"failures\": {
     \"+4915174000001\": {\"code\": 131050, \"after\": [\"sent\"]}, \"+4915174000002\": {\"code\": 131049},
     \"+4915174000003\": {\"code\": 131026}}, \"withhold\": [\"+4915174000024\"]}')" > /dev/null
q "SELECT fixture.standin_delay(700)" > /dev/null
q "CREATE TABLE race_results (at timestamptz DEFAULT clock_timestamp(), result jsonb)" > /dev/null

PGOPTIONS="-c cart_abandon.max_concurrency=4 -c cart_abandon.batch_pause=0 -c client_min_messages=warning" \
    psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 8}')" > /dev/null 2>&1 &
run=$!
# The shop's endpoint passes each body on as it comes, while the run sends.
while kill -0 "$run" 2> /dev/null; do
    q "INSERT INTO race_results (result) SELECT fixture.deliver_webhooks()" > /dev/null
    sleep 0.1
done
wait "$run"
is "$(q "SELECT status FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" "succeeded" "the run succeeded"
q "INSERT INTO race_results (result) SELECT fixture.deliver_webhooks()" > /dev/null
q "SELECT fixture.standin_post('/webhook_release', '{}')" > /dev/null
is "$(q "SELECT (r ->> 'statuses_kept') || ' ' || ((r ->> 'statuses_applied')::int >= 3) FROM fixture.deliver_webhooks() AS r")|$(q "
        SELECT webhook_status || ' ' || (delivered_at IS NOT NULL) FROM cart_abandon.deliveries WHERE cart_id = 'rc_24'")" \
   "0 true|read true" "statuses coming after the record apply at once"

posted=$(q "SELECT sum((result ->> 'statuses')::int) FROM race_results")
kept=$(q "SELECT coalesce(sum((result ->> 'statuses_kept')::int), 0) FROM race_results")
echo "# statuses posted while the run sent: $posted (64 distinct, the rest duplicates); kept because their send was not yet recorded: $kept"
ok "$([ "$kept" -ge 10 ]; echo $?)" "statuses arrived before their sends were recorded ($kept kept)"
is "$(q "SELECT count(*) FROM cart_abandon.kept_statuses")" "0" "every kept status was applied once its send was recorded"

is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'sent' AND webhook_status = 'read'
           AND delivered_at IS NOT NULL AND read_at IS NOT NULL")" "$((CARTS - 3))" \
   "every other message is delivered and read, as Meta reported"
is "$(q "SELECT d.status || ' ' || d.error_code || ' ' || o.source FROM cart_abandon.deliveries d
           JOIN cart_abandon.opt_outs o ON o.address = d.recipient WHERE d.cart_id = 'rc_01'")" "failed 131050 whatsapp_131050" \
   "131050 reported before its send was recorded: the stage failed and the person opted out"
is "$(q "SELECT status || ' ' || hold_reason || ' ' || (not_before = failed_at + interval '24 hours') FROM cart_abandon.deliveries
           WHERE cart_id = 'rc_02'")" "held meta_marketing_cap true" "131049: held 24 h from Meta's time"
is "$(q "SELECT status || ' ' || error_code FROM cart_abandon.deliveries WHERE cart_id = 'rc_03'")" "failed 131026" \
   "131026: the stage failed"
is "$(q "SELECT cart_abandon_stats() -> 'failed_after_acceptance'")" '{"131026": 1, "131049": 1, "131050": 1}' \
   "each failure counted once, though posted twice"
is "$(q "SELECT sum(attempts) FROM cart_abandon.deliveries")" "$CARTS" "one attempt per cart"

# The person who opted out is not messaged again, through another cart of theirs.
q "SELECT fixture.make_cart('rc_again', '30 hours', phone => '0151 74000001')" > /dev/null
q "SELECT fixture.standin_delay(0)" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT status || ' ' || coalesce(skip_reason, '') FROM cart_abandon.deliveries WHERE cart_id = 'rc_again'")" "skipped opted_out" \
   "a later cart of the person who opted out is skipped"
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone = '+4915174000001'")" "1" \
   "the stand-in received one message for that person"
exit $((_tap_failed > 0))
