/*
 * The operation object and the input front end shared by verify, decrypt
 * and inspect: format detection (MIME message, DER/BER, PEM), the top
 * header of a MIME input, and the CMS router that reads the ContentInfo's
 * contentType before handing the object to a decoder.
 */
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

#define FROM(type, field, self)                                                \
    ((type *)((uint8_t *)(self)-offsetof(type, field)))

wax_err
smime_op_fail(struct wax_smime_op *op, wax_err err)
{
    if (op->err == WAX_OK) {
        op->err = err;
    }
    return op->err;
}

enum wax_smime_form
smime_form_of(const struct wax_smime_op *op)
{
    switch (op->format) {
    case SMIME_IN_DER:
        return WAX_SMIME_FORM_DER;
    case SMIME_IN_PEM:
        return WAX_SMIME_FORM_PEM;
    case SMIME_IN_MIME:
        return op->route == SMIME_ROUTE_MULTIPART_SIGNED
                   ? WAX_SMIME_FORM_MULTIPART_SIGNED
                   : WAX_SMIME_FORM_PKCS7_MIME;
    case SMIME_IN_UNKNOWN:
        break;
    }
    return WAX_SMIME_FORM_DER;
}

/* ------------------------------------------------------------------ */
/* ContentInfo peek.                                                   */

/* Reads a BER length at *P; false when malformed or truncated. */
static bool
peek_len(const uint8_t *p, size_t len, size_t *pos, bool *indefinite)
{
    if (*pos >= len) {
        return false;
    }
    uint8_t b = p[(*pos)++];
    *indefinite = false;
    if (b < 0x80) {
        return true;
    }
    if (b == 0x80) {
        *indefinite = true;
        return true;
    }
    size_t n = b & 0x7f;
    if (n > 8 || *pos + n > len) {
        return false;
    }
    *pos += n;
    return true;
}

/*
 *   ContentInfo ::= SEQUENCE {
 *       contentType ContentType,       -- OBJECT IDENTIFIER
 *       content [0] EXPLICIT ANY DEFINED BY contentType }
 * Only the tag, the length and the OID are looked at here; the decoder
 * checks everything.
 */
enum wax_oid_id
smime_peek_content_type(const uint8_t *p, size_t len)
{
    size_t pos = 0;
    bool indef;
    if (len < 2 || p[pos++] != 0x30 || !peek_len(p, len, &pos, &indef)) {
        return WAX_OID_UNKNOWN;
    }
    if (pos + 2 > len || p[pos] != 0x06 || p[pos + 1] >= 0x80) {
        return WAX_OID_UNKNOWN;
    }
    size_t oid_len = p[pos + 1];
    pos += 2;
    if (pos + oid_len > len) {
        return WAX_OID_UNKNOWN;
    }
    struct wax_span oid = {p + pos, oid_len};
    return wax_oid_find(oid);
}

/* ------------------------------------------------------------------ */
/* CMS router.                                                         */

static wax_err
router_decide(struct wax_smime_op *op)
{
    op->router_decided = true;
    op->cms_type = smime_peek_content_type(op->router_buf, op->router_len);
    wax_sink *next = NULL;
    WAX_TRY(smime_on_cms(op, op->cms_type, &next));
    op->router_next = next;
    return wax_sink_write(next, op->router_buf, op->router_len);
}

static wax_err
router_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, router, self);
    if (!op->router_decided) {
        size_t room = SMIME_ROUTER_BYTES - op->router_len;
        size_t n = len < room ? len : room;
        memcpy(op->router_buf + op->router_len, data, n);
        op->router_len += n;
        data += n;
        len -= n;
        if (op->router_len < SMIME_ROUTER_BYTES) {
            return WAX_OK;
        }
        WAX_TRY(router_decide(op));
    }
    return len > 0 ? wax_sink_write(op->router_next, data, len) : WAX_OK;
}

static wax_err
router_close(wax_sink *self)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, router, self);
    if (!op->router_decided) {
        WAX_TRY(router_decide(op));
    }
    return wax_sink_close(op->router_next);
}

wax_sink *
smime_router_sink(struct wax_smime_op *op)
{
    return &op->router;
}

/* ------------------------------------------------------------------ */
/* Format detection.                                                   */

static bool
is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Has HEAD the empty line that ends a header section? */
static bool
header_complete(struct wax_smime_op *op)
{
    const uint8_t *p = op->head.data;
    size_t n = op->head.len;
    if (n >= 1 && p[0] == '\n') {
        return true;
    }
    if (n >= 2 && p[0] == '\r' && p[1] == '\n') {
        return true;
    }
    size_t i = op->head_scan;
    for (; i < n; i++) {
        if (p[i] != '\n') {
            continue;
        }
        if (i + 1 < n && p[i + 1] == '\n') {
            return true;
        }
        if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
            return true;
        }
        if (i + 2 >= n) {
            break; /* look again when more has come */
        }
    }
    op->head_scan = i;
    return false;
}

static const char pem_prefix[] = "-----BEGIN ";

/* Decides the format from HEAD; *OUT_DONE false when more input is
 * needed (never at FINAL). */
static wax_err
try_decide(struct wax_smime_op *op, bool final, bool *out_done)
{
    const uint8_t *p = op->head.data;
    size_t n = op->head.len;
    *out_done = false;
    if (n < 3 && !final) {
        return WAX_OK;
    }
    /* a ContentInfo: SEQUENCE, a long or indefinite length, or a short
     * one followed by the contentType OID */
    if (n >= 3 && p[0] == 0x30 && (p[1] >= 0x80 || p[2] == 0x06)) {
        op->format = SMIME_IN_DER;
        op->route = SMIME_ROUTE_CMS;
        op->front_next = smime_router_sink(op);
        *out_done = true;
        return WAX_OK;
    }
    size_t ws = 0;
    while (ws < n && is_ws(p[ws])) {
        ws++;
    }
    size_t pl = sizeof pem_prefix - 1;
    size_t cmp = n - ws < pl ? n - ws : pl;
    if (ws < n && memcmp(p + ws, pem_prefix, cmp) == 0) {
        if (cmp < pl && !final) {
            return WAX_OK; /* maybe PEM: wait */
        }
        if (cmp == pl) {
            op->format = SMIME_IN_PEM;
            op->route = SMIME_ROUTE_CMS;
            op->pem = malloc(sizeof *op->pem);
            WAX_ENSURE(op->pem != NULL, WAX_ERR_NOMEM);
            smime_pem_reader_init(op->pem, smime_router_sink(op));
            op->front_next = &op->pem->sink;
            *out_done = true;
            return WAX_OK;
        }
    }
    bool full = op->head.len >= op->head.max;
    if (!final && !full && !header_complete(op)) {
        return WAX_OK;
    }
    op->format = SMIME_IN_MIME;
    *out_done = true;
    op->top = malloc(sizeof *op->top);
    WAX_ENSURE(op->top != NULL, WAX_ERR_NOMEM);
    size_t body = 0;
    WAX_TRY(wax_mime_header_parse(op->top, &body, p, n));
    op->head_parsed = true;
    WAX_TRY(wax_mime_smime_identify(&op->top_info, op->top));
    wax_sink *next = NULL;
    WAX_TRY(smime_on_mime(op, &next));
    op->front_next = next;
    return WAX_OK;
}

static wax_err
front_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, in, self);
    WAX_TRY(op->err);
    if (op->in_closed) {
        return smime_op_fail(op, WAX_ERR_SINK_CLOSED);
    }
    if (!op->decided) {
        size_t room = op->head.max - op->head.len;
        size_t n = len < room ? len : room;
        WAX_TRY(smime_op_fail(op, wax_buf_append(&op->head, data, n)));
        data += n;
        len -= n;
        bool done = false;
        WAX_TRY(smime_op_fail(op, try_decide(op, false, &done)));
        if (!done) {
            return WAX_OK;
        }
        op->decided = true;
        WAX_TRY(smime_op_fail(
            op, wax_sink_write(op->front_next, op->head.data, op->head.len)));
    }
    if (len > 0) {
        WAX_TRY(smime_op_fail(op, wax_sink_write(op->front_next, data, len)));
    }
    return WAX_OK;
}

wax_err
smime_front_close(struct wax_smime_op *op)
{
    if (!op->decided) {
        bool done = false;
        WAX_TRY(try_decide(op, true, &done));
        op->decided = true;
        WAX_TRY(wax_sink_write(op->front_next, op->head.data, op->head.len));
    }
    return wax_sink_close(op->front_next);
}

static wax_err content_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err content_close(wax_sink *self);
static wax_err front_close(wax_sink *self);

void
smime_front_init(struct wax_smime_op *op)
{
    op->in.write = front_write;
    op->in.close = front_close;
    op->content_in.write = content_write;
    op->content_in.close = content_close;
    op->router.write = router_write;
    op->router.close = router_close;
    /* the top header section, and a little more so that an over-long one
     * fails in the header parser with its exact error */
    wax_buf_init(&op->head, WAX_MAX_MIME_HEADER_BYTES + 1);
}

void
smime_front_cleanup(struct wax_smime_op *op)
{
    wax_buf_cleanup(&op->head);
    free(op->top);
    op->top = NULL;
    free(op->pem);
    op->pem = NULL;
    if (op->p7m != NULL) {
        wax_mime_p7m_reader_cleanup(op->p7m);
        free(op->p7m);
        op->p7m = NULL;
    }
    if (op->split != NULL) {
        wax_mime_signed_split_cleanup(op->split);
        free(op->split);
        op->split = NULL;
    }
    if (op->partial != NULL) {
        wax_mime_multipart_cleanup(op->partial);
        free(op->partial);
        op->partial = NULL;
    }
}

/* ------------------------------------------------------------------ */
/* Dispatch to the operations.                                         */

wax_err
smime_on_mime(struct wax_smime_op *op, wax_sink **out_next)
{
    switch (op->kind) {
    case SMIME_OP_VERIFY:
        return smime_verify_on_mime(op, out_next);
    case SMIME_OP_DECRYPT:
        return smime_env_on_mime(op, out_next);
    case SMIME_OP_INSPECT:
        if (op->top_info.type == WAX_MIME_SMIME_ENVELOPED_DATA ||
            op->top_info.type == WAX_MIME_SMIME_AUTH_ENVELOPED_DATA) {
            return smime_env_on_mime(op, out_next);
        }
        return smime_verify_on_mime(op, out_next);
    case SMIME_OP_SIGN:
    case SMIME_OP_ENCRYPT:
        break;
    }
    return WAX_ERR_INTERNAL;
}

wax_err
smime_on_cms(struct wax_smime_op *op, enum wax_oid_id type, wax_sink **out_next)
{
    switch (op->kind) {
    case SMIME_OP_VERIFY:
        return smime_verify_on_cms(op, type, out_next);
    case SMIME_OP_DECRYPT:
        return smime_env_on_cms(op, type, out_next);
    case SMIME_OP_INSPECT:
        if (type == WAX_OID_CT_ENVELOPED_DATA ||
            type == WAX_OID_CT_AUTH_ENVELOPED_DATA) {
            return smime_env_on_cms(op, type, out_next);
        }
        return smime_verify_on_cms(op, type, out_next);
    case SMIME_OP_SIGN:
    case SMIME_OP_ENCRYPT:
        break;
    }
    return WAX_ERR_INTERNAL;
}

/* Runs the end of a verify/decrypt/inspect once every input is closed. */
static wax_err
finish(struct wax_smime_op *op)
{
    if (op->finished) {
        return op->rep->err;
    }
    op->finished = true;
    if (op->env != NULL) {
        return smime_env_finish(op);
    }
    if (op->verify != NULL) {
        return smime_verify_finish(op);
    }
    if (op->kind == SMIME_OP_DECRYPT) {
        return smime_env_finish(op);
    }
    /* the input never reached a decoder: a failure before one existed */
    return smime_verify_finish(op);
}

static wax_err
front_close(wax_sink *self)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, in, self);
    if (op->in_closed) {
        return op->finished ? op->rep->err : WAX_ERR_SINK_CLOSED;
    }
    op->in_closed = true;
    if (op->err == WAX_OK) {
        (void)smime_op_fail(op, smime_front_close(op));
    }
    if (op->kind == SMIME_OP_VERIFY && op->err == WAX_OK &&
        smime_verify_wants_content(op)) {
        return WAX_OK; /* wait for the detached content */
    }
    return finish(op);
}

static wax_err
content_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, content_in, self);
    WAX_TRY(op->err);
    wax_sink *s = smime_verify_content_sink(op);
    WAX_ENSURE(s != NULL && !op->content_closed,
               smime_op_fail(op, WAX_ERR_SMIME_STATE));
    return smime_op_fail(op, wax_sink_write(s, data, len));
}

static wax_err
content_close(wax_sink *self)
{
    struct wax_smime_op *op = FROM(struct wax_smime_op, content_in, self);
    wax_sink *s = smime_verify_content_sink(op);
    if (op->content_closed) {
        return op->finished ? op->rep->err : WAX_ERR_SINK_CLOSED;
    }
    op->content_closed = true;
    if (op->err == WAX_OK) {
        (void)smime_op_fail(op, s != NULL ? wax_sink_close(s)
                                          : WAX_ERR_SMIME_STATE);
    }
    if (!op->in_closed) {
        return op->err;
    }
    return finish(op);
}

/* ------------------------------------------------------------------ */
/* Public generic functions.                                           */

wax_sink *
wax_smime_op_sink(struct wax_smime_op *op)
{
    return op != NULL ? &op->in : NULL;
}

wax_sink *
wax_smime_op_content_sink(struct wax_smime_op *op)
{
    if (op == NULL || op->kind != SMIME_OP_VERIFY) {
        return NULL;
    }
    return smime_verify_is_detached(op) ? &op->content_in : NULL;
}

void
wax_smime_op_free(struct wax_smime_op *op)
{
    if (op == NULL) {
        return;
    }
    smime_sign_free(op->sign);
    smime_verify_free(op->verify);
    smime_env_free(op->env);
    smime_front_cleanup(op);
    free(op);
}

/* One-shot forms. */

static wax_err
run_one_shot(struct wax_smime_op *op, wax_err new_err, const uint8_t *in,
             size_t len, const uint8_t *content, size_t content_len)
{
    if (new_err != WAX_OK) {
        wax_smime_op_free(op);
        return new_err;
    }
    wax_err err = wax_sink_write(wax_smime_op_sink(op), in, len);
    wax_err cerr = wax_sink_close(wax_smime_op_sink(op));
    wax_sink *cs = wax_smime_op_content_sink(op);
    if (cs != NULL) {
        if (err == WAX_OK && content_len > 0) {
            err = wax_sink_write(cs, content, content_len);
        }
        cerr = wax_sink_close(cs);
    }
    wax_smime_op_free(op);
    (void)err;
    return cerr;
}

wax_err
wax_smime_sign(const struct wax_smime_sign_opts *opts, const uint8_t *in,
               size_t len, wax_sink *out, struct wax_smime_report *rep)
{
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_sign_new(&op, opts, out, rep);
    return run_one_shot(op, err, in, len, NULL, 0);
}

wax_err
wax_smime_verify(const struct wax_smime_verify_opts *opts, const uint8_t *in,
                 size_t len, const uint8_t *content, size_t content_len,
                 wax_sink *out, struct wax_smime_report *rep)
{
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_verify_new(&op, opts, out, rep);
    return run_one_shot(op, err, in, len, content, content_len);
}

wax_err
wax_smime_encrypt(const struct wax_smime_encrypt_opts *opts, const uint8_t *in,
                  size_t len, wax_sink *out, struct wax_smime_report *rep)
{
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_encrypt_new(&op, opts, out, rep);
    return run_one_shot(op, err, in, len, NULL, 0);
}

wax_err
wax_smime_decrypt(const struct wax_smime_decrypt_opts *opts, const uint8_t *in,
                  size_t len, wax_sink *out, struct wax_smime_report *rep)
{
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_decrypt_new(&op, opts, out, rep);
    return run_one_shot(op, err, in, len, NULL, 0);
}

wax_err
wax_smime_inspect(const struct wax_smime_inspect_opts *opts, const uint8_t *in,
                  size_t len, struct wax_smime_report *rep)
{
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_inspect_new(&op, opts, rep);
    return run_one_shot(op, err, in, len, NULL, 0);
}
