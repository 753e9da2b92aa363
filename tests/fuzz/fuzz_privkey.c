/*
 * libFuzzer target: private-key decoding (wax_privkey_load: PEM or DER,
 * PKCS#8 plain and encrypted, traditional RSA/EC/DSA). The password is
 * fixed; every result must be a documented code, and a decoded key must
 * re-export and decode to the same key.
 */
#include <stdlib.h>

#include <wax/crypto.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wax_privkey *key = NULL;
    wax_err e = wax_privkey_load(&key, data, size, "fuzz");
    switch (e) {
    case WAX_OK:
        break;
    case WAX_ERR_CRYPTO_KEY_FORMAT:
    case WAX_ERR_CRYPTO_BAD_KEY:
    case WAX_ERR_CRYPTO_BAD_KEY_SIZE:
    case WAX_ERR_CRYPTO_BAD_PASSWORD:
    case WAX_ERR_CRYPTO_UNSUPPORTED_ALG:
    case WAX_ERR_CRYPTO_BAD_PARAMS:
    case WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE:
    case WAX_ERR_LIMIT_EXCEEDED:
        return 0;
    default:
        abort();
    }
    struct wax_buf b;
    wax_buf_init_secret(&b, 1 << 20);
    if (wax_privkey_to_pkcs8(key, &b) != WAX_OK) {
        abort();
    }
    struct wax_privkey *again = NULL;
    struct wax_pubkey *p1 = NULL, *p2 = NULL;
    if (wax_privkey_load(&again, b.data, b.len, NULL) != WAX_OK ||
        wax_privkey_public(key, &p1) != WAX_OK ||
        wax_privkey_public(again, &p2) != WAX_OK || !wax_pubkey_equal(p1, p2)) {
        abort();
    }
    wax_pubkey_free(p1);
    wax_pubkey_free(p2);
    wax_privkey_free(again);
    wax_buf_cleanup(&b);
    wax_privkey_free(key);
    return 0;
}
