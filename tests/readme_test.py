#!/usr/bin/env python3
"""readme_test.py: the examples in README.md run, so the README cannot lie.

Every ```console block in README.md whose first line is `$ gemini-doctor …`
(optionally `$ cmd | gemini-doctor …` or with `VAR=value` prefixes) is run from
the repository root with the clock pinned (GEMINI_DOCTOR_NOW, the value the
README states) and no colour; its output must equal the rest of the block.
A block may start the fake Gemini API: `{fake}` in the command is its URL.
`--update` rewrites the blocks with the real output instead.

Prints `N passed, N failed`; exits non-zero when anything failed.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run as harness  # noqa: E402

NOW = "2026-11-28T12:00:00Z"
BLOCK = re.compile(r"```console\n(\$ [^\n]*)\n(.*?)```", re.S)


def run_block(cmd, binary, fake):
    env = dict(os.environ)
    for name in harness.CLEARED_ENV:
        env.pop(name, None)
    env["GEMINI_DOCTOR_NOW"] = NOW
    env["LC_ALL"] = "C.UTF-8"
    env["NO_COLOR"] = "1"
    env["PATH"] = os.path.dirname(os.path.abspath(binary)) + os.pathsep + env["PATH"]
    shown = cmd[2:]
    if fake:
        shown = shown.replace("{fake}", fake.url)
    p = subprocess.run(["sh", "-c", shown], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    if fake:
        out = out.replace(fake.url, "{fake}")
    return out


def same(got, want):
    """Equal but for timings ("in 3 ms"), which no two runs share."""
    def norm(s):
        return re.sub(r"\d+ ms\b", "N ms", s)
    return norm(got) == norm(want)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("--update", action="store_true")
    opts = ap.parse_args()
    path = os.path.join(ROOT, "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fake = None
    if "{fake}" in text:
        fake = harness.FakeServer()
        fake.start()
    passed = failed = 0
    pieces = []
    last = 0
    try:
        for m in BLOCK.finditer(text):
            cmd, want = m.group(1), m.group(2)
            if "gemini-doctor" not in cmd:
                continue
            got = run_block(cmd, opts.bin, fake)
            pieces.append(text[last:m.start()])
            pieces.append("```console\n%s\n%s```" % (cmd, got))
            last = m.end()
            if same(got, want):
                passed += 1
            else:
                failed += 1
                if not opts.update:
                    print("FAIL README example: %s" % cmd)
                    print("---- wanted\n%s---- got\n%s----" % (want, got))
        pieces.append(text[last:])
    finally:
        if fake:
            fake.stop()
    if opts.update:
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(pieces))
        print("readme: updated %d example(s)" % (passed + failed))
        return 0
    print("readme: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
