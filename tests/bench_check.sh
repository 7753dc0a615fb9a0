#!/bin/sh
# bench_check.sh: check's wall time against the fake Gemini API with every
# response delayed 400 ms, as a ratio to 400 ms (the median of several runs).
# The probes run concurrently, so a healthy check costs about one delay (a
# ratio near 1); probes run one after another would cost one delay each (about
# 4 for the list, get, generate and status probes). A figure, not pass/fail:
# called by tests/bench.sh (`make bench`). BENCH_CHECK_RUNS sets the count.
set -u

bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_CHECK_RUNS:-7}
delay_ms=400
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gemini-doctor-bench.XXXXXX") || exit 1
. "$here/fake-lib.sh"

if ! fake_start --delay-ms "$delay_ms"; then
    echo "bench_check: the fake Gemini API did not start" >&2
    exit 1
fi
url=$fake_url

key=AIzaTest_valid_xxxxxxxxxxxxxxxxxxxxxxxx
: > "$tmp/times"
bad=0
i=0
while [ $i -lt "$runs" ]; do
    a=$(date +%s%N)
    GOOGLE_API_KEY=$key "$bin" check --format json --model gemini-3.8-flash --base-url "$url" \
        --status-url "$url/incidents.json" --timeout 10 > "$tmp/out.json" 2> /dev/null
    rc=$?
    b=$(date +%s%N)
    [ "$rc" -eq 0 ] || bad=$((bad + 1))
    echo $((b - a)) >> "$tmp/times"
    i=$((i + 1))
done

sort -n "$tmp/times" | awk -v d="$delay_ms" -v n="$runs" -v bad="$bad" '
    { t[NR] = $1 }
    END {
        if (bad == n) {
            printf "check, every response delayed %d ms: no run of %d exited 0, so no figure\n", d, n
            exit 0
        }
        m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "check, every response delayed %d ms: median %.0f ms over %d runs = %.2fx the delay (min %.0f, max %.0f ms)\n",
            d, m / 1e6, n, m / 1e6 / d, t[1] / 1e6, t[NR] / 1e6
        if (bad)
            printf "  (note: %d of %d runs did not exit 0, so the figure may not be a full check)\n", bad, n
    }'
