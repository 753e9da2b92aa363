# tests/lib.sh - helpers for shell tests (tests/cli, tests/interop).
# Each test prints one line in the harness format (ok / FAIL / SKIP) that
# tests/run tallies. Source it; call pass/fail/skip with a test name.
# WAX is the binary under test; TESTDATA the external corpora.

: "${WAX:=$PWD/build/wax}"
: "${WAX_TESTDATA:=$PWD/../shared/testdata}"
TESTDATA=$WAX_TESTDATA
script_name=$(basename "$0" .sh)
tests_failed=0

pass() { printf 'ok   %s:%s\n' "$script_name" "$1"; }
fail() { printf 'FAIL %s:%s: %s\n' "$script_name" "$1" "$2"; tests_failed=1; }
skip() { printf 'SKIP %s:%s: %s\n' "$script_name" "$1" "$2"; }

# scratch directory removed on exit
T=$(mktemp -d "${TMPDIR:-/tmp}/wax-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# no test reads or writes the user's store: the default store is scratch
export WAX_STORE=$T/default-store.db

# expect_exit NAME WANT CMD... : run CMD, compare its exit status.
expect_exit() {
    name=$1; want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; got=$?
    if [ "$got" -eq "$want" ]; then pass "$name"; else
        fail "$name" "exit $got, want $want: $(head -c 300 "$T/err" | tr '\n' ' ')"; fi
}
