/*
 * src/cms/signed_int.h - helpers shared by the SignedData files of the cms
 * layer (not installed): algorithm identifiers as CMS writes and reads
 * them, and attributes (RFC 5652 §5.3, §11).
 */
#ifndef WAX_CMS_SIGNED_INT_H
#define WAX_CMS_SIGNED_INT_H

#include <wax/cms.h>

/* Number of enum wax_digest_alg values (NONE included). */
#define CMS_NUM_DIGESTS (WAX_DIGEST_SHA512 + 1)

/* ------------------------------------------------------------------ */
/* Algorithms (signed_alg.c).                                          */

/* cms_digest_oid: the OID id of digest D, WAX_OID_UNKNOWN for NONE. */
enum wax_oid_id cms_digest_oid(enum wax_digest_alg d);

/* cms_digest_is_weak: MD5 and SHA-1 (SECURITY.md rule 7). */
bool cms_digest_is_weak(enum wax_digest_alg d);

/* cms_add_oid appends the OBJECT IDENTIFIER ID. */
wax_err cms_add_oid(struct wax_der_builder *b, enum wax_oid_id id);

/* cms_add_digest_algid appends the AlgorithmIdentifier of D with absent
 * parameters (RFC 5754 §2). */
wax_err cms_add_digest_algid(struct wax_der_builder *b, enum wax_digest_alg d);

/* cms_add_sig_algid appends the signatureAlgorithm for ALG as documented
 * at struct wax_cms_signer_params. */
wax_err cms_add_sig_algid(struct wax_der_builder *b,
                          const struct wax_sig_alg *alg);

/*
 * cms_digest_alg_decode decodes a SignerInfo digestAlgorithm:
 * WAX_ERR_CMS_UNSUPPORTED_DIGEST for an unknown OID, the x509 codes for
 * bad parameters.
 */
wax_err cms_digest_alg_decode(const struct wax_x509_algid *alg,
                              enum wax_digest_alg *out);

/*
 * cms_sig_alg_decode decodes a SignerInfo signatureAlgorithm used with
 * digest algorithm DIGEST into *OUT: rsaEncryption (RFC 3370 §3.2),
 * id-dsa and id-ecPublicKey (used by old producers) take DIGEST;
 * algorithms that name a digest must name DIGEST, RSASSA-PSS must hash
 * with DIGEST, Ed25519 requires SHA-512 (WAX_ERR_CMS_SIG_DIGEST_MISMATCH).
 * Unknown: WAX_ERR_CMS_UNSUPPORTED_SIG_ALG. Bad parameters: the x509
 * codes.
 */
wax_err cms_sig_alg_decode(const struct wax_x509_algid *alg,
                           enum wax_digest_alg digest, struct wax_sig_alg *out);

/* ------------------------------------------------------------------ */
/* Attributes (attributes.c).                                          */

/*
 *   Attribute ::= SEQUENCE {
 *       attrType   OBJECT IDENTIFIER,
 *       attrValues SET OF AttributeValue }
 * NUM_VALUES is at least 1; FIRST is the first value's TLV.
 */
struct cms_attr {
    struct wax_span der;
    struct wax_span type;
    enum wax_oid_id id;
    struct wax_span values;
    size_t num_values;
    struct wax_span first;
};

/*
 * cms_attrs_parse reads the contents of a SET OF Attribute (SIZE 1..MAX)
 * into OUT (at most WAX_MAX_CMS_ATTRS, and at most WAX_MAX_CMS_ATTRS values
 * per attribute). Errors: WAX_ERR_CMS_BAD_ATTR, WAX_ERR_CMS_TOO_MANY_ATTRS.
 */
wax_err cms_attrs_parse(struct wax_span contents, struct cms_attr *out,
                        size_t *out_num);

/* cms_attrs_count: how many of the NUM attributes have type ID; *OUT_FIRST
 * (may be NULL) gets the first of them, NULL when none. */
size_t cms_attrs_count(const struct cms_attr *attrs, size_t num,
                       enum wax_oid_id id, const struct cms_attr **out_first);

/*
 * cms_attrs_der appends to OUT the DER encoding of the SET OF Attribute
 * whose contents are CONTENTS (already parsed by cms_attrs_parse), with
 * the universal SET tag: the bytes RFC 5652 §5.4 signs. Both the outer
 * SET and every attrValues SET are put in DER order; *OUT_REORDERED tells
 * whether that changed the bytes. Errors: the builder's, WAX_ERR_NOMEM.
 */
wax_err cms_attrs_der(struct wax_span contents, struct wax_buf *out,
                      bool *out_reordered);

/* ------------------------------------------------------------------ */
/* The verifier (signed_decode.c streams, signed_verify.c checks).     */

/* Children of one SignerInfo SEQUENCE (seven fields at most). */
#define CMS_SIGNER_MAX_FIELDS 7

/* One SignerInfo: its fields captured as DER into BUF, then parsed into
 * views of BUF (valid once the SignerInfo has ended). */
struct cms_vsigner {
    struct wax_buf buf;
    size_t num_fields;
    bool field_der[CMS_SIGNER_MAX_FIELDS];
    bool ended;
    wax_err err; /* the first error found while parsing */
    int version;
    struct wax_span sid; /* the SignerIdentifier TLV */
    bool sid_is_ski;
    struct wax_span sid_issuer; /* Name TLV */
    struct wax_span sid_serial; /* INTEGER contents */
    struct wax_span sid_ski;    /* KeyIdentifier octets */
    struct wax_x509_algid digest_id;
    struct wax_x509_algid sig_id;
    bool has_attrs;
    bool attrs_der;
    struct wax_span attrs; /* SET contents */
    struct wax_span signature;
    bool has_unsigned;
    struct wax_span unsigned_attrs; /* SET contents */
    /* filled by the checks */
    enum wax_digest_alg digest;
    struct wax_sig_alg sig_alg;
    bool algs_ok;
    bool weak;
    bool reordered;
    struct wax_buf signed_bytes; /* the DER SET OF the signature covers */
    struct wax_span message_digest;
    bool has_signing_time;
    int64_t signing_time;
    struct wax_span caps;         /* SMIMECapabilities value TLV, or empty */
    struct wax_span ekp;          /* SMIMEEncryptionKeyPreference value TLV */
    struct wax_span signing_cert; /* ESS signingCertificate value */
    struct wax_span signing_cert_v2; /* ESS signingCertificateV2 value */
    const uint8_t *cert; /* the signer certificate, in the verifier */
    size_t cert_len;
    struct wax_pubkey *key;
    bool pending; /* waits for the content digest of DIGEST */
};

/* A captured certificate or CRL: offset and length in the verifier's
 * certs_buf, and its tag (SEQUENCE for X.509 ones). */
struct cms_vitem {
    size_t off;
    size_t len;
    uint32_t tag;
};

/* Size of the per-depth bookkeeping of the decoder. */
#define CMS_MAX_DEPTH WAX_MAX_DER_DEPTH

struct wax_cms_verify {
    wax_sink cms_sink;     /* the object (must stay first) */
    wax_sink content_sink; /* the detached content */
    struct wax_cms_verify_params params;
    struct wax_ber_reader reader;
    wax_err err; /* sticky error of the object */
    bool cms_closed;
    bool finished;
    /* walking the structure */
    uint8_t kind[CMS_MAX_DEPTH];
    size_t num_children[CMS_MAX_DEPTH];
    int sd_field; /* the last optional SignedData field seen */
    struct wax_buf small;
    bool have_ct;
    int version;
    uint32_t digest_algs; /* bit (1u << alg) of digestAlgorithms */
    uint8_t ect[WAX_MAX_CMS_OID_BYTES];
    size_t ect_len;
    bool econtent_present;
    bool have_signer_infos;
    /* certificates and CRLs */
    struct wax_buf certs_buf;
    struct cms_vitem certs[WAX_MAX_CMS_CERTS];
    size_t num_certs;
    struct cms_vitem crls[WAX_MAX_CMS_CRLS];
    size_t num_crls;
    /* signers */
    struct cms_vsigner *signers[WAX_MAX_CMS_SIGNERS];
    size_t num_signers;
    uint32_t signer_digests; /* digests of the SignerInfos parsed so far */
    /* content */
    struct wax_digest digests[CMS_NUM_DIGESTS];
    bool active[CMS_NUM_DIGESTS];
    uint8_t md[CMS_NUM_DIGESTS][WAX_MAX_DIGEST_BYTES];
    size_t md_len[CMS_NUM_DIGESTS];
    bool content_started;
    bool content_closed;
    uint64_t content_len;
    struct wax_buf content_copy;
    bool copy_overflow;
};

/* cms_verify_signer_parse parses the fields of S once its SignerInfo has
 * ended (errors go to S->err). */
void cms_verify_signer_parse(struct cms_vsigner *s);

/* cms_verify_signer_free releases S (NULL is fine). */
void cms_verify_signer_free(struct cms_vsigner *s);

#endif
