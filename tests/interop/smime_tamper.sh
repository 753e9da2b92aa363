#!/usr/bin/env bash
# Negative interop: what wax must refuse, whoever made the message
# (wax-mkcert certificates: root CA -> alice signing, bob, carol
# encryption, RSA-2048). Each refusal asserts the exit status 1, the
# verdict and that NO output file was written (SECURITY.md rule 1).
#  - a message tampered after signing (wax's own, clear and opaque DER;
#    openssl's, clear and opaque) -> INVALID, WAX_ERR_CMS_DIGEST_MISMATCH;
#    openssl agrees that it is bad; openssl's DER with a broken structure
#    -> INVALID;
#  - the right signature without a trust anchor -> UNTRUSTED; bound to
#    another address -> VALID_SIGNER_MISMATCH;
#  - openssl's AES-GCM object with one ciphertext byte changed, and an
#    object for someone else -> DECRYPT_FAILED.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have openssl; then
    skip openssl "the openssl command is not installed"
    exit 0
fi
need_wax sign verify decrypt
make_pki
make_messages
ROOT="$T/root.crt"
HDR=(-from alice@example.org -to bob@example.org -subject "wax interop")

# tamper NAME IN OUT: change "interop test message" into "interop test massage"
# (bytes, in place in the file); a FAIL line if the phrase is not there.
tamper() {
    perl -0777 -pe 's/interop test message/interop test massage/' "$2" >"$3"
    if cmp -s "$2" "$3"; then
        fail "$1" "the content phrase is not in $(basename "$2") as plain bytes"
        return 1
    fi
}

# refused NAME ARGS...: wax verify ARGS must be INVALID / digest mismatch,
# exit 1, no output; openssl cms -verify must fail too.
refused() {
    local name=$1 inform=$2 file=$3; shift 3
    WAX_ERROR=WAX_ERR_CMS_DIGEST_MISMATCH \
        wax_expect "$name-wax-verify-invalid" 1 INVALID none verify --trust "$ROOT" \
        "$@" "$file"
    if openssl cms -verify -CAfile "$ROOT" -inform "$inform" -in "$file" -out /dev/null \
        >/dev/null 2>&1; then
        fail "$name-openssl-agrees" "openssl cms -verify accepted the tampered message"
    else
        pass "$name-openssl-agrees"
    fi
}

# ---- wax's signatures, tampered
if wax_make wax-clear "$T/wax-clear.eml" sign -i "$T/alice.sign.pem" "$T/mail.txt" &&
    tamper wax-clear-tampered "$T/wax-clear.eml" "$T/wax-clear-t.eml"; then
    refused wax-clear-tampered SMIME "$T/wax-clear-t.eml"
fi
if wax_make wax-der "$T/wax.der" sign -i "$T/alice.sign.pem" --format der "$T/mail.txt" &&
    tamper wax-der-tampered "$T/wax.der" "$T/wax-t.der"; then
    refused wax-der-tampered DER "$T/wax-t.der" --from alice@example.org
fi
if wax_make wax-detached "$T/wax-det.der" sign -i "$T/alice.sign.pem" --format der \
    --detached "$T/ent.txt" && tamper wax-detached-tampered "$T/ent.txt" "$T/ent-t.txt"; then
    WAX_ERROR=WAX_ERR_CMS_DIGEST_MISMATCH \
        wax_expect wax-detached-other-content-wax-verify-invalid 1 INVALID none verify \
        --trust "$ROOT" --from alice@example.org --content "$T/ent-t.txt" "$T/wax-det.der"
fi

# ---- openssl's signatures, tampered
for f in clear opaque; do
    a=(); [ $f = opaque ] && a=(-nodetach -binary -outform DER)
    inform=SMIME; w=(); [ $f = opaque ] && { inform=DER; w=(--from alice@example.org); }
    if peer_make "openssl-$f" openssl cms -sign -signer "$T/alice.sign.crt" \
        -inkey "$T/alice.sign.key" "${HDR[@]}" -in "$T/ent.txt" -out "$T/ossl-$f.sig" \
        "${a[@]}" && tamper "openssl-$f-tampered" "$T/ossl-$f.sig" "$T/ossl-$f-t.sig"; then
        refused "openssl-$f-tampered" $inform "$T/ossl-$f-t.sig" "${w[@]}"
    fi
done

# ---- openssl's DER signature with a broken structure (the SignedData
# version's INTEGER tag, byte 23, made 0xFF): INVALID, not a silent failure
if [ -f "$T/ossl-opaque.sig" ] &&
    [ "$(od -An -tx1 -j23 -N1 "$T/ossl-opaque.sig" | tr -d ' ')" = 02 ]; then
    perl -0777 -pe 'substr($_, 23, 1) = "\xff"' "$T/ossl-opaque.sig" >"$T/ossl-broken.sig"
    wax_expect openssl-der-broken-structure-wax-verify-invalid 1 INVALID none verify \
        --trust "$ROOT" --from alice@example.org "$T/ossl-broken.sig"
elif [ -f "$T/ossl-opaque.sig" ]; then
    fail openssl-der-broken-structure "byte 23 of openssl's SignedData is not the version tag"
fi

# ---- good signatures, wrong trust or binding
if [ -f "$T/ossl-clear.sig" ]; then
    wax_expect openssl-clear-no-anchor-untrusted 1 UNTRUSTED none verify \
        "$T/ossl-clear.sig"
    wax_expect openssl-clear-other-anchor-untrusted 1 UNTRUSTED none verify \
        --trust "$T/bob.enc.crt" "$T/ossl-clear.sig"
    wax_expect openssl-clear-from-mallory-signer-mismatch 1 VALID_SIGNER_MISMATCH none \
        verify --trust "$ROOT" --from mallory@example.org "$T/ossl-clear.sig"
fi
if [ -f "$T/ossl-opaque.sig" ]; then
    # a raw CMS object has no From: to bind to: VALID_UNBOUND, not VALID
    wax_expect openssl-der-no-from-unbound 1 VALID_UNBOUND none verify --trust "$ROOT" \
        "$T/ossl-opaque.sig"
fi

# ---- decryption that must fail
if peer_make openssl-gcm openssl cms -encrypt -aes-256-gcm -binary -outform DER \
    -in "$T/bin.dat" -out "$T/ossl-gcm.der" "$T/bob.enc.crt"; then
    # flip one byte in the middle of the 20 KiB ciphertext
    size=$(stat -c %s "$T/ossl-gcm.der")
    perl -0777 -pe 'substr($_, '"$((size / 2))"', 1) ^= "\x01"' "$T/ossl-gcm.der" \
        >"$T/ossl-gcm-t.der"
    wax_expect openssl-gcm-tampered-wax-decrypt-failed 1 DECRYPT_FAILED none decrypt \
        -i "$T/bob.enc.pem" "$T/ossl-gcm-t.der"
    wax_expect openssl-gcm-untampered-control 0 DECRYPTED_AUTHENTICATED "$T/bin.dat" \
        decrypt -i "$T/bob.enc.pem" "$T/ossl-gcm.der"
    wax_expect openssl-gcm-wrong-recipient-wax-decrypt-failed 1 DECRYPT_FAILED none \
        decrypt -i "$T/carol.enc.pem" "$T/ossl-gcm.der"
fi
if peer_make openssl-cbc openssl cms -encrypt -aes256 -binary -outform DER \
    -in "$T/bin.dat" -out "$T/ossl-cbc.der" "$T/bob.enc.crt"; then
    wax_expect openssl-cbc-wrong-recipient-wax-decrypt-failed 1 DECRYPT_FAILED none \
        decrypt -i "$T/carol.enc.pem" "$T/ossl-cbc.der"
fi
# a signed object is not encrypted
[ -f "$T/ossl-opaque.sig" ] &&
    WAX_ERROR=WAX_ERR_SMIME_NOT_ENCRYPTED \
    wax_expect openssl-signed-not-encrypted-wax-decrypt-failed 1 DECRYPT_FAILED none \
        decrypt -i "$T/bob.enc.pem" "$T/ossl-opaque.sig"
exit $tests_failed
