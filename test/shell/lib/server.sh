# restart_server: restarts the test cluster (after a test changed postgresql.conf) and waits until
# it takes connections; pg_cron's launcher waits for its database, the server does not.
restart_server() {
    local pg_ctl_bin
    pg_ctl_bin="$(pg_config --bindir)/pg_ctl"
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null
    else "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null; fi
    for _ in $(seq 50); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && return; sleep 0.1; done
}

# preload_cart_abandon on|off: restarts the server with or without cart_abandon in
# shared_preload_libraries; a test that turns it off makes its EXIT trap turn it on again.
preload_cart_abandon() {
    local conf="$PG_DIR/data/postgresql.conf"
    if [ "$1" = on ]; then
        sed -i "s/^shared_preload_libraries = 'pg_cron'$/shared_preload_libraries = 'pg_cron,cart_abandon'/" "$conf"
    else
        sed -i "s/^shared_preload_libraries = 'pg_cron,cart_abandon'$/shared_preload_libraries = 'pg_cron'/" "$conf"
    fi
    restart_server
}
