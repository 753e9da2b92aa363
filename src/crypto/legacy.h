/*
 * src/crypto/legacy.h - OpenSSL's legacy provider (DES, RC2, RC4, old
 * PKCS#12 PBEs), loaded on demand. Internal to the crypto layer.
 */
#ifndef WAX_CRYPTO_LEGACY_H
#define WAX_CRYPTO_LEGACY_H

#include <wax/err.h>

/*
 * wax_crypto_load_legacy makes sure the "legacy" provider (and, since
 * loading a provider explicitly stops the implicit one, the "default"
 * provider) is loaded into libcrypto's default library context. The first
 * call does the work (thread-safe, once per process); every call returns
 * the result of that attempt: WAX_OK or WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE.
 * The providers stay loaded for the life of the process.
 */
WAX_MUST_CHECK wax_err wax_crypto_load_legacy(void);

#endif
