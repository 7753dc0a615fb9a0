#!/usr/bin/env python3
"""`gemini-doctor rules update` end to end, and the stale-data notice.

Serves rules bundles from a loopback HTTP server: the one `make` builds
(build/rules-bundle), and variants made from it here: newer, older, one whose
file does not match its sha256, one that does not load, one that fails lint.
Checks that a good bundle is verified, installed under $XDG_DATA_HOME, used
(rules list, --version, explain), that --rules DIR still wins, that bad and
older bundles are refused and leave the installed one alone, that a second
update replaces the first and removes it, that nothing is written outside the
XDG directory, and that the key is never sent to the rules host. Then the
notice for data over 60 days old: one stderr line for text, a JSON field,
the same exit code.

Usage: python3 tests/rules_update_test.py [--bin build/gemini-doctor]
Prints "rules update: N passed, N failed"; exits 1 on a failure.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

CANARY = "AQ.Test_valid_RulesCanary7f3a9c2b1d4e5f60718293"
PASTE = ('{"error": {"code": 429, "message": "Resource has been exhausted (e.g. check '
         'quota).", "status": "RESOURCE_EXHAUSTED"}}\n')


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []


def serve(root, log):
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            with log.lock:
                log.requests.append((self.path, dict(self.headers.items())))
            super().do_GET()

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def write_bundle(dst, files, date, corrupt=None):
    """files: name -> bytes. The manifest gives each file's sha256; corrupt
    names a file whose bytes are changed after the manifest is written."""
    os.makedirs(dst)
    entries = []
    for name, data in sorted(files.items()):
        entries.append({"name": name, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
        if name == corrupt:
            data = data.replace(b"Quota", b"Qu0ta", 1)
        with open(os.path.join(dst, name), "wb") as f:
            f.write(data)
    with open(os.path.join(dst, "manifest.json"), "w") as f:
        json.dump({"format": "gemini-doctor-rules/1", "data_as_of": date, "files": entries}, f)


def redate(files, old, new):
    return {n: d.replace(('"data_as_of": "%s"' % old).encode(),
                         ('"data_as_of": "%s"' % new).encode()) for n, d in files.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/gemini-doctor")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    made = os.path.join(os.path.dirname(binary), "rules-bundle")
    passed = failed = 0

    def expect(what, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s%s" % (what, (": " + detail) if detail else ""))

    work = tempfile.mkdtemp(prefix="gd-rules-update-")
    root = os.path.join(work, "served")
    home = os.path.join(work, "home")
    xdg = os.path.join(work, "xdg")
    cwd = os.path.join(work, "cwd")
    for d in (home, cwd):
        os.makedirs(d)
    with open(os.path.join(made, "manifest.json")) as f:
        built = json.load(f)
    base_date = built["data_as_of"]
    files = {}
    for e in built["files"]:
        with open(os.path.join(made, e["name"]), "rb") as f:
            files[e["name"]] = f.read()
        expect("make's manifest: %s sha256" % e["name"],
               hashlib.sha256(files[e["name"]]).hexdigest() == e["sha256"])
    newer = redate(files, base_date, "2099-01-15")
    newer2 = redate(files, base_date, "2099-02-20")
    shutil.copytree(made, os.path.join(root, "same"))
    write_bundle(os.path.join(root, "newer"), newer, "2099-01-15")
    write_bundle(os.path.join(root, "newer2"), newer2, "2099-02-20")
    write_bundle(os.path.join(root, "older"), redate(files, base_date, "2020-01-01"),
                 "2020-01-01")
    write_bundle(os.path.join(root, "corrupt"), redate(files, base_date, "2099-03-01"),
                 "2099-03-01", corrupt="rules.json")
    broken = redate(files, base_date, "2099-03-02")
    broken["rules.json"] = broken["rules.json"][:-200]
    write_bundle(os.path.join(root, "broken"), broken, "2099-03-02")
    unlinted = redate(files, base_date, "2099-03-03")
    doc = json.loads(unlinted["rules.json"])
    doc["rules"][0]["cause"] = "no-such-cause"
    unlinted["rules.json"] = (json.dumps(doc, indent=1) + "\n").encode()
    write_bundle(os.path.join(root, "unlinted"), unlinted, "2099-03-03")
    mismatch = redate(files, base_date, "2099-03-04")
    write_bundle(os.path.join(root, "mismatch"), mismatch, "2099-03-05")

    log = Log()
    srv = serve(root, log)
    url = "http://127.0.0.1:%d" % srv.server_address[1]

    env = {k: v for k, v in os.environ.items()
           if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "XDG_DATA_HOME", "HTTPS_PROXY",
                        "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")}
    env.update(HOME=home, XDG_DATA_HOME=xdg, GOOGLE_API_KEY=CANARY, GEMINI_API_KEY=CANARY,
               GEMINI_DOCTOR_NOW="2026-12-01T12:00:00Z", NO_COLOR="1")

    def run(*argv, stdin=None, now=None):
        e = dict(env)
        if now:
            e["GEMINI_DOCTOR_NOW"] = now
        p = subprocess.run([binary] + list(argv), input=stdin, capture_output=True, text=True,
                           env=e, cwd=cwd, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def in_use():
        rc, out, _ = run("rules", "list")
        return out.strip().splitlines()[-1] if out.strip() else ""

    rc, out, err = run("rules", "update")
    expect("no URL set: usage error", rc == 64, "rc %d" % rc)
    expect("no URL set: says how to use --from", "--from" in err, err)
    rc, out, err = run("rules", "update", "--from", "http://example.com/manifest.json")
    expect("plain http to a remote host refused", rc == 64, "rc %d %s" % (rc, err))

    rc, out, err = run("rules", "update", "--from", url + "/same/manifest.json")
    expect("same data: nothing to do, exit 0", rc == 0 and "already" in out, out + err)
    expect("same data: nothing installed", not os.path.exists(os.path.join(xdg, "gemini-doctor",
                                                                           "rules")))

    rc, out, err = run("rules", "update", "--from", url + "/newer/manifest.json")
    expect("newer bundle installed", rc == 0 and "2099-01-15" in out, "rc %d %s %s" % (rc, out,
                                                                                       err))
    link = os.path.join(xdg, "gemini-doctor", "rules")
    expect("installed as a link to a bundle directory", os.path.islink(link) and
           os.path.isfile(os.path.join(link, "MANIFEST")) and
           os.path.isfile(os.path.join(link, "rules.json")))
    line = in_use()
    expect("rules list names the bundle and its date",
           "2099-01-15" in line and "updated bundle" in line, line)
    rc, out, err = run("--version")
    expect("--version names the bundle and its date",
           rc == 0 and "2099-01-15" in out and "updated bundle" in out, out)
    rc, out, err = run("explain", "--format", "json", stdin=PASTE)
    expect("explain answers from the bundle", rc == 0 and json.loads(out).get("cause"), out + err)
    repo_rules = os.path.join(os.path.dirname(os.path.dirname(binary)), "rules")
    if os.path.isdir(repo_rules):
        rc, out, err = run("rules", "list", "--rules", repo_rules)
        expect("--rules DIR wins over the bundle", "--rules" in out.strip().splitlines()[-1], out)

    for name, words in (("corrupt", "sha256"), ("older", "older"), ("broken", "does not load"),
                        ("unlinted", "lint"), ("mismatch", "manifest says")):
        rc, out, err = run("rules", "update", "--from", url + "/%s/manifest.json" % name)
        expect("%s bundle refused (exit 1)" % name, rc == 1, "rc %d" % rc)
        expect("%s bundle: the error says why" % name, words in err, err)
        expect("%s bundle: the installed one stays in use" % name, "2099-01-15" in in_use())

    first = os.readlink(link)
    rc, out, err = run("rules", "update", "--from", url + "/newer2/manifest.json")
    expect("a newer bundle replaces the installed one", rc == 0 and "2099-02-20" in in_use(),
           out + err)
    left = sorted(os.listdir(os.path.join(xdg, "gemini-doctor")))
    expect("the replaced bundle is removed, no staging left",
           set(left) == {"rules", os.readlink(link)} and first not in left, repr(left))

    # Stale data: 2099-02-20 plus more than 60 days.
    late = "2099-05-01T00:00:00Z"
    rc0, out0, err0 = run("explain", stdin=PASTE)
    rc1, out1, err1 = run("explain", stdin=PASTE, now=late)
    expect("fresh data: no notice", "rules data is from" not in err0, err0)
    expect("old data: one notice line on stderr", err1.count("rules data is from 2099-02-20") == 1
           and "rules update" in err1, err1)
    expect("old data: the same exit code", rc0 == rc1, "%d %d" % (rc0, rc1))
    rc2, out2, err2 = run("explain", "--format", "json", stdin=PASTE, now=late)
    doc = json.loads(out2)
    expect("old data, JSON: a rules_notice field", "2099-02-20" in doc.get("rules_notice", ""),
           out2)
    expect("old data, JSON: nothing on stderr", "rules data is from" not in err2, err2)
    expect("fresh data, JSON: no field",
           "rules_notice" not in json.loads(run("explain", "--format", "json", stdin=PASTE)[1]))
    rc5, out5, err5 = run("rules", "list", now=late)
    expect("old data, rules list: a notice on stderr", rc5 == 0 and "rules data is from" in err5,
           err5)
    rc3, out3, err3 = run("check", "--offline", "--format", "json", now=late)
    expect("old data, check JSON: a rules_notice field", "rules_notice" in json.loads(out3), out3)
    rc4, out4, err4 = run("check", "--offline", now=late)
    expect("old data, check text: a notice on stderr", "rules data is from" in err4, err4)
    expect("old data, check: the same exit code", rc3 == rc4 == run("check", "--offline")[0])

    srv.shutdown()
    # Nothing outside the XDG directory; the key never went to the rules host.
    stray = [os.path.join(d, f) for top in (home, cwd) for d, _, fs in os.walk(top) for f in fs]
    expect("nothing written outside XDG_DATA_HOME", not stray, repr(stray))
    sent = [(p, h) for p, h in log.requests
            if CANARY in p or any(CANARY in str(v) for v in h.values()) or
            any(k.lower() in ("x-goog-api-key", "authorization") for k in h)]
    expect("the key never reached the rules host", not sent and log.requests, repr(sent))
    shutil.rmtree(work, ignore_errors=True)
    print("rules update: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
