#!/usr/bin/env bash
# Issue 19 part 5: cart_abandon.messaging_limit holds across concurrent callers. In each of three
# rounds, six process calls start at the same instant (released together from an advisory lock),
# each on its own 100 of 600 carts of 600 people, with a limit of 200: exactly 200 people are
# reached, the others held without a request. (Without the limit's lock callers that decide at the
# same time each count from what was committed before them, and together pass the limit.)
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 7
export PGOPTIONS="-c cart_abandon.messaging_limit=200 -c cart_abandon.frequency_cap=0 -c client_min_messages=warning"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

q "CREATE EXTENSION cart_abandon" > /dev/null
barrier="SELECT pg_advisory_lock_shared(4242)"
for round in 1 2 3; do
    # A fresh window (no one reached yet) and 600 new carts: the earlier rounds' are bought.
    q "UPDATE public.cart SET completed_at = now() WHERE completed_at IS NULL" > /dev/null
    q "DELETE FROM cart_abandon.deliveries" > /dev/null
    q "SELECT count(fixture.make_cart('ml$round' || lpad(n::text, 3, '0'), '30 hours')) FROM generate_series(1, 600) AS n" > /dev/null
    q "SELECT fixture.standin_reset()" > /dev/null
    # Six disjoint slices (a dry run's cursors after every 100th cart).
    mapfile -t cursors < <(q "SELECT next_cursor FROM (SELECT next_cursor, row_number() OVER (ORDER BY cart_id) AS n
                                                      FROM cart_abandon_process(600, NULL, '{\"dryRun\": true}')) r
                             WHERE n % 100 = 0 AND n < 600 ORDER BY n")
    psql -X -qtA -c "SELECT pg_advisory_lock(4242)" -c "SELECT pg_sleep(1)" -c "SELECT pg_advisory_unlock(4242)" > /dev/null &
    sleep 0.3
    psql -X -qtA -c "$barrier" -c "SELECT count(*) FROM cart_abandon_process(100, NULL)" >> "$log" 2>&1 &
    for cursor in "${cursors[@]}"; do
        psql -X -qtA -c "$barrier" -c "SELECT count(*) FROM cart_abandon_process(100, '$cursor')" >> "$log" 2>&1 &
    done
    wait
    reached=$(q "SELECT count(DISTINCT recipient) FROM cart_abandon.deliveries WHERE status IN ('sent', 'unknown', 'claimed')")
    echo "# round $round: six concurrent callers, messaging_limit 200: $reached people reached"
    is "$reached $(q "SELECT count(*) FROM fixture.standin_requests()")" "200 200" \
       "round $round: six concurrent callers reach exactly the limit's 200 people, 200 requests"
    ok "$([ "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'held' AND hold_reason = 'messaging_limit'")" = 400 ]; echo $?)" \
       "round $round: the other 400 are held for the limit"
done
ok "$([ "$(grep -c ERROR "$log")" = 0 ]; echo $?)" "no caller failed"
