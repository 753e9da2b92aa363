/* Unit tests: the streaming BER reader, captures and wax_ber_to_der. */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "../ber_record.h"
#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

static char chunk_msg[256];

/*
 * all_chunkings_agree runs IN whole, split at every point, byte by byte,
 * in 4096-byte pieces and in random pieces, and checks that every run gives
 * the same log, DATA and error as the whole run. WHOLE receives the whole
 * run (the caller cleans it up). Returns false with chunk_msg set
 * otherwise.
 */
static bool
all_chunkings_agree(const uint8_t *in, size_t len, size_t max_depth,
                    struct ber_rec *whole, wax_err *out_err)
{
    ber_rec_init(whole);
    *out_err = ber_rec_run(whole, in, len, max_depth, 0, SIZE_MAX, 0);
    for (size_t run = 0; run < len + 1 + 2 + 16; run++) {
        size_t chunk = 0, split = SIZE_MAX;
        uint32_t seed = 0;
        if (run <= len) {
            split = run;
        } else if (run == len + 1) {
            chunk = 1;
        } else if (run == len + 2) {
            chunk = 4096;
        } else {
            chunk = SIZE_MAX;
            seed = (uint32_t)run * 2654435761u;
        }
        struct ber_rec other;
        ber_rec_init(&other);
        wax_err err =
            ber_rec_run(&other, in, len, max_depth, chunk, split, seed);
        bool same = err == *out_err && ber_rec_same(whole, &other) &&
                    !other.offsets_broken;
        ber_rec_cleanup(&other);
        if (!same) {
            snprintf(chunk_msg, sizeof chunk_msg,
                     "run %zu (chunk %zu split %zu): %s vs whole %s", run,
                     chunk, split, wax_err_name(err), wax_err_name(*out_err));
            return false;
        }
    }
    return true;
}

/* log_is compares the recorded log with WANT. */
static bool
log_is(const struct ber_rec *rec, const char *want)
{
    size_t n = strlen(want);
    if (rec->log.len != n || memcmp(rec->log.data, want, n) != 0) {
        snprintf(chunk_msg, sizeof chunk_msg, "log:\n%.*s",
                 (int)(rec->log.len > 200 ? 200 : rec->log.len),
                 rec->log.data ? (const char *)rec->log.data : "");
        return false;
    }
    return true;
}

#define CHECK_EVENTS(in, want_log, want_data, want_data_len)                   \
    do {                                                                       \
        struct ber_rec rec_;                                                   \
        wax_err err_;                                                          \
        bool agree_ = all_chunkings_agree((in), sizeof(in), 0, &rec_, &err_);  \
        bool log_ok_ = agree_ && log_is(&rec_, (want_log));                    \
        bool data_ok_ =                                                        \
            rec_.data.len == (want_data_len) &&                                \
            (rec_.data.len == 0 ||                                             \
             memcmp(rec_.data.data, (want_data), rec_.data.len) == 0);         \
        ber_rec_cleanup(&rec_);                                                \
        CHECK_MSG(agree_, "%s", chunk_msg);                                    \
        CHECK_ERR(err_, WAX_OK);                                               \
        CHECK_MSG(log_ok_, "%s", chunk_msg);                                   \
        CHECK(data_ok_);                                                       \
    } while (0)

/* ------------------------------------------------------------------ */
/* Event sequences.                                                    */

TEST(definite_lengths)
{
    static const uint8_t in[] = {0x30, 0x06, 0x02, 0x01,
                                 0x05, 0x04, 0x01, 0x41};
    CHECK_EVENTS(in,
                 "B0 20000010 c 6 o0\n"
                 "B1 00000002 p 1 o2\n"
                 "D1 o2\n"
                 "E1 00000002 o2\n"
                 "B1 00000004 p 1 o5\n"
                 "D1 o5\n"
                 "E1 00000004 o5\n"
                 "E0 20000010 o0\n",
                 "\x05"
                 "A",
                 2);
}

TEST(indefinite_lengths)
{
    static const uint8_t in[] = {0x30, 0x80, 0x04, 0x02, 0x41, 0x42, 0x30,
                                 0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00};
    CHECK_EVENTS(in,
                 "B0 20000010 c i o0\n"
                 "B1 00000004 p 2 o2\n"
                 "D1 o2\n"
                 "E1 00000004 o2\n"
                 "B1 20000010 c i o6\n"
                 "B2 00000005 p 0 o8\n"
                 "E2 00000005 o8\n"
                 "E1 20000010 o6\n"
                 "E0 20000010 o0\n",
                 "AB", 2);
}

TEST(constructed_octet_strings_nested)
{
    /* 24 80 { 04 01 'A', 24 80 { 04 01 'B' } 00 00, 04 00, 24 03 { 04 01
     * 'C' } } 00 00 */
    static const uint8_t in[] = {0x24, 0x80, 0x04, 0x01, 0x41, 0x24, 0x80,
                                 0x04, 0x01, 0x42, 0x00, 0x00, 0x04, 0x00,
                                 0x24, 0x03, 0x04, 0x01, 0x43, 0x00, 0x00};
    CHECK_EVENTS(in,
                 "B0 20000004 c i o0\n"
                 "B1 00000004 p 1 o2\n"
                 "D1 o2\n"
                 "E1 00000004 o2\n"
                 "B1 20000004 c i o5\n"
                 "B2 00000004 p 1 o7\n"
                 "D2 o7\n"
                 "E2 00000004 o7\n"
                 "E1 20000004 o5\n"
                 "B1 00000004 p 0 o12\n"
                 "E1 00000004 o12\n"
                 "B1 20000004 c 3 o14\n"
                 "B2 00000004 p 1 o16\n"
                 "D2 o16\n"
                 "E2 00000004 o16\n"
                 "E1 20000004 o14\n"
                 "E0 20000004 o0\n",
                 "ABC", 3);
}

TEST(high_tag_numbers_and_long_lengths)
{
    /* [APPLICATION 200] constructed, indefinite { [PRIVATE 2^29-1] 'z',
     * [31] with a 2-octet length of 1, non-minimal } */
    static const uint8_t in[] = {0x7F, 0x81, 0x48, 0x80, 0xDF, 0x81, 0xFF,
                                 0xFF, 0xFF, 0x7F, 0x01, 0x7A, 0x9F, 0x1F,
                                 0x82, 0x00, 0x01, 0x79, 0x00, 0x00};
    CHECK_EVENTS(in,
                 "B0 600000c8 c i o0\n"
                 "B1 dfffffff p 1 o4\n"
                 "D1 o4\n"
                 "E1 dfffffff o4\n"
                 "B1 8000001f p 1 o12\n"
                 "D1 o12\n"
                 "E1 8000001f o12\n"
                 "E0 600000c8 o0\n",
                 "zy", 2);
}

TEST(empty_elements)
{
    static const uint8_t null_in[] = {0x05, 0x00};
    CHECK_EVENTS(null_in, "B0 00000005 p 0 o0\nE0 00000005 o0\n", "", 0);
    static const uint8_t seq_in[] = {0x30, 0x00};
    CHECK_EVENTS(seq_in, "B0 20000010 c 0 o0\nE0 20000010 o0\n", "", 0);
    static const uint8_t indef_in[] = {0x30, 0x80, 0x00, 0x00};
    CHECK_EVENTS(indef_in, "B0 20000010 c i o0\nE0 20000010 o0\n", "", 0);
}

TEST(definite_parent_ends_after_indefinite_child)
{
    /* 30 06 { 30 80 { 05 00 } 00 00 } */
    static const uint8_t in[] = {0x30, 0x06, 0x30, 0x80,
                                 0x05, 0x00, 0x00, 0x00};
    CHECK_EVENTS(in,
                 "B0 20000010 c 6 o0\n"
                 "B1 20000010 c i o2\n"
                 "B2 00000005 p 0 o4\n"
                 "E2 00000005 o4\n"
                 "E1 20000010 o2\n"
                 "E0 20000010 o0\n",
                 "", 0);
}

TEST(reader_is_a_sink)
{
    static const uint8_t in[] = {0x04, 0x03, 0x61, 0x62, 0x63};
    struct ber_rec rec;
    ber_rec_init(&rec);
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, 0, ber_rec_handler, &rec);
    wax_sink *s = wax_ber_reader_sink(&r);
    CHECK_OK(wax_sink_write(s, in, 2));
    CHECK_EQ_U64(wax_ber_reader_offset(&r), 2);
    CHECK_OK(wax_sink_write(s, in + 2, 3));
    CHECK_OK(wax_sink_close(s));
    bool ok = log_is(&rec, "B0 00000004 p 3 o0\nD0 o0\nE0 00000004 o0\n");
    ber_rec_cleanup(&rec);
    CHECK_MSG(ok, "%s", chunk_msg);
    CHECK_ERR(wax_sink_close(s), WAX_ERR_BER_STATE);
}

/* ------------------------------------------------------------------ */
/* Errors: every code, the same whatever the chunking.                 */

static const struct {
    const char *name;
    uint8_t in[24];
    size_t len;
    size_t max_depth;
    wax_err want;
} error_cases[] = {
    {"depth 3 with cap 2",
     {0x30, 0x80, 0x30, 0x80, 0x30, 0x80},
     6,
     2,
     WAX_ERR_BER_TOO_DEEP},
    {"primitive at the cap",
     {0x30, 0x04, 0x30, 0x02, 0x05, 0x00},
     6,
     2,
     WAX_ERR_BER_TOO_DEEP},
    {"child overruns parent",
     {0x30, 0x03, 0x02, 0x02, 0x01, 0x01},
     6,
     0,
     WAX_ERR_BER_LENGTH_MISMATCH},
    {"child header overruns parent",
     {0x30, 0x01, 0x02, 0x01, 0x00},
     5,
     0,
     WAX_ERR_BER_LENGTH_MISMATCH},
    {"high tag overruns parent",
     {0x30, 0x02, 0x9F, 0x81, 0x48, 0x00},
     6,
     0,
     WAX_ERR_BER_LENGTH_MISMATCH},
    {"indefinite child outlives parent",
     {0x30, 0x04, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00},
     8,
     0,
     WAX_ERR_BER_LENGTH_MISMATCH},
    {"grandchild overruns",
     {0x30, 0x04, 0x30, 0x02, 0x04, 0x02, 0x41, 0x42},
     8,
     0,
     WAX_ERR_BER_LENGTH_MISMATCH},
    {"EOC at top level", {0x00, 0x00}, 2, 0, WAX_ERR_BER_BAD_EOC},
    {"EOC in definite", {0x30, 0x02, 0x00, 0x00}, 4, 0, WAX_ERR_BER_BAD_EOC},
    {"EOC with length 1",
     {0x30, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00},
     7,
     0,
     WAX_ERR_BER_BAD_EOC},
    {"EOC with long zero length",
     {0x30, 0x80, 0x00, 0x81, 0x00},
     5,
     0,
     WAX_ERR_BER_BAD_EOC},
    {"EOC indefinite", {0x30, 0x80, 0x00, 0x80}, 4, 0, WAX_ERR_BER_BAD_EOC},
    {"empty input", {0}, 0, 0, WAX_ERR_BER_TRUNCATED},
    {"open indefinite", {0x30, 0x80, 0x05, 0x00}, 4, 0, WAX_ERR_BER_TRUNCATED},
    {"short contents", {0x30, 0x05, 0x02, 0x01}, 4, 0, WAX_ERR_BER_TRUNCATED},
    {"partial length", {0x04, 0x82, 0x01}, 3, 0, WAX_ERR_BER_TRUNCATED},
    {"partial tag", {0x9F, 0x81}, 2, 0, WAX_ERR_BER_TRUNCATED},
    {"half an EOC", {0x30, 0x80, 0x00}, 3, 0, WAX_ERR_BER_TRUNCATED},
    {"huge length, legal",
     {0x04, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00},
     11,
     0,
     WAX_ERR_BER_TRUNCATED},
    {"trailing byte", {0x05, 0x00, 0x00}, 3, 0, WAX_ERR_BER_TRAILING_DATA},
    {"trailing EOC",
     {0x30, 0x80, 0x00, 0x00, 0x00, 0x00},
     6,
     0,
     WAX_ERR_BER_TRAILING_DATA},
    {"second element",
     {0x05, 0x00, 0x05, 0x00},
     4,
     0,
     WAX_ERR_BER_TRAILING_DATA},
    {"length 2^63",
     {0x04, 0x88, 0x80, 0, 0, 0, 0, 0, 0, 0},
     10,
     0,
     WAX_ERR_BER_BAD_LENGTH},
    {"length 2^64-1",
     {0x04, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
     10,
     0,
     WAX_ERR_BER_BAD_LENGTH},
    {"9 length octets",
     {0x04, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x41},
     12,
     0,
     WAX_ERR_BER_BAD_LENGTH},
    {"reserved length octet", {0x30, 0xFF}, 2, 0, WAX_ERR_BER_BAD_LENGTH},
    {"indefinite primitive",
     {0x04, 0x80, 0x00, 0x00},
     4,
     0,
     WAX_ERR_BER_BAD_LENGTH},
    {"low number in high form", {0x1F, 0x05, 0x00}, 3, 0, WAX_ERR_BER_BAD_TAG},
    {"high tag with leading 0x80",
     {0x1F, 0x80, 0x21, 0x00},
     4,
     0,
     WAX_ERR_BER_BAD_TAG},
    {"constructed universal 0", {0x20, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"constructed INTEGER",
     {0x22, 0x03, 0x02, 0x01, 0x00},
     5,
     0,
     WAX_ERR_BER_BAD_TAG},
    {"constructed OID", {0x26, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"primitive SEQUENCE", {0x10, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"primitive SET", {0x11, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"primitive EXTERNAL", {0x08, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"constructed RELATIVE-OID", {0x2D, 0x00}, 2, 0, WAX_ERR_BER_BAD_TAG},
    {"tag number 2^29",
     {0x1F, 0x82, 0x80, 0x80, 0x80, 0x00, 0x00},
     7,
     0,
     WAX_ERR_DER_TAG_TOO_LARGE},
};

TEST(every_error_with_its_code_at_every_chunking)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        struct ber_rec rec;
        wax_err err;
        bool agree = all_chunkings_agree(error_cases[i].in, error_cases[i].len,
                                         error_cases[i].max_depth, &rec, &err);
        ber_rec_cleanup(&rec);
        CHECK_MSG(agree, "%s: %s", error_cases[i].name, chunk_msg);
        CHECK_MSG(err == error_cases[i].want, "%s: got %s, want %s",
                  error_cases[i].name, wax_err_name(err),
                  wax_err_name(error_cases[i].want));
    }
}

TEST(default_depth_cap_is_WAX_MAX_DER_DEPTH)
{
    uint8_t in[2 * (WAX_MAX_DER_DEPTH + 1) + 2 * (WAX_MAX_DER_DEPTH + 1)];
    /* WAX_MAX_DER_DEPTH nested indefinite SEQUENCEs: accepted */
    size_t n = 0;
    for (size_t i = 0; i < WAX_MAX_DER_DEPTH; i++) {
        in[n++] = 0x30;
        in[n++] = 0x80;
    }
    for (size_t i = 0; i < WAX_MAX_DER_DEPTH; i++) {
        in[n++] = 0x00;
        in[n++] = 0x00;
    }
    struct ber_rec rec;
    ber_rec_init(&rec);
    CHECK_OK(ber_rec_run(&rec, in, n, 0, 1, SIZE_MAX, 0));
    CHECK_EQ_U64(rec.num_events, 2 * WAX_MAX_DER_DEPTH);
    ber_rec_cleanup(&rec);
    /* one more: refused, also when asking for more than the maximum */
    n = 0;
    for (size_t i = 0; i <= WAX_MAX_DER_DEPTH; i++) {
        in[n++] = 0x30;
        in[n++] = 0x80;
    }
    ber_rec_init(&rec);
    CHECK_ERR(ber_rec_run(&rec, in, n, 0, 0, SIZE_MAX, 0),
              WAX_ERR_BER_TOO_DEEP);
    ber_rec_cleanup(&rec);
    ber_rec_init(&rec);
    CHECK_ERR(ber_rec_run(&rec, in, n, 1000, 0, SIZE_MAX, 0),
              WAX_ERR_BER_TOO_DEEP);
    ber_rec_cleanup(&rec);
}

TEST(errors_stick)
{
    static const uint8_t bad[] = {0x05, 0x00, 0x00};
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, 0, NULL, NULL);
    CHECK_ERR(wax_ber_reader_write(&r, bad, sizeof bad),
              WAX_ERR_BER_TRAILING_DATA);
    CHECK_ERR(wax_ber_reader_write(&r, bad, 0), WAX_ERR_BER_TRAILING_DATA);
    CHECK_ERR(wax_ber_reader_finish(&r), WAX_ERR_BER_TRAILING_DATA);

    /* finish twice, write after finish */
    wax_ber_reader_init(&r, 0, NULL, NULL);
    CHECK_OK(wax_ber_reader_write(&r, bad, 2));
    CHECK_OK(wax_ber_reader_finish(&r));
    CHECK_ERR(wax_ber_reader_write(&r, bad, 1), WAX_ERR_BER_STATE);
    CHECK_ERR(wax_ber_reader_finish(&r), WAX_ERR_BER_STATE);
}

TEST(handler_error_stops_the_reader)
{
    static const uint8_t in[] = {0x30, 0x06, 0x02, 0x01,
                                 0x05, 0x04, 0x01, 0x41};
    for (size_t at = 1; at <= 8; at++) {
        struct ber_rec rec;
        ber_rec_init(&rec);
        rec.fail_at = at;
        rec.fail_err = WAX_ERR_CMS_MALFORMED;
        struct wax_ber_reader r;
        wax_ber_reader_init(&r, 0, ber_rec_handler, &rec);
        CHECK_ERR(wax_ber_reader_write(&r, in, sizeof in),
                  WAX_ERR_CMS_MALFORMED);
        CHECK_EQ_U64(rec.num_events, at); /* no event after the failure */
        CHECK_ERR(wax_ber_reader_write(&r, in, 1), WAX_ERR_CMS_MALFORMED);
        CHECK_ERR(wax_ber_reader_finish(&r), WAX_ERR_CMS_MALFORMED);
        CHECK_EQ_U64(rec.num_events, at);
        ber_rec_cleanup(&rec);
    }
}

struct reentry_ctx {
    wax_err write_err;
    wax_err finish_err;
    wax_err capture_err;
    bool tried;
};

static wax_err
reentry_handler(void *ctx, struct wax_ber_reader *r,
                const struct wax_ber_event *ev)
{
    struct reentry_ctx *c = ctx;
    if (ev->type == WAX_BER_DATA && !c->tried) {
        c->tried = true;
        static const uint8_t b = 0;
        c->write_err = wax_ber_reader_write(r, &b, 1);
        c->finish_err = wax_ber_reader_finish(r);
    }
    return WAX_OK;
}

static wax_err
late_capture_handler(void *ctx, struct wax_ber_reader *r,
                     const struct wax_ber_event *ev)
{
    struct reentry_ctx *c = ctx;
    static struct wax_buf buf;
    if (ev->type == WAX_BER_END && !c->tried) {
        c->tried = true;
        wax_buf_init(&buf, 64);
        c->capture_err = wax_ber_reader_capture(r, &buf, 64);
        wax_buf_cleanup(&buf);
    }
    return WAX_OK;
}

static wax_err
double_capture_handler(void *ctx, struct wax_ber_reader *r,
                       const struct wax_ber_event *ev)
{
    struct reentry_ctx *c = ctx;
    static struct wax_buf buf;
    if (ev->type == WAX_BER_BEGIN) {
        wax_buf_init(&buf, 64);
        WAX_TRY(wax_ber_reader_capture(r, &buf, 64));
        c->capture_err = wax_ber_reader_capture(r, &buf, 64);
        wax_buf_cleanup(&buf);
    }
    return WAX_OK;
}

TEST(misuse_from_the_handler_is_state_error)
{
    static const uint8_t in[] = {0x04, 0x01, 0x41};
    struct reentry_ctx c = {WAX_OK, WAX_OK, WAX_OK, false};
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, 0, reentry_handler, &c);
    CHECK_ERR(wax_ber_reader_write(&r, in, sizeof in), WAX_ERR_BER_STATE);
    CHECK_ERR(c.write_err, WAX_ERR_BER_STATE);
    CHECK_ERR(c.finish_err, WAX_ERR_BER_STATE);

    memset(&c, 0, sizeof c);
    wax_ber_reader_init(&r, 0, late_capture_handler, &c);
    CHECK_ERR(wax_ber_reader_write(&r, in, sizeof in), WAX_ERR_BER_STATE);
    CHECK_ERR(c.capture_err, WAX_ERR_BER_STATE);

    memset(&c, 0, sizeof c);
    wax_ber_reader_init(&r, 0, double_capture_handler, &c);
    CHECK_ERR(wax_ber_reader_write(&r, in, sizeof in), WAX_ERR_BER_STATE);
    CHECK_ERR(c.capture_err, WAX_ERR_BER_STATE);
}

/* ------------------------------------------------------------------ */
/* Captures.                                                           */

/* capture_case feeds IN at every chunking, capturing elements with TAG at
 * DEPTH, and compares the log. */
static bool
capture_agrees(const uint8_t *in, size_t len, uint32_t tag, size_t depth,
               size_t max, const char *want_log, wax_err want_err)
{
    struct ber_rec whole;
    ber_rec_init(&whole);
    whole.capture_tag = tag;
    whole.capture_depth = depth;
    whole.capture_max = max;
    wax_err err = ber_rec_run(&whole, in, len, 0, 0, SIZE_MAX, 0);
    bool ok = err == want_err && (want_log == NULL || log_is(&whole, want_log));
    if (err != want_err) {
        snprintf(chunk_msg, sizeof chunk_msg, "got %s, want %s",
                 wax_err_name(err), wax_err_name(want_err));
    }
    if (ok && err != WAX_OK) {
        /* a failed capture leaves nothing behind */
        ok = whole.capture.len == 0;
        snprintf(chunk_msg, sizeof chunk_msg, "capture buffer not rolled back");
    }
    for (size_t run = 0; ok && run < len + 3; run++) {
        struct ber_rec other;
        ber_rec_init(&other);
        other.capture_tag = tag;
        other.capture_depth = depth;
        other.capture_max = max;
        size_t chunk = run == len + 1 ? 1 : run == len + 2 ? SIZE_MAX : 0;
        size_t split = run <= len ? run : SIZE_MAX;
        wax_err e2 = ber_rec_run(&other, in, len, 0, chunk, split, 7);
        ok = e2 == err && ber_rec_same(&whole, &other) &&
             other.capture.len == whole.capture.len;
        if (!ok) {
            snprintf(chunk_msg, sizeof chunk_msg, "run %zu differs (%s)", run,
                     wax_err_name(e2));
        }
        ber_rec_cleanup(&other);
    }
    ber_rec_cleanup(&whole);
    return ok;
}

static const struct {
    const char *name;
    uint8_t in[32];
    size_t len;
    const char *want_log; /* with the top-level element captured */
} capture_cases[] = {
    {"DER stays DER",
     {0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0x41},
     8,
     "B0 20000010 c 6 o0\nC0 20000010 o0 der 3006020105040141\n"},
    {"indefinite to definite",
     {0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00},
     7,
     "B0 20000010 c i o0\nC0 20000010 o0 ber 3003020105\n"},
    {"nested constructed OCTET STRING merged",
     {0x24, 0x80, 0x04, 0x01, 0x41, 0x24, 0x80, 0x04, 0x01, 0x42, 0x00, 0x00,
      0x04, 0x00, 0x00, 0x00},
     16,
     "B0 20000004 c i o0\nC0 20000004 o0 ber 04024142\n"},
    {"definite constructed OCTET STRING merged",
     {0x24, 0x06, 0x04, 0x01, 0x41, 0x04, 0x01, 0x42},
     8,
     "B0 20000004 c 6 o0\nC0 20000004 o0 ber 04024142\n"},
    {"UTF8String character split across segments",
     {0x2C, 0x80, 0x0C, 0x01, 0xC3, 0x0C, 0x01, 0xA9, 0x00, 0x00},
     10,
     "B0 2000000c c i o0\nC0 2000000c o0 ber 0c02c3a9\n"},
    {"constructed string inside a SEQUENCE",
     {0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0x41, 0x00, 0x00, 0x0C, 0x01, 0x7A,
      0x00, 0x00},
     14,
     "B0 20000010 c i o0\nC0 20000010 o0 ber 3006040141 0c017a\n"},
    {"non-minimal lengths",
     {0x30, 0x84, 0x00, 0x00, 0x00, 0x05, 0x04, 0x82, 0x00, 0x01, 0x41},
     11,
     "B0 20000010 c 5 o0\nC0 20000010 o0 ber 3003040141\n"},
    {"constructed BIT STRING merged",
     {0x23, 0x80, 0x03, 0x02, 0x00, 0xFF, 0x03, 0x02, 0x04, 0xF0, 0x00, 0x00},
     12,
     "B0 20000003 c i o0\nC0 20000003 o0 ber 030304fff0\n"},
    {"BIT STRING unused bits zeroed",
     {0x03, 0x02, 0x04, 0xF7},
     4,
     "B0 00000003 p 2 o0\nC0 00000003 o0 ber 030204f0\n"},
    {"constructed BIT STRING, unused bits zeroed",
     {0x23, 0x80, 0x03, 0x01, 0x00, 0x03, 0x02, 0x01, 0x81, 0x00, 0x00},
     11,
     "B0 20000003 c i o0\nC0 20000003 o0 ber 03020180\n"},
    {"constructed empty BIT STRING",
     {0x23, 0x80, 0x00, 0x00},
     4,
     "B0 20000003 c i o0\nC0 20000003 o0 ber 030100\n"},
    {"BOOLEAN TRUE as 0xFF",
     {0x30, 0x06, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00},
     8,
     "B0 20000010 c 6 o0\nC0 20000010 o0 ber 30060101ff010100\n"},
    {"context tags keep their form",
     {0xA0, 0x80, 0x80, 0x01, 0x41, 0x00, 0x00},
     7,
     "B0 a0000000 c i o0\nC0 a0000000 o0 ber a003800141\n"},
    {"high tag and UTCTime segments",
     {0x7F, 0x81, 0x48, 0x80, 0x37, 0x80, 0x17, 0x04, '9',
      '9',  '1',  '2',  0x17, 0x09, '3',  '1',  '2',  '3',
      '5',  '9',  '5',  '9',  'Z',  0x00, 0x00, 0x00, 0x00},
     27,
     "B0 600000c8 c i o0\nC0 600000c8 o0 ber 7f81480f170d "
     "393931323331323335393539 5a\n"},
};

/* strip_spaces: the expected logs above use spaces to separate fields of
 * the hex dumps for readability; the recorder writes none. */
static void
strip_hex_spaces(const char *in, char *out, size_t out_cap)
{
    size_t n = 0;
    int fields = 0;
    for (size_t i = 0; in[i] != '\0' && n + 1 < out_cap; i++) {
        if (in[i] == '\n') {
            fields = 0;
        } else if (in[i] == ' ') {
            if (++fields > 4) {
                continue;
            }
        }
        out[n++] = in[i];
    }
    out[n] = '\0';
}

TEST(captures_normalise_to_der_at_every_chunking)
{
    for (size_t i = 0; i < sizeof capture_cases / sizeof capture_cases[0];
         i++) {
        char want[256];
        strip_hex_spaces(capture_cases[i].want_log, want, sizeof want);
        uint32_t tag;
        /* the tag of the top-level element, from the expected BEGIN line */
        tag = (uint32_t)strtoul(want + 3, NULL, 16);
        CHECK_MSG(capture_agrees(capture_cases[i].in, capture_cases[i].len, tag,
                                 0, 1024, want, WAX_OK),
                  "%s: %s", capture_cases[i].name, chunk_msg);
    }
}

TEST(capture_in_the_middle_of_a_stream)
{
    /* 30 80 { 06 01 2A, A0 80 { 30 80 { 02 01 01 } 00 00 } 00 00,
     * 04 01 'A' } 00 00: capture [0] only */
    static const uint8_t in[] = {0x30, 0x80, 0x06, 0x01, 0x2A, 0xA0, 0x80,
                                 0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00,
                                 0x00, 0x00, 0x04, 0x01, 0x41, 0x00, 0x00};
    CHECK_MSG(capture_agrees(in, sizeof in, WAX_DER_CONTEXT_CONS(0), 1, 64,
                             "B0 20000010 c i o0\n"
                             "B1 00000006 p 1 o2\n"
                             "D1 o2\n"
                             "E1 00000006 o2\n"
                             "B1 a0000000 c i o5\n"
                             "C1 a0000000 o5 ber a0053003020101\n"
                             "B1 00000004 p 1 o16\n"
                             "D1 o16\n"
                             "E1 00000004 o16\n"
                             "E0 20000010 o0\n",
                             WAX_OK),
              "%s", chunk_msg);
}

TEST(several_captures_append_to_one_buffer)
{
    /* SET OF three INTEGERs, two in BER, each captured */
    static const uint8_t in[] = {0x31, 0x80, 0x02, 0x01, 0x01, 0x02, 0x81,
                                 0x01, 0x02, 0x02, 0x01, 0x03, 0x00, 0x00};
    struct ber_rec rec;
    ber_rec_init(&rec);
    rec.capture_tag = WAX_DER_INTEGER;
    rec.capture_depth = 1;
    CHECK_OK(ber_rec_run(&rec, in, sizeof in, 0, 1, SIZE_MAX, 0));
    static const uint8_t want[] = {0x02, 0x01, 0x01, 0x02, 0x01,
                                   0x02, 0x02, 0x01, 0x03};
    bool ok = rec.capture.len == sizeof want &&
              memcmp(rec.capture.data, want, sizeof want) == 0 &&
              log_is(&rec, "B0 20000011 c i o0\n"
                           "B1 00000002 p 1 o2\n"
                           "C1 00000002 o2 der 020101\n"
                           "B1 00000002 p 1 o5\n"
                           "C1 00000002 o5 ber 020102\n"
                           "B1 00000002 p 1 o9\n"
                           "C1 00000002 o9 der 020103\n"
                           "E0 20000011 o0\n");
    ber_rec_cleanup(&rec);
    CHECK_MSG(ok, "%s", chunk_msg);
}

static const struct {
    const char *name;
    uint8_t in[24];
    size_t len;
    wax_err want;
} capture_error_cases[] = {
    {"BOOLEAN of two octets",
     {0x01, 0x02, 0x00, 0x00},
     4,
     WAX_ERR_DER_BAD_BOOLEAN},
    {"empty BOOLEAN", {0x30, 0x02, 0x01, 0x00}, 4, WAX_ERR_DER_BAD_BOOLEAN},
    {"non-minimal INTEGER",
     {0x02, 0x02, 0x00, 0x01},
     4,
     WAX_ERR_DER_BAD_INTEGER},
    {"non-minimal negative INTEGER",
     {0x02, 0x02, 0xFF, 0x80},
     4,
     WAX_ERR_DER_BAD_INTEGER},
    {"empty INTEGER",
     {0x30, 0x80, 0x02, 0x00, 0x00, 0x00},
     6,
     WAX_ERR_DER_BAD_INTEGER},
    {"non-minimal ENUMERATED",
     {0x0A, 0x02, 0x00, 0x05},
     4,
     WAX_ERR_DER_BAD_INTEGER},
    {"NULL with contents", {0x05, 0x01, 0x00}, 3, WAX_ERR_DER_BAD_NULL},
    {"OID with 0x80 arc", {0x06, 0x02, 0x80, 0x01}, 4, WAX_ERR_DER_BAD_OID},
    {"empty OID", {0x06, 0x00}, 2, WAX_ERR_DER_BAD_OID},
    {"OID unterminated", {0x06, 0x01, 0x81}, 3, WAX_ERR_DER_BAD_OID},
    {"empty BIT STRING", {0x03, 0x00}, 2, WAX_ERR_DER_BAD_BIT_STRING},
    {"8 unused bits", {0x03, 0x02, 0x08, 0x00}, 4, WAX_ERR_DER_BAD_BIT_STRING},
    {"unused bits without bits",
     {0x03, 0x01, 0x04},
     3,
     WAX_ERR_DER_BAD_BIT_STRING},
    {"unused bits in a non-final segment",
     {0x23, 0x80, 0x03, 0x02, 0x04, 0xF0, 0x03, 0x02, 0x00, 0xFF, 0x00, 0x00},
     12,
     WAX_ERR_DER_BAD_BIT_STRING},
    {"empty BIT STRING segment",
     {0x23, 0x80, 0x03, 0x00, 0x00, 0x00},
     6,
     WAX_ERR_DER_BAD_BIT_STRING},
    {"BIT STRING segment of unused bits only",
     {0x23, 0x80, 0x03, 0x01, 0x04, 0x00, 0x00},
     7,
     WAX_ERR_DER_BAD_BIT_STRING},
    {"segment with unused 9",
     {0x23, 0x03, 0x03, 0x01, 0x09},
     5,
     WAX_ERR_DER_BAD_BIT_STRING},
    {"INTEGER segment in an OCTET STRING",
     {0x24, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00},
     7,
     WAX_ERR_BER_BAD_TAG},
    {"OCTET STRING segment in a UTF8String",
     {0x2C, 0x80, 0x04, 0x01, 0x41, 0x00, 0x00},
     7,
     WAX_ERR_BER_BAD_TAG},
    {"context segment in an OCTET STRING",
     {0x24, 0x03, 0x80, 0x01, 0x41},
     5,
     WAX_ERR_BER_BAD_TAG},
    {"UTCTime without seconds",
     {0x17, 0x0B, '9', '9', '1', '2', '3', '1', '2', '3', '5', '9', 'Z'},
     13,
     WAX_ERR_DER_BAD_TIME},
    {"merged PrintableString with '@'",
     {0x33, 0x80, 0x13, 0x01, 'a', 0x13, 0x01, '@', 0x00, 0x00},
     10,
     WAX_ERR_DER_BAD_STRING},
    {"merged UTF8String split inside a character",
     {0x2C, 0x06, 0x0C, 0x01, 0xC3, 0x0C, 0x01, 0x41},
     8,
     WAX_ERR_DER_BAD_STRING},
    {"reader errors still apply",
     {0x30, 0x80, 0x05, 0x00},
     4,
     WAX_ERR_BER_TRUNCATED},
};

TEST(capture_errors_with_their_code)
{
    for (size_t i = 0;
         i < sizeof capture_error_cases / sizeof capture_error_cases[0]; i++) {
        uint32_t tag = capture_error_cases[i].in[0] & 0x1Fu;
        if (capture_error_cases[i].in[0] & 0x20u) {
            tag |= WAX_DER_CONSTRUCTED;
        }
        CHECK_MSG(capture_agrees(capture_error_cases[i].in,
                                 capture_error_cases[i].len, tag, 0, 1024, NULL,
                                 capture_error_cases[i].want),
                  "%s: %s", capture_error_cases[i].name, chunk_msg);
    }
}

TEST(capture_cap_and_rollback)
{
    /* 30 80 { 04 81 C8 <200 bytes> } 00 00 normalises to 30 81 CB 04 81
     * C8 ...: 206 bytes */
    uint8_t in[2 + 3 + 200 + 2];
    size_t n = 0;
    in[n++] = 0x30;
    in[n++] = 0x80;
    in[n++] = 0x04;
    in[n++] = 0x81;
    in[n++] = 200;
    for (int i = 0; i < 200; i++) {
        in[n++] = (uint8_t)i;
    }
    in[n++] = 0x00;
    in[n++] = 0x00;
    CHECK_MSG(capture_agrees(in, n, WAX_DER_SEQUENCE, 0, 206, NULL, WAX_OK),
              "%s", chunk_msg);
    /* 205 is one short: the back-filled length does not fit */
    CHECK_MSG(capture_agrees(in, n, WAX_DER_SEQUENCE, 0, 205, NULL,
                             WAX_ERR_BER_CAPTURE_TOO_LARGE),
              "%s", chunk_msg);
    CHECK_MSG(capture_agrees(in, n, WAX_DER_SEQUENCE, 0, 50, NULL,
                             WAX_ERR_BER_CAPTURE_TOO_LARGE),
              "%s", chunk_msg);

    /* the buffer's own cap counts too, and what was in it stays */
    struct wax_buf out;
    wax_buf_init(&out, 210);
    CHECK_OK(wax_buf_append(&out, (const uint8_t *)"keep", 4));
    CHECK_OK(wax_ber_to_der(in, n, 1 << 20, &out));
    CHECK_EQ_U64(out.len, 4 + 206);
    CHECK(memcmp(out.data, "keep\x30\x81\xCB\x04\x81\xC8\x00\x01", 12) == 0);
    wax_buf_cleanup(&out);
    wax_buf_init(&out, 209);
    CHECK_OK(wax_buf_append(&out, (const uint8_t *)"keep", 4));
    CHECK_ERR(wax_ber_to_der(in, n, 1 << 20, &out),
              WAX_ERR_BER_CAPTURE_TOO_LARGE);
    CHECK_MEM(out.data, out.len, "keep", 4);
    CHECK_OK(out.err); /* the buffer itself did not fail */
    wax_buf_cleanup(&out);
}

TEST(capture_respects_the_depth_cap)
{
    uint8_t in[4 * WAX_MAX_DER_DEPTH + 4];
    size_t n = 0;
    for (size_t i = 0; i <= WAX_MAX_DER_DEPTH; i++) {
        in[n++] = 0x30;
        in[n++] = 0x80;
    }
    struct wax_buf out;
    wax_buf_init(&out, 1 << 16);
    CHECK_ERR(wax_ber_to_der(in, n, 1 << 16, &out), WAX_ERR_BER_TOO_DEEP);
    CHECK_EQ_U64(out.len, 0);
    wax_buf_cleanup(&out);
}

TEST(ber_to_der_one_shot)
{
    static const uint8_t ber[] = {0x30, 0x80, 0x24, 0x80, 0x04, 0x01,
                                  0x41, 0x04, 0x01, 0x42, 0x00, 0x00,
                                  0x01, 0x01, 0x07, 0x00, 0x00};
    static const uint8_t der[] = {0x30, 0x07, 0x04, 0x02, 0x41,
                                  0x42, 0x01, 0x01, 0xFF};
    struct wax_buf out;
    wax_buf_init(&out, 1 << 16);
    CHECK_OK(wax_ber_to_der(ber, sizeof ber, 1 << 16, &out));
    CHECK_MEM(out.data, out.len, der, sizeof der);
    /* idempotent on DER */
    struct wax_buf again;
    wax_buf_init(&again, 1 << 16);
    CHECK_OK(wax_ber_to_der(out.data, out.len, 1 << 16, &again));
    CHECK_MEM(again.data, again.len, der, sizeof der);
    wax_buf_cleanup(&again);
    wax_buf_cleanup(&out);

    static const uint8_t trailing[] = {0x05, 0x00, 0x05, 0x00};
    wax_buf_init(&out, 1 << 16);
    CHECK_ERR(wax_ber_to_der(trailing, sizeof trailing, 1 << 16, &out),
              WAX_ERR_BER_TRAILING_DATA);
    CHECK_EQ_U64(out.len, 0);
    CHECK_ERR(wax_ber_to_der(trailing, 1, 1 << 16, &out),
              WAX_ERR_BER_TRUNCATED);
    CHECK_EQ_U64(out.len, 0);
    wax_buf_cleanup(&out);
}

TEST(large_capture_with_long_lengths)
{
    /* 24 80 { 10 x 04 82 03 E8 <1000> } 00 00 -> 04 82 27 10 <10000> */
    size_t n = 0, cap = 4 + 10 * 1004;
    uint8_t *in = malloc(cap);
    CHECK(in != NULL);
    in[n++] = 0x24;
    in[n++] = 0x80;
    for (int s = 0; s < 10; s++) {
        in[n++] = 0x04;
        in[n++] = 0x82;
        in[n++] = 0x03;
        in[n++] = 0xE8;
        for (int i = 0; i < 1000; i++) {
            in[n++] = (uint8_t)(s * 1000 + i);
        }
    }
    in[n++] = 0x00;
    in[n++] = 0x00;
    struct wax_buf out;
    wax_buf_init(&out, 1 << 20);
    wax_err err = wax_ber_to_der(in, n, 1 << 20, &out);
    bool ok = err == WAX_OK && out.len == 4 + 10000 && out.data[0] == 0x04 &&
              out.data[1] == 0x82 && out.data[2] == 0x27 &&
              out.data[3] == 0x10 && out.data[4] == 0 &&
              out.data[4 + 9999] == (uint8_t)9999;
    wax_buf_cleanup(&out);
    free(in);
    CHECK_ERR(err, WAX_OK);
    CHECK(ok);
}

/* ------------------------------------------------------------------ */
/* A large content streams through in bounded memory.                  */

struct big_ctx {
    uint64_t total;
    uint64_t sum1, sum2;
    size_t max_chunk;
    size_t num_segments;
    size_t max_depth_seen;
};

static wax_err
big_handler(void *ctx, struct wax_ber_reader *r, const struct wax_ber_event *ev)
{
    struct big_ctx *c = ctx;
    (void)r;
    if (ev->depth > c->max_depth_seen) {
        c->max_depth_seen = ev->depth;
    }
    if (ev->type == WAX_BER_BEGIN && ev->depth == 1) {
        c->num_segments++;
    }
    if (ev->type == WAX_BER_DATA) {
        c->total += ev->data_len;
        if (ev->data_len > c->max_chunk) {
            c->max_chunk = ev->data_len;
        }
        for (size_t i = 0; i < ev->data_len; i++) {
            c->sum1 = (c->sum1 + ev->data[i]) % 0xFFFFFFFFu;
            c->sum2 = (c->sum2 + c->sum1) % 0xFFFFFFFFu;
        }
    }
    return WAX_OK;
}

TEST(sixty_four_mib_octet_string_streams_in_bounded_memory)
{
    const uint64_t content = (uint64_t)64 << 20;
    const size_t seg = 1000;
    enum { CHUNK = 65536 };
    static uint8_t chunk[CHUNK + 8];
    struct big_ctx c;
    memset(&c, 0, sizeof c);
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, 4, big_handler, &c);

    uint64_t want1 = 0, want2 = 0, produced = 0;
    uint32_t rng = 0x12345678u;
    size_t fill = 0;
    static const uint8_t head[] = {0x24, 0x80};
    CHECK_OK(wax_ber_reader_write(&r, head, sizeof head));
    size_t num_segments = 0;
    while (produced < content) {
        size_t this_seg =
            content - produced < seg ? (size_t)(content - produced) : seg;
        /* header of a segment: 04 82 hi lo */
        uint8_t hdr[4] = {0x04, 0x82, (uint8_t)(this_seg >> 8),
                          (uint8_t)this_seg};
        for (size_t i = 0; i < 4; i++) {
            chunk[fill++] = hdr[i];
            if (fill == CHUNK) {
                CHECK_OK(wax_ber_reader_write(&r, chunk, fill));
                fill = 0;
            }
        }
        for (size_t i = 0; i < this_seg; i++) {
            uint8_t b = (uint8_t)(ber_rec_next_u32(&rng) >> 24);
            want1 = (want1 + b) % 0xFFFFFFFFu;
            want2 = (want2 + want1) % 0xFFFFFFFFu;
            chunk[fill++] = b;
            if (fill == CHUNK) {
                CHECK_OK(wax_ber_reader_write(&r, chunk, fill));
                fill = 0;
            }
        }
        produced += this_seg;
        num_segments++;
    }
    chunk[fill++] = 0x00;
    chunk[fill++] = 0x00;
    CHECK_OK(wax_ber_reader_write(&r, chunk, fill));
    CHECK_OK(wax_ber_reader_finish(&r));
    CHECK_EQ_U64(c.total, content);
    CHECK_EQ_U64(c.sum1, want1);
    CHECK_EQ_U64(c.sum2, want2);
    CHECK_EQ_U64(c.num_segments, num_segments);
    CHECK_EQ_U64(num_segments, (content + seg - 1) / seg);
    /* DATA never exceeds a segment: nothing was buffered whole */
    CHECK(c.max_chunk <= seg);
    CHECK_EQ_U64(c.max_depth_seen, 1);
    CHECK_EQ_U64(wax_ber_reader_offset(&r), content + 4 * num_segments + 4);
}
