#!/usr/bin/env bash
# A backend killed with SIGKILL while its request is in flight never leads to a second message:
# the claim was committed and the request journaled before it left; the next run finds the
# backend gone and the request started: 'unknown', never resent without a webhook's word.
# Also when the backend dies while one batch is recorded and the next is in flight (the pipeline).
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 11

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('crash_1', '30 hours', phone => '0151 71000001')" > /dev/null
q "SELECT fixture.make_cart('crash_2', '30 hours', phone => '0151 71000002')" > /dev/null
q "SELECT fixture.standin_delay(3000)" > /dev/null

psql -X -q -c "CALL cart_abandon_run()" > /dev/null 2>&1 &
for _ in $(seq 50); do
    [ "$(q "SELECT count(*) FROM fixture.standin_requests()")" -ge 1 ] && break
    sleep 0.1
done
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%' AND pid <> pg_backend_pid()")
ok "$([ -n "$pid" ]; echo $?)" "the run is waiting on the stand-in"
kill -9 "$pid"
wait
# the postmaster restarts every backend after a crash; wait until it accepts connections again
for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
q "SELECT fixture.standin_delay(0)" > /dev/null

is "$(q "SELECT string_agg(cart_id || '=' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "crash_1=claimed,crash_2=claimed" "both claims were committed before the first request left"
before=$(q "SELECT count(*) FROM fixture.standin_requests()")
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "$before" "a run right after the crash does not resend the started requests"
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '2 hours'" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(cart_id || '=' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "crash_1=unknown,crash_2=unknown" "both are unknown (started, answer lost), also after claim_timeout"
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "$before" "and still never resent"
is "$(q "SELECT status FROM cart_abandon.runs ORDER BY id LIMIT 1")" "interrupted" "the killed run is logged as interrupted"

# The pipeline: the next batch goes out once this one's answers are in, and this one is recorded
# meanwhile. Both batches' starts are in the one journal: recording the first must not forget the
# second's (killed then, they would be released and sent twice).
q "SELECT fixture.standin_reset()" > /dev/null
for n in 1 2 3 4; do
    q "SELECT fixture.make_cart('pipe_$n', '30 hours', phone => '0151 7200000$n')" > /dev/null
done
q "SELECT fixture.standin_faults('[{\"mode\": \"hang\", \"seconds\": 30, \"to\": \"+4915172000004\"}]')" > /dev/null
q "SELECT fixture.standin_delay(1000)" > /dev/null
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 2}')" > /dev/null 2>&1 &
run=$!
# While the first batch is in flight, the run's row is locked here: what follows from the first
# batch's outcomes (the run's progress) waits for it once they are committed.
for _ in $(seq 50); do
    [ "$(q "SELECT count(*) FROM cart_abandon.runs WHERE status = 'running'")" = 1 ] && break
    sleep 0.05
done
psql -X -q -c "BEGIN" -c "SELECT 1 FROM cart_abandon.runs WHERE status = 'running' FOR NO KEY UPDATE" \
     -c "SELECT pg_sleep(60)" > /dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM fixture.standin_requests()")" -ge 4 ] && break
    sleep 0.1
done
is "$(q "SELECT count(*) FROM fixture.standin_requests()"):$(q "SELECT wait_event_type FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%'")" \
   "4:Lock" "the second batch went out while the first one's record waited"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'" > /dev/null
wait "$holder"
for _ in $(seq 50); do
    [ "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'pipe_%' AND status = 'sent'")" = 2 ] &&
        [ "$(q "SELECT count(*) FROM cart_abandon.runs WHERE status = 'running' AND batches = 1")" = 1 ] && break
    sleep 0.1
done
is "$(q "SELECT string_agg(cart_id || '=' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'pipe_%'")" \
   "pipe_1=sent,pipe_2=sent,pipe_3=claimed,pipe_4=claimed" "the first batch is recorded, the second is in flight"
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%' AND pid <> pg_backend_pid()")
kill -9 "$pid"
wait "$run"
for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
q "SELECT fixture.standin_faults('[]'), fixture.standin_delay(0)" > /dev/null
before=$(q "SELECT count(*) FROM fixture.standin_requests()")
q "CALL cart_abandon_run()" > /dev/null 2>&1
q "UPDATE cart_abandon.deliveries SET claimed_at = claimed_at - interval '2 hours' WHERE status = 'claimed'" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(cart_id || '=' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'pipe_%'")" \
   "pipe_1=sent,pipe_2=sent,pipe_3=unknown,pipe_4=unknown" "the second batch's started requests are unknown after the crash"
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "$before" "and never resent"
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone LIKE '+49151720000%'")" "4" \
   "one request per cart in all"
exit $((_tap_failed > 0))
