#!/usr/bin/env bash
# wax and gpgsm (GnuPG's CMS tool), both ways, with wax-mkcert certificates
# (root CA -> alice signing, bob encryption, RSA-2048). gpgsm reads bare
# CMS objects, so wax writes --format der here.
#  - wax sign --format der (opaque and --detached) -> `gpgsm --verify`
#    reports "Good signature" and (opaque) outputs exactly the content;
#  - wax encrypt --format der (AES-CBC, PKCS#1 v1.5; OAEP when this gpgsm
#    reads OAEP at all, else a SKIP) -> `gpgsm --decrypt` gives identical
#    bytes;
#  - `gpgsm --encrypt` -> `wax decrypt`; `gpgsm --sign` -> `wax verify`.
# gpgsm needs PKCS#12 with legacy encryption, made by the openssl command.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have gpgsm; then
    skip gpgsm "gpgsm is not installed"
    exit 0
fi
if ! have openssl; then
    skip gpgsm "the openssl command (to make gpgsm's legacy PKCS#12) is not installed"
    exit 0
fi
need_wax sign verify encrypt decrypt
make_pki
make_messages
trap 'gpgsm_cleanup; rm -rf "$T"' EXIT
if ! gpgsm_setup "$T/root.crt" "$T/alice.sign.key $T/alice.sign.crt" \
    "$T/bob.enc.key $T/bob.enc.crt"; then
    fail gpgsm-setup "gpgsm could not import the test PKI"
    exit 1
fi
PASS=(--batch --pinentry-mode loopback --passphrase-fd 0)

# gpgsm_good NAME SIG [DATA]: gpgsm --verify says "Good signature"
gpgsm_good() {
    local name=$1 sig=$2 data=${3:-}
    gpgsm --batch --verify "$sig" $data >"$T/gv.out" 2>"$T/gv.err"
    local rc=$?
    if [ $rc -eq 0 ] && grep -q '^gpgsm: Good signature from' "$T/gv.err"; then
        pass "$name"
    else
        fail "$name" "gpgsm exit $rc: $(tr '\n' ' ' <"$T/gv.err" | head -c 300)"
    fi
}

# ---- wax sign -> gpgsm verify
for input in ent big; do
    if wax_make "wax-sign-der-$input" "$T/wax-$input.der" sign -i "$T/alice.sign.pem" \
        --format der "$T/$input.txt"; then
        gpgsm_good "wax-sign-der-$input-gpgsm-verify" "$T/wax-$input.der"
        peer_expect "wax-sign-der-$input-gpgsm-content" "$T/$input.txt" "$T/gv-$input.out" \
            gpgsm --batch --output "$T/gv-$input.out" --verify "$T/wax-$input.der"
    fi
done
if wax_make wax-sign-detached "$T/wax-det.der" sign -i "$T/alice.sign.pem" \
    --format der --detached "$T/bin.dat"; then
    gpgsm_good wax-sign-detached-gpgsm-verify "$T/wax-det.der" "$T/bin.dat"
    # control: gpgsm really checks the detached content
    printf 'X' | cat "$T/bin.dat" - >"$T/bin-x.dat"
    if gpgsm --batch --verify "$T/wax-det.der" "$T/bin-x.dat" >/dev/null 2>&1; then
        fail wax-sign-detached-gpgsm-rejects-other-content "gpgsm accepted other content"
    else
        pass wax-sign-detached-gpgsm-rejects-other-content
    fi
fi

# ---- wax encrypt -> gpgsm decrypt
# Does this gpgsm unwrap RSAES-OAEP at all? (2.2 does not: "error getting
# encrypted session key"). Probed with an object made by openssl.
oaep=yes
openssl cms -encrypt -aes256 -binary -outform DER -in "$T/ent.txt" -out "$T/probe.der" \
    -recip "$T/bob.enc.crt" -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 \
    2>/dev/null
echo wax | gpgsm "${PASS[@]}" --output "$T/probe.out" --decrypt "$T/probe.der" \
    >/dev/null 2>&1 || oaep=no
for c in "aes256-cbc" "aes128-cbc" "aes256-cbc --rsa-oaep"; do
    name=${c// --/-}
    if [ "$name" = aes256-cbc-rsa-oaep ] && [ $oaep = no ]; then
        skip "wax-encrypt-$name-gpgsm-decrypt" \
            "this gpgsm cannot decrypt RSAES-OAEP (not even openssl's)"
        continue
    fi
    for input in ent big; do
        # shellcheck disable=SC2086
        if wax_make "wax-encrypt-$name-$input" "$T/wax-$name-$input.enc" encrypt \
            -r "$T/bob.enc.crt" --format der --cipher $c "$T/$input.txt"; then
            peer_expect "wax-encrypt-$name-$input-gpgsm-decrypt" "$T/$input.txt" \
                "$T/gd-$name-$input.out" sh -c 'echo wax | gpgsm "$@"' gpgsm "${PASS[@]}" \
                --output "$T/gd-$name-$input.out" --decrypt "$T/wax-$name-$input.enc"
        fi
    done
done

# ---- gpgsm encrypt -> wax decrypt
for input in ent bin; do
    f="$T/$input.txt"; [ "$input" = bin ] && f="$T/bin.dat"
    if peer_make "gpgsm-encrypt-$input-wax-decrypt" gpgsm --batch --encrypt \
        -r bob@example.org --output "$T/g-$input.enc" "$f"; then
        wax_expect "gpgsm-encrypt-$input-wax-decrypt" 0 DECRYPTED_UNAUTHENTICATED "$f" \
            decrypt -i "$T/bob.enc.pem" "$T/g-$input.enc"
    fi
done

# ---- gpgsm sign -> wax verify
sign_g() { echo wax | gpgsm "${PASS[@]}" -u alice@example.org "$@"; }
if peer_make gpgsm-sign-wax-verify sign_g --output "$T/g-sig.der" --sign "$T/bin.dat"; then
    wax_expect gpgsm-sign-wax-verify 0 VALID "$T/bin.dat" verify --trust "$T/root.crt" \
        --from alice@example.org "$T/g-sig.der"
fi
if peer_make gpgsm-detach-sign-wax-verify sign_g --output "$T/g-det.der" --detach-sign \
    "$T/bin.dat"; then
    wax_expect gpgsm-detach-sign-wax-verify 0 VALID "$T/bin.dat" verify \
        --trust "$T/root.crt" --from alice@example.org --content "$T/bin.dat" "$T/g-det.der"
fi
exit $tests_failed
