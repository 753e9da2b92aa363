/*
 * encrypt and decrypt (RFC 8551 3.3, RFC 5652 6, RFC 5083/5084), and the
 * enveloped side of inspect. Decrypted content waits in a spool until the
 * whole object checked (CBC padding, or the GCM tag: SECURITY.md rule 2).
 */
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

struct smime_env_state {
    bool inspect;
    /* decrypt */
    struct wax_smime_decrypt_opts dopts;
    struct wax_cms_decrypt_key keys[WAX_MAX_CMS_DECRYPT_KEYS];
    size_t num_keys;
    struct wax_cms_decryptor *dec;
    bool spool_ready;
    struct wax_spool spool;
    bool head_ready;
    struct smime_head head;
    bool drained;
    size_t layer;
    bool have_layer;
    /* encrypt */
    struct wax_smime_encrypt_opts eopts;
    struct wax_cms_encryptor *enc;
    bool raw;
    enum wax_smime_format format;
    bool scan_ready;
    struct wax_mime_entity_scan scan;
    struct smime_tee tee;
    bool prep_ready;
    struct wax_mime_prepare prep;
    struct wax_mime_p7m_writer p7m;
    struct smime_pem_writer pem;
};

void
smime_env_free(struct smime_env_state *e)
{
    if (e == NULL) {
        return;
    }
    wax_cms_decryptor_free(e->dec);
    wax_cms_encryptor_free(e->enc);
    if (e->spool_ready) {
        wax_spool_cleanup(&e->spool);
    }
    if (e->head_ready) {
        smime_head_cleanup(&e->head);
    }
    if (e->scan_ready) {
        wax_mime_entity_scan_cleanup(&e->scan);
    }
    if (e->prep_ready) {
        wax_mime_prepare_cleanup(&e->prep);
    }
    free(e);
}

static wax_err
ensure_env(struct wax_smime_op *op)
{
    if (op->env == NULL) {
        op->env = calloc(1, sizeof *op->env);
        WAX_ENSURE(op->env != NULL, WAX_ERR_NOMEM);
        op->env->inspect = op->kind == SMIME_OP_INSPECT;
    }
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Decrypt: routing.                                                   */

wax_err
smime_env_on_mime(struct wax_smime_op *op, wax_sink **out_next)
{
    WAX_TRY(ensure_env(op));
    switch (op->top_info.type) {
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_PKCS7_MIME:
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
        /* the CMS content type decides (smime-type may lie or be absent) */
        op->route = SMIME_ROUTE_PKCS7;
        op->p7m = malloc(sizeof *op->p7m);
        WAX_ENSURE(op->p7m != NULL, WAX_ERR_NOMEM);
        wax_mime_p7m_reader_init(op->p7m, smime_router_sink(op), NULL, NULL);
        *out_next = wax_mime_p7m_reader_sink(op->p7m);
        return WAX_OK;
    case WAX_MIME_SMIME_MULTIPART_SIGNED:
        smime_add_layer(op->rep, WAX_SMIME_LAYER_SIGNED,
                        WAX_SMIME_FORM_MULTIPART_SIGNED);
        break;
    case WAX_MIME_SMIME_NONE:
    case WAX_MIME_SMIME_SIGNATURE:
        break;
    }
    op->route = SMIME_ROUTE_PLAIN;
    op->env->drained = true;
    *out_next = &smime_drain;
    return WAX_OK;
}

wax_err
smime_env_on_cms(struct wax_smime_op *op, enum wax_oid_id type,
                 wax_sink **out_next)
{
    WAX_TRY(ensure_env(op));
    struct smime_env_state *e = op->env;
    enum wax_smime_form form = smime_form_of(op);
    if (type != WAX_OID_CT_ENVELOPED_DATA &&
        type != WAX_OID_CT_AUTH_ENVELOPED_DATA && type != WAX_OID_UNKNOWN) {
        if (type == WAX_OID_CT_SIGNED_DATA) {
            smime_add_layer(op->rep, WAX_SMIME_LAYER_SIGNED, form);
        } else if (type == WAX_OID_CT_COMPRESSED_DATA) {
            smime_add_layer(op->rep, WAX_SMIME_LAYER_COMPRESSED, form);
        }
        e->drained = true;
        *out_next = &smime_drain;
        return WAX_OK;
    }
    struct wax_smime_layer *l = smime_add_layer(
        op->rep,
        type == WAX_OID_CT_AUTH_ENVELOPED_DATA ? WAX_SMIME_LAYER_AUTH_ENVELOPED
                                               : WAX_SMIME_LAYER_ENVELOPED,
        form);
    if (l != NULL) {
        l->legacy_x = op->top_info.legacy_x;
        e->layer = op->rep->num_layers - 1;
        e->have_layer = true;
    }
    struct wax_cms_decrypt_opts o;
    memset(&o, 0, sizeof o);
    o.allow_weak = e->dopts.allow_weak;
    o.inspect_only = e->inspect;
    o.accept = WAX_OID_UNKNOWN;
    o.tmpdir = op->spool_opts.tmpdir;
    o.spool_threshold = op->spool_opts.threshold;
    wax_sink *out = NULL;
    if (!e->inspect) {
        wax_spool_init(&e->spool, op->spool_opts.threshold,
                       op->spool_opts.tmpdir);
        e->spool_ready = true;
        out = wax_spool_sink(&e->spool);
        if (op->format == SMIME_IN_MIME) {
            smime_head_init(&e->head, out, WAX_MAX_MIME_HEADER_BYTES);
            e->head_ready = true;
            out = &e->head.sink;
        }
    }
    WAX_TRY(wax_cms_decryptor_new(&e->dec, &o, e->keys, e->num_keys, out));
    *out_next = wax_cms_decryptor_sink(e->dec);
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Decrypt: finishing.                                                 */

static void
report_recipients(struct wax_smime_op *op,
                  const struct wax_cms_decrypt_result *res)
{
    struct smime_env_state *e = op->env;
    struct wax_smime_report *rep = op->rep;
    if (!e->have_layer) {
        return;
    }
    struct wax_smime_layer *l = &rep->layers[e->layer];
    if (res->type == WAX_OID_CT_AUTH_ENVELOPED_DATA) {
        l->type = WAX_SMIME_LAYER_AUTH_ENVELOPED;
    } else if (res->type == WAX_OID_CT_ENVELOPED_DATA) {
        l->type = WAX_SMIME_LAYER_ENVELOPED;
    }
    l->cipher = res->cipher;
    l->first_recipient = rep->num_recipients;
    l->num_recipients = 0;
    for (size_t i = 0; i < res->num_recipients &&
                       rep->num_recipients < WAX_MAX_CMS_RECIPIENTS;
         i++) {
        const struct wax_cms_recipient_info *ri = &res->recipients[i];
        struct wax_smime_recipient_report *rr =
            &rep->recipients[rep->num_recipients++];
        l->num_recipients++;
        rr->kind = ri->kind;
        rr->key_transport = ri->kt;
        rr->oaep_digest = ri->oaep_digest;
        if (ri->rid_type == WAX_CMS_RID_ISSUER_SERIAL) {
            rr->issuer = smime_name_text(ri->issuer);
            rr->serial = smime_hex(ri->serial.p, ri->serial.len);
        } else if (ri->ski.len > 0) {
            rr->ski = smime_hex(ri->ski.p, ri->ski.len);
        }
        rr->matched = i == res->matched;
    }
}

static void
report_weak(struct wax_smime_report *rep, uint32_t weak)
{
    if (weak & WAX_CMS_WEAK_DES) {
        smime_warn(rep, "the content was encrypted with DES (allow_weak)");
    }
    if (weak & WAX_CMS_WEAK_RC2) {
        smime_warn(rep, "the content was encrypted with RC2 (allow_weak)");
    }
    if (weak & WAX_CMS_WEAK_3DES) {
        smime_warn(rep, "the content was encrypted with Triple-DES (legacy)");
    }
    if (weak & WAX_CMS_WEAK_RSA_KEY) {
        smime_warn(rep, "the recipient RSA key has fewer than 2048 bits");
    }
    if (weak & WAX_CMS_WEAK_OAEP_SHA1) {
        smime_warn(rep, "RSAES-OAEP with SHA-1");
    }
}

static wax_err
release_plaintext(struct wax_smime_op *op)
{
    struct smime_env_state *e = op->env;
    if (op->format == SMIME_IN_MIME && op->top != NULL && op->head_parsed) {
        struct wax_mime_header *inner = malloc(sizeof *inner);
        WAX_ENSURE(inner != NULL, WAX_ERR_NOMEM);
        bool ok = false;
        if (e->head_ready) {
            smime_parse_inner(inner, e->head.buf.data, e->head.buf.len, &ok);
        }
        wax_err err = smime_write_outer(op->out, op->top, ok ? inner : NULL);
        free(inner);
        WAX_TRY(err);
    }
    WAX_TRY(wax_spool_release(&e->spool, op->out));
    return wax_sink_close(op->out);
}

wax_err
smime_env_finish(struct wax_smime_op *op)
{
    struct smime_env_state *e = op->env;
    struct wax_smime_report *rep = op->rep;
    bool inspect = op->kind == SMIME_OP_INSPECT;
    const struct wax_cms_decrypt_result *res =
        e != NULL && e->dec != NULL ? wax_cms_decryptor_result(e->dec) : NULL;
    if (res != NULL) {
        report_recipients(op, res);
    }
    bool ok = false;
    if (op->err != WAX_OK) {
        rep->verdict = inspect || smime_err_is_local(op->err)
                           ? WAX_SMIME_VERDICT_NONE
                           : WAX_SMIME_DECRYPT_FAILED;
        rep->err = op->err;
    } else if (e == NULL || e->drained || e->dec == NULL) {
        if (!inspect) {
            rep->verdict = WAX_SMIME_DECRYPT_FAILED;
            rep->err = WAX_ERR_SMIME_NOT_ENCRYPTED;
        }
    } else if (inspect) {
        ok = true;
    } else if (!res->complete || e->spool.state != WAX_SPOOL_CLOSED) {
        rep->verdict = WAX_SMIME_DECRYPT_FAILED;
        rep->err = WAX_ERR_CMS_DECRYPT_FAILED;
    } else {
        report_weak(rep, res->weak);
        if (res->authenticated) {
            rep->verdict = WAX_SMIME_DECRYPTED_AUTHENTICATED;
            ok = true;
        } else if (e->dopts.require_auth) {
            rep->verdict = WAX_SMIME_DECRYPT_FAILED;
            rep->err = WAX_ERR_SMIME_NOT_AUTHENTICATED;
        } else {
            rep->verdict = WAX_SMIME_DECRYPTED_UNAUTHENTICATED;
            smime_warn(rep, "the decrypted content is not authenticated "
                            "(CBC): anyone could have changed it");
            ok = true;
        }
    }
    if (ok && !inspect) {
        rep->content_len = wax_spool_size(&e->spool);
        wax_err err = release_plaintext(op);
        rep->released = true;
        if (err != WAX_OK) {
            rep->err = err;
        }
    } else if (e != NULL && e->spool_ready) {
        wax_spool_discard(&e->spool);
    }
    smime_report_set_status(rep, inspect ? SMIME_OP_INSPECT : SMIME_OP_DECRYPT);
    if (rep->status == WAX_SMIME_STATUS_OK) {
        return WAX_OK;
    }
    return rep->err != WAX_OK ? rep->err : WAX_ERR_INTERNAL;
}

wax_err
wax_smime_decrypt_new(struct wax_smime_op **out_op,
                      const struct wax_smime_decrypt_opts *opts, wax_sink *out,
                      struct wax_smime_report *rep)
{
    WAX_ENSURE(out_op != NULL && rep != NULL, WAX_ERR_INVALID_ARGUMENT);
    *out_op = NULL;
    wax_smime_report_init(rep);
    wax_err err = WAX_OK;
    if (opts == NULL || out == NULL || opts->num_identities == 0 ||
        opts->identities == NULL) {
        err = WAX_ERR_INVALID_ARGUMENT;
    } else if (opts->num_identities > WAX_MAX_CMS_DECRYPT_KEYS) {
        err = WAX_ERR_SMIME_BAD_OPTION;
    }
    for (size_t i = 0; err == WAX_OK && i < opts->num_identities; i++) {
        const struct wax_smime_identity *id = &opts->identities[i];
        if (id->key == NULL || id->cert == NULL) {
            err = WAX_ERR_INVALID_ARGUMENT;
            rep->err_index = i;
        }
    }
    struct wax_smime_op *op = NULL;
    if (err == WAX_OK) {
        op = calloc(1, sizeof *op);
        if (op == NULL) {
            err = WAX_ERR_NOMEM;
        }
    }
    if (err == WAX_OK) {
        op->kind = SMIME_OP_DECRYPT;
        op->rep = rep;
        op->out = out;
        op->spool_opts = opts->spool;
        err = ensure_env(op);
    }
    if (err != WAX_OK) {
        free(op);
        rep->err = err;
        rep->status = WAX_SMIME_STATUS_ERROR;
        return err;
    }
    struct smime_env_state *e = op->env;
    e->dopts = *opts;
    for (size_t i = 0; i < opts->num_identities; i++) {
        e->keys[i].key = opts->identities[i].key;
        e->keys[i].cert_der = opts->identities[i].cert;
        e->keys[i].cert_len = opts->identities[i].cert_len;
        /* a key that does not match its certificate is a configuration
         * error, found here rather than after the input was read */
        struct wax_x509_cert *c = malloc(sizeof *c);
        err = c == NULL ? WAX_ERR_NOMEM
                        : wax_x509_cert_parse(c, e->keys[i].cert_der,
                                              e->keys[i].cert_len);
        if (err == WAX_OK) {
            err = wax_privkey_match_spki(e->keys[i].key, c->spki.der.p,
                                         c->spki.der.len);
        }
        free(c);
        if (err != WAX_OK) {
            rep->err_index = i;
            wax_smime_op_free(op);
            rep->err = err;
            rep->status = WAX_SMIME_STATUS_ERROR;
            return err;
        }
    }
    e->num_keys = opts->num_identities;
    smime_front_init(op);
    *out_op = op;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Encrypt.                                                            */

static wax_err
cipher_of(enum wax_smime_cipher c, enum wax_cipher_alg *out)
{
    switch (c) {
    case WAX_SMIME_CIPHER_DEFAULT:
    case WAX_SMIME_CIPHER_AES256_CBC:
        *out = WAX_CIPHER_AES256_CBC;
        return WAX_OK;
    case WAX_SMIME_CIPHER_AES128_CBC:
        *out = WAX_CIPHER_AES128_CBC;
        return WAX_OK;
    case WAX_SMIME_CIPHER_AES192_CBC:
        *out = WAX_CIPHER_AES192_CBC;
        return WAX_OK;
    case WAX_SMIME_CIPHER_AES128_GCM:
        *out = WAX_CIPHER_AES128_GCM;
        return WAX_OK;
    case WAX_SMIME_CIPHER_AES256_GCM:
        *out = WAX_CIPHER_AES256_GCM;
        return WAX_OK;
    }
    return WAX_ERR_SMIME_BAD_OPTION;
}

/* Rule 6 for one recipient certificate. */
static wax_err
check_recipient(const struct wax_smime_encrypt_opts *o, const uint8_t *der,
                size_t len)
{
    struct wax_x509_cert *c = malloc(sizeof *c);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(c, der, len);
    if (err == WAX_OK) {
        err = wax_path_check_leaf(c, WAX_PATH_PURPOSE_SMIME_ENCRYPT);
    }
    if (err == WAX_OK) {
        err = wax_path_check_time(c, o->trust.time);
    }
    free(c);
    if (err == WAX_OK && o->trust.anchors.num > 0) {
        struct wax_path_result *pr = malloc(sizeof *pr);
        WAX_ENSURE(pr != NULL, WAX_ERR_NOMEM);
        struct wax_path_input in;
        memset(&in, 0, sizeof in);
        in.leaf = der;
        in.leaf_len = len;
        in.anchors.der = o->trust.anchors.der;
        in.anchors.lens = o->trust.anchors.lens;
        in.anchors.num = o->trust.anchors.num;
        in.untrusted.der = o->trust.untrusted.der;
        in.untrusted.lens = o->trust.untrusted.lens;
        in.untrusted.num = o->trust.untrusted.num;
        in.time = o->trust.time;
        in.purpose = WAX_PATH_PURPOSE_SMIME_ENCRYPT;
        in.allow_weak = o->trust.allow_weak;
        err = wax_path_validate(&in, pr);
        free(pr);
    }
    return err;
}

static wax_err enc_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err enc_close(wax_sink *self);

static wax_err
enc_setup(struct wax_smime_op *op, const struct wax_smime_encrypt_opts *o)
{
    struct smime_env_state *e = op->env;
    struct wax_smime_report *rep = op->rep;
    const struct wax_smime_certs *rc = o->recipients;
    WAX_ENSURE(rc != NULL && rc->num > 0 && rc->der != NULL && rc->lens != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(rc->num <= WAX_MAX_CMS_RECIPIENTS, WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(o->format == WAX_SMIME_FORMAT_MIME ||
                   o->format == WAX_SMIME_FORMAT_DER ||
                   o->format == WAX_SMIME_FORMAT_PEM,
               WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(!o->raw_content || o->format != WAX_SMIME_FORMAT_MIME,
               WAX_ERR_SMIME_BAD_OPTION);
    WAX_ENSURE(o->trust.anchors.num == 0 || (o->trust.anchors.der != NULL &&
                                             o->trust.anchors.lens != NULL),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(o->trust.untrusted.num == 0 || (o->trust.untrusted.der != NULL &&
                                               o->trust.untrusted.lens != NULL),
               WAX_ERR_INVALID_ARGUMENT);
    struct wax_cms_encrypt_opts co;
    memset(&co, 0, sizeof co);
    WAX_TRY(cipher_of(o->cipher, &co.cipher));
    co.allow_weak_keys = o->trust.allow_weak;
    struct wax_cms_recipient *r = calloc(rc->num, sizeof *r);
    WAX_ENSURE(r != NULL, WAX_ERR_NOMEM);
    wax_err err = WAX_OK;
    for (size_t i = 0; i < rc->num && err == WAX_OK; i++) {
        err = check_recipient(o, rc->der[i], rc->lens[i]);
        if (err != WAX_OK) {
            rep->err_index = i;
            break;
        }
        r[i].cert_der = rc->der[i];
        r[i].cert_len = rc->lens[i];
        r[i].kt = o->rsa_oaep ? WAX_CMS_KT_RSA_OAEP : WAX_CMS_KT_RSA_PKCS1;
    }
    /* the layer, before the objects that write into OUT */
    bool aead = wax_cipher_is_aead(co.cipher);
    enum wax_smime_form form =
        o->format == WAX_SMIME_FORMAT_MIME  ? WAX_SMIME_FORM_PKCS7_MIME
        : o->format == WAX_SMIME_FORMAT_DER ? WAX_SMIME_FORM_DER
                                            : WAX_SMIME_FORM_PEM;
    wax_sink *cms_out = op->out;
    if (err == WAX_OK) {
        if (o->format == WAX_SMIME_FORMAT_MIME) {
            err = wax_mime_p7m_writer_init(
                &e->p7m, op->out,
                aead ? WAX_MIME_SMIME_AUTH_ENVELOPED_DATA
                     : WAX_MIME_SMIME_ENVELOPED_DATA);
            cms_out = wax_mime_p7m_writer_sink(&e->p7m);
        } else if (o->format == WAX_SMIME_FORMAT_PEM) {
            err = smime_pem_writer_init(&e->pem, op->out);
            cms_out = &e->pem.sink;
        }
    }
    if (err == WAX_OK) {
        err = wax_cms_encryptor_new(&e->enc, &co, r, rc->num, cms_out);
    }
    if (err == WAX_OK) {
        struct wax_smime_layer *l = smime_add_layer(
            rep,
            aead ? WAX_SMIME_LAYER_AUTH_ENVELOPED : WAX_SMIME_LAYER_ENVELOPED,
            form);
        if (l != NULL) {
            l->cipher = co.cipher;
            for (size_t i = 0;
                 i < rc->num && rep->num_recipients < WAX_MAX_CMS_RECIPIENTS;
                 i++) {
                struct wax_smime_recipient_report *rr =
                    &rep->recipients[rep->num_recipients++];
                l->num_recipients++;
                rr->kind = WAX_CMS_RI_KTRI;
                rr->key_transport = r[i].kt;
                rr->oaep_digest = WAX_DIGEST_SHA256;
                struct wax_x509_cert *c = malloc(sizeof *c);
                if (c != NULL &&
                    wax_x509_cert_parse(c, rc->der[i], rc->lens[i]) == WAX_OK) {
                    rr->issuer = smime_name_text(c->issuer);
                    rr->serial = smime_hex(c->serial.p, c->serial.len);
                }
                free(c);
            }
        }
    }
    free(r);
    return err;
}

wax_err
wax_smime_encrypt_new(struct wax_smime_op **out_op,
                      const struct wax_smime_encrypt_opts *opts, wax_sink *out,
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
    wax_err err = op == NULL ? WAX_ERR_NOMEM : WAX_OK;
    if (err == WAX_OK) {
        op->kind = SMIME_OP_ENCRYPT;
        op->rep = rep;
        op->out = out;
        op->spool_opts = opts->spool;
        op->in.write = enc_write;
        op->in.close = enc_close;
        err = ensure_env(op);
    }
    if (err == WAX_OK) {
        op->env->eopts = *opts;
        op->env->raw = opts->raw_content;
        op->env->format = opts->format;
        err = enc_setup(op, opts);
    }
    if (err == WAX_OK && !op->env->raw) {
        struct smime_env_state *e = op->env;
        wax_spool_init(&e->spool, op->spool_opts.threshold,
                       op->spool_opts.tmpdir);
        e->spool_ready = true;
        wax_mime_entity_scan_init(&e->scan);
        e->scan_ready = true;
        smime_tee_init(&e->tee, wax_spool_sink(&e->spool),
                       wax_mime_entity_scan_sink(&e->scan));
    }
    if (err != WAX_OK) {
        wax_smime_op_free(op);
        rep->err = err;
        smime_report_set_status(rep, SMIME_OP_ENCRYPT);
        return err;
    }
    *out_op = op;
    return WAX_OK;
}

static wax_err
enc_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_smime_op *op = (struct wax_smime_op *)self;
    WAX_TRY(op->err);
    if (op->in_closed) {
        return smime_op_fail(op, WAX_ERR_SINK_CLOSED);
    }
    struct smime_env_state *e = op->env;
    wax_sink *s = e->raw ? wax_cms_encryptor_sink(e->enc) : &e->tee.sink;
    return smime_op_fail(op, wax_sink_write(s, data, len));
}

/* The second pass: prepare the entity and encrypt it. */
static wax_err
enc_mime_pass(struct wax_smime_op *op)
{
    struct smime_env_state *e = op->env;
    WAX_TRY(wax_sink_close(&e->tee.sink));
    const struct wax_mime_header *h = wax_mime_entity_scan_header(&e->scan);
    WAX_ENSURE(h != NULL, WAX_ERR_INTERNAL);
    enum wax_mime_encode enc = WAX_MIME_ENCODE_NONE;
    WAX_TRY(wax_mime_choose_encoding(&enc, h, &e->scan.scan));
    if (e->format == WAX_SMIME_FORMAT_MIME) {
        WAX_TRY(wax_mime_p7m_writer_begin(&e->p7m, h));
    }
    wax_mime_prepare_init(&e->prep, wax_cms_encryptor_sink(e->enc), enc, NULL,
                          NULL);
    e->prep_ready = true;
    WAX_TRY(wax_spool_release(&e->spool, wax_mime_prepare_sink(&e->prep)));
    return wax_sink_close(wax_mime_prepare_sink(&e->prep));
}

static wax_err
enc_close(wax_sink *self)
{
    struct wax_smime_op *op = (struct wax_smime_op *)self;
    if (op->in_closed) {
        return op->finished ? op->rep->err : WAX_ERR_SINK_CLOSED;
    }
    op->in_closed = true;
    op->finished = true;
    struct smime_env_state *e = op->env;
    if (op->err == WAX_OK) {
        (void)smime_op_fail(
            op, e->raw ? wax_sink_close(wax_cms_encryptor_sink(e->enc))
                       : enc_mime_pass(op));
    }
    if (e->spool_ready) {
        wax_spool_discard(&e->spool);
    }
    op->rep->err = op->err;
    smime_report_set_status(op->rep, SMIME_OP_ENCRYPT);
    return op->err;
}
