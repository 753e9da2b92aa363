/*
 * Private-key export as PKCS#8: PrivateKeyInfo, and EncryptedPrivateKeyInfo
 * under PBES2 (RFC 8018 §6.2) with PBKDF2-HMAC-SHA256 and AES-256-CBC, the
 * choice of RFC 9579-era tools and what OpenSSL 3, NSS and gpgsm read.
 */
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto/keys_internal.h"

/* Salt for PBKDF2 (NIST SP 800-132 asks for at least 128 bits). */
#define PBE_SALT_BYTES 16

static wax_err
append_der_secret(struct wax_buf *out, unsigned char *der, int der_len)
{
    if (der_len <= 0) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    wax_err err = wax_buf_append(out, der, (size_t)der_len);
    OPENSSL_clear_free(der, (size_t)der_len);
    return err;
}

wax_err
wax_privkey_to_pkcs8(const struct wax_privkey *key, struct wax_buf *out)
{
    WAX_ENSURE(key != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key->pkey);
    if (p8 == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    unsigned char *der = NULL;
    int der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return append_der_secret(out, der, der_len);
}

wax_err
wax_privkey_to_pkcs8_encrypted(const struct wax_privkey *key,
                               struct wax_buf *out, const char *password,
                               uint32_t iterations)
{
    WAX_ENSURE(key != NULL && out != NULL && password != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    if (iterations == 0) {
        iterations = WAX_PBE_DEFAULT_ITERATIONS;
    }
    WAX_ENSURE(iterations <= WAX_MAX_PBE_ITERATIONS, WAX_ERR_INVALID_ARGUMENT);
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key->pkey);
    if (p8 == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    /* pbe_nid -1 with a cipher: PBES2; libcrypto 3.0 picks
     * hmacWithSHA256 as the PBKDF2 PRF and draws the salt and IV. */
    X509_SIG *sig = PKCS8_encrypt_ex(
        -1, EVP_aes_256_cbc(), password, wax_key_pass_len(password), NULL,
        PBE_SALT_BYTES, (int)iterations, p8, NULL, NULL);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (sig == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    unsigned char *der = NULL;
    int der_len = i2d_X509_SIG(sig, &der);
    X509_SIG_free(sig);
    return append_der_secret(out, der, der_len);
}
