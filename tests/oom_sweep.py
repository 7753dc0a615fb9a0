#!/usr/bin/env python3
"""oom_sweep.py: every allocation may fail, and none may change the answer.

With the shim tests/oom/failalloc.c preloaded, runs each scenario (explain of
several pastes in text and JSON, explain with a key in the environment, rules
lint, and with --full every 20th paste of the explain cases too) once to count its allocations and record its answer, then again with
the Nth allocation failing, for every N (--full, `make torture`) or for a
sample of them (the default, in `make test`). Each run must either

- stop with exit 70 and exactly one line on stderr, `gemini-doctor: out of
  memory` (with --format json, stdout holds one JSON object saying so), or
- give the very same exit code, stdout and stderr as the run with no failure
  (a failure the C library absorbs, such as a stdio buffer),

never a crash, a core dump, another exit code or a different diagnosis.

Usage: python3 tests/oom_sweep.py --bin build/gemini-doctor --shim build/failalloc.so
       [--full] [--sample N] [-j JOBS] [-v]
Prints `oom sweep: N passed, N failed` (one per run) and the run counts.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
OOM_LINE = b"gemini-doctor: out of memory\n"

PASTES = {
    "quota": b'{"error":{"code":429,"message":"Quota exceeded for metric: generativelanguage.'
             b'googleapis.com/generate_content_free_tier_requests, limit: 20, model: '
             b'gemini-2.5-pro","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.'
             b'googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}\n',
    "key": b'google.genai.errors.ClientError: 400 INVALID_ARGUMENT. {\'error\': {\'code\': 400, '
           b'\'message\': \'API key not valid. Please pass a valid API key.\', \'status\': '
           b'\'INVALID_ARGUMENT\', \'details\': [{\'@type\': \'type.googleapis.com/google.rpc.'
           b'ErrorInfo\', \'reason\': \'API_KEY_INVALID\', \'domain\': \'googleapis.com\'}]}}\n',
    "log": b'2026-11-28T10:00:00Z INFO request ok id=1\n' * 40 +
           b'2026-11-28T10:00:01Z ERROR [GoogleGenerativeAI Error]: Error fetching from '
           b'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:'
           b'generateContent?key=AIzaSyA1234567890abcdefghijklmnopqrWXyZ: [503 Service '
           b'Unavailable] The model is overloaded. Please try again later.\n',
    "none": b"hello, this is not an error at all\n",
}


def case_pastes(step):
    """Every step-th paste of the explain cases (tests/cases), for --full."""
    sys.path.insert(0, HERE)
    import locale_test
    return locale_test.explain_pastes()[::step]


def scenarios(full):
    out = []
    for name, paste in PASTES.items():
        for fmt in ("text", "json"):
            out.append(("explain %s %s" % (fmt, name), ["explain", "--format", fmt], paste, {}))
    out.append(("explain json with a key set", ["explain", "--format", "json"], PASTES["key"],
                {"GOOGLE_API_KEY": "AQ.Ab8RN6Lq0zYx7Wv2Tt5Ss9Rr1Qq3Pp4Oo6Nn8Mm0"}))
    out.append(("rules lint", ["rules", "lint"], b"", {}))
    if full:
        for name, paste in case_pastes(20):
            out.append(("explain json %s" % name, ["explain", "--format", "json"], paste, {}))
    return out


def run(binary, shim, args, stdin, extra_env, fail_at, count_path=None):
    env = dict(os.environ)
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "NO_COLOR"):
        env.pop(name, None)
    env.update(extra_env)
    env.update({"LD_PRELOAD": shim, "GD_FAIL_AT": str(fail_at), "LC_ALL": "C.UTF-8",
                "GEMINI_DOCTOR_NOW": "2026-11-28T12:00:00Z"})
    if count_path:
        env["GD_ALLOC_COUNT"] = count_path
    p = subprocess.run([binary] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, cwd=HERE + "/..", timeout=60)
    return p.returncode, p.stdout, p.stderr


def judge(base, got, fmt_json):
    rc, out, err = got
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc == 70:
        if err != OOM_LINE:
            return "exit 70 but stderr is %r" % err[:200]
        if out and not fmt_json:
            return "exit 70 after printing %r" % out[:200]
        if fmt_json:
            try:
                doc = json.loads(out)
            except ValueError:
                return "exit 70 and stdout is not one JSON object: %r" % out[:200]
            if doc.get("exit") != 70:
                return "exit 70 but the JSON says %r" % out[:200]
        return None
    if got != base:
        return "exit %d (normally %d), output %s" % (
            rc, base[0], "the same" if got[1:] == base[1:] else "different: %r" % out[:200])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    ap.add_argument("--shim", default="build/failalloc.so")
    ap.add_argument("--full", action="store_true", help="every N (make torture)")
    ap.add_argument("--sample", type=int, default=40, help="runs per scenario when not --full")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()
    binary, shim = os.path.abspath(opts.bin), os.path.abspath(opts.shim)
    passed = failed = 0
    rng = random.Random(os.environ.get("GD_SWEEP_SEED", "1"))
    for name, args, stdin, env in scenarios(opts.full):
        with tempfile.NamedTemporaryFile(prefix="gd-allocs-") as f:
            base = run(binary, shim, args, stdin, env, 0, f.name)
            total = int(open(f.name).read().strip() or 0)
        if total == 0:
            print("FAIL %s: the shim counted no allocation (not preloaded?)" % name)
            failed += 1
            continue
        if opts.full or total <= opts.sample:
            ns = list(range(1, total + 1))
        else:
            # The first and last allocations, and an even spread with a
            # random offset in between.
            ns = sorted(set([1, 2, total - 1, total] +
                            rng.sample(range(1, total + 1), opts.sample - 4)))
        fmt_json = "json" in args
        bad = []
        with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            for n, got in zip(ns, pool.map(
                    lambda n: run(binary, shim, args, stdin, env, n), ns)):
                why = judge(base, got, fmt_json)
                if why:
                    bad.append((n, why))
        failed += len(bad)
        passed += len(ns) - len(bad)
        print("%s: %d allocations, %d runs, %d failed" % (name, total, len(ns), len(bad)))
        for n, why in bad[:10]:
            print("FAIL %s, allocation %d of %d fails: %s" % (name, n, total, why))
        sys.stdout.flush()
    print("oom sweep: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
