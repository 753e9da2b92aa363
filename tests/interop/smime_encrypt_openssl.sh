#!/usr/bin/env bash
# Encryption between wax and OpenSSL, both ways (certificates from
# wax-mkcert: root CA -> bob, carol, RSA-2048 encryption certificates):
#  - wax encrypt (AES-CBC with RSA PKCS#1 v1.5 and with --rsa-oaep;
#    --cipher aes128/aes256-gcm; MIME, DER and PEM; several recipients; a
#    2 MiB message) -> `openssl cms -decrypt` / `openssl smime -decrypt`
#    give identical bytes;
#  - `openssl cms -encrypt` (-aes128, -aes256, -des3, -aes-128/256-gcm,
#    -keyopt rsa_padding_mode:oaep, several recipients) and
#    `openssl smime -encrypt` -> `wax decrypt` gives identical bytes and the
#    verdict SECURITY.md fixes (CBC: DECRYPTED_UNAUTHENTICATED, GCM:
#    DECRYPTED_AUTHENTICATED). 3DES is not a weak cipher by SECURITY.md
#    rule 7 (which names DES and RC2): it decrypts without --allow-weak;
#    DES and RC2 are refused without it and decrypt with it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have openssl; then
    skip openssl "the openssl command is not installed"
    exit 0
fi
need_wax encrypt decrypt
make_pki
make_messages
BOB="$T/bob.enc.pem"
CAROL="$T/carol.enc.pem"

# ---- wax encrypt -> openssl decrypt
# wax_to_openssl NAME INFORM INPUT EXPECT WAX_ENCRYPT_ARGS...
wax_to_openssl() {
    local name=$1 inform=$2 input=$3 expect=$4; shift 4
    local e="$T/wax-$name.enc"
    wax_make "wax-encrypt-$name" "$e" encrypt "$@" "$input" || return
    peer_expect "wax-$name-openssl-cms-decrypt" "$expect" "$T/o-cms-$name" \
        openssl cms -decrypt -recip "$T/bob.enc.crt" -inkey "$T/bob.enc.key" \
        -inform "$inform" -in "$e" -out "$T/o-cms-$name"
}
wax_to_openssl cbc-default SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt"
wax_to_openssl aes128-cbc SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" \
    --cipher aes128-cbc
wax_to_openssl aes192-cbc SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" \
    --cipher aes192-cbc
wax_to_openssl aes256-cbc-oaep SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" \
    --cipher aes256-cbc --rsa-oaep
wax_to_openssl aes256-gcm SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" \
    --cipher aes256-gcm
wax_to_openssl aes128-gcm-oaep SMIME "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" \
    --cipher aes128-gcm --rsa-oaep
wax_to_openssl mail SMIME "$T/mail.txt" "$T/ent.txt" -r "$T/bob.enc.crt"
wax_to_openssl der DER "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" --format der
wax_to_openssl der-gcm DER "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" --format der \
    --cipher aes256-gcm
wax_to_openssl pem PEM "$T/ent.txt" "$T/ent.txt" -r "$T/bob.enc.crt" --format pem
wax_to_openssl big-cbc SMIME "$T/big.txt" "$T/big.txt" -r "$T/bob.enc.crt"
wax_to_openssl big-gcm-der DER "$T/big.txt" "$T/big.txt" -r "$T/bob.enc.crt" \
    --cipher aes256-gcm --format der
# openssl smime (the PKCS#7 code path) reads wax's EnvelopedData too
if wax_make wax-encrypt-smime "$T/wax-smime.enc" encrypt -r "$T/bob.enc.crt" "$T/ent.txt"; then
    peer_expect wax-cbc-openssl-smime-decrypt "$T/ent.txt" "$T/o-smime" \
        openssl smime -decrypt -recip "$T/bob.enc.crt" -inkey "$T/bob.enc.key" \
        -in "$T/wax-smime.enc" -out "$T/o-smime"
fi
# several recipients: each one decrypts with its own key
if wax_make wax-encrypt-two "$T/wax-two.enc" encrypt -r "$T/bob.enc.crt" \
    -r "$T/carol.enc.crt" --rsa-oaep "$T/ent.txt"; then
    for who in bob carol; do
        peer_expect "wax-two-recipients-openssl-decrypt-$who" "$T/ent.txt" "$T/o-two-$who" \
            openssl cms -decrypt -recip "$T/$who.enc.crt" -inkey "$T/$who.enc.key" \
            -in "$T/wax-two.enc" -out "$T/o-two-$who"
    done
fi

# ---- openssl encrypt -> wax decrypt
# openssl_to_wax NAME INPUT EXPECT VERDICT WAX_ID WAX_ARGS(string) OPENSSL_ARGS...
openssl_to_wax() {
    local name=$1 input=$2 expect=$3 verdict=$4 id=$5 waxargs=$6; shift 6
    local e="$T/ossl-$name.enc"
    peer_make "openssl-$name-wax-decrypt" openssl cms -encrypt -in "$input" -out "$e" "$@" ||
        return
    # shellcheck disable=SC2086
    wax_expect "openssl-$name-wax-decrypt" 0 "$verdict" "$expect" decrypt -i "$id" \
        $waxargs "$e"
}
U=DECRYPTED_UNAUTHENTICATED
A=DECRYPTED_AUTHENTICATED
# MIME form: wax writes "MIME-Version: 1.0" and the decrypted entity
# (smime.h decrypt); the DER form gives the content exactly.
openssl_to_wax aes128 "$T/ent.txt" "$T/mvent.txt" $U "$BOB" "" -aes128 "$T/bob.enc.crt"
openssl_to_wax aes256 "$T/ent.txt" "$T/mvent.txt" $U "$BOB" "" -aes256 "$T/bob.enc.crt"
openssl_to_wax des3 "$T/ent.txt" "$T/mvent.txt" $U "$BOB" "" -des3 "$T/bob.enc.crt"
openssl_to_wax aes256-gcm "$T/ent.txt" "$T/mvent.txt" $A "$BOB" "" -aes-256-gcm \
    "$T/bob.enc.crt"
openssl_to_wax aes128-gcm "$T/ent.txt" "$T/mvent.txt" $A "$BOB" "" -aes-128-gcm \
    "$T/bob.enc.crt"
openssl_to_wax oaep "$T/ent.txt" "$T/mvent.txt" $U "$BOB" "" -aes256 \
    -recip "$T/bob.enc.crt" -keyopt rsa_padding_mode:oaep
openssl_to_wax oaep-sha256 "$T/ent.txt" "$T/mvent.txt" $U "$BOB" "" -aes256 \
    -recip "$T/bob.enc.crt" -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256
openssl_to_wax oaep-gcm "$T/ent.txt" "$T/mvent.txt" $A "$BOB" "" -aes-256-gcm \
    -recip "$T/bob.enc.crt" -keyopt rsa_padding_mode:oaep
openssl_to_wax der-binary "$T/bin.dat" "$T/bin.dat" $U "$BOB" "" -aes256 -binary \
    -outform DER "$T/bob.enc.crt"
openssl_to_wax der-gcm-binary "$T/bin.dat" "$T/bin.dat" $A "$BOB" "" -aes-256-gcm \
    -binary -outform DER "$T/bob.enc.crt"
openssl_to_wax pem "$T/ent.txt" "$T/ent.txt" $U "$BOB" "" -aes256 -outform PEM \
    "$T/bob.enc.crt"
openssl_to_wax stream-der "$T/big.txt" "$T/big.txt" $U "$BOB" "" -aes256 -binary \
    -stream -outform DER "$T/bob.enc.crt"
{ printf 'MIME-Version: 1.0\r\n'; cat "$T/big.txt"; } >"$T/mvbig.txt"
openssl_to_wax stream-mime "$T/big.txt" "$T/mvbig.txt" $U "$BOB" "" -aes256 -stream \
    "$T/bob.enc.crt"
for who in bob carol; do
    openssl_to_wax "two-recipients-$who" "$T/ent.txt" "$T/mvent.txt" $U \
        "$T/$who.enc.pem" "" -aes256 "$T/bob.enc.crt" "$T/carol.enc.crt"
done
# a message with outer fields: wax writes them back before the entity
peer_make openssl-headers-wax-decrypt openssl cms -encrypt -in "$T/ent.txt" \
    -out "$T/ossl-headers.enc" -from alice@example.org -to bob@example.org \
    -subject "wax interop" -aes256 "$T/bob.enc.crt" &&
{
    # the outer fields as openssl wrote them, CRLF, then MIME-Version
    sed -n '/^$/q; /^\(MIME-Version\|Content-\)/Id; p' "$T/ossl-headers.enc" |
        sed 's/\r*$/\r/' >"$T/headers.exp"
    printf 'MIME-Version: 1.0\r\n' >>"$T/headers.exp"
    cat "$T/ent.txt" >>"$T/headers.exp"
    wax_expect openssl-headers-wax-decrypt 0 $U "$T/headers.exp" decrypt -i "$BOB" \
        "$T/ossl-headers.enc"
}
# openssl smime -encrypt (PKCS#7 code path)
peer_make openssl-smime-wax-decrypt openssl smime -encrypt -aes256 -in "$T/ent.txt" \
    -out "$T/ossl-smime.enc" "$T/bob.enc.crt" &&
    wax_expect openssl-smime-wax-decrypt 0 $U "$T/mvent.txt" decrypt -i "$BOB" \
        "$T/ossl-smime.enc"
# --require-auth: CBC fails (nothing written), GCM passes
wax_expect openssl-aes256-wax-decrypt-require-auth 1 DECRYPT_FAILED none decrypt \
    -i "$BOB" --require-auth "$T/ossl-aes256.enc"
wax_expect openssl-aes256-gcm-wax-decrypt-require-auth 0 $A "$T/mvent.txt" decrypt \
    -i "$BOB" --require-auth "$T/ossl-aes256-gcm.enc"

# DES and RC2 (SECURITY.md rule 7): refused by default, read with --allow-weak
for weak in des rc2-40 rc2-128; do
    if ! openssl cms -encrypt -provider legacy -provider default -"$weak" -binary \
        -outform DER -in "$T/ent.txt" -out "$T/ossl-$weak.enc" "$T/bob.enc.crt" \
        >/dev/null 2>"$T/peer.err"; then
        skip "openssl-$weak-wax-decrypt" "openssl cannot encrypt with $weak (no legacy provider)"
        continue
    fi
    wax_expect "openssl-$weak-wax-decrypt-refused" 1 DECRYPT_FAILED none decrypt \
        -i "$BOB" "$T/ossl-$weak.enc"
    wax_expect "openssl-$weak-wax-decrypt-allow-weak" 0 $U "$T/ent.txt" decrypt \
        -i "$BOB" --allow-weak "$T/ossl-$weak.enc"
done
exit $tests_failed
