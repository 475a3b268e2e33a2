#!/usr/bin/env bash
# Secrets in a configuration file are safe only while cart_abandon is preloaded: without it, any
# role can SHOW them until a session loads the library. With the library not preloaded, a send or
# a webhook call that would use such a secret is refused (nothing sent) and the stats flag it; a
# secret set otherwise (a file named by the _file setting, a session SET) still works.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
source "$(dirname "$0")/lib/server.sh"
plan 10
# The email and SMS channels' secrets in the configuration file too (throw-away values, unused).
secret_conf="$PG_DIR/data/secret.conf"
cp -p "$secret_conf" "$secret_conf.before"
trap 'mv "$secret_conf.before" "$secret_conf"; preload_cart_abandon on' EXIT
exposed_twilio="exposed-twilio-$RANDOM$RANDOM"
exposed_smtp="exposed-smtp-$RANDOM$RANDOM"
exposed_unsubscribe="exposed-unsubscribe-$RANDOM$RANDOM"
{ echo "cart_abandon.twilio_auth_token = '$exposed_twilio'"
  echo "cart_abandon.smtp_password = '$exposed_smtp'"
  echo "cart_abandon.email_unsubscribe_secret = '$exposed_unsubscribe'"; } >> "$secret_conf"
preload_cart_abandon off
token=$(cat "$STANDIN_TOKEN_FILE")

q "CREATE EXTENSION cart_abandon" > /dev/null
q "SELECT fixture.standin_reset(), fixture.twilio_reset()" > /dev/null
q "SELECT fixture.make_cart('un_1', '30 hours', phone => '0151 75000001')" > /dev/null
q "CREATE ROLE un_plain" > /dev/null
shown=$(psql -X -qtA -c "SET ROLE un_plain" -c "SHOW cart_abandon.whatsapp_token" 2>&1)
ok "$([ "$shown" = "$token" ]; echo $?)" "without preloading, a plain role's fresh session can SHOW the token (the exposure)"
shown=$(psql -X -qtA -c "SET ROLE un_plain" -c "SHOW cart_abandon.smtp_password" 2>&1)
ok "$([ "$shown" = "$exposed_smtp" ]; echo $?)" "... and the SMTP password"

out=$(psql -X -qtA -c "SELECT * FROM cart_abandon_process(10, NULL)" 2>&1)
errors="$out"
is "$(grep -c 'ERROR:  cart_abandon.whatsapp_token is set in a configuration file while cart_abandon is not in shared_preload_libraries' <<< "$out")" "1" \
   "cart_abandon_process refuses to send with it"
is "$(grep -c 'HINT:  Add cart_abandon to shared_preload_libraries and restart, or move the secret to a file named by cart_abandon.whatsapp_token_file' <<< "$out")" "1" \
   "... and says how to fix it"
out=$(psql -X -qtA -c "CALL cart_abandon_run()" 2>&1)
errors+="$out"
is "$(grep -c 'ERROR:  cart_abandon.whatsapp_token is set in a configuration file' <<< "$out") $(q "SELECT count(*) FROM fixture.standin_requests()")" "1 0" \
   "CALL cart_abandon_run refuses too; nothing was sent"
is "$(q "SELECT cart_abandon_stats() -> 'exposed_secrets'")" \
   '["cart_abandon.email_unsubscribe_secret", "cart_abandon.smtp_password", "cart_abandon.twilio_auth_token", "cart_abandon.whatsapp_app_secret", "cart_abandon.whatsapp_token"]' \
   "the stats flag every secret: WhatsApp's two, the Twilio auth token, the SMTP password, the unsubscribe key"
out=$(psql -X -qtA -c "SELECT cart_abandon_webhook('{}', 'sha256=00')" 2>&1)
errors+="$out"
is "$(grep -c 'ERROR:  cart_abandon.whatsapp_app_secret is set in a configuration file' <<< "$out")" "1" "the webhook refuses the app secret"
out=$(psql -X -qtA -c "SET cart_abandon.enable_whatsapp = off" -c "SET cart_abandon.enable_sms = on" -c "SET cart_abandon.channels = 'sms'" \
           -c "SELECT * FROM cart_abandon_process(10, NULL)" 2>&1)
errors+="$out"
is "$(grep -c 'ERROR:  cart_abandon.twilio_auth_token is set in a configuration file' <<< "$out") $(q "SELECT count(*) FROM fixture.twilio_requests()")" "1 0" \
   "an SMS call refuses the Twilio auth token; no SMS was sent"

# The token from a file named by whatsapp_token_file (read by the server, never a setting's value).
cp "$STANDIN_TOKEN_FILE" "$PG_DIR/data/token_file"; chown postgres: "$PG_DIR/data/token_file" 2>/dev/null; chmod 600 "$PG_DIR/data/token_file"
# (No app secret for appsecret_proof here: the configuration file's one is refused like the token.)
is "$(psql -X -qtA -c "SET cart_abandon.whatsapp_token = ''" -c "SET cart_abandon.whatsapp_token_file = '$PG_DIR/data/token_file'" \
        -c "SET cart_abandon.whatsapp_app_secret = ''" \
        -c "SELECT action FROM cart_abandon_process(10, NULL)" 2>&1)" "sent" "the token file works without preloading"
app_secret=$(cat "$STANDIN_APP_SECRET_FILE")
ok "$(grep -qF -e "$token" -e "$app_secret" -e "$exposed_twilio" -e "$exposed_smtp" -e "$exposed_unsubscribe" <<< "$errors"; [ $? -eq 1 ]; echo $?)" \
   "no error printed a secret"
q "DROP ROLE un_plain" > /dev/null
exit $((_tap_failed > 0))
