/*
 * src/crypto/keys_internal.h - what the key files of the crypto layer share
 * (pubkey.c, privkey.c, pk_ops.c, pkcs12.c). Not installed; only
 * src/crypto/ includes it.
 */
#ifndef WAX_CRYPTO_KEYS_INTERNAL_H
#define WAX_CRYPTO_KEYS_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <wax/crypto.h>

/* Both key objects wrap one EVP_PKEY they own; the classification is done
 * once, when the object is made, and only supported keys get an object. */
struct wax_pubkey {
    EVP_PKEY *pkey;
    enum wax_key_type type;
    enum wax_ec_curve curve;
};

struct wax_privkey {
    EVP_PKEY *pkey;
    enum wax_key_type type;
    enum wax_ec_curve curve;
};

/*
 * wax_key_classify finds the wax type and curve of PKEY. Keys outside the
 * enum (DH, SM2, binary or brainpool curves, explicit EC parameters...)
 * give WAX_ERR_CRYPTO_UNSUPPORTED_ALG. RSA keys above WAX_MAX_RSA_BITS give
 * WAX_ERR_CRYPTO_BAD_KEY_SIZE; RSA keys with an even modulus or a public
 * exponent that is even or below 3 give WAX_ERR_CRYPTO_BAD_KEY.
 */
wax_err wax_key_classify(const EVP_PKEY *pkey, enum wax_key_type *out_type,
                         enum wax_ec_curve *out_curve);

/* wax_key_known_nid: NID is a key algorithm wax supports, so a key of it
 * that libcrypto cannot decode is broken rather than unsupported. */
bool wax_key_known_nid(int nid);

/* wax_key_cipher_needs_legacy: the cipher NID lives in OpenSSL's legacy
 * provider (single DES, RC2, RC4, Blowfish, CAST5, IDEA, SEED). */
bool wax_key_cipher_needs_legacy(int nid);

/* wax_key_md maps a wax digest to libcrypto's (NULL for NONE or unknown). */
const EVP_MD *wax_key_md(enum wax_digest_alg alg);

/* wax_key_md_size is the output size of ALG in bytes (0 for NONE or
 * unknown). */
size_t wax_key_md_size(enum wax_digest_alg alg);

/* wax_key_pubkey_from_pkey makes a wax_pubkey holding a new reference to
 * PKEY's public half (re-decoded from its SPKI, so no private part stays). */
wax_err wax_key_pubkey_from_pkey(struct wax_pubkey **out, const EVP_PKEY *pkey);

/* wax_key_privkey_wrap takes ownership of PKEY (freed on failure too) and
 * makes a wax_privkey of it after classification. */
wax_err wax_key_privkey_wrap(struct wax_privkey **out, EVP_PKEY *pkey);

/* wax_key_from_pkcs8 decodes a PKCS#8 PrivateKeyInfo (DER, exactly LEN
 * bytes) into a new key. Errors as wax_privkey_load for plain keys. */
wax_err wax_key_from_pkcs8(struct wax_privkey **out, const uint8_t *der,
                           size_t len);

/*
 * wax_key_pbe_check inspects the password-based encryption algorithm ALG
 * (PKCS#5 PBES1, PKCS#12 PBE, or PBES2 with PBKDF2 or scrypt) before
 * anything is decrypted: an iteration count above WAX_MAX_PBE_ITERATIONS
 * gives WAX_ERR_LIMIT_EXCEEDED, parameters that do not decode
 * WAX_ERR_CRYPTO_BAD_PARAMS, an unknown scheme
 * WAX_ERR_CRYPTO_UNSUPPORTED_ALG. When the scheme needs the legacy provider
 * (DES, RC2, RC4...), the provider is loaded here
 * (WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE when it cannot be). scrypt
 * parameters are bounded too. When BUDGET is not NULL, the KDF's work
 * (iterations; N*r*p for scrypt) is taken from *BUDGET, and a KDF that
 * does not fit gives WAX_ERR_LIMIT_EXCEEDED: a file with many bags cannot
 * multiply the per-KDF cap.
 */
wax_err wax_key_pbe_check(const X509_ALGOR *alg, uint64_t *budget);

/* wax_key_pass_len is strlen(PASS) capped to int range (0 for NULL). */
int wax_key_pass_len(const char *pass);

/* wax_key_errors_clear drops libcrypto's queued errors for this thread so
 * they neither pile up nor confuse a later call. */
void wax_key_errors_clear(void);

#endif
