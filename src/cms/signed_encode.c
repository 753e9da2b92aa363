/*
 * SignedData encoder (RFC 5652 §5, RFC 8551 profile): a push filter that
 * hashes the content as it arrives and writes a ContentInfo holding the
 * SignedData. Detached and small encapsulated content give DER at close;
 * encapsulated content past the threshold is streamed as indefinite-length
 * BER (DESIGN.md "Output framing").
 *
 *   ContentInfo ::= SEQUENCE {
 *       contentType ContentType,                  -- id-signedData
 *       content     [0] EXPLICIT ANY DEFINED BY contentType }
 *   SignedData ::= SEQUENCE {
 *       version          CMSVersion,
 *       digestAlgorithms DigestAlgorithmIdentifiers,   -- SET OF
 *       encapContentInfo EncapsulatedContentInfo,
 *       certificates     [0] IMPLICIT CertificateSet OPTIONAL,
 *       crls             [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *       signerInfos      SignerInfos }                 -- SET OF
 *   EncapsulatedContentInfo ::= SEQUENCE {
 *       eContentType ContentType,
 *       eContent     [0] EXPLICIT OCTET STRING OPTIONAL }
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
 */
#include <stdlib.h>
#include <string.h>

#include "signed_int.h"

struct sign_signer {
    const struct wax_privkey *key;
    uint8_t *cert;
    size_t cert_len;
    struct wax_x509_cert parsed; /* views into CERT */
    struct wax_sig_alg alg;
    enum wax_digest_alg digest;
    bool ski;
    bool smime_caps;
    uint8_t *ekp; /* SMIMEEncryptionKeyPreference value, or NULL */
    size_t ekp_len;
};

struct sign_cert {
    const uint8_t *der; /* a signer's copy, or OWNED */
    size_t len;
    uint8_t *owned;
};

struct wax_cms_sign {
    wax_sink sink; /* must stay first */
    wax_sink *out;
    struct sign_signer signers[WAX_MAX_CMS_SIGNERS];
    size_t num_signers;
    struct sign_cert certs[WAX_MAX_CMS_CERTS];
    size_t num_certs;
    struct wax_digest digests[CMS_NUM_DIGESTS];
    bool active[CMS_NUM_DIGESTS];
    uint8_t md[CMS_NUM_DIGESTS][WAX_MAX_DIGEST_BYTES];
    size_t md_len[CMS_NUM_DIGESTS];
    uint8_t ect[WAX_MAX_CMS_OID_BYTES];
    size_t ect_len;
    int version;
    bool detached;
    bool has_signing_time;
    int64_t signing_time;
    size_t threshold;
    struct wax_buf content; /* DER mode: the content; streaming: a chunk */
    bool streaming;
    uint64_t content_len;
    wax_err err;
    bool closed;
};

/* ------------------------------------------------------------------ */
/* Parameters.                                                         */

enum wax_digest_alg
wax_cms_signer_digest(const struct wax_cms_signer_params *p)
{
    if (p == NULL || p->key == NULL) {
        return WAX_DIGEST_NONE;
    }
    switch (wax_privkey_type(p->key)) {
    case WAX_KEY_RSA:
    case WAX_KEY_RSA_PSS:
        return p->digest != WAX_DIGEST_NONE ? p->digest : WAX_DIGEST_SHA256;
    case WAX_KEY_EC:
        if (p->digest != WAX_DIGEST_NONE) {
            return p->digest;
        }
        switch (wax_privkey_curve(p->key)) {
        case WAX_CURVE_P384:
            return WAX_DIGEST_SHA384;
        case WAX_CURVE_P521:
            return WAX_DIGEST_SHA512;
        case WAX_CURVE_P256:
        case WAX_CURVE_NONE:
            return WAX_DIGEST_SHA256;
        }
        return WAX_DIGEST_SHA256;
    case WAX_KEY_ED25519:
        return WAX_DIGEST_SHA512;
    case WAX_KEY_NONE:
    case WAX_KEY_ED448:
    case WAX_KEY_X25519:
    case WAX_KEY_X448:
    case WAX_KEY_DSA:
        return WAX_DIGEST_NONE;
    }
    return WAX_DIGEST_NONE;
}

static wax_err
copy_bytes(uint8_t **out, const uint8_t *p, size_t len)
{
    *out = NULL;
    WAX_ENSURE(len > 0, WAX_ERR_INVALID_ARGUMENT);
    uint8_t *c = malloc(len);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    memcpy(c, p, len);
    *out = c;
    return WAX_OK;
}

/*
 *   IssuerAndSerialNumber ::= SEQUENCE {
 *       issuer Name, serialNumber CertificateSerialNumber }
 * written with TAG (SEQUENCE, or [0] IMPLICIT inside
 * SMIMEEncryptionKeyPreference).
 */
static wax_err
add_issuer_serial(struct wax_der_builder *b, uint32_t tag,
                  const struct wax_x509_cert *cert)
{
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, tag, &seq));
    WAX_TRY(
        wax_der_builder_add_element(&seq, cert->issuer.p, cert->issuer.len));
    WAX_TRY(wax_der_builder_add_primitive(&seq, WAX_DER_INTEGER, cert->serial.p,
                                          cert->serial.len));
    return wax_der_builder_close(&seq);
}

/*
 *   SMIMEEncryptionKeyPreference ::= CHOICE {
 *       issuerAndSerialNumber   [0] IssuerAndSerialNumber,
 *       receipentKeyId          [1] RecipientKeyIdentifier,
 *       subjectAltKeyIdentifier [2] SubjectKeyIdentifier }
 * (RFC 8551 §2.5.3, IMPLICIT tags.)
 */
static wax_err
make_ekp(struct sign_signer *sg, const uint8_t *der, size_t len)
{
    struct wax_x509_cert c;
    WAX_TRY(wax_x509_cert_parse(&c, der, len));
    struct wax_der_builder b;
    wax_der_builder_init(&b, len + 64);
    wax_err err = add_issuer_serial(&b, WAX_DER_CONTEXT_CONS(0), &c);
    wax_err ferr = wax_der_builder_finish(&b, &sg->ekp, &sg->ekp_len);
    wax_der_builder_cleanup(&b);
    return err != WAX_OK ? err : ferr;
}

static wax_err
signer_setup(struct sign_signer *sg, const struct wax_cms_signer_params *p)
{
    WAX_ENSURE(p->key != NULL && p->cert != NULL && p->cert_len > 0,
               WAX_ERR_INVALID_ARGUMENT);
    sg->key = p->key;
    WAX_TRY(copy_bytes(&sg->cert, p->cert, p->cert_len));
    sg->cert_len = p->cert_len;
    WAX_TRY(wax_x509_cert_parse(&sg->parsed, sg->cert, sg->cert_len));
    WAX_TRY(wax_privkey_match_spki(p->key, sg->parsed.spki.der.p,
                                   sg->parsed.spki.der.len));

    enum wax_key_type type = wax_privkey_type(p->key);
    enum wax_digest_alg d = wax_cms_signer_digest(p);
    WAX_ENSURE(d != WAX_DIGEST_NONE, WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    WAX_ENSURE(d <= WAX_DIGEST_SHA512, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(!cms_digest_is_weak(d), WAX_ERR_CMS_WEAK_DIGEST);
    sg->digest = d;
    switch (type) {
    case WAX_KEY_RSA:
    case WAX_KEY_RSA_PSS:
        WAX_ENSURE(wax_privkey_bits(p->key) >= 2048, WAX_ERR_CMS_WEAK_KEY);
        if (p->rsa_pss || type == WAX_KEY_RSA_PSS) {
            sg->alg.scheme = WAX_SIG_RSA_PSS;
            sg->alg.mgf1_digest = d;
            sg->alg.salt_len = wax_digest_size(d);
        } else {
            sg->alg.scheme = WAX_SIG_RSA_PKCS1;
        }
        sg->alg.digest = d;
        break;
    case WAX_KEY_EC:
        sg->alg.scheme = WAX_SIG_ECDSA;
        sg->alg.digest = d;
        break;
    case WAX_KEY_ED25519:
        /* RFC 8419 §3.1: SHA-512 for the message digest, pure EdDSA */
        WAX_ENSURE(p->digest == WAX_DIGEST_NONE ||
                       p->digest == WAX_DIGEST_SHA512,
                   WAX_ERR_INVALID_ARGUMENT);
        sg->alg.scheme = WAX_SIG_ED25519;
        sg->alg.digest = WAX_DIGEST_NONE;
        break;
    case WAX_KEY_NONE:
    case WAX_KEY_ED448:
    case WAX_KEY_X25519:
    case WAX_KEY_X448:
    case WAX_KEY_DSA:
        WAX_FAIL(WAX_ERR_CRYPTO_UNSUPPORTED_ALG);
    }
    if (p->sid_ski) {
        WAX_ENSURE(sg->parsed.info.has_ski && sg->parsed.info.ski.len > 0,
                   WAX_ERR_CMS_NO_SKI);
        sg->ski = true;
    }
    sg->smime_caps = !p->no_smime_capabilities;
    if (p->encryption_cert != NULL) {
        WAX_TRY(make_ekp(sg, p->encryption_cert, p->encryption_cert_len));
    }
    return WAX_OK;
}

static wax_err
add_cert(struct wax_cms_sign *s, const uint8_t *der, size_t len, bool copy)
{
    for (size_t i = 0; i < s->num_certs; i++) {
        if (s->certs[i].len == len && memcmp(s->certs[i].der, der, len) == 0) {
            return WAX_OK;
        }
    }
    WAX_ENSURE(s->num_certs < WAX_MAX_CMS_CERTS, WAX_ERR_CMS_TOO_MANY_CERTS);
    struct sign_cert *c = &s->certs[s->num_certs];
    if (copy) {
        struct wax_x509_cert parsed;
        WAX_ENSURE(der != NULL && len > 0, WAX_ERR_INVALID_ARGUMENT);
        WAX_TRY(wax_x509_cert_parse(&parsed, der, len));
        WAX_TRY(copy_bytes(&c->owned, der, len));
        c->der = c->owned;
    } else {
        c->der = der;
    }
    c->len = len;
    s->num_certs++;
    return WAX_OK;
}

static wax_err sign_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err sign_close(wax_sink *self);

static wax_err
sign_setup(struct wax_cms_sign *s, const struct wax_cms_sign_params *params)
{
    WAX_ENSURE(params->num_signers > 0 && params->signers != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(params->num_signers <= WAX_MAX_CMS_SIGNERS,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(params->num_certs == 0 ||
                   (params->certs != NULL && params->cert_lens != NULL),
               WAX_ERR_INVALID_ARGUMENT);
    s->version = 1;
    if (params->econtent_type != NULL) {
        struct wax_span oid;
        wax_span_init(&oid, params->econtent_type, params->econtent_type_len);
        WAX_ENSURE(params->econtent_type_len <= WAX_MAX_CMS_OID_BYTES &&
                       wax_der_check_primitive(WAX_DER_OID, oid) == WAX_OK &&
                       params->econtent_type_len > 0,
                   WAX_ERR_INVALID_ARGUMENT);
        memcpy(s->ect, params->econtent_type, params->econtent_type_len);
        s->ect_len = params->econtent_type_len;
        if (!wax_oid_is(oid, WAX_OID_CT_DATA)) {
            s->version = 3;
        }
    } else {
        struct wax_span data = wax_oid_span(WAX_OID_CT_DATA);
        memcpy(s->ect, data.p, data.len);
        s->ect_len = data.len;
    }
    for (size_t i = 0; i < params->num_signers; i++) {
        struct sign_signer *sg = &s->signers[i];
        s->num_signers = i + 1;
        WAX_TRY(signer_setup(sg, &params->signers[i]));
        if (sg->ski) {
            s->version = 3;
        }
        WAX_TRY(add_cert(s, sg->cert, sg->cert_len, false));
        if (!s->active[sg->digest]) {
            WAX_TRY(wax_digest_init(&s->digests[sg->digest], sg->digest));
            s->active[sg->digest] = true;
        }
    }
    for (size_t i = 0; i < params->num_certs; i++) {
        WAX_TRY(add_cert(s, params->certs[i], params->cert_lens[i], true));
    }
    s->detached = params->detached;
    s->has_signing_time = params->has_signing_time;
    s->signing_time = params->signing_time;
    s->threshold = params->der_threshold != 0 ? params->der_threshold
                                              : WAX_CMS_DEFAULT_DER_THRESHOLD;
    size_t buf_max =
        s->threshold > WAX_CMS_CHUNK_BYTES ? s->threshold : WAX_CMS_CHUNK_BYTES;
    wax_buf_init(&s->content, buf_max);
    return WAX_OK;
}

wax_err
wax_cms_sign_new(struct wax_cms_sign **out_sign,
                 const struct wax_cms_sign_params *params, wax_sink *out)
{
    WAX_ENSURE(out_sign != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_sign = NULL;
    WAX_ENSURE(params != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct wax_cms_sign *s = calloc(1, sizeof(*s));
    WAX_ENSURE(s != NULL, WAX_ERR_NOMEM);
    s->sink.write = sign_write;
    s->sink.close = sign_close;
    s->out = out;
    wax_buf_init(&s->content, 0);
    wax_err err = sign_setup(s, params);
    if (err != WAX_OK) {
        wax_cms_sign_free(s);
        return err;
    }
    *out_sign = s;
    return WAX_OK;
}

wax_sink *
wax_cms_sign_sink(struct wax_cms_sign *s)
{
    return &s->sink;
}

void
wax_cms_sign_free(struct wax_cms_sign *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->num_signers; i++) {
        free(s->signers[i].cert);
        free(s->signers[i].ekp);
    }
    for (size_t i = 0; i < s->num_certs; i++) {
        free(s->certs[i].owned);
    }
    for (size_t i = 0; i < CMS_NUM_DIGESTS; i++) {
        wax_digest_cleanup(&s->digests[i]);
    }
    wax_buf_cleanup(&s->content);
    free(s);
}

/* ------------------------------------------------------------------ */
/* Streaming output.                                                   */

static wax_err
out_write(struct wax_cms_sign *s, const uint8_t *p, size_t len)
{
    return wax_sink_write(s->out, p, len);
}

/* A definite DER length (X.690 §8.1.3) after a one-octet tag. */
static wax_err
out_header(struct wax_cms_sign *s, uint8_t tag, size_t len)
{
    uint8_t h[10];
    size_t n = 0;
    h[n++] = tag;
    if (len < 0x80) {
        h[n++] = (uint8_t)len;
    } else {
        size_t octets = 0;
        for (size_t l = len; l > 0; l >>= 8) {
            octets++;
        }
        h[n++] = (uint8_t)(0x80 | octets);
        for (size_t i = octets; i > 0; i--) {
            h[n++] = (uint8_t)(len >> (8 * (i - 1)));
        }
    }
    return out_write(s, h, n);
}

static wax_err
out_chunk(struct wax_cms_sign *s, const uint8_t *p, size_t len)
{
    if (len == 0) {
        return WAX_OK;
    }
    WAX_TRY(out_header(s, WAX_DER_OCTET_STRING, len));
    return out_write(s, p, len);
}

/* version and digestAlgorithms, as DER (both the DER and BER forms). */
static wax_err
add_version_and_digests(const struct wax_cms_sign *s, struct wax_der_builder *b)
{
    struct wax_der_builder set;
    WAX_TRY(wax_der_builder_add_u64(b, (uint64_t)s->version));
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SET, &set));
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        if (s->active[d]) {
            WAX_TRY(cms_add_digest_algid(&set, (enum wax_digest_alg)d));
        }
    }
    WAX_TRY(wax_der_builder_sort_set(&set));
    return wax_der_builder_close(&set);
}

/*
 * start_streaming writes everything before the first eContent chunk:
 *   30 80  06 <id-signedData>  A0 80  30 80  <version> <digestAlgorithms>
 *   30 80  06 <eContentType>  A0 80  24 80
 */
static wax_err
start_streaming(struct wax_cms_sign *s)
{
    static const uint8_t indef_seq[2] = {0x30, 0x80};
    static const uint8_t indef_ctx0[2] = {0xA0, 0x80};
    static const uint8_t indef_octets[2] = {0x24, 0x80};
    uint8_t small[512];
    struct wax_der_builder b;
    struct wax_span sd = wax_oid_span(WAX_OID_CT_SIGNED_DATA);
    uint8_t *der;
    size_t der_len;

    WAX_TRY(out_write(s, indef_seq, 2));
    WAX_TRY(out_header(s, WAX_DER_OID, sd.len));
    WAX_TRY(out_write(s, sd.p, sd.len));
    WAX_TRY(out_write(s, indef_ctx0, 2));
    WAX_TRY(out_write(s, indef_seq, 2));
    wax_der_builder_init_fixed(&b, small, sizeof(small));
    WAX_TRY(add_version_and_digests(s, &b));
    WAX_TRY(wax_der_builder_finish(&b, &der, &der_len));
    WAX_TRY(out_write(s, der, der_len));
    WAX_TRY(out_write(s, indef_seq, 2));
    WAX_TRY(out_header(s, WAX_DER_OID, s->ect_len));
    WAX_TRY(out_write(s, s->ect, s->ect_len));
    WAX_TRY(out_write(s, indef_ctx0, 2));
    WAX_TRY(out_write(s, indef_octets, 2));
    s->streaming = true;

    /* the buffered content leaves as whole chunks; the rest stays */
    size_t off = 0;
    while (s->content.len - off >= WAX_CMS_CHUNK_BYTES) {
        WAX_TRY(out_chunk(s, s->content.data + off, WAX_CMS_CHUNK_BYTES));
        off += WAX_CMS_CHUNK_BYTES;
    }
    size_t rest = s->content.len - off;
    if (rest > 0) {
        memmove(s->content.data, s->content.data + off, rest);
    }
    s->content.len = rest;
    return WAX_OK;
}

static wax_err
feed_chunks(struct wax_cms_sign *s, const uint8_t *data, size_t len)
{
    while (len > 0) {
        size_t room = WAX_CMS_CHUNK_BYTES - s->content.len;
        size_t n = len < room ? len : room;
        WAX_TRY(wax_buf_append(&s->content, data, n));
        data += n;
        len -= n;
        if (s->content.len == WAX_CMS_CHUNK_BYTES) {
            WAX_TRY(out_chunk(s, s->content.data, s->content.len));
            s->content.len = 0;
        }
    }
    return WAX_OK;
}

static wax_err
do_write(struct wax_cms_sign *s, const uint8_t *data, size_t len)
{
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        if (s->active[d]) {
            WAX_TRY(wax_digest_update(&s->digests[d], data, len));
        }
    }
    s->content_len += len;
    if (s->detached || len == 0) {
        return WAX_OK;
    }
    if (!s->streaming) {
        if (s->content_len <= s->threshold) {
            return wax_buf_append(&s->content, data, len);
        }
        WAX_TRY(start_streaming(s));
    }
    return feed_chunks(s, data, len);
}

static wax_err
sign_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cms_sign *s = (struct wax_cms_sign *)self;
    WAX_TRY(s->err);
    WAX_ENSURE(!s->closed, WAX_ERR_SINK_CLOSED);
    WAX_ENSURE(data != NULL || len == 0, WAX_ERR_INVALID_ARGUMENT);
    s->err = do_write(s, data, len);
    return s->err;
}

/* ------------------------------------------------------------------ */
/* Signed attributes and SignerInfos.                                  */

/* Attribute ::= SEQUENCE { attrType, attrValues SET OF } with one value
 * that the caller adds to *OUT_VALUES; close with attr_close. */
static wax_err
attr_open(struct wax_der_builder *set, enum wax_oid_id type,
          struct wax_der_builder *attr, struct wax_der_builder *values)
{
    WAX_TRY(wax_der_builder_open(set, WAX_DER_SEQUENCE, attr));
    WAX_TRY(cms_add_oid(attr, type));
    return wax_der_builder_open(attr, WAX_DER_SET, values);
}

static wax_err
attr_close(struct wax_der_builder *attr, struct wax_der_builder *values)
{
    WAX_TRY(wax_der_builder_close(values));
    return wax_der_builder_close(attr);
}

/*
 *   SMIMECapabilities ::= SEQUENCE OF SMIMECapability
 *   SMIMECapability ::= SEQUENCE {
 *       capabilityID OBJECT IDENTIFIER,
 *       parameters   ANY DEFINED BY capabilityID OPTIONAL }
 * In wax's order of preference (RFC 8551 §2.5.2): AES-256-GCM,
 * AES-128-GCM, AES-256-CBC, AES-192-CBC, AES-128-CBC (parameters absent,
 * RFC 5084 / RFC 3565), then RSAES-OAEP with SHA-256 and MGF1-SHA-256
 * (the RFC 3560 §5 capability: RSAES-OAEP-params with hashFunc and
 * maskGenFunc, sha256 with NULL parameters).
 */
static wax_err
add_smime_capabilities(struct wax_der_builder *b)
{
    static const enum wax_oid_id ciphers[] = {
        WAX_OID_AES256_GCM, WAX_OID_AES128_GCM, WAX_OID_AES256_CBC,
        WAX_OID_AES192_CBC, WAX_OID_AES128_CBC,
    };
    struct wax_der_builder caps, cap, params, tag, alg, mgf, h;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &caps));
    for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
        WAX_TRY(wax_der_builder_open(&caps, WAX_DER_SEQUENCE, &cap));
        WAX_TRY(cms_add_oid(&cap, ciphers[i]));
        WAX_TRY(wax_der_builder_close(&cap));
    }
    WAX_TRY(wax_der_builder_open(&caps, WAX_DER_SEQUENCE, &cap));
    WAX_TRY(cms_add_oid(&cap, WAX_OID_RSAES_OAEP));
    WAX_TRY(wax_der_builder_open(&cap, WAX_DER_SEQUENCE, &params));
    WAX_TRY(wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(0), &tag));
    WAX_TRY(wax_der_builder_open(&tag, WAX_DER_SEQUENCE, &alg));
    WAX_TRY(cms_add_oid(&alg, WAX_OID_SHA256));
    WAX_TRY(wax_der_builder_add_null(&alg));
    WAX_TRY(wax_der_builder_close(&alg));
    WAX_TRY(wax_der_builder_close(&tag));
    WAX_TRY(wax_der_builder_open(&params, WAX_DER_CONTEXT_CONS(1), &tag));
    WAX_TRY(wax_der_builder_open(&tag, WAX_DER_SEQUENCE, &mgf));
    WAX_TRY(cms_add_oid(&mgf, WAX_OID_MGF1));
    WAX_TRY(wax_der_builder_open(&mgf, WAX_DER_SEQUENCE, &h));
    WAX_TRY(cms_add_oid(&h, WAX_OID_SHA256));
    WAX_TRY(wax_der_builder_add_null(&h));
    WAX_TRY(wax_der_builder_close(&h));
    WAX_TRY(wax_der_builder_close(&mgf));
    WAX_TRY(wax_der_builder_close(&tag));
    WAX_TRY(wax_der_builder_close(&params));
    WAX_TRY(wax_der_builder_close(&cap));
    return wax_der_builder_close(&caps);
}

/*
 *   SigningCertificateV2 ::= SEQUENCE {
 *       certs    SEQUENCE OF ESSCertIDv2,
 *       policies SEQUENCE OF PolicyInformation OPTIONAL }
 *   ESSCertIDv2 ::= SEQUENCE {
 *       hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
 *       certHash      Hash,
 *       issuerSerial  IssuerSerial OPTIONAL }
 *   IssuerSerial ::= SEQUENCE {
 *       issuer GeneralNames, serialNumber CertificateSerialNumber }
 * (RFC 5035 §3; the DEFAULT hashAlgorithm is omitted, as DER requires.)
 */
static wax_err
add_signing_certificate_v2(struct wax_der_builder *b,
                           const struct sign_signer *sg)
{
    uint8_t hash[WAX_MAX_DIGEST_BYTES];
    size_t hash_len;
    struct wax_der_builder scv2, certs, id, is, gns, dn;
    WAX_TRY(wax_digest_compute(WAX_DIGEST_SHA256, hash, sizeof(hash), &hash_len,
                               sg->cert, sg->cert_len));
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &scv2));
    WAX_TRY(wax_der_builder_open(&scv2, WAX_DER_SEQUENCE, &certs));
    WAX_TRY(wax_der_builder_open(&certs, WAX_DER_SEQUENCE, &id));
    WAX_TRY(wax_der_builder_add_octet_string(&id, hash, hash_len));
    WAX_TRY(wax_der_builder_open(&id, WAX_DER_SEQUENCE, &is));
    WAX_TRY(wax_der_builder_open(&is, WAX_DER_SEQUENCE, &gns));
    /* directoryName [4] Name: EXPLICIT, Name being a CHOICE */
    WAX_TRY(wax_der_builder_open(&gns, WAX_DER_CONTEXT_CONS(4), &dn));
    WAX_TRY(wax_der_builder_add_element(&dn, sg->parsed.issuer.p,
                                        sg->parsed.issuer.len));
    WAX_TRY(wax_der_builder_close(&dn));
    WAX_TRY(wax_der_builder_close(&gns));
    WAX_TRY(wax_der_builder_add_primitive(
        &is, WAX_DER_INTEGER, sg->parsed.serial.p, sg->parsed.serial.len));
    WAX_TRY(wax_der_builder_close(&is));
    WAX_TRY(wax_der_builder_close(&id));
    WAX_TRY(wax_der_builder_close(&certs));
    return wax_der_builder_close(&scv2);
}

/* The signed attributes of SG as a DER SET OF (universal SET tag), sorted
 * by the builder: the bytes that are signed (RFC 5652 §5.4). */
static wax_err
build_signed_attrs(const struct wax_cms_sign *s, const struct sign_signer *sg,
                   struct wax_der_builder *b)
{
    struct wax_der_builder set, attr, values;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SET, &set));

    WAX_TRY(attr_open(&set, WAX_OID_PKCS9_CONTENT_TYPE, &attr, &values));
    WAX_TRY(wax_der_builder_add_oid(&values, s->ect, s->ect_len));
    WAX_TRY(attr_close(&attr, &values));

    WAX_TRY(attr_open(&set, WAX_OID_PKCS9_MESSAGE_DIGEST, &attr, &values));
    WAX_TRY(wax_der_builder_add_octet_string(&values, s->md[sg->digest],
                                             s->md_len[sg->digest]));
    WAX_TRY(attr_close(&attr, &values));

    if (s->has_signing_time) {
        WAX_TRY(attr_open(&set, WAX_OID_PKCS9_SIGNING_TIME, &attr, &values));
        WAX_TRY(wax_der_builder_add_time(&values, s->signing_time));
        WAX_TRY(attr_close(&attr, &values));
    }
    if (sg->smime_caps) {
        WAX_TRY(
            attr_open(&set, WAX_OID_PKCS9_SMIME_CAPABILITIES, &attr, &values));
        WAX_TRY(add_smime_capabilities(&values));
        WAX_TRY(attr_close(&attr, &values));
    }
    if (sg->ekp != NULL) {
        WAX_TRY(attr_open(&set, WAX_OID_AA_ENCRYPTION_KEY_PREFERENCE, &attr,
                          &values));
        WAX_TRY(wax_der_builder_add_element(&values, sg->ekp, sg->ekp_len));
        WAX_TRY(attr_close(&attr, &values));
    }
    WAX_TRY(attr_open(&set, WAX_OID_AA_SIGNING_CERTIFICATE_V2, &attr, &values));
    WAX_TRY(add_signing_certificate_v2(&values, sg));
    WAX_TRY(attr_close(&attr, &values));

    WAX_TRY(wax_der_builder_sort_set(&set));
    return wax_der_builder_close(&set);
}

/* signed_attrs_der builds, in a heap buffer, the DER of build_signed_attrs. */
static wax_err
signed_attrs_der(const struct wax_cms_sign *s, const struct sign_signer *sg,
                 uint8_t **out, size_t *out_len)
{
    struct wax_der_builder b;
    wax_der_builder_init(&b, WAX_MAX_CMS_SIGNED_ATTRS_BYTES);
    wax_err err = build_signed_attrs(s, sg, &b);
    wax_err ferr = wax_der_builder_finish(&b, out, out_len);
    wax_der_builder_cleanup(&b);
    return err != WAX_OK ? err : ferr;
}

static wax_err
add_signer_info_with(const struct sign_signer *sg, struct wax_der_builder *b,
                     const uint8_t *attrs, size_t attrs_len, const uint8_t *sig,
                     size_t sig_len)
{
    struct wax_der_builder si;
    struct wax_span a, body;
    wax_span_init(&a, attrs, attrs_len);
    WAX_ENSURE(wax_der_get(&a, WAX_DER_SET, &body), WAX_ERR_INTERNAL);

    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &si));
    WAX_TRY(wax_der_builder_add_u64(&si, sg->ski ? 3 : 1));
    if (sg->ski) {
        WAX_TRY(wax_der_builder_add_primitive(&si, WAX_DER_CONTEXT_TAG(0),
                                              sg->parsed.info.ski.p,
                                              sg->parsed.info.ski.len));
    } else {
        WAX_TRY(add_issuer_serial(&si, WAX_DER_SEQUENCE, &sg->parsed));
    }
    WAX_TRY(cms_add_digest_algid(&si, sg->digest));
    /* signedAttrs [0] IMPLICIT: the same contents under the [0] tag */
    WAX_TRY(wax_der_builder_add_primitive(&si, WAX_DER_CONTEXT_CONS(0), body.p,
                                          body.len));
    WAX_TRY(cms_add_sig_algid(&si, &sg->alg));
    WAX_TRY(wax_der_builder_add_octet_string(&si, sig, sig_len));
    return wax_der_builder_close(&si);
}

static wax_err
add_signer_info(const struct wax_cms_sign *s, const struct sign_signer *sg,
                struct wax_der_builder *b)
{
    uint8_t *attrs = NULL;
    size_t attrs_len = 0;
    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t sig_len = 0;
    wax_err err = signed_attrs_der(s, sg, &attrs, &attrs_len);
    if (err == WAX_OK) {
        err = wax_privkey_sign(sg->key, &sg->alg, sig, sizeof(sig), &sig_len,
                               attrs, attrs_len);
    }
    if (err == WAX_OK) {
        err = add_signer_info_with(sg, b, attrs, attrs_len, sig, sig_len);
    }
    free(attrs);
    return err;
}

/* certificates [0] IMPLICIT CertificateSet and the signerInfos SET. */
static wax_err
add_certs_and_signers(const struct wax_cms_sign *s, struct wax_der_builder *b)
{
    struct wax_der_builder set;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_CONTEXT_CONS(0), &set));
    for (size_t i = 0; i < s->num_certs; i++) {
        WAX_TRY(wax_der_builder_add_element(&set, s->certs[i].der,
                                            s->certs[i].len));
    }
    WAX_TRY(wax_der_builder_sort_set(&set));
    WAX_TRY(wax_der_builder_close(&set));
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SET, &set));
    for (size_t i = 0; i < s->num_signers; i++) {
        WAX_TRY(add_signer_info(s, &s->signers[i], &set));
    }
    WAX_TRY(wax_der_builder_sort_set(&set));
    return wax_der_builder_close(&set);
}

static wax_err
build_der(const struct wax_cms_sign *s, struct wax_der_builder *b)
{
    struct wax_der_builder ci, explicit0, sd, encap, econtent;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &ci));
    WAX_TRY(cms_add_oid(&ci, WAX_OID_CT_SIGNED_DATA));
    WAX_TRY(wax_der_builder_open(&ci, WAX_DER_CONTEXT_CONS(0), &explicit0));
    WAX_TRY(wax_der_builder_open(&explicit0, WAX_DER_SEQUENCE, &sd));
    WAX_TRY(add_version_and_digests(s, &sd));
    WAX_TRY(wax_der_builder_open(&sd, WAX_DER_SEQUENCE, &encap));
    WAX_TRY(wax_der_builder_add_oid(&encap, s->ect, s->ect_len));
    if (!s->detached) {
        WAX_TRY(
            wax_der_builder_open(&encap, WAX_DER_CONTEXT_CONS(0), &econtent));
        WAX_TRY(wax_der_builder_add_octet_string(&econtent, s->content.data,
                                                 s->content.len));
        WAX_TRY(wax_der_builder_close(&econtent));
    }
    WAX_TRY(wax_der_builder_close(&encap));
    WAX_TRY(add_certs_and_signers(s, &sd));
    WAX_TRY(wax_der_builder_close(&sd));
    WAX_TRY(wax_der_builder_close(&explicit0));
    return wax_der_builder_close(&ci);
}

/* An upper bound of the output's size apart from the content. */
static size_t
overhead_bound(const struct wax_cms_sign *s)
{
    size_t n = 4096;
    for (size_t i = 0; i < s->num_certs; i++) {
        n += s->certs[i].len + 8;
    }
    for (size_t i = 0; i < s->num_signers; i++) {
        n += WAX_MAX_SIG_BYTES + 2 * s->signers[i].cert_len +
             s->signers[i].ekp_len + 2048;
    }
    return n;
}

static wax_err
finish_output(struct wax_cms_sign *s)
{
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        if (s->active[d]) {
            WAX_TRY(wax_digest_final(&s->digests[d], s->md[d], sizeof(s->md[d]),
                                     &s->md_len[d]));
        }
    }
    struct wax_der_builder b;
    uint8_t *der = NULL;
    size_t der_len = 0;
    size_t max = overhead_bound(s) + (s->streaming ? 0 : s->content.len);
    wax_der_builder_init(&b, max);
    wax_err err;
    if (s->streaming) {
        static const uint8_t eoc3[6] = {0, 0, 0, 0, 0, 0};
        err = out_chunk(s, s->content.data, s->content.len);
        if (err == WAX_OK) {
            /* ends the constructed OCTET STRING, [0] and encapContentInfo */
            err = out_write(s, eoc3, sizeof(eoc3));
        }
        if (err == WAX_OK) {
            err = add_certs_and_signers(s, &b);
        }
        wax_err ferr = wax_der_builder_finish(&b, &der, &der_len);
        err = err != WAX_OK ? err : ferr;
        if (err == WAX_OK) {
            err = out_write(s, der, der_len);
        }
        if (err == WAX_OK) {
            /* ends SignedData, [0] and ContentInfo */
            err = out_write(s, eoc3, sizeof(eoc3));
        }
    } else {
        err = build_der(s, &b);
        wax_err ferr = wax_der_builder_finish(&b, &der, &der_len);
        err = err != WAX_OK ? err : ferr;
        if (err == WAX_OK) {
            err = out_write(s, der, der_len);
        }
    }
    free(der);
    wax_der_builder_cleanup(&b);
    WAX_TRY(err);
    return wax_sink_close(s->out);
}

static wax_err
sign_close(wax_sink *self)
{
    struct wax_cms_sign *s = (struct wax_cms_sign *)self;
    WAX_TRY(s->err);
    WAX_ENSURE(!s->closed, WAX_ERR_SINK_CLOSED);
    s->closed = true;
    s->err = finish_output(s);
    return s->err;
}
