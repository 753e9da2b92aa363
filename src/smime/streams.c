/*
 * Small push filters of the smime layer: tee, drain, head capture, and the
 * PEM writer and reader for bare CMS objects (RFC 7468 "CMS" label; the
 * reader also takes "PKCS7" and "PKCS #7 SIGNED DATA").
 */
#include <stddef.h>
#include <string.h>

#include "smime_int.h"

#define FROM(type, field, self)                                                \
    ((type *)((uint8_t *)(self)-offsetof(type, field)))

/* ------------------------------------------------------------------ */
/* tee                                                                  */

static wax_err
tee_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct smime_tee *t = (struct smime_tee *)self;
    if (t->a != NULL) {
        WAX_TRY(wax_sink_write(t->a, data, len));
    }
    if (t->b != NULL) {
        WAX_TRY(wax_sink_write(t->b, data, len));
    }
    return WAX_OK;
}

static wax_err
tee_close(wax_sink *self)
{
    struct smime_tee *t = (struct smime_tee *)self;
    if (t->a != NULL) {
        WAX_TRY(wax_sink_close(t->a));
    }
    if (t->b != NULL) {
        WAX_TRY(wax_sink_close(t->b));
    }
    return WAX_OK;
}

void
smime_tee_init(struct smime_tee *t, wax_sink *a, wax_sink *b)
{
    t->sink.write = tee_write;
    t->sink.close = tee_close;
    t->a = a;
    t->b = b;
}

/* ------------------------------------------------------------------ */
/* drain                                                                */

static wax_err
drain_write(wax_sink *self, const uint8_t *data, size_t len)
{
    (void)self;
    (void)data;
    (void)len;
    return WAX_OK;
}

static wax_err
drain_close(wax_sink *self)
{
    (void)self;
    return WAX_OK;
}

wax_sink smime_drain = {drain_write, drain_close};

/* ------------------------------------------------------------------ */
/* head capture                                                         */

static wax_err
head_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct smime_head *h = (struct smime_head *)self;
    size_t room = h->buf.max - h->buf.len;
    if (room > 0) {
        WAX_TRY(wax_buf_append(&h->buf, data, len < room ? len : room));
    }
    return h->next != NULL ? wax_sink_write(h->next, data, len) : WAX_OK;
}

static wax_err
head_close(wax_sink *self)
{
    struct smime_head *h = (struct smime_head *)self;
    return h->next != NULL ? wax_sink_close(h->next) : WAX_OK;
}

void
smime_head_init(struct smime_head *h, wax_sink *next, size_t cap)
{
    h->sink.write = head_write;
    h->sink.close = head_close;
    h->next = next;
    wax_buf_init_secret(&h->buf, cap);
}

void
smime_head_cleanup(struct smime_head *h)
{
    wax_buf_cleanup(&h->buf);
}

/* ------------------------------------------------------------------ */
/* PEM writer                                                           */

static const char pem_begin[] = "-----BEGIN CMS-----\n";
static const char pem_end[] = "-----END CMS-----\n";

/* The b64 encoder writes CRLF line ends; PEM files get LF. */
static wax_err
pem_lines_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct smime_pem_writer *w = FROM(struct smime_pem_writer, lines, self);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\r') {
            if (i > start) {
                WAX_TRY(wax_sink_write(w->out, data + start, i - start));
            }
            start = i + 1;
        }
    }
    if (len > start) {
        WAX_TRY(wax_sink_write(w->out, data + start, len - start));
    }
    return WAX_OK;
}

static wax_err
pem_lines_close(wax_sink *self)
{
    struct smime_pem_writer *w = FROM(struct smime_pem_writer, lines, self);
    WAX_TRY(
        wax_sink_write(w->out, (const uint8_t *)pem_end, sizeof pem_end - 1));
    return wax_sink_close(w->out);
}

static wax_err
pem_begin_once(struct smime_pem_writer *w)
{
    if (!w->begun) {
        w->begun = true;
        WAX_TRY(wax_sink_write(w->out, (const uint8_t *)pem_begin,
                               sizeof pem_begin - 1));
    }
    return WAX_OK;
}

static wax_err
pem_w_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct smime_pem_writer *w = (struct smime_pem_writer *)self;
    WAX_TRY(w->err);
    wax_err err = pem_begin_once(w);
    if (err == WAX_OK) {
        err = wax_sink_write(&w->b64.sink, data, len);
    }
    if (err != WAX_OK) {
        w->err = err;
    }
    return err;
}

static wax_err
pem_w_close(wax_sink *self)
{
    struct smime_pem_writer *w = (struct smime_pem_writer *)self;
    WAX_TRY(w->err);
    wax_err err = pem_begin_once(w);
    if (err == WAX_OK) {
        err = wax_sink_close(&w->b64.sink);
    }
    if (err != WAX_OK) {
        w->err = err;
    }
    return err;
}

wax_err
smime_pem_writer_init(struct smime_pem_writer *w, wax_sink *out)
{
    memset(w, 0, sizeof *w);
    w->sink.write = pem_w_write;
    w->sink.close = pem_w_close;
    w->lines.write = pem_lines_write;
    w->lines.close = pem_lines_close;
    w->out = out;
    return wax_b64_encoder_init(&w->b64, &w->lines, 64);
}

/* ------------------------------------------------------------------ */
/* PEM reader                                                           */

enum { PR_SEEK = 0, PR_BODY, PR_DONE };

static bool
line_starts(const uint8_t *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(line, prefix, n) == 0;
}

/* A BEGIN line we take: "-----BEGIN <label>-----" with a CMS label. */
static bool
is_cms_begin(const uint8_t *line, size_t len)
{
    static const char *const labels[] = {
        "-----BEGIN CMS-----",
        "-----BEGIN PKCS7-----",
        "-----BEGIN PKCS #7 SIGNED DATA-----",
    };
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t')) {
        len--;
    }
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        size_t n = strlen(labels[i]);
        if (len == n && memcmp(line, labels[i], n) == 0) {
            return true;
        }
    }
    return false;
}

static wax_err
pem_line(struct smime_pem_reader *r, const uint8_t *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    switch (r->state) {
    case PR_SEEK:
        if (r->overlong) {
            return WAX_OK;
        }
        if (is_cms_begin(line, len)) {
            r->state = PR_BODY;
        }
        return WAX_OK;
    case PR_BODY:
        WAX_ENSURE(!r->overlong, WAX_ERR_SMIME_BAD_PEM);
        if (line_starts(line, len, "-----END ")) {
            r->state = PR_DONE;
            return wax_sink_close(&r->b64.sink);
        }
        /* RFC 1421 headers have no place in a CMS block */
        WAX_ENSURE(memchr(line, ':', len) == NULL, WAX_ERR_SMIME_BAD_PEM);
        return wax_sink_write(&r->b64.sink, line, len);
    default:
        return WAX_OK;
    }
}

static wax_err
pem_r_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct smime_pem_reader *r = (struct smime_pem_reader *)self;
    WAX_TRY(r->err);
    for (size_t i = 0; i < len && r->state != PR_DONE; i++) {
        if (data[i] == '\n') {
            wax_err err = pem_line(r, r->line, r->line_len);
            r->line_len = 0;
            r->overlong = false;
            if (err != WAX_OK) {
                r->err = err;
                return err;
            }
        } else if (r->line_len < sizeof r->line) {
            r->line[r->line_len++] = data[i];
        } else {
            r->overlong = true;
        }
    }
    return WAX_OK;
}

static wax_err
pem_r_close(wax_sink *self)
{
    struct smime_pem_reader *r = (struct smime_pem_reader *)self;
    WAX_TRY(r->err);
    wax_err err = WAX_OK;
    if (r->state != PR_DONE && r->line_len > 0) {
        err = pem_line(r, r->line, r->line_len);
        r->line_len = 0;
    }
    if (err == WAX_OK && r->state != PR_DONE) {
        err = WAX_ERR_SMIME_BAD_PEM; /* no block, or no END line */
    }
    if (err != WAX_OK) {
        r->err = err;
    }
    return err;
}

void
smime_pem_reader_init(struct smime_pem_reader *r, wax_sink *next)
{
    memset(r, 0, sizeof *r);
    r->sink.write = pem_r_write;
    r->sink.close = pem_r_close;
    r->next = next;
    r->state = PR_SEEK;
    wax_b64_decoder_init(&r->b64, next);
}
