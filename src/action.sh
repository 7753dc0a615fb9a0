#!/bin/bash
# action.sh: the steps of the GitHub Action (action.yml), as a script the
# suite can run outside GitHub (tests/action_test.sh).
#   action.sh build    build gemini-doctor from the action's checkout, once,
#                      installing missing Debian packages (sudo when not root),
#                      and put it on the job's PATH
#   action.sh check    run `gemini-doctor check` with the INPUT_* variables,
#                      set the exit-code output, and pass or fail the step as
#                      fail-on says
set -u
root=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}

die() {
    echo "::error title=gemini-doctor action::$*"
    exit 1
}

build() {
    if [ -x "$root/build/gemini-doctor" ]; then
        echo "gemini-doctor already built: $("$root/build/gemini-doctor" --version | head -1)"
    else
        if [ "$(id -u)" = 0 ]; then
            sh "$root/.ci/install-deps" || die "installing the build packages failed"
        else
            sudo -n sh "$root/.ci/install-deps" || die "installing the build packages failed"
        fi
        make -C "$root" all > /dev/null || die "building gemini-doctor failed"
    fi
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$root/build" >> "$GITHUB_PATH"
    fi
}

check() {
    local args=(check --format "${INPUT_FORMAT:-github}" --timeout "${INPUT_TIMEOUT:-10}")
    local rc fail_on=${INPUT_FAIL_ON:-problem}

    case $fail_on in
    problem | transient | never) ;;
    *) die "fail-on is problem, transient or never, not '$fail_on'" ;;
    esac
    case ${INPUT_GENERATE:-false} in
    true) ;;
    false) args+=(--no-generate) ;;
    *) die "generate is true or false, not '${INPUT_GENERATE}'" ;;
    esac
    [ -n "${INPUT_MODEL:-}" ] && args+=(--model "$INPUT_MODEL")
    [ -n "${INPUT_BASE_URL:-}" ] && args+=(--base-url "$INPUT_BASE_URL")
    [ -n "${INPUT_STATUS_URL:-}" ] && args+=(--status-url "$INPUT_STATUS_URL")
    if [ -n "${INPUT_KEY_FILE:-}" ]; then
        [ -r "$INPUT_KEY_FILE" ] || die "cannot read key-file '$INPUT_KEY_FILE'"
        # GitHub masks secrets it set itself, not a key read from a file:
        # tell it to mask this one before anything else can print it.
        local key
        IFS= read -r key < "$INPUT_KEY_FILE" || true
        key=${key%$'\r'}
        [ -n "$key" ] && echo "::add-mask::$key"
        args+=(--key-file "$INPUT_KEY_FILE")
    fi
    if [ -n "${INPUT_REPORT:-}" ]; then
        "$root/build/gemini-doctor" "${args[@]}" | tee "$INPUT_REPORT"
        rc=${PIPESTATUS[0]}
    else
        "$root/build/gemini-doctor" "${args[@]}"
        rc=$?
    fi
    [ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$rc" >> "$GITHUB_OUTPUT"
    case $rc in
    0) return 0 ;;
    1) [ "$fail_on" = never ] && return 0 ;;
    75) [ "$fail_on" != transient ] && return 0 ;;
    esac
    return "$rc"
}

case ${1:-} in
build) build ;;
check) check ;;
*)
    echo "usage: action.sh build|check" >&2
    exit 64
    ;;
esac
