#!/usr/bin/env bash
# End-to-end proof of cart_abandon and its Medusa plugin against a real Medusa 2.21.2, from
# nothing: npm ci of the pinned shop (package-lock.json) and of the plugin, the plugin built with
# medusa plugin:build and installed as a package, a throw-away PostgreSQL 15 (pg_cron preloaded)
# migrated by Medusa, the extension created, a shop and its shoppers made through the Admin and
# Store APIs, time passed with libfaketime, the job run through the plugin, what the WhatsApp
# stand-in received, its signed webhooks through the plugin's endpoint, Medusa reading, updating
# and completing reminded carts, the admin routes' answers, and the real schema against the
# columns cart_abandon reads. Prints TAP (scripts/test.sh counts it). KEEP_LOCAL_ENV=1 keeps logs.
set -uo pipefail
E2E_DIR="$(cd "$(dirname "$0")" && pwd)"
PLUGIN_DIR="$(dirname "$E2E_DIR")"
REPO_ROOT="$(dirname "$PLUGIN_DIR")"
WORK="$(mktemp -d /tmp/cart_abandon_e2e.XXXXXX)"
chmod 755 "$WORK"   # the server's OS user reads the clock file here
source "$REPO_ROOT/test/shell/lib/tap.sh"
source "$E2E_DIR/lib/setup.sh"
source "$E2E_DIR/lib/http.sh"
source "$E2E_DIR/lib/shop.sh"
trap stop_all EXIT
started=$SECONDS

plan 88
bail() { echo "Bail out! $1"; [ -f "${2:-}" ] && tail -20 "$2" | sed 's/^/# /'; exit 1; }

[ -n "$FAKETIME_LIB" ] || bail "libfaketime is not installed (scripts/install-deps.sh)"
node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' \
    2> /dev/null || bail "Medusa 2.21.2 needs Node.js 20.19 or later, with npm"
install_shop || bail "npm ci or the plugin's build failed" "$WORK/plugin-build.log"
echo "# installed the shop and the plugin in $((SECONDS - started)) s"
t=$SECONDS
build_shop
ok $? "medusa build (the shop's production build) compiles Medusa's admin with the plugin's Cart recovery page"
echo "# medusa build: $((SECONDS - t)) s"
start_database || bail "the database did not start"
make_secrets
t=$SECONDS
migrate_shop || bail "Medusa's migrations failed" "$WORK/migrate.log"
echo "# Medusa's migrations and admin user: $((SECONDS - t)) s"

# ---- Medusa's real schema holds every column cart_abandon reads, typed as the fixture says ----
psql -X -q -v ON_ERROR_STOP=1 -v schema=e2e_fixture -f "$REPO_ROOT/test/fixtures/medusa_v2_schema.sql" > /dev/null
mismatches="$(psql -X -qtA -v ON_ERROR_STOP=1 -v fixture=e2e_fixture -v real=public -f "$E2E_DIR/schema_check.sql" | paste -sd ';')"
is "$mismatches" "" "Medusa 2.21.2's migrated tables have every column of the fixture, with the same types"
PGOPTIONS="-c client_min_messages=warning" q "DROP SCHEMA e2e_fixture CASCADE" > /dev/null

q "CREATE EXTENSION cart_abandon" > /dev/null || bail "CREATE EXTENSION cart_abandon failed"
q "GRANT cart_abandon_operator TO medusa_app" > /dev/null   # as the README says
start_shop || bail "Medusa did not start" "$WORK/medusa.log"
echo "# Medusa is up at $((SECONDS - started)) s"
admin_login
make_shop

# ---- shoppers, as a storefront makes their carts ----
new_cart; address_step asha@e2e.test Asha de "+49 151 23456701"; CART_A="$CART"
new_cart; address_step ben@e2e.test Ben de "0151 23456702"; CART_B="$CART"
new_cart; address_step chloe@e2e.test Chloe fr ""; CART_C="$CART"
new_cart; address_step dev@e2e.test Dev de "+49 151 23456704"; CART_D="$CART"
checkout "$CART_D"
ok "$([ -n "$ORDER" ]; echo $?)" "a shopper checks out through the Store API (cart completed into an order)"
register_customer li@e2e.test Li "+44 7400 123456"
new_cart "$CUSTOMER_TOKEN"; CART_E="$CART"
is "$(q "SELECT c.customer_id IS NOT NULL AND c.shipping_address_id IS NULL AND cu.has_account FROM cart c JOIN customer cu ON cu.id = c.customer_id WHERE c.id = '$CART_E'")" t \
   "a registered customer's cart: the phone only on the customer"

# ---- the admin routes, before any time passes ----
anonymous GET /admin/cart-abandonment
is "$HTTP_STATUS" 401 "GET /admin/cart-abandonment without credentials: 401"
anonymous POST /admin/cart-abandonment/process '{}'
is "$HTTP_STATUS" 401 "POST /admin/cart-abandonment/process without credentials: 401"
admin GET /admin/cart-abandonment
is "$HTTP_STATUS:$(json .open_carts)" "200:null" "GET /admin/cart-abandonment: the stats (no cart count before a run made one)"
q "REVOKE cart_abandon_operator FROM medusa_app" > /dev/null
admin GET /admin/cart-abandonment
is "$HTTP_STATUS:$(json .code)" "403:42501" "Medusa's role without cart_abandon_operator: 403 with PostgreSQL's refusal"
q "GRANT cart_abandon_operator TO medusa_app" > /dev/null
admin POST /admin/cart-abandonment/process '{"batchSize": "ten"}'
is "$HTTP_STATUS:$(json '.message | test("batchSize")')" "400:true" "a wrong type is a 400 naming the field"
admin POST /admin/cart-abandonment/process '{"batchsize": 10}'
is "$HTTP_STATUS:$(json '.message | test("batchsize")')" "400:true" "an unknown key is a 400 naming it"
admin POST /admin/cart-abandonment/process '{"batchSize": 0}'
is "$HTTP_STATUS:$(json '.code'):$(json '.message | test("batchSize")')" "400:22023:true" "the extension's own refusal (batchSize 0) is a 400 with its message"
admin POST /admin/cart-abandonment/process '{"enableEmail": true}'
is "$HTTP_STATUS:$(json '.message | test("mail")')" "400:true" "enableEmail true: the extension's 400"
admin POST /admin/cart-abandonment/process '{"cursor": "not a cursor"}'
is "$HTTP_STATUS:$(json .code)" "400:22P02" "a cursor that does not parse: 400"
ok "$(grep -q 'at \(async \)\?[A-Za-z]\|\.js:[0-9]' <<< "$HTTP_BODY"; [ $? -ne 0 ]; echo $?)" "no stack trace in an error answer"
admin POST /admin/cart-abandonment/process '{}'
is "$HTTP_STATUS:$(json .mode):$(json .run.status):$(json .run.sent_first)" "200:run:succeeded:0" "a run now: nothing is due yet"
is "$(json .run.started_by):$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'medusa-plugin-cart-abandon'")" \
   "medusa-plugin-cart-abandon:0" "the run's started_by names the plugin; the pooled connection has its own name back"
admin GET /admin/cart-abandonment
is "$(json .open_carts):$(json .recovered_carts)" "4:0" "the stats: the run counted 4 open carts, none recovered"

# ---- 30 hours pass for the database and Medusa ----
set_clock $((30 * 3600))
skew="$(q "SELECT round((extract(epoch FROM now()) - $(date +%s)) / 3600)")"
is "$skew" 30 "the database's clock is 30 h ahead (libfaketime)"
admin_login   # Medusa's tokens live a day: the admin logs in again
admin POST /admin/cart-abandonment/process '{"cursor": null, "dryRun": true, "batchSize": 10}'
is "$HTTP_STATUS:$(json .mode)" "200:batch" "a dry-run batch from the start (cursor null)"
names() { jq -nc --arg a "$CART_A" --arg b "$CART_B" --arg c "$CART_C" --arg d "$CART_D" --arg e "$CART_E" \
            '{($a): "A", ($b): "B", ($c): "C", ($d): "D", ($e): "E"}' ; }
label_rows() { json --argjson n "$(names)" '[.rows[] | ($n[.cart_id] // .cart_id) + ":" + .action + ":" + (.detail // "" | split(":")[0])] | sort | join(", ")'; }
is "$(label_rows)" "A:would_send:to +4915123456701, B:would_send:to +4915123456702, C:skipped:no_phone, E:would_send:to +447400123456" \
   "the dry run: A, B and E would be reminded, C has no phone, D bought"
is "$(json '.next_cursor | length > 0')" true "... with the next cursor"
admin POST /admin/cart-abandonment/process "$(jq -nc --arg c "$(json .next_cursor)" '{cursor: $c, dryRun: true}')"
is "$HTTP_STATUS:$(json '.rows | length'):$(json .next_cursor)" "200:0:null" "resuming after the last cart: the scan is complete"
runs_before=$(q "SELECT count(*) FROM cart_abandon.runs")
admin POST /admin/cart-abandonment/process '{"dryRun": true}'
is "$HTTP_STATUS:$(json .mode):$(json .run):$(json '.summary | test("^cart_abandon dry run: .*; 3 would be sent,")'):$(q "SELECT count(*) FROM cart_abandon.runs")" \
   "200:run:null:true:$runs_before" "a whole dry run: no run row (the CALL answered run_id null), its summary"
standin GET /requests
is "$(json 'length')" 0 "a dry run sends nothing"

# ---- the hourly job, through the plugin ----
admin POST /admin/cart-abandonment/process '{}'
is "$HTTP_STATUS:$(json .run.status):$(json .run.sent_first):$(json .run.skipped)" "200:succeeded:3:1" \
   "the job (CALL cart_abandon_run) through the plugin: 3 first reminders, 1 skipped"
is "$(json '.summary | test("^cart_abandon run [0-9]+: .*sent 3 first")')" true "... answered with the run's summary"
is "$(json '.run.id | tostring') $(json '.summary | capture("^cart_abandon run (?<id>[0-9]+):").id')" \
   "$(q "SELECT max(id) FROM cart_abandon.runs") $(q "SELECT max(id) FROM cart_abandon.runs")" "... and the row whose id the CALL answered"
standin GET /requests
is "$(json --argjson n "$(names)" '[.[] | select(.accepted) | ($n[.params[1]] // .params[1]) + ">" + .to + ":" + .template] | sort | join(" ")')" \
   "A>+4915123456701:cart_abandonment_first B>+4915123456702:cart_abandonment_first E>+447400123456:cart_abandonment_first" \
   "the stand-in got one first reminder each for A, B (a national number, read in Germany) and E (the customer's phone)"
is "$(json '[.[] | select(.accepted | not)] | length')" 0 "... and no other request"
is "$(json '[.[] | .params[0]] | sort | join(",")')" "Asha,Ben,Li" "... each named as the shopper typed it"
is "$(q "SELECT skip_reason FROM cart_abandon.deliveries WHERE cart_id = '$CART_C'")" no_phone "C is recorded skipped: no phone"

# ---- Meta's webhooks, posted by the stand-in to the plugin's endpoint ----
HOOK="$MEDUSA_URL/hooks/cart-abandonment/whatsapp"
# A reply with non-ASCII text: Meta escapes it (\u00e0), a re-serialized body would not match.
standin POST /inbound '{"type": "text", "from": "+4915123456701", "text": "Merci, j\u0027arrive \u00e0 la caisse"}'
expect 200 "the stand-in's inbound message"
# The endpoint fails for a while first (the extension's function is away: the plugin answers 503),
# and Meta retries: nothing is lost, nothing is sent again meanwhile.
q "ALTER FUNCTION public.cart_abandon_webhook(text, text) RENAME TO cart_abandon_webhook_away" > /dev/null
standin POST /webhook_target "$(jq -nc --arg u "$HOOK" '{url: $u, max: 2, attempts: 40, retry_ms: 100}')"
sleep 2
standin GET /webhook_deliveries
is "$(json 'length')" 0 "while the endpoint fails, no body is delivered"
admin POST /admin/cart-abandonment/process '{}'
is "$HTTP_STATUS:$(json .run.sent_first):$(json .run.sent_second)" "200:0:0" "a run meanwhile sends nothing again"
q "ALTER FUNCTION public.cart_abandon_webhook_away(text, text) RENAME TO cart_abandon_webhook" > /dev/null
for _ in $(seq 200); do
    standin GET /state
    [ "$(json '.webhooks.queued')" = 0 ] && break
    sleep 0.1
done
sleep 0.5
standin GET /webhook_deliveries
is "$(json '[.[] | .statuses[-1]] | unique | map(tostring) | join(",")'):$(json '[.[] | .updates] | add')" "200:10" \
   "the plugin answered 200 to each of the stand-in's signed webhooks (sent, delivered, read x 3 and a reply)"
is "$(json '[.[0].statuses[] | select(. == 503)] | length >= 2')" true \
   "... the first after $(json '[.[0].statuses[] | select(. == 503)] | length') answers 503 while the endpoint failed (Meta retries them)"
standin POST /webhook_target '{"url": null}'
admin GET /admin/cart-abandonment
is "$(json '[.accepted.first, .delivered.first, .read.first] | map(tostring) | join(",")')" "3,3,3" "the stats moved: 3 delivered and read"
is "$(json .last_webhook_at | cut -c1-4)" "$(q "SELECT to_char(now(), 'YYYY')")" "... and show the last webhook"

# ---- the webhook endpoint's refusals ----
# Laid out with spaces and a newline, as no JSON serializer writes it: passed on byte for byte.
printf '%s\n' '{ "object": "whatsapp_business_account", "entry": [ ] }' > "$WORK/hook.json"
post_file() { request POST "$HOOK" '' -H 'Content-Type: application/json' --data-binary "@$1" "${@:2}"; }
post_file "$WORK/hook.json" -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' $(seq 64))"
is "$HTTP_STATUS" 401 "a webhook with a wrong signature: 401"
post_file "$WORK/hook.json"
is "$HTTP_STATUS" 401 "a webhook without a signature: 401"
post_file "$WORK/hook.json" -H "X-Hub-Signature-256: $(sign "$WORK/hook.json")"
is "$HTTP_STATUS" 200 "a correctly signed delivery in its own layout: 200 (the raw bytes reached the signature check)"
printf '%s' '{"object":"whatsapp_business_account","entry":"not a list"}' > "$WORK/bad.json"
post_file "$WORK/bad.json" -H "X-Hub-Signature-256: $(sign "$WORK/bad.json")"
ok "$([ "${HTTP_STATUS:0:1}" = 4 ]; echo $?)" "a signed body that can never succeed: a 4xx ($HTTP_STATUS), never a 5xx Meta would retry"
head -c 3200000 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
post_file "$WORK/big.json"
is "$HTTP_STATUS" 413 "a body over 3 MB: 413, before parsing"
request GET "$HOOK?hub.mode=subscribe&hub.verify_token=$WHATSAPP_VERIFY_TOKEN&hub.challenge=1158201444" ''
is "$HTTP_STATUS:$HTTP_BODY" "200:1158201444" "Meta's verification handshake with the verify token: 200 and the challenge"
request GET "$HOOK?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444" ''
is "$HTTP_STATUS" 403 "... with another token: 403"
# The path's channel is a parameter ([channel]): whatsapp and sms are served. The handshake below
# carries the real verify token: the log check at the end proves it is hidden from a 404 too.
request POST "$MEDUSA_URL/hooks/cart-abandonment/email" '{}'
is "$HTTP_STATUS:$(json '.message | test("whatsapp")')" "404:true" "a webhook to another channel's path: 404 naming the channels served"
request GET "$MEDUSA_URL/hooks/cart-abandonment/email?hub.mode=subscribe&hub.verify_token=$WHATSAPP_VERIFY_TOKEN&hub.challenge=1158201444" ''
is "$HTTP_STATUS" 404 "... and a handshake there, even with the verify token: 404"

# ---- Twilio's webhooks, posted by its stand-in to the plugin's SMS endpoint ----
# The stand-in signs the URL it calls (Twilio's X-Twilio-Signature): the plugin rebuilds it from
# the request (no publicUrl option here) and passes the exact form bytes on.
SMS_HOOK="$MEDUSA_URL/hooks/cart-abandonment/sms"
twilio POST /callback_plan '{"push": true}'
twilio POST /incoming_url "$(jq -nc --arg u "$SMS_HOOK" '{url: $u}')"
expect 200 "pointing the Twilio stand-in's incoming messages at the plugin"
twilio POST /inbound '{"from": "+14155550199", "body": "STOP"}'
for _ in $(seq 100); do
    twilio GET /callback_deliveries
    [ "$(json 'length')" -ge 1 ] && [ "$(json '.[0].delivered')" = true ] && break
    sleep 0.1
done
is "$(json '.[0].statuses[-1]'):$(json '.[0].kind')" "200:inbound" "the plugin answered 200 to a person's signed STOP"
is "$(q "SELECT source FROM cart_abandon.opt_outs WHERE address = '+14155550199'")" "sms_stop" "... and the number is opted out"
request POST "$SMS_HOOK" '' -H 'Content-Type: application/x-www-form-urlencoded' -H 'X-Twilio-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAA=' \
        --data-binary 'MessageSid=SM0123456789abcdef0123456789abcdef&From=%2B14155550198&To=%2B15005550006&Body=STOP'
is "$HTTP_STATUS:$(q "SELECT count(*) FROM cart_abandon.opt_outs WHERE address = '+14155550198'")" "401:0" \
   "a forged STOP: 401, nothing changed"
request POST "$SMS_HOOK" '{}'
is "$HTTP_STATUS" 415 "a JSON body to the SMS endpoint: 415"
request GET "$SMS_HOOK" ''
is "$HTTP_STATUS" 405 "a GET to the SMS endpoint: 405"
twilio POST /incoming_url '{"url": null}'

# ---- Medusa still reads, updates and completes reminded carts ----
store GET "/store/carts/$CART_A"
is "$HTTP_STATUS:$(json .cart.metadata.notifications.firstSent)" "200:true" "Medusa reads a reminded cart (firstSent in its metadata)"
store POST "/store/carts/$CART_B" '{"email": "ben.new@e2e.test"}'
is "$HTTP_STATUS:$(json .cart.email):$(json .cart.metadata.notifications.firstSent)" "200:ben.new@e2e.test:true" \
   "Medusa updates a reminded cart; the reminder's record stays"
checkout "$CART_A"
ok "$([ -n "$ORDER" ]; echo $?)" "Medusa completes a reminded cart through checkout"

# ---- a day later: second reminders ----
set_clock $((54 * 3600))
admin_login
admin POST /admin/cart-abandonment/process '{}'
is "$HTTP_STATUS:$(json .run.sent_second)" "200:1" "54 h after the carts were made: one second reminder"
standin GET /requests
is "$(json --argjson n "$(names)" '[.[] | select(.accepted and .template == "cart_abandonment_second") | $n[.params[1]]] | join(",")')" E \
   "... to E only: A bought, B came back 24 h ago"
is "$(q "SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id = '$CART_A' AND stage = 2")" 0 "A, completed, has no second stage"
admin GET /admin/cart-abandonment
is "$(json '.recovered_carts'):$(json '.recovered_value.eur')" "1:25" "the run recorded A recovered, with its value; the stats count it"

# ---- a shopper at 54 h, due a day later: the admin page's dry run then has a cart to show ----
new_cart; address_step farah@e2e.test Farah de "+49 151 23456706"
set_clock $((79 * 3600))
admin_login

# ---- the Cart recovery admin page in headless Chromium, now that the figures are not zeros ----
t=$SECONDS
SCREENSHOT="$WORK/medusa-admin-cart-recovery.png"
echo '{}' > "$WORK/admin-checks.json"   # a script that dies before writing fails every check
(cd "$E2E_DIR" && CHECKS_FILE="$WORK/admin-checks.json" SCREENSHOT="$SCREENSHOT" MEDUSA_URL="$MEDUSA_URL" \
    node admin_page.mjs) 2>&1 | sed 's/^/# /'
echo "# the admin page in Chromium: $((SECONDS - t)) s"
page_check() {   # page_check NAME DESCRIPTION: what the page showed against what SQL said
    local have want
    have="$(jq -r --arg n "$1" '.[$n].have // "(not checked: the browser script stopped before)"' "$WORK/admin-checks.json" 2> /dev/null)"
    want="$(jq -r --arg n "$1" '.[$n].want // "(a value)"' "$WORK/admin-checks.json" 2> /dev/null)"
    is "$have" "$want" "admin page: $2"
}
page_check menu "logged in at the admin's login page, the menu links to Cart recovery"
page_check abandoned "abandoned carts shown = cart_abandon_stats()"
page_check reminded "reminded carts shown = cart_abandon_stats()"
page_check delivered "delivered reminders shown = cart_abandon_stats() (first + second)"
page_check read "read reminders shown = cart_abandon_stats() (first + second)"
page_check recovered "recovered carts shown = cart_abandon_stats()"
page_check value "recovered value per currency shown = cart_abandon_stats()"
page_check rate "recovery rate shown = cart_abandon_stats()"
page_check nontrivial "... with delivered, read and recovered carts above zero"
page_check chart "the chart's 30 days (reminders, recoveries) = cart_abandon_daily(30)"
page_check table "the chart's table of days = cart_abandon_daily(30)"
page_check dry_run "Dry run shows the rows cart_abandon_process(50, NULL, dryRun) gives"
page_check dry_run_rows "... which are not none (the shopper due since 78 h)"
page_check dry_run_next "... and Next follows next_cursor to the scan's end"
page_check run_now "Run now (confirmed) adds one row to cart_abandon.runs, first in the page's runs table"
page_check reasons "skip and hold reasons shown = cart_abandon_stats()"
page_check schedule "the schedule's job state shown = cart_abandon_stats() (pg_cron in another database: unknown from here)"
page_check paused "a paused channel: Paused, Meta's code and message, and since when = cart_abandon_stats()"
ok "$([ -s "$SCREENSHOT" ]; echo $?)" "admin page: a full-page screenshot"
if [ "${SAVE_SCREENSHOT:-0}" = 1 ] && [ -s "$SCREENSHOT" ]; then
    mkdir -p "$REPO_ROOT/docs" && cp "$SCREENSHOT" "$REPO_ROOT/docs/medusa-admin-cart-recovery.png"
fi

# ---- the stats route equals the extension's figures; no secret anywhere ----
admin GET /admin/cart-abandonment
is "$HTTP_STATUS $(json -S -c '{first_sent, second_sent, reminded_carts, recovered_carts, skipped}')" \
   "200 $(q "SELECT jsonb_build_object('first_sent', s -> 'first_sent', 'second_sent', s -> 'second_sent', 'reminded_carts', s -> 'reminded_carts', 'recovered_carts', s -> 'recovered_carts', 'skipped', s -> 'skipped') FROM cart_abandon_stats() AS s" | jq -S -c .)" \
   "GET /admin/cart-abandonment answers what cart_abandon_stats() says"

# ---- the routes the admin page reads besides the stats ----
admin GET "/admin/cart-abandonment/daily?days=3"
is "$HTTP_STATUS:$(json '.days | length'):$(json '.days[-1].day'):$(json '.days[0] | keys | join(",")')" \
   "200:3:$(q "SELECT current_date"):day,delivered,failed,first_sent,read,recovered_carts,recovered_value,second_sent" \
   "GET /admin/cart-abandonment/daily?days=3: three days, today last, cart_abandon_daily's columns"
admin GET "/admin/cart-abandonment/daily?days=abc"
is "$HTTP_STATUS:$(json '.message | test("days")')" "400:true" "daily?days=abc: a 400 naming days"
admin GET "/admin/cart-abandonment/daily?day=3"
is "$HTTP_STATUS:$(json '.message | test("day\\b")')" "400:true" "an unknown query key: a 400 naming it"
admin GET "/admin/cart-abandonment/daily?days=0"
is "$HTTP_STATUS:$(json .code)" "400:22023" "daily?days=0: the extension's refusal (22023), a 400"
admin GET "/admin/cart-abandonment/daily?days=99999999999"
is "$HTTP_STATUS:$(json .code)" "400:22003" "daily?days=99999999999: beyond PostgreSQL's integer (22003), a 400, not a 500"
admin POST /admin/cart-abandonment/process '{"cursor": null, "batchSize": 99999999999}'
is "$HTTP_STATUS:$(json .code)" "400:22003" "a batchSize beyond PostgreSQL's integer: 400"
admin GET "/admin/cart-abandonment/daily?days="
is "$HTTP_STATUS:$(json '.message | test("days")')" "400:true" "daily?days= (empty): a 400 naming days, not days 0"
admin GET "/admin/cart-abandonment/runs?limit=2"
is "$HTTP_STATUS:$(json '[.runs[].id] | map(tostring) | join(",")'):$(json '[.runs[] | has("options") or has("pid")] | any')" \
   "200:$(q "SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM (SELECT id FROM cart_abandon.runs ORDER BY id DESC LIMIT 2) r"):false" \
   "GET /admin/cart-abandonment/runs?limit=2: the two latest runs, newest first, without options and pid"
admin GET "/admin/cart-abandonment/runs?limit=101"
is "$HTTP_STATUS:$(json '.message | test("limit")')" "400:true" "runs?limit=101: a 400 naming limit"
leaks=0
for secret in "$WHATSAPP_VERIFY_TOKEN" "$(cat "$STANDIN_TOKEN_FILE")" "$(cat "$STANDIN_APP_SECRET_FILE")" "$ADMIN_PASSWORD" "$JWT_SECRET"; do
    grep -rqF "$secret" "$WORK"/*.log "$PG_LOG" && leaks=$((leaks + 1))
done
is "$leaks" 0 "no secret (verify token, WhatsApp token, app secret, passwords) in Medusa's or the database's logs"
echo "# e2e finished in $((SECONDS - started)) s"
