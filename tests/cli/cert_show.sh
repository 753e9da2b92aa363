#!/usr/bin/env bash
# tests/cli/cert_show.sh - `wax cert show`: exact output (human and --json)
# for RFC 9216's alice.sign.crt, escaping of hostile names, exit codes.
. "$(dirname "$0")/../lib.sh"

dir=$TESTDATA/rfc9216-samples
if [ ! -f "$dir/alice.sign.crt" ]; then
    skip all "no $dir/alice.sign.crt (set WAX_TESTDATA)"
    exit 0
fi

# expect_output NAME FILE : compare $T/out with FILE exactly
expect_output() {
    if cmp -s "$T/out" "$2"; then pass "$1"; else
        fail "$1" "output differs: $(diff "$2" "$T/out" | head -8 | tr '\n' '|')"; fi
}

# Values cross-checked with `openssl x509 -text -fingerprint -sha256`.
cat >"$T/want.txt" <<'WANT'
file: alice.sign.crt
subject: CN=Alice Lovelace,OU=LAMPS WG,O=IETF
issuer: CN=Sample LAMPS RSA Certification Authority,OU=LAMPS WG,O=IETF
serial: 37410579ed757f42a9a25c3af4f86ace9aa9d7
not_before: 2019-11-20T06:54:18Z
not_after: 2052-09-27T06:54:18Z
key: rsa 2048
signature: rsa-pkcs1 sha512
sha256: 61237c070284dcef14ebb5a05b0e8950d427ee46041cdb4891468330c13475a6
emails: alice@smime.example
key_usage: digitalSignature, nonRepudiation
eku: emailProtection
basic_constraints: ca=false
ski: bbf6ccb22d1d06121c97ae296a9010d320666673
aki: 91308e7c07170ca7f1092865361a671c6876f459
WANT
(cd "$dir" && "$WAX" cert show alice.sign.crt) >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$T/err" ] && pass human_exit_0 ||
    fail human_exit_0 "exit $rc: $(head -c 200 "$T/err")"
expect_output human_alice_sign "$T/want.txt"

cat >"$T/want.json" <<'WANT'
[
  {
    "file": "alice.sign.crt",
    "subject": "CN=Alice Lovelace,OU=LAMPS WG,O=IETF",
    "issuer": "CN=Sample LAMPS RSA Certification Authority,OU=LAMPS WG,O=IETF",
    "serial": "37410579ed757f42a9a25c3af4f86ace9aa9d7",
    "not_before": "2019-11-20T06:54:18Z",
    "not_after": "2052-09-27T06:54:18Z",
    "key_type": "rsa",
    "key_bits": 2048,
    "signature_algorithm": "rsa-pkcs1",
    "signature_digest": "sha512",
    "sha256": "61237c070284dcef14ebb5a05b0e8950d427ee46041cdb4891468330c13475a6",
    "emails": ["alice@smime.example"],
    "key_usage": ["digitalSignature", "nonRepudiation"],
    "eku": ["emailProtection"],
    "ca": false,
    "ski": "bbf6ccb22d1d06121c97ae296a9010d320666673",
    "aki": "91308e7c07170ca7f1092865361a671c6876f459"
  }
]
WANT
(cd "$dir" && "$WAX" cert show --json alice.sign.crt) >"$T/out" 2>"$T/err"
expect_output json_alice_sign "$T/want.json"

# Two files: one JSON array with both certificates.
(cd "$dir" && "$WAX" cert show --json ca.rsa.crt carlos.sign.crt) >"$T/out" 2>&1
n=$(grep -c '"file":' "$T/out")
if [ "$n" -eq 2 ] && head -1 "$T/out" | grep -qx '\[' &&
    grep -q '"key_type": "ed25519"' "$T/out" && grep -q '"ca": true' "$T/out"; then
    pass json_two_files
else
    fail json_two_files "$(head -c 300 "$T/out" | tr '\n' ' ')"
fi

# A hostile subject: the CN as UTF8String with an ANSI escape sequence.
# RFC 4514 turns ESC into the text \1B, whose backslash the terminal
# output escapes again (\x5C); no raw control character comes out.
sed '/-----/d' "$dir/alice.sign.crt" | base64 -d >"$T/alice.der"
LC_ALL=C sed 's/\x13\x0eAlice Lovelace/\x0c\x0eAlice\x1b[31mLove/' "$T/alice.der" \
    >"$T/evil.der"
"$WAX" cert show "$T/evil.der" >"$T/out" 2>"$T/err"
if grep -qF 'subject: CN=Alice\x5C1B[31mLove,OU=LAMPS WG,O=IETF' "$T/out" &&
    ! grep -q $'\x1b' "$T/out"; then pass escapes_control_chars; else
    fail escapes_control_chars "$(grep subject "$T/out" | od -c | head -3 | tr '\n' ' ')"; fi
"$WAX" cert show --json "$T/evil.der" >"$T/out" 2>"$T/err"
if grep -qF '"subject": "CN=Alice\\1B[31mLove,OU=LAMPS WG,O=IETF"' "$T/out" &&
    ! grep -q $'\x1b' "$T/out"; then pass json_escapes_control_chars; else
    fail json_escapes_control_chars "$(grep subject "$T/out")"; fi

# Exit codes and messages.
expect_exit missing_file_exit_2 2 "$WAX" cert show "$T/does-not-exist"
grep -q "wax: error: $T/does-not-exist: .*(WAX_ERR_CLI_FILE)" "$T/err" &&
    pass missing_file_message || fail missing_file_message "$(cat "$T/err")"

expect_exit no_file_exit_2 2 "$WAX" cert show
expect_exit bad_option_exit_2 2 "$WAX" cert show --bogus "$dir/alice.sign.crt"

head -c 100 "$T/alice.der" >"$T/truncated.der"
expect_exit truncated_exit_1 1 "$WAX" cert show "$T/truncated.der"
grep -q "wax: error: $T/truncated.der: .*(WAX_ERR_DER_TRUNCATED)" "$T/err" &&
    pass truncated_message || fail truncated_message "$(cat "$T/err")"

cat "$T/alice.der" "$T/alice.der" >"$T/twice.der"
expect_exit trailing_exit_1 1 "$WAX" cert show "$T/twice.der"
grep -q "(WAX_ERR_DER_TRAILING_DATA)" "$T/err" && pass trailing_message ||
    fail trailing_message "$(cat "$T/err")"

expect_exit key_only_exit_1 1 "$WAX" cert show "$dir/alice.sign.key"
grep -q "(WAX_ERR_PEM_NO_OBJECT)" "$T/err" && pass key_only_message ||
    fail key_only_message "$(cat "$T/err")"

# A PEM file cut in the middle is a PEM error, not mistaken for DER.
head -c 300 "$dir/alice.sign.crt" >"$T/cut.pem"
expect_exit cut_pem_exit_1 1 "$WAX" cert show "$T/cut.pem"
grep -q "(WAX_ERR_PEM_MALFORMED)" "$T/err" && pass cut_pem_message ||
    fail cut_pem_message "$(cat "$T/err")"

# A good and a bad file: the good one is shown, the exit is 1.
expect_exit good_and_bad_exit_1 1 "$WAX" cert show "$dir/alice.sign.crt" "$T/truncated.der"
grep -q "^subject: CN=Alice Lovelace" "$T/out" && pass good_and_bad_shows_good ||
    fail good_and_bad_shows_good "$(head -c 200 "$T/out")"

exit $tests_failed
