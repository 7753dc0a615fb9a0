#!/usr/bin/env python3
"""stats_test.py: end-to-end tests of `gemini-doctor stats` on the logs
tests/stats_gen.py writes with planted patterns. Every input form (JSON
Lines, CSV, an SDK text log, gzip, several files at once) must find each
pattern with the figure the generator planted, in the JSON report and in the
text report. Ends with `stats: N passed, N failed`.

    python3 tests/stats_test.py --bin build/gemini-doctor
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def advice_patterns():
    """Each recommendation id's texts in guide.json, as patterns: a
    placeholder stands for any text."""
    with open(os.path.join(os.path.dirname(HERE), "rules", "guide.json"), encoding="utf-8") as f:
        adv = json.load(f)["stats_advice"]
    out = {}
    for key, text in adv.items():
        if key in ("about", "source", "verified"):
            continue
        rx = "".join(".+" if part.startswith("{") else re.escape(part)
                     for part in re.split(r"(\{\w+\})", text))
        out.setdefault(key.split("/")[0], []).append(rx)
    return out


ADVICE = advice_patterns()
sys.path.insert(0, HERE)
import stats_gen  # noqa: E402

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def run(binary, args, env_extra=None):
    env = dict(os.environ)
    for k in ("NO_COLOR", "LC_ALL", "LC_CTYPE", "LANG", "COLUMNS"):
        env.pop(k, None)
    env["GEMINI_DOCTOR_NOW"] = "2026-11-28T12:00:00Z"
    env.update(env_extra or {})
    p = subprocess.run([binary, "stats"] + args, capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def by_id(items, ident):
    for it in items:
        if it.get("id") == ident:
            return it
    return {}


def json_checks(label, o, exp, structured):
    """The figures every form must show; structured forms also carry prompt
    sizes and the --by field."""
    def eq(name, got, want):
        check("%s %s" % (label, name), got == want, "got %r, want %r" % (got, want))

    eq("requests", o["requests"], exp["requests"])
    eq("errors", o["errors"], exp["errors"])
    eq("bad lines", o["bad_lines"], 0)
    eq("429 total", o["by_code"].get("429", {}).get("count"), exp["e429"])
    eq("500 total", o["by_code"].get("500", {}).get("count"), exp["e500"])
    eq("504 total", o["by_code"].get("504", {}).get("count"), exp["e504"])
    eq("cause quota-rpm", by_id(o["by_cause"], "quota-rpm").get("count"), exp["rpm_429"])
    eq("cause quota-tpm", by_id(o["by_cause"], "quota-tpm").get("count"), exp["tpm_429"])
    eq("cause quota-rpd", by_id(o["by_cause"], "quota-rpd").get("count"), exp["rpd_429"])
    eq("cause server-internal", by_id(o["by_cause"], "server-internal").get("count"),
       exp["e500"])
    eq("cause deadline", by_id(o["by_cause"], "deadline").get("count"), exp["e504"])
    eq("dimension rpm", o["quota_429"]["by_dimension"]["rpm"], exp["rpm_429"])
    eq("dimension rpd", o["quota_429"]["by_dimension"]["rpd"], exp["rpd_429"])
    eq("peak 429 hour", o.get("peak_429_hour", {}).get("start"), exp["peak_429_hour"])
    eq("peak 429 count", o.get("peak_429_hour", {}).get("e429"), exp["peak_429_count"])
    eq("rpm limit", o["quota_429"]["limits"].get("rpm"), exp["limit_rpm"])
    eq("daily run-out days", o["quota_429"].get("daily_runout", {}).get("days"),
       exp["rpd_days"])
    eq("daily run-out time", o["quota_429"].get("daily_runout", {}).get("median_pt"),
       exp["rpd_median_pt"])
    eq("early requests", o["retry"]["early_requests"], exp["early_requests"])
    eq("storms", o["retry"]["storms"], exp["storms"])
    eq("worst storm", o["retry"]["worst_storm"].get("requests"), exp["worst_storm"])
    eq("after daily quota", o["retry"]["after_daily_quota"]["requests"], exp["rpd_after"])
    eq("repeated 400s", o["retried_nonretryable"]["e400"], exp["repeats_400"])
    eq("non-retryable", o["retried_nonretryable"]["nonretryable"], exp["nonretryable"])
    recos = {r["id"]: r for r in o["recommendations"]}
    eq("reco client limit", "limit the client to %d requests per minute" % exp["client_limit"]
       in recos.get("client-rate-limit", {}).get("text", ""), True)
    eq("reco stop retrying", "stop-retrying" in recos, True)
    for r in o["recommendations"]:
        eq("reco %s text is the rules' %s" % (r["id"], r["text"][:30]),
           any(re.fullmatch(rx, r["text"]) for rx in ADVICE.get(r["id"], [])), True)
    eq("reco daily quota", "stop-after-daily-quota" in recos, True)
    if structured:
        eq("cluster above", o["prompt_size"].get("cluster_above"), exp["cluster_above"])
        eq("cluster share", o["prompt_size"].get("share_above"), 1)
        top = o["by"]["e429"][0] if o.get("by", {}).get("e429") else {}
        eq("top feature by 429s", top.get("value"), "import")
        eq("top feature 429 count", top.get("count"), exp["import429"])
        eq("reco smaller context", "%d" % exp["cluster_above"]
           in recos.get("smaller-context", {}).get("text", ""), True)
        eq("reco batch", "feature=import" in recos.get("batch-api", {}).get("figure", ""), True)
        eq("latency p50 present", o["latency_ms"]["success"].get("p50", 0) > 0, True)


def text_checks(label, out, exp, structured):
    def has(name, s):
        check("%s text %s" % (label, name), s in out, "missing %r" % s)

    has("totals", "%d requests, %d errors" % (exp["requests"], exp["errors"]))
    has("peak hour", "most 429s in one hour: %d" % exp["peak_429_count"])
    has("peak hour start", exp["peak_429_hour"])
    has("daily run-out", "ran out on 1 day at %s in America/Los_Angeles" % exp["rpd_median_pt"])
    has("storms", "%d requests sent inside the server's retry delay" % exp["early_requests"])
    has("after quota", "%d requests sent after a daily quota ran out" % exp["rpd_after"])
    has("repeats", "(400: %d," % exp["repeats_400"])
    has("client limit", "limit the client to %d requests per minute" % exp["client_limit"])
    if structured:
        has("cluster", "they cluster above %d input tokens" % exp["cluster_above"])
        has("top feature", "by 429s")


def html_checks(binary, d, exp):
    """The --html page, opened in headless Chromium: every chart is there
    and holds bars with data, and the planted figures are on the bars."""
    import re
    import shutil
    page = os.path.join(d, "report.html")
    rc, out, err = run(binary, [os.path.join(d, "log.jsonl"), "--by", "feature", "--html", page])
    check("html exit", rc == 0, err)
    with open(page, encoding="utf-8") as f:
        raw = f.read()
    check("html has no script", "<script" not in raw.lower(), "")
    check("html fetches nothing", not re.search(r'(src|href)\s*=\s*"(https?:)?//', raw), "")
    # Text from the log is escaped: a hostile --by value stays text.
    hostile = os.path.join(d, "hostile.jsonl")
    with open(hostile, "w") as f:
        f.write(json.dumps({"ts": "2026-11-28T08:00:00Z", "status": 429,
                            "feature": "<script>alert(1)</script>\"'&"}) + "\n")
    hpage = os.path.join(d, "hostile.html")
    rc, out, err = run(binary, [hostile, "--by", "feature", "--html", hpage])
    with open(hpage, encoding="utf-8") as f:
        hraw = f.read()
    check("html escapes log text", "<script" not in hraw and "&lt;script&gt;" in hraw, "")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        check("html chromium installed (apt-get install chromium)", False)
        return
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--user-data-dir=" + profile, "--dump-dom", "file://" + page],
                           capture_output=True, timeout=120)
    dom = p.stdout.decode("utf-8", "replace")
    charts = re.findall(r'<svg[^>]*data-chart="([^"]+)"[^>]*>(.*?)</svg>', dom, re.S)
    names = [c[0] for c in charts]
    for want in ("codes", "causes", "errors-over-time", "429-over-time",
                 "hour-of-day-reset-zone", "429-dimensions", "prompt-size", "by-429",
                 "by-errors"):
        check("html chart %s present" % want, want in names, str(names))
    bars = {}
    for name, body in charts:
        vals = [int(v) for v in re.findall(r'<rect[^>]*data-value="(\d+)"', body)]
        bars[name] = vals
        check("html chart %s has data" % name, len(vals) > 0 and max(vals) > 0, str(vals[:5]))
    check("html 429 peak bar", max(bars.get("429-over-time", [0])) == exp["peak_429_count"],
          str(max(bars.get("429-over-time", [0]))))
    sizes = bars.get("prompt-size", [])
    cut = [0, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 200000].index(
        exp["cluster_above"])
    check("html no 5xx below 200k", sum(sizes[:cut]) == 0, str(sizes))
    check("html 5xx above 200k", sum(sizes[cut:]) == exp["e500"] + exp["e504"], str(sizes))
    check("html top feature bar", "import: %d" % exp["import429"] in dict(charts).get("by-429", ""),
          "")
    check("html recommendation", re.search(r'data-reco="smaller-context"[^<]*%d'
                                           % exp["cluster_above"], dom) is not None, "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as d:
        exp = stats_gen.write_all(d, 6000)
        forms = [("jsonl", "log.jsonl", True, []), ("csv", "log.csv", True, []),
                 ("gzip", "log.jsonl.gz", True, []), ("text", "log.txt", False, []),
                 ("sqlite", "log.sqlite", True, ["--table", "requests"]),
                 ("otlp", "log.otlp.jsonl", True, [])]
        for label, name, structured, extra in forms:
            path = os.path.join(d, name)
            by = "app.feature" if label == "otlp" else "feature"
            rc, out, err = run(binary, [path, "--by", by, "--format", "json"] + extra)
            check("%s exit" % label, rc == 0, "exit %d: %s" % (rc, err))
            try:
                o = json.loads(out)
            except ValueError:
                check("%s json" % label, False, out[:200])
                continue
            json_checks(label, o, exp, structured)
            rc, out, err = run(binary, [path, "--by", by, "--width", "100"] + extra,
                               {"LANG": "C.UTF-8"})
            check("%s text exit" % label, rc == 0, err)
            text_checks(label, out, exp, structured)
        # SQLite: several tables need --table; an unknown one is a usage error
        db = os.path.join(d, "log.sqlite")
        rc, out, err = run(binary, [db])
        check("sqlite several tables", rc == 64 and "name one with --table" in err, err)
        rc, out, err = run(binary, [db, "--table", "nope"])
        check("sqlite unknown table", rc == 64 and "no table 'nope'" in err, err)
        rc, out, err = run(binary, [db, "--table", "meta"])
        check("sqlite table without request columns", rc == 64, err)
        # stdin, like a pipe
        with open(os.path.join(d, "log.jsonl"), "rb") as f:
            p = subprocess.run([binary, "stats", "--format", "json"], stdin=f,
                               capture_output=True, timeout=120)
        o = json.loads(p.stdout)
        check("stdin requests", o["requests"] == exp["requests"], str(o["requests"]))
        # Several files at once add up.
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl"), os.path.join(d, "log.csv"),
                                    "--format", "json"])
        o = json.loads(out)
        check("two files requests", o["requests"] == 2 * exp["requests"], str(o["requests"]))
        check("two files forms", [i["form"] for i in o["inputs"]] == ["jsonl", "csv"],
              str(o["inputs"]))
        # ASCII charts when the locale is not UTF-8; UTF-8 blocks otherwise.
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl")], {"LANG": "C"})
        check("ascii charts", "█" not in out and "#" in out, "")
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl")], {"LANG": "en_US.UTF-8"})
        check("unicode charts", "█" in out, "")
        # The terminal width bounds every line.
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl"), "--by", "feature"],
                           {"LANG": "C.UTF-8", "COLUMNS": "60"})
        widest = max(len(line) for line in out.splitlines())
        check("width 60", widest <= 60, "widest line %d" % widest)
        # --tz adds the hour of day in that zone
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl"), "--tz", "+05:30",
                                    "--format", "json"])
        o = json.loads(out)
        local = o["hour_of_day"].get("local", [])
        pt = o["hour_of_day"]["pacific"]
        # 14:10Z is 19:40 at +05:30 and 06:10 PST
        def busiest(hours):
            return max(range(len(hours)), key=lambda h: hours[h]["e429"]) if hours else -1
        check("tz hour", busiest(local) == 19, str(busiest(local)))
        check("pacific hour", busiest(pt) == 6, str(busiest(pt)))
        # --since/--until keep only the burst day
        rc, out, err = run(binary, [os.path.join(d, "log.jsonl"), "--since",
                                    "2026-11-25T00:00:00Z", "--until", "2026-11-26",
                                    "--format", "json"])
        o = json.loads(out)
        check("since/until rpm", by_id(o["by_cause"], "quota-rpm").get("count") == 400, "")
        check("since/until no rpd", by_id(o["by_cause"], "quota-rpd") == {}, "")
        check("since/until filtered", o["filtered_out"] > 0, "")
        html_checks(binary, d, exp)
    print("stats: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
