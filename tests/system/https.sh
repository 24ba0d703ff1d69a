#!/bin/bash
# HTTPS end to end: tests/tls/tlsclient.exe against nginx with TLS on 127.0.0.1, one
# server (port) per certificate, in each of our three modes. Usage: https.sh [MODE...]
# (MODE: native, builtin-pe, builtin-elf, or wine for Wine's own builtin as a check
# of the plumbing, which does not behave as Windows does).
#
# Checks, per mode, what Windows does: a good certificate gives 200 and the body byte
# for byte, with the certificate, protocol and key bitness options answered; each bad
# certificate (expired, not yet valid, wrong host, unknown CA, self-signed, wrong
# usage) fails WinHttpSendRequest with ERROR_WINHTTP_SECURE_FAILURE and the
# SECURE_FAILURE callback's flags, and the matching SECURITY_FLAG_IGNORE_* makes it
# succeed (another flag does not); an IP address host matches the certificate's IP
# SAN; TLS 1.2 and 1.3 both negotiated, a protocol mask without the server's only
# version fails; a server that requires a client certificate: none set gives
# ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, WINHTTP_NO_CLIENT_CERT_CONTEXT the server's
# answer without one (400), the certificate 200 (nginx logs its subject), and the
# documented retry after the error works; revocation is checked (from a CRL that
# nginx serves) only when asked; keep-alive (5 requests on one TLS connection, from
# nginx's log); a large body (64 MiB, 1 GiB with WINHTTP_LONG_TESTS=1) counted and
# hashed in bounded memory; asynchronous requests, good and bad.
# Where Wine's Schannel cannot do a thing at all (TLS 1.3, telling that the server
# asks for a client certificate), checked by a probe that bypasses WinHTTP, the
# cases needing it are skipped in the modes that use Schannel (native, builtin-pe).
#
# The test CA is trusted only in a Wine prefix of the test's own
# (WINHTTP_TLS_PREFIX, default WINHTTP_BUILD/tls-prefix, made on first use), with
# one wineserver kept for the script's duration; the CA is taken out of the prefix
# again at the end. Prints one line per case, "ok   MODE CASE", "skip MODE CASE: why"
# or "FAIL MODE CASE: why", and a summary line last; exits 0 only when none failed.
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
modes="${*:-native builtin-pe builtin-elf}"
big_mib=64
[ "${WINHTTP_LONG_TESTS:-0}" = 1 ] && big_mib=1024
# the big body may raise the peak working set by less than this over the good case's
peak_margin=$((32 << 20))
# never the prefix of the other tests (tools/run-tests exports WINEPREFIX): the CA
# is trusted in this one only
export WINEPREFIX="${WINHTTP_TLS_PREFIX:-$build/tls-prefix}"
export WINHTTP_BUILD="$build" WINEDEBUG="${WINEDEBUG:--all}"
client_exe="$build/tests/tls/tlsclient.exe"
trust_exe="$build/tests/tls/trustca.exe"
work="$build/https-test"
certs="$work/certs" site="$work/site" server="$work/nginx"
access_log="$server/access.log"
started=$(date +%s.%N)

passed=0 failed=0 skipped=0 failures=""
summary() { echo "https: $*"; }
setup_fail() { echo "FAIL setup: $*"; summary "FAIL: nothing run"; exit 1; }
for f in "$client_exe" "$trust_exe"; do [ -f "$f" ] || setup_fail "$f is not built"; done
[ -f "$build/config.sh" ] || setup_fail "$build/config.sh missing (configure first)"
command -v nginx >/dev/null || setup_fail "no nginx (apt-get install nginx-light)"
command -v openssl >/dev/null || setup_fail "no openssl (apt-get install openssl)"
# shellcheck source=/dev/null
. "$build/config.sh"
export WINESERVER

# ---- servers: one port per certificate, and a plain one serving the CRL ----

servers="good expired notyet wronghost unknownca selfsigned wrongusage revoked crlgood tls12 tls13 clientcert crl"
declare -A port
i=0
for p in $(python3 -c '
import socket, sys
n = int(sys.argv[1]); socks = []
for _ in range(n):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$(wc -w <<<"$servers")"); do
    i=$((i + 1))
    port[$(cut -d' ' -f$i <<<"$servers")]=$p
done

mkdir -p "$work" "$site" "$server/tmp"
rm -rf "$certs"
# the CRL's URL is new for every run: Wine and Windows cache a CRL by its URL
stamp=$(date +%s%N)
crl_name="ca-$stamp.crl"
"$top/tests/tls/make-certs.sh" "$certs" "http://127.0.0.1:${port[crl]}/$crl_name" >"$work/make-certs.log" 2>&1 ||
    setup_fail "tests/tls/make-certs.sh failed: $(tail -3 "$work/make-certs.log" | tr '\n' '|')"
rm -f "$site"/ca-*.crl && cp "$certs/ca.crl" "$site/$crl_name"

# the content: a small text, a 100 KiB random page (several TLS records), the big body
awk 'BEGIN { for (i = 0; i < 8; i++) printf "line %d of the small HTTPS test page\n", i }' >"$site/small.txt"
head -c 102400 /dev/urandom >"$site/page.bin"
big="$site/big-$big_mib.bin"
if [ ! -f "$big.sha256" ] || [ "$(stat -c %s "$big" 2>/dev/null)" != $((big_mib << 20)) ]; then
    rm -f "$site"/big-*.bin "$site"/big-*.bin.sha256
    head -c $((big_mib << 20)) /dev/urandom >"$big"
    sha256sum "$big" | cut -d' ' -f1 >"$big.sha256"
fi

tls_server() {  # tls_server NAME CERT [PROTOCOLS [DIRECTIVES]]
    cat <<CONF
    server {
        listen 127.0.0.1:${port[$1]} ssl;
        ssl_certificate $certs/$2.pem;
        ssl_certificate_key $certs/server.key;
        ssl_protocols ${3:-TLSv1.2 TLSv1.3};
        ${4:-}
    }
CONF
}
{
    cat <<CONF
worker_processes 1;
daemon on;
pid $server/nginx.pid;
error_log $server/error.log warn;
user $(id -un) $(id -gn);
events { worker_connections 256; }
http {
    log_format tls '\$server_port \$connection \$connection_requests \$status \$request_method \$uri '
                   '\$ssl_protocol \$body_bytes_sent "\$http_x_test" "\$ssl_client_s_dn"';
    access_log $access_log tls;
    client_body_temp_path $server/tmp/body;
    proxy_temp_path $server/tmp/proxy;
    fastcgi_temp_path $server/tmp/fastcgi;
    uwsgi_temp_path $server/tmp/uwsgi;
    scgi_temp_path $server/tmp/scgi;
    types { text/plain txt; application/octet-stream bin; application/pkix-crl crl; }
    root $site;
    keepalive_requests 1000;
    sendfile on;
CONF
    for s in good expired notyet wronghost unknownca selfsigned wrongusage revoked crlgood; do tls_server "$s" "$s"; done
    tls_server tls12 good TLSv1.2
    tls_server tls13 good TLSv1.3
    tls_server clientcert good "" "ssl_verify_client on; ssl_client_certificate $certs/ca.pem; ssl_verify_depth 2;"
    echo "    server { listen 127.0.0.1:${port[crl]}; }"
    echo "}"
} >"$server/nginx.conf"

# ---- the prefix, the wineserver, the trust; all undone on exit ----

trusted=0
cleanup() {
    if [ $trusted = 1 ]; then
        "$top/tools/winerun" --mode wine "$trust_exe" remove "Z:$certs/ca.der" >"$work/untrust.log" 2>&1 ||
            echo "FAIL cleanup: the test CA could not be taken out of $WINEPREFIX: $(tail -2 "$work/untrust.log")"
    fi
    "$WINESERVER" -k 2>/dev/null
    if [ -f "$server/nginx.pid" ]; then
        local pid; pid=$(cat "$server/nginx.pid")
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$server/nginx.pid"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

: >"$access_log"
nginx -c "$server/nginx.conf" -p "$server" -e "$server/error.log" 2>"$work/nginx-start.log" ||
    setup_fail "nginx did not start: $(tail -3 "$work/nginx-start.log" | tr '\n' '|')"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/${port[crl]}") 2>/dev/null && break; sleep 0.1; done

# the prefix is made by winerun on first use; then one wineserver for the whole run
"$top/tools/winerun" --mode wine "$trust_exe" list root >"$work/prefix.log" 2>&1 ||
    setup_fail "the prefix $WINEPREFIX could not be made or used: $(tail -3 "$work/prefix.log" | tr '\n' '|')"
"$WINESERVER" -p
trusted=1
"$top/tools/winerun" --mode wine "$trust_exe" add "Z:$certs/ca.der" >"$work/trust.log" 2>&1 ||
    setup_fail "trustca add failed: $(tr -d '\r' <"$work/trust.log" | tail -3 | tr '\n' '|')"
"$top/tools/winerun" --mode wine "$trust_exe" import-pfx "Z:$certs/client.pfx" winhttp >>"$work/trust.log" 2>&1 ||
    setup_fail "trustca import-pfx failed: $(tr -d '\r' <"$work/trust.log" | tail -3 | tr '\n' '|')"

# What the platform's Schannel can do, asked without WinHTTP (tlsclient --schannel-probe).
probe() {  # probe PORT MASK -> the probe's line
    "$top/tools/winerun" --mode wine "$client_exe" --schannel-probe "$1" "$2" >"$work/probe.out" 2>&1
    tr -d '\r' <"$work/probe.out" | grep '^schannel_probe' | head -1
}
probe_tls13=$(probe "${port[tls13]}" 0x2000)          # SP_PROT_TLS1_3_CLIENT
probe_certreq=$(probe "${port[clientcert]}" 0x800)    # SP_PROT_TLS1_2_CLIENT
schannel_tls13=no schannel_certreq=no
[[ $probe_tls13 == *"status=0x00000000 protocol=0x00002000"* ]] && schannel_tls13=yes
[[ $probe_certreq == *"incomplete_credentials=yes"* ]] && schannel_certreq=yes

# ---- helpers ----

why="" note=""
bad() { why="$why${why:+; }$*"; }
oneline() { tr '\n' '|' | sed 's/|$//'; }

# run NAME SERVER PATH [ARGS...]: tlsclient on https://localhost:PORT/PATH in the mode's
# folder, tagged MODE-NAME; leaves NAME.out (CR removed), sets rc
run() {
    local name=$1 srv=$2 path=$3; shift 3
    run_host "$name" localhost "$srv" "$path" "$@"
}
run_host() {
    local name=$1 host=$2 srv=$3 path=$4; shift 4
    (cd "$dir" && timeout -k 5 "${client_timeout:-60}" "$top/tools/winerun" --mode "$mode" "$dir/tlsclient.exe" \
        "https://$host:${port[$srv]}/$path" --tag "$mode-$name" "$@" >"$dir/$name.raw" 2>&1)
    rc=$?
    tr -d '\r' <"$dir/$name.raw" >"$dir/$name.out"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then bad "timed out after ${client_timeout:-60} s"; fi
    if grep -qE 'Unhandled|^tlsclient: ' "$dir/$name.out"; then
        bad "$(grep -E 'Unhandled|^tlsclient: ' "$dir/$name.out" | head -2 | oneline)"
    fi
    if ! grep -q '^result n=1 ' "$dir/$name.out"; then
        bad "no result line (exit $rc): $(grep -vE '^(done|[0-9a-f]{4}:(fixme|err):)' "$dir/$name.out" | head -3 | oneline)"
    fi
}

# field NAME KEY [N]: the value of KEY in the result line of request N (default 1)
field() {
    grep -E "^result n=${3:-1} " "$dir/$1.out" | head -1 |
        grep -oE " $2=(\"([^\"\\\\]|\\\\.)*\"|[^ ]*)" | head -1 | sed -E "s/^ $2=//"
}
done_field() { grep -E '^done ' "$dir/$1.out" | head -1 | grep -oE " $2=[^ ]*" | sed -E "s/^ $2=//"; }

expect() {  # expect NAME KEY VALUE [N]
    local got; got=$(field "$1" "$2" "${4:-1}")
    [ "$got" = "$3" ] || bad "${4:+request $4: }$2=${got:-(none)}, expected $3"
}
expect_match() {  # expect_match NAME KEY ERE [N] [WHAT]
    local got; got=$(field "$1" "$2" "${4:-1}")
    [[ $got =~ $3 ]] || bad "${4:+request $4: }$2=${got:-(none)}, expected ${5:-to match $3}"
}

# the nginx log lines of this case (its tag), once COUNT of them are there (3 s at
# most; no waiting once the case has failed)
logged() {  # logged NAME [COUNT]
    local i
    for i in $(seq 30); do
        [ -z "$why" ] || break
        [ "$(grep -c "\"$mode-$1\"" "$access_log")" -ge "${2:-1}" ] && break
        sleep 0.1
    done
    grep "\"$mode-$1\"" "$access_log"
}
expect_not_logged() {  # the request never reached the server
    local lines; lines=$(grep "\"$mode-$1\"" "$access_log")
    [ -z "$lines" ] || bad "the server answered the request: $(echo "$lines" | head -2 | oneline)"
}

# expect_ok NAME FILE [N]: N requests (default 1), each 200 with FILE's bytes and hash,
# no SECURE_FAILURE, and N lines 200 in nginx's log
expect_ok() {
    local name=$1 file=$2 n=${3:-1} i size sum lines got
    size=$(stat -c %s "$file")
    if [ "$file" = "$big" ]; then sum=$(cat "$big.sha256"); else sum=$(sha256sum "$file" | cut -d' ' -f1); fi
    for i in $(seq "$n"); do
        # the first step that failed says it all
        for step in options send receive; do
            got=$(field "$name" $step "$i")
            if [ "$got" != 0 ]; then
                bad "request $i: $step=${got:-(none)}, expected 0"
                return
            fi
        done
        expect "$name" status 200 "$i"
        expect "$name" read 0 "$i"
        expect "$name" bytes "$size" "$i"
        expect "$name" sha256 "$sum" "$i"
        expect "$name" secure_failure none "$i"
        [ -z "$why" ] || return
    done
    [ "$rc" -eq 0 ] || bad "exit status $rc"
    lines=$(logged "$name" "$n" | awk '$4 == 200' | wc -l)
    [ "$lines" -eq "$n" ] || bad "nginx logged $lines answers 200, expected $n"
}

# expect_secure_failure NAME FLAGS NAMES: WinHttpSendRequest failed with
# ERROR_WINHTTP_SECURE_FAILURE and the SECURE_FAILURE callback said exactly FLAGS
expect_secure_failure() {
    expect "$1" send "12175:ERROR_WINHTTP_SECURE_FAILURE"
    expect "$1" secure_failure "$2:$3"
    expect_not_logged "$1"
}

# the client's protocol (SECURITY_INFO) and nginx's, which must agree and be WANT
expect_protocol() {  # expect_protocol NAME WANT(TLS1.2|TLS1.3|any)
    local server_proto client_proto
    server_proto=$(logged "$1" | head -1 | awk '{ print $7 }' | sed 's/^TLSv/TLS/')
    client_proto=$(field "$1" protocol | sed 's/^0x[0-9a-f]*://')
    [ "$2" = any ] || [ "$server_proto" = "$2" ] || bad "nginx negotiated ${server_proto:-nothing}, expected $2"
    [ "$client_proto" = "$server_proto" ] ||
        bad "WINHTTP_OPTION_SECURITY_INFO says protocol=$(field "$1" protocol), nginx says ${server_proto:-nothing}"
}

# the certificate options of a successful request on the good certificate
expect_cert_info() {
    local bits
    expect_match "$1" cert_subject '127\.0\.0\.1' "" "the subject of good.pem (CN=127.0.0.1)"
    expect_match "$1" cert_issuer 'winhttp test CA' "" "the test CA as the issuer"
    expect "$1" server_cert '"127.0.0.1"'
    bits=$(field "$1" key_bitness)
    if [[ ! $bits =~ ^[0-9]+$ ]] || [ "$bits" -lt 128 ]; then bad "key_bitness=${bits:-(none)}, expected 128 or more"; fi
}

verdict() {
    if [ -z "$why" ]; then
        echo "ok   $mode $1${note:+ ($note)}"; passed=$((passed + 1))
    else
        echo "FAIL $mode $1: $why"; failed=$((failed + 1)); failures="$failures $mode/$1"
    fi
    why="" note=""
}
skip() {  # skip CASE REASON
    echo "skip $mode $1: $2"; skipped=$((skipped + 1))
    why="" note=""
}
uses_schannel() { [ "$mode" != builtin-elf ]; }   # native, builtin-pe and wine: Wine's Schannel

# ---- the cases ----

case_good() {
    run good good page.bin -o good.body
    expect_ok good "$site/page.bin"
    if [ -z "$why" ]; then
        cmp -s "$dir/good.body" "$site/page.bin" || bad "the body written differs from page.bin"
        expect_cert_info good
        expect_protocol good any
    fi
    verdict good
}

# Windows matches an IP address host against the certificate's IP SANs
case_ip_host() {
    run_host ip-host 127.0.0.1 good small.txt
    expect_ok ip-host "$site/small.txt"
    verdict ip-address-host
}

case_bad() {  # case_bad SERVER FLAGS NAMES
    run "bad-$1" "$1" small.txt
    [ "$rc" -ne 0 ] || bad "exit status 0"
    expect_secure_failure "bad-$1" "$2" "$3"
    verdict "bad-cert-$1"
}

case_ignored() {  # case_ignored SERVER IGNORE-FLAGS
    run "ignore-$1" "$1" small.txt --ignore "$2"
    expect_ok "ignore-$1" "$site/small.txt"
    verdict "ignore-$2-$1"
}

# flags that do not cover the certificate's fault change nothing
case_ignore_other() {
    run ignore-other expired small.txt --ignore unknown-ca+cn-invalid+wrong-usage
    expect_secure_failure ignore-other 0x00000020 CERT_DATE_INVALID
    verdict ignore-other-flags-expired
}

case_protocol() {  # case_protocol SERVER TLS1.x [ARGS]
    local srv=$1 want=$2; shift 2
    run "$srv" "$srv" small.txt "$@"
    expect_ok "$srv" "$site/small.txt"
    [ -n "$why" ] || expect_protocol "$srv" "$want"
    verdict "$srv-negotiated"
}

# a mask without the server's only version: no handshake. Windows reports a failed
# handshake as ERROR_WINHTTP_SECURE_FAILURE (a SECURE_FAILURE callback, if any, saying
# SECURITY_CHANNEL_ERROR) or ERROR_WINHTTP_SECURE_CHANNEL_ERROR; both are accepted
case_mask() {  # case_mask SERVER MASK
    local name="mask-$2-$1" flags
    run "$name" "$1" small.txt --protocols "$2"
    expect_match "$name" send '^(12175|12157):' "" "ERROR_WINHTTP_SECURE_FAILURE or ERROR_WINHTTP_SECURE_CHANNEL_ERROR"
    flags=$(field "$name" secure_failure)
    [ "$flags" = none ] || [ "$flags" = "0x80000000:SECURITY_CHANNEL_ERROR" ] ||
        bad "secure_failure=$flags, expected none or 0x80000000:SECURITY_CHANNEL_ERROR"
    expect_not_logged "$name"
    verdict "$name-refused"
}

case_client_cert() {
    # no certificate set: the request is not sent, the application is told
    run cc-unset clientcert small.txt
    if [ "$(field cc-unset send)" != "12044:ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED" ] &&
       [ "$(field cc-unset receive)" != "12044:ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED" ]; then
        bad "send=$(field cc-unset send) receive=$(field cc-unset receive), expected ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED from either"
    fi
    expect_not_logged cc-unset
    verdict client-cert-required-none-set
}

case_no_client_cert() {
    local line
    run cc-none clientcert small.txt --cert none
    expect cc-none send 0
    expect cc-none status 400
    line=$(logged cc-none)
    [ "$(awk '{ print $4 }' <<<"$line")" = 400 ] || bad "nginx logged '${line:-nothing}', expected its 400 for no certificate"
    verdict client-cert-no-cert-context
}

case_with_client_cert() {
    local line
    run cc-given clientcert small.txt --cert "winhttp test client"
    expect_ok cc-given "$site/small.txt"
    line=$(logged cc-given)
    [ -n "$why" ] || [[ $line == *'"CN=winhttp test client,O=winhttp tests"'* ]] ||
        bad "nginx did not log the client certificate's subject: ${line:-nothing}"
    verdict client-cert-given
}

case_client_cert_on_demand() {
    local line
    run cc-retry clientcert small.txt --cert-on-demand "winhttp test client"
    if [ "$(field cc-retry first_send)" != "12044:ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED" ] &&
       [ "$(field cc-retry first_receive)" != "12044:ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED" ]; then
        bad "the first attempt did not fail with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: $(grep '^result' "$dir/cc-retry.out" | cut -c1-200)"
    fi
    expect_ok cc-retry "$site/small.txt"
    line=$(logged cc-retry)
    [ -n "$why" ] || [[ $line == *'CN=winhttp test client'* ]] ||
        bad "nginx did not log the client certificate's subject: ${line:-nothing}"
    verdict client-cert-retry-after-12044
}

# Wine 8's cryptnet keeps revocation results on disk under a key that does not
# tell certificates apart (one set of certificates, or a previous run's, would
# answer for another): that cache is emptied before each check
clear_revocation_cache() {
    rm -f "$WINEPREFIX"/drive_c/users/*/AppData/LocalLow/Microsoft/CryptnetUrlCache/Content/*
}

case_revocation() {
    # not checked unless asked (WinHTTP's default)
    run revoked-unchecked revoked small.txt
    expect_ok revoked-unchecked "$site/small.txt"
    verdict revoked-not-checked-by-default
    clear_revocation_cache
    run revoked revoked small.txt --revocation
    expect_secure_failure revoked 0x00000004 CERT_REVOKED
    verdict revoked-with-revocation-check
    clear_revocation_cache
    run crlgood crlgood small.txt --revocation
    expect_ok crlgood "$site/small.txt"
    verdict not-revoked-with-revocation-check
}

case_keepalive() {
    local n=5 lines conns serials
    run keepalive good small.txt --count $n
    expect_ok keepalive "$site/small.txt" $n
    [ -z "$why" ] || { verdict keepalive-$n-requests; return; }
    lines=$(logged keepalive $n)
    conns=$(awk '{ print $2 }' <<<"$lines" | sort -u | wc -l)
    serials=$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $3 }' <<<"$lines")
    if [ "$conns" -ne 1 ] || [ "$serials" != "1 2 3 4 5" ]; then
        bad "$n requests came on $conns TLS connection(s) (requests per connection: $serials), expected one"
    fi
    verdict keepalive-$n-requests
}

case_big() {
    local t0 t1 peak base
    t0=$(date +%s.%N)
    client_timeout=600 run big good "$(basename "$big")" --timeout 120000
    t1=$(date +%s.%N)
    expect_ok big "$big"
    [ -z "$why" ] || { verdict "big-$big_mib-MiB"; return; }
    peak=$(done_field big peak_working_set) base=$(done_field good peak_working_set)
    if [[ ! $peak =~ ^[0-9]+$ ]] || [[ ! $base =~ ^[0-9]+$ ]]; then
        bad "no peak_working_set figures (big: ${peak:-none}, good: ${base:-none})"
    elif [ $((peak - base)) -ge $peak_margin ]; then
        bad "peak working set $((peak >> 20)) MiB, $(((peak - base) >> 20)) MiB over the small request's: the body must not be held in memory"
    fi
    note=$(awk -v a="$t0" -v b="$t1" -v m="$big_mib" -v p="${peak:-0}" \
        'BEGIN { printf "%.1f s, %.0f MiB/s, peak working set %.0f MiB", b - a, m / (b - a), p / 1048576 }')
    verdict "big-$big_mib-MiB"
}

case_async_good() {
    local lines conns
    run async-good good page.bin --async --count 2
    expect_ok async-good "$site/page.bin" 2
    [ -z "$why" ] || { verdict async-good; return; }
    expect_match async-good callbacks 'SENDING_REQUEST.*REQUEST_SENT.*SENDREQUEST_COMPLETE.*HEADERS_AVAILABLE.*READ_COMPLETE' \
        "" "SENDREQUEST_COMPLETE, HEADERS_AVAILABLE and READ_COMPLETE in order"
    lines=$(logged async-good 2)
    conns=$(awk '{ print $2 }' <<<"$lines" | sort -u | wc -l)
    [ "$conns" -eq 1 ] || bad "2 requests came on $conns TLS connections, expected one"
    expect_cert_info async-good
    verdict async-good
}

case_async_bad() {
    run async-bad unknownca small.txt --async
    expect async-bad request_error "API_SEND_REQUEST:12175:ERROR_WINHTTP_SECURE_FAILURE"
    expect async-bad secure_failure "0x00000008:INVALID_CA"
    expect_match async-bad callbacks 'SECURE_FAILURE.*REQUEST_ERROR' "" "SECURE_FAILURE, then REQUEST_ERROR"
    [[ $(field async-bad callbacks) != *SENDREQUEST_COMPLETE* ]] || bad "SENDREQUEST_COMPLETE came for a failed send"
    expect_not_logged async-bad
    verdict async-bad-cert-unknown-ca
}

# ---- each mode in turn ----

echo "info servers on 127.0.0.1:$(for s in $servers; do printf ' %s=%s' "$s" "${port[$s]}"; done); prefix $WINEPREFIX"
echo "info Wine's Schannel: TLS 1.3 $schannel_tls13, asks for client certificates $schannel_certreq ($probe_tls13 / $probe_certreq)"
timings=""
for mode in $modes; do
    dir="$build/run/https-$mode"
    mkdir -p "$dir" && cp "$client_exe" "$dir/tlsclient.exe"
    rm -f "$dir"/*.out "$dir"/*.raw "$dir"/*.body
    mode_start=$(date +%s.%N)
    case_good
    case_ip_host
    case_bad expired 0x00000020 CERT_DATE_INVALID
    case_bad notyet 0x00000020 CERT_DATE_INVALID
    case_bad wronghost 0x00000010 CERT_CN_INVALID
    case_bad unknownca 0x00000008 INVALID_CA
    case_bad selfsigned 0x00000008 INVALID_CA
    # winhttp.h's own bit for it, which SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE lets through
    case_bad wrongusage 0x00000040 CERT_WRONG_USAGE
    case_ignored expired date-invalid
    case_ignored notyet date-invalid
    case_ignored wronghost cn-invalid
    case_ignored unknownca unknown-ca
    case_ignored selfsigned unknown-ca
    case_ignored wrongusage wrong-usage
    case_ignore_other
    case_protocol tls12 TLS1.2
    if uses_schannel && [ $schannel_tls13 = no ]; then
        skip tls13-negotiated "Wine's Schannel has no TLS 1.3"
        skip mask-tls1.3-tls12-refused "Wine's Schannel has no TLS 1.3"
    else
        case_protocol tls13 TLS1.3 --protocols tls1.2+tls1.3
        case_mask tls12 tls1.3
    fi
    case_mask tls13 tls1.2
    if uses_schannel && [ $schannel_certreq = no ]; then
        skip client-cert-required-none-set "Wine's Schannel does not say when the server asks for a client certificate"
    else
        case_client_cert
    fi
    case_no_client_cert
    case_with_client_cert
    if uses_schannel && [ $schannel_certreq = no ]; then
        skip client-cert-retry-after-12044 "Wine's Schannel does not say when the server asks for a client certificate"
    else
        case_client_cert_on_demand
    fi
    case_revocation
    case_keepalive
    case_big
    case_async_good
    case_async_bad
    timings="$timings${timings:+, }$mode $(awk -v a="$mode_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f s", b - a }')"
done

total=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
crl_fetches=$(grep -c " /$crl_name " "$access_log")
echo "info times: $timings; the CRL was fetched $crl_fetches time(s); logs in $build/run/https-MODE/, nginx's in $server/"
if [ $failed -eq 0 ]; then
    summary "PASS: $passed cases ($skipped skipped) in $(wc -w <<<"$modes") modes against nginx $(nginx -v 2>&1 | sed 's/.*\///') (${total} s)"
else
    summary "FAIL: $failed of $((passed + failed)) cases failed ($skipped skipped):$failures (${total} s)"
fi
[ $failed -eq 0 ]
