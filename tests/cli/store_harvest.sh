#!/usr/bin/env bash
# tests/cli/store_harvest.sh - wax verify --harvest: the signer is stored
# and used by -r; a second key for the same address is warned about
# ("new key for ADDRESS"), stored, and not used by -r until accepted; two
# wax processes on one store at once (harvest and encrypt loops) both
# succeed and lose nothing; the chain's intermediate is harvested; an
# SMIMEEncryptionKeyPreference naming a separate encryption certificate
# makes -r pick that certificate.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

if ! setup_pki; then
    skip all "wax-mkcert failed: $(head -c 200 "$T/mk.err")"
    exit 0
fi
S=$T/store.db
w() { "$WAX" --store "$S" "$@"; }
fp_of() { "$WAX" cert show --json "$1" | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' | head -1; }
mk alice2 --subject "CN=Alice,O=wax tests" --email alice@example.org --profile dual
a1=$(fp_of "$T/alice.crt")
a2=$(fp_of "$T/alice2.crt")
msg "$T/m.eml" alice@example.org
"$WAX" sign -i "$T/alice.pem" "$T/m.eml" -o "$T/s1.eml" 2>/dev/null
"$WAX" sign -i "$T/alice2.pem" "$T/m.eml" -o "$T/s2.eml" 2>/dev/null

# not VALID: nothing harvested
expect_exit harvest_untrusted 1 w verify --harvest "$T/s1.eml" -o /dev/null
w cert list | grep -q . && fail harvest_untrusted_stores_nothing "$(w cert list)" ||
    pass harvest_untrusted_stores_nothing
# without --harvest: nothing stored
expect_exit verify_plain 0 w verify --trust "$T/ca.crt" "$T/s1.eml" -o /dev/null
w cert list | grep -q . && fail no_harvest_no_store "$(w cert list)" || pass no_harvest_no_store

expect_exit harvest_first 0 w verify --trust "$T/ca.crt" --harvest "$T/s1.eml" -o /dev/null
grep -q "new key" "$T/err" && fail harvest_first_no_warning "$(cat "$T/err")" || pass harvest_first_no_warning
w cert list --email alice@example.org | grep -q "^$a1 -SEP " && pass harvest_stored_preferred ||
    fail harvest_stored_preferred "$(w cert list --email alice@example.org)"
expect_exit encrypt_harvested 0 w encrypt -r alice@example.org "$T/m.eml" -o "$T/e1.eml"
expect_exit encrypt_harvested_to_a1 0 "$WAX" decrypt -i "$T/alice.pem" "$T/e1.eml" -o /dev/null

# the second key: warned, stored not preferred, not used by -r
expect_exit harvest_second 0 w verify --trust "$T/ca.crt" --harvest "$T/s2.eml" -o /dev/null
grep -q "warning: new key for alice@example.org: certificate $a2" "$T/err" &&
    pass new_key_warning || fail new_key_warning "$(cat "$T/err")"
w verify --trust "$T/ca.crt" --harvest --json "$T/s2.eml" -o /dev/null 2>"$T/j.err"
json_check new_key_json "$T/j.err" VALID
grep -q "new key for alice@example.org" "$T/j.err" && pass new_key_json_warning ||
    fail new_key_json_warning "$(head -c 300 "$T/j.err")"
w cert list --email alice@example.org | grep -q "^$a2 -SE- " && pass second_not_preferred ||
    fail second_not_preferred "$(w cert list --email alice@example.org)"
w encrypt -r alice@example.org "$T/m.eml" -o "$T/e2.eml" 2>/dev/null
expect_exit r_still_first_key 0 "$WAX" decrypt -i "$T/alice.pem" "$T/e2.eml" -o /dev/null
expect_exit r_not_second_key 1 "$WAX" decrypt -i "$T/alice2.pem" "$T/e2.eml" -o /dev/null

# accepting the new key
expect_exit accept_wrong_address 1 w cert accept "$a2" bob@example.org
expect_exit accept 0 w cert accept "$a2" alice@example.org
w encrypt -r alice@example.org "$T/m.eml" -o "$T/e3.eml" 2>/dev/null
expect_exit r_second_after_accept 0 "$WAX" decrypt -i "$T/alice2.pem" "$T/e3.eml" -o /dev/null
expect_exit harvest_known_quiet 0 w verify --trust "$T/ca.crt" --harvest "$T/s2.eml" -o /dev/null
grep -q "new key" "$T/err" && fail harvest_known_quiet_no_warning "$(cat "$T/err")" ||
    pass harvest_known_quiet_no_warning

# --- the chain: a signer under an intermediate CA; the intermediate is
# harvested with it (the anchor is not)
mk inter --subject "CN=wax test intermediate,O=wax tests" --ca
"$MKCERT" --issuer "$T/inter.crt" --issuer-key "$T/inter.key" \
    --subject "CN=Ivan,O=wax tests" --email ivan@example.org --profile dual \
    --out-cert "$T/ivan.crt" --out-key "$T/ivan.key" >/dev/null 2>"$T/mk.err"
cat "$T/ivan.key" "$T/ivan.crt" "$T/inter.crt" >"$T/ivan.pem"
inter=$(fp_of "$T/inter.crt")
H=$T/chain.db
msg "$T/im.eml" ivan@example.org
"$WAX" sign -i "$T/ivan.pem" "$T/im.eml" -o "$T/is.eml" 2>/dev/null
w cert list | grep -q "^$inter " && fail inter_not_known_before "$(w cert list)" ||
    pass inter_not_known_before
expect_exit harvest_chain 0 w verify --trust "$T/ca.crt" --harvest "$T/is.eml" -o /dev/null
w cert list | grep -q "^$inter " && pass harvest_stores_intermediate ||
    fail harvest_stores_intermediate "$(w cert list)"
w cert list | grep -q "^$(fp_of "$T/ca.crt") " && fail harvest_not_anchor "$(w cert list)" ||
    pass harvest_not_anchor

# --- SMIMEEncryptionKeyPreference: a signing certificate and a separate
# encryption certificate in one identity file; -r picks the encryption one
mk gsig --subject "CN=Grace,O=wax tests" --email grace@example.org --profile sign
mk genc --subject "CN=Grace,O=wax tests" --email grace@example.org --profile encrypt
cat "$T/gsig.pem" "$T/genc.pem" >"$T/grace.pem"
msg "$T/gm.eml" grace@example.org
"$WAX" sign -i "$T/grace.pem" "$T/gm.eml" -o "$T/gs.eml" 2>/dev/null
expect_exit harvest_enc_pref 0 w verify --trust "$T/ca.crt" --harvest "$T/gs.eml" -o /dev/null
w cert list --email grace@example.org | grep -q "^$(fp_of "$T/genc.crt") " &&
    pass harvest_stores_enc_cert || fail harvest_stores_enc_cert "$(w cert list --email grace@example.org)"
expect_exit encrypt_enc_pref 0 w encrypt -r grace@example.org "$T/m.eml" -o "$T/ge.eml"
expect_exit enc_pref_decrypts_with_enc_key 0 "$WAX" decrypt -i "$T/genc.pem" "$T/ge.eml" -o /dev/null

# --- two processes on one store at once
C=$T/conc.db
"$WAX" --store "$C" cert import "$T/bob.crt" >/dev/null 2>&1
for n in 1 2 3 4 5; do
    mk "h$n" --subject "CN=H$n,O=wax tests" --email "h$n@example.org" --profile dual
    msg "$T/hm$n.eml" "h$n@example.org"
    "$WAX" sign -i "$T/h$n.pem" "$T/hm$n.eml" -o "$T/hs$n.eml" 2>/dev/null
done
(
    rc=0
    for i in $(seq 1 20); do
        n=$(( (i - 1) % 5 + 1 ))
        "$WAX" --store "$C" verify --trust "$T/ca.crt" --harvest "$T/hs$n.eml" -o /dev/null \
            2>>"$T/harvest.log" || rc=1
    done
    exit $rc
) &
hp=$!
(
    rc=0
    for i in $(seq 1 20); do
        "$WAX" --store "$C" encrypt -r bob@example.org "$T/m.eml" -o "$T/ce$i.eml" \
            2>>"$T/enc.log" || rc=1
    done
    exit $rc
) &
ep=$!
wait $hp; hrc=$?
wait $ep; erc=$?
[ $hrc -eq 0 ] && pass concurrent_harvest || fail concurrent_harvest "$(tail -c 300 "$T/harvest.log")"
[ $erc -eq 0 ] && pass concurrent_encrypt || fail concurrent_encrypt "$(tail -c 300 "$T/enc.log")"
got=0
for n in 1 2 3 4 5; do
    "$WAX" --store "$C" cert list --email "h$n@example.org" | grep -q "CN=H$n" && got=$((got + 1))
done
[ $got -eq 5 ] && pass concurrent_nothing_lost || fail concurrent_nothing_lost "$got of 5 harvested"
"$WAX" decrypt -i "$T/bob.pem" "$T/ce20.eml" -o /dev/null 2>/dev/null &&
    pass concurrent_encrypt_output || fail concurrent_encrypt_output "ce20 does not decrypt"
exit 0
