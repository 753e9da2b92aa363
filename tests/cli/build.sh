#!/usr/bin/env bash
# The build products: the shared library exports only the public API under
# its SONAME, `make install` lays out what it promises, and a program
# compiles and links against the installed library through wax.pc.
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$WAX")
if [ "$(basename "$build")" = asan ]; then
    skip build-products "checked in the normal build; the sanitizer build has no shared library"
    exit 0
fi

# libwax.so carries its SONAME
soname=$(objdump -p "$build/libwax.so" 2>/dev/null | awk '/SONAME/ {print $2}')
if [ "$soname" = "libwax.so.0" ]; then pass soname; else fail soname "SONAME is '$soname'"; fi

# every exported function is wax_*; internal helpers stay hidden
exported=$(nm -D --defined-only "$build/libwax.so" | awk '$2 ~ /[TDRB]/ {print $3}')
stray=$(echo "$exported" | grep -v '^wax_' | grep -v '^_' | head -5)
if [ -n "$exported" ] && [ -z "$stray" ]; then pass exports-only-api; else
    fail exports-only-api "non-API exports: $stray"; fi

# wax --version and an unknown command
out=$("$WAX" --version)
if [ "$out" = "wax 0.1.0" ]; then pass version; else fail version "got '$out'"; fi
expect_exit unknown-command 2 "$WAX" no-such-command
if grep -q "^wax: error: unknown command 'no-such-command'" "$T/err" && grep -q '^wax: hint:' "$T/err"
then pass unknown-command-message; else fail unknown-command-message "$(cat "$T/err")"; fi

# make install into a staging directory, then build a program against it
if make -s install BUILD="$build" DESTDIR="$T/dest" PREFIX=/usr >"$T/install.log" 2>&1; then
    missing=""
    for f in usr/bin/wax usr/lib/libwax.a usr/lib/libwax.so.0.1.0 usr/lib/libwax.so.0 \
             usr/lib/libwax.so usr/include/wax/wax.h usr/include/wax/err/util.def \
             usr/lib/pkgconfig/wax.pc usr/share/man/man1/wax.1; do
        [ -e "$T/dest/$f" ] || missing="$missing $f"
    done
    if [ -z "$missing" ]; then pass install-layout; else fail install-layout "missing:$missing"; fi
    cat >"$T/prog.c" <<'C'
#include <stdio.h>
#include <wax/wax.h>
int main(void) { puts(wax_err_name(WAX_ERR_DER_TRAILING_DATA)); return 0; }
C
    cflags=$(PKG_CONFIG_SYSROOT_DIR="$T/dest" PKG_CONFIG_PATH="$T/dest/usr/lib/pkgconfig" pkg-config --cflags wax)
    libs=$(PKG_CONFIG_SYSROOT_DIR="$T/dest" PKG_CONFIG_PATH="$T/dest/usr/lib/pkgconfig" pkg-config --libs wax)
    if cc $cflags -o "$T/prog" "$T/prog.c" $libs 2>"$T/cc.log" &&
       [ "$(LD_LIBRARY_PATH="$T/dest/usr/lib" "$T/prog")" = "WAX_ERR_DER_TRAILING_DATA" ]; then
        pass link-against-installed
    else
        fail link-against-installed "$(head -c 300 "$T/cc.log")"
    fi
else
    fail install-layout "make install failed: $(tail -3 "$T/install.log")"
fi
exit $tests_failed
