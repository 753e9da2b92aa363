/*
 * AlgorithmIdentifier (RFC 5280 §4.1.1.2) and the signature and digest
 * algorithms wax decodes from it (RFC 3279, RFC 4055, RFC 5758, RFC 8410).
 */
#include "x509_int.h"

/*
 *   AlgorithmIdentifier ::= SEQUENCE {
 *       algorithm   OBJECT IDENTIFIER,
 *       parameters  ANY DEFINED BY algorithm OPTIONAL }
 */
wax_err
wax_x509_algid_parse(struct wax_span *in, struct wax_x509_algid *out)
{
    struct wax_span s = *in, der, seq;
    struct wax_x509_algid a = {0};
    WAX_ENSURE(wax_der_get_element(&s, WAX_DER_SEQUENCE, &der),
               WAX_ERR_X509_BAD_ALGORITHM);
    struct wax_span whole = der;
    WAX_ENSURE(wax_der_get(&whole, WAX_DER_SEQUENCE, &seq),
               WAX_ERR_X509_BAD_ALGORITHM);
    WAX_ENSURE(wax_der_get_oid(&seq, &a.oid), WAX_ERR_X509_BAD_ALGORITHM);
    if (seq.len > 0) {
        WAX_ENSURE(wax_der_get_any(&seq, NULL, NULL, &a.params),
                   WAX_ERR_X509_BAD_ALGORITHM);
        a.has_params = true;
    }
    WAX_ENSURE(wax_der_expect_end(&seq), WAX_ERR_X509_BAD_ALGORITHM);
    a.der = der;
    a.id = x509_oid_id(a.oid);
    *out = a;
    *in = s;
    return WAX_OK;
}

/* params_null_or_absent: RFC 4055 §2.1 and §5 - NULL, and implementations
 * MUST accept absent parameters too. */
static bool
params_null_or_absent(const struct wax_x509_algid *alg)
{
    if (!alg->has_params) {
        return true;
    }
    struct wax_span p = alg->params;
    return wax_der_get_null(&p) && wax_der_expect_end(&p);
}

static bool
digest_from_oid(enum wax_oid_id id, enum wax_digest_alg *out)
{
    switch (id) {
    case WAX_OID_MD5:
        *out = WAX_DIGEST_MD5;
        return true;
    case WAX_OID_SHA1:
        *out = WAX_DIGEST_SHA1;
        return true;
    case WAX_OID_SHA224:
        *out = WAX_DIGEST_SHA224;
        return true;
    case WAX_OID_SHA256:
        *out = WAX_DIGEST_SHA256;
        return true;
    case WAX_OID_SHA384:
        *out = WAX_DIGEST_SHA384;
        return true;
    case WAX_OID_SHA512:
        *out = WAX_DIGEST_SHA512;
        return true;
    default:
        return false;
    }
}

wax_err
wax_x509_digest_alg_decode(const struct wax_x509_algid *alg,
                           enum wax_digest_alg *out)
{
    enum wax_digest_alg d;
    WAX_ENSURE(digest_from_oid(alg->id, &d), WAX_ERR_X509_UNSUPPORTED_SIG_ALG);
    WAX_ENSURE(params_null_or_absent(alg), WAX_ERR_X509_BAD_ALGORITHM);
    *out = d;
    return WAX_OK;
}

/* PSS hashes: the SHA family only (RFC 4055 §2.1 lists SHA-1 and SHA-2). */
static wax_err
pss_hash(struct wax_span params_tlv, enum wax_digest_alg *out)
{
    struct wax_x509_algid h;
    struct wax_span s = params_tlv;
    WAX_TRY(wax_x509_algid_parse(&s, &h));
    WAX_ENSURE(wax_der_expect_end(&s), WAX_ERR_X509_BAD_ALGORITHM);
    enum wax_digest_alg d;
    wax_err err = wax_x509_digest_alg_decode(&h, &d);
    WAX_ENSURE(err == WAX_OK && d != WAX_DIGEST_MD5,
               WAX_ERR_X509_BAD_ALGORITHM);
    *out = d;
    return WAX_OK;
}

/*
 *   RSASSA-PSS-params ::= SEQUENCE {
 *       hashAlgorithm    [0] HashAlgorithm DEFAULT sha1,
 *       maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *       saltLength       [2] INTEGER DEFAULT 20,
 *       trailerField     [3] TrailerField DEFAULT trailerFieldBC }
 *   TrailerField ::= INTEGER { trailerFieldBC(1) }
 *   MaskGenAlgorithm: { id-mgf1, HashAlgorithm }
 * (RFC 4055 §3.1; all tags EXPLICIT.) DER forbids encoding a DEFAULT.
 */
static wax_err
pss_params(const struct wax_x509_algid *alg, struct wax_sig_alg *out)
{
    struct wax_span p = alg->params, seq, inner;
    bool present;
    enum wax_digest_alg hash = WAX_DIGEST_SHA1, mgf_hash = WAX_DIGEST_SHA1;
    uint64_t salt = 20;

    /* Parameters are required in a signature AlgorithmIdentifier. */
    WAX_ENSURE(alg->has_params, WAX_ERR_X509_BAD_ALGORITHM);
    WAX_ENSURE(wax_der_get(&p, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_expect_end(&p),
               WAX_ERR_X509_BAD_ALGORITHM);

    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(0), &inner, &present),
        WAX_ERR_X509_BAD_ALGORITHM);
    if (present) {
        WAX_TRY(pss_hash(inner, &hash));
        WAX_ENSURE(hash != WAX_DIGEST_SHA1, WAX_ERR_DER_DEFAULT_ENCODED);
    }

    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(1), &inner, &present),
        WAX_ERR_X509_BAD_ALGORITHM);
    if (present) {
        struct wax_x509_algid mgf;
        WAX_TRY(wax_x509_algid_parse(&inner, &mgf));
        WAX_ENSURE(wax_der_expect_end(&inner), WAX_ERR_X509_BAD_ALGORITHM);
        WAX_ENSURE(mgf.id == WAX_OID_MGF1 && mgf.has_params,
                   WAX_ERR_X509_BAD_ALGORITHM);
        WAX_TRY(pss_hash(mgf.params, &mgf_hash));
        WAX_ENSURE(mgf_hash != WAX_DIGEST_SHA1, WAX_ERR_DER_DEFAULT_ENCODED);
    }

    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(2), &inner, &present),
        WAX_ERR_X509_BAD_ALGORITHM);
    if (present) {
        WAX_ENSURE(wax_der_get_u64(&inner, &salt) && wax_der_expect_end(&inner),
                   WAX_ERR_X509_BAD_ALGORITHM);
        WAX_ENSURE(salt != 20, WAX_ERR_DER_DEFAULT_ENCODED);
        WAX_ENSURE(salt <= WAX_MAX_PSS_SALT, WAX_ERR_X509_BAD_ALGORITHM);
    }

    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(3), &inner, &present),
        WAX_ERR_X509_BAD_ALGORITHM);
    if (present) {
        uint64_t trailer;
        WAX_ENSURE(wax_der_get_u64(&inner, &trailer) &&
                       wax_der_expect_end(&inner),
                   WAX_ERR_X509_BAD_ALGORITHM);
        /* trailerFieldBC(1) is the only value, and it is the default. */
        WAX_ENSURE(trailer == 1, WAX_ERR_X509_BAD_ALGORITHM);
        WAX_FAIL(WAX_ERR_DER_DEFAULT_ENCODED);
    }
    WAX_ENSURE(wax_der_expect_end(&seq), WAX_ERR_X509_BAD_ALGORITHM);

    out->scheme = WAX_SIG_RSA_PSS;
    out->digest = hash;
    out->mgf1_digest = mgf_hash;
    out->salt_len = (size_t)salt;
    return WAX_OK;
}

wax_err
wax_x509_sig_alg_decode(const struct wax_x509_algid *alg,
                        struct wax_sig_alg *out)
{
    struct wax_sig_alg s = {0};
    enum {
        PARAMS_NULL_OR_ABSENT,
        PARAMS_ABSENT,
    } rule = PARAMS_ABSENT;

    switch (alg->id) {
    case WAX_OID_MD5_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_MD5;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_SHA1_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_SHA1;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_SHA224_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_SHA224;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_SHA256_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_SHA256;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_SHA384_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_SHA384;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_SHA512_WITH_RSA:
        s.scheme = WAX_SIG_RSA_PKCS1, s.digest = WAX_DIGEST_SHA512;
        rule = PARAMS_NULL_OR_ABSENT;
        break;
    case WAX_OID_RSASSA_PSS:
        WAX_TRY(pss_params(alg, &s));
        *out = s;
        return WAX_OK;
    case WAX_OID_ECDSA_WITH_SHA1:
        s.scheme = WAX_SIG_ECDSA, s.digest = WAX_DIGEST_SHA1;
        break;
    case WAX_OID_ECDSA_WITH_SHA224:
        s.scheme = WAX_SIG_ECDSA, s.digest = WAX_DIGEST_SHA224;
        break;
    case WAX_OID_ECDSA_WITH_SHA256:
        s.scheme = WAX_SIG_ECDSA, s.digest = WAX_DIGEST_SHA256;
        break;
    case WAX_OID_ECDSA_WITH_SHA384:
        s.scheme = WAX_SIG_ECDSA, s.digest = WAX_DIGEST_SHA384;
        break;
    case WAX_OID_ECDSA_WITH_SHA512:
        s.scheme = WAX_SIG_ECDSA, s.digest = WAX_DIGEST_SHA512;
        break;
    case WAX_OID_DSA_WITH_SHA1:
        s.scheme = WAX_SIG_DSA, s.digest = WAX_DIGEST_SHA1;
        break;
    case WAX_OID_DSA_WITH_SHA224:
        s.scheme = WAX_SIG_DSA, s.digest = WAX_DIGEST_SHA224;
        break;
    case WAX_OID_DSA_WITH_SHA256:
        s.scheme = WAX_SIG_DSA, s.digest = WAX_DIGEST_SHA256;
        break;
    case WAX_OID_ED25519:
        s.scheme = WAX_SIG_ED25519, s.digest = WAX_DIGEST_NONE;
        break;
    case WAX_OID_ED448:
        s.scheme = WAX_SIG_ED448, s.digest = WAX_DIGEST_NONE;
        break;
    default:
        WAX_FAIL(WAX_ERR_X509_UNSUPPORTED_SIG_ALG);
    }
    if (rule == PARAMS_NULL_OR_ABSENT) {
        WAX_ENSURE(params_null_or_absent(alg), WAX_ERR_X509_BAD_ALGORITHM);
    } else {
        WAX_ENSURE(!alg->has_params, WAX_ERR_X509_BAD_ALGORITHM);
    }
    *out = s;
    return WAX_OK;
}
