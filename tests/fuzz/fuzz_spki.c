/*
 * libFuzzer target: SubjectPublicKeyInfo decoding (wax_pubkey_from_spki),
 * then everything a decoded key offers a caller: properties, re-export
 * (which must decode to an equal key), and a verification that must give
 * one of the documented codes.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/crypto.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wax_pubkey *key = NULL;
    if (wax_pubkey_from_spki(&key, data, size) != WAX_OK) {
        return 0;
    }
    (void)wax_pubkey_bits(key);
    (void)wax_key_type_name(wax_pubkey_type(key));
    struct wax_buf b;
    wax_buf_init(&b, 1 << 20);
    if (wax_pubkey_to_spki(key, &b) != WAX_OK) {
        abort();
    }
    struct wax_pubkey *again = NULL;
    if (wax_pubkey_from_spki(&again, b.data, b.len) != WAX_OK ||
        !wax_pubkey_equal(key, again)) {
        abort();
    }
    wax_pubkey_free(again);
    wax_buf_cleanup(&b);

    static const struct wax_sig_alg algs[] = {
        {WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
        {WAX_SIG_RSA_PSS, WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, 32},
        {WAX_SIG_ECDSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
        {WAX_SIG_ED25519, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0},
        {WAX_SIG_ED448, WAX_DIGEST_NONE, WAX_DIGEST_NONE, 0},
        {WAX_SIG_DSA, WAX_DIGEST_SHA256, WAX_DIGEST_NONE, 0},
    };
    /* the input doubles as message and signature */
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        wax_err e = wax_pubkey_verify(key, &algs[i], data, size, data,
                                      size > 512 ? 512 : size);
        if (e != WAX_ERR_CRYPTO_SIGNATURE_INVALID &&
            e != WAX_ERR_CRYPTO_KEY_MISMATCH &&
            e != WAX_ERR_CRYPTO_BAD_PARAMS) {
            abort();
        }
    }
    wax_pubkey_free(key);
    return 0;
}
