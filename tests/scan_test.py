#!/usr/bin/env python3
"""scan_test: gemini-doctor scan end to end, beyond the case files: every
format of every fixture tree (SARIF validated against the OASIS SARIF 2.1.0
schema in tests/sarif-schema-2.1.0.json with Debian's python3-jsonschema),
a git work tree (.gitignore honoured, untracked files read), a plain
directory walk, binaries skipped, --history finding a key that a later
commit removed, no key in any output, and --verify against the fake API in
every format (one call per distinct key, the key only in its header).

    python3 tests/scan_test.py --bin build/gemini-doctor
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402

FIXTURES = os.path.join(HERE, "cases", "scan")
SCHEMA = os.path.join(HERE, "sarif-schema-2.1.0.json")
# Debian's python3 has python3-jsonschema; the suite's python3 may not.
VALIDATOR = """
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(sys.stdin), schema, format_checker=jsonschema.FormatChecker())
"""
passed = 0
failed = 0


def expect(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


def keys_in(tree):
    """Every key-shaped string planted in a fixture tree (to prove none is
    printed)."""
    found = set()
    for root, _, files in os.walk(tree):
        for n in files:
            text = open(os.path.join(root, n), encoding="utf-8", errors="replace").read()
            found.update(re.findall(r"(?:AIza|AQ\.|ya29\.)[A-Za-z0-9_.-]{20,}", text))
    return {k for k in found if "XXXX" not in k}


def scan(binary, *args, cwd=None):
    p = subprocess.run([binary, "scan"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, cwd=cwd, timeout=60)
    return p.returncode, p.stdout, p.stderr


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def formats(binary):
    validator = shutil.which("python3", path="/usr/bin")
    for name in sorted(os.listdir(FIXTURES)):
        tree = os.path.join(FIXTURES, name)
        if not os.path.isdir(tree):
            continue
        secrets = keys_in(tree)
        rc, out, _ = scan(binary, tree, "--format", "json")
        findings = json.loads(out)["findings"]
        rc_s, sarif, _ = scan(binary, tree, "--format", "sarif")
        expect(rc_s == rc, "%s: sarif exits as json does (%d, %d)" % (name, rc_s, rc))
        p = subprocess.run([validator, "-c", VALIDATOR, SCHEMA], input=sarif, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        expect(p.returncode == 0, "%s: the SARIF validates against 2.1.0: %s"
               % (name, p.stdout[-400:]))
        doc = json.loads(sarif)
        results = doc["runs"][0]["results"]
        expect(len(results) == len(findings), "%s: one SARIF result a finding" % name)
        rule_ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
        for r in results:
            expect(rule_ids[r["ruleIndex"]] == r["ruleId"], "%s: ruleIndex names ruleId" % name)
            expect(r["partialFingerprints"], "%s: each result has a fingerprint" % name)
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            expect(os.path.exists(uri), "%s: the SARIF uri is a real file: %s" % (name, uri))
        rc_g, gh, _ = scan(binary, tree, "--format", "github")
        ann = [line for line in gh.splitlines() if line.startswith("::")]
        expect(len(ann) == len(findings), "%s: one annotation a finding" % name)
        for line in ann:
            expect(re.match(r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=scan-[a-z0-9-]+::",
                            line) is not None, "%s: annotation shape: %s" % (name, line[:100]))
        rc_t, text, err = scan(binary, tree)
        for fmt, body in (("json", out), ("sarif", sarif), ("github", gh), ("text", text + err)):
            leaked = [k for k in secrets if k in body]
            expect(not leaked, "%s: %s output holds no key" % (name, fmt))


def git_tree(binary, tmp):
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q")
    key = "AQ.Hb5Gd0FsAb8RN6Kx2pQw9Zt4Yv7Mn1Lc3Wq2"
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write("secrets.local\n")
    with open(os.path.join(repo, "secrets.local"), "w") as f:
        f.write("key = '%s'\n" % key)
    with open(os.path.join(repo, "new.py"), "w") as f:
        f.write("KEY = '%s'\n" % key)
    with open(os.path.join(repo, "blob.bin"), "wb") as f:
        f.write(b"\x00\x01" + key.encode() + b"\x00")
    rc, out, _ = scan(binary, repo, "--format", "json")
    paths = [os.path.basename(f["path"]) for f in json.loads(out)["findings"]]
    expect(paths == ["new.py"], "git: an untracked file is read, an ignored one and a binary "
           "are not: %r" % paths)
    expect(json.loads(out)["summary"]["skipped"] == 1, "git: the binary counts as skipped")

    # A key committed, then removed: only --history finds it, in the blob.
    git(repo, "add", "new.py")
    git(repo, "commit", "-q", "-m", "add")
    with open(os.path.join(repo, "new.py"), "w") as f:
        f.write("import os\nKEY = os.environ['GEMINI_API_KEY']\n")
    git(repo, "commit", "-q", "-am", "remove the key")
    rc, out, _ = scan(binary, repo, "--format", "json")
    expect(rc == 0 and not json.loads(out)["findings"], "history: the work tree is clean")
    rc, out, _ = scan(binary, repo, "--history", "--format", "json")
    found = json.loads(out)["findings"]
    expect(rc == 1 and len(found) == 1 and found[0]["rule"] == "scan-key-auth"
           and found[0].get("commit"), "history: the removed key is found in its blob: %r" % found)
    expect(key not in out, "history: the key is not printed")

    # The same tree outside git: a plain walk finds the same findings.
    plain = os.path.join(tmp, "plain")
    shutil.copytree(os.path.join(FIXTURES, "keys"), plain)
    rc, out, _ = scan(binary, plain, "--format", "json")
    rc2, out2, _ = scan(binary, os.path.join(FIXTURES, "keys"), "--format", "json")
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    rules2 = [f["rule"] for f in json.loads(out2)["findings"]]
    expect(sorted(rules) == sorted(rules2), "walk: a plain directory gives the same findings")
    rc, out, err = scan(binary, repo, "--allowlist", os.path.join(tmp, "missing"))
    expect(rc == 64 and "missing" in err, "a named allowlist that is missing is a usage error")


def sha(value):
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def verify(binary):
    """scan --verify in every format against the fake API: the SARIF still
    validates, every key finding says its state, each distinct API key is
    sent once, in x-goog-api-key only, and no output holds a key."""
    tree = os.path.join(FIXTURES, "verify")
    secrets = keys_in(tree)
    api_keys = {k for k in secrets if not k.startswith("ya29.")}
    validator = shutil.which("python3", path="/usr/bin")
    fake = harness.FakeServer()
    fake.start()
    try:
        for fmt in ("text", "json", "sarif", "github"):
            open(fake.log, "w").close()
            rc, out, err = scan(binary, "--verify", "--base-url", fake.url, "--timeout", "5",
                                tree, "--format", fmt)
            expect(rc == 1, "verify %s: exit 1 (%d): %s" % (fmt, rc, err[-200:]))
            leaked = [k for k in secrets if k in out or k in err]
            expect(not leaked, "verify %s: no output holds a key" % fmt)
            with open(fake.log) as f:
                reqs = [json.loads(line) for line in f if line.strip()]
            sent = [r["headers"].get("x-goog-api-key") for r in reqs]
            expect(sorted(sent) == sorted(sha(k) for k in api_keys),
                   "verify %s: one call per distinct API key, none for the token: %r"
                   % (fmt, sent))
            for r in reqs:
                expect(r["path"] == "/v1beta/models" and r["query"] == "pageSize=1",
                       "verify %s: a models.list call: %r" % (fmt, r))
                expect(not [k for k in secrets if k in json.dumps(r)],
                       "verify %s: no key in the request line or other headers" % fmt)
            if fmt == "sarif":
                p = subprocess.run([validator, "-c", VALIDATOR, SCHEMA], input=out, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                expect(p.returncode == 0, "verify: the SARIF validates: %s" % p.stdout[-400:])
                states = [r["properties"]["verify"] for r in json.loads(out)["runs"][0]["results"]]
                expect(states == ["live", "invalid", "live", "invalid", "denied", "skipped"],
                       "verify: SARIF result properties say each state: %r" % states)
            elif fmt == "github":
                ann = [line for line in out.splitlines() if line.startswith("::")]
                expect(len(ann) == 6 and all("%0Averify: " in a for a in ann),
                       "verify: every annotation says what the API answered")
            elif fmt == "text":
                expect(out.count("    verify: ") == 6, "verify: a verify line a key finding")
    finally:
        fake.stop()
        fake.remove_log()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    opts = ap.parse_args()
    binary = os.path.abspath(opts.bin)
    formats(binary)
    verify(binary)
    with tempfile.TemporaryDirectory(prefix="gd-scan-") as tmp:
        git_tree(binary, tmp)
    print("scan: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
