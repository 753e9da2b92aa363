/*
 * wax/cms.h - the cms layer: CMS content types (RFC 5652) as streaming
 * push encoders and decoders: SignedData, EnvelopedData, AuthEnvelopedData
 * (RFC 5083/5084), and later CompressedData and ESS receipts.
 *
 * Input may be DER or BER (definite or indefinite lengths, constructed
 * OCTET STRINGs): it enters through the streaming BER reader of the der
 * layer. Small structures (certificates, signerInfos, recipientInfos,
 * algorithm parameters) are captured into capped buffers and parsed with
 * the strict DER reader; only content octets stream. Output is DER when the
 * whole content fits the encoder's threshold and indefinite-length BER
 * otherwise.
 *
 * Nothing in this layer releases unverified content: decoders push content
 * into a caller sink that must be a wax_spool, and the caller releases it
 * only after the verdict (SECURITY.md rule 1).
 */
#ifndef WAX_CMS_H
#define WAX_CMS_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>

/* ================================================================== */
/* Common: content types, limits, attributes.                          */

/* ================================================================== */
/* SignedData.                                                         */

/* ================================================================== */
/* EnvelopedData and AuthEnvelopedData.                                */

/*
 * EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083, AES-GCM as
 * RFC 5084) as streaming push filters:
 *
 *   encrypt: content bytes -> wax_cms_encryptor (a wax_sink) -> CMS bytes
 *            pushed into the caller's OUT sink;
 *   decrypt: CMS bytes (DER or BER) -> wax_cms_decryptor (a wax_sink) ->
 *            plaintext pushed into the caller's OUT sink (a wax_spool).
 *
 * wax encrypts to KeyTransRecipientInfo with RSA (PKCS#1 v1.5 or
 * RSAES-OAEP). It decrypts those and KeyAgreeRecipientInfo with
 * ephemeral-static ECDH (RFC 5753: P-256, P-384, P-521) or X25519/X448
 * (RFC 8418), X9.63 KDF (dhSinglePass-stdDH / cofactorDH with SHA-1 or
 * SHA-2) and AES or Triple-DES key wrap. The other recipient kinds are
 * parsed, listed in the result and skipped.
 */

/* Limits on attacker-controlled input (SECURITY.md rule 8). */
/* RecipientInfos in one object (decrypt) and recipients given (encrypt). */
#define WAX_MAX_CMS_RECIPIENTS 64
/* Bytes of the captured recipientInfos SET (DER-normalised). */
#define WAX_MAX_CMS_RECIPIENT_INFOS_BYTES ((size_t)256 << 10)
/* Bytes of a captured contentEncryptionAlgorithm AlgorithmIdentifier. */
#define WAX_MAX_CMS_ALG_BYTES 512
/* Bytes of a captured originatorInfo (certificates and CRLs, skipped). */
#define WAX_MAX_CMS_ORIGINATOR_INFO_BYTES ((size_t)1 << 20)
/* Bytes of captured authAttrs, unauthAttrs or unprotectedAttrs. */
#define WAX_MAX_CMS_ATTRS_BYTES ((size_t)64 << 10)
/* Attributes in one authAttrs / unprotectedAttrs SET. */
#define WAX_MAX_CMS_ATTRS 64
/* Private keys given to one decryptor. */
#define WAX_MAX_CMS_DECRYPT_KEYS 16
/* Default threshold of the encryptor: content up to this size is buffered
 * and the output is DER; beyond it the output is indefinite-length BER. */
#define WAX_CMS_DEFAULT_DER_THRESHOLD ((size_t)1 << 20)
/* Largest DER threshold an encryptor accepts. */
#define WAX_MAX_CMS_DER_THRESHOLD ((size_t)64 << 20)
/* Size of the encryptedContent OCTET STRING chunks in BER output. */
#define WAX_CMS_BER_CHUNK ((size_t)16 << 10)
/* Longest RSAES-OAEP label (pSourceAlgorithm pSpecified) accepted. */
#define WAX_MAX_CMS_OAEP_LABEL 256

/* Key-transport algorithm of a KeyTransRecipientInfo. */
enum wax_cms_kt_alg {
    WAX_CMS_KT_RSA_PKCS1 = 0, /* rsaEncryption: RSAES-PKCS1-v1_5 (default) */
    WAX_CMS_KT_RSA_OAEP,      /* id-RSAES-OAEP (RFC 3560 / RFC 8017) */
    WAX_CMS_KT_UNKNOWN,       /* decrypt results only: another OID */
};

/* RecipientIdentifier form (RFC 5652 §6.2.1). */
enum wax_cms_rid_type {
    WAX_CMS_RID_ISSUER_SERIAL = 0, /* issuerAndSerialNumber (default) */
    WAX_CMS_RID_SKI,               /* [0] subjectKeyIdentifier */
    WAX_CMS_RID_NONE,              /* decrypt results: no rid (KEKRI...) */
};

/* RecipientInfo CHOICE arm (RFC 5652 §6.2). */
enum wax_cms_ri_kind {
    WAX_CMS_RI_KTRI = 0, /* KeyTransRecipientInfo (decrypted by wax) */
    WAX_CMS_RI_KARI,     /* [1] KeyAgreeRecipientInfo (decrypted by wax) */
    WAX_CMS_RI_KEKRI,    /* [2] KEKRecipientInfo (listed, skipped) */
    WAX_CMS_RI_PWRI,     /* [3] PasswordRecipientInfo (listed, skipped) */
    WAX_CMS_RI_ORI,      /* [4] OtherRecipientInfo (listed, skipped) */
};

/* wax_cms_ri_kind_name: "ktri", "kari", "kekri", "pwri", "ori",
 * "unknown". wax_cms_kt_alg_name: "rsa-pkcs1", "rsa-oaep", "unknown"
 * (the names of the --json report). Static strings. */
WAX_API const char *wax_cms_ri_kind_name(enum wax_cms_ri_kind kind);
WAX_API const char *wax_cms_kt_alg_name(enum wax_cms_kt_alg alg);

/* ------------------------------------------------------------------ */
/* Encrypt.                                                            */

/*
 * One recipient. CERT_DER is the recipient's DER certificate (read during
 * wax_cms_encryptor_new only; it need not outlive that call). Its key must
 * be RSA (rsaEncryption). KT and RID default to PKCS#1 v1.5 and
 * issuerAndSerialNumber (zero-initialise the struct). For OAEP,
 * OAEP_DIGEST and OAEP_MGF1_DIGEST default (WAX_DIGEST_NONE) to SHA-256;
 * SHA-1, SHA-224, SHA-384 and SHA-512 may be chosen; the label is always
 * empty. The RSAES-OAEP-params are always written out (never left to the
 * SHA-1 defaults). RID_SKI needs a subjectKeyIdentifier extension in the
 * certificate.
 */
struct wax_cms_recipient {
    const uint8_t *cert_der;
    size_t cert_len;
    enum wax_cms_kt_alg kt;
    enum wax_digest_alg oaep_digest;
    enum wax_digest_alg oaep_mgf1_digest;
    enum wax_cms_rid_type rid;
};

/*
 * Encryption options (zero-initialise for the defaults).
 *   CIPHER: WAX_CIPHER_NONE means AES-256-GCM. AES-128/192/256-CBC make an
 *     EnvelopedData; AES-128/192/256-GCM an AuthEnvelopedData (12-byte
 *     random nonce, 16-byte tag, aes-ICVlen 16 written). Other ciphers:
 *     WAX_ERR_CMS_UNSUPPORTED_CIPHER (wax never encrypts with 3DES, DES or
 *     RC2).
 *   CONTENT_TYPE: the encapsulated content type, WAX_OID_UNKNOWN meaning
 *     id-data. Another type (e.g. WAX_OID_CT_SIGNED_DATA) in an
 *     AuthEnvelopedData adds authAttrs with the content-type attribute
 *     (RFC 5083 §2.1).
 *   DER_THRESHOLD: 0 means WAX_CMS_DEFAULT_DER_THRESHOLD; at most
 *     WAX_MAX_CMS_DER_THRESHOLD (WAX_ERR_INVALID_ARGUMENT).
 *   ALLOW_WEAK_KEYS: accept recipient RSA keys under 2048 bits (otherwise
 *     WAX_ERR_CMS_WEAK_KEY).
 */
struct wax_cms_encrypt_opts {
    enum wax_cipher_alg cipher;
    enum wax_oid_id content_type;
    size_t der_threshold;
    bool allow_weak_keys;
};

struct wax_cms_encryptor;

/*
 * wax_cms_encryptor_new makes an encryptor for NUM_RECIPIENTS recipients
 * (1..WAX_MAX_CMS_RECIPIENTS) that writes the ContentInfo into OUT (which
 * must outlive it). It draws the content-encryption key and the IV/nonce
 * from wax_random_bytes and encrypts the key to every recipient now.
 * OPTS may be NULL (defaults).
 *
 * Then write the content to wax_cms_encryptor_sink(); close() finishes the
 * object and closes OUT. Content up to the DER threshold is buffered and
 * the output is one DER ContentInfo; once more arrives, the output becomes
 * indefinite-length BER (ContentInfo, EnvelopedData and
 * EncryptedContentInfo indefinite; encryptedContent a constructed [0] of
 * definite OCTET STRINGs of WAX_CMS_BER_CHUNK bytes; recipientInfos and
 * algorithm DER) and is pushed to OUT as it is produced. Nothing is written
 * to OUT before the first byte past the threshold or close().
 *
 * Errors: WAX_ERR_INVALID_ARGUMENT (no recipients, NULL pointers, bad
 * threshold), WAX_ERR_CMS_TOO_MANY_RECIPIENTS, WAX_ERR_CMS_UNSUPPORTED_CIPHER,
 * the parse codes of wax_x509_cert_parse for a bad certificate,
 * WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED (not an RSA key),
 * WAX_ERR_CMS_WEAK_KEY, WAX_ERR_CMS_NO_SKI (RID_SKI without the extension),
 * WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT (bad KT or OAEP digest), the codes
 * of wax_pubkey_from_spki, WAX_ERR_CRYPTO_RANDOM_FAILED, WAX_ERR_NOMEM.
 * Stream errors stick (OUT's included); write after close is
 * WAX_ERR_SINK_CLOSED.
 *
 * Not checked: the recipient certificate's validity, chain, key usage or
 * extended key usage (the path and smime layers decide whom to encrypt to).
 */
WAX_API WAX_MUST_CHECK wax_err wax_cms_encryptor_new(
    struct wax_cms_encryptor **out_enc, const struct wax_cms_encrypt_opts *opts,
    const struct wax_cms_recipient *recipients, size_t num_recipients,
    wax_sink *out);

/* wax_cms_encryptor_sink returns the content input of ENC. */
WAX_API wax_sink *wax_cms_encryptor_sink(struct wax_cms_encryptor *enc);

/* wax_cms_encryptor_free wipes the key material and buffered content and
 * frees ENC (NULL is fine). It does not close OUT. */
WAX_API void wax_cms_encryptor_free(struct wax_cms_encryptor *enc);

/*
 * wax_cms_encrypt is the one-shot form: the CMS object of the LEN bytes at
 * CONTENT is written to OUT, which is closed at the end. Errors as above.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cms_encrypt(
    const struct wax_cms_encrypt_opts *opts,
    const struct wax_cms_recipient *recipients, size_t num_recipients,
    const uint8_t *content, size_t len, wax_sink *out);

/* ------------------------------------------------------------------ */
/* Decrypt.                                                            */

/*
 * One decryption identity: a private key (RSA for key transport; EC,
 * X25519 or X448 for key agreement) and the DER certificate of its public
 * key (used to match issuerAndSerialNumber or the subjectKeyIdentifier of
 * a recipient identifier). An identity with old
 * keys gives one entry per key/certificate pair. Both must outlive the
 * decryptor.
 */
struct wax_cms_decrypt_key {
    const struct wax_privkey *key;
    const uint8_t *cert_der;
    size_t cert_len;
};

/*
 * Decryption options (zero-initialise for the defaults).
 *   ALLOW_WEAK: also decrypt DES-CBC and RC2-CBC content (otherwise
 *     WAX_ERR_CMS_WEAK_CIPHER); the result flags them. 3DES is always read
 *     and flagged.
 *   INSPECT_ONLY: no key needed; the structure is read and the result
 *     filled, the content is skipped and nothing is written to OUT, which
 *     is not closed either (OUT may be NULL). Finishing returns WAX_OK for
 *     a well-formed object.
 *   ACCEPT: WAX_OID_UNKNOWN accepts both types; WAX_OID_CT_ENVELOPED_DATA
 *     or WAX_OID_CT_AUTH_ENVELOPED_DATA only that one
 *     (WAX_ERR_CMS_UNSUPPORTED_CONTENT otherwise).
 *   TMPDIR, SPOOL_THRESHOLD: for the internal ciphertext spool of
 *     AuthEnvelopedData (see below); NULL/0 mean the wax_spool defaults.
 */
struct wax_cms_decrypt_opts {
    bool allow_weak;
    bool inspect_only;
    enum wax_oid_id accept;
    const char *tmpdir;
    size_t spool_threshold;
};

/* Weak or legacy algorithms seen (struct wax_cms_decrypt_result.weak). */
#define WAX_CMS_WEAK_DES (1u << 0)       /* DES-CBC content (allow_weak) */
#define WAX_CMS_WEAK_RC2 (1u << 1)       /* RC2-CBC content (allow_weak) */
#define WAX_CMS_WEAK_3DES (1u << 2)      /* Triple-DES content (legacy) */
#define WAX_CMS_WEAK_RSA_KEY (1u << 3)   /* the used RSA key < 2048 bits */
#define WAX_CMS_WEAK_OAEP_SHA1 (1u << 4) /* OAEP with SHA-1 (hash or MGF1) */
#define WAX_CMS_WEAK_NO_AUTH (1u << 5)   /* EnvelopedData: not authenticated */

/*
 * One RecipientInfo as read. Spans point into the decryptor and stay valid
 * until wax_cms_decryptor_free.
 *   KIND: the CHOICE arm. KEY_ALG_OID / KEY_ALG: keyEncryptionAlgorithm
 *     (KTRI, KARI, KEKRI), keyDerivationAlgorithm if present else
 *     keyEncryptionAlgorithm (PWRI), oriType (ORI).
 *   KT (KTRI): the key-transport algorithm; for OAEP, OAEP_DIGEST and
 *     OAEP_MGF1_DIGEST. WAX_CMS_KT_UNKNOWN for the other kinds.
 *   RID_TYPE, ISSUER (Name TLV), SERIAL (INTEGER contents), SKI: the
 *     recipient identifier of a KTRI, or of the first RecipientEncryptedKey
 *     of a KARI (NONE otherwise); for KEKRI, SKI holds the kekid
 *     keyIdentifier.
 *   NUM_KEYS: recipientEncryptedKeys of a KARI (1 for the others).
 */
struct wax_cms_recipient_info {
    enum wax_cms_ri_kind kind;
    unsigned version;
    struct wax_span key_alg_oid;
    enum wax_oid_id key_alg;
    enum wax_cms_kt_alg kt;
    enum wax_digest_alg oaep_digest;
    enum wax_digest_alg oaep_mgf1_digest;
    enum wax_cms_rid_type rid_type;
    struct wax_span issuer;
    struct wax_span serial;
    struct wax_span ski;
    size_t num_keys;
    struct wax_span der; /* the whole RecipientInfo (DER) */
};

/*
 * What a decryptor found. Filled as the object is read: after a failure
 * it holds what was read before it (for the report). Spans stay valid
 * until wax_cms_decryptor_free.
 */
struct wax_cms_decrypt_result {
    enum wax_oid_id type; /* WAX_OID_CT_ENVELOPED_DATA / _AUTH_ENVELOPED_DATA */
    unsigned version;
    bool has_originator_info;
    size_t num_recipients;
    struct wax_cms_recipient_info recipients[WAX_MAX_CMS_RECIPIENTS];
    size_t matched;     /* index into RECIPIENTS; SIZE_MAX when none */
    size_t matched_key; /* index into the keys given; SIZE_MAX when none */
    struct wax_span content_type_oid; /* encapsulated content type */
    enum wax_oid_id content_type;
    struct wax_span cipher_oid; /* contentEncryptionAlgorithm OID */
    enum wax_cipher_alg cipher; /* WAX_CIPHER_NONE when not supported */
    size_t key_len;             /* content-encryption key length */
    unsigned rc2_effective_bits;
    size_t nonce_len; /* GCM */
    size_t tag_len;   /* GCM: aes-ICVlen */
    bool has_auth_attrs;
    struct wax_span auth_attrs;        /* DER SET OF Attribute (the AAD) */
    bool has_unprotected_attrs;        /* unprotectedAttrs / unauthAttrs */
    struct wax_span unprotected_attrs; /* DER, [1]/[2] tag as received */
    uint64_t content_len;              /* plaintext bytes written to OUT */
    uint32_t weak;                     /* WAX_CMS_WEAK_* */
    bool authenticated;                /* the AEAD tag verified */
    bool complete;                     /* finished with WAX_OK */
};

struct wax_cms_decryptor;

/*
 * wax_cms_decryptor_new makes a decryptor for a ContentInfo holding an
 * EnvelopedData or an AuthEnvelopedData, with NUM_KEYS identities in KEYS
 * (1..WAX_MAX_CMS_DECRYPT_KEYS; 0 only with INSPECT_ONLY). Each key must
 * match its certificate (WAX_ERR_CRYPTO_KEY_MISMATCH, checked here); the
 * certificate must parse (the wax_x509_cert_parse codes). OUT
 * receives the plaintext and must be a wax_spool or equivalent: bytes
 * reach it before the verdict. OUT is closed ONLY when everything checked:
 * the structure was read to its end, CBC padding was right or the GCM
 * tag verified. On any failure OUT is left unclosed and the caller
 * discards it (SECURITY.md rules 1 and 2).
 *
 * Write the CMS bytes (DER or BER: definite and indefinite lengths,
 * constructed OCTET STRINGs, in chunks of any size) to
 * wax_cms_decryptor_sink(); close() finishes. The matching recipient is
 * the first KeyTransRecipientInfo, in recipientInfos order, whose rid
 * (issuerAndSerialNumber, or subjectKeyIdentifier) names one of the
 * certificates (with the first such certificate), else the first
 * KeyAgreeRecipientInfo with a RecipientEncryptedKey that names one; only
 * it is tried (a key of the wrong type for it:
 * WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED). Key agreement failures rooted
 * in the message (an ephemeral key that does not load or agree, a KEK
 * that does not unwrap) continue with a random key like PKCS#1. PKCS#1
 * v1.5 key transport goes through wax_privkey_unwrap_pkcs1 with the key length
 * of the content algorithm (RFC 3218); OAEP failures too continue with a random
 * key; so a wrong key, bad padding, a wrong key length and corrupt CBC
 * ciphertext all end in the one error WAX_ERR_CMS_DECRYPT_FAILED (for GCM:
 * WAX_ERR_CMS_TAG_MISMATCH), at close.
 *
 * AuthEnvelopedData: authAttrs follow the ciphertext but are the AAD, so
 * the ciphertext is held in an internal spool (memory up to the spool
 * threshold, then an unlinked temporary file) and decrypted at the end.
 *
 * Errors (exact codes; all stick, and close() returns the first):
 *   WAX_ERR_BER_* / WAX_ERR_DER_*       malformed encoding
 *   WAX_ERR_CMS_MALFORMED               wrong structure
 *   WAX_ERR_CMS_UNSUPPORTED_CONTENT     not (the accepted) enveloped type
 *   WAX_ERR_CMS_ENV_BAD_VERSION         a version RFC 5652/5083 forbids
 *   WAX_ERR_CMS_BAD_RECIPIENT_INFO      a malformed RecipientInfo
 *   WAX_ERR_CMS_TOO_MANY_RECIPIENTS     over WAX_MAX_CMS_RECIPIENTS
 *   WAX_ERR_BER_CAPTURE_TOO_LARGE       a part over its WAX_MAX_CMS_* cap
 *   WAX_ERR_CMS_NO_RECIPIENT            no RecipientInfo names a given
 *                                       certificate
 *   WAX_ERR_CMS_UNSUPPORTED_RECIPIENT   the matched KARI's originator is
 *                                       not an originatorKey (static-static)
 *   WAX_ERR_CMS_UNSUPPORTED_KEY_AGREEMENT the matched KARI's scheme (e.g.
 *                                       HKDF) or key wrap
 *   WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT the matched KTRI's algorithm
 *   WAX_ERR_CMS_BAD_OAEP_PARAMS         OAEP parameters that do not parse
 *   WAX_ERR_CMS_UNSUPPORTED_CIPHER      unknown content algorithm
 *                                       (ChaCha20-Poly1305, AES-CCM...)
 *   WAX_ERR_CMS_AEAD_IN_ENVELOPED       GCM inside EnvelopedData
 *   WAX_ERR_CMS_NOT_AEAD                CBC inside AuthEnvelopedData
 *   WAX_ERR_CMS_WEAK_CIPHER             DES or RC2 without allow_weak
 *   WAX_ERR_CMS_BAD_CIPHER_PARAMS       IV / RC2 / GCM parameters
 *   WAX_ERR_CMS_BAD_NONCE_LENGTH        GCM nonce 0 or over
 *                                       WAX_MAX_GCM_NONCE_BYTES
 *   WAX_ERR_CMS_BAD_TAG_LENGTH          aes-ICVlen outside 12..16, or the
 *                                       mac not of that length
 *   WAX_ERR_CMS_CONTENT_ABSENT          no encryptedContent
 *   WAX_ERR_CMS_AUTH_ATTRS_REQUIRED     non-data AuthEnvelopedData
 *                                       without authAttrs
 *   WAX_ERR_CMS_BAD_AUTH_ATTRS          malformed authAttrs, or a
 *                                       content-type attribute that
 *                                       disagrees
 *   WAX_ERR_CMS_DECRYPT_FAILED          key transport or CBC failure
 *   WAX_ERR_CMS_TAG_MISMATCH            the GCM tag does not verify
 *   errors of OUT, WAX_ERR_NOMEM, WAX_ERR_SPOOL_TMPFILE, WAX_ERR_IO
 * Other WAX_ERR_CRYPTO_* codes only for local failures (legacy provider
 * missing, RNG failure).
 */
WAX_API WAX_MUST_CHECK wax_err wax_cms_decryptor_new(
    struct wax_cms_decryptor **out_dec, const struct wax_cms_decrypt_opts *opts,
    const struct wax_cms_decrypt_key *keys, size_t num_keys, wax_sink *out);

/* wax_cms_decryptor_sink returns the CMS input of DEC. */
WAX_API wax_sink *wax_cms_decryptor_sink(struct wax_cms_decryptor *dec);

/* wax_cms_decryptor_result gives what DEC found so far (see
 * struct wax_cms_decrypt_result); valid until wax_cms_decryptor_free. */
WAX_API const struct wax_cms_decrypt_result *
wax_cms_decryptor_result(const struct wax_cms_decryptor *dec);

/* wax_cms_decryptor_free wipes keys and buffers and frees DEC (NULL is
 * fine). It does not close OUT. */
WAX_API void wax_cms_decryptor_free(struct wax_cms_decryptor *dec);

#endif
