#!/usr/bin/env bash
# Signatures between wax and OpenSSL, both ways, with certificates made at
# test time by wax-mkcert (root CA -> alice, RSA-2048):
#  - wax sign (multipart/signed, --opaque, --format der|pem, --digest
#    sha384|sha512) -> `openssl smime -verify` and `openssl cms -verify`
#    (-CAfile root) succeed and output exactly the signed entity;
#    --format der --detached (a raw signature of the input bytes) verifies
#    with -content;
#  - `openssl smime -sign` and `openssl cms -sign` (clear and opaque, with
#    and without -binary, -nodetach, -stream; MIME, DER and PEM) ->
#    `wax verify --trust root` gives VALID, exit 0, and exactly the content.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/smime_setup.bash"
if ! have openssl; then
    skip openssl "the openssl command is not installed"
    exit 0
fi
need_wax sign verify
make_pki
make_messages
ALICE="$T/alice.sign.pem"
ROOT="$T/root.crt"

# ---- wax sign -> openssl verify
# wax_to_openssl NAME INFORM SMIME_TOO WAX_SIGN_ARGS...
wax_to_openssl() {
    local name=$1 inform=$2 smime_too=$3; shift 3
    local s="$T/wax-$name.sig" input="$T/mail.txt" expect="$T/ent.txt"
    local detached=()
    # --detached signs the input bytes exactly as given (raw content)
    case " $* " in *" --detached "*)
        input="$T/bin.dat" expect="$T/bin.dat"
        detached=(-content "$T/bin.dat" -binary) ;;
    esac
    wax_make "wax-sign-$name" "$s" sign -i "$ALICE" "$@" "$input" || return
    peer_expect "wax-$name-openssl-cms-verify" "$expect" "$T/o-cms-$name" \
        openssl cms -verify -CAfile "$ROOT" -inform "$inform" -in "$s" \
        "${detached[@]}" -out "$T/o-cms-$name"
    if [ "$smime_too" = yes ]; then
        peer_expect "wax-$name-openssl-smime-verify" "$expect" "$T/o-smime-$name" \
            openssl smime -verify -CAfile "$ROOT" -inform "$inform" -in "$s" \
            "${detached[@]}" -out "$T/o-smime-$name"
    fi
    # control: wax reads back what it wrote
    local from=()
    [ "$inform" = SMIME ] || from=(--from alice@example.org)
    local content=()
    [ ${#detached[@]} -eq 0 ] || content=(--content "$T/bin.dat")
    wax_expect "wax-$name-wax-verify" 0 VALID "$expect" verify --trust "$ROOT" \
        "${from[@]}" "${content[@]}" "$s"
}
wax_to_openssl clear SMIME yes
wax_to_openssl opaque SMIME yes --opaque
wax_to_openssl der DER yes --format der
wax_to_openssl pem PEM no --format pem
wax_to_openssl der-detached DER yes --format der --detached
wax_to_openssl clear-sha384 SMIME yes --digest sha384
wax_to_openssl opaque-sha512 SMIME yes --opaque --digest sha512
# a 2 MiB entity: over the spool threshold, indefinite-length framing
if wax_make wax-sign-big "$T/big.sig" sign -i "$ALICE" --opaque "$T/big.txt"; then
    peer_expect wax-big-opaque-openssl-cms-verify "$T/big.txt" "$T/o-big" \
        openssl cms -verify -CAfile "$ROOT" -in "$T/big.sig" -out "$T/o-big"
fi
if wax_make wax-sign-big-clear "$T/bigc.sig" sign -i "$ALICE" "$T/big.txt"; then
    peer_expect wax-big-clear-openssl-smime-verify "$T/big.txt" "$T/o-bigc" \
        openssl smime -verify -CAfile "$ROOT" -in "$T/bigc.sig" -out "$T/o-bigc"
fi

# ---- openssl sign -> wax verify
HDR=(-from alice@example.org -to bob@example.org -subject "wax interop")
# openssl_to_wax NAME TOOL INPUT EXPECT WAX_ARGS(as one string) OPENSSL_ARGS...
openssl_to_wax() {
    local name=$1 tool=$2 input=$3 expect=$4 waxargs=$5; shift 5
    local s="$T/ossl-$name.sig"
    peer_make "openssl-$name-wax-verify" openssl "$tool" -sign -signer "$T/alice.sign.crt" \
        -inkey "$T/alice.sign.key" -in "$input" -out "$s" "$@" || return
    # shellcheck disable=SC2086
    wax_expect "openssl-$name-wax-verify" 0 VALID "$expect" verify --trust "$ROOT" \
        $waxargs "$s"
}
for tool in smime cms; do
    openssl_to_wax "$tool-clear" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}"
    openssl_to_wax "$tool-clear-binary" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" -binary
    openssl_to_wax "$tool-clear-stream" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" -stream
    openssl_to_wax "$tool-opaque" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" -nodetach
    openssl_to_wax "$tool-opaque-binary" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" \
        -nodetach -binary
    openssl_to_wax "$tool-opaque-stream" $tool "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" \
        -nodetach -stream
    openssl_to_wax "$tool-opaque-binary-stream" $tool "$T/ent.txt" "$T/ent.txt" "" \
        "${HDR[@]}" -nodetach -binary -stream
    openssl_to_wax "$tool-der-opaque-binary" $tool "$T/bin.dat" "$T/bin.dat" \
        "--from alice@example.org" -nodetach -binary -outform DER
    openssl_to_wax "$tool-pem-opaque" $tool "$T/ent.txt" "$T/ent.txt" \
        "--from alice@example.org" -nodetach -outform PEM
    openssl_to_wax "$tool-der-detached" $tool "$T/bin.dat" "$T/bin.dat" \
        "--from alice@example.org --content $T/bin.dat" -binary -outform DER
done
openssl_to_wax cms-sha512 cms "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" -md sha512
openssl_to_wax cms-pss cms "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" \
    -keyopt rsa_padding_mode:pss
openssl_to_wax cms-big-stream cms "$T/big.txt" "$T/big.txt" "" "${HDR[@]}" \
    -nodetach -binary -stream
# two signers (alice and bob); bound to alice's From:
openssl_to_wax cms-two-signers cms "$T/ent.txt" "$T/ent.txt" "" "${HDR[@]}" \
    -signer "$T/bob.sign.crt" -inkey "$T/bob.sign.key"
exit $tests_failed
