/*
 * The streaming BER reader (DESIGN.md "How the streaming BER reader serves
 * CMS"): an event machine fed in chunks of any size, with a fixed stack of
 * open elements, and captures that normalise an element to DER in a capped
 * buffer.
 *
 * BER as X.690 (08/2015) §8.1 defines it: identifier octets (§8.1.2),
 * length octets in short, long or indefinite form (§8.1.3), end-of-contents
 * octets 00 00 (§8.1.5); constructed strings (§8.6.4, §8.7.3, §8.23.6).
 * DER (§10, §11) adds minimal definite lengths and primitive strings.
 */
#include <string.h>

#include <wax/der.h>

#include "reader_internal.h"

enum ber_state {
    BER_ST_HEADER = 0, /* reading identifier and length octets */
    BER_ST_PRIM,       /* reading the contents of a primitive element */
    BER_ST_DONE,       /* the top-level element has ended */
    BER_ST_FINISHED,   /* wax_ber_reader_finish succeeded */
};

enum hdr_stage {
    HDR_ID = 0,   /* first identifier octet */
    HDR_ID_HIGH,  /* subsequent identifier octets */
    HDR_LEN,      /* first length octet */
    HDR_LEN_LONG, /* subsequent length octets */
};

#define UNIVERSAL_NUMBER(tag)                                                  \
    (((tag)&WAX_DER_CLASS_MASK) == WAX_DER_UNIVERSAL                           \
         ? (int)((tag)&WAX_DER_TAG_NUMBER_MASK)                                \
         : -1)

static wax_err ber_sink_write(wax_sink *self, const uint8_t *data, size_t len);
static wax_err ber_sink_close(wax_sink *self);

/* ------------------------------------------------------------------ */
/* Tag classification.                                                 */

/* tag_form_valid: universal types whose form X.690 fixes (§8.2 to §8.5,
 * §8.9 to §8.12, §8.19, §8.20). */
static bool
tag_form_valid(uint32_t tag)
{
    bool constructed = (tag & WAX_DER_CONSTRUCTED) != 0;
    switch (UNIVERSAL_NUMBER(tag)) {
    case 0: /* reserved for end-of-contents */
        return false;
    case 1:  /* BOOLEAN */
    case 2:  /* INTEGER */
    case 5:  /* NULL */
    case 6:  /* OBJECT IDENTIFIER */
    case 9:  /* REAL */
    case 10: /* ENUMERATED */
    case 13: /* RELATIVE-OID */
        return !constructed;
    case 8:  /* EXTERNAL */
    case 11: /* EMBEDDED PDV */
    case 16: /* SEQUENCE */
    case 17: /* SET */
    case 29: /* CHARACTER STRING */
        return constructed;
    default:
        return true;
    }
}

/* ------------------------------------------------------------------ */
/* Events.                                                             */

static wax_err
emit(struct wax_ber_reader *r, const struct wax_ber_event *ev)
{
    if (r->handler == NULL) {
        return WAX_OK;
    }
    r->in_callback = true;
    r->in_begin = ev->type == WAX_BER_BEGIN;
    wax_err err = r->handler(r->ctx, r, ev);
    r->in_callback = false;
    r->in_begin = false;
    if (err == WAX_OK) {
        err = r->err; /* a misuse during the callback sticks */
    }
    return err;
}

static void
event_for_frame(const struct wax_ber_reader *r, size_t idx,
                enum wax_ber_event_type type, struct wax_ber_event *ev)
{
    const struct wax_ber_frame *f = &r->frames[idx];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->tag = f->tag;
    ev->constructed = (f->tag & WAX_DER_CONSTRUCTED) != 0;
    ev->indefinite = f->indefinite;
    ev->depth = idx;
    ev->offset = f->offset;
    ev->length = f->length;
}

/* ------------------------------------------------------------------ */
/* Capture: the element normalised to DER in the caller's buffer.      */

/* cap_append appends LEN bytes to the capture, within its cap. */
static wax_err
cap_append(struct wax_ber_reader *r, const uint8_t *data, size_t len)
{
    struct wax_buf *out = r->cap_buf;
    WAX_ENSURE(len <= r->cap_max - (out->len - r->cap_start),
               WAX_ERR_BER_CAPTURE_TOO_LARGE);
    return wax_buf_append(out, data, len);
}

static size_t
encode_tag(uint32_t tag, uint8_t out[6])
{
    uint32_t number = tag & WAX_DER_TAG_NUMBER_MASK;
    uint8_t first = (uint8_t)((tag >> 24) & 0xE0u);
    if (number < 31) {
        out[0] = (uint8_t)(first | number);
        return 1;
    }
    out[0] = (uint8_t)(first | 0x1Fu);
    size_t n = 0;
    for (uint32_t v = number; v != 0; v >>= 7) {
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t septet = (uint8_t)((number >> (7 * (n - 1 - i))) & 0x7Fu);
        out[1 + i] = (uint8_t)(septet | (i + 1 < n ? 0x80u : 0x00u));
    }
    return 1 + n;
}

/* cap_open writes TAG and a one-octet length placeholder; *OUT_START is
 * the placeholder's offset. */
static wax_err
cap_open(struct wax_ber_reader *r, uint32_t tag, size_t *out_start)
{
    uint8_t hdr[7];
    size_t n = encode_tag(tag, hdr);
    hdr[n++] = 0;
    WAX_TRY(cap_append(r, hdr, n));
    *out_start = r->cap_buf->len - 1;
    return WAX_OK;
}

/* cap_close back-fills the minimal length of the contents after START. */
static wax_err
cap_close(struct wax_ber_reader *r, size_t start)
{
    struct wax_buf *out = r->cap_buf;
    size_t body = out->len - (start + 1);
    if (body < 0x80) {
        out->data[start] = (uint8_t)body;
        return WAX_OK;
    }
    uint8_t len_octets[9];
    size_t n = 0;
    for (uint64_t v = body; v != 0; v >>= 8) {
        n++;
    }
    len_octets[0] = (uint8_t)(0x80u | n);
    for (size_t i = 0; i < n; i++) {
        len_octets[1 + i] = (uint8_t)((uint64_t)body >> (8 * (n - 1 - i)));
    }
    WAX_ENSURE(n <= r->cap_max - (out->len - r->cap_start),
               WAX_ERR_BER_CAPTURE_TOO_LARGE);
    uint8_t *unused;
    WAX_TRY(wax_buf_reserve(out, n, &unused));
    memmove(out->data + start + 1 + n, out->data + start + 1, body);
    wax_buf_advance(out, n);
    memcpy(out->data + start, len_octets, n + 1);
    return WAX_OK;
}

/*
 * cap_check_value checks the LEN contents at P of a primitive element with
 * tag TAG: where BER and DER differ it rewrites them (BOOLEAN TRUE is 0xFF,
 * X.690 §11.1; unused bits of a BIT STRING are zero, §11.2.1), then applies
 * the strict reader's content rules, so that a capture passes
 * wax_der_validate.
 */
static wax_err
cap_check_value(struct wax_ber_reader *r, uint32_t tag, uint8_t *p, size_t len)
{
    if (tag == WAX_DER_BOOLEAN && len == 1 && p[0] != 0x00 && p[0] != 0xFF) {
        p[0] = 0xFF;
        r->cap_exact = false;
    }
    if (tag == WAX_DER_BIT_STRING && len > 1 && p[0] <= 7) {
        uint8_t mask = (uint8_t)((1u << p[0]) - 1u);
        if ((p[len - 1] & mask) != 0) {
            p[len - 1] &= (uint8_t)~mask;
            r->cap_exact = false;
        }
    }
    struct wax_span contents;
    wax_span_init(&contents, p, len);
    return wax_der_check_primitive(tag, contents);
}

/* cap_begin: frame IDX has begun inside the capture (or is its root). */
static wax_err
cap_begin(struct wax_ber_reader *r, size_t idx)
{
    struct wax_ber_frame *f = &r->frames[idx];
    f->seen = 0;
    f->unused_bits = 0;
    if (r->hdr_nonminimal || f->indefinite) {
        r->cap_exact = false;
    }
    if (r->cap_merge != SIZE_MAX) {
        /* a segment of a constructed string: same type (X.690 §8.7.3.2) */
        uint32_t want = r->frames[r->cap_merge].tag & ~WAX_DER_CONSTRUCTED;
        WAX_ENSURE((f->tag & ~WAX_DER_CONSTRUCTED) == want,
                   WAX_ERR_BER_BAD_TAG);
        return WAX_OK;
    }
    if ((f->tag & WAX_DER_CONSTRUCTED) &&
        wax_der_is_string_type(UNIVERSAL_NUMBER(f->tag))) {
        /* merged into one primitive string (X.690 §10.2) */
        r->cap_merge = idx;
        r->cap_exact = false;
        WAX_TRY(cap_open(r, f->tag & ~WAX_DER_CONSTRUCTED, &f->out_start));
        if (UNIVERSAL_NUMBER(f->tag) == 3) {
            static const uint8_t unused = 0; /* back-filled at the end */
            WAX_TRY(cap_append(r, &unused, 1));
        }
        return WAX_OK;
    }
    return cap_open(r, f->tag, &f->out_start);
}

/* cap_data: LEN contents bytes of the primitive on top of the stack. */
static wax_err
cap_data(struct wax_ber_reader *r, const uint8_t *data, size_t len)
{
    struct wax_ber_frame *f = &r->frames[r->num_frames - 1];
    if (r->cap_merge != SIZE_MAX &&
        UNIVERSAL_NUMBER(r->frames[r->cap_merge].tag) == 3 && f->seen == 0) {
        /* each BIT STRING segment starts with its own unused-bits octet;
         * only the last segment may have unused bits (X.690 §8.6.4) */
        struct wax_ber_frame *m = &r->frames[r->cap_merge];
        WAX_ENSURE(m->unused_bits == 0 && data[0] <= 7,
                   WAX_ERR_DER_BAD_BIT_STRING);
        m->unused_bits = data[0];
        f->seen = 1;
        data++;
        len--;
    }
    f->seen += len;
    return cap_append(r, data, len);
}

/* cap_end: frame IDX ends inside the capture (or is its root). */
static wax_err
cap_end(struct wax_ber_reader *r, size_t idx)
{
    struct wax_ber_frame *f = &r->frames[idx];
    if (r->cap_merge != SIZE_MAX && idx > r->cap_merge) {
        struct wax_ber_frame *m = &r->frames[r->cap_merge];
        if (UNIVERSAL_NUMBER(m->tag) == 3 && !(f->tag & WAX_DER_CONSTRUCTED)) {
            WAX_ENSURE(f->seen >= 1, WAX_ERR_DER_BAD_BIT_STRING);
            WAX_ENSURE(f->seen > 1 || m->unused_bits == 0,
                       WAX_ERR_DER_BAD_BIT_STRING);
        }
        return WAX_OK;
    }
    uint32_t tag = f->tag;
    if (idx == r->cap_merge) {
        r->cap_merge = SIZE_MAX;
        tag &= ~WAX_DER_CONSTRUCTED;
        if (tag == WAX_DER_BIT_STRING) {
            r->cap_buf->data[f->out_start + 1] = f->unused_bits;
        }
    }
    if (!(tag & WAX_DER_CONSTRUCTED)) {
        struct wax_buf *out = r->cap_buf;
        size_t body_start = f->out_start + 1;
        WAX_TRY(cap_check_value(r, tag, out->data + body_start,
                                out->len - body_start));
    }
    return cap_close(r, f->out_start);
}

static void
cap_abort(struct wax_ber_reader *r)
{
    if (r->capturing) {
        r->cap_buf->len = r->cap_start;
        r->capturing = false;
    }
}

/* ------------------------------------------------------------------ */
/* The machine.                                                        */

/* element_end: the element on top of the stack has ended at r->pos; so
 * may its definite-length ancestors. */
static wax_err
element_end(struct wax_ber_reader *r)
{
    for (;;) {
        size_t idx = r->num_frames - 1;
        struct wax_ber_event ev;
        if (r->capturing) {
            WAX_TRY(cap_end(r, idx));
            if (idx == r->cap_root) {
                event_for_frame(r, idx, WAX_BER_CAPTURED, &ev);
                ev.data = r->cap_buf->data + r->cap_start;
                ev.data_len = r->cap_buf->len - r->cap_start;
                ev.was_der = r->cap_exact;
                r->capturing = false;
                WAX_TRY(emit(r, &ev));
            }
        } else {
            event_for_frame(r, idx, WAX_BER_END, &ev);
            WAX_TRY(emit(r, &ev));
        }
        r->num_frames--;
        if (r->num_frames == 0) {
            r->state = BER_ST_DONE;
            return WAX_OK;
        }
        const struct wax_ber_frame *parent = &r->frames[r->num_frames - 1];
        if (parent->indefinite || r->pos != parent->end) {
            r->state = BER_ST_HEADER;
            return WAX_OK;
        }
    }
}

/* header_byte takes one identifier or length octet; *OUT_DONE is set when
 * the header is complete. */
static wax_err
header_byte(struct wax_ber_reader *r, uint8_t c, bool *out_done)
{
    *out_done = false;
    switch ((enum hdr_stage)r->hdr_stage) {
    case HDR_ID:
        r->hdr_tag = (uint32_t)(c & 0xE0u) << 24;
        r->hdr_eoc = c == 0x00;
        if ((c & 0x1Fu) == 0x1Fu) {
            r->hdr_stage = HDR_ID_HIGH;
            r->hdr_first_octet = true;
        } else {
            r->hdr_tag |= c & 0x1Fu;
            r->hdr_stage = HDR_LEN;
        }
        return WAX_OK;
    case HDR_ID_HIGH: {
        /* §8.1.2.4.2: no leading 0x80 octet, used only for numbers >= 31 */
        WAX_ENSURE(!r->hdr_first_octet || c != 0x80, WAX_ERR_BER_BAD_TAG);
        r->hdr_first_octet = false;
        uint32_t number = r->hdr_tag & WAX_DER_TAG_NUMBER_MASK;
        WAX_ENSURE(number <= (WAX_DER_TAG_NUMBER_MASK >> 7),
                   WAX_ERR_DER_TAG_TOO_LARGE);
        number = (number << 7) | (c & 0x7Fu);
        r->hdr_tag = (r->hdr_tag & ~WAX_DER_TAG_NUMBER_MASK) | number;
        if (!(c & 0x80)) {
            WAX_ENSURE(number >= 31, WAX_ERR_BER_BAD_TAG);
            r->hdr_stage = HDR_LEN;
        }
        return WAX_OK;
    }
    case HDR_LEN:
        r->hdr_indefinite = false;
        r->hdr_nonminimal = false;
        r->hdr_length = 0;
        r->hdr_len_zero_octet = c == 0x00;
        if (c < 0x80) {
            r->hdr_length = c;
            *out_done = true;
        } else if (c == 0x80) {
            r->hdr_indefinite = true;
            *out_done = true;
        } else {
            /* §8.1.3.5: 0xFF is reserved; we take at most 8 octets */
            WAX_ENSURE(c != 0xFF && (c & 0x7Fu) <= 8, WAX_ERR_BER_BAD_LENGTH);
            r->hdr_len_left = c & 0x7Fu;
            r->hdr_first_octet = true;
            r->hdr_stage = HDR_LEN_LONG;
        }
        return WAX_OK;
    case HDR_LEN_LONG:
        if (r->hdr_first_octet && c == 0x00) {
            r->hdr_nonminimal = true;
        }
        r->hdr_first_octet = false;
        r->hdr_length = (r->hdr_length << 8) | c;
        if (--r->hdr_len_left == 0) {
            WAX_ENSURE(r->hdr_length <= (uint64_t)INT64_MAX,
                       WAX_ERR_BER_BAD_LENGTH);
            if (r->hdr_length < 0x80) {
                r->hdr_nonminimal = true;
            }
            *out_done = true;
        }
        return WAX_OK;
    }
    return WAX_ERR_BER_STATE;
}

/* on_header: a whole header has been read; r->pos is past it. */
static wax_err
on_header(struct wax_ber_reader *r)
{
    r->hdr_stage = HDR_ID;
    if (r->hdr_eoc) {
        /* §8.1.5: two zero octets, ending an indefinite-length element */
        WAX_ENSURE(r->hdr_len_zero_octet, WAX_ERR_BER_BAD_EOC);
        WAX_ENSURE(r->num_frames > 0 && r->frames[r->num_frames - 1].indefinite,
                   WAX_ERR_BER_BAD_EOC);
        return element_end(r);
    }
    WAX_ENSURE(tag_form_valid(r->hdr_tag), WAX_ERR_BER_BAD_TAG);
    bool constructed = (r->hdr_tag & WAX_DER_CONSTRUCTED) != 0;
    /* §8.1.3.2: the indefinite form only for constructed elements */
    WAX_ENSURE(!r->hdr_indefinite || constructed, WAX_ERR_BER_BAD_LENGTH);
    WAX_ENSURE(r->num_frames < r->max_depth, WAX_ERR_BER_TOO_DEEP);
    uint64_t limit =
        r->num_frames == 0 ? UINT64_MAX : r->frames[r->num_frames - 1].limit;
    WAX_ENSURE(r->hdr_indefinite || r->hdr_length <= limit - r->pos,
               WAX_ERR_BER_LENGTH_MISMATCH);

    size_t idx = r->num_frames++;
    struct wax_ber_frame *f = &r->frames[idx];
    f->offset = r->hdr_offset;
    f->tag = r->hdr_tag;
    f->indefinite = r->hdr_indefinite;
    f->length = r->hdr_length;
    f->end = r->hdr_indefinite ? UINT64_MAX : r->pos + r->hdr_length;
    f->limit = r->hdr_indefinite ? limit : f->end;
    f->seen = 0;
    f->out_start = 0;
    f->unused_bits = 0;

    if (r->capturing) {
        WAX_TRY(cap_begin(r, idx));
    } else {
        struct wax_ber_event ev;
        event_for_frame(r, idx, WAX_BER_BEGIN, &ev);
        r->cap_requested = false;
        WAX_TRY(emit(r, &ev));
        if (r->cap_requested) {
            r->cap_requested = false;
            r->capturing = true;
            r->cap_root = idx;
            r->cap_merge = SIZE_MAX;
            r->cap_exact = true;
            WAX_TRY(cap_begin(r, idx));
        }
    }
    if (!r->hdr_indefinite && r->hdr_length == 0) {
        return element_end(r);
    }
    if (!constructed) {
        r->remaining = r->hdr_length;
        r->state = BER_ST_PRIM;
    }
    return WAX_OK;
}

static wax_err
on_data(struct wax_ber_reader *r, const uint8_t *data, size_t len)
{
    if (r->capturing) {
        return cap_data(r, data, len);
    }
    struct wax_ber_event ev;
    event_for_frame(r, r->num_frames - 1, WAX_BER_DATA, &ev);
    ev.data = data;
    ev.data_len = len;
    ev.data_offset = r->pos;
    return emit(r, &ev);
}

static wax_err
reader_write(struct wax_ber_reader *r, const uint8_t *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        switch ((enum ber_state)r->state) {
        case BER_ST_HEADER: {
            if (r->num_frames > 0) {
                /* a header must start and end inside a definite parent */
                WAX_ENSURE(r->pos < r->frames[r->num_frames - 1].limit,
                           WAX_ERR_BER_LENGTH_MISMATCH);
            }
            if (r->hdr_stage == HDR_ID) {
                r->hdr_offset = r->pos;
            }
            bool done;
            uint8_t c = data[i++];
            r->pos++;
            WAX_TRY(header_byte(r, c, &done));
            if (done) {
                WAX_TRY(on_header(r));
            }
            break;
        }
        case BER_ST_PRIM: {
            size_t n = len - i;
            if (n > r->remaining) {
                n = (size_t)r->remaining;
            }
            WAX_TRY(on_data(r, data + i, n));
            i += n;
            r->pos += n;
            r->remaining -= n;
            if (r->remaining == 0) {
                WAX_TRY(element_end(r));
            }
            break;
        }
        case BER_ST_DONE:
            return WAX_ERR_BER_TRAILING_DATA;
        case BER_ST_FINISHED:
            return WAX_ERR_BER_STATE;
        }
    }
    return WAX_OK;
}

/* reader_fail makes ERR stick and drops a partial capture. */
static wax_err
reader_fail(struct wax_ber_reader *r, wax_err err)
{
    if (r->err == WAX_OK) {
        r->err = err;
    }
    cap_abort(r);
    return r->err;
}

/* ------------------------------------------------------------------ */
/* Public functions.                                                   */

void
wax_ber_reader_init(struct wax_ber_reader *r, size_t max_depth,
                    wax_ber_handler handler, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->sink.write = ber_sink_write;
    r->sink.close = ber_sink_close;
    r->handler = handler;
    r->ctx = ctx;
    r->max_depth = max_depth == 0 || max_depth > WAX_MAX_DER_DEPTH
                       ? WAX_MAX_DER_DEPTH
                       : max_depth;
    r->err = WAX_OK;
    r->state = BER_ST_HEADER;
    r->hdr_stage = HDR_ID;
    r->cap_merge = SIZE_MAX;
}

wax_err
wax_ber_reader_write(struct wax_ber_reader *r, const uint8_t *data, size_t len)
{
    WAX_TRY(r->err);
    if (r->in_callback || r->state == BER_ST_FINISHED) {
        return reader_fail(r, WAX_ERR_BER_STATE);
    }
    wax_err err = reader_write(r, data, len);
    if (err != WAX_OK) {
        return reader_fail(r, err);
    }
    return WAX_OK;
}

wax_err
wax_ber_reader_finish(struct wax_ber_reader *r)
{
    WAX_TRY(r->err);
    if (r->in_callback || r->state == BER_ST_FINISHED) {
        return reader_fail(r, WAX_ERR_BER_STATE);
    }
    if (r->state != BER_ST_DONE) {
        return reader_fail(r, WAX_ERR_BER_TRUNCATED);
    }
    r->state = BER_ST_FINISHED;
    return WAX_OK;
}

wax_sink *
wax_ber_reader_sink(struct wax_ber_reader *r)
{
    return &r->sink;
}

uint64_t
wax_ber_reader_offset(const struct wax_ber_reader *r)
{
    return r->pos;
}

wax_err
wax_ber_reader_capture(struct wax_ber_reader *r, struct wax_buf *out,
                       size_t max_len)
{
    WAX_TRY(r->err);
    if (!r->in_begin || r->capturing || r->cap_requested || out == NULL) {
        return reader_fail(r, WAX_ERR_BER_STATE);
    }
    if (out->err != WAX_OK) {
        return reader_fail(r, out->err);
    }
    r->cap_buf = out;
    r->cap_start = out->len;
    r->cap_max = out->max - out->len < max_len ? out->max - out->len : max_len;
    r->cap_requested = true;
    return WAX_OK;
}

static wax_err
ber_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    return wax_ber_reader_write((struct wax_ber_reader *)self, data, len);
}

static wax_err
ber_sink_close(wax_sink *self)
{
    return wax_ber_reader_finish((struct wax_ber_reader *)self);
}

struct to_der_ctx {
    struct wax_buf *out;
    size_t max_out;
};

static wax_err
to_der_handler(void *ctx, struct wax_ber_reader *r,
               const struct wax_ber_event *ev)
{
    struct to_der_ctx *c = ctx;
    if (ev->type == WAX_BER_BEGIN && ev->depth == 0) {
        return wax_ber_reader_capture(r, c->out, c->max_out);
    }
    return WAX_OK;
}

wax_err
wax_ber_to_der(const uint8_t *in, size_t in_len, size_t max_out,
               struct wax_buf *out)
{
    struct to_der_ctx ctx = {out, max_out};
    struct wax_ber_reader r;
    size_t start = out->len;
    wax_ber_reader_init(&r, WAX_MAX_DER_DEPTH, to_der_handler, &ctx);
    wax_err err = wax_ber_reader_write(&r, in, in_len);
    if (err == WAX_OK) {
        err = wax_ber_reader_finish(&r);
    }
    if (err != WAX_OK) {
        out->len = start; /* trailing data may follow a whole capture */
    }
    return err;
}
