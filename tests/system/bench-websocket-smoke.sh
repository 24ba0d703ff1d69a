#!/bin/bash
# Keeps the WebSocket benchmark from rotting: tools/bench-websocket --quick with
# tiny durations, which passes when every case produced a figure in every mode
# (ours native and builtin-elf, Wine's builtin), synchronous and asynchronous,
# never on speed. Prints one line per case and mode, "ok   CASE MODE FIGURE" or
# "FAIL CASE MODE: why", and a summary line last. Its tables go to
# WINHTTP_BUILD/bench-websocket-smoke, so a real run's build/bench/websocket.md is left alone.
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
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
export WINHTTP_BUILD="$build" WINEPREFIX="${WINEPREFIX:-$build/wineprefix}" WINEDEBUG="${WINEDEBUG:--all}"
out="$build/bench-websocket-smoke"
tsv="$out/websocket.tsv"
cases="echo64 send64k send1m recv64k recv1m"
flavours="sync async"
modes="native builtin-elf wine"
started=$(date +%s)

rm -f "$tsv"
mkdir -p "$out"
timeout -k 5 120 "$top/tools/bench-websocket" --quick --seconds 0.2 --out "$out" >"$out/bench-websocket.log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - started ))
if [ ! -s "$tsv" ]; then
    tail -15 "$out/bench-websocket.log" | sed 's/^/    /'
    [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "FAIL tools/bench-websocket timed out after 120 s"
    echo "bench-websocket-smoke: FAIL: tools/bench-websocket wrote no table (exit $rc, ${elapsed} s)"
    exit 1
fi

total=0 missing=0
for f in $flavours; do
    for c in $cases; do
        for m in $modes; do
            total=$((total + 1))
            # columns: case flavour unit mode median ...
            row=$(awk -F'\t' -v c="$c" -v f="$f" -v m="$m" '$1 == c && $2 == f && $4 == m' "$tsv")
            value=$(echo "$row" | cut -f5)
            unit=$(echo "$row" | cut -f3)
            if [[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v v="$value" 'BEGIN { exit !(v > 0) }'; then
                echo "ok   $c-$f $m $value $unit"
            else
                missing=$((missing + 1))
                why=$(grep -F "run 1 $c-$f $m:" "$out/websocket-work/errors.txt" 2>/dev/null | head -1 | cut -c1-300)
                echo "FAIL $c-$f $m: no figure${why:+ ($why)}"
            fi
        done
    done
done

if [ $missing -eq 0 ] && [ $rc -eq 0 ]; then
    echo "bench-websocket-smoke: ok: $total figures (5 cases x 2 flavours x 3 modes) in ${elapsed} s"
    exit 0
fi
[ $rc -eq 0 ] || tail -5 "$out/bench-websocket.log" | sed 's/^/    /'
echo "bench-websocket-smoke: FAIL: $missing of $total figures missing, tools/bench-websocket exit $rc (${elapsed} s)"
exit 1
