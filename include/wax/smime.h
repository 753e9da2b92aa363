/*
 * wax/smime.h - the smime layer: whole-message S/MIME operations (RFC 8551)
 * with verdicts (SECURITY.md): sign, verify, encrypt, decrypt, inspect.
 *
 * The layer takes RESOLVED inputs: private keys and DER certificates,
 * recipient certificates, trust anchors, the validation time and the
 * options. It knows nothing of files, passwords or the store, never reads
 * the clock and does no I/O except through the spools (unlinked temporary
 * files in TMPDIR for content past the memory threshold).
 *
 * Every operation is a push stream (DESIGN.md):
 *
 *   struct wax_smime_op *op;
 *   struct wax_smime_report rep;           (zeroed, or wax_smime_report_init)
 *   wax_smime_verify_new(&op, &opts, out, &rep);
 *   wax_sink_write(wax_smime_op_sink(op), bytes...)   any chunking
 *   err = wax_sink_close(wax_smime_op_sink(op));      does the work
 *   ... render rep (wax_smime_report_json) ...
 *   wax_smime_op_free(op); wax_smime_report_cleanup(&rep);
 *
 * The input sink's close() returns WAX_OK exactly when the operation fully
 * succeeded (sign/encrypt/inspect done; verify VALID; decrypt
 * DECRYPTED_AUTHENTICATED or DECRYPTED_UNAUTHENTICATED), else the report's
 * first error. The report is filled in all cases (REP must outlive OP's
 * use; it is written during close). OUT (the caller's output) receives
 * bytes ONLY for a positive outcome and is closed after the last one; for
 * a negative outcome nothing at all is written to OUT and it is not
 * closed (SECURITY.md rule 1: content waits in a wax_spool until then).
 * Exception: release_unverified (verify), recorded in the report.
 * Errors stick: writes after a failure return the same error.
 */
#ifndef WAX_SMIME_H
#define WAX_SMIME_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>
#include <wax/path.h>
#include <wax/cms.h>
#include <wax/mime.h>

/* ------------------------------------------------------------------ */
/* Limits (SECURITY.md rule 8).                                        */

/* Layers reported for one message (signed inside enveloped ...). */
#define WAX_MAX_SMIME_LAYERS 8
/* Warnings kept in one report (more are counted in num_dropped_warnings). */
#define WAX_MAX_SMIME_WARNINGS 16
/* Email addresses reported per certificate, and From:/Sender: addresses
 * parsed from one message. */
#define WAX_MAX_SMIME_EMAILS 16
/* Certificates listed by inspect. */
#define WAX_MAX_SMIME_CERTS WAX_MAX_CMS_CERTS
/* Longest formatted name (RFC 4514 text) kept in a report, bytes. */
#define WAX_MAX_SMIME_NAME_TEXT 2048
/* Longest address (local part, '@', domain) compared for binding. */
#define WAX_MAX_SMIME_ADDRESS 320
/* Longest unfolded From: / Sender: value parsed, bytes. */
#define WAX_MAX_SMIME_ADDRESS_FIELD 8192
/* Identities, recipients given to one operation. */
#define WAX_MAX_SMIME_IDENTITIES WAX_MAX_CMS_DECRYPT_KEYS

/* ------------------------------------------------------------------ */
/* Inputs.                                                             */

/* A list of DER certificates (same shape as struct wax_path_certs; also
 * used for lists of DER CRLs). */
struct wax_smime_certs {
    const uint8_t *const *der;
    const size_t *lens;
    size_t num;
};

/*
 * An identity: a private key and its DER certificate, plus the issuer
 * certificates to include when signing (CHAIN, leaf excluded, any order)
 * and optionally the identity's encryption certificate (signing: named in
 * the SMIMEEncryptionKeyPreference attribute and included among the
 * message's certificates, also under NO_CHAIN). All must outlive the
 * operation.
 */
struct wax_smime_identity {
    const struct wax_privkey *key;
    const uint8_t *cert;
    size_t cert_len;
    struct wax_smime_certs chain;
    const uint8_t *encryption_cert;
    size_t encryption_cert_len;
};

/* Trust for verification (and optional recipient checks). */
struct wax_smime_trust {
    struct wax_smime_certs anchors;   /* trust anchors */
    struct wax_smime_certs untrusted; /* extra intermediates (--certs) */
    int64_t time;                     /* validation time (--at, or now) */
    bool allow_weak;                  /* --allow-weak */
};

/* Output format of sign and encrypt. */
enum wax_smime_format {
    WAX_SMIME_FORMAT_MIME = 0, /* an RFC 5322 message / MIME entity */
    WAX_SMIME_FORMAT_DER,      /* the bare CMS ContentInfo, DER (or BER) */
    WAX_SMIME_FORMAT_PEM,      /* the same in PEM ("-----BEGIN CMS-----") */
};

/* Where the content for operations that spool comes from and goes. */
struct wax_smime_spool_opts {
    const char *tmpdir; /* NULL: $TMPDIR, else /tmp */
    size_t threshold;   /* 0: WAX_SPOOL_DEFAULT_THRESHOLD */
};

/*
 * sign (RFC 8551 3.5).
 *
 *  SIGNERS/NUM_SIGNERS  1..WAX_MAX_CMS_SIGNERS identities. Each
 *              certificate must pass wax_path_check_leaf for SMIME_SIGN
 *              (WAX_ERR_PATH_BAD_KEY_USAGE / _BAD_EKU) and, when
 *              HAS_SIGNING_TIME, be valid at SIGNING_TIME
 *              (WAX_ERR_PATH_EXPIRED / _NOT_YET_VALID); the report's
 *              err_index names the signer.
 *  DIGEST      SHA-256, SHA-384 or SHA-512; WAX_DIGEST_NONE picks the
 *              key's default (SHA-256 for RSA and P-256, SHA-384 for
 *              P-384, SHA-512 for P-521); anything else is
 *              WAX_ERR_SMIME_BAD_OPTION. Ed25519 signers always use
 *              SHA-512 (RFC 8419). micalg names the first signer's digest
 *              (the multipart/signed writer takes one).
 *  OPAQUE      application/pkcs7-mime; smime-type=signed-data instead of
 *              multipart/signed (FORMAT MIME only).
 *  FORMAT      MIME (default), or DER / PEM: the bare CMS object of the
 *              canonical entity (DETACHED: without the content).
 *  DETACHED    DER / PEM only (with MIME, WAX_ERR_SMIME_BAD_OPTION).
 *  HAS_SIGNING_TIME, SIGNING_TIME  the signing-time attribute.
 *  NO_CHAIN    do not include the identities' CHAIN certificates (the
 *              signer certificates and their encryption certificates are
 *              always included).
 *  NO_SMIME_CAPABILITIES  omit SMIMECapabilities.
 *  RSA_PSS     RSASSA-PSS for RSA signers.
 *  RAW_CONTENT DER / PEM only: sign the input bytes exactly as given (no
 *              MIME processing at all); default: the canonical MIME entity
 *              as for the MIME forms.
 *
 * What is signed (FORMAT MIME, and DER/PEM without RAW_CONTENT): the input
 * is an RFC 5322 message or a bare MIME entity. Its fields that are not
 * Content-* and not MIME-Version (From, To, Cc, Subject, Date,
 * Message-ID, Received, ...) stay OUTSIDE, in the outer header of the
 * output, in their order; the entity (its Content-* fields and body) is
 * canonicalized (CRLF line ends) and, when its body is not 7-bit data,
 * transfer-encoded first (quoted-printable for text, base64 otherwise:
 * wax_mime_choose_encoding), so that the signed bytes survive transport.
 * The input is therefore read twice: it is spooled (memory up to the
 * threshold, then a temporary file). Outer output header: the outer
 * fields, "MIME-Version: 1.0", the Content-Type of the form.
 */
struct wax_smime_sign_opts {
    const struct wax_smime_identity *signers;
    size_t num_signers;
    enum wax_digest_alg digest;
    bool opaque;
    enum wax_smime_format format;
    bool detached;
    bool has_signing_time;
    int64_t signing_time;
    bool no_chain;
    bool no_smime_capabilities;
    bool rsa_pss;
    bool raw_content;
    struct wax_smime_spool_opts spool;
};

/*
 * verify.
 *
 *  TRUST       anchors, intermediates, time, allow_weak (weak signature
 *              digests, keys and certificate algorithms are then accepted
 *              and each one is listed in the warnings).
 *  FROM        NULL, or the address (NUL-terminated "local@domain") the
 *              signers must be bound to, replacing the message's From: and
 *              Sender: (--from).
 *  DETACHED_CONTENT  the input is a bare detached CMS signature (DER or
 *              PEM) and the signed content is pushed into
 *              wax_smime_op_content_sink() (--content), before or after.
 *  RELEASE_UNVERIFIED  release the content to OUT whatever the verdict
 *              (when the structure was read to its end); the report sets
 *              released_unverified and warns.
 *  WITH_OUTER_HEADERS  for a MIME input, write the outer header fields
 *              (not Content-*, not MIME-Version) and "MIME-Version: 1.0"
 *              before the signed entity (fields the entity's own header
 *              has are not repeated). Default: the signed content only,
 *              exactly as signed (canonical CRLF form for multipart/
 *              signed, the eContent for pkcs7-mime and raw CMS).
 *  CRLS        DER CRLs from the caller (--crl; PEM is the caller's to
 *              decode), at most WAX_MAX_PATH_CRLS (more is
 *              WAX_ERR_LIMIT_EXCEEDED from the constructor). Every
 *              signer's chain is checked against them PLUS the CRLs the
 *              SignedData carries in its crls field (those come after the
 *              caller's and are used only while the total stays within
 *              WAX_MAX_PATH_CRLS; the report warns when some were left
 *              out). CRLs that do not parse are skipped by the path layer,
 *              so a certificate they were meant for has no CRL.
 *  REVOCATION  how CRLs are used (enum wax_path_revocation; zero is
 *              PREFER): PREFER uses the CRLs that are there - a listed
 *              certificate makes the signer UNTRUSTED with
 *              WAX_ERR_PATH_REVOKED, an invalid CRL for a certificate of
 *              the chain with WAX_ERR_PATH_CRL_INVALID - and, for a
 *              certificate of a valid chain (the anchor excepted) that no
 *              current CRL covers, the report warns "revocation not
 *              checked: no CRL for <subject>"; REQUIRE makes such a
 *              certificate fail the chain: UNTRUSTED with
 *              WAX_ERR_PATH_REVOCATION_UNKNOWN (or WAX_ERR_PATH_CRL_EXPIRED
 *              when only stale CRLs were given); OFF looks at no CRL and
 *              does not warn.
 *
 * Input formats, detected: an RFC 5322 message or MIME entity that is
 * multipart/signed (protocol application/pkcs7-signature or
 * application/x-pkcs7-signature), or application/pkcs7-mime or
 * application/x-pkcs7-mime (smime-type signed-data, or missing, or a .p7m
 * name: the CMS content type decides), or application/octet-stream with a
 * .p7m name; a DER/BER ContentInfo (bytes 30 8x, or 30 len 06: a
 * SEQUENCE with a long or indefinite length, or a short one starting with
 * the contentType OID); a PEM block ("-----BEGIN CMS-----", "PKCS7",
 * "PKCS #7 SIGNED DATA", possibly after white space); anything else is
 * read as a MIME message. LF-only input is canonicalized for
 * multipart/signed. The content type inside the CMS object decides, not
 * the smime-type parameter.
 *
 * Verdicts (SECURITY.md), per signer and overall (report.verdict):
 *   INVALID        the structure is wrong (the message or the CMS object:
 *                  its WAX_ERR_MIME_* / _CMS_* / _BER_*), there are no
 *                  signers (WAX_ERR_CMS_NO_SIGNERS), or a signer's
 *                  signature, digest or attributes fail (its WAX_ERR_CMS_*);
 *                  one INVALID signer makes the message INVALID.
 *   UNTRUSTED      the signature checks but wax_path_validate (purpose
 *                  SMIME_SIGN, at TRUST.time, with CRLS and REVOCATION)
 *                  fails: the signer's error is the WAX_ERR_PATH_* reason
 *                  (e.g. WAX_ERR_PATH_REVOKED).
 *   VALID_SIGNER_MISMATCH  crypto and chain hold, the certificate has
 *                  addresses but none is the From:/Sender: address (or
 *                  FROM): WAX_ERR_SMIME_SIGNER_MISMATCH.
 *   VALID_UNBOUND  crypto and chain hold, but the certificate has no
 *                  address (WAX_ERR_SMIME_NO_SIGNER_EMAIL), or there is no
 *                  address to bind to: a raw CMS or a message without
 *                  From:/Sender:, and no FROM (WAX_ERR_SMIME_NO_FROM; the
 *                  report warns).
 *   VALID          every check holds and the address is bound.
 *   NOT_SIGNED     the input is not signed at all (a plain message, an
 *                  enveloped object...): WAX_ERR_SMIME_NOT_SIGNED.
 *   PARTIALLY_SIGNED  a multipart message that is not itself signed but
 *                  has a signed part (the part is not verified):
 *                  WAX_ERR_SMIME_PARTIALLY_SIGNED.
 * The overall verdict with several signers: INVALID if any signer is
 * INVALID, else UNTRUSTED if any is UNTRUSTED, else VALID if any signer is
 * bound to the address, else VALID_SIGNER_MISMATCH if any has an address,
 * else VALID_UNBOUND.
 *
 * Address binding (SECURITY.md rule 5): the From: and Sender: fields are
 * parsed as RFC 5322 address lists (display names, angle addresses,
 * quoted local parts, comments, groups, obsolete routes; at most
 * WAX_MAX_SMIME_EMAILS addresses); the display names never count. A
 * signer is bound when one of those addresses equals one of its
 * certificate's addresses: rfc822Name and SmtpUTF8Mailbox
 * subjectAltNames, or, only when the certificate has no such SAN, the
 * subject's emailAddress attributes. Local parts compare exactly (after
 * removing the quoting of a quoted-string), domains ASCII
 * case-insensitively.
 */
struct wax_smime_verify_opts {
    struct wax_smime_trust trust;
    const char *from;
    bool detached_content;
    bool release_unverified;
    bool with_outer_headers;
    struct wax_smime_spool_opts spool;
    struct wax_smime_certs crls;
    enum wax_path_revocation revocation;
};

/* Content-encryption choices of encrypt. */
enum wax_smime_cipher {
    WAX_SMIME_CIPHER_DEFAULT = 0, /* AES-256-CBC */
    WAX_SMIME_CIPHER_AES128_CBC,
    WAX_SMIME_CIPHER_AES192_CBC,
    WAX_SMIME_CIPHER_AES256_CBC,
    WAX_SMIME_CIPHER_AES128_GCM, /* authEnveloped-data */
    WAX_SMIME_CIPHER_AES256_GCM, /* authEnveloped-data */
};

/*
 * wax_smime_cipher_parse maps the --cipher names "aes128-cbc",
 * "aes192-cbc", "aes256-cbc", "aes128-gcm", "aes256-gcm" to the enum;
 * anything else is WAX_ERR_SMIME_BAD_OPTION.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_smime_cipher_parse(enum wax_smime_cipher *out, const char *name);

/*
 * encrypt (RFC 8551 3.3, RFC 5083).
 *
 *  RECIPIENTS  1..WAX_MAX_CMS_RECIPIENTS DER certificates with RSA keys.
 *              Each must pass wax_path_check_leaf for SMIME_ENCRYPT
 *              (keyUsage keyEncipherment: WAX_ERR_PATH_BAD_KEY_USAGE; EKU:
 *              WAX_ERR_PATH_BAD_EKU) and be valid at TRUST.time
 *              (WAX_ERR_PATH_EXPIRED / _NOT_YET_VALID); when TRUST.anchors
 *              is not empty, wax_path_validate must also pass. The report's
 *              err_index names the failing recipient.
 *  CIPHER      see enum wax_smime_cipher; CBC makes EnvelopedData
 *              (smime-type=enveloped-data), GCM AuthEnvelopedData
 *              (smime-type=authEnveloped-data).
 *  RSA_OAEP    RSAES-OAEP with SHA-256 (else RSAES-PKCS1-v1_5).
 *  FORMAT      MIME (default): the outer header fields of the input (not
 *              Content-*, not MIME-Version) stay outside, then
 *              MIME-Version and the pkcs7-mime Content-Type; the protected
 *              entity is the canonical, 7-bit-safe entity exactly as sign
 *              prepares it (so the input is spooled and read twice).
 *              DER / PEM: the bare ContentInfo of that entity (or, with
 *              RAW_CONTENT, of the input bytes as given).
 *  TRUST       time (always used) and optional anchors for the recipients;
 *              ALLOW_WEAK also accepts RSA keys under 2048 bits.
 */
struct wax_smime_encrypt_opts {
    const struct wax_smime_certs *recipients;
    enum wax_smime_cipher cipher;
    bool rsa_oaep;
    enum wax_smime_format format;
    bool raw_content;
    struct wax_smime_trust trust;
    struct wax_smime_spool_opts spool;
};

/*
 * decrypt.
 *
 *  IDENTITIES  1..WAX_MAX_SMIME_IDENTITIES keys with their certificates
 *              (CHAIN and ENCRYPTION_CERT unused).
 *  REQUIRE_AUTH  unauthenticated (CBC) decryption fails: verdict
 *              DECRYPT_FAILED, WAX_ERR_SMIME_NOT_AUTHENTICATED, nothing
 *              released.
 *  ALLOW_WEAK  also decrypt DES and RC2 content (warned).
 *
 * Input, detected: application/pkcs7-mime or application/x-pkcs7-mime
 * (smime-type enveloped-data, authEnveloped-data, missing, or a .p7m
 * name) as a message or entity; a DER/BER ContentInfo; PEM. The plaintext
 * goes to a spool and is released only when the whole object checked:
 * CBC padding, or the GCM tag (SECURITY.md rule 2).
 *
 * Verdicts: DECRYPTED_AUTHENTICATED (AuthEnvelopedData, tag verified),
 * DECRYPTED_UNAUTHENTICATED (EnvelopedData; the report warns),
 * DECRYPT_FAILED with the WAX_ERR_* (every failure of key transport,
 * padding or tag gives the one code the cms layer reports; a signed or
 * plain input gives WAX_ERR_SMIME_NOT_ENCRYPTED).
 *
 * Output: for a MIME input, the outer header fields of the input (not
 * Content-*, not MIME-Version, and not those the decrypted entity's own
 * header has: RFC 9788 inner fields win), then "MIME-Version: 1.0" unless
 * the entity has one, then the decrypted entity as it is; the outer
 * fields are written raw with CRLF line ends. For a DER/PEM input: the
 * decrypted content exactly.
 */
struct wax_smime_decrypt_opts {
    const struct wax_smime_identity *identities;
    size_t num_identities;
    bool require_auth;
    bool allow_weak;
    struct wax_smime_spool_opts spool;
};

/*
 * inspect: the structure of a message or CMS object without keys and
 * without verification: the layers (type, form, algorithms), the
 * recipients' identifiers, the signer identifiers and certificates (their
 * verdicts stay NONE; digest and signature algorithms are reported), the
 * certificates carried. Nothing is written to OUT (which may be NULL).
 * Input formats as verify and decrypt accept.
 */
struct wax_smime_inspect_opts {
    struct wax_smime_spool_opts spool;
};

/* ------------------------------------------------------------------ */
/* The report (DESIGN.md "--json report").                             */

enum wax_smime_verdict {
    WAX_SMIME_VERDICT_NONE = 0, /* no verdict (sign, encrypt, inspect, or
                                   a failure before one was reached) */
    WAX_SMIME_VALID,
    WAX_SMIME_VALID_SIGNER_MISMATCH,
    WAX_SMIME_VALID_UNBOUND,
    WAX_SMIME_UNTRUSTED,
    WAX_SMIME_PARTIALLY_SIGNED,
    WAX_SMIME_NOT_SIGNED,
    WAX_SMIME_INVALID,
    WAX_SMIME_DECRYPTED_AUTHENTICATED,
    WAX_SMIME_DECRYPTED_UNAUTHENTICATED,
    WAX_SMIME_DECRYPT_FAILED,
};

/* wax_smime_verdict_name: "VALID", "VALID_SIGNER_MISMATCH", ... exactly
 * the SECURITY.md vocabulary; "NONE" for WAX_SMIME_VERDICT_NONE. */
WAX_API const char *wax_smime_verdict_name(enum wax_smime_verdict v);

/* wax_smime_verdict_positive: VALID, DECRYPTED_AUTHENTICATED,
 * DECRYPTED_UNAUTHENTICATED. */
WAX_API bool wax_smime_verdict_positive(enum wax_smime_verdict v);

/*
 * How the operation ended, for the command line's exit status:
 * OK (exit 0), REJECTED (exit 1: the message or the crypto failed, a
 * negative verdict, malformed input) or ERROR (exit 2: usage,
 * configuration - e.g. a recipient certificate that does not allow
 * encryption, a key that does not match its certificate - or I/O).
 */
enum wax_smime_status {
    WAX_SMIME_STATUS_OK = 0,
    WAX_SMIME_STATUS_REJECTED = 1,
    WAX_SMIME_STATUS_ERROR = 2,
};

enum wax_smime_layer_type {
    WAX_SMIME_LAYER_SIGNED = 0,
    WAX_SMIME_LAYER_ENVELOPED,
    WAX_SMIME_LAYER_AUTH_ENVELOPED,
    WAX_SMIME_LAYER_COMPRESSED,
    WAX_SMIME_LAYER_RECEIPT,
};

enum wax_smime_form {
    WAX_SMIME_FORM_MULTIPART_SIGNED = 0,
    WAX_SMIME_FORM_PKCS7_MIME,
    WAX_SMIME_FORM_DER,
    WAX_SMIME_FORM_PEM,
};

/* Names used in the report: "signed", "enveloped", "authEnveloped",
 * "compressed", "receipt"; "multipart/signed", "application/pkcs7-mime",
 * "der", "pem". Static strings ("unknown" otherwise). */
WAX_API const char *wax_smime_layer_type_name(enum wax_smime_layer_type t);
WAX_API const char *wax_smime_form_name(enum wax_smime_form f);

/* One RecipientInfo of an enveloped layer. Strings are malloc'd (NULL when
 * not applicable) and escaped only when rendered. */
struct wax_smime_recipient_report {
    enum wax_cms_ri_kind kind;
    enum wax_cms_kt_alg key_transport; /* KTRI */
    enum wax_digest_alg oaep_digest;   /* KTRI with OAEP */
    char *issuer; /* issuerAndSerialNumber: RFC 4514 issuer */
    char *serial; /* ... and the serial, lower-case hex */
    char *ski;    /* subjectKeyIdentifier, lower-case hex */
    bool matched; /* decrypt: the recipient info that was used */
};

/* One layer, outermost first. */
struct wax_smime_layer {
    enum wax_smime_layer_type type;
    enum wax_smime_form form;
    bool legacy_x;              /* application/x-pkcs7-* media type */
    bool detached;              /* signed: the content was not inside the CMS */
    enum wax_cipher_alg cipher; /* enveloped / authEnveloped */
    enum wax_digest_alg micalg; /* multipart/signed: the micalg given */
    size_t first_recipient;     /* index into report.recipients */
    size_t num_recipients;
};

/*
 * One signer, in SignerInfo order. Strings are malloc'd, NULL when
 * unknown (no certificate found). VERDICT is per signer (NONE for
 * inspect); ERR its first error (WAX_OK when VALID).
 */
struct wax_smime_signer_report {
    enum wax_smime_verdict verdict;
    wax_err err;
    size_t layer;  /* index into report.layers */
    char *subject; /* RFC 4514 */
    char *issuer;
    char *serial;    /* lower-case hex of the INTEGER contents */
    char sha256[65]; /* hex of the certificate's SHA-256, or "" */
    char *emails[WAX_MAX_SMIME_EMAILS];
    size_t num_emails;
    bool has_from_match; /* binding was attempted */
    bool from_match;
    bool has_signing_time;
    int64_t signing_time;
    enum wax_digest_alg digest;
    enum wax_sig_scheme signature_algorithm;
    bool weak; /* a weak algorithm accepted (allow_weak) */
    char *chain[WAX_MAX_PATH_DEPTH]; /* subjects, leaf first, to the anchor */
    size_t num_chain;
    bool chain_reached_anchor;
    /* For --harvest: copies of the signer certificate, its capabilities
     * attribute value and the chain certificates (DER); NULL/0 when
     * absent. */
    uint8_t *cert_der;
    size_t cert_len;
    uint8_t *smime_capabilities;
    size_t smime_capabilities_len;
    /* CHAIN_DER: DER copies of the certificates of the chain that
     * VALIDATED (filled only when path validation succeeded), in chain
     * order, the leaf EXCLUDED and the anchor EXCLUDED (the anchor is the
     * caller's, not the message's); NUM_CHAIN_DER of them.
     * ENC_PREF: a copy of the raw SMIMEEncryptionKeyPreference attribute
     * value (the CHOICE element, RFC 8551 §2.5.3; only its outer syntax
     * was checked), NULL when absent. ENC_CERT: a DER copy of the
     * certificate among the message's certificates that ENC_PREF names
     * (issuerAndSerialNumber [0], the subjectKeyIdentifier of a
     * RecipientKeyIdentifier [1], or subjectAltKeyIdentifier [2]), NULL
     * when none matches or it does not validate for S/MIME encryption
     * under the signer's trust (anchors, CRLs, time). ENC_PREF and
     * ENC_CERT are filled only for a signer whose chain validated. All owned by
     * the report (wax_smime_report_cleanup). */
    uint8_t *chain_der[WAX_MAX_PATH_DEPTH];
    size_t chain_der_lens[WAX_MAX_PATH_DEPTH];
    size_t num_chain_der;
    uint8_t *enc_pref;
    size_t enc_pref_len;
    uint8_t *enc_cert;
    size_t enc_cert_len;
};

/* A certificate carried in the message (inspect). */
struct wax_smime_cert_report {
    char *subject;
    char *issuer;
    char *serial;
    char sha256[65];
};

/*
 * The report of one operation. Initialise with wax_smime_report_init (or
 * zero it), pass to the operation, read after the input sink's close(),
 * free with wax_smime_report_cleanup. Everything an operation puts here
 * comes from untrusted input: render it through wax_smime_report_json or
 * wax_smime_escape (SECURITY.md rule 11).
 *
 *  STATUS, VERDICT, ERR   see above; ERR is the first error (WAX_OK on
 *                         full success); ERR_INDEX the signer, recipient or
 *                         identity it is about (SIZE_MAX otherwise).
 *  LAYERS, SIGNERS, RECIPIENTS, CERTS  as found.
 *  FROM                   the address(es) signers were bound against
 *                         (from the message or the override), NULL if none.
 *  RELEASED               content was written to OUT;
 *  RELEASED_UNVERIFIED    ... under release_unverified with a verdict that
 *                         is not positive.
 *  CONTENT_LEN            bytes of content (signed content, plaintext).
 *  WARNINGS               human-readable, malloc'd, at most
 *                         WAX_MAX_SMIME_WARNINGS.
 *  PROTECTED_HEADERS, OUTER_MISMATCHES  RFC 9788 (seal/open, later):
 *                         currently always empty.
 */
struct wax_smime_report {
    enum wax_smime_status status;
    enum wax_smime_verdict verdict;
    wax_err err;
    size_t err_index;
    struct wax_smime_layer layers[WAX_MAX_SMIME_LAYERS];
    size_t num_layers;
    struct wax_smime_signer_report signers[WAX_MAX_CMS_SIGNERS];
    size_t num_signers;
    struct wax_smime_recipient_report recipients[WAX_MAX_CMS_RECIPIENTS];
    size_t num_recipients;
    struct wax_smime_cert_report *certs; /* malloc'd array */
    size_t num_certs;
    char *from[WAX_MAX_SMIME_EMAILS];
    size_t num_from;
    bool released;
    bool released_unverified;
    uint64_t content_len;
    char *warnings[WAX_MAX_SMIME_WARNINGS];
    size_t num_warnings;
    size_t num_dropped_warnings;
    char **protected_header_names;
    char **protected_header_values;
    size_t num_protected_headers;
    char **outer_mismatches;
    size_t num_outer_mismatches;
};

WAX_API void wax_smime_report_init(struct wax_smime_report *r);
WAX_API void wax_smime_report_cleanup(struct wax_smime_report *r);

/*
 * wax_smime_report_json writes R as one JSON object (no trailing newline)
 * with exactly the fields of DESIGN.md's --json report (absent when not
 * applicable): verdict, error, layers (type, form, cipher, recipients
 * with key_transport, issuer, serial, ski), signers (verdict, error,
 * subject, issuer, serial, sha256, emails, from_match, signing_time
 * (RFC 3339, UTC), digest, signature_algorithm, chain), protected_headers,
 * outer_mismatches, warnings; and for inspect "certificates" (subject,
 * issuer, serial, sha256). Every string is escaped as JSON with every
 * control character, DEL, '"' and '\' as \uXXXX / \" / \\, and bytes that
 * are not valid UTF-8 as \u00XX of their value (so the output is always
 * valid UTF-8 JSON: SECURITY.md rule 11). Errors: those of OUT.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_smime_report_json(const struct wax_smime_report *r, wax_sink *out);

/*
 * wax_smime_escape writes S (NUL-terminated, untrusted) to OUT for a
 * terminal: printable ASCII and valid UTF-8 stay (except '\'), everything
 * else - control characters, DEL, ESC sequences, invalid UTF-8, '\' -
 * becomes \xHH; NUL-terminated; truncated with "..." when OUT_CAP is too
 * small (OUT_CAP >= 4). Returns OUT.
 */
WAX_API char *wax_smime_escape(char *out, size_t out_cap, const char *s);

/* ------------------------------------------------------------------ */
/* Operations.                                                         */

struct wax_smime_op;

/*
 * The constructors check the options and keys and prepare the pipeline;
 * OUT (which must outlive OP; NULL only for inspect) receives the result,
 * REP (which must outlive OP) the report. OPTS is read during the call
 * only, but what it points to (keys, certificate bytes, strings) must
 * outlive OP. Errors of the constructors (also put in REP, status ERROR):
 * WAX_ERR_INVALID_ARGUMENT, WAX_ERR_SMIME_BAD_OPTION, the leaf-policy and
 * time codes named above, WAX_ERR_CRYPTO_KEY_MISMATCH,
 * WAX_ERR_CMS_* of the encoders, WAX_ERR_NOMEM.
 */
WAX_API WAX_MUST_CHECK wax_err wax_smime_sign_new(
    struct wax_smime_op **out_op, const struct wax_smime_sign_opts *opts,
    wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err wax_smime_verify_new(
    struct wax_smime_op **out_op, const struct wax_smime_verify_opts *opts,
    wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err wax_smime_encrypt_new(
    struct wax_smime_op **out_op, const struct wax_smime_encrypt_opts *opts,
    wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err wax_smime_decrypt_new(
    struct wax_smime_op **out_op, const struct wax_smime_decrypt_opts *opts,
    wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err wax_smime_inspect_new(
    struct wax_smime_op **out_op, const struct wax_smime_inspect_opts *opts,
    struct wax_smime_report *rep);

/* wax_smime_op_sink: the input (the message or CMS object). Its close()
 * runs the operation to the end (see the top of this file). */
WAX_API wax_sink *wax_smime_op_sink(struct wax_smime_op *op);

/* wax_smime_op_content_sink: verify with DETACHED_CONTENT only: the
 * detached content, pushed and closed before or after the input sink is
 * (the operation completes when both are closed; the second close returns
 * the outcome). NULL for every other operation. */
WAX_API wax_sink *wax_smime_op_content_sink(struct wax_smime_op *op);

/* wax_smime_op_free discards any spooled content and frees OP (NULL is
 * fine). It does not touch OUT or REP. */
WAX_API void wax_smime_op_free(struct wax_smime_op *op);

/*
 * One-shot forms over a buffer: run the operation on the LEN bytes at IN
 * (and, for verify with DETACHED_CONTENT, the CONTENT_LEN bytes at
 * CONTENT) and return the outcome as the sink's close() does.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_smime_sign(const struct wax_smime_sign_opts *opts, const uint8_t *in,
               size_t len, wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err
wax_smime_verify(const struct wax_smime_verify_opts *opts, const uint8_t *in,
                 size_t len, const uint8_t *content, size_t content_len,
                 wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err
wax_smime_encrypt(const struct wax_smime_encrypt_opts *opts, const uint8_t *in,
                  size_t len, wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err
wax_smime_decrypt(const struct wax_smime_decrypt_opts *opts, const uint8_t *in,
                  size_t len, wax_sink *out, struct wax_smime_report *rep);
WAX_API WAX_MUST_CHECK wax_err
wax_smime_inspect(const struct wax_smime_inspect_opts *opts, const uint8_t *in,
                  size_t len, struct wax_smime_report *rep);

/* ------------------------------------------------------------------ */
/* Address helpers (exposed for the CLI and tests).                    */

/*
 * wax_smime_parse_addresses parses an RFC 5322 address-list field value
 * (From:, Sender:, To:; unfolded or folded) and writes each addr-spec as
 * "local@domain" (quoting of a quoted local part removed, comments and
 * display names dropped; groups contribute their members) into OUT[i]
 * (each WAX_MAX_SMIME_ADDRESS + 1 bytes, NUL-terminated), at most
 * MAX_OUT of them; *OUT_NUM receives the count. Errors:
 * WAX_ERR_SMIME_BAD_ADDRESS (syntax, an address over
 * WAX_MAX_SMIME_ADDRESS, a value over WAX_MAX_SMIME_ADDRESS_FIELD),
 * WAX_ERR_LIMIT_EXCEEDED (more than MAX_OUT addresses). Bytes >= 0x80 are
 * accepted in local parts and domains (RFC 6532).
 */
WAX_API WAX_MUST_CHECK wax_err wax_smime_parse_addresses(
    char (*out)[WAX_MAX_SMIME_ADDRESS + 1], size_t max_out, size_t *out_num,
    const uint8_t *value, size_t value_len);

/*
 * wax_smime_address_equal compares two "local@domain" addresses: local
 * parts exactly, domains ASCII case-insensitively. False for strings
 * without '@'.
 */
WAX_API bool wax_smime_address_equal(const char *a, const char *b);

/*
 * wax_smime_cert_emails writes the certificate's email addresses into
 * OUT (as wax_smime_parse_addresses does): the rfc822Name and
 * SmtpUTF8Mailbox subjectAltNames, or, when there is none, the subject's
 * emailAddress attributes. Addresses over WAX_MAX_SMIME_ADDRESS are
 * skipped; at most MAX_OUT are written (the rest are dropped).
 */
WAX_API WAX_MUST_CHECK wax_err
wax_smime_cert_emails(char (*out)[WAX_MAX_SMIME_ADDRESS + 1], size_t max_out,
                      size_t *out_num, const struct wax_x509_cert *cert);

#endif
