#!/usr/bin/env python3
"""stats_sql_test.py: the SQL `gemini-doctor stats --sql` prints gives the
figures of the report. On the logs tests/stats_gen.py writes, the DuckDB SQL
is run in DuckDB (tests/tools/duckdb_run.mjs, over the files themselves and
over a table) and every figure it has is compared with `stats --format json`
on the same files: any difference fails. The BigQuery SQL cannot run here:
each query is parsed with node-sql-parser's BigQuery dialect
(tests/tools/bigquery_parse.cjs) and the script, but for the 429 dimension
CASE that the rules generate, is compared with a golden file. DuckDB and the parser come from npm (.ci/install-deps); when
they are missing, that is a failure, said in capitals.

    python3 tests/stats_sql_test.py --bin build/gemini-doctor [--update]

Ends with `stats sql: N passed, N failed`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stats_gen  # noqa: E402

GOLDEN = os.path.join(HERE, "golden", "stats_sql")
NPM_DIR = os.environ.get("GD_NPM_DIR", "/usr/local/lib/gemini-doctor-npm")

passed = 0
failed = 0
quiet = False


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        if not quiet:
            print("FAIL %s %s" % (name, detail))


def stats(binary, args):
    env = dict(os.environ)
    for k in ("NO_COLOR", "LC_ALL", "LC_CTYPE", "LANG", "COLUMNS"):
        env.pop(k, None)
    env["GEMINI_DOCTOR_NOW"] = "2026-11-28T12:00:00Z"
    p = subprocess.run([binary, "stats"] + args, capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def installed(what, tool):
    node = shutil.which("node")
    ok = node is not None and subprocess.run(
        [node, "-e", "require.resolve(process.argv[1])", os.path.join(NPM_DIR, "node_modules",
                                                                     tool)],
        capture_output=True).returncode == 0
    if not ok:
        print("!!! %s IS NOT INSTALLED (node: %s; %s/node_modules/%s): run .ci/install-deps"
              " as root. THE SQL IS NOT CHECKED." % (what.upper(), node or "missing", NPM_DIR,
                                                     tool))
    check("%s installed" % what, ok)
    return ok


def duckdb(sql_path):
    p = subprocess.run(["node", os.path.join(HERE, "tools", "duckdb_run.mjs"), sql_path],
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        return None, p.stderr.decode()
    return json.loads(p.stdout), ""


def close(a, b, rel):
    return a is not None and b is not None and abs(a - b) <= rel * max(abs(a), abs(b))


def compare(label, c, q):
    """Every figure the SQL has against the report's."""
    def eq(name, got, want):
        check("%s %s" % (label, name), got == want, "sql %r, report %r" % (got, want))

    t = q["totals"][0]
    eq("requests", t["requests"], c["requests"])
    eq("errors", t["errors"], c["errors"])
    eq("error_rate", t["error_rate"], c["error_rate"])
    eq("span", [t["first"], t["last"]], [c["span"]["first"], c["span"]["last"]])
    eq("by_code", {str(r["code"]): r["count"] for r in q["by_code"]},
       {k: v["count"] for k, v in c["by_code"].items()})
    eq("by_code share", {str(r["code"]): r["share"] for r in q["by_code"]},
       {k: v["share"] for k, v in c["by_code"].items()})
    series = q["over_time_%s" % c["over_time"]["bucket"]]
    keys = ("start", "requests", "errors", "e429", "e5xx")
    eq("over_time", [tuple(r[k] for k in keys) for r in series],
       [tuple(r[k] for k in keys) for r in c["over_time"]["series"] if r["requests"]])
    peak = q["peak_429_hour"][0] if q["peak_429_hour"] else {}
    eq("peak_429_hour", [peak.get(k) for k in keys], [c["peak_429_hour"].get(k) for k in keys])
    hkeys = ("hour", "requests", "errors", "e429", "e5xx")
    eq("hour_of_day pacific", [tuple(r[k] for k in hkeys) for r in q["hour_of_day_pacific"]],
       [tuple(r[k] for k in hkeys) for r in c["hour_of_day"]["pacific"] if r["requests"]])
    if "local" in c["hour_of_day"]:
        eq("hour_of_day tz", [tuple(r[k] for k in hkeys) for r in q["hour_of_day_tz"]],
           [tuple(r[k] for k in hkeys) for r in c["hour_of_day"]["local"] if r["requests"]])
    eq("429 by dimension", {r["dimension"]: r["count"] for r in q["quota_429"]},
       {k: v for k, v in c["quota_429"]["by_dimension"].items() if v})
    eq("429 by tier", {r["tier"]: r["count"] for r in q["quota_tier"]},
       {k: v for k, v in c["quota_429"]["tier"].items() if v})
    d = q["daily_runout"][0]
    cd = c["quota_429"].get("daily_runout", {"days": 0})
    eq("daily runout", [d["days"], d["median_pt"], d["earliest_pt"], d["latest_pt"]],
       [cd["days"], cd.get("median_pt"), cd.get("earliest_pt"), cd.get("latest_pt")])
    ps = c["prompt_size"]
    eq("prompt size", [(r["size_from"], r["requests"], r["e500"], r["e504"])
                       for r in q["prompt_size"]],
       [(b["from"], b["requests"], b["e500"], b["e504"]) for b in ps["buckets"] if b["requests"]])
    cl = q["prompt_cluster"][0] if q["prompt_cluster"] else {}
    eq("cluster above", [cl.get("cluster_above"), cl.get("share_above")],
       [ps.get("cluster_above"), ps.get("share_above")])
    if "by" in c:
        # Ties have no order in the report: both sides sorted as the SQL is.
        def top(rows):
            return sorted(((r["value"], r["count"], round(r["share"], 4)) for r in rows),
                          key=lambda r: (-r[1], r[0]))
        for sql_name, key in (("by_requests", "requests"), ("by_errors", "errors"),
                              ("by_429", "e429")):
            eq("by %s" % key, top(q[sql_name]), top(c["by"][key]))
    lat = {r["outcome"]: r for r in q["latency_ms"]}
    for outcome in ("success", "failure"):
        cr, qr = c["latency_ms"].get(outcome, {}), lat.get(outcome, {})
        eq("latency %s count" % outcome, qr.get("count", 0), cr.get("count", 0))
        # The report reads percentiles from a histogram of 10% buckets
        # (within 5% of the true value); DuckDB computes them exactly.
        for p in ("p50", "p90", "p99"):
            check("%s latency %s %s" % (label, outcome, p), close(qr.get(p), cr.get(p), 0.06),
                  "sql %r, report %r" % (qr.get(p), cr.get(p)))


def duckdb_checks(binary, d):
    runs = [
        ("jsonl", ["log.jsonl"], ["--by", "feature", "--tz", "Europe/Paris"]),
        ("csv", ["log.csv"], ["--by", "feature", "--tz", "+05:30"]),
        ("gzip", ["log.jsonl.gz"], ["--by", "model"]),
        ("two files", ["log.jsonl", "log.csv"], ["--by", "feature", "--tz", "-03:00"]),
        ("window", ["log.jsonl"], ["--by", "feature", "--since", "2026-11-25T00:00:00Z",
                                   "--until", "2026-11-26T18:00:00Z"]),
    ]
    for label, files, extra in runs:
        paths = [os.path.join(d, f) for f in files]
        rc, out, err = stats(binary, paths + extra + ["--format", "json"])
        check("%s report" % label, rc == 0, err)
        report = json.loads(out)
        rc, sql, err = stats(binary, paths + extra + ["--sql", "duckdb"])
        check("%s sql exit" % label, rc == 0, err)
        sql_path = os.path.join(d, "q.sql")
        with open(sql_path, "w") as f:
            f.write(sql)
        q, err = duckdb(sql_path)
        check("%s duckdb runs" % label, q is not None, err)
        if q is not None:
            compare("duckdb " + label, report, q)
    # Over a table: columns named with --field, the table loaded first.
    fields = ["--field", "time=timestamp", "--field", "status=status_code", "--field",
              "input_tokens=prompt_tokens", "--field", "latency=duration_ms", "--field",
              "error=error_message"]
    rc, sql, err = stats(binary, ["--sql", "duckdb", "--sql-table", "logs", "--by", "feature",
                                  "--tz", "America/Los_Angeles"] + fields)
    check("table sql exit", rc == 0, err)
    load = ("-- gd:load\nCREATE TABLE logs AS SELECT * FROM read_csv('%s', header = true);\n"
            % os.path.join(d, "log.csv"))
    sql_path = os.path.join(d, "t.sql")
    with open(sql_path, "w") as f:
        f.write(load + sql)
    q, err = duckdb(sql_path)
    check("table duckdb runs", q is not None, err)
    rc, out, err = stats(binary, [os.path.join(d, "log.csv"), "--by", "feature", "--tz",
                                  "America/Los_Angeles", "--format", "json"])
    if q is not None:
        compare("duckdb table", json.loads(out), q)
    # A planted pattern proves the comparison can fail: a figure changed in
    # the SQL must show as a difference.
    rc, sql, err = stats(binary, [os.path.join(d, "log.jsonl"), "--sql", "duckdb"])
    sql_path = os.path.join(d, "bad.sql")
    with open(sql_path, "w") as f:
        f.write(sql.replace("status >= 400 OR", "status > 429 OR", 1))
    q, err = duckdb(sql_path)
    rc, out, err = stats(binary, [os.path.join(d, "log.jsonl"), "--format", "json"])
    global passed, failed, quiet
    before = (passed, failed)
    quiet = True
    compare("planted", json.loads(out), q or {})
    quiet = False
    caught = failed > before[1]
    passed, failed = before
    check("a changed figure is caught", caught)


def bigquery_checks(binary, d, update):
    runs = [
        ("bigquery_table.sql", ["--sql-table", "my-project.logs.gemini_requests", "--by",
                                "feature", "--tz", "Europe/Paris"]),
        ("bigquery_mapped.sql", [os.path.join(d, "log.jsonl"), "--by", "feature", "--tz",
                                 "+05:30", "--since", "2026-11-25T00:00:00Z"]),
    ]
    for name, args in runs:
        rc, sql, err = stats(binary, ["--sql", "bigquery"] + args)
        check("%s exit" % name, rc == 0, err)
        sql = sql.replace(d, "DIR")
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(sql)
        p = subprocess.run(["node", os.path.join(HERE, "tools", "bigquery_parse.cjs"), path],
                           capture_output=True, timeout=120)
        check("%s parses as BigQuery" % name, p.returncode == 0, p.stderr.decode())
        # The 429 dimension CASE is generated from the rules and changes with
        # them: the golden holds the rest (DuckDB checks what it decides).
        start = sql.find("CASE WHEN is_error AND status = 429 THEN\n")
        end = sql.find("END AS dimension", start)
        check("%s has the dimension CASE" % name, 0 <= start < end, "")
        sql = sql[:start] + "<the 429 dimension CASE, from the rules>\n       " + sql[end:]
        golden = os.path.join(GOLDEN, name)
        if update:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(golden, "w") as f:
                f.write(sql)
        want = open(golden).read() if os.path.exists(golden) else ""
        check("%s golden" % name, sql == want,
              "differs from %s (python3 tests/stats_sql_test.py --update, then review)" % golden)
    # The parser refuses what is not BigQuery (DuckDB's integer division).
    path = os.path.join(d, "duck.sql")
    with open(path, "w") as f:
        f.write("-- gd:x\nSELECT n // 2 FROM t;\n")
    p = subprocess.run(["node", os.path.join(HERE, "tools", "bigquery_parse.cjs"), path],
                       capture_output=True, timeout=120)
    check("the parser refuses DuckDB syntax", p.returncode == 1, p.stderr.decode())


def usage_checks(binary, d):
    """What needs the generator's files (the rest are cases/stats/sql-*.case)."""
    rc, out, err = stats(binary, [os.path.join(d, "log.txt"), "--sql", "duckdb"])
    check("text log refused", rc == 64 and "JSON Lines and CSV" in err, err)
    rc, out, err = stats(binary, [os.path.join(d, "log.sqlite"), "--table", "requests",
                                  "--sql", "duckdb"])
    check("sqlite refused", rc == 64 and "JSON Lines and CSV" in err, err)
    rc, out, err = stats(binary, [os.path.join(d, "nope.jsonl"), "--sql", "duckdb"])
    check("missing file", rc == 66, err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("--update", action="store_true", help="rewrite the golden BigQuery SQL")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as d:
        stats_gen.write_all(d, 6000)
        usage_checks(binary, d)
        if installed("duckdb", "@duckdb/node-api"):
            duckdb_checks(binary, d)
        if installed("node-sql-parser", "node-sql-parser"):
            bigquery_checks(binary, d, a.update)
    print("stats sql: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
