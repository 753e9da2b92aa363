#!/usr/bin/env bash
# Sign, then encrypt, and back, across wax and OpenSSL (wax-mkcert
# certificates: root CA -> alice signing, bob encryption, RSA-2048):
#  - wax sign | wax encrypt -> openssl cms -decrypt -> openssl cms -verify
#    gives exactly the entity;
#  - openssl cms -sign | openssl cms -encrypt -> wax decrypt -> wax verify
#    gives VALID and exactly the entity (the decrypted message keeps the
#    outer From:, so the signer is bound without --from);
#  - the mixed ways (wax sign -> openssl encrypt -> wax decrypt ->
#    openssl verify, and openssl sign -> wax encrypt -> openssl decrypt ->
#    wax verify), CBC and GCM.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have openssl; then
    skip openssl "the openssl command is not installed"
    exit 0
fi
need_wax sign verify encrypt decrypt
make_pki
make_messages
ROOT="$T/root.crt"
HDR=(-from alice@example.org -to bob@example.org -subject "wax interop")
ODEC=(openssl cms -decrypt -recip "$T/bob.enc.crt" -inkey "$T/bob.enc.key")
OVER=(openssl cms -verify -CAfile "$ROOT")

# ---- wax -> openssl
for form in clear opaque; do
    for cipher in aes256-cbc aes256-gcm; do
        n="wax-$form-$cipher"
        sargs=(); [ "$form" = opaque ] && sargs=(--opaque)
        wax_make "$n-sign" "$T/$n.sig" sign -i "$T/alice.sign.pem" "${sargs[@]}" \
            "$T/mail.txt" || continue
        wax_make "$n-encrypt" "$T/$n.enc" encrypt -r "$T/bob.enc.crt" --cipher $cipher \
            "$T/$n.sig" || continue
        peer_make "$n-openssl-decrypt" "${ODEC[@]}" -in "$T/$n.enc" -out "$T/$n.dec" ||
            continue
        peer_expect "$n-openssl-decrypt-verify" "$T/ent.txt" "$T/$n.out" \
            "${OVER[@]}" -in "$T/$n.dec" -out "$T/$n.out"
    done
done

# ---- openssl -> wax
for form in clear opaque; do
    for cipher in aes256 aes-256-gcm; do
        n="openssl-$form-$cipher"
        sargs=(); [ "$form" = opaque ] && sargs=(-nodetach)
        peer_make "$n-sign" openssl cms -sign -signer "$T/alice.sign.crt" \
            -inkey "$T/alice.sign.key" "${sargs[@]}" -in "$T/ent.txt" -out "$T/$n.sig" ||
            continue
        peer_make "$n-encrypt" openssl cms -encrypt "${HDR[@]}" -"$cipher" \
            -in "$T/$n.sig" -out "$T/$n.enc" "$T/bob.enc.crt" || continue
        verdict=DECRYPTED_UNAUTHENTICATED
        [ "$cipher" = aes-256-gcm ] && verdict=DECRYPTED_AUTHENTICATED
        wax_expect "$n-wax-decrypt" 0 $verdict - decrypt -i "$T/bob.enc.pem" "$T/$n.enc"
        # the decrypted message: outer From:/To:/Subject:, then the signed entity
        [ -f "$T/$n-wax-decrypt.out" ] || continue
        wax_expect "$n-wax-decrypt-verify" 0 VALID "$T/ent.txt" verify --trust "$ROOT" \
            "$T/$n-wax-decrypt.out"
    done
done

# ---- mixed: wax sign -> openssl encrypt -> wax decrypt -> openssl verify
n=mixed-wax-sign-openssl-encrypt
if wax_make "$n" "$T/$n.sig" sign -i "$T/alice.sign.pem" "$T/mail.txt" &&
    peer_make "$n" openssl cms -encrypt -aes-128-gcm -in "$T/$n.sig" -out "$T/$n.enc" \
        "$T/bob.enc.crt"; then
    wax_expect "$n-wax-decrypt" 0 DECRYPTED_AUTHENTICATED - decrypt -i "$T/bob.enc.pem" \
        "$T/$n.enc"
    [ -f "$T/$n-wax-decrypt.out" ] &&
        peer_expect "$n-wax-decrypt-openssl-verify" "$T/ent.txt" "$T/$n.out" \
            "${OVER[@]}" -in "$T/$n-wax-decrypt.out" -out "$T/$n.out"
fi
# ---- mixed: openssl sign -> wax encrypt -> openssl decrypt -> wax verify
n=mixed-openssl-sign-wax-encrypt
if peer_make "$n" openssl cms -sign "${HDR[@]}" -signer "$T/alice.sign.crt" \
        -inkey "$T/alice.sign.key" -in "$T/ent.txt" -out "$T/$n.sig" &&
    wax_make "$n" "$T/$n.enc" encrypt -r "$T/bob.enc.crt" --rsa-oaep "$T/$n.sig" &&
    peer_make "$n" "${ODEC[@]}" -in "$T/$n.enc" -out "$T/$n.dec"; then
    # openssl writes the decrypted entity (no From:): bind with --from
    wax_expect "$n-openssl-decrypt-wax-verify" 0 VALID "$T/ent.txt" verify \
        --trust "$ROOT" --from alice@example.org "$T/$n.dec"
fi
exit $tests_failed
