#!/usr/bin/env bash
# wax and NSS's cmsutil (package libnss3-tools), both ways, with wax-mkcert
# certificates (root CA -> alice signing, bob encryption, RSA-2048).
# cmsutil reads bare CMS objects, so wax writes --format der here.
#  - wax sign --format der (opaque and --detached) -> `cmsutil -D ... -n -h 2`
#    prints signer0.status=GoodSignature (cmsutil exits 0 either way: the
#    output is parsed) and `cmsutil -D` outputs exactly the content;
#  - wax encrypt --format der (AES-CBC, PKCS#1 v1.5) -> `cmsutil -D` gives
#    identical bytes;
#  - `cmsutil -E` -> `wax decrypt`; `cmsutil -S` -> `wax verify`.
# The PKCS#12 files NSS imports are made by the openssl command.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have cmsutil || ! have certutil || ! have pk12util; then
    skip nss "NSS tools (cmsutil, certutil, pk12util: libnss3-tools) are not installed"
    exit 0
fi
if ! have openssl; then
    skip nss "the openssl command (to make the PKCS#12 for NSS) is not installed"
    exit 0
fi
need_wax sign verify encrypt decrypt
make_pki
make_messages
if ! nss_setup "$T/root.crt" "$T/alice.sign.key $T/alice.sign.crt" \
    "$T/bob.enc.key $T/bob.enc.crt"; then
    fail nss-setup "NSS could not import the test PKI"
    exit 1
fi

# ---- wax sign -> cmsutil
for input in ent big; do
    if wax_make "wax-sign-der-$input" "$T/wax-$input.der" sign -i "$T/alice.sign.pem" \
        --format der "$T/$input.txt"; then
        nss_status "wax-sign-der-$input-cmsutil-good-signature" "$T/wax-$input.der"
        peer_expect "wax-sign-der-$input-cmsutil-content" "$T/$input.txt" "$T/nc-$input" \
            cmsutil -D -d "$NSSDB" -i "$T/wax-$input.der" -o "$T/nc-$input"
    fi
done
if wax_make wax-sign-detached "$T/wax-det.der" sign -i "$T/alice.sign.pem" \
    --format der --detached "$T/bin.dat"; then
    nss_status wax-sign-detached-cmsutil-good-signature "$T/wax-det.der" "$T/bin.dat"
    # control: cmsutil really checks the content
    printf 'X' | cat "$T/bin.dat" - >"$T/bin-x.dat"
    cmsutil -D -d "$NSSDB" -i "$T/wax-det.der" -c "$T/bin-x.dat" -n -h 2 >"$T/nss.out" 2>&1
    if grep -q 'signer0.status=GoodSignature;' "$T/nss.out"; then
        fail wax-sign-detached-cmsutil-rejects-other-content "cmsutil accepted other content"
    else
        pass wax-sign-detached-cmsutil-rejects-other-content
    fi
fi

# ---- wax encrypt -> cmsutil decrypt
for c in aes256-cbc aes128-cbc; do
    for input in ent big; do
        if wax_make "wax-encrypt-$c-$input" "$T/wax-$c-$input.enc" encrypt \
            -r "$T/bob.enc.crt" --format der --cipher $c "$T/$input.txt"; then
            peer_expect "wax-encrypt-$c-$input-cmsutil-decrypt" "$T/$input.txt" \
                "$T/nd-$c-$input" cmsutil -D -d "$NSSDB" -i "$T/wax-$c-$input.enc" \
                -o "$T/nd-$c-$input"
        fi
    done
done

# ---- cmsutil -E -> wax decrypt; cmsutil -S -> wax verify
for input in ent bin; do
    f="$T/$input.txt"; [ "$input" = bin ] && f="$T/bin.dat"
    if peer_make "cmsutil-encrypt-$input-wax-decrypt" cmsutil -E -d "$NSSDB" \
        -r bob@example.org -i "$f" -o "$T/n-$input.enc"; then
        wax_expect "cmsutil-encrypt-$input-wax-decrypt" 0 DECRYPTED_UNAUTHENTICATED "$f" \
            decrypt -i "$T/bob.enc.pem" "$T/n-$input.enc"
    fi
    # -Y NONE: no encryption-key-preference certificate (alice has none here)
    if peer_make "cmsutil-sign-$input-wax-verify" cmsutil -S -d "$NSSDB" -N wax-id-1 \
        -Y NONE -i "$f" -o "$T/n-$input.sig"; then
        wax_expect "cmsutil-sign-$input-wax-verify" 0 VALID "$f" verify \
            --trust "$T/root.crt" --from alice@example.org "$T/n-$input.sig"
    fi
done
if peer_make cmsutil-sign-detached-wax-verify cmsutil -S -d "$NSSDB" -N wax-id-1 -Y NONE \
    -T -i "$T/bin.dat" -o "$T/n-det.sig"; then
    wax_expect cmsutil-sign-detached-wax-verify 0 VALID "$T/bin.dat" verify \
        --trust "$T/root.crt" --from alice@example.org --content "$T/bin.dat" "$T/n-det.sig"
fi
exit $tests_failed
