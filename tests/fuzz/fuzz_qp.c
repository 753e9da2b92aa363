/*
 * fuzz_qp - quoted-printable decoder and encoder.
 *
 * Input: byte 0 gives K (0..15) chunk-size bytes that follow; the rest is
 * the payload. (1) The payload is decoded one-shot and through the
 * streaming decoder in writes cycling through the K sizes: same verdict,
 * same bytes. (2) The payload is encoded in binary mode (one-shot and
 * chunked streaming must agree); every line is at most 76 characters and
 * decoding gives the payload back. (3) Text mode: decoding gives the
 * payload with every LF not after a CR turned into CRLF.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/util.h>

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static wax_err
push_chunked(wax_sink *s, const uint8_t *p, size_t len, const uint8_t *sizes,
             size_t num_sizes)
{
    size_t i = 0;
    while (len > 0) {
        size_t n = num_sizes ? sizes[i++ % num_sizes] : len;
        if (n == 0) {
            /* an empty write, then one byte so that every cycle advances */
            WAX_TRY(wax_sink_write(s, p, 0));
            n = 1;
        }
        n = n < len ? n : len;
        WAX_TRY(wax_sink_write(s, p, n));
        p += n;
        len -= n;
    }
    return wax_sink_close(s);
}

static void
check_lines(const uint8_t *p, size_t len)
{
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            FUZZ_CHECK(i > 0 && p[i - 1] == '\r');
            col = 0;
        } else if (p[i] != '\r') {
            FUZZ_CHECK((p[i] >= 33 && p[i] <= 126) || p[i] == ' ' ||
                       p[i] == '\t');
            FUZZ_CHECK(++col <= WAX_QP_ENCODED_LINE_LEN);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    if (size > 4096) {
        size = 4096; /* the byte-at-a-time coders: keep runs fast */
    }
    size_t k = data[0] & 15;
    if (1 + k > size) {
        return 0;
    }
    const uint8_t *sizes = data + 1;
    const uint8_t *in = data + 1 + k;
    size_t len = size - 1 - k;

    /* (1) decode, one-shot against streaming */
    size_t cap = 2 * len;
    uint8_t *one = malloc(cap + 1);
    size_t one_len = 0;
    wax_err e1 = wax_qp_decode(one, cap, &one_len, in, len);
    struct wax_buf out;
    wax_buf_init(&out, cap + 1);
    static struct wax_qp_decoder dec;
    wax_qp_decoder_init(&dec, wax_buf_sink(&out));
    wax_err e2 = push_chunked(&dec.sink, in, len, sizes, k);
    FUZZ_CHECK(e1 == e2);
    if (e1 == WAX_OK) {
        FUZZ_CHECK(out.len == one_len &&
                   (one_len == 0 || memcmp(out.data, one, one_len) == 0));
    } else {
        FUZZ_CHECK(e1 == WAX_ERR_QP_BAD_ESCAPE ||
                   e1 == WAX_ERR_QP_INVALID_CHAR ||
                   e1 == WAX_ERR_QP_LINE_TOO_LONG);
    }

    /* (2) binary mode round trip */
    size_t enc_cap = WAX_QP_ENCODED_MAX_LEN(len);
    uint8_t *enc = malloc(enc_cap + 1);
    size_t enc_len;
    FUZZ_CHECK(wax_qp_encode(enc, enc_cap, &enc_len, in, len, WAX_QP_BINARY) ==
               WAX_OK);
    check_lines(enc, enc_len);
    struct wax_buf senc;
    wax_buf_init(&senc, enc_cap + 1);
    static struct wax_qp_encoder encoder;
    wax_qp_encoder_init(&encoder, wax_buf_sink(&senc), WAX_QP_BINARY);
    FUZZ_CHECK(push_chunked(&encoder.sink, in, len, sizes, k) == WAX_OK);
    FUZZ_CHECK(senc.len == enc_len &&
               (enc_len == 0 || memcmp(senc.data, enc, enc_len) == 0));
    uint8_t *back = malloc(2 * enc_cap + 1);
    size_t back_len;
    FUZZ_CHECK(wax_qp_decode(back, 2 * enc_cap, &back_len, enc, enc_len) ==
               WAX_OK);
    FUZZ_CHECK(back_len == len && (len == 0 || memcmp(back, in, len) == 0));

    /* (3) text mode: line breaks come back as CRLF */
    FUZZ_CHECK(wax_qp_encode(enc, enc_cap, &enc_len, in, len, WAX_QP_TEXT) ==
               WAX_OK);
    check_lines(enc, enc_len);
    FUZZ_CHECK(wax_qp_decode(back, 2 * enc_cap, &back_len, enc, enc_len) ==
               WAX_OK);
    uint8_t *want = malloc(2 * len + 1);
    size_t want_len = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
            want[want_len++] = '\r';
        }
        want[want_len++] = in[i];
    }
    FUZZ_CHECK(back_len == want_len &&
               (want_len == 0 || memcmp(back, want, want_len) == 0));

    free(want);
    free(back);
    wax_buf_cleanup(&senc);
    free(enc);
    wax_buf_cleanup(&out);
    free(one);
    return 0;
}
