#!/usr/bin/env bash
# tests/cli/store_gpgsm.sh - `wax id export --legacy` makes a PKCS#12 file
# gpgsm 2.2 imports: the key then decrypts what wax encrypted to it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

if ! command -v gpgsm >/dev/null 2>&1; then
    skip gpgsm "gpgsm is not installed"
    exit 0
fi
if ! setup_pki; then
    skip all "wax-mkcert failed: $(head -c 200 "$T/mk.err")"
    exit 0
fi
S=$T/store.db
w() { "$WAX" --store "$S" "$@"; }
bob_fp=$("$WAX" cert show --json "$T/bob.crt" | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p')
export GNUPGHOME=$T/gnupg
mkdir -m 700 "$GNUPGHOME"
echo disable-crl-checks >"$GNUPGHOME/gpgsm.conf"
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
PASS=(--batch --pinentry-mode loopback --passphrase-fd 0)

expect_exit id_import 0 w id import "$T/bob.pem" --store-pass pass:s
expect_exit id_export_legacy 0 w id export "$bob_fp" -o "$T/bob.p12" --legacy \
    --pass pass:bob --store-pass pass:s
gpgsm --batch --import "$T/ca.crt" >/dev/null 2>&1
if echo bob | gpgsm "${PASS[@]}" --import "$T/bob.p12" >"$T/gi.out" 2>"$T/gi.err" &&
    gpgsm --batch --list-secret-keys 2>/dev/null | grep -q "CN=Bob"; then
    pass gpgsm_imports_legacy_export
else
    fail gpgsm_imports_legacy_export "$(tr '\n' ' ' <"$T/gi.err" | head -c 300)"
fi
msg "$T/m.eml" alice@example.org
w cert import "$T/bob.crt" >/dev/null 2>&1
expect_exit encrypt_der 0 w encrypt -r bob@example.org --format der "$T/m.eml" -o "$T/e.der"
if echo bob | gpgsm "${PASS[@]}" --output "$T/d.out" --decrypt "$T/e.der" 2>"$T/gd.err" &&
    grep -q "The secret word is xylophone" "$T/d.out"; then
    pass gpgsm_decrypts_with_exported_key
else
    fail gpgsm_decrypts_with_exported_key "$(tr '\n' ' ' <"$T/gd.err" | head -c 300)"
fi
exit 0
