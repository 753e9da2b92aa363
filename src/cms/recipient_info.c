/*
 * RecipientInfo (RFC 5652 §6.2): parsing of every CHOICE arm, enough to
 * list and skip the kinds wax does not decrypt, and matching of recipient
 * identifiers against certificates.
 */
#include <string.h>

#include "cms/enveloped_int.h"

/*
 *   IssuerAndSerialNumber ::= SEQUENCE {
 *       issuer Name,
 *       serialNumber CertificateSerialNumber }
 */
static bool
get_issuer_serial(struct wax_span *in, struct wax_span *issuer,
                  struct wax_span *serial)
{
    struct wax_span save = *in, seq;
    if (!wax_der_get(in, WAX_DER_SEQUENCE, &seq) ||
        !wax_der_get_element(&seq, WAX_DER_SEQUENCE, issuer) ||
        !wax_der_get_integer(&seq, serial, NULL) || !wax_der_expect_end(&seq) ||
        wax_x509_name_check(*issuer) != WAX_OK) {
        *in = save;
        return false;
    }
    return true;
}

static bool
get_version(struct wax_span *in, unsigned *out)
{
    uint64_t v;
    if (!wax_der_get_u64(in, &v) || v > 1000) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool
get_algid(struct wax_span *in, struct wax_x509_algid *alg)
{
    return wax_x509_algid_parse(in, alg) == WAX_OK;
}

static bool
digest_from_algid(struct wax_span tlv, enum wax_digest_alg *out)
{
    struct wax_x509_algid alg;
    if (!get_algid(&tlv, &alg) || !wax_der_expect_end(&tlv)) {
        return false;
    }
    return wax_x509_digest_alg_decode(&alg, out) == WAX_OK &&
           *out != WAX_DIGEST_MD5;
}

/*
 * RFC 8017 A.2.1 (RFC 4055 §4.1):
 *   RSAES-OAEP-params ::= SEQUENCE {
 *       hashAlgorithm    [0] HashAlgorithm DEFAULT sha1,
 *       maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *       pSourceAlgorithm [2] PSourceAlgorithm DEFAULT pSpecifiedEmpty }
 *   MaskGenAlgorithm: { id-mgf1, HashAlgorithm }
 *   PSourceAlgorithm: { id-pSpecified, OCTET STRING (the label) }
 * Explicitly encoded defaults are accepted.
 */
wax_err
wax_cmsenv_oaep_params_decode(bool has_params, struct wax_span params,
                              enum wax_digest_alg *out_digest,
                              enum wax_digest_alg *out_mgf1,
                              struct wax_span *out_label)
{
    const wax_err bad = WAX_ERR_CMS_BAD_OAEP_PARAMS;
    WAX_ENSURE(has_params, bad);
    struct wax_span in = params, seq, inner;
    WAX_ENSURE(wax_der_get(&in, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_expect_end(&in),
               bad);
    enum wax_digest_alg digest = WAX_DIGEST_SHA1, mgf1 = WAX_DIGEST_SHA1;
    struct wax_span label = {NULL, 0};
    bool present;
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(0), &inner, &present),
        bad);
    if (present) {
        WAX_ENSURE(digest_from_algid(inner, &digest), bad);
    }
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(1), &inner, &present),
        bad);
    if (present) {
        struct wax_x509_algid mgf;
        WAX_ENSURE(get_algid(&inner, &mgf) && wax_der_expect_end(&inner) &&
                       mgf.id == WAX_OID_MGF1 && mgf.has_params &&
                       digest_from_algid(mgf.params, &mgf1),
                   bad);
    }
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(2), &inner, &present),
        bad);
    if (present) {
        struct wax_x509_algid src;
        WAX_ENSURE(get_algid(&inner, &src) && wax_der_expect_end(&inner) &&
                       src.id == WAX_OID_P_SPECIFIED && src.has_params,
                   bad);
        struct wax_span p = src.params;
        WAX_ENSURE(wax_der_get(&p, WAX_DER_OCTET_STRING, &label) &&
                       wax_der_expect_end(&p) &&
                       label.len <= WAX_MAX_CMS_OAEP_LABEL,
                   bad);
    }
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    *out_digest = digest;
    *out_mgf1 = mgf1;
    *out_label = label;
    return WAX_OK;
}

/*
 *   KeyTransRecipientInfo ::= SEQUENCE {
 *       version CMSVersion,  -- always set to 0 or 2
 *       rid RecipientIdentifier,
 *       keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *       encryptedKey EncryptedKey }
 *   RecipientIdentifier ::= CHOICE {
 *       issuerAndSerialNumber IssuerAndSerialNumber,
 *       subjectKeyIdentifier [0] SubjectKeyIdentifier }
 */
static wax_err
parse_ktri(struct wax_span body, struct wax_cms_recipient_info *out,
           struct wax_cmsenv_ri_extra *extra)
{
    const wax_err bad = WAX_ERR_CMS_BAD_RECIPIENT_INFO;
    WAX_ENSURE(get_version(&body, &out->version), bad);
    WAX_ENSURE(out->version == 0 || out->version == 2,
               WAX_ERR_CMS_ENV_BAD_VERSION);
    if (wax_der_peek(&body, WAX_DER_CONTEXT_TAG(0))) {
        WAX_ENSURE(wax_der_get(&body, WAX_DER_CONTEXT_TAG(0), &out->ski), bad);
        out->rid_type = WAX_CMS_RID_SKI;
    } else {
        WAX_ENSURE(get_issuer_serial(&body, &out->issuer, &out->serial), bad);
        out->rid_type = WAX_CMS_RID_ISSUER_SERIAL;
    }
    struct wax_x509_algid alg;
    WAX_ENSURE(get_algid(&body, &alg), bad);
    WAX_ENSURE(
        wax_der_get(&body, WAX_DER_OCTET_STRING, &extra->encrypted_key) &&
            wax_der_expect_end(&body),
        bad);
    out->key_alg_oid = alg.oid;
    out->key_alg = alg.id;
    if (alg.id == WAX_OID_RSA_ENCRYPTION) {
        /* RFC 3370 §4.2.1: parameters NULL (absent tolerated) */
        if (alg.has_params) {
            struct wax_span p = alg.params;
            WAX_ENSURE(wax_der_get_null(&p) && wax_der_expect_end(&p), bad);
        }
        out->kt = WAX_CMS_KT_RSA_PKCS1;
    } else if (alg.id == WAX_OID_RSAES_OAEP) {
        WAX_TRY(wax_cmsenv_oaep_params_decode(
            alg.has_params, alg.params, &out->oaep_digest,
            &out->oaep_mgf1_digest, &extra->oaep_label));
        out->kt = WAX_CMS_KT_RSA_OAEP;
    } else {
        out->kt = WAX_CMS_KT_UNKNOWN;
    }
    return WAX_OK;
}

/*
 *   KeyAgreeRecipientIdentifier ::= CHOICE {
 *       issuerAndSerialNumber IssuerAndSerialNumber,
 *       rKeyId [0] IMPLICIT RecipientKeyIdentifier }
 *   RecipientKeyIdentifier ::= SEQUENCE {
 *       subjectKeyIdentifier SubjectKeyIdentifier,
 *       date GeneralizedTime OPTIONAL,
 *       other OtherKeyAttribute OPTIONAL }
 *   RecipientEncryptedKey ::= SEQUENCE {
 *       rid KeyAgreeRecipientIdentifier,
 *       encryptedKey EncryptedKey }
 */
static bool
get_rek(struct wax_span *in, enum wax_cms_rid_type *type,
        struct wax_span *issuer, struct wax_span *serial, struct wax_span *ski)
{
    struct wax_span rek, rkid, ek;
    if (!wax_der_get(in, WAX_DER_SEQUENCE, &rek)) {
        return false;
    }
    if (wax_der_peek(&rek, WAX_DER_CONTEXT_CONS(0))) {
        if (!wax_der_get(&rek, WAX_DER_CONTEXT_CONS(0), &rkid) ||
            !wax_der_get(&rkid, WAX_DER_OCTET_STRING, ski)) {
            return false;
        }
        bool present;
        int64_t t;
        if (wax_der_peek(&rkid, WAX_DER_GENERALIZED_TIME) &&
            !wax_der_get_time(&rkid, &t)) {
            return false;
        }
        if (!wax_der_get_optional(&rkid, WAX_DER_SEQUENCE, NULL, &present) ||
            !wax_der_expect_end(&rkid)) {
            return false;
        }
        *type = WAX_CMS_RID_SKI;
    } else {
        if (!get_issuer_serial(&rek, issuer, serial)) {
            return false;
        }
        *type = WAX_CMS_RID_ISSUER_SERIAL;
    }
    return wax_der_get(&rek, WAX_DER_OCTET_STRING, &ek) &&
           wax_der_expect_end(&rek);
}

/*
 *   KeyAgreeRecipientInfo ::= SEQUENCE {
 *       version CMSVersion,  -- always set to 3
 *       originator [0] EXPLICIT OriginatorIdentifierOrKey,
 *       ukm [1] EXPLICIT UserKeyingMaterial OPTIONAL,
 *       keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *       recipientEncryptedKeys RecipientEncryptedKeys }
 *   RecipientEncryptedKeys ::= SEQUENCE OF RecipientEncryptedKey
 */
static wax_err
parse_kari(struct wax_span body, struct wax_cms_recipient_info *out,
           struct wax_span *reks_out)
{
    const wax_err bad = WAX_ERR_CMS_BAD_RECIPIENT_INFO;
    WAX_ENSURE(get_version(&body, &out->version), bad);
    WAX_ENSURE(out->version == 3, WAX_ERR_CMS_ENV_BAD_VERSION);
    struct wax_span originator, reks;
    bool present;
    WAX_ENSURE(wax_der_get(&body, WAX_DER_CONTEXT_CONS(0), &originator) &&
                   originator.len > 0 &&
                   wax_der_get_optional(&body, WAX_DER_CONTEXT_CONS(1), NULL,
                                        &present),
               bad);
    struct wax_x509_algid alg;
    WAX_ENSURE(get_algid(&body, &alg) &&
                   wax_der_get(&body, WAX_DER_SEQUENCE, &reks) &&
                   wax_der_expect_end(&body) && reks.len > 0,
               bad);
    out->key_alg_oid = alg.oid;
    out->key_alg = alg.id;
    out->num_keys = 0;
    struct wax_span walk = reks;
    while (walk.len > 0) {
        WAX_ENSURE(out->num_keys < WAX_MAX_CMS_RECIPIENTS,
                   WAX_ERR_CMS_TOO_MANY_RECIPIENTS);
        enum wax_cms_rid_type type;
        struct wax_span issuer = {NULL, 0}, serial = {NULL, 0}, ski = {NULL, 0};
        WAX_ENSURE(get_rek(&walk, &type, &issuer, &serial, &ski), bad);
        if (out->num_keys == 0) {
            out->rid_type = type;
            out->issuer = issuer;
            out->serial = serial;
            out->ski = ski;
        }
        out->num_keys++;
    }
    *reks_out = reks;
    return WAX_OK;
}

/*
 *   KEKRecipientInfo ::= SEQUENCE {
 *       version CMSVersion,  -- always set to 4
 *       kekid KEKIdentifier,
 *       keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *       encryptedKey EncryptedKey }
 *   KEKIdentifier ::= SEQUENCE {
 *       keyIdentifier OCTET STRING,
 *       date GeneralizedTime OPTIONAL,
 *       other OtherKeyAttribute OPTIONAL }
 */
static wax_err
parse_kekri(struct wax_span body, struct wax_cms_recipient_info *out)
{
    const wax_err bad = WAX_ERR_CMS_BAD_RECIPIENT_INFO;
    WAX_ENSURE(get_version(&body, &out->version), bad);
    WAX_ENSURE(out->version == 4, WAX_ERR_CMS_ENV_BAD_VERSION);
    struct wax_span kekid, ek;
    WAX_ENSURE(wax_der_get(&body, WAX_DER_SEQUENCE, &kekid) &&
                   wax_der_get(&kekid, WAX_DER_OCTET_STRING, &out->ski),
               bad);
    struct wax_x509_algid alg;
    WAX_ENSURE(get_algid(&body, &alg) &&
                   wax_der_get(&body, WAX_DER_OCTET_STRING, &ek) &&
                   wax_der_expect_end(&body),
               bad);
    out->key_alg_oid = alg.oid;
    out->key_alg = alg.id;
    return WAX_OK;
}

/*
 *   PasswordRecipientInfo ::= SEQUENCE {
 *       version CMSVersion,   -- always set to 0
 *       keyDerivationAlgorithm [0] KeyDerivationAlgorithmIdentifier
 *                                  OPTIONAL,
 *       keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *       encryptedKey EncryptedKey }
 */
static wax_err
parse_pwri(struct wax_span body, struct wax_cms_recipient_info *out)
{
    const wax_err bad = WAX_ERR_CMS_BAD_RECIPIENT_INFO;
    WAX_ENSURE(get_version(&body, &out->version), bad);
    WAX_ENSURE(out->version == 0, WAX_ERR_CMS_ENV_BAD_VERSION);
    struct wax_span kdf, ek, oid;
    bool has_kdf;
    WAX_ENSURE(
        wax_der_get_optional(&body, WAX_DER_CONTEXT_CONS(0), &kdf, &has_kdf),
        bad);
    if (has_kdf) {
        WAX_ENSURE(wax_der_get_oid(&kdf, &oid), bad);
    }
    struct wax_x509_algid alg;
    WAX_ENSURE(get_algid(&body, &alg) &&
                   wax_der_get(&body, WAX_DER_OCTET_STRING, &ek) &&
                   wax_der_expect_end(&body),
               bad);
    out->key_alg_oid = has_kdf ? oid : alg.oid;
    out->key_alg = wax_oid_find(out->key_alg_oid);
    return WAX_OK;
}

/*
 *   RecipientInfo ::= CHOICE {
 *       ktri KeyTransRecipientInfo,
 *       kari [1] KeyAgreeRecipientInfo,
 *       kekri [2] KEKRecipientInfo,
 *       pwri [3] PasswordRecipientinfo,
 *       ori [4] OtherRecipientInfo }
 *   OtherRecipientInfo ::= SEQUENCE { oriType OBJECT IDENTIFIER,
 *                                     oriValue ANY DEFINED BY oriType }
 * (the module has IMPLICIT tags: [1]..[4] replace the SEQUENCE tag)
 */
wax_err
wax_cmsenv_ri_parse(struct wax_span ri, struct wax_cms_recipient_info *out,
                    struct wax_cmsenv_ri_extra *extra)
{
    memset(out, 0, sizeof *out);
    memset(extra, 0, sizeof *extra);
    out->rid_type = WAX_CMS_RID_NONE;
    out->kt = WAX_CMS_KT_UNKNOWN;
    out->num_keys = 1;
    out->der = ri;
    uint32_t tag;
    struct wax_span in = ri, body;
    WAX_ENSURE(wax_der_get_any(&in, &tag, &body, NULL) &&
                   wax_der_expect_end(&in),
               WAX_ERR_CMS_BAD_RECIPIENT_INFO);
    if (tag == WAX_DER_SEQUENCE) {
        out->kind = WAX_CMS_RI_KTRI;
        return parse_ktri(body, out, extra);
    }
    if (tag == WAX_DER_CONTEXT_CONS(1)) {
        out->kind = WAX_CMS_RI_KARI;
        struct wax_span reks;
        return parse_kari(body, out, &reks);
    }
    if (tag == WAX_DER_CONTEXT_CONS(2)) {
        out->kind = WAX_CMS_RI_KEKRI;
        return parse_kekri(body, out);
    }
    if (tag == WAX_DER_CONTEXT_CONS(3)) {
        out->kind = WAX_CMS_RI_PWRI;
        return parse_pwri(body, out);
    }
    if (tag == WAX_DER_CONTEXT_CONS(4)) {
        out->kind = WAX_CMS_RI_ORI;
        struct wax_span value;
        WAX_ENSURE(wax_der_get_oid(&body, &out->key_alg_oid) &&
                       wax_der_get_any(&body, NULL, &value, NULL) &&
                       wax_der_expect_end(&body),
                   WAX_ERR_CMS_BAD_RECIPIENT_INFO);
        out->key_alg = wax_oid_find(out->key_alg_oid);
        return WAX_OK;
    }
    return WAX_ERR_CMS_BAD_RECIPIENT_INFO;
}

static bool
rid_names_cert(enum wax_cms_rid_type type, struct wax_span issuer,
               struct wax_span serial, struct wax_span ski,
               const struct wax_x509_cert *cert)
{
    if (type == WAX_CMS_RID_ISSUER_SERIAL) {
        return wax_span_equal(serial, cert->serial) &&
               wax_x509_name_equal(issuer, cert->issuer);
    }
    if (type == WAX_CMS_RID_SKI) {
        return cert->info.has_ski && ski.len > 0 &&
               wax_span_equal(ski, cert->info.ski);
    }
    return false;
}

bool
wax_cmsenv_ri_names_cert(const struct wax_cms_recipient_info *ri,
                         const struct wax_x509_cert *cert)
{
    if (ri->kind == WAX_CMS_RI_KTRI) {
        return rid_names_cert(ri->rid_type, ri->issuer, ri->serial, ri->ski,
                              cert);
    }
    if (ri->kind != WAX_CMS_RI_KARI) {
        return false;
    }
    /* walk every RecipientEncryptedKey (the parse checked them) */
    struct wax_cms_recipient_info tmp;
    struct wax_span reks;
    struct wax_span in = ri->der, body;
    if (!wax_der_get(&in, WAX_DER_CONTEXT_CONS(1), &body) ||
        parse_kari(body, &tmp, &reks) != WAX_OK) {
        return false;
    }
    while (reks.len > 0) {
        enum wax_cms_rid_type type;
        struct wax_span issuer = {NULL, 0}, serial = {NULL, 0}, ski = {NULL, 0};
        if (!get_rek(&reks, &type, &issuer, &serial, &ski)) {
            return false;
        }
        if (rid_names_cert(type, issuer, serial, ski, cert)) {
            return true;
        }
    }
    return false;
}

const char *
wax_cms_ri_kind_name(enum wax_cms_ri_kind kind)
{
    switch (kind) {
    case WAX_CMS_RI_KTRI:
        return "ktri";
    case WAX_CMS_RI_KARI:
        return "kari";
    case WAX_CMS_RI_KEKRI:
        return "kekri";
    case WAX_CMS_RI_PWRI:
        return "pwri";
    case WAX_CMS_RI_ORI:
        return "ori";
    }
    return "unknown";
}

const char *
wax_cms_kt_alg_name(enum wax_cms_kt_alg alg)
{
    switch (alg) {
    case WAX_CMS_KT_RSA_PKCS1:
        return "rsa-pkcs1";
    case WAX_CMS_KT_RSA_OAEP:
        return "rsa-oaep";
    case WAX_CMS_KT_UNKNOWN:
        break;
    }
    return "unknown";
}
