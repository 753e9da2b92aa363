/*
 * Quoted-printable (RFC 2045 section 6.7), streaming and one-shot.
 *
 * The encoder holds back at most one space or tab (whose encoding depends on
 * what follows: literal in the middle of a line, "=20"/"=09" before a line
 * break or the end) and, in text mode, one CR (whose meaning depends on
 * whether LF follows). The decoder holds back the spaces and tabs of the
 * current line until it knows whether they are trailing (rule 3: dropped).
 */
#include <string.h>

#include <wax/util.h>

static const char qp_hex[16] = "0123456789ABCDEF";

/* Room for the most one input byte can add: in text mode a held CR that
 * turns out bare, with a held space before it and a byte after it, each as
 * "=XX" after a soft break (3 * 6), plus slack. */
#define QP_ENC_RESERVE 24

/* The last column a token may end on, leaving room for a soft break '='. */
#define QP_SOFT_LIMIT (WAX_QP_ENCODED_LINE_LEN - 1)

/* ---- encoder ---- */

static wax_err
qpe_flush(struct wax_qp_encoder *e)
{
    if (e->out_used == 0) {
        return WAX_OK;
    }
    wax_err err = wax_sink_write(e->next, e->out, e->out_used);
    e->out_used = 0;
    return err;
}

/* qpe_token appends a token of N characters (a literal or "=XX"), after a
 * soft line break if it would not fit on the line. The caller made room. */
static void
qpe_token(struct wax_qp_encoder *e, const uint8_t *tok, size_t n)
{
    uint8_t *o = e->out + e->out_used;
    if (e->col + n > QP_SOFT_LIMIT) {
        *o++ = '=';
        *o++ = '\r';
        *o++ = '\n';
        e->col = 0;
    }
    memcpy(o, tok, n);
    e->out_used = (size_t)(o + n - e->out);
    e->col += n;
}

static void
qpe_escape(struct wax_qp_encoder *e, uint8_t c)
{
    uint8_t tok[3] = {'=', (uint8_t)qp_hex[c >> 4], (uint8_t)qp_hex[c & 15]};
    qpe_token(e, tok, 3);
}

static bool
qp_literal_ok(uint8_t c)
{
    return c >= 33 && c <= 126 && c != '=';
}

/* qpe_byte appends C literally when allowed, else as "=XX". */
static void
qpe_byte(struct wax_qp_encoder *e, uint8_t c)
{
    if (qp_literal_ok(c)) {
        qpe_token(e, &c, 1);
    } else {
        qpe_escape(e, c);
    }
}

/*
 * qpe_release writes the held-back space or tab. AT_END: a line break or
 * the end of input follows, so it must be encoded. Otherwise a token of
 * NEXT_LEN characters follows; if that token will go to the next line, the
 * space would end this one (just before the soft break's '='), which some
 * decoders strip, so it is encoded then too.
 */
static void
qpe_release(struct wax_qp_encoder *e, bool at_end, size_t next_len)
{
    if (e->pending_ws < 0) {
        return;
    }
    uint8_t c = (uint8_t)e->pending_ws;
    e->pending_ws = -1;
    if (at_end || e->col + 1 + next_len > QP_SOFT_LIMIT) {
        qpe_escape(e, c);
    } else {
        qpe_token(e, &c, 1);
    }
}

static size_t
qpe_len(uint8_t c)
{
    return qp_literal_ok(c) ? 1 : 3;
}

static void
qpe_hard_break(struct wax_qp_encoder *e)
{
    qpe_release(e, true, 0);
    e->out[e->out_used++] = '\r';
    e->out[e->out_used++] = '\n';
    e->col = 0;
}

/* qpe_one encodes one input byte; the caller made QP_ENC_RESERVE room. */
static void
qpe_one(struct wax_qp_encoder *e, uint8_t c)
{
    if (e->mode == WAX_QP_TEXT) {
        if (e->pending_cr) {
            e->pending_cr = false;
            if (c == '\n') {
                qpe_hard_break(e);
                return;
            }
            qpe_release(e, false, 3);
            qpe_escape(e, '\r');
        }
        if (c == '\r') {
            e->pending_cr = true;
            return;
        }
        if (c == '\n') {
            qpe_hard_break(e);
            return;
        }
    }
    if (c == ' ' || c == '\t') {
        qpe_release(e, false, 1);
        e->pending_ws = c;
        return;
    }
    qpe_release(e, false, qpe_len(c));
    qpe_byte(e, c);
}

static wax_err
qpe_write(struct wax_qp_encoder *e, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (WAX_CODEC_BUF_LEN - e->out_used < QP_ENC_RESERVE) {
            WAX_TRY(qpe_flush(e));
        }
        qpe_one(e, data[i]);
    }
    return WAX_OK;
}

static wax_err
qpe_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_qp_encoder *e = (struct wax_qp_encoder *)self;
    WAX_TRY(e->err);
    WAX_ENSURE(!e->closed, WAX_ERR_SINK_CLOSED);
    e->err = qpe_write(e, data, len);
    return e->err;
}

static wax_err
qpe_close(struct wax_qp_encoder *e)
{
    if (WAX_CODEC_BUF_LEN - e->out_used < QP_ENC_RESERVE) {
        WAX_TRY(qpe_flush(e));
    }
    if (e->pending_cr) {
        e->pending_cr = false;
        qpe_release(e, false, 3);
        qpe_escape(e, '\r');
    }
    qpe_release(e, true, 0);
    WAX_TRY(qpe_flush(e));
    return wax_sink_close(e->next);
}

static wax_err
qpe_sink_close(wax_sink *self)
{
    struct wax_qp_encoder *e = (struct wax_qp_encoder *)self;
    WAX_TRY(e->err);
    WAX_ENSURE(!e->closed, WAX_ERR_SINK_CLOSED);
    e->closed = true;
    e->err = qpe_close(e);
    return e->err;
}

void
wax_qp_encoder_init(struct wax_qp_encoder *enc, wax_sink *next,
                    enum wax_qp_mode mode)
{
    enc->sink.write = qpe_sink_write;
    enc->sink.close = qpe_sink_close;
    enc->next = next;
    enc->mode = mode;
    enc->col = 0;
    enc->out_used = 0;
    enc->pending_ws = -1;
    enc->pending_cr = false;
    enc->closed = false;
    enc->err = (mode == WAX_QP_TEXT || mode == WAX_QP_BINARY)
                   ? WAX_OK
                   : WAX_ERR_INVALID_ARGUMENT;
}

/* ---- decoder ---- */

enum qpd_state {
    QPD_TEXT = 0, /* in a line */
    QPD_CR,       /* after a CR: only LF may follow */
    QPD_EQ,       /* after '=' */
    QPD_HEX1,     /* after '=' and one hex digit */
    QPD_EQ_WS,    /* after '=' and spaces/tabs: a soft break with padding */
    QPD_EQ_CR,    /* after '=' [spaces] CR: only LF may follow */
};

static int
qp_hex_val(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static wax_err
qpd_flush(struct wax_qp_decoder *d)
{
    if (d->out_used == 0) {
        return WAX_OK;
    }
    wax_err err = wax_sink_write(d->next, d->out, d->out_used);
    d->out_used = 0;
    return err;
}

static wax_err
qpd_put(struct wax_qp_decoder *d, uint8_t c)
{
    if (d->out_used == WAX_CODEC_BUF_LEN) {
        WAX_TRY(qpd_flush(d));
    }
    d->out[d->out_used++] = c;
    return WAX_OK;
}

/* qpd_keep_ws outputs the held spaces and tabs: something follows them. */
static wax_err
qpd_keep_ws(struct wax_qp_decoder *d)
{
    for (size_t i = 0; i < d->num_ws; i++) {
        WAX_TRY(qpd_put(d, d->ws[i]));
    }
    d->num_ws = 0;
    return WAX_OK;
}

static wax_err
qpd_hard_break(struct wax_qp_decoder *d)
{
    d->num_ws = 0; /* trailing whitespace: dropped (rule 3) */
    d->line_len = 0;
    d->state = QPD_TEXT;
    WAX_TRY(qpd_put(d, '\r'));
    return qpd_put(d, '\n');
}

static void
qpd_soft_break(struct wax_qp_decoder *d)
{
    d->line_len = 0;
    d->state = QPD_TEXT;
}

/* qpd_after_eq takes a byte after '=' that is not a hex digit: only
 * spaces/tabs and a line break (a soft break) may follow there. */
static wax_err
qpd_after_eq(struct wax_qp_decoder *d, uint8_t c)
{
    if (c == ' ' || c == '\t') {
        d->state = QPD_EQ_WS;
    } else if (c == '\r') {
        d->state = QPD_EQ_CR;
    } else if (c == '\n') {
        qpd_soft_break(d);
    } else {
        WAX_FAIL(WAX_ERR_QP_BAD_ESCAPE);
    }
    return WAX_OK;
}

static wax_err
qpd_one(struct wax_qp_decoder *d, uint8_t c)
{
    bool is_ws = c == ' ' || c == '\t';
    if (c != '\r' && c != '\n') {
        WAX_ENSURE(d->line_len < WAX_MAX_QP_LINE_LEN, WAX_ERR_QP_LINE_TOO_LONG);
        d->line_len++;
    }
    switch ((enum qpd_state)d->state) {
    case QPD_TEXT:
        if (is_ws) {
            d->ws[d->num_ws++] = c; /* num_ws < line_len <= the limit */
            return WAX_OK;
        }
        if (c == '\r') {
            d->state = QPD_CR;
            return WAX_OK;
        }
        if (c == '\n') {
            return qpd_hard_break(d);
        }
        WAX_ENSURE(c >= 33 && c <= 126, WAX_ERR_QP_INVALID_CHAR);
        WAX_TRY(qpd_keep_ws(d));
        if (c == '=') {
            d->state = QPD_EQ;
            return WAX_OK;
        }
        return qpd_put(d, c);
    case QPD_CR:
        WAX_ENSURE(c == '\n', WAX_ERR_QP_INVALID_CHAR);
        return qpd_hard_break(d);
    case QPD_EQ:
        if (qp_hex_val(c) >= 0) {
            d->hi = (uint8_t)qp_hex_val(c);
            d->state = QPD_HEX1;
            return WAX_OK;
        }
        return qpd_after_eq(d, c);
    case QPD_EQ_WS:
        return qpd_after_eq(d, c);
    case QPD_HEX1: {
        int lo = qp_hex_val(c);
        WAX_ENSURE(lo >= 0, WAX_ERR_QP_BAD_ESCAPE);
        d->state = QPD_TEXT;
        return qpd_put(d, (uint8_t)(d->hi << 4 | lo));
    }
    case QPD_EQ_CR:
        WAX_ENSURE(c == '\n', WAX_ERR_QP_INVALID_CHAR);
        qpd_soft_break(d);
        return WAX_OK;
    }
    WAX_FAIL(WAX_ERR_INTERNAL);
}

static wax_err
qpd_write(struct wax_qp_decoder *d, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        WAX_TRY(qpd_one(d, data[i]));
    }
    return WAX_OK;
}

static wax_err
qpd_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_qp_decoder *d = (struct wax_qp_decoder *)self;
    WAX_TRY(d->err);
    WAX_ENSURE(!d->closed, WAX_ERR_SINK_CLOSED);
    d->err = qpd_write(d, data, len);
    return d->err;
}

static wax_err
qpd_close(struct wax_qp_decoder *d)
{
    switch ((enum qpd_state)d->state) {
    case QPD_TEXT:
        d->num_ws = 0; /* trailing whitespace of the last line */
        break;
    case QPD_EQ:
    case QPD_EQ_WS:
        break; /* a soft break at the very end */
    case QPD_HEX1:
        WAX_FAIL(WAX_ERR_QP_BAD_ESCAPE);
    case QPD_CR:
    case QPD_EQ_CR:
        WAX_FAIL(WAX_ERR_QP_INVALID_CHAR);
    }
    WAX_TRY(qpd_flush(d));
    return wax_sink_close(d->next);
}

static wax_err
qpd_sink_close(wax_sink *self)
{
    struct wax_qp_decoder *d = (struct wax_qp_decoder *)self;
    WAX_TRY(d->err);
    WAX_ENSURE(!d->closed, WAX_ERR_SINK_CLOSED);
    d->closed = true;
    d->err = qpd_close(d);
    return d->err;
}

void
wax_qp_decoder_init(struct wax_qp_decoder *dec, wax_sink *next)
{
    dec->sink.write = qpd_sink_write;
    dec->sink.close = qpd_sink_close;
    dec->next = next;
    dec->state = QPD_TEXT;
    dec->hi = 0;
    dec->closed = false;
    dec->err = WAX_OK;
    dec->line_len = 0;
    dec->num_ws = 0;
    dec->out_used = 0;
}

/* ---- one-shot forms: the streams above into a caller's buffer ---- */

struct span_sink {
    wax_sink sink; /* must stay first */
    uint8_t *out;
    size_t cap;
    size_t len;
};

static wax_err
span_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct span_sink *s = (struct span_sink *)self;
    WAX_ENSURE(len <= s->cap - s->len, WAX_ERR_BUF_TOO_SMALL);
    if (len != 0) {
        memcpy(s->out + s->len, data, len);
        s->len += len;
    }
    return WAX_OK;
}

static wax_err
span_sink_close(wax_sink *self)
{
    (void)self;
    return WAX_OK;
}

static void
span_sink_init(struct span_sink *s, uint8_t *out, size_t cap)
{
    s->sink.write = span_sink_write;
    s->sink.close = span_sink_close;
    s->out = out;
    s->cap = cap;
    s->len = 0;
}

static wax_err
run_one_shot(wax_sink *coder, struct span_sink *dst, size_t *out_len,
             const uint8_t *in, size_t in_len)
{
    *out_len = 0;
    WAX_TRY(wax_sink_write(coder, in, in_len));
    WAX_TRY(wax_sink_close(coder));
    *out_len = dst->len;
    return WAX_OK;
}

wax_err
wax_qp_encode(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
              size_t in_len, enum wax_qp_mode mode)
{
    struct span_sink dst;
    struct wax_qp_encoder enc;
    span_sink_init(&dst, out, out_cap);
    wax_qp_encoder_init(&enc, &dst.sink, mode);
    return run_one_shot(&enc.sink, &dst, out_len, in, in_len);
}

wax_err
wax_qp_decode(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
              size_t in_len)
{
    struct span_sink dst;
    struct wax_qp_decoder dec;
    span_sink_init(&dst, out, out_cap);
    wax_qp_decoder_init(&dec, &dst.sink);
    return run_one_shot(&dec.sink, &dst, out_len, in, in_len);
}
