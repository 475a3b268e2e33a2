#!/usr/bin/env bash
# CALL cart_abandon_run() takes one pass per channel (cart_abandon.channels = 'whatsapp,sms'): the
# WhatsApp pass hands on what it cannot reach, the SMS pass sends it; the run counts both.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 6
q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset(), fixture.twilio_reset()" > /dev/null
q "SELECT fixture.make_cart('run_us_' || n, '30 hours', phone => '+1 415 555 26' || lpad(n::text, 2, '0'), country => 'us',
                            metadata => '{\"sms_marketing_consent\": true}') FROM generate_series(1, 5) AS n" > /dev/null
q "SELECT fixture.make_cart('run_de_' || n, '30 hours', phone => '0151 234560' || lpad(n::text, 2, '0')) FROM generate_series(1, 5) AS n" > /dev/null
dry=$(psql -X -q -c "SET cart_abandon.enable_sms = on" -c "SET cart_abandon.channels = 'whatsapp,sms'" \
           -c "SET cart_abandon.whatsapp_blocked_regions = 'US'" -c "CALL cart_abandon_run('{\"batchSize\": 2, \"dryRun\": true}')" 2>&1)
is "$(grep -o 'cart_abandon dry run: [0-9]* carts examined in [0-9]* batches; [0-9]* would be sent, [0-9]* skipped' <<< "$dry" | sed 's/ in [0-9]* batches//')" \
   "cart_abandon dry run: 10 carts examined; 10 would be sent, 0 skipped" "a dry run previews both passes: ten would be sent, each cart counted once"
out=$(psql -X -q -c "SET cart_abandon.enable_sms = on" -c "SET cart_abandon.channels = 'whatsapp,sms'" \
           -c "SET cart_abandon.whatsapp_blocked_regions = 'US'" -c "CALL cart_abandon_run('{\"batchSize\": 2}')" 2>&1)
echo "$out" | grep -o 'cart_abandon run .*' | sed 's/^/# /'
is "$(q "SELECT count(*) FROM fixture.twilio_requests() WHERE accepted")|$(q "SELECT count(*) FROM fixture.standin_requests() WHERE accepted")" "5|5" \
   "five SMS to the US numbers, five WhatsApp messages to the German ones"
is "$(q "SELECT string_agg(channel || ':' || status || ':' || n, ',' ORDER BY channel, status) FROM (SELECT channel, status, count(*) n FROM cart_abandon.deliveries GROUP BY 1, 2) x")" \
   "sms:sent:5,whatsapp:sent:5,whatsapp:skipped:5" "the ledger: each cart's stage sent once, on one channel"
is "$(q "SELECT status || ' ' || sent_first FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" "succeeded 10" "the run counts both passes' reminders"
is "$(q "SELECT examined || ' examined, ' || skipped || ' skipped' FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" \
   "10 examined, 0 skipped" "a cart WhatsApp hands on to SMS counts once, as SMS's outcome"
is "$(psql -X -qtA -c "SET cart_abandon.enable_sms = on" -c "SET cart_abandon.channels = 'whatsapp,sms'" \
        -c "SET cart_abandon.whatsapp_blocked_regions = 'US'" -c "CALL cart_abandon_run()" > /dev/null 2>&1;
      q "SELECT (SELECT count(*) FROM fixture.twilio_requests()) + (SELECT count(*) FROM fixture.standin_requests())")" "10" \
   "a second run sends nothing again"
