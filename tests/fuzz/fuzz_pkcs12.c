/*
 * libFuzzer target: PKCS#12 decoding (wax_pkcs12_load) with a fixed
 * password; every result must be a documented code, and on success every
 * item must have bytes.
 */
#include <stdlib.h>

#include <wax/crypto.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wax_pkcs12_contents c;
    wax_err e = wax_pkcs12_load(&c, data, size, "nss");
    switch (e) {
    case WAX_OK:
        break;
    case WAX_ERR_CRYPTO_PKCS12_FORMAT:
    case WAX_ERR_CRYPTO_BAD_PASSWORD:
    case WAX_ERR_CRYPTO_UNSUPPORTED_ALG:
    case WAX_ERR_CRYPTO_BAD_PARAMS:
    case WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE:
    case WAX_ERR_LIMIT_EXCEEDED:
        if (c.num_keys != 0 || c.num_certs != 0) {
            abort();
        }
        return 0;
    default:
        abort();
    }
    for (size_t i = 0; i < c.num_keys; i++) {
        if (c.keys[i].der == NULL || c.keys[i].der_len == 0) {
            abort();
        }
    }
    for (size_t i = 0; i < c.num_certs; i++) {
        if (c.certs[i].der == NULL || c.certs[i].der_len == 0) {
            abort();
        }
    }
    wax_pkcs12_contents_cleanup(&c);
    return 0;
}
