# Minimal TAP for the shell tests: plan N; ok COND DESC; is HAVE WANT DESC; q SQL (one value).
_tap_n=0
_tap_failed=0
plan() { echo "1..$1"; }
ok() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" = 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; _tap_failed=$((_tap_failed + 1)); fi
}
is() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" = "$2" ]; then echo "ok $_tap_n - $3"
    else echo "not ok $_tap_n - $3"; echo "#   have: $1"; echo "#   want: $2"; _tap_failed=$((_tap_failed + 1)); fi
}
q() { psql -X -qtA -v ON_ERROR_STOP=1 -c "$1"; }
