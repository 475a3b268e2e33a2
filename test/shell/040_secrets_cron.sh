#!/usr/bin/env bash
# Secret hygiene: with every statement and every debug message logged, a run that sends, a run
# that meets 190 and a run with malformed answers (and one from pg_cron) leave the access token
# in none of: the server log, errors and NOTICEs, pg_stat_activity, the ledger, cart metadata,
# the run log, pg_settings as a non-superuser sees it, cron.job and cron.job_run_details. Signed
# and forged webhooks leave the app secret in neither log; the email and SMS channels' secrets,
# read from their files, are in neither log either. Runs in ca_cron (pg_cron's database).
# No secret is ever printed.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
plan 16
token=$(cat "$STANDIN_TOKEN_FILE")
app_secret=$(cat "$STANDIN_APP_SECRET_FILE")
contains_token() { grep -cF -- "$token" "$@" 2>/dev/null || true; }
log_from=$(stat -c %s "$PG_LOG")
client_log=$(mktemp)

q "CREATE EXTENSION IF NOT EXISTS cart_abandon" > /dev/null
# The email and SMS channels' secrets, each from a file of the server's as recommended: every
# call reads them and redacts them from what it records; a Meta answer below echoes them (the
# rule goes to the stand-in directly: through SQL, the statement log would hold them).
data_dir=$(q "SHOW data_directory")
channel_secrets=()
for name in twilio_auth_token smtp_password email_unsubscribe_secret; do
    secret="$name-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    channel_secrets+=("$secret")
    (umask 077; printf '%s\n' "$secret" > "$data_dir/test_$name")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data_dir/test_$name"
    q "ALTER SYSTEM SET cart_abandon.${name}_file = '$data_dir/test_$name'" > /dev/null
    # The local environment sets some directly (secret.conf): a file is read when the value is empty.
    q "ALTER SYSTEM SET cart_abandon.$name = ''" > /dev/null
done
contains_channel_secret() { cat "$@" | grep -cF -e "${channel_secrets[0]}" -e "${channel_secrets[1]}" -e "${channel_secrets[2]}" || true; }
q "SELECT fixture.standin_reset()" > /dev/null
q "ALTER SYSTEM SET log_statement = 'all'" > /dev/null
q "ALTER SYSTEM SET log_min_messages = 'debug5'" > /dev/null
q "ALTER SYSTEM SET log_min_error_statement = 'debug5'" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null
sleep 1
is "$(q "SHOW log_min_messages")" "debug5" "the server logs every statement and every debug message"

make_carts() { q "SELECT fixture.make_cart('$1' || n, '30 hours', phone => '0151 7' || lpad(n::text, 6, '0') || '$2') FROM generate_series(1, 3) AS n" > /dev/null; }
make_carts sec_ok 1
q "SELECT fixture.standin_delay(1500)" > /dev/null
psql -X -c "CALL cart_abandon_run()" >> "$client_log" 2>&1 &
sleep 0.7
q "SELECT coalesce(string_agg(query, ' '), '') FROM pg_stat_activity" > "$client_log.activity"
wait
q "SELECT fixture.standin_delay(0)" > /dev/null
make_carts sec_190 2
q "SELECT fixture.standin_faults('[{\"mode\": \"error\", \"code\": 190, \"http_status\": 401, \"times\": 1}]')" > /dev/null
psql -X -c "CALL cart_abandon_run()" >> "$client_log" 2>&1
psql -X -c "SELECT * FROM cart_abandon_process(10, NULL)" >> "$client_log" 2>&1
make_carts sec_bad 3
echo_body=$(jq -cn --arg m "${channel_secrets[*]}" '{error: {code: 100, type: "OAuthException", message: $m}}')
jq -cn --arg body "$echo_body" '[{mode: "not_json", times: 1}, {mode: "truncate", times: 1},
                                 {mode: "http", http_status: 400, body: $body, times: 1},
                                 {mode: "http", http_status: 400, body: "error 5"}]' |
    curl -sS --fail --max-time 10 -X POST --data-binary @- "$STANDIN_URL/_control/faults" > /dev/null
psql -X -c "CALL cart_abandon_run()" >> "$client_log" 2>&1
psql -X -c "SET cart_abandon.whatsapp_token = ''" -c "CALL cart_abandon_run()" >> "$client_log" 2>&1
q "SELECT fixture.standin_faults('[]')" > /dev/null
# webhooks: the stand-in's signed ones, a forged one, one without a secret configured
psql -X -c "SELECT fixture.deliver_webhooks()" >> "$client_log" 2>&1
psql -X -c "SELECT cart_abandon_webhook('{\"object\": \"whatsapp_business_account\", \"entry\": []}', 'sha256=' || repeat('ab', 32))" >> "$client_log" 2>&1
psql -X -c "SET cart_abandon.whatsapp_app_secret = ''" -c "SELECT cart_abandon_webhook('{}', 'sha256=00')" >> "$client_log" 2>&1

# and one run from pg_cron
make_carts sec_cron 4
q "SELECT cart_abandon_schedule('* * * * *')" > /dev/null
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'cart_abandon' AND d.status IN ('succeeded', 'failed') AND d.start_time > now() - interval '2 minutes'")" -ge 1 ] && break
    sleep 1
done
q "SELECT cart_abandon_unschedule()" > /dev/null

q "ALTER SYSTEM RESET log_statement" > /dev/null
for name in twilio_auth_token smtp_password email_unsubscribe_secret; do
    q "ALTER SYSTEM RESET cart_abandon.${name}_file" > /dev/null
    q "ALTER SYSTEM RESET cart_abandon.$name" > /dev/null
    rm -f "$data_dir/test_$name"
done
q "ALTER SYSTEM RESET log_min_messages" > /dev/null
q "ALTER SYSTEM RESET log_min_error_statement" > /dev/null
q "SELECT pg_reload_conf()" > /dev/null

tail -c +"$((log_from + 1))" "$PG_LOG" > "$client_log.server"
echo "# server log written during the test: $(wc -l < "$client_log.server") lines; client output: $(wc -l < "$client_log") lines"
ok "$([ "$(grep -c "statement: CALL cart_abandon_run()" "$client_log.server")" -ge 3 ]; echo $?)" "the log did record the statements"
ok "$([ "$(grep -c "WARNING:  cart_abandon: WhatsApp sending paused" "$client_log")" -ge 1 ]; echo $?)" "the 190 run warned the client"
is "$(contains_token "$client_log.server")" 0 "the token is not in the server log"
is "$(contains_token "$client_log")" 0 "nor in any error, WARNING or NOTICE the client saw"
is "$(contains_channel_secret "$client_log.server" "$client_log") $(q "SELECT count(*) FROM cart_abandon.deliveries WHERE error_message LIKE '%[redacted] [redacted] [redacted]%'")" "0 1" \
   "the email and SMS channels' secrets, read from their files and echoed by Meta, are in neither log and redacted in the ledger"
is "$(contains_token "$client_log.activity")" 0 "nor in pg_stat_activity during a run"
ok "$([ "$(grep -c "webhook signature does not match" "$client_log")" -eq 1 ] && [ "$(grep -cF -- "$app_secret" "$client_log.server" "$client_log" | awk -F: '{s+=$2} END {print s}')" -eq 0 ]; echo $?)" \
   "a forged webhook was refused, and the app secret is in neither the server log nor the client's output"
ok "$([ "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE webhook_status = 'read'")" -ge 3 ]; echo $?)" \
   "(the signed webhooks were applied)"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries d WHERE strpos(d::text, '$(printf %s "$token" | sed "s/'/''/g")') > 0")" 0 \
   "nor in the ledger"
is "$(q "SELECT count(*) FROM public.cart c WHERE strpos(c.metadata::text, '$token') > 0")" 0 "nor in cart metadata"
is "$(q "SELECT count(*) FROM cart_abandon.runs r WHERE strpos(r::text, '$token') > 0")" 0 "nor in the run log"
is "$(q "CREATE ROLE ca_settings_reader; SET ROLE ca_settings_reader; SELECT count(*) FROM pg_settings s WHERE strpos(s::text, '$token') > 0 OR name = 'cart_abandon.whatsapp_token'" | tail -1)" 0 \
   "nor in pg_settings as a non-superuser sees it"
q "DROP ROLE IF EXISTS ca_settings_reader" > /dev/null
is "$(q "SELECT (SELECT count(*) FROM cron.job j WHERE strpos(j::text, '$token') > 0) + (SELECT count(*) FROM cron.job_run_details d WHERE strpos(d::text, '$token') > 0)")" 0 \
   "nor in cron.job or cron.job_run_details"
ok "$([ "$(q "SELECT count(*) FROM cron.job_run_details")" -ge 1 ]; echo $?)" "(pg_cron did run the job)"
is "$(q "SELECT string_agg(status, ',' ORDER BY status) FROM (SELECT DISTINCT status FROM cart_abandon.deliveries WHERE cart_id LIKE 'sec_%') s")" \
   "failed,sent,unknown" "(the runs did send, retry after 190, and meet malformed answers)"
rm -f "$client_log" "$client_log".*
exit $((_tap_failed > 0))
