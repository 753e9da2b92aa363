# wax - GNU Makefile (non-recursive). See README.md and shared DESIGN.md.
#
#   make            build/libwax.a, build/libwax.so, build/wax
#   make check      every test (unit, vectors, cli, interop) and the source check
#   make asan       the tests again under AddressSanitizer + UBSan (build/asan)
#   make fuzz-smoke every libFuzzer target for FUZZ_SECONDS each
#   make bench      benchmarks (never part of check)
#   make demo       the main job end to end
#   make install    PREFIX=/usr/local DESTDIR=

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 15
SONAME_MAJOR := 0
VERSION := 0.1.0

PKGS := libcrypto sqlite3 zlib
# Evaluated when a recipe runs, after the deps step has made sure they exist.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-missing-field-initializers
OPT ?= -O2 -g
CSTD := -std=c17 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) -fPIC -fvisibility=hidden $(EXTRA_CFLAGS)
ALL_CPPFLAGS = -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP

LIB_SRCS := $(sort $(wildcard src/*/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
VECTOR_SRCS := $(sort $(wildcard tests/vectors/*.c))
BENCH_SRCS := $(sort $(wildcard bench/*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
VECTOR_OBJS := $(VECTOR_SRCS:%.c=$(BUILD)/obj/%.o)
HARNESS_OBJ := $(BUILD)/obj/tests/harness.o
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
DEPS_STAMP := $(BUILD)/.deps-build

STATIC_LIB := $(BUILD)/libwax.a
SHARED_LIB := $(BUILD)/libwax.so.$(VERSION)
TEST_BINS := $(BUILD)/tests/test-unit $(BUILD)/tests/test-vectors

.PHONY: all deps deps-check check test asan fuzz fuzz-smoke bench demo install \
        format format-check check-source clean

all: $(STATIC_LIB) $(SHARED_LIB) $(BUILD)/wax $(BUILD)/wax-mkcert

# ---- dependencies: install with apt-get as root, else print the one line.
deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@tools/deps build
	@mkdir -p $(BUILD) && touch $@
deps-check:
	@tools/deps check

# ---- library, CLI
$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libwax.so.$(SONAME_MAJOR) -o $@ $^ $(PKG_LIBS) $(EXTRA_LDFLAGS)
	ln -sf libwax.so.$(VERSION) $(BUILD)/libwax.so.$(SONAME_MAJOR)
	ln -sf libwax.so.$(VERSION) $(BUILD)/libwax.so

$(BUILD)/wax: $(CLI_OBJS) $(STATIC_LIB)
	$(CC) -o $@ $(CLI_OBJS) $(STATIC_LIB) $(PKG_LIBS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)

# wax-mkcert: throwaway certificates for the demo and the tests (no openssl).
$(BUILD)/wax-mkcert: $(BUILD)/obj/tools/wax-mkcert.o $(STATIC_LIB)
	$(CC) -o $@ $< $(STATIC_LIB) $(PKG_LIBS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)

# ---- tests
$(BUILD)/tests/test-unit: $(UNIT_OBJS) $(HARNESS_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(UNIT_OBJS) $(HARNESS_OBJ) $(STATIC_LIB) $(PKG_LIBS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)

$(BUILD)/tests/test-vectors: $(VECTOR_OBJS) $(HARNESS_OBJ) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(VECTOR_OBJS) $(HARNESS_OBJ) $(STATIC_LIB) $(PKG_LIBS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)

check: all $(TEST_BINS) deps-check
	@tests/run $(BUILD)
test: check

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g" EXTRA_CFLAGS="$(ASAN_FLAGS)" \
		build/asan/wax build/asan/wax-mkcert build/asan/tests/test-unit \
		build/asan/tests/test-vectors
	ASAN_OPTIONS=detect_leaks=1 tests/run build/asan

# ---- fuzzing: the library is compiled once with coverage instrumentation
# (build/fuzz/libwax-fuzz.a), then each target links against it.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -O1 -g
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
$(BUILD)/fuzz/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/libwax-fuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libwax-fuzz.a
	$(FUZZ_CC) $(CSTD) $(FUZZ_SAN) -fsanitize=fuzzer -Iinclude -Isrc $(PKG_CFLAGS) -o $@ $< $(BUILD)/fuzz/libwax-fuzz.a $(PKG_LIBS)
fuzz: $(FUZZ_BINS)
fuzz-smoke: $(FUZZ_BINS)
	@tools/fuzz-smoke $(BUILD)/fuzz $(FUZZ_SECONDS)

# ---- benchmarks
$(BUILD)/bench/%: bench/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(STATIC_LIB) $(PKG_LIBS)
bench: all $(BENCH_BINS)
	@bench/run $(BUILD)

# ---- demo
demo: all
	@tools/demo $(BUILD)

# ---- install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/wax/err $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/wax $(DESTDIR)$(PREFIX)/bin/wax
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(PREFIX)/lib/libwax.a
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(PREFIX)/lib/libwax.so.$(VERSION)
	ln -sf libwax.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libwax.so.$(SONAME_MAJOR)
	ln -sf libwax.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libwax.so
	install -m 0644 include/wax/*.h $(DESTDIR)$(PREFIX)/include/wax/
	install -m 0644 include/wax/err/*.def $(DESTDIR)$(PREFIX)/include/wax/err/
	install -m 0644 docs/wax.1 $(DESTDIR)$(PREFIX)/share/man/man1/wax.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' wax.pc.in \
		>$(DESTDIR)$(PREFIX)/lib/pkgconfig/wax.pc

# ---- source hygiene
check-source:
	@tools/check-source
format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(wildcard include/wax/*.h src/*/*.h cli/*.h)
format-check:
	clang-format --dry-run -Werror $(LIB_SRCS) $(CLI_SRCS) $(wildcard include/wax/*.h src/*/*.h cli/*.h)

clean:
	rm -rf $(BUILD)

-include $(FUZZ_LIB_OBJS:.o=.d) $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(BUILD)/obj/tools/wax-mkcert.d $(UNIT_OBJS:.o=.d) $(VECTOR_OBJS:.o=.d) $(HARNESS_OBJ:.o=.d)
