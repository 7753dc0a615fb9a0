#!/usr/bin/env python3
"""action_test: the GitHub Action (action.yml) and the GitLab CI recipe
(docs/ci.md), run as a runner would run them, against the fake Gemini API.

For the action, each step of action.yml is read (its env: map with
${{ inputs.X }} filled from the inputs given or their defaults, and its run:
line) and run with bash in a simulated job: GITHUB_ACTION_PATH, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and GITHUB_PATH point into a scratch directory. For the
GitLab recipe, the script: lines of the YAML block in docs/ci.md are run with
bash, gemini-doctor on PATH pointed at the fake API.

    python3 tests/action_test.py --bin build/gemini-doctor
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.dom.minidom

import run as harness

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
passed = 0
failed = 0


def expect(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


def parse_action(path):
    """The inputs (name -> default) and steps (list of (env, run)) of a
    composite action.yml, for the plain block style it is written in."""
    inputs, steps = {}, []
    section, current, in_env, step = None, None, False, None
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if indent == 0:
            section = text.rstrip(":")
            continue
        if section == "inputs":
            if indent == 2:
                current = text.rstrip(":")
                inputs[current] = ""
            elif text.startswith("default:"):
                inputs[current] = text.split(":", 1)[1].strip().strip("'\"")
        elif section == "runs":
            if text.startswith("- "):
                step = {"env": {}, "run": None}
                steps.append(step)
                text = text[2:]
                in_env = False
            if step is None:
                continue
            if text == "env:":
                in_env = True
            elif text.startswith("run:"):
                step["run"] = text.split(":", 1)[1].strip()
                in_env = False
            elif in_env and ":" in text:
                k, v = text.split(":", 1)
                step["env"][k.strip()] = v.strip()
            elif ":" in text and not in_env:
                pass
    return inputs, [s for s in steps if s["run"]]


def fill(value, inputs):
    return re.sub(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", lambda m: inputs.get(m.group(1), ""),
                  value)


def auth_key(scenario):
    k = "AQ.Test_%s_" % scenario
    return k + "x" * max(0, 44 - len(k))


def run_action(fake, given, env_extra, tmp):
    """Run every step; returns (rc of the last step run, stdout, outputs,
    summary)."""
    defaults, steps = parse_action(os.path.join(ROOT, "action.yml"))
    inputs = dict(defaults)
    inputs.update(given)
    out_path = os.path.join(tmp, "output")
    sum_path = os.path.join(tmp, "summary")
    path_path = os.path.join(tmp, "path")
    for p in (out_path, sum_path, path_path):
        open(p, "w").close()
    env = {k: v for k, v in os.environ.items() if k not in harness.CLEARED_ENV}
    env.update({"GITHUB_ACTION_PATH": ROOT, "GITHUB_OUTPUT": out_path,
                "GITHUB_STEP_SUMMARY": sum_path, "GITHUB_PATH": path_path,
                "GEMINI_DOCTOR_NOW": "2026-11-28T12:00:00Z"})
    env.update(env_extra)
    stdout, rc = "", 0
    for step in steps:
        step_env = dict(env)
        for k, v in step["env"].items():
            step_env[k] = fill(v, inputs)
        p = subprocess.run(["bash", "-e", "-c", fill(step["run"], inputs)], env=step_env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120, cwd=tmp)
        stdout += p.stdout
        rc = p.returncode
        if rc != 0:
            break
    outputs = dict(line.strip().split("=", 1) for line in open(out_path) if "=" in line)
    return rc, stdout, outputs, open(sum_path).read(), open(path_path).read()


def action_cases(fake, tmp):
    urls = {"base-url": fake.url, "status-url": fake.url + "/incidents.json"}

    # A daily quota is a problem: the step fails, annotations and the
    # summary name it; generate had to be asked for.
    rc, out, outputs, summary, path = run_action(
        fake, dict(urls, generate="true"), {"GEMINI_API_KEY": auth_key("quota-rpd")}, tmp)
    expect(rc == 1, "quota-rpd: the step fails with exit 1 (got %d)" % rc)
    expect(outputs.get("exit-code") == "1", "quota-rpd: exit-code output is 1: %r" % outputs)
    expect("::error title=gemini-doctor request.generate::" in out,
           "quota-rpd: an ::error annotation for request.generate")
    expect("| Generate | fail |" in summary, "quota-rpd: the job summary has the failed row")
    expect("quota-rpd" in summary, "quota-rpd: the job summary names the cause")
    expect(os.path.join(ROOT, "build") in path, "the build step puts the binary on GITHUB_PATH")
    expect(auth_key("quota-rpd") not in out + summary, "quota-rpd: the key is never printed")

    # generate is off by default: the billable probe is skipped.
    rc, out, outputs, summary, _ = run_action(fake, dict(urls),
                                              {"GEMINI_API_KEY": auth_key("quota-rpd")}, tmp)
    expect(rc == 0, "generate off: the quota is not seen, the step passes (got %d)" % rc)
    expect("| Generate | skip |" in summary, "generate off: Generate is skipped")

    # Overloaded is transient: passes with fail-on problem, fails with
    # fail-on transient.
    for fail_on, want in (("problem", 0), ("transient", 75)):
        rc, out, outputs, _, _ = run_action(
            fake, dict(urls, generate="true", **{"fail-on": fail_on}),
            {"GEMINI_API_KEY": auth_key("overloaded")}, tmp)
        expect(rc == want, "overloaded, fail-on %s: step exit %d (got %d)" % (fail_on, want, rc))
        expect(outputs.get("exit-code") == "75", "overloaded: exit-code output 75: %r" % outputs)

    # fail-on never keeps a problem from failing the step.
    rc, _, outputs, _, _ = run_action(fake, dict(urls, **{"fail-on": "never"}),
                                      {"GEMINI_API_KEY": auth_key("invalid")}, tmp)
    expect(rc == 0 and outputs.get("exit-code") == "1", "fail-on never: passes, exit-code 1")

    # A key from a file is masked first, and appears nowhere else.
    key = auth_key("valid")
    key_file = os.path.join(tmp, "key")
    with open(key_file, "w") as f:
        f.write(key + "\n")
    report = os.path.join(tmp, "report.xml")
    rc, out, outputs, summary, _ = run_action(
        fake, dict(urls, **{"key-file": key_file, "format": "junit", "report": report}), {}, tmp)
    expect(rc == 0, "key-file: a valid key passes (got %d): %s" % (rc, out[-300:]))
    lines = out.splitlines()
    expect(lines and ("::add-mask::" + key) in lines,
           "key-file: ::add-mask:: is printed for the key")
    expect(sum(key in line for line in lines) == 1,
           "key-file: the key appears only in the ::add-mask:: line")
    try:
        xml.dom.minidom.parse(report)
        expect(True, "")
    except Exception as e:  # noqa: BLE001 - any parse error fails the case
        expect(False, "key-file: the junit report is not XML: %s" % e)
    expect(key not in open(report).read(), "key-file: the report holds no key")

    # A wrong input is a clear error, not a silent pass.
    rc, out, _, _, _ = run_action(fake, dict(urls, **{"fail-on": "sometimes"}),
                                  {"GEMINI_API_KEY": auth_key("valid")}, tmp)
    expect(rc != 0 and "fail-on is problem, transient or never" in out,
           "a bad fail-on input fails with a clear error")


def gitlab_script(doc):
    """The script: lines of the first ```yaml block in docs/ci.md that has a
    gemini-doctor job with a script."""
    text = open(doc, encoding="utf-8").read()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        if "allow_failure" not in block:
            continue
        lines, in_script = [], False
        for line in block.splitlines():
            if re.match(r"^\s+script:\s*$", line):
                in_script = True
                continue
            if in_script:
                m = re.match(r"^\s+- (.*)$", line)
                if m:
                    lines.append(m.group(1))
                elif line.strip():
                    in_script = False
        return block, lines
    return None, []


def gitlab_cases(binary, fake, tmp):
    block, script = gitlab_script(os.path.join(ROOT, "docs", "ci.md"))
    expect(block is not None and script, "docs/ci.md has a GitLab job with a script")
    if not script:
        return
    expect(re.search(r"when:\s*always", block) is not None, "the recipe keeps reports: when: always")
    expect(re.search(r"exit_codes:\s*\[?\s*75", block) is not None,
           "the recipe allows exit code 75 to fail")
    expect("junit:" in block, "the recipe uploads a JUnit report")
    # gemini-doctor on PATH, pointed at the fake API's status feed too.
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    shim = os.path.join(bindir, "gemini-doctor")
    with open(shim, "w") as f:
        f.write('#!/bin/sh\nexec "%s" "$@" --status-url "%s/incidents.json"\n'
                % (os.path.abspath(binary), fake.url))
    os.chmod(shim, 0o755)
    # (Transient 429s and overloads show up only on the generate probe,
    # which the recipe leaves off; exit 75 is covered in the action cases.)
    for scenario, want in (("valid", 0), ("invalid", 1), ("expired", 1)):
        env = {k: v for k, v in os.environ.items() if k not in harness.CLEARED_ENV}
        env.update({"PATH": bindir + os.pathsep + env.get("PATH", ""),
                    "GOOGLE_GEMINI_BASE_URL": fake.url, "GEMINI_API_KEY": auth_key(scenario),
                    "GEMINI_DOCTOR_NOW": "2026-11-28T12:00:00Z"})
        p = subprocess.run(["bash", "-e", "-c", "\n".join(script)], env=env, cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
        expect(p.returncode == want, "gitlab %s: job exit %d (got %d): %s"
               % (scenario, want, p.returncode, p.stdout[-300:]))
        reports = [n for n in os.listdir(tmp) if n.endswith(".xml")]
        expect(reports, "gitlab %s: a JUnit report is written" % scenario)
        for n in reports:
            try:
                xml.dom.minidom.parse(os.path.join(tmp, n))
                expect(True, "")
            except Exception as e:  # noqa: BLE001
                expect(False, "gitlab %s: %s is not XML: %s" % (scenario, n, e))
            os.unlink(os.path.join(tmp, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    opts = ap.parse_args()
    fake = harness.FakeServer()
    fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="gd-action-") as tmp:
            action_cases(fake, tmp)
            gitlab_cases(opts.bin, fake, tmp)
    finally:
        fake.stop()
        fake.remove_log()
    print("action: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
