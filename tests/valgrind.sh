#!/bin/sh
# valgrind.sh: run the explain and rules cases under valgrind; any leak or
# memory error fails the case (valgrind's exit 99 is not the expected code).
set -eu
bin=${1:-build/gemini-doctor}
cd "$(dirname "$0")/.."
exec python3 tests/run.py --bin "$bin" --label valgrind -j 2 \
    --wrap "valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99" \
    --exclude big- --exclude 50mb samples/ rules/ hostile/ check/
