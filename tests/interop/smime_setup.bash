# tests/interop/smime_setup.bash - sourced by the S/MIME interop scripts
# (after tests/lib.sh; not run by itself: tests/run only runs *.sh).
#
# Makes at test time, with build/wax-mkcert (wax's own code), a root CA and
# RSA-2048 people: alice and bob (separate signing and encryption
# certificates) and carol (encryption, for several recipients); the
# identity files wax takes (-i: a PEM file with the key and the
# certificate); and the messages the cases use. Gives the helpers that
# run wax and the peers and assert exit status, --json verdict and exact
# content (cmp).
#
# The wax commands are called exactly as DESIGN.md "The command-line
# contract" fixes them.

MKCERT=$(dirname "$WAX")/wax-mkcert
SAMPLES=$TESTDATA/rfc9216-samples
# wax must not read or write the user's store.
export WAX_STORE="$T/store.db" XDG_DATA_HOME="$T/xdg" HOME="$T"
# Inside the RFC 9216 sample certificates' validity (2019/2020 .. 2052).
SAMPLE_AT=2030-01-01T00:00:00Z

have() { command -v "$1" >/dev/null 2>&1; }

# need_wax CMD...: every wax command exists; otherwise one FAIL line per
# missing command and the script stops (its cases cannot run).
need_wax() {
    local c missing=""
    [ -x "$WAX" ] || { fail wax "no $WAX (make builds it)"; exit 1; }
    [ -x "$MKCERT" ] || { fail wax-mkcert "no $MKCERT (make builds it)"; exit 1; }
    for c in "$@"; do
        "$WAX" "$c" --help >"$T/help.out" 2>&1
        if grep -q "unknown command" "$T/help.out"; then
            fail "wax-$c" "wax has no '$c' command: $(head -1 "$T/help.out")"
            missing=1
        fi
    done
    [ -z "$missing" ] || exit 1
}

# mk NAME ARGS...: wax-mkcert; on failure one FAIL line and exit.
mk() {
    local name=$1; shift
    if ! "$MKCERT" "$@" 2>"$T/mk.err"; then
        fail "mkcert-$name" "$(head -c 300 "$T/mk.err" | tr '\n' ' ')"
        exit 1
    fi
}

# make_pki: $T/root.{crt,key}; $T/{alice,bob,carol}.{sign,enc}.{crt,key};
# identity files $T/<who>.{sign,enc}.pem (key, then certificate).
# The set is cached beside the binary (BUILD/interop-pki) for the other
# scripts of the same run: remade when older than a day or than wax-mkcert.
make_pki() {
    local cache
    cache="$(dirname "$WAX")/interop-pki"
    if [ -f "$cache/done" ] && [ ! "$MKCERT" -nt "$cache/done" ] &&
        [ -z "$(find "$cache/done" -mmin +1440 2>/dev/null)" ] &&
        cp "$cache"/*.crt "$cache"/*.key "$cache"/*.pem "$T"/ 2>/dev/null; then
        return 0
    fi
    make_pki_now
    rm -rf "$cache.new.$$" && mkdir -p "$cache.new.$$" &&
        cp "$T"/*.crt "$T"/*.key "$T"/*.pem "$cache.new.$$"/ &&
        touch "$cache.new.$$/done" && rm -rf "$cache" && mv "$cache.new.$$" "$cache"
}
make_pki_now() {
    mk root --subject "CN=Wax Interop Root,O=Wax Test,C=DE" --ca --key rsa2048 \
        --days 30 --out-cert "$T/root.crt" --out-key "$T/root.key"
    local who kind profile
    for who in alice bob carol; do
        for kind in sign enc; do
            profile=$kind; [ "$kind" = enc ] && profile=encrypt
            mk "$who-$kind" --subject "CN=${who^},O=Wax Test,C=DE" \
                --email "$who@example.org" --profile "$profile" --key rsa2048 \
                --issuer "$T/root.crt" --issuer-key "$T/root.key" --days 30 \
                --out-cert "$T/$who.$kind.crt" --out-key "$T/$who.$kind.key"
            cat "$T/$who.$kind.key" "$T/$who.$kind.crt" >"$T/$who.$kind.pem"
        done
    done
}

# make_messages:
#  ent.txt    a canonical MIME entity (Content-* fields only, CRLF, 7bit):
#             the exact bytes that are signed / encrypted
#  mail.txt   an RFC 5322 message from alice@example.org with that entity
#  mvent.txt  "MIME-Version: 1.0" + ent.txt (what wax decrypt writes for a
#             MIME input whose outer header has nothing else)
#  bin.dat    20 KiB of random binary data (raw CMS content)
#  big.txt    a 2 MiB canonical entity (over the 1 MiB spool threshold:
#             wax streams and frames with indefinite lengths)
make_messages() {
    printf 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello Bob,\r\n\r\nthis is the interop test message.\r\nFrom here on: nothing special.\r\n-- \r\nAlice\r\n' \
        >"$T/ent.txt"
    { printf 'From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n'
      printf 'Subject: wax interop\r\nMIME-Version: 1.0\r\n'
      cat "$T/ent.txt"; } >"$T/mail.txt"
    { printf 'MIME-Version: 1.0\r\n'; cat "$T/ent.txt"; } >"$T/mvent.txt"
    head -c 20480 /dev/urandom >"$T/bin.dat"
    { printf 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
      local i=0
      while [ $i -lt 64 ]; do
          printf 'line %06d of the big interop message, seventy-some characters.\r\n' $i
          i=$((i + 1))
      done >"$T/big.chunk"
      i=0
      while [ $i -lt 480 ]; do cat "$T/big.chunk"; i=$((i + 1)); done; } >"$T/big.txt"
}

# json_field FILE FILTER: a field of the --json report (jq filter), "" if
# absent, "unparseable" if FILE is not one JSON object.
json_field() {
    local f=$1 filter=$2
    if have jq; then
        jq -er "$filter // empty" "$f" 2>/dev/null ||
            { jq -e . "$f" >/dev/null 2>&1 || echo unparseable; }
    else
        python3 - "$f" "$filter" <<'PY' 2>/dev/null || echo unparseable
import json, sys
o = json.load(open(sys.argv[1]))
for k in sys.argv[2].lstrip('.').split('.'):
    o = o.get(k) if isinstance(o, dict) else None
print("" if o is None else o)
PY
    fi
}

# wax_expect NAME EXIT VERDICT EXPECT WAXCMD ARGS...
#   runs: wax WAXCMD --json -o $T/NAME.out ARGS...
#   asserts the exit status, the --json "verdict" (VERDICT "-": none is
#   asserted) and the output: EXPECT a file it must equal (cmp), "-": any
#   output, or "none": no output file may exist. WAX_ERROR, when set, is the "error" the
#   report must name. One ok/FAIL line.
wax_expect() {
    local name=$1 want=$2 verdict=$3 expect=$4 cmd=$5; shift 5
    local out="$T/$name.out" rep="$T/$name.json" why="" got rc
    rm -f "$out"
    "$WAX" "$cmd" --json -o "$out" "$@" 2>"$rep" </dev/null
    rc=$?
    [ "$rc" -eq "$want" ] || why="exit $rc, want $want;"
    if [ "$verdict" != - ]; then
        got=$(json_field "$rep" .verdict)
        [ "$got" = "$verdict" ] || why="$why verdict '$got', want '$verdict';"
    fi
    if [ -n "${WAX_ERROR:-}" ]; then
        got=$(json_field "$rep" .error)
        [ "$got" = "$WAX_ERROR" ] || why="$why error '$got', want '$WAX_ERROR';"
    fi
    if [ "$expect" = none ]; then
        [ ! -e "$out" ] || why="$why an output file was written ($(stat -c %s "$out") bytes);"
    elif [ ! -f "$out" ]; then
        why="$why no output file;"
    elif [ "$expect" != - ] && ! cmp -s "$out" "$expect"; then
        why="$why output differs from $(basename "$expect"): $(cmp "$out" "$expect" 2>&1 | head -1);"
    fi
    if [ -z "$why" ]; then pass "$name"; else
        fail "$name" "$why report: $(head -c 400 "$rep" | tr '\n' ' ')"
    fi
}

# wax_make NAME OUT WAXCMD ARGS...: wax WAXCMD -o OUT ARGS... must exit 0
# and write OUT; returns 1 (after a FAIL line) if not. No ok line: the
# cases that use OUT report.
wax_make() {
    local name=$1 out=$2 cmd=$3; shift 3
    rm -f "$out"
    if "$WAX" "$cmd" -o "$out" "$@" >"$T/make.stdout" 2>"$T/make.err" </dev/null &&
        [ -s "$out" ]; then
        return 0
    fi
    fail "$name" "wax $cmd $* -> exit $?: $(head -c 300 "$T/make.err" | tr '\n' ' ')"
    return 1
}

# peer_expect NAME EXPECT OUT CMD...: CMD must exit 0 and write OUT equal
# to EXPECT (cmp). One ok/FAIL line.
peer_expect() {
    local name=$1 expect=$2 out=$3; shift 3
    rm -f "$out"
    "$@" >"$T/peer.stdout" 2>"$T/peer.err" </dev/null
    local rc=$?
    if [ $rc -ne 0 ]; then
        fail "$name" "$1 exit $rc: $(head -c 300 "$T/peer.err" | tr '\n' ' ')"
    elif [ ! -f "$out" ]; then
        fail "$name" "$1 wrote no output"
    elif [ "$expect" != - ] && ! cmp -s "$out" "$expect"; then
        fail "$name" "$1 output differs from $(basename "$expect"): $(cmp "$out" "$expect" 2>&1 | head -1)"
    else
        pass "$name"
    fi
}

# peer_make NAME CMD...: CMD must exit 0 (a peer making an input for wax);
# returns 1 after a FAIL line if not.
peer_make() {
    local name=$1; shift
    "$@" >"$T/peer.stdout" 2>"$T/peer.err" </dev/null && return 0
    fail "$name" "peer failed: $* -> $(head -c 300 "$T/peer.err" | tr '\n' ' ')"
    return 1
}

# ---- gpgsm (see /work/notes/peers.md): gpgsm_setup imports the root
# (trusted), the given PKCS#12 identities (legacy PBE: gpgsm 2.2 cannot read
# OpenSSL 3's default AES PKCS#12) and certificates.
#   gpgsm_setup ANCHOR_CERT "ID_KEY ID_CERT" ... -- CERT...
gpgsm_setup() {
    export GNUPGHOME="$T/gnupg"
    mkdir -p -m700 "$GNUPGHOME"
    echo disable-crl-checks >"$GNUPGHOME/gpgsm.conf"
    local anchor=$1; shift
    gpgsm --batch --import "$anchor" >/dev/null 2>&1 || return 1
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        set -- $1 "${@:2}"
        local key=$1 crt=$2; shift 2
        openssl pkcs12 -export -legacy -inkey "$key" -in "$crt" -passout pass:wax \
            -out "$T/gpgsm.p12" 2>/dev/null || return 1
        echo wax | gpgsm --batch --pinentry-mode loopback --passphrase-fd 0 \
            --import "$T/gpgsm.p12" >/dev/null 2>&1 || return 1
    done
    [ "${1:-}" = -- ] && shift
    [ $# -eq 0 ] || gpgsm --batch --import "$@" >/dev/null 2>&1 || return 1
    local fpr
    fpr=$(openssl x509 -in "$anchor" -noout -fingerprint -sha1 2>/dev/null |
        sed -e 's/^.*=//' -e 's/://g')
    [ -n "$fpr" ] || return 1
    echo "$fpr S" >"$GNUPGHOME/trustlist.txt"
}
gpgsm_cleanup() {
    [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent >/dev/null 2>&1
    unset GNUPGHOME
}

# ---- NSS: nss_setup ANCHOR_CERT "KEY CERT"... -- CERT...: a database in
# $T/nss with the anchor trusted for email, the identities (PKCS#12) and
# the extra certificates.
nss_setup() {
    NSSDB="sql:$T/nss"
    mkdir -p "$T/nss"
    certutil -N -d "$NSSDB" --empty-password >/dev/null 2>&1 || return 1
    local anchor=$1; shift
    certutil -A -d "$NSSDB" -n wax-anchor -t "C,C,C" -i "$anchor" >/dev/null 2>&1 || return 1
    local n=0
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        set -- $1 "${@:2}"
        local key=$1 crt=$2; shift 2
        n=$((n + 1))
        openssl pkcs12 -export -inkey "$key" -in "$crt" -passout pass:wax \
            -name "wax-id-$n" -out "$T/nss.p12" 2>/dev/null || return 1
        pk12util -i "$T/nss.p12" -d "$NSSDB" -W wax >/dev/null 2>&1 || return 1
    done
    [ "${1:-}" = -- ] && shift
    for crt in "$@"; do
        n=$((n + 1))
        certutil -A -d "$NSSDB" -n "wax-cert-$n" -t ",," -i "$crt" >/dev/null 2>&1 || return 1
    done
}

# nss_status NAME CMSFILE [CONTENT]: cmsutil -D ... -n -h 2 must print
# signer0.status=GoodSignature (cmsutil exits 0 either way).
nss_status() {
    local name=$1 cms=$2 content=${3:-}
    local args=(-D -d "$NSSDB" -i "$cms" -n -h 2)
    [ -n "$content" ] && args+=(-c "$content")
    cmsutil "${args[@]}" >"$T/nss.out" 2>&1
    if grep -q 'signer0.status=GoodSignature;' "$T/nss.out"; then pass "$name"; else
        fail "$name" "cmsutil: $(tr '\n\t' '  ' <"$T/nss.out" | head -c 300)"
    fi
}
