#!/usr/bin/env bash
# bench/smime_bench.sh BUILD - the four S/MIME operations of wax against
# `openssl cms` on the same input, in the same run: wall time and peak RSS
# of each process, and the ratios wax/openssl. Never part of `make check`.
#
# Everything is made here, in a temporary directory ($TMPDIR): a root CA,
# Alice (RSA-2048 signing) and Bob (RSA-2048 encryption) with wax-mkcert,
# and a text message (a MIME entity of 76-column base64 lines, CRLF, 7-bit)
# of $WAX_BENCH_MIB MiB (default 256).
#
#   sign     wax sign --format der (opaque, DER/BER)
#            openssl cms -sign -binary -stream -nodetach -outform DER
#   verify   both verify the object openssl signed (same input):
#            wax verify --trust --from / openssl cms -verify -binary
#   encrypt  wax encrypt --format der --cipher aes256-cbc
#            openssl cms -encrypt -aes256 -binary -stream -outform DER
#   decrypt  both decrypt the object openssl encrypted (same input):
#            wax decrypt / openssl cms -decrypt -binary
#
# Each output is checked against the message (a wrong result is reported,
# and the script exits 1). Peak RSS comes from /usr/bin/time -f '%e %M';
# without it, from polling /proc/PID/status VmHWM (approximate).
set -u
build=${1:-build}
wax="$PWD/$build/wax"
mkcert="$PWD/$build/wax-mkcert"
mib=${WAX_BENCH_MIB:-256}
for p in "$wax" "$mkcert"; do
    [ -x "$p" ] || { echo "smime_bench: no $p (make builds it)" >&2; exit 2; }
done
if ! command -v openssl >/dev/null; then
    echo "smime_bench: SKIP: the openssl command is not installed" >&2
    exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/wax-bench.XXXXXX")
trap 'rm -rf "$d"' EXIT
status=0

# ---- keys and message
"$mkcert" --subject "CN=Bench Root,O=wax bench" --ca --days 2 \
    --out-cert "$d/root.crt" --out-key "$d/root.key" || exit 2
"$mkcert" --subject "CN=Alice,O=wax bench" --email alice@example.org --profile sign \
    --issuer "$d/root.crt" --issuer-key "$d/root.key" --days 2 \
    --out-cert "$d/alice.crt" --out-key "$d/alice.key" || exit 2
"$mkcert" --subject "CN=Bob,O=wax bench" --email bob@example.org --profile encrypt \
    --issuer "$d/root.crt" --issuer-key "$d/root.key" --days 2 \
    --out-cert "$d/bob.crt" --out-key "$d/bob.key" || exit 2
cat "$d/alice.key" "$d/alice.crt" >"$d/alice.pem"
cat "$d/bob.key" "$d/bob.crt" >"$d/bob.pem"
{
    printf 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
    # 76 base64 characters + CRLF per line: 78 bytes per 57 random bytes
    head -c $((mib * 1048576 / 78 * 57)) /dev/urandom | base64 -w 76 | sed 's/$/\r/'
} >"$d/msg.txt"
size=$(stat -c %s "$d/msg.txt")
echo "smime_bench: message $((size / 1048576)) MiB ($size bytes) in $d"

# ---- measuring: measure KEY CMD... sets R_SEC[KEY], R_MIB[KEY]
declare -A R_SEC R_MIB R_OK
measure() {
    local key=$1; shift
    local tf="$d/time.$key" rc
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$d/stdout.$key" 2>"$d/stderr.$key"
        rc=$?
        # the last line (time prints "Command exited..." before it on failure)
        read -r R_SEC[$key] kb < <(tail -1 "$tf")
    else
        local t0 t1 hwm=0 v pid
        t0=$(date +%s.%N)
        "$@" >"$d/stdout.$key" 2>"$d/stderr.$key" &
        pid=$!
        while kill -0 $pid 2>/dev/null; do
            v=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status 2>/dev/null)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            sleep 0.02
        done
        wait $pid; rc=$?
        t1=$(date +%s.%N)
        R_SEC[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
        kb=$hwm
    fi
    R_MIB[$key]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    R_OK[$key]=ok
    if [ "$rc" -ne 0 ]; then
        R_OK[$key]="FAILED (exit $rc: $(head -c 200 "$d/stderr.$key" | tr '\n' ' '))"
        status=1
    fi
}
# same KEY FILE EXPECT: the output is right, else the result is marked
same() {
    if [ "${R_OK[$1]}" = ok ] && ! cmp -s "$2" "$3"; then
        R_OK[$1]="WRONG OUTPUT ($(cmp "$2" "$3" 2>&1 | head -1))"
        status=1
    fi
}

# ---- the runs (files deleted as soon as they are not needed)
measure sign.openssl openssl cms -sign -binary -stream -nodetach -outform DER \
    -signer "$d/alice.crt" -inkey "$d/alice.key" -in "$d/msg.txt" -out "$d/ossl.sig"
measure sign.wax "$wax" sign -i "$d/alice.pem" --format der -o "$d/wax.sig" "$d/msg.txt"
# wax's signature must verify in openssl (a check, not timed)
if [ "${R_OK[sign.wax]}" = ok ] && ! openssl cms -verify -binary -inform DER \
    -CAfile "$d/root.crt" -in "$d/wax.sig" -out /dev/null >/dev/null 2>&1; then
    R_OK[sign.wax]="openssl cannot verify wax's signature"; status=1
fi
rm -f "$d/wax.sig"

measure verify.openssl openssl cms -verify -binary -inform DER -CAfile "$d/root.crt" \
    -in "$d/ossl.sig" -out "$d/out"
same verify.openssl "$d/out" "$d/msg.txt"; rm -f "$d/out"
measure verify.wax "$wax" verify --trust "$d/root.crt" --from alice@example.org \
    -o "$d/out" "$d/ossl.sig"
same verify.wax "$d/out" "$d/msg.txt"; rm -f "$d/out" "$d/ossl.sig"

measure encrypt.openssl openssl cms -encrypt -aes256 -binary -stream -outform DER \
    -in "$d/msg.txt" -out "$d/ossl.enc" "$d/bob.crt"
measure encrypt.wax "$wax" encrypt -r "$d/bob.crt" --format der --cipher aes256-cbc \
    -o "$d/wax.enc" "$d/msg.txt"
if [ "${R_OK[encrypt.wax]}" = ok ]; then
    openssl cms -decrypt -binary -inform DER -in "$d/wax.enc" -recip "$d/bob.crt" \
        -inkey "$d/bob.key" -out "$d/out" >/dev/null 2>&1
    cmp -s "$d/out" "$d/msg.txt" ||
        { R_OK[encrypt.wax]="openssl cannot decrypt wax's object to the message"; status=1; }
fi
rm -f "$d/wax.enc" "$d/out"

measure decrypt.openssl openssl cms -decrypt -binary -inform DER -in "$d/ossl.enc" \
    -recip "$d/bob.crt" -inkey "$d/bob.key" -out "$d/out"
same decrypt.openssl "$d/out" "$d/msg.txt"; rm -f "$d/out"
measure decrypt.wax "$wax" decrypt -i "$d/bob.pem" -o "$d/out" "$d/ossl.enc"
same decrypt.wax "$d/out" "$d/msg.txt"; rm -f "$d/out"

# ---- the table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
printf '%-8s %9s %9s %9s %9s %8s %8s  %s\n' op "wax s" "wax MiB" "ossl s" "ossl MiB" \
    "t ratio" "m ratio" "result"
for op in sign verify encrypt decrypt; do
    w=$op.wax o=$op.openssl
    res="wax ${R_OK[$w]}, openssl ${R_OK[$o]}"
    printf '%-8s %9s %9s %9s %9s %8s %8s  %s\n' "$op" "${R_SEC[$w]}" "${R_MIB[$w]}" \
        "${R_SEC[$o]}" "${R_MIB[$o]}" "$(ratio "${R_SEC[$w]}" "${R_SEC[$o]}")" \
        "$(ratio "${R_MIB[$w]}" "${R_MIB[$o]}")" "$res"
done
echo "(seconds: wall time of the process; MiB: its peak RSS; ratios wax/openssl)"
exit $status
