#!/usr/bin/env bash
# wax and OpenSSL with the RFC 9216 sample keys and certificates
# ($WAX_TESTDATA/rfc9216-samples: the LAMPS sample RSA and Ed25519 CAs,
# Alice and Bob with separate RSA signing and encryption certificates,
# Carlos with Ed25519), validated with --at inside their validity:
#  - wax sign with Alice's PEM key and with her PKCS#12 (two keys: wax must
#    pick the signing one) -> openssl cms -verify -CAfile ca.rsa.crt, same
#    content, the signer is alice.sign.crt;
#  - openssl cms -sign (Alice RSA, Carlos Ed25519) -> wax verify VALID;
#  - wax encrypt to bob.encrypt.crt -> openssl decrypt with bob.decrypt.key;
#  - openssl cms -encrypt to Bob -> wax decrypt with bob.p12 (two keys) and
#    with the PEM key.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if [ ! -f "$SAMPLES/ca.rsa.crt" ]; then
    skip rfc9216 "no $SAMPLES (../shared/testdata)"
    exit 0
fi
if ! have openssl; then
    skip openssl "the openssl command is not installed"
    exit 0
fi
need_wax sign verify encrypt decrypt
make_messages
S=$SAMPLES
AT=(--at "$SAMPLE_AT")
cat "$S/alice.sign.key" "$S/alice.sign.crt" >"$T/alice.pem"
cat "$S/bob.decrypt.key" "$S/bob.encrypt.crt" >"$T/bob.pem"
cat "$S/carlos.sign.key" "$S/carlos.sign.crt" >"$T/carlos.pem"
{ printf 'From: alice@smime.example\r\nTo: bob@smime.example\r\nSubject: rfc9216\r\n'
  cat "$T/ent.txt"; } >"$T/mail-alice.txt"
{ printf 'From: carlos@smime.example\r\nTo: bob@smime.example\r\nSubject: rfc9216\r\n'
  cat "$T/ent.txt"; } >"$T/mail-carlos.txt"

# signer_is NAME SIGFILE INFORM CERT: openssl's view of the signer is CERT
signer_is() {
    local name=$1 sig=$2 inform=$3 cert=$4
    if openssl cms -verify -CAfile "$S/ca.rsa.crt" -inform "$inform" -in "$sig" \
        -signer "$T/signer.pem" -out /dev/null >/dev/null 2>&1 &&
        [ "$(openssl x509 -in "$T/signer.pem" -outform DER | od -An -tx1)" = \
          "$(openssl x509 -in "$cert" -outform DER | od -An -tx1)" ]; then
        pass "$name"
    else
        fail "$name" "the signer openssl found is not $(basename "$cert")"
    fi
}

# ---- wax sign -> openssl verify
for id in pem p12; do
    if [ $id = pem ]; then ida=(-i "$T/alice.pem"); else
        ida=(-i "$S/alice.p12" --pass pass:alice); fi
    for form in clear opaque; do
        fa=(); [ $form = opaque ] && fa=(--opaque)
        n="wax-sign-alice-$id-$form"
        wax_make "$n" "$T/$n.eml" sign "${ida[@]}" "${fa[@]}" "$T/mail-alice.txt" ||
            continue
        peer_expect "$n-openssl-verify" "$T/ent.txt" "$T/$n.out" openssl cms -verify \
            -CAfile "$S/ca.rsa.crt" -in "$T/$n.eml" -out "$T/$n.out"
        signer_is "$n-signer-is-alice-sign" "$T/$n.eml" SMIME "$S/alice.sign.crt"
        wax_expect "$n-wax-verify" 0 VALID "$T/ent.txt" verify --trust "$S/ca.rsa.crt" \
            "${AT[@]}" "$T/$n.eml"
    done
done
# Ed25519 (RFC 8419) signer: Carlos under the Ed25519 CA. OpenSSL 3.0's
# CMS cannot sign or verify Ed25519 with signed attributes
# ("eddsa_digest_signverify_init: invalid digest"): probe it, SKIP if so.
ed_ossl=yes
IRELAND=$TESTDATA/draft-ireland-examples-cms/signedByCarlosEd25519.p7m
if [ -f "$IRELAND" ]; then
    openssl cms -verify -inform DER -CAfile "$S/ca.25519.crt" -in "$IRELAND" \
        -out /dev/null >/dev/null 2>&1 || ed_ossl=no
else
    openssl cms -sign -md sha512 -signer "$S/carlos.sign.crt" -inkey "$S/carlos.sign.key" \
        -in "$T/ent.txt" -out /dev/null >/dev/null 2>&1 || ed_ossl=no
fi
if wax_make wax-sign-carlos-ed25519 "$T/carlos.eml" sign -i "$T/carlos.pem" \
    "$T/mail-carlos.txt"; then
    if [ $ed_ossl = yes ]; then
        peer_expect wax-sign-carlos-ed25519-openssl-verify "$T/ent.txt" "$T/carlos.out" \
            openssl cms -verify -CAfile "$S/ca.25519.crt" -in "$T/carlos.eml" \
            -out "$T/carlos.out"
    else
        skip wax-sign-carlos-ed25519-openssl-verify \
            "this openssl cannot verify Ed25519 CMS signatures (not even the draft-ireland sample)"
    fi
    wax_expect wax-sign-carlos-ed25519-wax-verify 0 VALID "$T/ent.txt" verify \
        --trust "$S/ca.25519.crt" "${AT[@]}" "$T/carlos.eml"
fi
# the Ed25519 signature of draft-ietf-lamps-cms-examples (another
# implementation), raw DER, content "This is some sample content."
if [ -f "$IRELAND" ]; then
    printf 'This is some sample content.' >"$T/ireland.txt"
    wax_expect ireland-carlos-ed25519-wax-verify 0 VALID "$T/ireland.txt" verify \
        --trust "$S/ca.25519.crt" "${AT[@]}" --from carlos@smime.example "$IRELAND"
fi

# ---- openssl sign -> wax verify
for form in clear opaque; do
    fa=(); [ $form = opaque ] && fa=(-nodetach)
    n="openssl-sign-alice-$form"
    peer_make "$n" openssl cms -sign -signer "$S/alice.sign.crt" -inkey "$S/alice.sign.key" \
        -from alice@smime.example -to bob@smime.example -subject rfc9216 "${fa[@]}" \
        -in "$T/ent.txt" -out "$T/$n.eml" || continue
    wax_expect "$n-wax-verify" 0 VALID "$T/ent.txt" verify --trust "$S/ca.rsa.crt" \
        "${AT[@]}" "$T/$n.eml"
done
if [ $ed_ossl = no ]; then
    skip openssl-sign-carlos-ed25519-wax-verify "this openssl cannot make Ed25519 CMS signatures"
elif peer_make openssl-sign-carlos-ed25519 openssl cms -sign -md sha512 \
    -signer "$S/carlos.sign.crt" -inkey "$S/carlos.sign.key" -from carlos@smime.example \
    -in "$T/ent.txt" -out "$T/ossl-carlos.eml"; then
    wax_expect openssl-sign-carlos-ed25519-wax-verify 0 VALID "$T/ent.txt" verify \
        --trust "$S/ca.25519.crt" "${AT[@]}" "$T/ossl-carlos.eml"
fi
# the sample time is really used: after the certificates expire it is UNTRUSTED
if [ -f "$T/openssl-sign-alice-clear.eml" ]; then
    wax_expect openssl-sign-alice-expired-untrusted 1 UNTRUSTED none verify \
        --trust "$S/ca.rsa.crt" --at 2060-01-01T00:00:00Z "$T/openssl-sign-alice-clear.eml"
fi

# ---- wax encrypt -> openssl decrypt
for c in aes256-cbc aes128-gcm; do
    for o in "" --rsa-oaep; do
        n="wax-encrypt-bob-$c${o:+-oaep}"
        wax_make "$n" "$T/$n.enc" encrypt -r "$S/bob.encrypt.crt" --cipher $c $o \
            "$T/ent.txt" || continue
        peer_expect "$n-openssl-decrypt" "$T/ent.txt" "$T/$n.out" openssl cms -decrypt \
            -recip "$S/bob.encrypt.crt" -inkey "$S/bob.decrypt.key" -in "$T/$n.enc" \
            -out "$T/$n.out"
    done
done

# ---- openssl encrypt -> wax decrypt (PEM identity and the PKCS#12)
for c in aes256 aes-256-gcm; do
    v=DECRYPTED_UNAUTHENTICATED; [ $c = aes-256-gcm ] && v=DECRYPTED_AUTHENTICATED
    n="openssl-encrypt-bob-$c"
    peer_make "$n" openssl cms -encrypt -"$c" -binary -outform DER -in "$T/bin.dat" \
        -out "$T/$n.der" "$S/bob.encrypt.crt" || continue
    wax_expect "$n-wax-decrypt-pem" 0 $v "$T/bin.dat" decrypt -i "$T/bob.pem" "$T/$n.der"
    wax_expect "$n-wax-decrypt-p12" 0 $v "$T/bin.dat" decrypt -i "$S/bob.p12" \
        --pass pass:bob "$T/$n.der"
done
exit $tests_failed
