/*
 * wax/crypto.h - the crypto layer: the one boundary to OpenSSL's libcrypto
 * (only src/crypto/ includes <openssl/...>). Everything here takes and
 * gives plain bytes and wax types; no OpenSSL type crosses this header.
 *
 * This layer sits below der (DESIGN.md): it knows nothing of ASN.1 beyond
 * handing encoded keys to libcrypto, and it never uses OpenSSL's CMS,
 * PKCS7, X509 verification or ASN.1 template code.
 *
 * Sections: shared algorithm names; digests, ciphers, KDFs and random
 * (primitives); keys and public-key operations (keys).
 */
#ifndef WAX_CRYPTO_H
#define WAX_CRYPTO_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>

/* ------------------------------------------------------------------ */
/* Shared algorithm names.                                             */

enum wax_digest_alg {
    WAX_DIGEST_NONE = 0, /* no separate digest (Ed25519, Ed448) */
    WAX_DIGEST_MD5,      /* reading old mail only */
    WAX_DIGEST_SHA1,
    WAX_DIGEST_SHA224,
    WAX_DIGEST_SHA256,
    WAX_DIGEST_SHA384,
    WAX_DIGEST_SHA512,
};

/* Largest digest output, in bytes. */
#define WAX_MAX_DIGEST_BYTES 64

enum wax_sig_scheme {
    WAX_SIG_NONE = 0,
    WAX_SIG_RSA_PKCS1, /* RSASSA-PKCS1-v1_5 */
    WAX_SIG_RSA_PSS,   /* RSASSA-PSS with MGF1 */
    WAX_SIG_ECDSA,     /* DER Ecdsa-Sig-Value */
    WAX_SIG_ED25519,
    WAX_SIG_ED448,
    WAX_SIG_DSA, /* reading old mail only */
};

/*
 * struct wax_sig_alg is a signature algorithm with its parameters, as the
 * x509 and cms layers decode it from an AlgorithmIdentifier.
 * For RSA_PSS, MGF1_DIGEST and SALT_LEN come from RSASSA-PSS-params
 * (trailerField must be 1); for the other schemes they are unused.
 */
struct wax_sig_alg {
    enum wax_sig_scheme scheme;
    enum wax_digest_alg digest;
    enum wax_digest_alg mgf1_digest;
    size_t salt_len;
};

/* ================================================================== */
/* Primitives: digests, ciphers, KDFs, random.                         */

/* ================================================================== */
/* Keys and public-key operations.                                     */

#endif
