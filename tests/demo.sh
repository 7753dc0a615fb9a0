#!/bin/sh
# demo.sh: what `make demo` runs. It starts the bundled fake Gemini API on a
# free port of 127.0.0.1, runs `gemini-doctor check` against a simulated broken
# setup (a key whose free-tier daily quota is used up), then pipes the failing
# response body through `gemini-doctor explain`. No real key and no network
# are needed. The fake server is stopped on every exit path.
#
# Exit status: 0 when the demo ran as intended (check found the problem and
# exited 1, explain recognised the body and exited 0), 1 otherwise.
set -u

bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gemini-doctor-demo.XXXXXX") || exit 1
. "$here/fake-lib.sh"

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n\n' "$*"; }
fail() { printf 'demo: %s\n' "$*" >&2; exit 1; }

[ -x "$bin" ] || fail "no binary at '$bin'; run 'make' first"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed for the fake Gemini API"

step "Starting the fake Gemini API (tests/fake_gemini.py) on 127.0.0.1"
fake_start || fail "the fake Gemini API did not start: $(cat "$tmp/fake.err")"
url=$fake_url
say "fake API listening at $url (the status feed is $url/incidents.json)"

# A made-up key that tells the fake server which problem to simulate: here a
# free-tier project that has used its daily requests for the model.
key=AIzaTest_quota-rpd_xxxxxxxxxxxxxxxxxxxx
model=gemini-3.8-flash

step "gemini-doctor check --model $model --base-url $url --status-url $url/incidents.json"
say "(GOOGLE_API_KEY is a made-up key that simulates a used-up daily quota)"
say ""
GOOGLE_API_KEY=$key NO_COLOR=1 "$bin" check --model "$model" --base-url "$url" \
    --status-url "$url/incidents.json" --timeout 5
check_rc=$?
say ""
say "check exited $check_rc (0 all good, 1 a problem that needs a change, 75 retry later)"

step "The same failing request by hand, its response body piped into gemini-doctor explain"
# The body the API returns for this project's generateContent call, fetched
# with the key in the x-goog-api-key header (never in the URL).
GOOGLE_API_KEY=$key python3 - "$url" "$model" > "$tmp/body.json" <<'PY'
import os, sys, urllib.request, urllib.error
url, model = sys.argv[1], sys.argv[2]
req = urllib.request.Request(
    "%s/v1beta/models/%s:generateContent" % (url, model),
    data=b'{"contents":[{"parts":[{"text":"Say OK"}]}]}',
    headers={"x-goog-api-key": os.environ["GOOGLE_API_KEY"],
             "Content-Type": "application/json"})
try:
    body = urllib.request.urlopen(req, timeout=10).read()
except urllib.error.HTTPError as e:
    body = e.read()
sys.stdout.write(body.decode("utf-8"))
PY
[ -s "$tmp/body.json" ] || fail "could not fetch the failing body from the fake API"
say "(fetched like curl -s -H 'x-goog-api-key: ...' -d '{...}' $url/v1beta/models/$model:generateContent)"
say ""
NO_COLOR=1 "$bin" explain < "$tmp/body.json"
explain_rc=$?
say ""
say "explain exited $explain_rc (0 recognised and explained, 65 not a Gemini error)"

step "Stopping the fake Gemini API"
fake_stop
trap - EXIT

if [ "$check_rc" -eq 1 ] && [ "$explain_rc" -eq 0 ]; then
    say "demo: done. check found the used-up daily quota (exit 1, as intended) and explain"
    say "      explained the raw error body. Try another scenario: see docs/fake-api.md."
    exit 0
fi
say "demo: did not run as intended (check exited $check_rc, wanted 1; explain exited $explain_rc, wanted 0)" >&2
exit 1
