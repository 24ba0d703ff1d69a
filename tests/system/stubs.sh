#!/bin/bash
# Every export the README lists as "not implemented" fails the way Windows
# documents for that: ERROR_CALL_NOT_IMPLEMENTED, in each of our three modes.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
names=$(grep -E '^\| `[A-Za-z0-9]+` \| not implemented' "$top/README.md" | sed -E 's/^\| `([A-Za-z0-9]+)`.*/\1/')
[ -n "$names" ] || { echo "no unimplemented exports listed in README.md"; exit 0; }
fails=0
for mode in native builtin-pe builtin-elf; do
    dir="$build/run/stubs-$mode"
    mkdir -p "$dir" && cp "$build/tests/system/stubcheck.exe" "$dir/"
    # shellcheck disable=SC2086
    # output to a file, not a pipe: Wine's helper processes may outlive the program and hold a pipe open
    "$top/tools/winerun" --mode "$mode" "$dir/stubcheck.exe" $names >"$dir/out.txt" 2>&1
    out=$(tr -d '\r' <"$dir/out.txt")
    if ! echo "$out" | grep -q 'stubcheck: 0 of'; then
        echo "$out" | grep -E 'FAIL|stubcheck' | sed "s/^/$mode: /"; fails=$((fails + 1))
    fi
done
[ $fails -eq 0 ] && echo "$(echo "$names" | wc -w) unimplemented exports fail with ERROR_CALL_NOT_IMPLEMENTED in 3 modes"
[ $fails -eq 0 ]
