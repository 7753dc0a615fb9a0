#!/usr/bin/env python3
"""check_formats.py: runs `gemini-doctor check` against the fake Gemini API for
every scenario in all four output formats, and proves the formats agree and
are well formed:

- json: the PRODUCT.md shape, the seven checks in order, summary counts that
  match the list, `exit` equal to the process's exit code, public cause ids;
- junit: parses with xml.etree; one testcase per check with classname set, a
  failure element exactly for each failed check, a skipped element for each
  skipped one;
- github: every workflow command well formed and escaped (% -> %25, CR -> %0D,
  LF -> %0A, and in properties also : -> %3A and , -> %2C), one ::error per
  failed check and one ::warning per warning;
- text: every check's label, the masked key, and the first fix step of every
  failed check (whitespace-insensitive, since the report may wrap);
- the same exit code from every format, and the key itself nowhere.

A few timing and key-handling checks that case files cannot express are here
too (the hung server with --timeout 1 ends within the timeout plus a second; a
key with a trailing newline is flagged).

Usage: python3 tests/check_formats.py [--bin build/gemini-doctor] [-v] [FILTER...]
Prints `N passed, N failed` and exits non-zero when anything failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402

NOW = "2026-11-28T12:00:00Z"

CHECK_IDS = ["config.key", "config.environment", "network.reach", "key.accepted",
             "model.available", "request.generate", "status.incidents"]
CHECK_LABELS = ["API key", "Environment", "Network", "Key accepted", "Model", "Generate",
                "Google status"]
RESULTS = {"pass", "warn", "fail", "skip"}
# PRODUCT.md's public cause ids, plus those the rules table adds (docs/rules.md,
# "Causes added beyond PRODUCT.md"): `incident` (an active incident on the
# status feed), `payment-required` (402, the prepaid 429), `model-routed` (a
# generate answered by another model), `quota-code-assist` and `quota-batch`.
CAUSES = set("""
quota-rpm quota-tpm quota-rpd quota-zero quota-spend quota-unknown capacity
key-missing key-invalid key-expired key-leaked key-restricted key-wrong-type
scope-insufficient unauthenticated service-disabled permission-denied
location-unsupported billing-required model-not-found model-retired invalid-argument
bad-parameter unsupported-mime function-call-mismatch token-limit payload-too-large
safety-blocked server-internal overloaded unavailable deadline cancelled net-dns
net-connect net-tls net-timeout net-proxy net-bad-response not-gemini unknown incident
payment-required model-routed quota-code-assist quota-batch
""".split())
# Causes that waiting alone can fix (exit 75 when they are the only failures).
TRANSIENT = {"quota-rpm", "quota-tpm", "quota-unknown", "capacity", "overloaded",
             "unavailable", "server-internal", "deadline", "cancelled", "incident",
             "net-timeout"}
CLEARED_ENV = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GEMINI_MODEL", "GOOGLE_GEMINI_BASE_URL",
               "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
               "all_proxy", "NO_PROXY", "no_proxy", "NO_COLOR")


def key(scenario, auth=False):
    if auth:
        k = "AQ.Test_%s_" % scenario
        return k + "x" * max(0, 44 - len(k))
    k = "AIzaTest_%s_" % scenario
    return k + "x" * (39 - len(k))


def masked(k):
    for prefix in ("AIza", "AQ.", "ya29."):
        if k.startswith(prefix):
            return prefix + "\u2026" + k[-4:]
    return "\u2026" + k[-4:]


# name -> (extra args, env, expected exit code or None)
def scenarios():
    s = {}
    for name, code in (("valid", 0), ("invalid", 1), ("expired", 1), ("leaked", 1),
                       ("standard-rejected", 1), ("service-disabled", 1), ("restricted", 1),
                       ("location", 1), ("billing", 1), ("quota-rpm", 75),
                       ("quota-tpm", 75), ("quota-rpd", 1), ("quota-zero", 1), ("spend", 1),
                       ("overloaded", 75), ("internal", 75), ("payment", 1), ("reset", 1), ("html", 1),
                       ("truncated", 1), ("big", 1), ("slow", 0)):
        s[name] = ([], {"GOOGLE_API_KEY": key(name)}, code)
    s["hung"] = (["--timeout", "1"], {"GOOGLE_API_KEY": key("hung")}, 1)
    s["auth-key"] = ([], {"GOOGLE_API_KEY": key("valid", auth=True)}, 0)
    s["gemini-env"] = ([], {"GEMINI_API_KEY": key("quota-rpm")}, 75)
    s["incident-active"] = (["--status-url", "{fake}/incidents-active.json"],
                            {"GOOGLE_API_KEY": key("valid")}, 75)
    s["incident-bad"] = (["--status-url", "{fake}/incidents-bad.json"],
                         {"GOOGLE_API_KEY": key("valid")}, 0)
    s["unreachable"] = (["--base-url", "http://127.0.0.1:1"], {"GOOGLE_API_KEY": key("valid")},
                        1)
    s["no-key"] = ([], {}, 1)
    s["offline"] = (["--offline"], {"GOOGLE_API_KEY": key("valid")}, 0)
    s["no-generate"] = (["--no-generate"], {"GOOGLE_API_KEY": key("valid")}, 0)
    s["retired"] = (["--model", "gemini-1.5-pro"], {"GOOGLE_API_KEY": key("valid")}, 1)
    s["misspelt"] = (["--model", "gemini-3.8-flahs"], {"GOOGLE_API_KEY": key("valid")}, 1)
    s["embedding"] = (["--model", "gemini-embedding-001"], {"GOOGLE_API_KEY": key("valid")}, 1)
    # The 2026 answers recorded from the real API (docs/fake-api.md).
    s["prepaid"] = ([], {"GOOGLE_API_KEY": key("prepaid")}, 1)
    s["bare429"] = ([], {"GOOGLE_API_KEY": key("bare429")}, 75)
    s["old404"] = (["--model", "gemini-3.8-flahs"], {"GOOGLE_API_KEY": key("old404")}, 1)
    s["invalid-auth-key"] = ([], {"GOOGLE_API_KEY": key("invalid", auth=True)}, 1)
    s["closed"] = (["--model", "gemini-2.0-flash"], {"GOOGLE_API_KEY": key("valid", auth=True)}, 1)
    s["closed-no-generate"] = (["--model", "gemini-2.5-flash-lite", "--no-generate"],
                               {"GOOGLE_API_KEY": key("valid", auth=True)}, 0)
    s["routed"] = (["--model", "gemini-2.5-pro"], {"GOOGLE_API_KEY": key("valid", auth=True)}, 0)
    s["newer"] = ([], {"GOOGLE_API_KEY": key("newer", auth=True)}, 0)
    s["feed-recorded"] = (["--status-url", "{fake}/incidents-recorded.json"],
                          {"GOOGLE_API_KEY": key("valid", auth=True)}, 0)
    s["feed-recorded-open"] = (["--status-url", "{fake}/incidents-recorded-open.json"],
                               {"GOOGLE_API_KEY": key("valid", auth=True)}, 75)
    s["oauth"] = ([], {"GOOGLE_API_KEY": "ya29.a0AfB_byDq3Zt9xLm2Rk5Vw8Yc1Nh4Pj7Ts0Gf6Ub9Xe"}, 1)
    return s


def run(binary, fake, args, env_add, timeout=30):
    env = dict(os.environ)
    for name in CLEARED_ENV:
        env.pop(name, None)
    env["GEMINI_DOCTOR_NOW"] = NOW
    env.update(env_add)
    args = [a.replace("{fake}", fake.url) for a in args]
    with tempfile.TemporaryDirectory(prefix="gd-fmt-") as cwd:
        env["HOME"] = cwd
        start = time.monotonic()
        p = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=cwd, timeout=timeout)
        return p, time.monotonic() - start


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


# ------------------------------------------------------------------- checkers

def check_json(doc, rc, k, problems):
    for field in ("version", "model", "base_url", "key", "checks", "summary", "exit"):
        if field not in doc:
            problems.append("json: no '%s'" % field)
    checks = doc.get("checks")
    if not isinstance(checks, list):
        problems.append("json: checks is not a list")
        return None
    ids = [c.get("id") for c in checks if isinstance(c, dict)]
    if ids != CHECK_IDS:
        problems.append("json: check ids %r, wanted %r" % (ids, CHECK_IDS))
    tally = {r: 0 for r in RESULTS}
    fail_causes = []
    for c in checks:
        if not isinstance(c, dict):
            continue
        r = c.get("result")
        if r not in RESULTS:
            problems.append("json: %s: result %r" % (c.get("id"), r))
            continue
        tally[r] += 1
        if not isinstance(c.get("summary"), str) or not c["summary"].strip():
            problems.append("json: %s: no summary" % c.get("id"))
        d = c.get("duration_ms")
        if d is not None and (not isinstance(d, int) or d < 0):
            problems.append("json: %s: duration_ms %r" % (c.get("id"), d))
        cause = c.get("cause")
        if cause is not None and cause not in CAUSES:
            problems.append("json: %s: cause %r is not a public id" % (c.get("id"), cause))
        if r == "fail":
            if cause is None:
                problems.append("json: %s fails without a cause" % c.get("id"))
            fail_causes.append(cause)
            steps = c.get("steps")
            if not isinstance(steps, list) or not steps or not all(
                    isinstance(x, str) and x.strip() for x in steps):
                problems.append("json: %s fails without fix steps" % c.get("id"))
    summary = doc.get("summary") or {}
    for r in RESULTS:
        if summary.get(r) != tally[r]:
            problems.append("json: summary.%s = %r, the list has %d" % (r, summary.get(r), tally[r]))
    if doc.get("exit") != rc:
        problems.append("json: exit = %r, the process exited %d" % (doc.get("exit"), rc))
    if rc == 0 and tally["fail"]:
        problems.append("json: exit 0 with %d failures" % tally["fail"])
    if rc in (1, 75) and not tally["fail"]:
        problems.append("json: exit %d without a failure" % rc)
    if rc == 75 and not all(c in TRANSIENT for c in fail_causes):
        problems.append("json: exit 75 but not every failure is transient: %r" % fail_causes)
    if k:
        want = masked(k.strip().strip('"'))
        if doc.get("key") != want:
            problems.append("json: key %r, wanted %r" % (doc.get("key"), want))
    return checks


def check_junit(text, checks, problems):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        problems.append("junit: not XML: %s" % e)
        return
    if root.tag not in ("testsuites", "testsuite"):
        problems.append("junit: root element <%s>" % root.tag)
    cases = root.findall(".//testcase")
    if len(cases) != len(CHECK_IDS):
        problems.append("junit: %d testcases, wanted %d" % (len(cases), len(CHECK_IDS)))
    by_id = {}
    for tc in cases:
        if not tc.get("classname"):
            problems.append("junit: testcase %r without classname" % tc.get("name"))
        if not tc.get("name"):
            problems.append("junit: testcase without name")
        text_id = (tc.get("name") or "") + " " + (tc.get("classname") or "")
        for cid in CHECK_IDS:
            if re.search(r"(^|[^\w.])" + re.escape(cid) + r"($|[^\w.])", text_id):
                by_id[cid] = tc
    if checks is None:
        return
    for c in checks:
        cid = c.get("id")
        tc = by_id.get(cid)
        if tc is None:
            problems.append("junit: no testcase names %s" % cid)
            continue
        failed = tc.find("failure") is not None or tc.find("error") is not None
        skipped = tc.find("skipped") is not None
        if (c.get("result") == "fail") != failed:
            problems.append("junit: %s is %s but failure element %s" % (
                cid, c.get("result"), "present" if failed else "absent"))
        if (c.get("result") == "skip") != skipped:
            problems.append("junit: %s is %s but skipped element %s" % (
                cid, c.get("result"), "present" if skipped else "absent"))
    nfail = sum(1 for c in checks if c.get("result") == "fail")
    for suite in root.iter("testsuite"):
        if suite.get("tests") is not None and suite.get("tests") != str(len(cases)):
            problems.append("junit: tests=%s, %d testcases" % (suite.get("tests"), len(cases)))
        if suite.get("failures") is not None and suite.get("failures") != str(nfail):
            problems.append("junit: failures=%s, %d failed" % (suite.get("failures"), nfail))


PROP_ESC = re.compile(r"%(?!25|0D|0A|3A|2C)")
MSG_ESC = re.compile(r"%(?!25|0D|0A)")


def unescape(s):
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def check_github(text, checks, problems):
    errors = warnings = 0
    titles = []
    for line in text.split("\n"):
        if "\r" in line:
            problems.append("github: a raw CR in %r" % line[:80])
        if not line.startswith("::"):
            continue
        m = re.match(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$", line)
        if not m:
            problems.append("github: malformed command %r" % line[:120])
            continue
        cmd, props, msg = m.group(1), m.group(2), m.group(3)
        if cmd not in ("error", "warning", "notice", "debug", "group", "endgroup"):
            problems.append("github: unknown command %r" % cmd)
        if MSG_ESC.search(msg):
            problems.append("github: unescaped %% in message %r" % msg[:120])
        title = ""
        if props:
            for prop in props.split(","):
                name, eq, val = prop.partition("=")
                if not eq or not re.match(r"^[a-zA-Z]+$", name):
                    problems.append("github: bad property %r in %r" % (prop, line[:120]))
                    continue
                if PROP_ESC.search(val):
                    problems.append("github: unescaped %% in property %r" % val)
                if name == "title":
                    title = unescape(val)
        if cmd == "error":
            errors += 1
            titles.append(title + " " + unescape(msg))
        elif cmd == "warning":
            warnings += 1
    if checks is None:
        return
    nfail = sum(1 for c in checks if c.get("result") == "fail")
    nwarn = sum(1 for c in checks if c.get("result") == "warn")
    if errors != nfail:
        problems.append("github: %d ::error lines, %d failed checks" % (errors, nfail))
    if warnings != nwarn:
        problems.append("github: %d ::warning lines, %d warnings" % (warnings, nwarn))
    for c in checks:
        if c.get("result") != "fail":
            continue
        label = CHECK_LABELS[CHECK_IDS.index(c["id"])] if c.get("id") in CHECK_IDS else "?"
        if not any(c["id"] in t or label in t for t in titles):
            problems.append("github: no ::error names %s" % c["id"])


def check_text(text, checks, k, problems):
    flat = squash(text)
    for label in CHECK_LABELS:
        if label not in text:
            problems.append("text: no line for %r" % label)
    if k and k.strip().strip('"').startswith(("AIza", "AQ.")):
        if masked(k.strip().strip('"')) not in text:
            problems.append("text: the masked key %r is not shown" % masked(k.strip()))
    if checks is None:
        return
    for c in checks:
        if c.get("result") == "fail" and c.get("steps"):
            step = squash(c["steps"][0])
            if step not in flat:
                problems.append("text: %s's first fix step is not shown: %r" % (c["id"], step))


def one_scenario(binary, fake, name, spec):
    """Runs the scenario in the four formats and compares them. Separate runs
    can differ when a probe's timing is at the edge of its timeout on a busy
    machine, so a scenario whose formats disagree is run once more, and only a
    disagreement seen twice counts."""
    problems = one_scenario_once(binary, fake, name, spec)
    if problems:
        again = one_scenario_once(binary, fake, name, spec)
        if not again:
            return []
        return again
    return problems


def one_scenario_once(binary, fake, name, spec):
    extra, env, want = spec
    base = ["check", "--base-url", "{fake}", "--status-url", "{fake}/incidents.json",
            "--timeout", "3", "--model", "gemini-3.8-flash"]
    args = base + extra
    problems = []
    outs = {}
    codes = {}
    k = env.get("GOOGLE_API_KEY") or env.get("GEMINI_API_KEY") or ""
    for fmt in ("json", "junit", "github", "text"):
        try:
            p, _ = run(binary, fake, args + ["--format", fmt], env)
        except subprocess.TimeoutExpired:
            problems.append("%s: killed after 30 s" % fmt)
            continue
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        outs[fmt] = out
        codes[fmt] = p.returncode
        if p.returncode < 0:
            problems.append("%s: killed by signal %d" % (fmt, -p.returncode))
        if "Sanitizer" in err or "runtime error:" in err:
            problems.append("%s: sanitizer report: %s" % (fmt, err[-1500:]))
        if k and len(k) > 12 and (k in out or k in err):
            problems.append("%s: the key itself is printed" % fmt)
    if len(set(codes.values())) > 1:
        problems.append("exit codes differ between formats: %r" % codes)
    rc = codes.get("json")
    if want is not None and rc is not None and rc != want:
        problems.append("exit %d, wanted %d" % (rc, want))
    checks = None
    if "json" in outs:
        try:
            doc = json.loads(outs["json"])
        except ValueError as e:
            problems.append("json: not JSON (%s): %r" % (e, outs["json"][:200]))
        else:
            if isinstance(doc, dict):
                checks = check_json(doc, rc, k, problems)
            else:
                problems.append("json: not an object")
    if "junit" in outs:
        check_junit(outs["junit"], checks, problems)
    if "github" in outs:
        check_github(outs["github"], checks, problems)
    if "text" in outs:
        check_text(outs["text"], checks, k, problems)
    return problems


def extra_checks(binary, fake):
    """(name, problems) for the checks that case files cannot express."""
    results = []
    base = ["check", "--format", "json", "--base-url", "{fake}", "--status-url",
            "{fake}/incidents.json", "--model", "gemini-3.8-flash"]

    problems = []
    try:
        p, took = run(binary, fake, base + ["--timeout", "1"], {"GOOGLE_API_KEY": key("hung")},
                      timeout=10)
        # The bound is on the probes' own clocks (duration_ms), not on the
        # wall time of a process on a shared machine; the wall clock only
        # guards against a hang (the 10 s above).
        try:
            doc = json.loads(p.stdout.decode("utf-8"))
            longest = max(c.get("duration_ms", 0) for c in doc["checks"])
        except (ValueError, KeyError, UnicodeDecodeError) as e:
            problems.append("hung: no JSON report (%s)" % e)
        else:
            if longest > 2000:
                problems.append("hung with --timeout 1: a probe ran %d ms (timeout + 1 s is "
                                "2000 ms)" % longest)
    except subprocess.TimeoutExpired:
        problems.append("hung with --timeout 1 did not end in 10 s")
    results.append(("hung-ends-in-time", problems))

    # Concurrency is measured by `make bench` (a ratio in one run); here the
    # slow scenario must simply pass.
    problems = []
    p, took = run(binary, fake, base + ["--timeout", "5"], {"GOOGLE_API_KEY": key("slow")})
    if p.returncode != 0:
        problems.append("slow (2 s a response) exited %d" % p.returncode)
    results.append(("slow-is-concurrent", problems))

    for label, value in (("newline", key("valid") + "\n"), ("space", " " + key("valid") + " "),
                         ("quotes", "'" + key("valid") + "'")):
        problems = []
        p, _ = run(binary, fake, base + ["--timeout", "3"], {"GOOGLE_API_KEY": value})
        try:
            doc = json.loads(p.stdout.decode("utf-8"))
            ck = {c["id"]: c for c in doc["checks"]}
            if ck["config.key"]["result"] not in ("warn", "fail"):
                problems.append("a key with a stray %s is not flagged: config.key %s" % (
                    label, ck["config.key"]["result"]))
            if doc.get("key") != masked(key("valid")):
                problems.append("key shown as %r" % doc.get("key"))
        except (ValueError, KeyError, TypeError) as e:
            problems.append("no usable JSON (%s): %r" % (e, p.stdout[:200]))
        results.append(("key-with-stray-" + label, problems))

    problems = []
    p, _ = run(binary, fake, ["check", "--format", "json", "--base-url",
                              "http://example.com", "--timeout", "3"],
               {"GOOGLE_API_KEY": key("valid")})
    if p.returncode != 64:
        problems.append("an http:// non-loopback base URL exits %d, wanted 64" % p.returncode)
    results.append(("http-base-url-refused", problems))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "gemini-doctor"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=6)
    ap.add_argument("filters", nargs="*")
    opts = ap.parse_args()
    binary = os.path.abspath(opts.bin)
    fake = harness.FakeServer()
    fake.start()
    passed = failed = 0
    try:
        todo = [(n, s) for n, s in scenarios().items()
                if not opts.filters or any(f in n for f in opts.filters)]
        with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            futs = [(n, pool.submit(one_scenario, binary, fake, n, s)) for n, s in todo]
            extra = pool.submit(extra_checks, binary, fake) if not opts.filters else None
            results = [(n, f.result()) for n, f in futs]
            if extra:
                results += extra.result()
        for name, problems in results:
            if problems:
                failed += 1
                print("FAIL %s" % name)
                for pr in problems:
                    print("     " + pr)
            else:
                passed += 1
                if opts.verbose:
                    print("ok   %s" % name)
    finally:
        fake.stop()
        fake.remove_log()
    print("check formats: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
