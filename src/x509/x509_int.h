/*
 * src/x509/x509_int.h - helpers shared by the x509 layer's files (not
 * installed). Every function follows the reader's rule: on failure the
 * input span is left as it was.
 */
#ifndef WAX_X509_INT_H
#define WAX_X509_INT_H

#include <wax/x509.h>

/* x509_oid_id looks an OID (contents) up in the der layer's table. */
enum wax_oid_id x509_oid_id(struct wax_span oid);

/* x509_get_serial reads a CertificateSerialNumber INTEGER: at most
 * WAX_MAX_SERIAL_OCTETS magnitude octets; *OUT_FLAGS gets
 * WAX_X509_FLAG_SERIAL_ZERO / _NEGATIVE. Errors: BAD. */
wax_err x509_get_serial(struct wax_span *in, struct wax_span *out,
                        uint32_t *out_flags, wax_err bad);

/* x509_get_time reads a Time (UTCTime or GeneralizedTime). */
bool x509_get_time(struct wax_span *in, int64_t *out);

/* x509_get_name reads a Name TLV and checks it (wax_x509_name_check). */
wax_err x509_get_name(struct wax_span *in, struct wax_span *out);

/* x509_exts_parse reads an Extensions SEQUENCE TLV (SIZE 1..MAX) into
 * EXTS: duplicates rejected, the "known" flag set by KNOWN(id).
 * Errors: BAD, WAX_ERR_X509_DUPLICATE_EXTENSION, WAX_ERR_LIMIT_EXCEEDED,
 * WAX_ERR_DER_DEFAULT_ENCODED (critical FALSE encoded). */
wax_err x509_exts_parse(struct wax_span extensions, struct wax_x509_exts *exts,
                        bool (*known)(enum wax_oid_id), wax_err bad);

/* x509_cert_ext_known: the extensions wax_x509_ext_info decodes. */
bool x509_cert_ext_known(enum wax_oid_id id);

/* x509_ext_info_decode decodes every known extension of EXTS into INFO. */
wax_err x509_ext_info_decode(const struct wax_x509_exts *exts,
                             struct wax_x509_ext_info *info);

/* x509_aki_decode: AuthorityKeyIdentifier from an extnValue. */
wax_err x509_aki_decode(struct wax_span value, struct wax_x509_aki *out);

/* x509_general_names_check walks GeneralNames contents (non-empty). */
wax_err x509_general_names_check(struct wax_span list, wax_err bad);

/* x509_dist_point_name decodes a DistributionPointName CHOICE element
 * (the contents of its [0] wrapper). */
wax_err x509_dp_name_decode(struct wax_span dpn, bool *has_full,
                            struct wax_span *full, bool *has_rel,
                            struct wax_span *rel, wax_err bad);

/* x509_get_reason_flags reads a [n] IMPLICIT ReasonFlags element. */
bool x509_get_reason_flags(struct wax_span *in, uint32_t tag, uint32_t *out);

/* x509_verify_signed checks SIG over TBS with the key SPKI. */
wax_err x509_verify_signed(const struct wax_sig_alg *alg, wax_err alg_err,
                           struct wax_span spki, struct wax_span tbs,
                           struct wax_span sig);

/* x509_utf8_valid: LEN bytes of well-formed UTF-8 (RFC 3629). */
bool x509_utf8_valid(const uint8_t *p, size_t len);

/* x509_utf8_decode decodes one code point from a well-formed sequence,
 * returns its length (0 when malformed). */
size_t x509_utf8_decode(const uint8_t *p, size_t len, uint32_t *out_cp);

#endif
