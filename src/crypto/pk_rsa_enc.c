/*
 * RSA encryption (RFC 8017 §7): RSAES-OAEP and RSAES-PKCS1-v1_5 encrypt and
 * decrypt, and the Bleichenbacher-safe PKCS#1 v1.5 key unwrap of CMS key
 * transport (SECURITY.md rule 3, RFC 3218 §2.3.2).
 *
 * PKCS#1 v1.5 decryption is done here, not by libcrypto's padding code:
 * OpenSSL 3.0 (Debian 12) has no implicit rejection, and its explicit
 * error path is exactly the oracle Bleichenbacher needs. wax performs a raw
 * RSA decryption (RSA_NO_PADDING, blinded, constant-time exponentiation in
 * libcrypto) and checks the EME-PKCS1-v1_5 block itself in constant time:
 * every byte of the block is looked at for every input, and the outcome
 * is a mask, never a branch, until the caller of the explicit API asks for
 * a verdict.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "crypto/keys_internal.h"

/* ------------------------------------------------------------------ */
/* Constant-time helpers (masks are all ones or all zeros).            */

/* value_barrier keeps the compiler from turning mask arithmetic back into
 * branches. */
static inline size_t
value_barrier(size_t a)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(a) : /* no inputs */);
#endif
    return a;
}

#define CT_TOP_BIT(x) ((x) >> (sizeof(size_t) * 8 - 1))

/* all ones when A == 0 */
static inline size_t
ct_is_zero(size_t a)
{
    return 0 - CT_TOP_BIT(value_barrier(~a & (a - 1)));
}

static inline size_t
ct_eq(size_t a, size_t b)
{
    return ct_is_zero(a ^ b);
}

/* all ones when A < B (both below 2^(bits-1), true for byte counts) */
static inline size_t
ct_lt(size_t a, size_t b)
{
    return 0 - CT_TOP_BIT(value_barrier(a - b));
}

static inline size_t
ct_select(size_t mask, size_t a, size_t b)
{
    return (value_barrier(mask) & a) | (~mask & b);
}

static inline uint8_t
ct_select_u8(size_t mask, uint8_t a, uint8_t b)
{
    return (uint8_t)ct_select(mask, a, b);
}

/*
 * pkcs1_type2_check checks an encryption block EM of K >= 11 bytes
 * (RFC 8017 §7.2.2 step 3):
 *   EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || M
 * in time independent of its contents. Returns the all-ones mask when the
 * block is well formed, and in *MSG_INDEX the offset of M (meaningful only
 * then).
 */
static size_t
pkcs1_type2_check(const uint8_t *em, size_t k, size_t *msg_index)
{
    size_t good = ct_is_zero(em[0]) & ct_eq(em[1], 2);
    size_t found = 0;
    size_t zero_index = 0;
    for (size_t i = 2; i < k; i++) {
        size_t is_zero = ct_is_zero(em[i]);
        zero_index = ct_select(~found & is_zero, i, zero_index);
        found |= is_zero;
    }
    good &= found;
    good &= ~ct_lt(zero_index, 2 + 8);
    *msg_index = zero_index + 1;
    return good;
}

/* ------------------------------------------------------------------ */
/* Shared set-up.                                                      */

static wax_err
rsa_size(const EVP_PKEY *pkey, enum wax_key_type type, size_t *k)
{
    /* RSA-PSS keys are for signatures only (RFC 4056). */
    WAX_ENSURE(type == WAX_KEY_RSA, WAX_ERR_CRYPTO_KEY_MISMATCH);
    int n = EVP_PKEY_get_size(pkey);
    WAX_ENSURE(n >= 11 + 1 && n <= WAX_MAX_RSA_BYTES, WAX_ERR_CRYPTO_BAD_KEY);
    *k = (size_t)n;
    return WAX_OK;
}

static bool
oaep_digest_ok(enum wax_digest_alg d)
{
    return d == WAX_DIGEST_SHA1 || d == WAX_DIGEST_SHA224 ||
           d == WAX_DIGEST_SHA256 || d == WAX_DIGEST_SHA384 ||
           d == WAX_DIGEST_SHA512;
}

static wax_err
oaep_setup(EVP_PKEY_CTX *ctx, const struct wax_oaep_params *params)
{
    WAX_ENSURE(
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, wax_key_md(params->digest)) > 0 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, wax_key_md(params->mgf1_digest)) >
                0,
        WAX_ERR_CRYPTO_INTERNAL);
    if (params->label_len > 0) {
        unsigned char *label = OPENSSL_memdup(params->label, params->label_len);
        WAX_ENSURE(label != NULL, WAX_ERR_NOMEM);
        if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label,
                                             (int)params->label_len) <= 0) {
            OPENSSL_free(label);
            return WAX_ERR_CRYPTO_INTERNAL;
        }
    }
    return WAX_OK;
}

static wax_err
oaep_params_check(const struct wax_oaep_params *params)
{
    WAX_ENSURE(params != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(params->label != NULL || params->label_len == 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(params->label_len <= WAX_MAX_KEY_FILE_BYTES,
               WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(oaep_digest_ok(params->digest) &&
                   oaep_digest_ok(params->mgf1_digest),
               WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Encrypt.                                                            */

static wax_err
rsa_encrypt(const struct wax_pubkey *key, const struct wax_oaep_params *oaep,
            uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
            size_t in_len)
{
    WAX_ENSURE(key != NULL && out != NULL && out_len != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in != NULL || in_len == 0, WAX_ERR_INVALID_ARGUMENT);
    if (oaep != NULL) {
        WAX_TRY(oaep_params_check(oaep));
    }
    size_t k = 0;
    WAX_TRY(rsa_size(key->pkey, key->type, &k));
    WAX_ENSURE(out_cap >= k, WAX_ERR_BUF_TOO_SMALL);

    static const uint8_t empty[1];
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    wax_err err = WAX_ERR_NOMEM;
    if (ctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_INTERNAL;
    if (EVP_PKEY_encrypt_init(ctx) != 1) {
        goto done;
    }
    if (oaep != NULL) {
        err = oaep_setup(ctx, oaep);
        if (err != WAX_OK) {
            goto done;
        }
    } else if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
        goto done;
    }
    size_t n = out_cap;
    if (EVP_PKEY_encrypt(ctx, out, &n, in_len == 0 ? empty : in, in_len) != 1) {
        err = WAX_ERR_CRYPTO_ENCRYPT_FAILED;
        goto done;
    }
    *out_len = n;
    err = WAX_OK;
done:
    EVP_PKEY_CTX_free(ctx);
    wax_key_errors_clear();
    return err;
}

wax_err
wax_pubkey_encrypt_pkcs1(const struct wax_pubkey *key, uint8_t *out,
                         size_t out_cap, size_t *out_len, const uint8_t *in,
                         size_t in_len)
{
    return rsa_encrypt(key, NULL, out, out_cap, out_len, in, in_len);
}

wax_err
wax_pubkey_encrypt_oaep(const struct wax_pubkey *key,
                        const struct wax_oaep_params *params, uint8_t *out,
                        size_t out_cap, size_t *out_len, const uint8_t *in,
                        size_t in_len)
{
    WAX_ENSURE(params != NULL, WAX_ERR_INVALID_ARGUMENT);
    return rsa_encrypt(key, params, out, out_cap, out_len, in, in_len);
}

/* ------------------------------------------------------------------ */
/* OAEP decrypt.                                                       */

wax_err
wax_privkey_decrypt_oaep(const struct wax_privkey *key,
                         const struct wax_oaep_params *params, uint8_t *out,
                         size_t out_cap, size_t *out_len, const uint8_t *in,
                         size_t in_len)
{
    WAX_ENSURE(key != NULL && out != NULL && out_len != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in != NULL || in_len == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(oaep_params_check(params));
    size_t k = 0;
    WAX_TRY(rsa_size(key->pkey, key->type, &k));
    size_t h_len = wax_key_md_size(params->digest);
    /* the longest message the key can carry, so that no size check
     * happens after the decryption */
    WAX_ENSURE(k >= 2 * h_len + 2, WAX_ERR_CRYPTO_BAD_KEY);
    WAX_ENSURE(out_cap >= k - 2 * h_len - 2, WAX_ERR_BUF_TOO_SMALL);
    if (in_len != k) {
        return WAX_ERR_CRYPTO_DECRYPT_FAILED;
    }

    uint8_t tmp[WAX_MAX_RSA_BYTES];
    size_t n = sizeof(tmp);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    wax_err err = WAX_ERR_NOMEM;
    if (ctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_INTERNAL;
    if (EVP_PKEY_decrypt_init(ctx) != 1) {
        goto done;
    }
    err = oaep_setup(ctx, params);
    if (err != WAX_OK) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_DECRYPT_FAILED;
    if (EVP_PKEY_decrypt(ctx, tmp, &n, in, in_len) != 1 || n > out_cap) {
        goto done;
    }
    memcpy(out, tmp, n);
    *out_len = n;
    err = WAX_OK;
done:
    wax_wipe(tmp, sizeof(tmp));
    EVP_PKEY_CTX_free(ctx);
    wax_key_errors_clear();
    return err;
}

/* ------------------------------------------------------------------ */
/* PKCS#1 v1.5 decrypt and unwrap.                                     */

/*
 * raw_decrypt computes EM = c^d mod n into EM (K bytes). Returns the
 * all-ones mask on success; on failure (c >= n: a public fact about the
 * ciphertext) EM is zero and the mask zero.
 */
static size_t
raw_decrypt(const EVP_PKEY *pkey, uint8_t *em, size_t k, const uint8_t *in)
{
    EVP_PKEY_CTX *ctx =
        EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)pkey, NULL);
    size_t n = k;
    int ok = ctx != NULL && EVP_PKEY_decrypt_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) > 0 &&
             EVP_PKEY_decrypt(ctx, em, &n, in, k) == 1 && n == k;
    EVP_PKEY_CTX_free(ctx);
    wax_key_errors_clear();
    if (!ok) {
        memset(em, 0, k);
        return 0;
    }
    return ~(size_t)0;
}

wax_err
wax_privkey_decrypt_pkcs1(const struct wax_privkey *key, uint8_t *out,
                          size_t out_cap, size_t *out_len, const uint8_t *in,
                          size_t in_len)
{
    WAX_ENSURE(key != NULL && out != NULL && out_len != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in != NULL || in_len == 0, WAX_ERR_INVALID_ARGUMENT);
    size_t k = 0;
    WAX_TRY(rsa_size(key->pkey, key->type, &k));
    WAX_ENSURE(out_cap >= k - 11, WAX_ERR_BUF_TOO_SMALL);
    if (in_len != k) {
        return WAX_ERR_CRYPTO_DECRYPT_FAILED;
    }
    uint8_t em[WAX_MAX_RSA_BYTES];
    size_t msg_index = 0;
    size_t good = raw_decrypt(key->pkey, em, k, in);
    good &= pkcs1_type2_check(em, k, &msg_index);
    wax_err err = WAX_ERR_CRYPTO_DECRYPT_FAILED;
    /* This API reports the verdict, so it branches here by design (see
     * the header: never for key transport). */
    if (good != 0) {
        memcpy(out, em + msg_index, k - msg_index);
        *out_len = k - msg_index;
        err = WAX_OK;
    }
    wax_wipe(em, sizeof(em));
    return err;
}

wax_err
wax_privkey_unwrap_pkcs1(const struct wax_privkey *key, uint8_t *out_key,
                         size_t expected_key_len, const uint8_t *in,
                         size_t in_len)
{
    WAX_ENSURE(key != NULL && out_key != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in != NULL || in_len == 0, WAX_ERR_INVALID_ARGUMENT);
    size_t k = 0;
    WAX_TRY(rsa_size(key->pkey, key->type, &k));
    WAX_ENSURE(expected_key_len >= 1 && expected_key_len <= k - 11,
               WAX_ERR_INVALID_ARGUMENT);
    /* The length of the ciphertext is public: refusing it leaks nothing. */
    if (in_len != k) {
        return WAX_ERR_CRYPTO_DECRYPT_FAILED;
    }
    /* Random key first (RFC 3218 §2.3.2), before anything secret is
     * known, so that the RNG call cannot depend on the outcome. */
    if (RAND_bytes(out_key, (int)expected_key_len) != 1) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_RANDOM_FAILED;
    }
    uint8_t em[WAX_MAX_RSA_BYTES];
    size_t msg_index = 0;
    size_t good = raw_decrypt(key->pkey, em, k, in);
    good &= pkcs1_type2_check(em, k, &msg_index);
    good &= ct_eq(k - msg_index, expected_key_len);
    /* The key position is fixed by EXPECTED_KEY_LEN, not by the secret
     * separator position: the memory access pattern is input-independent. */
    const uint8_t *m = em + (k - expected_key_len);
    for (size_t j = 0; j < expected_key_len; j++) {
        out_key[j] = ct_select_u8(good, m[j], out_key[j]);
    }
    wax_wipe(em, sizeof(em));
    return WAX_OK;
}
