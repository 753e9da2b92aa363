/*
 * wax/util.h - the util layer: capped buffers, push streams (sinks), the
 * spool that holds content until its verdict is known, base64 and
 * quoted-printable codecs, secure wipe and constant-time compare.
 *
 * Nothing here allocates without a cap, and nothing does I/O except the
 * spool, which may move content to an unlinked temporary file.
 */
#ifndef WAX_UTIL_H
#define WAX_UTIL_H

#include <wax/common.h>
#include <wax/err.h>

/* ------------------------------------------------------------------ */
/* Push streams (DESIGN.md "Data flows one way").                      */

/*
 * wax_sink is the push-stream interface. write() takes any number of bytes
 * (zero included); close() signals the end of input and must be called once.
 * A filter embeds a wax_sink as its first member and pushes to the next
 * sink. Errors stick: once a call failed, every later call returns that
 * error (STYLE.md rule 10).
 */
typedef struct wax_sink wax_sink;
struct wax_sink {
    wax_err (*write)(wax_sink *self, const uint8_t *data, size_t len);
    wax_err (*close)(wax_sink *self);
};

/* wax_sink_write pushes LEN bytes of DATA into S. */
WAX_API WAX_MUST_CHECK wax_err wax_sink_write(wax_sink *s, const uint8_t *data,
                                              size_t len);

/* wax_sink_close tells S that no more input comes. */
WAX_API WAX_MUST_CHECK wax_err wax_sink_close(wax_sink *s);

/*
 * wax_null_sink is a sink that counts and drops what it is given
 * (benchmarks, digest-only pipelines). Initialise with wax_null_sink_init.
 */
struct wax_null_sink {
    wax_sink sink;
    uint64_t num_bytes;
    bool closed;
};
WAX_API void wax_null_sink_init(struct wax_null_sink *ns);

/* ------------------------------------------------------------------ */
/* Capped growable buffer.                                             */

/*
 * struct wax_buf is a growable byte buffer that never grows past MAX bytes
 * (the cap is mandatory). It is also a sink: wax_buf_sink() returns a
 * wax_sink that appends to it; close() on that sink marks the buffer closed.
 * Errors stick: after WAX_ERR_LIMIT_EXCEEDED or WAX_ERR_NOMEM every append
 * fails with the same error and the contents are unchanged from before the
 * failing call.
 */
struct wax_buf {
    wax_sink sink; /* must stay first */
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max;
    wax_err err;
    bool closed;
    bool secret; /* wipe on growth and cleanup */
};

/* wax_buf_init prepares an empty buffer capped at MAX bytes. Cannot fail. */
WAX_API void wax_buf_init(struct wax_buf *b, size_t max);

/* wax_buf_init_secret is wax_buf_init for key material: every copy the
 * buffer drops (on growth, cleanup or reset) is wiped first. */
WAX_API void wax_buf_init_secret(struct wax_buf *b, size_t max);

/* wax_buf_cleanup frees the storage (wiping it for secret buffers). Safe to
 * call on a zeroed or already cleaned-up buffer. */
WAX_API void wax_buf_cleanup(struct wax_buf *b);

/* wax_buf_reset empties the buffer and clears a sticky error, keeping the
 * allocation. */
WAX_API void wax_buf_reset(struct wax_buf *b);

/* wax_buf_reserve ensures room for N more bytes; *OUT_PTR points at them.
 * The caller then calls wax_buf_advance(b, used). */
WAX_API WAX_MUST_CHECK wax_err wax_buf_reserve(struct wax_buf *b, size_t n,
                                               uint8_t **out_ptr);
WAX_API void wax_buf_advance(struct wax_buf *b, size_t n);

/* wax_buf_append copies LEN bytes to the end of the buffer. */
WAX_API WAX_MUST_CHECK wax_err wax_buf_append(struct wax_buf *b,
                                              const uint8_t *data, size_t len);

/* wax_buf_append_str appends a NUL-terminated string (without the NUL). */
WAX_API WAX_MUST_CHECK wax_err wax_buf_append_str(struct wax_buf *b,
                                                  const char *s);

/* wax_buf_append_byte appends one byte. */
WAX_API WAX_MUST_CHECK wax_err wax_buf_append_byte(struct wax_buf *b,
                                                   uint8_t byte);

/* wax_buf_sink returns the buffer's sink interface. */
WAX_API wax_sink *wax_buf_sink(struct wax_buf *b);

/* ------------------------------------------------------------------ */
/* Spool: content whose verdict is not known yet.                      */

/* Default memory threshold of a spool before it moves to a temporary file. */
#define WAX_SPOOL_DEFAULT_THRESHOLD ((size_t)1 << 20)

enum wax_spool_state {
    WAX_SPOOL_WRITING = 0,
    WAX_SPOOL_CLOSED,
    WAX_SPOOL_RELEASED,
    WAX_SPOOL_DISCARDED,
};

/*
 * struct wax_spool holds content until a verdict is known (SECURITY.md
 * rule 1). Up to THRESHOLD bytes stay in memory; past that the content moves
 * to a temporary file in TMPDIR (NULL: $TMPDIR, else /tmp) that is created
 * with mode 0600 and unlinked at once, so nothing is left behind if the
 * process dies. The spool is a sink: write the content, close it, then
 * either wax_spool_release() it to the real output after a positive verdict
 * or wax_spool_discard() it.
 */
struct wax_spool {
    wax_sink sink; /* must stay first */
    uint8_t *mem;
    size_t mem_len;
    size_t threshold;
    int fd;
    uint64_t total;
    const char *tmpdir;
    enum wax_spool_state state;
    wax_err err;
};

/* wax_spool_init prepares an empty spool. THRESHOLD 0 means the default. */
WAX_API void wax_spool_init(struct wax_spool *sp, size_t threshold,
                            const char *tmpdir);

/* wax_spool_sink returns the spool's sink interface. */
WAX_API wax_sink *wax_spool_sink(struct wax_spool *sp);

/* wax_spool_size is the number of bytes written so far. */
WAX_API uint64_t wax_spool_size(const struct wax_spool *sp);

/* wax_spool_in_memory tells whether the content never left memory. */
WAX_API bool wax_spool_in_memory(const struct wax_spool *sp);

/*
 * wax_spool_release pushes the whole content into OUT (without closing OUT)
 * and marks the spool released. The spool must be closed first
 * (WAX_ERR_SPOOL_STATE otherwise).
 */
WAX_API WAX_MUST_CHECK wax_err wax_spool_release(struct wax_spool *sp,
                                                 wax_sink *out);

/* wax_spool_discard drops the content: memory is wiped, the file closed. */
WAX_API void wax_spool_discard(struct wax_spool *sp);

/* wax_spool_cleanup frees everything; same as discard if not released. */
WAX_API void wax_spool_cleanup(struct wax_spool *sp);

/* ------------------------------------------------------------------ */
/* Secrets.                                                            */

/* wax_wipe overwrites LEN bytes at P with zeros in a way the compiler
 * cannot remove. P may be NULL when LEN is 0. */
WAX_API void wax_wipe(void *p, size_t len);

/* wax_ct_equal compares LEN bytes in time that depends only on LEN. */
WAX_API bool wax_ct_equal(const void *a, const void *b, size_t len);

#endif
