# dump_schema DB: the schema of a database as sorted lines, comparable between an upgraded and a
# fresh install (pg_dump's comments, blank lines, trailing commas and \restrict lines, which carry
# a random key per dump, left out).
dump_schema() {
    pg_dump -s "$1" | grep -v '^--' | grep -v '^$' | grep -v '^\\\(un\)\?restrict ' | sed 's/,$//' | sort
}
