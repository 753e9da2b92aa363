/* Helpers shared by the mime fuzz targets: deterministic random chunking. */
#ifndef WAX_TESTS_FUZZ_MIME_FUZZ_H
#define WAX_TESTS_FUZZ_MIME_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include <wax/mime.h>

/* A small PRNG seeded from the input, so that a crash reproduces. */
static inline uint64_t
mf_seed(const uint8_t *data, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ len;
    for (size_t i = 0; i < len && i < 64; i++) {
        h = (h ^ data[i]) * 1099511628211ull;
    }
    return h | 1;
}

static inline uint64_t
mf_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* mf_feed writes DATA to S whole (mode 0), byte by byte (1) or in random
 * chunks of 1..64 bytes (2), then closes S; returns the first error. */
static inline wax_err
mf_feed(wax_sink *s, const uint8_t *data, size_t len, int mode, uint64_t seed)
{
    size_t i = 0;
    while (i < len) {
        size_t n = len - i;
        if (mode == 1) {
            n = 1;
        } else if (mode == 2) {
            size_t r = (size_t)(mf_next(&seed) % 64) + 1;
            n = n < r ? n : r;
        }
        WAX_TRY(wax_sink_write(s, data + i, n));
        i += n;
    }
    return wax_sink_close(s);
}

/* A growing log; errors (over 4 MiB) are recorded in the log itself. */
static inline void
mf_must(bool cond)
{
    if (!cond) {
        abort();
    }
}

#endif
