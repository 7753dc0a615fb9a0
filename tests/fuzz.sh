#!/bin/sh
# Build the libFuzzer targets with clang (address and undefined behaviour
# sanitizers) into build-fuzz/ and run each to a number of executions:
#   fuzz_reader    pasted text in, evidence out (reader.c and its scanners)
#   fuzz_rules     evidence fields in, a diagnosis out (rules_match.c, diagnosis.c)
#   fuzz_response  HTTP response bytes in, evidence out (check's response path:
#                  probe_from_bytes, reader_read_response, diagnose)
# Seeds and dictionaries live in tests/fuzz/ (the case files' inputs seed the
# reader too). Inputs up to 64 KB: -len_control=0, or libFuzzer keeps them small.
# Usage: sh tests/fuzz.sh [RUNS] [SECONDS] [TARGET...]
#   RUNS executions per target (default 1000000, `make fuzz`), SECONDS a cap
#   on each run's time (default 5400); TARGET names a subset.
#   FUZZ_SHORT=1 (the short run of `make test`) starts from the seeds alone
#   in build-fuzz/corpus-TARGET-short, not from what long runs have grown.
# Prints `fuzz: N passed, N failed` (one a target) for tests/all.sh.
set -eu

runs=${1:-1000000}
seconds=${2:-5400}
shift 2 2>/dev/null || shift $#
targets=${*:-reader rules response}
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out"
status=0
passed=0
failed=0

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
    -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$out
    $(pkg-config --cflags libcjson libcurl ncursesw)"
# The libraries: the Makefile's own when it runs us (make fuzz), else these.
libs=${FUZZ_LIBS:-"$(pkg-config --libs libcjson ncursesw zlib sqlite3 2>/dev/null) -lm -ldl -lpthread"}
# Every target takes what the unit tests link (the Makefile's LIB_SRCS):
# the whole program but main.c and the file that reads its tables, so that
# no split of a file into two can leave a target with a missing symbol.
all_srcs="$(ls src/*.c | grep -Ev '^src/(main|cmd_completion)\.c$') $out/rules_builtin.c"
reader_srcs=$all_srcs
rules_srcs=$all_srcs
response_srcs=$all_srcs
sh src/embed.sh rules/*.json > "$out/rules_builtin.c"

for t in $targets; do
    eval "srcs=\$${t}_srcs"
    # shellcheck disable=SC2086
    $cc $flags -o "$out/fuzz_$t" "tests/fuzz/fuzz_$t.c" $srcs $libs
    corpus="$out/corpus-$t${FUZZ_SHORT:+-short}"
    if [ -n "${FUZZ_SHORT:-}" ]; then
        rm -rf "$corpus"
    fi
    mkdir -p "$corpus"
    case $t in
    reader)
        for f in tests/cases/*/*.case; do
            cp "$f" "$corpus/$(basename "$f")"
        done
        # Past findings, kept so that every run tries them again.
        cp tests/fuzz/seeds-reader/* "$corpus/"
        ;;
    *)
        cp tests/fuzz/seeds-"$t"/* "$corpus/"
        ;;
    esac
    echo "== fuzz_$t: $runs runs (at most $seconds s)"
    rc=0
    ASAN_OPTIONS=detect_leaks=1 "./$out/fuzz_$t" -runs="$runs" -max_total_time="$seconds" \
        -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 -reload=0 \
        -artifact_prefix="$out/$t-" \
        -dict="tests/fuzz/$t.dict" -print_final_stats=1 "$corpus" > "$out/$t.log" 2>&1 || rc=$?
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|stat::|ERROR|SUMMARY|Test unit written" "$out/$t.log" || true
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t FAILED (exit $rc); see $out/$t.log"
        status=1
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
