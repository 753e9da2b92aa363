/*
 * CRLs (RFC 5280 §5): CertificateList, revoked entries and the CRL and
 * entry extensions.
 */
#include <string.h>

#include "x509_int.h"

static bool
crl_ext_known(enum wax_oid_id id)
{
    switch (id) {
    case WAX_OID_CE_CRL_NUMBER:
    case WAX_OID_CE_DELTA_CRL_INDICATOR:
    case WAX_OID_CE_ISSUING_DISTRIBUTION_POINT:
    case WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER:
    case WAX_OID_CE_ISSUER_ALT_NAME:
    case WAX_OID_CE_FRESHEST_CRL:
    case WAX_OID_PE_AUTHORITY_INFO_ACCESS:
        return true;
    default:
        return false;
    }
}

static bool
entry_ext_known(enum wax_oid_id id)
{
    switch (id) {
    case WAX_OID_CE_CRL_REASON:
    case WAX_OID_CE_INVALIDITY_DATE:
    case WAX_OID_CE_CERTIFICATE_ISSUER:
        return true;
    default:
        return false;
    }
}

/* CRLNumber ::= INTEGER (0..MAX), at most 20 octets (RFC 5280 §5.2.3);
 * BaseCRLNumber (deltaCRLIndicator) the same. */
static wax_err
decode_crl_number(struct wax_span value, struct wax_span *out)
{
    struct wax_span s = value, v;
    bool negative;
    WAX_ENSURE(wax_der_get_integer(&s, &v, &negative) &&
                   wax_der_expect_end(&s) && !negative,
               WAX_ERR_X509_CRL_BAD_EXTENSIONS);
    size_t magnitude = v.len > 1 && v.p[0] == 0 ? v.len - 1 : v.len;
    WAX_ENSURE(magnitude <= 20, WAX_ERR_X509_CRL_BAD_EXTENSIONS);
    *out = v;
    return WAX_OK;
}

/* get_flag reads an optional [TAG] IMPLICIT BOOLEAN DEFAULT FALSE. */
static wax_err
get_flag(struct wax_span *in, uint32_t tag, bool *out)
{
    struct wax_span v;
    bool present;
    *out = false;
    WAX_ENSURE(wax_der_get_optional(in, tag, &v, &present),
               WAX_ERR_X509_CRL_BAD_EXTENSIONS);
    if (present) {
        WAX_ENSURE(v.len == 1 && (v.p[0] == 0x00 || v.p[0] == 0xFF),
                   WAX_ERR_X509_CRL_BAD_EXTENSIONS);
        WAX_ENSURE(v.p[0] == 0xFF, WAX_ERR_DER_DEFAULT_ENCODED);
        *out = true;
    }
    return WAX_OK;
}

/*
 *   IssuingDistributionPoint ::= SEQUENCE {
 *       distributionPoint          [0] DistributionPointName OPTIONAL,
 *       onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
 *       onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
 *       onlySomeReasons            [3] ReasonFlags OPTIONAL,
 *       indirectCRL                [4] BOOLEAN DEFAULT FALSE,
 *       onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 * RFC 5280 §5.2.5: at most one of the three "only contains" flags, and
 * not an empty sequence.
 */
static wax_err
decode_idp(struct wax_span value, struct wax_x509_idp *out)
{
    struct wax_span s = value, seq, v;
    struct wax_x509_idp d = {0};
    bool present;
    const wax_err bad = WAX_ERR_X509_CRL_BAD_EXTENSIONS;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_expect_end(&s) && seq.len > 0,
               bad);
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(0), &v, &present), bad);
    if (present) {
        WAX_TRY(x509_dp_name_decode(v, &d.has_full_name, &d.full_name,
                                    &d.has_relative_name, &d.relative_name,
                                    bad));
    }
    WAX_TRY(get_flag(&seq, WAX_DER_CONTEXT_TAG(1), &d.only_user_certs));
    WAX_TRY(get_flag(&seq, WAX_DER_CONTEXT_TAG(2), &d.only_ca_certs));
    if (wax_der_peek(&seq, WAX_DER_CONTEXT_TAG(3))) {
        WAX_ENSURE(
            x509_get_reason_flags(&seq, WAX_DER_CONTEXT_TAG(3), &d.reasons),
            bad);
        d.has_reasons = true;
    }
    WAX_TRY(get_flag(&seq, WAX_DER_CONTEXT_TAG(4), &d.indirect_crl));
    WAX_TRY(get_flag(&seq, WAX_DER_CONTEXT_TAG(5), &d.only_attribute_certs));
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    WAX_ENSURE((int)d.only_user_certs + (int)d.only_ca_certs +
                       (int)d.only_attribute_certs <=
                   1,
               bad);
    d.present = true;
    *out = d;
    return WAX_OK;
}

static wax_err
decode_crl_exts(struct wax_x509_crl *c)
{
    for (size_t i = 0; i < c->exts.num; i++) {
        const struct wax_x509_ext *e = &c->exts.ext[i];
        if (!e->known) {
            continue;
        }
        WAX_TRY(wax_der_validate(e->value.p, e->value.len, WAX_MAX_DER_DEPTH));
        switch (e->id) {
        case WAX_OID_CE_CRL_NUMBER:
            WAX_TRY(decode_crl_number(e->value, &c->crl_number));
            c->has_crl_number = true;
            break;
        case WAX_OID_CE_DELTA_CRL_INDICATOR:
            WAX_TRY(decode_crl_number(e->value, &c->delta_crl_indicator));
            c->has_delta_crl_indicator = true;
            break;
        case WAX_OID_CE_ISSUING_DISTRIBUTION_POINT:
            WAX_TRY(decode_idp(e->value, &c->idp));
            break;
        case WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER:
            WAX_TRY(x509_aki_decode(e->value, &c->aki));
            break;
        case WAX_OID_CE_ISSUER_ALT_NAME:
        case WAX_OID_CE_FRESHEST_CRL:
        case WAX_OID_PE_AUTHORITY_INFO_ACCESS: {
            /* Same syntax as in certificates. */
            struct wax_x509_exts one = {0};
            struct wax_x509_ext_info info;
            one.num = 1;
            one.ext[0] = *e;
            WAX_TRY(x509_ext_info_decode(&one, &info));
            break;
        }
        default:
            break;
        }
    }
    return WAX_OK;
}

/*
 *   CRLReason ::= ENUMERATED { unspecified (0), keyCompromise (1),
 *       cACompromise (2), affiliationChanged (3), superseded (4),
 *       cessationOfOperation (5), certificateHold (6), -- 7 unused
 *       removeFromCRL (8), privilegeWithdrawn (9), aACompromise (10) }
 *   InvalidityDate ::= GeneralizedTime
 *   CertificateIssuer ::= GeneralNames
 */
static wax_err
decode_entry_exts(struct wax_x509_crl_entry *e)
{
    for (size_t i = 0; i < e->exts.num; i++) {
        const struct wax_x509_ext *x = &e->exts.ext[i];
        struct wax_span s = x->value, v;
        if (!x->known) {
            continue;
        }
        WAX_TRY(wax_der_validate(x->value.p, x->value.len, WAX_MAX_DER_DEPTH));
        switch (x->id) {
        case WAX_OID_CE_CRL_REASON: {
            uint64_t r;
            WAX_ENSURE(wax_der_get_enumerated(&s, &r) &&
                           wax_der_expect_end(&s) && r <= 10 && r != 7,
                       WAX_ERR_X509_CRL_BAD_ENTRY);
            e->has_reason = true;
            e->reason = (enum wax_crl_reason)r;
            break;
        }
        case WAX_OID_CE_INVALIDITY_DATE:
            WAX_ENSURE(wax_der_get(&s, WAX_DER_GENERALIZED_TIME, &v) &&
                           wax_der_expect_end(&s) &&
                           wax_der_parse_time(WAX_DER_GENERALIZED_TIME, v,
                                              &e->invalidity_date),
                       WAX_ERR_X509_CRL_BAD_ENTRY);
            e->has_invalidity_date = true;
            break;
        case WAX_OID_CE_CERTIFICATE_ISSUER:
            WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &v) &&
                           wax_der_expect_end(&s),
                       WAX_ERR_X509_CRL_BAD_ENTRY);
            WAX_TRY(x509_general_names_check(v, WAX_ERR_X509_CRL_BAD_ENTRY));
            e->has_certificate_issuer = true;
            e->certificate_issuer = v;
            break;
        default:
            break;
        }
    }
    return WAX_OK;
}

void
wax_x509_crl_entries(const struct wax_x509_crl *crl, struct wax_x509_iter *it)
{
    wax_x509_iter_init(it, crl->revoked, WAX_ERR_X509_CRL_BAD_ENTRY);
}

/*
 *   revokedCertificates SEQUENCE OF SEQUENCE {
 *       userCertificate    CertificateSerialNumber,
 *       revocationDate     Time,
 *       crlEntryExtensions Extensions OPTIONAL } -- if present, version v2
 */
wax_err
wax_x509_crl_entry_next(struct wax_x509_iter *it,
                        struct wax_x509_crl_entry *out, bool *out_present)
{
    struct wax_span s = it->rest, seq, exts;
    struct wax_x509_crl_entry e;
    uint32_t flags;
    if (s.len == 0) {
        *out_present = false;
        return WAX_OK;
    }
    WAX_ENSURE(it->count < WAX_MAX_CRL_ENTRIES, WAX_ERR_LIMIT_EXCEEDED);
    memset(&e, 0, sizeof e);
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq), it->bad);
    /* Serials of revoked certificates are read like certificates' (zero
     * and negative ones included: they were issued). */
    WAX_TRY(x509_get_serial(&seq, &e.serial, &flags, it->bad));
    WAX_ENSURE(x509_get_time(&seq, &e.revocation_date), it->bad);
    if (seq.len > 0) {
        WAX_ENSURE(wax_der_get_element(&seq, WAX_DER_SEQUENCE, &exts) &&
                       wax_der_expect_end(&seq),
                   it->bad);
        WAX_TRY(x509_exts_parse(exts, &e.exts, entry_ext_known, it->bad));
        WAX_TRY(decode_entry_exts(&e));
    }
    /* Only a successful call changes the caller's state. */
    *out = e;
    it->rest = s;
    it->count++;
    *out_present = true;
    return WAX_OK;
}

static wax_err
parse_tbs(struct wax_x509_crl *c, struct wax_span tbs)
{
    struct wax_span s, v;
    bool present;
    const wax_err bad = WAX_ERR_X509_CRL_MALFORMED;
    WAX_ENSURE(wax_der_get(&tbs, WAX_DER_SEQUENCE, &s), bad);

    /* Version OPTIONAL -- if present, MUST be v2 */
    c->version = 1;
    if (wax_der_peek(&s, WAX_DER_INTEGER)) {
        uint64_t n;
        WAX_ENSURE(wax_der_get_u64(&s, &n) && n == 1,
                   WAX_ERR_X509_CRL_BAD_VERSION);
        c->version = 2;
    }
    WAX_TRY(wax_x509_algid_parse(&s, &c->sig_alg_id));
    WAX_TRY(x509_get_name(&s, &c->issuer));
    WAX_ENSURE(x509_get_time(&s, &c->this_update), bad);
    if (wax_der_peek(&s, WAX_DER_UTC_TIME) ||
        wax_der_peek(&s, WAX_DER_GENERALIZED_TIME)) {
        WAX_ENSURE(x509_get_time(&s, &c->next_update), bad);
        c->has_next_update = true;
    }
    WAX_ENSURE(
        wax_der_get_optional(&s, WAX_DER_SEQUENCE, &c->revoked, &present), bad);
    WAX_ENSURE(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &v, &present),
               WAX_ERR_X509_CRL_BAD_EXTENSIONS);
    if (present) {
        struct wax_span exts;
        WAX_ENSURE(c->version == 2, WAX_ERR_X509_CRL_BAD_VERSION);
        WAX_ENSURE(wax_der_get_element(&v, WAX_DER_SEQUENCE, &exts) &&
                       wax_der_expect_end(&v),
                   WAX_ERR_X509_CRL_BAD_EXTENSIONS);
        WAX_TRY(x509_exts_parse(exts, &c->exts, crl_ext_known,
                                WAX_ERR_X509_CRL_BAD_EXTENSIONS));
        WAX_TRY(decode_crl_exts(c));
    }
    WAX_ENSURE(wax_der_expect_end(&s), bad);

    /* Check every entry now, so that later walks cannot fail. */
    struct wax_x509_iter it;
    struct wax_x509_crl_entry e;
    wax_x509_crl_entries(c, &it);
    for (;;) {
        WAX_TRY(wax_x509_crl_entry_next(&it, &e, &present));
        if (!present) {
            break;
        }
        WAX_ENSURE(e.exts.num == 0 || c->version == 2,
                   WAX_ERR_X509_CRL_BAD_VERSION);
        c->num_unknown_critical_entry_exts += e.exts.num_unknown_critical;
    }
    c->num_revoked = it.count;
    return WAX_OK;
}

/*
 *   CertificateList ::= SEQUENCE {
 *       tbsCertList        TBSCertList,
 *       signatureAlgorithm AlgorithmIdentifier,
 *       signatureValue     BIT STRING }
 *   TBSCertList: see wax/x509.h.
 */
wax_err
wax_x509_crl_parse(struct wax_x509_crl *out, const uint8_t *der, size_t der_len)
{
    struct wax_span in, crl, seq, tbs, sig;
    struct wax_x509_algid outer;
    WAX_TRY(wax_der_validate(der, der_len, WAX_MAX_DER_DEPTH));
    memset(out, 0, sizeof *out);
    wax_span_init(&in, der, der_len);
    WAX_ENSURE(wax_der_get_element(&in, WAX_DER_SEQUENCE, &crl) &&
                   wax_der_expect_end(&in),
               WAX_ERR_X509_CRL_MALFORMED);
    out->der = crl;
    struct wax_span whole = crl;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_get_element(&seq, WAX_DER_SEQUENCE, &tbs),
               WAX_ERR_X509_CRL_MALFORMED);
    out->tbs = tbs;
    WAX_TRY(wax_x509_algid_parse(&seq, &outer));
    WAX_ENSURE(wax_der_get_bit_string_octets(&seq, &sig) &&
                   wax_der_expect_end(&seq),
               WAX_ERR_X509_CRL_MALFORMED);
    out->signature = sig;
    WAX_TRY(parse_tbs(out, tbs));
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
wax_x509_crl_find(const struct wax_x509_crl *crl, struct wax_span serial,
                  struct wax_x509_crl_entry *out, bool *out_found)
{
    struct wax_x509_iter it;
    struct wax_x509_crl_entry e;
    bool present;
    *out_found = false;
    wax_x509_crl_entries(crl, &it);
    for (;;) {
        WAX_TRY(wax_x509_crl_entry_next(&it, &e, &present));
        if (!present) {
            return WAX_OK;
        }
        if (wax_span_equal(e.serial, serial)) {
            if (out != NULL) {
                *out = e;
            }
            *out_found = true;
            return WAX_OK;
        }
    }
}

wax_err
wax_x509_crl_check_critical(const struct wax_x509_crl *crl)
{
    WAX_ENSURE(crl->exts.num_unknown_critical == 0 &&
                   crl->num_unknown_critical_entry_exts == 0,
               WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION);
    return WAX_OK;
}
