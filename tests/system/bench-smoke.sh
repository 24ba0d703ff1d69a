#!/bin/bash
# Keeps the HTTP benchmark from rotting: tools/bench-http --quick with tiny
# durations and sizes, which passes when every case produced a figure in every
# mode (ours native and builtin-elf, Wine's builtin, libcurl), never on speed.
# Prints one line per case and mode, "ok   CASE MODE FIGURE" or "FAIL CASE MODE: why",
# and a summary line last. Its tables go to WINHTTP_BUILD/bench-smoke, so a real
# run's build/bench/http.md is left alone.
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
out="$build/bench-smoke"
tsv="$out/http.tsv"
cases="keepalive download upload threads async"
modes="native builtin-elf wine libcurl"
started=$(date +%s)

rm -f "$tsv"
mkdir -p "$out"
timeout -k 5 60 "$top/tools/bench-http" --quick --seconds 0.3 --big-mib 32 --upload-mib 16 --out "$out" \
    >"$out/bench-http.log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - started ))
if [ ! -s "$tsv" ]; then
    tail -15 "$out/bench-http.log" | sed 's/^/    /'
    [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "FAIL tools/bench-http timed out after 60 s"
    echo "bench-smoke: FAIL: tools/bench-http wrote no table (exit $rc, ${elapsed} s)"
    exit 1
fi

total=0 missing=0
for c in $cases; do
    for m in $modes; do
        total=$((total + 1))
        # columns: case unit mode median ...
        row=$(awk -F'\t' -v c="$c" -v m="$m" '$1 == c && $3 == m' "$tsv")
        value=$(echo "$row" | cut -f4)
        unit=$(echo "$row" | cut -f2)
        if [[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v v="$value" 'BEGIN { exit !(v > 0) }'; then
            echo "ok   $c $m $value $unit"
        else
            missing=$((missing + 1))
            why=$(grep -F "run 1 $c $m:" "$out/http-work/errors.txt" 2>/dev/null | head -1 | cut -c1-300)
            echo "FAIL $c $m: no figure${why:+ ($why)}"
        fi
    done
done

if [ $missing -eq 0 ] && [ $rc -eq 0 ]; then
    echo "bench-smoke: ok: $total figures (5 cases x 4 modes) in ${elapsed} s"
    exit 0
fi
[ $rc -eq 0 ] || tail -5 "$out/bench-http.log" | sed 's/^/    /'
echo "bench-smoke: FAIL: $missing of $total figures missing, tools/bench-http exit $rc (${elapsed} s)"
exit 1
