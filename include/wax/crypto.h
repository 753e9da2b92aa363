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
 * Output bounds: with B = wax_cipher_block_size(alg) and P the bytes given
 * to update but not yet output (always < 2B, 0 for GCM), update needs
 * OUT_CAP >= floor((P + IN_LEN) / B) * B and writes at most that; for GCM
 * that is exactly IN_LEN. OUT_CAP >= IN_LEN + B always suffices. A smaller
 * OUT_CAP is WAX_ERR_BUF_TOO_SMALL (checked before anything is processed).
 * final writes at most one block for CBC (OUT_CAP >= B required) and
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
    uint64_t num_in;  /* bytes given to update */
    uint64_t num_out; /* bytes update wrote */
    wax_err err;
    bool tag_set;
    bool finished;
};

/*
 * wax_cipher_init prepares C for ALG in direction DIR with KEY and IV
 * (the nonce for GCM). Errors:
 *   WAX_ERR_CRYPTO_UNSUPPORTED_ALG   unknown ALG or WAX_CIPHER_NONE
 *   WAX_ERR_CRYPTO_BAD_KEY_SIZE      KEY_LEN is not the algorithm's key size
 *                                    (RC2 here: not 5, 8 or 16), or KEY is
 *                                    NULL
 *   WAX_ERR_CRYPTO_BAD_IV            IV_LEN is not wax_cipher_iv_len(alg)
 *                                    (GCM: 0 or > WAX_MAX_GCM_NONCE_BYTES),
 *                                    or IV is NULL
 *   WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE DES/RC2 without the legacy provider
 *   WAX_ERR_INVALID_ARGUMENT         DIR is not a wax_cipher_dir
 *   WAX_ERR_NOMEM, WAX_ERR_CRYPTO_INTERNAL
 * RC2 through this function uses an effective key size of KEY_LEN * 8
 * bits (40, 64 or 128). Triple-DES keys are not checked for
 * weak or repeated halves. On failure C is left so that cleanup is a
 * no-op.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_init(
    struct wax_cipher *c, enum wax_cipher_alg alg, enum wax_cipher_dir dir,
    const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len);

/*
 * wax_cipher_init_rc2 is wax_cipher_init for WAX_CIPHER_RC2_CBC with an
 * explicit effective key size in bits (RFC 8018 B.2.3 / RFC 3370 4.3.2),
 * which must be 40, 64 or 128 (WAX_ERR_CRYPTO_BAD_PARAMS otherwise); the
 * key may then be WAX_RC2_MIN_KEY_BYTES..WAX_RC2_MAX_KEY_BYTES long.
 * Other errors as wax_cipher_init.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cipher_init_rc2(
    struct wax_cipher *c, enum wax_cipher_dir dir, const uint8_t *key,
    size_t key_len, unsigned effective_bits, const uint8_t *iv, size_t iv_len);

/* wax_cipher_set_aad authenticates LEN bytes of AAD (GCM only: otherwise
 * WAX_ERR_CRYPTO_UNSUPPORTED_ALG). May be called several times, but only
 * before the first update with input (WAX_ERR_CRYPTO_STATE). AAD may be
 * NULL only when LEN is 0 (WAX_ERR_INVALID_ARGUMENT). */
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
 * bounds above); *OUT_LEN is the number of bytes written. OUT may be NULL
 * only with OUT_CAP 0, IN only with IN_LEN 0 (WAX_ERR_INVALID_ARGUMENT). */
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
 * WAX_ERR_CRYPTO_STATE before final or when decrypting;
 * WAX_ERR_CRYPTO_UNSUPPORTED_ALG for a non-AEAD cipher. Returns C's
 * sticky error if it has one; never changes C. */
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

/*
 * Keys are opaque heap objects created by the functions below and freed by
 * wax_pubkey_free / wax_privkey_free (both accept NULL). A key object is
 * immutable once made: several threads may use one key at the same time.
 * Every key-decoding function takes untrusted bytes; it never keeps a
 * pointer into them.
 *
 * Weak-algorithm policy (SECURITY.md rule 7) is NOT applied here: these
 * functions verify an RSA-1024 or SHA-1 signature like any other. Callers
 * read wax_pubkey_bits() and the digest of the wax_sig_alg and decide.
 */

/* Limits on attacker-controlled key material. */
#define WAX_MAX_RSA_BITS 16384 /* larger RSA keys: CRYPTO_BAD_KEY_SIZE */
#define WAX_MAX_KEY_FILE_BYTES (1u << 20) /* PEM/DER key or PKCS#12 file */
#define WAX_MAX_PKCS12_ITEMS 256 /* keys + certificates in one PKCS#12 */
/* One PBKDF2 / PKCS#12 KDF / MAC iteration count, and the sum over the
 * KDFs of one PKCS#12 file (each bag may have its own). */
#define WAX_MAX_PBE_ITERATIONS 1000000
#define WAX_MAX_PBE_TOTAL_ITERATIONS 4000000

/* Largest signature (RSA-16384) and largest RSA ciphertext, in bytes. */
#define WAX_MAX_SIG_BYTES (WAX_MAX_RSA_BITS / 8)
#define WAX_MAX_RSA_BYTES (WAX_MAX_RSA_BITS / 8)
/* Largest ECDH / X25519 / X448 shared secret (P-521), in bytes. */
#define WAX_MAX_SHARED_SECRET_BYTES 66

/* Iteration count wax uses when it encrypts a key (PKCS#8, PKCS#12). */
#define WAX_PBE_DEFAULT_ITERATIONS 100000

enum wax_key_type {
    WAX_KEY_NONE = 0,
    WAX_KEY_RSA,     /* rsaEncryption */
    WAX_KEY_RSA_PSS, /* id-RSASSA-PSS keys (PSS only, maybe restricted) */
    WAX_KEY_EC,      /* id-ecPublicKey on a named curve, see wax_ec_curve */
    WAX_KEY_ED25519,
    WAX_KEY_ED448,
    WAX_KEY_X25519,
    WAX_KEY_X448,
    WAX_KEY_DSA, /* reading old mail only: verify, never sign */
};

enum wax_ec_curve {
    WAX_CURVE_NONE = 0, /* not an EC key */
    WAX_CURVE_P256,
    WAX_CURVE_P384,
    WAX_CURVE_P521,
};

/* wax_key_type_name: "rsa", "rsa-pss", "ec", "ed25519", "ed448", "x25519",
 * "x448", "dsa" ("none" for WAX_KEY_NONE). Static string. */
WAX_API const char *wax_key_type_name(enum wax_key_type type);

/* ------------------------------------------------------------------ */
/* Public keys.                                                        */

struct wax_pubkey;

/*
 * wax_pubkey_from_spki decodes a DER SubjectPublicKeyInfo (RFC 5280
 * §4.1.2.7) into a new key in *OUT. Accepted: the key types above; EC keys
 * only on the named curves P-256, P-384 and P-521 (explicit parameters and
 * other curves: WAX_ERR_CRYPTO_UNSUPPORTED_ALG). The whole input must be
 * one SPKI (trailing bytes: WAX_ERR_CRYPTO_BAD_KEY). Malformed encodings,
 * an EC point not on the curve and an RSA key with an even modulus or
 * exponent below 3 give WAX_ERR_CRYPTO_BAD_KEY; an RSA modulus above
 * WAX_MAX_RSA_BITS gives WAX_ERR_CRYPTO_BAD_KEY_SIZE; an algorithm libcrypto
 * cannot use (ML-DSA, SLH-DSA, GOST...) WAX_ERR_CRYPTO_UNSUPPORTED_ALG.
 * Not checked: key strength (see wax_pubkey_bits).
 */
WAX_API WAX_MUST_CHECK wax_err wax_pubkey_from_spki(struct wax_pubkey **out,
                                                    const uint8_t *der,
                                                    size_t len);

/* wax_pubkey_free releases KEY (NULL is fine). */
WAX_API void wax_pubkey_free(struct wax_pubkey *key);

/* wax_pubkey_type, wax_pubkey_curve (WAX_CURVE_NONE if not EC) and
 * wax_pubkey_bits (RSA/DSA modulus bits, curve order bits; libcrypto's
 * values for the others: 256 Ed25519, 253 X25519, 456 Ed448, 448 X448). */
WAX_API enum wax_key_type wax_pubkey_type(const struct wax_pubkey *key);
WAX_API enum wax_ec_curve wax_pubkey_curve(const struct wax_pubkey *key);
WAX_API size_t wax_pubkey_bits(const struct wax_pubkey *key);

/* wax_pubkey_to_spki appends KEY's DER SubjectPublicKeyInfo to OUT. */
WAX_API WAX_MUST_CHECK wax_err wax_pubkey_to_spki(const struct wax_pubkey *key,
                                                  struct wax_buf *out);

/* wax_pubkey_equal tells whether A and B are the same public key (same
 * type, parameters and value). */
WAX_API bool wax_pubkey_equal(const struct wax_pubkey *a,
                              const struct wax_pubkey *b);

/*
 * wax_pubkey_verify checks signature SIG over MSG with KEY under ALG;
 * the digest (ALG->digest) is computed inside. Supported: RSA_PKCS1 and
 * RSA_PSS (RSA or RSA-PSS keys; PSS uses ALG->mgf1_digest and exactly
 * ALG->salt_len), ECDSA (DER Ecdsa-Sig-Value, strict DER), ED25519 and
 * ED448 (pure EdDSA, ALG->digest must be WAX_DIGEST_NONE), DSA (DER
 * Dss-Sig-Value). Results:
 *   WAX_OK                          the signature verifies
 *   WAX_ERR_CRYPTO_SIGNATURE_INVALID it does not (any reason rooted in SIG:
 *                                   wrong value, wrong length, bad DER)
 *   WAX_ERR_CRYPTO_KEY_MISMATCH     the scheme does not fit the key type
 *                                   (e.g. ECDSA with an RSA key, PKCS#1
 *                                   with an RSA-PSS key)
 *   WAX_ERR_CRYPTO_UNSUPPORTED_ALG  unknown scheme or digest, MD5 with
 *                                   anything but RSA_PKCS1, a digest with
 *                                   EdDSA, WAX_DIGEST_NONE elsewhere
 *   WAX_ERR_CRYPTO_BAD_PARAMS       PSS salt longer than the key allows
 * An RSA-PSS key with PSS restrictions refuses other parameters with
 * WAX_ERR_CRYPTO_KEY_MISMATCH.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pubkey_verify(
    const struct wax_pubkey *key, const struct wax_sig_alg *alg,
    const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/*
 * wax_pubkey_verify_digest is wax_pubkey_verify over DIGEST, the already
 * computed ALG->digest of the message (its length must be that digest's
 * size: WAX_ERR_INVALID_ARGUMENT otherwise). EdDSA has no prehashed form
 * here: WAX_ERR_CRYPTO_UNSUPPORTED_ALG.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_pubkey_verify_digest(const struct wax_pubkey *key,
                         const struct wax_sig_alg *alg, const uint8_t *digest,
                         size_t digest_len, const uint8_t *sig, size_t sig_len);

/* RSAES-OAEP parameters (RFC 8017 §7.1). LABEL may be NULL when LABEL_LEN
 * is 0. */
struct wax_oaep_params {
    enum wax_digest_alg digest;
    enum wax_digest_alg mgf1_digest;
    const uint8_t *label;
    size_t label_len;
};

/*
 * wax_pubkey_encrypt_pkcs1 encrypts IN with RSAES-PKCS1-v1_5 and
 * wax_pubkey_encrypt_oaep with RSAES-OAEP; the ciphertext (modulus size)
 * goes to OUT (OUT_CAP bytes, WAX_MAX_RSA_BYTES always suffices) and its
 * length to *OUT_LEN. Non-RSA key: WAX_ERR_CRYPTO_KEY_MISMATCH; IN too long
 * for the key: WAX_ERR_CRYPTO_ENCRYPT_FAILED; OUT_CAP too small:
 * WAX_ERR_BUF_TOO_SMALL; unknown digest: WAX_ERR_CRYPTO_UNSUPPORTED_ALG.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pubkey_encrypt_pkcs1(
    const struct wax_pubkey *key, uint8_t *out, size_t out_cap, size_t *out_len,
    const uint8_t *in, size_t in_len);
WAX_API WAX_MUST_CHECK wax_err wax_pubkey_encrypt_oaep(
    const struct wax_pubkey *key, const struct wax_oaep_params *params,
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
    size_t in_len);

/* ------------------------------------------------------------------ */
/* Private keys.                                                       */

struct wax_privkey;

/*
 * wax_privkey_load decodes one private key from DATA (at most
 * WAX_MAX_KEY_FILE_BYTES), PEM or DER, detected:
 *   PEM "PRIVATE KEY"            PKCS#8 PrivateKeyInfo / OneAsymmetricKey
 *   PEM "ENCRYPTED PRIVATE KEY"  PKCS#8 EncryptedPrivateKeyInfo (PASSWORD)
 *   PEM "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"
 *                                traditional form, plain or with
 *                                Proc-Type: 4,ENCRYPTED (PASSWORD)
 *   DER                          the same structures without armour
 * Encrypted PKCS#8 may use PBES2 (PBKDF2 or scrypt, any cipher libcrypto
 * has) or the PKCS#5 v1.5 / PKCS#12 PBEs; DES, RC2 and RC4 load the legacy
 * provider on demand. The PBE parameters are checked before any work:
 * more than WAX_MAX_PBE_ITERATIONS iterations (or scrypt beyond N 2^20,
 * r 32, p 16): WAX_ERR_LIMIT_EXCEEDED; parameters that do not decode:
 * WAX_ERR_CRYPTO_BAD_PARAMS; legacy cipher and no legacy provider:
 * WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE.
 * A PEM file may hold other blocks (certificates, EC PARAMETERS): the first
 * private-key block is used and the rest ignored. PASSWORD is a
 * NUL-terminated UTF-8 string, NULL for none.
 * Errors: no private key found or an unknown structure:
 * WAX_ERR_CRYPTO_KEY_FORMAT; encrypted and PASSWORD NULL or wrong:
 * WAX_ERR_CRYPTO_BAD_PASSWORD; a key algorithm libcrypto cannot use
 * (ML-DSA, SLH-DSA, ML-KEM...): WAX_ERR_CRYPTO_UNSUPPORTED_ALG; a known
 * algorithm with a broken key (an EC public point that is not the
 * scalar's, a DSA key without parameters): WAX_ERR_CRYPTO_BAD_KEY; a
 * supported algorithm on a curve wax refuses: WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
 * DATA too large: WAX_ERR_LIMIT_EXCEEDED.
 * Not checked: that the key is strong, or matches any certificate.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_load(struct wax_privkey **out,
                                                const uint8_t *data, size_t len,
                                                const char *password);

/* wax_privkey_free wipes and releases KEY (NULL is fine). */
WAX_API void wax_privkey_free(struct wax_privkey *key);

/* Type, curve and size, as for public keys. */
WAX_API enum wax_key_type wax_privkey_type(const struct wax_privkey *key);
WAX_API enum wax_ec_curve wax_privkey_curve(const struct wax_privkey *key);
WAX_API size_t wax_privkey_bits(const struct wax_privkey *key);

/* wax_privkey_public gives a new public-key object for KEY in *OUT. */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_public(const struct wax_privkey *key,
                                                  struct wax_pubkey **out);

/*
 * wax_privkey_match_spki checks that KEY is the private half of the DER
 * SubjectPublicKeyInfo SPKI (e.g. a certificate's). WAX_OK when it is,
 * WAX_ERR_CRYPTO_KEY_MISMATCH when it is not, the errors of
 * wax_pubkey_from_spki when SPKI does not decode.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_match_spki(
    const struct wax_privkey *key, const uint8_t *spki, size_t spki_len);

/* Key generation (fresh randomness from libcrypto's RNG). */
enum wax_keygen {
    WAX_KEYGEN_RSA2048 = 1,
    WAX_KEYGEN_RSA3072,
    WAX_KEYGEN_RSA4096,
    WAX_KEYGEN_P256,
    WAX_KEYGEN_P384,
    WAX_KEYGEN_P521,
    WAX_KEYGEN_ED25519,
    WAX_KEYGEN_ED448,
    WAX_KEYGEN_X25519,
    WAX_KEYGEN_X448,
};

/* wax_privkey_generate makes a new key of KIND (RSA exponent 65537).
 * Unknown KIND: WAX_ERR_INVALID_ARGUMENT. */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_generate(struct wax_privkey **out,
                                                    enum wax_keygen kind);

/* wax_privkey_generate_like makes a new key of the same kind as PEER (same
 * EC curve, or X25519/X448): the ephemeral key of an ECDH key agreement.
 * PEER of another type: WAX_ERR_CRYPTO_KEY_MISMATCH. */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_generate_like(
    struct wax_privkey **out, const struct wax_pubkey *peer);

/*
 * wax_privkey_to_pkcs8 appends KEY as DER PKCS#8 PrivateKeyInfo to OUT
 * (use a secret buffer, wax_buf_init_secret). wax_privkey_to_pkcs8_encrypted
 * appends a DER EncryptedPrivateKeyInfo: PBES2 with PBKDF2-HMAC-SHA256
 * (ITERATIONS, 0 meaning WAX_PBE_DEFAULT_ITERATIONS, 16-byte random salt)
 * and AES-256-CBC. PASSWORD must be non-NULL (empty allowed).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_privkey_to_pkcs8(const struct wax_privkey *key, struct wax_buf *out);
WAX_API WAX_MUST_CHECK wax_err wax_privkey_to_pkcs8_encrypted(
    const struct wax_privkey *key, struct wax_buf *out, const char *password,
    uint32_t iterations);

/*
 * wax_privkey_sign signs MSG with KEY under ALG (the digest is computed
 * inside) and wax_privkey_sign_digest signs a precomputed ALG->digest
 * (not for EdDSA: WAX_ERR_CRYPTO_UNSUPPORTED_ALG). Schemes: RSA_PKCS1,
 * RSA_PSS (ALG->mgf1_digest, ALG->salt_len), ECDSA (DER output), ED25519,
 * ED448 (WAX_DIGEST_NONE). DSA keys never sign. The signature goes to OUT
 * (OUT_CAP bytes; WAX_MAX_SIG_BYTES always suffices) and its length to
 * *OUT_LEN. Errors as for wax_pubkey_verify, plus WAX_ERR_BUF_TOO_SMALL and
 * WAX_ERR_CRYPTO_SIGN_FAILED.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_sign(
    const struct wax_privkey *key, const struct wax_sig_alg *alg, uint8_t *out,
    size_t out_cap, size_t *out_len, const uint8_t *msg, size_t msg_len);
WAX_API WAX_MUST_CHECK wax_err wax_privkey_sign_digest(
    const struct wax_privkey *key, const struct wax_sig_alg *alg, uint8_t *out,
    size_t out_cap, size_t *out_len, const uint8_t *digest, size_t digest_len);

/*
 * wax_privkey_decrypt_oaep decrypts RSAES-OAEP ciphertext IN into OUT.
 * Every failure rooted in IN (wrong length, wrong label, bad padding) gives
 * the one error WAX_ERR_CRYPTO_DECRYPT_FAILED. Non-RSA key:
 * WAX_ERR_CRYPTO_KEY_MISMATCH; OUT_CAP below the longest message the key
 * and digest allow (modulus size - 2 * digest size - 2):
 * WAX_ERR_BUF_TOO_SMALL, checked before decrypting so that the size of the
 * plaintext never selects the error.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_decrypt_oaep(
    const struct wax_privkey *key, const struct wax_oaep_params *params,
    uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
    size_t in_len);

/*
 * wax_privkey_decrypt_pkcs1 is an explicit RSAES-PKCS1-v1_5 decryption
 * that reports bad padding as WAX_ERR_CRYPTO_DECRYPT_FAILED (uniform for
 * every bad input: wrong length, value >= modulus, bad padding). OUT_CAP
 * must be at least modulus size - 11 (WAX_ERR_BUF_TOO_SMALL before any
 * work). It is a padding oracle by nature: NEVER use it for CMS key
 * transport, use wax_privkey_unwrap_pkcs1.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_decrypt_pkcs1(
    const struct wax_privkey *key, uint8_t *out, size_t out_cap,
    size_t *out_len, const uint8_t *in, size_t in_len);

/*
 * wax_privkey_unwrap_pkcs1 is the Bleichenbacher-safe PKCS#1 v1.5 key
 * unwrap for CMS KeyTransRecipientInfo (SECURITY.md rule 3, RFC 3218 §2.3.2).
 * IN must be exactly the modulus size and EXPECTED_KEY_LEN between 1 and
 * modulus size - 11 (the content-encryption key size the caller expects);
 * otherwise (public facts, not secrets) WAX_ERR_CRYPTO_DECRYPT_FAILED or
 * WAX_ERR_INVALID_ARGUMENT. For such input it ALWAYS returns WAX_OK and
 * fills OUT_KEY (EXPECTED_KEY_LEN bytes) with the decrypted key when the
 * padding is well formed and the key has exactly EXPECTED_KEY_LEN bytes,
 * and with fresh random bytes otherwise. The choice is made without a
 * secret-dependent branch: the random key is drawn first, the padding is
 * checked in constant time over a raw RSA decryption, and the result is
 * selected with a mask. The caller then fails later, uniformly, when the
 * content does not decrypt or authenticate. Non-RSA key:
 * WAX_ERR_CRYPTO_KEY_MISMATCH.
 */
WAX_API WAX_MUST_CHECK wax_err wax_privkey_unwrap_pkcs1(
    const struct wax_privkey *key, uint8_t *out_key, size_t expected_key_len,
    const uint8_t *in, size_t in_len);

/*
 * wax_privkey_derive is raw key agreement: ECDH (RFC 5753 "standard"
 * cofactor-free, the X coordinate of the shared point), X25519, X448. PEER
 * must have the same type and curve as KEY (WAX_ERR_CRYPTO_KEY_MISMATCH
 * otherwise). The shared secret goes to OUT (WAX_MAX_SHARED_SECRET_BYTES
 * always suffices). An all-zero X25519/X448 result (small-order peer
 * point): WAX_ERR_CRYPTO_DERIVE_FAILED.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_privkey_derive(const struct wax_privkey *key, uint8_t *out, size_t out_cap,
                   size_t *out_len, const struct wax_pubkey *peer);

/* ------------------------------------------------------------------ */
/* PKCS#12 (RFC 7292).                                                 */

/*
 * struct wax_pkcs12_item is one key or certificate found in a PKCS#12 file.
 * DER (malloc'd, DER_LEN bytes) is a PKCS#8 PrivateKeyInfo for a key (pass
 * it to wax_privkey_load) or the certificate's bytes as stored. The bag
 * attributes follow when present: LOCAL_KEY_ID (malloc'd bytes, NULL when
 * absent) and FRIENDLY_NAME (malloc'd NUL-terminated UTF-8, NULL when
 * absent).
 */
struct wax_pkcs12_item {
    uint8_t *der;
    size_t der_len;
    uint8_t *local_key_id;
    size_t local_key_id_len;
    char *friendly_name;
};

/* Everything wax_pkcs12_load found; free with wax_pkcs12_contents_cleanup
 * (which wipes the keys). */
struct wax_pkcs12_contents {
    struct wax_pkcs12_item *keys;
    size_t num_keys;
    struct wax_pkcs12_item *certs;
    size_t num_certs;
};

/*
 * wax_pkcs12_load decodes a DER PKCS#12 PFX (at most
 * WAX_MAX_KEY_FILE_BYTES) protected by PASSWORD (UTF-8; NULL is taken as
 * the empty password, and both empty encodings are tried) into *OUT,
 * which it initialises. Every keyBag and pkcs8ShroudedKeyBag key and every
 * X.509 certBag certificate is returned, in file order; other bags are
 * skipped. Modern files (PBES2/PBKDF2/AES, HMAC-SHA-256 MAC) use the
 * default provider; legacy ones (pbeWithSHAAnd3-KeyTripleDES-CBC,
 * pbeWithSHAAnd40BitRC2-CBC...) load the legacy provider on demand.
 * Errors: WAX_ERR_CRYPTO_BAD_PASSWORD (the MAC does not verify, or without
 * a MAC a bag does not decrypt), WAX_ERR_CRYPTO_PKCS12_FORMAT (not a PFX,
 * bad structure, trailing bytes, public-key integrity mode),
 * WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE (legacy algorithm and no legacy
 * provider), WAX_ERR_CRYPTO_UNSUPPORTED_ALG (an unknown PBE), and
 * WAX_ERR_LIMIT_EXCEEDED (more than WAX_MAX_PKCS12_ITEMS items, a KDF or
 * MAC over WAX_MAX_PBE_ITERATIONS iterations, or KDFs adding up to more
 * than WAX_MAX_PBE_TOTAL_ITERATIONS). A file with no key is not an error
 * here (NUM_KEYS is 0). On error *OUT is left empty.
 * Not checked: that the keys match the certificates.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pkcs12_load(struct wax_pkcs12_contents *out,
                                               const uint8_t *der, size_t len,
                                               const char *password);

/* wax_pkcs12_contents_cleanup frees (and wipes the keys of) C. Safe on a
 * zeroed or already cleaned-up struct. */
WAX_API void wax_pkcs12_contents_cleanup(struct wax_pkcs12_contents *c);

enum wax_pkcs12_profile {
    /* PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for key and certificates,
     * HMAC-SHA-256 MAC: OpenSSL 3 and current NSS/Thunderbird read it. */
    WAX_PKCS12_MODERN = 0,
    /* pbeWithSHAAnd3-KeyTripleDES-CBC for the key, pbeWithSHAAnd40BitRC2-CBC
     * for the certificates, HMAC-SHA-1 MAC: for gpgsm 2.2 and old
     * readers; needs the legacy provider (RC2). */
    WAX_PKCS12_LEGACY,
};

/*
 * wax_pkcs12_export appends to OUT a DER PKCS#12 PFX holding KEY (as a
 * pkcs8ShroudedKeyBag) and the NUM_CERTS DER certificates CERTS[i]
 * (CERT_LENS[i] bytes each, stored as given, each must start with a
 * SEQUENCE tag 0x30 or WAX_ERR_INVALID_ARGUMENT; the first should be
 * KEY's; not parsed here),
 * encrypted and MACed with PASSWORD (non-NULL) under PROFILE with
 * WAX_PBE_DEFAULT_ITERATIONS (modern) or 2048 (legacy). FRIENDLY_NAME
 * (may be NULL) is set on the key and the first certificate, with a
 * localKeyId (SHA-1 of the first certificate) binding them.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_pkcs12_export(struct wax_buf *out, const struct wax_privkey *key,
                  const uint8_t *const *certs, const size_t *cert_lens,
                  size_t num_certs, const char *friendly_name,
                  const char *password, enum wax_pkcs12_profile profile);

#endif
