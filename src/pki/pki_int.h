/*
 * src/pki/pki_int.h - helpers shared by the pki layer's files (not
 * installed).
 */
#ifndef WAX_PKI_INT_H
#define WAX_PKI_INT_H

#include <wax/pki.h>

/*
 * pki_email_check checks one subjectAltName email address (the rules of
 * wax_pki_cert_make: WAX_ERR_PKI_BAD_EMAIL, WAX_ERR_PKI_EMAIL_NEEDS_IDNA).
 * *OUT_LEN is its length; *OUT_SMTPUTF8 tells whether the local part is
 * not ASCII (an SmtpUTF8Mailbox, RFC 9598) or it is an rfc822Name.
 */
wax_err pki_email_check(const char *email, size_t *out_len, bool *out_smtputf8);

/* pki_uri_check checks a URI as wax_pki_cert_make does for CRL_URI
 * (WAX_ERR_PKI_BAD_URI); *OUT_LEN is its length. */
wax_err pki_uri_check(const char *uri, size_t *out_len);

/*
 * pki_sig_alg_for_key chooses the signature algorithm for certificates and
 * CRLs signed by KEY (see wax_pki_cert_make) and gives its
 * AlgorithmIdentifier OID and whether its parameters are NULL (RSA) or
 * absent. WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY for other key types.
 */
wax_err pki_sig_alg_for_key(const struct wax_privkey *key,
                            struct wax_sig_alg *out_alg,
                            enum wax_oid_id *out_oid, bool *out_null_params);

/* pki_key_id computes the RFC 5280 §4.2.1.2 method 1 key identifier (SHA-1
 * of the subjectPublicKey BIT STRING octets) of the SubjectPublicKeyInfo
 * SPKI into OUT (WAX_PKI_KEY_ID_BYTES bytes). */
wax_err pki_key_id(struct wax_span spki, uint8_t out[WAX_PKI_KEY_ID_BYTES]);

/* The DER pieces cert.c writes, shared with requests and CRLs. */

/* pki_add_alg_id: AlgorithmIdentifier { OID, NULL parameters or none }. */
wax_err pki_add_alg_id(struct wax_der_builder *b, enum wax_oid_id oid,
                       bool null_params);
/* pki_ext_open starts an Extension in EXTS (critical encoded only when
 * true) and opens its extnValue OCTET STRING as *VALUE; pki_ext_close
 * closes both. */
wax_err pki_ext_open(struct wax_der_builder *exts, struct wax_der_builder *ext,
                     struct wax_der_builder *value, enum wax_oid_id id,
                     bool critical);
wax_err pki_ext_close(struct wax_der_builder *ext,
                      struct wax_der_builder *value);
/* keyUsage (critical), extendedKeyUsage (not critical), subjectAltName of
 * email addresses (checked with pki_email_check), authorityKeyIdentifier
 * with a keyIdentifier. */
wax_err pki_add_key_usage(struct wax_der_builder *exts, uint32_t ku);
wax_err pki_add_eku(struct wax_der_builder *exts, const enum wax_oid_id *ekus,
                    size_t num_ekus);
wax_err pki_add_san(struct wax_der_builder *exts, const char *const *emails,
                    size_t num_emails, bool critical);
wax_err pki_add_aki(struct wax_der_builder *exts, struct wax_span key_id);

/*
 * pki_sign_wrap signs TBS (TBS_LEN bytes: a TBSCertificate, TBSCertList
 * or CertificationRequestInfo TLV) with KEY and writes to B
 *   SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING signature }
 * with the algorithm pki_sig_alg_for_key chooses.
 */
wax_err pki_sign_wrap(struct wax_der_builder *b, const uint8_t *tbs,
                      size_t tbs_len, const struct wax_privkey *key);

#endif
