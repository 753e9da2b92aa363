/*
 * Certificates (RFC 5280 §4.1): Certificate and TBSCertificate.
 */
#include <string.h>

#include "x509_int.h"

enum wax_oid_id
x509_oid_id(struct wax_span oid)
{
    return wax_oid_find(oid);
}

/* CertificateSerialNumber ::= INTEGER (RFC 5280 §4.1.2.2) */
wax_err
x509_get_serial(struct wax_span *in, struct wax_span *out, uint32_t *out_flags,
                wax_err bad)
{
    struct wax_span s = *in, v;
    bool negative;
    WAX_ENSURE(wax_der_get_integer(&s, &v, &negative), bad);
    /* Magnitude octets: a leading 0x00 only keeps the sign positive. */
    size_t magnitude = v.len;
    if (!negative && v.len > 1 && v.p[0] == 0) {
        magnitude--;
    }
    WAX_ENSURE(magnitude <= WAX_MAX_SERIAL_OCTETS, bad);
    uint32_t flags = 0;
    if (negative) {
        flags |= WAX_X509_FLAG_SERIAL_NEGATIVE;
    } else if (v.len == 1 && v.p[0] == 0) {
        flags |= WAX_X509_FLAG_SERIAL_ZERO;
    }
    *out = v;
    *out_flags = flags;
    *in = s;
    return WAX_OK;
}

/* Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime } */
bool
x509_get_time(struct wax_span *in, int64_t *out)
{
    return wax_der_get_time(in, out);
}

/* get_unique_id reads [TAG] IMPLICIT UniqueIdentifier (BIT STRING). */
static wax_err
get_unique_id(struct wax_span *in, uint32_t tag, bool *has,
              struct wax_span *out)
{
    struct wax_span v;
    WAX_ENSURE(wax_der_get_optional(in, tag, &v, has),
               WAX_ERR_X509_BAD_UNIQUE_ID);
    if (*has) {
        WAX_ENSURE(v.len > 0 && v.p[0] <= 7 && (v.len > 1 || v.p[0] == 0),
                   WAX_ERR_X509_BAD_UNIQUE_ID);
        /* DER: the unused bits are zero. */
        WAX_ENSURE((v.p[v.len - 1] & ((1u << v.p[0]) - 1)) == 0 || v.len == 1,
                   WAX_ERR_X509_BAD_UNIQUE_ID);
        out->p = v.p + 1;
        out->len = v.len - 1;
    }
    return WAX_OK;
}

/*
 *   Certificate ::= SEQUENCE {
 *       tbsCertificate     TBSCertificate,
 *       signatureAlgorithm AlgorithmIdentifier,
 *       signatureValue     BIT STRING }
 *
 *   TBSCertificate ::= SEQUENCE {
 *       version         [0] EXPLICIT Version DEFAULT v1,
 *       serialNumber        CertificateSerialNumber,
 *       signature           AlgorithmIdentifier,
 *       issuer              Name,
 *       validity            Validity,
 *       subject             Name,
 *       subjectPublicKeyInfo SubjectPublicKeyInfo,
 *       issuerUniqueID  [1] IMPLICIT UniqueIdentifier OPTIONAL, -- v2, v3
 *       subjectUniqueID [2] IMPLICIT UniqueIdentifier OPTIONAL, -- v2, v3
 *       extensions      [3] EXPLICIT Extensions OPTIONAL }      -- v3
 *
 *   Version ::= INTEGER { v1(0), v2(1), v3(2) }
 *   Validity ::= SEQUENCE { notBefore Time, notAfter Time }
 */
static wax_err
parse_tbs(struct wax_x509_cert *c, struct wax_span tbs)
{
    struct wax_span s, v;
    bool present;
    const wax_err bad = WAX_ERR_X509_MALFORMED;

    WAX_ENSURE(wax_der_get(&tbs, WAX_DER_SEQUENCE, &s), bad);

    c->version = 1;
    WAX_ENSURE(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &v, &present),
               WAX_ERR_X509_BAD_VERSION);
    if (present) {
        uint64_t n;
        WAX_ENSURE(wax_der_get_u64(&v, &n) && wax_der_expect_end(&v),
                   WAX_ERR_X509_BAD_VERSION);
        WAX_ENSURE(n != 0, WAX_ERR_DER_DEFAULT_ENCODED);
        WAX_ENSURE(n <= 2, WAX_ERR_X509_BAD_VERSION);
        c->version = (int)n + 1;
    }

    WAX_TRY(
        x509_get_serial(&s, &c->serial, &c->flags, WAX_ERR_X509_BAD_SERIAL));

    struct wax_x509_algid inner;
    WAX_TRY(wax_x509_algid_parse(&s, &inner));
    c->sig_alg_id = inner;

    WAX_TRY(x509_get_name(&s, &c->issuer));

    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &v),
               WAX_ERR_X509_BAD_VALIDITY);
    WAX_ENSURE(x509_get_time(&v, &c->not_before) &&
                   x509_get_time(&v, &c->not_after) && wax_der_expect_end(&v),
               WAX_ERR_X509_BAD_VALIDITY);

    WAX_TRY(x509_get_name(&s, &c->subject));

    struct wax_span spki;
    WAX_ENSURE(wax_der_get_element(&s, WAX_DER_SEQUENCE, &spki),
               WAX_ERR_X509_BAD_SPKI);
    WAX_TRY(wax_x509_spki_parse(spki, &c->spki));

    WAX_TRY(get_unique_id(&s, WAX_DER_CONTEXT_TAG(1), &c->has_issuer_uid,
                          &c->issuer_uid));
    WAX_TRY(get_unique_id(&s, WAX_DER_CONTEXT_TAG(2), &c->has_subject_uid,
                          &c->subject_uid));
    WAX_ENSURE(c->version >= 2 || (!c->has_issuer_uid && !c->has_subject_uid),
               WAX_ERR_X509_BAD_UNIQUE_ID);

    c->exts.num = 0;
    c->exts.num_unknown_critical = 0;
    WAX_ENSURE(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(3), &v, &present),
               WAX_ERR_X509_BAD_EXTENSIONS);
    if (present) {
        WAX_ENSURE(c->version == 3, WAX_ERR_X509_EXTENSIONS_IN_V1);
        struct wax_span exts;
        WAX_ENSURE(wax_der_get_element(&v, WAX_DER_SEQUENCE, &exts) &&
                       wax_der_expect_end(&v),
                   WAX_ERR_X509_BAD_EXTENSIONS);
        WAX_TRY(x509_exts_parse(exts, &c->exts, x509_cert_ext_known,
                                WAX_ERR_X509_BAD_EXTENSIONS));
        WAX_TRY(x509_ext_info_decode(&c->exts, &c->info));
    }
    WAX_ENSURE(wax_der_expect_end(&s), bad);
    return WAX_OK;
}

wax_err
wax_x509_cert_parse(struct wax_x509_cert *out, const uint8_t *der,
                    size_t der_len)
{
    struct wax_span in, cert, seq, tbs, sig;
    struct wax_x509_algid outer;

    /* Strict DER over the whole object first: the exact WAX_ERR_DER_*
     * (trailing data included) before any structural reading. */
    WAX_TRY(wax_der_validate(der, der_len, WAX_MAX_DER_DEPTH));

    memset(out, 0, sizeof *out);
    wax_span_init(&in, der, der_len);
    WAX_ENSURE(wax_der_get_element(&in, WAX_DER_SEQUENCE, &cert) &&
                   wax_der_expect_end(&in),
               WAX_ERR_X509_MALFORMED);
    out->der = cert;
    struct wax_span whole = cert;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq),
               WAX_ERR_X509_MALFORMED);
    WAX_ENSURE(wax_der_get_element(&seq, WAX_DER_SEQUENCE, &tbs),
               WAX_ERR_X509_MALFORMED);
    out->tbs = tbs;
    WAX_TRY(wax_x509_algid_parse(&seq, &outer));
    WAX_ENSURE(wax_der_get_bit_string_octets(&seq, &sig) &&
                   wax_der_expect_end(&seq),
               WAX_ERR_X509_MALFORMED);
    out->signature = sig;

    WAX_TRY(parse_tbs(out, tbs));

    /* RFC 5280 §4.1.1.2: the same algorithm identifier inside and out. */
    WAX_ENSURE(wax_span_equal(out->sig_alg_id.der, outer.der),
               WAX_ERR_X509_SIG_ALG_MISMATCH);
    out->sig_alg_err = wax_x509_sig_alg_decode(&outer, &out->sig_alg);
    if (out->sig_alg_err == WAX_ERR_X509_BAD_ALGORITHM ||
        out->sig_alg_err == WAX_ERR_DER_DEFAULT_ENCODED) {
        return out->sig_alg_err;
    }
    return WAX_OK;
}

wax_err
wax_x509_cert_check_critical(const struct wax_x509_cert *cert)
{
    WAX_ENSURE(cert->exts.num_unknown_critical == 0,
               WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION);
    return WAX_OK;
}

bool
wax_x509_cert_is_self_issued(const struct wax_x509_cert *cert)
{
    return wax_x509_name_equal(cert->subject, cert->issuer);
}
