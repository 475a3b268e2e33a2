#!/usr/bin/env bash
# cart_abandon.max_per_second is the sending number's: with the library preloaded, concurrent
# callers (two runs, a run and a process call in another database) together never put more than
# the limit into one second at the API. Without the preload each call paces itself alone, and the
# stats and the README say so: two calls then send twice the rate.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 12
export PGOPTIONS="-c cart_abandon.max_per_second=20 -c client_min_messages=warning"
other="${PGDATABASE}_other"
busiest() { curl -sS --fail "$STANDIN_URL/_control/busiest_second" | python3 -c "import json,sys; print(json.load(sys.stdin)['requests'])"; }
# carts PREFIX N [DATABASE]: N carts due for their first reminder, each with a number of its own
carts() { psql -X -qtA -v ON_ERROR_STOP=1 -d "${3:-$PGDATABASE}" \
              -c "SELECT count(fixture.make_cart('$1' || lpad(n::text, 3, '0'), '30 hours')) FROM generate_series(1, $2) AS n" > /dev/null; }
sent() { psql -X -qtA -d "${2:-$PGDATABASE}" -c "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'sent' AND cart_id LIKE '$1%'"; }
log=$(mktemp)
cleanup() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $other WITH (FORCE)" > /dev/null 2>&1
    rm -f "$log"
}
trap cleanup EXIT

q "CREATE EXTENSION cart_abandon" > /dev/null
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $other" -c "CREATE DATABASE $other TEMPLATE ca_template" > /dev/null
psql -X -q -d "$other" -c "CREATE EXTENSION cart_abandon" > /dev/null
is "$(q "SELECT cart_abandon_stats() -> 'rate_limit'")" '{"per": "sending_number", "max_per_second": 20}' \
   "preloaded: the stats say the limit is the sending number's"

# Two runs in two sessions at once, over the same 80 carts (batches of 10: they take turns).
carts a 80
q "SELECT fixture.standin_reset()" > /dev/null
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 10}')" >> "$log" 2>&1 &
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 10}')" >> "$log" 2>&1 &
wait
two_runs=$(busiest)
echo "# two concurrent runs at max_per_second = 20: busiest second $two_runs"
ok "$([ "$two_runs" -le 21 ]; echo $?)" "two concurrent runs: no second holds more than the limit + 1 (arrival jitter): $two_runs"
is "$(sent a)" 80 "both ran to the end: 80 carts sent"
is "$(q "SELECT count(*) FROM cart_abandon.runs WHERE sent_first > 0")" 2 "and each run sent some of them"
is "$(q "SELECT count(*) FROM (SELECT tstzrange(started_at, finished_at) AS span FROM cart_abandon.runs) r
          WHERE upper(span) - lower(span) > interval '3 s'")" 2 "each lasted over 3 s: they shared 20/s (alone: 80 in 4 s)"

# A run here and a cart_abandon_process call in another database, from the same number.
carts b 40
carts c 40 "$other"
q "SELECT fixture.standin_reset()" > /dev/null
psql -X -q -c "CALL cart_abandon_run()" >> "$log" 2>&1 &
psql -X -qtA -d "$other" -c "SELECT count(*) FROM cart_abandon_process(40, NULL)" >> "$log" 2>&1 &
wait
mixed=$(busiest)
echo "# a run and a process call in another database at max_per_second = 20: busiest second $mixed"
ok "$([ "$mixed" -le 21 ]; echo $?)" "a run and a process call in two databases: at most the limit + 1 in any second: $mixed"
is "$(sent b) $(sent c "$other")" "40 40" "both sent all their carts"
ok "$([ "$(grep -c ERROR "$log")" = 0 ]; echo $?)" "no caller failed"

# Without the preload: each call alone.
source "$(dirname "$0")/lib/server.sh"
trap "preload_cart_abandon on; cleanup" EXIT
preload_cart_abandon off
is "$(q "SELECT cart_abandon_stats() -> 'rate_limit'")" '{"per": "call", "max_per_second": 20}' \
   "not preloaded: the stats say the limit holds per call"
# The token from a file: a token (or an app secret, for appsecret_proof) in a configuration file
# is refused without the preload; no app secret here.
token_file="$PG_DIR/data/rate_token"
cp "$STANDIN_TOKEN_FILE" "$token_file"; chown postgres: "$token_file" 2>/dev/null; chmod 600 "$token_file"
with_token_file() { psql -X -q -d "$1" -c "SET cart_abandon.whatsapp_token = ''" -c "SET cart_abandon.whatsapp_token_file = '$token_file'" \
                        -c "SET cart_abandon.whatsapp_app_secret = ''" -c "$2"; }
carts d 40
carts e 40 "$other"
q "SELECT fixture.standin_reset()" > /dev/null
with_token_file "$PGDATABASE" "CALL cart_abandon_run()" >> "$log" 2>&1 &
with_token_file "$other" "CALL cart_abandon_run()" >> "$log" 2>&1 &
wait
alone=$(busiest)
echo "# not preloaded, two concurrent runs at max_per_second = 20: busiest second $alone"
is "$(sent d) $(sent e "$other")" "40 40" "not preloaded, two runs in two databases sent their carts"
ok "$([ "$alone" -ge 30 ]; echo $?)" "... and together sent about twice the limit in a second, as the stats say: $alone"
ok "$([ "$(grep -c ERROR "$log")" = 0 ]; echo $?)" "no caller failed"
[ "$(grep -c ERROR "$log")" = 0 ] || sed "s/^/# /" "$log"
exit $((_tap_failed > 0))
