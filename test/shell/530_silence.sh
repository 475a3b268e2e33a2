#!/usr/bin/env bash
# Silence is not proof. A reminder is sent again only on evidence that Meta never accepted it (the
# start journal says its request never left, or Meta answered with an error, or a `failed` status);
# no status webhook, even for hours while later messages get theirs, is no such evidence: Meta
# retries a webhook for 7 days, and the shop's endpoint may refuse bodies for a while.
#   1. A run killed with requests in flight; their statuses come only hours later, after the shop's
#      endpoint refused them for a while; later messages' statuses flow meanwhile.
#   2. A slow answer cut by http_timeout (Meta accepted it) whose status never comes.
#   3. A template Meta holds for quality assessment: no status until Meta releases it.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 12
CARTS=40

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('sl_' || lpad(i::text, 2, '0'), '30 hours', phone => '0151 7500' || lpad(i::text, 4, '0'))
     FROM generate_series(1, $CARTS) AS i" > /dev/null
duplicates() {
    q "SELECT count(*) FROM (SELECT to_phone FROM fixture.standin_requests() WHERE accepted GROUP BY 1 HAVING count(*) > 1) x"
}

# ---- 1. killed mid-run; its statuses are Meta's retry backlog ----
q "SELECT fixture.standin_post('/webhook_plan', '{\"withhold\": [\"all\"]}')" > /dev/null
q "SELECT fixture.standin_delay(1500)" > /dev/null
PGOPTIONS="-c cart_abandon.max_concurrency=4 -c cart_abandon.batch_pause=0 -c client_min_messages=warning" \
    psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 20}')" > /dev/null 2>&1 &
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM fixture.standin_requests()")" -ge 4 ] && break
    sleep 0.05
done
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%' AND pid <> pg_backend_pid()")
kill -9 "$pid"
wait
for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
sleep 1.6  # Meta accepts the requests in flight anyway
in_flight=$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")
q "SELECT fixture.standin_delay(0)" > /dev/null
# From now on statuses flow again, but only for messages sent after the restart.
q "SELECT fixture.standin_post('/webhook_plan', '{\"withhold\": []}')" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
q "SELECT fixture.deliver_webhooks()" > /dev/null
unknown=$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'unknown'")
ok "$([ "$unknown" -ge "$in_flight" ] && [ "$in_flight" -ge 4 ]; echo $?)" \
   "$in_flight requests were in flight at the kill; $unknown claims are unknown (journaled)"
ok "$([ "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE webhook_status = 'read'")" -ge $((CARTS - unknown)) ]; echo $?)" \
   "later messages got their statuses"

# The backlog: Meta posts the withheld statuses, and the shop's endpoint refuses them for a while
# (here: a body whose signature the endpoint mangled; the call fails, Meta would retry).
q "SELECT fixture.standin_post('/webhook_release', '{}')" > /dev/null
q "CREATE TABLE backlog AS SELECT * FROM fixture.standin_webhooks(1)" > /dev/null
refused=0
while read -r n; do
    psql -X -qtA -c "SELECT cart_abandon_webhook(body, 'sha256=' || repeat('0', 64)) FROM backlog OFFSET $n LIMIT 1" > /dev/null 2>&1 \
        || refused=$((refused + 1))
done < <(seq 0 $(($(q "SELECT count(*) FROM backlog") - 1)))
is "$refused" "$(q "SELECT count(*) FROM backlog")" "the endpoint refused every body of the backlog ($refused)"

# Hours pass (the claims are made 5 hours older; their callback data keeps the real time, so they
# are put back before the statuses come); runs come and go.
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '5 hours' WHERE status = 'unknown'" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'unknown'")" "$unknown" \
   "hours without their statuses: still unknown"
is "$(duplicates)" "0" "nothing was sent twice"

# The endpoint works again; Meta's retries bring the statuses.
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at + interval '5 hours' WHERE status = 'unknown'" > /dev/null
q "SELECT sum((cart_abandon_webhook(body, signature) ->> 'statuses_applied')::int) FROM backlog" > /dev/null
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'unknown'")" "$((unknown - in_flight))" \
   "the statuses, hours late, settle the $in_flight messages that were in flight"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries d JOIN fixture.standin_requests() r ON r.wamid = d.provider_message_id WHERE d.status = 'sent'")" \
   "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")" "every accepted message is recorded sent under its wamid"

# ---- 2. an answer cut by http_timeout; Meta accepted the message; its status never comes ----
q "SELECT fixture.make_cart('sl_slow', '30 hours', phone => '0151 75009901')" > /dev/null
q "SELECT fixture.standin_post('/webhook_plan', '{\"withhold\": [\"+4915175009901\"]}')" > /dev/null
q "SELECT fixture.standin_delay(2500)" > /dev/null
PGOPTIONS="-c cart_abandon.http_timeout=1s -c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
sleep 1.6
is "$(q "SELECT d.status || ' ' || r.accepted FROM cart_abandon.deliveries d, fixture.standin_requests() r
           WHERE d.cart_id = 'sl_slow' AND r.to_phone = '+4915175009901'")" "unknown true" \
   "the answer was cut; Meta accepted the message"
q "SELECT fixture.standin_delay(0)" > /dev/null
q "SELECT fixture.make_cart('sl_later', '30 hours', phone => '0151 75009902')" > /dev/null
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '5 hours' WHERE cart_id = 'sl_slow'" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
q "SELECT fixture.deliver_webhooks()" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || status || ':' || coalesce(webhook_status, '-'), ',' ORDER BY cart_id) FROM cart_abandon.deliveries
           WHERE cart_id IN ('sl_slow', 'sl_later')")" "sl_later:sent:read,sl_slow:unknown:-" \
   "a later message got its statuses; the cut one stays unknown"
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone = '+4915175009901'")" "1" "and was not sent again"

# ---- 3. a template held for quality assessment ----
q "SELECT fixture.make_cart('sl_held', '30 hours', phone => '0151 75009903')" > /dev/null
q "SELECT fixture.standin_post('/webhook_plan', '{\"withhold\": []}')" > /dev/null
q "SELECT fixture.standin_post('/pacing', '{\"cart_abandonment_first\": \"held_for_quality_assessment\"}')" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
q "SELECT fixture.deliver_webhooks()" > /dev/null
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '5 hours', sent_at = sent_at - interval '5 hours' WHERE cart_id = 'sl_held'" > /dev/null
PGOPTIONS="-c client_min_messages=warning" q "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT status || ' ' || coalesce(webhook_status, '-') || ' ' || (SELECT count(*) FROM fixture.standin_requests() WHERE to_phone = '+4915175009903')
           FROM cart_abandon.deliveries WHERE cart_id = 'sl_held'")" "sent - 1" \
   "held by Meta, no status for hours: sent once, no status recorded"
q "SELECT fixture.standin_post('/webhook_release', '{}')" > /dev/null
q "SELECT fixture.deliver_webhooks()" > /dev/null
is "$(q "SELECT webhook_status FROM cart_abandon.deliveries WHERE cart_id = 'sl_held'")" "read" "released by Meta: its statuses apply"
echo "# in flight at the kill: $in_flight; unknown after it: $unknown; bodies refused: $refused; duplicates at the stand-in: $(duplicates)"
exit $((_tap_failed > 0))
