# restart_server: restarts the test cluster (after a test changed postgresql.conf) and waits until
# it takes connections; pg_cron's launcher waits for its database, the server does not.
restart_server() {
    local pg_ctl_bin
    pg_ctl_bin="$(pg_config --bindir)/pg_ctl"
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null
    else "$pg_ctl_bin" -D "$PG_DIR/data" -l "$PG_LOG" -m fast -w restart > /dev/null; fi
    for _ in $(seq 50); do psql -X -qtA -c "SELECT 1" > /dev/null 2>&1 && return; sleep 0.1; done
}
