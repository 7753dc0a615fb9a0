#!/bin/sh
# all.sh: the whole suite, as `make test` runs it. Each step prints its own
# `N passed, N failed` line; this adds them up and ends with one total line.
# Exit status 0 only when every step passed.
#   sh tests/all.sh BIN ASAN_BIN
set -u
bin=${1:-build/gemini-doctor}
asan_bin=${2:-build-asan/gemini-doctor}
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
status=0

# tee hides the step's exit status in plain sh; run each step in a subshell
# that records it.
run() {
    name=$1
    shift
    echo "== $name"
    rc_file=$(mktemp)
    { "$@"; echo $? > "$rc_file"; } 2>&1 | tee -a "$log"
    rc=$(cat "$rc_file")
    rm -f "$rc_file"
    if [ "$rc" != 0 ]; then
        status=1
        echo "== $name FAILED (exit $rc)"
        echo "step $name: 0 passed, 1 failed" >> "$log"
    fi
}

# The package test spends most of its time fetching a clean Debian 12
# chroot over the network: start it first, in the background, and collect
# its output at the end.
pkg_log=$(mktemp)
pkg_rc=$(mktemp)
{
    sh tests/package_test.sh > "$pkg_log" 2>&1
    echo $? > "$pkg_rc"
} &
pkg_pid=$!

for t in build/test_*; do
    [ -x "$t" ] && run "unit $(basename "$t")" "$t"
done
run "format" sh -c "make --no-print-directory check-format && echo 'format: 1 passed, 0 failed'"
run "rules lint" sh -c "'$bin' rules lint && echo 'lint: 1 passed, 0 failed'"
run "knowledge grep" python3 tests/knowledge_grep_test.py
run "cases" python3 tests/run.py --bin "$bin"
run "check formats" python3 tests/check_formats.py --bin "$bin"
run "secret" python3 tests/secret_test.py --bin "$bin"
run "rules update" python3 tests/rules_update_test.py --bin "$bin"
run "secret trace" python3 tests/secret_trace.py --bin "$bin"
run "oom sweep" python3 tests/oom_sweep.py --bin "$bin" --shim build/failalloc.so
run "locale" python3 tests/locale_test.py --bin "$bin"
run "exits" python3 tests/exit_test.py --bin "$bin"
run "readme examples" python3 tests/readme_test.py --bin "$bin"
run "completions" sh tests/completion_test.sh "$bin"
run "ci recipes" python3 tests/action_test.py --bin "$bin"
run "scan" python3 tests/scan_test.py --bin "$bin"
run "data-only cause" python3 tests/data_only_test.py --bin "$bin"
run "stats" python3 tests/stats_test.py --bin "$bin"
run "stats sql (duckdb, bigquery)" python3 tests/stats_sql_test.py --bin "$bin"
run "tui golden screens" python3 tests/tui_golden.py --bin "$bin"
run "tui in tmux" sh tests/tui_tmux_test.sh "$bin"
run "valgrind" sh tests/valgrind.sh "$bin"
# The three libFuzzer targets, briefly, from their seeds (make fuzz runs
# them long): a crash, leak or failed check in any of them fails the suite.
run "fuzz (short)" env FUZZ_SHORT=1 sh tests/fuzz.sh 2000 300
if [ -x "$asan_bin" ]; then
    for t in build-asan/test_*; do
        [ -x "$t" ] && run "asan unit $(basename "$t")" "$t"
    done
    run "asan cases" env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        python3 tests/run.py --bin "$asan_bin" --label asan
fi

wait "$pkg_pid"
run "package (deb, release, chroot)" sh -c "cat '$pkg_log'; exit \$(cat '$pkg_rc')"
rm -f "$pkg_log" "$pkg_rc"

awk '/[0-9]+ passed, [0-9]+ failed/ {
        for (i = 1; i <= NF; i++) {
            if ($(i+1) ~ /^passed,?$/) p += $i
            if ($(i+1) ~ /^failed,?$/) f += $i
        }
    }
    END { printf "\ntotal: %d passed, %d failed\n", p, f }' "$log"
exit $status
