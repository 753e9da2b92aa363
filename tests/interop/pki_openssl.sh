#!/usr/bin/env bash
# Certificates made by wax-mkcert (wax's own DER builder, no openssl
# command) checked by the peers: a chain root CA (RSA) -> intermediate CA
# (P-256) -> people must pass `openssl verify` for the S/MIME purposes,
# show the requested fields in `openssl x509 -text`, import into gpgsm
# and validate there, and validate in NSS (certutil -V). Each peer that is
# missing gives a visible SKIP.
. "$(dirname "$0")/../lib.sh"
MKCERT=$(dirname "$WAX")/wax-mkcert
if [ ! -x "$MKCERT" ]; then
    fail wax-mkcert "no $MKCERT (make builds it)"
    exit 1
fi

# mk NAME ARGS...: run wax-mkcert, one result line.
mk() {
    local name=$1; shift
    if "$MKCERT" "$@" 2>"$T/mk.err"; then pass "make-$name"; else
        fail "make-$name" "$(head -c 300 "$T/mk.err" | tr '\n' ' ')"; return 1; fi
}
issued_by_int() { echo --issuer "$T/int.crt" --issuer-key "$T/int.key"; }

mk root --subject "CN=Wax Interop Root,O=Wax Test,C=DE" --ca --key rsa2048 \
    --days 30 --out-cert "$T/root.crt" --out-key "$T/root.key" || exit 1
mk intermediate --subject "/C=DE/O=Wax Test/CN=Wax Interop Intermediate" \
    --ca --path-len 0 --key p256 --issuer "$T/root.crt" --issuer-key "$T/root.key" \
    --days 30 --out-cert "$T/int.crt" --out-key "$T/int.key" || exit 1
mk alice-sign --subject "CN=Alice Lovelace,O=Wax Test,C=DE" --email alice@example.org \
    --profile sign --key rsa2048 $(issued_by_int) \
    --out-cert "$T/alice.crt" --out-key "$T/alice.key"
mk bob-encrypt --subject "CN=Bob,O=Wax Test,C=DE" --email bob@example.org \
    --profile encrypt --key rsa2048 $(issued_by_int) \
    --crl-url http://crl.example.org/int.crl \
    --out-cert "$T/bob.crt" --out-key "$T/bob.key"
mk carol-dual-p256 --subject "CN=Carol,O=Wax Test,C=DE" --email carol@example.org \
    --profile dual --key p256 $(issued_by_int) \
    --out-cert "$T/carol.crt" --out-key "$T/carol.key"
mk dave-ed25519 --subject "CN=Dave,O=Wax Test,C=DE" --email dave@example.org \
    --profile sign --key ed25519 $(issued_by_int) \
    --out-cert "$T/dave.crt" --out-key "$T/dave.key"
mk erika-smtputf8 --subject "CN=Erika M\\C3\\BCller,O=Wax Test,C=DE" \
    --email "erika.müller@example.org" --profile dual --key rsa2048 $(issued_by_int) \
    --out-cert "$T/erika.crt" --out-key "$T/erika.key"

# ---- openssl
if ! command -v openssl >/dev/null; then
    skip openssl "the openssl command is not installed"
else
    # verify NAME PURPOSE LEAF WANT(0 ok / 1 refused)
    verify() {
        local name=$1 purpose=$2 leaf=$3 want=$4 out
        out=$(openssl verify -CAfile "$T/root.crt" -untrusted "$T/int.crt" \
            -purpose "$purpose" "$T/$leaf.crt" 2>&1)
        local rc=$?
        if { [ "$want" = 0 ] && [ $rc -eq 0 ] && echo "$out" | grep -q ': OK$'; } ||
           { [ "$want" = 1 ] && [ $rc -ne 0 ]; }; then
            pass "openssl-verify-$name"
        else
            fail "openssl-verify-$name" "exit $rc: $(echo "$out" | tr '\n' ' ' | head -c 300)"
        fi
    }
    verify alice-smimesign smimesign alice 0
    verify bob-smimeencrypt smimeencrypt bob 0
    verify carol-smimesign smimesign carol 0
    # (no smimeencrypt for carol: OpenSSL's purpose demands keyEncipherment,
    # which an EC key cannot have; NSS checks her keyAgreement below)
    verify dave-smimesign smimesign dave 0
    verify erika-smimesign smimesign erika 0
    # negative controls: the purposes are really checked
    verify alice-not-smimeencrypt smimeencrypt alice 1
    verify bob-not-smimesign smimesign bob 1
    if openssl verify -CAfile "$T/int.crt" -partial_chain -purpose smimesign \
        "$T/root.crt" >/dev/null 2>&1; then
        fail openssl-verify-wrong-anchor "the root verified under the intermediate"
    else
        pass openssl-verify-wrong-anchor
    fi

    # text NAME CERT PATTERN...: every fixed-string pattern is in -text
    text() {
        local name=$1 cert=$2; shift 2
        openssl x509 -in "$T/$cert.crt" -noout -text >"$T/$cert.txt" 2>&1
        local missing=""
        for p in "$@"; do grep -qF -- "$p" "$T/$cert.txt" || missing="$missing [$p]"; done
        if [ -z "$missing" ]; then pass "openssl-text-$name"; else
            fail "openssl-text-$name" "missing:$missing"; fi
    }
    text alice alice "Version: 3 (0x2)" \
        "Subject: C = DE, O = Wax Test, CN = Alice Lovelace" \
        "Issuer: C = DE, O = Wax Test, CN = Wax Interop Intermediate" \
        "Signature Algorithm: ecdsa-with-SHA256" \
        "X509v3 Basic Constraints: critical" "CA:FALSE" \
        "X509v3 Key Usage: critical" "Digital Signature, Non Repudiation" \
        "X509v3 Extended Key Usage:" "E-mail Protection" \
        "X509v3 Subject Alternative Name:" "email:alice@example.org" \
        "X509v3 Subject Key Identifier:" "X509v3 Authority Key Identifier:"
    text bob bob "Subject: C = DE, O = Wax Test, CN = Bob" "Key Encipherment" \
        "email:bob@example.org" "URI:http://crl.example.org/int.crl"
    text carol carol "Digital Signature, Non Repudiation, Key Agreement" \
        "email:carol@example.org" "ASN1 OID: prime256v1"
    text root root "Subject: C = DE, O = Wax Test, CN = Wax Interop Root" \
        "Signature Algorithm: sha256WithRSAEncryption" "CA:TRUE" \
        "Certificate Sign, CRL Sign"
    text intermediate int "CA:TRUE, pathlen:0" "Signature Algorithm: sha256WithRSAEncryption"
    text dave dave "Public Key Algorithm: ED25519"
    text erika erika "CN = Erika M\\C3\\BCller" "SmtpUTF8Mailbox"
    # the serial is positive and at most 16 octets; two serials differ
    s1=$(openssl x509 -in "$T/alice.crt" -noout -serial | cut -d= -f2)
    s2=$(openssl x509 -in "$T/bob.crt" -noout -serial | cut -d= -f2)
    if [ -n "$s1" ] && [ "$s1" != "$s2" ] && [ ${#s1} -le 32 ]; then pass openssl-serials
    else fail openssl-serials "'$s1' '$s2'"; fi
    # the key file is plain PKCS#8 that openssl reads, and it matches
    m1=$(openssl pkey -in "$T/alice.key" -pubout 2>/dev/null | openssl sha256)
    m2=$(openssl x509 -in "$T/alice.crt" -noout -pubkey | openssl sha256)
    if head -1 "$T/alice.key" | grep -q '^-----BEGIN PRIVATE KEY-----$' && [ "$m1" = "$m2" ]
    then pass openssl-key-matches; else fail openssl-key-matches "key/certificate mismatch"; fi
fi

# ---- gpgsm (see /work/notes/peers.md)
if ! command -v gpgsm >/dev/null; then
    skip gpgsm "gpgsm is not installed"
else
    export GNUPGHOME="$T/gnupg"
    mkdir -m700 "$GNUPGHOME"
    echo disable-crl-checks >"$GNUPGHOME/gpgsm.conf"
    if gpgsm --batch --import "$T/root.crt" "$T/int.crt" "$T/alice.crt" "$T/bob.crt" \
        >"$T/gpgsm.out" 2>&1 && grep -q 'imported: 4' "$T/gpgsm.out"; then
        pass gpgsm-import
    else
        fail gpgsm-import "$(tr '\n' ' ' <"$T/gpgsm.out" | head -c 300)"
    fi
    if gpgsm --list-keys 2>/dev/null | grep -q 'aka: alice@example.org'; then
        pass gpgsm-list-keys-email
    else
        fail gpgsm-list-keys-email "alice@example.org not listed"
    fi
    fpr=$(gpgsm --with-colons --list-keys "Wax Interop Root" 2>/dev/null |
        awk -F: '/^fpr/ {print $10; exit}')
    echo "$fpr S" >"$GNUPGHOME/trustlist.txt"
    for who in alice bob; do
        if gpgsm --with-validation --list-keys "$who@example.org" 2>&1 |
            grep -q '\[certificate is good\]'; then
            pass "gpgsm-validate-$who"
        else
            fail "gpgsm-validate-$who" "not '[certificate is good]'"
        fi
    done
    gpgconf --kill gpg-agent >/dev/null 2>&1
    unset GNUPGHOME
fi

# ---- NSS certutil (Ed25519 is left out: NSS does not take it)
if ! command -v certutil >/dev/null; then
    skip nss-certutil "certutil (libnss3-tools) is not installed"
else
    db="sql:$T/nss"
    mkdir "$T/nss"
    if certutil -N -d "$db" --empty-password >/dev/null 2>&1 &&
       certutil -A -d "$db" -n root -t "C,C,C" -i "$T/root.crt" &&
       certutil -A -d "$db" -n int -t ",," -i "$T/int.crt" &&
       certutil -A -d "$db" -n alice -t ",," -i "$T/alice.crt" &&
       certutil -A -d "$db" -n bob -t ",," -i "$T/bob.crt" &&
       certutil -A -d "$db" -n carol -t ",," -i "$T/carol.crt"; then
        pass nss-add
    else
        fail nss-add "certutil -A failed"
    fi
    # nss_valid NAME NICK USAGE WANT(valid|invalid)
    nss_valid() {
        local out
        out=$(certutil -V -d "$db" -n "$2" -u "$3" 2>&1)
        if echo "$out" | grep -q "certificate is $4"; then pass "nss-$1"; else
            fail "nss-$1" "$(echo "$out" | head -c 200)"; fi
    }
    nss_valid alice-email-signer alice S valid
    nss_valid bob-email-recipient bob R valid
    nss_valid carol-email-signer carol S valid
    nss_valid carol-email-recipient carol R valid
    nss_valid bob-not-signer bob S invalid
fi
exit $tests_failed
