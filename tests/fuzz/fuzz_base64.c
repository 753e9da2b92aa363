/*
 * fuzz_base64 - the base64 decoder, one-shot against streaming.
 *
 * Input: byte 0 gives K (0..15) chunk-size bytes that follow; the rest is
 * the base64 text. The text is decoded one-shot and through the streaming
 * decoder in writes whose sizes cycle through the K bytes (0 = an empty
 * write). Both must give the same verdict and bytes. Whatever decodes must
 * be the canonical encoding: encoding the result without line breaks
 * gives the input with its whitespace removed, and the streaming encoder
 * (chunked the same way, some line length) agrees with the one-shot one
 * and decodes back to the same bytes.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    size_t k = data[0] & 15;
    if (1 + k > size) {
        return 0;
    }
    const uint8_t *sizes = data + 1;
    const uint8_t *text = data + 1 + k;
    size_t text_len = size - 1 - k;

    size_t cap = WAX_B64_DECODED_MAX_LEN(text_len);
    uint8_t *one = malloc(cap ? cap : 1); /* exact: ASan sees overruns */
    size_t one_len = 0;
    wax_err e1 = wax_b64_decode(one, cap, &one_len, text, text_len);

    struct wax_buf out;
    wax_buf_init(&out, cap + 1);
    static struct wax_b64_decoder dec;
    wax_b64_decoder_init(&dec, wax_buf_sink(&out));
    wax_err e2 = push_chunked(&dec.sink, text, text_len, sizes, k);
    FUZZ_CHECK(e1 == e2);
    if (e1 != WAX_OK) {
        FUZZ_CHECK(e1 == WAX_ERR_BASE64_INVALID_CHAR ||
                   e1 == WAX_ERR_BASE64_BAD_PADDING ||
                   e1 == WAX_ERR_BASE64_TRUNCATED ||
                   e1 == WAX_ERR_BASE64_TRAILING_DATA);
        goto done;
    }
    FUZZ_CHECK(out.len == one_len);
    FUZZ_CHECK(one_len == 0 || memcmp(out.data, one, one_len) == 0);

    /* canonical: re-encoding gives the text without whitespace */
    uint8_t *flat = malloc(text_len + 1);
    size_t flat_len = 0;
    for (size_t i = 0; i < text_len; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
            text[i] != '\n') {
            flat[flat_len++] = text[i];
        }
    }
    size_t enc_cap = WAX_B64_ENCODED_LEN(one_len, 4); /* the most breaks */
    uint8_t *enc = malloc(enc_cap + 1);
    size_t enc_len;
    FUZZ_CHECK(wax_b64_encode(enc, enc_cap, &enc_len, one, one_len, 0) ==
               WAX_OK);
    FUZZ_CHECK(enc_len == flat_len &&
               (flat_len == 0 || memcmp(enc, flat, flat_len) == 0));

    /* streaming encoder agrees with the one-shot one and round-trips */
    static const size_t line_lens[4] = {0, 76, 64, 4};
    size_t ll = line_lens[(data[0] >> 4) & 3];
    FUZZ_CHECK(wax_b64_encode(enc, enc_cap, &enc_len, one, one_len, ll) ==
               WAX_OK);
    struct wax_buf senc;
    wax_buf_init(&senc, enc_cap + 1);
    static struct wax_b64_encoder encoder;
    FUZZ_CHECK(wax_b64_encoder_init(&encoder, wax_buf_sink(&senc), ll) ==
               WAX_OK);
    FUZZ_CHECK(push_chunked(&encoder.sink, one, one_len, sizes, k) == WAX_OK);
    FUZZ_CHECK(senc.len == enc_len &&
               (enc_len == 0 || memcmp(senc.data, enc, enc_len) == 0));
    size_t back_len;
    FUZZ_CHECK(wax_b64_decode(flat, text_len, &back_len, enc, enc_len) ==
               WAX_OK);
    FUZZ_CHECK(back_len == one_len &&
               (one_len == 0 || memcmp(flat, one, one_len) == 0));
    wax_buf_cleanup(&senc);
    free(enc);
    free(flat);
done:
    wax_buf_cleanup(&out);
    free(one);
    return 0;
}
