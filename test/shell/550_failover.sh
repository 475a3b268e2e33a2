#!/usr/bin/env bash
# Exactly once across a failover (issue 19 part 3), on a real streaming standby on loopback.
# A run is killed with requests in flight (pg_ctl stop -m immediate), the standby is promoted and
# runs next: the stand-in counts what it received twice. With synchronous replication nothing;
# with an asynchronous standby at most the in-flight window (one batch). The dead run's claims
# are unknown on the promoted standby: its start journal stayed in the old primary's data
# directory. Before that: the claim commits wait for a synchronous standby, an ordinary crash
# still releases claims that never started, and on a hot standby a run or a process call fails
# at once while stats and dry runs work. Leaves the test cluster running as it found it.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 38

PG_BIN="$(pg_config --bindir)"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PRIMARY_HOST="$PGHOST"
STANDBY_DIR="$LOCAL_ENV_DIR/standby"
STANDBY_DATA="$STANDBY_DIR/data"
BATCH=4  # the in-flight window of the runs below: one batch is sent at a time

qs() { PGHOST="$STANDBY_DIR" psql -X -qtA -v ON_ERROR_STOP=1 -c "$1"; }
standin() { curl -sS --fail --max-time 10 -X "$1" ${3:+--data-binary "$3"} "$STANDIN_URL/_control$2"; }
# Requests the stand-in received, and how many of them repeated an earlier one (same recipient).
received() { standin GET /requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
duplicates() {
    standin GET /requests | python3 -c '
import collections, json, sys
counts = collections.Counter(r["to"] for r in json.load(sys.stdin))
print(sum(n - 1 for n in counts.values()))'
}
received_at_least() { [ "$(received)" -ge "$1" ] && echo 1; }
wait_for() {  # wait_for SECONDS COMMAND...: until the command prints 1
    local tries=$(($1 * 10)); shift
    for _ in $(seq "$tries"); do [ "$("$@" 2>/dev/null)" = 1 ] && return 0; sleep 0.1; done
    return 1
}
primary_up() {
    for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && return 0; sleep 0.2; done
    return 1
}
# The primary's own settings, as a later test expects them (written while it is stopped).
reset_primary_settings() {
    as_postgres sed -i '/^synchronous_standby_names/d' "$PG_DIR/data/postgresql.auto.conf"
}
stop_standby() {
    if [ -f "$STANDBY_DATA/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DATA" -m immediate -w stop > /dev/null 2>&1
    fi
    rm -rf "$STANDBY_DIR" "$STANDBY_DIR.run.log"
}
cleanup() {
    stop_standby
    export PGHOST="$PRIMARY_HOST"
    if ! psql -X -qtA -c "SELECT 1" > /dev/null 2>&1; then
        reset_primary_settings
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w start > /dev/null
        primary_up
    fi
    psql -X -q -c "ALTER SYSTEM RESET synchronous_standby_names" -c "SELECT pg_reload_conf()" > /dev/null 2>&1
    standin POST /delay '{"ms": 0}' > /dev/null 2>&1
}
trap cleanup EXIT

# A streaming standby of the test cluster: another data directory and socket, fed over the socket.
make_standby() {
    stop_standby
    mkdir -p "$STANDBY_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$STANDBY_DIR"
    as_postgres "$PG_BIN/pg_basebackup" -D "$STANDBY_DATA" -R -X stream -c fast \
        -d "host=$PRIMARY_HOST port=$PGPORT user=postgres application_name=$1" > /dev/null || return 1
    echo "unix_socket_directories = '$STANDBY_DIR'" | as_postgres tee -a "$STANDBY_DATA/postgresql.conf" > /dev/null
    as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DATA" -l "$STANDBY_DIR/server.log" -w start > /dev/null || return 1
    wait_for 30 q "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$1' AND state = 'streaming'"
}
# Replayed on the standby: what the primary committed so far.
caught_up() {
    local lsn
    lsn=$(q "SELECT pg_current_wal_lsn()")
    wait_for 30 qs "SELECT (pg_last_wal_replay_lsn() >= '$lsn')::int"
}
make_carts() {  # make_carts PREFIX N
    for i in $(seq "$2"); do
        q "SELECT fixture.make_cart('${1}_$i', '30 hours')" > /dev/null
    done
}

# A run in the background whose requests the stand-in holds 1.5 s each; extra settings in $1.
start_slow_run() {
    PGOPTIONS="-c cart_abandon.batch_size=$BATCH -c cart_abandon.max_concurrency=2 ${1:-}" \
        psql -X -q -c "CALL cart_abandon_run()" > /dev/null 2>&1 &
    RUN=$!
}
# Once the stand-in has received $1 requests (the others in flight): the primary killed, the
# standby promoted and a run there.
kill_and_promote() {
    wait_for 30 received_at_least "$1"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null
    wait "$RUN"
    standin POST /delay '{"ms": 0}' > /dev/null
    BEFORE_FAILOVER=$(received)
    as_postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DATA" -w promote > /dev/null
    export PGHOST="$STANDBY_DIR"
    wait_for 30 q "SELECT (NOT pg_is_in_recovery())::int"
    q "CALL cart_abandon_run()" > /dev/null 2>&1
}

# The old primary back as the test cluster (its own timeline), the promoted standby gone.
restore_primary() {
    stop_standby
    export PGHOST="$PRIMARY_HOST"
    reset_primary_settings
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w start > /dev/null
    primary_up
}

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null

# --- The claim commits wait for a synchronous standby, even with synchronous_commit = off on the
# server (the test cluster runs so): one named but not connected holds the batch's first commit.
make_carts fo_wait 1
q "ALTER SYSTEM SET synchronous_standby_names = 'ca_absent'" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
psql -X -q -c "SELECT count(*) FROM cart_abandon_process(10, NULL, '{}')" > /dev/null 2>&1 &
process=$!
wait_for 10 q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch' AND wait_event = 'SyncRep'"
ok $? "a batch's claim commit waits for the synchronous standby (synchronous_commit = off on the server)"
q "ALTER SYSTEM RESET synchronous_standby_names" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
wait "$process"

is "$(q "SELECT string_agg(status, ',') FROM cart_abandon.deliveries")" "sent" "released when the setting goes: sent once"
is "$(q "SELECT cart_abandon_stats() -> 'replication' ->> 'guarantee'")" "in_flight_window" \
   "no synchronous standby: the stats promise the in-flight window at most"

# --- A cancel of that wait (statement_timeout here) makes PostgreSQL keep the claims' commit
# local: they are released, not sent (a failover then would send them again), and the call says so.
make_carts fo_cancel 2
sent_before=$(received)
q "ALTER SYSTEM SET synchronous_standby_names = 'ca_absent'" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
PGOPTIONS="-c statement_timeout=2s" psql -X -q -c "CALL cart_abandon_run()" > "$LOCAL_ENV_DIR/cancel.out" 2>&1 &
cancelled=$!
sleep 4
is "$(received)" "$sent_before" "2 s after the wait was cancelled, nothing was sent"
q "ALTER SYSTEM RESET synchronous_standby_names" > /dev/null  # the release's commit waits too
q "SELECT pg_reload_conf()" > /dev/null
wait "$cancelled"
is "$(grep -c "the claims' wait for the synchronous standby was cancelled; their reminders were not sent" "$LOCAL_ENV_DIR/cancel.out")" "1" \
   "the call stops with an error that says so"
is "$(q "SELECT string_agg(status || ':' || attempts, ',') FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_cancel%'")" "retry:0,retry:0" \
   "its claims are released, no attempt spent"
is "$(received)" "$sent_before" "the stand-in received nothing for them"
q "UPDATE cart SET completed_at = now() WHERE id LIKE 'fo_cancel%'" > /dev/null
q "DELETE FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_cancel%'" > /dev/null  # the ledger as the next steps expect it

# --- An ordinary crash still releases the claims that never started: the journal stays (cleared
# back to its header) between batches, and vouches.
q "UPDATE cart SET completed_at = now() WHERE id LIKE 'fo_wait%'" > /dev/null
make_carts fo_crash 2
PGOPTIONS="-c cart_abandon.batch_size=1 -c cart_abandon.batch_pause=30000" psql -X -q -c "CALL cart_abandon_run()" > "$STANDBY_DIR.run.log" 2>&1 &
run=$!
wait_for 20 q "SELECT (count(*) FILTER (WHERE status = 'sent') = 1 AND count(*) FILTER (WHERE status = 'claimed') = 1)::int
                 FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_crash%'"
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cart_abandon_run%' AND pid <> pg_backend_pid()")
ok "$([ -n "$pid" ]; echo $?)" "the run pauses between batches with the next batch claimed"
[ -n "$pid" ] || { q "SELECT cart_id, status, claimed_at FROM cart_abandon.deliveries"; q "SELECT pid, state, wait_event, query FROM pg_stat_activity"; cat "$STANDBY_DIR.run.log"; } | sed 's/^/# /' 
database=$(q "SELECT oid FROM pg_database WHERE datname = current_database()")
session=$(q "SELECT claim_session FROM cart_abandon.deliveries WHERE status = 'claimed'")
is "$(head -1 "$PG_DIR/data/cart_abandon_journal/$database.$session")" \
   "$(q "SELECT 'cart_abandon start journal 1 system_identifier=' || system_identifier || ' timeline=' ||
                ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int FROM pg_control_system()")" \
   "the run's journal names this cluster's system identifier and timeline"
kill -9 "$pid"
wait "$run"
primary_up
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT string_agg(status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_crash%'")" \
   "sent,sent" "after a crash on the same cluster, the claim that never started was released and sent"
is "$(duplicates)" "0" "and nothing was received twice"
is "$(ls "$PG_DIR/data/cart_abandon_journal" | grep -c "^$database\.")" "0" \
   "no journal of this database is left: the dead session's settled, each call's own removed at its end"
q "UPDATE cart SET completed_at = now() WHERE id LIKE 'fo_crash%'" > /dev/null

# --- A hot standby refuses to send, at once; stats and dry runs work there.
make_carts fo_sync "$((3 * BATCH))"
make_standby ca_sync
ok $? "a streaming standby of the test cluster (pg_basebackup -R -X stream)"
caught_up
for call in "CALL cart_abandon_run()" "SELECT count(*) FROM cart_abandon_process(10, NULL, '{}')"; do
    answer=$(PGHOST="$STANDBY_DIR" psql -X -q -v VERBOSITY=default -c "$call" 2>&1)
    is "$(printf '%s\n' "$answer" | head -1)" "ERROR:  cart_abandon cannot send from a hot standby" \
       "on the standby, $call fails at once with the message"
    ok "$(printf '%s\n' "$answer" | grep -q 'HINT:  Run it on the primary'; echo $?)" "  and the hint names the primary"
    ok "$(printf '%s\n' "$answer" | grep -q NOTICE; [ $? -ne 0 ]; echo $?)" "  with no notice before it"
done
is "$(qs "SELECT cart_abandon_stats() -> 'replication' ->> 'role'")" "standby" "the stats work on the standby and say so"
is "$(qs "SELECT count(*) FILTER (WHERE action = 'would_send') FROM cart_abandon_process(100, NULL, '{\"dryRun\": true}')")" \
   "$((3 * BATCH))" "a dry run works on the standby"
PGHOST="$STANDBY_DIR" psql -X -q -c "CALL cart_abandon_run('{\"dryRun\": true}')" > /dev/null 2>&1
ok $? "so does a dry run of cart_abandon_run"
is "$(received)" "3" "the standby sent nothing"

# --- Synchronous replication: promoted mid-run, nothing is sent twice.
q "ALTER SYSTEM SET synchronous_standby_names = 'ca_sync'" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
wait_for 10 q "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'ca_sync' AND sync_state = 'sync'"
is "$(q "SELECT (cart_abandon_stats() -> 'replication') - 'max_flush_lag'")" \
   '{"role": "primary", "standbys": 1, "guarantee": "exactly_once", "claim_commit": "on", "in_flight_window": 100, "synchronous_commit": "off", "synchronous_standbys": 1, "synchronous_standby_names": "ca_sync"}' \
   "the stats show the synchronous standby and promise exactly once"
q "SELECT fixture.standin_reset()" > /dev/null
standin POST /delay '{"ms": 1500}' > /dev/null
start_slow_run
kill_and_promote $((BATCH + 2))  # batch 1 recorded, batch 2 in flight, batch 3 claimed
ok "$([ "$BEFORE_FAILOVER" -ge $((BATCH + 2)) ]; echo $?)" "the primary was killed with requests in flight ($BEFORE_FAILOVER received)"
is "$(q "SELECT (substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) > '00000001')::int")" "1" \
   "the promoted standby writes on a new timeline"
is "$(duplicates)" "0" "synchronous: the promoted standby sent nothing twice"
in_flight=$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_sync%' AND status = 'unknown'")
ok "$([ "$in_flight" -ge 2 ] && [ "$in_flight" -le $((2 * BATCH)) ]; echo $?)" \
   "the dead run's open claims are unknown on the promoted standby ($in_flight: the batch in flight and the one claimed)"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_sync%' AND status = 'unknown'
          AND error_message LIKE '%start journal is missing%'")" "$in_flight" "  because their journal stayed behind"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_sync%' AND status IN ('sent', 'unknown')")" \
   "$((3 * BATCH))" "every cart is sent or unknown, none due again"
echo "# synchronous failover: $BEFORE_FAILOVER requests before, $(received) in all, $(duplicates) received twice, $in_flight unknown"
restore_primary
ok $? "the old primary restarted as the test cluster"
q "UPDATE cart SET completed_at = now() WHERE id LIKE 'fo_sync%'" > /dev/null

# --- Asynchronous replication: what is lost with the primary may be sent again, at most the
# in-flight window. The standby is made while the run pauses between batches, the next one
# claimed: its copy of the run's journal (no key yet) is of the old timeline and vouches for nothing.
make_carts fo_async "$((2 * BATCH))"
q "SELECT fixture.standin_reset()" > /dev/null
start_slow_run "-c cart_abandon.batch_pause=15000"
wait_for 20 q "SELECT (count(*) FILTER (WHERE status = 'sent') = $BATCH AND count(*) FILTER (WHERE status = 'claimed') = $BATCH)::int
                 FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_async%'"
ok $? "batch 1 sent, batch 2 claimed, the run pausing"
standin POST /delay '{"ms": 1500}' > /dev/null
make_standby ca_async
ok $? "an asynchronous standby, made meanwhile"
caught_up
is "$(q "SELECT cart_abandon_stats() -> 'replication' ->> 'guarantee'")" "in_flight_window" \
   "the stats promise the in-flight window with an asynchronous standby"
kill_and_promote $((BATCH + 2))  # batch 2 half sent
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fo_async%' AND status = 'unknown'
          AND error_message LIKE '%written on another timeline%'")" "$BATCH" \
   "the copied journal of the old timeline released none of batch 2's claims: unknown"
async_duplicates=$(duplicates)
ok "$([ "$async_duplicates" -le "$BATCH" ]; echo $?)" "asynchronous: received twice $async_duplicates <= $BATCH (the in-flight window)"
echo "# asynchronous failover: $BEFORE_FAILOVER requests before, $(received) in all, $async_duplicates received twice (window $BATCH)"
restore_primary
ok $? "the test cluster is back"
is "$(q "SELECT pg_is_in_recovery()::int + (current_setting('synchronous_standby_names') <> '')::int")" "0" \
   "as it was: a primary, no synchronous standby named"
exit $((_tap_failed > 0))
