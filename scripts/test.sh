#!/usr/bin/env bash
# The whole test suite: builds with warnings as errors, installs the extension, starts a
# throw-away PostgreSQL 15 (pg_cron preloaded) and the WhatsApp stand-in on 127.0.0.1, then runs
# the GoogleTest unit tests of the core, every pgTAP file under test/sql and every TAP shell test
# under test/shell (those that need several sessions or a crash).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
make -s WERROR=1 -j"$(nproc)"
$SUDO make -s install > /dev/null

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
unit_failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\?, listed below:$/\1/p' "$log" | tail -1)

local_env_template ca_template
local_env_load_fixtures ca_cron
psql -X -q -d ca_cron -c "CREATE EXTENSION pg_cron" > /dev/null

log="$LOCAL_ENV_DIR/sql.log"
set +e
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/sql/*.sql test/shell/[0-9]*.sh)
prove --failures --comments --exec "$PWD/test/bin/run-sql-test" "${files[@]}" 2>&1 | tee "$log"
sql_status=${PIPESTATUS[0]}
set -e
sql_total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -1)
sql_failed=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')

passed=$(( ${unit_passed:-0} + ${sql_total:-0} - sql_failed ))
failed=$(( ${unit_failed:-0} + sql_failed ))
if [ "$unit_status" -ne 0 ] || [ "$sql_status" -ne 0 ]; then
    [ "$failed" -gt 0 ] || failed=1
    [ "$sql_status" -ne 0 ] && [ "$sql_failed" -eq 0 ] && echo "a pgTAP file stopped early (see above)"
fi
echo "unit: ${unit_passed:-0} passed; sql: ${sql_total:-0} run in ${#files[@]} files"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
