/*
 * Writing MIME: header fields with folding (RFC 5322 2.2.3), boundaries
 * (RFC 2046 5.1.1), multipart/signed (RFC 1847 2.1, RFC 8551 3.5) and
 * application/pkcs7-mime (RFC 8551 3.2) messages.
 */
#include <string.h>

#include "mime_internal.h"

static const uint8_t crlf[2] = {'\r', '\n'};

/* ------------------------------------------------------------------ */
/* Header fields.                                                      */

/*
 * fold_field writes (WRITE true) or only checks (WRITE false) "NAME: VALUE"
 * folded at WAX_MIME_FOLD_COLUMN. Segments of VALUE are a run of white
 * space and the word after it; a line break goes before a segment's white
 * space when the segment would pass the column, except before the first
 * segment and before white space that ends the value.
 */
static wax_err
fold_field(wax_sink *out, bool write, const char *name, const uint8_t *v,
           size_t n)
{
    size_t name_len = strlen(name);
    size_t col = name_len + 2;
    WAX_ENSURE(col <= WAX_MAX_MIME_LINE, WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    if (write) {
        WAX_TRY(wax_sink_write(out, (const uint8_t *)name, name_len));
        WAX_TRY(wax_sink_write(out, (const uint8_t *)": ", 2));
    }
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t s = i;
        while (i < n && wax_mime_is_wsp(v[i])) {
            i++;
        }
        size_t w = i;
        while (i < n && !wax_mime_is_wsp(v[i])) {
            i++;
        }
        size_t seg = i - s;
        bool has_word = i > w;
        if (!first && has_word && w > s && col + seg > WAX_MIME_FOLD_COLUMN) {
            if (write) {
                WAX_TRY(wax_sink_write(out, crlf, 2));
            }
            col = 0;
        }
        col += seg;
        WAX_ENSURE(col <= WAX_MAX_MIME_LINE, WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
        if (write) {
            WAX_TRY(wax_sink_write(out, v + s, seg));
        }
        first = false;
    }
    if (write) {
        WAX_TRY(wax_sink_write(out, crlf, 2));
    }
    return WAX_OK;
}

wax_err
wax_mime_write_field(wax_sink *out, const char *name, const uint8_t *value,
                     size_t value_len)
{
    WAX_ENSURE(name != NULL && name[0] != 0, WAX_ERR_MIME_BAD_FIELD_NAME);
    for (const char *p = name; *p != 0; p++) {
        uint8_t c = (uint8_t)*p;
        WAX_ENSURE(c >= 33 && c <= 126 && c != ':',
                   WAX_ERR_MIME_BAD_FIELD_NAME);
    }
    WAX_ENSURE(value != NULL || value_len == 0, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < value_len; i++) {
        WAX_ENSURE(value[i] != '\r' && value[i] != '\n' && value[i] != 0,
                   WAX_ERR_MIME_BAD_HEADER_VALUE);
    }
    WAX_TRY(fold_field(out, false, name, value, value_len));
    return fold_field(out, true, name, value, value_len);
}

static wax_err
write_field_str(wax_sink *out, const char *name, const char *value)
{
    return wax_mime_write_field(out, name, (const uint8_t *)value,
                                strlen(value));
}

wax_err
wax_mime_write_outer_fields(wax_sink *out, const struct wax_mime_header *h)
{
    if (h == NULL) {
        return WAX_OK;
    }
    for (size_t i = 0; i < h->num_fields; i++) {
        const struct wax_mime_field *f = &h->fields[i];
        if (wax_mime_field_is_content(f) || wax_mime_field_is_mime_version(f)) {
            continue;
        }
        WAX_TRY(wax_mime_write_crlf_lines(out, f->raw.p, f->raw.len));
        if (f->raw.len == 0 || f->raw.p[f->raw.len - 1] != '\n') {
            WAX_TRY(wax_sink_write(out, crlf, 2));
        }
    }
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Boundaries.                                                         */

void
wax_mime_boundary_from_bytes(char out[WAX_MIME_BOUNDARY_SIZE],
                             const uint8_t rnd[WAX_MIME_BOUNDARY_RANDOM])
{
    static const char hex[] = "0123456789abcdef";
    static const char prefix[] = "=_wax_";
    size_t o = sizeof prefix - 1;
    memcpy(out, prefix, o);
    for (size_t i = 0; i < WAX_MIME_BOUNDARY_RANDOM; i++) {
        out[o++] = hex[rnd[i] >> 4];
        out[o++] = hex[rnd[i] & 15];
    }
    out[o] = 0;
}

wax_err
wax_mime_boundary_new(char out[WAX_MIME_BOUNDARY_SIZE])
{
    uint8_t rnd[WAX_MIME_BOUNDARY_RANDOM];
    WAX_TRY(wax_random_bytes(rnd, sizeof rnd));
    wax_mime_boundary_from_bytes(out, rnd);
    return WAX_OK;
}

/* A boundary we write: checked, and quotable without escapes. */
static wax_err
check_own_boundary(const char *b, size_t *out_len)
{
    WAX_ENSURE(b != NULL, WAX_ERR_MIME_BAD_BOUNDARY);
    size_t len = strlen(b);
    WAX_TRY(wax_mime_boundary_check((const uint8_t *)b, len));
    WAX_ENSURE(strchr(b, '"') == NULL && strchr(b, '\\') == NULL,
               WAX_ERR_MIME_BAD_BOUNDARY);
    *out_len = len;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* multipart/signed.                                                   */

enum {
    W_INIT,        /* before begin */
    W_ENTITY,      /* the first part streams */
    W_ENTITY_DONE, /* waiting for the signature */
    W_SIGNATURE,   /* the signature streams */
    W_DONE,
};

#define SW_FROM(field, self)                                                   \
    ((struct wax_mime_signed_writer *)((uint8_t *)(self)-offsetof(             \
        struct wax_mime_signed_writer, field)))

static wax_err
sw_fail(struct wax_mime_signed_writer *w, wax_err err)
{
    if (w->err == WAX_OK) {
        w->err = err;
    }
    return w->err;
}

static wax_err sw_entity_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err sw_entity_close(wax_sink *self);
static wax_err sw_sig_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err sw_sig_close(wax_sink *self);
static wax_err sw_tail_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err sw_tail_close(wax_sink *self);

wax_err
wax_mime_signed_writer_init(struct wax_mime_signed_writer *w, wax_sink *out,
                            const char *boundary, enum wax_digest_alg micalg)
{
    size_t len = 0;
    memset(w, 0, sizeof *w);
    w->sink.write = sw_entity_write;
    w->sink.close = sw_entity_close;
    w->sig_sink.write = sw_sig_write;
    w->sig_sink.close = sw_sig_close;
    w->tail_sink.write = sw_tail_write;
    w->tail_sink.close = sw_tail_close;
    w->out = out;
    w->state = W_INIT;
    w->err = check_own_boundary(boundary, &len);
    if (w->err == WAX_OK && wax_mime_micalg_name(micalg) == NULL) {
        w->err = WAX_ERR_MIME_UNKNOWN_MICALG;
    }
    if (w->err != WAX_OK) {
        return w->err;
    }
    memcpy(w->boundary, boundary, len + 1);
    w->micalg = micalg;
    return WAX_OK;
}

static wax_err
sw_begin_impl(struct wax_mime_signed_writer *w,
              const struct wax_mime_header *outer)
{
    /* "multipart/signed; protocol=...; micalg=...; boundary=..." */
    char ct[160];
    const char *parts[] = {
        "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=",
        wax_mime_micalg_name(w->micalg), "; boundary=\"", w->boundary, "\""};
    size_t n = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t l = strlen(parts[i]);
        WAX_ENSURE(n + l < sizeof ct, WAX_ERR_INTERNAL);
        memcpy(ct + n, parts[i], l);
        n += l;
    }
    ct[n] = 0;
    WAX_TRY(wax_mime_write_outer_fields(w->out, outer));
    WAX_TRY(write_field_str(w->out, "MIME-Version", "1.0"));
    WAX_TRY(write_field_str(w->out, "Content-Type", ct));
    WAX_TRY(wax_mime_write_str(w->out, "\r\nThis is an S/MIME signed message"
                                       "\r\n--"));
    WAX_TRY(wax_mime_write_str(w->out, w->boundary));
    return wax_sink_write(w->out, crlf, 2);
}

wax_err
wax_mime_signed_writer_begin(struct wax_mime_signed_writer *w,
                             const struct wax_mime_header *outer)
{
    WAX_TRY(w->err);
    WAX_ENSURE(w->state == W_INIT, sw_fail(w, WAX_ERR_MIME_WRITER_STATE));
    w->state = W_ENTITY;
    WAX_TRY(sw_fail(w, sw_begin_impl(w, outer)));
    return WAX_OK;
}

static wax_err
sw_entity_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_signed_writer *w = SW_FROM(sink, self);
    WAX_TRY(w->err);
    WAX_ENSURE(w->state == W_ENTITY, sw_fail(w, WAX_ERR_MIME_WRITER_STATE));
    if (len == 0) {
        return WAX_OK;
    }
    return sw_fail(w, wax_sink_write(w->out, data, len));
}

static wax_err
sw_entity_close(wax_sink *self)
{
    struct wax_mime_signed_writer *w = SW_FROM(sink, self);
    WAX_TRY(w->err);
    WAX_ENSURE(w->state == W_ENTITY, sw_fail(w, WAX_ERR_MIME_WRITER_STATE));
    w->state = W_ENTITY_DONE;
    return WAX_OK;
}

/* The second part's header, once, before the first signature byte. */
static wax_err
sw_sig_start(struct wax_mime_signed_writer *w)
{
    if (w->state == W_SIGNATURE) {
        return WAX_OK;
    }
    WAX_ENSURE(w->state == W_ENTITY_DONE, WAX_ERR_MIME_WRITER_STATE);
    w->state = W_SIGNATURE;
    WAX_TRY(wax_mime_write_str(w->out, "\r\n--"));
    WAX_TRY(wax_mime_write_str(w->out, w->boundary));
    WAX_TRY(wax_sink_write(w->out, crlf, 2));
    WAX_TRY(write_field_str(w->out, "Content-Type",
                            "application/pkcs7-signature; name=smime.p7s"));
    WAX_TRY(write_field_str(w->out, "Content-Transfer-Encoding", "base64"));
    WAX_TRY(write_field_str(w->out, "Content-Disposition",
                            "attachment; filename=smime.p7s"));
    WAX_TRY(wax_sink_write(w->out, crlf, 2));
    return wax_b64_encoder_init(&w->b64, &w->tail_sink, 76);
}

static wax_err
sw_sig_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_signed_writer *w = SW_FROM(sig_sink, self);
    WAX_TRY(w->err);
    WAX_TRY(sw_fail(w, sw_sig_start(w)));
    if (len == 0) {
        return WAX_OK;
    }
    return sw_fail(w, wax_sink_write(&w->b64.sink, data, len));
}

static wax_err
sw_sig_close(wax_sink *self)
{
    struct wax_mime_signed_writer *w = SW_FROM(sig_sink, self);
    WAX_TRY(w->err);
    WAX_TRY(sw_fail(w, sw_sig_start(w)));
    return sw_fail(w, wax_sink_close(&w->b64.sink));
}

/* tail_sink: the base64 text of the signature, then the close delimiter. */
static wax_err
sw_tail_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_signed_writer *w = SW_FROM(tail_sink, self);
    w->num_sig_chars += len;
    return wax_sink_write(w->out, data, len);
}

static wax_err
sw_tail_close(wax_sink *self)
{
    struct wax_mime_signed_writer *w = SW_FROM(tail_sink, self);
    /* the base64 text ends with CRLF unless it is empty; that CRLF belongs
     * to the close delimiter (RFC 2046 5.1.1) */
    if (w->num_sig_chars == 0) {
        WAX_TRY(wax_sink_write(w->out, crlf, 2));
    }
    WAX_TRY(wax_mime_write_str(w->out, "--"));
    WAX_TRY(wax_mime_write_str(w->out, w->boundary));
    WAX_TRY(wax_mime_write_str(w->out, "--\r\n"));
    w->state = W_DONE;
    return wax_sink_close(w->out);
}

wax_sink *
wax_mime_signed_writer_sink(struct wax_mime_signed_writer *w)
{
    return &w->sink;
}

wax_sink *
wax_mime_signed_writer_signature_sink(struct wax_mime_signed_writer *w)
{
    return &w->sig_sink;
}

wax_err
wax_mime_signed_writer_finish(struct wax_mime_signed_writer *w,
                              const uint8_t *sig, size_t sig_len)
{
    wax_sink *s = wax_mime_signed_writer_signature_sink(w);
    WAX_TRY(wax_sink_write(s, sig, sig_len));
    return wax_sink_close(s);
}

/* ------------------------------------------------------------------ */
/* application/pkcs7-mime.                                             */

static wax_err
p7w_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_p7m_writer *w = (struct wax_mime_p7m_writer *)self;
    WAX_TRY(w->err);
    if (w->state != W_ENTITY) {
        w->err = WAX_ERR_MIME_WRITER_STATE;
        return w->err;
    }
    if (len == 0) {
        return WAX_OK;
    }
    w->err = wax_sink_write(&w->b64.sink, data, len);
    return w->err;
}

static wax_err
p7w_close(wax_sink *self)
{
    struct wax_mime_p7m_writer *w = (struct wax_mime_p7m_writer *)self;
    WAX_TRY(w->err);
    if (w->state != W_ENTITY) {
        w->err = WAX_ERR_MIME_WRITER_STATE;
        return w->err;
    }
    w->state = W_DONE;
    w->err = wax_sink_close(&w->b64.sink);
    return w->err;
}

wax_err
wax_mime_p7m_writer_init(struct wax_mime_p7m_writer *w, wax_sink *out,
                         enum wax_mime_smime_type type)
{
    memset(w, 0, sizeof *w);
    w->sink.write = p7w_write;
    w->sink.close = p7w_close;
    w->out = out;
    w->type = type;
    w->state = W_INIT;
    switch (type) {
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
        break;
    case WAX_MIME_SMIME_NONE:
    case WAX_MIME_SMIME_MULTIPART_SIGNED:
    case WAX_MIME_SMIME_PKCS7_MIME:
    case WAX_MIME_SMIME_SIGNATURE:
    default:
        w->err = WAX_ERR_INVALID_ARGUMENT;
        return w->err;
    }
    w->err = wax_b64_encoder_init(&w->b64, out, 76);
    return w->err;
}

static wax_err
p7w_begin_impl(struct wax_mime_p7m_writer *w,
               const struct wax_mime_header *outer)
{
    const char *st = "signed-data";
    const char *file = "smime.p7m";
    switch (w->type) {
    case WAX_MIME_SMIME_ENVELOPED_DATA:
        st = "enveloped-data";
        break;
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
        st = "authEnveloped-data";
        break;
    case WAX_MIME_SMIME_COMPRESSED_DATA:
        st = "compressed-data";
        file = "smime.p7z";
        break;
    case WAX_MIME_SMIME_CERTS_ONLY:
        st = "certs-only";
        file = "smime.p7c";
        break;
    default:
        break;
    }
    char ct[96], cd[64];
    size_t n = 0;
    const char *ct_parts[] = {"application/pkcs7-mime; smime-type=", st,
                              "; name=", file};
    for (size_t i = 0; i < 4; i++) {
        size_t l = strlen(ct_parts[i]);
        memcpy(ct + n, ct_parts[i], l);
        n += l;
    }
    ct[n] = 0;
    n = 0;
    const char *cd_parts[] = {"attachment; filename=", file};
    for (size_t i = 0; i < 2; i++) {
        size_t l = strlen(cd_parts[i]);
        memcpy(cd + n, cd_parts[i], l);
        n += l;
    }
    cd[n] = 0;
    WAX_TRY(wax_mime_write_outer_fields(w->out, outer));
    WAX_TRY(write_field_str(w->out, "MIME-Version", "1.0"));
    WAX_TRY(write_field_str(w->out, "Content-Type", ct));
    WAX_TRY(write_field_str(w->out, "Content-Transfer-Encoding", "base64"));
    WAX_TRY(write_field_str(w->out, "Content-Disposition", cd));
    return wax_sink_write(w->out, crlf, 2);
}

wax_err
wax_mime_p7m_writer_begin(struct wax_mime_p7m_writer *w,
                          const struct wax_mime_header *outer)
{
    WAX_TRY(w->err);
    if (w->state != W_INIT) {
        w->err = WAX_ERR_MIME_WRITER_STATE;
        return w->err;
    }
    w->state = W_ENTITY;
    w->err = p7w_begin_impl(w, outer);
    return w->err;
}

wax_sink *
wax_mime_p7m_writer_sink(struct wax_mime_p7m_writer *w)
{
    return &w->sink;
}
