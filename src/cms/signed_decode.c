/*
 * SignedData decoder: the streaming walk of a ContentInfo holding a
 * SignedData, on the events of the der layer's BER reader (DESIGN.md "How
 * the streaming BER reader serves CMS"). Small elements are captured into
 * capped buffers; the eContent octets stream through the digests into the
 * caller's sink. The checks of each signer are in signed_verify.c.
 *
 *   ContentInfo ::= SEQUENCE {
 *       contentType ContentType,
 *       content     [0] EXPLICIT ANY DEFINED BY contentType }
 *   SignedData ::= SEQUENCE {
 *       version          CMSVersion,
 *       digestAlgorithms SET OF DigestAlgorithmIdentifier,
 *       encapContentInfo EncapsulatedContentInfo,
 *       certificates     [0] IMPLICIT CertificateSet OPTIONAL,
 *       crls             [1] IMPLICIT RevocationInfoChoices OPTIONAL,
 *       signerInfos      SET OF SignerInfo }
 *   EncapsulatedContentInfo ::= SEQUENCE {
 *       eContentType ContentType,
 *       eContent     [0] EXPLICIT OCTET STRING OPTIONAL }
 * (RFC 5652 §3, §5.1, §5.2.)
 */
#include <stdlib.h>
#include <string.h>

#include "signed_int.h"

/* What an open element is, by depth. */
enum kind {
    K_NONE = 0,
    K_CI,           /* ContentInfo */
    K_CT,           /* contentType (captured) */
    K_CI_EXPLICIT,  /* [0] EXPLICIT */
    K_SD,           /* SignedData */
    K_VERSION,      /* captured */
    K_DIGEST_ALGS,  /* captured */
    K_ENCAP,        /* EncapsulatedContentInfo */
    K_ECT,          /* eContentType (captured) */
    K_ECONTENT,     /* eContent [0] EXPLICIT */
    K_OCTETS,       /* the OCTET STRING and its segments */
    K_CERTS,        /* certificates [0] */
    K_CERT,         /* captured */
    K_CRLS,         /* crls [1] */
    K_CRL,          /* captured */
    K_SIGNERS,      /* signerInfos */
    K_SIGNER,       /* SignerInfo */
    K_SIGNER_FIELD, /* captured */
};

/* The optional SignedData fields, in order. */
enum { SD_ENCAP = 3, SD_CERTS, SD_CRLS, SD_SIGNERS };

/* ------------------------------------------------------------------ */
/* Content.                                                            */

static wax_err
content_start(struct wax_cms_verify *v)
{
    if (v->content_started) {
        return WAX_OK;
    }
    v->content_started = true;
    uint32_t want =
        v->digest_algs | v->signer_digests | (1u << WAX_DIGEST_SHA256);
    for (size_t i = 0; i < v->params.num_digests; i++) {
        enum wax_digest_alg d = v->params.digests[i];
        if (d > WAX_DIGEST_NONE && d <= WAX_DIGEST_SHA512) {
            want |= 1u << d;
        }
    }
    for (int d = WAX_DIGEST_MD5; d < CMS_NUM_DIGESTS; d++) {
        if (want & (1u << d)) {
            WAX_TRY(wax_digest_init(&v->digests[d], (enum wax_digest_alg)d));
            v->active[d] = true;
        }
    }
    return WAX_OK;
}

static wax_err
content_push(struct wax_cms_verify *v, const uint8_t *data, size_t len)
{
    WAX_TRY(content_start(v));
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        if (v->active[d]) {
            WAX_TRY(wax_digest_update(&v->digests[d], data, len));
        }
    }
    v->content_len += len;
    if (!v->copy_overflow) {
        if (v->content_copy.len + len <= WAX_MAX_CMS_EDDSA_CONTENT_BYTES) {
            WAX_TRY(wax_buf_append(&v->content_copy, data, len));
        } else {
            v->copy_overflow = true;
            wax_buf_cleanup(&v->content_copy);
        }
    }
    if (v->params.content_out != NULL) {
        WAX_TRY(wax_sink_write(v->params.content_out, data, len));
    }
    return WAX_OK;
}

static wax_err
content_end(struct wax_cms_verify *v)
{
    WAX_TRY(content_start(v));
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        if (v->active[d]) {
            WAX_TRY(wax_digest_final(&v->digests[d], v->md[d], sizeof(v->md[d]),
                                     &v->md_len[d]));
        }
    }
    v->content_closed = true;
    if (v->params.content_out != NULL) {
        WAX_TRY(wax_sink_close(v->params.content_out));
    }
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Captured elements.                                                  */

static wax_err
on_content_type(struct wax_cms_verify *v, struct wax_span der)
{
    struct wax_span oid;
    WAX_ENSURE(wax_der_get_oid(&der, &oid) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(wax_oid_is(oid, WAX_OID_CT_SIGNED_DATA),
               WAX_ERR_CMS_UNSUPPORTED_CONTENT);
    v->have_ct = true;
    return WAX_OK;
}

/* CMSVersion ::= INTEGER { v0(0), v1(1), v2(2), v3(3), v4(4), v5(5) };
 * SignedData uses 1, 3, 4 and 5 (RFC 5652 §5.1). */
static wax_err
on_version(struct wax_cms_verify *v, struct wax_span der)
{
    uint64_t version;
    WAX_ENSURE(wax_der_get_u64(&der, &version) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(version == 1 || version == 3 || version == 4 || version == 5,
               WAX_ERR_CMS_BAD_VERSION);
    v->version = (int)version;
    return WAX_OK;
}

/* DigestAlgorithmIdentifiers ::= SET OF DigestAlgorithmIdentifier; the
 * ones wax does not know are ignored (a signer using one fails). */
static wax_err
on_digest_algs(struct wax_cms_verify *v, struct wax_span der)
{
    struct wax_span set;
    size_t n = 0;
    WAX_ENSURE(wax_der_get(&der, WAX_DER_SET, &set) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    while (set.len > 0) {
        struct wax_x509_algid alg;
        enum wax_digest_alg d;
        WAX_ENSURE(++n <= WAX_MAX_CMS_DIGEST_ALGS,
                   WAX_ERR_CMS_TOO_MANY_DIGEST_ALGS);
        WAX_ENSURE(wax_x509_algid_parse(&set, &alg) == WAX_OK,
                   WAX_ERR_CMS_MALFORMED);
        if (wax_x509_digest_alg_decode(&alg, &d) == WAX_OK) {
            v->digest_algs |= 1u << d;
        }
    }
    return WAX_OK;
}

static wax_err
on_econtent_type(struct wax_cms_verify *v, struct wax_span der)
{
    struct wax_span oid;
    WAX_ENSURE(wax_der_get_oid(&der, &oid) && wax_der_expect_end(&der),
               WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(oid.len <= WAX_MAX_CMS_OID_BYTES, WAX_ERR_CMS_MALFORMED);
    memcpy(v->ect, oid.p, oid.len);
    v->ect_len = oid.len;
    return WAX_OK;
}

static wax_err
on_captured(struct wax_cms_verify *v, const struct wax_ber_event *ev)
{
    struct wax_span der;
    wax_span_init(&der, ev->data, ev->data_len);
    enum kind k = (enum kind)v->kind[ev->depth];
    wax_err err = WAX_OK;
    switch (k) {
    case K_CT:
        err = on_content_type(v, der);
        break;
    case K_VERSION:
        err = on_version(v, der);
        break;
    case K_DIGEST_ALGS:
        err = on_digest_algs(v, der);
        break;
    case K_ECT:
        err = on_econtent_type(v, der);
        break;
    case K_CERT:
    case K_CRL: {
        struct cms_vitem *item =
            k == K_CERT ? &v->certs[v->num_certs++] : &v->crls[v->num_crls++];
        item->off = (size_t)(ev->data - v->certs_buf.data);
        item->len = ev->data_len;
        item->tag = ev->tag;
        return WAX_OK;
    }
    case K_SIGNER_FIELD: {
        struct cms_vsigner *s = v->signers[v->num_signers - 1];
        s->field_der[s->num_fields++] = ev->was_der;
        return WAX_OK;
    }
    default:
        return WAX_ERR_INTERNAL;
    }
    wax_buf_reset(&v->small);
    return err;
}

/* ------------------------------------------------------------------ */
/* Events.                                                             */

static bool
is_octet_string(uint32_t tag)
{
    return (tag & ~WAX_DER_CONSTRUCTED) == WAX_DER_OCTET_STRING;
}

static wax_err
begin_signed_data_field(struct wax_cms_verify *v, struct wax_ber_reader *r,
                        const struct wax_ber_event *ev, size_t idx,
                        enum kind *k)
{
    switch (idx) {
    case 0:
        WAX_ENSURE(ev->tag == WAX_DER_INTEGER, WAX_ERR_CMS_MALFORMED);
        *k = K_VERSION;
        return wax_ber_reader_capture(r, &v->small, 16);
    case 1:
        WAX_ENSURE(ev->tag == WAX_DER_SET, WAX_ERR_CMS_MALFORMED);
        *k = K_DIGEST_ALGS;
        return wax_ber_reader_capture(r, &v->small, WAX_MAX_CMS_FIELD_BYTES);
    case 2:
        WAX_ENSURE(ev->tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
        v->sd_field = SD_ENCAP;
        *k = K_ENCAP;
        return WAX_OK;
    default:
        break;
    }
    if (ev->tag == WAX_DER_CONTEXT_CONS(0) && v->sd_field < SD_CERTS) {
        v->sd_field = SD_CERTS;
        *k = K_CERTS;
    } else if (ev->tag == WAX_DER_CONTEXT_CONS(1) && v->sd_field < SD_CRLS) {
        v->sd_field = SD_CRLS;
        *k = K_CRLS;
    } else if (ev->tag == WAX_DER_SET && v->sd_field < SD_SIGNERS) {
        v->sd_field = SD_SIGNERS;
        v->have_signer_infos = true;
        *k = K_SIGNERS;
    } else {
        WAX_FAIL(WAX_ERR_CMS_MALFORMED);
    }
    return WAX_OK;
}

static wax_err
begin_item(struct wax_cms_verify *v, struct wax_ber_reader *r, bool is_cert)
{
    if (is_cert) {
        WAX_ENSURE(v->num_certs < WAX_MAX_CMS_CERTS,
                   WAX_ERR_CMS_TOO_MANY_CERTS);
    } else {
        WAX_ENSURE(v->num_crls < WAX_MAX_CMS_CRLS, WAX_ERR_CMS_TOO_MANY_CRLS);
    }
    size_t max = is_cert ? WAX_MAX_CMS_CERT_BYTES : WAX_MAX_CMS_CRL_BYTES;
    return wax_ber_reader_capture(r, &v->certs_buf, max);
}

static wax_err
begin_signer(struct wax_cms_verify *v, const struct wax_ber_event *ev)
{
    WAX_ENSURE(ev->tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
    WAX_ENSURE(v->num_signers < WAX_MAX_CMS_SIGNERS,
               WAX_ERR_CMS_TOO_MANY_SIGNERS);
    struct cms_vsigner *s = calloc(1, sizeof(*s));
    WAX_ENSURE(s != NULL, WAX_ERR_NOMEM);
    wax_buf_init(&s->buf, WAX_MAX_CMS_SIGNED_ATTRS_BYTES +
                              WAX_MAX_CMS_UNSIGNED_ATTRS_BYTES +
                              5 * WAX_MAX_CMS_FIELD_BYTES);
    wax_buf_init(&s->signed_bytes, WAX_MAX_CMS_SIGNED_ATTRS_BYTES + 16);
    v->signers[v->num_signers++] = s;
    return WAX_OK;
}

static wax_err
begin_signer_field(struct wax_cms_verify *v, struct wax_ber_reader *r,
                   const struct wax_ber_event *ev)
{
    struct cms_vsigner *s = v->signers[v->num_signers - 1];
    WAX_ENSURE(s->num_fields < CMS_SIGNER_MAX_FIELDS, WAX_ERR_CMS_MALFORMED);
    size_t max = WAX_MAX_CMS_FIELD_BYTES;
    if (ev->tag == WAX_DER_CONTEXT_CONS(0)) {
        max = WAX_MAX_CMS_SIGNED_ATTRS_BYTES;
    } else if (ev->tag == WAX_DER_CONTEXT_CONS(1)) {
        max = WAX_MAX_CMS_UNSIGNED_ATTRS_BYTES;
    }
    return wax_ber_reader_capture(r, &s->buf, max);
}

static wax_err
on_begin(struct wax_cms_verify *v, struct wax_ber_reader *r,
         const struct wax_ber_event *ev)
{
    size_t d = ev->depth;
    WAX_ENSURE(d < CMS_MAX_DEPTH, WAX_ERR_BER_TOO_DEEP);
    enum kind parent = d == 0 ? K_NONE : (enum kind)v->kind[d - 1];
    size_t idx = d == 0 ? 0 : v->num_children[d - 1]++;
    v->num_children[d] = 0;
    enum kind k = K_NONE;

    switch (parent) {
    case K_NONE:
        WAX_ENSURE(ev->tag == WAX_DER_SEQUENCE, WAX_ERR_CMS_MALFORMED);
        k = K_CI;
        break;
    case K_CI:
        if (idx == 0) {
            WAX_ENSURE(ev->tag == WAX_DER_OID, WAX_ERR_CMS_MALFORMED);
            k = K_CT;
            WAX_TRY(wax_ber_reader_capture(r, &v->small,
                                           WAX_MAX_CMS_OID_BYTES + 2));
        } else {
            WAX_ENSURE(idx == 1 && ev->tag == WAX_DER_CONTEXT_CONS(0) &&
                           v->have_ct,
                       WAX_ERR_CMS_MALFORMED);
            k = K_CI_EXPLICIT;
        }
        break;
    case K_CI_EXPLICIT:
        WAX_ENSURE(idx == 0 && ev->tag == WAX_DER_SEQUENCE,
                   WAX_ERR_CMS_MALFORMED);
        k = K_SD;
        break;
    case K_SD:
        WAX_TRY(begin_signed_data_field(v, r, ev, idx, &k));
        break;
    case K_ENCAP:
        if (idx == 0) {
            WAX_ENSURE(ev->tag == WAX_DER_OID, WAX_ERR_CMS_MALFORMED);
            k = K_ECT;
            WAX_TRY(wax_ber_reader_capture(r, &v->small,
                                           WAX_MAX_CMS_OID_BYTES + 2));
        } else {
            WAX_ENSURE(idx == 1 && ev->tag == WAX_DER_CONTEXT_CONS(0),
                       WAX_ERR_CMS_MALFORMED);
            WAX_ENSURE(!v->params.detached, WAX_ERR_CMS_CONTENT_PRESENT);
            v->econtent_present = true;
            k = K_ECONTENT;
        }
        break;
    case K_ECONTENT:
        WAX_ENSURE(idx == 0 && is_octet_string(ev->tag),
                   WAX_ERR_CMS_BAD_CONTENT);
        WAX_TRY(content_start(v));
        k = K_OCTETS;
        break;
    case K_OCTETS:
        WAX_ENSURE(is_octet_string(ev->tag), WAX_ERR_CMS_BAD_CONTENT);
        k = K_OCTETS;
        break;
    case K_CERTS:
        WAX_TRY(begin_item(v, r, true));
        k = K_CERT;
        break;
    case K_CRLS:
        WAX_TRY(begin_item(v, r, false));
        k = K_CRL;
        break;
    case K_SIGNERS:
        WAX_TRY(begin_signer(v, ev));
        k = K_SIGNER;
        break;
    case K_SIGNER:
        WAX_TRY(begin_signer_field(v, r, ev));
        k = K_SIGNER_FIELD;
        break;
    case K_CT:
    case K_VERSION:
    case K_DIGEST_ALGS:
    case K_ECT:
    case K_CERT:
    case K_CRL:
    case K_SIGNER_FIELD:
        /* captured: the reader reports nothing from inside */
        WAX_FAIL(WAX_ERR_INTERNAL);
    }
    v->kind[d] = (uint8_t)k;
    return WAX_OK;
}

static wax_err
on_end(struct wax_cms_verify *v, const struct wax_ber_event *ev)
{
    size_t d = ev->depth;
    size_t n = v->num_children[d];
    switch ((enum kind)v->kind[d]) {
    case K_CI:
        WAX_ENSURE(n == 2, WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    case K_CI_EXPLICIT:
        WAX_ENSURE(n == 1, WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    case K_SD:
        WAX_ENSURE(v->have_signer_infos, WAX_ERR_CMS_MALFORMED);
        return WAX_OK;
    case K_ENCAP:
        WAX_ENSURE(n >= 1, WAX_ERR_CMS_MALFORMED);
        WAX_ENSURE(v->econtent_present || v->params.detached,
                   WAX_ERR_CMS_NO_CONTENT);
        return WAX_OK;
    case K_ECONTENT:
        WAX_ENSURE(n == 1, WAX_ERR_CMS_BAD_CONTENT);
        return WAX_OK;
    case K_OCTETS:
        if (d > 0 && v->kind[d - 1] == K_ECONTENT) {
            return content_end(v);
        }
        return WAX_OK;
    case K_SIGNER: {
        struct cms_vsigner *s = v->signers[v->num_signers - 1];
        s->ended = true;
        cms_verify_signer_parse(s);
        if (s->err == WAX_OK) {
            enum wax_digest_alg dg;
            if (wax_x509_digest_alg_decode(&s->digest_id, &dg) == WAX_OK) {
                v->signer_digests |= 1u << dg;
            }
        }
        return WAX_OK;
    }
    case K_CERTS:
    case K_CRLS:
    case K_SIGNERS:
        return WAX_OK;
    case K_NONE:
    case K_CT:
    case K_VERSION:
    case K_DIGEST_ALGS:
    case K_ECT:
    case K_CERT:
    case K_CRL:
    case K_SIGNER_FIELD:
        break;
    }
    return WAX_ERR_INTERNAL;
}

static wax_err
handler(void *ctx, struct wax_ber_reader *r, const struct wax_ber_event *ev)
{
    struct wax_cms_verify *v = ctx;
    switch (ev->type) {
    case WAX_BER_BEGIN:
        return on_begin(v, r, ev);
    case WAX_BER_DATA:
        WAX_ENSURE(ev->depth < CMS_MAX_DEPTH && v->kind[ev->depth] == K_OCTETS,
                   WAX_ERR_INTERNAL);
        return content_push(v, ev->data, ev->data_len);
    case WAX_BER_END:
        return on_end(v, ev);
    case WAX_BER_CAPTURED:
        return on_captured(v, ev);
    }
    return WAX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* The sinks.                                                          */

static wax_err
cms_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cms_verify *v = (struct wax_cms_verify *)self;
    WAX_TRY(v->err);
    WAX_ENSURE(!v->cms_closed, WAX_ERR_SINK_CLOSED);
    v->err = wax_ber_reader_write(&v->reader, data, len);
    return v->err;
}

static wax_err
cms_close(wax_sink *self)
{
    struct wax_cms_verify *v = (struct wax_cms_verify *)self;
    WAX_TRY(v->err);
    WAX_ENSURE(!v->cms_closed, WAX_ERR_SINK_CLOSED);
    v->cms_closed = true;
    v->err = wax_ber_reader_finish(&v->reader);
    return v->err;
}

static struct wax_cms_verify *
from_content_sink(wax_sink *self)
{
    return (
        struct wax_cms_verify *)((uint8_t *)self -
                                 offsetof(struct wax_cms_verify, content_sink));
}

static wax_err
content_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_cms_verify *v = from_content_sink(self);
    WAX_ENSURE(v->params.detached, WAX_ERR_CMS_STATE);
    WAX_ENSURE(!v->content_closed, WAX_ERR_SINK_CLOSED);
    WAX_ENSURE(data != NULL || len == 0, WAX_ERR_INVALID_ARGUMENT);
    return content_push(v, data, len);
}

static wax_err
content_close(wax_sink *self)
{
    struct wax_cms_verify *v = from_content_sink(self);
    WAX_ENSURE(v->params.detached, WAX_ERR_CMS_STATE);
    WAX_ENSURE(!v->content_closed, WAX_ERR_SINK_CLOSED);
    return content_end(v);
}

wax_err
wax_cms_verify_new(struct wax_cms_verify **out_verify,
                   const struct wax_cms_verify_params *params)
{
    WAX_ENSURE(out_verify != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_verify = NULL;
    WAX_ENSURE(params != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(params->num_digests == 0 || params->digests != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(
        params->num_extra_certs == 0 ||
            (params->extra_certs != NULL && params->extra_cert_lens != NULL),
        WAX_ERR_INVALID_ARGUMENT);
    struct wax_cms_verify *v = calloc(1, sizeof(*v));
    WAX_ENSURE(v != NULL, WAX_ERR_NOMEM);
    v->cms_sink.write = cms_write;
    v->cms_sink.close = cms_close;
    v->content_sink.write = content_write;
    v->content_sink.close = content_close;
    v->params = *params;
    wax_ber_reader_init(&v->reader, WAX_MAX_DER_DEPTH, handler, v);
    wax_buf_init(&v->small, WAX_MAX_CMS_FIELD_BYTES);
    wax_buf_init(&v->certs_buf, WAX_MAX_CMS_CERTS_TOTAL_BYTES);
    wax_buf_init(&v->content_copy, WAX_MAX_CMS_EDDSA_CONTENT_BYTES);
    *out_verify = v;
    return WAX_OK;
}

wax_sink *
wax_cms_verify_cms_sink(struct wax_cms_verify *v)
{
    return &v->cms_sink;
}

wax_sink *
wax_cms_verify_content_sink(struct wax_cms_verify *v)
{
    return &v->content_sink;
}

void
wax_cms_verify_free(struct wax_cms_verify *v)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->num_signers; i++) {
        cms_verify_signer_free(v->signers[i]);
    }
    for (int d = 0; d < CMS_NUM_DIGESTS; d++) {
        wax_digest_cleanup(&v->digests[d]);
    }
    wax_buf_cleanup(&v->small);
    wax_buf_cleanup(&v->certs_buf);
    wax_buf_cleanup(&v->content_copy);
    free(v);
}
