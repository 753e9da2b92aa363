/*
 * Key wrap (crypto.h): AES key wrap (RFC 3394), AES key wrap with padding
 * (RFC 5649), and the CMS Triple-DES key wrap (RFC 3217 section 3).
 */
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include <wax/crypto.h>

#include "crypto/ossl_internal.h"

/* ------------------------------------------------------------------ */
/* AES key wrap, RFC 3394 and RFC 5649.                                */

static const EVP_CIPHER *
aes_wrap_cipher(size_t kek_len, bool pad)
{
    switch (kek_len) {
    case 16:
        return pad ? EVP_aes_128_wrap_pad() : EVP_aes_128_wrap();
    case 24:
        return pad ? EVP_aes_192_wrap_pad() : EVP_aes_192_wrap();
    case 32:
        return pad ? EVP_aes_256_wrap_pad() : EVP_aes_256_wrap();
    default:
        return NULL;
    }
}

/*
 * One whole wrap or unwrap through libcrypto's wrap ciphers, which use
 * the default IVs of RFC 3394 2.2.3.1 and RFC 5649 3 and check them with
 * a constant-time compare. The result goes to a scratch buffer first so
 * that a failed unwrap never leaves bytes in the caller's OUT.
 */
static wax_err
aes_wrap_run(bool pad, bool wrap, uint8_t *out, size_t out_len,
             const uint8_t *kek, size_t kek_len, const uint8_t *in,
             size_t in_len)
{
    const EVP_CIPHER *cipher = aes_wrap_cipher(kek_len, pad);
    WAX_ENSURE(cipher != NULL, WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    wax_err fail =
        wrap ? WAX_ERR_CRYPTO_ENCRYPT_FAILED : WAX_ERR_CRYPTO_DECRYPT_FAILED;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    WAX_ENSURE(ctx != NULL, WAX_ERR_NOMEM);
    uint8_t tmp[WAX_MAX_WRAPPED_KEY + 16];
    int n1 = 0, n2 = 0;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    bool ok =
        EVP_CipherInit_ex(ctx, cipher, NULL, kek, NULL, wrap ? 1 : 0) == 1 &&
        EVP_CipherUpdate(ctx, tmp, &n1, in, (int)in_len) == 1 &&
        EVP_CipherFinal_ex(ctx, tmp + n1, &n2) == 1 && n1 >= 0 && n2 >= 0 &&
        (size_t)n1 + (size_t)n2 == out_len;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        wax_wipe(tmp, sizeof tmp);
        wax_ossl_clear_errors();
        return fail;
    }
    memcpy(out, tmp, out_len);
    wax_wipe(tmp, sizeof tmp);
    return WAX_OK;
}

wax_err
wax_keywrap_aes_wrap(uint8_t *out, size_t out_cap, size_t *out_len,
                     const uint8_t *kek, size_t kek_len, const uint8_t *in,
                     size_t in_len)
{
    WAX_ENSURE(aes_wrap_cipher(kek_len, false) != NULL && kek != NULL,
               WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len >= 16 && in_len % 8 == 0 &&
                   in_len <= WAX_MAX_WRAPPED_KEY,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(out_cap >= in_len + 8, WAX_ERR_BUF_TOO_SMALL);
    WAX_TRY(
        aes_wrap_run(false, true, out, in_len + 8, kek, kek_len, in, in_len));
    *out_len = in_len + 8;
    return WAX_OK;
}

wax_err
wax_keywrap_aes_unwrap(uint8_t *out, size_t out_cap, size_t *out_len,
                       const uint8_t *kek, size_t kek_len, const uint8_t *in,
                       size_t in_len)
{
    WAX_ENSURE(aes_wrap_cipher(kek_len, false) != NULL && kek != NULL,
               WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len >= 24 && in_len % 8 == 0 &&
                   in_len <= WAX_MAX_WRAPPED_KEY + 8,
               WAX_ERR_CRYPTO_DECRYPT_FAILED);
    WAX_ENSURE(out_cap >= in_len - 8, WAX_ERR_BUF_TOO_SMALL);
    WAX_TRY(
        aes_wrap_run(false, false, out, in_len - 8, kek, kek_len, in, in_len));
    *out_len = in_len - 8;
    return WAX_OK;
}

wax_err
wax_keywrap_aes_pad_wrap(uint8_t *out, size_t out_cap, size_t *out_len,
                         const uint8_t *kek, size_t kek_len, const uint8_t *in,
                         size_t in_len)
{
    WAX_ENSURE(aes_wrap_cipher(kek_len, true) != NULL && kek != NULL,
               WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len >= 1 && in_len <= WAX_MAX_WRAPPED_KEY,
               WAX_ERR_INVALID_ARGUMENT);
    size_t n = (in_len + 7) / 8 * 8 + 8;
    WAX_ENSURE(out_cap >= n, WAX_ERR_BUF_TOO_SMALL);
    WAX_TRY(aes_wrap_run(true, true, out, n, kek, kek_len, in, in_len));
    *out_len = n;
    return WAX_OK;
}

wax_err
wax_keywrap_aes_pad_unwrap(uint8_t *out, size_t out_cap, size_t *out_len,
                           const uint8_t *kek, size_t kek_len,
                           const uint8_t *in, size_t in_len)
{
    WAX_ENSURE(aes_wrap_cipher(kek_len, true) != NULL && kek != NULL,
               WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len >= 16 && in_len % 8 == 0 &&
                   in_len <= WAX_MAX_WRAPPED_KEY + 16,
               WAX_ERR_CRYPTO_DECRYPT_FAILED);
    WAX_ENSURE(out_cap >= in_len - 8, WAX_ERR_BUF_TOO_SMALL);
    /* The plaintext length is only known after the integrity check, so
     * the scratch path of aes_wrap_run cannot be used as is. */
    const EVP_CIPHER *cipher = aes_wrap_cipher(kek_len, true);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    WAX_ENSURE(ctx != NULL, WAX_ERR_NOMEM);
    uint8_t tmp[WAX_MAX_WRAPPED_KEY + 16];
    int n1 = 0, n2 = 0;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    bool ok = EVP_DecryptInit_ex(ctx, cipher, NULL, kek, NULL) == 1 &&
              EVP_DecryptUpdate(ctx, tmp, &n1, in, (int)in_len) == 1 &&
              EVP_DecryptFinal_ex(ctx, tmp + n1, &n2) == 1 && n1 >= 0 &&
              n2 >= 0 && (size_t)n1 + (size_t)n2 >= 1 &&
              (size_t)n1 + (size_t)n2 <= in_len - 8;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        wax_wipe(tmp, sizeof tmp);
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_DECRYPT_FAILED;
    }
    size_t n = (size_t)n1 + (size_t)n2;
    memcpy(out, tmp, n);
    wax_wipe(tmp, sizeof tmp);
    *out_len = n;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* CMS Triple-DES key wrap, RFC 3217 section 3.                         */

/* The IV of the second encryption pass, RFC 3217 3.1 step 8. */
static const uint8_t des3_wrap_iv2[8] = {0x4a, 0xdd, 0xa2, 0x2c,
                                         0x79, 0xe8, 0x21, 0x05};

/* Triple-DES-CBC over LEN bytes (a multiple of 8) without padding. */
static wax_err
des3_cbc_raw(bool encrypt, uint8_t *out, const uint8_t *kek, const uint8_t *iv,
             const uint8_t *in, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    WAX_ENSURE(ctx != NULL, WAX_ERR_NOMEM);
    int n1 = 0, n2 = 0;
    bool ok = EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), NULL, kek, iv,
                                encrypt ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_CipherUpdate(ctx, out, &n1, in, (int)len) == 1 &&
              EVP_CipherFinal_ex(ctx, out + n1, &n2) == 1 &&
              (size_t)n1 + (size_t)n2 == len;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        wax_ossl_clear_errors();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    return WAX_OK;
}

/* The CMS key checksum, RFC 3217 2: the first 8 bytes of SHA-1(CEK). */
static wax_err
cms_key_checksum(uint8_t icv[8], const uint8_t *cek, size_t cek_len)
{
    uint8_t md[WAX_MAX_DIGEST_BYTES];
    size_t md_len = 0;
    WAX_TRY(wax_digest_compute(WAX_DIGEST_SHA1, md, sizeof md, &md_len, cek,
                               cek_len));
    memcpy(icv, md, 8);
    wax_wipe(md, sizeof md);
    return WAX_OK;
}

static uint8_t
odd_parity(uint8_t b)
{
    uint8_t hi = b & 0xFE;
    uint8_t ones = 0;
    for (int i = 1; i < 8; i++) {
        ones += (uint8_t)((hi >> i) & 1);
    }
    return (uint8_t)(hi | ((ones & 1) ? 0 : 1));
}

wax_err
wax_keywrap_3des_wrap(uint8_t *out, size_t out_cap, size_t *out_len,
                      const uint8_t *kek, size_t kek_len, const uint8_t *in,
                      size_t in_len)
{
    WAX_ENSURE(kek != NULL && kek_len == 24, WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len == 24, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(out_cap >= 40, WAX_ERR_BUF_TOO_SMALL);

    uint8_t cekicv[32]; /* step 3: CEK || ICV */
    uint8_t temp2[40];  /* step 6: IV || TEMP1 */
    uint8_t temp3[40];  /* step 7: TEMP2 reversed */
    uint8_t result[40];
    wax_err err = WAX_OK;
    for (size_t i = 0; i < 24; i++) { /* step 1: odd parity */
        cekicv[i] = odd_parity(in[i]);
    }
    err = cms_key_checksum(cekicv + 24, cekicv, 24); /* step 2 */
    if (err == WAX_OK) {
        err = wax_random_bytes(temp2, 8); /* step 4 */
    }
    if (err == WAX_OK) { /* step 5 */
        err = des3_cbc_raw(true, temp2 + 8, kek, temp2, cekicv, 32);
    }
    if (err == WAX_OK) {
        for (size_t i = 0; i < 40; i++) {
            temp3[i] = temp2[39 - i];
        }
        err = des3_cbc_raw(true, result, kek, des3_wrap_iv2, temp3, 40);
    }
    if (err == WAX_OK) {
        memcpy(out, result, 40);
        *out_len = 40;
    }
    wax_wipe(cekicv, sizeof cekicv);
    wax_wipe(temp2, sizeof temp2);
    wax_wipe(temp3, sizeof temp3);
    wax_wipe(result, sizeof result);
    return err == WAX_OK ? WAX_OK : WAX_ERR_CRYPTO_ENCRYPT_FAILED;
}

wax_err
wax_keywrap_3des_unwrap(uint8_t *out, size_t out_cap, size_t *out_len,
                        const uint8_t *kek, size_t kek_len, const uint8_t *in,
                        size_t in_len)
{
    WAX_ENSURE(kek != NULL && kek_len == 24, WAX_ERR_CRYPTO_BAD_KEY_SIZE);
    WAX_ENSURE(in != NULL && in_len == 40, WAX_ERR_CRYPTO_DECRYPT_FAILED);
    WAX_ENSURE(out_cap >= 24, WAX_ERR_BUF_TOO_SMALL);

    uint8_t temp3[40], temp2[40], cekicv[32], icv[8];
    /* RFC 3217 3.2 steps 2-7 */
    wax_err err = des3_cbc_raw(false, temp3, kek, des3_wrap_iv2, in, 40);
    if (err == WAX_OK) {
        for (size_t i = 0; i < 40; i++) {
            temp2[i] = temp3[39 - i];
        }
        err = des3_cbc_raw(false, cekicv, kek, temp2, temp2 + 8, 32);
    }
    if (err == WAX_OK) {
        err = cms_key_checksum(icv, cekicv, 24);
    }
    bool ok = err == WAX_OK && wax_ct_equal(icv, cekicv + 24, 8);
    if (ok) {
        memcpy(out, cekicv, 24);
        *out_len = 24;
    }
    wax_wipe(temp3, sizeof temp3);
    wax_wipe(temp2, sizeof temp2);
    wax_wipe(cekicv, sizeof cekicv);
    wax_wipe(icv, sizeof icv);
    return ok ? WAX_OK : WAX_ERR_CRYPTO_DECRYPT_FAILED;
}
