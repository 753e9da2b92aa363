/* Helpers shared by the tests of the mime layer. */
#ifndef WAX_TESTS_MIME_TEST_H
#define WAX_TESTS_MIME_TEST_H

#include <string.h>

#include <wax/mime.h>

#include "../harness.h"

static inline struct wax_span
mt_span(const char *s)
{
    struct wax_span sp = {(const uint8_t *)s, strlen(s)};
    return sp;
}

static inline bool
mt_span_is(struct wax_span s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

/* mt_mem_is: LEN bytes at P (P may be NULL when LEN is 0) are WANT_LEN
 * bytes of WANT. */
static inline bool
mt_mem_is(const uint8_t *p, size_t len, const char *want, size_t want_len)
{
    return len == want_len && (len == 0 || memcmp(p, want, len) == 0);
}

/*
 * mt_feed writes DATA to S in pieces: cut at CUT1 and CUT2 (each <= LEN;
 * equal cuts give fewer pieces), or one byte at a time when CUT1 is
 * SIZE_MAX. Returns the first error.
 */
static inline wax_err
mt_feed(wax_sink *s, const uint8_t *data, size_t len, size_t cut1, size_t cut2)
{
    if (cut1 == SIZE_MAX) {
        for (size_t i = 0; i < len; i++) {
            WAX_TRY(wax_sink_write(s, data + i, 1));
        }
        return WAX_OK;
    }
    if (cut2 < cut1) {
        size_t t = cut1;
        cut1 = cut2;
        cut2 = t;
    }
    WAX_TRY(wax_sink_write(s, data, cut1));
    WAX_TRY(wax_sink_write(s, data + cut1, cut2 - cut1));
    return wax_sink_write(s, data + cut2, len - cut2);
}

#endif
