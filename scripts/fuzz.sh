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

declare -A SOURCES=(
    [cursor]="src/core/codec/cursor.cpp src/core/codec/base64.cpp"
    [options]="src/core/model/config.cpp src/core/model/channel_settings.cpp src/core/transport/smtp_url.cpp src/core/transport/url_check.cpp"
    [phone]="src/core/contact/phone.cpp src/core/contact/phone_text.cpp"
    [response]="src/core/channels/whatsapp/cloud_api.cpp src/core/channels/whatsapp/errors.cpp src/core/delivery/outcome.cpp src/core/transport/redaction.cpp"
    [template_text]="src/core/content/message.cpp src/core/codec/percent.cpp src/core/channels/whatsapp/cloud_api.cpp src/core/channels/whatsapp/errors.cpp src/core/delivery/outcome.cpp src/core/transport/redaction.cpp"
    [webhook]="src/core/channels/whatsapp/webhook.cpp src/core/channels/whatsapp/webhook_account.cpp src/core/codec/string_defects.cpp src/core/channels/whatsapp/opt_out_text.cpp src/core/channels/whatsapp/signature.cpp src/core/codec/keyed_hash.cpp src/core/transport/redaction.cpp"
)
declare -A LIBS=([cursor]="-lcrypto" [options]="-lcurl" [phone]="-lphonenumber -licui18n -licuuc" [response]="-licuuc -lcurl" [template_text]="-licui18n -licuuc -lcurl"
                 [webhook]="-licui18n -licuuc -lcrypto")
targets=("$@")
# By default every target above, in name order.
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(printf '%s\n' "${!SOURCES[@]}" | sort)

failed=0
for name in "${targets[@]}"; do
    binary="$OUT/${name}_fuzzer"
    # shellcheck disable=SC2086
    $CXX_FUZZ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc \
        "fuzz/${name}_fuzzer.cpp" ${SOURCES[$name]} ${LIBS[$name]:-} -o "$binary"
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
