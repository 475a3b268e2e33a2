#!/usr/bin/env bash
# Installs the Debian 12 packages cart_abandon builds, runs and is tested with.
# Does nothing when they are all present; needs root (or sudo) otherwise.
set -euo pipefail

PACKAGES=(
    build-essential g++ make curl ca-certificates python3
    postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-pgtap
    libtap-parser-sourcehandler-pgtap-perl
    libcurl4-openssl-dev libssl-dev libphonenumber-dev libicu-dev nlohmann-json3-dev libgtest-dev
    clang-14 libclang-rt-14-dev
    nghttp2-server openssl
    gnuplot-nox wrk linux-perf
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
