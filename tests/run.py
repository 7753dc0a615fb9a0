#!/usr/bin/env python3
"""run.py: the one generic test harness. Runs every case file under
tests/cases/ (format: tests/README.md) against the gemini-doctor binary,
starting the fake Gemini API once when a case needs it, and ends with the
line `N passed, N failed`. Exit status 0 only when nothing failed."""

import argparse
import json
import os
import hashlib
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
DEFAULT_NOW = "2026-11-28T12:00:00Z"
CLEARED_ENV = (
    "GOOGLE_API_KEY", "GEMINI_API_KEY", "GEMINI_MODEL", "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_APPLICATION_CREDENTIALS", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
    "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "NO_COLOR",
    "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    "GEMINI_DOCTOR_TUI_SCRIPT", "GEMINI_DOCTOR_TUI_DUMP", "GEMINI_DOCTOR_TUI_SIZE",
)


class CaseError(Exception):
    pass


def parse_case(path):
    """Header lines, then `--- name` sections. Returns (headers, sections)."""
    with open(path, "rb") as f:
        raw = f.read()
    headers = {"env": []}
    sections = {}
    current = None
    for line in raw.split(b"\n"):
        if line.startswith(b"--- ") and line[4:].strip():
            current = line[4:].strip().decode()
            sections[current] = []
            continue
        if current is not None:
            sections[current].append(line)
            continue
        text = line.decode("utf-8", "replace").rstrip("\r")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if ":" not in text:
            raise CaseError("bad header line: %r" % text)
        key, val = text.split(":", 1)
        key, val = key.strip(), val.strip()
        if key == "env":
            headers["env"].append(val)
        else:
            headers[key] = val
    out = {}
    for name, lines in sections.items():
        # The file's own final newline ends the last section; keep one.
        while lines and lines[-1] == b"" and name != "stdin":
            lines.pop()
        if name == "stdin" and lines and lines[-1] == b"":
            lines.pop()
            out[name] = b"\n".join(lines) + b"\n"
        else:
            out[name] = b"\n".join(lines)
    return headers, out


def lookup(obj, path):
    """Dotted path; a list of objects with `id` fields is indexed by id (ids
    may contain dots, so the longest matching id wins)."""
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if isinstance(obj, dict):
            if parts[i] not in obj:
                raise KeyError(path)
            obj = obj[parts[i]]
            i += 1
        elif isinstance(obj, list):
            if parts[i].isdigit():
                idx = int(parts[i])
                if idx >= len(obj):
                    raise KeyError(path)
                obj = obj[idx]
                i += 1
                continue
            found = False
            for j in range(len(parts), i, -1):
                ident = ".".join(parts[i:j])
                for item in obj:
                    if isinstance(item, dict) and item.get("id") == ident:
                        obj, i, found = item, j, True
                        break
                if found:
                    break
            if not found:
                raise KeyError(path)
        else:
            raise KeyError(path)
    return obj


def as_text(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def check_json(doc, lines, problems):
    for raw in lines.decode("utf-8", "replace").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(\S+)\s*(=|~|\?|!|#)\s*(.*)$", line)
        if not m:
            problems.append("bad json expectation: %r" % line)
            continue
        path, op, want = m.group(1), m.group(2), m.group(3).strip()
        try:
            got = lookup(doc, path)
            present = True
        except KeyError:
            got, present = None, False
        if op == "!":
            if present:
                problems.append("%s: expected absent, got %s" % (path, as_text(got)))
            continue
        if not present:
            problems.append("%s: missing (wanted %s %s)" % (path, op, want))
            continue
        if op == "?":
            continue
        if op == "=":
            choices = [c.strip() for c in want.split("|")]
            if as_text(got) not in choices:
                problems.append("%s: got %s, wanted %s" % (path, as_text(got), want))
        elif op == "~":
            if want.lower() not in as_text(got).lower():
                problems.append("%s: %r does not contain %r" % (path, as_text(got), want))
        elif op == "#":
            if not isinstance(got, list) or len(got) != int(want):
                problems.append("%s: length %s, wanted %s" % (
                    path, len(got) if isinstance(got, list) else "n/a", want))


def stop_server(proc):
    """SIGTERM a test server the harness started, then wait (kill after 5 s)."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class FakeServer:
    """The bundled fake Gemini API (fake_gemini.py) on a free port of 127.0.0.1.
    start() sets url; the server logs each request to log, a new temporary
    file unless a path is given. The caller removes the log (remove_log)."""

    def __init__(self, log=None):
        self.proc = None
        self.url = None
        self.log = log

    def start(self):
        if self.log is None:
            fd, self.log = tempfile.mkstemp(prefix="fake-gemini-", suffix=".log")
            os.close(fd)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_gemini.py"), "--port", "0",
             "--log", self.log],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        m = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("fake Gemini API did not start: %r" % line)
        self.url = m.group(1)

    def stop(self):
        stop_server(self.proc)

    def remove_log(self):
        try:
            os.unlink(self.log)
        except OSError:
            pass


class FaultServer:
    """The fault server (fault_server.py) and the DNS shim (dns_shim.c, built
    here with cc), for the cases under tests/cases/net/. start() sets ports
    (name -> port) and shim (the shim's path)."""

    def __init__(self):
        self.proc = None
        self.ports = {}
        self.tmp = tempfile.mkdtemp(prefix="gd-faults-")
        self.shim = os.path.join(self.tmp, "dns_shim.so")

    def start(self):
        subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", self.shim,
                        os.path.join(HERE, "dns_shim.c"), "-ldl"], check=True)
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fault_server.py")],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        try:
            self.ports = json.loads(line)
        except ValueError:
            self.stop()
            raise RuntimeError("fault server did not start: %r" % line)

    def expand(self, s):
        for name, port in self.ports.items():
            s = s.replace("{faults_%s}" % name, "127.0.0.1:%d" % port)
        s = s.replace("{faults}", "http://127.0.0.1:%d" % self.ports.get("http", 0))
        return s.replace("{dns_shim}", self.shim)

    def stop(self):
        stop_server(self.proc)
        try:
            os.unlink(self.shim)
        except OSError:
            pass
        os.rmdir(self.tmp)


FAULTS = None  # the FaultServer, when a case needs one


def expand(s, case_dir, fake):
    s = s.replace("{case}", case_dir)
    if FAULTS:
        s = FAULTS.expand(s)
    if fake and fake.url:
        s = s.replace("{fake}", fake.url)
        s = s.replace("{status}", fake.url + "/incidents.json")
        s = s.replace("{fakehost}", fake.url[len("http://"):])
    return s


def is_xfail(path):
    """A case with an `xfail:` header is a known failure: its verdict is what
    a careful reader would give, the tool does not give it yet, and the
    header says why. It is counted apart, never as passed."""
    with open(path, "rb") as f:
        return re.search(rb"^xfail:", f.read(), re.M) is not None


# Generated inputs are made once per run, one at a time, into files.
GEN_DIR = None
GEN_LOCK = threading.Lock()
OUTPUT_MAX = 64 << 20
GEN_SCRIPT = """
import sys
import functools
data = eval(sys.argv[1], {"__builtins__": {"bytes": bytes, "range": range, "chr": chr, "str": str,
                                           "reduce": functools.reduce}})
if isinstance(data, str):
    data = data.encode("utf-8", "surrogateescape")
with open(sys.argv[2], "wb") as f:
    f.write(data)
"""


def stdin_file(headers, sections, case_dir, cwd):
    """The path of a file holding the case's stdin."""
    global GEN_DIR
    if "stdin-file" in headers:
        return os.path.join(case_dir, headers["stdin-file"])
    if "stdin-gen" in headers:
        expr = headers["stdin-gen"]
        with GEN_LOCK:
            if GEN_DIR is None:
                GEN_DIR = tempfile.mkdtemp(prefix="gd-stdin-gen-")
            path = os.path.join(GEN_DIR, hashlib.sha1(expr.encode()).hexdigest())
            if not os.path.exists(path):
                # In a child process: its memory is gone when it ends.
                subprocess.run([sys.executable, "-c", GEN_SCRIPT, expr, path + ".tmp"],
                               check=True)
                os.rename(path + ".tmp", path)
        return path
    path = os.path.join(cwd, "stdin")
    with open(path, "wb") as f:
        f.write(sections.get("stdin", b""))
    return path


PEAK = {"rss_kb": 0, "case": ""}
PEAK_LOCK = threading.Lock()


def run_measured(argv, fin, fout, ferr, env, cwd, timeout):
    """Run argv to its end or until timeout; returns (exit code, killed).
    Waits with wait4 to record the command's own peak resident memory."""
    p = subprocess.Popen(argv, stdin=fin, stdout=fout, stderr=ferr, env=env, cwd=cwd)
    killed = []
    timer = threading.Timer(timeout, lambda: (killed.append(1), p.kill()))
    timer.start()
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    with PEAK_LOCK:
        if usage.ru_maxrss > PEAK["rss_kb"]:
            PEAK["rss_kb"] = usage.ru_maxrss
            PEAK["case"] = " ".join(os.path.basename(a) for a in argv[-3:])
    return p.returncode, bool(killed)


def read_capped(path):
    """A file's bytes, at most OUTPUT_MAX of them (more is a runaway)."""
    with open(path, "rb") as f:
        return f.read(OUTPUT_MAX)


def run_case(binary, path, fake, wrap=()):
    headers, sections = parse_case(path)
    case_dir = os.path.dirname(path)
    args = shlex.split(expand(headers.get("args", ""), case_dir, fake))
    env = dict(os.environ)
    for name in CLEARED_ENV:
        env.pop(name, None)
    env["GEMINI_DOCTOR_NOW"] = DEFAULT_NOW
    env["LC_ALL"] = env.get("GD_TEST_LOCALE", "C.UTF-8")
    if fake and fake.log:
        env["FAKE_GEMINI_LOG"] = fake.log
    for item in headers["env"]:
        name, _, val = item.partition("=")
        env[name.strip()] = expand(val, case_dir, fake)
    timeout = float(headers.get("timeout", "20"))
    if wrap:
        # valgrind runs the hostile inputs 20-50 times slower than the
        # plain binary, and more on a loaded machine: the native run of the
        # same case keeps the tight bound that catches a hang.
        timeout *= 8
    want_exits = [int(x) for x in headers.get("exit", "0").split("|")]
    problems = []
    with tempfile.TemporaryDirectory(prefix="gd-case-") as cwd, \
            tempfile.TemporaryDirectory(prefix="gd-io-") as io:
        env["HOME"] = cwd
        stdin_path = stdin_file(headers, sections, case_dir, io)
        out_path, err_path = os.path.join(io, "stdout"), os.path.join(io, "stderr")
        start = time.monotonic()
        # Input from a file and output to files: the harness never holds a
        # generated input, and the binary reads at disk speed, not at the
        # pace a loaded harness feeds a pipe.
        with open(stdin_path, "rb") as fin, open(out_path, "wb") as fout, \
                open(err_path, "wb") as ferr:
            returncode, killed = run_measured(list(wrap) + [binary] + args, fin, fout, ferr,
                                              env, cwd, timeout)
            if killed:
                return ["killed after %.0f s" % timeout], 0
        elapsed = time.monotonic() - start
        out, err = read_capped(out_path), read_capped(err_path)
    # within: N -- the command and each of its probes (by their own clocks)
    # end within N seconds; the wall bound is generous (start-up, a loaded
    # machine) and not applied under a wrapper such as valgrind.
    within = float(headers["within"]) if "within" in headers else None
    if within is not None and ("ASAN_OPTIONS" in os.environ or wrap):
        # A sanitized build sets up TLS several times slower, and under
        # valgrind libcurl's own timers fire late: the probes' clocks
        # still prove a deadline is kept, with room for the slowdown.
        within *= 2
    if within is not None and not wrap and elapsed > within + 2.5:
        problems.append("took %.1f s, wanted at most %.1f s" % (elapsed, within))
    if returncode < 0:
        problems.append("killed by signal %d" % -returncode)
    elif returncode not in want_exits:
        problems.append("exit %d, wanted %s" % (returncode, "|".join(map(str, want_exits))))
    if b"ERROR: AddressSanitizer" in err or b"runtime error:" in err or \
            b"ERROR: LeakSanitizer" in err:
        problems.append("sanitizer report:\n" + err.decode("utf-8", "replace")[-3000:])
    if "json" in sections:
        try:
            doc = json.loads(out.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            problems.append("stdout is not JSON (%s): %r" % (e, out[:300]))
        else:
            check_json(doc, sections["json"], problems)
            for c in (doc.get("checks") or []) if within is not None else []:
                if isinstance(c, dict) and c.get("duration_ms", 0) > within * 1000:
                    problems.append("%s took %s ms, wanted at most %.0f" % (
                        c.get("id"), c.get("duration_ms"), within * 1000))
    for name, stream, should in (("stdout", out, True), ("stdout-not", out, False),
                                 ("stderr", err, True), ("stderr-not", err, False)):
        for line in sections.get(name, b"").split(b"\n"):
            needle = line.strip()
            if not needle or needle.startswith(b"#"):
                continue
            needle = expand(needle.decode("utf-8"), case_dir, fake).encode("utf-8")
            if (needle in stream) != should:
                problems.append("%s %s %r" % (name, "lacks" if should else "has", needle))
    secret = headers.get("secret")
    if secret:
        for label, stream in (("stdout", out), ("stderr", err)):
            if secret.encode() in stream:
                problems.append("the secret appears in " + label)
    if problems:
        problems.append("stdout: %r" % out[:1500])
        problems.append("stderr: %r" % err[:800])
    return problems, elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--label", default="cases")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--wrap", default="", help="a command to run the binary under (valgrind)")
    ap.add_argument("--exclude", action="append", default=[], help="skip cases whose path contains this")
    ap.add_argument("filters", nargs="*", help="only cases whose path contains one of these")
    opts = ap.parse_args()
    binary = os.path.abspath(opts.bin)
    paths = []
    for root, _, files in os.walk(CASES):
        for name in files:
            if name.endswith(".case"):
                paths.append(os.path.join(root, name))
    paths.sort()
    # Filters match the path under tests/cases only: a checkout whose own
    # path holds "check/" or "big-" must not select or drop every case.
    def rel(p):
        return os.path.relpath(p, CASES)
    if opts.filters:
        paths = [p for p in paths if any(f in rel(p) for f in opts.filters)]
    paths = [p for p in paths if not any(x in rel(p) for x in opts.exclude)]
    wrap = shlex.split(opts.wrap)
    needs_fake = False
    for p in paths:
        with open(p, "rb") as f:
            if re.search(rb"^fake:\s*yes", f.read(), re.M):
                needs_fake = True
                break
    fake = FakeServer() if needs_fake else None
    global FAULTS
    for p in paths:
        with open(p, "rb") as f:
            if re.search(rb"^faults:\s*yes", f.read(), re.M):
                FAULTS = FaultServer()
                break
    passed = failed = xfailed = xpassed = 0
    try:
        if fake:
            fake.start()
        if FAULTS:
            FAULTS.start()

        def one(p):
            try:
                return p, run_case(binary, p, fake, wrap)
            except Exception as e:  # a broken case file is a failure, not a crash
                return p, (["harness: %s" % e], 0)

        # At most two cases per worker in flight, and each result is
        # reported and dropped as it comes: memory does not grow with the
        # number of cases.
        with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            pending = set()
            todo = iter(paths)
            while True:
                for p in todo:
                    pending.add(pool.submit(one, p))
                    if len(pending) >= 2 * opts.jobs:
                        break
                if not pending:
                    break
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    p, (problems, elapsed) = fut.result()
                    rel = os.path.relpath(p, CASES)
                    if is_xfail(p) and not any(pr.startswith("harness:") for pr in problems):
                        if problems:
                            xfailed += 1
                            if opts.verbose:
                                print("xfail %s" % rel)
                        else:
                            # Fixed: the header must go, so the case guards the fix.
                            xpassed += 1
                            print("XPASS %s (remove its xfail: header)" % rel)
                        continue
                    if problems:
                        failed += 1
                        print("FAIL %s" % rel)
                        for pr in problems:
                            print("     " + pr.replace("\n", "\n     "))
                    else:
                        passed += 1
                        if opts.verbose:
                            print("ok   %s (%.2f s)" % (rel, elapsed))
                    sys.stdout.flush()
    finally:
        if fake:
            fake.stop()
            fake.remove_log()
        if FAULTS:
            FAULTS.stop()
        if GEN_DIR:
            shutil.rmtree(GEN_DIR, ignore_errors=True)
    if xfailed or xpassed:
        print("%s: %d known failures (xfail), %d xfail cases now pass" % (
            opts.label, xfailed, xpassed))
    failed += xpassed
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print("%s: peak resident memory: harness %d MB, largest command %d MB" % (
        opts.label, own, PEAK["rss_kb"] // 1024))
    print("%s: %d passed, %d failed" % (opts.label, passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
