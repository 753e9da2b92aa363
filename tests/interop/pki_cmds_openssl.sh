#!/usr/bin/env bash
# The CLI's PKI commands checked by OpenSSL:
#   - `openssl req -verify` accepts `wax req` output (the "verify OK" text:
#     openssl 3.0 exits 0 even when the check fails), RSA, P-256, Ed25519;
#   - `openssl verify -CAfile root -untrusted intermediate` accepts a chain
#     made by `wax ca init` and `wax ca issue`;
#   - `openssl crl` parses and verifies `wax ca crl` output, and
#     `openssl verify -crl_check` reports the revoked certificate.
# Without openssl: one visible SKIP.
. "$(dirname "$0")/../lib.sh"
if ! command -v openssl >/dev/null 2>&1; then
    skip openssl "no openssl command"
    exit 0
fi
export WAX_STORE="$T/store.db"

run() {
    local name=$1; shift
    if "$@" >"$T/out" 2>"$T/err"; then pass "$name"; else
        fail "$name" "$(head -c 300 "$T/err" | tr '\n' ' ')"; return 1; fi
}

for k in rsa2048 p256 ed25519; do
    run "req-$k" "$WAX" req --subject "CN=Req $k,O=Wax" --email "$k@example.org" \
        --key "$k" --no-passphrase -o "$T/$k.req"
    openssl req -verify -noout -in "$T/$k.req" >"$T/o" 2>&1
    if grep -q 'verify OK' "$T/o" && ! grep -qi 'fail' "$T/o"; then pass "openssl-req-verify-$k"
    else fail "openssl-req-verify-$k" "$(head -c 300 "$T/o" | tr '\n' ' ')"; fi
done
openssl req -noout -text -in "$T/p256.req" >"$T/o" 2>&1
if grep -q 'email:p256@example.org' "$T/o"; then pass openssl-req-san
else fail openssl-req-san "$(grep -A2 'Alternative' "$T/o" | tr '\n' ' ')"; fi

run ca-root "$WAX" ca init --name root --subject "CN=Interop Root,O=Wax" --no-passphrase
run ca-inter "$WAX" ca init --name inter --issuer root --key p256 \
    --subject "CN=Interop Inter,O=Wax" --no-passphrase
run export-root "$WAX" ca export root -o "$T/root.crt"
run export-inter "$WAX" ca export inter -o "$T/inter.crt"
for k in rsa2048 p256 ed25519; do
    prof=smime-dual; [ "$k" = ed25519 ] && prof=smime-sign
    run "issue-$k" "$WAX" ca issue --ca inter --profile "$prof" --days 30 \
        "$T/$k.req" -o "$T/$k.crt"
    openssl verify -CAfile "$T/root.crt" -untrusted "$T/inter.crt" -purpose smimesign \
        "$T/$k.crt" >"$T/o" 2>&1
    if grep -qx "$T/$k.crt: OK" "$T/o"; then pass "openssl-verify-chain-$k"
    else fail "openssl-verify-chain-$k" "$(head -c 300 "$T/o" | tr '\n' ' ')"; fi
done

# --crl-url puts a CRL distribution point into the issued certificate.
run issue-crl-url "$WAX" ca issue --ca inter --profile smime-dual --days 30 \
    --crl-url http://crl.example.org/inter.crl "$T/rsa2048.req" -o "$T/dp.crt"
openssl x509 -in "$T/dp.crt" -noout -text >"$T/o" 2>&1
if grep -A3 'CRL Distribution Points' "$T/o" | grep -q 'URI:http://crl.example.org/inter.crl'
then pass openssl-crl-distribution-point
else fail openssl-crl-distribution-point "$(grep -A3 'CRL Dist' "$T/o" | tr '\n' ' ')"; fi

run revoke "$WAX" ca revoke --ca inter --reason keyCompromise "$T/p256.crt"
run crl "$WAX" ca crl --ca inter --days 7 -o "$T/inter.crl"
openssl crl -in "$T/inter.crl" -noout -text -CAfile "$T/inter.crt" >"$T/o" 2>&1
if grep -q 'verify OK' "$T/o" && grep -q 'Key Compromise' "$T/o" &&
    grep -A1 'X509v3 CRL Number' "$T/o" | grep -qx ' *2'; then pass openssl-crl-parse
else fail openssl-crl-parse "$(head -c 400 "$T/o" | tr '\n' ' ')"; fi
cat "$T/root.crt" "$T/inter.crt" >"$T/chain.pem"
openssl verify -crl_check -CAfile "$T/chain.pem" -CRLfile "$T/inter.crl" "$T/p256.crt" \
    >"$T/o" 2>&1
if grep -q 'certificate revoked' "$T/o"; then pass openssl-crl-check-revoked
else fail openssl-crl-check-revoked "$(head -c 300 "$T/o" | tr '\n' ' ')"; fi
openssl verify -crl_check -CAfile "$T/chain.pem" -CRLfile "$T/inter.crl" "$T/rsa2048.crt" \
    >"$T/o" 2>&1
if grep -qx "$T/rsa2048.crt: OK" "$T/o"; then pass openssl-crl-check-good
else fail openssl-crl-check-good "$(head -c 300 "$T/o" | tr '\n' ' ')"; fi

# revoking the same certificate again and another one: two entries, cRLNumber 5
run revoke-again "$WAX" ca revoke --ca inter "$T/p256.crt"
run revoke-rsa "$WAX" ca revoke --ca inter --reason superseded "$T/rsa2048.crt"
run crl-2 "$WAX" ca crl --ca inter -o "$T/inter2.crl"
openssl crl -in "$T/inter2.crl" -noout -text >"$T/o" 2>&1
n=$(grep -c 'Serial Number:' "$T/o")
if [ "$n" -eq 2 ] && grep -A1 'X509v3 CRL Number' "$T/o" | grep -qx ' *5' &&
    grep -q 'Superseded' "$T/o"; then pass openssl-crl-two-entries
else fail openssl-crl-two-entries "$n entries: $(grep -A1 'CRL Number' "$T/o" | tr '\n' ' ')"; fi
exit $tests_failed
