#!/usr/bin/env bash
# A run killed with SIGKILL while its requests are in flight and its next batch is claimed. The
# next run releases at once the claims whose requests never started (the start journal); the
# started ones are settled by their status webhooks (biz_opaque_callback_data names the row).
# Those the journal names but no webhook ever speaks of stay unknown, never resent: silence,
# even while later messages get their statuses, is no proof that Meta did not accept them.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 10
CARTS=60

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('cw_' || lpad(i::text, 2, '0'), '30 hours', phone => '0151 7300' || lpad(i::text, 4, '0'))
     FROM generate_series(1, $CARTS) AS i" > /dev/null
q "SELECT fixture.standin_delay(1500)" > /dev/null

export PGOPTIONS="-c cart_abandon.max_concurrency=4 -c cart_abandon.batch_pause=0 -c client_min_messages=warning"
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 20}')" > /dev/null 2>&1 &
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM fixture.standin_requests()")" -ge 4 ] && break
    sleep 0.05
done
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%' AND pid <> pg_backend_pid()")
ok "$([ -n "$pid" ]; echo $?)" "the run is waiting on its first requests"
sleep 0.3  # the next batch is claimed meanwhile
kill -9 "$pid"
wait
for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
in_flight=$(q "SELECT count(*) FROM fixture.standin_requests()")
claimed=$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'claimed'")
ok "$([ "$claimed" -ge 40 ]; echo $?)" "the kill left $claimed claims: the batch being sent and the next one ($in_flight requests had started)"
database=$(q "SELECT oid FROM pg_database WHERE datname = current_database()")
journaled=$(find "$PG_DIR/data/cart_abandon_journal" -type f -name "$database.*" -exec cat {} + 2>/dev/null \
            | grep -cv '^cart_abandon start journal ')
ok "$([ "$journaled" -ge "$in_flight" ] && [ "$journaled" -lt "$claimed" ]; echo $?)" \
   "its start journal holds $journaled claims: every started request, not the batch claimed ahead"

# The stand-in answers the requests in flight anyway (Meta accepted them) and queues their webhooks.
sleep 1.6
q "SELECT fixture.standin_delay(0)" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'claimed'")" "0" "the next run leaves no claim behind"
unknown=$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'unknown'")
is "$unknown" "$journaled" "only the journaled claims are unknown; the others were released and sent at once"
is "$(q "SELECT count(*) FROM (SELECT to_phone FROM fixture.standin_requests() WHERE accepted GROUP BY to_phone HAVING count(*) > 1) x")" "0" \
   "no number got a second accepted message"

# Their status webhooks arrive: the started ones become sent with Meta's wamid.
q "SELECT fixture.deliver_webhooks()" > /dev/null
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'unknown'")" "$((journaled - in_flight))" \
   "the webhooks settled the $in_flight started requests"

# Journaled but never started: no webhook will ever come, and none may be late either. Hours later,
# with later messages' statuses arrived, they are still unknown and not sent again.
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '5 hours' WHERE status = 'unknown'" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
q "SELECT fixture.deliver_webhooks()" > /dev/null
is "$(q "SELECT string_agg(status || ':' || n, ',' ORDER BY status) FROM (SELECT status, count(*) n FROM cart_abandon.deliveries GROUP BY 1) s")" \
   "sent:$((CARTS - journaled + in_flight)),unknown:$((journaled - in_flight))" "the others are sent, those stay unknown"
is "$(q "SELECT count(DISTINCT to_phone) FROM fixture.standin_requests() WHERE accepted")" "$((CARTS - journaled + in_flight))" \
   "every cart but those was reminded"
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")" "$((CARTS - journaled + in_flight))" "exactly once"
[ -d "$PG_DIR/data/cart_abandon_journal" ] && echo "# journals left: $(ls "$PG_DIR/data/cart_abandon_journal" | grep -c "^$database\.")"
exit $((_tap_failed > 0))
