#!/bin/sh
# completion_test: the bash, zsh and fish scripts that `gemini-doctor
# completion SHELL` prints load in their shells and complete commands,
# subcommand words and option values from the one command table.
#   sh tests/completion_test.sh BIN
set -u
bin=$(cd "$(dirname "${1:-build/gemini-doctor}")" && pwd)/$(basename "${1:-build/gemini-doctor}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

"$bin" completion bash > "$dir/gd.bash" || bad "completion bash exits non-zero"
"$bin" completion zsh > "$dir/_gemini-doctor" || bad "completion zsh exits non-zero"
"$bin" completion fish > "$dir/gd.fish" || bad "completion fish exits non-zero"
if "$bin" completion tcsh > /dev/null 2>&1; then bad "an unknown shell is accepted"; else ok; fi

# bash: the script registers itself and answers simulated command lines.
# words: the command line split like bash would, the last word being completed.
bash_complete() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _gemini_doctor
             printf "%s\n" "${COMPREPLY[@]}"' sh "$dir/gd.bash" "$@"
}
expect_bash() {
    want=$1
    shift
    if bash_complete "$@" | grep -qx -- "$want"; then ok; else bad "bash: '$*' does not offer '$want'"; fi
}
if bash -c '. "$1"; complete -p gemini-doctor' sh "$dir/gd.bash" | grep -q _gemini_doctor; then
    ok
else
    bad "bash: complete -p gemini-doctor shows no completion"
fi
for c in $("$bin" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'); do
    expect_bash "$c" gemini-doctor ""
done
expect_bash rules gemini-doctor ru
expect_bash lint gemini-doctor rules ""
expect_bash show gemini-doctor rules sh
expect_bash junit gemini-doctor check --format j
expect_bash --model gemini-doctor check --mo
expect_bash explain gemini-doctor --model gemini-x ex
expect_bash fish gemini-doctor completion ""
expect_bash explain gemini-doctor help ex
# A command's own options (its own_opts in the command table) complete after it.
expect_bash --sql gemini-doctor stats --sq
expect_bash --sql-table gemini-doctor stats log.jsonl --sql-t
expect_bash bigquery gemini-doctor stats --sql ""
if bash_complete gemini-doctor check --sq | grep -qx -- --sql; then
    bad "bash: stats' own --sql is offered after check"
else
    ok
fi

# zsh: the script parses and names every command.
if zsh -n "$dir/_gemini-doctor"; then ok; else bad "zsh: the script does not parse"; fi
if grep -q "^#compdef gemini-doctor" "$dir/_gemini-doctor"; then ok; else bad "zsh: no #compdef line"; fi
if zsh -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$1/zcd"; (( $+_comps[gemini-doctor] ))' \
    sh "$dir" 2> /dev/null; then
    ok
else
    bad "zsh: compinit does not register gemini-doctor"
fi

# fish: `complete -C` answers with real completions.
expect_fish() {
    want=$1
    line=$2
    if fish -c "source $dir/gd.fish; complete -C'$line'" | cut -f1 | grep -qx -- "$want"; then
        ok
    else
        bad "fish: '$line' does not offer '$want'"
    fi
}
if fish -n "$dir/gd.fish"; then ok; else bad "fish: the script does not parse"; fi
expect_fish rules "gemini-doctor ru"
expect_fish lint "gemini-doctor rules l"
expect_fish json "gemini-doctor check --format j"
expect_fish --no-generate "gemini-doctor check --no-g"
expect_fish --sql "gemini-doctor stats --sq"
expect_fish duckdb "gemini-doctor stats --sql "

echo "completion: $pass passed, $fail failed"
[ "$fail" = 0 ]
