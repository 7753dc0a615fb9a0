#!/usr/bin/env python3
"""secret_trace.py: every byte the tool hands the kernel, checked for the key.

Runs every command and format under `strace -f` (write, writev, pwrite64,
sendto, sendmsg, openat, execve), with canary keys of every shape: AIza,
AQ., ya29., a JWT, another 52-character form, a short key, a 2 KB key, keys
with spaces, a quote, a newline and an escape sequence. The key (and every
10-character piece of it) may appear in one place only: the
x-goog-api-key header of a request to the fake API's loopback port. Not on
stdout or stderr, not in a file written, not in a path opened, not in the
argv or environment of a child, not on another socket.

Commands: explain (text, json) of pastes that hold the key raw, JSON-escaped,
as a key= parameter and split across lines; check in every format with and
without -v (and the GitHub job summary file); rules list; the headless TUI
with the key pasted; scan --verify in every format of a source file that
commits the key (the one way scan sends a key: in its header, to the API).
The key comes from GOOGLE_API_KEY or --key-file, or for scan from the file.

Usage: python3 tests/secret_trace.py [--bin build/gemini-doctor] [-v]
Prints `secret trace: N passed, N failed`; skips with a notice (and counts
nothing as passed) when strace is missing or cannot trace here.
"""

import argparse
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
PIECE = 10
TRACED = "write,writev,pwrite64,sendto,sendmsg,openat,execve"


def rnd(n):
    return "".join(secrets.choice(ALNUM) for _ in range(n))


def shapes():
    """One fresh canary key of every shape."""
    return {
        "standard": "AIza" + rnd(35),
        "auth": "AQ." + rnd(50),
        "oauth": "ya29." + rnd(120),
        "jwt": "eyJ" + rnd(33) + ".eyJ" + rnd(60) + "." + rnd(43),
        "other": rnd(52),
        "short": rnd(7),
        "2kb": rnd(2048),
        "spaces": "AIza" + rnd(12) + " " + rnd(12) + " " + rnd(11),
        "quote": "AIza" + rnd(15) + '"' + rnd(19),
        "newline": rnd(20) + "\n" + rnd(20),
        "control": "AIza" + rnd(16) + "\x1b[2J" + rnd(15),
    }


def needles(key):
    """The key and every PIECE-long run of key characters in it."""
    out = {key.encode()}
    for run in re.findall(r"[A-Za-z0-9._-]+", key):
        for i in range(0, len(run) - PIECE + 1):
            out.add(run[i:i + PIECE].encode())
    return out


def pastes(key):
    """Pastes that hold the key in the forms logs and SDKs show it."""
    esc = json.dumps(key)[1:-1]
    half = len(key) // 2
    return {
        "raw": ('{"error": {"code": 400, "message": "API key not valid: %s", '
                '"status": "INVALID_ARGUMENT"}}\n' % key),
        "escaped": ('{"error": {"code": 400, "message": "{\\"detail\\": \\"key %s\\"}", '
                    '"status": "INVALID_ARGUMENT"}}\n' % esc.replace("\\", "\\\\")
                    .replace('"', '\\"')),
        "url": ("POST https://generativelanguage.googleapis.com/v1beta/models/x:generate"
                "Content?key=%s\nHTTP 429 RESOURCE_EXHAUSTED quota exceeded\n" % key),
        "split": ("Error 403 PERMISSION_DENIED: key %s\n%s was reported as leaked\n"
                  % (key[:half], key[half:])),
    }


def commands():
    check = ["check", "--base-url", "{fake}", "--status-url", "{fake}/incidents.json",
             "--timeout", "3", "--model", "gemini-3.8-flash"]
    out = []
    for fmt in ("text", "json", "junit", "github"):
        for verbose in ([], ["-v"]):
            out.append(("check %s%s" % (fmt, " -v" if verbose else ""),
                        check + ["--format", fmt] + verbose, None))
    for fmt in ("text", "json"):
        for form in ("raw", "escaped", "url", "split"):
            out.append(("explain %s %s" % (fmt, form), ["explain", "--format", fmt], form))
    out.append(("rules list", ["rules", "list"], None))
    # The TUI, headless: the key in the environment and in a paste.
    out.append(("tui paste", ["tui", "--offline"], "tui"))
    for fmt in ("text", "json", "sarif", "github"):
        out.append(("scan --verify %s" % fmt, ["scan", "--verify", "--base-url", "{fake}",
                                               "--timeout", "3", "--format", fmt, "src"],
                    "source"))
    return out


STRING = re.compile(rb'"((?:[^"\\]|\\.)*)"')


def decode(s):
    """strace -x quoting: non-printable bytes as \\xHH, plus \\n-style escapes."""
    def one(m):
        t = m.group(1)
        if t[:1] == b"x":
            return bytes([int(t[1:3], 16)])
        return {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"\\": b"\\", b'"': b'"',
                b"v": b"\v", b"f": b"\f"}.get(t[:1], t[:1])
    return re.sub(rb"\\(x[0-9a-fA-F]{2}|.)", one, s)


def check_trace(log, key, port, root_pid_first_exec):
    """Problems found in one strace log."""
    problems = []
    ns = needles(key)
    header = b"x-goog-api-key: " + key.encode()
    api_fd = re.compile(rb"<TCP(?:v6)?:\[[^\]]*->127\.0\.0\.1:%d\]>" % port)
    first_exec = True
    with open(log, "rb") as f:
        for line in f:
            m = re.match(rb"(\d+)\s+(\w+)\((.*)", line)
            if not m:
                continue
            call, rest = m.group(2), m.group(3)
            data = b"\0".join(decode(s.group(1)) for s in STRING.finditer(rest))
            if call == b"execve" and first_exec:
                first_exec = False  # our own start: the environment we gave it
                continue
            hits = [n for n in ns if n in data]
            if not hits:
                continue
            if call in (b"write", b"writev", b"sendto", b"sendmsg") and api_fd.search(rest):
                # Allowed only as the whole header value, in the header block.
                rest_data = data.replace(header + b"\r\n", b"")
                if not [n for n in ns if n in rest_data]:
                    continue
            at = data.find(hits[0])
            problems.append("%s(%s): ...%r..." % (call.decode(), rest[:40].decode("ascii", "replace"),
                                              data[max(0, at - 60):at + 40]))
    return problems


def execute(binary, fake, name, args, paste, shape, key, via):
    root = tempfile.mkdtemp(prefix="gd-trace-")
    env = dict(os.environ)
    for var in harness.CLEARED_ENV:
        env.pop(var, None)
    env.update({"HOME": root, "TMPDIR": root, "LC_ALL": "C.UTF-8",
                "GEMINI_DOCTOR_NOW": harness.DEFAULT_NOW,
                # --format github writes the job summary here: a file to scan.
                "GITHUB_STEP_SUMMARY": os.path.join(root, "summary.md")})
    argv = [a.replace("{fake}", fake.url) for a in args]
    if via == "--key-file":
        path = os.path.join(root, "key")
        with open(path, "w") as f:
            f.write(key + "\n")
        argv += ["--key-file", path]
    else:
        env["GOOGLE_API_KEY"] = key
    stdin = b""
    if paste == "tui":
        script = os.path.join(root, "script")
        text = pastes(key)["raw"]
        esc = "".join("\\\\" if ch == "\\" else "\\n" if ch == "\n" else
                      "\\x%02x" % ord(ch) if ord(ch) < 0x20 else ch for ch in text)
        with open(script, "w") as f:
            f.write("paste %s\ndump\nkey PgDn\ndump\nkey q\n" % esc)
        env["GEMINI_DOCTOR_TUI_SCRIPT"] = script
    elif paste == "source":
        # The key committed in a source file: scan reads it (read is not
        # traced) and may send it only to the fake API.
        os.mkdir(os.path.join(root, "src"))
        with open(os.path.join(root, "src", "app.py"), "w") as f:
            f.write("client = genai.Client(api_key=%s)\n" % json.dumps(key))
    elif paste:
        stdin = pastes(key)[paste].encode()
    log = os.path.join(root, "trace")
    port = int(fake.url.rsplit(":", 1)[1])
    problems = []
    try:
        p = subprocess.run(["strace", "-f", "-qq", "-v", "-yy", "-x", "-s", "1000000",
                            "-e", "trace=" + TRACED, "-o", log, binary] + argv,
                           input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=root, timeout=60)
        if p.returncode < 0 or p.returncode == 70:
            problems.append("exit %d: %s" % (p.returncode, p.stderr[-300:]))
        problems += check_trace(log, key, port, True)
        for dirpath, _, files in os.walk(root):
            for fn in files:
                if fn in ("trace", "key", "script", "app.py"):
                    continue
                with open(os.path.join(dirpath, fn), "rb") as f:
                    data = f.read()
                if any(n in data for n in needles(key)):
                    problems.append("the key is in the written file %s" % fn)
    except subprocess.TimeoutExpired:
        problems.append("killed after 60 s")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return "%s [%s key via %s]" % (name, shape, via), problems


def strace_works():
    if not shutil.which("strace"):
        return "strace is not installed (make deps installs it)"
    p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=write", "-o", os.devnull, "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return "strace cannot trace here: %s" % p.stderr.decode("utf-8", "replace").strip()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()
    why = strace_works()
    if why:
        print("secret trace: skipped: %s" % why)
        print("secret trace: 0 passed, 0 failed")
        return 0
    binary = os.path.abspath(opts.bin)
    fake = harness.FakeServer()
    fake.start()
    jobs = []
    i = 0
    for shape, key in shapes().items():
        for name, args, paste in commands():
            via = "--key-file" if i % 3 == 2 and "\n" not in key else "GOOGLE_API_KEY"
            i += 1
            jobs.append((name, args, paste, shape, key, via))
    passed = failed = 0
    try:
        with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            futures = [pool.submit(execute, binary, fake, *j) for j in jobs]
            for fut in futures:
                label, problems = fut.result()
                if problems:
                    failed += 1
                    print("FAIL %s" % label)
                    for pr in problems[:5]:
                        print("     " + pr)
                else:
                    passed += 1
                    if opts.verbose:
                        print("ok   %s" % label)
    finally:
        fake.stop()
        fake.remove_log()
    print("secret trace: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
