#!/bin/bash
# Handle stress (tests/stress/handles.c) under each of our three modes: random
# create/use/close from 8 threads, stale-handle probes, HANDLE_CLOSING accounting
# and a memory bound. 10 s per mode; 120 s with WINHTTP_LONG_TESTS=1 (run-tests --long).
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
seconds=10
[ "${WINHTTP_LONG_TESTS:-0}" = 1 ] && seconds=120
exe="$build/tests/stress/handles.exe"
[ -f "$exe" ] || { echo "stress-handles: FAIL: $exe is not built"; exit 1; }

modes="native builtin-pe builtin-elf"
failed=""
for mode in $modes; do
    dir="$build/run/stress-$mode"
    mkdir -p "$dir" && cp "$exe" "$dir/handles.exe"
    # the program's own watchdog ends it after twice its time; this is the backstop
    # output to a file, not a pipe: Wine's helper processes may outlive the program and hold a pipe open
    timeout -k 5 $((seconds * 2 + 30)) "$top/tools/winerun" --mode "$mode" "$dir/handles.exe" "$seconds" >"$dir/out.txt" 2>&1
    status=$?
    out=$(tr -d '\r' <"$dir/out.txt")
    echo "$out" | grep -E '^stress-handles: ' | sed "s/^/$mode: /"
    verdict=$(echo "$out" | grep -E '^stress-handles: (PASS|FAIL)' | tail -1)
    if [ $status -ne 0 ] || [ "$verdict" != "stress-handles: PASS" ]; then
        if [ -z "$verdict" ]; then
            echo "$mode: FAIL: no verdict (exit status $status); last output:"
            echo "$out" | tail -5 | sed "s/^/$mode:     /"
        fi
        failed="$failed $mode"
    fi
done

if [ -z "$failed" ]; then
    echo "stress-handles: PASS in 3 modes ($seconds s each)"
else
    echo "stress-handles: FAIL in$failed ($seconds s each)"
    exit 1
fi
