# Restarting the test server without cart_abandon in shared_preload_libraries, and with it again:
# source it, call preload_cart_abandon off, and make the test's EXIT trap call it with on.
preload_cart_abandon() {  # on | off
    local conf="$PG_DIR/data/postgresql.conf" pg_ctl_bin
    pg_ctl_bin="$(pg_config --bindir)/pg_ctl"
    if [ "$1" = on ]; then
        sed -i "s/^shared_preload_libraries = 'pg_cron'$/shared_preload_libraries = 'pg_cron,cart_abandon'/" "$conf"
    else
        sed -i "s/^shared_preload_libraries = 'pg_cron,cart_abandon'$/shared_preload_libraries = 'pg_cron'/" "$conf"
    fi
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null
    else "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null; fi
    # pg_cron's launcher waits for its database; the server takes connections at once
    for _ in $(seq 50); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && return; sleep 0.1; done
}
