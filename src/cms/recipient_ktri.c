/*
 * KeyTransRecipientInfo with RSA (RFC 5652 §6.2.1, RFC 3370 §4.2 for
 * PKCS#1 v1.5, RFC 8017 / RFC 4055 for RSAES-OAEP): building one for a
 * recipient certificate, and recovering the content-encryption key.
 */
#include <string.h>

#include "cms/enveloped_int.h"

static enum wax_oid_id
digest_oid(enum wax_digest_alg d)
{
    switch (d) {
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
    case WAX_DIGEST_MD5:
        break;
    }
    return WAX_OID_UNKNOWN;
}

/* HashAlgorithm with NULL parameters, as RFC 4055 §2.1 writes them. */
static wax_err
add_hash_algid(struct wax_der_builder *b, enum wax_digest_alg d)
{
    struct wax_span oid = wax_oid_span(digest_oid(d));
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_oid(&seq, oid.p, oid.len));
    WAX_TRY(wax_der_builder_add_null(&seq));
    return wax_der_builder_close(&seq);
}

/* The keyEncryptionAlgorithm: rsaEncryption with NULL, or id-RSAES-OAEP
 * with RSAES-OAEP-params (hash and MGF1 written unless they are the SHA-1
 * DEFAULTs, which DER leaves out; pSourceAlgorithm is always the empty
 * label, the DEFAULT). */
static wax_err
add_kt_algid(struct wax_der_builder *b, enum wax_cms_kt_alg kt,
             enum wax_digest_alg digest, enum wax_digest_alg mgf1)
{
    struct wax_der_builder seq, params, tagged, mgf;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    if (kt == WAX_CMS_KT_RSA_PKCS1) {
        struct wax_span oid = wax_oid_span(WAX_OID_RSA_ENCRYPTION);
        WAX_TRY(wax_der_builder_add_oid(&seq, oid.p, oid.len));
        WAX_TRY(wax_der_builder_add_null(&seq));
        return wax_der_builder_close(&seq);
    }
    struct wax_span oid = wax_oid_span(WAX_OID_RSAES_OAEP);
    WAX_TRY(wax_der_builder_add_oid(&seq, oid.p, oid.len));
    WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &params));
    if (digest != WAX_DIGEST_SHA1) {
        WAX_TRY(
            wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(0), &tagged));
        WAX_TRY(add_hash_algid(&tagged, digest));
        WAX_TRY(wax_der_builder_close(&tagged));
    }
    if (mgf1 != WAX_DIGEST_SHA1) {
        WAX_TRY(
            wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(1), &tagged));
        WAX_TRY(wax_der_builder_open(&tagged, WAX_DER_SEQUENCE, &mgf));
        struct wax_span mgf_oid = wax_oid_span(WAX_OID_MGF1);
        WAX_TRY(wax_der_builder_add_oid(&mgf, mgf_oid.p, mgf_oid.len));
        WAX_TRY(add_hash_algid(&mgf, mgf1));
        WAX_TRY(wax_der_builder_close(&mgf));
        WAX_TRY(wax_der_builder_close(&tagged));
    }
    WAX_TRY(wax_der_builder_close(&params));
    return wax_der_builder_close(&seq);
}

static bool
oaep_digest_ok(enum wax_digest_alg d)
{
    return digest_oid(d) != WAX_OID_UNKNOWN;
}

wax_err
wax_cmsenv_ktri_build(struct wax_der_builder *b,
                      const struct wax_cms_recipient *r,
                      const struct wax_x509_cert *cert,
                      const struct wax_pubkey *key, const uint8_t *cek,
                      size_t cek_len, unsigned *out_version)
{
    enum wax_digest_alg digest = WAX_DIGEST_SHA256, mgf1 = WAX_DIGEST_SHA256;
    if (r->kt == WAX_CMS_KT_RSA_OAEP) {
        if (r->oaep_digest != WAX_DIGEST_NONE) {
            digest = r->oaep_digest;
        }
        if (r->oaep_mgf1_digest != WAX_DIGEST_NONE) {
            mgf1 = r->oaep_mgf1_digest;
        }
        WAX_ENSURE(oaep_digest_ok(digest) && oaep_digest_ok(mgf1),
                   WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT);
    } else {
        WAX_ENSURE(r->kt == WAX_CMS_KT_RSA_PKCS1,
                   WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT);
    }
    WAX_ENSURE(r->rid == WAX_CMS_RID_ISSUER_SERIAL || r->rid == WAX_CMS_RID_SKI,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(r->rid != WAX_CMS_RID_SKI || cert->info.has_ski,
               WAX_ERR_CMS_NO_SKI);

    uint8_t ek[WAX_MAX_RSA_BYTES];
    size_t ek_len = 0;
    if (r->kt == WAX_CMS_KT_RSA_OAEP) {
        struct wax_oaep_params params = {digest, mgf1, NULL, 0};
        WAX_TRY(wax_pubkey_encrypt_oaep(key, &params, ek, sizeof ek, &ek_len,
                                        cek, cek_len));
    } else {
        WAX_TRY(wax_pubkey_encrypt_pkcs1(key, ek, sizeof ek, &ek_len, cek,
                                         cek_len));
    }

    /* KeyTransRecipientInfo: see recipient_info.c for the schema */
    struct wax_der_builder seq, rid;
    unsigned version = r->rid == WAX_CMS_RID_SKI ? 2 : 0;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(wax_der_builder_add_u64(&seq, version));
    if (r->rid == WAX_CMS_RID_SKI) {
        WAX_TRY(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(0),
                                              cert->info.ski.p,
                                              cert->info.ski.len));
    } else {
        WAX_TRY(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &rid));
        WAX_TRY(wax_der_builder_add_element(&rid, cert->issuer.p,
                                            cert->issuer.len));
        WAX_TRY(wax_der_builder_add_primitive(
            &rid, WAX_DER_INTEGER, cert->serial.p, cert->serial.len));
        WAX_TRY(wax_der_builder_close(&rid));
    }
    WAX_TRY(add_kt_algid(&seq, r->kt, digest, mgf1));
    WAX_TRY(wax_der_builder_add_octet_string(&seq, ek, ek_len));
    WAX_TRY(wax_der_builder_close(&seq));
    *out_version = version;
    return WAX_OK;
}

wax_err
wax_cmsenv_ktri_unwrap(const struct wax_cms_recipient_info *ri,
                       const struct wax_cmsenv_ri_extra *extra,
                       const struct wax_privkey *key, uint8_t *cek,
                       size_t cek_len)
{
    WAX_ENSURE(ri->kind == WAX_CMS_RI_KTRI && (ri->kt == WAX_CMS_KT_RSA_PKCS1 ||
                                               ri->kt == WAX_CMS_KT_RSA_OAEP),
               WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT);
    WAX_ENSURE(wax_privkey_type(key) == WAX_KEY_RSA,
               WAX_ERR_CMS_RECIPIENT_KEY_UNSUPPORTED);
    const struct wax_span ek = extra->encrypted_key;
    size_t mod_len = (wax_privkey_bits(key) + 7) / 8;

    /* The random key is drawn first, whatever happens next (RFC 3218). */
    WAX_TRY(wax_random_bytes(cek, cek_len));
    if (ri->kt == WAX_CMS_KT_RSA_PKCS1) {
        if (ek.len != mod_len || cek_len + 11 > mod_len) {
            /* public facts: the random key stands, the content fails */
            return WAX_OK;
        }
        wax_err err = wax_privkey_unwrap_pkcs1(key, cek, cek_len, ek.p, ek.len);
        if (err == WAX_OK) {
            return WAX_OK;
        }
        /* never leave a half-written key behind */
        WAX_TRY(wax_random_bytes(cek, cek_len));
        return err == WAX_ERR_CRYPTO_DECRYPT_FAILED ||
                       err == WAX_ERR_INVALID_ARGUMENT
                   ? WAX_OK
                   : err;
    }

    /* OAEP: a failure continues with the random key as well */
    uint8_t out[WAX_MAX_RSA_BYTES];
    size_t out_len = 0;
    struct wax_oaep_params params = {ri->oaep_digest, ri->oaep_mgf1_digest,
                                     extra->oaep_label.p,
                                     extra->oaep_label.len};
    wax_err err = wax_privkey_decrypt_oaep(key, &params, out, sizeof out,
                                           &out_len, ek.p, ek.len);
    if (err == WAX_OK && out_len == cek_len) {
        memcpy(cek, out, cek_len);
    } else if (err != WAX_OK && err != WAX_ERR_CRYPTO_DECRYPT_FAILED &&
               err != WAX_ERR_BUF_TOO_SMALL) {
        wax_wipe(out, sizeof out);
        return err == WAX_ERR_CRYPTO_UNSUPPORTED_ALG
                   ? WAX_ERR_CMS_UNSUPPORTED_KEY_TRANSPORT
                   : err;
    }
    wax_wipe(out, sizeof out);
    return WAX_OK;
}
