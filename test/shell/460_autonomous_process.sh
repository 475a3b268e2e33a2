#!/usr/bin/env bash
# cart_abandon_process is autonomous of its caller's transaction (issue 13, part 1): its batch
# runs in a background worker whose claims and outcomes commit on their own. A rollback, a
# statement failing after the batch, a cancel or a statement_timeout lose no record and cause no
# second message; a killed worker is settled like a crashed run; a PL/pgSQL loop over the cursor
# holds no cart row lock; settings, identity and errors travel between caller and worker; dry runs
# stay in the caller.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
source "$(dirname "$0")/lib/server.sh"
plan 33
requests_to() { q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone LIKE '$1'"; }
status_of() { q "SELECT string_agg(status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE '$1'"; }

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null

# ---- the caller rolls back ----
q "SELECT fixture.make_cart('rb' || n, '30 hours', phone => '0151 7600000' || n) FROM generate_series(1, 3) AS n" > /dev/null
out=$(psql -X -qtA -c "BEGIN" -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" -c "ROLLBACK" 2>&1)
is "$out" "3" "a batch of 3 inside a transaction that then rolls back"
is "$(status_of 'rb%')" "sent,sent,sent" "the rollback kept the ledger: 3 sent"
is "$(q "SELECT count(*) FROM public.cart WHERE id LIKE 'rb%' AND metadata -> 'notifications' ->> 'firstSent' = 'true'")" 3 \
   "... and the carts' metadata"
q "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
is "$(requests_to '+49151760000%')" 3 "the next call sends none of them again"

# ---- a statement that fails after the batch went out ----
q "SELECT fixture.make_cart('fs' || n, '30 hours', phone => '0151 7700000' || n) FROM generate_series(1, 2) AS n" > /dev/null
out=$(psql -X -qtA -c "SELECT cart_id, 1 / (stage - stage) FROM cart_abandon_process(10, NULL)" 2>&1)
ok "$(grep -q 'ERROR:  division by zero' <<< "$out"; echo $?)" "the statement fails after its batch was sent"
is "$(status_of 'fs%')" "sent,sent" "both messages are recorded"
q "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
is "$(requests_to '+49151770000%')" 2 "and never sent again"

# ---- a PL/pgSQL loop over the cursor, with the shopper updating reminded carts meanwhile ----
q "SELECT fixture.make_cart('lp' || lpad(n::text, 2, '0'), '30 hours', phone => '0151 78' || lpad(n::text, 6, '0'))
   FROM generate_series(1, 12) AS n" > /dev/null
q "SELECT fixture.standin_delay(300)" > /dev/null
psql -X -q -c "DO \$\$
DECLARE cursor_text text; r record; n int;
BEGIN
    LOOP
        n := 0;
        FOR r IN SELECT * FROM cart_abandon_process(3, cursor_text) LOOP
            n := n + 1;
            cursor_text := r.next_cursor;
        END LOOP;
        EXIT WHEN n = 0;
    END LOOP;
END \$\$" > /dev/null 2>&1 &
loop_pid=$!
sleep 0.6   # the first batch (lp01..lp03) is reminded by now
worst=0
while kill -0 "$loop_pid" 2> /dev/null; do
    ms=$(psql -X -qtA -c "SET lock_timeout = '5s'" -c "\\timing on" \
         -c "UPDATE public.cart SET metadata = metadata || '{\"coupon\": \"BACK10\"}' WHERE id IN ('lp01', 'lp02', 'lp03')" 2>&1 \
         | sed -n 's/^Time: \([0-9.]*\) ms$/\1/p')
    worst=$(awk -v a="$worst" -v b="${ms:-9999}" 'BEGIN { print (b > a ? b : a) }')
    sleep 0.1
done
wait "$loop_pid"
q "SELECT fixture.standin_delay(0)" > /dev/null
echo "# worst cart UPDATE beside a loop of 4 process calls through a 300 ms stand-in: ${worst} ms"
ok "$(awk -v w="$worst" 'BEGIN { print (w < 100 ? 0 : 1) }')" "a cart update never waits 100 ms on a loop of process calls (worst ${worst} ms)"
is "$(status_of 'lp%' | tr ',' '\n' | sort | uniq -c | tr -s ' ')" " 12 sent" "the loop reminded all 12 carts"
is "$(q "SELECT count(*) FROM public.cart WHERE id LIKE 'lp%' AND metadata ->> 'coupon' = 'BACK10' AND metadata -> 'notifications' ->> 'firstSent' = 'true'")" 3 \
   "the shopper's writes survived next to ours"

# ---- a cancel while the batch waits on the network ----
q "SELECT fixture.make_cart('cx' || n, '30 hours', phone => '0151 7900000' || n) FROM generate_series(1, 4) AS n" > /dev/null
q "SELECT fixture.standin_delay(3000)" > /dev/null
psql -X -qtA -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" > "$PG_DIR/cancel.out" 2>&1 &
caller=$!
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch' AND wait_event IS DISTINCT FROM 'BgWorkerStartup'")" = 1 ] && break
    sleep 0.05
done
sleep 0.5
stopped_ms=$(q "DO \$\$
DECLARE started timestamptz := clock_timestamp();
BEGIN
    PERFORM pg_cancel_backend(pid) FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND query LIKE 'SELECT count(*) FROM cart_abandon_process%';
    LOOP
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch')
               OR clock_timestamp() > started + interval '5 s';
        PERFORM pg_sleep(0.002);
    END LOOP;
    RAISE NOTICE '%', round(extract(epoch FROM clock_timestamp() - started) * 1000);
END \$\$" 2>&1 | sed -n 's/^NOTICE:  //p')
wait "$caller"
q "SELECT fixture.standin_delay(0)" > /dev/null
echo "# the worker was gone ${stopped_ms} ms after the caller's cancel"
ok "$(grep -q 'ERROR:  canceling statement due to user request' "$PG_DIR/cancel.out"; echo $?)" "the caller gets its cancel"
ok "$(awk -v w="$stopped_ms" 'BEGIN { print (w != "" && w < 500 ? 0 : 1) }')" "the worker stops soon after (${stopped_ms} ms; the bench reports the figure)"
is "$(status_of 'cx%')" "unknown,unknown,unknown,unknown" "the requests in flight are recorded (unknown: their answer never came)"
q "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
is "$(requests_to '+49151790000%')" 4 "and never sent twice"

# ---- statement_timeout: the batch not yet sent is released ----
q "SELECT fixture.make_cart('st' || n, '30 hours', phone => '0151 7100000' || n) FROM generate_series(1, 2) AS n" > /dev/null
q "SELECT fixture.standin_delay(3000)" > /dev/null
out=$(psql -X -qtA -c "SET cart_abandon.max_concurrency = 1" -c "SET statement_timeout = '1s'" \
      -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" 2>&1)
q "SELECT fixture.standin_delay(0)" > /dev/null
ok "$(grep -q 'ERROR:  canceling statement due to statement timeout' <<< "$out"; echo $?)" "statement_timeout cancels the caller"
is "$(status_of 'st%')" "unknown,retry" "the one in flight is unknown, the one not started is released"
is "$(q "SELECT attempts FROM cart_abandon.deliveries WHERE cart_id = 'st2'")" 0 "... with no attempt spent"
q "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
is "$(requests_to '+49151710000%')" 2 "the next call sends only the released one"

# ---- a lock the caller holds ----
# The cart's row, held by the caller's uncommitted update: the batch never waits for it (the
# ledger records what was sent; the cart's metadata, a mirror, is written by a later call).
q "SELECT fixture.make_cart('lk1', '30 hours', phone => '0151 72000001')" > /dev/null
out=$(psql -X -qtA -v VERBOSITY=verbose -c "BEGIN" -c "UPDATE public.cart SET metadata = metadata || '{\"x\": 1}' WHERE id = 'lk1'" \
      -c "SELECT action FROM cart_abandon_process(10, NULL)" -c "ROLLBACK" 2>&1)
is "$(grep -x 'sent' <<< "$out")|$(q "SELECT (metadata_pending_since IS NOT NULL)::text FROM cart_abandon.deliveries WHERE cart_id = 'lk1'")" \
   "sent|true" "a cart the caller holds: sent and recorded at once, its metadata left pending"
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = 'lk1'")" "true" \
   "once the row is free, the next run writes the metadata"
# An opt-out of the same number that the caller inserted and has not committed, when Meta
# answers 131050: adding it would wait for the caller. The outcome is recorded first.
q "SELECT fixture.make_cart('lk2', '30 hours', phone => '0151 72000002')" > /dev/null
q "SELECT fixture.standin_faults('[{\"mode\": \"error\", \"code\": 131050, \"to\": \"+4915172000002\"}]')" > /dev/null
out=$(psql -X -qtA -v VERBOSITY=verbose -c "BEGIN" -c "INSERT INTO cart_abandon.opt_outs (address, reason) VALUES ('+4915172000002', 'asked by email')" \
      -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" -c "ROLLBACK" 2>&1)
q "SELECT fixture.standin_faults('[]')" > /dev/null
ok "$(grep -q 'ERROR:  40P01: cart_abandon_process: its batch waits for a lock held by the calling transaction' <<< "$out"; echo $?)" \
   "a batch that needs a lock of the caller's fails with 40P01 instead of waiting forever"
is "$(q "SELECT status || '|' || error_code || '|' || opt_out_pending::text FROM cart_abandon.deliveries WHERE cart_id = 'lk2'")" "failed|131050|true" \
   "what it sent is recorded, the opt-out marked"
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT source FROM cart_abandon.opt_outs WHERE address = '+4915172000002'")|$(q "SELECT opt_out_pending::text FROM cart_abandon.deliveries WHERE cart_id = 'lk2'")" \
   "whatsapp_131050|false" "the next run adds the opt-out the caller's rollback left out"

# ---- the caller's settings, identity and errors ----
q "SELECT fixture.make_cart('se1', '30 hours', phone => '0151 73000001')" > /dev/null
q "SELECT fixture.standin_call('POST', '/approved_templates', jsonb_object_agg(name, '{\"languages\": [\"en\"], \"body_parameters\": 3, \"category\": \"marketing\"}'::jsonb))
   FROM (VALUES ('cart_abandonment_first'), ('cart_abandonment_second'), ('shop_first')) AS t(name)" > /dev/null
psql -X -qtA -c "SET cart_abandon.template_first = 'shop_first'" -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null 2>&1
is "$(q "SELECT template FROM fixture.standin_requests() WHERE to_phone = '+4915173000001'")" "shop_first" \
   "a session's SET cart_abandon.template_first applies in the worker"
out=$(psql -X -qtA -v VERBOSITY=verbose -c "SET cart_abandon.medusa_schema = 'no_such_schema'" \
      -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" 2>&1)
ok "$(grep -q '^ERROR:  42P01: ' <<< "$out"; echo $?)" "an error raised in the worker reaches the caller with its SQLSTATE (42P01)"
q "CREATE ROLE ca_auto_op LOGIN IN ROLE cart_abandon_operator" > /dev/null
q "SELECT fixture.make_cart('id1', '30 hours', phone => '0151 74000001')" > /dev/null
q "SELECT fixture.standin_delay(800)" > /dev/null
psql -X -qtA -U ca_auto_op -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null 2>&1 &
for _ in $(seq 40); do
    seen=$(q "SELECT usename FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch'")
    [ -n "$seen" ] && break
    sleep 0.05
done
wait
q "SELECT fixture.standin_delay(0)" > /dev/null
is "$seen" "ca_auto_op" "the worker runs as the calling role"
is "$(status_of 'id1')" "sent" "an operator's call sends"
q "DROP ROLE ca_auto_op" > /dev/null

# ---- dry runs stay in the caller: they see its uncommitted carts ----
out=$(psql -X -qtA -c "BEGIN" -c "SELECT fixture.make_cart('dry1', '30 hours', phone => '0151 75500001')" \
      -c "SELECT action FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}') WHERE cart_id = 'dry1'" -c "ROLLBACK" 2>&1 | tail -1)
is "$out" "would_send" "a dry run sees a cart its own transaction made"

# ---- the worker killed while its requests are in flight (the server restarts every backend) ----
q "SELECT fixture.make_cart('kw' || n, '30 hours', phone => '0151 7660000' || n) FROM generate_series(1, 2) AS n" > /dev/null
q "SELECT fixture.standin_delay(3000)" > /dev/null
psql -X -qtA -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" > "$PG_DIR/killed.out" 2>&1 &
caller=$!
for _ in $(seq 50); do [ "$(requests_to '+49151766000%')" -ge 2 ] && break; sleep 0.1; done
worker=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch'")
kill -9 "$worker"
wait "$caller"
for _ in $(seq 100); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
q "SELECT fixture.standin_delay(0)" > /dev/null
ok "$(grep -q 'server closed the connection\|terminating connection' "$PG_DIR/killed.out"; echo $?)" \
   "a worker killed mid-send takes the caller's connection with it (the server's crash restart)"
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(status_of 'kw%')" "unknown,unknown" "the next run settles its claims from its start journal: started, answer lost"
is "$(requests_to '+49151766000%')" 2 "and never resends them"

# ---- no worker slot ----
conf="$PG_DIR/data/postgresql.conf"
restore() {
    sed -i '/^max_worker_processes = 2 # 460_autonomous_process$/d' "$conf"
    restart_server
}
trap restore EXIT
echo "max_worker_processes = 2 # 460_autonomous_process" >> "$conf"
restart_server
q "SELECT fixture.make_cart('ns1', '30 hours', phone => '0151 76600001')" > /dev/null
out=$(psql -X -qtA -v VERBOSITY=verbose -c "SELECT count(*) FROM cart_abandon_process(10, NULL)" 2>&1)
echo "$out" | sed 's/^/# /'
ok "$(grep -q '^ERROR:  53000: cart_abandon_process: no background worker slot is free for the batch' <<< "$out" \
      && grep -q 'HINT:  Raise max_worker_processes' <<< "$out"; echo $?)" \
   "no free worker slot: 53000, saying which setting to raise"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id = 'ns1'")" 0 "and nothing was claimed"
