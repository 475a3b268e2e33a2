# dump_schema DB: the schema of a database as sorted lines, comparable between an upgraded and a
# fresh install. --binary-upgrade: a plain pg_dump names an extension by its CREATE EXTENSION line
# alone, this one prints every member (tables, columns, functions with their bodies, grants).
# Left out: pg_dump's comments, blank lines, trailing commas, \restrict lines (a random key per
# dump), what differs between any two databases (the binary_upgrade_* calls with their OIDs, each
# table's relfrozenxid and OID) and the sequences' values (data, not schema).
dump_schema() {
    pg_dump -s --binary-upgrade "$1" | grep -v '^--' | grep -v '^$' | grep -v '^\\\(un\)\?restrict ' \
        | grep -v 'binary_upgrade_\|relfrozenxid\|^SELECT pg_catalog\.setval(\|^UPDATE pg_catalog\.pg_class$' \
        | grep -v "^WHERE oid = '[0-9]*';$" | sed 's/,$//' | sort
}

# is_fresh_schema DESC: one TAP assertion that $PGDATABASE's schema (upgraded in place) equals a
# fresh install of the current version in a new database; the difference is shown when not.
is_fresh_schema() {
    local fresh="fresh_$$" diff_file="/tmp/upgrade_schema_diff.$$"
    psql -X -q -c "CREATE DATABASE $fresh TEMPLATE ca_template" > /dev/null
    psql -X -q -d "$fresh" -c "CREATE EXTENSION cart_abandon" > /dev/null
    diff <(dump_schema "$fresh") <(dump_schema "$PGDATABASE") > "$diff_file" 2>&1
    # A dump without the extension's members would compare nothing of it.
    [ "$(dump_schema "$fresh" | grep -c '^CREATE TABLE cart_abandon\.deliveries ')" = 1 ] \
        || echo "the dump of a fresh install shows no table cart_abandon.deliveries" >> "$diff_file"
    is "$(wc -l < "$diff_file" | tr -d ' ')" "0" "$1"
    [ -s "$diff_file" ] && sed 's/^/#   /' "$diff_file" | head -20
    rm -f "$diff_file"
    psql -X -q -c "DROP DATABASE $fresh WITH (FORCE)" > /dev/null
}
