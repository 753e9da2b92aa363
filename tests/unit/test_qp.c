/* Unit tests: quoted-printable encoder and decoder (RFC 2045 section 6.7). */
#include <stdlib.h>
#include <string.h>

#include <wax/util.h>

#include "../harness.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static char *
repeat(char *dst, char c, size_t n)
{
    memset(dst, c, n);
    return dst + n;
}

/* Streams IN through an encoder (mode) or the decoder (mode < 0) with
 * writes cut at SPLITS; the output lands in OUT. */
static wax_err
stream_run(int mode, struct wax_buf *out, const uint8_t *in, size_t len,
           const size_t *splits, size_t num_splits)
{
    static struct wax_qp_encoder enc;
    static struct wax_qp_decoder dec;
    wax_sink *s;
    wax_buf_reset(out);
    if (mode < 0) {
        wax_qp_decoder_init(&dec, wax_buf_sink(out));
        s = &dec.sink;
    } else {
        wax_qp_encoder_init(&enc, wax_buf_sink(out), (enum wax_qp_mode)mode);
        s = &enc.sink;
    }
    size_t at = 0;
    for (size_t i = 0; i <= num_splits; i++) {
        size_t to = i < num_splits ? splits[i] : len;
        WAX_TRY(wax_sink_write(s, in + at, to - at));
        at = to;
    }
    return wax_sink_close(s);
}

/* Every encoded line is at most 76 characters, ends without a space or
 * tab, and uses only printable ASCII. */
static bool
encoded_shape_ok(const uint8_t *p, size_t len)
{
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\r') {
            if (i + 1 >= len || p[i + 1] != '\n') {
                return false;
            }
            if (col > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t')) {
                return false;
            }
            col = 0;
            i++;
            continue;
        }
        if (!((p[i] >= 33 && p[i] <= 126) || p[i] == ' ' || p[i] == '\t')) {
            return false;
        }
        if (++col > WAX_QP_ENCODED_LINE_LEN) {
            return false;
        }
    }
    return len == 0 || (p[len - 1] != ' ' && p[len - 1] != '\t');
}

/* ---- encoder vectors ---- */

struct enc_case {
    int mode;
    const char *in;
    size_t in_len; /* 0: strlen */
    const char *want;
};

static const struct enc_case enc_cases[] = {
    {WAX_QP_TEXT, "", 0, ""},
    {WAX_QP_TEXT, "hello, world!", 0, "hello, world!"},
    /* rule 1: '=' and bytes outside 33..126 are escaped, upper-case hex */
    {WAX_QP_TEXT, "a=b", 0, "a=3Db"},
    {WAX_QP_TEXT, "caf\xc3\xa9", 0, "caf=C3=A9"},
    {WAX_QP_TEXT, "a\x7f\x01", 0, "a=7F=01"},
    {WAX_QP_TEXT, "\0z", 2, "=00z"},
    /* rule 3: space and tab literal inside a line, encoded at its end */
    {WAX_QP_TEXT, "tab\there now", 0, "tab\there now"},
    {WAX_QP_TEXT, "trail \r\nnext", 0, "trail=20\r\nnext"},
    {WAX_QP_TEXT, "trail\t\nnext", 0, "trail=09\r\nnext"},
    {WAX_QP_TEXT, "two  \r\n", 0, "two =20\r\n"},
    {WAX_QP_TEXT, "end ", 0, "end=20"},
    {WAX_QP_TEXT, " ", 0, "=20"},
    /* rule 4: CRLF and LF are hard breaks; a bare CR is data */
    {WAX_QP_TEXT, "a\nb\r\nc\n", 0, "a\r\nb\r\nc\r\n"},
    {WAX_QP_TEXT, "\r\n\r\n", 0, "\r\n\r\n"},
    {WAX_QP_TEXT, "bare\rcr", 0, "bare=0Dcr"},
    {WAX_QP_TEXT, "x\r", 0, "x=0D"},
    {WAX_QP_TEXT, "x \r", 0, "x =0D"},
    {WAX_QP_TEXT, "x\r\r\n", 0, "x=0D\r\n"},
    {WAX_QP_TEXT, "\n\r", 0, "\r\n=0D"},
    /* binary: CR and LF are data too */
    {WAX_QP_BINARY, "a\r\nb\n", 0, "a=0D=0Ab=0A"},
    {WAX_QP_BINARY, " \t", 0, " =09"},
    {WAX_QP_BINARY, "x \r\n", 0, "x =0D=0A"},
    {WAX_QP_BINARY, "=\xff", 0, "=3D=FF"},
};

TEST(qp_encode_vectors)
{
    struct wax_buf out;
    wax_buf_init(&out, 4096);
    for (size_t i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
        const uint8_t *in = (const uint8_t *)enc_cases[i].in;
        size_t len =
            enc_cases[i].in_len ? enc_cases[i].in_len : strlen(enc_cases[i].in);
        const char *want = enc_cases[i].want;
        uint8_t got[256];
        size_t n;
        CHECK_OK(wax_qp_encode(got, sizeof(got), &n, in, len,
                               (enum wax_qp_mode)enc_cases[i].mode));
        CHECK_MSG(n == strlen(want) && memcmp(got, want, n) == 0,
                  "case %zu: got \"%.*s\"", i, (int)n, (const char *)got);
        CHECK(encoded_shape_ok(got, n));
        for (size_t k = 0; k <= len; k++) {
            CHECK_OK(stream_run(enc_cases[i].mode, &out, in, len, &k, 1));
            CHECK_MEM(out.data, out.len, want, strlen(want));
        }
    }
    wax_buf_cleanup(&out);
}

/* Rule 5: soft breaks keep lines within 76 characters and never split an
 * escape. */
TEST(qp_encode_soft_breaks)
{
    char in[400], want[600];
    uint8_t got[600];
    size_t n;
    /* 100 letters: 75, soft break, 25 */
    memset(in, 'a', 100);
    char *w = repeat(want, 'a', 75);
    w = (char *)memcpy(w, "=\r\n", 3) + 3;
    w = repeat(w, 'a', 25);
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 100, WAX_QP_TEXT));
    CHECK_MEM(got, n, want, (size_t)(w - want));

    /* 75 letters fit on one line without a soft break */
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 75, WAX_QP_TEXT));
    CHECK_MEM(got, n, in, 75);

    /* escapes are not split: 74 letters then '=' moves "=3D" down */
    in[74] = '=';
    w = repeat(want, 'a', 74);
    w = (char *)memcpy(w, "=\r\n=3D", 6) + 6;
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 75, WAX_QP_TEXT));
    CHECK_MEM(got, n, want, (size_t)(w - want));

    /* a space that would end a soft-broken line is encoded */
    memset(in, 'a', 74);
    in[74] = ' ';
    in[75] = 'b';
    w = repeat(want, 'a', 74);
    w = (char *)memcpy(w, "=\r\n=20b", 7) + 7;
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 76, WAX_QP_TEXT));
    CHECK_MEM(got, n, want, (size_t)(w - want));

    /* 100 '=' signs: 25 escapes (75 columns) per line */
    memset(in, '=', 100);
    w = want;
    for (int line = 0; line < 4; line++) {
        for (int k = 0; k < 25; k++) {
            w = (char *)memcpy(w, "=3D", 3) + 3;
        }
        if (line < 3) {
            w = (char *)memcpy(w, "=\r\n", 3) + 3;
        }
    }
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 100, WAX_QP_BINARY));
    CHECK_MEM(got, n, want, (size_t)(w - want));

    /* a hard break resets the column */
    memset(in, 'a', 200);
    in[70] = '\n';
    CHECK_OK(
        wax_qp_encode(got, sizeof(got), &n, (uint8_t *)in, 200, WAX_QP_TEXT));
    w = repeat(want, 'a', 70);
    w = (char *)memcpy(w, "\r\n", 2) + 2;
    w = repeat(w, 'a', 75);
    w = (char *)memcpy(w, "=\r\n", 3) + 3;
    w = repeat(w, 'a', 54);
    CHECK_MEM(got, n, want, (size_t)(w - want));
}

TEST(qp_encode_bounds_and_arguments)
{
    uint8_t got[64];
    size_t n = 9;
    CHECK_ERR(wax_qp_encode(got, 4, &n, S("a=b"), WAX_QP_TEXT),
              WAX_ERR_BUF_TOO_SMALL);
    CHECK_EQ_U64(n, 0);
    CHECK_OK(wax_qp_encode(got, 5, &n, S("a=b"), WAX_QP_TEXT));
    CHECK_EQ_U64(n, 5);
    CHECK_ERR(wax_qp_encode(got, sizeof(got), &n, S("a"), (enum wax_qp_mode)7),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_OK(wax_qp_encode(NULL, 0, &n, NULL, 0, WAX_QP_BINARY));
    CHECK_EQ_U64(n, 0);

    /* the worst cases stay within WAX_QP_ENCODED_MAX_LEN */
    static uint8_t in[5000], out[20000];
    static const uint8_t fills[] = {0xff, '=', ' ', '\n', 'a'};
    for (size_t f = 0; f < sizeof(fills); f++) {
        for (size_t len = 0; len <= sizeof(in); len += 1 + len / 3) {
            memset(in, fills[f], len);
            for (int mode = 0; mode < 2; mode++) {
                CHECK_OK(wax_qp_encode(out, WAX_QP_ENCODED_MAX_LEN(len), &n, in,
                                       len, (enum wax_qp_mode)mode));
            }
        }
    }
    uint64_t seed = 3;
    for (size_t len = 0; len < sizeof(in); len += 1 + len / 2) {
        for (size_t i = 0; i < len; i++) {
            /* mixes of escapes and literals shift the soft breaks */
            in[i] = (rng_next(&seed) & 3) ? 0xff : 'a';
        }
        CHECK_OK(wax_qp_encode(out, WAX_QP_ENCODED_MAX_LEN(len), &n, in, len,
                               WAX_QP_BINARY));
    }
}

/* ---- decoder vectors ---- */

struct dec_case {
    const char *in;
    size_t in_len; /* 0: strlen */
    const char *want;
    wax_err err;
    size_t want_len; /* 0: strlen */
};

static const struct dec_case dec_cases[] = {
    {"", 0, "", WAX_OK},
    {"hello", 0, "hello", WAX_OK},
    {"a=3Db", 0, "a=b", WAX_OK},
    {"a=3db=c3=A9", 0, "a=b\xc3\xa9", WAX_OK},
    {"=00", 0, "\0", WAX_OK, 1},
    /* soft breaks, with transport padding after the '=' */
    {"soft=\r\nbreak", 0, "softbreak", WAX_OK},
    {"soft=\nbreak", 0, "softbreak", WAX_OK},
    {"soft= \t\r\nbreak", 0, "softbreak", WAX_OK},
    {"end=", 0, "end", WAX_OK},
    {"end=  ", 0, "end", WAX_OK},
    {"a =\r\nb", 0, "a b", WAX_OK},
    /* trailing whitespace dropped, inner kept; hard breaks become CRLF */
    {"trail  \r\nx", 0, "trail\r\nx", WAX_OK},
    {"trail \t", 0, "trail", WAX_OK},
    {"in  side\t", 0, "in  side", WAX_OK},
    {"=20\r\n", 0, " \r\n", WAX_OK},
    {"=20 \r\n", 0, " \r\n", WAX_OK},
    {" \r\n", 0, "\r\n", WAX_OK},
    {"a\nb\n", 0, "a\r\nb\r\n", WAX_OK},
    {"a\r\n\r\nb", 0, "a\r\n\r\nb", WAX_OK},
    /* bad escapes */
    {"=", 0, "", WAX_OK},
    {"=4", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"=4G", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"=G4", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"==41", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"= x", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"=4\r\n", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    {"=\xff", 0, NULL, WAX_ERR_QP_BAD_ESCAPE},
    /* invalid raw characters, bare CR */
    {"a\rb", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"a\r", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"=\rb", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"= \r", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"caf\xc3\xa9", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"a\x7f", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"a\0b", 3, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"a\fb", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
    {"\x1b", 0, NULL, WAX_ERR_QP_INVALID_CHAR},
};

static void
check_dec_case(const char *in_s, size_t len, const char *want, size_t want_len,
               wax_err want_err, struct wax_buf *out)
{
    const uint8_t *in = (const uint8_t *)in_s;
    static uint8_t got[4096];
    size_t n = 99;
    wax_err e = wax_qp_decode(got, sizeof(got), &n, in, len);
    CHECK_MSG(e == want_err, "\"%.20s\" one-shot: got %s, want %s", in_s,
              wax_err_name(e), wax_err_name(want_err));
    if (want_err == WAX_OK) {
        CHECK_MEM(got, n, want, want_len);
    } else {
        CHECK_EQ_U64(n, 0);
    }
    for (size_t k = 0; k <= len; k++) {
        struct wax_qp_decoder dec;
        wax_buf_reset(out);
        wax_qp_decoder_init(&dec, wax_buf_sink(out));
        e = wax_sink_write(&dec.sink, in, k);
        if (e == WAX_OK) {
            e = wax_sink_write(&dec.sink, in + k, len - k);
        }
        if (e == WAX_OK) {
            e = wax_sink_close(&dec.sink);
        }
        CHECK_MSG(e == want_err, "\"%.20s\" split %zu: got %s, want %s", in_s,
                  k, wax_err_name(e), wax_err_name(want_err));
        if (want_err == WAX_OK) {
            CHECK_MEM(out->data, out->len, want, want_len);
            CHECK(out->closed);
        } else {
            /* errors stick */
            CHECK_ERR(wax_sink_write(&dec.sink, S("ok")), want_err);
            CHECK_ERR(wax_sink_close(&dec.sink), want_err);
            CHECK(!out->closed);
        }
    }
}

TEST(qp_decode_vectors)
{
    struct wax_buf out;
    wax_buf_init(&out, 8192);
    for (size_t i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
        size_t len =
            dec_cases[i].in_len ? dec_cases[i].in_len : strlen(dec_cases[i].in);
        const char *want = dec_cases[i].want;
        size_t want_len = dec_cases[i].want_len;
        if (want_len == 0 && want != NULL) {
            want_len = strlen(want);
        }
        check_dec_case(dec_cases[i].in, len, want, want_len, dec_cases[i].err,
                       &out);
        if (wax_test_failed()) {
            break;
        }
    }
    wax_buf_cleanup(&out);
}

TEST(qp_decode_line_length_limit)
{
    struct wax_buf out;
    wax_buf_init(&out, 8192);
    static char in[2100], want[2100];
    size_t max = WAX_MAX_QP_LINE_LEN;
    /* exactly the limit passes, with either line break */
    char *p = repeat(in, 'a', max);
    memcpy(p, "\r\nb", 3);
    char *w = repeat(want, 'a', max);
    memcpy(w, "\r\nb", 3);
    check_dec_case(in, max + 3, want, max + 3, WAX_OK, &out);
    if (wax_test_failed()) {
        goto out;
    }
    /* one more byte, whatever it is, is too long */
    in[max] = 'a';
    check_dec_case(in, max + 1, NULL, 0, WAX_ERR_QP_LINE_TOO_LONG, &out);
    if (wax_test_failed()) {
        goto out;
    }
    in[max] = ' ';
    check_dec_case(in, max + 1, NULL, 0, WAX_ERR_QP_LINE_TOO_LONG, &out);
    if (wax_test_failed()) {
        goto out;
    }
    /* the soft break's '=' counts */
    memcpy(in + max, "=\r\n", 3);
    check_dec_case(in, max + 3, NULL, 0, WAX_ERR_QP_LINE_TOO_LONG, &out);
    if (wax_test_failed()) {
        goto out;
    }
    /* a line of spaces at the limit is dropped whole */
    p = repeat(in, ' ', max);
    memcpy(p, "\nx", 2);
    check_dec_case(in, max + 2, "\r\nx", 3, WAX_OK, &out);
    if (wax_test_failed()) {
        goto out;
    }
    /* after a soft break the count starts again */
    p = repeat(in, 'a', max - 1);
    p = (char *)memcpy(p, "=\n", 2) + 2;
    p = repeat(p, 'b', max);
    w = repeat(want, 'a', max - 1);
    w = repeat(w, 'b', max);
    check_dec_case(in, (size_t)(p - in), want, (size_t)(w - want), WAX_OK,
                   &out);
out:
    wax_buf_cleanup(&out);
}

TEST(qp_decode_one_shot_capacity)
{
    uint8_t got[8];
    size_t n;
    CHECK_ERR(wax_qp_decode(got, 2, &n, S("a\nb")), WAX_ERR_BUF_TOO_SMALL);
    CHECK_OK(wax_qp_decode(got, 4, &n, S("a\nb")));
    CHECK_MEM(got, n, "a\r\nb", 4);
    CHECK_OK(wax_qp_decode(NULL, 0, &n, S("=\r\n \t")));
    CHECK_EQ_U64(n, 0);
}

/* ---- round trips ---- */

TEST(qp_binary_round_trip_every_split_point)
{
    struct wax_buf enc, dec;
    wax_buf_init(&enc, 1 << 16);
    wax_buf_init(&dec, 1 << 16);
    static const uint8_t alphabet[] = {'a', ' ',  '\t', '\r', '\n', '=',
                                       0,   0xff, '.',  'Z',  '~',  0x7f};
    uint64_t seed = 11;
    uint8_t in[90];
    for (size_t len = 0; len <= sizeof(in); len++) {
        for (size_t i = 0; i < len; i++) {
            in[i] = alphabet[rng_next(&seed) % sizeof(alphabet)];
        }
        static uint8_t want[400];
        size_t want_len;
        CHECK_OK(wax_qp_encode(want, sizeof(want), &want_len, in, len,
                               WAX_QP_BINARY));
        CHECK(encoded_shape_ok(want, want_len));
        for (size_t i = 0; i < want_len; i++) {
            /* binary mode: only soft breaks */
            CHECK(want[i] != '\n' || (i >= 2 && want[i - 2] == '='));
        }
        for (size_t k = 0; k <= len; k++) {
            CHECK_OK(stream_run(WAX_QP_BINARY, &enc, in, len, &k, 1));
            CHECK_MEM(enc.data, enc.len, want, want_len);
        }
        for (size_t k = 0; k <= want_len; k++) {
            CHECK_OK(stream_run(-1, &dec, want, want_len, &k, 1));
            CHECK_MEM(dec.data, dec.len, in, len);
        }
    }
    wax_buf_cleanup(&enc);
    wax_buf_cleanup(&dec);
}

TEST(qp_round_trip_random_chunks)
{
    size_t len = 200000;
    uint8_t *in = malloc(len);
    CHECK(in != NULL);
    uint64_t seed = 77;
    for (size_t i = 0; i < len; i++) {
        uint64_t r = rng_next(&seed);
        in[i] =
            (r & 7) == 0 ? (uint8_t)(r >> 20) : (uint8_t)(32 + (r >> 8) % 95);
    }
    struct wax_buf one, enc, dec;
    wax_buf_init(&one, 1 << 22);
    wax_buf_init(&enc, 1 << 22);
    wax_buf_init(&dec, 1 << 22);
    CHECK_OK(stream_run(WAX_QP_BINARY, &one, in, len, NULL, 0));
    CHECK(encoded_shape_ok(one.data, one.len));
    static size_t splits[200000];
    for (int round = 0; round < 5; round++) {
        size_t maxc = (size_t)3 << (round * 3);
        size_t ns = 0;
        for (size_t at = 0;;) {
            at += rng_next(&seed) % (maxc + 1);
            if (at >= len || ns == 200000) {
                break;
            }
            splits[ns++] = at;
        }
        CHECK_OK(stream_run(WAX_QP_BINARY, &enc, in, len, splits, ns));
        CHECK_MEM(enc.data, enc.len, one.data, one.len);
        ns = 0;
        for (size_t at = 0;;) {
            at += rng_next(&seed) % (maxc + 1);
            if (at >= one.len || ns == 200000) {
                break;
            }
            splits[ns++] = at;
        }
        CHECK_OK(stream_run(-1, &dec, one.data, one.len, splits, ns));
        CHECK_MEM(dec.data, dec.len, in, len);
    }
    wax_buf_cleanup(&one);
    wax_buf_cleanup(&enc);
    wax_buf_cleanup(&dec);
    free(in);
}

/* Text mode: LF and CRLF lines come back as CRLF lines, and trailing
 * whitespace survives because it was encoded. */
TEST(qp_text_round_trip_canonicalizes_line_breaks)
{
    static const char *texts[][2] = {
        {"line one\nline two  \n\ttabbed\t\nend", "line one\r\nline two  "
                                                  "\r\n\ttabbed\t\r\nend"},
        {"crlf\r\nmixed\nbare\rcr \r\n", "crlf\r\nmixed\r\nbare\rcr \r\n"},
        {"", ""},
        {"=\n=\n", "=\r\n=\r\n"},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        uint8_t enc[512], dec[512];
        size_t en, dn;
        const char *t = texts[i][0];
        CHECK_OK(wax_qp_encode(enc, sizeof(enc), &en, (const uint8_t *)t,
                               strlen(t), WAX_QP_TEXT));
        CHECK(encoded_shape_ok(enc, en));
        CHECK_OK(wax_qp_decode(dec, sizeof(dec), &dn, enc, en));
        CHECK_MEM(dec, dn, texts[i][1], strlen(texts[i][1]));
    }
    /* a long text line comes back whole after its soft breaks */
    static char longline[1000];
    static uint8_t enc[4000], dec[4000];
    for (size_t i = 0; i < sizeof(longline); i++) {
        longline[i] = (char)(i % 7 == 0 ? ' ' : (i % 11 == 0 ? '=' : 'x'));
    }
    size_t en, dn;
    CHECK_OK(wax_qp_encode(enc, sizeof(enc), &en, (uint8_t *)longline,
                           sizeof(longline), WAX_QP_TEXT));
    CHECK(encoded_shape_ok(enc, en));
    CHECK_OK(wax_qp_decode(dec, sizeof(dec), &dn, enc, en));
    CHECK_MEM(dec, dn, longline, sizeof(longline));
}

/* ---- stream behaviour ---- */

struct fail_sink {
    wax_sink sink;
    size_t num_writes;
    size_t num_small;
    size_t total;
    size_t fail_after;
};

static wax_err
fail_write(wax_sink *self, const uint8_t *p, size_t n)
{
    struct fail_sink *f = (struct fail_sink *)self;
    (void)p;
    f->num_writes++;
    f->num_small += n < 1024;
    WAX_ENSURE(f->total + n <= f->fail_after, WAX_ERR_IO);
    f->total += n;
    return WAX_OK;
}

static wax_err
fail_close(wax_sink *self)
{
    (void)self;
    return WAX_OK;
}

TEST(qp_streams_push_large_chunks_and_errors_stick)
{
    static uint8_t in[100000];
    memset(in, 0xee, sizeof(in));
    struct fail_sink f = {{fail_write, fail_close}, 0, 0, 0, SIZE_MAX};
    struct wax_qp_encoder enc;
    wax_qp_encoder_init(&enc, &f.sink, WAX_QP_BINARY);
    CHECK_OK(wax_sink_write(&enc.sink, NULL, 0));
    for (size_t i = 0; i < sizeof(in); i++) {
        CHECK_OK(wax_sink_write(&enc.sink, in + i, 1));
    }
    CHECK_OK(wax_sink_close(&enc.sink));
    CHECK(f.num_small <= 1);
    CHECK(f.num_writes <= f.total / 4096 + 1);
    CHECK_ERR(wax_sink_write(&enc.sink, in, 1), WAX_ERR_SINK_CLOSED);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_SINK_CLOSED);

    f = (struct fail_sink){{fail_write, fail_close}, 0, 0, 0, 20000};
    wax_qp_encoder_init(&enc, &f.sink, WAX_QP_TEXT);
    CHECK_ERR(wax_sink_write(&enc.sink, in, sizeof(in)), WAX_ERR_IO);
    size_t w = f.num_writes;
    CHECK_ERR(wax_sink_write(&enc.sink, S("x")), WAX_ERR_IO);
    CHECK_ERR(wax_sink_close(&enc.sink), WAX_ERR_IO);
    CHECK_EQ_U64(f.num_writes, w);

    /* decoder: a bad escape sticks even when valid data follows */
    struct wax_qp_decoder dec;
    f = (struct fail_sink){{fail_write, fail_close}, 0, 0, 0, SIZE_MAX};
    wax_qp_decoder_init(&dec, &f.sink);
    CHECK_OK(wax_sink_write(&dec.sink, S("abc=4")));
    CHECK_ERR(wax_sink_write(&dec.sink, S("xdef")), WAX_ERR_QP_BAD_ESCAPE);
    CHECK_ERR(wax_sink_write(&dec.sink, S("=41")), WAX_ERR_QP_BAD_ESCAPE);
    CHECK_ERR(wax_sink_close(&dec.sink), WAX_ERR_QP_BAD_ESCAPE);

    static uint8_t text[400000];
    size_t tl;
    CHECK_OK(
        wax_qp_encode(text, sizeof(text), &tl, in, sizeof(in), WAX_QP_BINARY));
    f = (struct fail_sink){{fail_write, fail_close}, 0, 0, 0, SIZE_MAX};
    wax_qp_decoder_init(&dec, &f.sink);
    CHECK_OK(wax_sink_write(&dec.sink, NULL, 0));
    for (size_t i = 0; i < tl; i += 3) {
        CHECK_OK(wax_sink_write(&dec.sink, text + i, tl - i < 3 ? tl - i : 3));
    }
    CHECK_OK(wax_sink_close(&dec.sink));
    CHECK_EQ_U64(f.total, sizeof(in));
    CHECK(f.num_small <= 1);
    CHECK_ERR(wax_sink_write(&dec.sink, S("a")), WAX_ERR_SINK_CLOSED);

    f = (struct fail_sink){{fail_write, fail_close}, 0, 0, 0, 10000};
    wax_qp_decoder_init(&dec, &f.sink);
    CHECK_ERR(wax_sink_write(&dec.sink, text, tl), WAX_ERR_IO);
    CHECK_ERR(wax_sink_close(&dec.sink), WAX_ERR_IO);
}
