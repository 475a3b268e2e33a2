#!/usr/bin/env bash
# No footgun at scale, on 20,000 carts of bench/sql/generate.sql without the recommended indexes
# (the default of a shop that skipped that step): a run reads Medusa's tables once per batch, never
# once per cart; it says once which indexes are missing and how to make them; cart_abandon_stats()
# never scans the carts; a run pg_cron starts is recorded as such.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 9
repo="$(cd "$(dirname "$0")/../.." && pwd)"

psql -X -q -v ON_ERROR_STOP=1 -v carts=20000 -f "$repo/bench/sql/generate.sql" > /dev/null
q "CREATE EXTENSION cart_abandon" > /dev/null
q "ANALYZE" > /dev/null
# Scans of a table so far, counted by PostgreSQL's statistics (each session's flushed at its end).
seq_scans() { q "SELECT seq_scan FROM pg_stat_user_tables WHERE relid = 'public.$1'::regclass"; }

# A dry run in batches of 20: the removed items of a cart used to be found by a scan of every
# line item, once per examined cart.
before=$(seq_scans cart_line_item)
out=$(psql -X -q -c "SET cart_abandon.batch_size = 20" -c "CALL cart_abandon_run('{\"dryRun\": true}')" 2>&1)
examined=$(sed -n 's/.*dry run: \([0-9]*\) carts examined in \([0-9]*\) batches.*/\1/p' <<< "$out")
batches=$(sed -n 's/.*dry run: \([0-9]*\) carts examined in \([0-9]*\) batches.*/\2/p' <<< "$out")
sleep 0.5
scans=$(( $(seq_scans cart_line_item) - before ))
ok "$([ "${examined:-0}" -ge 100 ] && [ "${batches:-0}" -ge 5 ]; echo $?)" "the dry run examined $examined carts in $batches batches"
echo "# line item scans: $scans, for $examined carts in $batches batches"
ok "$([ $(( scans * 4 )) -lt "$examined" ]; echo $?)" \
   "without the indexes, line items were scanned $scans times: per batch or slice (under a quarter of the $examined carts), not per cart"

is "$(grep -c 'recommended indexes missing in schema "public": cart_abandon_open_cart_activity, .*cart_abandon_order_changes$' <<< "$out")" "1" \
   "the run says once, over all its batches, which recommended indexes are missing"
is "$(grep -c 'HINT:  Create them once, in psql as a superuser: SELECT \* FROM cart_abandon_recommended_indexes() \\gexec' <<< "$out")" "1" \
   "and how to create them"

# The stats read the ledger and the run log; the carts only by id, for reminded ones.
before=$(seq_scans cart)
q "SELECT cart_abandon_stats()" > /dev/null
sleep 0.5
is "$(( $(seq_scans cart) - before ))" "0" "cart_abandon_stats() does not scan the cart table"

# A run pg_cron starts (its background workers and its connections both say pg_cron).
PGAPPNAME=pg_cron q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT started_by FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" "pg_cron" "a run pg_cron starts is recorded as such"
is "$(q "SELECT (cart_abandon_stats() -> 'schedule' -> 'last_scheduled_run' ->> 'id') = (SELECT max(id)::text FROM cart_abandon.runs)")" "t" \
   "stats name it the last scheduled run"

# With the indexes: no NOTICE, nothing missing.
q "SELECT * FROM cart_abandon_recommended_indexes()" | sed 's/$/;/' | psql -X -q > /dev/null 2>&1
is "$(psql -X -q -c "CALL cart_abandon_run('{\"dryRun\": true}')" 2>&1 | grep -c 'recommended indexes missing')" "0" \
   "once they exist, no NOTICE"
is "$(q "SELECT cart_abandon_stats() -> 'missing_indexes'")" "[]" "and stats list none missing"
