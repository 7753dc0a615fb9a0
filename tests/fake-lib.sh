# fake-lib.sh: the bundled fake Gemini API (tests/fake_gemini.py) for test
# scripts. Source it right after making the script's scratch directory:
#
#     here=$(cd "$(dirname "$0")" && pwd)
#     tmp=$(mktemp -d ...) || exit 1
#     . "$here/fake-lib.sh"
#     fake_start --delay-ms 400 || { echo "...: $(cat "$tmp/fake.err")"; exit 1; }
#     ... "$fake_url" ...
#
# Sourcing it sets the traps: on every exit path (and on INT, TERM and HUP,
# which exit 130 and 143) fake_stop runs. fake_stop stops the server and
# removes $tmp, the caller's scratch directory; calling it twice is harmless.
# A caller with more to clean up sets its own EXIT trap that ends in fake_stop.

fake_pid=
fake_url=

fake_stop() {
    if [ -n "$fake_pid" ]; then
        kill "$fake_pid" 2>/dev/null
        wait "$fake_pid" 2>/dev/null
        fake_pid=
    fi
    rm -rf "$tmp"
}
trap fake_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# fake_start [OPTION...]: start the fake API on a free port of 127.0.0.1,
# with these options of fake_gemini.py, and set fake_url to its address.
# Returns 1 when it has not said where it listens within 10 seconds or died
# first; its stderr is in $tmp/fake.err.
fake_start() {
    python3 "$here/fake_gemini.py" --port 0 "$@" > "$tmp/fake.out" 2> "$tmp/fake.err" &
    fake_pid=$!
    fake_url=
    fake_n=0
    while [ $fake_n -lt 100 ]; do
        fake_url=$(sed -n 's/^listening \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$tmp/fake.out" 2>/dev/null)
        [ -n "$fake_url" ] && return 0
        kill -0 "$fake_pid" 2>/dev/null || return 1
        sleep 0.1
        fake_n=$((fake_n + 1))
    done
    return 1
}
