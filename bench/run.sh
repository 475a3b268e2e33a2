#!/usr/bin/env bash
# make bench: every figure of bench/RESULTS.md in one command, on a throw-away PostgreSQL 15 and
# the C++ WhatsApp stand-in on 127.0.0.1. Writes bench/out/results.md, results.json, the chart
# throughput.png, the plans and the profile, and prints the table.
#   BENCH_SCALE=full   (default) 10k/100k/1M carts, 10,000 due carts, ... about 15 minutes on 2 cores
#   BENCH_SCALE=smoke  the same steps at small sizes, in about a minute (run by the test command)
#   BENCH_ONLY=shop    only the sections named (see want() below)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
SCALE="${BENCH_SCALE:-full}"
OUT="${BENCH_OUT:-$REPO/bench/out}"

if [ "$SCALE" = smoke ]; then
    SIZES=(2000 20000); DUE=1000; SLOW_DUE=30; MEM_SMALL=100; MEM_BIG=3000; RATE_CARTS=240
    IMPACT_DUE=3000; LOOP_DUE=60; PGBENCH_SECONDS=4; IMPACT_REPEATS=1; IDLE_REPEATS=3; CONCURRENCIES=(1 32 128); WRK_SECONDS=2
else
    SIZES=(10000 100000 1000000); DUE=10000; SLOW_DUE=500; MEM_SMALL=1000; MEM_BIG=100000; RATE_CARTS=2400
    IMPACT_DUE=30000; LOOP_DUE=700; PGBENCH_SECONDS=20; IMPACT_REPEATS=3; IDLE_REPEATS=15; CONCURRENCIES=(1 8 32 64 128); WRK_SECONDS=5
fi
if [ "$SCALE" = smoke ]; then SHOP_CARTS=10000; SHOP_DUE=300; else SHOP_CARTS=1000000; SHOP_DUE=10000; fi
SHOP_IDLE_REPEATS=5
# BENCH_ONLY=shop (or a comma-separated list of idle, throughput, rate, memory, impact, webhooks,
# backlog, loop, shop) runs those sections only; the stand-in's ceiling is always measured.
want() { [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *",$1,"* ]]; }

scripts/install-deps.sh
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s -j"$(nproc)"
$SUDO make -s install > /dev/null
mkdir -p build/bench "$OUT"
rm -f "$OUT"/*
g++ -std=c++17 -O2 -Wall -Wextra -Werror bench/standin/fast_standin.cpp -o build/bench/fast_standin

source scripts/lib/local-env.sh
cleanup() {
    [ -n "${FAST_PID:-}" ] && kill "$FAST_PID" 2>/dev/null || true
    local_env_stop
}
trap cleanup EXIT
local_env_start
# A shop's server, not the tests' one: WAL and commits as PostgreSQL ships them.
cat >> "$PG_DIR/data/postgresql.conf" <<CONF
fsync = on
synchronous_commit = on
wal_writer_delay = 200ms
shared_preload_libraries = 'pg_cron,cart_abandon,auto_explain'
CONF
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart -l "$PG_LOG" > /dev/null

build/bench/fast_standin --port-file "$LOCAL_ENV_DIR/fast.port" --token-file "$STANDIN_TOKEN_FILE" \
    --phone-number-id "$STANDIN_PHONE_NUMBER_ID" > "$LOCAL_ENV_DIR/fast.log" 2>&1 &
FAST_PID=$!
for _ in $(seq 100); do [ -s "$LOCAL_ENV_DIR/fast.port" ] && break; sleep 0.05; done
FAST_URL="http://127.0.0.1:$(cat "$LOCAL_ENV_DIR/fast.port")"
standin_delay() { curl -sS --fail -o /dev/null -d "$1" "$FAST_URL/_control/delay"; }

sql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
value() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }
log() { echo "bench: $*" >&2; }
json_rows=()
record() { json_rows+=("$1"); }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }        # expression [decimals]
holds() { if awk "BEGIN { exit !($1) }"; then echo 1; else echo 0; fi; }

# Sending settings of a measured run: through the fast stand-in; rate and concurrency as given.
run_settings() {  # concurrency max_per_second batch_size
    cat <<SQL
SET cart_abandon.whatsapp_api_url = '$FAST_URL/v25.0';
SET cart_abandon.max_concurrency = $1;
SET cart_abandon.max_per_second = $2;
SET cart_abandon.batch_size = $3;
SQL
}
batch_for() { local c=$1; echo $(( c * 8 > 100 ? c * 8 : 100 )); }

new_database() {  # name
    sql -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
    sql -d "$1" -v schema=public -f test/fixtures/medusa_v2_schema.sql 2>&1 | grep -v "already exists" || true
}
install_extension() {  # database
    sql -d "$1" -c "CREATE EXTENSION cart_abandon"
    value -d "$1" -c "SELECT * FROM cart_abandon_recommended_indexes()" | sed 's/$/;/' | sql -d "$1" 2>&1 \
        | grep -v "already exists" || true
}
# Carts that are all due for their first reminder: created 27 to 42 hours ago, all with valid numbers.
due_database() {  # name carts
    new_database "$1"
    sql -d "$1" -v carts="$2" -v span_hours=15 -v offset_hours=27 -v completed_pct=0 -v messy=0 -f bench/sql/generate.sql
    install_extension "$1"
    sql -d "$1" -c "CREATE TABLE bench_cart AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM cart" \
        -c "ALTER TABLE bench_cart ADD PRIMARY KEY (n)" -c "VACUUM ANALYZE"
}
clone() { sql -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE $1"; }
backend_of() {  # application_name -> its backend's pid, once connected
    local pid=""
    for _ in $(seq 500); do
        pid=$(value -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'" || true)
        [ -n "$pid" ] && break; sleep 0.01
    done
    echo "$pid"
}
num() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }  # json key
# The last run's figures: seconds from start to finish, messages sent.
last_run() { value -d "$1" -F ' ' -c "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 3), sent_first + sent_second, status FROM cart_abandon.runs ORDER BY id DESC LIMIT 1"; }

# ---------------------------------------------------------------- the machine
{
    echo "## Machine"
    echo
    echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
    echo "- Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "- OS: $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- PostgreSQL: $(value -c 'SHOW server_version'), shared_buffers $(value -c 'SHOW shared_buffers'), fsync on, synchronous_commit on"
    echo "- cart_abandon: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "- Command: \`make bench\` (BENCH_SCALE=$SCALE), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
} > "$OUT/machine.md"

# ---------------------------------------------------------------- 0. the stand-in's own ceiling
log "stand-in ceiling (wrk)"
cat > "$LOCAL_ENV_DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"messaging_product":"whatsapp","to":"+4915112345678","type":"template","template":{"name":"cart_abandonment_first"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $(cat "$STANDIN_TOKEN_FILE")"
LUA
wrk_rate() { wrk -t1 -c128 -d"${WRK_SECONDS}s" -s "$LOCAL_ENV_DIR/post.lua" "$FAST_URL/v25.0/$STANDIN_PHONE_NUMBER_ID/messages" \
    | sed -n 's/^Requests\/sec: *//p'; }
standin_delay 0;   ceiling_0=$(wrk_rate)
standin_delay 100; ceiling_100=$(wrk_rate)
standin_delay 0
record "\"standin_ceiling\": {\"instant_rps\": $ceiling_0, \"delay_100ms_c128_rps\": $ceiling_100}"
log "stand-in: $ceiling_0 requests/s answering at once, $ceiling_100 at 100 ms with 128 connections"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
worst() { printf '%s\n' "$@" | sort -g | tail -1; }
# What psql's \timing reports for STATEMENT (ms), in a session of its own, after SETUP if given.
statement_ms() {  # database statement [setup]
    psql -X -d "$1" ${3:+-c "$3"} -c '\timing on' -c "$2" 2>/dev/null | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}

if want idle; then
# ---------------------------------------------------------------- 1. the idle hourly run
idle_rows=(); stats_rows=()
for size in "${SIZES[@]}"; do
    db="idle_$size"
    log "idle run at $size carts: generating"
    new_database "$db"
    started=$(date +%s.%N)
    sql -d "$db" -v carts="$size" -f bench/sql/generate.sql
    generate_s=$(calc "$(date +%s.%N) - $started")
    # The largest shop as generated, before the extension and its indexes: section 8's backlog.
    if [ "$size" = "${SIZES[-1]}" ] && want backlog; then sql -c "CREATE DATABASE backlog_tpl TEMPLATE $db"; fi
    install_extension "$db"
    window=$(value -d "$db" -c "SELECT count(*) FROM cart WHERE completed_at IS NULL AND deleted_at IS NULL AND updated_at >= now() - interval '7 days'")
    # The catch-up run a new install makes once, then the state every later hour starts from.
    { run_settings 128 10000 1000; echo "CALL cart_abandon_run();"; } | sql -d "$db" > /dev/null 2>&1
    read -r catchup_s catchup_sent _ <<< "$(last_run "$db")"
    sql -d "$db" -c "VACUUM ANALYZE"
    { run_settings 128 10000 1000; echo "CALL cart_abandon_run();"; } | sql -d "$db" > /dev/null 2>&1   # settles: incremental from here
    # Each timed call in a session of its own, as pg_cron starts one per run.
    times=()
    for _ in $(seq "$IDLE_REPEATS"); do times+=("$(statement_ms "$db" 'CALL cart_abandon_run()')"); done
    median=$(median "${times[@]}")
    worst=$(worst "${times[@]}")
    scans=$(value -d "$db" -c "SELECT string_agg(DISTINCT scan, ',') FROM (SELECT scan FROM cart_abandon.runs ORDER BY id DESC LIMIT $IDLE_REPEATS) r")
    # The daily full scan, for comparison.
    full_t=$(statement_ms "$db" 'CALL cart_abandon_run()' 'SET cart_abandon.full_scan_interval = 0')
    # cart_abandon_stats(), each call in a session of its own as a monitor makes them; then the
    # pass over every cart that a full-scan run makes for its cart figures.
    stats_times=()
    for _ in $(seq "$IDLE_REPEATS"); do stats_times+=("$(statement_ms "$db" 'SELECT cart_abandon_stats()')"); done
    stats_ms=$(median "${stats_times[@]}")
    # cart_abandon_daily(30), the admin page's chart (and Grafana's), likewise in fresh sessions.
    daily_times=()
    for _ in $(seq "$IDLE_REPEATS"); do daily_times+=("$(statement_ms "$db" 'SELECT count(*) FROM cart_abandon_daily(30)')"); done
    daily_ms=$(median "${daily_times[@]}")
    ledger_rows=$(value -d "$db" -c "SELECT count(*) FROM cart_abandon.deliveries")
    count_ms=$(statement_ms "$db" "SELECT * FROM cart_abandon.count_carts('public', '24h', '7d')")
    stats_rows+=("| $size | $stats_ms ms | $(worst "${stats_times[@]}") ms | $count_ms ms | $daily_ms ms ($ledger_rows ledger rows) |")
    record "\"stats_$size\": {\"carts\": $size, \"stats_median_ms\": $stats_ms, \"count_carts_ms\": $count_ms, \"daily_median_ms\": $daily_ms, \"ledger_rows\": $ledger_rows}"
    log "stats at $size carts: median $stats_ms ms; the full-scan run's cart count $count_ms ms; cart_abandon_daily(30) $daily_ms ms"
    [ "$size" = "${SIZES[0]}" ] && stats_small=$stats_ms
    stats_large=$stats_ms
    # The plan and buffers of an idle run's candidate query (auto_explain logs statements run by SPI).
    mark=$(wc -l < "$PG_LOG")
    psql -X -q -d "$db" -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_analyze = on" \
        -c "SET auto_explain.log_buffers = on" -c "SET auto_explain.log_nested_statements = on" \
        -c "CALL cart_abandon_run()" > /dev/null 2>&1
    python3 bench/lib/analyze.py plan "$PG_LOG" "$mark" > "$OUT/idle_plan_$size.txt"
    plan_ms=$(head -1 "$OUT/idle_plan_$size.txt" | grep -E '^[0-9.]+$' || echo null)
    buffers=$(grep -m1 "Buffers:" "$OUT/idle_plan_$size.txt" | sed 's/^[[:space:]]*Buffers: //' || echo "n/a")
    idle_rows+=("| $size | $window | ${generate_s%.*} s | $catchup_sent in ${catchup_s} s | $median ms | $worst ms | $scans | $plan_ms ms | $buffers | $full_t ms |")
    record "\"idle_$size\": {\"carts\": $size, \"open_in_window\": $window, \"generate_s\": $generate_s, \"catchup_sent\": $catchup_sent, \"catchup_s\": $catchup_s, \"idle_median_ms\": $median, \"idle_worst_ms\": $worst, \"candidate_query_ms\": $plan_ms, \"full_scan_ms\": $full_t}"
    log "idle at $size carts: median $median ms, worst $worst ms ($scans); full scan $full_t ms"
    [ "$size" = "${SIZES[0]}" ] && idle_small=$median
    idle_large=$median
    sql -c "DROP DATABASE $db"
done
fi

if want throughput; then
# ---------------------------------------------------------------- 2 and 3. throughput
log "throughput: $DUE due carts"
due_database due_tpl "$DUE"
due_database due_slow_tpl "$SLOW_DUE"
due_database due_mid_tpl "$((SLOW_DUE * 2))"
echo -e "# latency_ms\tconcurrency\tmessages\tseconds\tmessages_per_s" > "$OUT/throughput.tsv"
throughput_rows=()
for latency in 0 100; do
    standin_delay "$latency"
    for c in "${CONCURRENCIES[@]}"; do
        template=due_tpl
        # One at a time through a 100 ms API sends 10 a second: 10,000 would take 17 minutes
        # (and 8 at a time, 2): fewer carts for those points.
        [ "$c" -eq 1 ] && [ "$latency" -gt 0 ] && template=due_slow_tpl
        [ "$c" -gt 1 ] && [ "$c" -lt 32 ] && [ "$latency" -gt 0 ] && template=due_mid_tpl
        clone "$template" tp
        { run_settings "$c" 10000 "$(batch_for "$c")"; echo "CALL cart_abandon_run();"; } | sql -d tp > /dev/null 2>&1
        read -r seconds sent status <<< "$(last_run tp)"
        rate=$(calc "$sent / $seconds")
        echo -e "$latency\t$c\t$sent\t$seconds\t$rate" >> "$OUT/throughput.tsv"
        throughput_rows+=("| $latency ms | $c | $(batch_for "$c") | $sent | $seconds s | $rate |")
        log "latency $latency ms, concurrency $c: $sent messages in $seconds s = $rate/s ($status)"
        [ "$latency" = 100 ] && [ "$c" = 1 ] && tp_100_c1=$rate
        [ "$latency" = 100 ] && [ "$c" = 128 ] && tp_100_c128=$rate
        [ "$latency" = 0 ] && [ "$c" = 128 ] && tp_0_c128=$rate
        sql -c "DROP DATABASE tp"
    done
done
standin_delay 0

# The profile of the instant-stand-in run: every process on the machine, sampled by the clock.
log "profile (perf, whole machine) of a run at concurrency 128 against the instant stand-in"
clone due_tpl tp
profile_note="perf not available"
if perf record -e cpu-clock -a -g -o "$OUT/perf.data" -- true > /dev/null 2>&1; then
    perf record -e cpu-clock -a -g -o "$OUT/perf.data" > /dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
    { run_settings 128 10000 1000; echo "CALL cart_abandon_run();"; } | sql -d tp > /dev/null 2>&1
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    top() { awk -v n="$1" '/^ +[0-9]/ && shown < n {print; shown++}'; }  # reads to the end: no SIGPIPE
    perf report -i "$OUT/perf.data" --stdio --no-children --sort comm 2>/dev/null | top 8 > "$OUT/profile_by_process.txt"
    perf report -i "$OUT/perf.data" --stdio --no-children --comm postgres --sort dso 2>/dev/null | top 12 > "$OUT/profile_backend_by_library.txt"
    perf report -i "$OUT/perf.data" --stdio --no-children --comm postgres --sort symbol -g none 2>/dev/null | top 30 > "$OUT/profile_backend_by_function.txt"
    rm -f "$OUT/perf.data"
    profile_note="see profile_*.txt"
fi
sql -c "DROP DATABASE tp"
fi

if want rate; then
# ---------------------------------------------------------------- 4. rate limit accuracy
log "rate limit: max_per_second = 80, $RATE_CARTS carts, stand-in at 100 ms"
due_database due_rate "$RATE_CARTS"
standin_delay 100
curl -sS --fail -o /dev/null -X POST "$FAST_URL/_control/reset"
{ run_settings 32 80 1000; echo "CALL cart_abandon_run();"; } | sql -d due_rate > /dev/null 2>&1
curl -sS --fail "$FAST_URL/_control/arrivals" > "$OUT/rate_arrivals.txt"
standin_delay 0
rate_json=$(python3 bench/lib/analyze.py rate "$OUT/rate_arrivals.txt" 80)
record "\"rate_limit\": $rate_json"
sql -c "DROP DATABASE due_rate"
log "rate: $rate_json"

# ---------------------------------------------------------------- 4b. two concurrent callers
# Two runs at once, one in each of two databases, sending from the same number at 80/s through the
# 100 ms stand-in, half the carts each: the busiest second at the stand-in with cart_abandon
# preloaded (one limit for the number), then without the preload (each call paces itself alone,
# as every call did before the limit was shared).
log "rate limit: two concurrent callers at max_per_second = 80, $((RATE_CARTS / 2)) carts each"
due_database due_rate_a "$((RATE_CARTS / 2))"
due_database due_rate_b "$((RATE_CARTS / 2))"
two_callers() {  # label [settings] -> the rate JSON of both callers' arrivals, and what each sent
    clone due_rate_a rate_a; clone due_rate_b rate_b
    standin_delay 100
    curl -sS --fail -o /dev/null -X POST "$FAST_URL/_control/reset"
    local callers=()
    for db in rate_a rate_b; do
        { echo "${2:-}"; run_settings 32 80 1000; echo "CALL cart_abandon_run();"; } | sql -d "$db" > /dev/null 2>&1 &
        callers+=($!)
    done
    wait "${callers[@]}"
    curl -sS --fail "$FAST_URL/_control/arrivals" > "$OUT/rate_two_callers_$1.txt"
    standin_delay 0
    local json sent_a sent_b
    json=$(python3 bench/lib/analyze.py rate "$OUT/rate_two_callers_$1.txt" 80)
    read -r _ sent_a _ <<< "$(last_run rate_a)"; read -r _ sent_b _ <<< "$(last_run rate_b)"
    sql -c "DROP DATABASE rate_a" -c "DROP DATABASE rate_b"
    echo "${json%\}}, \"sent\": [$sent_a, $sent_b]}"
}
two_json=$(two_callers preloaded)
# Without the preload: a later line of the configuration wins; a token from a configuration file
# (or an app secret, for appsecret_proof) is refused then, so each session reads the token from a
# file and sends without an app secret.
echo "shared_preload_libraries = 'pg_cron,auto_explain'  # bench 4b" >> "$PG_DIR/data/postgresql.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart -l "$PG_LOG" > /dev/null
cp "$STANDIN_TOKEN_FILE" "$PG_DIR/data/bench_token"; chmod 600 "$PG_DIR/data/bench_token"
[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR/data/bench_token"
two_alone_json=$(two_callers not_preloaded "SET cart_abandon.whatsapp_token = ''; SET cart_abandon.whatsapp_token_file = '$PG_DIR/data/bench_token'; SET cart_abandon.whatsapp_app_secret = '';")
sed -i '/# bench 4b$/d' "$PG_DIR/data/postgresql.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart -l "$PG_LOG" > /dev/null
record "\"rate_two_callers\": {\"preloaded\": $two_json, \"not_preloaded\": $two_alone_json}"
sql -c "DROP DATABASE due_rate_a" -c "DROP DATABASE due_rate_b"
log "two callers: preloaded $two_json; not preloaded $two_alone_json"
fi

if want memory; then
# ---------------------------------------------------------------- 5. memory
# Peak resident memory of the backend: VmHWM counts the shared buffers it touched too (the same
# pages every backend shares), so the private part (RssAnon) is sampled every 20 ms as well.
memory_run() {  # carts -> "vmhwm_kb peak_anon_kb"
    due_database mem "$1" > /dev/null
    { echo "SET application_name = 'bench_memory';"; run_settings 128 10000 1000; echo "CALL cart_abandon_run();"; } \
        | sql -d mem > /dev/null 2>&1 &
    local client=$! pid hwm=0 anon=0
    pid=$(backend_of bench_memory)
    while kill -0 "$client" 2>/dev/null && [ -r "/proc/$pid/status" ]; do
        local h a
        h=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${h:-0}" -gt "$hwm" ] && hwm=$h
        [ "${a:-0}" -gt "$anon" ] && anon=$a
        sleep 0.02
    done
    wait "$client"
    echo "$hwm $anon $(last_run mem)"
    sql -c "DROP DATABASE mem"
}
log "memory: $MEM_SMALL and $MEM_BIG messages"
read -r small_hwm small_anon small_s small_sent _ <<< "$(memory_run "$MEM_SMALL")"
read -r big_hwm big_anon big_s big_sent _ <<< "$(memory_run "$MEM_BIG")"
record "\"memory\": {\"small_messages\": $small_sent, \"small_vmhwm_kb\": $small_hwm, \"small_peak_anon_kb\": $small_anon, \"big_messages\": $big_sent, \"big_vmhwm_kb\": $big_hwm, \"big_peak_anon_kb\": $big_anon}"
log "memory: $small_sent messages: VmHWM $small_hwm kB, RssAnon $small_anon kB; $big_sent messages: VmHWM $big_hwm kB, RssAnon $big_anon kB"
fi

if want impact; then
# ---------------------------------------------------------------- 6. impact on the shop
# p99 of 20 s of pgbench is its 40th slowest transaction, and one sample moves the ratio by about
# 0.3; so 6 to 6d (quiet, then during each kind of run) are measured IMPACT_REPEATS times,
# each on a fresh clone, and the figure is the median ratio.
log "impact: pgbench cart updates at 200/s for $PGBENCH_SECONDS s, without and during a run, $IMPACT_REPEATS times"
due_database due_impact "$IMPACT_DUE"
# Shoppers at 200 transactions/s -> the latency JSON. Default: section 6's cart activity.
pgbench_run() {  # database log_prefix [script seconds carts]
    (cd "$LOCAL_ENV_DIR" && ${PGBENCH_CPU:+taskset -c "$PGBENCH_CPU"} pgbench -n -d "$1" -c 4 -j 2 -R 200 \
        -T "${4:-$PGBENCH_SECONDS}" -D carts="${5:-$IMPACT_DUE}" \
        -f "$REPO/bench/pgbench/${3:-cart_activity.sql}" -l --log-prefix="$2" > "$2.out" 2>&1)
    python3 bench/lib/analyze.py latency "$2".*[0-9]
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, all its threads
quiet_run() {  # label -> latency JSON
    clone due_impact imp
    pgbench_run imp "$LOCAL_ENV_DIR/$1"
}
# pgbench during a full-speed run (128 in flight, 100 ms answers); the run's backend can be pinned
# to the cpu list RUN_CPU. -> "json|sent|seconds|outlasted pgbench|backend's % of a core while both ran"
# The session sleeps after the run, so that its CPU time stays readable; it is cancelled then.
full_speed_run() {  # label
    clone due_impact imp
    standin_delay 100
    { echo "SET application_name = 'bench_$1';"; run_settings 128 10000 1000; echo "CALL cart_abandon_run();"
      echo "SELECT pg_sleep($((PGBENCH_SECONDS + 30)));"; } | psql -X -q -d imp > /dev/null 2>&1 &
    local client=$! pid c0 c1 t0 t1 json outlasted
    pid=$(backend_of "bench_$1")
    [ -n "${RUN_CPU:-}" ] && taskset -a -p -c "$RUN_CPU" "$pid" > /dev/null
    sleep 1
    c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
    json=$(pgbench_run imp "$LOCAL_ENV_DIR/$1")
    c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
    outlasted=$(value -d imp -c "SELECT CASE WHEN status = 'running' THEN 'yes' ELSE 'no' END FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")
    for _ in $(seq 600); do  # at most 2 minutes more
        [ "$(value -d imp -c "SELECT status FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")" = running ] || break
        sleep 0.2
    done
    value -c "SELECT pg_cancel_backend($pid)" > /dev/null
    wait "$client" || true
    standin_delay 0
    local seconds sent finished
    read -r seconds sent _ <<< "$(last_run imp)"
    # The share while it ran: a run that ended before pgbench did is not diluted by the rest.
    finished=$(value -d imp -c "SELECT extract(epoch FROM finished_at) FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")
    echo "$json|$sent|$seconds|$outlasted|$(calc "($c1 - $c0) / $(getconf CLK_TCK) / (($finished < $t1 ? $finished : $t1) - $t0) * 100" 0)"
}
# pgbench during a paced run, stopped by statement_timeout once pgbench is done. -> "json|sent"
paced_run() {  # label settings_sql
    clone due_impact imp
    { echo "SET statement_timeout = '$((PGBENCH_SECONDS + 3))s';"; echo "SET cart_abandon.whatsapp_api_url = '$FAST_URL/v25.0';"
      echo "$2"; echo "CALL cart_abandon_run();"; } | psql -X -q -d imp > /dev/null 2>&1 &
    local client=$! json
    sleep 1
    json=$(pgbench_run imp "$LOCAL_ENV_DIR/$1")
    wait "$client" || true   # ended by its statement_timeout
    echo "$json|$(value -d imp -c "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'sent'")"
}
full_ratios=(); paced_ratios=(); rate300_ratios=(); bursts_ratios=(); quiet_p99s=(); cpu_shares=(); impact_pairs=()
for i in $(seq "$IMPACT_REPEATS"); do
    quiet_json=$(quiet_run "quiet_$i")
    IFS='|' read -r busy_json impact_sent impact_s still_running run_cpu <<< "$(full_speed_run "full_$i")"
    # At the settings a shop runs hourly: max_concurrency 32, max_per_second 70, batch_size 100.
    IFS='|' read -r paced_json paced_sent <<< "$(paced_run "paced_$i" "")"
    standin_delay 100
    IFS='|' read -r rate300_json rate300_sent <<< "$(paced_run "rate300_$i" "SET cart_abandon.max_concurrency = 128; SET cart_abandon.max_per_second = 300; SET cart_abandon.batch_size = 1000;")"
    standin_delay 0
    # Calibration, no run at all: a process as busy as this full-speed run's backend was, in 10 ms
    # cycles.
    bursts_busy=$(calc "$run_cpu / 100 * 0.010" 4); bursts_idle=$(calc "0.010 - $bursts_busy" 4)
    clone due_impact imp
    python3 bench/lib/cpu_bursts.py "$bursts_busy" "$bursts_idle" "$((PGBENCH_SECONDS + 1))" &
    bursts=$!
    bursts_json=$(pgbench_run imp "$LOCAL_ENV_DIR/bursts_$i")
    wait "$bursts"
    quiet_p99=$(num "$quiet_json" p99_ms)
    quiet_p99s+=("$quiet_p99"); cpu_shares+=("$run_cpu")
    full_ratios+=("$(calc "$(num "$busy_json" p99_ms) / $quiet_p99" 2)")
    paced_ratios+=("$(calc "$(num "$paced_json" p99_ms) / $quiet_p99" 2)")
    rate300_ratios+=("$(calc "$(num "$rate300_json" p99_ms) / $quiet_p99" 2)")
    bursts_ratios+=("$(calc "$(num "$bursts_json" p99_ms) / $quiet_p99" 2)")
    impact_pairs+=("{\"quiet\": $quiet_json, \"during_full_speed_run\": $busy_json, \"full_speed_run_sent\": $impact_sent, \"full_speed_run_seconds\": $impact_s, \"run_outlasted_pgbench\": \"$still_running\", \"run_backend_cpu_percent\": $run_cpu, \"during_default_paced_run\": $paced_json, \"paced_run_sent\": $paced_sent, \"during_300_per_second_run\": $rate300_json, \"rate300_run_sent\": $rate300_sent, \"calibration_busy_s\": $bursts_busy, \"during_calibration_without_run\": $bursts_json}")
    log "impact $i: quiet $quiet_json; full speed ($impact_sent messages in $impact_s s, outlasted pgbench: $still_running, backend $run_cpu% of a core) $busy_json; default pace ($paced_sent messages) $paced_json; 300/s ($rate300_sent messages) $rate300_json; calibration ($bursts_busy s of every 0.01 s) $bursts_json"
done
ratio=$(median "${full_ratios[@]}"); paced_ratio=$(median "${paced_ratios[@]}"); rate300_ratio=$(median "${rate300_ratios[@]}")
bursts_ratio=$(median "${bursts_ratios[@]}")
quiet_p99=$(median "${quiet_p99s[@]}"); run_cpu=$(median "${cpu_shares[@]}")

# Where it comes from: the full-speed run with its backend (and sending thread) and the stand-in
# on one core, PostgreSQL's other processes (pgbench's backends, WAL writer, ...) and pgbench on
# the other, against a quiet baseline pinned the same way.
pin_postgres() {  # cpu list: the postmaster and every process it has (new backends inherit it)
    local postmaster
    postmaster=$(head -1 "$PG_DIR/data/postmaster.pid")
    for p in $postmaster $(pgrep -P "$postmaster"); do taskset -a -p -c "$1" "$p" > /dev/null; done
}
pinned_quiet_json='null'; pinned_busy_json='null'
if [ "$(nproc)" -ge 2 ]; then
    pin_postgres 0
    export PGBENCH_CPU=0
    pinned_quiet_json=$(quiet_run pinned_quiet)
    taskset -a -p -c 1 "$FAST_PID" > /dev/null
    IFS='|' read -r pinned_busy_json _ <<< "$(RUN_CPU=1 full_speed_run pinned_busy)"
    unset PGBENCH_CPU
    pin_postgres "0-$(($(nproc) - 1))"
    taskset -a -p -c "0-$(($(nproc) - 1))" "$FAST_PID" > /dev/null
fi
record "\"impact\": {\"repeats\": [$(IFS=,; echo "${impact_pairs[*]}")], \"full_speed_ratios\": [$(IFS=,; echo "${full_ratios[*]}")], \"default_paced_ratios\": [$(IFS=,; echo "${paced_ratios[*]}")], \"rate300_ratios\": [$(IFS=,; echo "${rate300_ratios[*]}")], \"calibration_ratios\": [$(IFS=,; echo "${bursts_ratios[*]}")], \"pinned_quiet\": $pinned_quiet_json, \"pinned_during_run\": $pinned_busy_json}"
log "impact: full speed ratios ${full_ratios[*]}; default pace ${paced_ratios[*]}; 300/s ${rate300_ratios[*]}; calibration, no run: ${bursts_ratios[*]}; pinned: quiet $pinned_quiet_json, during a run $pinned_busy_json"
sql -c "DROP DATABASE imp" -c "DROP DATABASE due_impact"
fi

if want webhooks; then
# ---------------------------------------------------------------- 7. webhook ingestion
# 10,000 accepted messages; Meta reports their delivery, then their reading, in bodies of 1,000
# statuses (its largest batch), each verified and applied by cart_abandon_webhook.
log "webhooks: 10,000 statuses in 10 calls of 1,000, twice (delivered, then read)"
new_database webhooks
install_extension webhooks
sql -d webhooks -c "INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, provider_recipient_id, claimed_at, sent_at)
    SELECT 'cart_' || n, 1, 'whatsapp', 'sent', 1, '+4915100' || lpad(n::text, 6, '0'), 'wamid.bench' || n,
           '4915100' || lpad(n::text, 6, '0'), now() - interval '1 hour', now() - interval '1 hour'
      FROM generate_series(1, 10000) AS n" -c "VACUUM ANALYZE cart_abandon.deliveries"
python3 bench/lib/webhook_bodies.py delivered 10 1000 "$STANDIN_APP_SECRET_FILE" > "$LOCAL_ENV_DIR/delivered.sql"
python3 bench/lib/webhook_bodies.py read 10 1000 "$STANDIN_APP_SECRET_FILE" > "$LOCAL_ENV_DIR/read.sql"
webhook_delivered_ms=$(value -d webhooks -f "$LOCAL_ENV_DIR/delivered.sql" | tail -1)
webhook_read_ms=$(value -d webhooks -f "$LOCAL_ENV_DIR/read.sql" | tail -1)
webhook_again_ms=$(value -d webhooks -f "$LOCAL_ENV_DIR/read.sql" | tail -1)
webhook_applied=$(value -d webhooks -c "SELECT count(*) FROM cart_abandon.deliveries WHERE read_at IS NOT NULL AND delivered_at IS NOT NULL")
[ "$webhook_applied" = 10000 ] || { echo "bench: webhooks: only $webhook_applied of 10,000 statuses applied" >&2; exit 1; }
record "\"webhooks\": {\"delivered_ms\": $webhook_delivered_ms, \"read_ms\": $webhook_read_ms, \"read_again_ms\": $webhook_again_ms}"
sql -c "DROP DATABASE webhooks"
log "webhooks: delivered $webhook_delivered_ms ms, read $webhook_read_ms ms, read again $webhook_again_ms ms"
fi

if want backlog; then
# ---------------------------------------------------------------- 8. the backlog without the recommended indexes
# The largest shop's catch-up backlog (every cart due in its 7-day window), sent at concurrency 128
# through 100 ms answers, once without the recommended indexes (a shop that skipped that step) and
# once with them. The run's time is from its start to its last outcome (the cart count it makes
# afterwards is section 1's last column).
log "backlog at ${SIZES[-1]} carts, without and with the recommended indexes"
if [ -z "$(value -c "SELECT 1 FROM pg_database WHERE datname = 'backlog_tpl'")" ]; then  # section 1 skipped
    new_database backlog_tpl
    sql -d backlog_tpl -v carts="${SIZES[-1]}" -f bench/sql/generate.sql
fi
standin_delay 100
backlog_run() {  # with_indexes(0/1) -> "seconds sent"
    clone backlog_tpl bl > /dev/null
    if [ "$1" = 1 ]; then install_extension bl; else sql -d bl -c "CREATE EXTENSION cart_abandon"; fi
    sql -d bl -c "VACUUM ANALYZE"
    { run_settings 128 10000 1024; echo "CALL cart_abandon_run();"; } | sql -d bl > /dev/null 2>&1
    read -r seconds sent _ <<< "$(last_run bl)"
    sql -c "DROP DATABASE bl"
    echo "$seconds $sent"
}
read -r noidx_s noidx_sent <<< "$(backlog_run 0)"
read -r idx_s idx_sent <<< "$(backlog_run 1)"
standin_delay 0
sql -c "DROP DATABASE backlog_tpl"
noidx_rate=$(calc "$noidx_sent / $noidx_s"); idx_rate=$(calc "$idx_sent / $idx_s")
record "\"backlog_indexes\": {\"carts\": ${SIZES[-1]}, \"without_sent\": $noidx_sent, \"without_s\": $noidx_s, \"with_sent\": $idx_sent, \"with_s\": $idx_s}"
log "backlog: without indexes $noidx_sent in $noidx_s s = $noidx_rate/s; with them $idx_sent in $idx_s s = $idx_rate/s"
fi

if want loop; then
# ---------------------------------------------------------------- 10. a loop of process calls
# A PL/pgSQL loop paging with cart_abandon_process's cursor, the natural way to call it, at the
# default pace (70/s, 32 in flight) through a 100 ms stand-in, while shoppers write to the same
# due carts (pgbench, 200 updates/s): each call's batch runs in a worker that commits its own
# claims and outcomes, so no update should wait on the loop. Beside it, the same updates with no
# loop, and the time of a call with nothing due (what the worker costs).
log "process loop: $LOOP_DUE due carts in calls of 100, pgbench cart writes at 200/s beside it"
due_database due_loop "$LOOP_DUE"
loop_seconds=$(( LOOP_DUE / 70 + 2 ))
clone due_loop loopdb
loop_quiet_json=$(pgbench_run loopdb "$LOCAL_ENV_DIR/loop_quiet" cart_touch.sql "$loop_seconds" "$LOOP_DUE")
clone due_loop loopdb
standin_delay 100
loop_started=$(date +%s.%N)
{ run_settings 32 70 100; echo "DO \$\$
DECLARE cursor_text text; r record; n int;
BEGIN
    LOOP
        n := 0;
        FOR r IN SELECT * FROM cart_abandon_process(100, cursor_text) LOOP n := n + 1; cursor_text := r.next_cursor; END LOOP;
        EXIT WHEN n = 0;
    END LOOP;
END \$\$;"; } | psql -X -q -d loopdb > "$LOCAL_ENV_DIR/loop.out" 2>&1 &
loop_client=$!
loop_busy_json=$(pgbench_run loopdb "$LOCAL_ENV_DIR/loop_busy" cart_touch.sql "$loop_seconds" "$LOOP_DUE")
wait "$loop_client"
loop_took=$(calc "$(date +%s.%N) - $loop_started" 1)
standin_delay 0
loop_sent=$(value -d loopdb -c "SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'sent'")
[ "$loop_sent" -gt 0 ] || { echo "bench: process loop sent nothing:" >&2; cat "$LOCAL_ENV_DIR/loop.out" >&2; exit 1; }
empty_calls=()
for _ in $(seq 15); do empty_calls+=("$(statement_ms loopdb 'SELECT count(*) FROM cart_abandon_process(100, NULL)')"); done
empty_call_ms=$(median "${empty_calls[@]}")
loop_quiet_max=$(num "$loop_quiet_json" max_ms); loop_busy_max=$(num "$loop_busy_json" max_ms)
record "\"process_loop\": {\"due\": $LOOP_DUE, \"sent\": $loop_sent, \"seconds\": $loop_took, \"quiet\": $loop_quiet_json, \"beside_loop\": $loop_busy_json, \"empty_call_median_ms\": $empty_call_ms}"
sql -c "DROP DATABASE loopdb" -c "DROP DATABASE due_loop"
log "process loop: $loop_sent sent in $loop_took s; cart writes beside it $loop_busy_json, quiet $loop_quiet_json; a call with nothing due: $empty_call_ms ms"
fi

if want shop; then
# ---------------------------------------------------------------- 11. a shop's shape at scale
# SHOP_CARTS carts over six months (70% never completed, the rest orders), SHOP_DUE of them due for
# their first reminder, and the ledger of the hourly runs that reminded the rest (up to 2 per cart,
# over a million rows at full size); the recommended indexes. Measured on clones of it, all at
# concurrency 128 through 100 ms answers:
#   a. the SHOP_DUE due carts (created 27 to 42 hours ago with valid numbers, as sections 2 and 3's;
#      the rest of the shop reminded, as after every hourly run);
#   b. the backlog of a shop whose runs stopped a week ago (the window's ledger rows removed),
#      without the recommended indexes, then with them;
#   c. right after b with them, the idle hourly run in fresh sessions;
#   d. where the time goes: the run's progress sampled from cart_abandon.runs (its batches), the
#      run's slow statements (auto_explain, nested, over 50 ms) with their plans, and EXPLAIN
#      ANALYZE of a dry run's.
log "shop: $SHOP_CARTS carts over 6 months, $SHOP_DUE due, a ledger of earlier runs"
started=$(date +%s.%N)
new_database shop_tpl
sql -d shop_tpl -v carts="$((SHOP_CARTS - SHOP_DUE))" -v span_hours=4380 -v prefix=h -f bench/sql/generate.sql
sql -d shop_tpl -v carts="$SHOP_DUE" -v span_hours=15 -v offset_hours=27 -v completed_pct=0 -v messy=0 -v prefix=d \
    -v first="$((SHOP_CARTS - SHOP_DUE + 1))" -f bench/sql/generate.sql
install_extension shop_tpl
sql -d shop_tpl -v due=d -f bench/sql/shop_history.sql
sql -d shop_tpl -c "VACUUM ANALYZE"
shop_generate_s=$(calc "$(date +%s.%N) - $started" 0)
shop_ledger=$(value -d shop_tpl -c "SELECT count(*) FROM cart_abandon.deliveries")
shop_window=$(value -d shop_tpl -c "SELECT count(*) FROM cart WHERE completed_at IS NULL AND deleted_at IS NULL AND updated_at >= now() - interval '7 days'")
# FILE_COPY: a checkpoint and a file copy, not gigabytes of WAL per clone.
shop_clone() { sql -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE shop_tpl STRATEGY = FILE_COPY"; }
# A run at 128 in flight, its progress sampled every 100 ms into PREFIX.progress and its statements over
# 50 ms, with their plans, into PREFIX.statements.txt (auto_explain without ANALYZE: no per-node timing).
shop_run() {  # database PREFIX -> "seconds sent examined skipped_or_held"
    local mark client
    mark=$(wc -l < "$PG_LOG")
    { echo "SET auto_explain.log_min_duration = '50ms';"; echo "SET auto_explain.log_nested_statements = on;"
      run_settings 128 10000 1024; echo "CALL cart_abandon_run();"; } | sql -d "$1" > /dev/null 2>&1 &
    client=$!
    while kill -0 "$client" 2>/dev/null; do
        value -d "$1" -F ' ' -c "SELECT extract(epoch FROM clock_timestamp()), extract(epoch FROM started_at), batches, examined, sent_first + sent_second FROM cart_abandon.runs ORDER BY id DESC LIMIT 1" 2>/dev/null || true
        sleep 0.1
    done > "$2.progress"
    wait "$client"
    python3 bench/lib/analyze.py statements "$PG_LOG" "$mark" > "$2.statements.txt"
    read -r seconds sent _ <<< "$(last_run "$1")"
    echo "$seconds $sent $(value -d "$1" -F ' ' -c "SELECT examined, skipped + held FROM cart_abandon.runs ORDER BY id DESC LIMIT 1")"
}
standin_delay 100
# a. SHOP_DUE due carts in the shop
shop_clone shop_a
read -r shop_a_s shop_a_sent shop_a_examined shop_a_skipped <<< "$(shop_run shop_a "$OUT/shop_a")"
shop_a_rate=$(calc "$shop_a_sent / $shop_a_s")
log "shop a: $shop_a_sent in $shop_a_s s = $shop_a_rate/s ($shop_a_examined examined, $shop_a_skipped skipped or held)"
sql -c "DROP DATABASE shop_a"
# b. the week's backlog, without the recommended indexes, then with them
shop_backlog() {  # database with_indexes(0/1)
    shop_clone "$1"
    sql -d "$1" -c "DELETE FROM cart_abandon.deliveries WHERE coalesce(sent_at, claimed_at) >= now() - interval '7 days'"
    [ "$2" = 1 ] || value -d "$1" -c "SELECT format('DROP INDEX %I;', name) FROM cart_abandon.recommended_index_list()" | sql -d "$1"
    sql -d "$1" -c "VACUUM ANALYZE"
}
shop_backlog shop_b 0
read -r shop_noidx_s shop_noidx_sent _ _ <<< "$(shop_run shop_b "$OUT/shop_b_without_indexes")"
sql -c "DROP DATABASE shop_b"
shop_backlog shop_b 1
read -r shop_idx_s shop_idx_sent shop_idx_examined _ <<< "$(shop_run shop_b "$OUT/shop_b_with_indexes")"
shop_backlog_ratio=$(calc "$shop_noidx_s / $shop_idx_s" 2)
log "shop b: backlog without indexes $shop_noidx_sent in $shop_noidx_s s; with them $shop_idx_sent in $shop_idx_s s: ${shop_backlog_ratio}x"
standin_delay 0
# c. the idle run right after, each in a session of its own; then its candidate query's plan
shop_idle_times=()
for _ in $(seq "$SHOP_IDLE_REPEATS"); do shop_idle_times+=("$(statement_ms shop_b 'CALL cart_abandon_run()')"); done
shop_idle=$(median "${shop_idle_times[@]}")
# The same call in a session that has made one already: what the fresh session adds.
shop_idle_warm=$(statement_ms shop_b 'CALL cart_abandon_run()' 'CALL cart_abandon_run()')
shop_idle_scans=$(value -d shop_b -c "SELECT string_agg(DISTINCT scan, ',') FROM (SELECT scan FROM cart_abandon.runs ORDER BY id DESC LIMIT $SHOP_IDLE_REPEATS) r")
mark=$(wc -l < "$PG_LOG")
psql -X -q -d shop_b -c "SET auto_explain.log_min_duration = 0" -c "SET auto_explain.log_analyze = on" \
    -c "SET auto_explain.log_buffers = on" -c "SET auto_explain.log_nested_statements = on" \
    -c "CALL cart_abandon_run()" > /dev/null 2>&1
python3 bench/lib/analyze.py statements "$PG_LOG" "$mark" > "$OUT/shop_c_idle.statements.txt"
shop_ledger_after=$(value -d shop_b -c "SELECT count(*) FROM cart_abandon.deliveries")
log "shop c: idle run after the backlog: median $shop_idle ms (${shop_idle_times[*]}; $shop_idle_scans), in a used session $shop_idle_warm ms; ledger $shop_ledger_after rows"
sql -c "DROP DATABASE shop_b"
# d. EXPLAIN ANALYZE of a run's statements over 20 ms: a dry run over a's due carts in the template
# (it sends and writes nothing, and runs in the caller's session, where auto_explain is set).
mark=$(wc -l < "$PG_LOG")
psql -X -q -d shop_tpl -c "SET auto_explain.log_min_duration = '20ms'" -c "SET auto_explain.log_analyze = on" \
    -c "SET auto_explain.log_buffers = on" -c "SET auto_explain.log_nested_statements = on" \
    -c "SET cart_abandon.batch_size = 1024" -c "CALL cart_abandon_run('{\"dryRun\": true}')" > /dev/null 2>&1
python3 bench/lib/analyze.py statements "$PG_LOG" "$mark" > "$OUT/shop_d_dry_run.statements.txt"
sql -c "DROP DATABASE shop_tpl"
# d. per batch: what the sampled progress says
shop_a_batches=$(python3 bench/lib/analyze.py progress "$OUT/shop_a.progress")
shop_idx_batches=$(python3 bench/lib/analyze.py progress "$OUT/shop_b_with_indexes.progress")
shop_noidx_batches=$(python3 bench/lib/analyze.py progress "$OUT/shop_b_without_indexes.progress")
log "shop d: batches of a $shop_a_batches; of b with the indexes $shop_idx_batches; without $shop_noidx_batches"
record "\"shop\": {\"carts\": $SHOP_CARTS, \"generate_s\": $shop_generate_s, \"open_in_window\": $shop_window, \"ledger_rows\": $shop_ledger, \"due_sent\": $shop_a_sent, \"due_s\": $shop_a_s, \"due_examined\": $shop_a_examined, \"backlog_examined\": $shop_idx_examined, \"backlog_without_sent\": $shop_noidx_sent, \"backlog_without_s\": $shop_noidx_s, \"backlog_with_sent\": $shop_idx_sent, \"backlog_with_s\": $shop_idx_s, \"idle_after_ms\": [$(IFS=,; echo "${shop_idle_times[*]}")], \"idle_after_used_session_ms\": $shop_idle_warm, \"due_batches\": $shop_a_batches, \"backlog_with_batches\": $shop_idx_batches, \"backlog_without_batches\": $shop_noidx_batches}"
fi

if want throughput; then
# ---------------------------------------------------------------- the chart
gnuplot <<GNUPLOT
set terminal pngcairo size 900,560 font "sans,11" noenhanced
set output "$OUT/throughput.png"
set title "cart_abandon: reminders per second, end to end (claim, send, record)\\n$(nproc) cores, PostgreSQL 15, stand-in on loopback"
set xlabel "max_concurrency (requests in flight)"
set ylabel "messages per second"
set logscale x 2
set xrange [0.8:160]
set yrange [1:*]
set logscale y 10
set key right bottom
set grid
plot "$OUT/throughput.tsv" using (\$1 == 0 ? \$2 : 1/0):5 with linespoints lw 2 pt 7 title "stand-in answers at once", \
     "$OUT/throughput.tsv" using (\$1 == 100 ? \$2 : 1/0):5 with linespoints lw 2 pt 5 title "stand-in answers in 100 ms", \
     [1:128] x / 0.1 with lines dt 2 lc rgb "gray" title "bound at 100 ms: concurrency / 0.1 s", \
     1000 with lines dt 3 lc rgb "red" title "target at 128: 1,000/s"
GNUPLOT
fi

# ---------------------------------------------------------------- the results
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "**not met**"; fi; }
if want idle; then
    t1=$(holds "$idle_large < 100 && $idle_large <= 2 * $idle_small")
    t9=$(holds "$stats_large < 50")
fi
if want throughput; then
    t2=$(holds "$tp_100_c128 >= 1000 && $tp_100_c128 >= 50 * $tp_100_c1")
    t3=$(holds "$tp_0_c128 >= 2000")
fi
if want rate; then
    busiest=$(num "$rate_json" busiest_window); average=$(num "$rate_json" average_per_second)
    t4=$(holds "$busiest <= 80 && $average >= 76 && $average <= 84")
    two_busiest=$(num "$two_json" busiest_window); two_average=$(num "$two_json" average_per_second)
    two_alone_busiest=$(num "$two_alone_json" busiest_window); two_alone_average=$(num "$two_alone_json" average_per_second)
    t4b=$(holds "$two_busiest <= 81")
fi
want memory && t5=$(holds "$big_anon - $small_anon <= 32768")
if want impact; then
    if [ "$pinned_busy_json" != null ]; then
        pinned_quiet_p99=$(num "$pinned_quiet_json" p99_ms); pinned_busy_p99=$(num "$pinned_busy_json" p99_ms)
        pinned_figure="$pinned_busy_p99 ms vs $pinned_quiet_p99 ms (ratio $(calc "$pinned_busy_p99 / $pinned_quiet_p99" 2))"
    else
        pinned_figure="n/a (one core)"
    fi
    t6=$(holds "$ratio < 1.5")
    t6_paced=$(holds "$paced_ratio < 1.5")
fi
want webhooks && t7=$(holds "$webhook_delivered_ms < 2000 && $webhook_read_ms < 2000")
want backlog && t8=$(holds "$noidx_rate * 3 >= $idx_rate")
want loop && t10=$(holds "$loop_busy_max < 100")
if want shop; then
    t11a=$(holds "$shop_a_rate >= 900")
    t11b=$(holds "$shop_backlog_ratio <= 2")
    t11c=$(holds "$shop_idle < 20")
fi
{
    cat "$OUT/machine.md"
    echo "## Targets"
    echo
    echo "| # | measurement | figure | target | |"
    echo "|---|---|---|---|---|"
    want idle && echo "| 1 | idle hourly run, fresh session, median | ${SIZES[0]} carts: $idle_small ms; ${SIZES[-1]} carts: $idle_large ms | < 100 ms and <= 2x | $(verdict "$t1") |"
    want throughput && echo "| 2 | 100 ms stand-in: concurrency 128 vs 1 | $tp_100_c128/s vs $tp_100_c1/s ($(calc "$tp_100_c128 / $tp_100_c1" 0)x) | >= 1,000/s and >= 50x | $(verdict "$t2") |"
    want throughput && echo "| 3 | instant stand-in, concurrency 128 | $tp_0_c128/s (stand-in alone: $ceiling_0/s) | >= 2,000/s | $(verdict "$t3") |"
    want rate && echo "| 4 | max_per_second = 80 | busiest 1-s window $busiest; average $average/s | <= 80; 76 to 84 | $(verdict "$t4") |"
    want rate && echo "| 4b | two concurrent callers (a run in each of two databases, one number), max_per_second = 80 | busiest 1-s window $two_busiest; average $two_average/s together (one caller: $busiest, $average/s; two without the preload: $two_alone_busiest, $two_alone_average/s) | <= 81 (the limit + 1) | $(verdict "$t4b") |"
    want memory && echo "| 5 | backend private memory (RssAnon peak) | $small_sent messages: $((small_anon / 1024)) MB; $big_sent messages: $((big_anon / 1024)) MB (VmHWM with shared buffers: $((small_hwm / 1024)) / $((big_hwm / 1024)) MB) | within 32 MB | $(verdict "$t5") |"
    want impact && echo "| 6 | pgbench cart updates p99, during a full-speed run (concurrency 128, 100 ms answers) vs quiet, median of $IMPACT_REPEATS | ratios ${full_ratios[*]}: **$ratio** (quiet p99 median $quiet_p99 ms) | < 1.5 | $(verdict "$t6") |"
    want impact && echo "| 6b | the same during a run at the default settings (32, 70/s, batches of 100) | ratios ${paced_ratios[*]}: **$paced_ratio** | < 1.5 | $(verdict "$t6_paced") |"
    want impact && echo "| 6c | the same during a run at 300/s (128, 100 ms answers, batches of 1,000) | ratios ${rate300_ratios[*]}: **$rate300_ratio** | < 1.5 | $(verdict "$(holds "$rate300_ratio < 1.5")") |"
    want impact && echo "| 6d | calibration, no run: a process as busy as the run's backend in 6 (median $run_cpu% of a core, in 10 ms cycles) | ratios ${bursts_ratios[*]}: **$bursts_ratio** | | |"
    want impact && echo "| 6e | 6 with the run and the stand-in on one core, PostgreSQL's other processes and pgbench on the other (both phases pinned) | $pinned_figure | | |"
    want webhooks && echo "| 7 | cart_abandon_webhook: 10,000 statuses in 10 signed calls of 1,000 | delivered $webhook_delivered_ms ms; read $webhook_read_ms ms; the read bodies again (nothing to change) $webhook_again_ms ms | < 2,000 ms | $(verdict "$t7") |"
    want backlog && echo "| 8 | ${SIZES[-1]}-cart backlog (100 ms answers, concurrency 128): without the recommended indexes vs with | $noidx_rate/s ($noidx_sent in $noidx_s s) vs $idx_rate/s ($idx_sent in $idx_s s): $(calc "$idx_rate / $noidx_rate" 2)x | without <= 3x slower | $(verdict "$t8") |"
    want idle && echo "| 9 | cart_abandon_stats(), fresh session, median, with the indexes | ${SIZES[0]} carts: $stats_small ms; ${SIZES[-1]} carts: $stats_large ms | < 50 ms at ${SIZES[-1]} | $(verdict "$t9") |"
    want loop && echo "| 10 | a shopper's cart write beside a loop of cart_abandon_process calls ($loop_sent sent in $loop_took s, 100 ms stand-in): worst wait | $loop_busy_max ms (p99 $(num "$loop_busy_json" p99_ms) ms); quiet: $loop_quiet_max ms (p99 $(num "$loop_quiet_json" p99_ms) ms); a call with nothing due: $empty_call_ms ms | < 100 ms | $(verdict "$t10") |"
    if want shop; then
        echo "| 11a | $SHOP_CARTS-cart shop (six months, 70% never completed, a ledger of $shop_ledger rows): its $SHOP_DUE due carts, 100 ms answers, concurrency 128 | $shop_a_rate/s ($shop_a_sent in $shop_a_s s; stand-in alone: $ceiling_100/s) | >= 900/s | $(verdict "$t11a") |"
        echo "| 11b | that shop's week of backlog (runs stopped 7 days ago): without the recommended indexes vs with | $shop_noidx_sent in $shop_noidx_s s vs $shop_idx_sent in $shop_idx_s s: ${shop_backlog_ratio}x | <= 2x | $(verdict "$t11b") |"
        echo "| 11c | the idle hourly run right after that backlog, fresh session, median of $SHOP_IDLE_REPEATS | $shop_idle ms (${shop_idle_times[*]}; $shop_idle_scans); in a session that made one before: $shop_idle_warm ms | < 20 ms | $(verdict "$t11c") |"
    fi
    echo
    if want idle; then
    echo "## 1. Idle hourly run"
    echo
    echo "| carts | open, active in the 7-day window | generated in | catch-up run (first install) | idle run median | worst | scan | candidate query | its buffers | full scan |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${idle_rows[@]}"
    echo
    echo "Plans: \`idle_plan_<carts>.txt\`."
    echo
    echo "## 9. cart_abandon_stats() and cart_abandon_daily(30)"
    echo
    echo "| carts | stats median | worst | cart count of a full-scan run (cart_abandon.count_carts) | cart_abandon_daily(30) median |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${stats_rows[@]}"
    echo
    fi
    if want throughput; then
    echo "## 2 and 3. Throughput ($DUE due carts; against 100 ms answers, $SLOW_DUE at concurrency 1 and $((SLOW_DUE * 2)) at 8)"
    echo
    echo "| stand-in latency | max_concurrency | batch_size | messages | seconds | messages/s |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${throughput_rows[@]}"
    echo
    echo "Stand-in ceiling (wrk, 128 connections): $ceiling_0 requests/s answering at once; $ceiling_100 at 100 ms. Profile: $profile_note."
    echo
    fi
    if want rate; then
    echo "## 4. Rate limit"
    echo
    echo "\`$rate_json\`"
    echo
    echo "Two concurrent callers, preloaded: \`$two_json\`; not preloaded: \`$two_alone_json\`"
    echo
    fi
    if want impact; then
    echo "## 6. Impact"
    echo
    printf -- '- round: `%s`\n' "${impact_pairs[@]}"
    echo "- pinned (the run's backend and the stand-in on core 1, the rest of PostgreSQL and pgbench on core 0): quiet \`$pinned_quiet_json\`, during the full-speed run \`$pinned_busy_json\`"
    echo
    fi
    if want shop; then
    echo "## 11. A $SHOP_CARTS-cart shop"
    echo
    echo "Generated in $shop_generate_s s: $shop_window open carts active in the 7-day window, $shop_ledger ledger rows."
    echo "a: $shop_a_examined examined, $shop_a_skipped skipped or held. b with the indexes: $shop_idx_examined examined."
    echo
    echo "| run | batches, sampled from cart_abandon.runs every 100 ms |"
    echo "|---|---|"
    echo "| a. $SHOP_DUE due | \`$shop_a_batches\` |"
    echo "| b. backlog, without the indexes | \`$shop_noidx_batches\` |"
    echo "| b. backlog, with them | \`$shop_idx_batches\` |"
    echo
    echo "Statements over 50 ms in each run, by statement, with their plans: \`shop_*.statements.txt\`; EXPLAIN ANALYZE of a dry run's: \`shop_d_dry_run.statements.txt\`."
    fi
} > "$OUT/results.md"
( IFS=,; echo "{${json_rows[*]}}" ) > "$OUT/results.json"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$OUT/results.json"
sed -n '/^## Targets/,/^## [0-9]/p' "$OUT/results.md" | head -n -1
echo "bench: results in $OUT/results.md"
