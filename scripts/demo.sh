#!/usr/bin/env bash
# The main job on a throw-away setup: PostgreSQL 15 with Medusa-shaped sample carts and the local
# WhatsApp stand-in. Prints what a dry run would do, runs the hourly job, shows each cart's
# outcome, feeds Meta's (the stand-in's) signed webhooks back, lets a simulated day pass for the
# second reminders, and prints the stats.
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
# The recommended indexes, as the install section says (without them each run says which are missing).
sql > /dev/null <<'SQL'
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SQL
# Three shoppers more: one with two carts (one voice: the second is held by the frequency cap) and
# two whose carts the shop's previous system already reminded (cart.metadata.notifications).
sql -c "SELECT fixture.make_cart('cart_twice_a', '30 hours', phone => '+49 151 24681357', first_name => 'Jonas'),
               fixture.make_cart('cart_twice_b', '31 hours', phone => '0151 2468 1357', first_name => 'Jonas'),
               fixture.make_cart('cart_seed_first', '30 hours', phone => '0151 13572468',
                   metadata => jsonb_build_object('notifications', jsonb_build_object('firstSent', true,
                       'firstSentAt', to_char((now() - interval '6 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')))),
               fixture.make_cart('cart_seed_both', '60 hours', phone => '0151 97531864',
                   metadata => '{\"notifications\": {\"firstSent\": true, \"secondSent\": true}}')" > /dev/null

echo
echo "Quiet hours are off in this throw-away server (cart_abandon.quiet_hours = '') so that the demo"
echo "shows the same at any hour of the day; with the default '21:00-09:00' a reminder due at night"
echo "in the recipient's time zone is held until morning, as this dry run with a window of almost"
echo "the whole day shows:"
sql -c "SET cart_abandon.quiet_hours = '00:00-23:59'" \
    -c "SELECT cart_id, stage, action, detail FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}') WHERE action = 'held' LIMIT 3"

echo; echo "== Dry run: the first 15 carts examined, and what would happen to them"
sql -c "SELECT cart_id, stage, action, detail FROM cart_abandon_process(15, NULL, '{\"dryRun\": true}')"

echo "== The hourly job: CALL cart_abandon_run()"
sql -c "CALL cart_abandon_run()"

echo; echo "== One voice per person, and the previous system's reminders"
sql -c "SELECT cart_id, stage, status, origin, coalesce(hold_reason || ' until ' || not_before, provider_message_id, 'sent by the previous system') AS detail
          FROM cart_abandon.deliveries WHERE cart_id IN ('cart_twice_a', 'cart_twice_b', 'cart_seed_first', 'cart_seed_both')
         ORDER BY cart_id, stage"

echo; echo "== What the run did, cart by cart"
sql -c "SELECT d.cart_id, d.stage, d.status, d.origin, coalesce(d.skip_reason || ': ' || d.error_message, d.provider_message_id, d.error_message) AS detail,
               d.recipient FROM cart_abandon.deliveries d ORDER BY d.cart_id, d.stage"

echo "== Meta's webhooks arrive (the stand-in signs them like Meta): delivered and read, a shopper's STOP"
sql -c "SELECT fixture.standin_post('/inbound', jsonb_build_object('type', 'text', 'text', 'Stop',
            'from', (SELECT recipient FROM cart_abandon.deliveries WHERE status = 'sent' AND recipient IS NOT NULL ORDER BY cart_id LIMIT 1)))" > /dev/null
sql -c "SELECT fixture.deliver_webhooks() AS \"what cart_abandon_webhook applied\""
sql -c "SELECT cart_id, stage, webhook_status, delivered_at, read_at FROM cart_abandon.deliveries
         WHERE webhook_status IS NOT NULL ORDER BY cart_id LIMIT 5"
sql -c "SELECT kind, address, source, reason FROM cart_abandon.opt_outs"

echo "== A day later (simulated): the same job sends the second reminders that are due"
sql -c "SELECT fixture.age_all(interval '1 day')" > /dev/null
sql -c "CALL cart_abandon_run()"
sql -c "SELECT cart_id, stage, status, provider_message_id FROM cart_abandon.deliveries WHERE stage = 2 ORDER BY cart_id LIMIT 10"
sql -c "SELECT fixture.deliver_webhooks() -> 'statuses_applied' AS \"their statuses, applied\""

echo "== Some shoppers come back and buy"
completed=$(sql -tA -c "WITH bought AS (UPDATE public.cart SET completed_at = now()
         WHERE id IN (SELECT DISTINCT cart_id FROM cart_abandon.deliveries WHERE status = 'sent' AND origin = 'cart_abandon'
                       ORDER BY cart_id LIMIT 6) RETURNING 1) SELECT count(*) FROM bought")
echo "$completed carts that got a reminder completed; the next hourly run records them as recovered:"
sql -c "CALL cart_abandon_run()"

echo "== A reminder's record in the cart's metadata (the seed's layout)"
sql -c "SELECT id, jsonb_pretty(metadata) AS metadata FROM public.cart
         WHERE metadata ? 'notifications' AND metadata ? 'utm_source' ORDER BY id LIMIT 1"

echo "== SELECT cart_abandon_stats()"
sql -c "SELECT jsonb_pretty(cart_abandon_stats()) AS stats"

echo "== SELECT * FROM cart_abandon_daily(3): the same figures per day (the Medusa admin page's chart; the"
echo "   simulated day moved the first reminders to yesterday)"
sql -c "SELECT * FROM cart_abandon_daily(3)"

echo "== Messages the WhatsApp stand-in accepted: $(sql -tA -c "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")"
