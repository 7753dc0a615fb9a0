#!/bin/sh
# Build the reader's libFuzzer target with clang (address and undefined
# behaviour sanitizers) into build-fuzz/ and run it for a bounded time.
# Usage: sh tests/fuzz.sh [SECONDS]   (default 60; `make fuzz` calls this)
set -eu

seconds=${1:-60}
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out/corpus"

cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
    for v in 19 18 17 16 15 14; do
        if command -v "clang-$v" >/dev/null 2>&1; then
            cc=clang-$v
            break
        fi
    done
fi

flags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc
    $(pkg-config --cflags libcjson)"
# The reader's files and what they use, with the rules table that hands it
# its vocabulary; nothing with a main().
sh src/embed.sh rules/*.json > "$out/rules_builtin.c"
srcs="src/reader.c src/read_cand.c src/read_kv.c src/read_text.c src/textfix.c
    src/evidence.c src/keymask.c src/util.c src/rules.c $out/rules_builtin.c"
# shellcheck disable=SC2086
$cc $flags -o "$out/fuzz_reader" tests/fuzz_reader.c $srcs $(pkg-config --libs libcjson) -lm

# Seeds: every case file's input (headers included; the fuzzer cuts them up).
for f in tests/cases/samples/*.case tests/cases/rules/*.case; do
    [ -f "$f" ] && cp "$f" "$out/corpus/$(basename "$f")"
done
cat > "$out/reader.dict" <<'DICT'
"\"error\""
"'error'"
"\\\"error\\\""
"\"code\": "
"\"message\": "
"\"status\": "
"RESOURCE_EXHAUSTED"
"INVALID_ARGUMENT"
"\"details\": ["
"\"@type\": \"type.googleapis.com/google.rpc.QuotaFailure\""
"\"quotaDimensions\": {"
"\"retryDelay\": \"37s\""
"retry_delay {"
"metadata {"
"key: \""
"value: \""
"[reason: \""
"HTTP/1.1 429 Too Many Requests"
"got status: "
"[429 Too Many Requests]"
"Retry-After: 30"
"models/"
"limit: 0"
"Please retry in 37.5s"
"reset after 4h28m20s"
"key=AIzaSyD3m0Fak3K3yF0rT3st1ngOnly12345678"
"\\n"
"\\u00e9"
"\xe2\x94\x82"
"\xe2\x80\x9c"
"\xef\xbc\x82"
"<title>"
DICT
ASAN_OPTIONS=detect_leaks=1 "./$out/fuzz_reader" -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/" -dict="$out/reader.dict" -print_final_stats=1 "$out/corpus"
