#!/bin/bash
# 1,000 asynchronous requests in flight against a server that takes 2 s to answer
# each: all must succeed, with the process's thread count staying under 16
# (waiting requests park on the poller thread instead of holding workers: the
# main thread, 6 workers and the poller make 8).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
count=1000 bound=16 fails=0
summary=""
for mode in native builtin-pe builtin-elf; do
    dir="$build/run/inflight-$mode"
    mkdir -p "$dir" && cp "$build/tests/async/inflight.exe" "$dir/"
    coproc server { exec python3 "$top/tests/async/slow_server.py" 2 15; }
    read -r port <&"${server[0]}"
    # output to a file, not a pipe: Wine's helper processes may outlive the program and hold a pipe open
    timeout 120 "$top/tools/winerun" --mode "$mode" "$dir/inflight.exe" "$port" $count $bound >"$dir/out.txt" 2>&1
    st=$?
    out=$(tr -d '\r' <"$dir/out.txt")
    kill "$server_PID" 2>/dev/null; wait "$server_PID" 2>/dev/null
    echo "$mode: $out"
    [ $st -eq 0 ] || fails=$((fails + 1))
    summary="$summary $mode=($(echo "$out" | grep -o 'peak [0-9]* threads'))"
done
if [ $fails -eq 0 ]; then echo "async-inflight: PASS: $count requests in flight in 3 modes:$summary"; else echo "async-inflight: FAIL in $fails modes"; fi
[ $fails -eq 0 ]
