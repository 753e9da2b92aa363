/*
 * Header sections: RFC 5322 section 2.2 (header fields, folding) and
 * section 3.6.8 (field names), as MIME entities use them (RFC 2045).
 *
 *   fields      = *(field-name ":" unstructured CRLF)
 *   field-name  = 1*ftext
 *   ftext       = %d33-57 / %d59-126     ; printable US-ASCII except ":"
 *   obs-field   = field-name *WSP ":" ...  ; obsolete, still accepted
 *
 * A header section ends with an empty line. Line ends are CRLF or, in
 * non-canonical input (files with Unix line ends), a bare LF.
 */
#include <string.h>

#include "mime_internal.h"

/* ------------------------------------------------------------------ */
/* Small shared helpers.                                               */

bool
wax_mime_span_ieq(struct wax_span s, const char *p, size_t len)
{
    if (s.len != len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (wax_mime_lower(s.p[i]) != wax_mime_lower((uint8_t)p[i])) {
            return false;
        }
    }
    return true;
}

bool
wax_mime_name_eq(struct wax_span name, const char *s)
{
    return wax_mime_span_ieq(name, s, strlen(s));
}

wax_err
wax_mime_write_str(wax_sink *out, const char *s)
{
    return wax_sink_write(out, (const uint8_t *)s, strlen(s));
}

wax_err
wax_mime_write_crlf_lines(wax_sink *out, const uint8_t *data, size_t len)
{
    static const uint8_t crlf[2] = {'\r', '\n'};
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
            WAX_TRY(wax_sink_write(out, data + start, i - start));
            WAX_TRY(wax_sink_write(out, crlf, 2));
            start = i + 1;
        }
    }
    if (start == len) {
        return WAX_OK;
    }
    return wax_sink_write(out, data + start, len - start);
}

static bool
is_ftext(uint8_t c)
{
    return c >= 33 && c <= 126 && c != ':';
}

/* ------------------------------------------------------------------ */
/* One-shot parser.                                                    */

/*
 * parse_section does the work of wax_mime_header_parse; with OUT NULL it
 * only validates, so that the public function can leave *OUT untouched on
 * failure (STYLE.md rule 11).
 */
static wax_err
parse_section(struct wax_mime_header *out, size_t *out_body_offset,
              const uint8_t *data, size_t len)
{
    size_t pos = 0;
    size_t num_fields = 0;
    bool have = false;
    struct wax_mime_field cur = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
    size_t value_start = 0;
    size_t section_end = len;
    size_t body_offset = len;

    while (pos < len) {
        size_t start = pos;
        size_t i = pos;
        while (i < len && data[i] != '\n') {
            WAX_ENSURE(data[i] != 0, WAX_ERR_MIME_HEADER_NUL);
            WAX_ENSURE(data[i] != '\r' || (i + 1 < len && data[i + 1] == '\n'),
                       WAX_ERR_MIME_BARE_CR);
            i++;
        }
        bool has_lf = i < len;
        size_t content_end =
            (has_lf && i > start && data[i - 1] == '\r') ? i - 1 : i;
        size_t line_end = has_lf ? i + 1 : len;
        WAX_ENSURE(content_end - start <= WAX_MAX_MIME_LINE,
                   WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
        WAX_ENSURE(line_end <= WAX_MAX_MIME_HEADER_BYTES,
                   WAX_ERR_MIME_HEADER_TOO_LARGE);

        if (content_end == start) {
            /* the empty line (has_lf must hold: start < len) */
            section_end = line_end;
            body_offset = line_end;
            break;
        }
        if (wax_mime_is_wsp(data[start])) {
            /* folding: a continuation of the current field */
            WAX_ENSURE(have, WAX_ERR_MIME_BAD_FOLDING);
            cur.value.len = content_end - value_start;
            cur.raw.len = line_end - (size_t)(cur.raw.p - data);
        } else {
            size_t colon = start;
            while (colon < content_end && data[colon] != ':') {
                colon++;
            }
            WAX_ENSURE(colon < content_end, WAX_ERR_MIME_FIELD_NO_COLON);
            size_t name_end = colon;
            while (name_end > start && wax_mime_is_wsp(data[name_end - 1])) {
                name_end--;
            }
            WAX_ENSURE(name_end > start, WAX_ERR_MIME_BAD_FIELD_NAME);
            for (size_t k = start; k < name_end; k++) {
                WAX_ENSURE(is_ftext(data[k]), WAX_ERR_MIME_BAD_FIELD_NAME);
            }
            if (have && out != NULL) {
                out->fields[num_fields - 1] = cur;
            }
            WAX_ENSURE(num_fields < WAX_MAX_MIME_FIELDS,
                       WAX_ERR_MIME_TOO_MANY_FIELDS);
            num_fields++;
            have = true;
            cur.name.p = data + start;
            cur.name.len = name_end - start;
            value_start = colon + 1;
            cur.value.p = data + value_start;
            cur.value.len = content_end - value_start;
            cur.raw.p = data + start;
            cur.raw.len = line_end - start;
        }
        pos = line_end;
    }

    if (out != NULL) {
        if (have) {
            out->fields[num_fields - 1] = cur;
        }
        out->num_fields = num_fields;
        out->raw.p = data;
        out->raw.len = section_end;
    }
    *out_body_offset = body_offset;
    return WAX_OK;
}

wax_err
wax_mime_header_parse(struct wax_mime_header *out, size_t *out_body_offset,
                      const uint8_t *data, size_t len)
{
    size_t off;
    WAX_ENSURE(data != NULL || len == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(parse_section(NULL, &off, data, len));
    WAX_TRY(parse_section(out, &off, data, len));
    *out_body_offset = off;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Look-ups and values.                                                */

bool
wax_mime_header_find(const struct wax_mime_header *h, size_t *io_index,
                     const char *name)
{
    size_t n = strlen(name);
    for (size_t i = *io_index; i < h->num_fields; i++) {
        if (wax_mime_span_ieq(h->fields[i].name, name, n)) {
            *io_index = i;
            return true;
        }
    }
    return false;
}

wax_err
wax_mime_header_get(const struct wax_mime_header *h,
                    const struct wax_mime_field **out_field, const char *name)
{
    size_t i = 0;
    if (!wax_mime_header_find(h, &i, name)) {
        *out_field = NULL;
        return WAX_OK;
    }
    size_t j = i + 1;
    WAX_ENSURE(!wax_mime_header_find(h, &j, name),
               WAX_ERR_MIME_DUPLICATE_FIELD);
    *out_field = &h->fields[i];
    return WAX_OK;
}

bool
wax_mime_field_is_content(const struct wax_mime_field *f)
{
    static const char prefix[] = "content-";
    size_t n = sizeof prefix - 1;
    if (f->name.len < n) {
        return false;
    }
    struct wax_span head = {f->name.p, n};
    return wax_mime_span_ieq(head, prefix, n);
}

bool
wax_mime_field_is_mime_version(const struct wax_mime_field *f)
{
    return wax_mime_name_eq(f->name, "MIME-Version");
}

wax_err
wax_mime_unfold(uint8_t *out, size_t out_cap, size_t *out_len,
                struct wax_span value)
{
    const uint8_t *v = value.p;
    size_t n = value.len;
    size_t o = 0;
    /* first pass: the length, so that nothing is written on failure */
    for (int pass = 0; pass < 2; pass++) {
        o = 0;
        size_t i = 0;
        while (i < n && wax_mime_is_wsp(v[i])) {
            i++;
        }
        size_t end = n;
        while (end > i && wax_mime_is_wsp(v[end - 1])) {
            end--;
        }
        while (i < end) {
            size_t eol = 0;
            if (v[i] == '\r' && i + 1 < end && v[i + 1] == '\n') {
                eol = 2;
            } else if (v[i] == '\n') {
                eol = 1;
            }
            if (eol != 0 && i + eol < end && wax_mime_is_wsp(v[i + eol])) {
                i += eol;
                continue;
            }
            if (pass == 1) {
                out[o] = v[i];
            }
            o++;
            i++;
        }
        if (pass == 0 && o > out_cap) {
            return WAX_ERR_BUF_TOO_SMALL;
        }
    }
    *out_len = o;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Streaming: finding the end of a header section.                     */

wax_err
wax_mime_hscan(size_t *line_len, bool *pending_cr, size_t *out_used,
               bool *out_done, const uint8_t *data, size_t len)
{
    size_t ll = *line_len;
    bool cr = *pending_cr;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (c == '\n') {
            bool empty = ll == 0;
            ll = 0;
            cr = false;
            if (empty) {
                *line_len = 0;
                *pending_cr = false;
                *out_used = i + 1;
                *out_done = true;
                return WAX_OK;
            }
            continue;
        }
        if (cr) {
            ll++; /* the CR before this byte was not part of a CRLF */
        }
        if (c == '\r') {
            cr = true;
        } else {
            cr = false;
            ll++;
        }
        WAX_ENSURE(ll <= WAX_MAX_MIME_LINE, WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    }
    *line_len = ll;
    *pending_cr = cr;
    *out_used = len;
    *out_done = false;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* The splitter sink.                                                  */

static wax_err
splitter_finish_header(struct wax_mime_splitter *sp)
{
    size_t off;
    WAX_TRY(
        wax_mime_header_parse(&sp->header, &off, sp->buf.data, sp->buf.len));
    sp->in_body = true; /* the header is parsed: has_header from now on */
    if (sp->on_header != NULL) {
        WAX_TRY(sp->on_header(sp->ctx, &sp->header));
    }
    return WAX_OK;
}

static wax_err
splitter_write_impl(struct wax_mime_splitter *sp, const uint8_t *data,
                    size_t len)
{
    if (!sp->in_body) {
        size_t used;
        bool done;
        WAX_TRY(wax_mime_hscan(&sp->line_len, &sp->pending_cr, &used, &done,
                               data, len));
        WAX_ENSURE(used <= WAX_MAX_MIME_HEADER_BYTES - sp->buf.len,
                   WAX_ERR_MIME_HEADER_TOO_LARGE);
        WAX_TRY(wax_buf_append(&sp->buf, data, used));
        if (!done) {
            return WAX_OK;
        }
        WAX_TRY(splitter_finish_header(sp));
        data += used;
        len -= used;
    }
    if (len == 0 || sp->body == NULL) {
        return WAX_OK;
    }
    return wax_sink_write(sp->body, data, len);
}

static wax_err
splitter_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_mime_splitter *sp = (struct wax_mime_splitter *)self;
    WAX_TRY(sp->err);
    WAX_ENSURE(!sp->closed, WAX_ERR_SINK_CLOSED);
    sp->err = splitter_write_impl(sp, data, len);
    return sp->err;
}

static wax_err
splitter_close_impl(struct wax_mime_splitter *sp)
{
    if (!sp->in_body) {
        WAX_TRY(splitter_finish_header(sp));
    }
    if (sp->body != NULL) {
        WAX_TRY(wax_sink_close(sp->body));
    }
    return WAX_OK;
}

static wax_err
splitter_close(wax_sink *self)
{
    struct wax_mime_splitter *sp = (struct wax_mime_splitter *)self;
    WAX_TRY(sp->err);
    WAX_ENSURE(!sp->closed, WAX_ERR_SINK_CLOSED);
    sp->closed = true;
    sp->err = splitter_close_impl(sp);
    return sp->err;
}

void
wax_mime_splitter_init(struct wax_mime_splitter *sp,
                       wax_mime_header_fn on_header, void *ctx, wax_sink *body)
{
    sp->sink.write = splitter_write;
    sp->sink.close = splitter_close;
    sp->body = body;
    sp->on_header = on_header;
    sp->ctx = ctx;
    wax_buf_init(&sp->buf, WAX_MAX_MIME_HEADER_BYTES);
    sp->header.raw.p = NULL;
    sp->header.raw.len = 0;
    sp->header.num_fields = 0;
    sp->line_len = 0;
    sp->pending_cr = false;
    sp->in_body = false;
    sp->closed = false;
    sp->err = WAX_OK;
}

void
wax_mime_splitter_set_body(struct wax_mime_splitter *sp, wax_sink *body)
{
    sp->body = body;
}

wax_sink *
wax_mime_splitter_sink(struct wax_mime_splitter *sp)
{
    return &sp->sink;
}

bool
wax_mime_splitter_has_header(const struct wax_mime_splitter *sp)
{
    return sp->in_body;
}

void
wax_mime_splitter_cleanup(struct wax_mime_splitter *sp)
{
    wax_buf_cleanup(&sp->buf);
    sp->header.num_fields = 0;
    sp->header.raw.p = NULL;
    sp->header.raw.len = 0;
}
