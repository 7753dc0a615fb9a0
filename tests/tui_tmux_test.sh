#!/bin/sh
# tui_tmux_test.sh: drives the real interactive doctor in a real terminal.
# It starts the bundled fake Gemini API, opens an 80x24 tmux session on a
# private socket with a plain shell, runs `gemini-doctor tui` there, sends
# keys and a bracketed paste with tmux, reads the screen with capture-pane,
# and checks that after q (and after Ctrl-C) the terminal works again and
# the final report is in the scrollback.
#
# Usage: sh tests/tui_tmux_test.sh [BINARY]   (default build/gemini-doctor)
# Prints "N passed, N failed"; exits 0 only when nothing failed, 77 when
# tmux is not installed.
set -u

bin=${1:-build/gemini-doctor}
here=$(cd "$(dirname "$0")" && pwd)
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if ! command -v tmux >/dev/null 2>&1; then
    echo "tmux is not installed: skipped"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gd-tmux.XXXXXX") || exit 1
sock=gd-tui-test-$$
passed=0
failed=0
leaked=AIzaTest_leaked_xxxxxxxxxxxxxxxxxxxxxxx
valid=AIzaTest_valid_xxxxxxxxxxxxxxxxxxxxxxxx

. "$here/fake-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; fake_stop' EXIT

ok() {
    passed=$((passed + 1))
    echo "ok   $1"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    if [ -s "$tmp/screen" ]; then
        sed 's/^/     | /' "$tmp/screen"
    fi
}

screen() {
    tmux -L "$sock" capture-pane -p -t gd -S "${1:-0}" >"$tmp/screen" 2>/dev/null
}

# wait_for TEXT [SECONDS]: poll the visible screen until it shows TEXT.
wait_for() {
    n=$((${2:-10} * 10))
    while [ "$n" -gt 0 ]; do
        screen
        if grep -qF -- "$1" "$tmp/screen"; then
            return 0
        fi
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

expect() {
    if wait_for "$2" "${3:-10}"; then ok "$1"; else fail "$1 (wanted '$2')"; fi
}

expect_not() {
    screen -200
    if grep -qF -- "$2" "$tmp/screen"; then fail "$1 (found '$2')"; else ok "$1"; fi
}

keys() {
    tmux -L "$sock" send-keys -t gd "$@"
}

if ! fake_start; then
    echo "the fake Gemini API did not start"
    exit 1
fi
url=$fake_url

# A plain shell with a known prompt and nothing from this environment but PATH.
tmux -L "$sock" -f /dev/null new-session -d -s gd -x 80 -y 24 \
    env -i PATH="$PATH" HOME="$tmp" TERM=xterm-256color LC_ALL=C.UTF-8 PS1='$ ' \
    GOOGLE_API_KEY="$leaked" GEMINI_DOCTOR_NOW=2026-11-28T12:00:00Z sh
tmux -L "$sock" set-option -t gd history-limit 2000 >/dev/null
wait_for '$' 5
run="$bin tui --base-url $url --status-url $url/incidents.json --timeout 3 --model gemini-3.8-flash"
keys -l "$run; echo after-text-rc=\$?"
keys Enter

expect "dashboard shows the checks" "Enter walkthrough"
expect "the leaked key fails key.accepted" "✗ FAIL Key accepted"
expect "header shows the masked key" "key AIza…xxxx from GOOGLE_API_KEY"
expect "the failing check is selected by itself" ">✗ FAIL Key accepted"
expect "the verdict line names it" "✗ 1 problem · Key accepted:"
keys Enter
expect "Enter opens the walkthrough" "What happened"
keys K
expect "K opens the key field" "Key: "
keys -l "$valid"
expect "the key field shows bullets" "39 characters"
expect_not "the typed key is not on the screen" "AIzaTest_valid"
if [ "$(tmux -L "$sock" display-message -p -t gd '#{cursor_flag}')" = 1 ]; then
    ok "the key field shows the real cursor"
else
    fail "the key field shows the real cursor"
fi
keys Enter
expect "the new key fixes key.accepted" "Fixed: this check passes now." 15
keys Escape
expect "Esc returns to the dashboard" "fixed: the API accepted the key"
keys '?'
expect "? shows the help overlay" "Keys (any key closes this help)"
keys Escape
tmux -L "$sock" set-buffer -b gdpaste \
    '{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}'
tmux -L "$sock" paste-buffer -p -d -b gdpaste -t gd
expect "a bracketed paste is explained at once" "pasted error"
expect "the explanation shows what was seen" "Seen: HTTP 503"
keys Escape
tmux -L "$sock" resize-window -t gd -x 100 -y 30
expect "a resize to 100x30 redraws at the new width" "? help  q quit"
tmux -L "$sock" resize-window -t gd -x 80 -y 24
keys l
expect "l shows the limits" "midnight Pacific time"
keys q
expect "q quits; the exit is the real configuration's, not the session's" "after-text-rc=1" 15
screen -200
if grep -qF "7 passed" "$tmp/screen"; then ok "the final report is in the scrollback"; else fail "the final report is in the scrollback"; fi
if grep -qF "Changed for this session only" "$tmp/screen"; then ok "the session-only key is listed"; else fail "the session-only key is listed"; fi
keys -l 'echo restored-$((6*7))'
keys Enter
expect "the terminal works after q (echo, line editing)" "restored-42"
expect_not "no key appears anywhere" "AIzaTest_"

# Ctrl-C: the terminal is restored and the shell sees 130.
keys -l "$run; echo after-int-rc=\$?"
keys Enter
expect "the doctor starts again" "Enter walkthrough"
keys C-c
expect "Ctrl-C quits with 130" "after-int-rc=130" 15
keys -l 'echo again-$((5+5))'
keys Enter
expect "the terminal works after Ctrl-C" "again-10"

# q while a probe hangs: the doctor stops the transfers at once instead of
# waiting for the 30 s timeout, and says which checks did not run.
hung=AQ.Test_hung_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
keys -l "GOOGLE_API_KEY=$hung $bin tui --base-url $url --status-url $url/incidents.json --timeout 30; echo after-hung-rc=\$?"
keys Enter
expect "the hung probes are running" "checking:"
keys q
expect "q during a hung probe quits long before the timeout" "after-hung-rc=75" 5
expect "the unfinished checks are not run (interrupted)" "not run (interrupted)"

# SIGTERM while probes hang: the terminal is restored, the report says 130.
keys -l "sh -c 'echo \$\$ > $tmp/pid; exec env GOOGLE_API_KEY=$hung $bin tui --base-url $url --status-url $url/incidents.json --timeout 30'; echo after-term-rc=\$?"
keys Enter
expect "the doctor runs for SIGTERM" "checking:"
kill -TERM "$(cat "$tmp/pid")"
expect "SIGTERM exits 130" "after-term-rc=130" 5
screen -200
if grep -qF "exit 130, interrupted" "$tmp/screen"; then ok "the report names exit 130"; else fail "the report names exit 130"; fi
keys -l 'echo after-term-$((2+2))'
keys Enter
expect "the terminal works after SIGTERM" "after-term-4"

# A paste without bracketed paste (tmux send-keys -l writes it in one go):
# a burst of characters is a paste, never commands; the "q" of "quota"
# must not quit and the "r" must not re-run anything.
keys -l "$run; echo after-burst-rc=\$?"
keys Enter
expect "the doctor starts for the burst" "q quit"
keys -l 'quota exceeded, please retry later'
expect "an unbracketed burst is taken as a paste" "pasted error"
expect_not "the burst did not quit the doctor" "after-burst-rc="

# A resize below the minimum shows a notice; back at 80x24 the screen returns.
tmux -L "$sock" resize-window -t gd -x 50 -y 15
expect "a terminal below 60x18 gets a notice" "terminal too small: 50x15"
tmux -L "$sock" resize-window -t gd -x 80 -y 24
expect "back at 80x24 the screen returns" "q quit"
keys q
expect "q after the burst quits" "after-burst-rc=" 15

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
