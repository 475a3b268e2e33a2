# HTTP helpers for run.sh: each call sets HTTP_STATUS and HTTP_BODY (never printed whole: a body
# can hold a token). JSON bodies are built with jq, never by pasting values into strings.

# request METHOD URL BODY [curl arguments...]; BODY '' sends none.
request() {
    local method="$1" url="$2" body="$3"
    shift 3
    local args=(-sS -o "$WORK/http-body" -w '%{http_code}' -X "$method" "$@")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    HTTP_STATUS="$(curl "${args[@]}" "$url" 2> "$WORK/http-error")" || HTTP_STATUS="000"
    HTTP_BODY="$(cat "$WORK/http-body" 2> /dev/null)"
}

# admin METHOD PATH [BODY]: Medusa's Admin API as the logged-in admin user.
admin() { request "$1" "$MEDUSA_URL$2" "${3:-}" -H "Authorization: Bearer $ADMIN_TOKEN"; }

# store METHOD PATH [BODY] [TOKEN]: the Store API as a storefront calls it (publishable key),
# as a logged-in customer when TOKEN is given.
store() {
    if [ -n "${4:-}" ]; then request "$1" "$MEDUSA_URL$2" "${3:-}" -H "x-publishable-api-key: $PUBLISHABLE_KEY" -H "Authorization: Bearer $4"
    else request "$1" "$MEDUSA_URL$2" "${3:-}" -H "x-publishable-api-key: $PUBLISHABLE_KEY"; fi
}

# anonymous METHOD PATH [BODY]: no credentials at all.
anonymous() { request "$1" "$MEDUSA_URL$2" "${3:-}"; }

# json [JQ ARGS] FILTER: a value of the last answer (jq -r).
json() { jq -r "$@" <<< "$HTTP_BODY"; }

# expect STATUS WHAT: the last call answered STATUS, else stop the test (a shop that cannot be
# made is no test); the answer's message, not the whole body, is shown.
expect() {
    if [ "$HTTP_STATUS" != "$1" ]; then
        echo "Bail out! $2: HTTP $HTTP_STATUS, $(jq -r '.message? // empty' <<< "$HTTP_BODY" 2> /dev/null | head -c 300)"
        exit 1
    fi
}

admin_login() {
    request POST "$MEDUSA_URL/auth/user/emailpass" "$(jq -nc --arg e "$ADMIN_EMAIL" --arg p "$ADMIN_PASSWORD" '{email: $e, password: $p}')"
    expect 200 "admin login"
    ADMIN_TOKEN="$(json .token)"
}

# The stand-in's control API.
standin() { request "$1" "$STANDIN_URL/_control$2" "${3:-}"; }
# twilio METHOD PATH [BODY]: Twilio's stand-in's control API.
twilio() { request "$1" "$TWILIO_URL/_control$2" "${3:-}"; }

# sign FILE: Meta's X-Hub-Signature-256 of the file's bytes, with the stand-in's app secret.
# The secret is read from its file by python, never passed on a command line.
sign() {
    python3 -c 'import hashlib, hmac, sys
secret = open(sys.argv[1], "rb").read().strip()
print("sha256=" + hmac.new(secret, sys.stdin.buffer.read(), hashlib.sha256).hexdigest())' "$STANDIN_APP_SECRET_FILE" < "$1"
}
