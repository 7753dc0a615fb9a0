#!/bin/sh
# bench.sh: what `make bench` prints. Figures, never pass/fail: these machines
# are shared and noisy, so each figure is a ratio measured in one run.
#  1. explain's whole-process time on a typical error body, beside `cat` of the
#     same file (N runs each, interleaved);
#  2. the reader's throughput (MB/s) on 50 MB logs (plain text and JSON lines)
#     with one error in each, beside grep -c on the same file;
#  3. stats' MB/s on JSON Lines and CSV beside jq, and its memory peak on a
#     1 GB log (tests/bench_stats.sh);
#  4. scan's MB/s over a source tree beside ripgrep (tests/bench_scan.sh);
#  5. check's wall time against the fake API with every response delayed
#     400 ms, as a ratio to 400 ms (tests/bench_check.sh).
set -eu
bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
N=${BENCH_RUNS:-200}

now_ns() { date +%s%N; }

cat > "$tmp/body.json" <<'JSON'
{
  "error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 20, model: gemini-3.8-flash\nPlease retry in 5.123s.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [
          {
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
            "quotaDimensions": { "location": "global", "model": "gemini-3.8-flash" },
            "quotaValue": "20"
          }
        ]
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [ { "description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits" } ]
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "5s" }
    ]
  }
}
JSON

t_explain=0
t_cat=0
i=0
while [ $i -lt "$N" ]; do
    a=$(now_ns)
    "$bin" explain "$tmp/body.json" > /dev/null
    b=$(now_ns)
    cat "$tmp/body.json" > /dev/null
    c=$(now_ns)
    t_explain=$((t_explain + b - a))
    t_cat=$((t_cat + c - b))
    i=$((i + 1))
done
awk -v e="$t_explain" -v c="$t_cat" -v n="$N" 'BEGIN {
    printf "explain, whole process, typical 429 body: %.2f ms per run; cat: %.2f ms; ratio %.1fx (%d runs each)\n",
        e / n / 1e6, c / n / 1e6, e / c, n }'

# Two 50 MB logs, one real error in the middle of each: plain text lines and
# JSON lines. explain reads each as a stream; grep -c on the same file is the
# yardstick. Best of 3 runs each, so that a loaded machine counts less.
python3 - "$tmp" "$tmp/body.json" <<'PY'
import json, sys
tmp, body = sys.argv[1], open(sys.argv[2]).read()
logs = {
    "text": ("2026-11-28T10:00:00.000Z INFO worker-3 handled request id=%08d in 12ms status=200 path=/v1/items\n",
             "2026-11-28T10:00:01.000Z ERROR worker-3 upstream failed: " + body.replace("\n", " ") + "\n"),
    "jsonl": ('{"ts":"2026-11-28T10:00:00Z","level":"info","msg":"request handled","req_id":"%08d","latency_ms":12,"status":200,"path":"/v1/items"}\n',
              '{"ts":"2026-11-28T10:00:01Z","level":"error","msg":"upstream failed","error":' + json.dumps(body) + '}\n'),
}
for name, (line, err) in logs.items():
    with open("%s/%s.log" % (tmp, name), "w") as f:
        size, i = 0, 0
        while size < 25 * 1024 * 1024:
            s = line % i; f.write(s); size += len(s); i += 1
        f.write(err)
        while size < 50 * 1024 * 1024:
            s = line % i; f.write(s); size += len(s); i += 1
PY
best_ns() { # best wall time of 3 runs of "$@", output discarded
    best=0
    for r in 1 2 3; do
        a=$(now_ns)
        "$@" > /dev/null 2>&1 || true
        b=$(now_ns)
        if [ $best -eq 0 ] || [ $((b - a)) -lt $best ]; then best=$((b - a)); fi
    done
    echo $best
}
for kind in text jsonl; do
    f="$tmp/$kind.log"
    size=$(wc -c < "$f")
    t_r=$(best_ns "$bin" explain -q "$f")
    t_g=$(best_ns grep -c error "$f")
    awk -v k="$kind" -v s="$size" -v t="$t_r" -v g="$t_g" 'BEGIN {
        printf "reader, 50 MB %s log with one error: %.0f ms, %.0f MB/s; grep -c: %.0f ms, %.0f MB/s; ratio %.1fx grep\n",
            k, t / 1e6, s / 1e6 / (t / 1e9), g / 1e6, s / 1e6 / (g / 1e9), t / g }'
    "$bin" explain -q "$f" > "$tmp/big.out" || true
    grep -q 'quota-rpd' "$tmp/big.out" && echo "  (the error was found: $(head -1 "$tmp/big.out"))"
done
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "reader memory: %M KB peak for the 50 MB jsonl log" "$bin" explain -q "$tmp/jsonl.log" > /dev/null 2> "$tmp/mem" || true
    tail -1 "$tmp/mem"
fi

if [ -f "$here/bench_stats.sh" ]; then
    sh "$here/bench_stats.sh" "$bin"
fi

if [ -f "$here/bench_scan.sh" ]; then
    sh "$here/bench_scan.sh" "$bin"
fi

if [ -f "$here/bench_check.sh" ]; then
    sh "$here/bench_check.sh" "$bin"
fi
