#!/usr/bin/env python3
"""data_only_test: a new cause needs no C change.

The batch-queue quota (cause quota-batch) is data only: a cause in
causes.json, a quota dimension in verdicts.json, a wait policy and a rule in
rules.json. This test takes the built-in table, removes exactly those
entries (the table as it was before the cause existed), and checks with the
same binary that
  1. without them the batch paste is not quota-batch;
  2. with them added back as one extra file (zz-batch.json) the paste is
     quota-batch, with its dimension, steps and wait, exactly as the built-in
     table says, and `rules lint` passes on both tables.
Ends with `data-only: N passed, N failed`.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASE = os.path.join(HERE, "cases", "rules", "quota-batch-enqueued.case")
CAUSE, WAIT, DIM = "quota-batch", "batch-queue", "batch-tokens"

passed = failed = 0


def expect(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (what, (": " + detail) if detail else ""))


def paste():
    with open(CASE, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^--- stdin\n(.*?)^--- ", text, re.S | re.M)
    return m.group(1).encode("utf-8")


def split_table(dst_base, dst_plus):
    """Write the table without the batch cause to dst_base, and the same plus
    one file holding only the batch cause's entries to dst_plus."""
    extra = {"data_as_of": None, "causes": [], "quota_dimensions": [], "wait_policies": [],
             "rules": []}
    for name in sorted(os.listdir(os.path.join(ROOT, "rules"))):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(ROOT, "rules", name), encoding="utf-8") as f:
            doc = json.load(f)
        extra["data_as_of"] = doc.get("data_as_of", extra["data_as_of"])
        keep = {
            "causes": lambda c: c.get("id") != CAUSE,
            "quota_dimensions": lambda q: q.get("id") != DIM,
            "wait_policies": lambda w: w.get("id") != WAIT,
            "rules": lambda r: r.get("cause") != CAUSE,
        }
        for section, pred in keep.items():
            if section in doc:
                extra[section] += [x for x in doc[section] if not pred(x)]
                doc[section] = [x for x in doc[section] if pred(x)]
        for d in (dst_base, dst_plus):
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1, ensure_ascii=False)
    for section in ("causes", "quota_dimensions", "wait_policies", "rules"):
        expect("the built-in table has a %s entry for %s" % (section, CAUSE), extra[section])
    with open(os.path.join(dst_plus, "zz-batch.json"), "w", encoding="utf-8") as f:
        json.dump(extra, f, indent=1, ensure_ascii=False)


def explain(binary, rules_dir, fmt):
    args = [binary, "explain", "--format", fmt]
    if rules_dir:
        args += ["--rules", rules_dir]
    env = dict(os.environ, GEMINI_DOCTOR_NOW="2026-11-28T12:00:00Z", LC_ALL="C.UTF-8")
    p = subprocess.run(args, input=paste(), capture_output=True, env=env, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def lint(binary, rules_dir):
    env = dict(os.environ, GEMINI_DOCTOR_CASES=os.path.join(HERE, "cases"))
    p = subprocess.run([binary, "rules", "lint", rules_dir], capture_output=True, env=env,
                       timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    binary = os.path.abspath(ap.parse_args().bin)
    tmp = tempfile.mkdtemp(prefix="gd-data-only-")
    try:
        base, plus = os.path.join(tmp, "base"), os.path.join(tmp, "plus")
        os.mkdir(base)
        os.mkdir(plus)
        split_table(base, plus)

        rc, out = explain(binary, base, "json")
        doc = json.loads(out)
        expect("without the data the paste is not %s" % CAUSE, doc.get("cause") != CAUSE,
               doc.get("cause"))
        expect("without the data no %s dimension" % DIM,
               doc.get("quota", {}).get("dimension") != DIM)
        rc, out = lint(binary, base)
        expect("lint passes without the batch cause", rc == 0, out[-500:])

        rc, out = explain(binary, plus, "json")
        doc = json.loads(out)
        expect("with the data file the paste is %s" % CAUSE, doc.get("cause") == CAUSE,
               doc.get("cause"))
        expect("its dimension", doc.get("quota", {}).get("dimension") == DIM, out[:300])
        expect("not retryable", doc.get("retryable") is False)
        expect("its wait line", doc.get("wait", "").startswith(
            "do not retry: the limit counts the tokens of batch jobs"), doc.get("wait"))
        expect("no daily reset", "resets_at" not in doc.get("quota", {}))
        expect("its steps", len(doc.get("steps", [])) == 3 and
               doc["steps"][0].startswith("Wait for the batch jobs already queued on "
                                          "gemini-3.8-flash"), repr(doc.get("steps")))
        rc, out = lint(binary, plus)
        expect("lint passes with the batch cause added", rc == 0, out[-500:])

        # The built-in table (which holds the same entries) says the same.
        for fmt in ("json", "text"):
            got = explain(binary, plus, fmt)
            want = explain(binary, None, fmt)
            expect("built-in and data-file tables agree (%s)" % fmt, got == want,
                   "\n%s\n---\n%s" % (got[1][:600], want[1][:600]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("data-only: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
