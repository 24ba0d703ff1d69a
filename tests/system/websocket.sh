#!/bin/bash
# WebSocket interoperability: tests/websocket/wsclient.c (the WinHTTP API) against
# a python3-websockets server (tests/websocket/echo_server.py) on 127.0.0.1, in
# each mode, synchronous and asynchronous. Usage: websocket.sh [MODE...]
# (default: native builtin-pe builtin-elf; "wine" runs Wine's own builtin).
#
# Cases (wsclient.exe --list): messages from 0 bytes to 1 MiB, binary and UTF-8,
# byte for byte; messages sent as fragments and received into small buffers (the
# buffer types checked); ping/pong; every close path (client Close, client
# Shutdown then the server's close frame, server first, an empty close frame,
# the longest reason, a dropped TCP connection) with QueryCloseStatus values and
# what the server heard; cancellation of a pending receive (asynchronous); two
# threads sending and receiving at full speed for 2 s with every byte checked.
# The 16 MiB messages run in native mode only; WINHTTP_LONG_TESTS=1 runs them in
# every mode and the full-duplex case for 10 s. The same cases run over TLS too
# (wss://, WINHTTP_WSS_TESTS=0 leaves them out; certificates from tests/tls/make-certs.sh, the CA
# trusted by tests/tls/trustca.exe in a prefix of this test's own,
# WINHTTP_WSS_PREFIX, default build/wss-prefix; without trustca.exe certificate
# errors are ignored).
# Prints "ok   MODE CASE" or "FAIL MODE CASE: why" per case, a summary line last;
# exits 0 only if every case passed.
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
wss="${WINHTTP_WSS_TESTS:-1}"
if [ "$wss" = 1 ]; then
    # the test CA is trusted in a prefix of this test's own, never the other tests' one
    export WINEPREFIX="${WINHTTP_WSS_PREFIX:-$build/wss-prefix}"
fi
export WINHTTP_BUILD="$build" WINEPREFIX="${WINEPREFIX:-$build/wineprefix}" WINEDEBUG="${WINEDEBUG:--all}"
# no debugger on a crash: winedbg can outlive the run; the crash's first lines are in the log
export WINEDLLOVERRIDES="winedbg.exe=d${WINEDLLOVERRIDES:+;$WINEDLLOVERRIDES}"
modes="${*:-native builtin-pe builtin-elf}"
python="${WINHTTP_PYTHON:-/usr/bin/python3}"   # Debian's, which has python3-websockets
long="${WINHTTP_LONG_TESTS:-0}"
duplex_seconds=2
[ "$long" = 1 ] && duplex_seconds=10
exe="$build/tests/websocket/wsclient.exe"
work="$build/websocket-test"
started=$(date +%s.%N)

summary() { echo "websocket: $*"; }
setup_fail() { echo "FAIL setup: $*"; summary "FAIL: nothing run"; exit 1; }
[ -f "$exe" ] || setup_fail "$exe is not built"
"$python" -c 'import websockets' 2>/dev/null || setup_fail "$python has no websockets module (apt-get install python3-websockets)"
ws_version=$("$python" -c 'import websockets; print(websockets.__version__)')
# shellcheck source=/dev/null
. "$build/config.sh"

rm -rf "$work"
mkdir -p "$work"
servers=() trusted=""
cleanup() {
    local pid
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${servers[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    if [ -n "$trusted" ]; then
        timeout -k 5 60 "$top/tools/winerun" --mode wine "$trustca" remove "Z:$trusted" >"$work/untrust.txt" 2>&1 ||
            echo "FAIL cleanup: the test CA could not be taken out of $WINEPREFIX: $(tr -d '\r' <"$work/untrust.txt" | tail -2 | tr '\n' '|')"
    fi
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME [--cert C --key K]: sets server_port
start_server() {
    local name=$1; shift
    "$python" "$top/tests/websocket/echo_server.py" --port-file "$work/$name.port" --log "$work/$name.log" "$@" \
        >"$work/$name.out" 2>&1 &
    servers+=($!)
    for _ in $(seq 100); do
        [ -s "$work/$name.port" ] && break
        kill -0 "${servers[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    [ -s "$work/$name.port" ] || setup_fail "the $name server did not start: $(tail -3 "$work/$name.out" | tr '\n' '|')"
    server_port=$(cat "$work/$name.port")
}
start_server ws
ws_port=$server_port

# TLS: a CA and a certificate for 127.0.0.1 signed by it, made for this run by
# tests/tls/make-certs.sh, the CA trusted in this test's prefix by
# tests/tls/trustca.exe (and taken out on exit)
wss_port="" trust_args=()
if [ "$wss" = 1 ]; then
    pki="$work/pki"
    # the HTTPS tests' certificates: good.pem (127.0.0.1, serverAuth) signed by ca.pem
    "$top/tests/tls/make-certs.sh" "$pki" >"$work/make-certs.log" 2>&1 ||
        setup_fail "tests/tls/make-certs.sh failed: $(tail -3 "$work/make-certs.log" | tr '\n' '|')"
    start_server wss --cert "$pki/good.pem" --key "$pki/server.key"
    wss_port=$server_port
    trustca="$build/tests/tls/trustca.exe"
    if [ -f "$trustca" ]; then
        trusted="$pki/ca.der"
        if ! timeout -k 5 120 "$top/tools/winerun" --mode wine "$trustca" add "Z:$pki/ca.der" >"$work/trustca.txt" 2>&1; then
            setup_fail "tests/tls/trustca.exe add failed: $(tr -d '\r' <"$work/trustca.txt" | tail -3 | tr '\n' '|')"
        fi
    else
        trust_args=(--insecure)   # no trustca.exe in this build: certificate errors are ignored
    fi
fi

# One wineserver for all the runs, so that no run pays for starting it; it leaves
# by itself 30 s after the last one. Already running: kept as is.
[ -f "$WINEPREFIX/system.reg" ] || "$top/tools/winerun" --mode wine cmd /c exit >/dev/null 2>&1 || true
"$WINESERVER" -p30 >/dev/null 2>&1 || true

# the cases each run must report
mkdir -p "$build/run/websocket-list"
cp "$exe" "$build/run/websocket-list/wsclient.exe"
timeout -k 5 60 "$top/tools/winerun" --mode wine "$build/run/websocket-list/wsclient.exe" --list \
    >"$work/list.txt" 2>&1
all_cases=$(tr -d '\r' <"$work/list.txt" | grep -E '^[a-z0-9-]+[A-Za-z0-9-]*( |$)' | grep -v 'named only' | awk '{ print $1 }')
big_cases=$(tr -d '\r' <"$work/list.txt" | grep 'named only' | awk '{ print $1 }')
async_only=$(tr -d '\r' <"$work/list.txt" | grep 'async only' | awk '{ print $1 }')
[ -n "$all_cases" ] || setup_fail "wsclient.exe --list printed nothing: $(tr -d '\r' <"$work/list.txt" | head -3 | tr '\n' '|')"

passed=0 failed=0 failures="" timings=""
oneline() { tr '\n' '|' | sed 's/|$//'; }

# run_client MODE FLAVOUR URL CASES...: one wsclient process (FLAVOUR sync or
# async); its lines are passed on with the mode, and the cases it should have
# reported but did not fail (a crash or a hang ends a run early).
run_client() {
    local mode=$1 flavour=$2 url=$3; shift 3
    local dir="$build/run/websocket-$mode" args=() name out rc expected c line prefix limit log
    log="$dir/$flavour-${url%%:*}-$#.txt"
    [ "$flavour" = async ] && args+=(--async)
    args+=("${trust_args[@]}" --seconds "$duplex_seconds")
    prefix=$flavour
    [ "${url#wss}" != "$url" ] && prefix="wss-$flavour"
    limit=$((60 + 2 * duplex_seconds + 60 * ${big_run:-0}))
    timeout -k 5 "$limit" "$top/tools/winerun" --mode "$mode" "$dir/wsclient.exe" "${args[@]}" "$url" "$@" \
        >"$log" 2>&1
    rc=$?
    out=$(tr -d '\r' <"$log")
    while IFS= read -r line; do
        case $line in
        "ok   "*) passed=$((passed + 1)); echo "ok   $mode ${line#ok   }" ;;
        "FAIL "*) failed=$((failed + 1)); name=${line#FAIL }; name=${name%%:*}
                  failures="$failures $mode/$name"; echo "FAIL $mode ${line#FAIL }" ;;
        "skip "*) echo "skip $mode ${line#skip }" ;;
        esac
    done < <(echo "$out" | grep -E '^(ok   |FAIL |skip )')
    # the cases this run owed
    if [ $# -gt 0 ]; then expected="$*"
    else
        expected=""
        for c in $all_cases; do
            [ "$flavour" = sync ] && echo "$async_only" | grep -qx "$c" && continue
            expected="$expected $c"
        done
    fi
    for c in $expected; do
        # a here-string, not a pipe: grep -q leaving early would fail the pipe under pipefail
        grep -qE "^(ok   |FAIL |skip )$prefix/$c( |:|$)" <<<"$out" && continue
        failed=$((failed + 1)); failures="$failures $mode/$prefix/$c"
        why="not reported: wsclient exited with status $rc"
        [ $rc -eq 124 ] || [ $rc -eq 137 ] && why="not reported: wsclient timed out after $limit s"
        crash=$(echo "$out" | grep -m1 -E 'Unhandled|exception' | cut -c1-160)
        echo "FAIL $mode $prefix/$c: $why${crash:+ ($crash)}; log $log"
    done
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
        # every case reported fine, yet the process failed: count it once
        failed=$((failed + 1)); failures="$failures $mode/$prefix/exit"
        echo "FAIL $mode $prefix/exit: wsclient exited with status $rc: $(echo "$out" | tail -3 | oneline | cut -c1-300)"
    fi
}

for mode in $modes; do
    dir="$build/run/websocket-$mode"
    mkdir -p "$dir" && cp "$exe" "$dir/wsclient.exe"
    rm -f "$dir"/*.txt
    mode_start=$(date +%s.%N)
    for flavour in sync async; do
        run_client "$mode" "$flavour" "ws://127.0.0.1:$ws_port"
        if [ "$mode" = native ] || [ "$long" = 1 ]; then
            # shellcheck disable=SC2086
            big_run=1 run_client "$mode" "$flavour" "ws://127.0.0.1:$ws_port" $big_cases
        fi
        if [ -n "$wss_port" ]; then
            # localhost, not 127.0.0.1: Wine 8's crypt32 matches the host name against
            # the DNS names of the certificate only, never its IP address entries
            run_client "$mode" "$flavour" "wss://localhost:$wss_port"
        fi
    done
    timings="$timings${timings:+, }$mode $(awk -v a="$mode_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }')"
done

total=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
extra=""
[ -n "$wss_port" ] && extra=", wss:// too${trust_args:+ (certificate errors ignored: tests/tls/trustca.exe not built)}"
echo "info times: $timings; logs in $build/run/websocket-MODE/, the servers' in $work/"
if [ $failed -eq 0 ]; then
    summary "PASS: $passed cases in $(wc -w <<<"$modes") modes, sync and async, against python3-websockets $ws_version$extra (${total} s)"
else
    summary "FAIL: $failed of $((passed + failed)) cases failed:$failures (${total} s)"
fi
[ $failed -eq 0 ]
