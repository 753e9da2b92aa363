/*
 * Private keys: the object, and decoding it from PEM or DER.
 *
 *   PrivateKeyInfo ::= SEQUENCE {                     -- RFC 5208 §5
 *        version Version, privateKeyAlgorithm AlgorithmIdentifier,
 *        privateKey OCTET STRING, attributes [0] IMPLICIT Attributes OPTIONAL }
 *   (OneAsymmetricKey, RFC 5958, adds [1] publicKey; libcrypto reads both)
 *   EncryptedPrivateKeyInfo ::= SEQUENCE {            -- RFC 5958 §3
 *        encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 *   RSAPrivateKey (RFC 8017 A.1.2), ECPrivateKey (RFC 5915 §3): the
 *   "traditional" forms, in PEM optionally encrypted with RFC 1421 headers.
 *
 * Every structure must span its whole input; an encrypted key that does
 * not decrypt to a well-formed key is a wrong password, whatever the
 * padding said (a wrong password passes the CBC padding check 1 time in
 * 256).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto/keys_internal.h"
#include "crypto/legacy.h"

wax_err
wax_key_privkey_wrap(struct wax_privkey **out, EVP_PKEY *pkey)
{
    struct wax_privkey *key = calloc(1, sizeof(*key));
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return WAX_ERR_NOMEM;
    }
    wax_err err = wax_key_classify(pkey, &key->type, &key->curve);
    if (err == WAX_OK && key->type == WAX_KEY_EC) {
        /* the public point stored beside the scalar must be its own */
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (ctx == NULL || EVP_PKEY_pairwise_check(ctx) != 1) {
            err = WAX_ERR_CRYPTO_BAD_KEY;
        }
        EVP_PKEY_CTX_free(ctx);
    }
    if (err != WAX_OK) {
        EVP_PKEY_free(pkey);
        free(key);
        wax_key_errors_clear();
        return err;
    }
    key->pkey = pkey;
    *out = key;
    return WAX_OK;
}

void
wax_privkey_free(struct wax_privkey *key)
{
    if (key == NULL) {
        return;
    }
    EVP_PKEY_free(key->pkey); /* libcrypto clears the key material */
    free(key);
}

enum wax_key_type
wax_privkey_type(const struct wax_privkey *key)
{
    return key == NULL ? WAX_KEY_NONE : key->type;
}

enum wax_ec_curve
wax_privkey_curve(const struct wax_privkey *key)
{
    return key == NULL ? WAX_CURVE_NONE : key->curve;
}

size_t
wax_privkey_bits(const struct wax_privkey *key)
{
    if (key == NULL) {
        return 0;
    }
    int bits = EVP_PKEY_get_bits(key->pkey);
    return bits > 0 ? (size_t)bits : 0;
}

wax_err
wax_privkey_public(const struct wax_privkey *key, struct wax_pubkey **out)
{
    WAX_ENSURE(key != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    return wax_key_pubkey_from_pkey(out, key->pkey);
}

wax_err
wax_privkey_match_spki(const struct wax_privkey *key, const uint8_t *spki,
                       size_t spki_len)
{
    WAX_ENSURE(key != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct wax_pubkey *pub = NULL;
    WAX_TRY(wax_pubkey_from_spki(&pub, spki, spki_len));
    bool same = pub->type == key->type && pub->curve == key->curve &&
                EVP_PKEY_eq(pub->pkey, key->pkey) == 1;
    wax_pubkey_free(pub);
    wax_key_errors_clear();
    return same ? WAX_OK : WAX_ERR_CRYPTO_KEY_MISMATCH;
}

/* ------------------------------------------------------------------ */
/* DER decoders.                                                       */

static wax_err
from_p8inf(struct wax_privkey **out, const PKCS8_PRIV_KEY_INFO *p8)
{
    const ASN1_OBJECT *oid = NULL;
    if (PKCS8_pkey_get0(&oid, NULL, NULL, NULL, p8) != 1) {
        return WAX_ERR_CRYPTO_KEY_FORMAT;
    }
    EVP_PKEY *pkey = EVP_PKCS82PKEY(p8);
    if (pkey == NULL) {
        wax_key_errors_clear();
        return wax_key_known_nid(OBJ_obj2nid(oid))
                   ? WAX_ERR_CRYPTO_BAD_KEY
                   : WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    return wax_key_privkey_wrap(out, pkey);
}

/* d2i_PKCS8_PRIV_KEY_INFO over exactly LEN bytes, or NULL. */
static PKCS8_PRIV_KEY_INFO *
p8inf_decode(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
    if (p8 != NULL && (size_t)(p - der) != len) {
        PKCS8_PRIV_KEY_INFO_free(p8);
        p8 = NULL;
    }
    return p8;
}

wax_err
wax_key_from_pkcs8(struct wax_privkey **out, const uint8_t *der, size_t len)
{
    PKCS8_PRIV_KEY_INFO *p8 = p8inf_decode(der, len);
    if (p8 == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_KEY_FORMAT;
    }
    wax_err err = from_p8inf(out, p8);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return err;
}

static X509_SIG *
x509_sig_decode(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    if (sig != NULL && (size_t)(p - der) != len) {
        X509_SIG_free(sig);
        sig = NULL;
    }
    return sig;
}

static wax_err
from_encrypted_pkcs8(struct wax_privkey **out, const X509_SIG *sig,
                     const char *password)
{
    const X509_ALGOR *alg = NULL;
    X509_SIG_get0(sig, &alg, NULL);
    WAX_TRY(wax_key_pbe_check(alg, NULL));
    WAX_ENSURE(password != NULL, WAX_ERR_CRYPTO_BAD_PASSWORD);
    PKCS8_PRIV_KEY_INFO *p8 =
        PKCS8_decrypt_ex(sig, password, wax_key_pass_len(password), NULL, NULL);
    if (p8 == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_BAD_PASSWORD;
    }
    wax_err err = from_p8inf(out, p8);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return err;
}

/* Traditional RSAPrivateKey / ECPrivateKey / DSA key of TYPE (an
 * EVP_PKEY_* id) over exactly LEN bytes; NULL when it is not one. */
static EVP_PKEY *
traditional_decode(int type, const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    EVP_PKEY *pkey = d2i_PrivateKey_ex(type, NULL, &p, (long)len, NULL, NULL);
    if (pkey != NULL && (size_t)(p - der) != len) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    return pkey;
}

/* Undecorated DER: try each structure in turn. */
static wax_err
load_der(struct wax_privkey **out, const uint8_t *der, size_t len,
         const char *password)
{
    PKCS8_PRIV_KEY_INFO *p8 = p8inf_decode(der, len);
    if (p8 != NULL) {
        wax_err err = from_p8inf(out, p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
        return err;
    }
    X509_SIG *sig = x509_sig_decode(der, len);
    if (sig != NULL) {
        wax_err err = from_encrypted_pkcs8(out, sig, password);
        X509_SIG_free(sig);
        return err;
    }
    static const int types[] = {EVP_PKEY_RSA, EVP_PKEY_EC, EVP_PKEY_DSA};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        EVP_PKEY *pkey = traditional_decode(types[i], der, len);
        if (pkey != NULL) {
            wax_key_errors_clear();
            return wax_key_privkey_wrap(out, pkey);
        }
    }
    wax_key_errors_clear();
    return WAX_ERR_CRYPTO_KEY_FORMAT;
}

/* ------------------------------------------------------------------ */
/* PEM.                                                                */

static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *pass = u;
    int n = wax_key_pass_len(pass);
    if (pass == NULL || n > size) {
        return -1;
    }
    memcpy(buf, pass, (size_t)n);
    return n;
}

/* The traditional PEM labels and their key types. */
static int
traditional_label(const char *name)
{
    if (strcmp(name, PEM_STRING_RSA) == 0) {
        return EVP_PKEY_RSA;
    }
    if (strcmp(name, PEM_STRING_ECPRIVATEKEY) == 0) {
        return EVP_PKEY_EC;
    }
    if (strcmp(name, PEM_STRING_DSA) == 0) {
        return EVP_PKEY_DSA;
    }
    return EVP_PKEY_NONE;
}

/* One traditional block, maybe with Proc-Type: 4,ENCRYPTED. DER is the
 * block's buffer (decrypted in place); *DER_LEN is updated. */
static wax_err
pem_traditional(struct wax_privkey **out, int type, const char *header,
                unsigned char *der, long *der_len, const char *password)
{
    EVP_CIPHER_INFO cipher;
    WAX_ENSURE(PEM_get_EVP_CIPHER_INFO((char *)header, &cipher) == 1,
               WAX_ERR_CRYPTO_KEY_FORMAT);
    bool encrypted = cipher.cipher != NULL;
    if (encrypted) {
        if (wax_key_cipher_needs_legacy(EVP_CIPHER_get_nid(cipher.cipher))) {
            WAX_TRY(wax_crypto_load_legacy());
        }
        WAX_ENSURE(password != NULL, WAX_ERR_CRYPTO_BAD_PASSWORD);
        WAX_ENSURE(PEM_do_header(&cipher, der, der_len, pass_cb,
                                 (void *)password) == 1,
                   WAX_ERR_CRYPTO_BAD_PASSWORD);
    }
    EVP_PKEY *pkey = traditional_decode(type, der, (size_t)*der_len);
    if (pkey == NULL) {
        return encrypted ? WAX_ERR_CRYPTO_BAD_PASSWORD : WAX_ERR_CRYPTO_BAD_KEY;
    }
    return wax_key_privkey_wrap(out, pkey);
}

static wax_err
pem_block(struct wax_privkey **out, const char *name, const char *header,
          unsigned char *der, long der_len, const char *password)
{
    if (strcmp(name, PEM_STRING_PKCS8INF) == 0) {
        return wax_key_from_pkcs8(out, der, (size_t)der_len);
    }
    if (strcmp(name, PEM_STRING_PKCS8) == 0) {
        X509_SIG *sig = x509_sig_decode(der, (size_t)der_len);
        WAX_ENSURE(sig != NULL, WAX_ERR_CRYPTO_KEY_FORMAT);
        wax_err err = from_encrypted_pkcs8(out, sig, password);
        X509_SIG_free(sig);
        return err;
    }
    return pem_traditional(out, traditional_label(name), header, der, &der_len,
                           password);
}

static bool
is_private_key_label(const char *name)
{
    return strcmp(name, PEM_STRING_PKCS8INF) == 0 ||
           strcmp(name, PEM_STRING_PKCS8) == 0 ||
           traditional_label(name) != EVP_PKEY_NONE;
}

static wax_err
load_pem(struct wax_privkey **out, const uint8_t *data, size_t len,
         const char *password)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    WAX_ENSURE(bio != NULL, WAX_ERR_NOMEM);
    wax_err err = WAX_ERR_CRYPTO_KEY_FORMAT;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long der_len = 0;
        if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
            break; /* no more blocks (or a broken one): no key found */
        }
        bool is_key = is_private_key_label(name);
        if (is_key) {
            err = pem_block(out, name, header, der, der_len, password);
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_clear_free(der, der_len > 0 ? (size_t)der_len : 0);
        if (is_key) {
            break;
        }
    }
    BIO_free(bio);
    wax_key_errors_clear();
    return err;
}

static bool
looks_like_pem(const uint8_t *data, size_t len)
{
    static const char begin[] = "-----BEGIN ";
    size_t n = sizeof(begin) - 1;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, begin, n) == 0) {
            return true;
        }
    }
    return false;
}

wax_err
wax_privkey_load(struct wax_privkey **out, const uint8_t *data, size_t len,
                 const char *password)
{
    WAX_ENSURE(out != NULL && (data != NULL || len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(len <= WAX_MAX_KEY_FILE_BYTES, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(len > 0, WAX_ERR_CRYPTO_KEY_FORMAT);
    wax_err err = looks_like_pem(data, len)
                      ? load_pem(out, data, len, password)
                      : load_der(out, data, len, password);
    wax_key_errors_clear();
    return err;
}
