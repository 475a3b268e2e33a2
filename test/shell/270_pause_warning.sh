#!/usr/bin/env bash
# A paused channel warns once: the call that pauses it says why and what to do; the probes of the
# following calls that meet the same cause stay quiet; a new cause warns again.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 7

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

# A Graph API version Meta stops serving within 90 days: each run says so (Meta would route its
# calls to the next version silently); v25.0 (served until 2028-07-29) not.
api_url=$(q "SHOW cart_abandon.whatsapp_api_url")
out=$(PGOPTIONS="-c cart_abandon.whatsapp_api_url=${api_url%/v25.0}/v20.0" psql -X -q -c "CALL cart_abandon_run()" 2>&1)
is "$(grep -c 'NOTICE:  cart_abandon: the Graph API version v20.0 of cart_abandon.whatsapp_api_url is ending' <<< "$out")" "1" \
   "a run on v20.0 (older than v21.0, which ends 2027-01-21) gives a NOTICE"
out=$(psql -X -q -c "CALL cart_abandon_run()" 2>&1)
is "$(grep -c 'Graph API version' <<< "$out")" "0" "... on v25.0, none"
exit $((_tap_failed > 0))
