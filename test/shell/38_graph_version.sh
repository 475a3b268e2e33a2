#!/usr/bin/env bash
# Issue 19 part 5: the Graph API version pinned in whatsapp_api_url, and the day Meta stops serving
# it (then routing calls to the next version without an error): the stats show it, and from 90
# days before (or after it) the stats and the run's NOTICE warn. Dates from Meta's version table:
# v21.0 until 2027-01-21 (within 90 days of this test's writing, and past it later: warned either
# way), v25.0 until 2028-07-29.
set -uo pipefail
source "$(dirname "$0")/tap.sh"
plan 6
q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null

stats_v25=$(q "SELECT cart_abandon_stats() -> 'graph_version'")
echo "# v25.0: $stats_v25"
is "$(q "SELECT g ->> 'version', g ->> 'served_until' FROM (SELECT cart_abandon_stats() -> 'graph_version' AS g) s")" \
   "v25.0|2028-07-29" "the stats name the pinned version and its last day"
is "$(q "SELECT ((g ->> 'days_left')::int > 90) = (g ->> 'warning' IS NULL) FROM (SELECT cart_abandon_stats() -> 'graph_version' AS g) s")" \
   "t" "warned of only within 90 days"

v21="SET cart_abandon.whatsapp_api_url = '$STANDIN_URL/v21.0'"
is "$(psql -X -qtA -c "$v21" -c "SELECT cart_abandon_stats() -> 'graph_version' ->> 'served_until'")" "2027-01-21" "v21.0: until 2027-01-21"
ok "$(psql -X -qtA -c "$v21" -c "SELECT cart_abandon_stats() -> 'graph_version' ->> 'warning'" | grep -q "Graph API v21.0 (cart_abandon.whatsapp_api_url).*2027-01-21"; echo $?)" \
   "v21.0 (within 90 days, or past): the stats warn"
q "SELECT fixture.make_cart('gv1', '30 hours')" > /dev/null
out=$(psql -X -q -c "$v21" -c "CALL cart_abandon_run()" 2>&1)
ok "$(grep -q "NOTICE:  cart_abandon: Graph API v21.0 (cart_abandon.whatsapp_api_url).*2027-01-21" <<< "$out"; echo $?)" \
   "... and so does the run's NOTICE"
out=$(psql -X -q -c "CALL cart_abandon_run()" 2>&1)
ok "$(grep -q "Graph API" <<< "$out"; [ $? -eq 1 ] || [ "$(q "SELECT cart_abandon_stats() -> 'graph_version' ->> 'warning' IS NOT NULL")" = t ]; echo $?)" \
   "v25.0: no warning in the NOTICE while its day is more than 90 days away"
