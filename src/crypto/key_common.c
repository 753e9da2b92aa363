/*
 * Key classification and the small helpers every key file shares: which
 * EVP_PKEYs wax accepts, digest mapping, password lengths, error queue.
 */
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "crypto/keys_internal.h"
#include "crypto/ossl_internal.h"

const char *
wax_key_type_name(enum wax_key_type type)
{
    switch (type) {
    case WAX_KEY_NONE:
        return "none";
    case WAX_KEY_RSA:
        return "rsa";
    case WAX_KEY_RSA_PSS:
        return "rsa-pss";
    case WAX_KEY_EC:
        return "ec";
    case WAX_KEY_ED25519:
        return "ed25519";
    case WAX_KEY_ED448:
        return "ed448";
    case WAX_KEY_X25519:
        return "x25519";
    case WAX_KEY_X448:
        return "x448";
    case WAX_KEY_DSA:
        return "dsa";
    }
    return "none";
}

void
wax_key_errors_clear(void)
{
    ERR_clear_error();
}

int
wax_key_pass_len(const char *pass)
{
    if (pass == NULL) {
        return 0;
    }
    size_t n = strlen(pass);
    return n > (size_t)INT_MAX ? INT_MAX : (int)n;
}

const EVP_MD *
wax_key_md(enum wax_digest_alg alg)
{
    return wax_ossl_md(alg);
}

size_t
wax_key_md_size(enum wax_digest_alg alg)
{
    const EVP_MD *md = wax_key_md(alg);
    return md == NULL ? 0 : (size_t)EVP_MD_get_size(md);
}

/* RSA keys must have an odd modulus and an odd public exponent >= 3
 * (RFC 8017 §3.1); libcrypto would happily "verify" with e = 1. */
static wax_err
rsa_sanity(const EVP_PKEY *pkey)
{
    BIGNUM *n = NULL, *e = NULL;
    wax_err err = WAX_ERR_CRYPTO_BAD_KEY;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        goto done;
    }
    if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) || BN_is_negative(n) ||
        BN_is_negative(e)) {
        goto done;
    }
    if (BN_num_bits(n) > WAX_MAX_RSA_BITS) {
        err = WAX_ERR_CRYPTO_BAD_KEY_SIZE;
        goto done;
    }
    err = WAX_OK;
done:
    BN_free(n);
    BN_free(e);
    return err;
}

static wax_err
ec_curve(const EVP_PKEY *pkey, enum wax_ec_curve *out)
{
    char name[64];
    size_t name_len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name,
                                       sizeof(name), &name_len) != 1) {
        /* explicit parameters: no named group */
        return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    if (strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0) {
        *out = WAX_CURVE_P256;
    } else if (strcmp(name, "secp384r1") == 0 || strcmp(name, "P-384") == 0) {
        *out = WAX_CURVE_P384;
    } else if (strcmp(name, "secp521r1") == 0 || strcmp(name, "P-521") == 0) {
        *out = WAX_CURVE_P521;
    } else {
        return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    return WAX_OK;
}

wax_err
wax_key_classify(const EVP_PKEY *pkey, enum wax_key_type *out_type,
                 enum wax_ec_curve *out_curve)
{
    enum wax_ec_curve curve = WAX_CURVE_NONE;
    enum wax_key_type type;
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        type = WAX_KEY_RSA;
    } else if (EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        type = WAX_KEY_RSA_PSS;
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        type = WAX_KEY_EC;
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        type = WAX_KEY_ED25519;
    } else if (EVP_PKEY_is_a(pkey, "ED448")) {
        type = WAX_KEY_ED448;
    } else if (EVP_PKEY_is_a(pkey, "X25519")) {
        type = WAX_KEY_X25519;
    } else if (EVP_PKEY_is_a(pkey, "X448")) {
        type = WAX_KEY_X448;
    } else if (EVP_PKEY_is_a(pkey, "DSA")) {
        type = WAX_KEY_DSA;
    } else {
        return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
    }
    if (type == WAX_KEY_RSA || type == WAX_KEY_RSA_PSS) {
        WAX_TRY(rsa_sanity(pkey));
    } else if (type == WAX_KEY_EC) {
        WAX_TRY(ec_curve(pkey, &curve));
    } else if (type == WAX_KEY_DSA && EVP_PKEY_get_bits(pkey) <= 0) {
        return WAX_ERR_CRYPTO_BAD_KEY; /* DSA key without parameters */
    }
    *out_type = type;
    *out_curve = curve;
    return WAX_OK;
}

bool
wax_key_known_nid(int nid)
{
    switch (nid) {
    case NID_rsaEncryption:
    case NID_rsassaPss:
    case NID_X9_62_id_ecPublicKey:
    case NID_ED25519:
    case NID_ED448:
    case NID_X25519:
    case NID_X448:
    case NID_dsa:
        return true;
    default:
        return false;
    }
}
