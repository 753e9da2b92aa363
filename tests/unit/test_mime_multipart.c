/* Unit tests: the multipart parser, multipart/signed splitting, pkcs7-mime
 * unwrapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime_test.h"

/*
 * The event log: part_begin "<d:i>", part_header "{raw}", part_body the
 * bytes, part_end "</d>". Chunking changes only how part_body is cut, so
 * the log must be the same for every split of the input.
 */
struct mp_log {
    struct wax_buf text;
    bool descend_multipart; /* descend into multipart parts */
};

static wax_err
log_str(struct mp_log *log, const char *s)
{
    return wax_buf_append_str(&log->text, s);
}

static wax_err
ev_begin(void *ctx, size_t depth, size_t index)
{
    char s[32];
    snprintf(s, sizeof s, "<%zu:%zu>", depth, index);
    return log_str(ctx, s);
}

static wax_err
ev_header(void *ctx, size_t depth, const struct wax_mime_header *h,
          bool *descend)
{
    struct mp_log *log = ctx;
    (void)depth;
    WAX_TRY(log_str(log, "{"));
    WAX_TRY(wax_buf_append(&log->text, h->raw.p, h->raw.len));
    WAX_TRY(log_str(log, "}"));
    if (log->descend_multipart) {
        size_t i = 0;
        if (wax_mime_header_find(h, &i, "Content-Type") &&
            h->fields[i].value.len > 10 &&
            memcmp(h->fields[i].value.p, " multipart", 10) == 0) {
            *descend = true;
        }
    }
    return WAX_OK;
}

static wax_err
ev_body(void *ctx, size_t depth, const uint8_t *data, size_t len)
{
    struct mp_log *log = ctx;
    (void)depth;
    return wax_buf_append(&log->text, data, len);
}

static wax_err
ev_end(void *ctx, size_t depth)
{
    char s[32];
    snprintf(s, sizeof s, "</%zu>", depth);
    return log_str(ctx, s);
}

static const struct wax_mime_multipart_events events = {ev_begin, ev_header,
                                                        ev_body, ev_end};

static struct wax_mime_multipart mp;

/* run_mp parses BODY (boundary B) cut at CUT1/CUT2 (SIZE_MAX: byte by
 * byte) and gives the first error; the log is in LOG. */
static wax_err
run_mp(struct mp_log *log, const char *b, const char *body, size_t len,
       size_t cut1, size_t cut2)
{
    wax_buf_init(&log->text, 1 << 20);
    WAX_TRY(wax_mime_multipart_init(&mp, (const uint8_t *)b, strlen(b), &events,
                                    log));
    wax_err err = mt_feed(wax_mime_multipart_sink(&mp), (const uint8_t *)body,
                          len, cut1, cut2);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_mime_multipart_sink(&mp));
    }
    wax_mime_multipart_cleanup(&mp);
    return err;
}

static const struct {
    const char *boundary;
    const char *body;
    bool descend;
    wax_err err;
    const char *want; /* the log, when err is WAX_OK */
} mp_cases[] = {
    /* preamble, two parts, epilogue; the CRLF before a delimiter is not
     * part content */
    {"b",
     "preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
     "\r\nworld\r\n\r\n--b--\r\nepilogue\r\n--b\r\nnot a part\r\n",
     false, WAX_OK,
     "<0:0>{Content-Type: text/plain\r\n\r\n}hello</0><0:1>{\r\n}world\r\n"
     "</0>"},
    /* no preamble, close delimiter at the very end */
    {"b", "--b\r\nA: 1\r\n\r\nx\r\n--b--", false, WAX_OK,
     "<0:0>{A: 1\r\n\r\n}x</0>"},
    /* transport padding after delimiters */
    {"b", "--b  \t\r\nA: 1\r\n\r\nx\r\n--b \r\n\r\ny\r\n--b--  \r\n", false,
     WAX_OK, "<0:0>{A: 1\r\n\r\n}x</0><0:1>{\r\n}y</0>"},
    /* boundary-like lines inside a part are content */
    {"b",
     "--b\r\n\r\na\r\n--bx\r\n--b-y\r\n---b\r\n--b  x\r\n-- b\r\n--B\r\n"
     "end\r\n--b--",
     false, WAX_OK,
     "<0:0>{\r\n}a\r\n--bx\r\n--b-y\r\n---b\r\n--b  x\r\n-- b\r\n--B\r\n"
     "end</0>"},
    /* LF-only input: the LF before a delimiter belongs to it */
    {"b", "--b\nA: 1\n\nx\n--b\n\ny\n\n--b--\n", false, WAX_OK,
     "<0:0>{A: 1\n\n}x</0><0:1>{\n}y\n</0>"},
    /* empty parts: the line end before a delimiter belongs to it */
    {"b", "--b\r\n\r\n--b\n\n--b--", false, WAX_OK, "<0:0>{}</0><0:1>{}</0>"},
    /* an empty part, and a part that is all header */
    {"b", "--b\r\n--b\r\nA: 1\r\n--b--", false, WAX_OK,
     "<0:0>{}</0><0:1>{A: 1}</0>"},
    /* CRs next to delimiters */
    {"b", "--b\r\n\r\nx\r\r\n--b\r\n\r\n\r\n\r\n--b--", false, WAX_OK,
     "<0:0>{\r\n}x\r</0><0:1>{\r\n}\r\n</0>"},
    /* a delimiter whose line ends with CR only is not one */
    {"b", "--b\r\n\r\nx\r\n--b\ry\r\n--b--", false, WAX_OK,
     "<0:0>{\r\n}x\r\n--b\ry</0>"},
    /* a boundary that looks like a delimiter prefix of itself */
    {"--", "----\r\n\r\n-----\r\n------\r\n", false, WAX_OK,
     "<0:0>{\r\n}-----</0>"},
    /* nested multiparts, descended into */
    {"o",
     "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\npre\r\n--i\r\n"
     "\r\nA\r\n--i\r\n\r\nB\r\n--i--\r\nepi\r\n--o\r\n\r\nC\r\n--o--\r\n",
     true, WAX_OK,
     "<0:0>{Content-Type: multipart/mixed; boundary=i\r\n\r\n}<1:0>{\r\n}A"
     "</1><1:1>{\r\n}B</1></0><0:1>{\r\n}C</0>"},
    /* the same, not descended into: the inner multipart is body bytes */
    {"o",
     "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\nA"
     "\r\n--i--\r\n--o--",
     false, WAX_OK,
     "<0:0>{Content-Type: multipart/mixed; boundary=i\r\n\r\n}--i\r\n\r\nA"
     "\r\n--i--</0>"},
    /* errors */
    {"b", "--b\r\nA: 1\r\n\r\nx", false, WAX_ERR_MIME_NO_CLOSE_DELIMITER, NULL},
    {"b", "--b\r\nA: 1\r\n\r\nx\r\n--b", false, WAX_ERR_MIME_NO_CLOSE_DELIMITER,
     NULL},
    {"b", "--b\r\nA: 1\r\n\r\nx\r\n--b\r\n", false,
     WAX_ERR_MIME_NO_CLOSE_DELIMITER, NULL},
    {"b", "no delimiter at all\r\n--c--\r\n", false, WAX_ERR_MIME_NO_DELIMITER,
     NULL},
    {"b", "", false, WAX_ERR_MIME_NO_DELIMITER, NULL},
    {"b", "--b--\r\n", false, WAX_ERR_MIME_EMPTY_MULTIPART, NULL},
    {"b", "--b\r\nNoColon\r\n\r\nx\r\n--b--", false,
     WAX_ERR_MIME_FIELD_NO_COLON, NULL},
    {"o",
     "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\n\r\nA"
     "\r\n--o--",
     true, WAX_ERR_MIME_NO_CLOSE_DELIMITER, NULL},
    {"o", "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\nA\r\n--o--",
     true, WAX_ERR_MIME_NO_DELIMITER, NULL},
    {"o", "--o\r\nContent-Type: multipart/mixed\r\n\r\nA\r\n--o--", true,
     WAX_ERR_MIME_NO_BOUNDARY, NULL},
};

static void
check_mp_case(size_t c, size_t cut1, size_t cut2)
{
    struct mp_log log;
    log.descend_multipart = mp_cases[c].descend;
    const char *body = mp_cases[c].body;
    wax_err got =
        run_mp(&log, mp_cases[c].boundary, body, strlen(body), cut1, cut2);
    CHECK_MSG(got == mp_cases[c].err, "case %zu cuts %zu,%zu: got %s, want %s",
              c, cut1, cut2, wax_err_name(got), wax_err_name(mp_cases[c].err));
    if (got == WAX_OK) {
        size_t wl = strlen(mp_cases[c].want);
        CHECK_MSG(mt_mem_is(log.text.data, log.text.len, mp_cases[c].want, wl),
                  "case %zu cuts %zu,%zu: log \"%.*s\"", c, cut1, cut2,
                  (int)log.text.len, (const char *)log.text.data);
    }
    wax_buf_cleanup(&log.text);
}

TEST(multipart_cases_at_every_split_point)
{
    for (size_t c = 0; c < sizeof mp_cases / sizeof mp_cases[0]; c++) {
        size_t len = strlen(mp_cases[c].body);
        check_mp_case(c, SIZE_MAX, 0);
        if (wax_test_failed()) {
            return;
        }
        for (size_t i = 0; i <= len; i++) {
            check_mp_case(c, i, i);
            if (wax_test_failed()) {
                return;
            }
        }
    }
}

TEST(multipart_three_pieces_at_every_pair_of_split_points)
{
    /* the boundary split across three writes in every way */
    for (size_t c = 0; c < 4; c++) {
        size_t len = strlen(mp_cases[c].body);
        for (size_t i = 0; i <= len; i++) {
            for (size_t j = i; j <= len; j++) {
                check_mp_case(c, i, j);
                if (wax_test_failed()) {
                    return;
                }
            }
        }
    }
}

TEST(multipart_padding_limit)
{
    char body[512];
    struct mp_log log;
    memset(&log, 0, sizeof log);
    for (int extra = 0; extra < 2; extra++) {
        size_t o = (size_t)snprintf(body, sizeof body, "--b");
        for (int i = 0; i < WAX_MAX_MIME_PADDING + extra; i++) {
            body[o++] = ' ';
        }
        o += (size_t)snprintf(body + o, sizeof body - o, "\r\n\r\nx\r\n--b--");
        wax_err got = run_mp(&log, "b", body, o, SIZE_MAX, 0);
        CHECK_ERR(got, extra ? WAX_ERR_MIME_PADDING_TOO_LONG : WAX_OK);
        wax_buf_cleanup(&log.text);
    }
}

TEST(multipart_part_header_limits)
{
    struct mp_log log;
    memset(&log, 0, sizeof log);
    size_t n = 8 + WAX_MAX_MIME_LINE + 1 + 20;
    char *body = malloc(n + 1);
    memcpy(body, "--b\r\nX: ", 8);
    memset(body + 8, 'a', WAX_MAX_MIME_LINE);
    snprintf(body + 8 + WAX_MAX_MIME_LINE - 3, n - 5 - WAX_MAX_MIME_LINE,
             "\r\n\r\nx\r\n--b--");
    /* "X: " + 995 a's: a line of 998 passes */
    CHECK_OK(run_mp(&log, "b", body, strlen(body), SIZE_MAX, 0));
    wax_buf_cleanup(&log.text);
    memset(body + 8, 'a', WAX_MAX_MIME_LINE);
    snprintf(body + 8 + WAX_MAX_MIME_LINE - 2, n - 6 - WAX_MAX_MIME_LINE,
             "\r\n\r\nx\r\n--b--");
    CHECK_ERR(run_mp(&log, "b", body, strlen(body), 100, 100),
              WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    wax_buf_cleanup(&log.text);
    free(body);

    /* a part header section past the cap (folded lines of 100 bytes) */
    size_t cap = WAX_MAX_MIME_HEADER_BYTES + 1000;
    body = malloc(cap);
    size_t o = (size_t)snprintf(body, cap, "--b\r\nX: 1\r\n");
    while (o + 100 < cap - 20) {
        memset(body + o, 'x', 98);
        body[o] = ' ';
        body[o + 98] = '\r';
        body[o + 99] = '\n';
        o += 100;
    }
    o += (size_t)snprintf(body + o, cap - o, "\r\nx\r\n--b--");
    CHECK_ERR(run_mp(&log, "b", body, o, 4096, 8192),
              WAX_ERR_MIME_HEADER_TOO_LARGE);
    wax_buf_cleanup(&log.text);
    free(body);
}

/* nested builds DEPTH nested multiparts (boundaries "bnd00".."bnd<d-1>")
 * around one leaf part. */
static char *
nested(size_t depth)
{
    size_t cap = depth * 120 + 100;
    char *s = malloc(cap);
    size_t o = 0;
    for (size_t d = 0; d < depth; d++) {
        if (d + 1 < depth) {
            o += (size_t)snprintf(s + o, cap - o,
                                  "--bnd%02zu\r\nContent-Type: multipart/mixed;"
                                  " boundary=bnd%02zu\r\n\r\n",
                                  d, d + 1);
        } else {
            o += (size_t)snprintf(s + o, cap - o, "--bnd%02zu\r\n\r\nleaf", d);
        }
    }
    for (size_t d = depth; d-- > 0;) {
        o += (size_t)snprintf(s + o, cap - o, "\r\n--bnd%02zu--", d);
    }
    return s;
}

TEST(multipart_nesting_limit)
{
    struct mp_log log;
    memset(&log, 0, sizeof log);
    log.descend_multipart = true;
    char *s = nested(WAX_MAX_MIME_DEPTH);
    CHECK_OK(run_mp(&log, "bnd00", s, strlen(s), SIZE_MAX, 0));
    /* the leaf is at the deepest level */
    char want[64];
    snprintf(want, sizeof want, "<%d:0>{\r\n}leaf</%d>", WAX_MAX_MIME_DEPTH - 1,
             WAX_MAX_MIME_DEPTH - 1);
    CHECK(log.text.len > strlen(want) &&
          strstr((const char *)log.text.data, want) != NULL);
    wax_buf_cleanup(&log.text);
    free(s);
    s = nested(WAX_MAX_MIME_DEPTH + 1);
    CHECK_ERR(run_mp(&log, "bnd00", s, strlen(s), 7, 7), WAX_ERR_MIME_TOO_DEEP);
    wax_buf_cleanup(&log.text);
    free(s);
}

TEST(multipart_init_and_sticky_errors)
{
    struct mp_log log;
    memset(&log, 0, sizeof log);
    wax_buf_init(&log.text, 1000);
    CHECK_ERR(
        wax_mime_multipart_init(&mp, (const uint8_t *)"", 0, &events, &log),
        WAX_ERR_MIME_BAD_BOUNDARY);
    CHECK_ERR(
        wax_sink_write(wax_mime_multipart_sink(&mp), (const uint8_t *)"x", 1),
        WAX_ERR_MIME_BAD_BOUNDARY);
    wax_mime_multipart_cleanup(&mp);
    uint8_t b71[71];
    memset(b71, 'b', sizeof b71);
    CHECK_ERR(wax_mime_multipart_init(&mp, b71, sizeof b71, &events, &log),
              WAX_ERR_MIME_BOUNDARY_TOO_LONG);
    wax_mime_multipart_cleanup(&mp);

    CHECK_OK(wax_mime_multipart_init(&mp, b71, 70, NULL, NULL));
    wax_sink *s = wax_mime_multipart_sink(&mp);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"--", 2), WAX_OK);
    CHECK_OK(wax_sink_write(s, b71, 70));
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"--", 2),
              WAX_ERR_MIME_EMPTY_MULTIPART);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"x", 1),
              WAX_ERR_MIME_EMPTY_MULTIPART);
    CHECK_ERR(wax_sink_close(s), WAX_ERR_MIME_EMPTY_MULTIPART);
    wax_mime_multipart_cleanup(&mp);
    wax_buf_cleanup(&log.text);
}

TEST(multipart_large_part_streams)
{
    /* a 3 MiB part body arrives in part_body chunks, never whole */
    struct mp_log log;
    memset(&log, 0, sizeof log);
    wax_buf_init(&log.text, (size_t)8 << 20);
    CHECK_OK(
        wax_mime_multipart_init(&mp, (const uint8_t *)"b", 1, &events, &log));
    wax_sink *s = wax_mime_multipart_sink(&mp);
    CHECK_OK(wax_sink_write(s, (const uint8_t *)"--b\r\n\r\n", 7));
    static uint8_t chunk[65536];
    for (size_t i = 0; i < sizeof chunk; i++) {
        chunk[i] = (uint8_t)(i % 251);
    }
    for (int i = 0; i < 48; i++) {
        CHECK_OK(wax_sink_write(s, chunk, sizeof chunk));
        /* everything but a possible delimiter candidate was delivered */
        CHECK(log.text.len + WAX_MIME_LA_MAX >= 9 + (size_t)(i + 1) * 65536);
    }
    CHECK_OK(wax_sink_write(s, (const uint8_t *)"\r\n--b--\r\n", 9));
    CHECK_OK(wax_sink_close(s));
    CHECK_EQ_U64(log.text.len, 7 + 2 + (size_t)48 * 65536 + 4);
    wax_mime_multipart_cleanup(&mp);
    wax_buf_cleanup(&log.text);
}

/* ------------------------------------------------------------------ */
/* multipart/signed.                                                   */

static const char signed_msg[] =
    "From: alice@example.org\r\n"
    "To: bob@example.org\r\n"
    "Subject: signed\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
    "\r\n micalg=sha-256; boundary=\"=_b\"\r\n"
    "\r\n"
    "This is an S/MIME signed message\r\n"
    "--=_b\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hello.\r\n"
    "--=_bx is not a delimiter\r\n"
    "\r\n"
    "--=_b\r\n"
    "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "MAMC\r\n"
    "AQE=\r\n"
    "--=_b--\r\n";

static const char signed_first_part[] =
    "Content-Type: text/plain\r\n\r\nHello.\r\n--=_bx is not a delimiter\r\n";

struct outer_log {
    int calls;
    size_t num_fields;
};

static wax_err
on_outer(void *ctx, const struct wax_mime_header *h)
{
    struct outer_log *log = ctx;
    log->calls++;
    log->num_fields = h->num_fields;
    return WAX_OK;
}

static struct wax_mime_signed_split ss;

static wax_err
run_signed(struct wax_buf *content, struct wax_buf *sig, struct outer_log *log,
           const char *msg, size_t len, size_t cut1, size_t cut2)
{
    wax_buf_init(content, 1 << 20);
    wax_buf_init(sig, 1 << 16);
    wax_mime_signed_split_init(&ss, wax_buf_sink(content), wax_buf_sink(sig),
                               on_outer, log);
    wax_err err = mt_feed(wax_mime_signed_split_sink(&ss), (const uint8_t *)msg,
                          len, cut1, cut2);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_mime_signed_split_sink(&ss));
    }
    return err;
}

static char *
to_lf(const char *s)
{
    char *o = malloc(strlen(s) + 1);
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '\r') {
            o[n++] = *p;
        }
    }
    o[n] = 0;
    return o;
}

TEST(signed_split_at_every_split_point_crlf_and_lf)
{
    static const uint8_t want_sig[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    char *lf = to_lf(signed_msg);
    const char *inputs[2] = {signed_msg, lf};
    for (int k = 0; k < 2; k++) {
        size_t len = strlen(inputs[k]);
        for (size_t cut = 0; cut <= len + 1; cut++) {
            struct wax_buf content, sig;
            struct outer_log log = {0, 0};
            CHECK_OK(run_signed(&content, &sig, &log, inputs[k], len,
                                cut > len ? SIZE_MAX : cut, cut));
            /* the first part as signed: canonical CRLF line ends */
            CHECK_MEM(content.data, content.len, signed_first_part,
                      strlen(signed_first_part));
            CHECK(content.closed);
            CHECK_MEM(sig.data, sig.len, want_sig, sizeof want_sig);
            CHECK(sig.closed);
            CHECK_EQ_U64(log.calls, 1);
            CHECK_EQ_U64(log.num_fields, 5);
            const struct wax_mime_header *outer =
                wax_mime_signed_split_outer(&ss);
            CHECK(outer != NULL);
            const struct wax_mime_field *f;
            CHECK_OK(wax_mime_header_get(outer, &f, "from"));
            CHECK(f != NULL && mt_span_is(f->value, " alice@example.org"));
            CHECK_EQ_U64(ss.info.type, WAX_MIME_SMIME_MULTIPART_SIGNED);
            CHECK_EQ_U64(ss.info.micalg, WAX_DIGEST_SHA256);
            wax_mime_signed_split_cleanup(&ss);
            wax_buf_cleanup(&content);
            wax_buf_cleanup(&sig);
        }
    }
    free(lf);
}

static const struct {
    const char *msg;
    wax_err err;
} bad_signed[] = {
    {"Content-Type: text/plain\r\n\r\nhello", WAX_ERR_MIME_NOT_SIGNED},
    {"Subject: no type\r\n\r\nhello", WAX_ERR_MIME_NOT_SIGNED},
    {"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--",
     WAX_ERR_MIME_NOT_SIGNED},
    {"Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
     " boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--",
     WAX_ERR_MIME_BAD_SIGNED_PROTOCOL},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"\r\n\r\n--b\r\n\r\nx\r\n--b--",
     WAX_ERR_MIME_NO_BOUNDARY},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "text/plain\r\n\r\nMAMCAQE=\r\n--b--",
     WAX_ERR_MIME_BAD_SIGNATURE_PART},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "application/pkcs7-signature\r\n\r\n0\r\n--b--",
     WAX_ERR_MIME_BAD_SIGNATURE_ENCODING},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n"
     "\r\nMA*C\r\n--b--",
     WAX_ERR_BASE64_INVALID_CHAR},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n"
     "\r\nMAM\r\n--b--",
     WAX_ERR_BASE64_TRUNCATED},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--",
     WAX_ERR_MIME_SIGNED_PART_COUNT},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n"
     "\r\nMAMCAQE=\r\n--b\r\n\r\nthird\r\n--b--",
     WAX_ERR_MIME_SIGNED_PART_COUNT},
    {"Content-Type: multipart/signed; protocol=\"application/pkcs7-"
     "signature\"; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\nContent-Type: "
     "application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n"
     "\r\nMAMCAQE=\r\n",
     WAX_ERR_MIME_NO_CLOSE_DELIMITER},
};

TEST(signed_split_errors)
{
    for (size_t i = 0; i < sizeof bad_signed / sizeof bad_signed[0]; i++) {
        struct wax_buf content, sig;
        struct outer_log log = {0, 0};
        size_t len = strlen(bad_signed[i].msg);
        wax_err got = run_signed(&content, &sig, &log, bad_signed[i].msg, len,
                                 len / 2, len / 2);
        CHECK_MSG(got == bad_signed[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(bad_signed[i].err));
        CHECK_ERR(wax_sink_close(wax_mime_signed_split_sink(&ss)),
                  got == WAX_OK ? WAX_ERR_SINK_CLOSED : got);
        wax_mime_signed_split_cleanup(&ss);
        wax_buf_cleanup(&content);
        wax_buf_cleanup(&sig);
    }
}

/* ------------------------------------------------------------------ */
/* application/pkcs7-mime.                                             */

static const struct {
    const char *msg;
    size_t len;
    wax_err err;
    enum wax_mime_smime_type type;
    const char *want;
    size_t want_len;
} p7m_cases[] = {
    {"Subject: x\r\nContent-Type: application/pkcs7-mime; smime-type="
     "enveloped-data;\r\n name=smime.p7m\r\nContent-Transfer-Encoding: base64"
     "\r\n\r\nMAMC\nAQE=\n",
     0, WAX_OK, WAX_MIME_SMIME_ENVELOPED_DATA, "\x30\x03\x02\x01\x01", 5},
    {"Content-Type: application/octet-stream; name=\"smime.p7m\"\r\n"
     "Content-Transfer-Encoding: binary\r\n\r\n\x30\x03\r\n\n",
     0, WAX_OK, WAX_MIME_SMIME_PKCS7_MIME, "\x30\x03\r\n\n", 5},
    {"Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n\r\n"
     "MAMCAQE=",
     0, WAX_ERR_MIME_BAD_CMS_ENCODING, 0, NULL, 0},
    {"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     "MAMCAQE=",
     0, WAX_ERR_MIME_NOT_PKCS7_MIME, 0, NULL, 0},
    {"Content-Type: application/pkcs7-signature\r\n"
     "Content-Transfer-Encoding: base64\r\n\r\nMAMCAQE=",
     0, WAX_ERR_MIME_NOT_PKCS7_MIME, 0, NULL, 0},
    {"Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: "
     "base64\r\n\r\nMAMCAQE=x",
     0, WAX_ERR_BASE64_TRAILING_DATA, 0, NULL, 0},
};

TEST(p7m_reader)
{
    static struct wax_mime_p7m_reader r;
    for (size_t i = 0; i < sizeof p7m_cases / sizeof p7m_cases[0]; i++) {
        size_t len =
            p7m_cases[i].len ? p7m_cases[i].len : strlen(p7m_cases[i].msg);
        for (size_t cut = 0; cut <= len; cut++) {
            struct wax_buf out;
            wax_buf_init(&out, 1 << 16);
            wax_mime_p7m_reader_init(&r, wax_buf_sink(&out), NULL, NULL);
            wax_err got =
                mt_feed(wax_mime_p7m_reader_sink(&r),
                        (const uint8_t *)p7m_cases[i].msg, len, cut, cut);
            if (got == WAX_OK) {
                got = wax_sink_close(wax_mime_p7m_reader_sink(&r));
            }
            CHECK_MSG(got == p7m_cases[i].err, "case %zu cut %zu: %s", i, cut,
                      wax_err_name(got));
            if (got == WAX_OK) {
                CHECK_MEM(out.data, out.len, p7m_cases[i].want,
                          p7m_cases[i].want_len);
                CHECK(out.closed);
                CHECK_EQ_U64(r.info.type, p7m_cases[i].type);
                CHECK(wax_mime_p7m_reader_header(&r) != NULL);
            }
            wax_mime_p7m_reader_cleanup(&r);
            wax_buf_cleanup(&out);
        }
    }
}
