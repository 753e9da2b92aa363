/*
 * SignedData verification: the checks of each SignerInfo (RFC 5652 §5.3,
 * §5.4, §5.6, §11; RFC 8551; SECURITY.md rules 4 and 7), the result and
 * the re-check with a digest the caller computed.
 *
 *   SignerInfo ::= SEQUENCE {
 *       version            CMSVersion,
 *       sid                SignerIdentifier,
 *       digestAlgorithm    DigestAlgorithmIdentifier,
 *       signedAttrs        [0] IMPLICIT SignedAttributes OPTIONAL,
 *       signatureAlgorithm SignatureAlgorithmIdentifier,
 *       signature          SignatureValue,
 *       unsignedAttrs      [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *   SignerIdentifier ::= CHOICE {
 *       issuerAndSerialNumber IssuerAndSerialNumber,
 *       subjectKeyIdentifier  [0] SubjectKeyIdentifier }
 *   IssuerAndSerialNumber ::= SEQUENCE {
 *       issuer Name, serialNumber CertificateSerialNumber }
 */
#include <stdlib.h>
#include <string.h>

#include "signed_int.h"

/* ------------------------------------------------------------------ */
/* Parsing a SignerInfo (its fields were captured as DER).             */

static wax_err
parse_sid(struct cms_vsigner *s, struct wax_span *in)
{
    uint32_t tag;
    struct wax_span contents;
    WAX_ENSURE(wax_der_get_any(in, &tag, &contents, &s->sid),
               WAX_ERR_CMS_BAD_SID);
    if (tag == WAX_DER_SEQUENCE) {
        struct wax_span name;
        WAX_ENSURE(wax_der_get_element(&contents, WAX_DER_SEQUENCE, &name),
                   WAX_ERR_CMS_BAD_SID);
        WAX_ENSURE(wax_x509_name_check(name) == WAX_OK, WAX_ERR_CMS_BAD_SID);
        WAX_ENSURE(wax_der_get_integer(&contents, &s->sid_serial, NULL) &&
                       wax_der_expect_end(&contents),
                   WAX_ERR_CMS_BAD_SID);
        s->sid_issuer = name;
        s->sid_is_ski = false;
    } else if (tag == WAX_DER_CONTEXT_TAG(0)) {
        /* SubjectKeyIdentifier ::= OCTET STRING, [0] IMPLICIT */
        s->sid_is_ski = true;
        WAX_ENSURE(contents.len > 0, WAX_ERR_CMS_BAD_SID);
        s->sid_ski = contents;
    } else {
        WAX_FAIL(WAX_ERR_CMS_BAD_SID);
    }
    return WAX_OK;
}

static wax_err
signer_parse(struct cms_vsigner *s)
{
    struct wax_span in;
    uint64_t version;
    bool present;
    size_t field = 0;
    wax_span_init(&in, s->buf.data, s->buf.len);

    WAX_ENSURE(wax_der_get_u64(&in, &version), WAX_ERR_CMS_MALFORMED);
    field++;
    WAX_TRY(parse_sid(s, &in));
    field++;
    /* RFC 5652 §5.3: v1 with issuerAndSerialNumber, v3 with the SKI */
    WAX_ENSURE((version == 1 && !s->sid_is_ski) ||
                   (version == 3 && s->sid_is_ski),
               WAX_ERR_CMS_BAD_VERSION);
    s->version = (int)version;
    WAX_ENSURE(wax_x509_algid_parse(&in, &s->digest_id) == WAX_OK,
               WAX_ERR_CMS_MALFORMED);
    field++;
    WAX_ENSURE(
        wax_der_get_optional(&in, WAX_DER_CONTEXT_CONS(0), &s->attrs, &present),
        WAX_ERR_CMS_MALFORMED);
    if (present) {
        s->has_attrs = true;
        s->attrs_der = field < s->num_fields && s->field_der[field];
        field++;
    }
    WAX_ENSURE(wax_x509_algid_parse(&in, &s->sig_id) == WAX_OK,
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(wax_der_get(&in, WAX_DER_OCTET_STRING, &s->signature),
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(wax_der_get_optional(&in, WAX_DER_CONTEXT_CONS(1),
                                    &s->unsigned_attrs, &present),
               WAX_ERR_CMS_MALFORMED);
    s->has_unsigned = present;
    WAX_ENSURE(wax_der_expect_end(&in), WAX_ERR_CMS_MALFORMED);
    return WAX_OK;
}

void
cms_verify_signer_parse(struct cms_vsigner *s)
{
    s->err = signer_parse(s);
}

void
cms_verify_signer_free(struct cms_vsigner *s)
{
    if (s == NULL) {
        return;
    }
    wax_buf_cleanup(&s->buf);
    wax_buf_cleanup(&s->signed_bytes);
    wax_pubkey_free(s->key);
    free(s);
}

/* ------------------------------------------------------------------ */
/* The checks, in the order struct wax_cms_signer_result documents.    */

static wax_err
check_algorithms(const struct wax_cms_verify *v, struct cms_vsigner *s)
{
    WAX_TRY(cms_digest_alg_decode(&s->digest_id, &s->digest));
    WAX_TRY(cms_sig_alg_decode(&s->sig_id, s->digest, &s->sig_alg));
    s->algs_ok = true;
    if (cms_digest_is_weak(s->digest)) {
        WAX_ENSURE(v->params.allow_weak, WAX_ERR_CMS_WEAK_DIGEST);
        s->weak = true;
    }
    return WAX_OK;
}

/* An attribute that must occur once with one value. */
static wax_err
single(const struct cms_attr *attrs, size_t num, enum wax_oid_id id,
       const struct cms_attr **out)
{
    size_t n = cms_attrs_count(attrs, num, id, out);
    WAX_ENSURE(n <= 1, WAX_ERR_CMS_DUPLICATE_ATTR);
    WAX_ENSURE(n == 0 || (*out)->num_values == 1,
               WAX_ERR_CMS_ATTR_NOT_SINGLE_VALUED);
    return WAX_OK;
}

/*
 *   SigningTime ::= Time
 *   Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
 * RFC 5652 §11.3: dates from 1950 through 2049 MUST be UTCTime.
 */
static wax_err
check_signing_time(struct cms_vsigner *s, struct wax_span value)
{
    uint32_t tag;
    int64_t t;
    struct wax_span v = value;
    WAX_ENSURE(wax_der_peek_tag(&v, &tag), WAX_ERR_CMS_BAD_SIGNING_TIME);
    WAX_ENSURE(wax_der_get_time(&v, &t) && wax_der_expect_end(&v),
               WAX_ERR_CMS_BAD_SIGNING_TIME);
    if (tag == WAX_DER_GENERALIZED_TIME) {
        /* 1950-01-01 and 2050-01-01 */
        WAX_ENSURE(t < -631152000 || t >= 2524608000,
                   WAX_ERR_CMS_BAD_SIGNING_TIME);
    }
    s->has_signing_time = true;
    s->signing_time = t;
    return WAX_OK;
}

static wax_err
check_signed_attrs(const struct wax_cms_verify *v, struct cms_vsigner *s)
{
    struct cms_attr attrs[WAX_MAX_CMS_ATTRS];
    size_t num;
    const struct cms_attr *a;

    if (!s->has_attrs) {
        /* RFC 5652 §5.3: signedAttrs MUST be present unless id-data */
        struct wax_span ect;
        wax_span_init(&ect, v->ect, v->ect_len);
        WAX_ENSURE(wax_oid_is(ect, WAX_OID_CT_DATA),
                   WAX_ERR_CMS_NO_SIGNED_ATTRS);
        return WAX_OK;
    }
    /* RFC 5652 §5.3: SignedAttributes MUST be DER encoded */
    WAX_ENSURE(s->attrs_der, WAX_ERR_CMS_SIGNED_ATTRS_NOT_DER);
    WAX_TRY(cms_attrs_parse(s->attrs, attrs, &num));

    WAX_TRY(single(attrs, num, WAX_OID_PKCS9_CONTENT_TYPE, &a));
    WAX_ENSURE(a != NULL, WAX_ERR_CMS_NO_CONTENT_TYPE_ATTR);
    struct wax_span first = a->first, oid;
    WAX_ENSURE(wax_der_get_oid(&first, &oid) && wax_der_expect_end(&first),
               WAX_ERR_CMS_BAD_ATTR);
    WAX_ENSURE(wax_span_equal_bytes(oid, v->ect, v->ect_len),
               WAX_ERR_CMS_CONTENT_TYPE_MISMATCH);

    WAX_TRY(single(attrs, num, WAX_OID_PKCS9_MESSAGE_DIGEST, &a));
    WAX_ENSURE(a != NULL, WAX_ERR_CMS_NO_MESSAGE_DIGEST_ATTR);
    first = a->first;
    WAX_ENSURE(wax_der_get(&first, WAX_DER_OCTET_STRING, &s->message_digest) &&
                   wax_der_expect_end(&first),
               WAX_ERR_CMS_BAD_ATTR);

    WAX_TRY(single(attrs, num, WAX_OID_PKCS9_SIGNING_TIME, &a));
    if (a != NULL) {
        WAX_TRY(check_signing_time(s, a->first));
    }
    WAX_TRY(single(attrs, num, WAX_OID_PKCS9_SMIME_CAPABILITIES, &a));
    if (a != NULL) {
        WAX_ENSURE(wax_der_peek(&a->first, WAX_DER_SEQUENCE),
                   WAX_ERR_CMS_BAD_ATTR);
        s->caps = a->first;
    }
    WAX_TRY(single(attrs, num, WAX_OID_AA_ENCRYPTION_KEY_PREFERENCE, &a));
    if (a != NULL) {
        uint32_t tag;
        WAX_ENSURE(wax_der_peek_tag(&a->first, &tag) &&
                       (tag == WAX_DER_CONTEXT_CONS(0) ||
                        tag == WAX_DER_CONTEXT_CONS(1) ||
                        tag == WAX_DER_CONTEXT_TAG(2)),
                   WAX_ERR_CMS_BAD_ATTR);
        s->ekp = a->first;
    }
    WAX_TRY(single(attrs, num, WAX_OID_AA_SIGNING_CERTIFICATE, &a));
    if (a != NULL) {
        s->signing_cert = a->first;
    }
    WAX_TRY(single(attrs, num, WAX_OID_AA_SIGNING_CERTIFICATE_V2, &a));
    if (a != NULL) {
        s->signing_cert_v2 = a->first;
    }

    /* RFC 5652 §5.4: the signature covers the DER encoding, SET tag */
    wax_buf_reset(&s->signed_bytes);
    WAX_TRY(cms_attrs_der(s->attrs, &s->signed_bytes, &s->reordered));
    return WAX_OK;
}

/* RFC 5652 §11.1-11.3: content-type, message-digest and signing-time MUST
 * NOT be unsigned attributes. */
static wax_err
check_unsigned_attrs(struct cms_vsigner *s)
{
    struct cms_attr attrs[WAX_MAX_CMS_ATTRS];
    size_t num;
    if (!s->has_unsigned) {
        return WAX_OK;
    }
    WAX_TRY(cms_attrs_parse(s->unsigned_attrs, attrs, &num));
    for (size_t i = 0; i < num; i++) {
        WAX_ENSURE(attrs[i].id != WAX_OID_PKCS9_CONTENT_TYPE &&
                       attrs[i].id != WAX_OID_PKCS9_MESSAGE_DIGEST &&
                       attrs[i].id != WAX_OID_PKCS9_SIGNING_TIME,
                   WAX_ERR_CMS_UNSIGNED_ATTR_NOT_ALLOWED);
    }
    return WAX_OK;
}

static bool
cert_matches(const struct wax_x509_cert *c, const struct cms_vsigner *s)
{
    if (s->sid_is_ski) {
        return c->info.has_ski && wax_span_equal(c->info.ski, s->sid_ski);
    }
    return wax_span_equal(c->serial, s->sid_serial) &&
           wax_x509_name_equal(c->issuer, s->sid_issuer);
}

static bool
try_cert(struct cms_vsigner *s, const uint8_t *der, size_t len,
         struct wax_x509_cert *out)
{
    if (wax_x509_cert_parse(out, der, len) != WAX_OK || !cert_matches(out, s)) {
        return false;
    }
    s->cert = der;
    s->cert_len = len;
    return true;
}

static wax_err
find_cert(const struct wax_cms_verify *v, struct cms_vsigner *s,
          struct wax_x509_cert *out)
{
    for (size_t i = 0; i < v->num_certs; i++) {
        const struct cms_vitem *it = &v->certs[i];
        if (it->tag == WAX_DER_SEQUENCE &&
            try_cert(s, v->certs_buf.data + it->off, it->len, out)) {
            return WAX_OK;
        }
    }
    for (size_t i = 0; i < v->params.num_extra_certs; i++) {
        if (try_cert(s, v->params.extra_certs[i], v->params.extra_cert_lens[i],
                     out)) {
            return WAX_OK;
        }
    }
    return WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND;
}

/* The first ESSCertID(v2) of a SigningCertificate(V2) must hash to the
 * signer certificate (RFC 2634 §5.4, RFC 5035 §3). */
static wax_err
check_ess_cert_id(struct wax_span value, bool v2, const struct cms_vsigner *s)
{
    struct wax_span sc, certs, id, hash;
    enum wax_digest_alg alg = v2 ? WAX_DIGEST_SHA256 : WAX_DIGEST_SHA1;
    WAX_ENSURE(wax_der_get(&value, WAX_DER_SEQUENCE, &sc) &&
                   wax_der_expect_end(&value) &&
                   wax_der_get(&sc, WAX_DER_SEQUENCE, &certs) &&
                   wax_der_get(&certs, WAX_DER_SEQUENCE, &id),
               WAX_ERR_CMS_BAD_ATTR);
    if (v2 && wax_der_peek(&id, WAX_DER_SEQUENCE)) {
        struct wax_x509_algid h;
        WAX_ENSURE(wax_x509_algid_parse(&id, &h) == WAX_OK,
                   WAX_ERR_CMS_BAD_ATTR);
        WAX_TRY(cms_digest_alg_decode(&h, &alg));
    }
    WAX_ENSURE(wax_der_get(&id, WAX_DER_OCTET_STRING, &hash),
               WAX_ERR_CMS_BAD_ATTR);
    uint8_t md[WAX_MAX_DIGEST_BYTES];
    size_t md_len;
    WAX_TRY(
        wax_digest_compute(alg, md, sizeof(md), &md_len, s->cert, s->cert_len));
    WAX_ENSURE(wax_span_equal_bytes(hash, md, md_len),
               WAX_ERR_CMS_SIGNING_CERT_MISMATCH);
    return WAX_OK;
}

static wax_err
check_cert(const struct wax_cms_verify *v, struct cms_vsigner *s)
{
    struct wax_x509_cert cert;
    WAX_TRY(find_cert(v, s, &cert));
    WAX_TRY(wax_pubkey_from_spki(&s->key, cert.spki.der.p, cert.spki.der.len));
    enum wax_key_type type = wax_pubkey_type(s->key);
    if ((type == WAX_KEY_RSA || type == WAX_KEY_RSA_PSS ||
         type == WAX_KEY_DSA) &&
        wax_pubkey_bits(s->key) < 2048) {
        WAX_ENSURE(v->params.allow_weak, WAX_ERR_CMS_WEAK_KEY);
        s->weak = true;
    }
    if (s->signing_cert.len > 0) {
        WAX_TRY(check_ess_cert_id(s->signing_cert, false, s));
    }
    if (s->signing_cert_v2.len > 0) {
        WAX_TRY(check_ess_cert_id(s->signing_cert_v2, true, s));
    }
    return WAX_OK;
}

static wax_err
map_verify(wax_err err)
{
    switch (err) {
    case WAX_ERR_CRYPTO_SIGNATURE_INVALID:
        return WAX_ERR_CMS_SIGNATURE_INVALID;
    case WAX_ERR_CRYPTO_KEY_MISMATCH:
        return WAX_ERR_CMS_KEY_ALG_MISMATCH;
    default:
        return err;
    }
}

static bool
is_eddsa(const struct cms_vsigner *s)
{
    return s->sig_alg.scheme == WAX_SIG_ED25519 ||
           s->sig_alg.scheme == WAX_SIG_ED448;
}

/* With the content digest MD (MD_LEN bytes) of S->digest: the message
 * digest attribute, or the signature itself without signed attributes. */
static wax_err
check_with_digest(struct cms_vsigner *s, const uint8_t *md, size_t md_len)
{
    if (s->has_attrs) {
        WAX_ENSURE(s->message_digest.len == md_len &&
                       wax_ct_equal(s->message_digest.p, md, md_len),
                   WAX_ERR_CMS_DIGEST_MISMATCH);
        return WAX_OK;
    }
    return map_verify(wax_pubkey_verify_digest(
        s->key, &s->sig_alg, md, md_len, s->signature.p, s->signature.len));
}

static wax_err
check_signature_and_digest(const struct wax_cms_verify *v,
                           struct cms_vsigner *s)
{
    if (s->has_attrs) {
        WAX_TRY(map_verify(wax_pubkey_verify(
            s->key, &s->sig_alg, s->signed_bytes.data, s->signed_bytes.len,
            s->signature.p, s->signature.len)));
    } else if (is_eddsa(s)) {
        /* RFC 8419 §3.1: without signed attributes EdDSA signs the
         * content itself, which only the kept copy can give */
        WAX_ENSURE(!v->copy_overflow, WAX_ERR_CMS_CONTENT_TOO_LARGE);
        return map_verify(wax_pubkey_verify(
            s->key, &s->sig_alg, v->content_copy.data, v->content_copy.len,
            s->signature.p, s->signature.len));
    }
    if (!v->active[s->digest]) {
        s->pending = true;
        return WAX_ERR_CMS_DIGEST_NOT_COMPUTED;
    }
    return check_with_digest(s, v->md[s->digest], v->md_len[s->digest]);
}

static wax_err
check_signer(const struct wax_cms_verify *v, struct cms_vsigner *s)
{
    WAX_TRY(s->err);
    WAX_TRY(check_algorithms(v, s));
    WAX_TRY(check_signed_attrs(v, s));
    WAX_TRY(check_unsigned_attrs(s));
    WAX_TRY(check_cert(v, s));
    return check_signature_and_digest(v, s);
}

/* ------------------------------------------------------------------ */
/* Results.                                                            */

static wax_err
blob_copy(struct wax_cms_blob *b, const uint8_t *p, size_t len)
{
    b->der = NULL;
    b->len = 0;
    if (len == 0) {
        return WAX_OK;
    }
    b->der = malloc(len);
    WAX_ENSURE(b->der != NULL, WAX_ERR_NOMEM);
    memcpy(b->der, p, len);
    b->len = len;
    return WAX_OK;
}

static void
blob_free(struct wax_cms_blob *b)
{
    free(b->der);
    b->der = NULL;
    b->len = 0;
}

void
wax_cms_signed_result_cleanup(struct wax_cms_signed_result *res)
{
    if (res == NULL) {
        return;
    }
    for (size_t i = 0; i < res->num_signers && res->signers != NULL; i++) {
        struct wax_cms_signer_result *r = &res->signers[i];
        blob_free(&r->cert);
        blob_free(&r->sid);
        blob_free(&r->smime_capabilities);
        blob_free(&r->encryption_key_preference);
    }
    free(res->signers);
    for (size_t i = 0; i < res->num_certs && res->certs != NULL; i++) {
        blob_free(&res->certs[i]);
    }
    free(res->certs);
    for (size_t i = 0; i < res->num_crls && res->crls != NULL; i++) {
        blob_free(&res->crls[i]);
    }
    free(res->crls);
    memset(res, 0, sizeof(*res));
}

static wax_err
copy_items(struct wax_cms_blob **out, size_t *out_num,
           const struct cms_vitem *items, size_t num, const uint8_t *base)
{
    *out_num = 0;
    if (num == 0) {
        return WAX_OK;
    }
    *out = calloc(num, sizeof(**out));
    WAX_ENSURE(*out != NULL, WAX_ERR_NOMEM);
    for (size_t i = 0; i < num; i++) {
        WAX_TRY(blob_copy(&(*out)[i], base + items[i].off, items[i].len));
        *out_num = i + 1;
    }
    return WAX_OK;
}

static wax_err
fill_signer_result(const struct cms_vsigner *s, struct wax_cms_signer_result *r)
{
    r->version = s->version;
    r->sid_is_ski = s->sid_is_ski;
    r->digest = s->algs_ok ? s->digest : WAX_DIGEST_NONE;
    if (s->algs_ok) {
        r->sig_alg = s->sig_alg;
    }
    r->weak = s->weak;
    r->has_signed_attrs = s->has_attrs;
    r->attrs_reordered = s->reordered;
    r->has_signing_time = s->has_signing_time;
    r->signing_time = s->signing_time;
    WAX_TRY(blob_copy(&r->sid, s->sid.p, s->sid.len));
    WAX_TRY(blob_copy(&r->cert, s->cert, s->cert_len));
    WAX_TRY(blob_copy(&r->smime_capabilities, s->caps.p, s->caps.len));
    WAX_TRY(blob_copy(&r->encryption_key_preference, s->ekp.p, s->ekp.len));
    return WAX_OK;
}

/* The overall verdict of RES from its signers. */
static void
summarise(struct wax_cms_signed_result *res)
{
    wax_err first = WAX_OK;
    bool not_computed = false;
    res->missing_digests = 0;
    for (size_t i = 0; i < res->num_signers; i++) {
        const struct wax_cms_signer_result *r = &res->signers[i];
        if (r->err == WAX_ERR_CMS_DIGEST_NOT_COMPUTED) {
            not_computed = true;
            res->missing_digests |= 1u << r->digest;
        } else if (r->err != WAX_OK && first == WAX_OK) {
            first = r->err;
        }
    }
    if (first == WAX_OK && not_computed) {
        first = WAX_ERR_CMS_DIGEST_NOT_COMPUTED;
    }
    res->err = res->num_signers == 0 ? WAX_ERR_CMS_NO_SIGNERS : first;
}

/* RFC 5652 §5.1: the version the contents require. */
static int
required_version(const struct wax_cms_verify *v)
{
    bool other = false, v2_attr = false, v1_attr = false, v3_signer = false;
    for (size_t i = 0; i < v->num_certs; i++) {
        other |= v->certs[i].tag == WAX_DER_CONTEXT_CONS(3);
        v2_attr |= v->certs[i].tag == WAX_DER_CONTEXT_CONS(2);
        v1_attr |= v->certs[i].tag == WAX_DER_CONTEXT_CONS(1);
    }
    for (size_t i = 0; i < v->num_crls; i++) {
        other |= v->crls[i].tag == WAX_DER_CONTEXT_CONS(1);
    }
    for (size_t i = 0; i < v->num_signers; i++) {
        /* what the sid calls for, even when the SignerInfo is broken */
        v3_signer |= v->signers[i]->sid_is_ski;
    }
    struct wax_span ect;
    wax_span_init(&ect, v->ect, v->ect_len);
    if (other) {
        return 5;
    }
    if (v2_attr) {
        return 4;
    }
    if (v1_attr || v3_signer || !wax_oid_is(ect, WAX_OID_CT_DATA)) {
        return 3;
    }
    return 1;
}

static wax_err
fill_result(struct wax_cms_verify *v, struct wax_cms_signed_result *res)
{
    res->version = v->version;
    memcpy(res->econtent_type_oid, v->ect, v->ect_len);
    res->econtent_type_oid_len = v->ect_len;
    struct wax_span ect;
    wax_span_init(&ect, v->ect, v->ect_len);
    res->econtent_type = wax_oid_find(ect);
    res->detached = !v->econtent_present;
    res->content_len = v->content_len;
    WAX_TRY(copy_items(&res->certs, &res->num_certs, v->certs, v->num_certs,
                       v->certs_buf.data));
    for (size_t i = 0; i < v->num_certs; i++) {
        res->num_other_certs += v->certs[i].tag != WAX_DER_SEQUENCE;
    }
    WAX_TRY(copy_items(&res->crls, &res->num_crls, v->crls, v->num_crls,
                       v->certs_buf.data));
    if (v->num_signers > 0) {
        res->signers = calloc(v->num_signers, sizeof(*res->signers));
        WAX_ENSURE(res->signers != NULL, WAX_ERR_NOMEM);
    }
    res->num_signers = v->num_signers;
    for (size_t i = 0; i < v->num_signers; i++) {
        struct cms_vsigner *s = v->signers[i];
        res->signers[i].err = check_signer(v, s);
        WAX_TRY(fill_signer_result(s, &res->signers[i]));
    }
    summarise(res);
    /* a structure error of the SignedData overrides the signers' verdict
     * (they are still reported) */
    WAX_ENSURE(v->version == required_version(v), WAX_ERR_CMS_BAD_VERSION);
    return res->err;
}

wax_err
wax_cms_verify_finish(struct wax_cms_verify *v,
                      struct wax_cms_signed_result *res)
{
    WAX_ENSURE(v != NULL && res != NULL, WAX_ERR_INVALID_ARGUMENT);
    wax_cms_signed_result_cleanup(res);
    if (v->err != WAX_OK) {
        res->err = v->err;
        return res->err;
    }
    if (v->finished || !v->cms_closed ||
        (v->params.detached && !v->content_closed)) {
        res->err = WAX_ERR_CMS_STATE;
        return res->err;
    }
    v->finished = true;
    res->err = fill_result(v, res);
    return res->err;
}

wax_err
wax_cms_verify_recheck(struct wax_cms_verify *v,
                       struct wax_cms_signed_result *res,
                       enum wax_digest_alg alg, const uint8_t *digest,
                       size_t digest_len)
{
    WAX_ENSURE(v != NULL && res != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(v->finished && res->num_signers == v->num_signers,
               WAX_ERR_CMS_STATE);
    WAX_ENSURE(alg > WAX_DIGEST_NONE && alg <= WAX_DIGEST_SHA512 &&
                   digest != NULL && digest_len == wax_digest_size(alg),
               WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < v->num_signers; i++) {
        struct cms_vsigner *s = v->signers[i];
        if (s->pending && s->digest == alg &&
            res->signers[i].err == WAX_ERR_CMS_DIGEST_NOT_COMPUTED) {
            s->pending = false;
            res->signers[i].err = check_with_digest(s, digest, digest_len);
        }
    }
    summarise(res);
    return res->err;
}
