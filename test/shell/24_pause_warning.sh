#!/usr/bin/env bash
# A paused channel warns once: the call that pauses it says why and what to do; the probes of the
# following calls that meet the same cause stay quiet; a new cause warns again.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
plan 5

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('pw_' || i, '30 hours', phone => '0151 7400000' || i) FROM generate_series(1, 3) AS i" > /dev/null
export PGOPTIONS="-c cart_abandon.template_first=cart_abandonment_frist"
out=$(psql -X -q -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" \
          -c "CALL cart_abandon_run()" 2>&1)
is "$(grep -c 'WARNING:  cart_abandon: WhatsApp sending paused: channel paused by error 132001' <<< "$out")" "1" \
   "three calls meet 132001: one WARNING"
is "$(grep -c 'HINT:  No approved template of that name' <<< "$out")" "1" "it says what to check"
is "$(q "SELECT count(*) FROM fixture.standin_requests()")" "3" "one request per call: the first pauses, the others probe"
export PGOPTIONS="-c cart_abandon.whatsapp_phone_number_id=000000"
out=$(psql -X -q -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" 2>&1)
is "$(grep -c 'WARNING:  cart_abandon: WhatsApp sending paused: channel paused by error 100' <<< "$out")" "1" "a new cause warns again"
unset PGOPTIONS
q "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null 2>&1
is "$(q "SELECT string_agg(status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" "sent,sent,sent" "fixed: all three sent"
exit $((_tap_failed > 0))
