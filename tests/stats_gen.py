#!/usr/bin/env python3
"""stats_gen.py: writes one request log in every input form `stats` reads,
with planted patterns, and the figures a correct report must show for them.

    python3 tests/stats_gen.py DIR [--rows N]

writes DIR/log.jsonl, DIR/log.csv, DIR/log.txt (an SDK-style text log),
DIR/log.jsonl.gz, DIR/log.sqlite (tables "requests" and "meta"),
DIR/log.otlp.jsonl (OpenTelemetry spans, GenAI semantic conventions, the
feature in the attribute app.feature) and DIR/expected.json. The patterns (all in UTC):

- an hour with 429 bursts: 2026-11-25 14:10-14:19, the "import" feature sends
  100 requests a minute to gemini-2.5-flash; the first 60 of each minute
  succeed, the other 40 fail with a per-minute 429 (limit 60, RetryInfo 20s),
  sent every half second: inside the server's delay;
- one feature causing most 429s: "import" (the burst and the storm below);
- 500s and 504s above 200k input tokens, never below;
- a retry storm after a daily quota: 2026-11-26 17:30 (09:30 Pacific),
  gemini-2.5-pro's free-tier daily quota runs out and 50 more requests follow
  every 10 s, all failing 429;
- retried 400s: the same bad request (an unknown field) sent 6 times;
- scattered per-minute-token 429s without a server delay from chat/search.

Deterministic (seeded): the same arguments write the same bytes.
"""

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import sqlite3

START = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
BURST = dt.datetime(2026, 11, 25, 14, 10, tzinfo=dt.timezone.utc)
STORM = dt.datetime(2026, 11, 26, 17, 30, tzinfo=dt.timezone.utc)
BAD400 = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone.utc)

RPM_ERROR = {"error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. "
               "For more information on this error, head to: "
               "https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: "
               "generativelanguage.googleapis.com/generate_content_paid_tier_requests, limit: 60, "
               "model: gemini-2.5-flash\nPlease retry in 20s.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
            "quotaValue": "60"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "20s"}]}}

TPM_ERROR = {"error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. "
               "* Quota exceeded for metric: generativelanguage.googleapis.com/"
               "generate_content_paid_tier_input_token_count, limit: 1000000, model: "
               "gemini-2.5-flash",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/"
                           "generate_content_paid_tier_input_token_count",
            "quotaId": "GenerateContentPaidTierInputTokensPerModelPerMinute",
            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
            "quotaValue": "1000000"}]}]}}

RPD_ERROR = {"error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details. "
               "* Quota exceeded for metric: generativelanguage.googleapis.com/"
               "generate_content_free_tier_requests, limit: 50, model: gemini-2.5-pro\n"
               "Please retry in 52m10s.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
            "quotaDimensions": {"location": "global", "model": "gemini-2.5-pro"},
            "quotaValue": "50"}]}]}}

E500 = {"error": {"code": 500, "message": "An internal error has occurred. Please retry or "
                  "report in https://developers.generativeai.google/guide/troubleshooting",
                  "status": "INTERNAL"}}
E504 = {"error": {"code": 504, "message": "Deadline expired before operation could complete.",
                  "status": "DEADLINE_EXCEEDED"}}
E400 = {"error": {"code": 400, "message": "Invalid JSON payload received. Unknown name "
                  "\"temprature\" at 'generation_config': Cannot find field.",
                  "status": "INVALID_ARGUMENT",
                  "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                               "fieldViolations": [{"field": "generation_config",
                                                    "description": "Invalid JSON payload "
                                                    "received. Unknown name \"temprature\" at "
                                                    "'generation_config': Cannot find field."}]}]}}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def generate(rows, seed=7):
    rnd = random.Random(seed)
    recs = []
    exp = {"e429": 0, "import429": 0, "e500": 0, "e504": 0}

    def add(t, status, model, feature, tokens, latency, err=None):
        recs.append({"t": t, "status": status, "model": model, "feature": feature,
                     "tokens": tokens, "latency": latency, "error": err})

    # Base traffic: three days, chat and search, prompts from 1k to 400k tokens.
    step = 3 * 86400 / rows
    burst_end = BURST + dt.timedelta(minutes=10)
    base = []
    for i in range(rows):
        t = START + dt.timedelta(seconds=i * step + rnd.random() * step * 0.5)
        if BURST - dt.timedelta(minutes=10) <= t < burst_end + dt.timedelta(minutes=40):
            continue  # the burst hour holds only the burst
        base.append(t)
    tpm_slots = set(rnd.sample(range(len(base)), 100))
    for i, t in enumerate(base):
        feature = "chat" if rnd.random() < 0.7 else "search"
        tokens = rnd.randint(1000, 400000)
        latency = int(rnd.lognormvariate(6.5, 0.4))
        if i in tpm_slots:
            add(t, 429, "gemini-2.5-flash", feature, tokens, 40, TPM_ERROR)
            exp["e429"] += 1
        elif tokens > 200000 and rnd.random() < 0.25:
            if rnd.random() < 0.8:
                add(t, 500, "gemini-2.5-flash", feature, tokens, latency * 3, E500)
                exp["e500"] += 1
            else:
                add(t, 504, "gemini-2.5-flash", feature, tokens, 60000, E504)
                exp["e504"] += 1
        else:
            add(t, 200, "gemini-2.5-flash", feature, tokens, latency)
    # The burst hour: 10 minutes, 60 successes then 40 per-minute 429s each.
    for m in range(10):
        t0 = BURST + dt.timedelta(minutes=m)
        for k in range(60):
            add(t0 + dt.timedelta(seconds=k * 0.5), 200, "gemini-2.5-flash", "import", 2000, 300)
        for k in range(40):
            add(t0 + dt.timedelta(seconds=30 + k * 0.5), 429, "gemini-2.5-flash", "import", 2000,
                30, RPM_ERROR)
            exp["e429"] += 1
            exp["import429"] += 1
    # The daily quota runs out, and 50 more requests follow.
    for k in range(51):
        add(STORM + dt.timedelta(seconds=10 * k), 429, "gemini-2.5-pro", "import", 2000, 25,
            RPD_ERROR)
        exp["e429"] += 1
        exp["import429"] += 1
    # The same bad request, six times.
    for k in range(6):
        add(BAD400 + dt.timedelta(seconds=60 * k + 7), 400, "gemini-2.5-flash", "search", 1500,
            20, E400)
    recs.sort(key=lambda r: r["t"])
    errors = sum(1 for r in recs if r["status"] >= 400)
    expected = {
        "requests": len(recs),
        "errors": errors,
        "e429": exp["e429"],
        "e500": exp["e500"],
        "e504": exp["e504"],
        "import429": exp["import429"],
        "peak_429_hour": "2026-11-25T14:00:00Z",
        "peak_429_count": 400,
        "rpm_429": 400,
        "tpm_429": 100,
        "rpd_429": 51,
        "limit_rpm": 60,
        "client_limit": 48,
        "cluster_above": 200000,
        "early_requests": 390,
        "storms": 10,
        "worst_storm": 39,
        "rpd_after": 50,
        "rpd_days": 1,
        "rpd_median_pt": "09:30",
        "repeats_400": 5,
        "nonretryable": 6,
    }
    return recs, expected


def py_repr_error(err):
    """The error as google-genai's ClientError prints it: code, status, then
    the body as a Python dict."""
    e = err["error"]
    return "%d %s. %r" % (e["code"], e["status"], err)


def write_all(d, rows):
    recs, expected = generate(rows)
    os.makedirs(d, exist_ok=True)
    buf = io.StringIO()
    for r in recs:
        o = {"ts": iso(r["t"]), "status": r["status"], "model": r["model"],
             "feature": r["feature"], "usage": {"prompt_tokens": r["tokens"]},
             "latency_ms": r["latency"]}
        if r["error"]:
            o["error"] = r["error"]
        buf.write(json.dumps(o, separators=(",", ":")) + "\n")
    jsonl = buf.getvalue().encode()
    with open(os.path.join(d, "log.jsonl"), "wb") as f:
        f.write(jsonl)
    with open(os.path.join(d, "log.jsonl.gz"), "wb") as f:
        f.write(gzip.compress(jsonl, mtime=0))
    with open(os.path.join(d, "log.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp", "status_code", "model", "prompt_tokens", "duration_ms",
                    "feature", "error_message"])
        for r in recs:
            w.writerow([iso(r["t"]), r["status"], r["model"], r["tokens"], r["latency"],
                        r["feature"], json.dumps(r["error"]) if r["error"] else ""])
    with open(os.path.join(d, "log.txt"), "w") as f:
        for r in recs:
            stamp = r["t"].strftime("%Y-%m-%d %H:%M:%S,") + "%03d" % (r["t"].microsecond // 1000)
            url = ("https://generativelanguage.googleapis.com/v1beta/models/%s:generateContent"
                   % r["model"])
            if r["error"]:
                f.write("%s ERROR app.gemini: request failed\n" % stamp)
                kind = "ServerError" if r["status"] >= 500 else "ClientError"
                f.write("google.genai.errors.%s: %s\n" % (kind, py_repr_error(r["error"])))
            else:
                f.write('%s INFO httpx: HTTP Request: POST %s "HTTP/1.1 200 OK"\n' % (stamp, url))
    # OTLP JSON: 50 spans a line, GenAI semantic conventions
    with open(os.path.join(d, "log.otlp.jsonl"), "w") as f:
        for i in range(0, len(recs), 50):
            spans = []
            for r in recs[i:i + 50]:
                start = int(r["t"].timestamp() * 1e9)
                attrs = [
                    {"key": "gen_ai.operation.name", "value": {"stringValue": "generate_content"}},
                    {"key": "gen_ai.request.model", "value": {"stringValue": r["model"]}},
                    {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(r["tokens"])}},
                    {"key": "http.response.status_code", "value": {"intValue": r["status"]}},
                    {"key": "app.feature", "value": {"stringValue": r["feature"]}},
                ]
                span = {"traceId": "%032x" % (i + 1), "spanId": "%016x" % (len(spans) + 1),
                        "name": "generate_content " + r["model"], "kind": 3,
                        "startTimeUnixNano": str(start),
                        "endTimeUnixNano": str(start + int(r["latency"] * 1e6)),
                        "attributes": attrs, "status": {}}
                if r["error"]:
                    attrs.append({"key": "error.type", "value": {"stringValue": str(r["status"])}})
                    span["status"] = {"code": 2, "message": json.dumps(r["error"])}
                    span["events"] = [{"name": "exception", "timeUnixNano": str(start), "attributes": [
                        {"key": "exception.type", "value": {"stringValue": "ClientError"}},
                        {"key": "exception.message", "value": {"stringValue": json.dumps(r["error"])}}]}]
                spans.append(span)
            doc = {"resourceSpans": [{"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "app"}}]},
                "scopeSpans": [{"scope": {"name": "app.gemini"}, "spans": spans}]}]}
            f.write(json.dumps(doc, separators=(",", ":")) + "\n")
    db_path = os.path.join(d, "log.sqlite")
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE requests (created_at TEXT, http_status INTEGER, model TEXT, "
               "input_tokens INTEGER, latency_ms REAL, feature TEXT, error_message TEXT)")
    db.execute("CREATE TABLE meta (k TEXT, v TEXT)")
    db.executemany("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(iso(r["t"]), r["status"], r["model"], r["tokens"], r["latency"],
                     r["feature"], json.dumps(r["error"]) if r["error"] else None)
                    for r in recs])
    db.commit()
    db.close()
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    return expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--rows", type=int, default=6000)
    a = ap.parse_args()
    write_all(a.dir, a.rows)


if __name__ == "__main__":
    main()
