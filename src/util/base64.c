/*
 * Base64 (RFC 4648 section 4; RFC 2045 section 6.8 line layout), streaming
 * and one-shot. Both directions are table driven and work on whole groups:
 * the encoder maps 12 input bits to two characters with one lookup, the
 * decoder's fast path ORs four pre-shifted lookups into a 24-bit value and
 * leaves for the careful per-character path only on whitespace, padding or
 * an invalid character (a lookup with a bit above bit 23 set).
 */
#include <string.h>

#include <wax/util.h>

/* ---- tables, built at compile time (no global mutable state) ---- */

#define B64_CHAR(v)                                                            \
    ((v) < 26    ? 'A' + (v)                                                   \
     : (v) < 52  ? 'a' + ((v)-26)                                              \
     : (v) < 62  ? '0' + ((v)-52)                                              \
     : (v) == 62 ? '+'                                                         \
                 : '/')

/* The 6-bit value of character C, B64_PAD for '=', B64_BAD otherwise. */
#define B64_PAD 0x40u
#define B64_BAD 0xFFu
#define B64_VAL(c)                                                             \
    ((c) >= 'A' && (c) <= 'Z'   ? (unsigned)(c) - 'A'                          \
     : (c) >= 'a' && (c) <= 'z' ? (unsigned)(c) - 'a' + 26                     \
     : (c) >= '0' && (c) <= '9' ? (unsigned)(c) - '0' + 52                     \
     : (c) == '+'               ? 62u                                          \
     : (c) == '/'               ? 63u                                          \
     : (c) == '='               ? B64_PAD                                      \
                                : B64_BAD)

/* In the fast-path tables every non-alphabet byte sets the top byte. */
#define B64_FAST_BAD 0xFF000000u
#define B64_FAST(c, shift)                                                     \
    (B64_VAL(c) < 64 ? (uint32_t)B64_VAL(c) << (shift) : B64_FAST_BAD)

#define R4(M, b) M(b) M((b) + 1) M((b) + 2) M((b) + 3)
#define R16(M, b) R4(M, b) R4(M, (b) + 4) R4(M, (b) + 8) R4(M, (b) + 12)
#define R64(M, b) R16(M, b) R16(M, (b) + 16) R16(M, (b) + 32) R16(M, (b) + 48)
#define R256(M, b)                                                             \
    R64(M, b) R64(M, (b) + 64) R64(M, (b) + 128) R64(M, (b) + 192)
#define R1024(M, b)                                                            \
    R256(M, b) R256(M, (b) + 256) R256(M, (b) + 512) R256(M, (b) + 768)
#define R4096(M) R1024(M, 0) R1024(M, 1024) R1024(M, 2048) R1024(M, 3072)

#define PAIR_ROW(i) {(uint8_t)B64_CHAR((i) >> 6), (uint8_t)B64_CHAR((i)&63)},
static const uint8_t b64_pair[4096][2] = {R4096(PAIR_ROW)};

#define VAL_ROW(c) (uint8_t) B64_VAL(c),
static const uint8_t b64_val[256] = {R256(VAL_ROW, 0)};

#define D0_ROW(c) B64_FAST(c, 18),
#define D1_ROW(c) B64_FAST(c, 12),
#define D2_ROW(c) B64_FAST(c, 6),
#define D3_ROW(c) B64_FAST(c, 0),
static const uint32_t b64_d0[256] = {R256(D0_ROW, 0)};
static const uint32_t b64_d1[256] = {R256(D1_ROW, 0)};
static const uint32_t b64_d2[256] = {R256(D2_ROW, 0)};
static const uint32_t b64_d3[256] = {R256(D3_ROW, 0)};

static inline void
store_be32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
    memcpy(p, &v, 4);
#else
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (24 - 8 * i));
    }
#endif
}

static inline uint64_t
load_be64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
#else
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
#endif
}

static bool
line_len_ok(size_t line_len)
{
    return line_len == 0 ||
           (line_len % 4 == 0 && line_len <= WAX_B64_MAX_LINE_LEN);
}

/* ---- encoding core ---- */

/* enc_groups encodes NUM_GROUPS whole 3-byte groups of IN to 4 * NUM_GROUPS
 * characters at OUT. */
static void
enc_groups(uint8_t *restrict out, const uint8_t *restrict in, size_t num_groups)
{
    /* two groups per round from one 8-byte load (6 bytes used) while at
     * least 8 input bytes remain */
    for (; num_groups >= 3; num_groups -= 2, in += 6, out += 8) {
        uint64_t v = load_be64(in);
        memcpy(out, b64_pair[v >> 52], 2);
        memcpy(out + 2, b64_pair[(v >> 40) & 0xfff], 2);
        memcpy(out + 4, b64_pair[(v >> 28) & 0xfff], 2);
        memcpy(out + 6, b64_pair[(v >> 16) & 0xfff], 2);
    }
    for (; num_groups >= 2; num_groups -= 2, in += 6, out += 8) {
        uint32_t a = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
        uint32_t b = (uint32_t)in[3] << 16 | (uint32_t)in[4] << 8 | in[5];
        memcpy(out, b64_pair[a >> 12], 2);
        memcpy(out + 2, b64_pair[a & 0xfff], 2);
        memcpy(out + 4, b64_pair[b >> 12], 2);
        memcpy(out + 6, b64_pair[b & 0xfff], 2);
    }
    if (num_groups == 1) {
        uint32_t a = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
        memcpy(out, b64_pair[a >> 12], 2);
        memcpy(out + 2, b64_pair[a & 0xfff], 2);
    }
}

/* enc_final encodes the last 1 or 2 bytes with padding (4 characters). */
static void
enc_final(uint8_t *out, const uint8_t *in, size_t len)
{
    uint32_t a = (uint32_t)in[0] << 16;
    if (len == 2) {
        a |= (uint32_t)in[1] << 8;
    }
    memcpy(out, b64_pair[a >> 12], 2);
    if (len == 2) {
        out[2] = b64_pair[a & 0xfff][0];
    } else {
        out[2] = '=';
    }
    out[3] = '=';
}

/* ---- decoding core (shared by the stream and the one-shot form) ---- */

static bool
is_b64_space(uint8_t c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

/*
 * dec_fast decodes whole groups of plain alphabet characters from *PIN
 * into OUT[*POS .. CAP), skipping whitespace between groups, and advances
 * *PIN and *POS. It stops before the first group
 * holding anything else ('=', an invalid byte, whitespace inside a group),
 * which the careful path then handles.
 */
static void
dec_fast(uint8_t *restrict out, size_t cap, size_t *pos, const uint8_t **pin,
         const uint8_t *end)
{
    const uint8_t *p = *pin;
    size_t o = *pos;
    for (;;) {
        size_t groups = (size_t)(end - p) / 4;
        /* each group is stored as 4 bytes of which 3 count */
        size_t room = cap - o < 4 ? 0 : (cap - o - 1) / 3;
        if (groups > room) {
            groups = room;
        }
        for (; groups > 0; groups--) {
            uint32_t a =
                b64_d0[p[0]] | b64_d1[p[1]] | b64_d2[p[2]] | b64_d3[p[3]];
            if (a & B64_FAST_BAD) {
                break;
            }
            store_be32(out + o, a << 8);
            o += 3;
            p += 4;
        }
        /* whitespace between groups (the line breaks) changes nothing */
        if (p < end && is_b64_space(*p)) {
            p++;
            continue;
        }
        break;
    }
    *pin = p;
    *pos = o;
}

/*
 * dec_run decodes from *PIN up to END into OUT[*POS .. CAP). It returns
 * WAX_OK when all input is consumed, WAX_ERR_BUF_TOO_SMALL when the next
 * output does not fit (state and *PIN stop right before the character that
 * would produce it), or a decoding error (state unchanged by the offending
 * character).
 */
static wax_err
dec_run(struct wax_b64_decoder *d, const uint8_t **pin, const uint8_t *end,
        uint8_t *out, size_t cap, size_t *pos)
{
    const uint8_t *p = *pin;
    size_t o = *pos;
    wax_err err = WAX_OK;

    while (p < end) {
        if (d->num_chars == 0 && !d->done) {
            dec_fast(out, cap, &o, &p, end);
            if (p == end) {
                break;
            }
        }

        /* the careful path: one character */
        uint8_t c = *p;
        if (is_b64_space(c)) {
            p++;
            continue;
        }
        if (d->done) {
            err = WAX_ERR_BASE64_TRAILING_DATA;
            break;
        }
        unsigned v = b64_val[c];
        if (v == B64_BAD) {
            err = WAX_ERR_BASE64_INVALID_CHAR;
            break;
        }
        if (v == B64_PAD) {
            if (d->num_chars < 2) {
                err = WAX_ERR_BASE64_BAD_PADDING;
                break;
            }
            if (d->num_chars == 2) {
                /* "xx=": 12 bits hold one byte; the low 4 must be zero */
                if (d->acc & 0xf) {
                    err = WAX_ERR_BASE64_BAD_PADDING;
                    break;
                }
                d->num_chars = 3;
                d->num_pads = 1;
            } else if (d->num_pads == 1) {
                /* "xx==" */
                if (cap - o < 1) {
                    err = WAX_ERR_BUF_TOO_SMALL;
                    break;
                }
                out[o++] = (uint8_t)(d->acc >> 4);
                d->num_chars = 0;
                d->num_pads = 2;
                d->acc = 0;
                d->done = true;
            } else {
                /* "xxx=": 18 bits hold two bytes; the low 2 must be zero */
                if (d->acc & 0x3) {
                    err = WAX_ERR_BASE64_BAD_PADDING;
                    break;
                }
                if (cap - o < 2) {
                    err = WAX_ERR_BUF_TOO_SMALL;
                    break;
                }
                out[o] = (uint8_t)(d->acc >> 10);
                out[o + 1] = (uint8_t)(d->acc >> 2);
                o += 2;
                d->num_chars = 0;
                d->num_pads = 1;
                d->acc = 0;
                d->done = true;
            }
            p++;
            continue;
        }
        if (d->num_pads != 0) {
            /* "xx=" must be followed by '=' */
            err = WAX_ERR_BASE64_BAD_PADDING;
            break;
        }
        if (d->num_chars == 3) {
            if (cap - o < 3) {
                err = WAX_ERR_BUF_TOO_SMALL;
                break;
            }
            uint32_t a = d->acc << 6 | v;
            out[o] = (uint8_t)(a >> 16);
            out[o + 1] = (uint8_t)(a >> 8);
            out[o + 2] = (uint8_t)a;
            o += 3;
            d->acc = 0;
            d->num_chars = 0;
        } else {
            d->acc = d->acc << 6 | v;
            d->num_chars++;
        }
        p++;
    }
    *pin = p;
    *pos = o;
    return err;
}

static void
dec_state_init(struct wax_b64_decoder *d)
{
    d->acc = 0;
    d->num_chars = 0;
    d->num_pads = 0;
    d->done = false;
}

/* ---- one-shot ---- */

wax_err
wax_b64_encode(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
               size_t in_len, size_t line_len)
{
    *out_len = 0;
    WAX_ENSURE(line_len_ok(line_len), WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in_len < SIZE_MAX / 2, WAX_ERR_INVALID_ARGUMENT);
    size_t need = WAX_B64_ENCODED_LEN(in_len, line_len);
    WAX_ENSURE(need <= out_cap, WAX_ERR_BUF_TOO_SMALL);

    size_t groups = in_len / 3;
    size_t per_line = line_len == 0 ? groups : line_len / 4;
    uint8_t *o = out;
    while (groups > 0) {
        size_t n = groups < per_line ? groups : per_line;
        enc_groups(o, in, n);
        o += 4 * n;
        in += 3 * n;
        groups -= n;
        if (line_len != 0 && n == per_line) {
            *o++ = '\r';
            *o++ = '\n';
        }
    }
    size_t rest = in_len % 3;
    if (rest != 0) {
        enc_final(o, in, rest);
        o += 4;
    }
    /* the last line ends with CRLF unless a full line just did */
    if (line_len != 0 && o > out && o[-1] != '\n') {
        *o++ = '\r';
        *o++ = '\n';
    }
    *out_len = (size_t)(o - out);
    return WAX_OK;
}

wax_err
wax_b64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *in,
               size_t in_len)
{
    struct wax_b64_decoder d;
    dec_state_init(&d);
    *out_len = 0;
    if (in_len == 0) {
        return WAX_OK;
    }
    const uint8_t *p = in;
    size_t pos = 0;
    WAX_TRY(dec_run(&d, &p, in + in_len, out, out_cap, &pos));
    WAX_ENSURE(d.num_chars == 0, WAX_ERR_BASE64_TRUNCATED);
    *out_len = pos;
    return WAX_OK;
}

/* ---- streaming encoder ---- */

static wax_err
enc_flush(struct wax_b64_encoder *e)
{
    if (e->out_used == 0) {
        return WAX_OK;
    }
    wax_err err = wax_sink_write(e->next, e->out, e->out_used);
    e->out_used = 0;
    return err;
}

/* enc_push encodes NUM_GROUPS whole groups into the buffer, breaking lines
 * and flushing as needed. */
static wax_err
enc_push(struct wax_b64_encoder *e, const uint8_t *in, size_t num_groups)
{
    while (num_groups > 0) {
        if (WAX_CODEC_BUF_LEN - e->out_used < 4 + 2) {
            WAX_TRY(enc_flush(e));
        }
        size_t n = (WAX_CODEC_BUF_LEN - e->out_used - 2) / 4;
        if (e->line_len != 0 && (e->line_len - e->col) / 4 < n) {
            n = (e->line_len - e->col) / 4;
        }
        if (num_groups < n) {
            n = num_groups;
        }
        enc_groups(e->out + e->out_used, in, n);
        e->out_used += 4 * n;
        in += 3 * n;
        num_groups -= n;
        if (e->line_len != 0) {
            e->col += 4 * n;
            if (e->col == e->line_len) {
                e->out[e->out_used++] = '\r';
                e->out[e->out_used++] = '\n';
                e->col = 0;
            }
        }
    }
    return WAX_OK;
}

static wax_err
enc_write(struct wax_b64_encoder *e, const uint8_t *data, size_t len)
{
    while (e->carry_len != 0 && len > 0) {
        e->carry[e->carry_len++] = *data++;
        len--;
        if (e->carry_len == 3) {
            e->carry_len = 0;
            WAX_TRY(enc_push(e, e->carry, 1));
        }
    }
    size_t groups = len / 3;
    WAX_TRY(enc_push(e, data, groups));
    data += 3 * groups;
    len -= 3 * groups;
    if (len > 0) {
        memcpy(e->carry + e->carry_len, data, len);
        e->carry_len += len;
    }
    return WAX_OK;
}

static wax_err
enc_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_b64_encoder *e = (struct wax_b64_encoder *)self;
    WAX_TRY(e->err);
    WAX_ENSURE(!e->closed, WAX_ERR_SINK_CLOSED);
    if (len == 0) {
        return WAX_OK;
    }
    e->err = enc_write(e, data, len);
    return e->err;
}

static wax_err
enc_close(struct wax_b64_encoder *e)
{
    if (e->carry_len != 0) {
        if (WAX_CODEC_BUF_LEN - e->out_used < 4 + 2) {
            WAX_TRY(enc_flush(e));
        }
        enc_final(e->out + e->out_used, e->carry, e->carry_len);
        e->out_used += 4;
        e->col += 4;
        e->carry_len = 0;
    }
    if (e->line_len != 0 && e->col != 0) {
        e->out[e->out_used++] = '\r';
        e->out[e->out_used++] = '\n';
        e->col = 0;
    }
    WAX_TRY(enc_flush(e));
    return wax_sink_close(e->next);
}

static wax_err
enc_sink_close(wax_sink *self)
{
    struct wax_b64_encoder *e = (struct wax_b64_encoder *)self;
    WAX_TRY(e->err);
    WAX_ENSURE(!e->closed, WAX_ERR_SINK_CLOSED);
    e->closed = true;
    e->err = enc_close(e);
    return e->err;
}

wax_err
wax_b64_encoder_init(struct wax_b64_encoder *enc, wax_sink *next,
                     size_t line_len)
{
    enc->sink.write = enc_sink_write;
    enc->sink.close = enc_sink_close;
    enc->next = next;
    enc->line_len = line_len;
    enc->col = 0;
    enc->out_used = 0;
    enc->carry_len = 0;
    enc->closed = false;
    enc->err = line_len_ok(line_len) ? WAX_OK : WAX_ERR_INVALID_ARGUMENT;
    return enc->err;
}

/* ---- streaming decoder ---- */

static wax_err
dec_flush(struct wax_b64_decoder *d)
{
    if (d->out_used == 0) {
        return WAX_OK;
    }
    wax_err err = wax_sink_write(d->next, d->out, d->out_used);
    d->out_used = 0;
    return err;
}

static wax_err
dec_write(struct wax_b64_decoder *d, const uint8_t *data, size_t len)
{
    const uint8_t *end = data + len;
    for (;;) {
        wax_err err =
            dec_run(d, &data, end, d->out, WAX_CODEC_BUF_LEN, &d->out_used);
        if (err != WAX_ERR_BUF_TOO_SMALL) {
            return err;
        }
        WAX_TRY(dec_flush(d));
    }
}

static wax_err
dec_sink_write(wax_sink *self, const uint8_t *data, size_t len)
{
    struct wax_b64_decoder *d = (struct wax_b64_decoder *)self;
    WAX_TRY(d->err);
    WAX_ENSURE(!d->closed, WAX_ERR_SINK_CLOSED);
    if (len == 0) {
        return WAX_OK;
    }
    d->err = dec_write(d, data, len);
    return d->err;
}

static wax_err
dec_close(struct wax_b64_decoder *d)
{
    WAX_ENSURE(d->num_chars == 0, WAX_ERR_BASE64_TRUNCATED);
    WAX_TRY(dec_flush(d));
    return wax_sink_close(d->next);
}

static wax_err
dec_sink_close(wax_sink *self)
{
    struct wax_b64_decoder *d = (struct wax_b64_decoder *)self;
    WAX_TRY(d->err);
    WAX_ENSURE(!d->closed, WAX_ERR_SINK_CLOSED);
    d->closed = true;
    d->err = dec_close(d);
    return d->err;
}

void
wax_b64_decoder_init(struct wax_b64_decoder *dec, wax_sink *next)
{
    dec->sink.write = dec_sink_write;
    dec->sink.close = dec_sink_close;
    dec->next = next;
    dec_state_init(dec);
    dec->closed = false;
    dec->err = WAX_OK;
    dec->out_used = 0;
}
