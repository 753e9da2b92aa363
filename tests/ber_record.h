/*
 * tests/ber_record.h - records the events of the streaming BER reader as
 * text, so that runs with different input chunking can be compared.
 *
 * Each event is one line:
 *   B<depth> <tag hex> c|p i|<length> o<offset>     BEGIN
 *   D<depth> o<offset>                               first DATA of an element
 *   E<depth> <tag hex> o<offset>                     END
 *   C<depth> <tag hex> o<offset> der|ber <hex>       CAPTURED
 * DATA contents go to a separate buffer, so the log does not depend on how
 * the contents were chunked. Included by the BER unit and vector tests and
 * by the BER fuzz target.
 */
#ifndef WAX_TESTS_BER_RECORD_H
#define WAX_TESTS_BER_RECORD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#define BER_REC_LOG_MAX ((size_t)4 << 20)
#define BER_REC_DATA_MAX ((size_t)16 << 20)

struct ber_rec {
    struct wax_buf log;
    struct wax_buf data;
    uint64_t data_total;
    uint64_t checksum; /* Fletcher-like sum over every DATA byte */
    uint64_t sum1;
    size_t max_chunk;
    bool keep_data; /* append DATA bytes to data */
    bool data_run;  /* the previous event was DATA */
    uint64_t next_data_offset;
    bool offsets_broken;
    /* capture requests: capture every element that begins at this depth
     * with this tag (capture_tag 0: none) */
    uint32_t capture_tag;
    bool capture_any; /* capture whatever begins at capture_depth */
    size_t capture_depth;
    size_t capture_max;
    struct wax_buf capture;
    /* fail_at: return fail_err on the fail_at-th event (1-based) */
    size_t num_events;
    size_t fail_at;
    wax_err fail_err;
};

static void
ber_rec_init(struct ber_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    wax_buf_init(&rec->log, BER_REC_LOG_MAX);
    wax_buf_init(&rec->data, BER_REC_DATA_MAX);
    wax_buf_init(&rec->capture, BER_REC_DATA_MAX);
    rec->keep_data = true;
    rec->capture_max = BER_REC_DATA_MAX;
}

static void
ber_rec_cleanup(struct ber_rec *rec)
{
    wax_buf_cleanup(&rec->log);
    wax_buf_cleanup(&rec->data);
    wax_buf_cleanup(&rec->capture);
}

static wax_err
ber_rec_line(struct ber_rec *rec, const char *line)
{
    WAX_TRY(wax_buf_append_str(&rec->log, line));
    return wax_buf_append_byte(&rec->log, '\n');
}

static wax_err
ber_rec_handler(void *ctx, struct wax_ber_reader *r,
                const struct wax_ber_event *ev)
{
    struct ber_rec *rec = ctx;
    char line[160];
    rec->num_events++;
    if (rec->fail_at != 0 && rec->num_events == rec->fail_at) {
        return rec->fail_err;
    }
    bool was_data_run = rec->data_run;
    rec->data_run = false;
    switch (ev->type) {
    case WAX_BER_BEGIN:
        if (ev->indefinite) {
            snprintf(line, sizeof line, "B%zu %08x %c i o%llu", ev->depth,
                     ev->tag, ev->constructed ? 'c' : 'p',
                     (unsigned long long)ev->offset);
        } else {
            snprintf(line, sizeof line, "B%zu %08x %c %llu o%llu", ev->depth,
                     ev->tag, ev->constructed ? 'c' : 'p',
                     (unsigned long long)ev->length,
                     (unsigned long long)ev->offset);
        }
        WAX_TRY(ber_rec_line(rec, line));
        if ((rec->capture_any ||
             (rec->capture_tag != 0 && ev->tag == rec->capture_tag)) &&
            ev->depth == rec->capture_depth) {
            WAX_TRY(wax_ber_reader_capture(r, &rec->capture, rec->capture_max));
        }
        return WAX_OK;
    case WAX_BER_DATA:
        rec->data_run = true;
        if (ev->data_len == 0 || ev->constructed) {
            rec->offsets_broken = true;
        }
        if (!was_data_run) {
            snprintf(line, sizeof line, "D%zu o%llu", ev->depth,
                     (unsigned long long)ev->offset);
            WAX_TRY(ber_rec_line(rec, line));
        } else if (ev->data_offset != rec->next_data_offset) {
            rec->offsets_broken = true;
        }
        rec->next_data_offset = ev->data_offset + ev->data_len;
        rec->data_total += ev->data_len;
        if (ev->data_len > rec->max_chunk) {
            rec->max_chunk = ev->data_len;
        }
        for (size_t i = 0; i < ev->data_len; i++) {
            rec->sum1 = (rec->sum1 + ev->data[i]) % 0xFFFFFFFFu;
            rec->checksum = (rec->checksum + rec->sum1) % 0xFFFFFFFFu;
        }
        if (rec->keep_data) {
            WAX_TRY(wax_buf_append(&rec->data, ev->data, ev->data_len));
        }
        return WAX_OK;
    case WAX_BER_END:
        snprintf(line, sizeof line, "E%zu %08x o%llu", ev->depth, ev->tag,
                 (unsigned long long)ev->offset);
        return ber_rec_line(rec, line);
    case WAX_BER_CAPTURED:
        snprintf(line, sizeof line, "C%zu %08x o%llu %s ", ev->depth, ev->tag,
                 (unsigned long long)ev->offset, ev->was_der ? "der" : "ber");
        WAX_TRY(wax_buf_append_str(&rec->log, line));
        for (size_t i = 0; i < ev->data_len; i++) {
            snprintf(line, sizeof line, "%02x", ev->data[i]);
            WAX_TRY(wax_buf_append_str(&rec->log, line));
        }
        return wax_buf_append_byte(&rec->log, '\n');
    }
    return WAX_ERR_BER_STATE;
}

/* ber_rec_next_u32: a small deterministic generator (xorshift32). */
static uint32_t
ber_rec_next_u32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/*
 * ber_rec_run feeds IN to a fresh reader recording into REC. CHUNK 0 feeds
 * everything at once, CHUNK n > 0 in pieces of n bytes, and CHUNK
 * SIZE_MAX in random pieces of 1..64 bytes drawn from SEED. SPLIT, when
 * not SIZE_MAX, instead feeds [0, SPLIT) then the rest. Returns the first
 * error of write or finish.
 */
static wax_err
ber_rec_run(struct ber_rec *rec, const uint8_t *in, size_t len,
            size_t max_depth, size_t chunk, size_t split, uint32_t seed)
{
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, max_depth, ber_rec_handler, rec);
    if (split != SIZE_MAX) {
        WAX_TRY(wax_ber_reader_write(&r, in, split));
        WAX_TRY(wax_ber_reader_write(&r, in + split, len - split));
        return wax_ber_reader_finish(&r);
    }
    size_t off = 0;
    uint32_t state = seed | 1u;
    while (off < len) {
        size_t n = len - off;
        if (chunk == SIZE_MAX) {
            n = 1 + ber_rec_next_u32(&state) % 64;
        } else if (chunk != 0) {
            n = chunk;
        }
        if (n > len - off) {
            n = len - off;
        }
        WAX_TRY(wax_ber_reader_write(&r, in + off, n));
        off += n;
    }
    return wax_ber_reader_finish(&r);
}

/* ber_rec_same: equal logs and equal concatenated DATA. */
static bool
ber_rec_same(const struct ber_rec *a, const struct ber_rec *b)
{
    return a->log.len == b->log.len && a->data.len == b->data.len &&
           (a->log.len == 0 ||
            memcmp(a->log.data, b->log.data, a->log.len) == 0) &&
           (a->data.len == 0 ||
            memcmp(a->data.data, b->data.data, a->data.len) == 0) &&
           a->data_total == b->data_total && a->checksum == b->checksum;
}

#endif
