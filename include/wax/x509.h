/*
 * wax/x509.h - the x509 layer: certificates (RFC 5280 §4), CRLs (RFC 5280
 * §5), PKCS#10 certification requests (RFC 2986), names, extensions,
 * AlgorithmIdentifiers, PEM (RFC 7468) and issuer signature checks.
 *
 * Everything is parsed with wax's strict DER reader into VIEWS: the parsed
 * structs hold spans into the caller's buffer and stay valid exactly as
 * long as that buffer does (and is not modified). No parser allocates;
 * every count taken from the input is bounded by a WAX_MAX_* constant.
 *
 * What parsing checks: strict DER (wax_der_validate over the whole object
 * first, so a DER violation anywhere is reported with its exact
 * WAX_ERR_DER_* code), the ASN.1 structure of every field, the RFC 5280
 * version rules, equal inner and outer signature algorithms, duplicate
 * extensions, and the syntax of every extension wax knows (listed at
 * struct wax_x509_ext_info). What parsing does NOT check: signatures (see
 * wax_x509_cert_verify_signature), validity against a time, chains, name
 * constraints, policies, key usage for a purpose (the path layer), and
 * the contents of unknown extensions (they are recorded; unknown CRITICAL
 * ones are counted and reported by wax_x509_cert_check_critical).
 */
#ifndef WAX_X509_H
#define WAX_X509_H

#include <wax/common.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/err.h>
#include <wax/oids.h>

/* ------------------------------------------------------------------ */
/* Limits on attacker-controlled counts.                               */

/* Extensions in one certificate, request, CRL or CRL entry. */
#define WAX_MAX_X509_EXTENSIONS 32
/* Attributes (AttributeTypeAndValue) in one Name, over all its RDNs. */
#define WAX_MAX_NAME_ATTRIBUTES 64
/* Elements of one list inside an extension (GeneralNames, EKU OIDs,
 * policies, distribution points, access descriptions, subtrees...). */
#define WAX_MAX_X509_LIST 256
/* Magnitude octets of a certificate or CRL-entry serial number (RFC 5280
 * §4.1.2.2: CAs MUST NOT use more than 20 octets). */
#define WAX_MAX_SERIAL_OCTETS 20
/* Revoked entries in one CRL. */
#define WAX_MAX_CRL_ENTRIES ((size_t)1 << 20)
/* Attributes in one PKCS#10 request. */
#define WAX_MAX_REQ_ATTRIBUTES 16
/* PEM blocks one reader walks through. */
#define WAX_MAX_PEM_BLOCKS 1024
/* Largest RSASSA-PSS salt length accepted in parameters. */
#define WAX_MAX_PSS_SALT 1024

/* ------------------------------------------------------------------ */
/* Generic list iterator.                                              */

/*
 * struct wax_x509_iter walks the elements of a DER list (the contents of a
 * SEQUENCE OF or SET OF). Initialise it with one of the *_iter functions
 * below; each *_next function takes the next element and reports
 * *OUT_PRESENT false at the end. A malformed element gives the iterator's
 * error code (for lists inside a parsed certificate this cannot happen:
 * parsing already checked them).
 */
struct wax_x509_iter {
    struct wax_span rest;
    wax_err bad;  /* code returned for a malformed element */
    size_t count; /* elements returned so far */
};

/* wax_x509_iter_init starts an iterator over LIST (the contents of a
 * SEQUENCE OF / SET OF, without tag and length). BAD is the code a
 * malformed element yields. */
WAX_API void wax_x509_iter_init(struct wax_x509_iter *it, struct wax_span list,
                                wax_err bad);

/* ------------------------------------------------------------------ */
/* AlgorithmIdentifier (RFC 5280 §4.1.1.2) and signature algorithms.  */

/*
 * struct wax_x509_algid is an AlgorithmIdentifier split into its OID and
 * optional parameters:
 *   AlgorithmIdentifier ::= SEQUENCE {
 *       algorithm   OBJECT IDENTIFIER,
 *       parameters  ANY DEFINED BY algorithm OPTIONAL }
 */
struct wax_x509_algid {
    struct wax_span der; /* the whole TLV */
    struct wax_span oid; /* OID contents */
    enum wax_oid_id id;  /* WAX_OID_UNKNOWN when not in the table */
    bool has_params;
    struct wax_span params; /* the parameters' whole TLV */
};

/* wax_x509_algid_parse reads one AlgorithmIdentifier TLV from *IN.
 * Errors: WAX_ERR_X509_BAD_ALGORITHM. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_algid_parse(struct wax_span *in,
                                                    struct wax_x509_algid *out);

/*
 * wax_x509_sig_alg_decode turns a signature AlgorithmIdentifier into a
 * struct wax_sig_alg. Accepted: RSA PKCS#1 v1.5 with MD5, SHA-1, SHA-224,
 * SHA-256, SHA-384, SHA-512 (parameters NULL or absent, RFC 4055 §5);
 * RSASSA-PSS with RSASSA-PSS-params (RFC 4055 §3.1: parameters required,
 * hash and MGF1 hash SHA-1/224/256/384/512, MGF1 only, trailerField 1,
 * DEFAULT values must not be encoded); ECDSA with SHA-1..SHA-512 and
 * DSA with SHA-1/224/256 (parameters absent, RFC 3279 / RFC 5758);
 * Ed25519 and Ed448 (parameters absent, RFC 8410).
 * Errors: WAX_ERR_X509_UNSUPPORTED_SIG_ALG for an OID wax does not know as
 * a signature algorithm; WAX_ERR_X509_BAD_ALGORITHM for wrong parameters;
 * WAX_ERR_DER_DEFAULT_ENCODED for an explicitly encoded PSS default.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_sig_alg_decode(
    const struct wax_x509_algid *alg, struct wax_sig_alg *out);

/* wax_x509_digest_alg_decode decodes a digest AlgorithmIdentifier (MD5,
 * SHA-1, SHA-2; parameters NULL or absent). Errors as above. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_digest_alg_decode(
    const struct wax_x509_algid *alg, enum wax_digest_alg *out);

/* ------------------------------------------------------------------ */
/* SubjectPublicKeyInfo.                                               */

enum wax_x509_key_type {
    WAX_X509_KEY_UNKNOWN = 0,
    WAX_X509_KEY_RSA,
    WAX_X509_KEY_RSA_PSS,
    WAX_X509_KEY_EC,
    WAX_X509_KEY_ED25519,
    WAX_X509_KEY_ED448,
    WAX_X509_KEY_X25519,
    WAX_X509_KEY_X448,
    WAX_X509_KEY_DSA,
    WAX_X509_KEY_DH,
};

/*
 *   SubjectPublicKeyInfo ::= SEQUENCE {
 *       algorithm         AlgorithmIdentifier,
 *       subjectPublicKey  BIT STRING }
 * KEY is the BIT STRING's octets (whole octets required). TYPE and BITS
 * are what wax can tell from the encoding without libcrypto: the RSA
 * modulus size, the named curve's size, the DSA/DH prime size (0 when the
 * parameters are inherited), 256/456 for Ed25519/Ed448, 253/448 for
 * X25519/X448; 0 when unknown. CURVE is the named curve for EC keys
 * (WAX_OID_UNKNOWN otherwise). Nothing here checks that the key is valid.
 */
struct wax_x509_spki {
    struct wax_span der; /* the whole TLV, as wax_pubkey_from_spki wants */
    struct wax_x509_algid alg;
    struct wax_span key;
    enum wax_x509_key_type type;
    size_t bits;
    enum wax_oid_id curve;
};

/* wax_x509_spki_parse parses one SubjectPublicKeyInfo TLV (exactly, no
 * trailing data). Errors: WAX_ERR_X509_BAD_SPKI. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_spki_parse(struct wax_span der,
                                                   struct wax_x509_spki *out);

/* wax_x509_key_type_name: "rsa", "rsa-pss", "ec", "ed25519", "ed448",
 * "x25519", "x448", "dsa", "dh" or "unknown" (static string). */
WAX_API const char *wax_x509_key_type_name(enum wax_x509_key_type type);

/* ------------------------------------------------------------------ */
/* Names (RFC 5280 §4.1.2.4).                                          */

/*
 *   Name ::= CHOICE { rdnSequence RDNSequence }
 *   RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }
 *
 * A name is handled as the span of its whole DER TLV. wax_x509_name_check
 * validates one: structure, at most WAX_MAX_NAME_ATTRIBUTES attributes,
 * string values well-formed for their type (UTF8String valid UTF-8,
 * IA5String 7-bit, PrintableString printable ASCII, BMPString an even
 * number of octets, UniversalString a multiple of four). The order of
 * attributes inside a multi-valued RDN is not checked.
 * Errors: WAX_ERR_X509_BAD_NAME, WAX_ERR_LIMIT_EXCEEDED.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_name_check(struct wax_span name);

/* One attribute of a name, in encoding order. */
struct wax_x509_name_attr {
    struct wax_span type; /* OID contents */
    enum wax_oid_id type_id;
    uint32_t value_tag;        /* e.g. WAX_DER_UTF8_STRING */
    struct wax_span value;     /* value contents */
    struct wax_span value_der; /* value TLV */
    size_t rdn_index;          /* 0 for the first RDN */
    bool continues_rdn;        /* same RDN as the previous attribute */
};

struct wax_x509_name_iter {
    struct wax_span rdns;
    struct wax_span rdn;
    size_t rdn_index;
    size_t num_attrs;
    bool started;
};

/* wax_x509_name_iter_init starts walking the Name TLV NAME.
 * Errors: WAX_ERR_X509_BAD_NAME. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_name_iter_init(struct wax_x509_name_iter *it, struct wax_span name);

/* wax_x509_name_next gives the next attribute (*OUT_PRESENT false at the
 * end). Errors: WAX_ERR_X509_BAD_NAME, WAX_ERR_LIMIT_EXCEEDED. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_name_next(struct wax_x509_name_iter *it,
                   struct wax_x509_name_attr *out, bool *out_present);

/* wax_x509_name_is_empty: NAME is a valid Name with no RDN. */
WAX_API bool wax_x509_name_is_empty(struct wax_span name);

/*
 * wax_x509_name_equal compares two Name TLVs as RFC 5280 §7.1 asks: the
 * same number of RDNs, each RDN the same set of attribute types, and
 * values that match. PrintableString and UTF8String values (also against
 * each other) are compared after the RFC 4518 steps wax implements: the
 * insignificant-space rule (leading and trailing spaces dropped, inner
 * runs folded to one), the characters RFC 4518 §2.2 maps to nothing or to
 * SPACE, and case folding of ASCII letters (non-ASCII characters compare
 * by code point: no Unicode case folding or normalization). Every other
 * value compares as its tag and bytes. Malformed names are never equal.
 */
WAX_API bool wax_x509_name_equal(struct wax_span a, struct wax_span b);

/*
 * wax_x509_name_format writes the RFC 4514 string of a Name TLV into OUT
 * (NUL-terminated; *OUT_LEN excludes the NUL): RDNs last to first
 * separated by ',', multi-valued RDNs joined by '+', known attribute types
 * by their short name (CN, O, OU, C, L, ST, street, DC, UID, emailAddress,
 * serialNumber, ...), others in dotted form. String values are converted
 * to UTF-8 (BMP/Universal decoded, T61 read as Latin-1) and escaped
 * (",+\"\\<>;", a leading '#' or space, a trailing space, and every
 * control character as \XX); other values, and every value of a type
 * shown in dotted form (RFC 4514 §2.4), are '#' and the upper-case hex of
 * their DER. Errors: WAX_ERR_X509_BAD_NAME, WAX_ERR_BUF_TOO_SMALL.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_name_format(struct wax_span name,
                                                    char *out, size_t out_cap,
                                                    size_t *out_len);

/* wax_x509_attr_short_name: the RFC 4514 / OpenSSL short name of an
 * attribute type ("CN"...), or NULL when wax has none. */
WAX_API const char *wax_x509_attr_short_name(enum wax_oid_id type);

/* ------------------------------------------------------------------ */
/* GeneralName (RFC 5280 §4.2.1.6).                                    */

enum wax_x509_gn_type {
    WAX_GN_OTHER_NAME = 0,
    WAX_GN_RFC822 = 1,
    WAX_GN_DNS = 2,
    WAX_GN_X400 = 3,
    WAX_GN_DIRECTORY = 4,
    WAX_GN_EDI_PARTY = 5,
    WAX_GN_URI = 6,
    WAX_GN_IP = 7,
    WAX_GN_REGISTERED_ID = 8,
};

/*
 *   GeneralName ::= CHOICE {
 *       otherName                 [0] OtherName,
 *       rfc822Name                [1] IA5String,
 *       dNSName                   [2] IA5String,
 *       x400Address               [3] ORAddress,
 *       directoryName             [4] Name,
 *       ediPartyName              [5] EDIPartyName,
 *       uniformResourceIdentifier [6] IA5String,
 *       iPAddress                 [7] OCTET STRING,
 *       registeredID              [8] OBJECT IDENTIFIER }
 *   OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
 *
 * VALUE is: the IA5 text for RFC822/DNS/URI (7-bit checked); the address
 * octets for IP (4 or 16 octets; 8 or 32, address and mask, in name
 * constraints); the Name TLV for DIRECTORY (checked with
 * wax_x509_name_check); the OID contents for REGISTERED_ID; the contents
 * of the [3]/[5] element for X400/EDI_PARTY (not interpreted). For
 * OTHER_NAME, OTHER_TYPE is the type-id and VALUE the TLV inside [0]; for
 * SmtpUTF8Mailbox (RFC 9598, 1.3.6.1.5.5.7.8.9) the value must be a
 * UTF8String of valid UTF-8, and VALUE is then its contents with
 * IS_SMTP_UTF8 set.
 */
struct wax_x509_general_name {
    enum wax_x509_gn_type type;
    struct wax_span value;
    struct wax_span other_type; /* OTHER_NAME: type-id OID contents */
    enum wax_oid_id other_type_id;
    bool is_smtp_utf8;
    struct wax_span der; /* the whole GeneralName TLV */
};

/* wax_x509_gn_iter starts walking GeneralNames (the contents of the
 * SEQUENCE). */
WAX_API void wax_x509_gn_iter(struct wax_x509_iter *it,
                              struct wax_span general_names);

/* wax_x509_gn_next gives the next GeneralName. Errors: the iterator's code
 * (WAX_ERR_X509_BAD_SAN from wax_x509_gn_iter), WAX_ERR_LIMIT_EXCEEDED. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_gn_next(struct wax_x509_iter *it, struct wax_x509_general_name *out,
                 bool *out_present);

/* wax_x509_subtree_next walks GeneralSubtrees (name constraints):
 *   GeneralSubtree ::= SEQUENCE { base GeneralName,
 *       minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }
 * RFC 5280 requires minimum 0 and maximum absent, so only the base is
 * accepted; an IP base is 8 or 32 octets (address and mask). */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_subtree_next(struct wax_x509_iter *it,
                      struct wax_x509_general_name *out, bool *out_present);

/* ------------------------------------------------------------------ */
/* Extensions (RFC 5280 §4.2, §5.2, §5.3).                             */

/*
 *   Extension ::= SEQUENCE {
 *       extnID    OBJECT IDENTIFIER,
 *       critical  BOOLEAN DEFAULT FALSE,
 *       extnValue OCTET STRING }
 */
struct wax_x509_ext {
    struct wax_span oid; /* extnID contents */
    enum wax_oid_id id;
    bool critical;
    bool known;            /* wax decodes this extension here */
    struct wax_span value; /* extnValue contents */
};

struct wax_x509_exts {
    size_t num;
    struct wax_x509_ext ext[WAX_MAX_X509_EXTENSIONS];
    size_t num_unknown_critical;
};

/* keyUsage named bits (bit i of the BIT STRING is 1u << i). */
#define WAX_KU_DIGITAL_SIGNATURE (1u << 0)
#define WAX_KU_NON_REPUDIATION (1u << 1)
#define WAX_KU_KEY_ENCIPHERMENT (1u << 2)
#define WAX_KU_DATA_ENCIPHERMENT (1u << 3)
#define WAX_KU_KEY_AGREEMENT (1u << 4)
#define WAX_KU_KEY_CERT_SIGN (1u << 5)
#define WAX_KU_CRL_SIGN (1u << 6)
#define WAX_KU_ENCIPHER_ONLY (1u << 7)
#define WAX_KU_DECIPHER_ONLY (1u << 8)

/* ReasonFlags named bits (distribution points). */
#define WAX_REASON_FLAG_UNUSED (1u << 0)
#define WAX_REASON_FLAG_KEY_COMPROMISE (1u << 1)
#define WAX_REASON_FLAG_CA_COMPROMISE (1u << 2)
#define WAX_REASON_FLAG_AFFILIATION_CHANGED (1u << 3)
#define WAX_REASON_FLAG_SUPERSEDED (1u << 4)
#define WAX_REASON_FLAG_CESSATION_OF_OPERATION (1u << 5)
#define WAX_REASON_FLAG_CERTIFICATE_HOLD (1u << 6)
#define WAX_REASON_FLAG_PRIVILEGE_WITHDRAWN (1u << 7)
#define WAX_REASON_FLAG_AA_COMPROMISE (1u << 8)

/* wax_x509_ku_bit_name: "digitalSignature"... for one WAX_KU_* bit, NULL
 * for anything else. */
WAX_API const char *wax_x509_ku_bit_name(uint32_t bit);

/*
 *   AuthorityKeyIdentifier ::= SEQUENCE {
 *       keyIdentifier             [0] KeyIdentifier OPTIONAL,
 *       authorityCertIssuer       [1] GeneralNames OPTIONAL,
 *       authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 * Issuer and serial must both be present or both absent.
 */
struct wax_x509_aki {
    bool present;
    bool has_key_id;
    struct wax_span key_id;
    bool has_issuer;
    struct wax_span issuer; /* GeneralNames contents */
    bool has_serial;
    struct wax_span serial; /* INTEGER contents */
};

/*
 * struct wax_x509_ext_info holds the extensions wax decodes, as checked at
 * parse time ("present" false when absent). List-valued extensions are
 * kept as the contents of their outer SEQUENCE, to walk with the
 * iterators below. The known extensions are: subjectKeyIdentifier,
 * keyUsage, subjectAltName, issuerAltName, basicConstraints,
 * nameConstraints, cRLDistributionPoints, certificatePolicies,
 * policyMappings, authorityKeyIdentifier, policyConstraints,
 * extendedKeyUsage, freshestCRL, inhibitAnyPolicy, authorityInfoAccess,
 * subjectInfoAccess.
 */
struct wax_x509_ext_info {
    /* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
     *     pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
    bool has_basic_constraints;
    bool ca;
    bool has_path_len;
    uint64_t path_len;
    /* KeyUsage ::= BIT STRING (at least one bit, at most decipherOnly);
     * KEY_USAGE_NOT_MINIMAL: trailing zero bits were encoded (DER says
     * they must not be; accepted because deployed certificates do it) */
    bool has_key_usage;
    uint32_t key_usage;
    bool key_usage_not_minimal;
    /* SubjectKeyIdentifier ::= OCTET STRING */
    bool has_ski;
    struct wax_span ski;
    struct wax_x509_aki aki;
    /* GeneralNames contents */
    bool has_san;
    struct wax_span san;
    bool has_ian;
    struct wax_span ian;
    /* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
    bool has_eku;
    struct wax_span eku;
    /* NameConstraints ::= SEQUENCE {
     *     permittedSubtrees [0] GeneralSubtrees OPTIONAL,
     *     excludedSubtrees  [1] GeneralSubtrees OPTIONAL } */
    bool has_name_constraints;
    bool has_permitted;
    struct wax_span permitted; /* GeneralSubtrees contents */
    bool has_excluded;
    struct wax_span excluded;
    /* certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation */
    bool has_policies;
    struct wax_span policies;
    /* PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
     *     issuerDomainPolicy CertPolicyId, subjectDomainPolicy CertPolicyId }
     */
    bool has_policy_mappings;
    struct wax_span policy_mappings;
    /* PolicyConstraints ::= SEQUENCE {
     *     requireExplicitPolicy [0] SkipCerts OPTIONAL,
     *     inhibitPolicyMapping  [1] SkipCerts OPTIONAL } */
    bool has_policy_constraints;
    bool has_require_explicit;
    uint64_t require_explicit;
    bool has_inhibit_mapping;
    uint64_t inhibit_mapping;
    /* InhibitAnyPolicy ::= SkipCerts */
    bool has_inhibit_any_policy;
    uint64_t inhibit_any_policy;
    /* CRLDistributionPoints / FreshestCRL ::= SEQUENCE SIZE (1..MAX) OF
     * DistributionPoint */
    bool has_crl_dps;
    struct wax_span crl_dps;
    bool has_freshest_crl;
    struct wax_span freshest_crl;
    /* AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF
     * AccessDescription (also subjectInfoAccess) */
    bool has_aia;
    struct wax_span aia;
    bool has_sia;
    struct wax_span sia;
};

/* The OID iterator (extendedKeyUsage): each element an OID. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_oid_next(struct wax_x509_iter *it,
                                                 struct wax_span *out_oid,
                                                 enum wax_oid_id *out_id,
                                                 bool *out_present);

/*
 *   PolicyInformation ::= SEQUENCE {
 *       policyIdentifier  CertPolicyId,
 *       policyQualifiers  SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo
 *                         OPTIONAL }
 * Qualifiers are checked only as SEQUENCEs starting with an OID and are
 * otherwise skipped (RFC 5280 §4.2.1.4 discourages relying on them).
 */
struct wax_x509_policy {
    struct wax_span oid;
    enum wax_oid_id id;
    bool has_qualifiers;
    struct wax_span qualifiers; /* contents of the qualifiers SEQUENCE */
};
WAX_API WAX_MUST_CHECK wax_err wax_x509_policy_next(struct wax_x509_iter *it,
                                                    struct wax_x509_policy *out,
                                                    bool *out_present);

struct wax_x509_policy_mapping {
    struct wax_span issuer_domain; /* OID contents */
    struct wax_span subject_domain;
};
WAX_API WAX_MUST_CHECK wax_err wax_x509_policy_mapping_next(
    struct wax_x509_iter *it, struct wax_x509_policy_mapping *out,
    bool *out_present);

/*
 *   DistributionPoint ::= SEQUENCE {
 *       distributionPoint [0] DistributionPointName OPTIONAL,
 *       reasons           [1] ReasonFlags OPTIONAL,
 *       cRLIssuer         [2] GeneralNames OPTIONAL }
 *   DistributionPointName ::= CHOICE {
 *       fullName                [0] GeneralNames,
 *       nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
 * A point must have a distributionPoint or a cRLIssuer.
 */
struct wax_x509_dist_point {
    bool has_full_name;
    struct wax_span full_name; /* GeneralNames contents */
    bool has_relative_name;
    struct wax_span relative_name; /* RDN SET contents */
    bool has_reasons;
    uint32_t reasons; /* WAX_REASON_FLAG_* */
    bool has_crl_issuer;
    struct wax_span crl_issuer; /* GeneralNames contents */
};
WAX_API WAX_MUST_CHECK wax_err
wax_x509_dist_point_next(struct wax_x509_iter *it,
                         struct wax_x509_dist_point *out, bool *out_present);

/*   AccessDescription ::= SEQUENCE { accessMethod OID,
 *                                    accessLocation GeneralName } */
struct wax_x509_access {
    struct wax_span method;
    enum wax_oid_id method_id;
    struct wax_x509_general_name location;
};
WAX_API WAX_MUST_CHECK wax_err wax_x509_access_next(struct wax_x509_iter *it,
                                                    struct wax_x509_access *out,
                                                    bool *out_present);

/* Iterators over the lists of a parsed extension info (an absent
 * extension gives an empty walk). */
WAX_API void wax_x509_san_iter(const struct wax_x509_ext_info *info,
                               struct wax_x509_iter *it);
WAX_API void wax_x509_eku_iter(const struct wax_x509_ext_info *info,
                               struct wax_x509_iter *it);
WAX_API void wax_x509_policies_iter(const struct wax_x509_ext_info *info,
                                    struct wax_x509_iter *it);
WAX_API void wax_x509_policy_mappings_iter(const struct wax_x509_ext_info *info,
                                           struct wax_x509_iter *it);
WAX_API void wax_x509_permitted_iter(const struct wax_x509_ext_info *info,
                                     struct wax_x509_iter *it);
WAX_API void wax_x509_excluded_iter(const struct wax_x509_ext_info *info,
                                    struct wax_x509_iter *it);
WAX_API void wax_x509_crl_dps_iter(const struct wax_x509_ext_info *info,
                                   struct wax_x509_iter *it);
WAX_API void wax_x509_aia_iter(const struct wax_x509_ext_info *info,
                               struct wax_x509_iter *it);

/* wax_x509_has_eku: the extendedKeyUsage extension is present and lists
 * ID. */
WAX_API bool wax_x509_has_eku(const struct wax_x509_ext_info *info,
                              enum wax_oid_id id);

/* ------------------------------------------------------------------ */
/* Certificates (RFC 5280 §4.1).                                       */

/* struct wax_x509_cert flags. */
#define WAX_X509_FLAG_SERIAL_ZERO (1u << 0)     /* serial number is 0 */
#define WAX_X509_FLAG_SERIAL_NEGATIVE (1u << 1) /* serial number < 0 */

/*
 * struct wax_x509_cert is a parsed certificate (a view into the caller's
 * buffer). SIG_ALG_ERR is WAX_OK when SIG_ALG holds the decoded signature
 * algorithm, else WAX_ERR_X509_UNSUPPORTED_SIG_ALG (a certificate signed
 * with an algorithm wax does not know still parses; checking its
 * signature fails with that code).
 */
struct wax_x509_cert {
    struct wax_span der;    /* the whole Certificate */
    struct wax_span tbs;    /* TBSCertificate TLV: the signed bytes */
    int version;            /* 1, 2 or 3 */
    struct wax_span serial; /* INTEGER contents (two's complement) */
    uint32_t flags;         /* WAX_X509_FLAG_* */
    struct wax_x509_algid sig_alg_id;
    struct wax_sig_alg sig_alg;
    wax_err sig_alg_err;
    struct wax_span issuer; /* Name TLV */
    int64_t not_before;     /* seconds since the epoch */
    int64_t not_after;
    struct wax_span subject; /* Name TLV */
    struct wax_x509_spki spki;
    bool has_issuer_uid;
    struct wax_span issuer_uid; /* BIT STRING octets */
    bool has_subject_uid;
    struct wax_span subject_uid;
    struct wax_span signature; /* BIT STRING octets */
    struct wax_x509_exts exts;
    struct wax_x509_ext_info info;
};

/*
 * wax_x509_cert_parse parses exactly one DER Certificate (no trailing
 * bytes) of DER_LEN bytes at DER. On success *OUT views into DER; on
 * failure *OUT is unspecified. Version: v1 must be absent (an explicit v1
 * is WAX_ERR_DER_DEFAULT_ENCODED), only v1..v3 (WAX_ERR_X509_BAD_VERSION);
 * unique IDs only in v2/v3 (WAX_ERR_X509_BAD_UNIQUE_ID); extensions only in
 * v3 (WAX_ERR_X509_EXTENSIONS_IN_V1). Serial: at most
 * WAX_MAX_SERIAL_OCTETS magnitude octets (WAX_ERR_X509_BAD_SERIAL), zero
 * and negative values flagged. Inner and outer signature algorithms must
 * be the same bytes (WAX_ERR_X509_SIG_ALG_MISMATCH).
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_cert_parse(struct wax_x509_cert *out,
                                                   const uint8_t *der,
                                                   size_t der_len);

/* wax_x509_cert_check_critical returns
 * WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION when the certificate has a
 * critical extension wax does not know (listed in cert->exts with
 * critical && !known), else WAX_OK. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_cert_check_critical(const struct wax_x509_cert *cert);

/* wax_x509_exts_find: the extension with id ID in EXTS, or NULL. */
WAX_API const struct wax_x509_ext *
wax_x509_exts_find(const struct wax_x509_exts *exts, enum wax_oid_id id);

/* wax_x509_cert_is_self_issued: subject and issuer names are equal
 * (wax_x509_name_equal). */
WAX_API bool wax_x509_cert_is_self_issued(const struct wax_x509_cert *cert);

/* ------------------------------------------------------------------ */
/* CRLs (RFC 5280 §5).                                                 */

/* CRLReason values (RFC 5280 §5.3.1; 7 is not used). */
enum wax_crl_reason {
    WAX_CRL_REASON_UNSPECIFIED = 0,
    WAX_CRL_REASON_KEY_COMPROMISE = 1,
    WAX_CRL_REASON_CA_COMPROMISE = 2,
    WAX_CRL_REASON_AFFILIATION_CHANGED = 3,
    WAX_CRL_REASON_SUPERSEDED = 4,
    WAX_CRL_REASON_CESSATION_OF_OPERATION = 5,
    WAX_CRL_REASON_CERTIFICATE_HOLD = 6,
    WAX_CRL_REASON_REMOVE_FROM_CRL = 8,
    WAX_CRL_REASON_PRIVILEGE_WITHDRAWN = 9,
    WAX_CRL_REASON_AA_COMPROMISE = 10,
};

/*
 * One revoked entry:
 *   SEQUENCE { userCertificate CertificateSerialNumber,
 *              revocationDate  Time,
 *              crlEntryExtensions Extensions OPTIONAL -- v2 only }
 * Known entry extensions: reasonCode, invalidityDate, certificateIssuer.
 */
struct wax_x509_crl_entry {
    struct wax_span serial; /* INTEGER contents */
    int64_t revocation_date;
    struct wax_x509_exts exts;
    bool has_reason;
    enum wax_crl_reason reason;
    bool has_invalidity_date;
    int64_t invalidity_date;
    bool has_certificate_issuer;
    struct wax_span certificate_issuer; /* GeneralNames contents */
};

/*
 *   IssuingDistributionPoint ::= SEQUENCE {
 *       distributionPoint          [0] DistributionPointName OPTIONAL,
 *       onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
 *       onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
 *       onlySomeReasons            [3] ReasonFlags OPTIONAL,
 *       indirectCRL                [4] BOOLEAN DEFAULT FALSE,
 *       onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 */
struct wax_x509_idp {
    bool present;
    bool has_full_name;
    struct wax_span full_name;
    bool has_relative_name;
    struct wax_span relative_name;
    bool only_user_certs;
    bool only_ca_certs;
    bool has_reasons;
    uint32_t reasons;
    bool indirect_crl;
    bool only_attribute_certs;
};

struct wax_x509_crl {
    struct wax_span der;
    struct wax_span tbs; /* TBSCertList TLV */
    int version;         /* 1 or 2 */
    struct wax_x509_algid sig_alg_id;
    struct wax_sig_alg sig_alg;
    wax_err sig_alg_err;
    struct wax_span issuer; /* Name TLV */
    int64_t this_update;
    bool has_next_update;
    int64_t next_update;
    struct wax_span revoked; /* contents of revokedCertificates */
    size_t num_revoked;
    size_t num_unknown_critical_entry_exts;
    struct wax_span signature;
    struct wax_x509_exts exts;
    /* Known CRL extensions: cRLNumber, deltaCRLIndicator,
     * issuingDistributionPoint, authorityKeyIdentifier (and issuerAltName,
     * freshestCRL, authorityInfoAccess, kept in EXTS). */
    bool has_crl_number;
    struct wax_span crl_number; /* INTEGER contents, non-negative */
    bool has_delta_crl_indicator;
    struct wax_span delta_crl_indicator;
    struct wax_x509_idp idp;
    struct wax_x509_aki aki;
};

/*
 *   CertificateList ::= SEQUENCE {
 *       tbsCertList        TBSCertList,
 *       signatureAlgorithm AlgorithmIdentifier,
 *       signatureValue     BIT STRING }
 *   TBSCertList ::= SEQUENCE {
 *       version             Version OPTIONAL, -- if present, MUST be v2
 *       signature           AlgorithmIdentifier,
 *       issuer              Name,
 *       thisUpdate          Time,
 *       nextUpdate          Time OPTIONAL,
 *       revokedCertificates SEQUENCE OF SEQUENCE {...} OPTIONAL,
 *       crlExtensions       [0] EXPLICIT Extensions OPTIONAL }
 * Every entry is checked at parse time (at most WAX_MAX_CRL_ENTRIES);
 * extensions (CRL or entry) need v2 (WAX_ERR_X509_CRL_BAD_VERSION).
 * Errors: WAX_ERR_DER_*, WAX_ERR_X509_CRL_*, WAX_ERR_X509_SIG_ALG_MISMATCH,
 * WAX_ERR_X509_DUPLICATE_EXTENSION, WAX_ERR_X509_BAD_*.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_crl_parse(struct wax_x509_crl *out,
                                                  const uint8_t *der,
                                                  size_t der_len);

/* wax_x509_crl_entries starts walking the revoked entries. */
WAX_API void wax_x509_crl_entries(const struct wax_x509_crl *crl,
                                  struct wax_x509_iter *it);

/* wax_x509_crl_entry_next gives the next revoked entry.
 * Errors: WAX_ERR_X509_CRL_BAD_ENTRY and the extension codes. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_crl_entry_next(struct wax_x509_iter *it,
                        struct wax_x509_crl_entry *out, bool *out_present);

/* wax_x509_crl_find looks for SERIAL (INTEGER contents) among the revoked
 * entries; *OUT_FOUND tells, and *OUT (if not NULL) gets the entry. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_crl_find(const struct wax_x509_crl *crl,
                                                 struct wax_span serial,
                                                 struct wax_x509_crl_entry *out,
                                                 bool *out_found);

/* wax_x509_crl_check_critical: WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION if
 * the CRL or one of its entries has an unknown critical extension. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_crl_check_critical(const struct wax_x509_crl *crl);

/* ------------------------------------------------------------------ */
/* PKCS#10 certification requests (RFC 2986).                          */

/*   Attribute ::= SEQUENCE { type OID, values SET SIZE (1..MAX) OF ANY } */
struct wax_x509_attribute {
    struct wax_span type;
    enum wax_oid_id id;
    struct wax_span values; /* SET contents */
};

struct wax_x509_req {
    struct wax_span der;
    struct wax_span info;    /* CertificationRequestInfo TLV */
    int version;             /* 1 */
    struct wax_span subject; /* Name TLV */
    struct wax_x509_spki spki;
    struct wax_span attributes; /* contents of [0] */
    size_t num_attributes;
    struct wax_x509_algid sig_alg_id;
    struct wax_sig_alg sig_alg;
    wax_err sig_alg_err;
    struct wax_span signature;
    /* extensionRequest (PKCS#9): the requested extensions */
    bool has_extension_request;
    struct wax_x509_exts exts;
    struct wax_x509_ext_info info_ext;
};

/*
 *   CertificationRequest ::= SEQUENCE {
 *       certificationRequestInfo CertificationRequestInfo,
 *       signatureAlgorithm       AlgorithmIdentifier,
 *       signature                BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE {
 *       version       INTEGER { v1(0) },
 *       subject       Name,
 *       subjectPKInfo SubjectPublicKeyInfo,
 *       attributes    [0] IMPLICIT SET OF Attribute }
 * extensionRequest must appear at most once with exactly one value
 * (Extensions), checked like certificate extensions.
 * Errors: WAX_ERR_DER_*, WAX_ERR_X509_REQ_*, the extension codes.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_req_parse(struct wax_x509_req *out,
                                                  const uint8_t *der,
                                                  size_t der_len);

/* wax_x509_req_attributes starts walking the request's attributes. */
WAX_API void wax_x509_req_attributes(const struct wax_x509_req *req,
                                     struct wax_x509_iter *it);
WAX_API WAX_MUST_CHECK wax_err
wax_x509_attribute_next(struct wax_x509_iter *it,
                        struct wax_x509_attribute *out, bool *out_present);

/* ------------------------------------------------------------------ */
/* Signature checks (via wax_pubkey_verify of the crypto layer).       */

/*
 * wax_x509_cert_verify_signature checks CERT's signature with the issuer
 * public key ISSUER_SPKI (a SubjectPublicKeyInfo TLV). It checks only the
 * signature: not names, key usage or validity.
 * Errors: the certificate's sig_alg_err (WAX_ERR_X509_UNSUPPORTED_SIG_ALG),
 * the key loading codes of wax_pubkey_from_spki (e.g.
 * WAX_ERR_CRYPTO_UNSUPPORTED_ALG), WAX_ERR_X509_SIGNATURE_INVALID when the
 * signature does not verify, other WAX_ERR_CRYPTO_* codes.
 */
WAX_API WAX_MUST_CHECK wax_err wax_x509_cert_verify_signature(
    const struct wax_x509_cert *cert, struct wax_span issuer_spki);

/* wax_x509_crl_verify_signature: the same for a CRL. */
WAX_API WAX_MUST_CHECK wax_err wax_x509_crl_verify_signature(
    const struct wax_x509_crl *crl, struct wax_span issuer_spki);

/* wax_x509_req_verify_signature checks a request with its own key. */
WAX_API WAX_MUST_CHECK wax_err
wax_x509_req_verify_signature(const struct wax_x509_req *req);

/* ------------------------------------------------------------------ */
/* PEM (RFC 7468).                                                     */

/*
 * struct wax_pem_reader walks the PEM blocks of a text buffer: text
 * outside the encapsulation boundaries is ignored (RFC 7468 §2), each
 * block is "-----BEGIN LABEL-----" ... "-----END LABEL-----" with the
 * same label. Blocks with RFC 1421 headers ("Proc-Type:") are reported
 * like any other; decoding their body fails. At most WAX_MAX_PEM_BLOCKS
 * blocks (WAX_ERR_PEM_LIMIT).
 */
struct wax_pem_reader {
    struct wax_span in;
    size_t num_blocks;
};

struct wax_pem_block {
    struct wax_span label; /* e.g. "CERTIFICATE" (not NUL-terminated) */
    struct wax_span body;  /* the text between the boundary lines */
};

WAX_API void wax_pem_reader_init(struct wax_pem_reader *r, const uint8_t *text,
                                 size_t text_len);

/* wax_pem_next finds the next block (*OUT_PRESENT false when no more).
 * Errors: WAX_ERR_PEM_MALFORMED (a BEGIN line without its END line, a bad
 * label), WAX_ERR_PEM_LIMIT. */
WAX_API WAX_MUST_CHECK wax_err wax_pem_next(struct wax_pem_reader *r,
                                            struct wax_pem_block *out,
                                            bool *out_present);

/* wax_pem_label_is: the block's label is exactly LABEL. */
WAX_API bool wax_pem_label_is(const struct wax_pem_block *b, const char *label);

/*
 * wax_pem_decode decodes a block's base64 body (RFC 7468 strict form:
 * lines of base64, line breaks between them, optional trailing spaces
 * and tabs) into OUT. Errors: WAX_ERR_PEM_MALFORMED, the base64 codes of
 * the util decoder, WAX_ERR_BUF_TOO_SMALL.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pem_decode(const struct wax_pem_block *b,
                                              uint8_t *out, size_t out_cap,
                                              size_t *out_len);

/* wax_pem_decoded_max: an upper bound of the decoded size of a block. */
WAX_API size_t wax_pem_decoded_max(const struct wax_pem_block *b);

/* wax_pem_looks_like: TEXT contains a "-----BEGIN " boundary. */
WAX_API bool wax_pem_looks_like(const uint8_t *text, size_t text_len);

#endif
