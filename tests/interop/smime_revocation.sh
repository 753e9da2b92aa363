#!/usr/bin/env bash
# Revocation in `wax verify` with CRLs made by `openssl ca -gencrl` over a
# PKI made by wax-mkcert (the CA key signs the CRLs):
#  - --crl with a CRL listing the signer (PEM and DER): exit 1, UNTRUSTED,
#    the signer's error WAX_ERR_PATH_REVOKED, nothing written to -o;
#  - --crl with a CRL that does not list it: VALID, no revocation warning;
#    --revocation require with it: VALID;
#  - no --crl (prefer): VALID with the warning "revocation not checked: no
#    CRL for <subject>"; --revocation require: exit 1, UNTRUSTED,
#    WAX_ERR_PATH_REVOCATION_UNKNOWN; --revocation off with the revoking
#    CRL: VALID, no warning;
#  - a truncated CRL file: exit 2, WAX_ERR_X509_CRL_MALFORMED.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"
if ! command -v openssl >/dev/null 2>&1; then
    skip openssl "the openssl command is not installed (it makes the CRLs)"
    exit 0
fi
if ! setup_pki; then
    fail setup "wax-mkcert could not make the test PKI: $(head -c 300 "$T/mk.err")"
    exit 1
fi
msg "$T/m.eml" alice@example.org

# a minimal openssl ca configuration over the wax-mkcert CA
mkdir "$T/ca"
: >"$T/ca/index.txt"
echo 01 >"$T/ca/crlnumber"
cat >"$T/ca/ca.cnf" <<EOF
[ca]
default_ca = wax
[wax]
database = $T/ca/index.txt
crlnumber = $T/ca/crlnumber
certificate = $T/ca.crt
private_key = $T/ca.key
default_md = sha256
default_crl_days = 30
EOF
ossl_ca() { openssl ca -config "$T/ca/ca.cnf" "$@" >"$T/ossl.out" 2>&1; }
if ossl_ca -gencrl -out "$T/empty.crl" && ossl_ca -revoke "$T/alice.crt" &&
    ossl_ca -gencrl -out "$T/ca.crl" &&
    openssl crl -in "$T/ca.crl" -outform DER -out "$T/ca.crl.der" 2>>"$T/ossl.out"; then
    pass openssl-ca-gencrl
else
    fail openssl-ca-gencrl "$(head -c 300 "$T/ossl.out")"
    exit 1
fi
if openssl crl -in "$T/ca.crl" -noout -text | grep -qi "$(openssl x509 -in "$T/alice.crt" -noout -serial | cut -d= -f2)"
then pass crl-lists-alice; else fail crl-lists-alice "alice's serial not in the CRL"; fi

if "$WAX" sign -i "$T/alice.pem" -o "$T/s.eml" "$T/m.eml" 2>"$T/err"; then pass sign
else fail sign "$(head -c 300 "$T/err")"; exit 1; fi

# json_field NAME FILE EXPR WANT : python expression over the JSON object
json_field() {
    local name=$1 file=$2 expr=$3 want=$4 got
    if ! $have_python; then skip "$name" "python3 is not installed"; return; fi
    got=$(python3 -c '
import json, sys
o = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2]))
' "$file" "$expr" 2>&1)
    if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "got '$got', want '$want'"; fi
}

# case NAME EXIT VERDICT ERROR WARNED ARGS... : verify with --json; the
# exit status, verdict, signer error ("-": none), whether the revocation
# warning is there (yes/no), and -o written only for exit 0
vcase() {
    local name=$1 want=$2 verdict=$3 error=$4 warned=$5; shift 5
    rm -f "$T/v.out"
    expect_exit "$name" "$want" "$WAX" verify --json --trust "$T/ca.crt" -o "$T/v.out" "$@" "$T/s.eml"
    json_check "$name-verdict" "$T/err" "$verdict"
    json_field "$name-signer-error" "$T/err" 'o["signers"][0].get("error", "-")' "$error"
    json_field "$name-warning" "$T/err" \
        '"yes" if "revocation not checked: no CRL for CN=Alice,O=wax tests" in o.get("warnings", []) else "no"' \
        "$warned"
    if [ "$want" -eq 0 ]; then
        if grep -q xylophone "$T/v.out" 2>/dev/null; then pass "$name-content"
        else fail "$name-content" "no content written"; fi
    else
        no_output "$name-no-output" "$T/v.out"
    fi
}

vcase revoked-pem 1 UNTRUSTED WAX_ERR_PATH_REVOKED no --crl "$T/ca.crl"
json_field revoked-pem-top-error "$T/err" 'o.get("error")' WAX_ERR_PATH_REVOKED
vcase revoked-der 1 UNTRUSTED WAX_ERR_PATH_REVOKED no --crl "$T/ca.crl.der"
vcase revoked-bundle 1 UNTRUSTED WAX_ERR_PATH_REVOKED no --crl "$T/empty.crl" --crl "$T/ca.crl"
vcase revoked-require 1 UNTRUSTED WAX_ERR_PATH_REVOKED no --revocation require --crl "$T/ca.crl"
vcase not-listed 0 VALID - no --crl "$T/empty.crl"
vcase not-listed-require 0 VALID - no --revocation require --crl "$T/empty.crl"
vcase no-crl-prefer 0 VALID - yes
vcase no-crl-require 1 UNTRUSTED WAX_ERR_PATH_REVOCATION_UNKNOWN no --revocation require
vcase off 0 VALID - no --revocation off --crl "$T/ca.crl"

# the text report names the reason and the warning
rm -f "$T/v.out"
expect_exit revoked-text 1 "$WAX" verify --trust "$T/ca.crt" --crl "$T/ca.crl" -o "$T/v.out" "$T/s.eml"
if grep -q '^wax: verify: UNTRUSTED$' "$T/err" && grep -q 'signer 1: UNTRUSTED (WAX_ERR_PATH_REVOKED)' "$T/err"
then pass revoked-text-report; else fail revoked-text-report "$(head -c 400 "$T/err")"; fi
no_output revoked-text-no-output "$T/v.out"
expect_exit no-crl-text 0 "$WAX" verify --trust "$T/ca.crt" -o "$T/v.out" "$T/s.eml"
if grep -q '^wax: warning: revocation not checked: no CRL for CN=Alice,O=wax tests$' "$T/err"
then pass no-crl-text-warning; else fail no-crl-text-warning "$(head -c 400 "$T/err")"; fi

# a truncated DER CRL is malformed: exit 2 with its code
head -c 100 "$T/ca.crl.der" >"$T/cut.crl"
rm -f "$T/v.out"
expect_exit truncated-crl 2 "$WAX" verify --trust "$T/ca.crt" --crl "$T/cut.crl" -o "$T/v.out" "$T/s.eml"
if grep -q "^wax: error: CRL file .*WAX_ERR_X509_CRL_MALFORMED" "$T/err"; then pass truncated-crl-code
else fail truncated-crl-code "$(head -c 300 "$T/err")"; fi
no_output truncated-crl-no-output "$T/v.out"
exit $tests_failed
