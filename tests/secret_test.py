#!/usr/bin/env python3
"""secret_test.py: the canary-key test. The API key is a secret (PRODUCT.md):
never printed, logged, written or put in a URL, and sent only to the API host
in the x-goog-api-key header. This runs every command that can see a key with
a fresh random canary key each time, from GOOGLE_API_KEY, GEMINI_API_KEY and
--key-file, against the fake Gemini API, and proves:

- no stdout and no stderr holds the key, or any 8-character piece of its
  random part (the masked form shows only the last four characters);
- no file written under the run's HOME, TMPDIR or working directory holds it;
- no request line (path or query) and no other header in the fake server's log
  holds it; the fake logs x-goog-api-key and authorization only as SHA-256
  hashes, so the log itself never holds a key;
- every run that talked to the API did send the key, in x-goog-api-key (its
  hash is in the log).

Commands covered: check in every format with and without -v (several
scenarios, both key kinds), the default command, explain in both formats with
a paste that contains the key, rules list, the headless TUI when the
binary has one (skipped when it says the TUI is unavailable), and scan
--verify in every format of a source file that commits the key.

Usage: python3 tests/secret_test.py [--bin build/gemini-doctor] [-v]
Prints `N passed, N failed` and exits non-zero when anything failed.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402

ALNUM = string.ascii_letters + string.digits
CLEARED_ENV = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GEMINI_MODEL", "GOOGLE_GEMINI_BASE_URL",
               "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
               "all_proxy", "NO_PROXY", "no_proxy", "NO_COLOR", "GEMINI_DOCTOR_TUI_SCRIPT",
               "GEMINI_DOCTOR_TUI_DUMP", "GEMINI_DOCTOR_TUI_SIZE")


def canary(scenario, auth=False):
    """A fresh key that selects scenario on the fake server. The random part
    is what the test looks for."""
    if auth:
        prefix = "AQ.Test_%s_" % scenario
        return prefix + "".join(secrets.choice(ALNUM) for _ in range(40))
    prefix = "AIzaTest_%s_" % scenario
    return prefix + "".join(secrets.choice(ALNUM) for _ in range(39 - len(prefix)))


def sha(value):
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def pieces(key):
    """The key and every 8-character window of its random part."""
    tail = key.rsplit("_", 1)[1]
    out = {key}
    for i in range(0, len(tail) - 7):
        out.add(tail[i:i + 8])
    return out


def leaks(data, needles):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return sorted(n for n in needles if n.encode() in data)


class Run:
    """One command run with one canary key."""

    def __init__(self, name, args, key, source, stdin=b"", env=None, network=True,
                 may_be_unavailable=False, script=None, also=(), tree=None):
        self.name = name
        self.args = args
        self.key = key
        self.source = source          # "GOOGLE_API_KEY", "GEMINI_API_KEY", "--key-file"
        self.stdin = stdin
        self.env = env or {}
        self.network = network        # the key must reach the API in this run
        self.may_be_unavailable = may_be_unavailable
        self.script = script          # a headless TUI script (kept outside the scanned dirs)
        self.also = list(also)        # more secrets of this run (a key typed into the TUI)
        self.tree = tree              # a source file holding {key}, for scan (outside the scanned dirs)
        self.problems = []
        self.skipped = False


def execute(binary, fake, run, keydir):
    env = dict(os.environ)
    for name in CLEARED_ENV:
        env.pop(name, None)
    env["GEMINI_DOCTOR_NOW"] = "2026-11-28T12:00:00Z"
    root = tempfile.mkdtemp(prefix="gd-secret-")
    home, tmp, cwd = (os.path.join(root, d) for d in ("home", "tmp", "cwd"))
    for d in (home, tmp, cwd):
        os.mkdir(d)
    env.update({"HOME": home, "TMPDIR": tmp, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                "XDG_STATE_HOME": os.path.join(home, ".local", "state")})
    args = [a.replace("{fake}", fake.url).replace("{tmp}", tmp) for a in run.args]
    for k, v in run.env.items():
        env[k] = v.replace("{fake}", fake.url).replace("{tmp}", tmp)
    if run.source == "--key-file":
        # The key file lives outside the scanned directories.
        path = os.path.join(keydir, "key-%s.txt" % secrets.token_hex(6))
        with open(path, "w") as f:
            f.write(run.key + "\n")
        args += ["--key-file", path]
    elif run.source:
        env[run.source] = run.key
    if run.tree is not None:
        tree = os.path.join(keydir, "tree-%s" % secrets.token_hex(6))
        os.mkdir(tree)
        with open(os.path.join(tree, "app.py"), "w") as f:
            f.write(run.tree.replace("{key}", run.key))
        args = [a.replace("{tree}", tree) for a in args]
    if run.script is not None:
        path = os.path.join(keydir, "script-%s.keys" % secrets.token_hex(6))
        with open(path, "w") as f:
            f.write(run.script)
        env["GEMINI_DOCTOR_TUI_SCRIPT"] = path
    needles = set()
    for k in [run.key] + run.also:
        needles |= pieces(k)
    try:
        p = subprocess.run([binary] + args, input=run.stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=cwd, timeout=40)
    except subprocess.TimeoutExpired:
        run.problems.append("killed after 40 s")
        shutil.rmtree(root, ignore_errors=True)
        return run
    err = p.stderr.decode("utf-8", "replace")
    if run.may_be_unavailable and p.returncode != 0 and re.search(
            r"unavailable|not built|not available|no terminal", err, re.I):
        run.skipped = True
        run.network = False
    if p.returncode < 0:
        run.problems.append("killed by signal %d" % -p.returncode)
    elif p.returncode == 70 and not run.skipped:
        run.problems.append("internal error (exit 70): %s" % err.strip()[-300:])
    if "Sanitizer" in err or "runtime error:" in err:
        run.problems.append("sanitizer report: " + err[-1000:])
    for label, data in (("stdout", p.stdout), ("stderr", p.stderr)):
        found = leaks(data, needles)
        if found:
            run.problems.append("the key (or a piece of it) is in %s: %r" % (
                label, found[:3]))
    for dirpath, _, files in os.walk(root):
        for fn in files:
            path = os.path.join(dirpath, fn)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            found = leaks(data, needles)
            if found:
                run.problems.append("the key is in a written file %s" % os.path.relpath(path, root))
    shutil.rmtree(root, ignore_errors=True)
    return run


def build_runs():
    runs = []
    formats = ("text", "json", "junit", "github")
    sources = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "--key-file")
    base = ["check", "--base-url", "{fake}", "--status-url", "{fake}/incidents.json",
            "--timeout", "3", "--model", "gemini-3.8-flash"]
    i = 0
    for scenario in ("valid", "invalid", "quota-rpm", "html", "leaked"):
        for fmt in formats:
            for verbose in ([], ["-v"]):
                source = sources[i % len(sources)]
                i += 1
                runs.append(Run("check %s --format %s %s via %s" % (
                    scenario, fmt, " ".join(verbose), source),
                    base + ["--format", fmt] + verbose, canary(scenario), source))
    for source in sources:
        for fmt in formats:
            runs.append(Run("check auth key --format %s -v via %s" % (fmt, source),
                            base + ["--format", fmt, "-v"], canary("valid", auth=True), source))
    # The default command (stdin is not a terminal here, so it is check).
    runs.append(Run("default command -v", ["-v", "--base-url", "{fake}", "--status-url",
                                           "{fake}/incidents.json", "--timeout", "3"],
                    canary("valid"), "GOOGLE_API_KEY"))
    runs.append(Run("check --offline -v", base + ["--offline", "-v"], canary("valid"),
                    "GOOGLE_API_KEY", network=False))
    # A key pasted with quotes and a newline: the stray characters are
    # flagged, and the message about them must not quote the key.
    k = canary("valid")
    runs.append(Run("check with a quoted key -v", base + ["--format", "text", "-v"], k, None,
                    env={"GOOGLE_API_KEY": '"%s"\n' % k}))
    # Pastes that hold the key itself: a curl line with ?key= and a Python
    # traceback that echoes api_key=.
    for fmt in ("text", "json"):
        for verbose in ([], ["-v"]):
            k = canary("invalid")
            paste = ("$ curl \"https://generativelanguage.googleapis.com/v1beta/models/"
                     "gemini-3.8-flash:generateContent?key=%s\" -d @req.json\n"
                     "{\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"API key not "
                     "valid. Please pass a valid API key.\",\n    \"status\": "
                     "\"INVALID_ARGUMENT\",\n    \"details\": [\n      {\n        \"@type\": "
                     "\"type.googleapis.com/google.rpc.ErrorInfo\",\n        \"reason\": "
                     "\"API_KEY_INVALID\",\n        \"domain\": \"googleapis.com\",\n        "
                     "\"metadata\": {\n          \"service\": \"generativelanguage.googleapis."
                     "com\"\n        }\n      }\n    ]\n  }\n}\n" % k)
            runs.append(Run("explain curl paste --format %s %s" % (fmt, " ".join(verbose)),
                            ["explain", "--format", fmt] + verbose, k, "GOOGLE_API_KEY",
                            stdin=paste.encode(), network=False))
            k = canary("valid")
            paste = ("Traceback (most recent call last):\n  File \"app.py\", line 7, in <module>\n"
                     "    client = genai.Client(api_key='%s')\n"
                     "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. {'error': "
                     "{'code': 429, 'message': 'You exceeded your current quota. key=%s', "
                     "'status': 'RESOURCE_EXHAUSTED'}}\n" % (k, k))
            runs.append(Run("explain traceback paste --format %s %s" % (fmt, " ".join(verbose)),
                            ["explain", "--format", fmt] + verbose, k, "GEMINI_API_KEY",
                            stdin=paste.encode(), network=False))
    k = canary("valid")
    runs.append(Run("explain a one-line log that names the key", ["explain", "-"], k,
                    "GOOGLE_API_KEY", network=False,
                    stdin=("Error: 400 API key not valid. Please pass a valid API key. "
                           "[reason: API_KEY_INVALID] key used: %s\n" % k).encode()))
    runs.append(Run("rules list", ["rules", "list"], canary("valid"), "GOOGLE_API_KEY",
                    network=False))
    runs.append(Run("help", ["help"], canary("valid"), "GOOGLE_API_KEY", network=False))
    # The headless TUI (docs/tui.md): scripted keys in, screen dumps out
    # (written under TMPDIR, which is scanned). It runs the probes with the
    # environment's key, explains a paste that holds that key, then takes a
    # second key typed into the "new key" field, which must reach the API
    # and leak nowhere either.
    k, typed = canary("invalid"), canary("valid")
    paste = ("curl https://generativelanguage.googleapis.com/v1beta/models?key=%s\\n"
             '{"error": {"code": 400, "message": "API key not valid. Please pass a valid API '
             'key.", "status": "INVALID_ARGUMENT"}}\\n' % k)
    script = "\n".join([
        "wait", "dump", "key Down", "key Down", "key Down", "key Enter", "dump", "key Esc",
        "key p", "paste " + paste, "key C-d", "dump", "key Esc",
        "key K", "type " + typed, "key Enter", "wait", "dump", "key q", ""])
    runs.append(Run("tui headless: env key, a paste with it, a typed key", [
        "tui", "--base-url", "{fake}", "--status-url", "{fake}/incidents.json", "--timeout", "3",
        "--model", "gemini-3.8-flash"], k, "GOOGLE_API_KEY", network=True,
        may_be_unavailable=True, script=script, also=[typed],
        env={"GEMINI_DOCTOR_TUI_DUMP": "{tmp}/screen.txt", "GEMINI_DOCTOR_TUI_SIZE": "100x40"}))
    # scan --verify: the key is committed in a source file (not in the
    # environment); it must reach the API in its header and nowhere else,
    # also when the API echoes it back (the invalid scenario's DebugInfo).
    tree = 'from google import genai\nclient = genai.Client(api_key="{key}")\n'
    i = 0
    for scenario in ("valid", "invalid", "restricted"):
        for fmt in ("text", "json", "sarif", "github"):
            k = canary(scenario, auth=i % 2 == 1)
            i += 1
            runs.append(Run("scan --verify %s --format %s" % (scenario, fmt),
                            ["scan", "--verify", "--base-url", "{fake}", "--timeout", "3",
                             "--format", fmt, "{tree}"], k, None, tree=tree))
    return runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "gemini-doctor"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=8)
    opts = ap.parse_args()
    binary = os.path.abspath(opts.bin)
    work = tempfile.mkdtemp(prefix="gd-secret-work-")
    log = os.path.join(work, "fake.log")
    keydir = os.path.join(work, "keys")
    os.mkdir(keydir)
    open(log, "a").close()
    fake = harness.FakeServer(log)
    fake.start()
    runs = build_runs()
    try:
        with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            done = list(pool.map(lambda r: execute(binary, fake, r, keydir), runs))
    finally:
        fake.stop()

    # The server log: one JSON line per request.
    entries = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            try:
                entries.append(json.loads(line))
            except ValueError:
                pass
    seen_hashes = set()
    log_problems = []
    all_needles = {}
    for r in done:
        for k in [r.key] + r.also:
            for n in pieces(k):
                all_needles[n] = r
    for e in entries:
        url = e.get("path", "") + "?" + e.get("query", "")
        for n, r in all_needles.items():
            msg = "the key is in a request URL: %s" % url.replace(r.key, "<KEY>")
            if n in url and msg not in r.problems:
                r.problems.append(msg)
        for name, value in (e.get("headers") or {}).items():
            if name in ("x-goog-api-key", "authorization"):
                if name == "authorization":
                    log_problems.append("a request carried an Authorization header")
                seen_hashes.add(value)
                continue
            for n, r in all_needles.items():
                msg = "the key is in the %s request header" % name
                if n in str(value) and msg not in r.problems:
                    r.problems.append(msg)
    for r in done:
        if r.network and not r.skipped:
            for k in [r.key] + r.also:
                if sha(k) not in seen_hashes:
                    r.problems.append("the key %s never arrived in the x-goog-api-key header"
                                      % k[:k.rindex("_") + 1])
    raw = open(log, "rb").read()
    for r in done:
        for k in [r.key] + r.also:
            if k.encode() in raw:
                r.problems.append("the key is in the fake server's log")
    shutil.rmtree(work, ignore_errors=True)

    passed = failed = skipped = 0
    for r in done:
        if r.problems:
            failed += 1
            print("FAIL %s" % r.name)
            for pr in r.problems:
                print("     " + pr)
        elif r.skipped:
            skipped += 1
            if opts.verbose:
                print("skip %s (unavailable in this build)" % r.name)
        else:
            passed += 1
            if opts.verbose:
                print("ok   %s" % r.name)
    for pr in log_problems[:1]:
        failed += 1
        print("FAIL " + pr)
    if not entries:
        failed += 1
        print("FAIL the fake server logged no request at all")
    print("secret test: %d passed, %d failed%s" % (
        passed, failed, ", %d skipped" % skipped if skipped else ""))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
