#!/bin/bash
# Hostile-server corpus (tests/hostile/hostile.c) under each of our three modes:
# malformed, truncated, oversized, slow and abruptly closed responses must end in
# the documented error at the documented step, never in a crash or a hang.
#
# Copyright 2026 the winhttp project authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Lesser General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Lesser General Public License for more details.
#
# You should have received a copy of the GNU Lesser General Public
# License along with this library; if not, write to the Free Software
# Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
exe="$build/tests/hostile/hostile.exe"
[ -f "$exe" ] || { echo "hostile: FAIL: $exe is not built"; exit 1; }

modes="native builtin-pe builtin-elf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The modes run side by side: most of each run is the client waiting on timeouts
# and on a deliberately slow server, so this keeps the whole check near 30 s.
for mode in $modes; do
    dir="$build/run/hostile-$mode"
    mkdir -p "$dir" && cp "$exe" "$dir/hostile.exe"
    # the program stops itself after 55 s; this is the backstop
    ( timeout -k 5 70 "$top/tools/winerun" --mode "$mode" "$dir/hostile.exe" >"$tmp/$mode.out" 2>&1
      echo $? >"$tmp/$mode.status" ) &
done
wait

failed="" summary=""
for mode in $modes; do
    out=$(tr -d '\r' <"$tmp/$mode.out")
    status=$(cat "$tmp/$mode.status")
    # every failing case, and the program's own summary
    echo "$out" | grep -E '^(FAIL |ok   memory|hostile: )' | sed "s/^/$mode: /"
    verdict=$(echo "$out" | grep -E '^hostile: [0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ -z "$verdict" ]; then
        echo "$mode: FAIL: no summary line (exit status $status: crash or hang); last output:"
        echo "$out" | tail -5 | sed "s/^/$mode:     /"
        failed="$failed $mode"; summary="$summary $mode=none"
        continue
    fi
    summary="$summary $mode=(${verdict#hostile: })"
    if [ "$status" -ne 0 ] || ! echo "$verdict" | grep -q ' 0 failed$'; then
        failed="$failed $mode"
    fi
done

if [ -z "$failed" ]; then
    echo "hostile: PASS in 3 modes:$summary"
else
    echo "hostile: FAIL in$failed:$summary"
    exit 1
fi
