#!/bin/bash
# Unit tests of the cookie jar and of Content-Encoding decompression: the
# programs in tests/unit/ are built with mingw-w64 together with the module's
# own cookies.c, decompress.c and time.c (no DLL involved) and run under Wine.
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
# shellcheck source=/dev/null
[ -f "$build/config.sh" ] && . "$build/config.sh"
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-wine}
wine_incdir=$(sed -n 's/^WINE_INCDIR *= *//p' "$build/Makefile" 2>/dev/null)
wine_incdir=${wine_incdir:-/usr/include/wine}
out="$build/tests/unit"
mkdir -p "$out"

src="$top/dlls/winhttp"
flags="-O2 -g -static-libgcc -I$top/include -I$src -idirafter $wine_incdir
       -D__WINESRC__ -D_WIN32_WINNT=0x0a00 -DWINVER=0x0a00 -DWINHTTP_PE_BUILD
       -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-cast-function-type
       -Werror=implicit-function-declaration"

build_exe() {  # build_exe NAME SOURCES... [LIBS]
    local name=$1 f fresh=1; shift
    # rebuilt only when a source or a header it uses is newer than the program
    for f in "$@" "$src/winhttp_private.h" "$src/parse.h" "$top/include/wine/test.h" "$0"; do
        [ -f "$f" ] && [ "$f" -nt "$out/$name.exe" ] && fresh=0
    done
    [ -f "$out/$name.exe" ] && [ $fresh = 1 ] && return 0
    # shellcheck disable=SC2086
    if ! "$MINGW_CC" -o "$out/$name.exe" "$@" $flags >"$out/$name.build.log" 2>&1; then
        echo "unit-cookies-decompress: FAIL: $name.exe does not build:"
        head -20 "$out/$name.build.log"
        return 1
    fi
}

# cookies.c is included by its test, to reach the Set-Cookie parser
build_exe cookies "$top/tests/unit/cookies.c" "$src/time.c" "$top/libs/pe/wine_debug.c" || exit 1
build_exe decompress "$top/tests/unit/decompress.c" "$src/decompress.c" "$top/libs/pe/wine_debug.c" \
    -l:libz.a || exit 1

run_exe() {  # run_exe NAME -> prints the summary line, returns the status
    local name=$1 status
    if [ -f "$build/config.sh" ]; then
        timeout -k 5 120 "$top/tools/winerun" --mode wine "$out/$name.exe" >"$out/$name.log" 2>&1
    else
        WINEPREFIX="${WINEPREFIX:-$build/wineprefix}" WINEDEBUG="${WINEDEBUG:--all}" \
            timeout -k 5 120 "$WINE" "$out/$name.exe" >"$out/$name.log" 2>&1
    fi
    status=$?
    tr -d '\r' <"$out/$name.log" | grep -E 'Test failed|Test succeeded inside todo|unhandled exception' | head -20
    summary=$(tr -d '\r' <"$out/$name.log" | grep -E "^[0-9a-f]+:$name: [0-9]+ tests executed" | tail -1 |
              sed 's/^[0-9a-f]*://; s/\.$//')
    [ -n "$summary" ] || { summary="$name: no summary (exit status $status)"; [ $status -eq 0 ] && status=1; }
    return $status
}

failed=0 summaries=""
for name in cookies decompress; do
    run_exe $name || failed=$((failed + 1))
    summaries="$summaries${summaries:+; }$summary"
done

if [ $failed -eq 0 ]; then
    echo "unit-cookies-decompress: PASS: $summaries"
else
    echo "unit-cookies-decompress: FAIL: $summaries"
    exit 1
fi
