#!/usr/bin/env python3
"""knowledge_grep_test: Gemini knowledge lives in rules/, not in src/.

Takes from the rules data every public cause id (causes.json), every phrase
the reader knows (phrases.json: message phrases, network-failure phrases,
ErrorInfo and legacy reasons, Interactions API codes), every model name
(models.json) and the key prefixes (keys.json), and looks for each in the C code under src/ outside the rules
module (rules*.c, rules*.h) and keymask.c / keymask.h, the one module that
knows what a key looks like. Comments are left out: they cite inputs and
examples, the code is what acts. A hit fails the test unless the allowlist
below names that file and that term, with the reason (also written at the
end of docs/rules.md, "Knowledge left in C").

  python3 tests/knowledge_grep_test.py [--src DIR] [--rules DIR]

Ends with `knowledge grep: N passed, N failed` (a self-check that a planted
literal is found, one check per source file, one per allowlist entry, which
must still be needed).
"""
import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Phrases shorter than this are common words ("invalid", "forbidden") that
# C code uses for its own meanings; the reasons and codes lists are matched
# as whole identifiers, case-sensitively, whatever their length.
PHRASE_MIN = 8

# (file, term): reason. Each entry must still match something, so the list
# cannot outlive the code it excuses.
ALLOW = {
    ("diagnosis.c", "unknown"):
        "the cause named when diagnose() is given no table at all: there is no data to read",
    ("check_status.c", "unknown"):
        "the words for an incident field the status feed leaves out, not the cause",
    ("probe.c", "cancelled"):
        "libcurl's transfer state written for a probe the run aborted, not the cause",
    ("probe.c", "timed out"):
        "libcurl's own error text for a resolver timeout, read to tell DNS from connect",
    ("read_text.c", "CONNECT tunnel failed"):
        "a form: the lead after which an HTTP client prints a proxy's status code; the "
        "reader reads the code there, the phrase list and the rules decide",
    ("read_text.c", "ProxyError"):
        "the same: Python's ProxyError lead before the proxy's status code",
    ("stats_report.h", "unknown"):
        "a column of the stats report's 429 chart (public output), not the cause",
    ("stats_report.h", "capacity"):
        "a column of the stats report's 429 chart (public output), not the cause",
    ("stats_json.c", "unknown"):
        "the stats JSON key counting quota errors whose tier nothing named",
    ("stats_sql.c", "unknown"):
        "the same tier key, as the value of stats --sql's tier column",
    ("stats_textlog.c", "timed out"):
        "a prefilter of generic error words: a text-log line without one is not read; a "
        "line it keeps goes through the reader and the rules",
    ("stats_textlog.c", "invalid"): "the same prefilter",
    ("stats_textlog.c", "unavailable"): "the same prefilter",
}


def owned_by_rules(path):
    base = os.path.basename(path)
    return base.startswith("rules") or base in ("keymask.c", "keymask.h")


def strip_comments(src):
    """The C text with comments blanked (newlines kept, so line numbers hold)
    and string literals intact."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def literals(code):
    """(line number, text) of every string literal in code."""
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', code):
        yield code.count("\n", 0, m.start()) + 1, m.group(1)


def load_terms(rules_dir):
    """(kind, term, matcher) for everything to look for."""
    def load(name):
        with open(os.path.join(rules_dir, name), encoding="utf-8") as f:
            return json.load(f)

    terms = []
    for c in load("causes.json")["causes"]:
        cid = c["id"]
        # A one-word id ("capacity", "unknown") is found only as a whole
        # literal: as a word inside a sentence it is English, not the id.
        if "-" in cid:
            rx = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(cid))
        else:
            rx = re.compile(r"^%s$" % re.escape(cid))
        terms.append(("cause id", cid, rx))
    ph = load("phrases.json")
    words = []
    for p in ph.get("message_phrases", []):
        words.append(p["phrase"])
    for g in ph.get("network_failures", []):
        words.extend(g["phrases"])
    for w in words:
        if len(w) >= PHRASE_MIN:
            terms.append(("phrase", w, re.compile(re.escape(w), re.I)))
    idents = list(ph.get("error_reasons", [])) + list(ph.get("legacy_reasons", []))
    idents += [c["code"] for c in ph.get("api_codes", [])]
    for w in idents:
        # A lower-case word ("cancelled", "invalid") likewise only as a
        # whole literal; the others as whole identifiers, case-sensitively.
        if re.fullmatch(r"[a-z]+", w):
            rx = re.compile(r"^%s$" % re.escape(w))
        else:
            rx = re.compile(r"(?<![\w.])%s(?!\w)" % re.escape(w))
        terms.append(("reason", w, rx))
    for m in load("models.json")["models"]:
        # A model is data: its name in C would be a decision about it.
        rx = re.compile(r"(?<![\w.-])%s(?![\w-])" % re.escape(m["name"]), re.I)
        terms.append(("model", m["name"], rx))
    for k in load("keys.json")["keys"]["kinds"]:
        pre = k.get("prefix")
        if pre:
            terms.append(("key prefix", pre, re.compile(re.escape(pre))))
    return terms


def hits_in(code_text, terms):
    """(line, kind, term) for each term found in the literals of C text."""
    code = strip_comments(code_text)
    for line, text in literals(code):
        for kind, term, rx in terms:
            if rx.search(text):
                yield line, kind, term, text


def self_check(terms):
    """The scanner finds a planted cause id, phrase and key prefix in a
    literal, and nothing in a comment: the test can fail."""
    cause = next(t for k, t, _ in terms if k == "cause id" and "-" in t)
    phrase = next(t for k, t, _ in terms if k == "phrase")
    planted = ('/* "%s" in a comment */\nstatic const char *a = "%s", *b = "x %s y", '
               '*c = "AIza";\n' % (cause, cause, phrase))
    found = {(k, t) for _, k, t, _ in hits_in(planted, terms)}
    want = {("cause id", cause), ("phrase", phrase), ("key prefix", "AIza")}
    return found == want, sorted(found)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(ROOT, "src"))
    ap.add_argument("--rules", default=os.path.join(ROOT, "rules"))
    args = ap.parse_args()

    terms = load_terms(args.rules)
    passed = failed = 0
    ok, found = self_check(terms)
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL self-check: a planted literal was not found as expected: %s" % found)
    used = set()
    files = sorted(glob.glob(os.path.join(args.src, "*.c")) +
                   glob.glob(os.path.join(args.src, "*.h")))
    for path in files:
        if owned_by_rules(path):
            continue
        base = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            code = f.read()
        hits = []
        for line, kind, term, text in hits_in(code, terms):
            if (base, term) in ALLOW:
                used.add((base, term))
                continue
            hits.append("%s:%d: %s %r in \"%s\"" % (base, line, kind, term, text))
        if hits:
            failed += 1
            print("FAIL %s: Gemini knowledge in C (move it to rules/, or allow it in "
                  "tests/knowledge_grep_test.py and docs/rules.md with the reason)" % base)
            for h in hits:
                print("  " + h)
        else:
            passed += 1
    for entry in sorted(ALLOW):
        if entry in used:
            passed += 1
        else:
            failed += 1
            print("FAIL allowlist entry %s %r matches nothing any more: remove it" % entry)
    print("knowledge grep: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
