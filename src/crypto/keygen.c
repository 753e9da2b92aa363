/*
 * Key generation: the kinds a CA, a certification request or an ECDH
 * originator needs.
 */
#include <openssl/evp.h>

#include "crypto/keys_internal.h"

static EVP_PKEY *
generate(enum wax_keygen kind)
{
    switch (kind) {
    case WAX_KEYGEN_RSA2048:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    case WAX_KEYGEN_RSA3072:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
    case WAX_KEYGEN_RSA4096:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
    case WAX_KEYGEN_P256:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    case WAX_KEYGEN_P384:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    case WAX_KEYGEN_P521:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
    case WAX_KEYGEN_ED25519:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    case WAX_KEYGEN_ED448:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
    case WAX_KEYGEN_X25519:
        return EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    case WAX_KEYGEN_X448:
        return EVP_PKEY_Q_keygen(NULL, NULL, "X448");
    }
    return NULL;
}

static bool
known_kind(enum wax_keygen kind)
{
    return kind >= WAX_KEYGEN_RSA2048 && kind <= WAX_KEYGEN_X448;
}

wax_err
wax_privkey_generate(struct wax_privkey **out, enum wax_keygen kind)
{
    WAX_ENSURE(out != NULL && known_kind(kind), WAX_ERR_INVALID_ARGUMENT);
    EVP_PKEY *pkey = generate(kind);
    if (pkey == NULL) {
        wax_key_errors_clear();
        return WAX_ERR_CRYPTO_INTERNAL;
    }
    return wax_key_privkey_wrap(out, pkey);
}

wax_err
wax_privkey_generate_like(struct wax_privkey **out,
                          const struct wax_pubkey *peer)
{
    WAX_ENSURE(out != NULL && peer != NULL, WAX_ERR_INVALID_ARGUMENT);
    enum wax_keygen kind;
    switch (peer->type) {
    case WAX_KEY_EC:
        switch (peer->curve) {
        case WAX_CURVE_P256:
            kind = WAX_KEYGEN_P256;
            break;
        case WAX_CURVE_P384:
            kind = WAX_KEYGEN_P384;
            break;
        case WAX_CURVE_P521:
            kind = WAX_KEYGEN_P521;
            break;
        case WAX_CURVE_NONE:
        default:
            return WAX_ERR_CRYPTO_KEY_MISMATCH;
        }
        break;
    case WAX_KEY_X25519:
        kind = WAX_KEYGEN_X25519;
        break;
    case WAX_KEY_X448:
        kind = WAX_KEYGEN_X448;
        break;
    default:
        return WAX_ERR_CRYPTO_KEY_MISMATCH;
    }
    return wax_privkey_generate(out, kind);
}
