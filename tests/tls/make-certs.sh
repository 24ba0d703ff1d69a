#!/bin/bash
# Makes the certificates of the HTTPS tests with openssl, at test time, into DIR:
# a local test CA and, signed by it unless said otherwise, one server certificate
# per case. Nothing is trusted anywhere by this script (tests/tls/trustca.exe does
# that, in the test's own Wine prefix).
#
# Usage: tests/tls/make-certs.sh DIR [CRL_URL]
#   CRL_URL   the CRL distribution point written into revoked.pem and crlgood.pem,
#             where the caller serves DIR/ca.crl (default http://127.0.0.1:1/ca.crl,
#             where nothing listens: their revocation cannot be checked). Windows and
#             Wine cache a CRL by its URL: give each set of certificates its own.
#
# In DIR (each X.pem has X.der beside it; server keys are server.key):
#   ca.pem ca.key ca.der      the test CA ("winhttp test CA"), valid from 3 years ago for 10 years
#   good.pem          127.0.0.1 and localhost (SAN IP + DNS), serverAuth
#   expired.pem       as good, valid from 2 years ago to 1 year ago
#   notyet.pem        as good, valid from 1 year on to 2 years on
#   wronghost.pem     only "wrong.example" (CN and SAN)
#   unknownca.pem     as good, signed by another CA (otherca.pem) that nobody trusts
#   selfsigned.pem    as good, signed by its own key (not a CA)
#   wrongusage.pem    as good, but extendedKeyUsage clientAuth only
#   revoked.pem       as good, with the CRL distribution point, revoked in ca.crl
#   crlgood.pem       as good, with the CRL distribution point, not revoked
#   ca.crl            the CA's CRL (DER), next update in 30 days
#   client.pem client.key client.pfx   "winhttp test client", clientAuth; the
#                     PKCS#12 file's password is "winhttp"
#   fingerprints.txt  "NAME SHA1" of every certificate
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

set -euo pipefail
export LC_ALL=C
[ $# -ge 1 ] || { sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 2; }
command -v openssl >/dev/null || { echo "make-certs: no openssl (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
crl_url=${2:-http://127.0.0.1:1/ca.crl}
[[ $crl_url =~ ^http://[^[:space:],]+$ ]] || { echo "make-certs: CRL_URL must be an http:// URL" >&2; exit 2; }
pfx_password=winhttp

rm -rf "$dir/db" && mkdir -p "$dir/db"
cd "$dir"

# UTCTime (YYMMDDHHMMSSZ) relative to now; every date used here is before 2050
when() { date -u -d "$1" +%y%m%d%H%M%SZ; }

# The extensions of each kind of certificate, one section each.
cat >db/ext.cnf <<CNF
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wronghost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wrongusage ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ revocable ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$crl_url

[ selfsigned ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash

[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# One "openssl ca" database per signing CA (dates need "openssl ca": x509 -req cannot set a start).
ca_config() {  # ca_config NAME
    mkdir -p "db/$1/new"
    : >"db/$1/index.txt"
    echo 1000 >"db/$1/serial"
    echo 1000 >"db/$1/crlnumber"
    cat >"db/$1/ca.cnf" <<CNF
[ ca ]
default_ca = this_ca
[ this_ca ]
database = $dir/db/$1/index.txt
new_certs_dir = $dir/db/$1/new
serial = $dir/db/$1/serial
crlnumber = $dir/db/$1/crlnumber
certificate = $dir/$1.pem
private_key = $dir/$1.key
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
default_crl_days = 30
crl_extensions = crl_ext
[ any_name ]
organizationName = optional
commonName = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid
CNF
}

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# sign CA NAME KEY SUBJECT EXTENSIONS START END: NAME.pem from a request for KEY
sign() {
    local ca=$1 name=$2 keyfile=$3 subject=$4 ext=$5 start=$6 end=$7
    openssl req -new -key "$keyfile" -subj "$subject" -out "db/$name.csr"
    openssl ca -batch -notext -config "db/$ca/ca.cnf" -in "db/$name.csr" -out "$name.pem" \
        -startdate "$start" -enddate "$end" -extfile db/ext.cnf -extensions "$ext" 2>"db/$name.log" ||
        { cat "db/$name.log" >&2; exit 1; }
}

# a CA: its own request signed with its own key
make_ca() {  # make_ca NAME SUBJECT
    key "$1.key"
    ca_config "$1"
    openssl req -new -key "$1.key" -subj "$2" -out "db/$1.csr"
    openssl ca -batch -notext -selfsign -config "db/$1/ca.cnf" -keyfile "$1.key" -in "db/$1.csr" -out "$1.pem" \
        -startdate "$(when '-3 years')" -enddate "$(when '+10 years')" -extfile db/ext.cnf -extensions ca \
        2>"db/$1.log" || { cat "db/$1.log" >&2; exit 1; }
}

make_ca ca "/O=winhttp tests/CN=winhttp test CA"
make_ca otherca "/O=winhttp tests/CN=winhttp unknown CA"
key server.key
key client.key

now=$(when '-1 day') later=$(when '+2 years')
sign ca good server.key "/O=winhttp tests/CN=127.0.0.1" server "$now" "$later"
sign ca expired server.key "/O=winhttp tests/CN=127.0.0.1" server "$(when '-2 years')" "$(when '-1 year')"
sign ca notyet server.key "/O=winhttp tests/CN=127.0.0.1" server "$(when '+1 year')" "$(when '+2 years')"
sign ca wronghost server.key "/O=winhttp tests/CN=wrong.example" wronghost "$now" "$later"
sign otherca unknownca server.key "/O=winhttp tests/CN=127.0.0.1" server "$now" "$later"
sign ca wrongusage server.key "/O=winhttp tests/CN=127.0.0.1" wrongusage "$now" "$later"
sign ca revoked server.key "/O=winhttp tests/CN=127.0.0.1" revocable "$now" "$later"
sign ca crlgood server.key "/O=winhttp tests/CN=127.0.0.1" revocable "$now" "$later"
sign ca client client.key "/O=winhttp tests/CN=winhttp test client" client "$now" "$later"
openssl req -new -x509 -key server.key -subj "/O=winhttp tests/CN=127.0.0.1 self-signed" -days 730 \
    -config db/ext.cnf -extensions selfsigned -out selfsigned.pem

# the CRL: revoked.pem revoked, the list signed by the CA, served as DER
openssl ca -config db/ca/ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>db/revoke.log ||
    { cat db/revoke.log >&2; exit 1; }
openssl ca -config db/ca/ca.cnf -gencrl -crldays 30 -out db/ca.crl.pem 2>db/crl.log ||
    { cat db/crl.log >&2; exit 1; }
openssl crl -in db/ca.crl.pem -outform DER -out ca.crl

# the client certificate and its key for Windows' certificate stores
openssl pkcs12 -export -in client.pem -inkey client.key -name "winhttp test client" \
    -passout "pass:$pfx_password" -out client.pfx

: >fingerprints.txt
for pem in ca otherca good expired notyet wronghost unknownca selfsigned wrongusage revoked crlgood client; do
    openssl x509 -in "$pem.pem" -outform DER -out "$pem.der"
    echo "$pem $(openssl x509 -in "$pem.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')" >>fingerprints.txt
done
echo "make-certs: certificates in $dir (CRL at $crl_url)"
