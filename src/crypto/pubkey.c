/*
 * Public keys: decoding a SubjectPublicKeyInfo, its properties, export.
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE {            -- RFC 5280 §4.1.2.7
 *        algorithm            AlgorithmIdentifier,
 *        subjectPublicKey     BIT STRING }
 *
 * libcrypto decodes the structure (this is the crypto boundary); wax then
 * insists on DER by re-encoding and comparing, so the bytes a signature
 * or fingerprint covers are the bytes that were checked.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "crypto/keys_internal.h"

static wax_err
pubkey_decode(struct wax_pubkey **out, const uint8_t *der, size_t len)
{
    WAX_ENSURE(out != NULL && (der != NULL || len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(len > 0, WAX_ERR_CRYPTO_BAD_KEY);
    WAX_ENSURE(len <= WAX_MAX_KEY_FILE_BYTES, WAX_ERR_LIMIT_EXCEEDED);

    const unsigned char *p = der;
    X509_PUBKEY *xpk = d2i_X509_PUBKEY(NULL, &p, (long)len);
    if (xpk == NULL) {
        return WAX_ERR_CRYPTO_BAD_KEY;
    }
    wax_err err = WAX_ERR_CRYPTO_BAD_KEY;
    EVP_PKEY *pkey = NULL;
    unsigned char *re = NULL;
    struct wax_pubkey *key = NULL;
    if ((size_t)(p - der) != len) {
        goto done; /* trailing bytes */
    }
    /* DER only: the re-encoding must give the same bytes. */
    int re_len = i2d_X509_PUBKEY(xpk, &re);
    if (re_len <= 0 || (size_t)re_len != len || memcmp(re, der, len) != 0) {
        goto done;
    }
    ASN1_OBJECT *alg_oid = NULL;
    if (X509_PUBKEY_get0_param(&alg_oid, NULL, NULL, NULL, xpk) != 1) {
        goto done;
    }
    pkey = X509_PUBKEY_get(xpk); /* new reference */
    if (pkey == NULL) {
        err = wax_key_known_nid(OBJ_obj2nid(alg_oid))
                  ? WAX_ERR_CRYPTO_BAD_KEY
                  : WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
        goto done;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        err = WAX_ERR_NOMEM;
        goto done;
    }
    err = wax_key_classify(pkey, &key->type, &key->curve);
    if (err != WAX_OK) {
        goto done;
    }
    if (key->type == WAX_KEY_EC) {
        /* on-curve is checked by the decoder; the point at infinity and
         * points outside the prime-order subgroup are not. */
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        int ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;
        EVP_PKEY_CTX_free(ctx);
        if (!ok) {
            err = WAX_ERR_CRYPTO_BAD_KEY;
            goto done;
        }
    }
    key->pkey = pkey;
    pkey = NULL;
    *out = key;
    key = NULL;
    err = WAX_OK;
done:
    OPENSSL_free(re);
    EVP_PKEY_free(pkey);
    free(key);
    X509_PUBKEY_free(xpk);
    if (err != WAX_OK) {
        wax_key_errors_clear();
    }
    return err;
}

wax_err
wax_pubkey_from_spki(struct wax_pubkey **out, const uint8_t *der, size_t len)
{
    return pubkey_decode(out, der, len);
}

wax_err
wax_key_pubkey_from_pkey(struct wax_pubkey **out, const EVP_PKEY *pkey)
{
    unsigned char *der = NULL;
    int der_len = i2d_PUBKEY(pkey, &der);
    if (der_len <= 0) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    wax_err err = pubkey_decode(out, der, (size_t)der_len);
    OPENSSL_free(der);
    return err;
}

void
wax_pubkey_free(struct wax_pubkey *key)
{
    if (key == NULL) {
        return;
    }
    EVP_PKEY_free(key->pkey);
    free(key);
}

enum wax_key_type
wax_pubkey_type(const struct wax_pubkey *key)
{
    return key == NULL ? WAX_KEY_NONE : key->type;
}

enum wax_ec_curve
wax_pubkey_curve(const struct wax_pubkey *key)
{
    return key == NULL ? WAX_CURVE_NONE : key->curve;
}

size_t
wax_pubkey_bits(const struct wax_pubkey *key)
{
    if (key == NULL) {
        return 0;
    }
    int bits = EVP_PKEY_get_bits(key->pkey);
    return bits > 0 ? (size_t)bits : 0;
}

wax_err
wax_pubkey_to_spki(const struct wax_pubkey *key, struct wax_buf *out)
{
    WAX_ENSURE(key != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    unsigned char *der = NULL;
    int der_len = i2d_PUBKEY(key->pkey, &der);
    if (der_len <= 0) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    wax_err err = wax_buf_append(out, der, (size_t)der_len);
    OPENSSL_free(der);
    return err;
}

bool
wax_pubkey_equal(const struct wax_pubkey *a, const struct wax_pubkey *b)
{
    if (a == NULL || b == NULL) {
        return false;
    }
    bool eq = a->type == b->type && EVP_PKEY_eq(a->pkey, b->pkey) == 1;
    wax_key_errors_clear();
    return eq;
}
