# The e2e test's world: the plugin built and installed into the e2e shop with npm ci, a
# throw-away PostgreSQL 15 (scripts/lib/local-env.sh: pg_cron and cart_abandon preloaded, the
# WhatsApp stand-in) restarted on a loopback port under libfaketime, Medusa migrated and started.
# Sourced by run.sh, after REPO_ROOT, E2E_DIR, PLUGIN_DIR and WORK are set.

# shellcheck source=../../../scripts/lib/local-env.sh
source "$REPO_ROOT/scripts/lib/local-env.sh"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# libfaketime's multithreaded variant: the extension sends on a thread of its own.
FAKETIME_LIB="$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)"
FAKETIME_FILE="$WORK/faketime"

# set_clock SECONDS: the database's and Medusa's clocks run SECONDS ahead of the machine's.
# Each process re-reads the file once its cached copy is a second old (whole seconds: wait 2 and
# a bit); monotonic clocks (timeouts) stay real.
set_clock() {
    echo "+$1" > "$FAKETIME_FILE"
    sleep 2.5
}

faketime_env() {
    echo "LD_PRELOAD=$FAKETIME_LIB" "FAKETIME_TIMESTAMP_FILE=$FAKETIME_FILE" "FAKETIME_CACHE_DURATION=1" \
         "DONT_FAKE_MONOTONIC=1"
}

# The plugin as npm would install it from the registry: built by Medusa's plugin:build, packed
# by npm pack (the package.json "files"), unpacked into the shop's node_modules.
# E2E_REUSE_INSTALL=1 (a developer's loop) keeps both node_modules as they are.
install_shop() {
    local ci="npm ci --no-audit --no-fund"
    [ "${E2E_REUSE_INSTALL:-0}" = 1 ] && [ -d "$PLUGIN_DIR/node_modules" ] && [ -d "$E2E_DIR/node_modules" ] && ci=true
    (cd "$PLUGIN_DIR" && $ci && npx medusa plugin:build && npm pack --pack-destination "$WORK") \
        > "$WORK/plugin-build.log" 2>&1 || return 1
    (cd "$E2E_DIR" && $ci) > "$WORK/shop-install.log" 2>&1 || return 1
    local target="$E2E_DIR/node_modules/medusa-plugin-cart-abandon"
    rm -rf "$target" && mkdir -p "$target"
    tar -xzf "$WORK"/medusa-plugin-cart-abandon-*.tgz -C "$target" --strip-components=1
    # Vite keeps its pre-bundled copy of the plugin's admin code (node_modules/.vite), keyed on
    # the lockfile, not on the plugin: a reused install would serve the previous build.
    rm -rf "$E2E_DIR/node_modules/.vite"
}

# The shop's production build, as a shop deploys (`medusa build`; tsconfig.json as a new Medusa
# project has it): the admin compiled with the plugin's page. The e2e then serves the admin
# through Vite in development mode (a deployment's secure cookies and .medusa/server install are
# not this test's business), so the build is checked, then removed.
build_shop() {
    rm -rf "$E2E_DIR/.medusa"
    (cd "$E2E_DIR" && npx medusa build) > "$WORK/medusa-build.log" 2>&1 || return 1
    grep -q "Cart recovery" "$E2E_DIR"/.medusa/server/public/admin/assets/*.js || return 1
    rm -rf "$E2E_DIR/.medusa/server"
}

# local-env's cluster, restarted on a loopback port (Medusa's database URL) under libfaketime.
start_database() {
    local_env_start || return 1
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null || return 1
    PG_PORT="$(free_port)"
    cat >> "$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
CONF
    echo "+0" > "$FAKETIME_FILE" && chmod 644 "$FAKETIME_FILE"
    # shellcheck disable=SC2046
    as_postgres env $(faketime_env) "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w start > /dev/null || return 1
    export PGPORT="$PG_PORT" PGDATABASE=medusa
    # Medusa connects as a role of its own, owner of the shop's database, no superuser: what the
    # plugin may do is what cart_abandon_operator grants (run.sh grants it after CREATE EXTENSION).
    psql -X -q -d postgres -c "CREATE ROLE medusa_app LOGIN" -c "CREATE DATABASE medusa OWNER medusa_app" > /dev/null || return 1
    export DATABASE_URL="postgres://medusa_app@127.0.0.1:$PG_PORT/medusa"
}

# Secrets of the e2e shop, never printed: the checks at the end grep the logs for them.
make_secrets() {
    export JWT_SECRET COOKIE_SECRET WHATSAPP_VERIFY_TOKEN ADMIN_EMAIL="admin@e2e.test" ADMIN_PASSWORD
    JWT_SECRET="$(random_secret)" COOKIE_SECRET="$(random_secret)"
    WHATSAPP_VERIFY_TOKEN="$(random_secret)" ADMIN_PASSWORD="$(random_secret)"
}

migrate_shop() {
    (cd "$E2E_DIR" && npx medusa db:migrate) > "$WORK/migrate.log" 2>&1 || return 1
    (cd "$E2E_DIR" && npx medusa user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD") > "$WORK/user.log" 2>&1
}

# Medusa under the same clock as the database: what it stamps ages with it.
start_shop() {
    MEDUSA_PORT="$(free_port)"
    MEDUSA_URL="http://127.0.0.1:$MEDUSA_PORT"
    # shellcheck disable=SC2046
    (cd "$E2E_DIR" && exec setsid env $(faketime_env) PORT="$MEDUSA_PORT" HOST=127.0.0.1 NODE_ENV=development \
        npx medusa start) > "$WORK/medusa.log" 2>&1 &
    MEDUSA_PID=$!
    for _ in $(seq 240); do
        curl -sf "$MEDUSA_URL/health" > /dev/null 2>&1 && return 0
        kill -0 "$MEDUSA_PID" 2> /dev/null || return 1
        sleep 0.5
    done
    return 1
}

# Stops what this test started: Medusa's process group (npx and its node), then local-env's.
stop_all() {
    [ -n "${MEDUSA_PID:-}" ] && kill -TERM -- "-$MEDUSA_PID" 2> /dev/null
    [ -n "${MEDUSA_PID:-}" ] && wait "$MEDUSA_PID" 2> /dev/null
    local_env_stop
    [ "${KEEP_LOCAL_ENV:-0}" = 1 ] && echo "# kept: $WORK" || rm -rf "$WORK"
}
