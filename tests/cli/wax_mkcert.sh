#!/usr/bin/env bash
# tools/wax-mkcert, the test and demo certificate maker: its usage
# contract, exit codes and error codes, and the files it writes as read by
# wax itself (no peer needed; tests/interop/pki_openssl.sh has the peers).
. "$(dirname "$0")/../lib.sh"
MKCERT=$(dirname "$WAX")/wax-mkcert
if [ ! -x "$MKCERT" ]; then
    fail wax-mkcert "no $MKCERT (make builds it)"
    exit 1
fi

# --help says what the tool is and exits 0
expect_exit help 0 "$MKCERT" --help
if grep -q 'TEST AND DEMO TOOL' "$T/out" && grep -q -- '--issuer-key' "$T/out"
then pass help-text; else fail help-text "$(head -c 200 "$T/out")"; fi

# usage errors: exit 2 with an error and a hint
expect_exit no-subject 2 "$MKCERT" --out-cert "$T/x.crt" --out-key "$T/x.key"
expect_exit no-out-cert 2 "$MKCERT" --subject CN=x --out-key "$T/x.key"
expect_exit issuer-without-key 2 "$MKCERT" --subject CN=x --issuer "$T/x.crt" \
    --out-cert "$T/x.crt" --out-key "$T/x.key"
expect_exit unknown-option 2 "$MKCERT" --subject CN=x --frobnicate 1 \
    --out-cert "$T/x.crt" --out-key "$T/x.key"
expect_exit unknown-key 2 "$MKCERT" --subject CN=x --key rsa1024 \
    --out-cert "$T/x.crt" --out-key "$T/x.key"
expect_exit ca-contradicts-profile 2 "$MKCERT" --subject CN=x --ca --profile sign \
    --out-cert "$T/x.crt" --out-key "$T/x.key"
if grep -q '^wax-mkcert: error: ' "$T/err" && grep -q '^wax-mkcert: hint: ' "$T/err"
then pass usage-message; else fail usage-message "$(cat "$T/err")"; fi

# refusals by libwax: exit 1 naming the exact code, and no file written
expect_exit bad-dn 1 "$MKCERT" --subject "CN=a,,O=b" --out-cert "$T/x.crt" \
    --out-key "$T/x.key"
if grep -q 'WAX_ERR_PKI_BAD_DN' "$T/err" && [ ! -e "$T/x.crt" ] && [ ! -e "$T/x.key" ]
then pass bad-dn-code; else fail bad-dn-code "$(cat "$T/err")"; fi
expect_exit ed25519-cannot-encrypt 1 "$MKCERT" --subject CN=x --key ed25519 \
    --profile encrypt --out-cert "$T/x.crt" --out-key "$T/x.key"
if grep -q 'WAX_ERR_PKI_KEY_USAGE_MISMATCH' "$T/err"; then pass key-usage-code
else fail key-usage-code "$(cat "$T/err")"; fi
expect_exit bad-email 1 "$MKCERT" --subject CN=x --key p256 --email "not an address" \
    --out-cert "$T/x.crt" --out-key "$T/x.key"
if grep -q 'WAX_ERR_PKI_BAD_EMAIL' "$T/err"; then pass bad-email-code
else fail bad-email-code "$(cat "$T/err")"; fi

# a CA and a person under it, read back by wax
expect_exit make-ca 0 "$MKCERT" --subject "/O=Wax CLI/CN=CLI Root" --ca --key p256 \
    --not-before 2025-01-01T00:00:00Z --not-after 2035-01-01T00:00:00Z \
    --out-cert "$T/ca.crt" --out-key "$T/ca.key"
expect_exit make-person 0 "$MKCERT" --subject "CN=Pat,O=Wax CLI" --email pat@example.org \
    --key ed25519 --profile sign --issuer "$T/ca.crt" --issuer-key "$T/ca.key" \
    --days 10 --out-cert "$T/pat.crt" --out-key "$T/pat.key"
mode=$(stat -c %a "$T/pat.key" 2>/dev/null)
if [ "$mode" = 600 ] && head -1 "$T/pat.key" | grep -q '^-----BEGIN PRIVATE KEY-----$' &&
   head -1 "$T/pat.crt" | grep -q '^-----BEGIN CERTIFICATE-----$'
then pass key-file-mode-and-pem; else fail key-file-mode-and-pem "mode $mode"; fi
if awk 'length($0) > 64 { bad = 1 } END { exit bad }' "$T/pat.crt"; then pass pem-64-columns
else fail pem-64-columns "a line is longer than 64"; fi

if "$WAX" cert show "$T/ca.crt" "$T/pat.crt" >"$T/show" 2>"$T/err"; then
    want="subject: CN=CLI Root,O=Wax CLI|subject: CN=Pat,O=Wax CLI|issuer: CN=CLI Root,O=Wax CLI"
    want="$want|not_before: 2025-01-01T00:00:00Z|not_after: 2035-01-01T00:00:00Z"
    want="$want|emails: pat@example.org|key_usage: digitalSignature, nonRepudiation"
    want="$want|key_usage: keyCertSign, cRLSign|eku: emailProtection|key: ed25519"
    missing=""
    IFS='|' read -r -a pats <<<"$want"
    for p in "${pats[@]}"; do grep -qF "$p" "$T/show" || missing="$missing [$p]"; done
    if [ -z "$missing" ]; then pass wax-reads-back; else fail wax-reads-back "missing:$missing"; fi
else
    fail wax-reads-back "$(head -c 300 "$T/err")"
fi

# an existing, world-readable key file is made private when rewritten
touch "$T/old.key"; chmod 644 "$T/old.key"
expect_exit rewrite-key 0 "$MKCERT" --subject CN=x --key p256 --out-cert "$T/old.crt" \
    --out-key "$T/old.key"
mode=$(stat -c %a "$T/old.key" 2>/dev/null)
if [ "$mode" = 600 ]; then pass rewritten-key-mode; else fail rewritten-key-mode "mode $mode"; fi

# --subject-key reuses a key: the new certificate carries the same key
expect_exit reuse-key 0 "$MKCERT" --subject "CN=Pat again" --subject-key "$T/pat.key" \
    --profile sign --issuer "$T/ca.crt" --issuer-key "$T/ca.key" --out-cert "$T/pat2.crt"
k1=$("$WAX" cert show --json "$T/pat.crt" | grep '"ski"')
k2=$("$WAX" cert show --json "$T/pat2.crt" | grep '"ski"')
if [ -n "$k1" ] && [ "$k1" = "$k2" ]; then pass reuse-key-same-ski; else
    fail reuse-key-same-ski "'$k1' vs '$k2'"; fi

# a person cannot issue
expect_exit leaf-cannot-issue 1 "$MKCERT" --subject CN=x --key p256 --issuer "$T/pat.crt" \
    --issuer-key "$T/pat.key" --out-cert "$T/x.crt" --out-key "$T/x.key"
if grep -q 'WAX_ERR_PKI_ISSUER_NOT_CA' "$T/err"; then pass leaf-cannot-issue-code
else fail leaf-cannot-issue-code "$(cat "$T/err")"; fi

# the request, issue-from-request and CRL modes
expect_exit modes-exclusive 2 "$MKCERT" --subject CN=x --out-req "$T/x.req" \
    --from-req "$T/x.req" --out-key "$T/x.key"
expect_exit from-req-needs-issuer 2 "$MKCERT" --from-req "$T/x.req" --out-cert "$T/x.crt"
expect_exit crl-needs-issuer 2 "$MKCERT" --out-crl "$T/x.crl"
expect_exit from-req-needs-out-cert 2 "$MKCERT" --from-req "$T/x.req" \
    --issuer "$T/pat.crt" --issuer-key "$T/pat.key"
expect_exit unknown-usage 2 "$MKCERT" --subject CN=x --usage sideways \
    --out-req "$T/x.req" --out-key "$T/x.key"
expect_exit unknown-reason 1 "$MKCERT" --out-crl "$T/x.crl" --issuer "$T/pat.crt" \
    --issuer-key "$T/pat.key" --reason bored
if grep -q 'WAX_ERR_PKI_CRL_BAD_REASON' "$T/err" && [ ! -e "$T/x.crl" ]
then pass unknown-reason-code; else fail unknown-reason-code "$(cat "$T/err")"; fi
expect_exit req-x25519 1 "$MKCERT" --subject CN=x --key x25519 --usage encrypt \
    --out-req "$T/x.req" --out-key "$T/x.key"
if grep -q 'WAX_ERR_PKI_REQ_KEY_CANNOT_SIGN' "$T/err" && [ ! -e "$T/x.req" ]
then pass req-x25519-code; else fail req-x25519-code "$(cat "$T/err")"; fi
expect_exit req-ok 0 "$MKCERT" --subject CN=Rita --email rita@example.org --key p256 \
    --usage both --out-req "$T/rita.req" --out-key "$T/rita.key"
if head -1 "$T/rita.req" | grep -q '^-----BEGIN CERTIFICATE REQUEST-----$' &&
    [ "$(stat -c %a "$T/rita.key")" = 600 ]
then pass req-files; else fail req-files "$(head -2 "$T/rita.req")"; fi
exit $tests_failed
