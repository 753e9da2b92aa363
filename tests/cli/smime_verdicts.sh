#!/usr/bin/env bash
# The verdicts of the S/MIME commands (SECURITY.md) as exit statuses and
# --json reports: sign/verify round trips in every form, VALID and each
# negative verdict, encrypt/decrypt with CBC and GCM, DECRYPT_FAILED, and
# nothing written to -o whenever the verdict is not positive.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

if ! setup_pki; then
    fail setup "wax-mkcert could not make the test PKI: $(head -c 300 "$T/mk.err")"
    exit 1
fi
msg "$T/m.eml" alice@example.org
msg "$T/mallory.eml" mallory@example.org
msg "$T/carol.eml" carol@example.org
msg "$T/dave.eml" dave@example.org

# verify_case NAME EXIT VERDICT ARGS... : verify twice (text and --json);
# exit status, the JSON verdict, and -o written exactly when EXIT is 0
verify_case() {
    local name=$1 want=$2 verdict=$3; shift 3
    rm -f "$T/v.out"
    expect_exit "$name" "$want" "$WAX" verify -o "$T/v.out" "$@"
    if grep -q "^wax: verify: $verdict\$" "$T/err"; then pass "$name-report"; else
        fail "$name-report" "want verdict $verdict: $(head -c 300 "$T/err")"; fi
    if [ "$want" -eq 0 ]; then
        if [ -s "$T/v.out" ] && grep -q 'xylophone' "$T/v.out"; then pass "$name-content"
        else fail "$name-content" "no content written"; fi
    else
        no_output "$name-no-output" "$T/v.out"
    fi
    rm -f "$T/v.out"
    expect_exit "$name-json" "$want" "$WAX" verify --json -o "$T/v.out" "$@"
    json_check "$name-json-object" "$T/err" "$verdict"
    rm -f "$T/v.out"
}

# ---- sign: each form, then VALID -------------------------------------
expect_exit sign-mime 0 "$WAX" sign -i "$T/alice.pem" -o "$T/s.eml" "$T/m.eml"
if grep -qi '^Content-Type: multipart/signed' "$T/s.eml" && grep -q '^Subject: wax test' "$T/s.eml"
then pass sign-mime-form; else fail sign-mime-form "$(head -c 300 "$T/s.eml")"; fi
if [ ! -s "$T/err" ]; then pass sign-quiet; else fail sign-quiet "$(head -c 200 "$T/err")"; fi
expect_exit sign-opaque 0 "$WAX" sign -i "$T/alice.pem" --opaque --digest sha512 -o "$T/o.eml" "$T/m.eml"
if grep -qi 'application/pkcs7-mime' "$T/o.eml"; then pass sign-opaque-form; else
    fail sign-opaque-form "$(head -c 300 "$T/o.eml")"; fi
expect_exit sign-pem 0 "$WAX" sign -i "$T/alice.pem" --format pem -o "$T/s.pem" "$T/m.eml"
if grep -q '^-----BEGIN ' "$T/s.pem"; then pass sign-pem-form; else fail sign-pem-form "$(head -c 100 "$T/s.pem")"; fi
expect_exit sign-der-detached 0 "$WAX" sign -i "$T/alice.pem" --format der --detached \
    -o "$T/d.p7s" "$T/m.eml"
if [ "$(head -c 1 "$T/d.p7s" | od -An -tx1 | tr -d ' ')" = "30" ]; then pass sign-der-form
else fail sign-der-form "not DER"; fi
# standard input to standard output
"$WAX" sign -i "$T/alice.pem" <"$T/m.eml" >"$T/s2.eml" 2>"$T/err"
if [ $? -eq 0 ] && grep -qi 'multipart/signed' "$T/s2.eml"; then pass sign-stdio; else
    fail sign-stdio "$(head -c 300 "$T/err")"; fi
expect_exit sign-two-signers 0 "$WAX" sign -i "$T/alice.pem" -i "$T/bob.pem" -o "$T/s3.eml" "$T/m.eml"

verify_case valid-mime 0 VALID --trust "$T/ca.crt" "$T/s.eml"
verify_case valid-opaque 0 VALID --trust "$T/ca.crt" "$T/o.eml"
"$WAX" verify --trust "$T/ca.crt" - <"$T/s.eml" >"$T/v.out" 2>"$T/err"
if [ $? -eq 0 ] && grep -q xylophone "$T/v.out"; then pass valid-stdin; else
    fail valid-stdin "$(head -c 300 "$T/err")"; fi
verify_case valid-detached-raw 0 VALID --trust "$T/ca.crt" --from alice@example.org \
    --content "$T/m.eml" "$T/d.p7s"
verify_case valid-at 0 VALID --trust "$T/ca.crt" --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$T/s.eml"
# the report names the signer (text report)
"$WAX" verify --trust "$T/ca.crt" "$T/s.eml" >/dev/null 2>"$T/err"
if grep -q 'CN=Alice' "$T/err" && grep -q 'alice@example.org' "$T/err"; then pass valid-report-signer
else fail valid-report-signer "$(head -c 300 "$T/err")"; fi
if $have_python; then
    "$WAX" verify --json --trust "$T/ca.crt" "$T/s.eml" >/dev/null 2>"$T/err"
    got=$(json_field "$T/err" 'r["signers"][0]["emails"][0] + " " + str(r["signers"][0]["from_match"]) + " " + r["layers"][0]["type"]')
    if [ "$got" = "alice@example.org True signed" ]; then pass json-signer-fields; else
        fail json-signer-fields "got '$got': $(head -c 300 "$T/err")"; fi
fi

# ---- negative verify verdicts ------------------------------------------
# VALID_SIGNER_MISMATCH: From: is not the signer's address
expect_exit sign-mallory 0 "$WAX" sign -i "$T/alice.pem" -o "$T/sm.eml" "$T/mallory.eml"
verify_case signer-mismatch 1 VALID_SIGNER_MISMATCH --trust "$T/ca.crt" "$T/sm.eml"
verify_case signer-mismatch-from 1 VALID_SIGNER_MISMATCH --trust "$T/ca.crt" \
    --from mallory@example.org "$T/s.eml"
# VALID_UNBOUND: the certificate has no address; a raw signature without --from
expect_exit sign-carol 0 "$WAX" sign -i "$T/carol.pem" -o "$T/sc.eml" "$T/carol.eml"
verify_case unbound-no-email 1 VALID_UNBOUND --trust "$T/ca.crt" "$T/sc.eml"
verify_case unbound-raw 1 VALID_UNBOUND --trust "$T/ca.crt" --content "$T/m.eml" "$T/d.p7s"
# UNTRUSTED: no anchor, the wrong anchor, an expired signer
verify_case untrusted-no-anchor 1 UNTRUSTED "$T/s.eml"
expect_exit untrusted-text 1 "$WAX" verify "$T/s.eml"
if grep -q '^wax: error: verify: UNTRUSTED' "$T/err" && grep -q -- '^wax: hint: .*--trust' "$T/err"
then pass untrusted-hint; else fail untrusted-hint "$(head -c 400 "$T/err")"; fi
verify_case untrusted-other-ca 1 UNTRUSTED --trust "$T/other-ca.crt" "$T/s.eml"
expect_exit sign-dave-then 0 "$WAX" sign -i "$T/dave.pem" --at 2001-06-01T00:00:00Z \
    -o "$T/sd.eml" "$T/dave.eml"
verify_case untrusted-expired 1 UNTRUSTED --trust "$T/ca.crt" "$T/sd.eml"
verify_case valid-expired-at-then 0 VALID --trust "$T/ca.crt" --at 2001-06-01T00:00:00Z "$T/sd.eml"
expect_exit sign-expired-now 2 "$WAX" sign -i "$T/dave.pem" -o "$T/x.eml" "$T/dave.eml"
no_output sign-expired-now-no-output "$T/x.eml"
# INVALID: the signed text changed on the way; the raw content changed
sed 's/xylophone/saxophone/' "$T/s.eml" >"$T/tampered.eml"
verify_case invalid-tampered 1 INVALID --trust "$T/ca.crt" "$T/tampered.eml"
sed 's/xylophone/saxophone/' "$T/m.eml" >"$T/m2.eml"
verify_case invalid-detached-content 1 INVALID --trust "$T/ca.crt" --from alice@example.org \
    --content "$T/m2.eml" "$T/d.p7s"
head -c 200 "$T/d.p7s" >"$T/trunc.p7s"
verify_case invalid-truncated-der 1 INVALID --trust "$T/ca.crt" --content "$T/m.eml" "$T/trunc.p7s"
# NOT_SIGNED: a plain message
verify_case not-signed 1 NOT_SIGNED --trust "$T/ca.crt" "$T/m.eml"
# PARTIALLY_SIGNED: a multipart/mixed message with the signed one as a part
{
    printf 'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: fwd\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer-b"\r\n\r\n'
    printf -- '--outer-b\r\nContent-Type: text/plain\r\n\r\nunsigned words\r\n--outer-b\r\n'
    sed -n '/^[Cc]ontent-[Tt]ype: multipart\/signed/,$p' "$T/s.eml"
    printf '\r\n--outer-b--\r\n'
} >"$T/partial.eml"
verify_case partially-signed 1 PARTIALLY_SIGNED --trust "$T/ca.crt" "$T/partial.eml"

# ---- encrypt / decrypt ---------------------------------------------------
expect_exit encrypt-cbc 0 "$WAX" encrypt -r "$T/bob.crt" -o "$T/e.eml" "$T/m.eml"
if grep -qi 'application/pkcs7-mime' "$T/e.eml" && ! grep -q xylophone "$T/e.eml"; then
    pass encrypt-cbc-form; else fail encrypt-cbc-form "$(head -c 300 "$T/e.eml")"; fi
expect_exit encrypt-gcm 0 "$WAX" encrypt -r "$T/bob.crt" -r "$T/alice.crt" \
    --cipher aes256-gcm --rsa-oaep -o "$T/g.eml" "$T/m.eml"
expect_exit encrypt-der 0 "$WAX" encrypt -r "$T/bob.crt" --format der -o "$T/e.der" "$T/m.eml"
expect_exit encrypt-to-sign-only 2 "$WAX" encrypt -r "$T/frank.crt" -o "$T/x.eml" "$T/m.eml"
no_output encrypt-to-sign-only-no-output "$T/x.eml"
expect_exit encrypt-to-expired 2 "$WAX" encrypt -r "$T/dave.crt" -o "$T/x.eml" "$T/m.eml"

# decrypt_case NAME EXIT VERDICT ARGS...
decrypt_case() {
    local name=$1 want=$2 verdict=$3; shift 3
    rm -f "$T/d.out"
    expect_exit "$name" "$want" "$WAX" decrypt -o "$T/d.out" "$@"
    if grep -q "^wax: decrypt: $verdict" "$T/err"; then pass "$name-report"; else
        fail "$name-report" "want verdict $verdict: $(head -c 300 "$T/err")"; fi
    if [ "$want" -eq 0 ]; then
        if grep -q 'xylophone' "$T/d.out" 2>/dev/null; then pass "$name-content"; else
            fail "$name-content" "no plaintext written"; fi
    else
        no_output "$name-no-output" "$T/d.out"
    fi
    rm -f "$T/d.out"
    expect_exit "$name-json" "$want" "$WAX" decrypt --json -o "$T/d.out" "$@"
    json_check "$name-json-object" "$T/err" "$verdict"
    rm -f "$T/d.out"
}
decrypt_case unauthenticated 0 DECRYPTED_UNAUTHENTICATED -i "$T/bob.pem" "$T/e.eml"
"$WAX" decrypt -i "$T/bob.pem" "$T/e.eml" >/dev/null 2>"$T/err"
if grep -q '^wax: warning: ' "$T/err"; then pass unauthenticated-warning; else
    fail unauthenticated-warning "$(head -c 300 "$T/err")"; fi
decrypt_case require-auth 1 DECRYPT_FAILED -i "$T/bob.pem" --require-auth "$T/e.eml"
decrypt_case authenticated 0 DECRYPTED_AUTHENTICATED -i "$T/bob.pem" --require-auth "$T/g.eml"
decrypt_case authenticated-second-recipient 0 DECRYPTED_AUTHENTICATED -i "$T/alice.pem" "$T/g.eml"
decrypt_case raw-der 0 DECRYPTED_UNAUTHENTICATED -i "$T/bob.pem" "$T/e.der"
decrypt_case several-identities 0 DECRYPTED_UNAUTHENTICATED -i "$T/carol.pem" -i "$T/bob.pem" "$T/e.eml"
decrypt_case wrong-key 1 DECRYPT_FAILED -i "$T/alice.pem" "$T/e.eml"
decrypt_case not-encrypted 1 DECRYPT_FAILED -i "$T/bob.pem" "$T/s.eml"
# a flipped byte in the last block of the ciphertext (DER form)
size=$(wc -c <"$T/e.der")
{ head -c $((size - 5)) "$T/e.der"; printf '\001'; tail -c 4 "$T/e.der"; } >"$T/bad.der"
if ! cmp -s "$T/e.der" "$T/bad.der"; then
    decrypt_case tampered-der 1 DECRYPT_FAILED -i "$T/bob.pem" "$T/bad.der"
fi

# ---- sign + encrypt round trip through pipes ---------------------------
"$WAX" sign -i "$T/alice.pem" <"$T/m.eml" 2>/dev/null |
    "$WAX" encrypt -r "$T/bob.crt" 2>/dev/null |
    "$WAX" decrypt -i "$T/bob.pem" 2>/dev/null |
    "$WAX" verify --trust "$T/ca.crt" >"$T/rt.out" 2>"$T/err"
if [ $? -eq 0 ] && grep -q xylophone "$T/rt.out"; then pass pipeline-round-trip; else
    fail pipeline-round-trip "$(head -c 300 "$T/err")"; fi

# ---- inspect -------------------------------------------------------------
expect_exit inspect-signed 0 "$WAX" inspect "$T/s.eml"
if grep -q 'signed' "$T/out" && grep -q 'CN=Alice' "$T/out"; then pass inspect-signed-report
else fail inspect-signed-report "$(head -c 300 "$T/out")"; fi
expect_exit inspect-enveloped 0 "$WAX" inspect "$T/g.eml"
if grep -q 'authEnveloped' "$T/out" && grep -q 'aes-256-gcm' "$T/out"; then
    pass inspect-enveloped-report; else fail inspect-enveloped-report "$(head -c 300 "$T/out")"; fi
expect_exit inspect-json 0 "$WAX" inspect --json "$T/e.der"
json_check inspect-json-object "$T/err"
if $have_python; then
    got=$(json_field "$T/err" 'r["layers"][0]["type"] + " " + r["layers"][0]["cipher"]')
    if [ "$got" = "enveloped aes-256-cbc" ]; then pass inspect-json-layer; else
        fail inspect-json-layer "got '$got'"; fi
fi
expect_exit inspect-garbage 1 "$WAX" inspect "$T/trunc.p7s"

# ---- RFC 9216 samples: PKCS#12 identities with their own CA ---------------
if [ -f "$SAMPLES/alice.p12" ]; then
    expect_exit sample-sign 0 "$WAX" sign -i "$SAMPLES/alice.p12" --pass pass:alice \
        --at "$SAMPLE_AT" -o "$T/ss.eml" "$T/m.eml"
    verify_case sample-verify-mismatch 1 VALID_SIGNER_MISMATCH --trust "$SAMPLES/ca.rsa.crt" \
        --at "$SAMPLE_AT" "$T/ss.eml"
    verify_case sample-verify-from 0 VALID --trust "$SAMPLES/ca.rsa.crt" \
        --at "$SAMPLE_AT" --from alice@smime.example "$T/ss.eml"
    expect_exit sample-encrypt 0 "$WAX" encrypt -r "$SAMPLES/bob.encrypt.crt" \
        --at "$SAMPLE_AT" -o "$T/se.eml" "$T/m.eml"
    decrypt_case sample-decrypt-p12 0 DECRYPTED_UNAUTHENTICATED -i "$SAMPLES/bob.p12" \
        --pass pass:bob "$T/se.eml"
else
    skip rfc9216-samples "no $SAMPLES/alice.p12"
fi
exit $tests_failed
