/*
 * tests/harness.h - the unit-test harness of wax.
 *
 * A test file defines tests with TEST(name) { ... } and asserts with the
 * CHECK* macros; every test registers itself before main(). The runner
 * (tests/harness.c) prints one line per test:
 *
 *   ok   <file>:<name>
 *   FAIL <file>:<name>: <file>:<line>: <what>
 *   SKIP <file>:<name>: <reason>
 *
 * and tests/run tallies those lines across every test program into the
 * closing line "N passed, N failed, N skipped".
 *
 * A failing CHECK ends the test (return from the test function), so later
 * checks never run on a broken state.
 */
#ifndef WAX_TESTS_HARNESS_H
#define WAX_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <wax/err.h>

typedef void (*wax_test_fn)(void);
void wax_test_register(const char *file, const char *name, wax_test_fn fn);
void wax_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void wax_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool wax_test_failed(void);

/* Directory of the external corpora: $WAX_TESTDATA, else ../shared/testdata
 * relative to the repository root (tests run from the repository root). */
const char *wax_test_data_dir(void);

/* wax_test_read_file reads a whole file (at most 64 MiB) into a malloc'd
 * buffer; returns NULL when it cannot. The buffer is NUL-terminated (the NUL
 * is not counted in *OUT_LEN). */
uint8_t *wax_test_read_file(const char *path, size_t *out_len);

/* wax_test_path joins the test data dir and a relative path into a static
 * buffer (valid until the next call). */
const char *wax_test_data_path(const char *rel);

#define TEST(name)                                                             \
    static void name(void);                                                    \
    __attribute__((constructor)) static void wax_test_reg_##name(void)         \
    {                                                                          \
        wax_test_register(__FILE__, #name, name);                              \
    }                                                                          \
    static void name(void)

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            wax_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);             \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                                                   \
    do {                                                                       \
        if (!(cond)) {                                                         \
            wax_test_fail(__FILE__, __LINE__, __VA_ARGS__);                    \
            return;                                                            \
        }                                                                      \
    } while (0)

/* CHECK_ERR asserts that EXPR returns exactly the wax_err CODE. */
#define CHECK_ERR(expr, code)                                                  \
    do {                                                                       \
        wax_err check_got_ = (expr);                                           \
        wax_err check_want_ = (code);                                          \
        if (check_got_ != check_want_) {                                      \
            wax_test_fail(__FILE__, __LINE__, "%s: got %s, want %s", #expr,    \
                          wax_err_name(check_got_),                            \
                          wax_err_name(check_want_));                          \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, WAX_OK)

#define CHECK_EQ_U64(got, want)                                                \
    do {                                                                       \
        unsigned long long check_g_ = (unsigned long long)(got);               \
        unsigned long long check_w_ = (unsigned long long)(want);              \
        if (check_g_ != check_w_) {                                            \
            wax_test_fail(__FILE__, __LINE__, "%s: got %llu, want %llu", #got, \
                          check_g_, check_w_);                                 \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_EQ_I64(got, want)                                                \
    do {                                                                       \
        long long check_g_ = (long long)(got);                                 \
        long long check_w_ = (long long)(want);                                \
        if (check_g_ != check_w_) {                                            \
            wax_test_fail(__FILE__, __LINE__, "%s: got %lld, want %lld", #got, \
                          check_g_, check_w_);                                 \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                   \
    do {                                                                       \
        const char *check_g_ = (got);                                          \
        const char *check_w_ = (want);                                         \
        if (check_g_ == NULL || strcmp(check_g_, check_w_) != 0) {             \
            wax_test_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"",   \
                          #got, check_g_ ? check_g_ : "(null)", check_w_);     \
            return;                                                            \
        }                                                                      \
    } while (0)

/* CHECK_MEM asserts GOT_LEN == WANT_LEN and equal bytes. */
#define CHECK_MEM(got, got_len, want, want_len)                                \
    do {                                                                       \
        size_t check_gl_ = (got_len), check_wl_ = (want_len);                  \
        if (check_gl_ != check_wl_ ||                                          \
            (check_gl_ != 0 && memcmp((got), (want), check_gl_) != 0)) {       \
            wax_test_fail(__FILE__, __LINE__,                                  \
                          "%s: %zu bytes differ from %s: %zu bytes", #got,     \
                          check_gl_, #want, check_wl_);                        \
            return;                                                            \
        }                                                                      \
    } while (0)

/* SKIP ends the test as skipped, with a reason that tests/run shows. */
#define SKIP(...)                                                              \
    do {                                                                       \
        wax_test_skip(__VA_ARGS__);                                            \
        return;                                                                \
    } while (0)

#endif
