#!/usr/bin/env python3
"""locale_test.py: the user's locale never changes a verdict, and under C
every mark is ASCII.

- src/ calls no locale-dependent case or class function (strcasecmp,
  tolower, isspace, ... and their headers): util.h's ASCII ones instead.
- explain --format json of every explain case's paste prints the same bytes
  and exit code in C, C.UTF-8 and tr_TR.UTF-8 (whose 'I' does not fold to
  'i'); check --format json against the fake API gives the same results
  and causes; the TUI's paste box shows the cause explain gives, in each.
- explain and check in text under LC_ALL=C print ASCII only.

tr_TR.UTF-8 comes from `make deps` (.ci/install-deps); without it those runs
are skipped with a notice.

Usage: python3 tests/locale_test.py [--bin build/gemini-doctor] [-v]
Prints `locale: N passed, N failed`.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402

LOCALE_CALLS = re.compile(
    r"(?<![\w.>])(strcasecmp|strncasecmp|strcasestr|tolower|toupper|isspace|isdigit|isalpha|"
    r"isalnum|isupper|islower|isxdigit|isprint|ispunct|iscntrl|isgraph)\s*\(|"
    r"#include <(ctype|strings)\.h>")


def have_locale(name):
    out = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE, text=True).stdout
    want = name.lower().replace("utf-8", "utf8")
    return any(line.strip().lower().replace("utf-8", "utf8") == want for line in out.split("\n"))


def base_env(loc):
    env = dict(os.environ)
    for name in harness.CLEARED_ENV:
        env.pop(name, None)
    for name in ("LANG", "LANGUAGE", "LC_CTYPE", "LC_MESSAGES"):
        env.pop(name, None)
    env["LC_ALL"] = loc
    env["GEMINI_DOCTOR_NOW"] = harness.DEFAULT_NOW
    return env


# Pastes whose words differ from the rules' in case only: the ones a
# locale's case folding ('I' and 'i' under tr_TR) would read otherwise.
CASED = [
    ("cased: key invalid", b'{"error":{"code":400,"message":"API KEY NOT VALID. PLEASE PASS A VALID '
     b'API KEY.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.'
     b'ErrorInfo","reason":"api_key_invalid","domain":"googleapis.com"}]}}\n'),
    ("cased: quota zero", b'ERROR 429 RESOURCE_EXHAUSTED: QUOTA EXCEEDED FOR METRIC: GENERATIVELANGUAGE.'
     b'GOOGLEAPIS.COM/GENERATE_CONTENT_FREE_TIER_INPUT_TOKEN_COUNT, LIMIT: 0, MODEL: GEMINI-2.5-PRO\n'),
    ("cased: billing", b'Error: THIS API METHOD REQUIRES BILLING TO BE ENABLED. PLEASE ENABLE BILLING '
     b'ON PROJECT #12345 BY VISITING THE CONSOLE, THEN RETRY.\n'),
    ("cased: invalid model", b'400 Bad Request: {"error": {"code": 400, "message": "* '
     b'GenerateContentRequest.model: unexpected model name format\\n", "status": '
     b'"invalid_argument"}}\n'),
]


def explain_pastes():
    """(name, bytes) of every explain case with a fixed paste."""
    out = list(CASED)
    for path in sorted(glob.glob(os.path.join(harness.CASES, "**", "*.case"), recursive=True)):
        try:
            headers, sections = harness.parse_case(path)
        except harness.CaseError:
            continue
        if not headers.get("args", "").startswith("explain") or headers["env"]:
            continue
        if "stdin" in sections:
            data = sections["stdin"]
        elif "stdin-file" in headers:
            with open(os.path.join(os.path.dirname(path), headers["stdin-file"]), "rb") as f:
                data = f.read()
        else:
            continue
        if len(data) <= 1 << 20:
            out.append((os.path.relpath(path, harness.CASES), data))
    return out


def run(binary, args, loc, stdin=b"", extra=None):
    env = base_env(loc)
    env.update(extra or {})
    p = subprocess.run([binary] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=60)
    return p.returncode, p.stdout


def non_ascii(data):
    m = re.search(rb"[^\x00-\x7f]+", data)
    return None if not m else data[max(0, m.start() - 30):m.end() + 10]


def check_shape(stdout):
    """What of check's JSON must not depend on the locale."""
    doc = json.loads(stdout)
    return [(c.get("id"), c.get("result"), c.get("cause"), c.get("rule"))
            for c in doc.get("checks", [])]


def tui_script(paste):
    esc = "".join("\\\\" if ch == "\\" else "\\n" if ch == "\n" else
                  "\\x%02x" % ord(ch) if ord(ch) < 0x20 else ch
                  for ch in paste.decode("utf-8", "replace"))
    return "paste %s\ndump\nkey q\n" % esc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--source-only", action="store_true",
                    help="only the check of src/ (make check-format runs it)")
    opts = ap.parse_args()
    binary = os.path.abspath(opts.bin)
    passed = failed = 0

    def result(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            if opts.verbose:
                print("ok   %s" % what)
        else:
            failed += 1
            print("FAIL %s" % what)

    # 1. No locale-dependent call in the sources.
    offenders = []
    for path in sorted(glob.glob(os.path.join(HERE, "..", "src", "*.[ch]"))):
        with open(path) as f:
            for n, line in enumerate(f, 1):
                code = line.strip()
                if code.startswith(("*", "/*", "//")):
                    continue
                if LOCALE_CALLS.search(line):
                    offenders.append("%s:%d: %s" % (os.path.basename(path), n, line.strip()))
    result(not offenders, "locale-dependent calls in src/ (use util.h's gd_ ones): %s"
           % "; ".join(offenders[:5]))
    if opts.source_only:
        print("locale sources: %d passed, %d failed" % (passed, failed))
        return 1 if failed else 0

    locales = ["C", "C.UTF-8"]
    if have_locale("tr_TR.UTF-8"):
        locales.append("tr_TR.UTF-8")
    else:
        print("locale: tr_TR.UTF-8 is not installed (make deps makes it); its runs are skipped")

    # 2. explain: the same bytes in every locale; ASCII under C in text.
    pastes = explain_pastes()

    def explain_one(item):
        name, data = item
        got = {loc: run(binary, ["explain", "--format", "json"], loc, data) for loc in locales}
        text = run(binary, ["explain"], "C", data)[1]
        return name, got, text

    with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for name, got, text in pool.map(explain_one, pastes):
            ref = got["C.UTF-8"]
            for loc in locales:
                result(got[loc] == ref, "explain %s: %s differs from C.UTF-8" % (name, loc))
            bad = non_ascii(text)
            result(bad is None, "explain %s: text under C holds non-ASCII %r" % (name, bad))

    # 3. check against the fake API, and 4. the TUI's paste box.
    fake = harness.FakeServer()
    fake.start()
    try:
        check = ["check", "--base-url", fake.url, "--status-url", fake.url + "/incidents.json",
                 "--timeout", "5", "--model", "gemini-3.8-flash"]
        for scenario in ("valid", "invalid", "quota-rpm", "leaked", "location"):
            key = {"GOOGLE_API_KEY": "AIzaTest_%s_%s" % (scenario, "x" * (34 - len(scenario)))}
            shapes = {}
            for loc in locales:
                rc, out = run(binary, check + ["--format", "json"], loc, extra=key)
                shapes[loc] = (rc, check_shape(out))
            for loc in locales:
                result(shapes[loc] == shapes["C.UTF-8"],
                       "check %s: %s gives %r, C.UTF-8 %r" % (scenario, loc, shapes[loc],
                                                              shapes["C.UTF-8"]))
            rc, out = run(binary, check, "C", extra=key)
            bad = non_ascii(out)
            result(bad is None, "check %s: text under C holds non-ASCII %r" % (scenario, bad))
    finally:
        fake.stop()
        fake.remove_log()

    with tempfile.TemporaryDirectory(prefix="gd-locale-") as tmp:
        for name, data in CASED + pastes[len(CASED)::20]:
            if b"\x00" in data:
                continue
            _, out = run(binary, ["explain", "--format", "json"], "C.UTF-8", data)
            try:
                cause = json.loads(out).get("cause")
            except ValueError:
                continue
            script = os.path.join(tmp, "paste.keys")
            with open(script, "w") as f:
                f.write(tui_script(data))
            for loc in locales:
                rc, screen = run(binary, ["tui", "--offline"], loc,
                                 extra={"GEMINI_DOCTOR_TUI_SCRIPT": script})
                if b"unavailable" in screen or rc == 64:
                    continue
                result(("[%s]" % cause).encode() in screen,
                       "tui paste of %s under %s: explain says [%s]" % (name, loc, cause))

    print("locale: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
