#!/usr/bin/env bash
# One person, one voice: carts that share a number (typed differently) get one reminder between
# them, across batches and across two runs started at the same moment; a dry run predicts
# exactly what the real runs send.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 11

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null

# The race: two sessions decide at once about two carts of one person. A third holds the
# person's lock (cart_abandon's advisory key for the number) while both start, so both batches
# wait on it and decide the moment it goes: the one that gets it first claims and commits, the
# other then sees that claim and holds its cart.
q "SELECT fixture.make_cart('race_a', '30 hours', phone => '+49 151 55500001'),
          fixture.make_cart('race_b', '30 hours', phone => '0151 555 00001')" > /dev/null
psql -X -q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(1667325808, hashtext('+4915155500001'))" -c "SELECT pg_sleep(1.5)" \
     -c "COMMIT" > /dev/null 2>&1 &
sleep 0.3
first=$(mktemp); second=$(mktemp)
psql -X -qtA -c "SELECT action FROM cart_abandon_process(1, NULL)" > "$first" 2>&1 &
psql -X -qtA -c "SELECT action FROM cart_abandon_process(1, encode('{\"id\": \"race_a\"}', 'base64'))" > "$second" 2>&1 &
sleep 0.5
waiting=$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'cart_abandon batch' AND wait_event_type = 'Lock'")
wait
is "$waiting" "2" "both batches wait on the person's lock"
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE to_phone = '+4915155500001'")" "1" \
   "two sessions at once: one message to the person"
is "$(cat "$first" "$second" | sort | tr '\n' ' ')" "held sent " "one session sends, the other holds its cart"
rm -f "$first" "$second"
q "SELECT fixture.standin_reset()" > /dev/null
# 20 people with two carts each (the second typed another way), 10 with one cart.
q "SELECT fixture.make_cart('pair_' || n || '_a', '30 hours', phone => '+49 151 6' || lpad(n::text, 7, '0')),
          fixture.make_cart('pair_' || n || '_b', '31 hours', phone => '0151 6' || lpad(n::text, 7, '0'))
     FROM generate_series(1, 20) AS n" > /dev/null
q "SELECT fixture.make_cart('single_' || n, '30 hours', phone => '0151 7' || lpad(n::text, 7, '0')) FROM generate_series(1, 10) AS n" > /dev/null

dry=$(psql -X -q -c "CALL cart_abandon_run('{\"dryRun\": true, \"batchSize\": 3}')" 2>&1)
echo "# $dry"
is "$(echo "$dry" | sed -n 's/.*; \([0-9]*\) would be sent, \([0-9]*\) skipped, \([0-9]*\) held;.*/\1 \2 \3/p')" "30 0 20" \
   "a dry run in batches of 3 predicts 30 sent and 20 held"

q "SELECT fixture.standin_delay(100)" > /dev/null
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 3}')" > /dev/null 2>&1 &
psql -X -q -c "CALL cart_abandon_run('{\"batchSize\": 3}')" > /dev/null 2>&1 &
wait
q "SELECT fixture.standin_delay(0)" > /dev/null

is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")" "30" "two concurrent runs sent 30 messages"
is "$(q "SELECT count(*) FROM (SELECT to_phone FROM fixture.standin_requests() GROUP BY to_phone HAVING count(*) > 1) d")" "0" \
   "never two to one number"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'held' AND hold_reason = 'frequency_cap' AND cart_id LIKE 'pair_%'")" "20" \
   "the other cart of each person is held, not skipped"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries d JOIN cart_abandon.deliveries s ON s.recipient = d.recipient AND s.status = 'sent'
          WHERE d.status = 'held' AND d.cart_id LIKE 'pair_%' AND d.not_before >= s.sent_at + interval '16 hours' - interval '1 minute'")" "20" \
   "each held until 16 h after its person's message"

# When the cap has passed, the held cart goes (it is still due and inside max_age).
q "SELECT fixture.age_all('17 hours')" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null
q "CALL cart_abandon_run()" > /dev/null 2>&1
is "$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted AND to_phone <> '+4915155500001'")" "20" \
   "17 h later the 20 held carts are sent"

# One voice across channels, in a race: the WhatsApp pass chose a cart while no other channel held
# its stage; before its claim, another channel's claim of that stage commits (a session holds the
# stage's lock, cart_abandon's advisory key for "cart/stage", and claims it on email). The claim is
# checked under that lock, finds the email's, and takes nothing: nothing is sent on WhatsApp.
q "SELECT fixture.standin_reset()" > /dev/null
q "SELECT fixture.make_cart('turn_race', '30 hours', phone => '+49 151 55500099')" > /dev/null
psql -X -q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(1667325811, hashtext('turn_race/1'))" -c "SELECT pg_sleep(1.5)" \
     -c "INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, recipient, claimed_at)
         VALUES ('turn_race', 1, 'email', 'claimed', 'anna@example.com', now())" -c "COMMIT" > /dev/null 2>&1 &
sleep 0.3
out=$(psql -X -qtA -c "SELECT cart_id || ':' || action FROM cart_abandon_process(1, encode('{\"id\": \"tu\"}', 'base64'))" 2>&1)
wait
is "$out" "turn_race:skipped" "the WhatsApp pass does not take a stage another channel claimed meanwhile"
is "$(q "SELECT count(*) FROM fixture.standin_requests()")|$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id = 'turn_race'")" "0|1" \
   "... nothing sent, no WhatsApp row"
