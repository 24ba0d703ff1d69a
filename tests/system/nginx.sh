#!/bin/bash
# The synchronous HTTP engine against a real nginx on 127.0.0.1, with the demo
# client (programs/httpget) in each of our three modes. Usage: nginx.sh [MODE...]
#
# Checks, per mode: bodies byte for byte (text, binary, empty), keep-alive (N
# requests on one handle use one TCP connection, read from nginx's access log),
# chunked gzip bodies passed through undecoded, HEAD, 304 Not Modified, 301/302/
# 307 redirects followed and not, 404, POST answered 405 with the connection
# still in step; in native mode only, a large sparse file streamed to NUL in
# bounded memory (256 MiB; 1 GiB with WINHTTP_LONG_TESTS=1). Prints one line per
# case, "ok   MODE CASE" or "FAIL MODE CASE: why", and a summary line last.
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
modes="${*:-native builtin-pe builtin-elf}"
big_mib=256
[ "${WINHTTP_LONG_TESTS:-0}" = 1 ] && big_mib=1024
peak_limit=$((64 << 20))
exe="$build/programs/httpget/httpget.exe"
work="$build/nginx-test"
site="$work/site"
server="$work/nginx"
access_log="$server/access.log"
started=$(date +%s.%N)

passed=0 failed=0 failures=""
summary() { echo "nginx: $*"; }
[ -f "$exe" ] || { echo "FAIL setup: $exe is not built"; summary "FAIL: nothing run"; exit 1; }
command -v nginx >/dev/null || { echo "FAIL setup: no nginx (apt-get install nginx-light)"; summary "FAIL: nothing run"; exit 1; }

python3 "$top/tests/nginx/make-site.py" "$site" "$big_mib" ||
    { echo "FAIL setup: tests/nginx/make-site.py failed"; summary "FAIL: nothing run"; exit 1; }
trap '"$top/tools/nginx-local" stop "$server"' EXIT
trap 'exit 130' INT TERM
port=$("$top/tools/nginx-local" start "$server" "$site" "$top/tests/nginx/locations.conf") ||
    { echo "FAIL setup: nginx did not start: $(tail -3 "$server/error.log" 2>/dev/null)"; summary "FAIL: nothing run"; exit 1; }
base="http://127.0.0.1:$port"
size() { stat -c %s "$1"; }
small_size=$(size "$site/small.txt")
last_modified=$(date -u -r "$site/small.txt" '+%a, %d %b %Y %H:%M:%S GMT')

# ---- helpers: run the client, collect what went wrong, report a case ----

why="" last_request=""
# bad MESSAGE: a failed check; messages about the same request name it only once
bad() {
    local msg="$*"
    if [ "$last_request" = "$request" ] && [ "${msg#"$request: "}" != "$msg" ]; then
        msg=${msg#"$request: "}
    fi
    last_request=$request
    why="$why${why:+; }$msg"
}
oneline() { tr '\n' '|' | sed 's/|$//'; }

# client NAME ARGS...: runs httpget in the mode's folder (so -o names are relative to
# it), tagged with an X-Test header; sets rc, and leaves NAME.out (stdout, CR removed)
# and NAME.err (stderr) there. The access log's length before the run is kept.
client() {
    local name=$1; shift
    log_start=$(wc -l <"$access_log")
    request="httpget$(printf ' %q' "$@")"
    (cd "$dir" && timeout -k 5 "${client_timeout:-60}" "$top/tools/winerun" --mode "$mode" "$dir/httpget.exe" \
        -H "X-Test: $mode-$name" "$@" >"$dir/$name.out.raw" 2>"$dir/$name.err")
    rc=$?
    tr -d '\r' <"$dir/$name.out.raw" >"$dir/$name.out"
    tr -d '\r' <"$dir/$name.err" >"$dir/$name.err.tmp" && mv "$dir/$name.err.tmp" "$dir/$name.err"
    [ $rc -eq 124 ] || [ $rc -eq 137 ] && bad "$request: timed out after ${client_timeout:-60} s"
    errors=$(grep -E '^httpget:|exception|err:' "$dir/$name.err" | head -3 | oneline)
    return 0
}

# expect_rc WANT: the client's exit status (0, or 22 for a status >= 400)
expect_rc() {
    [ "$rc" -eq "$1" ] || bad "$request: exit status $1 expected, got $rc${errors:+ ($errors)}"
}

# expect_stats NAME LINE...: the client's --stats lines, in order
expect_stats() {
    local name=$1 want got; shift
    want=$(printf '%s\n' "$@" | oneline)
    got=$(grep -E '^status=' "$dir/$name.err" | oneline)
    [ "$got" = "$want" ] || bad "$request: --stats '$want' expected, got '${got:-nothing}'${errors:+ ($errors)}"
}

# expect_same FILE EXPECTED-FILE: the body written, byte for byte
expect_same() {
    local diff
    if [ ! -f "$1" ]; then bad "$request: no body file $(basename "$1")"
    elif ! diff=$(cmp "$1" "$2" 2>&1); then
        bad "$request: body differs from $(basename "$2") ($(size "$1") bytes, want $(size "$2"); ${diff#"$1" })"
    fi
}

# expect_header NAME REGEX: a line of the headers printed with -i
expect_header() {
    grep -qE "$2" "$dir/$1.out" || bad "$request: header matching '$2' expected, got: $(grep -E '^[A-Za-z-]+:|^HTTP/' "$dir/$1.out" | head -12 | oneline)"
}

# expect_log LINE...: the access log lines since the client started, as
# "REQUEST# STATUS METHOD URI REQUEST-CONTENT-LENGTH", and all on one connection
expect_log() {
    local want got conns n=$# i
    want=$(printf '%s\n' "$@" | oneline)
    for i in $(seq 30); do   # nginx logs a request just after sending its response
        [ $(($(wc -l <"$access_log") - log_start)) -ge $n ] && break
        sleep 0.1
    done
    got=$(tail -n +$((log_start + 1)) "$access_log" | awk '{ print $2, $3, $4, $5, $8 }' | oneline)
    conns=$(tail -n +$((log_start + 1)) "$access_log" | awk '{ print $1 }' | sort -u | wc -l)
    if [ "$got" != "$want" ]; then
        bad "$request: nginx logged '${got:-nothing}', expected '$want'"
    elif [ "$conns" -ne 1 ]; then
        bad "$request: $n requests came on $conns TCP connections, expected 1 (log: $(tail -n +$((log_start + 1)) "$access_log" | awk '{ print "conn " $1 " req " $2 }' | oneline))"
    fi
}

verdict() {
    if [ -z "$why" ]; then
        echo "ok   $mode $1"; passed=$((passed + 1))
    else
        echo "FAIL $mode $1: $why"; failed=$((failed + 1)); failures="$failures $mode/$1"
    fi
    why="" last_request=""
}

# ---- the cases ----

case_get_small() {
    client get-small --stats -o get-small.body "$base/small.txt"
    expect_rc 0
    expect_stats get-small "status=200 bytes=$small_size"
    expect_same "$dir/get-small.body" "$site/small.txt"
    expect_log "1 200 GET /small.txt -"
    tail -n 1 "$access_log" | grep -q ' HTTP/1.1 ' || bad "$request: not sent as HTTP/1.1: $(tail -n 1 "$access_log")"
    verdict get-small
}

case_get_binary() {
    client get-binary --stats -o get-binary.body "$base/data.bin"
    expect_rc 0
    expect_stats get-binary "status=200 bytes=$(size "$site/data.bin")"
    expect_same "$dir/get-binary.body" "$site/data.bin"
    expect_log "1 200 GET /data.bin -"
    verdict get-binary
}

case_get_empty() {
    client get-empty --stats -i -o get-empty.body "$base/empty.txt"
    expect_rc 0
    expect_stats get-empty "status=200 bytes=0"
    expect_header get-empty '^Content-Length: 0$'
    expect_same "$dir/get-empty.body" "$site/empty.txt"
    expect_log "1 200 GET /empty.txt -"
    verdict get-empty
}

case_keepalive() {
    local n=5 i stats=() log=()
    client keepalive --stats --count $n -o keepalive.body "$base/small.txt"
    expect_rc 0
    for i in $(seq $n); do stats+=("status=200 bytes=$small_size"); log+=("$i 200 GET /small.txt -"); done
    expect_stats keepalive "${stats[@]}"
    for i in $(seq $n); do cat "$site/small.txt"; done >"$dir/keepalive.want"
    expect_same "$dir/keepalive.body" "$dir/keepalive.want"
    expect_log "${log[@]}"
    verdict keepalive
}

# Accept-Encoding set by hand, decompression off: nginx sends gzip, chunked (it
# cannot know the length in advance), and the client must hand the gzip bytes over
# unchanged, chunk framing removed. Twice, so the end of the chunked body must be
# found exactly for the connection to serve the second request.
case_chunked_gzip() {
    client chunked-gzip --stats --count 2 -i -H "Accept-Encoding: gzip" -o chunked-gzip.body "$base/text.txt"
    expect_rc 0
    expect_header chunked-gzip '^Transfer-Encoding: chunked$'
    expect_header chunked-gzip '^Content-Encoding: gzip$'
    grep -q '^Content-Length:' "$dir/chunked-gzip.out" && bad "$request: nginx sent a Content-Length, the test needs chunked"
    local got_bytes
    got_bytes=$(grep -E '^status=' "$dir/chunked-gzip.err" | oneline)
    echo "$got_bytes" | grep -qE '^status=200 bytes=[0-9]+\|status=200 bytes=[0-9]+$' ||
        bad "$request: --stats 'status=200 bytes=N' twice expected, got '$got_bytes'${errors:+ ($errors)}"
    if [ -f "$dir/chunked-gzip.body" ]; then
        # two gzip members one after the other: gzip -d decodes both
        cat "$site/text.txt" "$site/text.txt" >"$dir/chunked-gzip.want"
        if ! gzip -dc <"$dir/chunked-gzip.body" >"$dir/chunked-gzip.plain" 2>"$dir/chunked-gzip.gzerr"; then
            bad "$request: the body is not valid gzip ($(head -c 200 "$dir/chunked-gzip.gzerr"); first bytes $(head -c 16 "$dir/chunked-gzip.body" | od -An -tx1 | tr -s ' '))"
        else
            expect_same "$dir/chunked-gzip.plain" "$dir/chunked-gzip.want"
        fi
    else
        bad "$request: no body written"
    fi
    expect_log "1 200 GET /text.txt -" "2 200 GET /text.txt -"
    verdict chunked-gzip
}

# HEAD: headers describe the file, no body follows, and the connection stays in step.
case_head() {
    client head --stats --count 2 --head -i -o head.body "$base/small.txt"
    expect_rc 0
    expect_stats head "status=200 bytes=0" "status=200 bytes=0"
    expect_header head '^HTTP/1.1 200 OK$'
    expect_header head "^Content-Length: $small_size\$"
    expect_header head "^Last-Modified: $last_modified\$"
    if [ ! -f "$dir/head.body" ] || [ -s "$dir/head.body" ]; then
        bad "$request: an empty body expected, got $(size "$dir/head.body" 2>/dev/null || echo no) bytes"
    fi
    expect_log "1 200 HEAD /small.txt -" "2 200 HEAD /small.txt -"
    verdict head
}

# If-Modified-Since with the file's own date gets 304 (no body) twice on one
# connection; an older date gets the file.
case_not_modified() {
    client not-modified --stats --count 2 -i --if-modified-since "$last_modified" -o not-modified.body "$base/small.txt"
    expect_rc 0
    expect_stats not-modified "status=304 bytes=0" "status=304 bytes=0"
    expect_header not-modified '^HTTP/1.1 304 Not Modified$'
    if [ ! -f "$dir/not-modified.body" ] || [ -s "$dir/not-modified.body" ]; then
        bad "$request: an empty body expected, got $(size "$dir/not-modified.body" 2>/dev/null || echo no) bytes"
    fi
    expect_log "1 304 GET /small.txt -" "2 304 GET /small.txt -"
    client modified --stats --if-modified-since "Thu, 01 Jan 2004 00:00:00 GMT" -o modified.body "$base/small.txt"
    expect_rc 0
    expect_stats modified "status=200 bytes=$small_size"
    expect_same "$dir/modified.body" "$site/small.txt"
    verdict 304
}

# -L: the redirect is followed to the file, on the same connection; without -L
# the 3xx itself comes back with its Location and nginx's little page.
case_redirect() {
    local code=$1 text=$2 title=$3   # nginx's reason phrase, and its page's title
    local name="redirect-$code" plain="noredirect-$code"
    client "$name" --stats -L -o "$name.body" "$base/r$code"
    expect_rc 0
    expect_stats "$name" "status=200 bytes=$small_size"
    expect_same "$dir/$name.body" "$site/small.txt"
    expect_log "1 $code GET /r$code -" "2 200 GET /small.txt -"
    client "$plain" --stats -i -o "$plain.body" "$base/r$code"
    expect_rc 0
    expect_header "$plain" "^HTTP/1.1 $code $text\$"
    expect_header "$plain" "^Location: $base/small.txt\$"
    expect_stats "$plain" "status=$code bytes=$(size "$dir/$plain.body" 2>/dev/null)"
    grep -q "<title>$code $title</title>" "$dir/$plain.body" 2>/dev/null ||
        bad "$request: nginx's $code page expected as the body, got $(head -c 80 "$dir/$plain.body" 2>/dev/null | oneline)"
    expect_log "1 $code GET /r$code -"
    verdict "$name"
}

case_not_found() {
    client not-found --stats -i -o not-found.body "$base/missing.txt"
    expect_rc 22
    expect_header not-found '^HTTP/1.1 404 Not Found$'
    expect_stats not-found "status=404 bytes=$(size "$dir/not-found.body" 2>/dev/null)"
    grep -q '<title>404 Not Found</title>' "$dir/not-found.body" 2>/dev/null ||
        bad "$request: nginx's 404 page expected as the body"
    expect_log "1 404 GET /missing.txt -"
    verdict 404
}

# POST to a static file: nginx reads and drops the body and answers 405. Twice on
# one connection: had the body been framed wrong, the second request would not
# parse (400) or not come at all.
post_data="name=winhttp&text=hello+nginx&n=0123456789abcdef"
case_post() {
    client post --stats --count 2 -d "$post_data" -o post.body "$base/small.txt"
    expect_rc 22
    expect_stats post "status=405 bytes=$(($(size "$dir/post.body" 2>/dev/null || echo 0) / 2))" \
                      "status=405 bytes=$(($(size "$dir/post.body" 2>/dev/null || echo 0) / 2))"
    grep -q '<title>405 Not Allowed</title>' "$dir/post.body" 2>/dev/null || bad "$request: nginx's 405 page expected as the body"
    expect_log "1 405 POST /small.txt ${#post_data}" "2 405 POST /small.txt ${#post_data}"
    verdict post-405
}

# A POST redirected: 307 keeps the method and the body (so the file answers 405),
# 302 turns it into a GET without a body (so the file comes back).
case_post_redirect() {
    client post-307 --stats -L -d "$post_data" -o post-307.body "$base/r307"
    expect_rc 22
    expect_stats post-307 "status=405 bytes=$(size "$dir/post-307.body" 2>/dev/null)"
    expect_log "1 307 POST /r307 ${#post_data}" "2 405 POST /small.txt ${#post_data}"
    client post-302 --stats -L -d "$post_data" -o post-302.body "$base/r302"
    expect_rc 0
    expect_stats post-302 "status=200 bytes=$small_size"
    expect_same "$dir/post-302.body" "$site/small.txt"
    expect_log "1 302 POST /r302 ${#post_data}" "2 200 GET /small.txt -"
    verdict post-redirect
}

# A large body streamed to NUL: every byte counted, memory bounded.
big_note=""
case_big() {
    local t0 t1 peak want=$((big_mib << 20))
    t0=$(date +%s.%N)
    client_timeout=600 client big --stats -o NUL "$base/big.bin"
    t1=$(date +%s.%N)
    expect_rc 0
    expect_stats big "status=200 bytes=$want"
    peak=$(sed -n 's/^peak_working_set=\([0-9]*\).*/\1/p' "$dir/big.err")
    if [ -z "$peak" ]; then bad "$request: no peak_working_set line"
    elif [ "$peak" -ge $peak_limit ]; then
        bad "$request: peak working set $((peak >> 20)) MiB, expected < $((peak_limit >> 20)) MiB (the body must not be held in memory)"
    fi
    expect_log "1 200 GET /big.bin -"
    big_note=$(awk -v t0="$t0" -v t1="$t1" -v mib="$big_mib" -v peak="${peak:-0}" \
        'BEGIN { printf "%d MiB in %.1f s (%.0f MiB/s), peak working set %.1f MiB", mib, t1 - t0, mib / (t1 - t0), peak / 1048576 }')
    verdict "big-$big_mib-MiB"
}

# ---- each mode in turn ----

timings=""
for mode in $modes; do
    dir="$build/run/nginx-$mode"
    mkdir -p "$dir" && cp "$exe" "$dir/httpget.exe"
    rm -f "$dir"/*.body "$dir"/*.out "$dir"/*.err "$dir"/*.raw "$dir"/*.want "$dir"/*.plain "$dir"/*.gzerr
    mode_start=$(date +%s.%N)
    case_get_small
    case_get_binary
    case_get_empty
    case_keepalive
    case_chunked_gzip
    case_head
    case_not_modified
    case_redirect 301 "Moved Permanently" "Moved Permanently"
    case_redirect 302 "Moved Temporarily" "Found"
    case_redirect 307 "Temporary Redirect" "Temporary Redirect"
    case_not_found
    case_post
    case_post_redirect
    [ "$mode" = native ] && case_big
    timings="$timings${timings:+, }$mode $(awk -v a="$mode_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }')"
done

total=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
[ -n "$big_note" ] && echo "info big body: $big_note"
echo "info times: $timings; logs in $build/run/nginx-MODE/, nginx's in $server/"
if [ $failed -eq 0 ]; then
    summary "PASS: $passed cases in $(wc -w <<<"$modes") modes against nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') (${total} s)"
else
    summary "FAIL: $failed of $((passed + failed)) cases failed:$failures (${total} s)"
fi
[ $failed -eq 0 ]
