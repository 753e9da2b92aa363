/*
 * Making X.509 v3 certificates (RFC 5280 §4.1) with the DER builder:
 *
 *   Certificate ::= SEQUENCE {
 *       tbsCertificate     TBSCertificate,
 *       signatureAlgorithm AlgorithmIdentifier,
 *       signatureValue     BIT STRING }
 *   TBSCertificate ::= SEQUENCE {
 *       version         [0] EXPLICIT Version DEFAULT v1,  -- v3(2) here
 *       serialNumber        CertificateSerialNumber,
 *       signature           AlgorithmIdentifier,
 *       issuer              Name,
 *       validity            Validity,
 *       subject             Name,
 *       subjectPublicKeyInfo SubjectPublicKeyInfo,
 *       extensions      [3] EXPLICIT Extensions OPTIONAL }
 *   Validity ::= SEQUENCE { notBefore Time, notAfter Time }
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                            extnValue OCTET STRING }
 *
 * The issuer's facts are read with the x509 parser; the result is parsed
 * back and its signature checked before it is handed out.
 */
#include <stdlib.h>
#include <string.h>

#include "pki_int.h"

/* Every WAX_KU_* bit RFC 5280 §4.2.1.3 names (digitalSignature ..
 * decipherOnly). */
#define PKI_KU_ALL ((1u << 9) - 1)

/* What a key type can be certified for. */
#define CAP_SIGN (1u << 0)
#define CAP_ENCIPHER (1u << 1)
#define CAP_AGREE (1u << 2)

#define KU_SIGN_BITS                                                           \
    (WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION |                       \
     WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN)
#define KU_ENCIPHER_BITS (WAX_KU_KEY_ENCIPHERMENT | WAX_KU_DATA_ENCIPHERMENT)
#define KU_AGREE_BITS                                                          \
    (WAX_KU_KEY_AGREEMENT | WAX_KU_ENCIPHER_ONLY | WAX_KU_DECIPHER_ONLY)

static uint32_t
key_caps(enum wax_key_type type)
{
    switch (type) {
    case WAX_KEY_RSA:
        return CAP_SIGN | CAP_ENCIPHER;
    case WAX_KEY_RSA_PSS:
    case WAX_KEY_ED25519:
    case WAX_KEY_ED448:
    case WAX_KEY_DSA:
        return CAP_SIGN;
    case WAX_KEY_EC:
        return CAP_SIGN | CAP_AGREE;
    case WAX_KEY_X25519:
    case WAX_KEY_X448:
        return CAP_AGREE;
    case WAX_KEY_NONE:
        return 0;
    }
    return 0;
}

/* ku_fits: every bit of KU is something a key with CAPS can do. */
static bool
ku_fits(uint32_t ku, uint32_t caps)
{
    uint32_t allowed = 0;
    if (caps & CAP_SIGN) {
        allowed |= KU_SIGN_BITS;
    }
    if (caps & CAP_ENCIPHER) {
        allowed |= KU_ENCIPHER_BITS;
    }
    if (caps & CAP_AGREE) {
        allowed |= KU_AGREE_BITS;
    }
    return (ku & ~allowed) == 0;
}

/* ------------------------------------------------------------------ */
/* Templates and profiles.                                             */

static const enum wax_oid_id email_protection[] = {WAX_OID_KP_EMAIL_PROTECTION};

void
wax_pki_cert_template_init(struct wax_pki_cert_template *t)
{
    memset(t, 0, sizeof *t);
}

wax_err
wax_pki_cert_template_profile(struct wax_pki_cert_template *t,
                              enum wax_pki_profile profile,
                              const struct wax_pubkey *subject_key)
{
    WAX_ENSURE(t != NULL && subject_key != NULL, WAX_ERR_INVALID_ARGUMENT);
    uint32_t caps = key_caps(wax_pubkey_type(subject_key));
    uint32_t enc =
        (caps & CAP_ENCIPHER) ? WAX_KU_KEY_ENCIPHERMENT : WAX_KU_KEY_AGREEMENT;
    uint32_t ku;
    bool ca = false;
    switch (profile) {
    case WAX_PKI_PROFILE_CA:
        ku = WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN;
        ca = true;
        break;
    case WAX_PKI_PROFILE_SIGN:
        ku = WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION;
        break;
    case WAX_PKI_PROFILE_ENCRYPT:
        ku = enc;
        break;
    case WAX_PKI_PROFILE_DUAL:
        ku = WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION | enc;
        break;
    default:
        WAX_FAIL(WAX_ERR_INVALID_ARGUMENT);
    }
    WAX_ENSURE(ku_fits(ku, caps), WAX_ERR_PKI_KEY_USAGE_MISMATCH);
    t->ca = ca;
    t->has_path_len = false;
    t->path_len = 0;
    t->key_usage = ku;
    t->ekus = email_protection;
    t->num_ekus = 1;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Algorithms and key identifiers.                                     */

wax_err
pki_sig_alg_for_key(const struct wax_privkey *key, struct wax_sig_alg *out_alg,
                    enum wax_oid_id *out_oid, bool *out_null_params)
{
    struct wax_sig_alg alg = {0};
    enum wax_oid_id oid;
    bool null_params = false;
    switch (wax_privkey_type(key)) {
    case WAX_KEY_RSA:
        alg.scheme = WAX_SIG_RSA_PKCS1;
        alg.digest = WAX_DIGEST_SHA256;
        oid = WAX_OID_SHA256_WITH_RSA;
        null_params = true; /* RFC 4055 §5 */
        break;
    case WAX_KEY_EC:
        alg.scheme = WAX_SIG_ECDSA;
        switch (wax_privkey_curve(key)) {
        case WAX_CURVE_P256:
            alg.digest = WAX_DIGEST_SHA256;
            oid = WAX_OID_ECDSA_WITH_SHA256;
            break;
        case WAX_CURVE_P384:
            alg.digest = WAX_DIGEST_SHA384;
            oid = WAX_OID_ECDSA_WITH_SHA384;
            break;
        case WAX_CURVE_P521:
            alg.digest = WAX_DIGEST_SHA512;
            oid = WAX_OID_ECDSA_WITH_SHA512;
            break;
        default:
            WAX_FAIL(WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY);
        }
        break;
    case WAX_KEY_ED25519:
        alg.scheme = WAX_SIG_ED25519;
        alg.digest = WAX_DIGEST_NONE;
        oid = WAX_OID_ED25519;
        break;
    case WAX_KEY_ED448:
        alg.scheme = WAX_SIG_ED448;
        alg.digest = WAX_DIGEST_NONE;
        oid = WAX_OID_ED448;
        break;
    default:
        WAX_FAIL(WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY);
    }
    *out_alg = alg;
    *out_oid = oid;
    *out_null_params = null_params;
    return WAX_OK;
}

wax_err
pki_key_id(struct wax_span spki, uint8_t out[WAX_PKI_KEY_ID_BYTES])
{
    struct wax_x509_spki parsed;
    size_t len;
    WAX_TRY(wax_x509_spki_parse(spki, &parsed));
    return wax_digest_compute(WAX_DIGEST_SHA1, out, WAX_PKI_KEY_ID_BYTES, &len,
                              parsed.key.p, parsed.key.len);
}

/* ------------------------------------------------------------------ */
/* Checking the inputs.                                                */

/* What the issuer contributes to the certificate. */
struct issuer_facts {
    struct wax_span name;   /* Name TLV */
    struct wax_span spki;   /* to check the result with */
    struct wax_span key_id; /* authorityKeyIdentifier keyIdentifier */
    uint8_t key_id_buf[WAX_PKI_KEY_ID_BYTES];
};

static wax_err
check_template(const struct wax_pki_cert_template *t, bool self_signed,
               enum wax_key_type subject_type)
{
    struct wax_span s;
    struct wax_span name;
    wax_span_init(&s, t->subject, t->subject_len);
    WAX_ENSURE(t->subject != NULL &&
                   wax_der_get_element(&s, WAX_DER_SEQUENCE, &name) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_NAME);
    WAX_TRY(wax_x509_name_check(name));
    bool empty_subject = wax_x509_name_is_empty(name);

    struct wax_civil_time ct;
    WAX_ENSURE(t->not_after >= t->not_before &&
                   wax_time_to_civil(t->not_before, &ct) &&
                   wax_time_to_civil(t->not_after, &ct),
               WAX_ERR_PKI_BAD_VALIDITY);

    WAX_ENSURE(!t->has_path_len || t->ca, WAX_ERR_PKI_BAD_TEMPLATE);
    WAX_ENSURE((t->key_usage & ~PKI_KU_ALL) == 0, WAX_ERR_PKI_BAD_TEMPLATE);
    /* RFC 5280 §4.2.1.3: keyCertSign needs cA, and a CA's key signs
     * certificates. */
    WAX_ENSURE(t->ca == ((t->key_usage & WAX_KU_KEY_CERT_SIGN) != 0),
               WAX_ERR_PKI_BAD_TEMPLATE);
    WAX_ENSURE(!empty_subject || (!t->ca && !self_signed && t->num_emails > 0),
               WAX_ERR_PKI_BAD_TEMPLATE);
    WAX_ENSURE(ku_fits(t->key_usage, key_caps(subject_type)),
               WAX_ERR_PKI_KEY_USAGE_MISMATCH);

    WAX_ENSURE(t->ekus != NULL || t->num_ekus == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(t->num_ekus <= WAX_MAX_PKI_EKUS, WAX_ERR_LIMIT_EXCEEDED);
    for (size_t i = 0; i < t->num_ekus; i++) {
        WAX_ENSURE(wax_oid_span(t->ekus[i]).len > 0, WAX_ERR_PKI_BAD_TEMPLATE);
    }
    WAX_ENSURE(t->emails != NULL || t->num_emails == 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(t->num_emails <= WAX_MAX_PKI_EMAILS, WAX_ERR_LIMIT_EXCEEDED);
    for (size_t i = 0; i < t->num_emails; i++) {
        size_t len;
        bool utf8;
        WAX_TRY(pki_email_check(t->emails[i], &len, &utf8));
    }
    if (t->crl_uri != NULL) {
        size_t len;
        WAX_TRY(pki_uri_check(t->crl_uri, &len));
    }
    return WAX_OK;
}

/* issuer_from_cert reads the issuer's facts from its certificate and
 * checks that it may issue T with KEY. */
static wax_err
issuer_from_cert(struct issuer_facts *f, const struct wax_pki_cert_template *t,
                 const struct wax_privkey *key, const uint8_t *der,
                 size_t der_len)
{
    struct wax_x509_cert *c = malloc(sizeof *c);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(c, der, der_len);
    if (err == WAX_OK) {
        const struct wax_x509_ext_info *info = &c->info;
        if (!info->has_basic_constraints || !info->ca ||
            (info->has_key_usage &&
             (info->key_usage & WAX_KU_KEY_CERT_SIGN) == 0)) {
            err = WAX_ERR_PKI_ISSUER_NOT_CA;
        } else if (t->ca && info->has_path_len && info->path_len == 0) {
            err = WAX_ERR_PKI_ISSUER_PATH_LEN;
        }
    }
    if (err == WAX_OK) {
        err = wax_privkey_match_spki(key, c->spki.der.p, c->spki.der.len);
        if (err == WAX_ERR_CRYPTO_KEY_MISMATCH) {
            err = WAX_ERR_PKI_ISSUER_KEY_MISMATCH;
        }
    }
    if (err == WAX_OK) {
        f->name = c->subject;
        f->spki = c->spki.der;
        if (c->info.has_ski) {
            f->key_id = c->info.ski;
        } else {
            err = pki_key_id(c->spki.der, f->key_id_buf);
            wax_span_init(&f->key_id, f->key_id_buf, sizeof f->key_id_buf);
        }
    }
    free(c);
    return err;
}

/* ------------------------------------------------------------------ */
/* Building.                                                           */

wax_err
pki_add_alg_id(struct wax_der_builder *b, enum wax_oid_id oid, bool null_params)
{
    struct wax_der_builder seq;
    struct wax_span o = wax_oid_span(oid);
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_oid(&seq, o.p, o.len));
    if (null_params) {
        WAX_TRY(wax_der_builder_add_null(&seq));
    }
    return wax_der_builder_close(&seq);
}

/* ext_open starts an Extension and opens its extnValue for the caller. */
wax_err
pki_ext_open(struct wax_der_builder *exts, struct wax_der_builder *ext,
             struct wax_der_builder *value, enum wax_oid_id id, bool critical)
{
    struct wax_span o = wax_oid_span(id);
    WAX_TRY(wax_der_builder_open(exts, WAX_DER_SEQUENCE, ext));
    WAX_TRY(wax_der_builder_add_oid(ext, o.p, o.len));
    if (critical) {
        WAX_TRY(wax_der_builder_add_bool(ext, true));
    }
    return wax_der_builder_open(ext, WAX_DER_OCTET_STRING, value);
}

wax_err
pki_ext_close(struct wax_der_builder *ext, struct wax_der_builder *value)
{
    WAX_TRY(wax_der_builder_close(value));
    return wax_der_builder_close(ext);
}

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
 *     pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
static wax_err
add_basic_constraints(struct wax_der_builder *exts,
                      const struct wax_pki_cert_template *t)
{
    struct wax_der_builder ext, val, seq;
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_BASIC_CONSTRAINTS, true));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &seq));
    if (t->ca) {
        WAX_TRY(wax_der_builder_add_bool(&seq, true));
        if (t->has_path_len) {
            WAX_TRY(wax_der_builder_add_u64(&seq, t->path_len));
        }
    }
    WAX_TRY(wax_der_builder_close(&seq));
    return pki_ext_close(&ext, &val);
}

/* KeyUsage ::= BIT STRING { digitalSignature (0), ... } */
wax_err
pki_add_key_usage(struct wax_der_builder *exts, uint32_t ku)
{
    struct wax_der_builder ext, val;
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_KEY_USAGE, true));
    WAX_TRY(wax_der_builder_add_named_bits(&val, ku));
    return pki_ext_close(&ext, &val);
}

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
wax_err
pki_add_eku(struct wax_der_builder *exts, const enum wax_oid_id *ekus,
            size_t num_ekus)
{
    struct wax_der_builder ext, val, seq;
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_EXT_KEY_USAGE, false));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &seq));
    for (size_t i = 0; i < num_ekus; i++) {
        struct wax_span o = wax_oid_span(ekus[i]);
        WAX_TRY(wax_der_builder_add_oid(&seq, o.p, o.len));
    }
    WAX_TRY(wax_der_builder_close(&seq));
    return pki_ext_close(&ext, &val);
}

/*
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
 *   rfc822Name [1] IA5String, or
 *   otherName  [0] IMPLICIT SEQUENCE { type-id id-on-SmtpUTF8Mailbox,
 *                                      value [0] EXPLICIT UTF8String }
 * (RFC 9598 §3). Critical when the subject is empty (RFC 5280 §4.2.1.6).
 */
wax_err
pki_add_san(struct wax_der_builder *exts, const char *const *emails,
            size_t num_emails, bool critical)
{
    struct wax_der_builder ext, val, seq, other, explicit_value;
    struct wax_span on = wax_oid_span(WAX_OID_ON_SMTP_UTF8_MAILBOX);
    WAX_TRY(
        pki_ext_open(exts, &ext, &val, WAX_OID_CE_SUBJECT_ALT_NAME, critical));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &seq));
    for (size_t i = 0; i < num_emails; i++) {
        const uint8_t *e = (const uint8_t *)emails[i];
        size_t len;
        bool utf8;
        WAX_TRY(pki_email_check(emails[i], &len, &utf8));
        if (!utf8) {
            WAX_TRY(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(1),
                                                  e, len));
            continue;
        }
        WAX_TRY(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &other));
        WAX_TRY(wax_der_builder_add_oid(&other, on.p, on.len));
        WAX_TRY(wax_der_builder_open(&other, WAX_DER_CONTEXT_CONS(0),
                                     &explicit_value));
        WAX_TRY(wax_der_builder_add_string(&explicit_value, WAX_DER_UTF8_STRING,
                                           e, len));
        WAX_TRY(wax_der_builder_close(&explicit_value));
        WAX_TRY(wax_der_builder_close(&other));
    }
    WAX_TRY(wax_der_builder_close(&seq));
    return pki_ext_close(&ext, &val);
}

/* SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING) */
static wax_err
add_ski(struct wax_der_builder *exts, const uint8_t *key_id, size_t len)
{
    struct wax_der_builder ext, val;
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_SUBJECT_KEY_IDENTIFIER,
                         false));
    WAX_TRY(wax_der_builder_add_octet_string(&val, key_id, len));
    return pki_ext_close(&ext, &val);
}

/* AuthorityKeyIdentifier ::= SEQUENCE {
 *     keyIdentifier [0] KeyIdentifier OPTIONAL, ... } */
wax_err
pki_add_aki(struct wax_der_builder *exts, struct wax_span key_id)
{
    struct wax_der_builder ext, val, seq;
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER,
                         false));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(0),
                                          key_id.p, key_id.len));
    WAX_TRY(wax_der_builder_close(&seq));
    return pki_ext_close(&ext, &val);
}

/* CRLDistributionPoints ::= SEQUENCE OF DistributionPoint, here one:
 *   DistributionPoint { distributionPoint [0] { fullName [0] {
 *       uniformResourceIdentifier [6] IA5String } } } */
static wax_err
add_crl_dp(struct wax_der_builder *exts, const char *uri)
{
    struct wax_der_builder ext, val, seq, dp, dpn, full;
    size_t len;
    WAX_TRY(pki_uri_check(uri, &len));
    WAX_TRY(pki_ext_open(exts, &ext, &val, WAX_OID_CE_CRL_DISTRIBUTION_POINTS,
                         false));
    WAX_TRY(wax_der_builder_open(&val, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &dp));
    WAX_TRY(wax_der_builder_open(&dp, WAX_DER_CONTEXT_CONS(0), &dpn));
    WAX_TRY(wax_der_builder_open(&dpn, WAX_DER_CONTEXT_CONS(0), &full));
    WAX_TRY(wax_der_builder_add_primitive(&full, WAX_DER_CONTEXT_TAG(6),
                                          (const uint8_t *)uri, len));
    WAX_TRY(wax_der_builder_close(&full));
    WAX_TRY(wax_der_builder_close(&dpn));
    WAX_TRY(wax_der_builder_close(&dp));
    WAX_TRY(wax_der_builder_close(&seq));
    return pki_ext_close(&ext, &val);
}

/* random_serial draws a positive, non-zero serial (RFC 5280 §4.1.2.2). */
static wax_err
random_serial(uint8_t serial[WAX_PKI_SERIAL_BYTES])
{
    while (true) {
        WAX_TRY(wax_random_bytes(serial, WAX_PKI_SERIAL_BYTES));
        serial[0] &= 0x7F;
        for (size_t i = 0; i < WAX_PKI_SERIAL_BYTES; i++) {
            if (serial[i] != 0) {
                return WAX_OK;
            }
        }
    }
}

struct make_ctx {
    const struct wax_pki_cert_template *t;
    struct wax_span subject;
    struct wax_span subject_spki;
    uint8_t subject_key_id[WAX_PKI_KEY_ID_BYTES];
    struct issuer_facts issuer;
    enum wax_oid_id sig_oid;
    bool sig_null_params;
};

static wax_err
build_tbs(struct wax_der_builder *b, const struct make_ctx *m)
{
    const struct wax_pki_cert_template *t = m->t;
    struct wax_der_builder tbs, version, validity, ext_wrap, exts;
    uint8_t serial[WAX_PKI_SERIAL_BYTES];

    WAX_TRY(random_serial(serial));
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &tbs));
    WAX_TRY(wax_der_builder_open(&tbs, WAX_DER_CONTEXT_CONS(0), &version));
    WAX_TRY(wax_der_builder_add_u64(&version, 2)); /* v3 */
    WAX_TRY(wax_der_builder_close(&version));
    WAX_TRY(wax_der_builder_add_integer(&tbs, serial, sizeof serial));
    WAX_TRY(pki_add_alg_id(&tbs, m->sig_oid, m->sig_null_params));
    WAX_TRY(wax_der_builder_add_element(&tbs, m->issuer.name.p,
                                        m->issuer.name.len));
    WAX_TRY(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &validity));
    WAX_TRY(wax_der_builder_add_time(&validity, t->not_before));
    WAX_TRY(wax_der_builder_add_time(&validity, t->not_after));
    WAX_TRY(wax_der_builder_close(&validity));
    WAX_TRY(wax_der_builder_add_element(&tbs, m->subject.p, m->subject.len));
    WAX_TRY(wax_der_builder_add_element(&tbs, m->subject_spki.p,
                                        m->subject_spki.len));

    WAX_TRY(wax_der_builder_open(&tbs, WAX_DER_CONTEXT_CONS(3), &ext_wrap));
    WAX_TRY(wax_der_builder_open(&ext_wrap, WAX_DER_SEQUENCE, &exts));
    WAX_TRY(add_basic_constraints(&exts, t));
    if (t->key_usage != 0) {
        WAX_TRY(pki_add_key_usage(&exts, t->key_usage));
    }
    if (t->num_ekus > 0) {
        WAX_TRY(pki_add_eku(&exts, t->ekus, t->num_ekus));
    }
    if (t->num_emails > 0) {
        WAX_TRY(pki_add_san(&exts, t->emails, t->num_emails,
                            wax_x509_name_is_empty(m->subject)));
    }
    WAX_TRY(add_ski(&exts, m->subject_key_id, sizeof m->subject_key_id));
    WAX_TRY(pki_add_aki(&exts, m->issuer.key_id));
    if (t->crl_uri != NULL) {
        WAX_TRY(add_crl_dp(&exts, t->crl_uri));
    }
    WAX_TRY(wax_der_builder_close(&exts));
    WAX_TRY(wax_der_builder_close(&ext_wrap));
    return wax_der_builder_close(&tbs);
}

/* build_cert builds the TBSCertificate, signs it and writes the whole
 * Certificate into B. */
static wax_err
build_cert(struct wax_der_builder *b, const struct make_ctx *m,
           const struct wax_privkey *issuer_key, const struct wax_sig_alg *alg,
           uint8_t *sig, size_t sig_cap)
{
    struct wax_der_builder tb, cert;
    uint8_t *tbs = NULL;
    size_t tbs_len = 0, sig_len = 0;
    wax_der_builder_init(&tb, WAX_MAX_PKI_CERT_BYTES);
    wax_err err = build_tbs(&tb, m);
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&tb, &tbs, &tbs_len);
    }
    wax_der_builder_cleanup(&tb);
    if (err == WAX_OK) {
        err = wax_privkey_sign(issuer_key, alg, sig, sig_cap, &sig_len, tbs,
                               tbs_len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(b, WAX_DER_SEQUENCE, &cert);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_add_element(&cert, tbs, tbs_len);
    }
    free(tbs);
    WAX_TRY(err);
    WAX_TRY(pki_add_alg_id(&cert, m->sig_oid, m->sig_null_params));
    WAX_TRY(wax_der_builder_add_bit_string(&cert, sig, sig_len, 0));
    return wax_der_builder_close(&cert);
}

/* self_check parses the result back and checks its signature. */
static wax_err
self_check(const uint8_t *der, size_t len, struct wax_span issuer_spki)
{
    struct wax_x509_cert *c = malloc(sizeof *c);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(c, der, len);
    if (err == WAX_OK) {
        err = wax_x509_cert_verify_signature(c, issuer_spki);
    }
    free(c);
    return err;
}

wax_err
wax_pki_cert_make(struct wax_buf *out, const struct wax_pki_cert_template *t,
                  const struct wax_privkey *issuer_key,
                  const uint8_t *issuer_cert, size_t issuer_cert_len,
                  const struct wax_pubkey *subject_key)
{
    WAX_ENSURE(out != NULL && t != NULL && issuer_key != NULL &&
                   subject_key != NULL &&
                   (issuer_cert != NULL || issuer_cert_len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    bool self_signed = issuer_cert == NULL;
    WAX_TRY(check_template(t, self_signed, wax_pubkey_type(subject_key)));

    struct make_ctx m = {0};
    struct wax_sig_alg alg;
    m.t = t;
    wax_span_init(&m.subject, t->subject, t->subject_len);
    WAX_TRY(
        pki_sig_alg_for_key(issuer_key, &alg, &m.sig_oid, &m.sig_null_params));

    struct wax_buf spki;
    struct wax_der_builder b;
    uint8_t *sig = NULL, *der = NULL;
    size_t der_len = 0;
    wax_buf_init(&spki, WAX_MAX_PKI_CERT_BYTES);
    wax_der_builder_init(&b, WAX_MAX_PKI_CERT_BYTES);
    wax_err err = wax_pubkey_to_spki(subject_key, &spki);
    if (err == WAX_OK) {
        wax_span_init(&m.subject_spki, spki.data, spki.len);
        err = pki_key_id(m.subject_spki, m.subject_key_id);
    }
    if (err == WAX_OK && self_signed) {
        /* The issuer is the subject, and its key the subject key. */
        err = wax_privkey_match_spki(issuer_key, spki.data, spki.len);
        if (err == WAX_ERR_CRYPTO_KEY_MISMATCH) {
            err = WAX_ERR_PKI_ISSUER_KEY_MISMATCH;
        }
        m.issuer.name = m.subject;
        m.issuer.spki = m.subject_spki;
        wax_span_init(&m.issuer.key_id, m.subject_key_id,
                      sizeof m.subject_key_id);
    } else if (err == WAX_OK) {
        err = issuer_from_cert(&m.issuer, t, issuer_key, issuer_cert,
                               issuer_cert_len);
    }
    if (err == WAX_OK) {
        sig = malloc(WAX_MAX_SIG_BYTES);
        err = sig != NULL
                  ? build_cert(&b, &m, issuer_key, &alg, sig, WAX_MAX_SIG_BYTES)
                  : WAX_ERR_NOMEM;
    }
    if (err == WAX_OK) {
        err = wax_der_builder_finish(&b, &der, &der_len);
    }
    if (err == WAX_OK) {
        err = self_check(der, der_len, m.issuer.spki);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, der_len);
    }
    free(der);
    free(sig);
    wax_der_builder_cleanup(&b);
    wax_buf_cleanup(&spki);
    return err;
}
