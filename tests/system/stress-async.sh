#!/bin/bash
# Asynchronous stress (tests/stress/async.c) under each of our three modes: 8
# threads of asynchronous requests against an in-process server of varied
# behaviour, closes at random moments, callback-order and body checks,
# HANDLE_CLOSING accounting and a memory bound. 10 s per mode; 120 s with
# WINHTTP_LONG_TESTS=1 (run-tests --long).
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
src="$top/tests/stress/async.c"
exe="$build/tests/stress/async.exe"

# Built by the Makefile; if this build's Makefile does not know the program,
# compiled here the way the Makefile builds its programs.
if [ ! -f "$exe" ] || [ "$src" -nt "$exe" ]; then
    if ! make -s -C "$build" tests/stress/async.exe >/dev/null 2>&1; then
        # shellcheck source=/dev/null
        [ -f "$build/config.sh" ] && . "$build/config.sh"
        mkdir -p "$(dirname "$exe")"
        "${MINGW_CC:-x86_64-w64-mingw32-gcc}" -O2 -municode -static-libgcc -o "$exe" "$src" \
            -I"$top/include" -L"$build/dlls/winhttp" -lwinhttp -lws2_32 ||
            { echo "stress-async: FAIL: could not build $exe"; exit 1; }
    fi
fi
[ -f "$exe" ] || { echo "stress-async: FAIL: $exe is not built"; exit 1; }

failed=""
for mode in native builtin-pe builtin-elf; do
    dir="$build/run/stress-async-$mode"
    mkdir -p "$dir" && cp "$exe" "$dir/async.exe"
    # the program's own watchdog ends it after twice its time + 10 s; this is the backstop
    out=$(timeout -k 5 $((seconds * 2 + 30)) "$top/tools/winerun" --mode "$mode" "$dir/async.exe" "$seconds" 2>&1 | tr -d '\r')
    status=$?
    echo "$out" | grep -E '^(stress-async: |    )' | sed "s/^/$mode: /"
    verdict=$(echo "$out" | grep -E '^stress-async: (PASS|FAIL)' | tail -1)
    if [ $status -ne 0 ] || [ "$verdict" != "stress-async: PASS" ]; then
        if [ -z "$verdict" ]; then
            echo "$mode: stress-async: FAIL: no verdict (exit status $status); last output:"
            echo "$out" | tail -5 | sed "s/^/$mode:     /"
        fi
        failed="$failed $mode"
    fi
done

if [ -z "$failed" ]; then
    echo "stress-async: PASS in 3 modes ($seconds s each)"
else
    echo "stress-async: FAIL in$failed ($seconds s each)"
    exit 1
fi
