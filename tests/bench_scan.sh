#!/bin/sh
# bench_scan.sh: scan's MB/s over a source tree of about 200 MB (this
# repository's own sources copied over and over, with a few keys and model
# ids planted), beside ripgrep searching the same key patterns over the same
# tree on one core: the floor to approach. The machines are shared and
# noisy, so the figure is user CPU time (getrusage of the child; best of
# three runs each), not wall time; sys time is shown beside it. With
# BENCH_CALLGRIND=1 it also counts scan's instructions per byte under
# callgrind (slow, but the same on any load). A figure, never a pass or fail.
#   sh tests/bench_scan.sh BIN
set -eu
bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mb=${BENCH_SCAN_MB:-200}

cpu() { # best of 3 runs of "$@": "user_us sys_us" of the run with least user time
    python3 - "$@" <<'PY'
import resource, subprocess, sys
best = None
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
    if best is None or run[0] < best[0]:
        best = run
print(int(best[0] * 1e6), int(best[1] * 1e6))
PY
}
rate() { # bytes, microseconds -> MB/s
    awk "BEGIN {printf \"%.0f\", $1 / 1048576 / ($2 > 0 ? $2 : 1) * 1e6}"
}

i=0
mkdir -p "$tmp/tree"
while [ "$(du -sm "$tmp/tree" | cut -f1)" -lt "$mb" ]; do
    mkdir -p "$tmp/tree/copy$i"
    cp -r "$here/../src" "$here/../docs" "$here/unit" "$tmp/tree/copy$i/"
    printf 'KEY = "AIzaSyD3f8k2Lq9wPzR7tYb1mN4cV6xJ0hU5eGo"\nm = "gemini-1.5-pro"\n' > "$tmp/tree/copy$i/leak.py"
    i=$((i + 1))
done
bytes=$(du -sb "$tmp/tree" | cut -f1)
files=$(find "$tmp/tree" -type f | wc -l)
cat "$tmp/tree"/*/*/* > /dev/null 2>&1 || true # warm the page cache

set -- $(cpu "$bin" scan "$tmp/tree")
u_scan=$1
s_scan=$2
echo "scan: $(($bytes / 1048576)) MB in $files files (figures: user CPU time, best of 3)"
echo "  gemini-doctor scan: $(rate "$bytes" "$u_scan") MB/s ($((u_scan / 1000)) ms user, $(($2 / 1000)) ms sys)"
if command -v rg > /dev/null; then
    set -- $(cpu rg -c --no-ignore -j1 -e 'AIza[0-9A-Za-z_-]{35}' -e 'AQ\.[0-9A-Za-z_.-]{20,}' \
        -e 'ya29\.[0-9A-Za-z_.-]{20,}' "$tmp/tree")
    u_rg=$1
    s_rg=$2
    echo "  ripgrep -j1, key patterns only: $(rate "$bytes" "$u_rg") MB/s ($((u_rg / 1000)) ms user, $((s_rg / 1000)) ms sys)"
    echo "  ratio scan / ripgrep: $(awk "BEGIN {printf \"%.1f\", $u_scan / ($u_rg > 0 ? $u_rg : 1)}") in user CPU," \
        "$(awk "BEGIN {printf \"%.1f\", ($u_scan + $s_scan) / ($u_rg + $s_rg > 0 ? $u_rg + $s_rg : 1)}") in user + sys"
else
    echo "  ripgrep not installed (apt-get install ripgrep) for the comparison"
fi
if [ "${BENCH_CALLGRIND:-0}" = 1 ] && command -v valgrind > /dev/null; then
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" scan "$tmp/tree" 2>&1 >/dev/null |
        awk '/Collected :/ {print $NF}')
    echo "  callgrind: $ir instructions, $(awk "BEGIN {printf \"%.1f\", $ir / $bytes}") a byte"
fi
