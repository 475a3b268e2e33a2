#!/usr/bin/env bash
# The whole test suite: builds with warnings as errors, installs the extension, starts a
# throw-away PostgreSQL 15 (pg_cron preloaded) and the WhatsApp stand-in on 127.0.0.1, then runs
# the GoogleTest unit tests of the core (plain, then under ASan and UBSan), every pgTAP file under
# test/sql, every TAP shell test under test/shell (several sessions, crashes; the upgrade test once
# per released version), and the libFuzzer
# targets for FUZZ_SECONDS each (default 60; 0 skips them), the benchmark at its smoke size, and
# the Medusa plugin's end-to-end test against a real Medusa (medusa/e2e/run.sh; MEDUSA_E2E=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s WERROR=1 -j"$(nproc)"
$SUDO make -s WERROR=1 install > /dev/null  # the same flags as the build: no rebuild

source scripts/lib/local-env.sh
trap local_env_stop EXIT
local_env_start
echo "PostgreSQL: $(psql -X -tA -c 'SHOW server_version'), stand-in at $STANDIN_URL"

log="$LOCAL_ENV_DIR/unit.log"
set +e
make -s WERROR=1 -j"$(nproc)" unittest 2>&1 | tee "$log"
unit_status=${PIPESTATUS[0]}
set -e
unit_passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?\.$/\1/p' "$log" | tail -1)
# GoogleTest's skips (a test that cannot hold as root, e.g.): named in the summary, not counted.
unit_skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\?, listed below:$/\1/p' "$log" | tail -1)
unit_failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\?, listed below:$/\1/p' "$log" | tail -1)
make -s WERROR=1 check-no-postgres || unit_failed=$(( ${unit_failed:-0} + 1 ))  # the core stays PostgreSQL-free
make -s check-format || unit_failed=$(( ${unit_failed:-0} + 1 ))  # one layout (.clang-format)

# With test files named, only those run (after the plain unit tests): no sanitizer build, no fuzzing.
[ $# -eq 0 ] || FUZZ_SECONDS=0
sanitized_passed=0
sanitized_failed=0
if [ $# -eq 0 ]; then
    log="$LOCAL_ENV_DIR/unit-sanitized.log"
    set +e
    make -s WERROR=1 -j"$(nproc)" unittest-sanitized > "$log" 2>&1
    sanitized_status=$?
    set -e
    sanitized_passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?\.$/\1/p' "$log" | tail -1)
    sanitized_failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\?, listed below:$/\1/p' "$log" | tail -1)
    if [ "$sanitized_status" -ne 0 ]; then
        grep -E "FAILED|ERROR|error:|runtime error|SUMMARY" "$log" | head -30 || true
        [ -n "$sanitized_failed" ] || sanitized_failed=1
    fi
    echo "unit tests under ASan+UBSan: ${sanitized_passed:-0} passed, ${sanitized_failed:-0} failed"
fi

# The stand-ins mirror Meta and Twilio, the sink an SMTP server: their own self-tests (signatures,
# webhooks, error shapes, SMTP replies).
standin_total=0
standin_failed=0
for selftest in test_standin test_twilio_standin test_smtp_sink; do
    log="$LOCAL_ENV_DIR/$selftest.log.test"
    set +e
    python3 "test/standin/$selftest.py" > "$log" 2>&1
    status=$?
    set -e
    ran=$(sed -n 's/^Ran \([0-9]*\) tests\?.*/\1/p' "$log" | tail -1)
    standin_total=$((standin_total + ${ran:-0}))
    if [ "$status" -ne 0 ]; then
        tail -30 "$log"
        failed=$(sed -n 's/^FAILED (\(failures\|errors\)=\([0-9]*\).*/\2/p' "$log" | tail -1)
        [ -n "$failed" ] && [ "$failed" -gt 0 ] || failed=1
        standin_failed=$((standin_failed + failed))
    fi
done
echo "stand-in self-test: $((${standin_total:-0} - standin_failed)) passed, $standin_failed failed"

fuzz_passed=0
fuzz_failed=0
if [ "${FUZZ_SECONDS:-60}" != 0 ]; then
    set +e
    scripts/fuzz.sh | tee "$LOCAL_ENV_DIR/fuzz.log"
    set -e
    fuzz_passed=$(grep -c ": ok," "$LOCAL_ENV_DIR/fuzz.log" || true)
    fuzz_failed=$(grep -c ": FAILED" "$LOCAL_ENV_DIR/fuzz.log" || true)
    # Every target in fuzz/ must report; one that printed nothing failed.
    fuzz_targets=$(find fuzz -maxdepth 1 -name '*_fuzzer.cpp' | wc -l)
    [ $((fuzz_passed + fuzz_failed)) -eq "$fuzz_targets" ] || fuzz_failed=$((fuzz_targets - fuzz_passed))
fi

local_env_template ca_template
local_env_load_fixtures ca_cron
psql -X -q -d ca_cron -c "CREATE EXTENSION pg_cron" > /dev/null

# The Medusa end-to-end test runs apart (its own server, shop and clock): named, or in a full run.
files=()
run_e2e=0
for file in "$@"; do
    if [ "$file" = medusa/e2e/run.sh ]; then run_e2e=1; else files+=("$file"); fi
done
if [ $# -eq 0 ]; then
    files=(test/sql/*.sql test/shell/[0-9]*.sh)
    [ "${MEDUSA_E2E:-1}" = 0 ] || run_e2e=1
fi
# The upgrade test runs once from every released version: each version an upgrade script starts
# from. FILE@VERSION names one of them (test/shell/600_upgrade.sh@1.3).
released_versions() {
    local script
    for script in sql/cart_abandon--*--*.sql sql/upgrades/*.list; do
        script="${script##*/}"
        script="${script#cart_abandon--}"
        echo "${script%%--*}"
    done | sort -u -V
}
cases=()
for file in "${files[@]}"; do
    if [[ "$file" == *_upgrade.sh ]]; then
        for version in $(released_versions); do cases+=("$file@$version"); done
    else
        cases+=("$file")
    fi
done
files=("${cases[@]}")

log="$LOCAL_ENV_DIR/sql.log"
sql_status=0
sql_total=0
sql_failed=0
if [ ${#files[@]} -gt 0 ]; then
    set +e
    prove --failures --comments --exec "$PWD/test/bin/run-sql-test" "${files[@]}" 2>&1 | tee "$log"
    sql_status=${PIPESTATUS[0]}
    set -e
    sql_total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -1)
    sql_failed=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
fi

# A script that stopped early (Bail out!, a wrong plan) counts as at least one failure.
e2e_total=0
e2e_failed=0
e2e_passed=0
if [ "$run_e2e" -eq 1 ]; then
    log="$LOCAL_ENV_DIR/e2e.log"
    set +e
    prove --failures --comments --exec bash medusa/e2e/run.sh 2>&1 | tee "$log"
    e2e_status=${PIPESTATUS[0]}
    set -e
    e2e_total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -1)
    e2e_failed=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    [ "$e2e_status" -eq 0 ] || [ "$e2e_failed" -gt 0 ] || e2e_failed=1
    e2e_passed=$(( ${e2e_total:-0} - e2e_failed < 0 ? 0 : ${e2e_total:-0} - e2e_failed ))
    echo "medusa e2e: $e2e_passed passed, $e2e_failed failed"
fi

# The benchmark at its smoke size, so that it never rots: every step runs and writes its
# results (the figures are not judged here; bench/RESULTS.md has the full-size ones).
bench_passed=0
bench_failed=0
if [ $# -eq 0 ]; then
    set +e
    BENCH_SCALE=smoke BENCH_OUT="$LOCAL_ENV_DIR/bench" bash bench/run.sh > "$LOCAL_ENV_DIR/bench.log" 2>&1
    bench_status=$?
    set -e
    if [ "$bench_status" -eq 0 ] && [ -s "$LOCAL_ENV_DIR/bench/results.md" ] && [ -s "$LOCAL_ENV_DIR/bench/throughput.png" ]; then
        bench_passed=1
        sed -n '/^| # |/,/^$/p' "$LOCAL_ENV_DIR/bench/results.md"
    else
        bench_failed=1
        tail -30 "$LOCAL_ENV_DIR/bench.log"
    fi
    echo "benchmark smoke run: $([ "$bench_passed" -eq 1 ] && echo ok || echo FAILED)"
fi

passed=$(( ${unit_passed:-0} + ${sanitized_passed:-0} + ${standin_total:-0} - standin_failed + fuzz_passed + ${sql_total:-0} - sql_failed + bench_passed + e2e_passed ))
failed=$(( ${unit_failed:-0} + ${sanitized_failed:-0} + standin_failed + fuzz_failed + sql_failed + bench_failed + e2e_failed ))
if [ "$unit_status" -ne 0 ] || [ "$sql_status" -ne 0 ]; then
    [ "$failed" -gt 0 ] || failed=1
    [ "$sql_status" -ne 0 ] && [ "$sql_failed" -eq 0 ] && echo "a pgTAP file stopped early (see above)"
fi
echo "unit: ${unit_passed:-0} passed${unit_skipped:+, $unit_skipped skipped} (+${sanitized_passed:-0} under sanitizers); fuzz targets: $fuzz_passed clean; stand-in self-test: ${standin_total:-0} run; pgTAP and shell TAP: ${sql_total:-0} run in ${#files[@]} files; medusa e2e: ${e2e_total:-0} run"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
