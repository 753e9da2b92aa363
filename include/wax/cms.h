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
/*                                                                     */
/* RFC 5652 §5 with the RFC 8551 (S/MIME 4.0) profile: a streaming     */
/* encoder (struct wax_cms_sign) and a streaming decoder/verifier      */
/* (struct wax_cms_verify). Chain and trust checking is NOT done here: */
/* the verifier reports the signer certificate and the certificates    */
/* and CRLs of the message, and the path layer decides.               */

/* Limits on attacker-controlled input (SECURITY.md rule 8). */
/* SignerInfos in one SignedData. */
#define WAX_MAX_CMS_SIGNERS 16
/* Entries of digestAlgorithms. */
#define WAX_MAX_CMS_DIGEST_ALGS 16
/* Entries of certificates (every CertificateChoices counts). */
#define WAX_MAX_CMS_CERTS 64
/* Entries of crls (every RevocationInfoChoice counts). */
#define WAX_MAX_CMS_CRLS 16
/* One certificate (or other CertificateChoices element), DER bytes. */
#define WAX_MAX_CMS_CERT_BYTES ((size_t)64 << 10)
/* One CRL (or other RevocationInfoChoice), DER bytes. */
#define WAX_MAX_CMS_CRL_BYTES ((size_t)1 << 20)
/* All certificates and CRLs of one message together, DER bytes. */
#define WAX_MAX_CMS_CERTS_TOTAL_BYTES ((size_t)4 << 20)
/* One signedAttrs element, DER bytes. */
#define WAX_MAX_CMS_SIGNED_ATTRS_BYTES ((size_t)64 << 10)
/* One unsignedAttrs element (countersignatures, time stamps), DER bytes. */
#define WAX_MAX_CMS_UNSIGNED_ATTRS_BYTES ((size_t)256 << 10)
/* Attributes in one signedAttrs or unsignedAttrs, and values in one
 * attribute. */
#define WAX_MAX_CMS_ATTRS 64
/* One small field of a SignerInfo (sid, algorithm identifiers), bytes. */
#define WAX_MAX_CMS_FIELD_BYTES ((size_t)4 << 10)
/* Longest content-type OID (contents octets). */
#define WAX_MAX_CMS_OID_BYTES 64
/* Content kept by the verifier for EdDSA signers without signed
 * attributes, whose signature covers the content itself (RFC 8419 §3.1)
 * and cannot be checked from a digest. */
#define WAX_MAX_CMS_EDDSA_CONTENT_BYTES ((size_t)1 << 20)

/* Default DER threshold of the encoder: encapsulated content up to this
 * many bytes gives definite-length DER output, more gives streamed
 * indefinite-length BER (DESIGN.md "Output framing"). */
#define WAX_CMS_DEFAULT_DER_THRESHOLD WAX_SPOOL_DEFAULT_THRESHOLD
/* Size of the primitive OCTET STRING chunks of streamed eContent. */
#define WAX_CMS_CHUNK_BYTES ((size_t)16 << 10)

/* ------------------------------------------------------------------ */
/* Encoder.                                                            */

/*
 * One signer of struct wax_cms_sign_params.
 *
 *  KEY, CERT/CERT_LEN  the private key and its DER certificate (the key
 *                      must match the certificate's public key:
 *                      WAX_ERR_CRYPTO_KEY_MISMATCH). RSA keys need at
 *                      least 2048 bits (WAX_ERR_CMS_WEAK_KEY).
 *  DIGEST              WAX_DIGEST_NONE picks the default: SHA-256 for
 *                      RSA and P-256, SHA-384 for P-384, SHA-512 for
 *                      P-521 and Ed25519. Ed25519 requires SHA-512 (RFC
 *                      8419 §3.1: it digests the content for the
 *                      message-digest attribute; the signature itself is
 *                      pure Ed25519 over the signed attributes). MD5 and
 *                      SHA-1 are refused (WAX_ERR_CMS_WEAK_DIGEST).
 *  RSA_PSS             RSA keys: RSASSA-PSS (RFC 4056) with MGF1 over
 *                      DIGEST and a salt of the digest's length, the
 *                      parameters always explicit; otherwise PKCS#1 v1.5.
 *                      RSA-PSS keys always sign PSS.
 *  SID_SKI             identify the signer by subjectKeyIdentifier
 *                      (SignerInfo v3); the certificate must have the
 *                      extension (WAX_ERR_CMS_NO_SKI). Default:
 *                      issuerAndSerialNumber (v1).
 *  ENCRYPTION_CERT     optional DER certificate whose issuerAndSerialNumber
 *                      becomes the SMIMEEncryptionKeyPreference attribute
 *                      (RFC 8551 §2.5.3); NULL for none.
 *  NO_SMIME_CAPABILITIES  omit the SMIMECapabilities attribute.
 *
 * Algorithm identifiers written (choices documented here once):
 * digestAlgorithm without parameters (RFC 5754 §2); signatureAlgorithm
 * rsaEncryption with NULL parameters for PKCS#1 v1.5 (what OpenSSL writes;
 * RFC 3370 §3.2 makes it the one every CMS implementation MUST accept),
 * id-RSASSA-PSS with explicit RSASSA-PSS-params, ecdsa-with-SHA* without
 * parameters (RFC 5753 §2.1.1), id-Ed25519 without parameters (RFC 8419).
 */
struct wax_cms_signer_params {
    const struct wax_privkey *key;
    const uint8_t *cert;
    size_t cert_len;
    enum wax_digest_alg digest;
    bool rsa_pss;
    bool sid_ski;
    const uint8_t *encryption_cert;
    size_t encryption_cert_len;
    bool no_smime_capabilities;
};

/*
 * What to sign and how.
 *
 *  SIGNERS/NUM_SIGNERS  1..WAX_MAX_CMS_SIGNERS signers.
 *  CERTS/CERT_LENS/NUM_CERTS  extra DER certificates (the chain) for the
 *                      certificates field, after the signer certificates;
 *                      duplicates (same bytes) are written once. At most
 *                      WAX_MAX_CMS_CERTS in all. The field is a DER SET OF
 *                      (sorted).
 *  DETACHED            no eContent: the output is a detached signature
 *                      (multipart/signed, --detached), always DER.
 *  HAS_SIGNING_TIME, SIGNING_TIME  the signing-time attribute (seconds
 *                      since the epoch; UTCTime for 1950..2049,
 *                      GeneralizedTime otherwise, RFC 5652 §11.3). The
 *                      library never reads the clock.
 *  DER_THRESHOLD       encapsulated content of at most this many bytes is
 *                      buffered and the output is DER; beyond it the
 *                      output is indefinite-length BER with eContent as a
 *                      constructed OCTET STRING of WAX_CMS_CHUNK_BYTES
 *                      chunks, streamed as the content arrives. 0 means
 *                      WAX_CMS_DEFAULT_DER_THRESHOLD.
 *  ECONTENT_TYPE/ECONTENT_TYPE_LEN  the eContentType OID (contents
 *                      octets); NULL means id-data.
 *
 * Signed attributes of every signer, as one DER SET OF sorted by the
 * builder: content-type, message-digest, signing-time (if given),
 * SMIMECapabilities (RFC 8551 §2.5.2: AES-256-GCM, AES-128-GCM,
 * AES-256-CBC, AES-192-CBC, AES-128-CBC, RSAES-OAEP), SMIMEEncryptionKey
 * Preference (if given), signingCertificateV2 (RFC 5035: one ESSCertIDv2
 * with the SHA-256 hash of the signer certificate, hashAlgorithm omitted
 * as its DEFAULT). The SignedData version is 1, or 3 when a signer uses
 * SID_SKI or the eContentType is not id-data (RFC 5652 §5.1).
 */
struct wax_cms_sign_params {
    const struct wax_cms_signer_params *signers;
    size_t num_signers;
    const uint8_t *const *certs;
    const size_t *cert_lens;
    size_t num_certs;
    bool detached;
    bool has_signing_time;
    int64_t signing_time;
    size_t der_threshold;
    const uint8_t *econtent_type;
    size_t econtent_type_len;
};

/*
 * struct wax_cms_sign is the streaming SignedData encoder (opaque heap
 * object). Use:
 *
 *   wax_cms_sign_new(&s, &params, out)   checks the parameters and keys
 *   wax_sink_write(wax_cms_sign_sink(s), content...)   any number of times
 *   wax_sink_close(wax_cms_sign_sink(s)) signs and writes the rest
 *   wax_cms_sign_free(s)
 *
 * The content pushed is the exact byte string that is signed (the MIME
 * layer canonicalises before). The output is a ContentInfo holding the
 * SignedData, pushed into OUT: detached and small encapsulated content
 * at close, in one piece of DER; large encapsulated content streamed
 * (the BER header when the threshold is passed, then the chunks, then
 * the certificates and signerInfos at close). close() closes OUT after
 * the last byte. On any error nothing more is written and the error
 * sticks (OUT is then not closed: its consumer must treat what it got
 * as garbage). PARAMS and what it points to need to live only during
 * wax_cms_sign_new (keys are referenced: KEY must outlive S; the
 * certificate bytes are copied).
 *
 * Errors of new: WAX_ERR_INVALID_ARGUMENT (no signer, more than
 * WAX_MAX_CMS_SIGNERS, a NULL key or certificate, a digest Ed25519 does
 * not allow, a bad eContentType OID), WAX_ERR_CMS_TOO_MANY_CERTS, the
 * parse errors of wax_x509_cert_parse for a certificate,
 * WAX_ERR_CRYPTO_KEY_MISMATCH, WAX_ERR_CMS_WEAK_DIGEST,
 * WAX_ERR_CMS_WEAK_KEY, WAX_ERR_CMS_NO_SKI, WAX_ERR_CRYPTO_UNSUPPORTED_ALG
 * (Ed448, X25519, DSA keys...), WAX_ERR_NOMEM. Errors of close: the
 * signing errors of wax_privkey_sign, WAX_ERR_DER_BUILDER_OVERFLOW,
 * WAX_ERR_NOMEM and whatever OUT returns.
 */
struct wax_cms_sign;

WAX_API WAX_MUST_CHECK wax_err
wax_cms_sign_new(struct wax_cms_sign **out_sign,
                 const struct wax_cms_sign_params *params, wax_sink *out);

/* wax_cms_sign_sink returns the sink the content is pushed into. */
WAX_API wax_sink *wax_cms_sign_sink(struct wax_cms_sign *s);

/* wax_cms_sign_free releases S (NULL is fine); it does not touch OUT. */
WAX_API void wax_cms_sign_free(struct wax_cms_sign *s);

/*
 * wax_cms_signer_digest tells which digest algorithm the signer P will use
 * (the default rules above applied), for micalg (RFC 8551 §3.5.3.2).
 * WAX_DIGEST_NONE when P's key cannot sign.
 */
WAX_API enum wax_digest_alg
wax_cms_signer_digest(const struct wax_cms_signer_params *p);

/* ------------------------------------------------------------------ */
/* Decoder and verifier.                                               */

/*
 * Options of a verification.
 *
 *  DETACHED       the content is not in the CMS object: the caller pushes
 *                 it into wax_cms_verify_content_sink(); an eContent in
 *                 the object is then WAX_ERR_CMS_CONTENT_PRESENT. Without
 *                 DETACHED, an object without eContent is
 *                 WAX_ERR_CMS_NO_CONTENT.
 *  DIGESTS/NUM_DIGESTS  digest algorithms to compute over the content in
 *                 addition to SHA-256 (e.g. from micalg). In encapsulated
 *                 mode the digestAlgorithms of the object are added too
 *                 (it precedes the content); in detached mode too when the
 *                 object was pushed before the first content byte.
 *  EXTRA_CERTS/EXTRA_CERT_LENS/NUM_EXTRA_CERTS  DER certificates searched
 *                 for signer certificates after those of the message
 *                 (--certs, the store). They must outlive the verifier.
 *  ALLOW_WEAK     accept MD5 and SHA-1 digests and signatures and RSA or
 *                 DSA keys under 2048 bits (old mail); the signer result
 *                 then has WEAK set. Without it they fail with
 *                 WAX_ERR_CMS_WEAK_DIGEST / WAX_ERR_CMS_WEAK_KEY.
 *  CONTENT_OUT    where the content goes (after hashing), closed at the
 *                 end of the content; NULL to hash only. It MUST be a
 *                 wax_spool or similar holder: the content is unverified
 *                 until the verdict (SECURITY.md rule 1).
 */
struct wax_cms_verify_params {
    bool detached;
    const enum wax_digest_alg *digests;
    size_t num_digests;
    const uint8_t *const *extra_certs;
    const size_t *extra_cert_lens;
    size_t num_extra_certs;
    bool allow_weak;
    wax_sink *content_out;
};

/* A copied DER element (certificate, CRL, attribute value). */
struct wax_cms_blob {
    uint8_t *der;
    size_t len;
};

/*
 * The result for one SignerInfo, in the order of the object.
 *
 *  ERR            WAX_OK when this signer verifies, else the first failing
 *                 check in this order: structure (WAX_ERR_CMS_MALFORMED,
 *                 WAX_ERR_CMS_BAD_SID, WAX_ERR_CMS_BAD_VERSION),
 *                 algorithms
 *                 (WAX_ERR_CMS_UNSUPPORTED_DIGEST, _UNSUPPORTED_SIG_ALG,
 *                 _SIG_DIGEST_MISMATCH, _WEAK_DIGEST), signed attributes
 *                 (_NO_SIGNED_ATTRS, _SIGNED_ATTRS_NOT_DER,
 *                 _TOO_MANY_ATTRS, _BAD_ATTR, _DUPLICATE_ATTR,
 *                 _ATTR_NOT_SINGLE_VALUED, _NO_CONTENT_TYPE_ATTR,
 *                 _CONTENT_TYPE_MISMATCH, _NO_MESSAGE_DIGEST_ATTR,
 *                 _BAD_SIGNING_TIME, _UNSIGNED_ATTR_NOT_ALLOWED for a
 *                 content-type, message-digest or signing-time among the
 *                 unsigned attributes, RFC 5652 §11), the certificate
 *                 (_SIGNER_CERT_NOT_FOUND, the WAX_ERR_CRYPTO_* codes of
 *                 wax_pubkey_from_spki, _WEAK_KEY, _SIGNING_CERT_MISMATCH),
 *                 the signature (_KEY_ALG_MISMATCH when the algorithm does
 *                 not fit the key,
 *                 _SIGNATURE_INVALID), the content digest
 *                 (_DIGEST_MISMATCH, or _DIGEST_NOT_COMPUTED while the
 *                 digest of DIGEST over the content is not known: see
 *                 wax_cms_verify_recheck).
 *  CERT           the signer certificate (copy) when it was found.
 *  SID            the SignerIdentifier element as received (copy, DER).
 *  SID_IS_SKI     the sid is subjectKeyIdentifier (SignerInfo v3).
 *  DIGEST, SIG_ALG  the algorithms (SIG_ALG.scheme WAX_SIG_NONE when not
 *                 understood).
 *  WEAK           a weak algorithm or key was accepted under ALLOW_WEAK.
 *  HAS_SIGNED_ATTRS  false only for an id-data signer without signed
 *                 attributes: its signature is then checked over the
 *                 content digest (RFC 5652 §5.4), or for EdDSA over the
 *                 content itself, which the verifier keeps up to
 *                 WAX_MAX_CMS_EDDSA_CONTENT_BYTES (more:
 *                 WAX_ERR_CMS_CONTENT_TOO_LARGE).
 *  ATTRS_REORDERED  the signed attributes were not in DER SET OF order;
 *                 the signature was checked over the DER re-encoding
 *                 (sorted), as RFC 5652 §5.4 defines the signed bytes.
 *  HAS_SIGNING_TIME, SIGNING_TIME  the signing-time attribute.
 *  SMIME_CAPABILITIES, ENCRYPTION_KEY_PREFERENCE  the attribute values
 *                 (SMIMECapabilities SEQUENCE, SMIMEEncryptionKeyPreference
 *                 CHOICE element) as DER copies; DER NULL when absent.
 *                 Only their outer syntax is checked.
 */
struct wax_cms_signer_result {
    wax_err err;
    struct wax_cms_blob cert;
    struct wax_cms_blob sid;
    bool sid_is_ski;
    int version;
    enum wax_digest_alg digest;
    struct wax_sig_alg sig_alg;
    bool weak;
    bool has_signed_attrs;
    bool attrs_reordered;
    bool has_signing_time;
    int64_t signing_time;
    struct wax_cms_blob smime_capabilities;
    struct wax_cms_blob encryption_key_preference;
};

/*
 * The result of a verification (a caller-owned stack object: zero it or
 * let wax_cms_verify_finish fill it, and call
 * wax_cms_signed_result_cleanup once).
 *
 *  ERR            WAX_OK only when there is at least one signer and every
 *                 signer verifies. Otherwise: WAX_ERR_CMS_NO_SIGNERS, or
 *                 the first signer error other than
 *                 WAX_ERR_CMS_DIGEST_NOT_COMPUTED, or that one when it is
 *                 the only kind of failure (then MISSING_DIGESTS tells
 *                 which digests the caller should compute).
 *  MISSING_DIGESTS  bit (1u << alg) for each enum wax_digest_alg some
 *                 signer waits for.
 *  VERSION        the SignedData version.
 *  ECONTENT_TYPE, ECONTENT_TYPE_OID/_LEN  the eContentType (id or
 *                 WAX_OID_UNKNOWN, and its contents octets).
 *  DETACHED       the object had no eContent.
 *  CONTENT_LEN    bytes of content hashed.
 *  SIGNERS        NUM_SIGNERS results.
 *  CERTS, CRLS    every CertificateChoices / RevocationInfoChoice element
 *                 of the message, copied as DER (other formats than
 *                 Certificate and CertificateList included, with their
 *                 tags); NUM_OTHER_CERTS of the certificates are not
 *                 plain X.509 certificates.
 */
struct wax_cms_signed_result {
    wax_err err;
    uint32_t missing_digests;
    int version;
    enum wax_oid_id econtent_type;
    uint8_t econtent_type_oid[WAX_MAX_CMS_OID_BYTES];
    size_t econtent_type_oid_len;
    bool detached;
    uint64_t content_len;
    struct wax_cms_signer_result *signers;
    size_t num_signers;
    struct wax_cms_blob *certs;
    size_t num_certs;
    size_t num_other_certs;
    struct wax_cms_blob *crls;
    size_t num_crls;
};

/* wax_cms_signed_result_cleanup frees everything RES holds and zeroes it.
 * Safe on a zeroed or cleaned-up struct. */
WAX_API void wax_cms_signed_result_cleanup(struct wax_cms_signed_result *res);

/*
 * struct wax_cms_verify is the streaming SignedData decoder (opaque heap
 * object). Encapsulated content:
 *
 *   wax_cms_verify_new(&v, &params)
 *   wax_sink_write(wax_cms_verify_cms_sink(v), object bytes...)
 *   wax_sink_close(wax_cms_verify_cms_sink(v))
 *   wax_cms_verify_finish(v, &res)   the verdict in res.err (also returned)
 *   ... release or discard the spool behind CONTENT_OUT, then
 *   wax_cms_signed_result_cleanup(&res); wax_cms_verify_free(v)
 *
 * Detached signatures: the same, with the content pushed into
 * wax_cms_verify_content_sink(v) and that sink closed, before or after
 * the object (any order); finish needs both sinks closed
 * (WAX_ERR_CMS_STATE otherwise).
 *
 * The object is a ContentInfo (contentType id-signedData, anything else:
 * WAX_ERR_CMS_UNSUPPORTED_CONTENT) in BER or DER, through the streaming
 * BER reader (WAX_ERR_BER_* for its errors). Small parts are captured
 * into capped buffers (the WAX_MAX_CMS_* limits: a larger element is
 * WAX_ERR_BER_CAPTURE_TOO_LARGE, more elements than a count limit
 * WAX_ERR_CMS_TOO_MANY_*); only the content streams. The eContent must be
 * an OCTET STRING, primitive or constructed of OCTET STRING segments.
 * Structure errors of the object come from the cms sink's write or close
 * (and finish repeats them): a bad ContentInfo/SignedData layout
 * (WAX_ERR_CMS_MALFORMED), a SignedData version other than 1, 3, 4 or 5,
 * a SignerInfo of more than seven fields, and the WAX_ERR_DER_* code of any
 * primitive value of a captured element that is not valid DER content
 * (e.g. WAX_ERR_DER_BAD_TIME for a month 13 in a signing-time: captures
 * check every value, wax_ber_reader_capture). Finish adds
 * WAX_ERR_CMS_NO_SIGNERS for an empty signerInfos and
 * WAX_ERR_CMS_BAD_VERSION when the SignedData version is not exactly the
 * one RFC 5652 §5.1 computes from the contents (the signers are still
 * checked and reported then). Errors of one SignerInfo are that signer's
 * (struct wax_cms_signer_result).
 *
 * Signer rules (SECURITY.md rule 4): signed attributes must be present
 * unless the eContentType is id-data; they must be DER (BER lengths or
 * constructed strings: WAX_ERR_CMS_SIGNED_ATTRS_NOT_DER; only a wrong SET
 * OF order is tolerated, see ATTRS_REORDERED); content-type present
 * exactly once, single-valued, equal to eContentType; message-digest
 * present exactly once, single-valued, equal to the content digest;
 * signing-time at most once, single-valued, a valid UTCTime or
 * GeneralizedTime (UTCTime for 1950..2049 as RFC 5652 §11.3 requires);
 * SMIMECapabilities, SMIMEEncryptionKeyPreference, signingCertificate
 * and signingCertificateV2 at most once and single-valued (attributes
 * wax does not read may repeat). signingCertificate (RFC 2634, SHA-1)
 * and signingCertificateV2 (RFC 5035, SHA-256 by default), when present,
 * must name the signer certificate by the hash in their first ESSCertID
 * (WAX_ERR_CMS_SIGNING_CERT_MISMATCH); the hash only identifies, so SHA-1
 * is accepted there without ALLOW_WEAK. The signature is checked over the
 * DER re-encoding of the signed attributes with the SET OF tag: the
 * attributes and each attribute's values in DER SET OF order (values
 * nested deeper are taken as received). SignerInfo version 1 goes with
 * issuerAndSerialNumber and 3 with subjectKeyIdentifier. The signer
 * certificate is the first certificate matching the sid (issuer by
 * wax_x509_name_equal and serial, or the subjectKeyIdentifier extension)
 * among the message certificates, then EXTRA_CERTS; certificates that do
 * not parse are skipped. Unsigned attributes are checked for syntax and
 * for the three types above, and otherwise ignored (countersignatures are
 * not verified).
 *
 * Not checked here: the certificate chain, validity, key usage, EKU,
 * revocation and the address binding (the path and smime layers).
 */
struct wax_cms_verify;

/* wax_cms_verify_new prepares a verifier. PARAMS is copied (the arrays it
 * points to must outlive V). Errors: WAX_ERR_INVALID_ARGUMENT,
 * WAX_ERR_NOMEM. */
WAX_API WAX_MUST_CHECK wax_err
wax_cms_verify_new(struct wax_cms_verify **out_verify,
                   const struct wax_cms_verify_params *params);

/* wax_cms_verify_cms_sink returns the sink the CMS object is pushed into;
 * its close() ends the object (structure errors, WAX_ERR_BER_TRUNCATED). */
WAX_API wax_sink *wax_cms_verify_cms_sink(struct wax_cms_verify *v);

/* wax_cms_verify_content_sink returns the sink the detached content is
 * pushed into (it hashes and forwards to CONTENT_OUT; close() closes
 * CONTENT_OUT). Writing to it without DETACHED is WAX_ERR_CMS_STATE. */
WAX_API wax_sink *wax_cms_verify_content_sink(struct wax_cms_verify *v);

/*
 * wax_cms_verify_finish checks every signer and fills *RES (which it
 * first cleans up, so pass a zeroed struct the first time): see struct
 * wax_cms_signed_result. Returns RES->err, or a structure error of the
 * object (RES then has err set to it and may list what was parsed).
 * Call once.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cms_verify_finish(
    struct wax_cms_verify *v, struct wax_cms_signed_result *res);

/*
 * wax_cms_verify_recheck completes the signers of RES that wait for the
 * content digest of ALG (err WAX_ERR_CMS_DIGEST_NOT_COMPUTED): the caller
 * computed DIGEST (DIGEST_LEN bytes) over the same content, e.g. by
 * pushing its spool through a fresh struct wax_digest_sink. Those signers
 * then get WAX_OK or WAX_ERR_CMS_DIGEST_MISMATCH, and RES->err and
 * RES->missing_digests are updated. Returns the new RES->err.
 * WAX_ERR_CMS_STATE before finish; WAX_ERR_INVALID_ARGUMENT for a digest
 * of the wrong length. The digest compare is constant-time.
 */
WAX_API WAX_MUST_CHECK wax_err wax_cms_verify_recheck(
    struct wax_cms_verify *v, struct wax_cms_signed_result *res,
    enum wax_digest_alg alg, const uint8_t *digest, size_t digest_len);

/* wax_cms_verify_free releases V (NULL is fine). It does not touch
 * CONTENT_OUT or any result. */
WAX_API void wax_cms_verify_free(struct wax_cms_verify *v);

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
/* The encryptor's default DER threshold is WAX_CMS_DEFAULT_DER_THRESHOLD
 * (above): content up to it is buffered and the output is DER; beyond it
 * the output is indefinite-length BER. */
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
 *     WAX_ERR_CMS_WEAK_KEY, shared with SignedData).
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
