#!/usr/bin/env bash
# tests/cli/store_cmds.sh - the store on the command line: --store, the
# default path, file modes, cert import/list/show/export/trust/untrust/rm,
# crl import/list, id import/list/export/rm, -r ADDRESS, -i ADDRESS, verify
# with the store's anchors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../smime_lib.sh"

if ! setup_pki; then
    skip all "wax-mkcert failed: $(head -c 200 "$T/mk.err")"
    exit 0
fi
S=$T/s/store.db
w() { "$WAX" --store "$S" "$@"; }
fp_of() { "$WAX" cert show --json "$1" | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' | head -1; }

# --- reading never creates a store; writing creates it 0600 in a 0700 dir
expect_exit list_empty 0 w cert list
[ ! -e "$T/s" ] && pass read_creates_nothing || fail read_creates_nothing "store created by a listing"
expect_exit import_ca 0 w cert import "$T/ca.crt"
mode=$(stat -c %a "$S" 2>/dev/null)
[ "$mode" = 600 ] && pass store_mode_0600 || fail store_mode_0600 "mode $mode"
dmode=$(stat -c %a "$T/s" 2>/dev/null)
[ "$dmode" = 700 ] && pass store_dir_0700 || fail store_dir_0700 "mode $dmode"

expect_exit rm_missing_store 1 "$WAX" --store "$T/none/x.db" cert rm "$(printf '%064d' 0)"
[ ! -e "$T/none" ] && pass rm_creates_nothing || fail rm_creates_nothing "store created by rm"
expect_exit export_missing_store 1 "$WAX" --store "$T/none/x.db" cert export "$(printf '%064d' 0)"
[ ! -e "$T/none" ] && pass export_creates_nothing || fail export_creates_nothing "store created"

"$WAX" --store="$T/eq.db" cert import "$T/ca.crt" >/dev/null 2>&1
[ -f "$T/eq.db" ] && pass store_equals_form || fail store_equals_form "no $T/eq.db"
expect_exit store_needs_path 2 "$WAX" --store

# --- default path: WAX_STORE, XDG_DATA_HOME, HOME
WAX_STORE=$T/env.db "$WAX" cert import "$T/ca.crt" >/dev/null 2>&1
[ -f "$T/env.db" ] && pass wax_store_env || fail wax_store_env "no $T/env.db"
(unset WAX_STORE; XDG_DATA_HOME=$T/xdg "$WAX" cert import "$T/ca.crt" >/dev/null 2>&1)
[ -f "$T/xdg/wax/store.db" ] && pass xdg_default || fail xdg_default "no xdg store"
(unset WAX_STORE XDG_DATA_HOME; HOME=$T/home "$WAX" cert import "$T/ca.crt" >/dev/null 2>&1)
[ -f "$T/home/.local/share/wax/store.db" ] && pass home_default || fail home_default "no home store"
[ "$(stat -c %a "$T/home/.local/share/wax")" = 700 ] && pass home_dir_0700 ||
    fail home_dir_0700 "mode $(stat -c %a "$T/home/.local/share/wax")"

# --- import / list / export round trips
ca_fp=$(fp_of "$T/ca.crt")
bob_fp=$(fp_of "$T/bob.crt")
expect_exit import_bob 0 w cert import "$T/bob.crt"
grep -q "^$bob_fp imported" "$T/out" && pass import_prints_fp || fail import_prints_fp "$(cat "$T/out")"
expect_exit import_again 0 w cert import "$T/bob.crt"
grep -q "already stored" "$T/out" && pass import_idempotent || fail import_idempotent "$(cat "$T/out")"
w cert list >"$T/list" 2>"$T/err"
grep -q "^$bob_fp .*bob@example.org CN=Bob" "$T/list" && grep -q "^$ca_fp C" "$T/list" &&
    pass list_human || fail list_human "$(cat "$T/list" "$T/err")"
w cert list --email BOB@EXAMPLE.ORG >"$T/list" 2>"$T/err"
[ "$(wc -l <"$T/list")" -eq 0 ] && pass list_email_local_part_exact ||
    fail list_email_local_part_exact "$(cat "$T/list")"
w cert list --email bob@EXAMPLE.org >"$T/list" 2>"$T/err"
[ "$(wc -l <"$T/list")" -eq 1 ] && grep -q "^$bob_fp" "$T/list" && pass list_email_domain_case ||
    fail list_email_domain_case "$(cat "$T/list")"
if $have_python; then
    w cert list --json >"$T/list.json" 2>"$T/err"
    python3 -c '
import json,sys
l=json.load(open(sys.argv[1]))
assert any(c["sha256"]==sys.argv[2] and c["emails"]==["bob@example.org"] and c["can_encrypt"] for c in l)
assert any(c["sha256"]==sys.argv[3] and c["ca"] for c in l)
' "$T/list.json" "$bob_fp" "$ca_fp" && pass list_json || fail list_json "$(head -c 300 "$T/list.json")"
    w id list --json >"$T/ids.json" 2>&1
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))==[]' "$T/ids.json" &&
        pass id_list_json_empty || fail id_list_json_empty "$(cat "$T/ids.json")"
else
    skip list_json "no python3"
fi
w cert export "$bob_fp" --format der -o "$T/bob.der" 2>"$T/err"
sed -n '/BEGIN CERT/,/END CERT/p' "$T/bob.crt" | grep -v -- ----- | base64 -d >"$T/bob.want.der"
cmp -s "$T/bob.der" "$T/bob.want.der" && pass export_der_equal || fail export_der_equal "$(cat "$T/err")"
w cert export "$bob_fp" >"$T/bob.exp.pem" 2>"$T/err"
"$WAX" cert show "$T/bob.exp.pem" >"$T/show1" 2>&1
"$WAX" cert show "$T/bob.crt" | sed "s|$T/bob.crt|$T/bob.exp.pem|" >"$T/show2" 2>&1
cmp -s "$T/show1" "$T/show2" && pass export_pem_roundtrip || fail export_pem_roundtrip "$(diff "$T/show1" "$T/show2" | head -3)"
w cert show "$bob_fp" >"$T/show3" 2>&1
sed "s|$T/bob.exp.pem|$bob_fp|" "$T/show1" | cmp -s - "$T/show3" && pass show_stored_fp ||
    fail show_stored_fp "$(head -c 300 "$T/show3")"
expect_exit show_unknown_fp 1 w cert show "$(printf '%064d' 0)"
expect_exit export_unknown 1 w cert export "$(printf '%064d' 0)"
expect_exit export_bad_fp 2 w cert export 1234

# --- trust, then verify without --trust
msg "$T/m.eml" alice@example.org
"$WAX" sign -i "$T/alice.pem" "$T/m.eml" -o "$T/signed.eml" 2>"$T/err" || fail sign "$(cat "$T/err")"
expect_exit verify_untrusted_before 1 w verify "$T/signed.eml" -o /dev/null
expect_exit trust_ca 0 w cert trust "$ca_fp"
w cert list | grep -q "^$ca_fp .*trust=smime" && pass list_shows_trust || fail list_shows_trust "$(w cert list)"
expect_exit verify_store_anchor 0 w verify "$T/signed.eml" -o "$T/content"
grep -q xylophone "$T/content" && pass verify_content || fail verify_content "no content"
expect_exit untrust_ca 0 w cert untrust "$ca_fp"
expect_exit verify_untrusted_after 1 w verify "$T/signed.eml" -o /dev/null
expect_exit trust_by_file 0 w cert trust "$T/ca.crt" --purpose any
expect_exit verify_any_anchor 0 w verify "$T/signed.eml" -o /dev/null
expect_exit trust_unknown 1 w cert trust "$(printf '%064d' 0)"

# --- CRLs
if command -v openssl >/dev/null 2>&1; then
    mkdir -p "$T/ca.d" && : >"$T/ca.d/index.txt" && echo 01 >"$T/ca.d/crlnumber"
    cat >"$T/ca.d/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $T/ca.d/index.txt
crlnumber = $T/ca.d/crlnumber
default_md = sha256
default_crl_days = 30
CNF
    openssl ca -config "$T/ca.d/ca.cnf" -keyfile "$T/ca.key" -cert "$T/ca.crt" \
        -revoke "$T/alice.crt" >/dev/null 2>&1
    openssl ca -config "$T/ca.d/ca.cnf" -keyfile "$T/ca.key" -cert "$T/ca.crt" \
        -gencrl -out "$T/ca.crl" >/dev/null 2>&1
    if [ -s "$T/ca.crl" ]; then
        expect_exit crl_import 0 w crl import "$T/ca.crl"
        w crl list >"$T/crls" 2>&1
        grep -q "CN=wax test CA" "$T/crls" && pass crl_list || fail crl_list "$(cat "$T/crls")"
        expect_exit verify_revoked_by_store_crl 1 w verify "$T/signed.eml" -o /dev/null
        grep -q -i revoked "$T/err" && pass verify_revoked_reason || fail verify_revoked_reason "$(head -c 300 "$T/err")"
    else
        skip crl "openssl ca could not make a CRL"
    fi
else
    skip crl "no openssl"
fi
expect_exit crl_import_not_crl 2 w crl import "$T/bob.crt"

# --- rm
expect_exit rm_bob 0 w cert rm "$bob_fp"
w cert list | grep -q "$bob_fp" && fail rm_gone "still listed" || pass rm_gone
expect_exit rm_again 1 w cert rm "$bob_fp"

# --- encrypt -r ADDRESS, decrypt -i ADDRESS
expect_exit encrypt_unknown_address 2 w encrypt -r bob@example.org "$T/m.eml" -o "$T/x"
w cert import "$T/bob.crt" >/dev/null 2>&1
expect_exit encrypt_r_address 0 w encrypt -r bob@example.org "$T/m.eml" -o "$T/enc.eml"
expect_exit decrypt_file_id 0 "$WAX" decrypt -i "$T/bob.pem" "$T/enc.eml" -o "$T/dec"
expect_exit encrypt_r_fp 0 w encrypt -r "$bob_fp" "$T/m.eml" -o "$T/enc2.eml"
expect_exit decrypt_file_id2 0 "$WAX" decrypt -i "$T/bob.pem" "$T/enc2.eml" -o /dev/null
expect_exit decrypt_no_id_in_store 2 w decrypt -i bob@example.org "$T/enc.eml" -o /dev/null
expect_exit id_import_needs_choice 2 w id import "$T/bob.pem" </dev/null
grep -q WAX_ERR_CLI_NO_PASSWORD "$T/err" && pass id_import_needs_choice_code ||
    fail id_import_needs_choice_code "$(cat "$T/err")"
expect_exit id_import_pem 0 w id import "$T/bob.pem" --store-pass pass:secret
w id list >"$T/ids" 2>&1
grep -q "^$bob_fp protected .*bob@example.org" "$T/ids" && pass id_list || fail id_list "$(cat "$T/ids")"
expect_exit decrypt_i_address 0 w decrypt -i bob@example.org --pass pass:secret "$T/enc.eml" -o "$T/dec"
cmp -s "$T/dec" "$T/m.eml" && pass decrypt_i_address_content || fail decrypt_i_address_content "differs"
expect_exit decrypt_i_fp 0 w decrypt -i "$bob_fp" --pass pass:secret "$T/enc.eml" -o /dev/null
expect_exit decrypt_wrong_pass 2 w decrypt -i bob@example.org --pass pass:wrong "$T/enc.eml" -o /dev/null
expect_exit decrypt_no_pass 2 w decrypt -i bob@example.org "$T/enc.eml" -o /dev/null </dev/null
expect_exit cert_rm_in_use 2 w cert rm "$bob_fp"
expect_exit sign_i_address 0 w sign -i bob@example.org --pass pass:secret "$T/m.eml" -o "$T/bsigned.eml"
expect_exit verify_bob_signed 0 w verify "$T/bsigned.eml" --from bob@example.org -o /dev/null

# a second key of the same address (renewal): decrypt tries every key
mk bob2 --subject "CN=Bob,O=wax tests" --email bob@example.org --profile dual
bob2_fp=$(fp_of "$T/bob2.crt")
expect_exit id_import_no_pass 0 w id import "$T/bob2.pem" --no-passphrase
w id list | grep -q "^$bob2_fp PLAIN" && pass id_list_plain || fail id_list_plain "$(w id list)"
expect_exit decrypt_old_key_by_address 0 w decrypt -i bob@example.org --pass pass:secret "$T/enc.eml" -o /dev/null
# a third key under another passphrase: keys --pass does not open are skipped
mk bob3 --subject "CN=Bob,O=wax tests" --email bob@example.org --profile dual
expect_exit id_import_other_pass 0 w id import "$T/bob3.pem" --store-pass pass:other
expect_exit decrypt_skips_locked_keys 0 w decrypt -i bob@example.org --pass pass:secret "$T/enc.eml" -o /dev/null
w encrypt -r "$T/bob3.crt" "$T/m.eml" -o "$T/enc3.eml" 2>/dev/null
expect_exit decrypt_third_key 0 w decrypt -i bob@example.org --pass pass:other "$T/enc3.eml" -o /dev/null
# a wrong --pass opens only the plain bob2 key, which is not a recipient
expect_exit decrypt_wrong_pass_plain_only 1 w decrypt -i bob@example.org --pass pass:nothing "$T/enc3.eml" -o /dev/null </dev/null
grep -q WAX_ERR_CMS_NO_RECIPIENT "$T/err" && pass decrypt_wrong_pass_plain_only_code ||
    fail decrypt_wrong_pass_plain_only_code "$(cat "$T/err")"

# PKCS#12 import (RFC 9216 bob.p12), decrypt with -i ADDRESS
if [ -f "$SAMPLES/bob.p12" ]; then
    expect_exit id_import_p12 0 w id import "$SAMPLES/bob.p12" --pass pass:bob --store-pass pass:s2
    "$WAX" encrypt -r "$SAMPLES/bob.encrypt.crt" --at "$SAMPLE_AT" "$T/m.eml" -o "$T/enc9216.eml" 2>"$T/err"
    expect_exit decrypt_p12_by_address 0 w decrypt -i bob@smime.example --pass pass:s2 "$T/enc9216.eml" -o "$T/dec9216"
    cmp -s "$T/dec9216" "$T/m.eml" && pass decrypt_p12_content || fail decrypt_p12_content differs
else
    skip id_import_p12 "no $SAMPLES/bob.p12"
fi

# id export (modern) re-imports into wax
expect_exit id_export_modern 0 w id export "$bob_fp" -o "$T/bob.out.p12" --pass pass:exp --store-pass pass:secret
S2=$T/s2.db
expect_exit id_reimport 0 "$WAX" --store "$S2" id import "$T/bob.out.p12" --pass pass:exp --no-passphrase
"$WAX" --store "$S2" id list | grep -q "^$bob_fp PLAIN" && pass id_reimport_listed || fail id_reimport_listed "$("$WAX" --store "$S2" id list 2>&1)"
expect_exit id_reimport_decrypts 0 "$WAX" --store "$S2" decrypt -i bob@example.org "$T/enc.eml" -o /dev/null
expect_exit id_export_wrong_store_pass 2 w id export "$bob_fp" -o "$T/x.p12" --pass pass:exp --store-pass pass:nope
[ ! -e "$T/x.p12" ] && pass id_export_fail_no_file || fail id_export_fail_no_file "file left"
expect_exit id_export_needs_o 2 w id export "$bob_fp" --pass pass:exp
expect_exit id_rm 0 w id rm "$bob_fp"
expect_exit id_rm_again 1 w id rm "$bob_fp"
expect_exit cert_rm_after_id_rm 0 w cert rm "$bob_fp"

exit 0
