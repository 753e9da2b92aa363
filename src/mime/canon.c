/*
 * Preparing a MIME entity for signing, enveloping or compressing
 * (RFC 8551 section 3.1): canonical line ends (3.1.1), the 7-bit decision
 * and transfer encoding (3.1.2, RFC 2045 2.7 and 6), and the split of a
 * whole RFC 5322 message into outer fields and the entity to protect.
 */
#include <string.h>

#include "mime_internal.h"

static const uint8_t crlf[2] = {'\r', '\n'};

/* ------------------------------------------------------------------ */
/* Line-end canonicalization.                                          */

static wax_err
canon_write_impl(struct wax_mime_canon *c, const uint8_t *data, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const uint8_t *lf = memchr(data + i, '\n', len - i);
        if (lf == NULL) {
            break;
        }
        i = (size_t)(lf - data);
        bool after_cr = i == 0 ? c->prev_cr : data[i - 1] == '\r';
        if (after_cr) {
            continue;
        }
        WAX_TRY(wax_sink_write(c->out, data + start, i - start));
        WAX_TRY(wax_sink_write(c->out, crlf, 2));
        start = i + 1;
    }
    if (len == 0) {
        return WAX_OK;
    }
    c->prev_cr = data[len - 1] == '\r';
    if (start == len) {
        return WAX_OK; /* never pass on empty writes */
    }
    return wax_sink_write(c->out, data + start, len - start);
}

static wax_err
canon_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_canon *c = (struct wax_mime_canon *)self;
    WAX_TRY(c->err);
    WAX_ENSURE(!c->closed, WAX_ERR_SINK_CLOSED);
    c->err = canon_write_impl(c, data, len);
    return c->err;
}

static wax_err
canon_close(wax_sink *self)
{
    struct wax_mime_canon *c = (struct wax_mime_canon *)self;
    WAX_TRY(c->err);
    WAX_ENSURE(!c->closed, WAX_ERR_SINK_CLOSED);
    c->closed = true;
    c->err = wax_sink_close(c->out);
    return c->err;
}

void
wax_mime_canon_init(struct wax_mime_canon *c, wax_sink *out)
{
    c->sink.write = canon_write;
    c->sink.close = canon_close;
    c->out = out;
    c->prev_cr = false;
    c->closed = false;
    c->err = WAX_OK;
}

wax_sink *
wax_mime_canon_sink(struct wax_mime_canon *c)
{
    return &c->sink;
}

/* ------------------------------------------------------------------ */
/* The 7-bit scanner.                                                  */

static void
scan_char(struct wax_mime_scan *s, uint8_t c)
{
    static const char from[] = "From ";
    if (c == 0) {
        s->num_nul++;
    }
    if (c & 0x80) {
        s->num_8bit++;
    }
    if (s->line_len == s->from_matched && s->from_matched < 5 &&
        c == (uint8_t)from[s->from_matched]) {
        s->from_matched++;
        if (s->from_matched == 5) {
            s->from_line = true;
        }
    }
    s->line_len++;
    if (s->line_len > s->max_line_len) {
        s->max_line_len = s->line_len;
    }
    s->last = c;
}

static void
scan_line_end(struct wax_mime_scan *s, bool after_cr)
{
    s->num_lines++;
    if (!after_cr) {
        s->num_bare_lf++;
    }
    if (s->line_len > 0 && wax_mime_is_wsp(s->last)) {
        s->trailing_ws = true;
    }
    s->line_len = 0;
    s->last = 0;
    s->from_matched = 0;
}

/* plain_run_end: the end of the run of bytes from I on that are 7-bit,
 * not NUL and not a line end, tested eight at a time (SWAR: a byte is
 * special when it is zero, has its top bit set, or equals CR or LF). */
static size_t
plain_run_end(const uint8_t *data, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ull;
    const uint64_t highs = 0x8080808080808080ull;
    while (len - i >= 8) {
        uint64_t x;
        memcpy(&x, data + i, 8);
        uint64_t cr = x ^ (ones * '\r');
        uint64_t lf = x ^ (ones * '\n');
        uint64_t special = ((x - ones) | (cr - ones) | (lf - ones) | x) & highs;
        if (special != 0) {
            break;
        }
        i += 8;
    }
    while (i < len && data[i] > 0 && data[i] < 0x80 && data[i] != '\r' &&
           data[i] != '\n') {
        i++;
    }
    return i;
}

static void
scan_bytes(struct wax_mime_scan *s, const uint8_t *data, size_t len)
{
    s->num_bytes += len;
    for (size_t i = 0; i < len; i++) {
        /* Fast path: inside a line and past the "From " check, a run of
         * plain 7-bit bytes only lengthens the line. */
        if (!s->pending_cr &&
            !(s->line_len == s->from_matched && s->from_matched < 5)) {
            size_t j = plain_run_end(data, i, len);
            if (j > i) {
                s->line_len += j - i;
                if (s->line_len > s->max_line_len) {
                    s->max_line_len = s->line_len;
                }
                s->last = data[j - 1];
                i = j;
                if (i == len) {
                    break;
                }
            }
        }
        uint8_t c = data[i];
        if (s->pending_cr) {
            s->pending_cr = false;
            if (c == '\n') {
                scan_line_end(s, true);
                continue;
            }
            s->num_bare_cr++;
            scan_char(s, '\r');
        }
        if (c == '\r') {
            s->pending_cr = true;
        } else if (c == '\n') {
            scan_line_end(s, false);
        } else {
            scan_char(s, c);
        }
    }
}

static void
scan_finish(struct wax_mime_scan *s)
{
    if (s->pending_cr) {
        s->pending_cr = false;
        s->num_bare_cr++;
        scan_char(s, '\r');
    }
    if (s->line_len > 0 && wax_mime_is_wsp(s->last)) {
        s->trailing_ws = true;
    }
}

static wax_err
scan_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_scan *s = (struct wax_mime_scan *)self;
    WAX_ENSURE(!s->closed, WAX_ERR_SINK_CLOSED);
    scan_bytes(s, data, len);
    return WAX_OK;
}

static wax_err
scan_close(wax_sink *self)
{
    struct wax_mime_scan *s = (struct wax_mime_scan *)self;
    WAX_ENSURE(!s->closed, WAX_ERR_SINK_CLOSED);
    s->closed = true;
    scan_finish(s);
    return WAX_OK;
}

void
wax_mime_scan_init(struct wax_mime_scan *s)
{
    memset(s, 0, sizeof *s);
    s->sink.write = scan_write;
    s->sink.close = scan_close;
}

wax_sink *
wax_mime_scan_sink(struct wax_mime_scan *s)
{
    return &s->sink;
}

bool
wax_mime_scan_is_7bit(const struct wax_mime_scan *s)
{
    return s->num_8bit == 0 && s->num_nul == 0 && s->num_bare_cr == 0 &&
           s->max_line_len <= WAX_MIME_7BIT_LINE;
}

/* ------------------------------------------------------------------ */
/* The encoding decision.                                              */

/* entity_kind tells whether H's entity is text (text/(any), or no Content-Type:
 * RFC 2045 5.2) and whether it is composite (multipart/(any), message/(any)).
 */
static wax_err
entity_kind(bool *out_text, bool *out_composite,
            const struct wax_mime_header *h)
{
    struct wax_mime_content_type ct;
    bool present;
    WAX_TRY(wax_mime_ct_of(&ct, &present, h));
    *out_text = !present || wax_mime_content_type_is(&ct, "text", NULL);
    *out_composite =
        present && (wax_mime_content_type_is(&ct, "multipart", NULL) ||
                    wax_mime_content_type_is(&ct, "message", NULL));
    return WAX_OK;
}

wax_err
wax_mime_choose_encoding(enum wax_mime_encode *out,
                         const struct wax_mime_header *h,
                         const struct wax_mime_scan *body)
{
    bool text, composite;
    enum wax_mime_cte cte;
    WAX_TRY(entity_kind(&text, &composite, h));
    WAX_TRY(wax_mime_header_cte(&cte, h));
    bool clean = wax_mime_scan_is_7bit(body);
    if (cte == WAX_MIME_CTE_BASE64 || cte == WAX_MIME_CTE_QP) {
        WAX_ENSURE(clean, WAX_ERR_MIME_NOT_7BIT);
        *out = WAX_MIME_ENCODE_NONE;
        return WAX_OK;
    }
    if (composite) {
        WAX_ENSURE(clean, WAX_ERR_MIME_COMPOSITE_ENCODING);
        *out = WAX_MIME_ENCODE_NONE;
        return WAX_OK;
    }
    if (clean) {
        *out = WAX_MIME_ENCODE_NONE;
    } else if (text && body->num_nul == 0 &&
               body->num_8bit <= body->num_bytes / 6) {
        *out = WAX_MIME_ENCODE_QP;
    } else {
        *out = WAX_MIME_ENCODE_BASE64;
    }
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* First pass: header and body scan.                                   */

static wax_err
entity_scan_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_entity_scan *es = (struct wax_mime_entity_scan *)self;
    return wax_sink_write(&es->split.sink, data, len);
}

static wax_err
entity_scan_close(wax_sink *self)
{
    struct wax_mime_entity_scan *es = (struct wax_mime_entity_scan *)self;
    return wax_sink_close(&es->split.sink);
}

void
wax_mime_entity_scan_init(struct wax_mime_entity_scan *es)
{
    es->sink.write = entity_scan_write;
    es->sink.close = entity_scan_close;
    wax_mime_scan_init(&es->scan);
    wax_mime_splitter_init(&es->split, NULL, NULL, &es->scan.sink);
}

wax_sink *
wax_mime_entity_scan_sink(struct wax_mime_entity_scan *es)
{
    return &es->sink;
}

const struct wax_mime_header *
wax_mime_entity_scan_header(const struct wax_mime_entity_scan *es)
{
    return wax_mime_splitter_has_header(&es->split) ? &es->split.header : NULL;
}

void
wax_mime_entity_scan_cleanup(struct wax_mime_entity_scan *es)
{
    wax_mime_splitter_cleanup(&es->split);
}

/* ------------------------------------------------------------------ */
/* Second pass: the canonical entity.                                  */

static wax_err
write_cte_field(wax_sink *out, enum wax_mime_encode enc)
{
    return wax_mime_write_str(out, enc == WAX_MIME_ENCODE_QP
                                       ? "Content-Transfer-Encoding: "
                                         "quoted-printable\r\n"
                                       : "Content-Transfer-Encoding: "
                                         "base64\r\n");
}

static wax_err
prepare_header(struct wax_mime_prepare *p, const struct wax_mime_header *h)
{
    bool text, composite, has_ct;
    enum wax_mime_cte cte;
    const struct wax_mime_field *ctf;
    WAX_TRY(entity_kind(&text, &composite, h));
    WAX_TRY(wax_mime_header_cte(&cte, h));
    WAX_TRY(wax_mime_header_get(h, &ctf, "Content-Type"));
    has_ct = ctf != NULL;
    if (p->enc != WAX_MIME_ENCODE_NONE) {
        WAX_ENSURE(!composite, WAX_ERR_MIME_COMPOSITE_ENCODING);
        WAX_ENSURE(cte != WAX_MIME_CTE_BASE64 && cte != WAX_MIME_CTE_QP,
                   WAX_ERR_MIME_ALREADY_ENCODED);
    }
    WAX_ENSURE(p->enc != WAX_MIME_ENCODE_QP || text, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(p->enc == WAX_MIME_ENCODE_NONE || p->enc == WAX_MIME_ENCODE_QP ||
                   p->enc == WAX_MIME_ENCODE_BASE64,
               WAX_ERR_INVALID_ARGUMENT);

    if (p->on_header != NULL) {
        WAX_TRY(p->on_header(p->ctx, h));
    }

    /* the entity's header */
    if (!has_ct) {
        WAX_TRY(wax_mime_write_str(
            p->out,
            p->enc == WAX_MIME_ENCODE_NONE
                ? "Content-Type: text/plain; charset=us-ascii\r\n"
                : "Content-Type: text/plain; charset=unknown-8bit\r\n"));
    }
    bool cte_written = false;
    for (size_t i = 0; i < h->num_fields; i++) {
        const struct wax_mime_field *f = &h->fields[i];
        if (!wax_mime_field_is_content(f)) {
            continue;
        }
        if (p->enc != WAX_MIME_ENCODE_NONE &&
            wax_mime_name_eq(f->name, "Content-Transfer-Encoding")) {
            WAX_TRY(write_cte_field(p->out, p->enc));
            cte_written = true;
            continue;
        }
        WAX_TRY(wax_mime_write_crlf_lines(p->out, f->raw.p, f->raw.len));
        if (f->raw.len == 0 || f->raw.p[f->raw.len - 1] != '\n') {
            WAX_TRY(wax_sink_write(p->out, crlf, 2));
        }
    }
    if (p->enc != WAX_MIME_ENCODE_NONE && !cte_written) {
        WAX_TRY(write_cte_field(p->out, p->enc));
    }
    WAX_TRY(wax_sink_write(p->out, crlf, 2));

    /* the body's pipeline */
    switch (p->enc) {
    case WAX_MIME_ENCODE_NONE:
        p->check_7bit = true;
        wax_mime_canon_init(&p->canon, p->out);
        p->body_next = &p->canon.sink;
        break;
    case WAX_MIME_ENCODE_QP:
        wax_qp_encoder_init(&p->codec.qp, p->out, WAX_QP_TEXT);
        p->body_next = &p->codec.qp.sink;
        break;
    case WAX_MIME_ENCODE_BASE64:
        WAX_TRY(wax_b64_encoder_init(&p->codec.b64, p->out, 76));
        if (text) {
            wax_mime_canon_init(&p->canon, &p->codec.b64.sink);
            p->body_next = &p->canon.sink;
        } else {
            p->body_next = &p->codec.b64.sink;
        }
        break;
    }
    return WAX_OK;
}

static wax_err
prepare_on_header(void *ctx, const struct wax_mime_header *h)
{
    return prepare_header((struct wax_mime_prepare *)ctx, h);
}

static wax_err
check_clean(const struct wax_mime_scan *s)
{
    WAX_ENSURE(wax_mime_scan_is_7bit(s), WAX_ERR_MIME_NOT_7BIT);
    return WAX_OK;
}

/* body_in: the splitter pushes the body here. */
static wax_err
prepare_body_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_prepare *p =
        (struct wax_mime_prepare *)((uint8_t *)self -
                                    offsetof(struct wax_mime_prepare, body_in));
    if (len == 0) {
        return WAX_OK;
    }
    if (p->check_7bit) {
        scan_bytes(&p->check, data, len);
        WAX_TRY(check_clean(&p->check));
    }
    return wax_sink_write(p->body_next, data, len);
}

static wax_err
prepare_body_close(wax_sink *self)
{
    struct wax_mime_prepare *p =
        (struct wax_mime_prepare *)((uint8_t *)self -
                                    offsetof(struct wax_mime_prepare, body_in));
    if (p->check_7bit) {
        scan_finish(&p->check);
        WAX_TRY(check_clean(&p->check));
    }
    return wax_sink_close(p->body_next);
}

static wax_err
prepare_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_prepare *p = (struct wax_mime_prepare *)self;
    WAX_TRY(p->err);
    WAX_ENSURE(!p->closed, WAX_ERR_SINK_CLOSED);
    p->err = wax_sink_write(&p->split.sink, data, len);
    return p->err;
}

static wax_err
prepare_close(wax_sink *self)
{
    struct wax_mime_prepare *p = (struct wax_mime_prepare *)self;
    WAX_TRY(p->err);
    WAX_ENSURE(!p->closed, WAX_ERR_SINK_CLOSED);
    p->closed = true;
    p->err = wax_sink_close(&p->split.sink);
    return p->err;
}

void
wax_mime_prepare_init(struct wax_mime_prepare *p, wax_sink *out,
                      enum wax_mime_encode enc, wax_mime_header_fn on_header,
                      void *ctx)
{
    p->sink.write = prepare_write;
    p->sink.close = prepare_close;
    p->out = out;
    p->enc = enc;
    p->on_header = on_header;
    p->ctx = ctx;
    p->body_in.write = prepare_body_write;
    p->body_in.close = prepare_body_close;
    p->body_next = NULL;
    wax_mime_scan_init(&p->check);
    p->check_7bit = false;
    p->closed = false;
    p->err = WAX_OK;
    wax_mime_splitter_init(&p->split, prepare_on_header, p, &p->body_in);
}

wax_sink *
wax_mime_prepare_sink(struct wax_mime_prepare *p)
{
    return &p->sink;
}

const struct wax_mime_header *
wax_mime_prepare_header(const struct wax_mime_prepare *p)
{
    return wax_mime_splitter_has_header(&p->split) ? &p->split.header : NULL;
}

void
wax_mime_prepare_cleanup(struct wax_mime_prepare *p)
{
    wax_mime_splitter_cleanup(&p->split);
}
