#!/usr/bin/env bash
# Installs the Debian 12 packages cart_abandon builds, runs and is tested with.
# Does nothing when they are all present; needs root (or sudo) otherwise. The Medusa plugin and its
# end-to-end test (medusa/) also need Node.js 20 or later with npm, which Debian 12 does not have
# (its nodejs is 18; Medusa 2.21.2 wants ^20.19 or >=22.12): the machines this project runs on
# come with Node.js 20 and npm; medusa/e2e/run.sh stops with a message where they are missing.
# chromium: the e2e drives the admin page in it headless (playwright-core, never a downloaded browser).
set -euo pipefail

PACKAGES=(
    build-essential g++ make curl ca-certificates python3
    postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-pgtap
    libtap-parser-sourcehandler-pgtap-perl
    libcurl4-openssl-dev libssl-dev libphonenumber-dev libicu-dev nlohmann-json3-dev libgtest-dev
    clang-14 libclang-rt-14-dev clang-format-14
    nghttp2-server openssl
    gnuplot-nox wrk linux-perf
    libfaketime jq
    python3-aiosmtpd
    chromium
)

missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The server package would create and start a default cluster; the tests make their own.
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/cart-abandon.conf >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
