/*
 * sign (RFC 8551 3.5): clear-signed multipart/signed, opaque
 * application/pkcs7-mime signed-data, or a bare CMS SignedData (DER/PEM,
 * encapsulated or detached).
 *
 * The entity to protect is made canonical and 7-bit safe before signing
 * (RFC 8551 3.1), which needs two passes over the input: the first spools
 * it and scans its body, the second (at close) prepares the entity from
 * the spool and streams it into the signer and the writer.
 */
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

struct smime_sign_state {
    struct wax_smime_sign_opts opts;
    struct wax_cms_sign *cs;
    bool raw;
    bool spool_ready;
    struct wax_spool spool;
    bool scan_ready;
    struct wax_mime_entity_scan scan;
    struct smime_tee in_tee; /* input -> spool + scan */
    bool prep_ready;
    struct wax_mime_prepare prep;
    struct smime_tee out_tee; /* entity -> first part + signer */
    struct wax_mime_signed_writer sw;
    struct wax_mime_p7m_writer p7m;
    struct smime_pem_writer pem;
    enum wax_digest_alg micalg;
};

void
smime_sign_free(struct smime_sign_state *s)
{
    if (s == NULL) {
        return;
    }
    wax_cms_sign_free(s->cs);
    if (s->spool_ready) {
        wax_spool_cleanup(&s->spool);
    }
    if (s->scan_ready) {
        wax_mime_entity_scan_cleanup(&s->scan);
    }
    if (s->prep_ready) {
        wax_mime_prepare_cleanup(&s->prep);
    }
    free(s);
}

/* Rule 6 for a signer's own certificate. */
static wax_err
check_signer(const struct wax_smime_sign_opts *o,
             const struct wax_smime_identity *id)
{
    WAX_ENSURE(id->key != NULL && id->cert != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(id->chain.num == 0 ||
                   (id->chain.der != NULL && id->chain.lens != NULL),
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_x509_cert *c = malloc(sizeof *c);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(c, id->cert, id->cert_len);
    if (err == WAX_OK) {
        err = wax_path_check_leaf(c, WAX_PATH_PURPOSE_SMIME_SIGN);
    }
    if (err == WAX_OK && o->has_signing_time) {
        err = wax_path_check_time(c, o->signing_time);
    }
    free(c);
    return err;
}

static wax_err sign_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err sign_close(wax_sink *self);

static wax_err
sign_setup(struct wax_smime_op *op, const struct wax_smime_sign_opts *o)
{
    struct smime_sign_state *s = op->sign;
    struct wax_smime_report *rep = op->rep;
    WAX_ENSURE(o->signers != NULL && o->num_signers > 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(o->num_signers <= WAX_MAX_CMS_SIGNERS, WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(o->digest == WAX_DIGEST_NONE || o->digest == WAX_DIGEST_SHA256 ||
                   o->digest == WAX_DIGEST_SHA384 ||
                   o->digest == WAX_DIGEST_SHA512,
               WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(o->format == WAX_SMIME_FORMAT_MIME ||
                   o->format == WAX_SMIME_FORMAT_DER ||
                   o->format == WAX_SMIME_FORMAT_PEM,
               WAX_ERR_SMIME_BAD_OPTION);
    bool mime = o->format == WAX_SMIME_FORMAT_MIME;
    WAX_ENSURE(!mime || (!o->detached && !o->raw_content),
               WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(mime || !o->opaque, WAX_ERR_SMIME_BAD_OPTION);
    for (size_t i = 0; i < o->num_signers; i++) {
        wax_err err = check_signer(o, &o->signers[i]);
        if (err != WAX_OK) {
            rep->err_index = i;
            return err;
        }
    }
    struct wax_cms_signer_params *sp = calloc(o->num_signers, sizeof *sp);
    size_t num_certs = 0;
    for (size_t i = 0; i < o->num_signers && !o->no_chain; i++) {
        num_certs += o->signers[i].chain.num;
    }
    for (size_t i = 0; i < o->num_signers; i++) {
        num_certs += o->signers[i].encryption_cert != NULL;
    }
    const uint8_t **certs = calloc(num_certs + 1, sizeof *certs);
    size_t *cert_lens = calloc(num_certs + 1, sizeof *cert_lens);
    wax_err err = WAX_OK;
    if (sp == NULL || certs == NULL || cert_lens == NULL) {
        err = WAX_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; err == WAX_OK && i < o->num_signers; i++) {
        const struct wax_smime_identity *id = &o->signers[i];
        sp[i].key = id->key;
        sp[i].cert = id->cert;
        sp[i].cert_len = id->cert_len;
        sp[i].digest = wax_privkey_type(id->key) == WAX_KEY_ED25519
                           ? WAX_DIGEST_NONE
                           : o->digest;
        sp[i].rsa_pss = o->rsa_pss;
        sp[i].encryption_cert = id->encryption_cert;
        sp[i].encryption_cert_len = id->encryption_cert_len;
        sp[i].no_smime_capabilities = o->no_smime_capabilities;
        if (id->encryption_cert != NULL) {
            certs[k] = id->encryption_cert;
            cert_lens[k++] = id->encryption_cert_len;
        }
        for (size_t j = 0; !o->no_chain && j < id->chain.num; j++) {
            certs[k] = id->chain.der[j];
            cert_lens[k++] = id->chain.lens[j];
        }
    }
    struct wax_cms_sign_params p;
    memset(&p, 0, sizeof p);
    p.signers = sp;
    p.num_signers = o->num_signers;
    p.certs = certs;
    p.cert_lens = cert_lens;
    p.num_certs = k;
    p.has_signing_time = o->has_signing_time;
    p.signing_time = o->signing_time;
    if (err == WAX_OK) {
        s->micalg = wax_cms_signer_digest(&sp[0]);
    }
    wax_sink *cms_out = op->out;
    enum wax_smime_form form = WAX_SMIME_FORM_DER;
    if (err == WAX_OK) {
        if (mime && !o->opaque) {
            char boundary[WAX_MIME_BOUNDARY_SIZE];
            err = wax_mime_boundary_new(boundary);
            if (err == WAX_OK) {
                err = wax_mime_signed_writer_init(&s->sw, op->out, boundary,
                                                  s->micalg);
            }
            cms_out = wax_mime_signed_writer_signature_sink(&s->sw);
            p.detached = true;
            form = WAX_SMIME_FORM_MULTIPART_SIGNED;
        } else if (mime) {
            err = wax_mime_p7m_writer_init(&s->p7m, op->out,
                                           WAX_MIME_SMIME_SIGNED_DATA);
            cms_out = wax_mime_p7m_writer_sink(&s->p7m);
            form = WAX_SMIME_FORM_PKCS7_MIME;
        } else {
            p.detached = o->detached;
            if (o->format == WAX_SMIME_FORMAT_PEM) {
                err = smime_pem_writer_init(&s->pem, op->out);
                cms_out = &s->pem.sink;
                form = WAX_SMIME_FORM_PEM;
            }
        }
    }
    if (err == WAX_OK) {
        err = wax_cms_sign_new(&s->cs, &p, cms_out);
    }
    if (err == WAX_OK) {
        struct wax_smime_layer *l =
            smime_add_layer(rep, WAX_SMIME_LAYER_SIGNED, form);
        if (l != NULL) {
            l->detached = p.detached;
            l->micalg = s->micalg;
        }
        /* the signers, as they will be written */
        for (size_t i = 0; i < o->num_signers; i++) {
            struct wax_smime_signer_report *sr =
                &rep->signers[rep->num_signers++];
            (void)smime_signer_fill_cert(sr, o->signers[i].cert,
                                         o->signers[i].cert_len);
            sr->digest = wax_cms_signer_digest(&sp[i]);
            switch (wax_privkey_type(o->signers[i].key)) {
            case WAX_KEY_RSA:
                sr->signature_algorithm =
                    o->rsa_pss ? WAX_SIG_RSA_PSS : WAX_SIG_RSA_PKCS1;
                break;
            case WAX_KEY_RSA_PSS:
                sr->signature_algorithm = WAX_SIG_RSA_PSS;
                break;
            case WAX_KEY_EC:
                sr->signature_algorithm = WAX_SIG_ECDSA;
                break;
            case WAX_KEY_ED25519:
                sr->signature_algorithm = WAX_SIG_ED25519;
                break;
            default:
                sr->signature_algorithm = WAX_SIG_NONE;
                break;
            }
            sr->has_signing_time = o->has_signing_time;
            sr->signing_time = o->signing_time;
        }
    }
    free(sp);
    free(certs);
    free(cert_lens);
    return err;
}

wax_err
wax_smime_sign_new(struct wax_smime_op **out_op,
                   const struct wax_smime_sign_opts *opts, wax_sink *out,
                   struct wax_smime_report *rep)
{
    WAX_ENSURE(out_op != NULL && rep != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_op = NULL;
    wax_smime_report_init(rep);
    if (opts == NULL || out == NULL) {
        rep->err = WAX_ERR_INVALID_ARGUMENT;
        rep->status = WAX_SMIME_STATUS_ERROR;
        return rep->err;
    }
    struct wax_smime_op *op = calloc(1, sizeof *op);
    wax_err err = WAX_ERR_NOMEM;
    if (op != NULL) {
        op->sign = calloc(1, sizeof *op->sign);
    }
    if (op != NULL && op->sign != NULL) {
        op->kind = SMIME_OP_SIGN;
        op->rep = rep;
        op->out = out;
        op->spool_opts = opts->spool;
        op->in.write = sign_write;
        op->in.close = sign_close;
        op->sign->opts = *opts;
        op->sign->raw = opts->raw_content;
        err = sign_setup(op, opts);
    }
    if (err == WAX_OK && !op->sign->raw) {
        struct smime_sign_state *s = op->sign;
        wax_spool_init(&s->spool, op->spool_opts.threshold,
                       op->spool_opts.tmpdir);
        s->spool_ready = true;
        wax_mime_entity_scan_init(&s->scan);
        s->scan_ready = true;
        smime_tee_init(&s->in_tee, wax_spool_sink(&s->spool),
                       wax_mime_entity_scan_sink(&s->scan));
    }
    if (err != WAX_OK) {
        wax_smime_op_free(op);
        rep->err = err;
        smime_report_set_status(rep, SMIME_OP_SIGN);
        return err;
    }
    *out_op = op;
    return WAX_OK;
}

static wax_err
sign_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_smime_op *op = (struct wax_smime_op *)self;
    WAX_TRY(op->err);
    if (op->in_closed) {
        return smime_op_fail(op, WAX_ERR_SINK_CLOSED);
    }
    struct smime_sign_state *s = op->sign;
    wax_sink *next = s->raw ? wax_cms_sign_sink(s->cs) : &s->in_tee.sink;
    return smime_op_fail(op, wax_sink_write(next, data, len));
}

/* The second pass: the canonical entity into the signer and writer. */
static wax_err
sign_mime_pass(struct wax_smime_op *op)
{
    struct smime_sign_state *s = op->sign;
    const struct wax_smime_sign_opts *o = &s->opts;
    WAX_TRY(wax_sink_close(&s->in_tee.sink));
    const struct wax_mime_header *h = wax_mime_entity_scan_header(&s->scan);
    WAX_ENSURE(h != NULL, WAX_ERR_INTERNAL);
    enum wax_mime_encode enc = WAX_MIME_ENCODE_NONE;
    WAX_TRY(wax_mime_choose_encoding(&enc, h, &s->scan.scan));
    wax_sink *entity_out = wax_cms_sign_sink(s->cs);
    if (o->format == WAX_SMIME_FORMAT_MIME && !o->opaque) {
        WAX_TRY(wax_mime_signed_writer_begin(&s->sw, h));
        smime_tee_init(&s->out_tee, wax_mime_signed_writer_sink(&s->sw),
                       wax_cms_sign_sink(s->cs));
        entity_out = &s->out_tee.sink;
    } else if (o->format == WAX_SMIME_FORMAT_MIME) {
        WAX_TRY(wax_mime_p7m_writer_begin(&s->p7m, h));
    }
    wax_mime_prepare_init(&s->prep, entity_out, enc, NULL, NULL);
    s->prep_ready = true;
    WAX_TRY(wax_spool_release(&s->spool, wax_mime_prepare_sink(&s->prep)));
    return wax_sink_close(wax_mime_prepare_sink(&s->prep));
}

static wax_err
sign_close(wax_sink *self)
{
    struct wax_smime_op *op = (struct wax_smime_op *)self;
    if (op->in_closed) {
        return op->finished ? op->rep->err : WAX_ERR_SINK_CLOSED;
    }
    op->in_closed = true;
    op->finished = true;
    struct smime_sign_state *s = op->sign;
    if (op->err == WAX_OK) {
        (void)smime_op_fail(op, s->raw
                                    ? wax_sink_close(wax_cms_sign_sink(s->cs))
                                    : sign_mime_pass(op));
    }
    if (s->spool_ready) {
        wax_spool_discard(&s->spool);
    }
    op->rep->err = op->err;
    smime_report_set_status(op->rep, SMIME_OP_SIGN);
    return op->err;
}
