#!/usr/bin/env bash
# The main job on a throw-away setup: PostgreSQL 15 with Medusa-shaped sample carts and the local
# WhatsApp stand-in. Prints what a dry run would do, runs the hourly job, shows each cart's
# outcome, lets a simulated day pass for the second reminders, and prints the stats.
# Everything is deleted at the end (KEEP_LOCAL_ENV=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s -j"$(nproc)"
$SUDO make -s install > /dev/null

source scripts/lib/local-env.sh
trap local_env_stop EXIT
local_env_start
local_env_template shop
export PGDATABASE=shop
sql() { psql -X -q --pset pager=off -v ON_ERROR_STOP=1 "$@"; }

sql -c "CREATE EXTENSION cart_abandon" -c "SELECT fixture.generate_sample_carts(120) AS sample_carts"

echo; echo "== Dry run: the first 15 carts with a reminder due, and what would happen to them"
sql -c "SELECT cart_id, stage, action, detail FROM cart_abandon_process(15, NULL, '{\"dryRun\": true}')"

echo "== The hourly job: CALL cart_abandon_run()"
sql -c "CALL cart_abandon_run()"

echo; echo "== What the run did, cart by cart"
sql -c "SELECT d.cart_id, d.stage, d.status, coalesce(d.skip_reason || ': ' || d.error_message, d.wamid, d.error_message) AS detail,
               d.phone FROM cart_abandon.deliveries d ORDER BY d.cart_id"

echo "== A day later (simulated): the same job sends the second reminders that are due"
sql -c "SELECT fixture.age_all(interval '1 day')" > /dev/null
sql -c "CALL cart_abandon_run()"
sql -c "SELECT cart_id, stage, status, wamid FROM cart_abandon.deliveries WHERE stage = 2 ORDER BY cart_id LIMIT 10"

echo "== Some shoppers come back and buy"
sql -c "UPDATE public.cart SET completed_at = now()
         WHERE id IN (SELECT cart_id FROM cart_abandon.deliveries WHERE status = 'sent' ORDER BY cart_id LIMIT 6)"

echo "== A reminder's record in the cart's metadata (the seed's layout)"
sql -c "SELECT id, jsonb_pretty(metadata) AS metadata FROM public.cart
         WHERE metadata ? 'notifications' AND metadata ? 'utm_source' ORDER BY id LIMIT 1"

echo "== SELECT cart_abandon_stats()"
sql -c "SELECT jsonb_pretty(cart_abandon_stats()) AS stats"

echo "== Messages the WhatsApp stand-in accepted: $(sql -tA -c "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")"
