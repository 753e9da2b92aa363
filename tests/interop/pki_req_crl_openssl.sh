#!/usr/bin/env bash
# PKCS#10 requests and CRLs made by libwax (through wax-mkcert: --out-req,
# --from-req, --out-crl) checked by OpenSSL, and wax's own path layer
# (`wax cert verify --crl`) reading wax's CRLs:
#   - `openssl req -verify` accepts wax's requests (RSA, P-256, Ed25519)
#     and shows the requested extensions;
#   - certificates wax issues from openssl-made and wax-made requests pass
#     `openssl verify -purpose smimesign`; a request for a dNSName or with
#     an RSA-1024 key is refused;
#   - `openssl crl` parses and verifies wax's CRL; `openssl verify
#     -crl_check` reports the revoked certificate as revoked and the other
#     one as OK; `wax cert verify` says WAX_ERR_PATH_REVOKED / VALID.
# Without openssl the OpenSSL checks are one visible SKIP.
. "$(dirname "$0")/../lib.sh"
MKCERT=$(dirname "$WAX")/wax-mkcert
if [ ! -x "$MKCERT" ]; then
    fail wax-mkcert "no $MKCERT (make builds it)"
    exit 1
fi

# mk NAME ARGS...: run wax-mkcert, one result line.
mk() {
    local name=$1; shift
    if "$MKCERT" "$@" 2>"$T/mk.err"; then pass "make-$name"; else
        fail "make-$name" "$(head -c 300 "$T/mk.err" | tr '\n' ' ')"; return 1; fi
}
ca() { echo --issuer "$T/ca.crt" --issuer-key "$T/ca.key"; }

mk ca --subject "CN=Wax Req CA,O=Wax Test,C=DE" --ca --key p256 --days 30 \
    --out-cert "$T/ca.crt" --out-key "$T/ca.key" || exit 1
mk req-rsa --subject "CN=Alice,O=Wax Test,C=DE" --email alice@example.org \
    --usage sign --key rsa2048 --out-req "$T/alice.req" --out-key "$T/alice.key"
mk req-p256 --subject "CN=Bob,O=Wax Test,C=DE" --email bob@example.org \
    --usage both --key p256 --out-req "$T/bob.req" --out-key "$T/bob.key"
mk req-ed25519 --subject "CN=Dave,O=Wax Test,C=DE" --email dave@example.org \
    --usage sign --key ed25519 --out-req "$T/dave.req" --out-key "$T/dave.key"
for who in alice bob dave; do
    mk "issue-$who" --from-req "$T/$who.req" --profile sign $(ca) --days 30 \
        --crl-url http://crl.example.org/ca.crl --out-cert "$T/$who.crt"
done

# the request's key stays out of the certificate maker's hands: a request
# for an Ed25519 key cannot get an encryption profile
if "$MKCERT" --from-req "$T/dave.req" --profile encrypt $(ca) \
    --out-cert "$T/dave-enc.crt" 2>"$T/err" ||
    ! grep -q WAX_ERR_PKI_KEY_USAGE_MISMATCH "$T/err"; then
    fail refuse-ed25519-encrypt "$(head -c 200 "$T/err")"
else
    pass refuse-ed25519-encrypt
fi

# wax's own path layer on wax's CRL
mk crl --out-crl "$T/ca.crl" $(ca) --revoke "$T/alice.crt" \
    --reason keyCompromise --crl-number 7 --days 7 || exit 1
# wax_verify NAME LEAF WANT-PATTERN
wax_verify() {
    local out
    out=$("$WAX" cert verify --purpose smime-sign --trust "$T/ca.crt" \
        --crl "$T/ca.crl" --revocation require "$T/$2.crt" 2>&1)
    if echo "$out" | grep -q -- "$3"; then pass "wax-verify-$1"; else
        fail "wax-verify-$1" "$(echo "$out" | tr '\n' ' ' | head -c 300)"; fi
}
wax_verify revoked alice 'INVALID: certificate revoked (WAX_ERR_PATH_REVOKED)'
wax_verify not-revoked bob '^VALID'
wax_verify not-revoked-ed25519 dave '^VALID'

if ! command -v openssl >/dev/null; then
    skip openssl "the openssl command is not installed"
    exit $tests_failed
fi

# ---- requests
for who in alice bob dave; do
    if openssl req -verify -noout -in "$T/$who.req" >"$T/out" 2>&1 &&
        grep -q 'verify OK' "$T/out"; then
        pass "openssl-req-verify-$who"
    else
        fail "openssl-req-verify-$who" "$(tr '\n' ' ' <"$T/out" | head -c 300)"
    fi
done
# reqtext NAME REQ PATTERN...: every fixed-string pattern is in -text
reqtext() {
    local name=$1 req=$2; shift 2
    openssl req -in "$T/$req.req" -noout -text >"$T/$req.txt" 2>&1
    local missing=""
    for p in "$@"; do grep -qF -- "$p" "$T/$req.txt" || missing="$missing [$p]"; done
    if [ -z "$missing" ]; then pass "openssl-req-text-$name"; else
        fail "openssl-req-text-$name" "missing:$missing"; fi
}
reqtext alice alice "Subject: C = DE, O = Wax Test, CN = Alice" \
    "Requested Extensions:" "X509v3 Key Usage: critical" \
    "Digital Signature, Non Repudiation" "E-mail Protection" \
    "email:alice@example.org" "Signature Algorithm: sha256WithRSAEncryption"
reqtext bob bob "Digital Signature, Non Repudiation, Key Agreement" \
    "email:bob@example.org" "Signature Algorithm: ecdsa-with-SHA256"
reqtext dave dave "Public Key Algorithm: ED25519" "Signature Algorithm: ED25519"
# a flipped byte in the signed part: openssl refuses it too (control)
python3 - "$T/alice.req" "$T/bad.req" <<'PY' 2>/dev/null
import sys, base64
t = open(sys.argv[1]).read().split('\n')
der = bytearray(base64.b64decode(''.join(l for l in t if l and not l.startswith('-'))))
i = der.find(b'Alice'); der[i] ^= 1
b = base64.b64encode(bytes(der)).decode()
open(sys.argv[2], 'w').write('-----BEGIN CERTIFICATE REQUEST-----\n' +
    '\n'.join(b[j:j+64] for j in range(0, len(b), 64)) +
    '\n-----END CERTIFICATE REQUEST-----\n')
PY
if [ -s "$T/bad.req" ]; then
    # (OpenSSL 3.0 exits 0 either way: the message tells)
    if openssl req -verify -noout -in "$T/bad.req" 2>&1 | grep -q 'verify OK'; then
        fail openssl-req-verify-tampered "openssl accepted a tampered request"
    else
        pass openssl-req-verify-tampered
    fi
    if "$MKCERT" --from-req "$T/bad.req" $(ca) --out-cert "$T/bad.crt" 2>"$T/err" ||
        ! grep -q WAX_ERR_PKI_REQ_SIGNATURE_INVALID "$T/err"; then
        fail refuse-tampered "$(head -c 200 "$T/err")"
    else
        pass refuse-tampered
    fi
else
    skip tampered-request "python3 is not installed"
fi

# ---- openssl-made requests issued by wax
if openssl req -new -newkey rsa:2048 -nodes -keyout "$T/olga.key" \
    -subj "/C=DE/O=Wax Test/CN=Olga" -addext "subjectAltName=email:olga@example.org" \
    -out "$T/olga.req" >/dev/null 2>&1 &&
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/pia.key" -subj "/CN=Pia" \
    -addext "subjectAltName=email:pia@example.org,email:pia2@example.org" \
    -out "$T/pia.req" >/dev/null 2>&1 &&
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/web.key" -subj "/CN=web" -addext "subjectAltName=DNS:example.org" \
    -out "$T/web.req" >/dev/null 2>&1; then
    pass openssl-make-requests
else
    fail openssl-make-requests "openssl req -new failed"
fi
mk issue-openssl-rsa --from-req "$T/olga.req" --profile sign $(ca) --out-cert "$T/olga.crt"
mk issue-openssl-p256 --from-req "$T/pia.req" --profile dual $(ca) --out-cert "$T/pia.crt"
if "$MKCERT" --from-req "$T/web.req" $(ca) --out-cert "$T/web.crt" 2>"$T/err" ||
    ! grep -q WAX_ERR_PKI_REQ_UNSUPPORTED_NAME "$T/err"; then
    fail refuse-dnsname "$(head -c 200 "$T/err")"
else
    pass refuse-dnsname
fi
if openssl req -new -newkey rsa:1024 -nodes -keyout "$T/weak.key" -subj "/CN=weak" \
    -addext "subjectAltName=email:weak@example.org" -out "$T/weak.req" >/dev/null 2>&1; then
    if "$MKCERT" --from-req "$T/weak.req" $(ca) --out-cert "$T/weak.crt" 2>"$T/err" ||
        ! grep -q WAX_ERR_PKI_REQ_WEAK_KEY "$T/err"; then
        fail refuse-rsa1024 "$(head -c 200 "$T/err")"
    else
        pass refuse-rsa1024
    fi
else
    skip refuse-rsa1024 "this openssl does not make RSA-1024 requests"
fi

# verify NAME PURPOSE LEAF WANT(0 ok / 1 refused)
verify() {
    local out
    out=$(openssl verify -CAfile "$T/ca.crt" -purpose "$2" "$T/$3.crt" 2>&1)
    local rc=$?
    if { [ "$4" = 0 ] && [ $rc -eq 0 ] && echo "$out" | grep -q ': OK$'; } ||
       { [ "$4" = 1 ] && [ $rc -ne 0 ]; }; then
        pass "openssl-verify-$1"
    else
        fail "openssl-verify-$1" "exit $rc: $(echo "$out" | tr '\n' ' ' | head -c 300)"
    fi
}
verify olga-from-openssl-req smimesign olga 0
verify pia-from-openssl-req smimesign pia 0
verify alice-from-wax-req smimesign alice 0
verify bob-from-wax-req smimesign bob 0
verify dave-from-wax-req smimesign dave 0
# control: a signing profile is not an encryption certificate
verify olga-not-smimeencrypt smimeencrypt olga 1
# the issued certificate carries the request's subject, key and emails
s1=$(openssl x509 -in "$T/pia.crt" -noout -subject -ext subjectAltName 2>&1 | tr '\n' ' ')
k1=$(openssl x509 -in "$T/olga.crt" -noout -pubkey | openssl sha256)
k2=$(openssl req -in "$T/olga.req" -noout -pubkey | openssl sha256)
if echo "$s1" | grep -q 'subject=CN = Pia' && echo "$s1" | grep -q 'email:pia@example.org, email:pia2@example.org' &&
    [ "$k1" = "$k2" ]; then
    pass openssl-issued-fields
else
    fail openssl-issued-fields "$s1"
fi

# ---- CRL
if openssl crl -in "$T/ca.crl" -noout -text >"$T/crl.txt" 2>&1; then
    missing=""
    serial=$(openssl x509 -in "$T/alice.crt" -noout -serial | cut -d= -f2)
    for p in "Version 2 (0x1)" "Issuer: C = DE, O = Wax Test, CN = Wax Req CA" \
        "X509v3 CRL Number:" "X509v3 Authority Key Identifier:" \
        "Serial Number: $serial" "Key Compromise" "Next Update:" \
        "Signature Algorithm: ecdsa-with-SHA256"; do
        grep -qF -- "$p" "$T/crl.txt" || missing="$missing [$p]"
    done
    if [ -z "$missing" ] && awk '/CRL Number/ {getline; print}' "$T/crl.txt" | grep -q '^ *7$'
    then pass openssl-crl-text; else fail openssl-crl-text "missing:$missing"; fi
else
    fail openssl-crl-text "$(head -c 300 "$T/crl.txt")"
fi
if openssl crl -in "$T/ca.crl" -CAfile "$T/ca.crt" -noout 2>&1 | grep -q 'verify OK'; then
    pass openssl-crl-verify
else
    fail openssl-crl-verify "the CRL signature did not verify"
fi
# crl_check NAME LEAF WANT(ok|revoked)
crl_check() {
    local out
    out=$(openssl verify -crl_check -CRLfile "$T/ca.crl" -CAfile "$T/ca.crt" "$T/$2.crt" 2>&1)
    local rc=$?
    if { [ "$3" = ok ] && [ $rc -eq 0 ] && echo "$out" | grep -q ': OK$'; } ||
       { [ "$3" = revoked ] && [ $rc -ne 0 ] && echo "$out" | grep -q 'certificate revoked'; }; then
        pass "openssl-crl-check-$1"
    else
        fail "openssl-crl-check-$1" "exit $rc: $(echo "$out" | tr '\n' ' ' | head -c 300)"
    fi
}
crl_check alice-revoked alice revoked
crl_check bob-ok bob ok
crl_check olga-ok olga ok
exit $tests_failed
