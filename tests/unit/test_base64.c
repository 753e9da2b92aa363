/* Unit tests: base64 one-shot and streaming encoder/decoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/util.h>

#include "../harness.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* ---- helpers ---- */

static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void
rng_fill(uint64_t *s, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(rng_next(s) >> 24);
    }
}

/* ref_encode is an independent, bit-at-a-time encoder (no line breaks). */
static size_t
ref_encode(char *out, const uint8_t *in, size_t len)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    unsigned v = 0;
    size_t nbits = 0;
    for (size_t i = 0; i < len * 8; i++) {
        v = v << 1 | ((in[i / 8] >> (7 - i % 8)) & 1);
        if (++nbits == 6) {
            out[o++] = alpha[v];
            v = 0;
            nbits = 0;
        }
    }
    if (nbits != 0) {
        out[o++] = alpha[v << (6 - nbits)];
    }
    while (o % 4 != 0) {
        out[o++] = '=';
    }
    return o;
}

/* A sink counting its writes and the largest one, appending to a buf. */
struct count_sink {
    wax_sink sink;
    struct wax_buf buf;
    size_t num_writes;
    size_t num_small_writes; /* writes shorter than 1 KiB */
    size_t num_closes;
    size_t fail_after;  /* fail writes once this many bytes have arrived */
    bool fail_on_close; /* close returns WAX_ERR_IO */
};

static wax_err
count_write(wax_sink *self, const uint8_t *p, size_t n)
{
    struct count_sink *c = (struct count_sink *)self;
    c->num_writes++;
    if (n < 1024) {
        c->num_small_writes++;
    }
    WAX_ENSURE(c->buf.len + n <= c->fail_after, WAX_ERR_IO);
    return wax_buf_append(&c->buf, p, n);
}

static wax_err
count_close(wax_sink *self)
{
    struct count_sink *c = (struct count_sink *)self;
    c->num_closes++;
    WAX_ENSURE(!c->fail_on_close, WAX_ERR_IO);
    return WAX_OK;
}

static void
count_init(struct count_sink *c)
{
    memset(c, 0, sizeof(*c));
    c->sink.write = count_write;
    c->sink.close = count_close;
    c->fail_after = SIZE_MAX;
    wax_buf_init(&c->buf, (size_t)1 << 26);
}

/* stream_encode pushes IN through an encoder in writes at the given split
 * offsets (ascending, NUM_SPLITS of them) and closes. */
static wax_err
stream_encode(struct wax_buf *out, const uint8_t *in, size_t len,
              size_t line_len, const size_t *splits, size_t num_splits)
{
    static struct wax_b64_encoder enc;
    wax_buf_reset(out);
    WAX_TRY(wax_b64_encoder_init(&enc, wax_buf_sink(out), line_len));
    size_t at = 0;
    for (size_t i = 0; i <= num_splits; i++) {
        size_t to = i < num_splits ? splits[i] : len;
        WAX_TRY(wax_sink_write(&enc.sink, in + at, to - at));
        at = to;
    }
    return wax_sink_close(&enc.sink);
}

static wax_err
stream_decode(struct wax_buf *out, const uint8_t *in, size_t len,
              const size_t *splits, size_t num_splits)
{
    static struct wax_b64_decoder dec;
    wax_buf_reset(out);
    wax_b64_decoder_init(&dec, wax_buf_sink(out));
    size_t at = 0;
    for (size_t i = 0; i <= num_splits; i++) {
        size_t to = i < num_splits ? splits[i] : len;
        WAX_TRY(wax_sink_write(&dec.sink, in + at, to - at));
        at = to;
    }
    return wax_sink_close(&dec.sink);
}

/* ---- RFC 4648 section 10 ---- */

static const struct {
    const char *plain;
    const char *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(b64_rfc4648_vectors_one_shot)
{
    for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        const char *p = rfc4648[i].plain, *b = rfc4648[i].b64;
        uint8_t out[64];
        size_t n;
        CHECK_OK(wax_b64_encode(out, sizeof(out), &n, (const uint8_t *)p,
                                strlen(p), 0));
        CHECK_MEM(out, n, b, strlen(b));
        CHECK_EQ_U64(WAX_B64_ENCODED_LEN(strlen(p), 0), strlen(b));
        CHECK_OK(wax_b64_decode(out, sizeof(out), &n, (const uint8_t *)b,
                                strlen(b)));
        CHECK_MEM(out, n, p, strlen(p));
    }
}

TEST(b64_rfc4648_vectors_streaming_every_split)
{
    struct wax_buf out;
    wax_buf_init(&out, 1024);
    for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        const uint8_t *p = (const uint8_t *)rfc4648[i].plain;
        const uint8_t *b = (const uint8_t *)rfc4648[i].b64;
        size_t plen = strlen(rfc4648[i].plain), blen = strlen(rfc4648[i].b64);
        for (size_t k = 0; k <= plen; k++) {
            CHECK_OK(stream_encode(&out, p, plen, 0, &k, 1));
            CHECK_MEM(out.data, out.len, b, blen);
        }
        for (size_t k = 0; k <= blen; k++) {
            CHECK_OK(stream_decode(&out, b, blen, &k, 1));
            CHECK_MEM(out.data, out.len, p, plen);
        }
    }
    wax_buf_cleanup(&out);
}

/* ---- encoding against an independent encoder, and the line layout ---- */

TEST(b64_encode_matches_reference_encoder)
{
    uint64_t seed = 0x1234567;
    static uint8_t in[1000];
    static char want[1400];
    static uint8_t got[1400];
    for (size_t len = 0; len <= sizeof(in); len += (len < 64 ? 1 : 37)) {
        rng_fill(&seed, in, len);
        size_t wn = ref_encode(want, in, len);
        size_t gn;
        CHECK_OK(wax_b64_encode(got, sizeof(got), &gn, in, len, 0));
        CHECK_MEM(got, gn, want, wn);
    }
}

/* check_layout asserts TEXT is the reference encoding of IN cut into lines
 * of LINE_LEN characters, each ending in CRLF. */
static bool
layout_ok(const uint8_t *text, size_t text_len, const uint8_t *in, size_t len,
          size_t line_len)
{
    static char flat[4096];
    size_t flat_len = ref_encode(flat, in, len);
    size_t t = 0;
    for (size_t f = 0; f < flat_len; f += line_len) {
        size_t n = flat_len - f < line_len ? flat_len - f : line_len;
        if (t + n + 2 > text_len || memcmp(text + t, flat + f, n) != 0 ||
            text[t + n] != '\r' || text[t + n + 1] != '\n') {
            return false;
        }
        t += n + 2;
    }
    return t == text_len;
}

TEST(b64_line_layout_mime_and_pem)
{
    static const size_t line_lens[] = {76, 64, 4, 996};
    static uint8_t in[2000];
    static uint8_t got[4096];
    uint64_t seed = 42;
    rng_fill(&seed, in, sizeof(in));
    for (size_t li = 0; li < 4; li++) {
        size_t ll = line_lens[li];
        for (size_t len = 0; len <= sizeof(in); len += (len < 200 ? 1 : 97)) {
            size_t n;
            CHECK_OK(wax_b64_encode(got, sizeof(got), &n, in, len, ll));
            CHECK_EQ_U64(n, WAX_B64_ENCODED_LEN(len, ll));
            CHECK_MSG(layout_ok(got, n, in, len, ll),
                      "layout of %zu bytes at %zu columns", len, ll);
        }
    }
    /* exact shapes: 57 bytes fill one MIME line, 58 start a second */
    size_t n;
    CHECK_OK(wax_b64_encode(got, sizeof(got), &n, in, 57, 76));
    CHECK_EQ_U64(n, 78);
    CHECK(got[76] == '\r' && got[77] == '\n');
    CHECK_OK(wax_b64_encode(got, sizeof(got), &n, in, 58, 76));
    CHECK_EQ_U64(n, 78 + 6);
    CHECK_MEM(got + 80, 4, "==\r\n", 4);
    CHECK_OK(wax_b64_encode(got, sizeof(got), &n, in, 0, 76));
    CHECK_EQ_U64(n, 0);
}

TEST(b64_encode_arguments)
{
    uint8_t out[16];
    size_t n = 99;
    CHECK_ERR(wax_b64_encode(out, sizeof(out), &n, S("abc"), 3),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U64(n, 0);
    CHECK_ERR(wax_b64_encode(out, sizeof(out), &n, S("abc"), 1000),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_b64_encode(out, sizeof(out), &n, S("abc"), 78),
              WAX_ERR_INVALID_ARGUMENT);
    /* capacity is checked before anything is written */
    memset(out, 'X', sizeof(out));
    CHECK_ERR(wax_b64_encode(out, 5, &n, S("abcd"), 0), WAX_ERR_BUF_TOO_SMALL);
    CHECK(out[0] == 'X');
    CHECK_OK(wax_b64_encode(out, 8, &n, S("abcd"), 0));
    CHECK_MEM(out, n, "YWJjZA==", 8);
    CHECK_ERR(wax_b64_encode(out, 9, &n, S("abcd"), 4), WAX_ERR_BUF_TOO_SMALL);
    CHECK_OK(wax_b64_encode(out, 12, &n, S("abcd"), 4));
    CHECK_MEM(out, n, "YWJj\r\nZA==\r\n", 12);

    struct wax_b64_encoder enc;
    struct wax_null_sink ns;
    wax_null_sink_init(&ns);
    CHECK_ERR(wax_b64_encoder_init(&enc, &ns.sink, 6),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_sink_write(&enc.sink, S("x")), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_INVALID_ARGUMENT);
    CHECK(!ns.closed);
    CHECK_OK(wax_b64_encoder_init(&enc, &ns.sink, WAX_B64_MAX_LINE_LEN));
    CHECK_OK(wax_b64_encoder_init(&enc, &ns.sink, 0));
}

TEST(b64_decode_capacity_is_exact)
{
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {{"Zg==", 1}, {"Zm8=", 2}, {"Zm9v", 3}, {"Zm9vYmE=", 5}};
    for (size_t i = 0; i < 4; i++) {
        uint8_t out[8];
        size_t n = 99;
        const uint8_t *t = (const uint8_t *)cases[i].text;
        size_t tl = strlen(cases[i].text);
        CHECK_ERR(wax_b64_decode(out, cases[i].len - 1, &n, t, tl),
                  WAX_ERR_BUF_TOO_SMALL);
        CHECK_EQ_U64(n, 0);
        CHECK_OK(wax_b64_decode(out, cases[i].len, &n, t, tl));
        CHECK_EQ_U64(n, cases[i].len);
        CHECK(cases[i].len <= WAX_B64_DECODED_MAX_LEN(tl));
    }
    size_t n;
    CHECK_OK(wax_b64_decode(NULL, 0, &n, NULL, 0));
    CHECK_EQ_U64(n, 0);
    CHECK_OK(wax_b64_decode(NULL, 0, &n, S(" \r\n\t")));
    CHECK_EQ_U64(n, 0);
}

/* Decoding into a heap buffer of exactly the output size never writes past
 * it (the fast path stores 4 bytes per 3; ASan builds catch an overrun). */
TEST(b64_decode_into_exact_heap_buffer)
{
    uint64_t seed = 17;
    uint8_t in[300], text[500];
    for (size_t len = 1; len <= sizeof(in); len++) {
        rng_fill(&seed, in, len);
        size_t tl, n;
        CHECK_OK(
            wax_b64_encode(text, sizeof(text), &tl, in, len, len % 2 ? 76 : 0));
        uint8_t *out = malloc(len);
        CHECK(out != NULL);
        wax_err e = wax_b64_decode(out, len, &n, text, tl);
        bool same = e == WAX_OK && n == len && memcmp(out, in, len) == 0;
        e = same ? wax_b64_decode(out, len - 1, &n, text, tl) : WAX_OK;
        free(out);
        CHECK(same);
        CHECK_ERR(e, WAX_ERR_BUF_TOO_SMALL);
    }
}

/* ---- streaming round trips ---- */

TEST(b64_stream_round_trip_every_split_point)
{
    static const size_t line_lens[] = {0, 76, 4, 8};
    struct wax_buf enc, dec;
    wax_buf_init(&enc, 1 << 16);
    wax_buf_init(&dec, 1 << 16);
    uint8_t in[40];
    uint64_t seed = 7;
    for (size_t len = 0; len <= sizeof(in); len++) {
        rng_fill(&seed, in, len);
        for (size_t li = 0; li < 4; li++) {
            size_t ll = line_lens[li];
            static uint8_t want[200];
            size_t want_len;
            CHECK_OK(
                wax_b64_encode(want, sizeof(want), &want_len, in, len, ll));
            /* every pair of split points (covers every single split) */
            for (size_t a = 0; a <= len; a++) {
                for (size_t b = a; b <= len; b += 3) {
                    size_t sp[2] = {a, b};
                    CHECK_OK(stream_encode(&enc, in, len, ll, sp, 2));
                    CHECK_MEM(enc.data, enc.len, want, want_len);
                }
            }
            for (size_t a = 0; a <= want_len; a++) {
                for (size_t b = a; b <= want_len; b += 5) {
                    size_t sp[2] = {a, b};
                    CHECK_OK(stream_decode(&dec, want, want_len, sp, 2));
                    CHECK_MEM(dec.data, dec.len, in, len);
                }
            }
        }
    }
    wax_buf_cleanup(&enc);
    wax_buf_cleanup(&dec);
}

TEST(b64_stream_round_trip_random_chunks)
{
    size_t len = 300000;
    uint8_t *in = malloc(len);
    CHECK(in != NULL);
    uint64_t seed = 99;
    rng_fill(&seed, in, len);
    size_t want_cap = WAX_B64_ENCODED_LEN(len, 76);
    uint8_t *want = malloc(want_cap);
    CHECK(want != NULL);
    size_t want_len;
    CHECK_OK(wax_b64_encode(want, want_cap, &want_len, in, len, 76));
    struct wax_buf enc, dec;
    wax_buf_init(&enc, 1 << 22);
    wax_buf_init(&dec, 1 << 22);
    static size_t splits[200000];
    for (int round = 0; round < 6; round++) {
        /* chunk sizes from 0 to 2^(round*2+2) */
        size_t maxc = (size_t)4 << (round * 2);
        size_t ns = 0;
        for (size_t at = 0; ns < 200000;) {
            at += rng_next(&seed) % (maxc + 1);
            if (at >= len) {
                break;
            }
            splits[ns++] = at;
        }
        CHECK_OK(stream_encode(&enc, in, len, 76, splits, ns));
        CHECK_MEM(enc.data, enc.len, want, want_len);
        ns = 0;
        for (size_t at = 0; ns < 200000;) {
            at += rng_next(&seed) % (maxc + 1);
            if (at >= want_len) {
                break;
            }
            splits[ns++] = at;
        }
        CHECK_OK(stream_decode(&dec, want, want_len, splits, ns));
        CHECK_MEM(dec.data, dec.len, in, len);
    }
    wax_buf_cleanup(&enc);
    wax_buf_cleanup(&dec);
    free(in);
    free(want);
}

TEST(b64_stream_pushes_large_chunks)
{
    size_t len = 1 << 20;
    uint8_t *in = calloc(1, len);
    CHECK(in != NULL);
    struct count_sink c;
    count_init(&c);
    struct wax_b64_encoder enc;
    CHECK_OK(wax_b64_encoder_init(&enc, &c.sink, 76));
    for (size_t i = 0; i < len; i += 7) { /* tiny writes in */
        CHECK_OK(wax_sink_write(&enc.sink, in + i, len - i < 7 ? len - i : 7));
    }
    CHECK_OK(wax_sink_close(&enc.sink));
    CHECK_EQ_U64(c.buf.len, WAX_B64_ENCODED_LEN(len, 76));
    CHECK_EQ_U64(c.num_closes, 1);
    CHECK(c.num_small_writes <= 1); /* only the last flush may be short */
    CHECK(c.num_writes <= c.buf.len / 4096 + 1);

    struct wax_b64_decoder dec;
    struct count_sink d;
    count_init(&d);
    wax_b64_decoder_init(&dec, &d.sink);
    for (size_t i = 0; i < c.buf.len; i += 5) {
        size_t n = c.buf.len - i < 5 ? c.buf.len - i : 5;
        CHECK_OK(wax_sink_write(&dec.sink, c.buf.data + i, n));
    }
    CHECK_OK(wax_sink_close(&dec.sink));
    CHECK_MEM(d.buf.data, d.buf.len, in, len);
    CHECK(d.num_small_writes <= 1);
    CHECK(d.num_writes <= len / 4096 + 1);
    wax_buf_cleanup(&c.buf);
    wax_buf_cleanup(&d.buf);
    free(in);
}

/* ---- strict decoding ---- */

static const struct {
    const char *text;
    size_t len; /* 0: strlen */
    const char *plain;
    wax_err err;
} decode_cases[] = {
    /* accepted layouts */
    {"Zm9v\r\nYmFy\r\n", 0, "foobar", WAX_OK},
    {"Zm9v\nYmFy\n", 0, "foobar", WAX_OK},
    {" Z m\t9\r\nv ", 0, "foo", WAX_OK},
    {"Zg=\r\n=", 0, "f", WAX_OK},
    {"Zg= =\r\n\t", 0, "f", WAX_OK},
    {"Zm8=\r\n  \r\n", 0, "fo", WAX_OK},
    {"\r\n", 0, "", WAX_OK},
    {"", 0, "", WAX_OK},
    {"+/+/", 0, "\xfb\xff\xbf", WAX_OK},
    /* an unfinished group at the end */
    {"Z", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    {"Zm", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    {"Zm9", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    {"Zm9vY", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    {"Zg=", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    {"Zg=\r\n", 0, NULL, WAX_ERR_BASE64_TRUNCATED},
    /* padding in the wrong place, or the wrong amount */
    {"=", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"====", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Z===", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Zm9v=", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Zg=a", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Zg= a", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    /* non-zero pad bits are rejected (canonical encoding only) */
    {"Zh==", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Zm9=", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    {"Zm9vY/==", 0, NULL, WAX_ERR_BASE64_BAD_PADDING},
    /* data after the padding */
    {"Zg===", 0, NULL, WAX_ERR_BASE64_TRAILING_DATA},
    {"Zm8==", 0, NULL, WAX_ERR_BASE64_TRAILING_DATA},
    {"Zg==Zg==", 0, NULL, WAX_ERR_BASE64_TRAILING_DATA},
    {"Zm8=\r\nZm9v\r\n", 0, NULL, WAX_ERR_BASE64_TRAILING_DATA},
    {"Zg==!", 0, NULL, WAX_ERR_BASE64_TRAILING_DATA},
    /* characters outside the alphabet */
    {"Zm9v!", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm-_", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm9v\0YmFy", 9, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm9\xc3\xa9", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm9v\v", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm9v\f", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Zm9v.", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"Z\x80==", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
    {"-----BEGIN", 0, NULL, WAX_ERR_BASE64_INVALID_CHAR},
};

TEST(b64_decode_table_one_shot_and_streaming)
{
    struct wax_buf out;
    wax_buf_init(&out, 1024);
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]);
         i++) {
        const uint8_t *t = (const uint8_t *)decode_cases[i].text;
        size_t tl = decode_cases[i].len ? decode_cases[i].len
                                        : strlen(decode_cases[i].text);
        wax_err want = decode_cases[i].err;
        uint8_t got[64];
        size_t n = 99;
        wax_err e = wax_b64_decode(got, sizeof(got), &n, t, tl);
        CHECK_MSG(e == want, "case %zu one-shot: got %s, want %s", i,
                  wax_err_name(e), wax_err_name(want));
        if (want == WAX_OK) {
            CHECK_MEM(got, n, decode_cases[i].plain,
                      strlen(decode_cases[i].plain));
        } else {
            CHECK_EQ_U64(n, 0);
        }
        /* streaming, split everywhere: same result; errors other than
         * TRUNCATED come from a write, and they stick */
        for (size_t k = 0; k <= tl; k++) {
            struct wax_b64_decoder dec;
            wax_buf_reset(&out);
            wax_b64_decoder_init(&dec, wax_buf_sink(&out));
            e = wax_sink_write(&dec.sink, t, k);
            if (e == WAX_OK) {
                e = wax_sink_write(&dec.sink, t + k, tl - k);
            }
            bool at_close = false;
            if (e == WAX_OK) {
                at_close = true;
                e = wax_sink_close(&dec.sink);
            }
            CHECK_MSG(e == want, "case %zu split %zu: got %s, want %s", i, k,
                      wax_err_name(e), wax_err_name(want));
            if (want == WAX_OK) {
                CHECK_MEM(out.data, out.len, decode_cases[i].plain,
                          strlen(decode_cases[i].plain));
                CHECK(out.closed);
                continue;
            }
            CHECK(at_close == (want == WAX_ERR_BASE64_TRUNCATED));
            CHECK(!out.closed);
            CHECK_ERR(wax_sink_write(&dec.sink, S("Zm9v")), want);
            CHECK_ERR(wax_sink_close(&dec.sink), want);
            CHECK_ERR(wax_sink_write(&dec.sink, NULL, 0), want);
        }
    }
    wax_buf_cleanup(&out);
}

/* Every single-character corruption of a valid text gives the same verdict
 * one-shot and streamed byte by byte. */
TEST(b64_decode_corruptions_agree_with_streaming)
{
    uint8_t in[30];
    uint64_t seed = 5;
    rng_fill(&seed, in, sizeof(in));
    uint8_t text[64];
    size_t tl;
    CHECK_OK(wax_b64_encode(text, sizeof(text), &tl, in, 29, 0));
    static const uint8_t subs[] = {'=', '!', '\n', 'A', '/', 0, 0xff, ' '};
    struct wax_buf out;
    wax_buf_init(&out, 1024);
    for (size_t pos = 0; pos < tl; pos++) {
        for (size_t s = 0; s < sizeof(subs); s++) {
            uint8_t t[64];
            memcpy(t, text, tl);
            t[pos] = subs[s];
            uint8_t got[64];
            size_t n;
            wax_err e1 = wax_b64_decode(got, sizeof(got), &n, t, tl);
            struct wax_b64_decoder dec;
            wax_buf_reset(&out);
            wax_b64_decoder_init(&dec, wax_buf_sink(&out));
            wax_err e2 = WAX_OK;
            for (size_t i = 0; i < tl && e2 == WAX_OK; i++) {
                e2 = wax_sink_write(&dec.sink, t + i, 1);
            }
            if (e2 == WAX_OK) {
                e2 = wax_sink_close(&dec.sink);
            }
            CHECK_MSG(e1 == e2, "pos %zu sub %zu: %s vs %s", pos, s,
                      wax_err_name(e1), wax_err_name(e2));
            if (e1 == WAX_OK) {
                CHECK_MEM(out.data, out.len, got, n);
            }
        }
    }
    wax_buf_cleanup(&out);
}

/* ---- errors of the next sink, and use after close ---- */

TEST(b64_next_sink_errors_stick)
{
    static uint8_t in[100000];
    struct count_sink c;
    count_init(&c);
    c.fail_after = 10000;
    struct wax_b64_encoder enc;
    CHECK_OK(wax_b64_encoder_init(&enc, &c.sink, 76));
    CHECK_ERR(wax_sink_write(&enc.sink, in, sizeof(in)), WAX_ERR_IO);
    size_t writes = c.num_writes;
    CHECK_ERR(wax_sink_write(&enc.sink, in, 3), WAX_ERR_IO);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_IO);
    CHECK_EQ_U64(c.num_writes, writes); /* nothing more reached the sink */
    CHECK_EQ_U64(c.num_closes, 0);
    wax_buf_cleanup(&c.buf);

    /* the failing close of the next sink is reported and sticks */
    count_init(&c);
    c.fail_on_close = true;
    CHECK_OK(wax_b64_encoder_init(&enc, &c.sink, 0));
    CHECK_OK(wax_sink_write(&enc.sink, S("ab")));
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_IO);
    CHECK_MEM(c.buf.data, c.buf.len, "YWI=", 4);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_IO);
    wax_buf_cleanup(&c.buf);

    count_init(&c);
    c.fail_after = 5000;
    struct wax_b64_decoder dec;
    wax_b64_decoder_init(&dec, &c.sink);
    static uint8_t text[140000];
    size_t tl;
    CHECK_OK(wax_b64_encode(text, sizeof(text), &tl, in, sizeof(in), 76));
    CHECK_ERR(wax_sink_write(&dec.sink, text, tl), WAX_ERR_IO);
    CHECK_ERR(wax_sink_write(&dec.sink, S("Zm9v")), WAX_ERR_IO);
    CHECK_ERR(wax_sink_close(&dec.sink), WAX_ERR_IO);
    CHECK_EQ_U64(c.num_closes, 0);
    wax_buf_cleanup(&c.buf);
}

TEST(b64_write_after_close)
{
    struct wax_null_sink ns;
    wax_null_sink_init(&ns);
    struct wax_b64_encoder enc;
    CHECK_OK(wax_b64_encoder_init(&enc, &ns.sink, 76));
    CHECK_OK(wax_sink_write(&enc.sink, NULL, 0));
    CHECK_OK(wax_sink_write(&enc.sink, S("f")));
    CHECK_OK(wax_sink_write(&enc.sink, NULL, 0));
    CHECK_OK(wax_sink_close(&enc.sink));
    CHECK_EQ_U64(ns.num_bytes, 6); /* "Zg==\r\n" */
    CHECK(ns.closed);
    CHECK_ERR(wax_sink_write(&enc.sink, S("f")), WAX_ERR_SINK_CLOSED);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_SINK_CLOSED);

    wax_null_sink_init(&ns);
    struct wax_b64_decoder dec;
    wax_b64_decoder_init(&dec, &ns.sink);
    CHECK_OK(wax_sink_write(&dec.sink, NULL, 0));
    CHECK_OK(wax_sink_write(&dec.sink, S("Zg==")));
    CHECK_OK(wax_sink_close(&dec.sink));
    CHECK_EQ_U64(ns.num_bytes, 1);
    CHECK_ERR(wax_sink_write(&dec.sink, S("Zg==")), WAX_ERR_SINK_CLOSED);
    CHECK_ERR(wax_sink_close(&dec.sink), WAX_ERR_SINK_CLOSED);
}
