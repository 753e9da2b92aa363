/*
 * OpenSSL's legacy provider, loaded once per process on first need.
 *
 * This is the one piece of process-wide state in the crypto layer, and it
 * is libcrypto's rather than ours: providers live in the library context.
 * Loading a provider explicitly disables the implicit fallback to the
 * default provider, so both are loaded together.
 */
#include <pthread.h>

#include <openssl/provider.h>

#include "crypto/legacy.h"

static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;
static wax_err legacy_result = WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE;

static void
legacy_load_once(void)
{
    /* Handles are kept for the life of the process on purpose. */
    OSSL_PROVIDER *def = OSSL_PROVIDER_load(NULL, "default");
    if (def == NULL) {
        return;
    }
    OSSL_PROVIDER *legacy = OSSL_PROVIDER_load(NULL, "legacy");
    if (legacy == NULL) {
        return;
    }
    legacy_result = WAX_OK;
}

wax_err
wax_crypto_load_legacy(void)
{
    if (pthread_once(&legacy_once, legacy_load_once) != 0) {
        return WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE;
    }
    return legacy_result;
}
