/*
 * Key agreement: ECDH on the NIST curves (RFC 5753 standard ECDH, the
 * x-coordinate of the shared point), X25519 and X448 (RFC 7748, RFC 8418).
 */
#include <string.h>

#include <openssl/err.h>

#include "crypto/keys_internal.h"

static bool
agreement_type(enum wax_key_type type)
{
    return type == WAX_KEY_EC || type == WAX_KEY_X25519 || type == WAX_KEY_X448;
}

wax_err
wax_privkey_derive(const struct wax_privkey *key, uint8_t *out, size_t out_cap,
                   size_t *out_len, const struct wax_pubkey *peer)
{
    WAX_ENSURE(key != NULL && peer != NULL && out != NULL && out_len != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(agreement_type(key->type) && peer->type == key->type &&
                   peer->curve == key->curve,
               WAX_ERR_CRYPTO_KEY_MISMATCH);

    uint8_t tmp[WAX_MAX_SHARED_SECRET_BYTES];
    size_t n = 0;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    wax_err err = WAX_ERR_NOMEM;
    if (ctx == NULL) {
        goto done;
    }
    err = WAX_ERR_CRYPTO_DERIVE_FAILED;
    /* validate_peer = 1: libcrypto checks the peer's point again. X25519
     * and X448 reject an all-zero result (small-order point) themselves. */
    if (EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, peer->pkey, 1) != 1 ||
        EVP_PKEY_derive(ctx, NULL, &n) != 1 || n > sizeof(tmp)) {
        goto done;
    }
    if (n > out_cap) {
        err = WAX_ERR_BUF_TOO_SMALL;
        goto done;
    }
    n = sizeof(tmp);
    if (EVP_PKEY_derive(ctx, tmp, &n) != 1) {
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
