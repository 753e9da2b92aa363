/*
 * Algorithm identifiers of SignedData: digestAlgorithm and
 * signatureAlgorithm as wax writes them and as it accepts them
 * (RFC 3370, RFC 4056, RFC 5753, RFC 5754, RFC 8419).
 */
#include "signed_int.h"

enum wax_oid_id
cms_digest_oid(enum wax_digest_alg d)
{
    switch (d) {
    case WAX_DIGEST_MD5:
        return WAX_OID_MD5;
    case WAX_DIGEST_SHA1:
        return WAX_OID_SHA1;
    case WAX_DIGEST_SHA224:
        return WAX_OID_SHA224;
    case WAX_DIGEST_SHA256:
        return WAX_OID_SHA256;
    case WAX_DIGEST_SHA384:
        return WAX_OID_SHA384;
    case WAX_DIGEST_SHA512:
        return WAX_OID_SHA512;
    case WAX_DIGEST_NONE:
        return WAX_OID_UNKNOWN;
    }
    return WAX_OID_UNKNOWN;
}

bool
cms_digest_is_weak(enum wax_digest_alg d)
{
    return d == WAX_DIGEST_MD5 || d == WAX_DIGEST_SHA1;
}

wax_err
cms_add_oid(struct wax_der_builder *b, enum wax_oid_id id)
{
    struct wax_span oid = wax_oid_span(id);
    WAX_ENSURE(oid.len > 0, WAX_ERR_INVALID_ARGUMENT);
    return wax_der_builder_add_oid(b, oid.p, oid.len);
}

/* AlgorithmIdentifier { id } without parameters. */
static wax_err
add_algid_bare(struct wax_der_builder *b, enum wax_oid_id id)
{
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(cms_add_oid(&seq, id));
    return wax_der_builder_close(&seq);
}

wax_err
cms_add_digest_algid(struct wax_der_builder *b, enum wax_digest_alg d)
{
    enum wax_oid_id id = cms_digest_oid(d);
    WAX_ENSURE(id != WAX_OID_UNKNOWN, WAX_ERR_INVALID_ARGUMENT);
    return add_algid_bare(b, id);
}

/*
 *   RSASSA-PSS-params ::= SEQUENCE {
 *       hashAlgorithm    [0] HashAlgorithm DEFAULT sha1,
 *       maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *       saltLength       [2] INTEGER DEFAULT 20,
 *       trailerField     [3] TrailerField DEFAULT trailerFieldBC }
 * (RFC 4055 §3.1). wax signs only with SHA-224 and up, so the hash and
 * MGF fields are never their DEFAULT; a salt of 20 would be.
 */
static wax_err
add_pss_algid(struct wax_der_builder *b, const struct wax_sig_alg *alg)
{
    struct wax_der_builder seq, params, tag, mgf;
    WAX_ENSURE(!cms_digest_is_weak(alg->digest) &&
                   !cms_digest_is_weak(alg->mgf1_digest),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(cms_add_oid(&seq, WAX_OID_RSASSA_PSS));
    WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &params));
    WAX_TRY(wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(0), &tag));
    WAX_TRY(cms_add_digest_algid(&tag, alg->digest));
    WAX_TRY(wax_der_builder_close(&tag));
    WAX_TRY(wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(1), &tag));
    WAX_TRY(wax_der_builder_open(&tag, WAX_DER_SEQUENCE, &mgf));
    WAX_TRY(cms_add_oid(&mgf, WAX_OID_MGF1));
    WAX_TRY(cms_add_digest_algid(&mgf, alg->mgf1_digest));
    WAX_TRY(wax_der_builder_close(&mgf));
    WAX_TRY(wax_der_builder_close(&tag));
    if (alg->salt_len != 20) {
        WAX_TRY(wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(2), &tag));
        WAX_TRY(wax_der_builder_add_u64(&tag, alg->salt_len));
        WAX_TRY(wax_der_builder_close(&tag));
    }
    WAX_TRY(wax_der_builder_close(&params));
    return wax_der_builder_close(&seq);
}

static enum wax_oid_id
ecdsa_oid(enum wax_digest_alg d)
{
    switch (d) {
    case WAX_DIGEST_SHA224:
        return WAX_OID_ECDSA_WITH_SHA224;
    case WAX_DIGEST_SHA256:
        return WAX_OID_ECDSA_WITH_SHA256;
    case WAX_DIGEST_SHA384:
        return WAX_OID_ECDSA_WITH_SHA384;
    case WAX_DIGEST_SHA512:
        return WAX_OID_ECDSA_WITH_SHA512;
    case WAX_DIGEST_NONE:
    case WAX_DIGEST_MD5:
    case WAX_DIGEST_SHA1:
        return WAX_OID_UNKNOWN;
    }
    return WAX_OID_UNKNOWN;
}

wax_err
cms_add_sig_algid(struct wax_der_builder *b, const struct wax_sig_alg *alg)
{
    switch (alg->scheme) {
    case WAX_SIG_RSA_PKCS1: {
        /* rsaEncryption with NULL parameters (RFC 3370 §3.2, as OpenSSL) */
        struct wax_der_builder seq;
        WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
        WAX_TRY(cms_add_oid(&seq, WAX_OID_RSA_ENCRYPTION));
        WAX_TRY(wax_der_builder_add_null(&seq));
        return wax_der_builder_close(&seq);
    }
    case WAX_SIG_RSA_PSS:
        return add_pss_algid(b, alg);
    case WAX_SIG_ECDSA: {
        enum wax_oid_id id = ecdsa_oid(alg->digest);
        WAX_ENSURE(id != WAX_OID_UNKNOWN, WAX_ERR_INVALID_ARGUMENT);
        return add_algid_bare(b, id);
    }
    case WAX_SIG_ED25519:
        return add_algid_bare(b, WAX_OID_ED25519);
    case WAX_SIG_NONE:
    case WAX_SIG_ED448:
    case WAX_SIG_DSA:
        break;
    }
    return WAX_ERR_CRYPTO_UNSUPPORTED_ALG;
}

wax_err
cms_digest_alg_decode(const struct wax_x509_algid *alg,
                      enum wax_digest_alg *out)
{
    wax_err err = wax_x509_digest_alg_decode(alg, out);
    if (err == WAX_ERR_X509_UNSUPPORTED_SIG_ALG) {
        return WAX_ERR_CMS_UNSUPPORTED_DIGEST;
    }
    return err;
}

/* params_null_or_absent: NULL or nothing (RFC 3370 §3.2 for rsaEncryption;
 * absent for the others, but NULL is widely written). */
static bool
params_null_or_absent(const struct wax_x509_algid *alg)
{
    if (!alg->has_params) {
        return true;
    }
    struct wax_span p = alg->params;
    return wax_der_get_null(&p) && wax_der_expect_end(&p);
}

wax_err
cms_sig_alg_decode(const struct wax_x509_algid *alg, enum wax_digest_alg digest,
                   struct wax_sig_alg *out)
{
    struct wax_sig_alg s = {0};
    switch (alg->id) {
    case WAX_OID_RSA_ENCRYPTION:
        s.scheme = WAX_SIG_RSA_PKCS1;
        break;
    case WAX_OID_DSA:
        s.scheme = WAX_SIG_DSA;
        break;
    case WAX_OID_EC_PUBLIC_KEY:
        s.scheme = WAX_SIG_ECDSA;
        break;
    default: {
        wax_err err = wax_x509_sig_alg_decode(alg, &s);
        if (err == WAX_ERR_X509_UNSUPPORTED_SIG_ALG) {
            return WAX_ERR_CMS_UNSUPPORTED_SIG_ALG;
        }
        WAX_TRY(err);
        if (s.scheme == WAX_SIG_ED25519) {
            /* RFC 8419 §3.1: the digestAlgorithm MUST be id-sha512 */
            WAX_ENSURE(digest == WAX_DIGEST_SHA512,
                       WAX_ERR_CMS_SIG_DIGEST_MISMATCH);
            *out = s;
            return WAX_OK;
        }
        if (s.scheme == WAX_SIG_ED448) {
            /* RFC 8419 wants SHAKE256, which wax does not implement */
            return WAX_ERR_CMS_UNSUPPORTED_DIGEST;
        }
        WAX_ENSURE(s.digest == digest, WAX_ERR_CMS_SIG_DIGEST_MISMATCH);
        *out = s;
        return WAX_OK;
    }
    }
    /* a key algorithm standing for "this key's signature with DIGEST" */
    WAX_ENSURE(params_null_or_absent(alg), WAX_ERR_X509_BAD_ALGORITHM);
    s.digest = digest;
    *out = s;
    return WAX_OK;
}
