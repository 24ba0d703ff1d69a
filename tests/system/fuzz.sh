#!/bin/bash
# libFuzzer targets for the pure parsers (tests/fuzz), built natively with clang:
# replays tests/fuzz/regressions, then fuzzes each target from tests/fuzz/corpus,
# 10 s each; 300 s with WINHTTP_LONG_TESTS=1 (run-tests --long). Usage: fuzz.sh [target...]
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
out="$build/fuzz"
fuzz="$top/tests/fuzz"
src="$top/dlls/winhttp"
seconds=10
[ "${WINHTTP_LONG_TESTS:-0}" = 1 ] && seconds=300
all_targets="fuzz_response_head fuzz_chunked fuzz_url fuzz_time fuzz_cookie fuzz_frame"
targets="${*:-$all_targets}"
cc="${FUZZ_CC:-clang}"
wine_inc="${WINE_INCDIR:-/usr/include/wine}"

fail() { echo "fuzz: FAIL: $*"; exit 1; }

# clang with its fuzzer and sanitizer runtimes (Debian: clang, libclang-rt-dev),
# installed only when missing, the way tools/install-deps does it.
fuzzer_works() {
    local dir
    dir=$(mktemp -d) || return 1
    echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$dir/t.c"
    "$cc" -fsanitize=fuzzer,address,undefined "$dir/t.c" -o "$dir/t" >/dev/null 2>&1
    local st=$?
    rm -rf "$dir"
    return $st
}
if ! fuzzer_works; then
    echo "fuzz: installing clang and its fuzzer runtime"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq clang libclang-rt-dev; } >/dev/null 2>&1
    fuzzer_works || fail "$cc cannot build a libFuzzer target (apt-get install clang libclang-rt-dev)"
fi
if [ ! -f "$wine_inc/wine/debug.h" ] || [ ! -f "$wine_inc/wine/windows/winhttp.h" ]; then
    fail "Wine's headers are not in $wine_inc (apt-get install libwine-dev)"
fi

# parse.c and frame.c are plain C; url.c, time.c and cookies.c are built as Wine builds them
# (Wine's headers, 16-bit WCHAR, __WINESRC__) against the stand-ins in tests/fuzz/shim.
# -include wchar.h: glibc's <wchar.h> must precede winbase.h, which turns
# wcsncpy into an error under __WINESRC__. -Wno-format: Wine's TRACE formats
# use %lx for DWORD, which is "unsigned int" in an LP64 Winelib build.
# shellcheck disable=SC2054
cflags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration -I"$src" -I"$fuzz")
win_cflags=(-fshort-wchar -include wchar.h -D__WINESRC__ -D_WIN32 -DWIN32 -D_WIN64 -DWIN64
            -D_WIN32_WINNT=0x0a00 -DWINVER=0x0a00 -D_WIN32_IE=0x0a00
            -I"$top/include" -I"$fuzz/shim" -I"$wine_inc/wine/windows" -idirafter "$wine_inc"
            -Wno-pragma-pack -Wno-format)

sources_of() {
    case "$1" in
    fuzz_response_head|fuzz_chunked) echo "$fuzz/$1.c $src/parse.c" ;;
    fuzz_frame) echo "$fuzz/$1.c $src/frame.c" ;;
    fuzz_url)  echo "$fuzz/$1.c $src/url.c $fuzz/shim/wine_native.c" ;;
    fuzz_time) echo "$fuzz/$1.c $src/time.c $fuzz/shim/wine_native.c" ;;
    fuzz_cookie) echo "$fuzz/$1.c $src/time.c $fuzz/shim/wine_native.c" ;;   # it #includes cookies.c
    *) return 1 ;;
    esac
}

build_target() {
    local t=$1 exe="$out/$1" srcs flags=("${cflags[@]}")
    srcs=$(sources_of "$t")
    case "$t" in fuzz_url|fuzz_time|fuzz_cookie) flags+=("${win_cflags[@]}") ;; esac
    # rebuild when anything it could include is newer
    if [ -x "$exe" ] && [ -z "$(find "$fuzz" "$src" "$top/include" "$top/tests/system/fuzz.sh" -newer "$exe" \
                                 \( -name '*.c' -o -name '*.h' -o -name '*.sh' \) -print -quit)" ]; then
        return 0
    fi
    # shellcheck disable=SC2086
    "$cc" "${flags[@]}" $srcs -o "$exe.tmp" >"$out/$t.build.log" 2>&1 && mv "$exe.tmp" "$exe"
}

mkdir -p "$out"
for t in $targets; do sources_of "$t" >/dev/null || fail "no target named $t (targets: $all_targets)"; done
pids=()
for t in $targets; do build_target "$t" & pids+=($!); done
i=0
for t in $targets; do
    if ! wait "${pids[$i]}"; then
        sed 's/^/    /' "$out/$t.build.log" | head -20
        fail "$t does not build (log: $out/$t.build.log)"
    fi
    i=$((i + 1))
done

crashes=0
total_runs=0
for t in $targets; do
    exe="$out/$t"

    # every input once found a bug: each must now pass
    regress=("$fuzz/regressions/$t"/*)
    if [ -e "${regress[0]}" ]; then
        if ! "$exe" -rss_limit_mb=2048 -timeout=5 "${regress[@]}" >"$out/$t.regress.log" 2>&1; then
            bad=$(grep -oE 'Running: .*' "$out/$t.regress.log" | tail -1 | sed 's/^Running: //')
            echo "fuzz: FAIL: $t: regression input fails: ${bad:-see $out/$t.regress.log}"
            grep -E 'ERROR:|invariant broken|SUMMARY' "$out/$t.regress.log" | head -3 | sed 's/^/    /'
            crashes=$((crashes + 1))
            continue
        fi
    fi

    # the seeds are read, new inputs go to the build tree's working corpus
    work="$out/corpus/$t"
    artifacts="$out/crashes/$t"
    mkdir -p "$work" "$artifacts"
    dict=()
    [ -f "$fuzz/$t.dict" ] && dict=(-dict="$fuzz/$t.dict")
    before=$(find "$artifacts" -type f | wc -l)
    timeout -k 10 $((seconds + 60)) "$exe" -max_total_time="$seconds" -max_len=65536 -timeout=5 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
        "$work" "$fuzz/corpus/$t" >"$out/$t.log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log" | tail -1)
    total_runs=$((total_runs + ${runs:-0}))
    if [ $status -ne 0 ] || [ "$(find "$artifacts" -type f | wc -l)" -gt "$before" ]; then
        crashes=$((crashes + 1))
        newest=$(find "$artifacts" -type f -printf '%T@ %f\n' | sort -n | tail -1 | cut -d' ' -f2-)
        if [ -n "$newest" ]; then
            echo "fuzz: FAIL: $t crashed (exit status $status); reproducer: $artifacts/$newest"
        else
            echo "fuzz: FAIL: $t failed (exit status $status) without a reproducer"
        fi
        grep -E 'ERROR:|invariant broken|SUMMARY' "$out/$t.log" | head -3 | sed 's/^/    /'
        echo "    replay: $exe $artifacts/${newest:-}   (log: $out/$t.log)"
    else
        echo "fuzz: $t: ${runs:-0} executions in $seconds s (${rate:-0}/s), no crash"
    fi
done

count=$(wc -w <<<"$targets")
echo "fuzz: $count targets, $crashes crashes, $total_runs executions"
[ $crashes -eq 0 ]
