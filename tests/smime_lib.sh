# tests/smime_lib.sh - shared set-up of the S/MIME command tests in
# tests/cli (sourced after tests/lib.sh).
# Makes a throwaway PKI with wax-mkcert in $T: a CA, Alice and Bob (dual
# use, with email), Carol without an email address, an expired Dave, an
# encryption-only Erin, and an unrelated CA; PEM identities are key +
# certificate files.

MKCERT=$(dirname "$WAX")/wax-mkcert
SAMPLES=$TESTDATA/rfc9216-samples
# the RFC 9216 certificates are valid from 2019/2020 until 2052
SAMPLE_AT=2024-01-01T00:00:00Z

have_python=false
if command -v python3 >/dev/null 2>&1; then have_python=true; fi

# mk NAME ARGS... : a certificate issued by the test CA, NAME.pem = key+cert
mk() {
    local name=$1; shift
    "$MKCERT" --issuer "$T/ca.crt" --issuer-key "$T/ca.key" "$@" \
        --out-cert "$T/$name.crt" --out-key "$T/$name.key" >/dev/null 2>"$T/mk.err" ||
        return 1
    cat "$T/$name.key" "$T/$name.crt" >"$T/$name.pem"
}

setup_pki() {
    [ -x "$MKCERT" ] || return 1
    "$MKCERT" --subject "CN=wax test CA,O=wax tests" --ca --not-before 2000-01-01T00:00:00Z \
        --out-cert "$T/ca.crt" --out-key "$T/ca.key" >/dev/null 2>"$T/mk.err" || return 1
    "$MKCERT" --subject "CN=other CA,O=wax tests" --ca \
        --out-cert "$T/other-ca.crt" --out-key "$T/other-ca.key" >/dev/null 2>&1 || return 1
    mk alice --subject "CN=Alice,O=wax tests" --email alice@example.org --profile dual || return 1
    mk bob --subject "CN=Bob,O=wax tests" --email bob@example.org --profile dual || return 1
    mk carol --subject "CN=Carol,O=wax tests" --profile dual || return 1
    mk dave --subject "CN=Dave,O=wax tests" --email dave@example.org --profile dual \
        --not-before 2001-01-01T00:00:00Z --not-after 2002-01-01T00:00:00Z || return 1
    mk erin --subject "CN=Erin,O=wax tests" --email erin@example.org --profile encrypt || return 1
    mk frank --subject "CN=Frank,O=wax tests" --email frank@example.org --profile sign || return 1
    return 0
}

# msg FILE FROM : a small RFC 5322 message
msg() {
    printf 'From: Alice <%s>\r\nTo: Bob <bob@example.org>\r\nSubject: wax test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <t1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob.\r\nThe secret word is xylophone.\r\n' \
        "$2" >"$1"
}

# json_check NAME FILE [VERDICT] : FILE (stderr of a --json run) is exactly
# one JSON object; with VERDICT, its "verdict" is that string.
json_check() {
    local name=$1 file=$2 want=${3:-}
    if $have_python; then
        local got
        if got=$(python3 -c '
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
try:
    obj = json.loads(text)
except ValueError as e:
    sys.exit(str(e))
if not isinstance(obj, dict):
    sys.exit("not an object")
print(obj.get("verdict", "-"))
' "$file" 2>&1); then
            if [ -z "$want" ] || [ "$got" = "$want" ]; then pass "$name"; else
                fail "$name" "verdict '$got', want '$want'"; fi
        else
            fail "$name" "not one JSON object: $got: $(head -c 300 "$file")"
        fi
        return
    fi
    # structural check without python3: one line, braces, the verdict
    if [ "$(wc -l <"$file")" -le 1 ] && [ "$(head -c 1 "$file")" = "{" ] &&
        [ "$(tr -d '\n' <"$file" | tail -c 1)" = "}" ] &&
        { [ -z "$want" ] || grep -q "\"verdict\":\"$want\"" "$file"; }; then
        pass "$name"
    else
        fail "$name" "not one JSON object with verdict $want: $(head -c 300 "$file")"
    fi
}

# json_field FILE EXPR : print a field of the JSON report (python3 only)
json_field() {
    python3 -c '
import json, sys
obj = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2], {"r": obj}))
' "$1" "$2" 2>/dev/null
}

# no_output NAME FILE : FILE does not exist, nor any temporary of it
no_output() {
    if [ ! -e "$2" ] && ! ls "$2".wax-tmp-* >/dev/null 2>&1; then pass "$1"; else
        fail "$1" "$2 was written"; fi
}

# has_hint NAME : the last run printed an error and a hint line
has_hint() {
    if grep -q '^wax: error: ' "$T/err" && grep -q '^wax: hint: ' "$T/err"; then pass "$1"
    else fail "$1" "no error+hint: $(head -c 300 "$T/err")"; fi
}
