#!/usr/bin/env bash
# wax req, wax ca (init, issue, revoke, crl, export) and wax id new, with
# wax alone: usage errors, exit codes and error codes, the files written,
# and a chain issued by `wax ca` read back by `wax verify` (VALID with the
# root, UNTRUSTED + WAX_ERR_PATH_REVOKED with the CA's CRL after a revoke).
# tests/interop/pki_cmds_openssl.sh has the OpenSSL checks.
. "$(dirname "$0")/../lib.sh"
export WAX_STORE="$T/store.db"
unset XDG_DATA_HOME

# check NAME COND-COMMAND... : pass when the command succeeds.
check() {
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name" "$(head -c 300 "$T/err" | tr '\n' ' ')"; fi
}
has_err() { grep -q -- "$1" "$T/err"; }
not_err() { ! grep -q -- "$1" "$T/err"; }

# usage errors: exit 2
expect_exit req-no-email 2 "$WAX" req --subject CN=x --no-passphrase -o "$T/x.req"
expect_exit req-no-pass 2 "$WAX" req --subject CN=x --email x@example.org -o "$T/x.req"
check req-no-pass-says has_err '^wax: error: give --pass SPEC for the new key or --no-passphrase'
expect_exit req-bad-key 2 "$WAX" req --subject CN=x --email x@example.org --key rsa1024 \
    --no-passphrase -o "$T/x.req"
expect_exit req-bad-usage 2 "$WAX" req --subject CN=x --email x@example.org --usage all \
    --no-passphrase -o "$T/x.req"
expect_exit req-pass-and-no-pass 2 "$WAX" req --subject CN=x --email x@example.org \
    --pass pass:x --no-passphrase -o "$T/x.req"
check req-nothing-written test ! -e "$T/x.req" -a ! -e "$T/x.req.key"
expect_exit ca-no-sub 2 "$WAX" ca
expect_exit ca-unknown-sub 2 "$WAX" ca frobnicate
expect_exit ca-init-bad-name 2 "$WAX" ca init --name "a b" --subject CN=x --no-passphrase
expect_exit ca-issue-unknown-ca 2 "$WAX" ca issue --ca nosuch "$T/x.req" -o "$T/x.crt"
expect_exit ca-days-zero 2 "$WAX" ca crl --ca nosuch --days 0 -o "$T/x.crl"
expect_exit id-no-ca 2 "$WAX" id new --email x@example.org --no-passphrase
expect_exit help-req 0 "$WAX" req --help
expect_exit help-ca 0 "$WAX" ca --help

# refusals by libwax: exit 1 with the exact code
expect_exit req-bad-dn 1 "$WAX" req --subject "CN=a,,O=b" --email x@example.org \
    --no-passphrase -o "$T/x.req"
check req-bad-dn-code has_err 'WAX_ERR_PKI_BAD_DN'
expect_exit req-bad-email 1 "$WAX" req --subject CN=x --email "not an address" \
    --key p256 --no-passphrase -o "$T/x.req"
check req-bad-email-code has_err 'WAX_ERR_PKI_BAD_EMAIL'
expect_exit req-ed25519-encrypt 1 "$WAX" req --subject CN=x --email x@example.org \
    --key ed25519 --usage encrypt --no-passphrase -o "$T/x.req"
check req-ed25519-encrypt-code has_err 'WAX_ERR_PKI_KEY_USAGE_MISMATCH'

# a root and an intermediate
expect_exit ca-init-root 0 "$WAX" ca init --name root --subject "CN=Test Root,O=Wax" \
    --key p256 --no-passphrase
check ca-init-root-out grep -Eq "^root CA 'root' [0-9a-f]{64}$" "$T/out"
expect_exit ca-init-dup 2 "$WAX" ca init --name root --subject CN=again --no-passphrase
check ca-init-dup-code has_err 'WAX_ERR_STORE_DUPLICATE'
expect_exit ca-init-inter 0 "$WAX" ca init --name inter --issuer root \
    --subject "CN=Test Inter,O=Wax" --pass pass:secret
check ca-init-inter-out grep -Eq "^intermediate CA 'inter' [0-9a-f]{64}$" "$T/out"
check names-file-mode test "$(stat -c %a "$T/store.db.ca-names")" = 600
expect_exit ca-export-root 0 "$WAX" ca export root -o "$T/root.crt"
expect_exit ca-export-inter 0 "$WAX" ca export inter -o "$T/inter.crt"
check ca-export-pem grep -q '^-----BEGIN CERTIFICATE-----$' "$T/root.crt"
expect_exit ca-export-unknown 2 "$WAX" ca export nosuch -o "$T/n.crt"
check ca-export-unknown-code has_err 'WAX_ERR_STORE_NOT_FOUND'

# a request and its waiting key
expect_exit req-bob 0 "$WAX" req --subject "CN=Bob,O=Wax" --email bob@example.org \
    --no-passphrase -o "$T/bob.req"
check req-pem grep -q '^-----BEGIN CERTIFICATE REQUEST-----$' "$T/bob.req"
check req-no-key-file test ! -e "$T/bob.req.key"
check req-pending-out grep -Eq '^pending [0-9a-f]{64}$' "$T/out"
check req-pending-says has_err "its key waits in the store"
expect_exit req-enc 0 "$WAX" req --subject "CN=Eve" --email eve@example.org --key p256 \
    --pass pass:pw -o "$T/eve.req"
check req-enc-no-key-file test ! -e "$T/eve.req.key"

# issuing needs the intermediate's password
expect_exit ca-issue-no-pass 2 "$WAX" ca issue --ca inter "$T/bob.req" -o "$T/bob.crt"
check ca-issue-no-pass-code has_err 'WAX_ERR_CRYPTO_BAD_PASSWORD'
check ca-issue-no-pass-nothing test ! -e "$T/bob.crt"
expect_exit ca-issue-bad-profile 2 "$WAX" ca issue --ca inter --profile ca \
    --ca-pass pass:secret "$T/bob.req" -o "$T/bob.crt"
expect_exit ca-issue-bob 0 "$WAX" ca issue --ca inter --ca-pass pass:secret \
    --profile smime-dual --days 30 "$T/bob.req" -o "$T/bob.crt"
check ca-issue-pem grep -q '^-----BEGIN CERTIFICATE-----$' "$T/bob.crt"
# a damaged request: exit 1, the request's error
sed '2s/^M/N/' "$T/bob.req" >"$T/bad.req"
expect_exit ca-issue-damaged 1 "$WAX" ca issue --ca inter --ca-pass pass:secret \
    "$T/bad.req" -o "$T/bad.crt"

# wax id new: one step into the store
expect_exit id-new 0 "$WAX" id new --email alice@example.org --ca inter \
    --ca-pass pass:secret --key p256 --no-passphrase
check id-new-out grep -Eq '^identity alice@example.org [0-9a-f]{64}$' "$T/out"
expect_exit id-new-unknown-ca 2 "$WAX" id new --email a@example.org --ca nosuch \
    --no-passphrase

# Bob signs; the chain verifies against the root
# Bob's pending key meets its certificate: an identity
cat "$T/bob.crt" "$T/inter.crt" >"$T/bob.pem"
expect_exit cert-import-bob 0 "$WAX" cert import "$T/bob.pem"
check cert-import-bob-says has_err '^wax: identity bob@example.org [0-9a-f]\{64\} (key from wax req)$'
expect_exit id-list-bob 0 "$WAX" id list
check id-list-bob-out grep -q 'bob@example.org' "$T/out"
# Eve's pending key is encrypted: cert import needs her --pass
expect_exit ca-issue-eve 0 "$WAX" ca issue --ca inter --ca-pass pass:secret \
    "$T/eve.req" -o "$T/eve.crt"
expect_exit cert-import-eve-no-pass 2 "$WAX" cert import "$T/eve.crt"
check cert-import-eve-no-pass-code has_err 'WAX_ERR_CRYPTO_BAD_PASSWORD'
expect_exit cert-import-eve-wrong-pass 2 "$WAX" cert import --pass pass:nope "$T/eve.crt"
check cert-import-eve-wrong-pass-code has_err 'WAX_ERR_CRYPTO_BAD_PASSWORD'
expect_exit cert-import-eve 0 "$WAX" cert import --pass pass:pw "$T/eve.crt"
check cert-import-eve-says has_err '^wax: identity eve@example.org [0-9a-f]\{64\} (key from wax req)$'
# again: the key is no longer pending, a plain certificate import
expect_exit cert-import-bob-again 0 "$WAX" cert import "$T/bob.pem"
check cert-import-bob-again-quiet not_err 'key from wax req'
printf 'From: bob@example.org\r\nSubject: t\r\n\r\nhello\r\n' >"$T/msg.txt"
expect_exit bob-signs 0 "$WAX" sign -i bob@example.org -o "$T/signed.eml" "$T/msg.txt"
expect_exit verify-valid 0 "$WAX" verify --trust "$T/root.crt" -o "$T/o.txt" "$T/signed.eml"

# revoke Bob; the CRL carries him; verify with it: UNTRUSTED, REVOKED
expect_exit ca-revoke-bad-reason 2 "$WAX" ca revoke --ca inter --reason bored \
    --ca-pass pass:secret "$T/bob.crt"
expect_exit ca-revoke-wrong-ca 1 "$WAX" ca revoke --ca root "$T/bob.crt"
expect_exit ca-revoke 0 "$WAX" ca revoke --ca inter --reason keyCompromise \
    --ca-pass pass:secret "$T/bob.crt"
check ca-revoke-out grep -qx "revoked $T/bob.crt" "$T/out"
expect_exit ca-crl 0 "$WAX" ca crl --ca inter --ca-pass pass:secret --days 7 -o "$T/inter.crl"
check ca-crl-pem grep -q '^-----BEGIN X509 CRL-----$' "$T/inter.crl"
expect_exit verify-revoked 1 "$WAX" verify --trust "$T/root.crt" --crl "$T/inter.crl" \
    -o "$T/o2.txt" "$T/signed.eml"
check verify-revoked-says grep -q '^wax: verify: UNTRUSTED$' "$T/err"
check verify-revoked-code has_err '(WAX_ERR_PATH_REVOKED)'
check verify-revoked-nothing test ! -e "$T/o2.txt"
# revoking twice keeps one entry; the CRL number goes on
expect_exit ca-revoke-again 0 "$WAX" ca revoke --ca inter --ca-pass pass:secret "$T/bob.crt"
expect_exit ca-crl-again 0 "$WAX" ca crl --ca inter --ca-pass pass:secret -o "$T/inter2.crl"
expect_exit cert-verify-revoked 1 "$WAX" cert verify --trust "$T/root.crt" \
    --certs "$T/inter.crt" --crl "$T/inter2.crl" "$T/bob.crt"
check cert-verify-revoked-code grep -rq 'WAX_ERR_PATH_REVOKED' "$T/err" "$T/out"

# the global --store option reaches the commands
expect_exit global-store 0 "$WAX" --store "$T/other.db" ca init --name r2 \
    --subject CN=R2 --key p256 --no-passphrase
check global-store-file test -s "$T/other.db" -a -s "$T/other.db.ca-names"

# without --store and WAX_STORE: $XDG_DATA_HOME/wax/store.db, else
# ~/.local/share/wax/store.db (directories made as needed)
expect_exit xdg-store 0 env -u WAX_STORE XDG_DATA_HOME="$T/xdg" "$WAX" ca init --name x \
    --subject CN=X --key p256 --no-passphrase
check xdg-store-file test -s "$T/xdg/wax/store.db"
expect_exit home-store 0 env -u WAX_STORE -u XDG_DATA_HOME HOME="$T/home" "$WAX" ca init \
    --name h --subject CN=H --key p256 --no-passphrase
check home-store-file test -s "$T/home/.local/share/wax/store.db"
check home-store-mode test "$(stat -c %a "$T/home/.local/share/wax/store.db")" = 600
# an intermediate under a CA that does not exist: nothing made
expect_exit ca-init-unknown-issuer 2 "$WAX" ca init --name i2 --issuer nosuch \
    --subject CN=I2 --no-passphrase
check ca-init-unknown-issuer-code has_err 'WAX_ERR_STORE_NOT_FOUND'
expect_exit ca-init-unknown-issuer-absent 2 "$WAX" ca export i2 -o "$T/i2.crt"
exit $tests_failed
