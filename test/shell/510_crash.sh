#!/usr/bin/env bash
# A backend killed with SIGKILL while its request is in flight never leads to a second message:
# the claim was committed and the request journaled before it left; the next run finds the
# backend gone and the request started: 'unknown', never resent without a webhook's word.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 6

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
exit $((_tap_failed > 0))
