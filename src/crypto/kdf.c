/*
 * Key derivation (crypto.h): HKDF (RFC 5869), the ANSI X9.63 KDF of
 * RFC 5753 / SEC 1 3.6.1, and PBKDF2 (RFC 8018).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <wax/crypto.h>

#include "crypto/ossl_internal.h"

static bool
hkdf_digest_ok(enum wax_digest_alg md)
{
    return md == WAX_DIGEST_SHA256 || md == WAX_DIGEST_SHA384 ||
           md == WAX_DIGEST_SHA512;
}

/*
 * Runs libcrypto's HKDF in MODE (extract only or expand only). OpenSSL
 * insists on non-NULL octet-string parameters, so empty inputs point at a
 * dummy byte.
 */
static wax_err
hkdf_run(enum wax_digest_alg md, int mode, uint8_t *out, size_t out_len,
         const uint8_t *salt, size_t salt_len, const uint8_t *key,
         size_t key_len, const uint8_t *info, size_t info_len)
{
    static uint8_t empty[1];
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL) {
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL) {
        wax_ossl_clear_errors();
        return WAX_ERR_NOMEM;
    }
    OSSL_PARAM params[6];
    size_t n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(
        OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(wax_ossl_md(md)), 0);
    params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_KEY, key_len ? (void *)key : empty, key_len);
    if (mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY) {
        params[n++] = OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_SALT, salt_len ? (void *)salt : empty, salt_len);
    } else if (info_len > 0) {
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                        (void *)info, info_len);
    }
    params[n] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) {
        wax_wipe(out, out_len);
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_DERIVE_FAILED;
    }
    return WAX_OK;
}

wax_err
wax_kdf_hkdf_extract(enum wax_digest_alg md, uint8_t *prk, size_t prk_cap,
                     size_t *prk_len, const uint8_t *salt, size_t salt_len,
                     const uint8_t *ikm, size_t ikm_len)
{
    WAX_ENSURE(hkdf_digest_ok(md), WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    size_t hlen = wax_digest_size(md);
    WAX_ENSURE(prk_cap >= hlen, WAX_ERR_BUF_TOO_SMALL);
    WAX_ENSURE((salt != NULL || salt_len == 0) && (ikm != NULL || ikm_len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(hkdf_run(md, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, prk, hlen, salt,
                     salt_len, ikm, ikm_len, NULL, 0));
    *prk_len = hlen;
    return WAX_OK;
}

wax_err
wax_kdf_hkdf_expand(enum wax_digest_alg md, uint8_t *out, size_t out_len,
                    const uint8_t *prk, size_t prk_len, const uint8_t *info,
                    size_t info_len)
{
    WAX_ENSURE(hkdf_digest_ok(md), WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    size_t hlen = wax_digest_size(md);
    WAX_ENSURE(out_len >= 1 && out_len <= 255 * hlen &&
                   out_len <= WAX_MAX_KDF_OUTPUT,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(prk != NULL && prk_len >= hlen, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(info != NULL || info_len == 0, WAX_ERR_INVALID_ARGUMENT);
    return hkdf_run(md, EVP_KDF_HKDF_MODE_EXPAND_ONLY, out, out_len, NULL, 0,
                    prk, prk_len, info, info_len);
}

wax_err
wax_kdf_hkdf(enum wax_digest_alg md, uint8_t *out, size_t out_len,
             const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
             size_t ikm_len, const uint8_t *info, size_t info_len)
{
    uint8_t prk[WAX_MAX_DIGEST_BYTES];
    size_t prk_len = 0;
    WAX_ENSURE(hkdf_digest_ok(md), WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    size_t hlen = wax_digest_size(md);
    /* Check the expand arguments first so that nothing is computed for a
     * call that must fail. */
    WAX_ENSURE(out_len >= 1 && out_len <= 255 * hlen &&
                   out_len <= WAX_MAX_KDF_OUTPUT,
               WAX_ERR_INVALID_ARGUMENT);
    wax_err err = wax_kdf_hkdf_extract(md, prk, sizeof prk, &prk_len, salt,
                                       salt_len, ikm, ikm_len);
    if (err == WAX_OK) {
        err =
            wax_kdf_hkdf_expand(md, out, out_len, prk, prk_len, info, info_len);
    }
    wax_wipe(prk, sizeof prk);
    return err;
}

wax_err
wax_kdf_x963(enum wax_digest_alg md, uint8_t *out, size_t out_len,
             const uint8_t *z, size_t z_len, const uint8_t *shared_info,
             size_t shared_info_len)
{
    WAX_ENSURE(md == WAX_DIGEST_SHA1 || md == WAX_DIGEST_SHA224 ||
                   md == WAX_DIGEST_SHA256 || md == WAX_DIGEST_SHA384 ||
                   md == WAX_DIGEST_SHA512,
               WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    WAX_ENSURE(out_len >= 1 && out_len <= WAX_MAX_KDF_OUTPUT,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(z != NULL && z_len >= 1, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(shared_info != NULL || shared_info_len == 0,
               WAX_ERR_INVALID_ARGUMENT);

    uint8_t block[WAX_MAX_DIGEST_BYTES];
    size_t done = 0;
    wax_err err = WAX_OK;
    /* OUT_LEN <= WAX_MAX_KDF_OUTPUT keeps the counter far below 2^32 - 1. */
    for (uint32_t counter = 1; done < out_len && err == WAX_OK; counter++) {
        const uint8_t be[4] = {(uint8_t)(counter >> 24),
                               (uint8_t)(counter >> 16),
                               (uint8_t)(counter >> 8), (uint8_t)counter};
        struct wax_digest d;
        size_t blen = 0;
        err = wax_digest_init(&d, md);
        if (err == WAX_OK) {
            err = wax_digest_update(&d, z, z_len);
        }
        if (err == WAX_OK) {
            err = wax_digest_update(&d, be, sizeof be);
        }
        if (err == WAX_OK) {
            err = wax_digest_update(&d, shared_info, shared_info_len);
        }
        if (err == WAX_OK) {
            err = wax_digest_final(&d, block, sizeof block, &blen);
        }
        wax_digest_cleanup(&d);
        if (err == WAX_OK) {
            size_t take = out_len - done < blen ? out_len - done : blen;
            memcpy(out + done, block, take);
            done += take;
        }
    }
    wax_wipe(block, sizeof block);
    if (err != WAX_OK) {
        wax_wipe(out, out_len);
        return err == WAX_ERR_NOMEM ? err : WAX_ERR_CRYPTO_DERIVE_FAILED;
    }
    return WAX_OK;
}

wax_err
wax_kdf_pbkdf2(enum wax_digest_alg md, uint8_t *out, size_t out_len,
               const uint8_t *password, size_t password_len,
               const uint8_t *salt, size_t salt_len, uint32_t iterations)
{
    static const char empty[1];
    WAX_ENSURE(md == WAX_DIGEST_SHA1 || md == WAX_DIGEST_SHA224 ||
                   md == WAX_DIGEST_SHA256 || md == WAX_DIGEST_SHA384 ||
                   md == WAX_DIGEST_SHA512,
               WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    WAX_ENSURE(iterations >= 1, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(iterations <= WAX_MAX_PBKDF2_ITERATIONS, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(out_len >= 1 && out_len <= WAX_MAX_KDF_OUTPUT,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE((password != NULL || password_len == 0) &&
                   (salt != NULL || salt_len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    /* Bound the lengths handed to libcrypto as int. */
    WAX_ENSURE(password_len <= WAX_MAX_PBKDF2_INPUT &&
                   salt_len <= WAX_MAX_PBKDF2_INPUT,
               WAX_ERR_LIMIT_EXCEEDED);
    if (PKCS5_PBKDF2_HMAC(
            password_len ? (const char *)password : empty, (int)password_len,
            salt_len ? salt : (const uint8_t *)empty, (int)salt_len,
            (int)iterations, wax_ossl_md(md), (int)out_len, out) != 1) {
        wax_wipe(out, out_len);
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_DERIVE_FAILED;
    }
    return WAX_OK;
}
