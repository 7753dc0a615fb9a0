#!/bin/sh
# package_test: the Debian package and the release tarball, as a user gets
# them. Builds both (make deb, make release), runs lintian (no errors), then
# in a clean Debian 12 chroot made by debootstrap: the release tarball runs
# with none of its libraries installed, and the .deb installs with apt and
# answers --version, explain and a check against the fake API on loopback.
#   sh tests/package_test.sh
# Needs root (chroot) and Debian's package mirror. GD_CHROOT_CACHE names a
# tarball of the bare chroot to reuse (made on the first run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
done_() {
    echo "package: $pass passed, $fail failed"
    [ "$fail" = 0 ]
    exit $?
}

if [ "$(id -u)" != 0 ]; then
    if [ "${CI:-}" = true ]; then bad "not root: cannot build a chroot"; fi
    echo "package: needs root for the chroot; skipped"
    done_
fi

tmp=$(mktemp -d /tmp/gd-package-XXXXXX) || exit 1
root=$tmp/root
. "$here/fake-lib.sh"
cleanup() {
    umount "$root/proc" 2> /dev/null
    fake_stop
}
trap cleanup EXIT

# The package and its lint.
if make --no-print-directory deb > "$tmp/deb.log" 2>&1; then ok; else
    bad "make deb failed:"
    tail -20 "$tmp/deb.log"
    done_
fi
deb=$(ls build/deb/gemini-doctor_*.deb | head -1)
if lintian --fail-on error "${deb%_*.deb}"_*.changes > "$tmp/lintian.log" 2>&1; then ok; else
    bad "lintian reports errors:"
    cat "$tmp/lintian.log"
fi
for f in usr/bin/gemini-doctor usr/share/man/man1/gemini-doctor.1.gz \
    usr/share/gemini-doctor/rules/rules.json usr/share/bash-completion/completions/gemini-doctor; do
    if dpkg-deb -c "$deb" | grep " \./$f\$" > /dev/null; then ok; else bad "the package has no /$f"; fi
done

# The release tarball and its checksum.
if make --no-print-directory release > "$tmp/release.log" 2>&1; then ok; else
    bad "make release failed:"
    tail -20 "$tmp/release.log"
fi
if (cd build-release && sha256sum -c --quiet sha256sum.txt); then ok; else bad "sha256sum.txt does not match"; fi
tarball=$(ls build-release/gemini-doctor-*.tar.gz | head -1)

# A clean Debian 12 chroot.
cache=${GD_CHROOT_CACHE:-build/chroot-bookworm.tar.gz}
mkdir -p "$root"
if [ -f "$cache" ]; then
    tar -C "$root" -xzf "$cache"
else
    made=0
    for try in 1 2; do
        if debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian \
            > "$tmp/debootstrap.log" 2>&1; then
            made=1
            break
        fi
        rm -rf "$root" && mkdir -p "$root"
    done
    if [ "$made" != 1 ]; then
        bad "debootstrap failed twice:"
        tail -5 "$tmp/debootstrap.log"
        done_
    fi
    tar -C "$root" -czf "$cache" .
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

body='{"error": {"code": 429, "message": "Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 25", "status": "RESOURCE_EXHAUSTED", "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}}'

# The tarball runs where none of its libraries is installed.
if in_root sh -c 'dpkg -s libcjson1 > /dev/null 2>&1'; then bad "the bare chroot already has libcjson1"; else ok; fi
tar -C "$root/opt" -xzf "$tarball"
rel=$(cd "$root/opt" && ls -d gemini-doctor-*)
if in_root "/opt/$rel/bin/gemini-doctor" --version | grep -q "^gemini-doctor "; then ok; else
    bad "the release binary does not run in a bare chroot"
fi
if printf '%s\n' "$body" | in_root "/opt/$rel/bin/gemini-doctor" explain --format json |
    grep -q '"cause":[[:space:]]*"quota-rpd"'; then ok; else
    bad "the release binary does not explain a daily quota in a bare chroot"
fi

# The .deb installs with apt, its dependencies with it.
cp "$deb" "$root/tmp/gemini-doctor.deb"
if in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends /tmp/gemini-doctor.deb' > "$tmp/apt.log" 2>&1; then ok; else
    bad "apt-get install of the .deb failed:"
    tail -10 "$tmp/apt.log"
    done_
fi
if in_root gemini-doctor --version | grep -q "^gemini-doctor "; then ok; else bad "installed --version"; fi
if printf '%s\n' "$body" | in_root gemini-doctor explain --format json |
    grep -q '"cause":[[:space:]]*"quota-rpd"'; then ok; else bad "installed explain"; fi
if [ -f "$root/usr/share/bash-completion/completions/gemini-doctor" ]; then ok; else
    bad "installed bash completion missing"
fi

# check loads libcurl (a dependency of the package) and talks to the fake
# API on the host's loopback, which the chroot shares.
if fake_start; then
    key="AQ.Test_valid_$(printf 'x%.0s' $(seq 30))"
    out=$(in_root env GEMINI_API_KEY="$key" gemini-doctor check --base-url "$fake_url" \
        --status-url "$fake_url/incidents.json" --no-generate --format json 2> "$tmp/check.err")
    rc=$?
    if echo "$out" | python3 -c 'import json, sys
checks = {c["id"]: c["result"] for c in json.load(sys.stdin)["checks"]}
sys.exit(checks.get("key.accepted") != "pass")'; then ok; else
        bad "installed check did not report key.accepted (exit $rc): $(echo "$out" | head -5)"
    fi
    if cat "$tmp/check.err" | grep -q -- "$key" || echo "$out" | grep -q -- "$key"; then
        bad "installed check printed the key"
    else
        ok
    fi
else
    bad "the fake API did not start: $(cat "$tmp/fake.err")"
fi
done_
