/*
 * Making v2 CRLs (RFC 5280 §5.1) with the DER builder:
 *
 *   CertificateList ::= SEQUENCE {
 *       tbsCertList        TBSCertList,
 *       signatureAlgorithm AlgorithmIdentifier,
 *       signatureValue     BIT STRING }
 *   TBSCertList ::= SEQUENCE {
 *       version             Version OPTIONAL,  -- v2(1) here
 *       signature           AlgorithmIdentifier,
 *       issuer              Name,
 *       thisUpdate          Time,
 *       nextUpdate          Time OPTIONAL,     -- always present here
 *       revokedCertificates SEQUENCE OF SEQUENCE {
 *           userCertificate    CertificateSerialNumber,
 *           revocationDate     Time,
 *           crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
 *       crlExtensions       [0] EXPLICIT Extensions OPTIONAL }
 *
 * Entry extension: reasonCode (CRLReason ::= ENUMERATED, §5.3.1). CRL
 * extensions: authorityKeyIdentifier (§5.2.1) and cRLNumber (§5.2.3).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pki_int.h"

static const char *const reason_names[] = {
    [WAX_CRL_REASON_UNSPECIFIED] = "unspecified",
    [WAX_CRL_REASON_KEY_COMPROMISE] = "keyCompromise",
    [WAX_CRL_REASON_CA_COMPROMISE] = "cACompromise",
    [WAX_CRL_REASON_AFFILIATION_CHANGED] = "affiliationChanged",
    [WAX_CRL_REASON_SUPERSEDED] = "superseded",
    [WAX_CRL_REASON_CESSATION_OF_OPERATION] = "cessationOfOperation",
    [WAX_CRL_REASON_CERTIFICATE_HOLD] = "certificateHold",
    [WAX_CRL_REASON_REMOVE_FROM_CRL] = "removeFromCRL",
    [WAX_CRL_REASON_PRIVILEGE_WITHDRAWN] = "privilegeWithdrawn",
    [WAX_CRL_REASON_AA_COMPROMISE] = "aACompromise",
};
#define NUM_REASONS (sizeof reason_names / sizeof reason_names[0])

const char *
wax_pki_crl_reason_name(enum wax_crl_reason reason)
{
    if ((unsigned)reason >= NUM_REASONS) {
        return NULL;
    }
    return reason_names[reason];
}

wax_err
wax_pki_crl_reason_parse(const char *name, enum wax_crl_reason *out)
{
    WAX_ENSURE(name != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < NUM_REASONS; i++) {
        if (reason_names[i] != NULL && strcasecmp(name, reason_names[i]) == 0) {
            *out = (enum wax_crl_reason)i;
            return WAX_OK;
        }
    }
    WAX_FAIL(WAX_ERR_PKI_CRL_BAD_REASON);
}

/* ------------------------------------------------------------------ */
/* Checking the inputs.                                                */

static bool
time_ok(int64_t t)
{
    struct wax_civil_time ct;
    return wax_time_to_civil(t, &ct);
}

static wax_err
check_entry(const struct wax_pki_crl_entry *e)
{
    WAX_ENSURE(e->serial != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct wax_span s;
    wax_span_init(&s, e->serial, e->serial_len);
    WAX_ENSURE(e->serial_len >= 1 &&
                   e->serial_len <= WAX_MAX_SERIAL_OCTETS + 1 &&
                   wax_der_check_primitive(WAX_DER_INTEGER, s) == WAX_OK,
               WAX_ERR_PKI_CRL_BAD_SERIAL);
    WAX_ENSURE(time_ok(e->revocation_time), WAX_ERR_PKI_CRL_BAD_TIME);
    if (e->has_reason) {
        WAX_ENSURE(wax_pki_crl_reason_name(e->reason) != NULL &&
                       e->reason != WAX_CRL_REASON_REMOVE_FROM_CRL,
                   WAX_ERR_PKI_CRL_BAD_REASON);
    }
    return WAX_OK;
}

struct crl_issuer {
    struct wax_x509_cert cert; /* views into the caller's bytes */
    struct wax_span key_id;
    uint8_t key_id_buf[WAX_PKI_KEY_ID_BYTES];
};

static wax_err
crl_issuer_load(struct crl_issuer *is, const uint8_t *der, size_t len,
                const struct wax_privkey *key)
{
    WAX_TRY(wax_x509_cert_parse(&is->cert, der, len));
    const struct wax_x509_ext_info *info = &is->cert.info;
    WAX_ENSURE(info->has_basic_constraints && info->ca,
               WAX_ERR_PKI_ISSUER_NOT_CA);
    WAX_ENSURE(!info->has_key_usage || (info->key_usage & WAX_KU_CRL_SIGN),
               WAX_ERR_PKI_ISSUER_NO_CRL_SIGN);
    wax_err err =
        wax_privkey_match_spki(key, is->cert.spki.der.p, is->cert.spki.der.len);
    WAX_ENSURE(err != WAX_ERR_CRYPTO_KEY_MISMATCH,
               WAX_ERR_PKI_ISSUER_KEY_MISMATCH);
    WAX_TRY(err);
    if (info->has_ski) {
        is->key_id = info->ski;
        return WAX_OK;
    }
    WAX_TRY(pki_key_id(is->cert.spki.der, is->key_id_buf));
    wax_span_init(&is->key_id, is->key_id_buf, sizeof is->key_id_buf);
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Building.                                                           */

struct crl_parts {
    const struct crl_issuer *issuer;
    enum wax_oid_id sig_oid;
    bool sig_null_params;
    uint64_t number;
    int64_t this_update;
    int64_t next_update;
    const struct wax_pki_crl_entry *entries;
    size_t num_entries;
};

static wax_err
add_entry(struct wax_der_builder *list, const struct wax_pki_crl_entry *e)
{
    struct wax_der_builder seq, exts, ext, val;
    WAX_TRY(wax_der_builder_open(list, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_primitive(&seq, WAX_DER_INTEGER, e->serial,
                                          e->serial_len));
    WAX_TRY(wax_der_builder_add_time(&seq, e->revocation_time));
    if (e->has_reason && e->reason != WAX_CRL_REASON_UNSPECIFIED) {
        WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &exts));
        WAX_TRY(pki_ext_open(&exts, &ext, &val, WAX_OID_CE_CRL_REASON, false));
        WAX_TRY(wax_der_builder_add_enumerated(&val, (uint64_t)e->reason));
        WAX_TRY(pki_ext_close(&ext, &val));
        WAX_TRY(wax_der_builder_close(&exts));
    }
    return wax_der_builder_close(&seq);
}

static wax_err
build_tbs_crl(struct wax_der_builder *b, const struct crl_parts *p)
{
    struct wax_der_builder tbs, list, wrap, exts, ext, val;
    const struct wax_x509_cert *ic = &p->issuer->cert;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &tbs));
    WAX_TRY(wax_der_builder_add_u64(&tbs, 1)); /* v2 */
    WAX_TRY(pki_add_alg_id(&tbs, p->sig_oid, p->sig_null_params));
    WAX_TRY(wax_der_builder_add_element(&tbs, ic->subject.p, ic->subject.len));
    WAX_TRY(wax_der_builder_add_time(&tbs, p->this_update));
    WAX_TRY(wax_der_builder_add_time(&tbs, p->next_update));
    if (p->num_entries > 0) {
        WAX_TRY(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &list));
        for (size_t i = 0; i < p->num_entries; i++) {
            WAX_TRY(add_entry(&list, &p->entries[i]));
        }
        WAX_TRY(wax_der_builder_close(&list));
    }
    WAX_TRY(wax_der_builder_open(&tbs, WAX_DER_CONTEXT_CONS(0), &wrap));
    WAX_TRY(wax_der_builder_open(&wrap, WAX_DER_SEQUENCE, &exts));
    WAX_TRY(pki_add_aki(&exts, p->issuer->key_id));
    WAX_TRY(pki_ext_open(&exts, &ext, &val, WAX_OID_CE_CRL_NUMBER, false));
    WAX_TRY(wax_der_builder_add_u64(&val, p->number));
    WAX_TRY(pki_ext_close(&ext, &val));
    WAX_TRY(wax_der_builder_close(&exts));
    WAX_TRY(wax_der_builder_close(&wrap));
    return wax_der_builder_close(&tbs);
}

static wax_err
build_crl(struct wax_der_builder *b, const struct crl_parts *p,
          const struct wax_privkey *key)
{
    struct wax_der_builder tb;
    uint8_t *tbs = NULL;
    size_t tbs_len = 0;
    wax_der_builder_init(&tb, WAX_MAX_PKI_CRL_BYTES);
    wax_err err = build_tbs_crl(&tb, p);
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&tb, &tbs, &tbs_len);
    }
    wax_der_builder_cleanup(&tb);
    if (err == WAX_OK) {
        err = pki_sign_wrap(b, tbs, tbs_len, key);
    }
    free(tbs);
    return err;
}

static wax_err
crl_self_check(const uint8_t *der, size_t len, struct wax_span issuer_spki)
{
    struct wax_x509_crl *crl = malloc(sizeof *crl);
    WAX_ENSURE(crl != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_crl_parse(crl, der, len);
    if (err == WAX_OK) {
        err = wax_x509_crl_verify_signature(crl, issuer_spki);
    }
    free(crl);
    return err;
}

wax_err
wax_pki_crl_make(struct wax_buf *out, const uint8_t *issuer_cert,
                 size_t issuer_cert_len, const struct wax_privkey *issuer_key,
                 uint64_t crl_number, int64_t this_update, int64_t next_update,
                 const struct wax_pki_crl_entry *entries, size_t num_entries)
{
    WAX_ENSURE(out != NULL && issuer_cert != NULL && issuer_key != NULL &&
                   (entries != NULL || num_entries == 0),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(next_update >= this_update && time_ok(this_update) &&
                   time_ok(next_update),
               WAX_ERR_PKI_CRL_BAD_TIME);
    WAX_ENSURE(num_entries <= WAX_MAX_CRL_ENTRIES, WAX_ERR_LIMIT_EXCEEDED);
    for (size_t i = 0; i < num_entries; i++) {
        WAX_TRY(check_entry(&entries[i]));
    }
    struct crl_parts p = {0};
    struct wax_sig_alg alg;
    WAX_TRY(
        pki_sig_alg_for_key(issuer_key, &alg, &p.sig_oid, &p.sig_null_params));

    struct crl_issuer *is = malloc(sizeof *is);
    WAX_ENSURE(is != NULL, WAX_ERR_NOMEM);
    struct wax_der_builder b;
    uint8_t *der = NULL;
    size_t der_len = 0;
    wax_der_builder_init(&b, WAX_MAX_PKI_CRL_BYTES);
    wax_err err = crl_issuer_load(is, issuer_cert, issuer_cert_len, issuer_key);
    if (err == WAX_OK) {
        p.issuer = is;
        p.number = crl_number;
        p.this_update = this_update;
        p.next_update = next_update;
        p.entries = entries;
        p.num_entries = num_entries;
        err = build_crl(&b, &p, issuer_key);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &der_len);
    }
    if (err == WAX_ERR_DER_BUILDER_OVERFLOW) {
        err = WAX_ERR_LIMIT_EXCEEDED;
    }
    if (err == WAX_OK) {
        err = crl_self_check(der, der_len, is->cert.spki.der);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, der_len);
    }
    free(der);
    free(is);
    wax_der_builder_cleanup(&b);
    return err;
}
