#!/usr/bin/env python3
"""exit_test.py: the exits the case harness cannot set up. explain with a
closed stdin (66, and with --format json one object), any command whose
stdout is /dev/full (one line on stderr and exit 70, never a silent 70), and
explain on a pipe that never ends or a FIFO with no writer: it waits like
`cat`, using no CPU, and SIGINT or SIGTERM ends it at once (the bound here is
loose, 2 s; the 20 ms the tool keeps is a figure, not a test).

Usage: python3 tests/exit_test.py [--bin build/gemini-doctor]
Prints `exits: N passed, N failed`."""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

PASTE = b'{"error": {"code": 429, "message": "Resource exhausted.", "status": "RESOURCE_EXHAUSTED"}}\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    binary = os.path.abspath(ap.parse_args().bin)
    env = dict(os.environ, LC_ALL="C.UTF-8", GEMINI_DOCTOR_NOW="2026-11-28T12:00:00Z")
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY"):
        env.pop(name, None)
    passed = failed = 0

    def expect(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL " + what)

    for fmt in ("text", "json"):
        p = subprocess.run([binary, "explain", "--format", fmt], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           pass_fds=(), close_fds=True,
                           preexec_fn=lambda: os.close(0))
        expect(p.returncode == 66, "explain %s with stdin closed: exit %d" % (fmt, p.returncode))
        expect(p.stderr.count(b"\n") == 1, "explain %s with stdin closed: stderr %r" % (fmt, p.stderr))
        if fmt == "json":
            try:
                doc = json.loads(p.stdout)
                expect(doc.get("exit") == 66, "closed stdin: JSON %r" % doc)
            except ValueError:
                expect(False, "closed stdin: stdout is not one JSON object: %r" % p.stdout)
    for args in (["explain"], ["explain", "--format", "json"], ["rules", "list"], ["--version"],
                 ["check", "--offline"]):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([binary] + args, input=PASTE, stdout=full, stderr=subprocess.PIPE,
                               env=env)
        expect(p.returncode == 70, "%s > /dev/full: exit %d" % (" ".join(args), p.returncode))
        expect(p.stderr.count(b"\n") == 1 and b"cannot write" in p.stderr,
               "%s > /dev/full: stderr %r" % (" ".join(args), p.stderr))
    def cpu_ticks(pid):
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "paste")
        os.mkfifo(fifo)
        for mode in ("fifo", "pipe"):
            for sig in (signal.SIGINT, signal.SIGTERM):
                w = None
                if mode == "fifo":
                    p = subprocess.Popen([binary, "explain", fifo], stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env)
                else:
                    r, w = os.pipe()
                    p = subprocess.Popen([binary, "explain"], stdin=r, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env)
                    os.close(r)
                    os.write(w, PASTE[:40])
                time.sleep(0.5)
                ticks = cpu_ticks(p.pid)
                p.send_signal(sig)
                try:
                    p.communicate(timeout=2)
                    rc = p.returncode
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.communicate()
                    rc = None
                if w is not None:
                    os.close(w)
                what = "explain waiting on a %s, %s" % (mode, sig.name)
                expect(ticks <= 5, "%s: %d CPU ticks while waiting" % (what, ticks))
                expect(rc in (-sig, 128 + sig), "%s: exit %r, not ended by the signal" % (what, rc))
    print("exits: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
