/*
 * wax/pki.h - the pki layer: making X.509 material with wax's own DER
 * builder and the crypto layer's keys (never OpenSSL's X509 code).
 *
 * Today: distinguished-name strings to DER Names, v3 certificates (self-
 * signed or issued by a CA certificate), the S/MIME certificate profiles,
 * PKCS#10 requests and certificates issued from them, CRLs, and a PEM
 * writer. Later in this layer: the CA's link to the store; the template
 * below grows by appending fields whose zero value keeps today's
 * behaviour.
 *
 * Nothing here reads a clock: validity times are passed in. Randomness
 * (serial numbers) comes from wax_random_bytes.
 */
#ifndef WAX_PKI_H
#define WAX_PKI_H

#include <wax/common.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/x509.h>

/* ------------------------------------------------------------------ */
/* Limits.                                                             */

/* Longest DN string wax_pki_dn_parse accepts, in bytes. */
#define WAX_MAX_PKI_DN_TEXT 4096
/* Largest DER Name wax_pki_dn_parse writes (never reached from
 * WAX_MAX_PKI_DN_TEXT bytes of text; a safety cap on the builder). */
#define WAX_MAX_PKI_NAME_BYTES 16384
/* Largest certificate wax_pki_cert_make writes. */
#define WAX_MAX_PKI_CERT_BYTES 65536
/* Email addresses in one subjectAltName made here. */
#define WAX_MAX_PKI_EMAILS 64
/* Longest email address (RFC 5321 §4.5.3.1.3: a 256-octet path minus the
 * angle brackets). */
#define WAX_MAX_PKI_EMAIL_LEN 254
/* extendedKeyUsage purposes in one certificate made here. */
#define WAX_MAX_PKI_EKUS 16
/* Longest CRL distribution point URI. */
#define WAX_MAX_PKI_URI_LEN 2048
/* Octets of the random serial numbers wax draws (RFC 5280 §4.1.2.2 allows
 * up to 20; 16 give 127 bits of randomness). */
#define WAX_PKI_SERIAL_BYTES 16
/* Octets of a key identifier (SHA-1, RFC 5280 §4.2.1.2 method 1). */
#define WAX_PKI_KEY_ID_BYTES 20
/* Largest certification request wax_pki_req_make writes. */
#define WAX_MAX_PKI_REQ_BYTES 65536
/* Largest CRL wax_pki_crl_make writes (WAX_MAX_CRL_ENTRIES entries of
 * the largest serials and every extension fit). */
#define WAX_MAX_PKI_CRL_BYTES ((size_t)1 << 27)

/* ------------------------------------------------------------------ */
/* Distinguished names.                                                */

/*
 * wax_pki_dn_parse appends to OUT the DER Name (RFC 5280 §4.1.2.4) that
 * the TEXT_LEN bytes of TEXT (UTF-8, no NUL) describe. Two forms, told
 * apart by the first character:
 *
 *   RFC 4514 (first character not '/'): "CN=Alice Lovelace,O=Example,C=DE".
 *     RDNs are written most specific first, so the DER order is the
 *     reverse; "+" joins the attributes of a multi-valued RDN. Spaces
 *     before an attribute type (at the start, after ',' or '+') are
 *     skipped; everywhere else the RFC 4514 §3 grammar is followed
 *     exactly: a value's leading or trailing space, a leading '#' that does
 *     not start a hexstring, and '"', '+', ',', ';', '<', '>', '\' must be
 *     escaped as "\c"; "\XX" is one byte in hex; "#" followed by hex pairs
 *     is the DER encoding of the value, used as given (it must be one
 *     valid DER element).
 *   OpenSSL (first character '/'): "/C=DE/O=Example/CN=Alice", RDNs in DER
 *     order, "+" joins a multi-valued RDN, and "\c" is the character c for
 *     any c ("\/", "\+", "\\"). "/" alone is the empty Name.
 *
 * The empty string is the empty Name (SEQUENCE {}).
 *
 * Attribute types, case-insensitive, by short name or long name, or as a
 * dotted OID (e.g. "2.5.4.3"; unknown OIDs get a UTF8String value):
 *   CN commonName, SN surname, serialNumber, C countryName, L localityName,
 *   ST stateOrProvinceName, street streetAddress, O organizationName,
 *   OU organizationalUnitName, title, description, postalCode, name,
 *   GN givenName, initials, generationQualifier, dnQualifier, pseudonym,
 *   organizationIdentifier, DC domainComponent, UID userId,
 *   emailAddress E, unstructuredName, unstructuredAddress (every name
 *   wax_x509_name_format writes, so its output parses back).
 * Value encodings: PrintableString for C, serialNumber and dnQualifier;
 * IA5String for emailAddress and DC; UTF8String for everything else.
 * Upper bounds (RFC 5280 Appendix A, in characters): C exactly 2;
 * CN, O, OU, title, serialNumber 64; L, ST, street, pseudonym 128;
 * postalCode 40; description 1024; emailAddress, unstructuredName 255;
 * UID 256.
 * The attributes of a multi-valued RDN are sorted as DER SET OF demands.
 *
 * Errors (OUT unchanged on every error):
 *   WAX_ERR_PKI_BAD_DN             the text does not follow the grammar: no
 *                                  '=', an empty RDN or attribute type, a
 *                                  character that must be escaped, a bad
 *                                  escape or hex pair, a NUL byte, the same
 *                                  type twice in one RDN, a malformed OID
 *   WAX_ERR_PKI_DN_UNKNOWN_ATTR    an attribute type name wax does not know
 *   WAX_ERR_PKI_DN_BAD_VALUE       a value not valid for its type: empty,
 *                                  not UTF-8, a control character (C0 or
 *                                  DEL), not PrintableString / IA5String
 *                                  characters where those are used, a
 *                                  hexstring that is not one DER element
 *   WAX_ERR_PKI_DN_VALUE_TOO_LONG  a value above its upper bound
 *   WAX_ERR_LIMIT_EXCEEDED         TEXT_LEN above WAX_MAX_PKI_DN_TEXT, or
 *                                  more than WAX_MAX_NAME_ATTRIBUTES
 *                                  attributes
 *   WAX_ERR_INVALID_ARGUMENT       TEXT NULL with TEXT_LEN > 0
 *   and the errors of wax_buf_append (WAX_ERR_NOMEM, OUT's cap).
 * Not checked: that an attribute makes sense in a certificate (any count
 * of any type is accepted) or that C is an ISO 3166 code.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_dn_parse(struct wax_buf *out,
                                                const char *text,
                                                size_t text_len);

/* ------------------------------------------------------------------ */
/* Certificates.                                                       */

/*
 * struct wax_pki_cert_template describes the certificate to make. Zero it
 * (wax_pki_cert_template_init) and set what you need; fields added later
 * keep today's behaviour at zero. The pointers are borrowed for the call.
 *
 *  SUBJECT/SUBJECT_LEN  the subject Name as one DER TLV (from
 *                       wax_pki_dn_parse, or a request's subject). May be
 *                       the empty Name for an end-entity certificate with
 *                       at least one email (subjectAltName is then
 *                       critical, RFC 5280 §4.2.1.6).
 *  NOT_BEFORE/NOT_AFTER validity, seconds since the epoch, inclusive;
 *                       UTCTime up to 2049, GeneralizedTime from 2050.
 *  CA, HAS_PATH_LEN, PATH_LEN
 *                       basicConstraints, always present and critical:
 *                       cA TRUE and the optional pathLenConstraint for a
 *                       CA, an empty SEQUENCE (cA FALSE) otherwise.
 *  KEY_USAGE            WAX_KU_* bits; critical; 0 omits keyUsage.
 *  EKUS/NUM_EKUS        extendedKeyUsage purposes (non-critical), by OID
 *                       id (WAX_OID_KP_EMAIL_PROTECTION...); 0 omits it.
 *  EMAILS/NUM_EMAILS    NUL-terminated UTF-8 addresses for subjectAltName:
 *                       an all-ASCII address is an rfc822Name; one whose
 *                       local part is not ASCII is an SmtpUTF8Mailbox
 *                       otherName (RFC 9598). 0 omits subjectAltName.
 *  CRL_URI              NUL-terminated URI of a cRLDistributionPoints
 *                       fullName; NULL omits the extension.
 *
 * subjectKeyIdentifier (SHA-1 of the subjectPublicKey bits, RFC 5280
 * §4.2.1.2 method 1) and authorityKeyIdentifier (the issuer's key
 * identifier: its subjectKeyIdentifier, else computed the same way from
 * its key; for a self-signed certificate its own) are always added.
 */
struct wax_pki_cert_template {
    const uint8_t *subject;
    size_t subject_len;
    int64_t not_before;
    int64_t not_after;
    bool ca;
    bool has_path_len;
    uint64_t path_len;
    uint32_t key_usage;
    const enum wax_oid_id *ekus;
    size_t num_ekus;
    const char *const *emails;
    size_t num_emails;
    const char *crl_uri;
};

/* wax_pki_cert_template_init zeroes T. */
WAX_API void wax_pki_cert_template_init(struct wax_pki_cert_template *t);

enum wax_pki_profile {
    /* A CA: cA TRUE, keyCertSign and cRLSign. */
    WAX_PKI_PROFILE_CA = 1,
    /* S/MIME signing: digitalSignature, nonRepudiation. */
    WAX_PKI_PROFILE_SIGN,
    /* S/MIME encryption: keyEncipherment (RSA) or keyAgreement (EC,
     * X25519, X448). */
    WAX_PKI_PROFILE_ENCRYPT,
    /* Both of the above on one key (RSA or EC). */
    WAX_PKI_PROFILE_DUAL,
};

/*
 * wax_pki_cert_template_profile sets T's CA flag (path length cleared),
 * key usage and extended key usage (emailProtection, for every profile
 * including CA: it limits the CA to email) for PROFILE and the subject key
 * SUBJECT_KEY, leaving every other field alone. The EKU list is static
 * storage. Errors: WAX_ERR_PKI_KEY_USAGE_MISMATCH when the key cannot do
 * what the profile says (an X25519/X448 key to sign or certify; an
 * Ed25519, Ed448, RSA-PSS or DSA key to encrypt); WAX_ERR_INVALID_ARGUMENT
 * for an unknown PROFILE or a NULL argument. T is unchanged on error.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_cert_template_profile(
    struct wax_pki_cert_template *t, enum wax_pki_profile profile,
    const struct wax_pubkey *subject_key);

/*
 * wax_pki_cert_make appends to OUT a DER X.509 v3 certificate for
 * SUBJECT_KEY as T describes, signed with ISSUER_KEY.
 *
 * ISSUER_CERT (ISSUER_CERT_LEN bytes of DER) is the issuer's certificate;
 * the new certificate's issuer is its subject, byte for byte. It must be a
 * CA (basicConstraints cA TRUE; keyCertSign if it has keyUsage) whose key
 * is ISSUER_KEY, and its pathLenConstraint must allow T to be a CA.
 * ISSUER_CERT NULL makes a self-signed certificate: the issuer is T's
 * subject (which must not be empty) and SUBJECT_KEY must be ISSUER_KEY's
 * public key.
 *
 * The serial number is WAX_PKI_SERIAL_BYTES random bytes with the top bit
 * cleared (positive), drawn again if zero. The signature algorithm follows
 * from ISSUER_KEY: RSA sha256WithRSAEncryption (parameters NULL), P-256
 * ecdsa-with-SHA256, P-384 ecdsa-with-SHA384, P-521 ecdsa-with-SHA512,
 * Ed25519 and Ed448 (parameters absent). Before returning, the result is
 * parsed back with wax_x509_cert_parse and its signature checked with the
 * issuer's public key.
 *
 * Errors (OUT unchanged on every error):
 *   WAX_ERR_INVALID_ARGUMENT        a NULL T, key or OUT; ISSUER_CERT NULL
 *                                   with a length; EKUS/EMAILS NULL with a
 *                                   count
 *   WAX_ERR_X509_BAD_NAME           SUBJECT is not one valid Name TLV
 *   WAX_ERR_PKI_BAD_VALIDITY        NOT_AFTER before NOT_BEFORE, or a time
 *                                   outside the years 0..9999
 *   WAX_ERR_PKI_BAD_TEMPLATE        a path length without CA; CA without
 *                                   keyCertSign or keyCertSign without CA;
 *                                   key usage bits above decipherOnly; an
 *                                   empty subject for a CA, a self-signed
 *                                   certificate or without emails; an EKU
 *                                   id that is not an OID of the table
 *   WAX_ERR_PKI_KEY_USAGE_MISMATCH  KEY_USAGE asks what SUBJECT_KEY cannot
 *                                   do (keyEncipherment/dataEncipherment
 *                                   need RSA, keyAgreement EC/X25519/X448,
 *                                   the signing bits a signing key)
 *   WAX_ERR_PKI_BAD_EMAIL           an email that is not local@domain with
 *                                   an RFC 5322 dot-atom local part of at
 *                                   most 64 octets (RFC 6532 UTF-8
 *                                   allowed; no quoted strings)
 *                                   and an LDH domain (labels 1..63, no
 *                                   leading/trailing '-', at most 253, no
 *                                   address literal); longer than
 *                                   WAX_MAX_PKI_EMAIL_LEN; not UTF-8
 *   WAX_ERR_PKI_EMAIL_NEEDS_IDNA    a non-ASCII domain, or an A-label
 *                                   ("xn--") domain with a non-ASCII local
 *                                   part: IDNA conversion is not done here
 *   WAX_ERR_PKI_BAD_URI             CRL_URI empty, longer than
 *                                   WAX_MAX_PKI_URI_LEN, without a scheme,
 *                                   or with characters outside printable
 *                                   ASCII (space excluded)
 *   WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY  ISSUER_KEY cannot sign certificates
 *                                   here (RSA-PSS, DSA, X25519, X448)
 *   WAX_ERR_PKI_ISSUER_KEY_MISMATCH ISSUER_KEY is not ISSUER_CERT's key (or,
 *                                   self-signed, not SUBJECT_KEY's)
 *   WAX_ERR_PKI_ISSUER_NOT_CA       ISSUER_CERT is not a CA certificate
 *   WAX_ERR_PKI_ISSUER_PATH_LEN     ISSUER_CERT has pathLenConstraint 0
 *                                   and T is a CA
 *   WAX_ERR_LIMIT_EXCEEDED          more than WAX_MAX_PKI_EKUS purposes or
 *                                   WAX_MAX_PKI_EMAILS emails, or a
 *                                   certificate above WAX_MAX_PKI_CERT_BYTES
 *   the parse errors of wax_x509_cert_parse for ISSUER_CERT, and the
 *   crypto layer's errors (signing, key export, random, WAX_ERR_NOMEM).
 * Not checked: that T's validity lies inside the issuer's, or that the
 * subject name is unique.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_cert_make(
    struct wax_buf *out, const struct wax_pki_cert_template *t,
    const struct wax_privkey *issuer_key, const uint8_t *issuer_cert,
    size_t issuer_cert_len, const struct wax_pubkey *subject_key);

/* ------------------------------------------------------------------ */
/* PKCS#10 certification requests (RFC 2986).                          */

/* What a request asks the key to be certified for. */
enum wax_pki_usage {
    /* digitalSignature, nonRepudiation */
    WAX_PKI_USAGE_SIGN = 1,
    /* keyEncipherment (RSA) or keyAgreement (EC) */
    WAX_PKI_USAGE_ENCRYPT,
    /* both of the above on one key */
    WAX_PKI_USAGE_BOTH,
};

/*
 * wax_pki_usage_parse maps the `wax req --usage` names "sign", "encrypt",
 * "both" to *OUT; wax_pki_profile_parse maps the `wax ca issue --profile`
 * names "smime-sign", "smime-encrypt", "smime-dual" (and "ca") to *OUT.
 * Exact, case-sensitive names. Errors: WAX_ERR_INVALID_ARGUMENT for any
 * other name or a NULL argument.
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_usage_parse(const char *name,
                                                   enum wax_pki_usage *out);
WAX_API WAX_MUST_CHECK wax_err wax_pki_profile_parse(const char *name,
                                                     enum wax_pki_profile *out);

/*
 * wax_pki_req_make appends to OUT a DER CertificationRequest (RFC 2986 §4)
 * for KEY:
 *   CertificationRequestInfo { version v1(0), SUBJECT, KEY's SPKI,
 *     attributes [0] { extensionRequest (PKCS#9, RFC 2985 §5.4.2) {
 *       keyUsage (critical), extendedKeyUsage emailProtection,
 *       subjectAltName of EMAILS (critical with an empty subject) } } }
 * signed with KEY: RSA sha256WithRSAEncryption, P-256 ecdsa-with-SHA256,
 * P-384 ecdsa-with-SHA384, P-521 ecdsa-with-SHA512, Ed25519, Ed448.
 *
 * SUBJECT/SUBJECT_LEN is one DER Name TLV (wax_pki_dn_parse), empty only
 * with at least one email. EMAILS (NUM_EMAILS NUL-terminated UTF-8
 * addresses) follow wax_pki_cert_make's rules: rfc822Name, or
 * SmtpUTF8Mailbox for a non-ASCII local part. USAGE picks the key usage
 * as wax_pki_cert_template_profile does for the profiles SIGN, ENCRYPT
 * and DUAL. The result is parsed back with wax_x509_req_parse and its
 * signature checked before it is appended.
 *
 * Errors (OUT unchanged on every error):
 *   WAX_ERR_INVALID_ARGUMENT        a NULL OUT or KEY, SUBJECT or EMAILS
 *                                   NULL with a length or count, an
 *                                   unknown USAGE
 *   WAX_ERR_X509_BAD_NAME           SUBJECT is not one valid Name TLV
 *   WAX_ERR_PKI_BAD_TEMPLATE        an empty subject without emails
 *   WAX_ERR_PKI_REQ_KEY_CANNOT_SIGN KEY cannot sign (X25519, X448) or is a
 *                                   type wax does not sign with (RSA-PSS,
 *                                   DSA, other curves)
 *   WAX_ERR_PKI_KEY_USAGE_MISMATCH  USAGE asks what KEY cannot do
 *                                   (ENCRYPT or BOTH with an Ed25519 key)
 *   WAX_ERR_PKI_BAD_EMAIL, WAX_ERR_PKI_EMAIL_NEEDS_IDNA  (an email)
 *   WAX_ERR_LIMIT_EXCEEDED          more than WAX_MAX_PKI_EMAILS emails, or
 *                                   a request above WAX_MAX_PKI_REQ_BYTES
 *   the crypto layer's errors (signing, key export, WAX_ERR_NOMEM).
 * Not checked: key strength (a CA made with wax refuses RSA keys under
 * 2048 bits: wax_pki_req_to_template).
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_req_make(
    struct wax_buf *out, const uint8_t *subject, size_t subject_len,
    const char *const *emails, size_t num_emails, enum wax_pki_usage usage,
    const struct wax_privkey *key);

/*
 * struct wax_pki_from_req is a request turned into a certificate
 * template (wax_pki_req_to_template). T borrows the request's bytes
 * (SUBJECT) and this struct's EMAIL_TEXT; KEY is the request's public
 * key, owned here (wax_pki_from_req_cleanup frees it).
 */
struct wax_pki_from_req {
    struct wax_pki_cert_template t;
    struct wax_pubkey *key;
    const char *emails[WAX_MAX_PKI_EMAILS];
    char email_text[WAX_MAX_PKI_EMAILS][WAX_MAX_PKI_EMAIL_LEN + 1];
};

/*
 * wax_pki_req_to_template parses the DER request REQ (REQ_LEN bytes),
 * checks its signature with its own key, and fills *OUT: T's subject is
 * the request's subject, T's emails the rfc822Name and SmtpUTF8Mailbox
 * entries of its requested subjectAltName (in order), and T's CA flag,
 * key usage and extendedKeyUsage come from PROFILE (SIGN, ENCRYPT or DUAL
 * only) and the request's key, as wax_pki_cert_template_profile sets
 * them. Every other requested extension (keyUsage, basicConstraints,
 * ...) is ignored: the CA decides. Validity and CRL_URI are left zero for
 * the caller. REQ must outlive OUT's use.
 *
 * Errors (*OUT holds no key on error):
 *   WAX_ERR_INVALID_ARGUMENT        NULL arguments, PROFILE CA or unknown
 *   the wax_x509_req_parse codes    REQ does not parse
 *   WAX_ERR_PKI_REQ_SIGNATURE_INVALID  the signature does not verify
 *   WAX_ERR_X509_UNSUPPORTED_SIG_ALG and the key loading codes of
 *                                   wax_x509_req_verify_signature
 *   WAX_ERR_PKI_REQ_UNSUPPORTED_NAME   the requested subjectAltName holds
 *                                   a name that is not an email address
 *   WAX_ERR_PKI_BAD_EMAIL           a requested email longer than
 *                                   WAX_MAX_PKI_EMAIL_LEN or with a NUL
 *                                   (the full check is wax_pki_cert_make's)
 *   WAX_ERR_LIMIT_EXCEEDED          more than WAX_MAX_PKI_EMAILS emails
 *   the wax_pubkey_from_spki codes  the request's key does not load
 *   WAX_ERR_PKI_REQ_WEAK_KEY        an RSA or DSA key under
 *                                   WAX_PATH_MIN_RSA_BITS (2048) bits, which
 *                                   wax_path_validate would refuse
 *   WAX_ERR_PKI_KEY_USAGE_MISMATCH  the request's key does not fit PROFILE
 *                                   (an Ed25519 key for ENCRYPT or DUAL, a
 *                                   DSA key for ENCRYPT)
 */
WAX_API WAX_MUST_CHECK wax_err
wax_pki_req_to_template(struct wax_pki_from_req *out, const uint8_t *req,
                        size_t req_len, enum wax_pki_profile profile);

/* wax_pki_from_req_cleanup frees OUT's key (safe to call twice and on a
 * zeroed struct). */
WAX_API void wax_pki_from_req_cleanup(struct wax_pki_from_req *r);

/*
 * wax_pki_cert_from_req issues a certificate from a request: the
 * template of wax_pki_req_to_template for PROFILE, with validity
 * NOT_BEFORE..NOT_AFTER and the cRLDistributionPoints URI CRL_URI (NULL:
 * none), made by wax_pki_cert_make with the CA's key CA_KEY and
 * certificate CA_CERT (a random serial, SKI and AKI). Appends the DER to
 * OUT. Errors: WAX_ERR_INVALID_ARGUMENT for a NULL OUT, CA_KEY or CA_CERT
 * (there is no self-signed form), and those of wax_pki_req_to_template
 * and wax_pki_cert_make (OUT unchanged on every error).
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_cert_from_req(
    struct wax_buf *out, const uint8_t *req, size_t req_len,
    enum wax_pki_profile profile, int64_t not_before, int64_t not_after,
    const char *crl_uri, const struct wax_privkey *ca_key,
    const uint8_t *ca_cert, size_t ca_cert_len);

/* ------------------------------------------------------------------ */
/* CRLs (RFC 5280 §5).                                                 */

/*
 * One revoked certificate for wax_pki_crl_make. SERIAL/SERIAL_LEN are the
 * INTEGER contents of its serial number (as wax_x509_cert's SERIAL gives
 * them: minimal two's complement, 1 to WAX_MAX_SERIAL_OCTETS + 1 octets).
 * HAS_REASON adds a reasonCode entry extension, except for UNSPECIFIED,
 * which RFC 5280 §5.3.1 says to leave out.
 */
struct wax_pki_crl_entry {
    const uint8_t *serial;
    size_t serial_len;
    int64_t revocation_time;
    bool has_reason;
    enum wax_crl_reason reason;
};

/*
 * wax_pki_crl_make appends to OUT a DER v2 CertificateList (RFC 5280
 * §5.1) issued by the CA whose certificate is ISSUER_CERT and key
 * ISSUER_KEY: issuer its subject, byte for byte; thisUpdate THIS_UPDATE
 * and nextUpdate NEXT_UPDATE (UTCTime up to 2049, GeneralizedTime from
 * 2050); the NUM_ENTRIES ENTRIES in the given order (revokedCertificates
 * is omitted when there are none); the CRL extensions
 * authorityKeyIdentifier (the issuer's SKI, else its key's SHA-1 key
 * identifier) and cRLNumber CRL_NUMBER, both non-critical. Signed as
 * wax_pki_cert_make signs; parsed back with wax_x509_crl_parse and its
 * signature checked before it is appended.
 *
 * Errors (OUT unchanged on every error):
 *   WAX_ERR_INVALID_ARGUMENT        a NULL OUT, key or certificate; ENTRIES
 *                                   NULL with a count; a NULL serial
 *   WAX_ERR_PKI_CRL_BAD_TIME        NEXT_UPDATE before THIS_UPDATE, or a
 *                                   time outside the years 0..9999
 *   WAX_ERR_PKI_CRL_BAD_SERIAL      a serial that is not minimal INTEGER
 *                                   contents of 1..21 octets
 *   WAX_ERR_PKI_CRL_BAD_REASON      a reason that is not a CRLReason
 *                                   value, or removeFromCRL (only for
 *                                   delta CRLs, which wax does not make)
 *   WAX_ERR_PKI_ISSUER_NOT_CA       ISSUER_CERT is not a CA
 *   WAX_ERR_PKI_ISSUER_NO_CRL_SIGN  its keyUsage lacks cRLSign
 *   WAX_ERR_PKI_ISSUER_KEY_MISMATCH ISSUER_KEY is not its key
 *   WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY  ISSUER_KEY cannot sign here
 *   WAX_ERR_LIMIT_EXCEEDED          more than WAX_MAX_CRL_ENTRIES entries,
 *                                   or a CRL above WAX_MAX_PKI_CRL_BYTES
 *   the parse errors of wax_x509_cert_parse for ISSUER_CERT, and the
 *   crypto layer's errors.
 * Not checked: that the serials are distinct or were issued by this CA,
 * that revocation times lie before THIS_UPDATE.
 */
WAX_API WAX_MUST_CHECK wax_err
wax_pki_crl_make(struct wax_buf *out, const uint8_t *issuer_cert,
                 size_t issuer_cert_len, const struct wax_privkey *issuer_key,
                 uint64_t crl_number, int64_t this_update, int64_t next_update,
                 const struct wax_pki_crl_entry *entries, size_t num_entries);

/*
 * wax_pki_crl_reason_name: the RFC 5280 name of a CRLReason value
 * ("unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
 * "superseded", "cessationOfOperation", "certificateHold",
 * "removeFromCRL", "privilegeWithdrawn", "aACompromise"), static; NULL
 * for any other value.
 */
WAX_API const char *wax_pki_crl_reason_name(enum wax_crl_reason reason);

/* wax_pki_crl_reason_parse: the CRLReason NAME spells (the names above,
 * ASCII case-insensitive). WAX_ERR_PKI_CRL_BAD_REASON for anything else,
 * WAX_ERR_INVALID_ARGUMENT for NULL. */
WAX_API WAX_MUST_CHECK wax_err
wax_pki_crl_reason_parse(const char *name, enum wax_crl_reason *out);

/* ------------------------------------------------------------------ */
/* PEM writing (RFC 7468).                                             */

/*
 * wax_pki_pem_write appends to OUT the PEM encoding of DER_LEN bytes of
 * DER under LABEL ("CERTIFICATE", "PRIVATE KEY", ...): the line
 * "-----BEGIN LABEL-----", the base64 in lines of 64 characters, the line
 * "-----END LABEL-----", each line ending in LF (RFC 7468 §2 strict form).
 * LABEL must follow RFC 7468 §3 (printable ASCII; single '-' or space only
 * between other characters) and be at most 64 characters:
 * WAX_ERR_INVALID_ARGUMENT otherwise. OUT is unchanged on error; for key
 * material pass a secret buffer (wax_buf_init_secret).
 */
WAX_API WAX_MUST_CHECK wax_err wax_pki_pem_write(struct wax_buf *out,
                                                 const char *label,
                                                 const uint8_t *der,
                                                 size_t der_len);

#endif
