/* Unit tests: canonicalization, the 7-bit scan and decision, preparing the
 * entity to sign. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime_test.h"

/* ------------------------------------------------------------------ */
/* Line ends.                                                          */

static const struct {
    const char *in, *want;
} canon_cases[] = {
    {"a\nb\r\nc\rd\n", "a\r\nb\r\nc\rd\r\n"},
    {"\n\n", "\r\n\r\n"},
    {"\r\n\r\n", "\r\n\r\n"},
    {"\r", "\r"},
    {"\r\r\n", "\r\r\n"},
    {"\n\r", "\r\n\r"},
    {"x", "x"},
    {"", ""},
    {"no line end at the end\nlast", "no line end at the end\r\nlast"},
    {"\rb\n\n", "\rb\r\n\r\n"},
};

TEST(canon_line_ends_at_every_split_point)
{
    for (size_t c = 0; c < sizeof canon_cases / sizeof canon_cases[0]; c++) {
        const char *in = canon_cases[c].in;
        size_t len = strlen(in);
        for (size_t i = 0; i <= len; i++) {
            for (size_t j = i; j <= len + 1; j++) {
                struct wax_buf out;
                wax_buf_init(&out, 1024);
                struct wax_mime_canon cn;
                wax_mime_canon_init(&cn, wax_buf_sink(&out));
                CHECK_OK(mt_feed(wax_mime_canon_sink(&cn), (const uint8_t *)in,
                                 len, j > len ? SIZE_MAX : i, j > len ? 0 : j));
                CHECK_OK(wax_sink_close(wax_mime_canon_sink(&cn)));
                CHECK(out.closed);
                CHECK_MSG(mt_mem_is(out.data, out.len, canon_cases[c].want,
                                    strlen(canon_cases[c].want)),
                          "case %zu cuts %zu,%zu", c, i, j);
                CHECK_ERR(wax_sink_write(wax_mime_canon_sink(&cn),
                                         (const uint8_t *)"x", 1),
                          WAX_ERR_SINK_CLOSED);
                wax_buf_cleanup(&out);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* The 7-bit scan.                                                     */

struct scan_want {
    const char *in;
    size_t len; /* 0: strlen */
    bool is_7bit;
    uint64_t num_8bit, num_nul, num_bare_cr, num_bare_lf, num_lines,
        max_line_len;
    bool trailing_ws, from_line;
};

static const struct scan_want scan_cases[] = {
    {"hello\r\nworld\r\n", 0, true, 0, 0, 0, 0, 2, 5, false, false},
    {"a\nbc", 0, true, 0, 0, 0, 1, 1, 2, false, false},
    {"caf\xc3\xa9\r\n", 0, false, 2, 0, 0, 0, 1, 5, false, false},
    {"a\0b", 3, false, 0, 1, 0, 0, 0, 3, false, false},
    {"a\rb\r\n", 0, false, 0, 0, 1, 0, 1, 3, false, false},
    {"ab\r", 0, false, 0, 0, 1, 0, 0, 3, false, false},
    {"\r\r\n", 0, false, 0, 0, 1, 0, 1, 1, false, false},
    {"x \r\ny", 0, true, 0, 0, 0, 0, 1, 2, true, false},
    {"x\t", 0, true, 0, 0, 0, 0, 0, 2, true, false},
    {"From me\r\n", 0, true, 0, 0, 0, 0, 1, 7, false, true},
    {">From me\r\n", 0, true, 0, 0, 0, 0, 1, 8, false, false},
    {"x\nFrom ", 0, true, 0, 0, 0, 1, 1, 5, true, true},
    {"Fro\nm x", 0, true, 0, 0, 0, 1, 1, 3, false, false},
    {"", 0, true, 0, 0, 0, 0, 0, 0, false, false},
};

static void
check_scan(const struct scan_want *w, size_t cut1, size_t cut2)
{
    size_t len = w->len ? w->len : strlen(w->in);
    struct wax_mime_scan s;
    wax_mime_scan_init(&s);
    CHECK_OK(mt_feed(wax_mime_scan_sink(&s), (const uint8_t *)w->in, len, cut1,
                     cut2));
    CHECK_OK(wax_sink_close(wax_mime_scan_sink(&s)));
    CHECK_EQ_U64(s.num_bytes, len);
    CHECK_EQ_U64(wax_mime_scan_is_7bit(&s), w->is_7bit);
    CHECK_EQ_U64(s.num_8bit, w->num_8bit);
    CHECK_EQ_U64(s.num_nul, w->num_nul);
    CHECK_EQ_U64(s.num_bare_cr, w->num_bare_cr);
    CHECK_EQ_U64(s.num_bare_lf, w->num_bare_lf);
    CHECK_EQ_U64(s.num_lines, w->num_lines);
    CHECK_EQ_U64(s.max_line_len, w->max_line_len);
    CHECK_EQ_U64(s.trailing_ws, w->trailing_ws);
    CHECK_EQ_U64(s.from_line, w->from_line);
}

TEST(scan_counts_at_every_split_point)
{
    for (size_t c = 0; c < sizeof scan_cases / sizeof scan_cases[0]; c++) {
        size_t len =
            scan_cases[c].len ? scan_cases[c].len : strlen(scan_cases[c].in);
        for (size_t i = 0; i <= len + 1; i++) {
            check_scan(&scan_cases[c], i > len ? SIZE_MAX : i, i > len ? 0 : i);
            CHECK_MSG(!wax_test_failed(), "scan case %zu cut %zu", c, i);
        }
    }
}

TEST(scan_line_length_threshold)
{
    static uint8_t line[WAX_MIME_7BIT_LINE + 3];
    memset(line, 'x', sizeof line);
    struct wax_mime_scan s;
    wax_mime_scan_init(&s);
    line[WAX_MIME_7BIT_LINE] = '\r';
    line[WAX_MIME_7BIT_LINE + 1] = '\n';
    CHECK_OK(wax_sink_write(&s.sink, line, WAX_MIME_7BIT_LINE + 2));
    CHECK_OK(wax_sink_close(&s.sink));
    CHECK(wax_mime_scan_is_7bit(&s));
    CHECK_EQ_U64(s.max_line_len, WAX_MIME_7BIT_LINE);
    wax_mime_scan_init(&s);
    line[WAX_MIME_7BIT_LINE] = 'x';
    CHECK_OK(wax_sink_write(&s.sink, line, WAX_MIME_7BIT_LINE + 1));
    CHECK_OK(wax_sink_close(&s.sink));
    CHECK(!wax_mime_scan_is_7bit(&s));
    CHECK_EQ_U64(s.max_line_len, WAX_MIME_7BIT_LINE + 1);
}

/* ------------------------------------------------------------------ */
/* The decision.                                                       */

static struct wax_mime_entity_scan es;

static wax_err
scan_entity(enum wax_mime_encode *out, const char *msg, size_t len)
{
    wax_mime_entity_scan_init(&es);
    wax_err err = wax_sink_write(wax_mime_entity_scan_sink(&es),
                                 (const uint8_t *)msg, len);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_mime_entity_scan_sink(&es));
    }
    if (err == WAX_OK) {
        err = wax_mime_choose_encoding(out, wax_mime_entity_scan_header(&es),
                                       &es.scan);
    }
    wax_mime_entity_scan_cleanup(&es);
    return err;
}

static const struct {
    const char *msg;
    size_t len; /* 0: strlen */
    wax_err err;
    enum wax_mime_encode want;
} choose_cases[] = {
    {"Content-Type: text/plain\r\n\r\nhello\r\n", 0, WAX_OK,
     WAX_MIME_ENCODE_NONE},
    {"Content-Type: text/plain\n\nhello\nworld\n", 0, WAX_OK,
     WAX_MIME_ENCODE_NONE},
    {"Content-Type: text/plain; charset=utf-8\r\n\r\ncaf\xc3\xa9 au lait\r\n",
     0, WAX_OK, WAX_MIME_ENCODE_QP},
    {"Content-Type: text/plain; charset=utf-8\r\n\r\n"
     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 ab\r\n",
     0, WAX_OK, WAX_MIME_ENCODE_BASE64},
    /* exactly one 8-bit byte in six: still QP */
    {"Subject: x\r\n\r\n\xe9xxxxx", 0, WAX_OK, WAX_MIME_ENCODE_QP},
    {"Subject: x\r\n\r\n\xe9\xe9xxxxxxxxx", 0, WAX_OK, WAX_MIME_ENCODE_BASE64},
    {"Subject: no content type\r\n\r\nh\xe9llo world\r\n", 0, WAX_OK,
     WAX_MIME_ENCODE_QP},
    {"Content-Type: text/plain\r\n\r\na\0b", 31, WAX_OK,
     WAX_MIME_ENCODE_BASE64},
    {"Content-Type: text/plain\r\n\r\na\rb", 0, WAX_OK, WAX_MIME_ENCODE_QP},
    {"Content-Type: application/octet-stream\r\n\r\n\x01\x02\xff", 0, WAX_OK,
     WAX_MIME_ENCODE_BASE64},
    {"Content-Type: application/octet-stream\r\n\r\nhello\r\n", 0, WAX_OK,
     WAX_MIME_ENCODE_NONE},
    {"Content-Type: image/png\r\n\r\na\rb", 0, WAX_OK, WAX_MIME_ENCODE_BASE64},
    {"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\na\r\n--x--",
     0, WAX_OK, WAX_MIME_ENCODE_NONE},
    {"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n\xe9\r\n"
     "--x--",
     0, WAX_ERR_MIME_COMPOSITE_ENCODING, 0},
    {"Content-Type: message/rfc822\r\n\r\nSubject: \xe9\r\n\r\n", 0,
     WAX_ERR_MIME_COMPOSITE_ENCODING, 0},
    {"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "aGVsbG8=\r\n",
     0, WAX_OK, WAX_MIME_ENCODE_NONE},
    {"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "aGVsbG8=\xe9\r\n",
     0, WAX_ERR_MIME_NOT_7BIT, 0},
    {"Content-Transfer-Encoding: x-uue\r\n\r\nabc", 0, WAX_ERR_MIME_UNKNOWN_CTE,
     0},
    {"Content-Type: text\r\n\r\nabc", 0, WAX_ERR_MIME_BAD_CONTENT_TYPE, 0},
};

TEST(choose_encoding)
{
    for (size_t i = 0; i < sizeof choose_cases / sizeof choose_cases[0]; i++) {
        const char *m = choose_cases[i].msg;
        size_t len = choose_cases[i].len ? choose_cases[i].len : strlen(m);
        enum wax_mime_encode enc = (enum wax_mime_encode)99;
        wax_err got = scan_entity(&enc, m, len);
        CHECK_MSG(got == choose_cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(choose_cases[i].err));
        if (got == WAX_OK) {
            CHECK_MSG(enc == choose_cases[i].want, "case %zu: enc %d, want %d",
                      i, (int)enc, (int)choose_cases[i].want);
        }
    }
    /* a long 7-bit line in text: QP (soft line breaks) */
    size_t n = 30 + 1200;
    char *m = malloc(n + 1);
    memcpy(m, "Content-Type: text/plain\r\n\r\n", 28);
    memset(m + 28, 'a', n - 28);
    m[n] = 0;
    enum wax_mime_encode enc;
    CHECK_OK(scan_entity(&enc, m, n));
    CHECK_EQ_U64(enc, WAX_MIME_ENCODE_QP);
    free(m);
}

/* ------------------------------------------------------------------ */
/* Preparing the entity.                                               */

struct prep_log {
    int calls;
    size_t out_len_at_header;
    size_t num_fields;
    struct wax_buf *out;
};

static wax_err
prep_on_header(void *ctx, const struct wax_mime_header *h)
{
    struct prep_log *log = ctx;
    log->calls++;
    log->num_fields = h->num_fields;
    log->out_len_at_header = log->out->len;
    return WAX_OK;
}

static struct wax_mime_prepare prep;

/* run_prepare feeds MSG cut at CUT (SIZE_MAX: byte by byte) and returns
 * the first error; the output is in *OUT. */
static wax_err
run_prepare(struct wax_buf *out, struct prep_log *log, const char *msg,
            size_t len, enum wax_mime_encode enc, size_t cut)
{
    wax_mime_prepare_init(&prep, wax_buf_sink(out), enc, prep_on_header, log);
    wax_err err = mt_feed(wax_mime_prepare_sink(&prep), (const uint8_t *)msg,
                          len, cut, cut == SIZE_MAX ? 0 : cut);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_mime_prepare_sink(&prep));
    }
    return err;
}

static const struct {
    const char *msg;
    size_t len;
    enum wax_mime_encode enc;
    wax_err err;
    const char *want;
    size_t want_len;
    size_t num_fields;
} prep_cases[] = {
    /* outer fields stay out; 8bit text becomes quoted-printable in place */
    {"From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
     "Content-Type: text/plain; charset=utf-8\r\n"
     "Content-Transfer-Encoding: 8bit\r\nContent-Language: fr\r\n\r\n"
     "caf\xc3\xa9\n",
     0, WAX_MIME_ENCODE_QP, WAX_OK,
     "Content-Type: text/plain; charset=utf-8\r\n"
     "Content-Transfer-Encoding: quoted-printable\r\n"
     "Content-Language: fr\r\n\r\ncaf=C3=A9\r\n",
     0, 6},
    /* no Content-Type, 7-bit, LF line ends */
    {"Subject: x\n\nhello\nworld\n", 0, WAX_MIME_ENCODE_NONE, WAX_OK,
     "Content-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\nworld\r\n", 0,
     1},
    /* no Content-Type but 8-bit: not us-ascii after all */
    {"Subject: x\n\nh\xe9!", 0, WAX_MIME_ENCODE_QP, WAX_OK,
     "Content-Type: text/plain; charset=unknown-8bit\r\n"
     "Content-Transfer-Encoding: quoted-printable\r\n\r\nh=E9!",
     0, 1},
    /* binary data: base64 of the bytes as they are (no line-end change) */
    {"Content-Type: application/octet-stream\r\n\r\n\x00\x01\n\xff", 46,
     WAX_MIME_ENCODE_BASE64, WAX_OK,
     "Content-Type: application/octet-stream\r\n"
     "Content-Transfer-Encoding: base64\r\n\r\nAAEK/w==\r\n",
     0, 1},
    /* text in base64: canonicalized first */
    {"Content-Type: text/plain\n\n\x00\x61\nb", 30, WAX_MIME_ENCODE_BASE64,
     WAX_OK,
     "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "AGENCmI=\r\n",
     0, 1},
    /* folded Content-* fields keep their folding, with CRLF */
    {"Content-Type: multipart/mixed;\n boundary=x\nMIME-Version: 1.0\n"
     "X-Other: y\n\n--x\n\nA\n--x--\n",
     0, WAX_MIME_ENCODE_NONE, WAX_OK,
     "Content-Type: multipart/mixed;\r\n boundary=x\r\n\r\n--x\r\n\r\nA\r\n"
     "--x--\r\n",
     0, 3},
    /* a header without body */
    {"Content-Type: text/plain", 0, WAX_MIME_ENCODE_NONE, WAX_OK,
     "Content-Type: text/plain\r\n\r\n", 0, 1},
    /* an already encoded body goes through as it is */
    {"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "aGk=\n",
     0, WAX_MIME_ENCODE_NONE, WAX_OK,
     "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "aGk=\r\n",
     0, 2},
    /* mismatches between ENC and the entity */
    {"Content-Type: text/plain\r\n\r\nh\xe9", 0, WAX_MIME_ENCODE_NONE,
     WAX_ERR_MIME_NOT_7BIT, NULL, 0, 1},
    {"Content-Type: text/plain\r\n\r\nab\rc", 0, WAX_MIME_ENCODE_NONE,
     WAX_ERR_MIME_NOT_7BIT, NULL, 0, 1},
    {"Content-Type: text/plain\r\n\r\nabc\r", 0, WAX_MIME_ENCODE_NONE,
     WAX_ERR_MIME_NOT_7BIT, NULL, 0, 1},
    {"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x--", 0,
     WAX_MIME_ENCODE_BASE64, WAX_ERR_MIME_COMPOSITE_ENCODING, NULL, 0, 1},
    {"Content-Type: text/plain\r\nContent-Transfer-Encoding: Base64\r\n\r\n"
     "aGk=",
     0, WAX_MIME_ENCODE_QP, WAX_ERR_MIME_ALREADY_ENCODED, NULL, 0, 2},
    {"Content-Type: image/gif\r\n\r\nGIF", 0, WAX_MIME_ENCODE_QP,
     WAX_ERR_INVALID_ARGUMENT, NULL, 0, 1},
    {"Content-Type: text/plain\r\nContent-Type: text/html\r\n\r\nx", 0,
     WAX_MIME_ENCODE_NONE, WAX_ERR_MIME_DUPLICATE_FIELD, NULL, 0, 2},
};

TEST(prepare_outputs_the_canonical_entity_at_every_split_point)
{
    for (size_t c = 0; c < sizeof prep_cases / sizeof prep_cases[0]; c++) {
        const char *msg = prep_cases[c].msg;
        size_t len = prep_cases[c].len ? prep_cases[c].len : strlen(msg);
        for (size_t cut = 0; cut <= len + 1; cut++) {
            struct wax_buf out;
            wax_buf_init(&out, 1 << 16);
            struct prep_log log = {0, 99, 0, &out};
            wax_err got = run_prepare(&out, &log, msg, len, prep_cases[c].enc,
                                      cut > len ? SIZE_MAX : cut);
            CHECK_MSG(got == prep_cases[c].err, "case %zu cut %zu: got %s", c,
                      cut, wax_err_name(got));
            if (got == WAX_OK) {
                size_t wl = prep_cases[c].want_len ? prep_cases[c].want_len
                                                   : strlen(prep_cases[c].want);
                CHECK_MSG(mt_mem_is(out.data, out.len, prep_cases[c].want, wl),
                          "case %zu cut %zu: output differs (%zu bytes)", c,
                          cut, out.len);
                CHECK(out.closed);
                CHECK_EQ_U64(log.calls, 1);
                CHECK_EQ_U64(log.out_len_at_header, 0);
                CHECK_EQ_U64(log.num_fields, prep_cases[c].num_fields);
                CHECK(wax_mime_prepare_header(&prep) != NULL);
                /* errors stick, closed is closed */
                CHECK_ERR(wax_sink_write(wax_mime_prepare_sink(&prep),
                                         (const uint8_t *)"x", 1),
                          WAX_ERR_SINK_CLOSED);
            } else {
                CHECK_ERR(wax_sink_close(wax_mime_prepare_sink(&prep)),
                          prep_cases[c].err);
            }
            wax_mime_prepare_cleanup(&prep);
            wax_buf_cleanup(&out);
        }
    }
}

TEST(prepare_long_body_streams_in_bounded_memory)
{
    /* 4 MiB of text with 8-bit bytes through QP: the output is produced as
     * the input arrives (the output buffer sees it before close) */
    struct wax_buf out;
    wax_buf_init(&out, (size_t)64 << 20);
    struct prep_log log = {0, 0, 0, &out};
    wax_mime_prepare_init(&prep, wax_buf_sink(&out), WAX_MIME_ENCODE_QP,
                          prep_on_header, &log);
    wax_sink *s = wax_mime_prepare_sink(&prep);
    CHECK_OK(
        wax_sink_write(s, (const uint8_t *)"Content-Type: text/plain\n\n", 26));
    static uint8_t chunk[4096];
    for (size_t i = 0; i < sizeof chunk; i++) {
        chunk[i] = (i % 64 == 63) ? '\n' : (i % 7 == 0 ? 0xe9 : 'a');
    }
    for (int i = 0; i < 1024; i++) {
        CHECK_OK(wax_sink_write(s, chunk, sizeof chunk));
    }
    CHECK(out.len > (size_t)4 << 20);
    CHECK_OK(wax_sink_close(s));
    wax_mime_prepare_cleanup(&prep);
    wax_buf_cleanup(&out);
}
