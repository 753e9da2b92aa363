/*
 * OpenSSL's legacy provider, loaded once per process on first need.
 *
 * This is the one piece of process-wide state in the crypto layer, and it
 * is libcrypto's rather than ours: providers live in the library context.
 * Loading a provider explicitly disables the implicit fallback to the
 * default provider, so both are loaded together.
 */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/provider.h>

#include "crypto/legacy.h"

static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;
static wax_err legacy_result = WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE;
static OSSL_PROVIDER *default_prov;
static OSSL_PROVIDER *legacy_prov;

/*
 * Drops our references at exit. libcrypto registered its own exit
 * handler when it initialised, before this one, so this runs first and
 * OPENSSL_cleanup() then frees the providers (otherwise our references
 * would keep them, and leak checkers rightly complain).
 */
static void
legacy_unload_at_exit(void)
{
    if (legacy_prov != NULL) {
        OSSL_PROVIDER_unload(legacy_prov);
        legacy_prov = NULL;
    }
    if (default_prov != NULL) {
        OSSL_PROVIDER_unload(default_prov);
        default_prov = NULL;
    }
}

static void
legacy_load_once(void)
{
    default_prov = OSSL_PROVIDER_load(NULL, "default");
    if (default_prov != NULL) {
        legacy_prov = OSSL_PROVIDER_load(NULL, "legacy");
    }
    /* If registering fails, the providers merely stay loaded. */
    (void)atexit(legacy_unload_at_exit);
    ERR_clear_error();
    if (default_prov != NULL && legacy_prov != NULL) {
        legacy_result = WAX_OK;
    }
}

wax_err
wax_crypto_load_legacy(void)
{
    if (pthread_once(&legacy_once, legacy_load_once) != 0) {
        return WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE;
    }
    return legacy_result;
}
