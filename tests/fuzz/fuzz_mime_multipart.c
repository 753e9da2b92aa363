/*
 * fuzz_mime_multipart: arbitrary input as a message whose body is a
 * multipart (boundary from its header, else "b"), and through every
 * streaming filter of the mime layer. Each is fed whole, byte by byte and
 * in random chunks; the results must be identical:
 *  - the multipart parser (descending into multipart parts): the same
 *    error and the same event log (part_body bytes concatenated);
 *  - multipart/signed splitting: the same error, content and signature;
 *  - application/pkcs7-mime unwrapping: the same error and output;
 *  - the entity scan, then preparing the entity with the chosen encoding:
 *    the same counts, error and output; an output that succeeded with
 *    encoding NONE must scan as 7-bit.
 */
#include <stdio.h>

#include "mime_fuzz.h"

#define LOG_MAX ((size_t)1 << 22)

static wax_err
ev_begin(void *ctx, size_t depth, size_t index)
{
    uint8_t rec[3] = {'<', (uint8_t)depth, (uint8_t)index};
    return wax_buf_append(ctx, rec, sizeof rec);
}

static wax_err
ev_header(void *ctx, size_t depth, const struct wax_mime_header *h,
          bool *descend)
{
    uint8_t rec[2] = {'{', (uint8_t)depth};
    WAX_TRY(wax_buf_append(ctx, rec, sizeof rec));
    WAX_TRY(wax_buf_append(ctx, h->raw.p, h->raw.len));
    uint8_t b[WAX_MAX_MIME_BOUNDARY];
    size_t blen;
    *descend = wax_mime_header_boundary(b, &blen, h) == WAX_OK;
    return wax_buf_append_byte(ctx, '}');
}

static wax_err
ev_body(void *ctx, size_t depth, const uint8_t *data, size_t len)
{
    (void)depth;
    return wax_buf_append(ctx, data, len);
}

static wax_err
ev_end(void *ctx, size_t depth)
{
    uint8_t rec[2] = {'>', (uint8_t)depth};
    return wax_buf_append(ctx, rec, sizeof rec);
}

static const struct wax_mime_multipart_events events = {ev_begin, ev_header,
                                                        ev_body, ev_end};

struct result {
    wax_err err;
    struct wax_buf a, b;
};

/* prefix_equal: the shorter of A and B is a prefix of the other. */
static bool
prefix_equal(const struct wax_buf *a, const struct wax_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    return n == 0 || memcmp(a->data, b->data, n) == 0;
}

/*
 * same: every run gave the same error; on success the same outputs. On
 * failure, output pushed before the error may depend on where the input
 * was cut (consumers must drop a failed stream), but it never differs:
 * one run's output is a prefix of the other's.
 */
static void
same(struct result *r, int n)
{
    mf_must(r[0].err != WAX_ERR_INTERNAL);
    for (int i = 1; i < n; i++) {
        mf_must(r[i].err == r[0].err);
        mf_must(prefix_equal(&r[i].a, &r[0].a));
        mf_must(prefix_equal(&r[i].b, &r[0].b));
        if (r[0].err == WAX_OK) {
            mf_must(r[i].a.len == r[0].a.len && r[i].b.len == r[0].b.len);
        }
    }
    for (int i = 0; i < n; i++) {
        wax_buf_cleanup(&r[i].a);
        wax_buf_cleanup(&r[i].b);
    }
}

static struct wax_mime_header hdr;
static struct wax_mime_multipart mp;
static struct wax_mime_signed_split ss;
static struct wax_mime_p7m_reader p7m;
static struct wax_mime_entity_scan es;
static struct wax_mime_prepare prep;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    uint64_t seed = mf_seed(data, len);
    struct result r[3];

    /* the multipart parser on the body */
    uint8_t b[WAX_MAX_MIME_BOUNDARY] = {'b'};
    size_t blen = 1;
    size_t off = 0;
    if (wax_mime_header_parse(&hdr, &off, data, len) != WAX_OK ||
        wax_mime_header_boundary(b, &blen, &hdr) != WAX_OK) {
        b[0] = 'b';
        blen = 1;
        off = 0;
    }
    for (int m = 0; m < 3; m++) {
        wax_buf_init(&r[m].a, LOG_MAX);
        wax_buf_init(&r[m].b, 1);
        mf_must(wax_mime_multipart_init(&mp, b, blen, &events, &r[m].a) ==
                WAX_OK);
        r[m].err = mf_feed(&mp.sink, data + off, len - off, m, seed);
        wax_mime_multipart_cleanup(&mp);
    }
    same(r, 3);

    /* multipart/signed */
    for (int m = 0; m < 3; m++) {
        wax_buf_init(&r[m].a, LOG_MAX);
        wax_buf_init(&r[m].b, LOG_MAX);
        wax_mime_signed_split_init(&ss, wax_buf_sink(&r[m].a),
                                   wax_buf_sink(&r[m].b), NULL, NULL);
        r[m].err = mf_feed(&ss.sink, data, len, m, seed);
        wax_mime_signed_split_cleanup(&ss);
    }
    same(r, 3);

    /* application/pkcs7-mime */
    for (int m = 0; m < 3; m++) {
        wax_buf_init(&r[m].a, LOG_MAX);
        wax_buf_init(&r[m].b, 1);
        wax_mime_p7m_reader_init(&p7m, wax_buf_sink(&r[m].a), NULL, NULL);
        r[m].err = mf_feed(&p7m.sink, data, len, m, seed);
        wax_mime_p7m_reader_cleanup(&p7m);
    }
    same(r, 3);

    /* scan, choose, prepare */
    enum wax_mime_encode enc = WAX_MIME_ENCODE_NONE;
    struct wax_mime_scan first;
    for (int m = 0; m < 3; m++) {
        wax_mime_entity_scan_init(&es);
        wax_err err = mf_feed(&es.sink, data, len, m, seed);
        if (m == 0) {
            first = es.scan;
            if (err == WAX_OK &&
                wax_mime_choose_encoding(&enc, wax_mime_entity_scan_header(&es),
                                         &es.scan) != WAX_OK) {
                enc = (enum wax_mime_encode)(seed % 3);
            }
        } else if (err == WAX_OK) {
            mf_must(es.scan.num_bytes == first.num_bytes &&
                    es.scan.num_8bit == first.num_8bit &&
                    es.scan.num_bare_cr == first.num_bare_cr &&
                    es.scan.max_line_len == first.max_line_len &&
                    es.scan.from_line == first.from_line &&
                    es.scan.trailing_ws == first.trailing_ws);
        }
        wax_mime_entity_scan_cleanup(&es);
    }
    for (int m = 0; m < 3; m++) {
        wax_buf_init(&r[m].a, LOG_MAX * 2);
        wax_buf_init(&r[m].b, 1);
        wax_mime_prepare_init(&prep, wax_buf_sink(&r[m].a), enc, NULL, NULL);
        r[m].err = mf_feed(&prep.sink, data, len, m, seed);
        wax_mime_prepare_cleanup(&prep);
    }
    if (r[0].err == WAX_OK && enc == WAX_MIME_ENCODE_NONE) {
        struct wax_mime_scan s;
        wax_mime_scan_init(&s);
        mf_must(wax_sink_write(&s.sink, r[0].a.data, r[0].a.len) == WAX_OK);
        mf_must(wax_sink_close(&s.sink) == WAX_OK);
        mf_must(s.num_bare_lf == 0);
    }
    same(r, 3);
    return 0;
}
