#!/usr/bin/env python3
"""tui_golden.py: whole-screen tests of the interactive doctor, as tig does.

For each scenario of the fake Gemini API below, the headless doctor
(GEMINI_DOCTOR_TUI_SCRIPT) draws the dashboard and the walkthrough of the
check it selects by itself, at 80x24 and at 120x40, with the clock pinned
(GEMINI_DOCTOR_NOW). The stats screen is drawn on the log tests/stats_gen.py
writes (deterministic, into a temporary directory that is the doctor's
working directory, so the path on the screen is always "log.jsonl"): every
page of the report in UTF-8 and in ASCII at 80x24, a narrow 60x18 terminal,
a resize, and the message for a path that cannot be read. The screens are
compared with the golden dumps in tests/golden/tui/SCENARIO.txt, line by
line; a difference is printed as a unified diff.

Two things on a screen change from run to run and are normalised before the
comparison, in both the dump and the golden file: the fake server's port
(127.0.0.1:PORT) and measured durations ("N ms", "timed out after N
milliseconds").

Usage:
    python3 tests/tui_golden.py [--bin build/gemini-doctor] [--update] [NAME...]
--update rewrites the golden files from the current binary (review the diff
with git before committing it). Prints "tui golden: N passed, N failed".
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402
import stats_gen  # noqa: E402

GOLDEN = os.path.join(HERE, "golden", "tui")
NOW = "2026-11-28T12:00:00Z"

# name, key scenario, extra arguments. Auth-key (AQ.) scenario keys keep the
# standard-key warning out of the screens.
SCENARIOS = [
    ("quota-rpm", "quota-rpm", []),
    ("quota-rpd", "quota-rpd", []),
    ("quota-zero", "quota-zero", []),
    ("key-invalid", "invalid", []),
    ("key-leaked", "leaked", []),
    ("model-retired", "valid", ["--model", "gemini-1.5-pro"]),
    ("location", "location", []),
    ("overloaded", "overloaded", []),
    ("hung", "hung", ["--timeout", "1"]),
]

# The dashboard, then the walkthrough of the check selected by itself, at
# 80x24; then the same at 120x40.
SCRIPT = """wait
dump
key Enter
dump
key Esc
resize 120 40
dump
key Enter
dump
key q
"""


# The stats screen: name, locale, size, script. Offline: no probe reaches
# the fake API, the screens show only the log's report.
STATS_OPEN = """wait
key s
dump
type log.jsonl --by feature --tz Europe/Paris
key Enter
wait
"""
STATS_PAGES = STATS_OPEN + "dump\n" + "key PgDn\ndump\n" * 6 + "key Esc\ndump\nkey q\n"
STATS_SCENARIOS = [
    ("stats-utf8", "C.UTF-8", "80x24", STATS_PAGES),
    ("stats-ascii", "C", "80x24", STATS_PAGES),
    ("stats-narrow", "C.UTF-8", "60x18",
     STATS_OPEN + "dump\nkey PgDn\ndump\nkey G\ndump\nresize 80 24\ndump\n"
     "resize 60 18\nkey g\ndump\nkey q\n"),
    # The prompt splits words as a shell does: a backslash or quotes keep
    # a space in a path; a path that fails leaves the report shown before.
    ("stats-quoted", "C.UTF-8", "80x24", """wait
key s
type my log.jsonl
key Enter
dump
key C-u
type my\\ log.jsonl --by 'feature'
key Enter
wait
dump
key s
key C-u
type "my log.jsonl" --since 2026-11-26T00:00:00Z
key Enter
wait
dump
key s
key C-u
type no-such.jsonl
key Enter
key Esc
dump
key q
"""),
    ("stats-unreadable", "C.UTF-8", "80x24", """wait
key s
type no/such/log.jsonl
key Enter
dump
key C-u
type .
key Enter
dump
key C-u
type /dev/null
key Enter
dump
key C-u
type log.jsonl --sql duckdb
key Enter
dump
key C-u
type log.jsonl --tz Mars/Olympus
key Enter
dump
key Esc
dump
key q
"""),
]


def key_for(scenario):
    key = "AQ.Test_%s_" % scenario
    return key + "x" * max(0, 44 - len(key))


def normalise(text):
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    text = re.sub(r"\b\d+ ms\b", "N ms", text)
    text = re.sub(r"\b\d+ milliseconds\b", "N milliseconds", text)
    # libcurl's "timed out after 1005 milliseconds", also when the row cuts it.
    text = re.sub(r"timed out after \d+ m", "timed out after N m", text)
    return text


def screens(out):
    """Only the dumps: the report printed after the quit is not a screen."""
    parts = out.split("--- screen ---\n")
    return "".join("--- screen ---\n" + parts[i] + "--- screen ---\n"
                   for i in range(1, len(parts) - 1, 2))


def run_one(binary, url, name, scenario, extra, script_path):
    env = dict(os.environ)
    for var in ("GEMINI_API_KEY", "GEMINI_MODEL", "GOOGLE_GEMINI_BASE_URL", "NO_COLOR",
                "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                "ALL_PROXY", "GEMINI_DOCTOR_TUI_DUMP"):
        env.pop(var, None)
    env.update({
        "GOOGLE_API_KEY": key_for(scenario),
        "GEMINI_DOCTOR_NOW": NOW,
        "GEMINI_DOCTOR_TUI_SCRIPT": script_path,
        "GEMINI_DOCTOR_TUI_SIZE": "80x24",
        "LC_ALL": "C.UTF-8",
    })
    args = [binary, "tui", "--base-url", url, "--status-url", url + "/incidents.json",
            "--timeout", "3", "--model", "gemini-3.8-flash"] + extra
    proc = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)
    return normalise(screens(proc.stdout.decode("utf-8", "replace")))


def run_stats(binary, logdir, locale, size, script_path):
    env = dict(os.environ)
    for var in ("GEMINI_API_KEY", "GEMINI_MODEL", "GOOGLE_GEMINI_BASE_URL", "NO_COLOR",
                "GEMINI_DOCTOR_TUI_DUMP", "LANG", "LC_CTYPE"):
        env.pop(var, None)
    env.update({
        "GOOGLE_API_KEY": key_for("valid"),
        "GEMINI_DOCTOR_NOW": NOW,
        "GEMINI_DOCTOR_TUI_SCRIPT": script_path,
        "GEMINI_DOCTOR_TUI_SIZE": size,
        "LC_ALL": locale,
    })
    args = [binary, "tui", "--offline", "--model", "gemini-3.8-flash"]
    proc = subprocess.run(args, env=env, cwd=logdir, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    return normalise(screens(proc.stdout.decode("utf-8", "replace")))


def compare(name, got, want_screens, update):
    """Compare got with the golden file of name (or rewrite it); 1 when
    they agree."""
    path = os.path.join(GOLDEN, name + ".txt")
    if update:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(got)
        print("updated %s" % os.path.relpath(path))
        return 1
    try:
        with open(path, encoding="utf-8") as f:
            want = normalise(f.read())
    except OSError:
        want = ""
    if got == want and got.count("--- screen ---\n") == 2 * want_screens:
        print("ok   %s" % name)
        return 1
    print("FAIL %s (regenerate with: python3 tests/tui_golden.py --update %s)" % (name, name))
    for line in difflib.unified_diff(want.splitlines(), got.splitlines(),
                                     "golden/" + name, "now", lineterm="", n=1):
        print("     " + line)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("names", nargs="*")
    opt = ap.parse_args()
    binary = os.path.abspath(opt.bin)
    passed = failed = 0

    fake = harness.FakeServer()
    fake.start()
    fd, script_path = tempfile.mkstemp(prefix="gd-golden-", suffix=".keys")
    with os.fdopen(fd, "w") as f:
        f.write(SCRIPT)
    try:
        for name, scenario, extra in SCENARIOS:
            if opt.names and name not in opt.names:
                continue
            got = run_one(binary, fake.url, name, scenario, extra, script_path)
            if compare(name, got, 4, opt.update):
                passed += 1
            else:
                failed += 1
        logdir = tempfile.mkdtemp(prefix="gd-golden-stats-")
        stats_gen.write_all(logdir, 6000)
        shutil.copy(os.path.join(logdir, "log.jsonl"), os.path.join(logdir, "my log.jsonl"))
        for name, locale, size, script in STATS_SCENARIOS:
            if opt.names and name not in opt.names:
                continue
            spath = os.path.join(logdir, name + ".keys")
            with open(spath, "w") as f:
                f.write(script)
            got = run_stats(binary, logdir, locale, size, spath)
            if compare(name, got, script.count("dump\n"), opt.update):
                passed += 1
            else:
                failed += 1
        shutil.rmtree(logdir)
    finally:
        os.unlink(script_path)
        fake.stop()
        fake.remove_log()
    print("tui golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
