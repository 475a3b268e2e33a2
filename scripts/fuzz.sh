#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang-14 (-fsanitize=fuzzer,address,undefined) and
# runs each for FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/<name>. Fails on
# any crash, leak or sanitizer report; a reproducer is left in build/fuzz/. Prints one line per
# target with its executions. Usage: scripts/fuzz.sh [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-60}"
CXX_FUZZ="${CXX_FUZZ:-clang++-14}"
OUT=build/fuzz
mkdir -p "$OUT"

# Every target links the whole core, as an archive of objects built once with the fuzzing flags:
# the linker takes what each target needs, so no list of sources per target can go stale when a
# core file comes to call another (it did, twice).
FLAGS=(-std=c++17 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -Isrc)
LIBS="-lcurl -lphonenumber -licui18n -licuuc -lcrypto"
mkdir -p "$OUT/core"
find src/core -name '*.cpp' | sort | while read -r source; do
    object="$OUT/core/$(echo "${source#src/core/}" | tr '/' '_' | sed 's/\.cpp$/.o/')"
    [ "$object" -nt "$source" ] && ! find src/core -name '*.hpp' -newer "$object" | grep -q . && continue
    echo "$source $object"
done | xargs -r -P "$(nproc)" -n 2 sh -c "$CXX_FUZZ ${FLAGS[*]} -fsanitize=fuzzer-no-link -c \"\$0\" -o \"\$1\""
# Only the objects of today's sources: one of a file since moved or deleted would define its symbols twice.
rm -f "$OUT/libcore.a"
find src/core -name '*.cpp' | sort | sed -e 's|^src/core/||' -e 's|/|_|g' -e 's|\.cpp$|.o|' -e "s|^|$OUT/core/|" |
    xargs ar rcs "$OUT/libcore.a"
# Every target, by its file fuzz/<name>_fuzzer.cpp.
mapfile -t all_targets < <(ls fuzz/*_fuzzer.cpp | sed 's|fuzz/\(.*\)_fuzzer\.cpp|\1|' | sort)
targets=("$@")
# By default every target, in name order.
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

failed=0
for name in "${targets[@]}"; do
    binary="$OUT/${name}_fuzzer"
    # shellcheck disable=SC2086
    $CXX_FUZZ "${FLAGS[@]}" -fsanitize=fuzzer "fuzz/${name}_fuzzer.cpp" "$OUT/libcore.a" $LIBS -o "$binary"
    work="$OUT/corpus_$name"
    rm -rf "$work" && mkdir -p "$work"
    log="$OUT/$name.log"
    # A target's dictionary (fuzz/<name>.dict), when it has one, keeps mutations in its input's shape.
    dict=()
    [ -f "fuzz/$name.dict" ] && dict=(-dict="../../fuzz/$name.dict")
    if (cd "$OUT" && "./${name}_fuzzer" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1 \
            "${dict[@]}" "corpus_$name" "../../fuzz/corpus/$name" > "$name.log" 2>&1); then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $name: ok, $runs executions in ${SECONDS_EACH} s, corpus $(ls "$work" | wc -l) new inputs"
    else
        failed=$((failed + 1))
        echo "fuzz: $name: FAILED (see below; reproducer in $OUT)"
        # The failing frames of our code and the input (base64), so a CI log alone can reproduce it.
        grep -E "ERROR|SUMMARY|==[0-9]+==|crash-|leak-|Base64:| in .*(fuzz|src)/" "$log" | head -30
    fi
done
[ "$failed" -eq 0 ]
