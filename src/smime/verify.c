/*
 * verify and the signed side of inspect (RFC 8551 3.5, 3.4.2; SECURITY.md
 * verdicts and rules 1, 4, 5, 6, 7): the signed content goes to a spool
 * while the SignedData is checked by the cms layer; then every signer's
 * chain (path layer) and address binding decide its verdict, and the
 * content is released only for VALID.
 */
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

/* A sink that skips the top header section and feeds the body to the
 * partial scanner, ignoring the scanner's errors (a malformed multipart
 * is simply not signed). */
struct partial_sink {
    wax_sink sink;
    struct wax_mime_splitter split;
    wax_sink body;
    struct wax_smime_op *op;
    bool failed;
};

static wax_err
pb_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct partial_sink *ps =
        (struct partial_sink *)((uint8_t *)self -
                                offsetof(struct partial_sink, body));
    if (!ps->failed &&
        wax_sink_write(&ps->op->partial->sink, data, len) != WAX_OK) {
        ps->failed = true;
    }
    return WAX_OK;
}

static wax_err
pb_close(wax_sink *self)
{
    struct partial_sink *ps =
        (struct partial_sink *)((uint8_t *)self -
                                offsetof(struct partial_sink, body));
    if (!ps->failed && wax_sink_close(&ps->op->partial->sink) != WAX_OK) {
        ps->failed = true;
    }
    return WAX_OK;
}

static wax_err
ps_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct partial_sink *ps = (struct partial_sink *)self;
    if (!ps->failed && wax_sink_write(&ps->split.sink, data, len) != WAX_OK) {
        ps->failed = true;
    }
    return WAX_OK;
}

static wax_err
ps_close(wax_sink *self)
{
    struct partial_sink *ps = (struct partial_sink *)self;
    if (!ps->failed && wax_sink_close(&ps->split.sink) != WAX_OK) {
        ps->failed = true;
    }
    return WAX_OK;
}

static wax_sink *partial_front(struct wax_smime_op *op);

struct smime_verify_state {
    struct wax_smime_verify_opts opts;
    bool inspect;
    bool spool_ready;
    struct wax_spool spool;
    bool head_ready;
    struct smime_head head; /* inner header, for with_outer_headers */
    struct wax_cms_verify *cv;
    struct wax_cms_signed_result res;
    enum wax_digest_alg micalg;
    enum wax_digest_alg digests[1]; /* for the cms verifier's params */
    bool cms_detached;
    bool drained; /* no SignedData: NOT_SIGNED */
    size_t layer;
    struct partial_sink *partial_sink;
};

void
smime_verify_free(struct smime_verify_state *v)
{
    if (v == NULL) {
        return;
    }
    wax_cms_verify_free(v->cv);
    wax_cms_signed_result_cleanup(&v->res);
    if (v->spool_ready) {
        wax_spool_cleanup(&v->spool);
    }
    if (v->head_ready) {
        smime_head_cleanup(&v->head);
    }
    if (v->partial_sink != NULL) {
        wax_mime_splitter_cleanup(&v->partial_sink->split);
        free(v->partial_sink);
    }
    free(v);
}

bool
smime_verify_is_detached(const struct wax_smime_op *op)
{
    return op->verify != NULL && op->verify->opts.detached_content;
}

bool
smime_verify_wants_content(const struct wax_smime_op *op)
{
    return smime_verify_is_detached(op) && !op->content_closed;
}

wax_sink *
smime_verify_content_sink(struct wax_smime_op *op)
{
    if (!smime_verify_is_detached(op) || op->verify->cv == NULL ||
        op->route == SMIME_ROUTE_MULTIPART_SIGNED) {
        return NULL;
    }
    return wax_cms_verify_content_sink(op->verify->cv);
}

/* Creates the cms verifier (once). */
static wax_err
make_verifier(struct wax_smime_op *op, bool detached)
{
    struct smime_verify_state *v = op->verify;
    if (v->cv != NULL) {
        return WAX_OK;
    }
    struct wax_cms_verify_params p;
    memset(&p, 0, sizeof p);
    p.detached = detached;
    /* the verifier keeps a pointer to the array: it lives in V */
    v->digests[0] = v->micalg;
    if (v->micalg != WAX_DIGEST_NONE && v->micalg != WAX_DIGEST_SHA256) {
        p.digests = v->digests;
        p.num_digests = 1;
    }
    p.extra_certs = v->opts.trust.untrusted.der;
    p.extra_cert_lens = v->opts.trust.untrusted.lens;
    p.num_extra_certs = v->opts.trust.untrusted.num;
    p.allow_weak = v->opts.trust.allow_weak;
    if (!v->inspect) {
        wax_spool_init(&v->spool, op->spool_opts.threshold,
                       op->spool_opts.tmpdir);
        v->spool_ready = true;
        p.content_out = wax_spool_sink(&v->spool);
        if (v->opts.with_outer_headers) {
            smime_head_init(&v->head, p.content_out, WAX_MAX_MIME_HEADER_BYTES);
            v->head_ready = true;
            p.content_out = &v->head.sink;
        }
    }
    v->cms_detached = detached;
    return wax_cms_verify_new(&v->cv, &p);
}

static bool
is_multipart(const struct wax_mime_header *h)
{
    uint8_t b[WAX_MAX_MIME_BOUNDARY];
    size_t len = 0;
    return wax_mime_header_boundary(b, &len, h) == WAX_OK;
}

/* PARTIALLY_SIGNED detection: an S/MIME part anywhere in a multipart. */
static wax_err
partial_header(void *ctx, size_t depth, const struct wax_mime_header *h,
               bool *descend)
{
    struct wax_smime_op *op = ctx;
    (void)depth;
    *descend = false;
    struct wax_mime_smime_info info;
    if (wax_mime_smime_identify(&info, h) != WAX_OK) {
        return WAX_OK;
    }
    switch (info.type) {
    case WAX_MIME_SMIME_MULTIPART_SIGNED:
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_PKCS7_MIME:
        op->partial_found = true;
        return WAX_OK;
    case WAX_MIME_SMIME_NONE:
        *descend = depth + 1 < WAX_MAX_MIME_DEPTH && is_multipart(h);
        return WAX_OK;
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
    case WAX_MIME_SMIME_SIGNATURE:
        return WAX_OK;
    }
    return WAX_OK;
}

static const struct wax_mime_multipart_events partial_events = {
    NULL, partial_header, NULL, NULL};

wax_err
smime_verify_on_mime(struct wax_smime_op *op, wax_sink **out_next)
{
    struct smime_verify_state *v = op->verify;
    if (v->opts.detached_content) {
        return WAX_ERR_SMIME_BAD_OPTION; /* --content needs a bare CMS */
    }
    switch (op->top_info.type) {
    case WAX_MIME_SMIME_MULTIPART_SIGNED: {
        op->route = SMIME_ROUTE_MULTIPART_SIGNED;
        v->micalg = op->top_info.micalg;
        struct wax_smime_layer *l = smime_add_layer(
            op->rep, WAX_SMIME_LAYER_SIGNED, WAX_SMIME_FORM_MULTIPART_SIGNED);
        if (l != NULL) {
            l->legacy_x = op->top_info.legacy_x;
            l->detached = true;
            l->micalg = v->micalg;
            v->layer = op->rep->num_layers - 1;
        }
        WAX_TRY(make_verifier(op, true));
        op->split = malloc(sizeof *op->split);
        WAX_ENSURE(op->split != NULL, WAX_ERR_NOMEM);
        wax_mime_signed_split_init(op->split,
                                   wax_cms_verify_content_sink(v->cv),
                                   wax_cms_verify_cms_sink(v->cv), NULL, NULL);
        *out_next = wax_mime_signed_split_sink(op->split);
        return WAX_OK;
    }
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_PKCS7_MIME:
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
        op->route = SMIME_ROUTE_PKCS7;
        op->p7m = malloc(sizeof *op->p7m);
        WAX_ENSURE(op->p7m != NULL, WAX_ERR_NOMEM);
        wax_mime_p7m_reader_init(op->p7m, smime_router_sink(op), NULL, NULL);
        *out_next = wax_mime_p7m_reader_sink(op->p7m);
        return WAX_OK;
    case WAX_MIME_SMIME_NONE:
    case WAX_MIME_SMIME_SIGNATURE:
        break;
    }
    v->drained = true;
    if (op->top_info.type == WAX_MIME_SMIME_NONE && is_multipart(op->top)) {
        op->route = SMIME_ROUTE_PARTIAL_SCAN;
        uint8_t b[WAX_MAX_MIME_BOUNDARY];
        size_t blen = 0;
        WAX_TRY(wax_mime_header_boundary(b, &blen, op->top));
        op->partial = malloc(sizeof *op->partial);
        WAX_ENSURE(op->partial != NULL, WAX_ERR_NOMEM);
        if (wax_mime_multipart_init(op->partial, b, blen, &partial_events,
                                    op) != WAX_OK) {
            free(op->partial);
            op->partial = NULL;
            *out_next = &smime_drain;
            return WAX_OK;
        }
        /* the splitter skips the header again and feeds the body */
        *out_next = partial_front(op);
        return *out_next != NULL ? WAX_OK : WAX_ERR_NOMEM;
    }
    op->route = SMIME_ROUTE_PLAIN;
    *out_next = &smime_drain;
    return WAX_OK;
}

static wax_sink *
partial_front(struct wax_smime_op *op)
{
    struct partial_sink *ps = calloc(1, sizeof *ps);
    if (ps == NULL) {
        return NULL;
    }
    ps->sink.write = ps_write;
    ps->sink.close = ps_close;
    ps->body.write = pb_write;
    ps->body.close = pb_close;
    ps->op = op;
    wax_mime_splitter_init(&ps->split, NULL, NULL, &ps->body);
    op->verify->partial_sink = ps;
    return &ps->sink;
}

static enum wax_smime_layer_type
layer_type_of(enum wax_oid_id type)
{
    switch (type) {
    case WAX_OID_CT_ENVELOPED_DATA:
        return WAX_SMIME_LAYER_ENVELOPED;
    case WAX_OID_CT_AUTH_ENVELOPED_DATA:
        return WAX_SMIME_LAYER_AUTH_ENVELOPED;
    case WAX_OID_CT_COMPRESSED_DATA:
        return WAX_SMIME_LAYER_COMPRESSED;
    default:
        return WAX_SMIME_LAYER_SIGNED;
    }
}

wax_err
smime_verify_on_cms(struct wax_smime_op *op, enum wax_oid_id type,
                    wax_sink **out_next)
{
    struct smime_verify_state *v = op->verify;
    enum wax_smime_form form = smime_form_of(op);
    if (type != WAX_OID_CT_SIGNED_DATA && type != WAX_OID_UNKNOWN) {
        /* an enveloped, compressed or other object: nothing signed here */
        struct wax_smime_layer *l =
            smime_add_layer(op->rep, layer_type_of(type), form);
        if (l != NULL) {
            l->legacy_x = op->top_info.legacy_x;
        }
        v->drained = true;
        *out_next = &smime_drain;
        return WAX_OK;
    }
    struct wax_smime_layer *l =
        smime_add_layer(op->rep, WAX_SMIME_LAYER_SIGNED, form);
    if (l != NULL) {
        l->legacy_x = op->top_info.legacy_x;
        l->detached = v->opts.detached_content;
        v->layer = op->rep->num_layers - 1;
    }
    WAX_TRY(make_verifier(op, v->opts.detached_content));
    *out_next = wax_cms_verify_cms_sink(v->cv);
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Finishing.                                                          */

/* Computes the digests the signers wait for by replaying the spool
 * through digest sinks into a fresh spool. */
static wax_err
recheck_digests(struct wax_smime_op *op)
{
    struct smime_verify_state *v = op->verify;
    uint32_t missing = v->res.missing_digests;
    struct wax_digest_sink ds[WAX_DIGEST_SHA512 + 1];
    enum wax_digest_alg algs[WAX_DIGEST_SHA512 + 1];
    size_t n = 0;
    for (int a = WAX_DIGEST_MD5; a <= WAX_DIGEST_SHA512; a++) {
        if (missing & (1u << a)) {
            algs[n++] = (enum wax_digest_alg)a;
        }
    }
    if (n == 0 || !v->spool_ready) {
        return WAX_OK;
    }
    struct wax_spool fresh;
    wax_spool_init(&fresh, op->spool_opts.threshold, op->spool_opts.tmpdir);
    wax_sink *next = wax_spool_sink(&fresh);
    size_t ready = 0;
    wax_err err = WAX_OK;
    for (size_t i = n; i-- > 0;) {
        err = wax_digest_sink_init(&ds[i], algs[i], next);
        if (err != WAX_OK) {
            break;
        }
        ready++;
        next = wax_digest_sink_sink(&ds[i]);
    }
    if (err == WAX_OK) {
        err = wax_spool_release(&v->spool, next);
    }
    if (err == WAX_OK) {
        err = wax_sink_close(next);
    }
    for (size_t i = 0; i < n && err == WAX_OK; i++) {
        uint8_t md[WAX_MAX_DIGEST_BYTES];
        size_t md_len = 0;
        err = wax_digest_sink_result(&ds[i], md, sizeof md, &md_len);
        if (err == WAX_OK) {
            /* the new per-signer results are in RES */
            wax_err rc =
                wax_cms_verify_recheck(v->cv, &v->res, algs[i], md, md_len);
            (void)rc;
        }
    }
    for (size_t i = n - ready; i < n; i++) {
        wax_digest_sink_cleanup(&ds[i]);
    }
    wax_spool_cleanup(&v->spool);
    v->spool = fresh;
    return err;
}

/* The From: and Sender: addresses (or the override) into REP->from. */
static void
collect_from(struct wax_smime_op *op, bool *out_bad)
{
    struct wax_smime_report *rep = op->rep;
    const struct wax_smime_verify_opts *o = &op->verify->opts;
    *out_bad = false;
    char(*addrs)[WAX_MAX_SMIME_ADDRESS + 1] =
        malloc(WAX_MAX_SMIME_EMAILS * sizeof *addrs);
    if (addrs == NULL) {
        *out_bad = true;
        return;
    }
    size_t num = 0;
    if (o->from != NULL) {
        if (wax_smime_parse_addresses(addrs, WAX_MAX_SMIME_EMAILS, &num,
                                      (const uint8_t *)o->from,
                                      strlen(o->from)) != WAX_OK ||
            num != 1) {
            *out_bad = true;
            num = 0;
        }
    } else if (op->top != NULL && op->head_parsed) {
        static const char *const names[] = {"From", "Sender"};
        for (size_t k = 0; k < 2 && !*out_bad; k++) {
            size_t idx = 0;
            while (wax_mime_header_find(op->top, &idx, names[k])) {
                struct wax_span val = op->top->fields[idx].value;
                idx++;
                uint8_t *buf = malloc(val.len + 1);
                size_t ulen = 0;
                size_t got = 0;
                if (buf == NULL ||
                    wax_mime_unfold(buf, val.len + 1, &ulen, val) != WAX_OK ||
                    wax_smime_parse_addresses(addrs + num,
                                              WAX_MAX_SMIME_EMAILS - num, &got,
                                              buf, ulen) != WAX_OK) {
                    *out_bad = true;
                }
                free(buf);
                if (*out_bad) {
                    break;
                }
                num += got;
            }
        }
    }
    for (size_t i = 0; i < num && rep->num_from < WAX_MAX_SMIME_EMAILS; i++) {
        char *a = smime_strdup(addrs[i]);
        if (a != NULL) {
            rep->from[rep->num_from++] = a;
        }
    }
    free(addrs);
}

/* Fills issuer and serial from an issuerAndSerialNumber sid when the
 * certificate was not found. */
static void
fill_from_sid(struct wax_smime_signer_report *s,
              const struct wax_cms_signer_result *r)
{
    if (r->sid_is_ski || r->sid.der == NULL) {
        return;
    }
    /* IssuerAndSerialNumber ::= SEQUENCE { issuer Name,
     *     serialNumber CertificateSerialNumber } */
    struct wax_span in = {r->sid.der, r->sid.len};
    struct wax_span seq, name, serial;
    if (!wax_der_get(&in, WAX_DER_SEQUENCE, &seq) ||
        !wax_der_get_element(&seq, WAX_DER_SEQUENCE, &name) ||
        !wax_der_get(&seq, WAX_DER_INTEGER, &serial)) {
        return;
    }
    s->issuer = smime_name_text(name);
    s->serial = smime_hex(serial.p, serial.len);
}

static void
fill_chain(struct wax_smime_signer_report *s, const struct wax_path_result *pr)
{
    for (size_t i = 0; i < pr->num_certs && i < WAX_MAX_PATH_DEPTH; i++) {
        struct wax_x509_cert *c = malloc(sizeof *c);
        if (c == NULL) {
            return;
        }
        if (wax_x509_cert_parse(c, pr->certs[i], pr->cert_lens[i]) == WAX_OK) {
            char *t = smime_name_text(c->subject);
            if (t != NULL) {
                s->chain[s->num_chain++] = t;
            }
        }
        free(c);
    }
    s->chain_reached_anchor = pr->reached_anchor;
}

static uint8_t *
dup_bytes(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len > 0 ? len : 1);
    if (c != NULL && len > 0) {
        memcpy(c, p, len);
    }
    return c;
}

/* Copies the validated chain's certificates for --harvest: the leaf
 * (index 0) and the anchor (the last, when reached) excluded. */
static void
fill_chain_der(struct wax_smime_signer_report *s,
               const struct wax_path_result *pr)
{
    size_t end = pr->num_certs;
    if (end > WAX_MAX_PATH_DEPTH) {
        end = WAX_MAX_PATH_DEPTH;
    }
    if (pr->reached_anchor && end > 0) {
        end--;
    }
    for (size_t i = 1; i < end; i++) {
        uint8_t *c = dup_bytes(pr->certs[i], pr->cert_lens[i]);
        if (c == NULL) {
            return;
        }
        s->chain_der[s->num_chain_der] = c;
        s->chain_der_lens[s->num_chain_der++] = pr->cert_lens[i];
    }
}

/* Whether certificate C is the one the SMIMEEncryptionKeyPreference
 * value PREF names (RFC 8551 §2.5.3, implicit tags): [0]
 * IssuerAndSerialNumber, [1] RecipientKeyIdentifier (its
 * subjectKeyIdentifier; date and other are not used), [2]
 * SubjectKeyIdentifier. */
static bool
enc_pref_names(struct wax_span pref, const struct wax_x509_cert *c)
{
    struct wax_span body, name, serial, ski;
    if (wax_der_get(&pref, WAX_DER_CONTEXT_CONS(0), &body)) {
        return wax_der_get_element(&body, WAX_DER_SEQUENCE, &name) &&
               wax_der_get(&body, WAX_DER_INTEGER, &serial) &&
               wax_der_expect_end(&body) &&
               wax_x509_name_equal(name, c->issuer) &&
               wax_span_equal(serial, c->serial);
    }
    if (wax_der_get(&pref, WAX_DER_CONTEXT_CONS(1), &body)) {
        return wax_der_get(&body, WAX_DER_OCTET_STRING, &ski) &&
               c->info.has_ski && wax_span_equal(ski, c->info.ski);
    }
    if (wax_der_get(&pref, WAX_DER_CONTEXT_TAG(2), &ski)) {
        return c->info.has_ski && wax_span_equal(ski, c->info.ski);
    }
    return false;
}

/* Copies the signer's SMIMEEncryptionKeyPreference and, when it names one
 * of the message's certificates, that certificate (for --harvest). */
static wax_err validate_cert(struct wax_smime_op *op,
                             const struct wax_cms_blob *cert,
                             enum wax_path_purpose purpose,
                             struct wax_smime_signer_report *s, bool *out_weak);

static void
fill_enc_pref(struct wax_smime_op *op, struct wax_smime_signer_report *s,
              const struct wax_cms_signer_result *r)
{
    const struct smime_verify_state *v = op->verify;
    if (r->encryption_key_preference.der == NULL) {
        return;
    }
    s->enc_pref = dup_bytes(r->encryption_key_preference.der,
                            r->encryption_key_preference.len);
    if (s->enc_pref == NULL) {
        return;
    }
    s->enc_pref_len = r->encryption_key_preference.len;
    struct wax_x509_cert *c = malloc(sizeof *c);
    if (c == NULL) {
        return;
    }
    struct wax_span pref = {s->enc_pref, s->enc_pref_len};
    for (size_t i = 0; i < v->res.num_certs; i++) {
        if (wax_x509_cert_parse(c, v->res.certs[i].der, v->res.certs[i].len) !=
                WAX_OK ||
            !enc_pref_names(pref, c)) {
            continue;
        }
        /* offered for harvesting only when it validates for encryption
         * under the same trust as the signer */
        struct wax_cms_blob b = v->res.certs[i];
        bool weak = false;
        if (validate_cert(op, &b, WAX_PATH_PURPOSE_SMIME_ENCRYPT, NULL,
                          &weak) != WAX_OK) {
            break;
        }
        s->enc_cert = dup_bytes(v->res.certs[i].der, v->res.certs[i].len);
        if (s->enc_cert != NULL) {
            s->enc_cert_len = v->res.certs[i].len;
        }
        break;
    }
    free(c);
}

/* After a chain validated in PREFER mode: one warning for each
 * certificate of it (the anchor excepted) that no current CRL covered. */
static void
warn_unchecked(struct wax_smime_report *rep, const struct wax_path_result *pr)
{
    if (pr->revocation_complete || pr->num_certs == 0) {
        return;
    }
    for (size_t i = 0; i + 1 < pr->num_certs && i < WAX_MAX_PATH_DEPTH; i++) {
        if (pr->revocation[i] == WAX_PATH_REV_GOOD) {
            continue;
        }
        struct wax_x509_cert *c = malloc(sizeof *c);
        char *name = NULL;
        if (c != NULL &&
            wax_x509_cert_parse(c, pr->certs[i], pr->cert_lens[i]) == WAX_OK) {
            name = smime_name_text(c->subject);
        }
        free(c);
        const char *subj = name != NULL ? name : "(unreadable subject)";
        static const char prefix[] = "revocation not checked: no CRL for ";
        size_t len = sizeof prefix + strlen(subj);
        char *text = malloc(len);
        if (text != NULL) {
            memcpy(text, prefix, sizeof prefix - 1);
            memcpy(text + sizeof prefix - 1, subj, strlen(subj) + 1);
            smime_warn(rep, text);
        } else {
            rep->num_dropped_warnings++;
        }
        free(text);
        free(name);
    }
}

/* Path validation of one signer certificate: the caller's CRLs, then the
 * message's, at most WAX_MAX_PATH_CRLS in all. */
static wax_err
validate_cert(struct wax_smime_op *op, const struct wax_cms_blob *cert,
              enum wax_path_purpose purpose, struct wax_smime_signer_report *s,
              bool *out_weak)
{
    struct smime_verify_state *v = op->verify;
    const struct wax_smime_trust *t = &v->opts.trust;
    const struct wax_smime_certs *ucrl = &v->opts.crls;
    size_t n = v->res.num_certs + t->untrusted.num;
    const uint8_t **der = calloc(n + 1, sizeof *der);
    size_t *lens = calloc(n + 1, sizeof *lens);
    const uint8_t **crl_der = calloc(WAX_MAX_PATH_CRLS, sizeof *crl_der);
    size_t *crl_lens = calloc(WAX_MAX_PATH_CRLS, sizeof *crl_lens);
    struct wax_path_result *pr = calloc(1, sizeof *pr);
    if (der == NULL || lens == NULL || crl_der == NULL || crl_lens == NULL ||
        pr == NULL) {
        free(der);
        free(lens);
        free(crl_der);
        free(crl_lens);
        free(pr);
        return WAX_ERR_NOMEM;
    }
    size_t nc = 0;
    if (v->opts.revocation != WAX_PATH_REVOCATION_OFF) {
        for (size_t i = 0; i < ucrl->num && nc < WAX_MAX_PATH_CRLS; i++) {
            crl_der[nc] = ucrl->der[i];
            crl_lens[nc++] = ucrl->lens[i];
        }
        for (size_t i = 0; i < v->res.num_crls; i++) {
            if (nc == WAX_MAX_PATH_CRLS) {
                smime_warn(op->rep, "some CRLs of the message were not used "
                                    "(too many CRLs in all)");
                break;
            }
            crl_der[nc] = v->res.crls[i].der;
            crl_lens[nc++] = v->res.crls[i].len;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < v->res.num_certs; i++) {
        der[k] = v->res.certs[i].der;
        lens[k++] = v->res.certs[i].len;
    }
    for (size_t i = 0; i < t->untrusted.num; i++) {
        der[k] = t->untrusted.der[i];
        lens[k++] = t->untrusted.lens[i];
    }
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = cert->der;
    in.leaf_len = cert->len;
    in.untrusted.der = der;
    in.untrusted.lens = lens;
    in.untrusted.num = k;
    in.anchors.der = t->anchors.der;
    in.anchors.lens = t->anchors.lens;
    in.anchors.num = t->anchors.num;
    in.time = t->time;
    in.purpose = purpose;
    in.allow_weak = t->allow_weak;
    in.crls.der = crl_der;
    in.crls.lens = crl_lens;
    in.crls.num = nc;
    in.revocation = v->opts.revocation;
    if (k > WAX_MAX_PATH_CERTS - t->anchors.num) {
        in.untrusted.num = WAX_MAX_PATH_CERTS > t->anchors.num
                               ? WAX_MAX_PATH_CERTS - t->anchors.num
                               : 0;
    }
    wax_err err = wax_path_validate(&in, pr);
    if (s != NULL) {
        fill_chain(s, pr);
        if (err == WAX_OK) {
            fill_chain_der(s, pr);
        }
    }
    *out_weak = pr->weak;
    if (s != NULL && err == WAX_OK &&
        v->opts.revocation == WAX_PATH_REVOCATION_PREFER) {
        warn_unchecked(op->rep, pr);
    }
    free(der);
    free(lens);
    free(crl_der);
    free(crl_lens);
    free(pr);
    return err;
}

static bool
any_match(const struct wax_smime_report *rep,
          const struct wax_smime_signer_report *s)
{
    for (size_t i = 0; i < rep->num_from; i++) {
        for (size_t j = 0; j < s->num_emails; j++) {
            if (wax_smime_address_equal(rep->from[i], s->emails[j])) {
                return true;
            }
        }
    }
    return false;
}

static wax_err
release_content(struct wax_smime_op *op)
{
    struct smime_verify_state *v = op->verify;
    if (v->opts.with_outer_headers && op->top != NULL && op->head_parsed) {
        struct wax_mime_header *inner = malloc(sizeof *inner);
        WAX_ENSURE(inner != NULL, WAX_ERR_NOMEM);
        bool ok = false;
        if (v->head_ready) {
            smime_parse_inner(inner, v->head.buf.data, v->head.buf.len, &ok);
        }
        wax_err err = smime_write_outer(op->out, op->top, ok ? inner : NULL);
        free(inner);
        WAX_TRY(err);
    }
    WAX_TRY(wax_spool_release(&v->spool, op->out));
    return wax_sink_close(op->out);
}

static int
badness(enum wax_smime_verdict v)
{
    switch (v) {
    case WAX_SMIME_INVALID:
        return 4;
    case WAX_SMIME_UNTRUSTED:
        return 3;
    default:
        return 0;
    }
}

static void
verify_signers(struct wax_smime_op *op)
{
    struct smime_verify_state *v = op->verify;
    struct wax_smime_report *rep = op->rep;
    bool from_bad = false;
    if (!v->inspect) {
        collect_from(op, &from_bad);
    }
    size_t n = v->res.num_signers;
    if (n > WAX_MAX_CMS_SIGNERS) {
        n = WAX_MAX_CMS_SIGNERS;
    }
    for (size_t i = 0; i < n; i++) {
        const struct wax_cms_signer_result *r = &v->res.signers[i];
        struct wax_smime_signer_report *s = &rep->signers[rep->num_signers++];
        s->layer = v->layer;
        s->digest = r->digest;
        s->signature_algorithm = r->sig_alg.scheme;
        s->has_signing_time = r->has_signing_time;
        s->signing_time = r->signing_time;
        s->weak = r->weak;
        if (r->smime_capabilities.der != NULL) {
            s->smime_capabilities = malloc(r->smime_capabilities.len);
            if (s->smime_capabilities != NULL) {
                memcpy(s->smime_capabilities, r->smime_capabilities.der,
                       r->smime_capabilities.len);
                s->smime_capabilities_len = r->smime_capabilities.len;
            }
        }
        if (r->cert.der == NULL ||
            smime_signer_fill_cert(s, r->cert.der, r->cert.len) != WAX_OK) {
            fill_from_sid(s, r);
        }
        if (v->inspect) {
            continue;
        }
        if (r->weak) {
            smime_warn(rep, "a weak signature algorithm or key was accepted "
                            "(allow_weak)");
        }
        if (r->err != WAX_OK) {
            s->verdict = WAX_SMIME_INVALID;
            s->err = r->err;
            continue;
        }
        bool weak = false;
        wax_err perr =
            validate_cert(op, &r->cert, WAX_PATH_PURPOSE_SMIME_SIGN, s, &weak);
        if (weak) {
            s->weak = true;
            smime_warn(rep, "a weak certificate algorithm or key was "
                            "accepted (allow_weak)");
        }
        if (perr != WAX_OK) {
            s->verdict = WAX_SMIME_UNTRUSTED;
            s->err = perr;
            continue;
        }
        fill_enc_pref(op, s, r);
        if (s->num_emails == 0) {
            s->verdict = WAX_SMIME_VALID_UNBOUND;
            s->err = WAX_ERR_SMIME_NO_SIGNER_EMAIL;
        } else if (from_bad) {
            s->has_from_match = true;
            s->from_match = false;
            s->verdict = WAX_SMIME_VALID_SIGNER_MISMATCH;
            s->err = WAX_ERR_SMIME_BAD_ADDRESS;
        } else if (rep->num_from == 0) {
            s->verdict = WAX_SMIME_VALID_UNBOUND;
            s->err = WAX_ERR_SMIME_NO_FROM;
            smime_warn(rep, "there is no From: address to bind the signer to "
                            "(use the from option)");
        } else {
            s->has_from_match = true;
            s->from_match = any_match(rep, s);
            s->verdict = s->from_match ? WAX_SMIME_VALID
                                       : WAX_SMIME_VALID_SIGNER_MISMATCH;
            s->err = s->from_match ? WAX_OK : WAX_ERR_SMIME_SIGNER_MISMATCH;
        }
    }
    if (v->inspect) {
        return;
    }
    /* the message's verdict (smime.h) */
    const struct wax_smime_signer_report *worst = NULL;
    const struct wax_smime_signer_report *first_mismatch = NULL;
    const struct wax_smime_signer_report *first_unbound = NULL;
    bool any_valid = false;
    for (size_t i = 0; i < rep->num_signers; i++) {
        const struct wax_smime_signer_report *s = &rep->signers[i];
        if (badness(s->verdict) > 0 &&
            (worst == NULL || badness(s->verdict) > badness(worst->verdict))) {
            worst = s;
        }
        if (s->verdict == WAX_SMIME_VALID) {
            any_valid = true;
        } else if (s->verdict == WAX_SMIME_VALID_SIGNER_MISMATCH &&
                   first_mismatch == NULL) {
            first_mismatch = s;
        } else if (s->verdict == WAX_SMIME_VALID_UNBOUND &&
                   first_unbound == NULL) {
            first_unbound = s;
        }
    }
    if (rep->num_signers == 0) {
        rep->verdict = WAX_SMIME_INVALID;
        rep->err = v->res.err != WAX_OK ? v->res.err : WAX_ERR_CMS_NO_SIGNERS;
    } else if (worst != NULL) {
        rep->verdict = worst->verdict;
        rep->err = worst->err;
    } else if (any_valid) {
        rep->verdict = WAX_SMIME_VALID;
        rep->err = WAX_OK;
    } else if (first_mismatch != NULL) {
        rep->verdict = WAX_SMIME_VALID_SIGNER_MISMATCH;
        rep->err = first_mismatch->err;
    } else if (first_unbound != NULL) {
        rep->verdict = WAX_SMIME_VALID_UNBOUND;
        rep->err = first_unbound->err;
    } else {
        rep->verdict = WAX_SMIME_INVALID;
        rep->err = WAX_ERR_INTERNAL;
    }
}

/* inspect: the certificates carried. */
static void
list_certs(struct wax_smime_op *op)
{
    struct smime_verify_state *v = op->verify;
    struct wax_smime_report *rep = op->rep;
    size_t n = v->res.num_certs;
    if (n == 0) {
        return;
    }
    rep->certs = calloc(n, sizeof *rep->certs);
    if (rep->certs == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct wax_smime_signer_report tmp;
        memset(&tmp, 0, sizeof tmp);
        struct wax_smime_cert_report *c = &rep->certs[rep->num_certs];
        if (smime_signer_fill_cert(&tmp, v->res.certs[i].der,
                                   v->res.certs[i].len) != WAX_OK) {
            continue;
        }
        c->subject = tmp.subject;
        c->issuer = tmp.issuer;
        c->serial = tmp.serial;
        memcpy(c->sha256, tmp.sha256, sizeof c->sha256);
        for (size_t j = 0; j < tmp.num_emails; j++) {
            free(tmp.emails[j]);
        }
        free(tmp.cert_der);
        rep->num_certs++;
    }
}

wax_err
smime_verify_finish(struct wax_smime_op *op)
{
    struct smime_verify_state *v = op->verify;
    struct wax_smime_report *rep = op->rep;
    bool inspect = v == NULL || v->inspect;
    if (op->err != WAX_OK) {
        /* a local failure (I/O, memory) says nothing about the message */
        rep->verdict = inspect || smime_err_is_local(op->err)
                           ? WAX_SMIME_VERDICT_NONE
                           : WAX_SMIME_INVALID;
        rep->err = op->err;
    } else if (v == NULL || v->drained || v->cv == NULL) {
        if (!inspect) {
            bool partial = op->partial_found;
            rep->verdict =
                partial ? WAX_SMIME_PARTIALLY_SIGNED : WAX_SMIME_NOT_SIGNED;
            rep->err = partial ? WAX_ERR_SMIME_PARTIALLY_SIGNED
                               : WAX_ERR_SMIME_NOT_SIGNED;
        }
    } else {
        wax_err ferr = wax_cms_verify_finish(v->cv, &v->res);
        if (ferr != WAX_OK && v->res.num_signers == 0) {
            if (!inspect) {
                rep->verdict = WAX_SMIME_INVALID;
            }
            rep->err = ferr;
        } else {
            wax_err rerr = WAX_OK;
            if (v->res.missing_digests != 0 && !inspect) {
                rerr = recheck_digests(op);
            }
            if (rerr != WAX_OK) {
                rep->verdict = WAX_SMIME_INVALID;
                rep->err = rerr;
            } else {
                verify_signers(op);
                if (inspect) {
                    list_certs(op);
                    if (ferr != WAX_OK &&
                        ferr != WAX_ERR_CMS_DIGEST_NOT_COMPUTED &&
                        v->res.num_signers == 0) {
                        rep->err = ferr;
                    }
                }
            }
        }
    }
    bool release = false;
    if (!inspect && v != NULL && v->spool_ready && v->cv != NULL &&
        op->err == WAX_OK && v->spool.state == WAX_SPOOL_CLOSED) {
        if (rep->verdict == WAX_SMIME_VALID) {
            release = true;
        } else if (v->opts.release_unverified) {
            release = true;
            rep->released_unverified = true;
            smime_warn(rep, "the content was released although the signature "
                            "is not valid (release_unverified)");
        }
    }
    if (release) {
        rep->content_len = wax_spool_size(&v->spool);
        wax_err err = release_content(op);
        rep->released = true;
        if (err != WAX_OK) {
            rep->err = err;
        }
    } else if (v != NULL && v->spool_ready) {
        wax_spool_discard(&v->spool);
    }
    smime_report_set_status(rep, inspect ? SMIME_OP_INSPECT : SMIME_OP_VERIFY);
    if (rep->status == WAX_SMIME_STATUS_OK) {
        return WAX_OK;
    }
    return rep->err != WAX_OK ? rep->err : WAX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* Constructors.                                                       */

static wax_err
new_verify_op(struct wax_smime_op **out_op, enum smime_kind kind,
              const struct wax_smime_verify_opts *opts, wax_sink *out,
              struct wax_smime_report *rep)
{
    WAX_ENSURE(out_op != NULL && rep != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_op = NULL;
    wax_smime_report_init(rep);
    if (kind == SMIME_OP_VERIFY && (opts == NULL || out == NULL)) {
        rep->err = WAX_ERR_INVALID_ARGUMENT;
        rep->status = WAX_SMIME_STATUS_ERROR;
        return rep->err;
    }
    struct wax_smime_op *op = calloc(1, sizeof *op);
    struct smime_verify_state *v = calloc(1, sizeof *v);
    if (op == NULL || v == NULL) {
        free(op);
        free(v);
        rep->err = WAX_ERR_NOMEM;
        rep->status = WAX_SMIME_STATUS_ERROR;
        return rep->err;
    }
    op->kind = kind;
    op->rep = rep;
    op->out = out;
    op->verify = v;
    if (opts != NULL) {
        v->opts = *opts;
        op->spool_opts = opts->spool;
    }
    v->inspect = kind == SMIME_OP_INSPECT;
    smime_front_init(op);
    if (v->opts.detached_content) {
        wax_err err = make_verifier(op, true);
        if (err != WAX_OK) {
            wax_smime_op_free(op);
            rep->err = err;
            rep->status = WAX_SMIME_STATUS_ERROR;
            return err;
        }
    }
    *out_op = op;
    return WAX_OK;
}

wax_err
wax_smime_verify_new(struct wax_smime_op **out_op,
                     const struct wax_smime_verify_opts *opts, wax_sink *out,
                     struct wax_smime_report *rep)
{
    if (opts != NULL) {
        const struct wax_smime_trust *t = &opts->trust;
        const struct wax_smime_certs *c = &opts->crls;
        wax_err err = WAX_OK;
        if ((t->anchors.num > 0 &&
             (t->anchors.der == NULL || t->anchors.lens == NULL)) ||
            (t->untrusted.num > 0 &&
             (t->untrusted.der == NULL || t->untrusted.lens == NULL)) ||
            (c->num > 0 && (c->der == NULL || c->lens == NULL)) ||
            (opts->revocation != WAX_PATH_REVOCATION_PREFER &&
             opts->revocation != WAX_PATH_REVOCATION_REQUIRE &&
             opts->revocation != WAX_PATH_REVOCATION_OFF)) {
            err = WAX_ERR_INVALID_ARGUMENT;
        } else if (c->num > WAX_MAX_PATH_CRLS) {
            err = WAX_ERR_LIMIT_EXCEEDED;
        }
        if (err != WAX_OK) {
            if (rep != NULL) {
                wax_smime_report_init(rep);
                rep->err = err;
                rep->status = WAX_SMIME_STATUS_ERROR;
            }
            return err;
        }
    }
    return new_verify_op(out_op, SMIME_OP_VERIFY, opts, out, rep);
}

wax_err
wax_smime_inspect_new(struct wax_smime_op **out_op,
                      const struct wax_smime_inspect_opts *opts,
                      struct wax_smime_report *rep)
{
    struct wax_smime_verify_opts vo;
    memset(&vo, 0, sizeof vo);
    if (opts != NULL) {
        vo.spool = opts->spool;
    }
    WAX_TRY(new_verify_op(out_op, SMIME_OP_INSPECT, &vo, NULL, rep));
    return WAX_OK;
}
