#!/usr/bin/env bash
# wax verify and decrypt on messages made by Thunderbird/NSS (the NSS
# S/MIME test set in testdata/thunderbird-nss-smime): exit statuses,
# verdicts, and the content, through the command line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

D=$TESTDATA/thunderbird-nss-smime/smime
if [ ! -f "$D/TestCA.pem" ]; then
    skip thunderbird "no $D/TestCA.pem"
    exit 0
fi
# the end-entity certificates are valid 2026-01-26 .. 2031-01-26
AT=2026-06-01T00:00:00Z
TEXT='This is a test message from Alice to Bob.'

for d in SHA256 SHA384 SHA512; do
    rm -f "$T/c.out"
    expect_exit "verify-$d" 0 "$WAX" verify --trust "$D/TestCA.pem" --at "$AT" \
        -o "$T/c.out" "$D/alice.dsig.$d.multipart.eml"
    if grep -q "$TEXT" "$T/c.out" && grep -q 'Alice@example.com' "$T/err"; then
        pass "verify-$d-content"; else fail "verify-$d-content" "$(head -c 300 "$T/err")"; fi
    expect_exit "verify-$d-bad" 1 "$WAX" verify --trust "$D/TestCA.pem" --at "$AT" \
        -o "$T/bad.out" "$D/alice.dsig.$d.multipart.bad.eml"
    no_output "verify-$d-bad-no-output" "$T/bad.out"
    expect_exit "verify-$d-bad-json" 1 "$WAX" verify --json --trust "$D/TestCA.pem" --at "$AT" \
        "$D/alice.dsig.$d.multipart.bad.eml"
    json_check "verify-$d-bad-json-object" "$T/err" INVALID
    expect_exit "verify-$d-opaque" 0 "$WAX" verify --trust "$D/TestCA.pem" --at "$AT" \
        "$D/alice.sig.$d.opaque.eml"
done
# SHA-1 is refused by default and accepted, with a warning, for old mail
expect_exit verify-sha1-refused 1 "$WAX" verify --trust "$D/TestCA.pem" --at "$AT" \
    "$D/alice.dsig.SHA1.multipart.eml"
expect_exit verify-sha1-allow-weak 0 "$WAX" verify --allow-weak --trust "$D/TestCA.pem" \
    --at "$AT" "$D/alice.dsig.SHA1.multipart.eml"
if grep -q '^wax: warning: ' "$T/err"; then pass verify-sha1-warned; else
    fail verify-sha1-warned "$(head -c 300 "$T/err")"; fi
# without the NSS test CA the chain does not hold
expect_exit verify-untrusted 1 "$WAX" verify --at "$AT" "$D/alice.dsig.SHA256.multipart.eml"
# Bob decrypts what Alice's Thunderbird encrypted to him (CBC)
expect_exit decrypt-bob 0 "$WAX" decrypt -i "$D/Bob.p12" --pass pass:nss -o "$T/d.out" \
    "$D/alice.env.eml"
if grep -q "$TEXT" "$T/d.out"; then pass decrypt-bob-content; else
    fail decrypt-bob-content "$(head -c 300 "$T/d.out")"; fi
expect_exit decrypt-bob-json 0 "$WAX" decrypt --json -i "$D/Bob.p12" --pass pass:nss \
    "$D/alice.env.eml"
json_check decrypt-bob-json-object "$T/err" DECRYPTED_UNAUTHENTICATED
expect_exit decrypt-bob-require-auth 1 "$WAX" decrypt --require-auth -i "$D/Bob.p12" \
    --pass pass:nss -o "$T/d2.out" "$D/alice.env.eml"
no_output decrypt-bob-require-auth-no-output "$T/d2.out"
# Eve is not a recipient
expect_exit decrypt-eve 1 "$WAX" decrypt -i "$D/Eve.p12" --pass pass:nss -o "$T/d3.out" \
    "$D/alice.env.eml"
no_output decrypt-eve-no-output "$T/d3.out"
exit $tests_failed
