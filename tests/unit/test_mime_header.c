/* Unit tests: header sections, look-ups, unfolding, the splitter sink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime_test.h"

static struct wax_mime_header hdr; /* 12 KiB: kept off the stack */

TEST(header_parses_fields_values_raw_and_body_offset)
{
    static const char msg[] = "From: a@b.example\r\n"
                              "Subject: hello\r\n"
                              " world\r\n"
                              "X-Y:z\r\n"
                              "\r\n"
                              "body\r\n";
    size_t off;
    CHECK_OK(
        wax_mime_header_parse(&hdr, &off, (const uint8_t *)msg, strlen(msg)));
    CHECK_EQ_U64(hdr.num_fields, 3);
    CHECK(mt_span_is(hdr.fields[0].name, "From"));
    CHECK(mt_span_is(hdr.fields[0].value, " a@b.example"));
    CHECK(mt_span_is(hdr.fields[0].raw, "From: a@b.example\r\n"));
    CHECK(mt_span_is(hdr.fields[1].name, "Subject"));
    CHECK(mt_span_is(hdr.fields[1].value, " hello\r\n world"));
    CHECK(mt_span_is(hdr.fields[1].raw, "Subject: hello\r\n world\r\n"));
    CHECK(mt_span_is(hdr.fields[2].name, "X-Y"));
    CHECK(mt_span_is(hdr.fields[2].value, "z"));
    CHECK_EQ_U64(off, strlen(msg) - strlen("body\r\n"));
    CHECK_EQ_U64(hdr.raw.len, off);
    CHECK(hdr.raw.p == (const uint8_t *)msg);
}

TEST(header_accepts_bare_lf_and_mixed_line_ends)
{
    static const char msg[] = "A: 1\nB: 2\r\n\tmore\nC: 3\r\n\nbody";
    size_t off;
    CHECK_OK(
        wax_mime_header_parse(&hdr, &off, (const uint8_t *)msg, strlen(msg)));
    CHECK_EQ_U64(hdr.num_fields, 3);
    CHECK(mt_span_is(hdr.fields[0].raw, "A: 1\n"));
    CHECK(mt_span_is(hdr.fields[1].value, " 2\r\n\tmore"));
    CHECK(mt_span_is(hdr.fields[2].raw, "C: 3\r\n"));
    CHECK_EQ_U64(off, strlen(msg) - 4);
}

TEST(header_without_empty_line_is_an_entity_without_body)
{
    size_t off;
    static const char a[] = "A: 1\r\nB: 2";
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)a, strlen(a)));
    CHECK_EQ_U64(hdr.num_fields, 2);
    CHECK(mt_span_is(hdr.fields[1].raw, "B: 2"));
    CHECK(mt_span_is(hdr.fields[1].value, " 2"));
    CHECK_EQ_U64(off, strlen(a));
    CHECK_EQ_U64(hdr.raw.len, strlen(a));
    static const char b[] = "A: 1\r\n";
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)b, strlen(b)));
    CHECK_EQ_U64(hdr.num_fields, 1);
    CHECK_EQ_U64(off, strlen(b));
}

TEST(header_empty_section)
{
    size_t off;
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)"\r\nbody", 6));
    CHECK_EQ_U64(hdr.num_fields, 0);
    CHECK_EQ_U64(off, 2);
    CHECK_EQ_U64(hdr.raw.len, 2);
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)"\nbody", 5));
    CHECK_EQ_U64(hdr.num_fields, 0);
    CHECK_EQ_U64(off, 1);
    CHECK_OK(wax_mime_header_parse(&hdr, &off, NULL, 0));
    CHECK_EQ_U64(hdr.num_fields, 0);
    CHECK_EQ_U64(off, 0);
}

TEST(header_obsolete_white_space_before_colon)
{
    size_t off;
    static const char a[] = "Subject \t: x\r\n\r\n";
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)a, strlen(a)));
    CHECK_EQ_U64(hdr.num_fields, 1);
    CHECK(mt_span_is(hdr.fields[0].name, "Subject"));
    CHECK(mt_span_is(hdr.fields[0].value, " x"));
}

TEST(header_continuation_of_white_space_only)
{
    size_t off;
    static const char a[] = "A: x\r\n   \r\nB: y\r\n\r\n";
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (const uint8_t *)a, strlen(a)));
    CHECK_EQ_U64(hdr.num_fields, 2);
    CHECK(mt_span_is(hdr.fields[0].raw, "A: x\r\n   \r\n"));
    CHECK_EQ_U64(off, strlen(a));
}

static const struct {
    const char *in;
    size_t len; /* 0: strlen */
    wax_err want;
} bad_headers[] = {
    {" folded: first\r\n\r\n", 0, WAX_ERR_MIME_BAD_FOLDING},
    {"\tx\r\n\r\n", 0, WAX_ERR_MIME_BAD_FOLDING},
    {"NoColon\r\n\r\n", 0, WAX_ERR_MIME_FIELD_NO_COLON},
    {"A: 1\r\nNoColon\r\n\r\n", 0, WAX_ERR_MIME_FIELD_NO_COLON},
    {": x\r\n\r\n", 0, WAX_ERR_MIME_BAD_FIELD_NAME},
    {" : x\r\n\r\n", 0, WAX_ERR_MIME_BAD_FOLDING},
    {"Bad Name: x\r\n\r\n", 0, WAX_ERR_MIME_BAD_FIELD_NAME},
    {"Na\x80me: x\r\n\r\n", 0, WAX_ERR_MIME_BAD_FIELD_NAME},
    {"Na\x7fme: x\r\n\r\n", 0, WAX_ERR_MIME_BAD_FIELD_NAME},
    {"A: x\ry\r\n\r\n", 0, WAX_ERR_MIME_BARE_CR},
    {"A: x\r\r\n\r\n", 0, WAX_ERR_MIME_BARE_CR},
    {"A: x\r", 0, WAX_ERR_MIME_BARE_CR},
    {"\r", 0, WAX_ERR_MIME_BARE_CR},
    {"A: x\0y\r\n\r\n", 11, WAX_ERR_MIME_HEADER_NUL},
    {"A\0: x\r\n\r\n", 9, WAX_ERR_MIME_HEADER_NUL},
};

TEST(header_rejects_malformed_sections_with_exact_errors)
{
    for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++) {
        size_t len =
            bad_headers[i].len ? bad_headers[i].len : strlen(bad_headers[i].in);
        size_t off = 12345;
        hdr.num_fields = 77;
        wax_err got = wax_mime_header_parse(
            &hdr, &off, (const uint8_t *)bad_headers[i].in, len);
        CHECK_MSG(got == bad_headers[i].want, "case %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(bad_headers[i].want));
        /* a failed call leaves the caller's state as it was */
        CHECK_EQ_U64(hdr.num_fields, 77);
        CHECK_EQ_U64(off, 12345);
    }
}

/* make_line builds "X: " followed by filler up to TOTAL bytes, then CRLF. */
static char *
make_header(size_t num_lines, size_t line_len, bool folded)
{
    size_t cap = num_lines * (line_len + 2) + 3;
    char *s = malloc(cap);
    size_t o = 0;
    for (size_t l = 0; l < num_lines; l++) {
        size_t start = o;
        if (!folded || l == 0) {
            o += (size_t)snprintf(s + o, cap - o, "X%zu: ", l);
        } else {
            s[o++] = ' ';
        }
        while (o - start < line_len) {
            s[o++] = 'v';
        }
        s[o++] = '\r';
        s[o++] = '\n';
    }
    s[o++] = '\r';
    s[o++] = '\n';
    s[o] = 0;
    return s;
}

TEST(header_limits_line_fields_and_size)
{
    size_t off;
    char *s = make_header(1, WAX_MAX_MIME_LINE, false);
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)));
    free(s);
    s = make_header(1, WAX_MAX_MIME_LINE + 1, false);
    CHECK_ERR(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)),
              WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    free(s);
    s = make_header(WAX_MAX_MIME_FIELDS, 10, false);
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)));
    CHECK_EQ_U64(hdr.num_fields, WAX_MAX_MIME_FIELDS);
    free(s);
    s = make_header(WAX_MAX_MIME_FIELDS + 1, 10, false);
    CHECK_ERR(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)),
              WAX_ERR_MIME_TOO_MANY_FIELDS);
    free(s);
    /* one field folded over many lines: only the section cap applies;
     * 132 lines of 998 + 2 = 132000 bytes > 128 KiB */
    s = make_header(132, WAX_MAX_MIME_LINE, true);
    CHECK_ERR(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)),
              WAX_ERR_MIME_HEADER_TOO_LARGE);
    free(s);
    s = make_header(130, WAX_MAX_MIME_LINE, true); /* 130002 bytes */
    CHECK_OK(wax_mime_header_parse(&hdr, &off, (uint8_t *)s, strlen(s)));
    CHECK_EQ_U64(hdr.num_fields, 1);
    CHECK_EQ_U64(hdr.raw.len, 130002);
    free(s);
}

TEST(header_find_and_get_are_case_insensitive_and_detect_duplicates)
{
    static const char msg[] = "Received: one\r\nSUBJECT: s\r\n"
                              "received: two\r\nContent-Type: text/plain\r\n"
                              "content-type: text/html\r\nMIME-version: 1.0\r\n"
                              "\r\n";
    size_t off;
    CHECK_OK(
        wax_mime_header_parse(&hdr, &off, (const uint8_t *)msg, strlen(msg)));
    size_t i = 0;
    CHECK(wax_mime_header_find(&hdr, &i, "RECEIVED"));
    CHECK_EQ_U64(i, 0);
    i++;
    CHECK(wax_mime_header_find(&hdr, &i, "Received"));
    CHECK_EQ_U64(i, 2);
    i++;
    CHECK(!wax_mime_header_find(&hdr, &i, "received"));
    CHECK_EQ_U64(i, 3);
    const struct wax_mime_field *f;
    CHECK_OK(wax_mime_header_get(&hdr, &f, "subject"));
    CHECK(f == &hdr.fields[1]);
    CHECK_OK(wax_mime_header_get(&hdr, &f, "To"));
    CHECK(f == NULL);
    CHECK_ERR(wax_mime_header_get(&hdr, &f, "Content-type"),
              WAX_ERR_MIME_DUPLICATE_FIELD);
    CHECK(!wax_mime_field_is_content(&hdr.fields[0]));
    CHECK(wax_mime_field_is_content(&hdr.fields[3]));
    CHECK(wax_mime_field_is_content(&hdr.fields[4]));
    CHECK(wax_mime_field_is_mime_version(&hdr.fields[5]));
    CHECK(!wax_mime_field_is_mime_version(&hdr.fields[1]));
    CHECK(wax_mime_name_eq(mt_span("Content-TYPE"), "content-type"));
    CHECK(!wax_mime_name_eq(mt_span("Content-Typ"), "content-type"));
}

TEST(header_unfold)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {" hello\r\n world\r\n\tagain ", "hello world\tagain"},
        {"a\n b", "a b"},
        {"  ", ""},
        {"", ""},
        {"x\r\ny", "x\r\ny"}, /* not folding: kept */
        {" =?utf-8?q?a?= (c)", "=?utf-8?q?a?= (c)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[64];
        size_t n;
        CHECK_OK(wax_mime_unfold(out, sizeof out, &n, mt_span(cases[i].in)));
        CHECK_MEM(out, n, cases[i].want, strlen(cases[i].want));
    }
    uint8_t small[4];
    size_t n = 99;
    CHECK_ERR(wax_mime_unfold(small, sizeof small, &n, mt_span(" hello ")),
              WAX_ERR_BUF_TOO_SMALL);
    CHECK_EQ_U64(n, 99);
}

/* ------------------------------------------------------------------ */
/* The splitter.                                                       */

struct split_log {
    int calls;
    size_t body_len_at_header;
    size_t num_fields;
    struct wax_buf *body;
};

static wax_err
on_header(void *ctx, const struct wax_mime_header *h)
{
    struct split_log *log = ctx;
    log->calls++;
    log->num_fields = h->num_fields;
    log->body_len_at_header = log->body->len;
    return WAX_OK;
}

static struct wax_mime_splitter sp;

TEST(splitter_gives_the_same_result_at_every_split_point)
{
    static const char msg[] = "From: a\r\nSubject: x\r\n y\nX: 1\r\n\r\n"
                              "body line 1\r\n\r\nline 3\n";
    size_t len = strlen(msg);
    size_t hlen = strlen("From: a\r\nSubject: x\r\n y\nX: 1\r\n\r\n");
    for (size_t cut = 0; cut <= len + 1; cut++) {
        struct wax_buf body;
        wax_buf_init(&body, 1 << 16);
        struct split_log log = {0, 99, 0, &body};
        wax_mime_splitter_init(&sp, on_header, &log, wax_buf_sink(&body));
        CHECK_OK(mt_feed(wax_mime_splitter_sink(&sp), (const uint8_t *)msg, len,
                         cut > len ? SIZE_MAX : cut, cut > len ? 0 : cut));
        CHECK(wax_mime_splitter_has_header(&sp));
        CHECK_OK(wax_sink_close(wax_mime_splitter_sink(&sp)));
        CHECK(body.closed);
        CHECK_EQ_U64(log.calls, 1);
        CHECK_EQ_U64(log.body_len_at_header, 0);
        CHECK_EQ_U64(log.num_fields, 3);
        CHECK_EQ_U64(sp.header.raw.len, hlen);
        CHECK(mt_span_is(sp.header.fields[1].value, " x\r\n y"));
        CHECK_MEM(body.data, body.len, msg + hlen, len - hlen);
        wax_mime_splitter_cleanup(&sp);
        wax_buf_cleanup(&body);
    }
}

TEST(splitter_input_ending_inside_the_header)
{
    struct wax_buf body;
    wax_buf_init(&body, 100);
    struct split_log log = {0, 99, 0, &body};
    wax_mime_splitter_init(&sp, on_header, &log, wax_buf_sink(&body));
    wax_sink *s = wax_mime_splitter_sink(&sp);
    CHECK_OK(wax_sink_write(s, (const uint8_t *)"A: 1\r\nB: 2", 10));
    CHECK(!wax_mime_splitter_has_header(&sp));
    CHECK_EQ_U64(log.calls, 0);
    CHECK_OK(wax_sink_close(s));
    CHECK_EQ_U64(log.calls, 1);
    CHECK_EQ_U64(log.num_fields, 2);
    CHECK_EQ_U64(body.len, 0);
    CHECK(body.closed);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"x", 1), WAX_ERR_SINK_CLOSED);
    wax_mime_splitter_cleanup(&sp);
    wax_buf_cleanup(&body);
}

TEST(splitter_limits_fail_early_and_stick)
{
    wax_mime_splitter_init(&sp, NULL, NULL, NULL);
    wax_sink *s = wax_mime_splitter_sink(&sp);
    static uint8_t line[WAX_MAX_MIME_LINE + 1];
    memset(line, 'a', sizeof line);
    memcpy(line, "A: ", 3);
    /* no line end yet: the overlong line is seen without waiting */
    CHECK_ERR(wax_sink_write(s, line, sizeof line),
              WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"\r\n\r\n", 4),
              WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    CHECK_ERR(wax_sink_close(s), WAX_ERR_MIME_HEADER_LINE_TOO_LONG);
    wax_mime_splitter_cleanup(&sp);

    /* a section past the cap, without ever ending */
    wax_mime_splitter_init(&sp, NULL, NULL, NULL);
    s = wax_mime_splitter_sink(&sp);
    CHECK_OK(wax_sink_write(s, (const uint8_t *)"A: 1\r\n", 6));
    uint8_t fold[100];
    memset(fold, 'x', sizeof fold);
    fold[0] = ' ';
    fold[98] = '\r';
    fold[99] = '\n';
    wax_err err = WAX_OK;
    size_t total = 6;
    while (err == WAX_OK && total < 2 * WAX_MAX_MIME_HEADER_BYTES) {
        err = wax_sink_write(s, fold, sizeof fold);
        total += sizeof fold;
    }
    CHECK_ERR(err, WAX_ERR_MIME_HEADER_TOO_LARGE);
    CHECK(total > WAX_MAX_MIME_HEADER_BYTES &&
          total <= WAX_MAX_MIME_HEADER_BYTES + sizeof fold);
    wax_mime_splitter_cleanup(&sp);

    /* a bad field is reported when the section is complete */
    wax_mime_splitter_init(&sp, NULL, NULL, NULL);
    s = wax_mime_splitter_sink(&sp);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"A 1\r\n\r\n", 7),
              WAX_ERR_MIME_FIELD_NO_COLON);
    wax_mime_splitter_cleanup(&sp);
}

static wax_err
refuse(void *ctx, const struct wax_mime_header *h)
{
    (void)ctx;
    (void)h;
    return WAX_ERR_MIME_MALFORMED;
}

TEST(splitter_callback_error_sticks)
{
    struct wax_buf body;
    wax_buf_init(&body, 100);
    wax_mime_splitter_init(&sp, refuse, NULL, wax_buf_sink(&body));
    wax_sink *s = wax_mime_splitter_sink(&sp);
    CHECK_ERR(wax_sink_write(s, (const uint8_t *)"A: 1\r\n\r\nbody", 13),
              WAX_ERR_MIME_MALFORMED);
    CHECK_EQ_U64(body.len, 0);
    CHECK_ERR(wax_sink_close(s), WAX_ERR_MIME_MALFORMED);
    CHECK(!body.closed);
    wax_mime_splitter_cleanup(&sp);
    wax_buf_cleanup(&body);
}
