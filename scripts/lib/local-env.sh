# A throw-away PostgreSQL 15 cluster (pg_cron and cart_abandon preloaded) plus the stand-ins on
# 127.0.0.1 (Meta's WhatsApp Cloud API, Twilio's Messages API, an SMTP sink), for the demo and the
# tests. Source it, then:
#   local_env_start         start them; exports PGHOST, PGPORT, PGUSER, STANDIN_URL,
#                           STANDIN_TOKEN_FILE, STANDIN_APP_SECRET_FILE, TWILIO_URL,
#                           TWILIO_AUTH_TOKEN_FILE, SMTP_SINK_PORTS (the sink's port file), ...
#   local_env_template DB   a database with pgTAP, Medusa's tables and the test helpers
#   local_env_load_fixtures DB   the same into an existing database (ca_cron, made at start)
#   local_env_stop          stop both and delete everything (KEEP_LOCAL_ENV=1 keeps the files)
# LOCAL_ENV_CORE_FILES=1 starts the server with pg_ctl --core-files (the soft core-size limit
# lifted to the hard one; a crashing backend leaves its core in the data directory by default).
# The server listens on a Unix socket in its own directory only: no port can clash.

PG_BIN="$(pg_config --bindir)"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STANDIN_PHONE_NUMBER_ID="1234567890"
TWILIO_ACCOUNT_SID="AC0123456789abcdef0123456789abcdef"
TWILIO_FROM="+15005550006"

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

local_env_start() {
    LOCAL_ENV_DIR="$(mktemp -d /tmp/cart_abandon.XXXXXX)"
    chmod 755 "$LOCAL_ENV_DIR"
    export LOCAL_ENV_DIR

    # The token the stand-in expects; the server reads it from a file only it can read.
    STANDIN_TOKEN_FILE="$LOCAL_ENV_DIR/standin-token"
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STANDIN_TOKEN_FILE")
    export STANDIN_TOKEN_FILE
    # The app secret the stand-in signs its webhooks with (X-Hub-Signature-256), likewise.
    STANDIN_APP_SECRET_FILE="$LOCAL_ENV_DIR/standin-app-secret"
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STANDIN_APP_SECRET_FILE")
    export STANDIN_APP_SECRET_FILE

    python3 "$REPO_ROOT/test/standin/whatsapp_standin.py" --port 0 --port-file "$LOCAL_ENV_DIR/standin.port" \
        --token-file "$STANDIN_TOKEN_FILE" --phone-number-id "$STANDIN_PHONE_NUMBER_ID" \
        --app-secret-file "$STANDIN_APP_SECRET_FILE" > "$LOCAL_ENV_DIR/standin.log" 2>&1 &
    STANDIN_PID=$!
    for _ in $(seq 100); do [ -s "$LOCAL_ENV_DIR/standin.port" ] && break; sleep 0.05; done
    [ -s "$LOCAL_ENV_DIR/standin.port" ] || { echo "the WhatsApp stand-in did not start:" >&2; cat "$LOCAL_ENV_DIR/standin.log" >&2; return 1; }
    STANDIN_URL="http://127.0.0.1:$(cat "$LOCAL_ENV_DIR/standin.port")"
    export STANDIN_URL STANDIN_PID STANDIN_PHONE_NUMBER_ID

    # Twilio's Messages API (SMS), with an auth token of its own.
    TWILIO_AUTH_TOKEN_FILE="$LOCAL_ENV_DIR/twilio-auth-token"
    (umask 077; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TWILIO_AUTH_TOKEN_FILE")
    python3 "$REPO_ROOT/test/standin/twilio_standin.py" --port 0 --port-file "$LOCAL_ENV_DIR/twilio.port" \
        --account-sid "$TWILIO_ACCOUNT_SID" --auth-token-file "$TWILIO_AUTH_TOKEN_FILE" --from "$TWILIO_FROM" \
        > "$LOCAL_ENV_DIR/twilio.log" 2>&1 &
    TWILIO_PID=$!
    # The SMTP sink: plain SMTP on loopback (cart_abandon.smtp_allow_plaintext), aiosmtpd from
    # Debian's python3-aiosmtpd, hence Debian's python3.
    /usr/bin/python3 "$REPO_ROOT/test/standin/smtp_sink.py" --port-file "$LOCAL_ENV_DIR/smtp.ports" \
        > "$LOCAL_ENV_DIR/smtp.log" 2>&1 &
    SMTP_SINK_PID=$!
    for _ in $(seq 100); do [ -s "$LOCAL_ENV_DIR/twilio.port" ] && [ -s "$LOCAL_ENV_DIR/smtp.ports" ] && break; sleep 0.05; done
    [ -s "$LOCAL_ENV_DIR/twilio.port" ] || { echo "the Twilio stand-in did not start:" >&2; cat "$LOCAL_ENV_DIR/twilio.log" >&2; return 1; }
    [ -s "$LOCAL_ENV_DIR/smtp.ports" ] || { echo "the SMTP sink did not start:" >&2; cat "$LOCAL_ENV_DIR/smtp.log" >&2; return 1; }
    TWILIO_URL="http://127.0.0.1:$(cat "$LOCAL_ENV_DIR/twilio.port")"
    SMTP_SINK_PORTS="$LOCAL_ENV_DIR/smtp.ports"
    SMTP_PORT=$(sed -n 's/.*"smtp": \([0-9]*\).*/\1/p' "$SMTP_SINK_PORTS")
    SMTP_CONTROL_URL="http://127.0.0.1:$(sed -n 's/.*"control": \([0-9]*\).*/\1/p' "$SMTP_SINK_PORTS")"
    # The key that signs the unsubscribe links (at least 32 bytes).
    EMAIL_UNSUBSCRIBE_SECRET_FILE="$LOCAL_ENV_DIR/unsubscribe-secret"
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$EMAIL_UNSUBSCRIBE_SECRET_FILE")
    export TWILIO_URL TWILIO_PID TWILIO_ACCOUNT_SID TWILIO_FROM TWILIO_AUTH_TOKEN_FILE SMTP_SINK_PID SMTP_SINK_PORTS \
        SMTP_PORT SMTP_CONTROL_URL EMAIL_UNSUBSCRIBE_SECRET_FILE

    # The server's own directory: data, socket and log, owned by the server's OS user.
    PG_DIR="$LOCAL_ENV_DIR/pg"
    mkdir "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    export PG_DIR PG_LOG="$PG_DIR/server.log"
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync > "$LOCAL_ENV_DIR/initdb.log"
    cat >> "$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
port = 5432
shared_preload_libraries = 'pg_cron,cart_abandon'
cron.database_name = 'ca_cron'
cron.use_background_workers = on
max_worker_processes = 32
fsync = off
full_page_writes = off
# Kept off on purpose: the crash test proves cart_abandon commits its claims durably anyway.
synchronous_commit = off
wal_writer_delay = 10s
# test/shell/550_failover.sh makes a streaming standby of this cluster (pg_basebackup over the
# socket: initdb's pg_hba.conf allows local replication connections).
wal_level = replica
max_wal_senders = 4
cart_abandon.allow_insecure_http = on
cart_abandon.whatsapp_api_url = '$STANDIN_URL/v25.0'
cart_abandon.whatsapp_phone_number_id = '$STANDIN_PHONE_NUMBER_ID'
cart_abandon.cart_url = 'https://shop.example/cart/recover/{cart_id}'
cart_abandon.batch_pause = 0
# SMS and email go to the Twilio stand-in and the SMTP sink (each channel is off until enabled).
cart_abandon.twilio_api_url = '$TWILIO_URL'
cart_abandon.twilio_account_sid = '$TWILIO_ACCOUNT_SID'
cart_abandon.twilio_from = '$TWILIO_FROM'
cart_abandon.smtp_url = 'smtp://127.0.0.1:$SMTP_PORT'
cart_abandon.smtp_allow_plaintext = on
cart_abandon.email_from = 'shop@shop.example'
cart_abandon.email_from_name = 'Example Shop'
cart_abandon.email_unsubscribe_url = 'https://shop.example/store/cart-recovery/unsubscribe'
# The tests and the demo run at any hour of the day: quiet hours are tested on their own
# (test/sql/110_decision_rules.sql sets a window around the moment it runs).
cart_abandon.quiet_hours = ''
include 'secret.conf'
CONF
    # Readable by the server's OS user only, loaded at start (a reload would log a changed value).
    { printf "cart_abandon.whatsapp_token = '%s'\n" "$(cat "$STANDIN_TOKEN_FILE")"
      printf "cart_abandon.whatsapp_app_secret = '%s'\n" "$(cat "$STANDIN_APP_SECRET_FILE")"
      printf "cart_abandon.twilio_auth_token = '%s'\n" "$(cat "$TWILIO_AUTH_TOKEN_FILE")"
      printf "cart_abandon.email_unsubscribe_secret = '%s'\n" "$(cat "$EMAIL_UNSUBSCRIBE_SECRET_FILE")"; } > "$PG_DIR/data/secret.conf"
    chmod 600 "$PG_DIR/data/secret.conf"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR/data/secret.conf"
    local core_files=()
    [ "${LOCAL_ENV_CORE_FILES:-0}" = 1 ] && core_files=(--core-files)
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" "${core_files[@]}" -w start > /dev/null \
        || { cat "$PG_LOG" >&2; return 1; }
    export PGHOST="$PG_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    # pg_cron's launcher waits for its database.
    psql -X -q -c "CREATE DATABASE ca_cron" > /dev/null
}

local_env_template() {
    psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" > /dev/null
    local_env_load_fixtures "$1"
}

# pgTAP, Medusa's tables and the test helpers, into an existing database.
local_env_load_fixtures() {
    local db="$1"
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION pgtap" \
        -c "CREATE EXTENSION pgcrypto" \
        -v schema=public -f "$REPO_ROOT/test/fixtures/medusa_v2_schema.sql" \
        -v standin_control="$STANDIN_URL/_control" -v twilio_control="$TWILIO_URL/_control" \
        -v smtp_control="$SMTP_CONTROL_URL/_control" -f "$REPO_ROOT/test/fixtures/helpers.sql" > /dev/null
}

local_env_stop() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1 || true
    fi
    [ -n "${STANDIN_PID:-}" ] && kill "$STANDIN_PID" 2>/dev/null || true
    [ -n "${TWILIO_PID:-}" ] && kill "$TWILIO_PID" 2>/dev/null || true
    [ -n "${SMTP_SINK_PID:-}" ] && kill "$SMTP_SINK_PID" 2>/dev/null || true
    if [ -n "${LOCAL_ENV_DIR:-}" ]; then
        if [ "${KEEP_LOCAL_ENV:-0}" = 1 ]; then echo "kept: $LOCAL_ENV_DIR" >&2; else rm -rf "$LOCAL_ENV_DIR"; fi
    fi
}
