#!/usr/bin/env bash
# make soak: SOAK_SECONDS (default 1800) of mixed load on a throw-away PostgreSQL 15 with core
# dumps on, then checks that no backend crashed and that no message was duplicated or lost.
# The load: 10 loops of cart_abandon_process(batch, cursor) following next_cursor to the end and
# starting again, pg_cron running cart_abandon_run() every minute, a feed of Meta's signed webhooks
# (statuses shuffled and duplicated by the stand-in, bodies held back and applied again here,
# shoppers' STOP replies, buttons, preferences and questions), a shop writing carts (new ones due
# at once or after first_delay, items added and removed, phones typed late, purchases), and two
# shoppers' sessions holding a cart row FOR UPDATE for a few seconds, idle in transaction.
# Prints TAP lines, the figures, and `N passed, M failed`; exits non-zero on any failure. On a
# failure (or KEEP_LOCAL_ENV=1) the directory with the server log, any core and its backtrace,
# the loops' logs and the stand-in's record is kept and named. Not part of scripts/test.sh.
#   SOAK_SECONDS=120 make soak          a short run
#   SOAK_CHECK_HOOK='psql -c ...'       a command run just before the checks (to prove they fail)
set -uo pipefail
cd "$(dirname "$0")/.."
SOAK_SECONDS="${SOAK_SECONDS:-1800}"
PROCESS_LOOPS=10
FIRST_DELAY=30s
SECOND_DELAY=90s

source scripts/lib/local-env.sh
source test/shell/lib/tap.sh

core_pattern_file=/proc/sys/kernel/core_pattern
core_pattern_saved=""
loop_pids=()
failed_any=0
finish() {
    local pid
    for pid in "${loop_pids[@]}"; do kill "$pid" 2> /dev/null; done
    if [ -n "$core_pattern_saved" ]; then
        printf '%s\n' "$core_pattern_saved" > "$core_pattern_file" && echo "# core_pattern restored: $core_pattern_saved"
    fi
    [ "$failed_any" -eq 0 ] || KEEP_LOCAL_ENV=1
    local_env_stop
}
trap finish EXIT

# ---- the server, with core dumps on ----
ulimit -c unlimited 2> /dev/null || echo "# ulimit -c unlimited refused: the hard limit is $(ulimit -Hc)"
LOCAL_ENV_CORE_FILES=1 local_env_start || exit 1
SOAK_DIR="$LOCAL_ENV_DIR/soak"
mkdir -p "$SOAK_DIR"
PGDATA_DIR="$PG_DIR/data"
postmaster_pid=$(head -1 "$PGDATA_DIR/postmaster.pid")
echo "# server: PostgreSQL $(psql -X -tA -c 'SHOW server_version'), postmaster $postmaster_pid," \
     "core size limit: $(awk '/^Max core file size/ {print $5}' "/proc/$postmaster_pid/limits")"
# Where a crashing backend's core lands: a file pattern is taken as it is (relative: the data
# directory, the backends' working directory); a pipe to a handler (systemd-coredump, apport) is
# replaced by a file pattern in this run's directory while the soak runs, when this is root.
core_pattern=$(cat "$core_pattern_file")
core_dir="$PGDATA_DIR"
case "$core_pattern" in
    "|"*)
        mkdir -p "$LOCAL_ENV_DIR/cores" && chown postgres: "$LOCAL_ENV_DIR/cores" 2> /dev/null
        if [ "$(id -u)" -eq 0 ] && printf '%s\n' "$LOCAL_ENV_DIR/cores/core.%e.%p" > "$core_pattern_file" 2> /dev/null; then
            core_pattern_saved="$core_pattern"
            core_dir="$LOCAL_ENV_DIR/cores"
            echo "# core_pattern was a pipe ($core_pattern): set to $core_dir/core.%e.%p for the soak"
        else
            core_dir=""
            echo "# core_pattern pipes to a handler ($core_pattern) that this script cannot change:" \
                 "no core file will be found here; the server log still shows any crash"
        fi ;;
    /*) core_dir=$(dirname "$core_pattern") ;;
esac
[ -n "$core_dir" ] && echo "# core files: $core_dir (core_pattern $(cat "$core_pattern_file"))"

# ---- the shop: Medusa's tables in pg_cron's database, the extension, the soak's helpers ----
export PGDATABASE=ca_cron
local_env_load_fixtures ca_cron
{ echo "CREATE EXTENSION pg_cron;"
  echo "CREATE EXTENSION cart_abandon;"
  echo "SELECT * FROM cart_abandon_recommended_indexes() \gexec"
  cat scripts/lib/soak.sql; } | psql -X -q -v ON_ERROR_STOP=1 > /dev/null 2> "$SOAK_DIR/setup.err" \
    || { cat "$SOAK_DIR/setup.err"; failed_any=1; exit 1; }
# Reminders within the soak: the first 30 s after the last activity, the second 90 s; carts older
# than 15 min leave the scans; one voice per 20 s; runs scan in full every 5 min.
q "ALTER DATABASE ca_cron SET cart_abandon.first_delay = '$FIRST_DELAY'" > /dev/null
q "ALTER DATABASE ca_cron SET cart_abandon.second_delay = '$SECOND_DELAY'" > /dev/null
q "ALTER DATABASE ca_cron SET cart_abandon.max_age = '15min'" > /dev/null
q "ALTER DATABASE ca_cron SET cart_abandon.frequency_cap = '20s'" > /dev/null
q "ALTER DATABASE ca_cron SET cart_abandon.full_scan_interval = '5min'" > /dev/null
q "ALTER DATABASE ca_cron SET cart_abandon.retry_backoff = '100ms'" > /dev/null
# Lock waits longer than 200 ms go to the server log (evidence for a failure's analysis).
q "ALTER SYSTEM SET log_lock_waits = on" > /dev/null
q "ALTER SYSTEM SET deadlock_timeout = '200ms'" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
# Meta's side: 20 ms answers, a few transient errors, statuses shuffled and some sent twice, and
# 40 numbers whose messages Meta reports failed (131026) after accepting them.
q "SELECT fixture.standin_delay(20)" > /dev/null
q "SELECT fixture.standin_faults('[{\"mode\": \"error\", \"code\": 131000, \"http_status\": 500, \"rate\": 0.02},
                                   {\"mode\": \"http\", \"http_status\": 503, \"body\": \"busy\", \"rate\": 0.01}]')" > /dev/null
q "SELECT fixture.standin_post('/webhook_plan', jsonb_build_object('order', 'shuffled', 'duplicate_rate', 0.1,
       'failures', (SELECT jsonb_object_agg(soak.failing_phone(k), '{\"code\": 131026, \"after\": [\"sent\"]}'::jsonb)
                      FROM generate_series(1, 40) AS k)))" > /dev/null
q "SELECT cart_abandon_schedule('* * * * *')" > /dev/null
start_time=$(q "SELECT pg_postmaster_start_time()")
echo "# soak: $SOAK_SECONDS s in $LOCAL_ENV_DIR (database ca_cron); first_delay $FIRST_DELAY, second_delay $SECOND_DELAY"

# ---- the load; every loop ends at the deadline and after a bounded number of rounds ----
deadline=$(( $(date +%s) + SOAK_SECONDS ))
max_rounds=$(( SOAK_SECONDS * 20 + 100 ))
before_deadline() { [ "$(date +%s)" -lt "$deadline" ]; }
pause() { sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"; }
export PGOPTIONS="-c statement_timeout=120s -c idle_in_transaction_session_timeout=60s -c client_min_messages=warning"

# A loop of process calls: batch by batch along next_cursor; an empty batch ends the scan, and
# the next starts from the beginning. Writes "calls rows sent errors scans" after each call.
process_loop() {
    local name=$1 batch=$2 cursor=NULL calls=0 rows=0 sent=0 errors=0 scans=0 out n s c
    while before_deadline && [ "$calls" -lt "$max_rounds" ]; do
        calls=$((calls + 1))
        if out=$(psql -X -qtA -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE action = 'sent'),
                                                coalesce((array_agg(next_cursor ORDER BY n DESC))[1], '-')
                                           FROM cart_abandon_process($batch, $cursor) WITH ORDINALITY
                                                AS p(cart_id, stage, action, detail, next_cursor, n)" 2>> "$SOAK_DIR/$name.err"); then
            read -r n s c <<< "$out"
            rows=$((rows + n)); sent=$((sent + s))
            if [ "$n" -eq 0 ]; then scans=$((scans + 1)); cursor=NULL; else cursor="'$c'"; fi
        else
            errors=$((errors + 1)); cursor=NULL
            sleep 1
        fi
        echo "$calls $rows $sent $errors $scans" > "$SOAK_DIR/$name.count"
        pause
    done
}

# The shop's writer: a round of writes (soak.shop_round, a transaction per cart) about twice a second.
shop_loop() {
    local rounds=0 writes=0 errors=0 w
    while before_deadline && [ "$rounds" -lt "$max_rounds" ]; do
        rounds=$((rounds + 1))
        if w=$(q "CALL soak.shop_round()" 2>> "$SOAK_DIR/shop.err"); then writes=$((writes + w)); else errors=$((errors + 1)); fi
        echo "$rounds $writes $errors" > "$SOAK_DIR/shop.count"
        pause
    done
}

# A shopper's session holding a cart's row (FOR UPDATE) idle in transaction for 1 to 4 s, then
# writing a metadata key of its own: a cart about to come due (its first reminder is claimed,
# sent and recorded while the row is held), else one of the newest.
lock_loop() {
    local name=$1 holds=0 errors=0 cart
    while before_deadline && [ "$holds" -lt "$max_rounds" ]; do
        holds=$((holds + 1))
        cart=$(q "SELECT coalesce((SELECT c.id FROM public.cart c
                                    WHERE c.id >= soak.cart_id(s.last_value - 200) AND c.completed_at IS NULL
                                      AND c.updated_at BETWEEN now() - interval '$FIRST_DELAY' - interval '1 s'
                                                           AND now() - interval '$FIRST_DELAY' + interval '2 s'
                                    ORDER BY random() LIMIT 1),
                                  soak.cart_id(greatest(1, s.last_value - floor(random() * 20)::bigint)))
                    FROM soak.cart_seq s" 2>> "$SOAK_DIR/$name.err")
        if [ -n "$cart" ]; then
            { echo "BEGIN;"
              echo "SELECT id FROM public.cart WHERE id = '$cart' FOR UPDATE;"
              sleep $(( 1 + RANDOM % 4 ))
              echo "UPDATE public.cart SET metadata = coalesce(metadata, '{}') || '{\"held_by_shop\": true}' WHERE id = '$cart';"
              echo "INSERT INTO soak.locked (cart_id) VALUES ('$cart') ON CONFLICT DO NOTHING;"
              echo "COMMIT;"; } | psql -X -q -v ON_ERROR_STOP=1 > /dev/null 2>> "$SOAK_DIR/$name.err" || errors=$((errors + 1))
        else
            errors=$((errors + 1))
        fi
        echo "$holds $errors" > "$SOAK_DIR/$name.count"
        pause
    done
}

# Meta's webhooks, a round a second (soak.webhook_round).
webhook_loop() {
    local rounds=0 errors=0
    while before_deadline && [ "$rounds" -lt "$max_rounds" ]; do
        rounds=$((rounds + 1))
        psql -X -q -v ON_ERROR_STOP=1 -c "CALL soak.webhook_round()" > /dev/null 2>> "$SOAK_DIR/webhook.err" || errors=$((errors + 1))
        echo "$rounds $errors" > "$SOAK_DIR/webhook.count"
        sleep 1
    done
}

for i in $(seq "$PROCESS_LOOPS"); do
    process_loop "process$i" $(( 5 * i )) &
    loop_pids+=($!)
done
shop_loop & loop_pids+=($!)
lock_loop lock1 & loop_pids+=($!)
lock_loop lock2 & loop_pids+=($!)
webhook_loop & loop_pids+=($!)

while before_deadline; do
    sleep 30
    before_deadline || break
    echo "# $(( SOAK_SECONDS - deadline + $(date +%s) )) s: $(q "SELECT count(*) || ' carts, ' || (SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'sent') || ' sent, '
        || (SELECT count(*) FROM cart_abandon.runs) || ' runs, ' || (SELECT count(*) FROM soak.webhooks) || ' webhook bodies' FROM public.cart" 2>&1 | head -1)"
done
# The loops end on their own (statement_timeout bounds a call; a lock is held 4 s at most).
for pid in "${loop_pids[@]}"; do wait "$pid"; done
loop_pids=()

# ---- everything stops: the schedule, pg_cron's last run, then one final run and every webhook ----
export PGOPTIONS="-c client_min_messages=warning"
q "SELECT cart_abandon_unschedule()" > /dev/null 2>&1
for _ in $(seq 300); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CALL%cart_abandon_run%' AND pid <> pg_backend_pid()" 2>/dev/null)" = 0 ] && break
    sleep 1
done
q "SELECT fixture.standin_faults('[]')" > /dev/null
final_run=$(PGOPTIONS="-c client_min_messages=notice" psql -X -q -c "CALL cart_abandon_run()" 2>&1 | head -3)
echo "# final run: $final_run"
for _ in $(seq 120); do
    psql -X -q -c "CALL soak.webhook_round(0, 0, 0)" > /dev/null 2>> "$SOAK_DIR/webhook.err"
    [ "$(q "SELECT (fixture.standin_call('GET', '/state') -> 'webhooks' ->> 'queued')::int
               + (SELECT count(*) FROM soak.webhooks WHERE applied_at IS NULL)")" = 0 ] && break
    sleep 0.5
done
q "SELECT soak.load_requests()" > /dev/null
[ -n "${SOAK_CHECK_HOOK:-}" ] && { echo "# SOAK_CHECK_HOOK: $SOAK_CHECK_HOOK"; bash -c "$SOAK_CHECK_HOOK"; }

# ---- the checks ----
# none VIEW DESC: one TAP line; the view lists violations, and up to 5 are shown.
none() {
    local n
    n=$(q "SELECT count(*) FROM soak.$1" 2>&1)
    is "$n" 0 "$2"
    [ "$n" = 0 ] || q "SELECT * FROM soak.$1 LIMIT 5" 2>&1 | sed 's/^/#   /'
}
sum_counts() { cat "$SOAK_DIR"/$1.count 2> /dev/null | awk -v f="$2" '{s += $f} END {print s + 0}'; }

crash_lines=$(grep -E "terminated by signal|server process .* was terminated|all server processes terminated; reinitializing|PANIC" "$PG_LOG")
is "$(printf '%s' "$crash_lines" | grep -c .)" 0 "no backend crash in the server log (terminated by signal, reinitializing, PANIC)"
[ -z "$crash_lines" ] || printf '%s\n' "$crash_lines" | head -10 | sed 's/^/#   /'
is "$(q "SELECT pg_postmaster_start_time()")|$(head -1 "$PGDATA_DIR/postmaster.pid")|$(grep -c 'database system is ready to accept connections' "$PG_LOG")" \
   "$start_time|$postmaster_pid|1" "the postmaster never restarted (start time, pid, one 'ready to accept connections')"
cores=()
[ -n "$core_dir" ] && mapfile -t cores < <(find "$core_dir" -maxdepth 1 -type f -name 'core*' 2> /dev/null)
is "${#cores[@]}" 0 "no core file${core_dir:+ in $core_dir}"
if [ "${#cores[@]}" -gt 0 ]; then
    command -v gdb > /dev/null || { apt-get update -qq > /dev/null && apt-get install -y -qq gdb > /dev/null; }
    for core in "${cores[@]}"; do
        gdb -batch -ex bt "$PG_BIN/postgres" "$core" > "$core.bt" 2>&1
        gdb -batch -ex 'thread apply all bt' "$PG_BIN/postgres" "$core" > "$core.threads" 2>&1
        echo "# backtrace of $core (also $core.bt; every thread's in $core.threads):"
        grep '^#[0-9]' "$core.bt" | head -40 | sed 's/^/#   /'
    done
fi
none duplicates "never two accepted messages for one cart and stage"
none unrecorded "every accepted message has its ledger row sent with its wamid (or failed when Meta said so later)"
none phantoms "no ledger row says sent without an accepted message of its wamid"
none left_claimed "no ledger row left claimed after everything stopped and a final run"
none early_seconds "every second reminder follows an accepted first by second_delay - first_delay"
none after_purchase "no message accepted more than 30 s after its cart was completed"
none after_opt_out "no message accepted more than 30 s after its number opted out"
none unapplied_webhooks "every webhook body taken from the stand-in was applied"
is "$(q "SELECT (fixture.standin_call('GET', '/state') -> 'webhooks') ->> 'dropped'")" 0 "the stand-in dropped no webhook update"
none replays_that_changed "applying a body again changed nothing"
none unapplied_statuses "every status of a message cart_abandon sent was applied (none left kept)"
none webhook_outcomes "the ledger has every status: each message read, each to a failing number failed with 131026"
none opt_out_mismatches "the opt-outs are exactly the numbers that said stop"
none metadata_problems "every cart kept the shop's metadata keys, and each sent stage is in it"
process_errors=$(sum_counts 'process*' 4)
is "$process_errors" 0 "every process call succeeded"
[ "$process_errors" = 0 ] || cat "$SOAK_DIR"/process*.err | sort | uniq -c | sort -rn | head -5 | sed 's/^/#   /'
is "$(( $(sum_counts shop 3) + $(sum_counts 'lock*' 2) + $(sum_counts webhook 2) ))" 0 "every shop write, lock holder and webhook round succeeded"
cron_runs=$(q "SELECT count(*) FROM cart_abandon.runs WHERE started_by = 'pg_cron'")
ok "$([ "$cron_runs" -ge $(( SOAK_SECONDS / 60 - 1 )) ]; echo $?)" "pg_cron ran the job every minute ($cron_runs runs in $SOAK_SECONDS s)"
is "$(q "SELECT count(*) FROM cron.job_run_details WHERE status = 'failed'")" 0 "no pg_cron run failed"
q "SELECT start_time || ' ' || return_message FROM cron.job_run_details WHERE status = 'failed' LIMIT 5" | sed 's/^/#   /'
is "$(q "SELECT coalesce(string_agg(status || ' ' || n, ', '), '') FROM (SELECT status, count(*) n FROM cart_abandon.runs
          WHERE status NOT IN ('succeeded', 'channel_paused') GROUP BY 1) s")" "" "no run left running, interrupted or failed"

# ---- the figures ----
echo "# messages accepted: $(q "SELECT count(*) FILTER (WHERE stage = 1) || ' first, ' || count(*) FILTER (WHERE stage = 2) || ' second'
        FROM soak.requests WHERE accepted") of $(q "SELECT count(*) FROM soak.requests") requests (the rest refused by the stand-in's faults)"
echo "# ledger: $(q "SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM cart_abandon.deliveries GROUP BY 1) s")"
echo "# runs: $(q "SELECT count(*) || ' (' || count(*) FILTER (WHERE started_by = 'pg_cron') || ' by pg_cron), '
        || sum(sent_first + sent_second) || ' messages'  FROM cart_abandon.runs")"
echo "# process calls: $(sum_counts 'process*' 1) in $PROCESS_LOOPS loops, $(sum_counts 'process*' 2) rows," \
     "$(sum_counts 'process*' 3) sent, $(sum_counts 'process*' 5) full scans, $process_errors errors"
echo "# webhooks: $(q "SELECT count(*) || ' bodies applied, ' || coalesce(sum((result ->> 'statuses')::int), 0) || ' statuses ('
        || coalesce(sum((result ->> 'statuses_applied')::int), 0) || ' applied), ' || coalesce(sum((result ->> 'replies')::int), 0)
        || ' replies, ' || coalesce(sum((result ->> 'preferences')::int), 0) || ' preferences, '
        || (SELECT count(*) FROM soak.replays) || ' bodies applied again' FROM soak.webhooks WHERE applied_at IS NOT NULL");" \
     "opt-outs $(q "SELECT count(*) FROM cart_abandon.opt_outs")"
echo "# shop: $(q "SELECT last_value FROM soak.cart_seq") carts, $(sum_counts shop 2) cart writes in $(sum_counts shop 1) rounds," \
     "$(sum_counts 'lock*' 1) rows held FOR UPDATE idle in transaction"
echo "# server log: $(grep -c 'ERROR: ' "$PG_LOG") errors$(grep -o 'ERROR: .*' "$PG_LOG" | cut -c1-100 | sort | uniq -c | sort -rn | head -3 | awk '{$1 = $1; printf "; %s", $0}')"
echo "# crashes: $(printf '%s' "$crash_lines" | grep -c 'terminated by signal'), core files: ${#cores[@]}"
echo "$((_tap_n - _tap_failed)) passed, $_tap_failed failed"
if [ "$_tap_failed" -gt 0 ] || [ "${KEEP_LOCAL_ENV:-0}" = 1 ]; then
    failed_any=$(( _tap_failed > 0 ))
    psql -X -q -c "\\copy soak.requests TO '$SOAK_DIR/requests.tsv'" -c "\\copy cart_abandon.deliveries TO '$SOAK_DIR/deliveries.tsv'" \
         -c "\\copy soak.webhooks TO '$SOAK_DIR/webhooks.tsv'" -c "\\copy cart_abandon.runs TO '$SOAK_DIR/runs.tsv'"
    echo "# evidence kept in $LOCAL_ENV_DIR: pg/server.log, soak/ (the loops' logs and counts), ${core_dir:-no core dir}"
fi
exit $(( _tap_failed > 0 ))
