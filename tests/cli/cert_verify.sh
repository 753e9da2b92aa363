#!/usr/bin/env bash
# tests/cli/cert_verify.sh - `wax cert verify`: verdicts and exit codes over
# the RFC 9216 and RFC 4134 sample PKIs (direct, cross-certified and
# transvalid paths, --email binding, --purpose, --at, --crl and
# --revocation, --max-depth, --json), and usage errors.
. "$(dirname "$0")/../lib.sh"

r=$TESTDATA/rfc9216-samples
c=$TESTDATA/rfc4134-examples
if [ ! -f "$r/alice.sign.crt" ] || [ ! -f "$c/CarlRSASelf.cer" ]; then
    skip all "no rfc9216-samples / rfc4134-examples (set WAX_TESTDATA)"
    exit 0
fi

# expect_text NAME PATTERN FILE : FILE has a line matching PATTERN
expect_text() {
    if grep -q -- "$2" "$3"; then pass "$1"; else
        fail "$1" "no '$2' in: $(head -c 300 "$3" | tr '\n' '|')"; fi
}

expect_exit rsa_direct 0 "$WAX" cert verify --trust "$r/ca.rsa.crt" \
    --purpose smime-sign "$r/alice.sign.crt"
expect_text rsa_direct_valid '^VALID$' "$T/out"
expect_text rsa_direct_chain 'Sample LAMPS RSA' "$T/out"
expect_text rsa_direct_no_crl 'no CRL' "$T/err"
expect_exit ed25519_direct 0 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    --purpose smime "$r/carlos.sign.crt"
expect_exit x25519_encrypt 0 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    --purpose smime-encrypt "$r/carlos.encrypt.crt"
expect_exit cross_rsa_under_ed25519 0 "$WAX" cert verify \
    --trust "$r/ca.25519.crt" --certs "$r/ca.rsa.cross.crt" "$r/alice.sign.crt"
expect_text cross_three_certs '^  2 .*Ed25519' "$T/out"
expect_exit transvalid 1 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    "$r/alice.sign.crt"
expect_text transvalid_reason 'WAX_ERR_PATH_NO_ISSUER' "$T/out"
expect_exit no_anchor_hint 1 "$WAX" cert verify "$r/alice.sign.crt"
expect_text no_anchor_hint_text 'hint: no trust anchor' "$T/err"
expect_exit wrong_purpose 1 "$WAX" cert verify --trust "$r/ca.rsa.crt" \
    --purpose smime-encrypt "$r/alice.sign.crt"
expect_text wrong_purpose_reason 'WAX_ERR_PATH_BAD_KEY_USAGE' "$T/out"
expect_exit tls_purpose 1 "$WAX" cert verify --trust "$r/ca.rsa.crt" \
    --purpose tls-server --dns smime.example "$r/alice.sign.crt"
expect_exit email_bound 0 "$WAX" cert verify --trust "$r/ca.rsa.crt" \
    --email alice@SMIME.Example "$r/alice.sign.crt"
expect_exit email_local_part_exact 1 "$WAX" cert verify \
    --trust "$r/ca.rsa.crt" --email Alice@smime.example "$r/alice.sign.crt"
expect_exit email_other 1 "$WAX" cert verify --trust "$r/ca.rsa.crt" \
    --email bob@smime.example "$r/alice.sign.crt"
expect_text email_other_reason 'WAX_ERR_PATH_NAME_MISMATCH' "$T/out"
expect_exit before_validity 1 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    --at 2020-01-01T00:00:00Z "$r/carlos.sign.crt"
expect_text before_validity_reason 'WAX_ERR_PATH_NOT_YET_VALID' "$T/out"
expect_exit max_depth_0 1 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    --certs "$r/ca.rsa.cross.crt" --max-depth 0 "$r/alice.sign.crt"
expect_text max_depth_0_reason 'WAX_ERR_PATH_TOO_LONG' "$T/out"
expect_exit max_depth_1 0 "$WAX" cert verify --trust "$r/ca.25519.crt" \
    --certs "$r/ca.rsa.cross.crt" --max-depth 1 "$r/alice.sign.crt"

# RFC 4134 (1999, SHA-1, 1024-bit RSA, MD5 CRLs)
at=2010-01-01T00:00:00Z
expect_exit rfc4134_weak_refused 1 "$WAX" cert verify --trust "$c/CarlRSASelf.cer" \
    --at $at "$c/AliceRSASignByCarl.cer"
expect_exit rfc4134_allow_weak 0 "$WAX" cert verify --trust "$c/CarlRSASelf.cer" \
    --at $at --allow-weak "$c/AliceRSASignByCarl.cer"
expect_text rfc4134_weak_warning 'weak' "$T/err"
expect_exit rfc4134_revoked 1 "$WAX" cert verify --trust "$c/CarlRSASelf.cer" \
    --at $at --allow-weak --crl "$c/CarlRSACRLForAll.crl" "$c/AliceRSASignByCarl.cer"
expect_text rfc4134_revoked_reason 'WAX_ERR_PATH_REVOKED' "$T/out"
expect_exit rfc4134_crl_empty 0 "$WAX" cert verify --trust "$c/CarlRSASelf.cer" \
    --at $at --allow-weak --crl "$c/CarlRSACRLEmpty.crl" --revocation require \
    "$c/AliceRSASignByCarl.cer"
expect_exit rfc4134_revocation_off 0 "$WAX" cert verify \
    --trust "$c/CarlRSASelf.cer" --at $at --allow-weak \
    --crl "$c/CarlRSACRLForAll.crl" --revocation off "$c/AliceRSASignByCarl.cer"
expect_exit rfc4134_require_no_crl 1 "$WAX" cert verify \
    --trust "$c/CarlRSASelf.cer" --at $at --allow-weak --revocation require \
    "$c/AliceRSASignByCarl.cer"
expect_text rfc4134_require_reason 'WAX_ERR_PATH_REVOCATION_UNKNOWN' "$T/out"

# --json: one object on standard error, nothing on standard output
expect_exit json_valid 0 "$WAX" cert verify --json --trust "$r/ca.rsa.crt" \
    --email alice@smime.example "$r/alice.sign.crt"
if [ -s "$T/out" ]; then fail json_stdout_empty "output: $(head -c 200 "$T/out")"
else pass json_stdout_empty; fi
expect_text json_verdict '"verdict": "VALID"' "$T/err"
expect_text json_email '"email_match": true' "$T/err"
if command -v python3 >/dev/null; then
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["chain"]) == 2' "$T/err"; then
        pass json_parses; else fail json_parses "$(head -c 300 "$T/err")"; fi
else
    skip json_parses "no python3 to parse the JSON"
fi
expect_exit json_invalid 1 "$WAX" cert verify --json --trust "$r/ca.25519.crt" \
    "$r/alice.sign.crt"
expect_text json_invalid_error '"error": "WAX_ERR_PATH_NO_ISSUER"' "$T/err"

# usage and I/O
expect_exit usage_no_leaf 2 "$WAX" cert verify --trust "$r/ca.rsa.crt"
expect_exit usage_bad_purpose 2 "$WAX" cert verify --purpose mail "$r/alice.sign.crt"
expect_exit usage_bad_time 2 "$WAX" cert verify --at yesterday "$r/alice.sign.crt"
expect_exit usage_bad_revocation 2 "$WAX" cert verify --revocation maybe "$r/alice.sign.crt"
expect_exit usage_bad_depth 2 "$WAX" cert verify --max-depth x "$r/alice.sign.crt"
expect_exit usage_dns_and_ip 2 "$WAX" cert verify --dns a.example --ip 192.0.2.1 "$r/alice.sign.crt"
expect_exit usage_bad_dns 2 "$WAX" cert verify --trust "$r/ca.rsa.crt" --dns 'a b' "$r/alice.sign.crt"
expect_exit missing_file 2 "$WAX" cert verify "$T/nonexistent.crt"
expect_exit missing_trust_file 2 "$WAX" cert verify --trust "$T/nonexistent.crt" "$r/alice.sign.crt"
printf 'not a certificate' >"$T/junk.crt"
expect_exit junk_leaf 1 "$WAX" cert verify --trust "$r/ca.rsa.crt" "$T/junk.crt"
expect_exit help 0 "$WAX" cert verify --help
expect_text help_text 'usage: wax cert verify' "$T/out"
exit $tests_failed
