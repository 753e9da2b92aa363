/*
 * The streaming multipart parser (RFC 2046 section 5.1.1), and on top of
 * it multipart/signed splitting for verification (RFC 1847 section 2.1,
 * RFC 8551 section 3.5) and application/pkcs7-mime unwrapping (RFC 8551
 * section 3.2).
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary
 *   close-delimiter := delimiter "--"
 *   dash-boundary  := "--" boundary
 *   transport-padding := *LWSP-char
 *
 * The parser finds delimiters with a small candidate buffer per nesting
 * level: a candidate starts at a line end (or at the start of the body or
 * of a part) and grows while it matches; on a mismatch its first byte is
 * part content and the rest is scanned again, so the content between
 * delimiters streams out without being buffered.
 */
#include <string.h>

#include "mime_internal.h"

enum { ST_PREAMBLE, ST_PART, ST_EPILOGUE };

enum {
    PH_START,    /* expects CR or LF */
    PH_LF,       /* after CR: expects LF */
    PH_DASH1,    /* expects the first '-' */
    PH_DASH2,    /* expects the second '-' */
    PH_BOUNDARY, /* matching the boundary */
    PH_AFTER,    /* after the boundary */
    PH_CLOSE,    /* after "--boundary-": expects '-' */
    PH_PAD,      /* in transport padding */
    PH_PAD_CR,   /* after padding CR: expects LF */
};

enum { R_MORE, R_NO, R_DELIM, R_CLOSE };

static const struct wax_mime_multipart_events no_events = {NULL, NULL, NULL,
                                                           NULL};

/* ------------------------------------------------------------------ */
/* Delimiter candidates.                                               */

static void
cand_begin(struct wax_mime_mp_level *L, bool is_virtual)
{
    L->cand = true;
    L->cand_virtual = is_virtual;
    L->phase = is_virtual ? PH_DASH1 : PH_START;
    L->pos = 0;
    L->padding = 0;
    L->la_len = 0;
}

/* cand_step adds C to the candidate and says where it stands. */
static wax_err
cand_step(struct wax_mime_mp_level *L, uint8_t c, int *out)
{
    L->la[L->la_len++] = c;
    *out = R_MORE;
    switch (L->phase) {
    case PH_START:
        L->phase = c == '\r' ? PH_LF : PH_DASH1;
        return WAX_OK;
    case PH_LF:
        if (c == '\n') {
            L->phase = PH_DASH1;
        } else {
            *out = R_NO;
        }
        return WAX_OK;
    case PH_DASH1:
    case PH_DASH2:
        if (c != '-') {
            *out = R_NO;
        } else {
            L->phase = L->phase == PH_DASH1 ? PH_DASH2 : PH_BOUNDARY;
        }
        return WAX_OK;
    case PH_BOUNDARY:
        if (c != L->boundary[L->pos]) {
            *out = R_NO;
        } else if (++L->pos == L->boundary_len) {
            L->phase = PH_AFTER;
        }
        return WAX_OK;
    case PH_AFTER:
    case PH_PAD:
        if (c == '-' && L->phase == PH_AFTER) {
            L->phase = PH_CLOSE;
        } else if (c == ' ' || c == '\t') {
            WAX_ENSURE(L->padding < WAX_MAX_MIME_PADDING,
                       WAX_ERR_MIME_PADDING_TOO_LONG);
            L->padding++;
            L->phase = PH_PAD;
        } else if (c == '\r') {
            L->phase = PH_PAD_CR;
        } else if (c == '\n') {
            *out = R_DELIM;
        } else {
            *out = R_NO;
        }
        return WAX_OK;
    case PH_CLOSE:
        *out = c == '-' ? R_CLOSE : R_NO;
        return WAX_OK;
    case PH_PAD_CR:
        *out = c == '\n' ? R_DELIM : R_NO;
        return WAX_OK;
    }
    return WAX_ERR_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* Levels, parts and events.                                           */

static void
level_init(struct wax_mime_mp_level *L, const uint8_t *boundary, size_t len)
{
    memcpy(L->boundary, boundary, len);
    L->boundary_len = len;
    L->state = ST_PREAMBLE;
    L->num_parts = 0;
    L->in_header = false;
    L->descended = false;
    cand_begin(L, true); /* the body may start with the dash-boundary */
}

static void
header_reset(struct wax_mime_multipart *m)
{
    wax_buf_reset(&m->hbuf);
    m->hline_len = 0;
    m->hpending_cr = false;
}

static wax_err level_feed(struct wax_mime_multipart *m, size_t d,
                          const uint8_t *data, size_t len);

/* The header section of the current part at depth D is complete. */
static wax_err
part_header_done(struct wax_mime_multipart *m, size_t d)
{
    struct wax_mime_mp_level *L = &m->levels[d];
    size_t off;
    WAX_TRY(wax_mime_header_parse(&m->header, &off, m->hbuf.data, m->hbuf.len));
    L->in_header = false;
    bool descend = false;
    if (m->ev->part_header != NULL) {
        WAX_TRY(m->ev->part_header(m->ctx, d, &m->header, &descend));
    }
    if (descend) {
        WAX_ENSURE(d + 1 < WAX_MAX_MIME_DEPTH, WAX_ERR_MIME_TOO_DEEP);
        uint8_t b[WAX_MAX_MIME_BOUNDARY];
        size_t blen;
        WAX_TRY(wax_mime_header_boundary(b, &blen, &m->header));
        level_init(&m->levels[d + 1], b, blen);
        m->num_levels = d + 2;
        L->descended = true;
    }
    header_reset(m);
    return WAX_OK;
}

/* level_content takes bytes of content at depth D: the preamble and the
 * epilogue are dropped, a part's bytes go to its header, then its body. */
static wax_err
level_content(struct wax_mime_multipart *m, size_t d, const uint8_t *p,
              size_t n)
{
    struct wax_mime_mp_level *L = &m->levels[d];
    if (L->state != ST_PART || n == 0) {
        return WAX_OK;
    }
    if (L->in_header) {
        size_t used;
        bool done;
        WAX_TRY(
            wax_mime_hscan(&m->hline_len, &m->hpending_cr, &used, &done, p, n));
        WAX_ENSURE(used <= WAX_MAX_MIME_HEADER_BYTES - m->hbuf.len,
                   WAX_ERR_MIME_HEADER_TOO_LARGE);
        WAX_TRY(wax_buf_append(&m->hbuf, p, used));
        if (!done) {
            return WAX_OK;
        }
        WAX_TRY(part_header_done(m, d));
        p += used;
        n -= used;
        if (n == 0) {
            return WAX_OK;
        }
    }
    if (L->descended) {
        return level_feed(m, d + 1, p, n);
    }
    if (m->ev->part_body != NULL) {
        return m->ev->part_body(m->ctx, d, p, n);
    }
    return WAX_OK;
}

/* level_end checks that the multipart at depth D ended properly. */
static wax_err
level_end(const struct wax_mime_multipart *m, size_t d)
{
    const struct wax_mime_mp_level *L = &m->levels[d];
    switch (L->state) {
    case ST_EPILOGUE:
        return WAX_OK;
    case ST_PREAMBLE:
        return WAX_ERR_MIME_NO_DELIMITER;
    default:
        return WAX_ERR_MIME_NO_CLOSE_DELIMITER;
    }
}

static wax_err
part_finish(struct wax_mime_multipart *m, size_t d)
{
    struct wax_mime_mp_level *L = &m->levels[d];
    if (L->in_header) {
        WAX_TRY(part_header_done(m, d)); /* a part without body */
    }
    if (L->descended) {
        WAX_TRY(level_end(m, d + 1));
        L->descended = false;
        m->num_levels = d + 1;
    }
    if (m->ev->part_end != NULL) {
        WAX_TRY(m->ev->part_end(m->ctx, d));
    }
    return WAX_OK;
}

static wax_err
level_delimiter(struct wax_mime_multipart *m, size_t d, bool is_close)
{
    struct wax_mime_mp_level *L = &m->levels[d];
    if (L->state == ST_PREAMBLE) {
        WAX_ENSURE(!is_close, WAX_ERR_MIME_EMPTY_MULTIPART);
    } else {
        WAX_TRY(part_finish(m, d));
    }
    if (is_close) {
        L->state = ST_EPILOGUE;
        return WAX_OK;
    }
    L->state = ST_PART;
    L->num_parts++;
    L->in_header = true;
    L->descended = false;
    header_reset(m);
    if (m->ev->part_begin != NULL) {
        WAX_TRY(m->ev->part_begin(m->ctx, d, L->num_parts - 1));
    }
    cand_begin(L, true); /* a part may start with a delimiter: empty part */
    return WAX_OK;
}

/*
 * level_feed scans input at depth D. Q holds bytes to scan again after a
 * failed candidate (at most a candidate's worth: see the bound below); they
 * come before the rest of DATA.
 */
static wax_err
level_feed(struct wax_mime_multipart *m, size_t d, const uint8_t *data,
           size_t len)
{
    struct wax_mime_mp_level *L = &m->levels[d];
    uint8_t q[WAX_MIME_LA_MAX];
    size_t qn = 0, qi = 0, i = 0;
    for (;;) {
        const uint8_t *p;
        size_t avail;
        bool in_q = qi < qn;
        if (in_q) {
            p = q + qi;
            avail = qn - qi;
        } else if (i < len) {
            p = data + i;
            avail = len - i;
        } else {
            return WAX_OK;
        }
        if (L->state == ST_EPILOGUE) {
            return WAX_OK;
        }
        if (!L->cand) {
            size_t j = 0;
            while (j < avail && p[j] != '\r' && p[j] != '\n') {
                j++;
            }
            if (j > 0) {
                WAX_TRY(level_content(m, d, p, j));
                if (in_q) {
                    qi += j;
                } else {
                    i += j;
                }
                continue;
            }
            cand_begin(L, false);
        }
        uint8_t c = p[0];
        if (in_q) {
            qi++;
        } else {
            i++;
        }
        int r;
        WAX_TRY(cand_step(L, c, &r));
        if (r == R_MORE) {
            continue;
        }
        L->cand = false;
        if (r == R_DELIM || r == R_CLOSE) {
            L->la_len = 0;
            WAX_TRY(level_delimiter(m, d, r == R_CLOSE));
            continue;
        }
        /*
         * Not a delimiter. A real candidate's first byte (its CR or LF) is
         * content; the rest, and what Q still holds, is scanned again. The
         * candidate's bytes came either from Q (then they and Q's rest are
         * a suffix of Q) or, with Q empty, from DATA and earlier writes:
         * either way at most WAX_MIME_LA_MAX bytes.
         */
        size_t k = L->cand_virtual ? 0 : 1;
        uint8_t tmp[WAX_MIME_LA_MAX];
        size_t n = L->la_len - k;
        memcpy(tmp, L->la + k, n);
        WAX_ENSURE(n + (qn - qi) <= sizeof tmp, WAX_ERR_INTERNAL);
        memcpy(tmp + n, q + qi, qn - qi);
        n += qn - qi;
        if (k == 1) {
            uint8_t first = L->la[0];
            L->la_len = 0;
            WAX_TRY(level_content(m, d, &first, 1));
        }
        L->la_len = 0;
        memcpy(q, tmp, n);
        qn = n;
        qi = 0;
    }
}

/* ------------------------------------------------------------------ */
/* The parser as a sink.                                               */

static wax_err
mp_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_multipart *m = (struct wax_mime_multipart *)self;
    WAX_TRY(m->err);
    WAX_ENSURE(!m->closed, WAX_ERR_SINK_CLOSED);
    m->err = level_feed(m, 0, data, len);
    return m->err;
}

static wax_err
mp_close(wax_sink *self)
{
    struct wax_mime_multipart *m = (struct wax_mime_multipart *)self;
    WAX_TRY(m->err);
    WAX_ENSURE(!m->closed, WAX_ERR_SINK_CLOSED);
    m->closed = true;
    m->err = level_end(m, 0);
    return m->err;
}

wax_err
wax_mime_multipart_init(struct wax_mime_multipart *mp, const uint8_t *boundary,
                        size_t len, const struct wax_mime_multipart_events *ev,
                        void *ctx)
{
    mp->sink.write = mp_write;
    mp->sink.close = mp_close;
    mp->ev = ev != NULL ? ev : &no_events;
    mp->ctx = ctx;
    mp->num_levels = 1;
    mp->closed = false;
    mp->header.num_fields = 0;
    mp->header.raw.p = NULL;
    mp->header.raw.len = 0;
    wax_buf_init(&mp->hbuf, WAX_MAX_MIME_HEADER_BYTES);
    header_reset(mp);
    mp->err = boundary == NULL ? WAX_ERR_MIME_BAD_BOUNDARY
                               : wax_mime_boundary_check(boundary, len);
    if (mp->err == WAX_OK) {
        level_init(&mp->levels[0], boundary, len);
    }
    return mp->err;
}

wax_sink *
wax_mime_multipart_sink(struct wax_mime_multipart *mp)
{
    return &mp->sink;
}

void
wax_mime_multipart_cleanup(struct wax_mime_multipart *mp)
{
    wax_buf_cleanup(&mp->hbuf);
}

/* ------------------------------------------------------------------ */
/* multipart/signed for verification.                                  */

static wax_err
ss_part_begin(void *ctx, size_t depth, size_t index)
{
    struct wax_mime_signed_split *ss = ctx;
    (void)depth;
    ss->num_parts = index + 1;
    WAX_ENSURE(index < 2, WAX_ERR_MIME_SIGNED_PART_COUNT);
    return WAX_OK;
}

static wax_err
ss_part_header(void *ctx, size_t depth, const struct wax_mime_header *h,
               bool *descend)
{
    struct wax_mime_signed_split *ss = ctx;
    (void)depth;
    *descend = false;
    if (ss->num_parts == 1) {
        return h->raw.len == 0
                   ? WAX_OK
                   : wax_sink_write(ss->content, h->raw.p, h->raw.len);
    }
    struct wax_mime_smime_info info;
    enum wax_mime_cte cte;
    WAX_TRY(wax_mime_smime_identify(&info, h));
    WAX_ENSURE(info.type == WAX_MIME_SMIME_SIGNATURE,
               WAX_ERR_MIME_BAD_SIGNATURE_PART);
    WAX_TRY(wax_mime_header_cte(&cte, h));
    WAX_ENSURE(cte == WAX_MIME_CTE_BASE64, WAX_ERR_MIME_BAD_SIGNATURE_ENCODING);
    wax_b64_decoder_init(&ss->b64, ss->signature);
    return WAX_OK;
}

static wax_err
ss_part_body(void *ctx, size_t depth, const uint8_t *data, size_t len)
{
    struct wax_mime_signed_split *ss = ctx;
    (void)depth;
    return wax_sink_write(ss->num_parts == 1 ? ss->content : &ss->b64.sink,
                          data, len);
}

static wax_err
ss_part_end(void *ctx, size_t depth)
{
    struct wax_mime_signed_split *ss = ctx;
    (void)depth;
    return wax_sink_close(ss->num_parts == 1 ? ss->content : &ss->b64.sink);
}

static wax_err
ss_on_header(void *ctx, const struct wax_mime_header *h)
{
    struct wax_mime_signed_split *ss = ctx;
    if (ss->on_outer != NULL) {
        WAX_TRY(ss->on_outer(ss->ctx, h));
    }
    struct wax_mime_content_type ct;
    bool present;
    WAX_TRY(wax_mime_ct_of(&ct, &present, h));
    WAX_ENSURE(present && wax_mime_content_type_is(&ct, "multipart", "signed"),
               WAX_ERR_MIME_NOT_SIGNED);
    WAX_TRY(wax_mime_smime_identify(&ss->info, h));
    WAX_ENSURE(ss->info.type == WAX_MIME_SMIME_MULTIPART_SIGNED,
               WAX_ERR_MIME_BAD_SIGNED_PROTOCOL);
    uint8_t b[WAX_MAX_MIME_BOUNDARY];
    size_t blen;
    WAX_TRY(wax_mime_header_boundary(b, &blen, h));
    WAX_TRY(wax_mime_multipart_init(&ss->mp, b, blen, &ss->ev, ss));
    ss->mp_ready = true;
    wax_mime_splitter_set_body(&ss->split, &ss->mp.sink);
    return WAX_OK;
}

static wax_err
ss_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_signed_split *ss = (struct wax_mime_signed_split *)self;
    WAX_TRY(ss->err);
    WAX_ENSURE(!ss->closed, WAX_ERR_SINK_CLOSED);
    ss->err = wax_sink_write(&ss->canon.sink, data, len);
    return ss->err;
}

static wax_err
ss_close_impl(struct wax_mime_signed_split *ss)
{
    WAX_TRY(wax_sink_close(&ss->canon.sink));
    WAX_ENSURE(ss->num_parts == 2, WAX_ERR_MIME_SIGNED_PART_COUNT);
    return WAX_OK;
}

static wax_err
ss_close(wax_sink *self)
{
    struct wax_mime_signed_split *ss = (struct wax_mime_signed_split *)self;
    WAX_TRY(ss->err);
    WAX_ENSURE(!ss->closed, WAX_ERR_SINK_CLOSED);
    ss->closed = true;
    ss->err = ss_close_impl(ss);
    return ss->err;
}

void
wax_mime_signed_split_init(struct wax_mime_signed_split *ss, wax_sink *content,
                           wax_sink *signature, wax_mime_header_fn on_outer,
                           void *ctx)
{
    ss->sink.write = ss_write;
    ss->sink.close = ss_close;
    ss->content = content;
    ss->signature = signature;
    ss->on_outer = on_outer;
    ss->ctx = ctx;
    ss->info.type = WAX_MIME_SMIME_NONE;
    ss->info.legacy_x = false;
    ss->info.by_name = false;
    ss->info.micalg = WAX_DIGEST_NONE;
    ss->ev.part_begin = ss_part_begin;
    ss->ev.part_header = ss_part_header;
    ss->ev.part_body = ss_part_body;
    ss->ev.part_end = ss_part_end;
    ss->num_parts = 0;
    ss->mp_ready = false;
    ss->closed = false;
    ss->err = WAX_OK;
    wax_mime_splitter_init(&ss->split, ss_on_header, ss, NULL);
    wax_mime_canon_init(&ss->canon, &ss->split.sink);
}

wax_sink *
wax_mime_signed_split_sink(struct wax_mime_signed_split *ss)
{
    return &ss->sink;
}

const struct wax_mime_header *
wax_mime_signed_split_outer(const struct wax_mime_signed_split *ss)
{
    return wax_mime_splitter_has_header(&ss->split) ? &ss->split.header : NULL;
}

void
wax_mime_signed_split_cleanup(struct wax_mime_signed_split *ss)
{
    if (ss->mp_ready) {
        wax_mime_multipart_cleanup(&ss->mp);
        ss->mp_ready = false;
    }
    wax_mime_splitter_cleanup(&ss->split);
}

/* ------------------------------------------------------------------ */
/* application/pkcs7-mime unwrapping.                                  */

static wax_err
p7m_on_header(void *ctx, const struct wax_mime_header *h)
{
    struct wax_mime_p7m_reader *r = ctx;
    if (r->on_header != NULL) {
        WAX_TRY(r->on_header(r->ctx, h));
    }
    WAX_TRY(wax_mime_smime_identify(&r->info, h));
    switch (r->info.type) {
    case WAX_MIME_SMIME_SIGNED_DATA:
    case WAX_MIME_SMIME_ENVELOPED_DATA:
    case WAX_MIME_SMIME_AUTH_ENVELOPED_DATA:
    case WAX_MIME_SMIME_COMPRESSED_DATA:
    case WAX_MIME_SMIME_CERTS_ONLY:
    case WAX_MIME_SMIME_PKCS7_MIME:
        break;
    case WAX_MIME_SMIME_NONE:
    case WAX_MIME_SMIME_MULTIPART_SIGNED:
    case WAX_MIME_SMIME_SIGNATURE:
        return WAX_ERR_MIME_NOT_PKCS7_MIME;
    }
    enum wax_mime_cte cte;
    WAX_TRY(wax_mime_header_cte(&cte, h));
    if (cte == WAX_MIME_CTE_BASE64) {
        wax_b64_decoder_init(&r->b64, r->out);
        wax_mime_splitter_set_body(&r->split, &r->b64.sink);
    } else if (cte == WAX_MIME_CTE_BINARY) {
        wax_mime_splitter_set_body(&r->split, r->out);
    } else {
        return WAX_ERR_MIME_BAD_CMS_ENCODING;
    }
    return WAX_OK;
}

static wax_err
p7m_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_p7m_reader *r = (struct wax_mime_p7m_reader *)self;
    WAX_TRY(r->err);
    WAX_ENSURE(!r->closed, WAX_ERR_SINK_CLOSED);
    r->err = wax_sink_write(&r->split.sink, data, len);
    return r->err;
}

static wax_err
p7m_close(wax_sink *self)
{
    struct wax_mime_p7m_reader *r = (struct wax_mime_p7m_reader *)self;
    WAX_TRY(r->err);
    WAX_ENSURE(!r->closed, WAX_ERR_SINK_CLOSED);
    r->closed = true;
    r->err = wax_sink_close(&r->split.sink);
    return r->err;
}

void
wax_mime_p7m_reader_init(struct wax_mime_p7m_reader *r, wax_sink *out,
                         wax_mime_header_fn on_header, void *ctx)
{
    r->sink.write = p7m_write;
    r->sink.close = p7m_close;
    r->out = out;
    r->on_header = on_header;
    r->ctx = ctx;
    r->info.type = WAX_MIME_SMIME_NONE;
    r->info.legacy_x = false;
    r->info.by_name = false;
    r->info.micalg = WAX_DIGEST_NONE;
    r->closed = false;
    r->err = WAX_OK;
    wax_mime_splitter_init(&r->split, p7m_on_header, r, NULL);
}

wax_sink *
wax_mime_p7m_reader_sink(struct wax_mime_p7m_reader *r)
{
    return &r->sink;
}

const struct wax_mime_header *
wax_mime_p7m_reader_header(const struct wax_mime_p7m_reader *r)
{
    return wax_mime_splitter_has_header(&r->split) ? &r->split.header : NULL;
}

void
wax_mime_p7m_reader_cleanup(struct wax_mime_p7m_reader *r)
{
    wax_mime_splitter_cleanup(&r->split);
}
