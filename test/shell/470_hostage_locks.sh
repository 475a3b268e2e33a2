#!/usr/bin/env bash
# A shopper's lock never holds a run hostage, every wait honours cancel, timeouts and terminate,
# and one failing write never loses other carts' records.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 21

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
status_of() { q "SELECT coalesce(string_agg(coalesce(status, 'none'), ',' ORDER BY cart_id), '') FROM (SELECT c.id AS cart_id, d.status FROM public.cart c LEFT JOIN cart_abandon.deliveries d ON d.cart_id = c.id AND d.stage = 1 WHERE c.id LIKE '$1') s"; }
requests_to() { q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone LIKE '$1'"; }
millis() { date +%s%3N; }
# A session of its own, every run scanning in full; one that would wait past 30 s is stopped (a
# regression then fails the test instead of hanging it).
full() { PGOPTIONS="-c cart_abandon.full_scan_interval=0" timeout 30 psql -X -qtA -v VERBOSITY=verbose "$@" 2>&1; }

# ---- a Medusa session holds a due cart's row, idle in transaction ----
q "SELECT fixture.make_cart('h' || n, '30 hours', phone => '0151 6600000' || n) FROM generate_series(1, 3) AS n" > /dev/null
holder_pipe="$PG_DIR/holder.$$"
mkfifo "$holder_pipe"
psql -X -qtA < "$holder_pipe" > /dev/null 2>&1 &
holder=$!
exec 7> "$holder_pipe"
echo "BEGIN; SELECT id FROM public.cart WHERE id = 'h2' FOR UPDATE;" >&7
for _ in $(seq 50); do [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'cart' AND l.mode = 'RowShareLock' AND l.granted")" -ge 1 ] && break; sleep 0.1; done
started=$(millis)
out=$(full -c "CALL cart_abandon_run()")
elapsed=$(( $(millis) - started ))
echo "# a run beside a shopper holding one of its carts: ${elapsed} ms"
ok "$([ "$elapsed" -lt 10000 ] && echo 0 || echo 1)" "the run ends while the shopper still holds the cart (${elapsed} ms)"
is "$(status_of 'h%')" "sent,sent,sent" "every reminder recorded sent, the held cart's too (the ledger never waits for the cart)"
is "$(q "SELECT string_agg(cart_id, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE metadata_pending_since IS NOT NULL")" "h2" \
   "only the held cart's metadata waits"
is "$(q "SELECT (cart_abandon_stats() -> 'cart_metadata' ->> 'pending') || '|' || (cart_abandon_stats() -> 'cart_metadata' ->> 'failing')")" "1|0" \
   "the stats show it pending, not failing"
grep -q "the metadata of 1 cart waits for its row's lock" <<< "$out"
ok $? "the run's summary says so"
started=$(millis)
full -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
ok "$([ $(( $(millis) - started )) -lt 10000 ] && echo 0 || echo 1)" "an operator's batch beside it does not wait either"
echo "ROLLBACK;" >&7
exec 7>&-
wait "$holder"
rm -f "$holder_pipe"
full -c "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = 'h2'")|$(q "SELECT (cart_abandon_stats() -> 'cart_metadata' ->> 'pending')")" \
   "true|0" "once the shopper lets go, the next run writes it"
is "$(requests_to '+49151660000%')" 3 "one message each"

# ---- one cart's metadata refused by a trigger of the shop's: the others are unaffected ----
q "CREATE FUNCTION public.refuse_one() RETURNS trigger LANGUAGE plpgsql AS \$\$
   BEGIN IF NEW.id = 'f05' THEN RAISE EXCEPTION 'disk full (the shop''s trigger)'; END IF; RETURN NEW; END \$\$;
   CREATE TRIGGER refuse_one BEFORE UPDATE ON public.cart FOR EACH ROW EXECUTE FUNCTION public.refuse_one()" > /dev/null
q "SELECT fixture.make_cart('f' || lpad(n::text, 2, '0'), '30 hours', phone => '0151 670000' || lpad(n::text, 2, '0')) FROM generate_series(1, 10) AS n" > /dev/null
out=$(full -c "CALL cart_abandon_run('{\"batchSize\": 10}')")
is "$(q "SELECT count(*) FILTER (WHERE status = 'sent' AND provider_message_id IS NOT NULL) FROM cart_abandon.deliveries WHERE cart_id LIKE 'f%'")" 10 \
   "all ten reminders recorded sent with Meta's wamid"
is "$(q "SELECT count(*) FROM public.cart WHERE id LIKE 'f%' AND metadata -> 'notifications' ->> 'firstSent' = 'true'")" 9 \
   "nine carts' metadata written"
is "$(q "SELECT cart_id || ': ' || metadata_write_error FROM cart_abandon.deliveries WHERE metadata_write_error IS NOT NULL")" \
   "f05: disk full (the shop's trigger)" "the refused cart keeps its ledger row, with the reason"
grep -q "WARNING:  01000: cart_abandon: the metadata of 1 cart could not be written (cart f05: disk full" <<< "$out"
ok $? "the run warns, naming it"
q "DROP TRIGGER refuse_one ON public.cart" > /dev/null
full -c "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = 'f05'")|$(requests_to '+49151670000%')" "true|10" \
   "the next run writes it; nothing was sent twice"

# ---- waits honour cancel, timeouts and terminate, recording first what was sent ----
# Another session holds the person lock of the second cart (as a run deciding for that person
# does): batch 1 is sent while batch 2 waits for it.
lock_person() {
    exec 8> "$holder_pipe"
    echo "BEGIN; SELECT pg_advisory_xact_lock(1667325808, hashtext('$1'));" >&8
    for _ in $(seq 50); do [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 1667325808")" -ge 1 ] && break; sleep 0.1; done
}
unlock_person() { echo "ROLLBACK;" >&8; exec 8>&-; wait "$1"; }
wait_case() {  # NAME HOW DIGIT: two carts, the second's person locked by another session
    local name="$1" how="$2" out pid started
    q "SELECT fixture.make_cart('${name}_a', '30 hours', phone => '0151 68${3}00001'), fixture.make_cart('${name}_b', '30 hours', phone => '0151 68${3}00002')" > /dev/null
    mkfifo "$holder_pipe"; psql -X -qtA < "$holder_pipe" > /dev/null 2>&1 & local lock_holder=$!
    lock_person "+4915168${3}00002"
    started=$(millis)
    case "$how" in
        statement_timeout|lock_timeout)
            out=$(full -c "SET $how = '1s'" -c "CALL cart_abandon_run('{\"batchSize\": 1}')") ;;
        cancel|terminate)
            full -c "SET application_name = 'hostage_$name'" -c "CALL cart_abandon_run('{\"batchSize\": 1}')" > "$PG_DIR/$name.out" &
            pid=$!
            for _ in $(seq 100); do
                [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hostage_$name' AND wait_event_type = 'Lock'")" = 1 ] && break
                sleep 0.1
            done
            local fn=pg_cancel_backend
            [ "$how" = terminate ] && fn=pg_terminate_backend
            q "SELECT $fn(pid) FROM pg_stat_activity WHERE application_name = 'hostage_$name'" > /dev/null
            wait "$pid"; out=$(cat "$PG_DIR/$name.out") ;;
    esac
    echo $(( $(millis) - started )) > "$PG_DIR/elapsed"
    unlock_person "$lock_holder"; rm -f "$holder_pipe"
    echo "$out"
}
out=$(wait_case st statement_timeout 1); elapsed=$(cat "$PG_DIR/elapsed")
ok "$([ "$elapsed" -lt 8000 ] && grep -q 'canceling statement due to statement timeout' <<< "$out" && echo 0 || echo 1)" \
   "statement_timeout ends a run waiting for a lock (${elapsed} ms)"
is "$(status_of 'st_%')" "sent,none" "what was sent is recorded first; the waiting batch's claim rolled back"
out=$(wait_case lt lock_timeout 2); elapsed=$(cat "$PG_DIR/elapsed")
ok "$([ "$elapsed" -lt 8000 ] && grep -q 'lock timeout' <<< "$out" && echo 0 || echo 1)" "lock_timeout too (${elapsed} ms)"
is "$(status_of 'lt_%')" "sent,none" "... recording first what was sent"
out=$(wait_case cx cancel 3); elapsed=$(cat "$PG_DIR/elapsed")
ok "$([ "$elapsed" -lt 8000 ] && grep -q 'canceling statement due to user request' <<< "$out" && echo 0 || echo 1)" "pg_cancel_backend too (${elapsed} ms)"
is "$(status_of 'cx_%')" "sent,none" "... recording first what was sent"
out=$(wait_case tm terminate 4); elapsed=$(cat "$PG_DIR/elapsed")
ok "$([ "$elapsed" -lt 8000 ] && grep -q 'terminating connection' <<< "$out" && echo 0 || echo 1)" "pg_terminate_backend too (${elapsed} ms)"
full -c "CALL cart_abandon_run()" > /dev/null
is "$(status_of 'tm_%')|$(requests_to '+4915168400%')" "unknown,sent|2" \
   "a terminated run's sent message is settled from its journal (unknown, never resent), the other sent by the next run"
