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

/* ------------------------------------------------------------------ */
/* Digests.                                                            */

/*
 * wax_digest_size returns the output size in bytes of ALG (16 for MD5, 20
 * for SHA-1, 28, 32, 48, 64 for SHA-224..SHA-512), or 0 for WAX_DIGEST_NONE
 * and for a value that is not an algorithm. MD5 exists only to read old
 * mail; policy (refusing it by default) is the caller's job.
 */
WAX_API size_t wax_digest_size(enum wax_digest_alg alg);

/* wax_digest_name returns "md5", "sha1", "sha224", "sha256", "sha384",
 * "sha512" (the names of the --json report), or "none" / "unknown". */
WAX_API const char *wax_digest_name(enum wax_digest_alg alg);

/*
 * struct wax_digest is a streaming hash, a stack object:
 *   wax_digest_init, wax_digest_update (any number of times),
 *   wax_digest_final (once), wax_digest_cleanup (always, also after a
 *   failure; safe on a zeroed or cleaned-up object).
 * The fields are private. Errors stick: after a failure every later call
 * returns the same error. update or final after final is
 * WAX_ERR_CRYPTO_STATE.
 */
struct wax_digest {
    enum wax_digest_alg alg;
    void *impl; /* libcrypto state, private */
    wax_err err;
    bool finished;
};

/* wax_digest_init prepares D for ALG. WAX_ERR_CRYPTO_UNSUPPORTED_ALG for
 * WAX_DIGEST_NONE or an unknown value; WAX_ERR_NOMEM. On failure D is left
 * so that wax_digest_cleanup is a no-op. */
WAX_API WAX_MUST_CHECK wax_err wax_digest_init(struct wax_digest *d,
                                               enum wax_digest_alg alg);

/* wax_digest_update hashes LEN bytes of DATA (DATA may be NULL when LEN is
 * 0). */
WAX_API WAX_MUST_CHECK wax_err wax_digest_update(struct wax_digest *d,
                                                 const uint8_t *data,
                                                 size_t len);

/* wax_digest_final writes the digest (wax_digest_size(alg) bytes) to OUT.
 * WAX_ERR_BUF_TOO_SMALL when OUT_CAP is smaller (the state is then kept and
 * final may be retried with a larger buffer). */
WAX_API WAX_MUST_CHECK wax_err wax_digest_final(struct wax_digest *d,
                                                uint8_t *out, size_t out_cap,
                                                size_t *out_len);

/* wax_digest_cleanup frees D's state. */
WAX_API void wax_digest_cleanup(struct wax_digest *d);

/* wax_digest_compute hashes LEN bytes of DATA in one call; errors as for
 * init and final. */
WAX_API WAX_MUST_CHECK wax_err wax_digest_compute(enum wax_digest_alg alg,
                                                  uint8_t *out, size_t out_cap,
                                                  size_t *out_len,
                                                  const uint8_t *data,
                                                  size_t len);

/*
 * struct wax_digest_sink is a push filter that hashes everything written to
 * it and forwards the same bytes unchanged to NEXT (NULL NEXT: hash only).
 * close() finishes the digest and then closes NEXT. After a successful
 * close, wax_digest_sink_result gives the digest. Errors from NEXT and from
 * the digest stick. Used by sign/verify streaming (DESIGN.md), one sink per
 * digest algorithm, chained.
 */
struct wax_digest_sink {
    wax_sink sink; /* must stay first */
    struct wax_digest digest;
    wax_sink *next;
    uint8_t md[WAX_MAX_DIGEST_BYTES];
    size_t md_len;
    wax_err err;
    bool closed;
};

/* wax_digest_sink_init prepares DS (errors as wax_digest_init). */
WAX_API WAX_MUST_CHECK wax_err wax_digest_sink_init(struct wax_digest_sink *ds,
                                                    enum wax_digest_alg alg,
                                                    wax_sink *next);

/* wax_digest_sink_sink returns DS's sink interface. */
WAX_API wax_sink *wax_digest_sink_sink(struct wax_digest_sink *ds);

/* wax_digest_sink_result copies the digest to OUT. WAX_ERR_CRYPTO_STATE
 * unless the sink was closed successfully; WAX_ERR_BUF_TOO_SMALL. */
WAX_API WAX_MUST_CHECK wax_err
wax_digest_sink_result(const struct wax_digest_sink *ds, uint8_t *out,
                       size_t out_cap, size_t *out_len);

/* wax_digest_sink_cleanup frees DS's state (does not touch NEXT). */
WAX_API void wax_digest_sink_cleanup(struct wax_digest_sink *ds);

/* ------------------------------------------------------------------ */
/* Symmetric ciphers.                                                  */

/*
 * enum wax_cipher_alg: the content-encryption algorithms of CMS.
 * CBC modes use PKCS#5/#7 padding. DES, 3DES and RC2 exist only to read
 * old mail (policy is the caller's). DES and RC2 need OpenSSL's legacy
 * provider, which is loaded on first use (WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE
 * when it cannot be).
 */
enum wax_cipher_alg {
    WAX_CIPHER_NONE = 0,
    WAX_CIPHER_AES128_CBC,
    WAX_CIPHER_AES192_CBC,
    WAX_CIPHER_AES256_CBC,
    WAX_CIPHER_AES128_GCM,
    WAX_CIPHER_AES192_GCM,
    WAX_CIPHER_AES256_GCM,
    WAX_CIPHER_DES_EDE3_CBC, /* 3-key Triple-DES, 24-byte key */
    WAX_CIPHER_DES_CBC,      /* single DES, 8-byte key */
    WAX_CIPHER_RC2_CBC,      /* RC2 with an effective key size */
};

enum wax_cipher_dir {
    WAX_CIPHER_DECRYPT = 0,
    WAX_CIPHER_ENCRYPT = 1,
};

/* Largest block size of any wax cipher, in bytes. */
#define WAX_CIPHER_MAX_BLOCK_BYTES 16
/* Largest key of any wax cipher, in bytes. */
#define WAX_CIPHER_MAX_KEY_BYTES 32
/* Largest IV of a CBC cipher, in bytes. */
#define WAX_CIPHER_MAX_IV_BYTES 16
/* Default AES-GCM nonce length (RFC 5084), in bytes. */
#define WAX_GCM_DEFAULT_NONCE_BYTES 12
/* Longest AES-GCM nonce accepted (SECURITY.md rule 2: bounded always). */
#define WAX_MAX_GCM_NONCE_BYTES 64
/* AES-GCM tag lengths accepted (SECURITY.md rule 2), in bytes. */
#define WAX_GCM_MIN_TAG_BYTES 12
#define WAX_GCM_MAX_TAG_BYTES 16
/* RC2 key lengths accepted (5 bytes for RC2/40 up to 16), in bytes. */
#define WAX_RC2_MIN_KEY_BYTES 5
#define WAX_RC2_MAX_KEY_BYTES 16

/* wax_cipher_key_len: the key size of ALG in bytes (16/24/32 for AES, 24
 * for 3DES, 8 for DES, 16 for RC2 - the RC2 default; RC2 accepts 5..16),
 * 0 for an unknown value. */
WAX_API size_t wax_cipher_key_len(enum wax_cipher_alg alg);

/* wax_cipher_iv_len: the IV size of ALG in bytes (16 for AES-CBC, 8 for the
 * DES family and RC2, WAX_GCM_DEFAULT_NONCE_BYTES for GCM, whose nonce may
 * be 1..WAX_MAX_GCM_NONCE_BYTES), 0 for an unknown value. */
WAX_API size_t wax_cipher_iv_len(enum wax_cipher_alg alg);

/* wax_cipher_block_size: 16 for AES-CBC, 8 for the DES family and RC2, 1
 * for GCM (a stream mode: output length equals input length), 0 for an
 * unknown value. */
WAX_API size_t wax_cipher_block_size(enum wax_cipher_alg alg);

/* wax_cipher_is_aead: true for the GCM algorithms. */
WAX_API bool wax_cipher_is_aead(enum wax_cipher_alg alg);

/* wax_cipher_name: "aes-128-cbc", "aes-256-gcm", "des-ede3-cbc",
 * "des-cbc", "rc2-cbc" ... (the names of the --json report), "unknown". */
WAX_API const char *wax_cipher_name(enum wax_cipher_alg alg);

/*
 * struct wax_cipher is a streaming encryptor or decryptor, a stack object:
 *
 *   wax_cipher_init (or wax_cipher_init_rc2)
 *   [AEAD: wax_cipher_set_aad, before the first update]
 *   [AEAD decrypt: wax_cipher_set_tag, any time before final]
 *   wax_cipher_update (any number of times)
 *   wax_cipher_final (once)
 *   [AEAD encrypt: wax_cipher_get_tag]
 *   wax_cipher_cleanup (always; wipes the key schedule)
 *
 * Output bounds: update writes at most IN_LEN + wax_cipher_block_size(alg)
 * bytes for CBC and exactly IN_LEN bytes for GCM; OUT_CAP below that bound
 * is WAX_ERR_BUF_TOO_SMALL (checked before anything is processed). final
 * writes at most one block for CBC (OUT_CAP >= block size required) and
 * nothing for GCM (OUT may be NULL).
 *
 * AEAD decryption gives plaintext from update before the tag is checked:
 * the caller MUST spool it and release it only after final returned
 * WAX_OK (SECURITY.md rule 2). final compares the tag in constant time;
 * a mismatch is WAX_ERR_CRYPTO_TAG_MISMATCH.
 *
 * CBC decryption: final checks PKCS#5 padding; bad padding (or a
 * ciphertext that is not a whole number of blocks) is
 * WAX_ERR_CRYPTO_BAD_PADDING. This is not a padding oracle defence:
 * callers that decrypt attacker-chosen ciphertext must give one uniform
 * verdict.
 *
 * Errors stick: after any failure every later call returns that error.
 * A call in the wrong state is WAX_ERR_CRYPTO_STATE. The fields are
 * private.
 */
struct wax_cipher {
    enum wax_cipher_alg alg;
    enum wax_cipher_dir dir;
    void *impl; /* libcrypto state, private */
    uint8_t tag[WAX_GCM_MAX_TAG_BYTES];
    size_t tag_len;
    uint64_t num_in; /* bytes given to update */
    wax_err err;
    bool tag_set;
    bool finished;
};

/*
 * wax_cipher_init prepares C for ALG in direction DIR with KEY and IV
 * (the nonce for GCM). Errors:
 *   WAX_ERR_CRYPTO_UNSUPPORTED_ALG   unknown ALG or WAX_CIPHER_NONE
 *   WAX_ERR_CRYPTO_BAD_KEY_SIZE      KEY_LEN is not the algorithm's key size
 *                                    (RC2: not WAX_RC2_MIN..MAX_KEY_BYTES)
 *   WAX_ERR_CRYPTO_BAD_IV            IV_LEN is not wax_cipher_iv_len(alg)
 *                                    (GCM: 0 or > WAX_MAX_GCM_NONCE_BYTES),
 *                                    or IV is NULL
 *   WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE DES/RC2 without the legacy provider
 *   WAX_ERR_NOMEM, WAX_ERR_CRYPTO_INTERNAL
 * RC2 through this function uses an effective key size of KEY_LEN * 8
 * bits (allowed: 40, 64, 128). Triple-DES keys are not checked for
 * weak or repeated halves. On failure C is left so that cleanup is a
 * no-op.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_init(
    struct wax_cipher *c, enum wax_cipher_alg alg, enum wax_cipher_dir dir,
    const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len);

/*
 * wax_cipher_init_rc2 is wax_cipher_init for WAX_CIPHER_RC2_CBC with an
 * explicit effective key size in bits (RFC 8018 B.2.3 / RFC 3370 4.3.2),
 * which must be 40, 64 or 128 (WAX_ERR_CRYPTO_BAD_PARAMS otherwise).
 */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_init_rc2(
    struct wax_cipher *c, enum wax_cipher_dir dir, const uint8_t *key,
    size_t key_len, unsigned effective_bits, const uint8_t *iv, size_t iv_len);

/* wax_cipher_set_aad authenticates LEN bytes of AAD (GCM only: otherwise
 * WAX_ERR_CRYPTO_UNSUPPORTED_ALG). May be called several times, but only
 * before the first update with input (WAX_ERR_CRYPTO_STATE). */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_set_aad(struct wax_cipher *c,
                                                  const uint8_t *aad,
                                                  size_t len);

/* wax_cipher_set_tag gives the expected tag for GCM decryption, before
 * final. WAX_ERR_CRYPTO_BAD_TAG_LENGTH unless WAX_GCM_MIN_TAG_BYTES <=
 * TAG_LEN <= WAX_GCM_MAX_TAG_BYTES; WAX_ERR_CRYPTO_STATE when encrypting or
 * after final; WAX_ERR_CRYPTO_UNSUPPORTED_ALG for a non-AEAD cipher. */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_set_tag(struct wax_cipher *c,
                                                  const uint8_t *tag,
                                                  size_t tag_len);

/* wax_cipher_update processes IN_LEN bytes of IN into OUT (see the output
 * bounds above); *OUT_LEN is the number of bytes written. */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_update(struct wax_cipher *c,
                                                 uint8_t *out, size_t out_cap,
                                                 size_t *out_len,
                                                 const uint8_t *in,
                                                 size_t in_len);

/* wax_cipher_final ends the stream: CBC encrypt writes the padded last
 * block, CBC decrypt checks padding and writes the last plaintext bytes,
 * GCM decrypt checks the tag (WAX_ERR_CRYPTO_STATE if no tag was set). */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_final(struct wax_cipher *c,
                                                uint8_t *out, size_t out_cap,
                                                size_t *out_len);

/* wax_cipher_get_tag copies the first TAG_LEN bytes of the GCM tag after a
 * successful encrypt final. WAX_ERR_CRYPTO_BAD_TAG_LENGTH outside 12..16;
 * WAX_ERR_CRYPTO_STATE before final or when decrypting. */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_get_tag(const struct wax_cipher *c,
                                                  uint8_t *tag, size_t tag_len);

/* wax_cipher_cleanup wipes and frees C's state. Safe on a zeroed or
 * cleaned-up object. */
WAX_API void wax_cipher_cleanup(struct wax_cipher *c);

/* Bytes a wax_cipher_sink processes per call to its cipher. */
#define WAX_CIPHER_SINK_CHUNK 4096

/*
 * struct wax_cipher_sink is a push filter around an initialised
 * struct wax_cipher owned by the caller: bytes written are encrypted or
 * decrypted and the output written to NEXT; close() runs wax_cipher_final,
 * writes its output and then closes NEXT. When final fails (bad padding,
 * tag mismatch) NEXT is NOT closed and close returns the error, so a
 * spool behind it is never completed. Set AAD and (decrypting) the tag on
 * the cipher before the first write / before close; read the tag from the
 * cipher after close. Errors stick.
 */
struct wax_cipher_sink {
    wax_sink sink; /* must stay first */
    struct wax_cipher *cipher;
    wax_sink *next;
    uint8_t out[WAX_CIPHER_SINK_CHUNK + WAX_CIPHER_MAX_BLOCK_BYTES];
    wax_err err;
    bool closed;
};

/* wax_cipher_sink_init prepares CS over CIPHER (which must outlive it) and
 * NEXT (not NULL). Cannot fail. */
WAX_API void wax_cipher_sink_init(struct wax_cipher_sink *cs,
                                  struct wax_cipher *cipher, wax_sink *next);

/* wax_cipher_sink_sink returns CS's sink interface. */
WAX_API wax_sink *wax_cipher_sink_sink(struct wax_cipher_sink *cs);

/* wax_cipher_sink_cleanup wipes the output staging buffer (it holds
 * plaintext); it does not clean up the cipher or NEXT. */
WAX_API void wax_cipher_sink_cleanup(struct wax_cipher_sink *cs);

/* ------------------------------------------------------------------ */
/* Key wrap.                                                           */

/* Largest key that the key wrap functions take, in bytes. */
#define WAX_MAX_WRAPPED_KEY 512

/*
 * AES key wrap (RFC 3394, default IV A6A6A6A6A6A6A6A6) as used by CMS
 * KEKRecipientInfo and KeyAgreeRecipientInfo (RFC 3565, RFC 5753).
 * KEK is 16, 24 or 32 bytes (WAX_ERR_CRYPTO_BAD_KEY_SIZE otherwise).
 * wrap: IN_LEN must be a multiple of 8, at least 16 and at most
 * WAX_MAX_WRAPPED_KEY (WAX_ERR_INVALID_ARGUMENT); output is IN_LEN + 8
 * bytes. unwrap: IN_LEN must be a multiple of 8, at least 24 and at most
 * WAX_MAX_WRAPPED_KEY + 8 (WAX_ERR_CRYPTO_DECRYPT_FAILED, as is an
 * integrity check failure);
 * output is IN_LEN - 8 bytes. OUT_CAP too small: WAX_ERR_BUF_TOO_SMALL.
 * On failure nothing is left in OUT.
 */
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_aes_wrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_aes_unwrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);

/*
 * AES key wrap with padding (RFC 5649). wrap: IN_LEN 1..WAX_MAX_WRAPPED_KEY
 * (WAX_ERR_INVALID_ARGUMENT otherwise); output is IN_LEN rounded up to a
 * multiple of 8, plus 8. unwrap: IN_LEN a multiple of 8, 16..
 * WAX_MAX_WRAPPED_KEY + 16; every failure (length, integrity, padding) is
 * WAX_ERR_CRYPTO_DECRYPT_FAILED. OUT_CAP for unwrap must be at least
 * IN_LEN - 8 (WAX_ERR_BUF_TOO_SMALL); *OUT_LEN is the unpadded length.
 */
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_aes_pad_wrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_aes_pad_unwrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);

/*
 * CMS Triple-DES key wrap (RFC 3217 section 3, as in RFC 3370 4.3.1 /
 * KEKRecipientInfo with id-alg-CMS3DESwrap). KEK is 24 bytes. wrap takes a
 * 24-byte Triple-DES key, sets odd parity on its copy (step 1: the
 * checksum covers the parity-adjusted key) and writes 40 bytes; it draws
 * a random 8-byte IV. unwrap does not check parity. unwrap takes 40 bytes and
 * writes 24; every failure is WAX_ERR_CRYPTO_DECRYPT_FAILED. Wrong KEK size:
 * WAX_ERR_CRYPTO_BAD_KEY_SIZE; wrong IN_LEN for wrap:
 * WAX_ERR_INVALID_ARGUMENT.
 */
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_3des_wrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);
WAX_API WAX_MUST_CHECK wax_err wax_keywrap_3des_unwrap(
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *kek,
    size_t kek_len, const uint8_t *in, size_t in_len);

/* ------------------------------------------------------------------ */
/* Key derivation.                                                     */

/* Most PBKDF2 iterations accepted (counts come from files: PWRI, PKCS#12). */
#define WAX_MAX_PBKDF2_ITERATIONS 10000000u
/* Longest KDF output, in bytes (content keys are at most 32). */
#define WAX_MAX_KDF_OUTPUT 1024
/* Longest PBKDF2 password and salt, in bytes. */
#define WAX_MAX_PBKDF2_INPUT ((size_t)1 << 20)

/*
 * HKDF (RFC 5869) with HMAC over MD, which must be SHA-256, SHA-384 or
 * SHA-512 (WAX_ERR_CRYPTO_UNSUPPORTED_ALG otherwise).
 * wax_kdf_hkdf_extract writes PRK (wax_digest_size(md) bytes; OUT_CAP
 * smaller: WAX_ERR_BUF_TOO_SMALL). An empty SALT means HashLen zero bytes.
 * wax_kdf_hkdf_expand fills OUT_LEN bytes of OUT from PRK (at least
 * HashLen bytes: WAX_ERR_INVALID_ARGUMENT otherwise) and INFO; OUT_LEN must
 * be 1..min(255*HashLen, WAX_MAX_KDF_OUTPUT) (WAX_ERR_INVALID_ARGUMENT).
 * wax_kdf_hkdf is extract then expand. NULL pointers are allowed with
 * length 0. On failure OUT is wiped.
 */
WAX_API WAX_MUST_CHECK wax_err wax_kdf_hkdf_extract(
    enum wax_digest_alg md, uint8_t *prk, size_t prk_cap, size_t *prk_len,
    const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len);
WAX_API WAX_MUST_CHECK wax_err wax_kdf_hkdf_expand(
    enum wax_digest_alg md, uint8_t *out, size_t out_len, const uint8_t *prk,
    size_t prk_len, const uint8_t *info, size_t info_len);
WAX_API WAX_MUST_CHECK wax_err wax_kdf_hkdf(enum wax_digest_alg md,
                                            uint8_t *out, size_t out_len,
                                            const uint8_t *salt,
                                            size_t salt_len, const uint8_t *ikm,
                                            size_t ikm_len, const uint8_t *info,
                                            size_t info_len);

/*
 * The ANSI X9.63 KDF (SEC 1 3.6.1) as RFC 5753 uses it for ECDH key
 * agreement: K(i) = Hash(Z || Counter32(i) || SharedInfo), i from 1,
 * concatenated and truncated to OUT_LEN. SHARED_INFO is the DER
 * ECC-CMS-SharedInfo the caller built. MD is SHA-1, SHA-224, SHA-256,
 * SHA-384 or SHA-512 (WAX_ERR_CRYPTO_UNSUPPORTED_ALG otherwise). OUT_LEN
 * 1..WAX_MAX_KDF_OUTPUT and Z_LEN >= 1 (WAX_ERR_INVALID_ARGUMENT).
 */
WAX_API WAX_MUST_CHECK wax_err wax_kdf_x963(enum wax_digest_alg md,
                                            uint8_t *out, size_t out_len,
                                            const uint8_t *z, size_t z_len,
                                            const uint8_t *shared_info,
                                            size_t shared_info_len);

/*
 * PBKDF2 (RFC 8018 5.2) with HMAC over MD (SHA-1, SHA-224, SHA-256,
 * SHA-384, SHA-512; WAX_ERR_CRYPTO_UNSUPPORTED_ALG otherwise). ITERATIONS
 * 1..WAX_MAX_PBKDF2_ITERATIONS (0: WAX_ERR_INVALID_ARGUMENT, more:
 * WAX_ERR_LIMIT_EXCEEDED); OUT_LEN 1..WAX_MAX_KDF_OUTPUT
 * (WAX_ERR_INVALID_ARGUMENT); PASSWORD_LEN and SALT_LEN at most
 * WAX_MAX_PBKDF2_INPUT (WAX_ERR_LIMIT_EXCEEDED). The password is taken as
 * bytes (the caller decides the encoding).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_kdf_pbkdf2(enum wax_digest_alg md, uint8_t *out, size_t out_len,
               const uint8_t *password, size_t password_len,
               const uint8_t *salt, size_t salt_len, uint32_t iterations);

/* ------------------------------------------------------------------ */
/* Random.                                                             */

/* wax_random_bytes fills LEN bytes of OUT from libcrypto's CSPRNG.
 * WAX_ERR_CRYPTO_RANDOM_FAILED when the generator fails (OUT is then
 * wiped). LEN 0 is a no-op. */
WAX_API WAX_MUST_CHECK wax_err wax_random_bytes(uint8_t *out, size_t len);

/* ================================================================== */
/* Keys and public-key operations.                                     */

#endif
