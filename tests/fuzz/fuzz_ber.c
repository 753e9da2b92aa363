/*
 * fuzz_ber: arbitrary input through the streaming BER reader.
 *
 * The whole input is the BER; the parameters (depth cap, which depth to
 * capture, the capture cap, the random chunking) come from a hash of it,
 * so that the seeds stay valid CMS objects and mutations vary both.
 * Checked:
 *  - fed whole, byte by byte and in random chunks, the reader gives the
 *    same error, the same events and the same DATA;
 *  - every capture is strict DER (wax_der_validate), normalising it again
 *    gives the same bytes, and its WAS_DER flag is true exactly when the
 *    input bytes of the element were those bytes;
 *  - when wax_ber_to_der succeeds, its output validates and is a fixed
 *    point.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "../ber_record.h"

#define FUZZ_MAX_OUT ((size_t)1 << 20)

struct fuzz_ctx {
    struct ber_rec rec; /* first: the recorder's handler gets this */
    const uint8_t *in;
    size_t in_len;
};

static void
check_der_fixed_point(const uint8_t *der, size_t len)
{
    if (wax_der_validate(der, len, WAX_MAX_DER_DEPTH) != WAX_OK) {
        abort();
    }
    struct wax_buf again;
    wax_buf_init(&again, FUZZ_MAX_OUT);
    if (wax_ber_to_der(der, len, FUZZ_MAX_OUT, &again) != WAX_OK ||
        again.len != len || memcmp(again.data, der, len) != 0) {
        abort();
    }
    wax_buf_cleanup(&again);
}

static wax_err
fuzz_handler(void *ctx, struct wax_ber_reader *r,
             const struct wax_ber_event *ev)
{
    struct fuzz_ctx *c = ctx;
    if (ev->type == WAX_BER_CAPTURED) {
        check_der_fixed_point(ev->data, ev->data_len);
        bool same_as_input =
            ev->offset <= c->in_len && ev->data_len <= c->in_len - ev->offset &&
            memcmp(c->in + ev->offset, ev->data, ev->data_len) == 0;
        if (same_as_input != ev->was_der) {
            abort();
        }
    }
    if (ev->type == WAX_BER_DATA &&
        (ev->data_len == 0 || ev->data_offset >= c->in_len ||
         ev->data_len > c->in_len - ev->data_offset ||
         memcmp(c->in + ev->data_offset, ev->data, ev->data_len) != 0)) {
        abort(); /* DATA must be the input bytes at DATA_OFFSET */
    }
    return ber_rec_handler(&c->rec, r, ev);
}

static wax_err
run(struct fuzz_ctx *c, size_t max_depth, size_t chunk, uint32_t seed)
{
    struct wax_ber_reader r;
    wax_ber_reader_init(&r, max_depth, fuzz_handler, c);
    size_t off = 0;
    uint32_t state = seed | 1u;
    while (off < c->in_len) {
        size_t n = c->in_len - off;
        if (chunk == SIZE_MAX) {
            n = 1 + ber_rec_next_u32(&state) % 37;
        } else if (chunk != 0) {
            n = chunk;
        }
        if (n > c->in_len - off) {
            n = c->in_len - off;
        }
        WAX_TRY(wax_ber_reader_write(&r, c->in + off, n));
        off += n;
    }
    return wax_ber_reader_finish(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < size; i++) {
        h = (h ^ data[i]) * 16777619u;
    }
    uint8_t p0 = (uint8_t)h, p1 = (uint8_t)(h >> 8);
    /* mostly the default depth cap, sometimes a small one */
    size_t max_depth = (p0 & 0xC0) ? 0 : (size_t)(p0 & 0x3F) + 1;
    bool capture = (p1 & 0x08) != 0;
    size_t capture_depth = p1 & 0x07;
    size_t capture_max = (p1 & 0x10) ? 48 : FUZZ_MAX_OUT;
    uint32_t seed = h >> 16;

    struct fuzz_ctx runs[3];
    wax_err errs[3];
    for (size_t i = 0; i < 3; i++) {
        ber_rec_init(&runs[i].rec);
        runs[i].rec.capture_any = capture;
        runs[i].rec.capture_depth = capture_depth;
        runs[i].rec.capture_max = capture_max;
        runs[i].in = data;
        runs[i].in_len = size;
        size_t chunk = i == 0 ? 0 : i == 1 ? 1 : SIZE_MAX;
        errs[i] = run(&runs[i], max_depth, chunk, seed);
    }
    for (size_t i = 1; i < 3; i++) {
        if (errs[i] != errs[0] || !ber_rec_same(&runs[0].rec, &runs[i].rec) ||
            runs[i].rec.offsets_broken ||
            runs[i].rec.capture.len != runs[0].rec.capture.len) {
            abort();
        }
    }
    for (size_t i = 0; i < 3; i++) {
        ber_rec_cleanup(&runs[i].rec);
    }

    struct wax_buf der;
    wax_buf_init(&der, FUZZ_MAX_OUT);
    wax_err err = wax_ber_to_der(data, size, FUZZ_MAX_OUT, &der);
    if (err == WAX_OK) {
        check_der_fixed_point(der.data, der.len);
    } else if (der.len != 0) {
        abort(); /* a failure leaves the buffer as it was */
    }
    wax_buf_cleanup(&der);
    return 0;
}
