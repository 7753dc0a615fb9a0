#!/bin/sh
# bench_stats.sh: the speed and memory of `stats`, printed by `make bench`.
# Figures, never pass/fail. The logs are tests/stats_gen.py's planted log
# repeated to size. For each of JSON Lines and CSV: stats' MB/s (CPU time,
# user + system, which a loaded machine does not inflate, and wall time),
# beside jq doing the simplest group-by (requests by status) over the same
# JSON Lines file, and DuckDB (from npm) running the SQL of stats --sql
# duckdb over the same files and the same group-by, in the same run; then
# stats' memory peak on a 1 GB log.
#   sh tests/bench_stats.sh BIN
set -eu
bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gd-bench-stats.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
MB=${BENCH_STATS_MB:-200}
GB_MB=${BENCH_STATS_PEAK_MB:-1024}

python3 "$here/stats_gen.py" "$tmp/g" > /dev/null
# Repeat one log to at least n MB: file, n, skip-header
grow() {
    src=$1 n=$2 out=$3 header=$4
    : > "$out"
    if [ "$header" = 1 ]; then
        head -1 "$src" > "$out"
        tail -n +2 "$src" > "$tmp/body"
        src="$tmp/body"
    fi
    while [ "$(wc -c < "$out")" -lt $((n * 1000000)) ]; do
        cat "$src" >> "$out"
    done
}

# CPU seconds (user + system) and wall seconds of a command, into $cpu $wall
measure() {
    /usr/bin/time -f "%U %S %e %M" -o "$tmp/time" "$@" > "$tmp/out" 2> /dev/null || true
    read -r u s e m < "$tmp/time"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    wall=$e
    peak_kb=$m
}

mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", b / 1e6 / t; else print "inf" }'; }

if ! [ -x /usr/bin/time ]; then
    echo "stats bench: /usr/bin/time is missing (Debian package 'time')"
    exit 0
fi
grow "$tmp/g/log.jsonl" "$MB" "$tmp/big.jsonl" 0
grow "$tmp/g/log.csv" "$MB" "$tmp/big.csv" 1
jsize=$(wc -c < "$tmp/big.jsonl")
csize=$(wc -c < "$tmp/big.csv")

echo "stats, $((jsize / 1000000)) MB JSON Lines, $((csize / 1000000)) MB CSV (best of 3 by CPU time):"
for form in jsonl csv; do
    f="$tmp/big.$form"
    size=$(wc -c < "$f")
    best_cpu=0 best_wall=0
    for r in 1 2 3; do
        measure "$bin" stats "$f" --by feature --format json
        if [ "$best_cpu" = 0 ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
            best_cpu=$cpu best_wall=$wall
        fi
    done
    echo "  stats $form: $(mbps "$size" "$best_cpu") MB/s CPU, $(mbps "$size" "$best_wall") MB/s wall ($best_cpu s CPU, $best_wall s wall)"
    eval "cpu_$form=\$best_cpu"
done
if command -v jq > /dev/null 2>&1; then
    measure jq -n 'reduce inputs as $r ({}; .[($r.status | tostring)] += 1)' "$tmp/big.jsonl"
    echo "  jq group-by status over the JSONL: $(mbps "$jsize" "$cpu") MB/s CPU, $(mbps "$jsize" "$wall") MB/s wall ($cpu s CPU)"
    awk -v a="$cpu" -v b="$cpu_jsonl" 'BEGIN { if (b > 0) printf "  ratio: stats (the whole report) is %.1fx jq (one group-by) on the same file\n", a / b }'
else
    echo "  jq: not installed (apt-get install jq), no comparison"
fi
# DuckDB from npm (.ci/install-deps): the SQL stats --sql duckdb prints (the
# figures SQL can compute) over the same files, and its simplest group-by.
# DuckDB runs on every core: its CPU time sums them, its wall time does not;
# both include starting node (about 0.1 s).
npm_dir=${GD_NPM_DIR:-/usr/local/lib/gemini-doctor-npm}
duck() {
    measure node "$here/tools/duckdb_run.mjs" "$1"
    if ! [ -s "$tmp/out" ]; then
        echo "  duckdb: the query failed: node $here/tools/duckdb_run.mjs $1"
        return 1
    fi
}
if command -v node > /dev/null 2>&1 && [ -f "$npm_dir/node_modules/@duckdb/node-api/package.json" ]; then
    for form in jsonl csv; do
        f="$tmp/big.$form"
        size=$(wc -c < "$f")
        "$bin" stats --sql duckdb "$f" --by feature > "$tmp/q.sql"
        duck "$tmp/q.sql" || continue
        eval "stats_cpu=\$cpu_$form"
        echo "  duckdb, the stats --sql script over the $form: $(mbps "$size" "$cpu") MB/s CPU, $(mbps "$size" "$wall") MB/s wall ($cpu s CPU, $wall s wall)"
        awk -v a="$cpu" -v b="$stats_cpu" 'BEGIN { if (b > 0) printf "  ratio: stats is %.1fx DuckDB running the same figures (CPU time)\n", a / b }'
    done
    printf -- "-- gd:group\nSELECT status, COUNT(*) AS n FROM read_json_auto('%s') GROUP BY 1;\n" \
        "$tmp/big.jsonl" > "$tmp/group.sql"
    if duck "$tmp/group.sql"; then
        echo "  duckdb group-by status over the JSONL (read_json_auto): $(mbps "$jsize" "$cpu") MB/s CPU, $(mbps "$jsize" "$wall") MB/s wall ($cpu s CPU)"
        awk -v a="$cpu" -v b="$cpu_jsonl" 'BEGIN { if (b > 0) printf "  ratio: stats (the whole report) is %.1fx DuckDB (one group-by), CPU time\n", a / b }'
    fi
else
    echo "  DuckDB: NOT INSTALLED (no $npm_dir/node_modules/@duckdb/node-api; .ci/install-deps installs it from npm), no comparison"
fi

# Memory peak on a 1 GB log: the same whatever the size.
grow "$tmp/g/log.jsonl" "$GB_MB" "$tmp/huge.jsonl" 0
rm -f "$tmp/big.jsonl" "$tmp/big.csv"
hsize=$(wc -c < "$tmp/huge.jsonl")
measure "$bin" stats "$tmp/huge.jsonl" --by feature --format json
echo "stats, $((hsize / 1000000)) MB JSON Lines: memory peak $((peak_kb / 1024)) MiB (max RSS), $(mbps "$hsize" "$cpu") MB/s CPU"
measure "$bin" stats "$tmp/g/log.jsonl" --by feature --format json
echo "  the same report on the $(($(wc -c < "$tmp/g/log.jsonl") / 1000000)) MB log: memory peak $((peak_kb / 1024)) MiB"
