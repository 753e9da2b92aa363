#!/usr/bin/env bash
# The command-line contract of sign, verify, encrypt, decrypt and inspect
# that does not depend on verdicts: --help, usage errors (exit 2 with an
# error and a hint, or one JSON object with --json), unreadable inputs,
# identity and recipient resolution, --pass forms, -o rules, and binary
# output refused on a terminal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

if ! setup_pki; then
    fail setup "wax-mkcert could not make the test PKI: $(head -c 300 "$T/mk.err")"
    exit 1
fi
msg "$T/m.eml" alice@example.org

# --help of every command: exit 0, the usage line and examples on stdout
for c in sign verify encrypt decrypt inspect; do
    expect_exit "help-$c" 0 "$WAX" "$c" --help
    if grep -q "^usage: wax $c" "$T/out" && grep -q '^examples:' "$T/out"; then
        pass "help-$c-text"; else fail "help-$c-text" "$(head -c 200 "$T/out")"; fi
done
# the command list names them
"$WAX" --help >"$T/out"
for c in sign verify encrypt decrypt inspect; do
    if grep -q "^  $c " "$T/out"; then pass "listed-$c"; else fail "listed-$c" "not in wax --help"; fi
done

# unknown options: exit 2, error and hint naming the command's --help
for c in sign verify encrypt decrypt inspect; do
    expect_exit "bad-option-$c" 2 "$WAX" "$c" --frobnicate "$T/m.eml"
    if grep -q "^wax: error: unknown option '--frobnicate'" "$T/err" &&
        grep -q "^wax: hint: run 'wax $c --help'" "$T/err"; then
        pass "bad-option-$c-message"; else fail "bad-option-$c-message" "$(cat "$T/err")"; fi
done
# an option of another command is unknown here
expect_exit verify-no-identity-option 2 "$WAX" verify -i "$T/alice.pem" "$T/m.eml"
expect_exit inspect-no-output-option 2 "$WAX" inspect -o "$T/x" "$T/m.eml"
# values
expect_exit bad-digest 2 "$WAX" sign -i "$T/alice.pem" --digest md5 "$T/m.eml"
expect_exit bad-format 2 "$WAX" sign -i "$T/alice.pem" --format smime "$T/m.eml"
expect_exit bad-cipher 2 "$WAX" encrypt -r "$T/bob.crt" --cipher des-cbc "$T/m.eml"
expect_exit bad-at 2 "$WAX" verify --at 2024-13-01T00:00:00Z "$T/m.eml"
expect_exit bad-revocation 2 "$WAX" verify --revocation sometimes "$T/m.eml"
expect_exit bad-pass-spec 2 "$WAX" sign -i "$T/alice.pem" --pass alice "$T/m.eml"
expect_exit missing-value 2 "$WAX" verify --trust
expect_exit two-inputs 2 "$WAX" inspect "$T/m.eml" "$T/m.eml"
expect_exit repeated-output 2 "$WAX" sign -i "$T/alice.pem" -o "$T/a" -o "$T/b" "$T/m.eml"
expect_exit flag-with-value 2 "$WAX" verify --allow-weak=yes "$T/m.eml"
# required arguments
expect_exit sign-needs-identity 2 "$WAX" sign "$T/m.eml"
has_hint sign-needs-identity-hint
expect_exit encrypt-needs-recipient 2 "$WAX" encrypt "$T/m.eml"
expect_exit decrypt-needs-identity 2 "$WAX" decrypt "$T/m.eml"
# contradicting options
expect_exit detached-needs-raw-format 2 "$WAX" sign -i "$T/alice.pem" --detached "$T/m.eml"
expect_exit opaque-needs-mime 2 "$WAX" sign -i "$T/alice.pem" --opaque --format der "$T/m.eml"
expect_exit content-and-input-both-stdin 2 "$WAX" verify --content - </dev/null

# --json: even a usage error is one JSON object on stderr, nothing else
expect_exit json-usage-error 2 "$WAX" verify --json --frobnicate "$T/m.eml"
json_check json-usage-error-object "$T/err"
if grep -q '"error":"WAX_ERR_CLI_USAGE"' "$T/err"; then pass json-usage-error-code; else
    fail json-usage-error-code "$(cat "$T/err")"; fi
expect_exit json-unreadable 2 "$WAX" verify --json "$T/no-such-file"
json_check json-unreadable-object "$T/err"
if grep -q '"error":"WAX_ERR_CLI_FILE"' "$T/err"; then pass json-unreadable-code; else
    fail json-unreadable-code "$(cat "$T/err")"; fi

# unreadable inputs: exit 2 for every command (a missing file, a directory)
expect_exit sign-missing-input 2 "$WAX" sign -i "$T/alice.pem" "$T/no-such-file"
expect_exit verify-missing-input 2 "$WAX" verify --trust "$T/ca.crt" "$T/no-such-file"
expect_exit encrypt-missing-input 2 "$WAX" encrypt -r "$T/bob.crt" "$T/no-such-file"
expect_exit decrypt-missing-input 2 "$WAX" decrypt -i "$T/bob.pem" "$T/no-such-file"
expect_exit inspect-missing-input 2 "$WAX" inspect "$T/no-such-file"
if grep -q "^wax: error: input '.*no-such-file'.*WAX_ERR_CLI_FILE" "$T/err"; then
    pass missing-input-message; else fail missing-input-message "$(cat "$T/err")"; fi
expect_exit inspect-directory-input 2 "$WAX" inspect "$T"
expect_exit verify-missing-content 2 "$WAX" verify --content "$T/no-such-file" "$T/m.eml"
expect_exit verify-missing-trust 2 "$WAX" verify --trust "$T/no-such-file" "$T/m.eml"
expect_exit verify-trust-not-a-cert 2 "$WAX" verify --trust "$T/m.eml" "$T/m.eml"
if grep -q 'WAX_ERR_CLI_NO_CERTIFICATE' "$T/err"; then pass trust-not-a-cert-code; else
    fail trust-not-a-cert-code "$(cat "$T/err")"; fi
expect_exit verify-missing-certs 2 "$WAX" verify --certs "$T/no-such-file" "$T/m.eml"
expect_exit verify-missing-crl 2 "$WAX" verify --crl "$T/no-such-file" "$T/m.eml"
if grep -q "^wax: error: CRL file '.*no-such-file'.*WAX_ERR_CLI_FILE" "$T/err"; then
    pass missing-crl-message; else fail missing-crl-message "$(cat "$T/err")"; fi
# --crl files that hold no CRL: not DER at all, a PEM file without an
# X509 CRL block, a certificate dressed as a CRL (the parser's code)
expect_exit verify-crl-not-der 2 "$WAX" verify --trust "$T/ca.crt" --crl "$T/m.eml" "$T/m.eml"
if grep -q "^wax: error: CRL file .*WAX_ERR_X509_CRL_MALFORMED" "$T/err"; then
    pass crl-not-der-code; else fail crl-not-der-code "$(cat "$T/err")"; fi
expect_exit verify-crl-pem-cert 2 "$WAX" verify --trust "$T/ca.crt" --crl "$T/ca.crt" "$T/m.eml"
if grep -q 'WAX_ERR_PEM_NO_OBJECT' "$T/err"; then pass crl-pem-cert-code; else
    fail crl-pem-cert-code "$(cat "$T/err")"; fi
sed 's/CERTIFICATE/X509 CRL/' "$T/ca.crt" >"$T/fake.crl"
expect_exit verify-crl-fake 2 "$WAX" verify --json --trust "$T/ca.crt" --crl "$T/fake.crl" "$T/m.eml"
json_check verify-crl-fake-object "$T/err"
if grep -q '"error":"WAX_ERR_X509_[A-Z_]*"' "$T/err"; then pass crl-fake-code; else
    fail crl-fake-code "$(cat "$T/err")"; fi

# identities: a missing file, a key without its certificate, a key with
# the wrong certificate, an address not in the (empty) store, a certificate
# that does not allow signing
expect_exit identity-missing 2 "$WAX" sign -i "$T/no-such.pem" "$T/m.eml"
expect_exit identity-key-only 2 "$WAX" sign -i "$T/alice.key" "$T/m.eml"
if grep -q 'WAX_ERR_CLI_NO_CERTIFICATE' "$T/err"; then pass key-only-code; else
    fail key-only-code "$(cat "$T/err")"; fi
cat "$T/bob.key" "$T/alice.crt" >"$T/mismatch.pem"
expect_exit identity-mismatch 2 "$WAX" sign -i "$T/mismatch.pem" "$T/m.eml"
if grep -q 'WAX_ERR_CLI_NO_MATCHING_CERT' "$T/err"; then pass mismatch-code; else
    fail mismatch-code "$(cat "$T/err")"; fi
expect_exit identity-address 2 "$WAX" --store "$T/empty.db" sign -i alice@example.org "$T/m.eml"
if grep -q 'WAX_ERR_STORE_NOT_FOUND' "$T/err"; then pass address-code; else
    fail address-code "$(cat "$T/err")"; fi
has_hint identity-address-hint
expect_exit recipient-address 2 "$WAX" --store "$T/empty.db" encrypt -r bob@example.org "$T/m.eml"
expect_exit identity-cannot-sign 2 "$WAX" sign -i "$T/erin.pem" "$T/m.eml"
if grep -q 'WAX_ERR_CLI_NO_SIGNING_KEY' "$T/err"; then pass cannot-sign-code; else
    fail cannot-sign-code "$(cat "$T/err")"; fi
expect_exit recipient-not-a-cert 2 "$WAX" encrypt -r "$T/bob.key" "$T/m.eml"

# --pass forms with the RFC 9216 PKCS#12 file of Alice (password "alice"):
# pass:, env:, file:, PEM-armoured PKCS#12; wrong, unset, and none without
# a terminal
if [ -f "$SAMPLES/alice.p12" ]; then
    p12=$SAMPLES/alice.p12
    expect_exit pass-text 0 "$WAX" sign -i "$p12" --pass pass:alice --at "$SAMPLE_AT" \
        -o "$T/p1.eml" "$T/m.eml"
    export ALICE_PW=alice
    expect_exit pass-env 0 "$WAX" sign -i "$p12" --pass env:ALICE_PW \
        --at "$SAMPLE_AT" -o "$T/p2.eml" "$T/m.eml"
    printf 'alice\n' >"$T/pw"
    expect_exit pass-file 0 "$WAX" sign -i "$p12" --pass "file:$T/pw" --at "$SAMPLE_AT" \
        -o "$T/p3.eml" "$T/m.eml"
    expect_exit pass-pem-pkcs12 0 "$WAX" sign -i "$SAMPLES/alice.p12.pem" --pass pass:alice \
        --at "$SAMPLE_AT" -o "$T/p4.eml" "$T/m.eml"
    expect_exit pass-wrong 2 "$WAX" sign -i "$p12" --pass pass:bob -o "$T/p5.eml" "$T/m.eml"
    if grep -q 'WAX_ERR_CRYPTO_BAD_PASSWORD' "$T/err"; then pass pass-wrong-code; else
        fail pass-wrong-code "$(cat "$T/err")"; fi
    no_output pass-wrong-no-output "$T/p5.eml"
    expect_exit pass-env-unset 2 env -u WAX_NO_SUCH_VAR "$WAX" sign -i "$p12" \
        --pass env:WAX_NO_SUCH_VAR "$T/m.eml"
    expect_exit pass-file-missing 2 "$WAX" sign -i "$p12" --pass "file:$T/no-such-file" "$T/m.eml"
    expect_exit pass-none-no-terminal 2 "$WAX" sign -i "$p12" "$T/m.eml" </dev/null
    if grep -q 'WAX_ERR_CLI_NO_PASSWORD' "$T/err" && grep -q -- '^wax: hint: .*--pass' "$T/err"
    then pass pass-none-hint; else fail pass-none-hint "$(cat "$T/err")"; fi
    # on a terminal, wax prompts (without echo); the typed password is
    # fed after a pause because the prompt flushes earlier input
    if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
        (sleep 1; printf 'alice\n'; sleep 1) | timeout 20 script -qec \
            "'$WAX' sign -i '$p12' --at $SAMPLE_AT -o '$T/p6.eml' '$T/m.eml'" /dev/null \
            >"$T/tty.out" 2>&1
        rc=$?
        if [ "$rc" -eq 0 ] && [ -s "$T/p6.eml" ] && grep -q "wax: password for '" "$T/tty.out" &&
            ! grep -q "': alice" "$T/tty.out"; then pass pass-prompt; else
            fail pass-prompt "exit $rc: $(head -c 300 "$T/tty.out" | cat -v)"; fi
        (sleep 1; printf 'x\n'; sleep 1; printf 'y\n'; sleep 1; printf 'z\n'; sleep 1) |
            timeout 20 script -qec "'$WAX' sign -i '$p12' -o '$T/p7.eml' '$T/m.eml'" /dev/null \
            >"$T/tty.out" 2>&1
        rc=$?
        if [ "$rc" -eq 2 ] && [ ! -e "$T/p7.eml" ] && grep -q 'WAX_ERR_CRYPTO_BAD_PASSWORD' "$T/tty.out"
        then pass pass-prompt-wrong; else
            fail pass-prompt-wrong "exit $rc: $(head -c 300 "$T/tty.out" | cat -v)"; fi
    else
        skip pass-prompt "script(1) from util-linux is not available"
    fi
    expect_exit pass-decrypt-p12 2 "$WAX" decrypt -i "$p12" --pass pass:wrong "$T/m.eml"
else
    skip pass-forms "no $SAMPLES/alice.p12"
fi

# -o: never the input file; nothing written when the command fails
expect_exit output-is-input 2 "$WAX" sign -i "$T/alice.pem" -o "$T/m.eml" "$T/m.eml"
if grep -q 'WAX_ERR_CLI_SAME_FILE' "$T/err" && grep -q 'Hello Bob' "$T/m.eml"; then
    pass output-is-input-untouched; else fail output-is-input-untouched "$(cat "$T/err")"; fi
expect_exit failed-sign-no-output 2 "$WAX" sign -i "$T/mismatch.pem" -o "$T/o1.eml" "$T/m.eml"
no_output failed-sign-no-output-file "$T/o1.eml"

# binary output to a terminal is refused (exit 2, nothing done); text is
# fine. util-linux script(1) gives the command a terminal.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$WAX' sign -i '$T/alice.pem' --format der --detached '$T/m.eml'" \
        /dev/null >"$T/tty.out" 2>&1
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q 'WAX_ERR_CLI_OUTPUT_IS_TERMINAL' "$T/tty.out" &&
        grep -q 'wax: hint: ' "$T/tty.out"; then pass tty-der-refused; else
        fail tty-der-refused "exit $rc: $(head -c 300 "$T/tty.out")"; fi
    script -qec "'$WAX' encrypt -r '$T/bob.crt' --format der '$T/m.eml'" \
        /dev/null >"$T/tty.out" 2>&1
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q 'WAX_ERR_CLI_OUTPUT_IS_TERMINAL' "$T/tty.out"; then
        pass tty-encrypt-der-refused; else
        fail tty-encrypt-der-refused "exit $rc: $(head -c 300 "$T/tty.out")"; fi
    # verified content with a terminal escape sequence is not sent to a
    # terminal either; the same content to a file is fine
    printf 'From: alice@example.org\r\nSubject: esc\r\n\r\nred \033[31m text\r\n' >"$T/esc.eml"
    "$WAX" sign -i "$T/alice.pem" -o "$T/esc.signed" "$T/esc.eml" 2>"$T/err"
    script -qec "'$WAX' verify --trust '$T/ca.crt' '$T/esc.signed'" /dev/null >"$T/tty.out" 2>&1
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q 'WAX_ERR_CLI_OUTPUT_IS_TERMINAL' "$T/tty.out" &&
        ! grep -q "$(printf '\033')\[31m" "$T/tty.out"; then pass tty-escape-refused; else
        fail tty-escape-refused "exit $rc: $(head -c 300 "$T/tty.out" | cat -v)"; fi
    expect_exit escape-to-file 0 "$WAX" verify --trust "$T/ca.crt" -o "$T/esc.out" "$T/esc.signed"
    "$WAX" sign -i "$T/alice.pem" -o "$T/s-text.eml" "$T/m.eml" 2>"$T/err"
    script -qec "'$WAX' verify --trust '$T/ca.crt' '$T/s-text.eml'" /dev/null >"$T/tty.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q xylophone "$T/tty.out"; then pass tty-text-allowed; else
        fail tty-text-allowed "exit $rc: $(head -c 300 "$T/tty.out")"; fi
    # the same to a file is fine
    expect_exit der-to-file 0 "$WAX" sign -i "$T/alice.pem" --format der --detached \
        -o "$T/d.p7s" "$T/m.eml"
else
    skip tty-binary-refused "script(1) from util-linux is not available"
fi
exit $tests_failed
