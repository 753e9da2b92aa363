/*
 * src/crypto/ossl_internal.h - helpers shared by the files of the crypto
 * layer that talk to libcrypto. Internal: never included outside
 * src/crypto/.
 */
#ifndef WAX_CRYPTO_OSSL_INTERNAL_H
#define WAX_CRYPTO_OSSL_INTERNAL_H

#include <openssl/evp.h>

#include <wax/crypto.h>

/*
 * wax_ossl_md maps a wax digest to libcrypto's EVP_MD (a static object,
 * not to be freed), or NULL for WAX_DIGEST_NONE and unknown values.
 */
const EVP_MD *wax_ossl_md(enum wax_digest_alg alg);

/* wax_ossl_clear_errors drops libcrypto's thread error queue after a
 * failure we have turned into a wax_err, so that stale entries never leak
 * into a later, unrelated diagnosis. */
void wax_ossl_clear_errors(void);

#endif
