/*
 * wax/err.h - the one error enum of wax.
 *
 * Every fallible function returns a wax_err. Numbers are stable: once
 * released, a code keeps its number forever; a retired code stays in the
 * list as a placeholder. Each layer owns a block of a hundred:
 *
 *   util 1xx, der 2xx, crypto 3xx, x509 4xx, path 5xx, cms 6xx, mime 7xx,
 *   smime 8xx, store/pki 9xx, cli 10xx.
 *
 * The list lives in include/wax/err/<layer>.def as X(NAME, NUMBER, "message")
 * rows; this header, wax_err_name() and wax_err_str() are all generated from
 * it, so a code cannot exist without a name and a message.
 */
#ifndef WAX_ERR_H
#define WAX_ERR_H

#include <wax/common.h>

#define WAX_ERR_LIST(X)                                                        \
    X(OK, 0, "success")                                                        \
    WAX_ERR_LIST_UTIL(X)                                                       \
    WAX_ERR_LIST_DER(X)                                                        \
    WAX_ERR_LIST_CRYPTO(X)                                                     \
    WAX_ERR_LIST_X509(X)                                                       \
    WAX_ERR_LIST_PATH(X)                                                       \
    WAX_ERR_LIST_CMS(X)                                                        \
    WAX_ERR_LIST_MIME(X)                                                       \
    WAX_ERR_LIST_SMIME(X)                                                      \
    WAX_ERR_LIST_STORE(X)                                                      \
    WAX_ERR_LIST_CLI(X)

#include <wax/err/util.def>
#include <wax/err/der.def>
#include <wax/err/crypto.def>
#include <wax/err/x509.def>
#include <wax/err/path.def>
#include <wax/err/cms.def>
#include <wax/err/mime.def>
#include <wax/err/smime.def>
#include <wax/err/store.def>
#include <wax/err/cli.def>

typedef enum wax_err {
#define WAX_ERR_ENUM_ROW(name, num, msg) WAX_ERR_##name = num,
    WAX_ERR_LIST(WAX_ERR_ENUM_ROW)
#undef WAX_ERR_ENUM_ROW
} wax_err;

/* WAX_OK is the one success value; every other value is a failure. */
#define WAX_OK WAX_ERR_OK

/*
 * wax_err_name returns the code's symbolic name, e.g.
 * "WAX_ERR_DER_TRAILING_DATA" (or "WAX_OK"). For a number that is not a
 * code it returns "WAX_ERR_UNKNOWN". The string is static.
 */
WAX_API const char *wax_err_name(wax_err err);

/*
 * wax_err_str returns a one-line English description of the code, without a
 * trailing period. For a number that is not a code it returns
 * "unknown error". The string is static.
 */
WAX_API const char *wax_err_str(wax_err err);

/*
 * wax_err_from_name finds the code whose wax_err_name() is NAME (used by
 * test vector files that name expected errors). Returns false when NAME is
 * not a known code.
 */
WAX_API bool wax_err_from_name(const char *name, wax_err *out_err);

/*
 * The control-flow vocabulary (STYLE.md rule 9). Each evaluates its
 * arguments once.
 *   WAX_TRY(expr)          return expr's error if it is not WAX_OK
 *   WAX_ENSURE(cond, code) return code unless cond holds
 *   WAX_FAIL(code)         return code
 */
#define WAX_TRY(expr)                                                          \
    do {                                                                       \
        wax_err wax_try_err_ = (expr);                                         \
        if (wax_try_err_ != WAX_OK) {                                          \
            return wax_try_err_;                                               \
        }                                                                      \
    } while (0)

#define WAX_ENSURE(cond, code)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            return (code);                                                     \
        }                                                                      \
    } while (0)

#define WAX_FAIL(code) return (code)

#endif
