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

/* ------------------------------------------------------------------ */
/* Text codecs: base64 (RFC 4648 section 4, RFC 2045 section 6.8) and   */
/* quoted-printable (RFC 2045 section 6.7). Streaming filters and       */
/* one-shot helpers over the same code.                                 */

/* Size of the output buffer inside each streaming codec: output is pushed
 * to the next sink in chunks of up to this many bytes (and at close). */
#define WAX_CODEC_BUF_LEN 8192

/* Longest base64 line an encoder writes (RFC 5322: 998 characters before
 * CRLF, rounded down to whole groups). */
#define WAX_B64_MAX_LINE_LEN 996

/* MIME line length for base64 (RFC 2045 section 6.8); PEM uses 64. */
#define WAX_B64_MIME_LINE_LEN 76

/*
 * WAX_B64_ENCODED_LEN is the exact output length of base64-encoding N bytes
 * with LINE_LEN characters per line (0: one line without a line break;
 * else every line, the last included, ends with CRLF; nothing at all for
 * N == 0). N must be below SIZE_MAX / 2 (no overflow check).
 */
#define WAX_B64_ENCODED_LEN(n, line_len)                                       \
    ((((size_t)(n) + 2) / 3) * 4 +                                             \
     ((line_len) == 0                                                          \
          ? (size_t)0                                                          \
          : (((((size_t)(n) + 2) / 3) * 4 + (size_t)(line_len)-1) /            \
             (size_t)(line_len)) *                                             \
                2))

/*
 * WAX_B64_DECODED_MAX_LEN is an upper bound on the decoded length of N
 * characters of base64 text (whitespace included): every valid input is
 * made of whole 4-character groups.
 */
#define WAX_B64_DECODED_MAX_LEN(n) (((size_t)(n) / 4) * 3)

/*
 * wax_b64_encode writes the base64 encoding of IN_LEN bytes at IN to OUT
 * (standard alphabet, '=' padding). LINE_LEN is 0 (no line breaks) or a
 * multiple of 4 from 4 to WAX_B64_MAX_LINE_LEN (76 for MIME, 64 for PEM):
 * then a CRLF follows every LINE_LEN characters and the last line. Any other
 * LINE_LEN is WAX_ERR_INVALID_ARGUMENT. *OUT_LEN receives
 * WAX_B64_ENCODED_LEN(in_len, line_len); if OUT_CAP is smaller the result
 * is WAX_ERR_BUF_TOO_SMALL and nothing is written. No NUL is added.
 */
WAX_API WAX_MUST_CHECK wax_err wax_b64_encode(uint8_t *out, size_t out_cap,
                                              size_t *out_len,
                                              const uint8_t *in, size_t in_len,
                                              size_t line_len);

/*
 * wax_b64_decode decodes the base64 text at IN into OUT with exactly the
 * rules of struct wax_b64_decoder (below): strict alphabet and padding,
 * CR, LF, space and tab skipped anywhere. OUT_CAP of
 * WAX_B64_DECODED_MAX_LEN(in_len) always suffices; with less, output that
 * does not fit is WAX_ERR_BUF_TOO_SMALL. Bytes of OUT past the output (up
 * to OUT_CAP) may be overwritten. On failure *OUT_LEN is 0 and the content
 * of OUT is unspecified (it may hold part of the output).
 */
WAX_API WAX_MUST_CHECK wax_err wax_b64_decode(uint8_t *out, size_t out_cap,
                                              size_t *out_len,
                                              const uint8_t *in, size_t in_len);

/*
 * struct wax_b64_encoder is a streaming base64 encoder: a sink (&enc->sink)
 * whose input bytes leave as base64 text into NEXT, laid out as
 * wax_b64_encode does (CRLF after every LINE_LEN characters and after the
 * last line when LINE_LEN > 0 and the output is not empty). close() writes
 * the final group with its padding and the last line end, then closes NEXT.
 * How the input is split into writes never changes the output. Errors
 * stick, NEXT's errors included; writes after close are
 * WAX_ERR_SINK_CLOSED. Fields other than sink are private.
 */
struct wax_b64_encoder {
    wax_sink sink; /* must stay first */
    wax_sink *next;
    size_t line_len;
    size_t col;      /* characters on the current output line */
    size_t out_used; /* bytes waiting in out */
    size_t carry_len;
    uint8_t carry[3]; /* input bytes of an unfinished group */
    bool closed;
    wax_err err;
    uint8_t out[WAX_CODEC_BUF_LEN];
};

/*
 * wax_b64_encoder_init prepares ENC to push into NEXT (which must outlive
 * it). LINE_LEN as for wax_b64_encode; any other value is
 * WAX_ERR_INVALID_ARGUMENT (ENC is then unusable: every call fails with
 * that code). Nothing is allocated; there is no cleanup.
 */
WAX_API WAX_MUST_CHECK wax_err wax_b64_encoder_init(struct wax_b64_encoder *enc,
                                                    wax_sink *next,
                                                    size_t line_len);

/*
 * struct wax_b64_decoder is a strict streaming base64 decoder: a sink
 * (&dec->sink) whose base64 text input leaves as bytes into NEXT.
 * Accepted: the RFC 4648 standard alphabet in whole 4-character groups,
 * the last group optionally padded ("xx==" or "xxx="), with CR, LF, space
 * and tab skipped anywhere (between any two characters, also between the
 * two '='), so MIME and PEM line layouts of any width pass. Nothing else:
 *   - any other byte (the URL-safe alphabet, NUL, 8-bit bytes...):
 *     WAX_ERR_BASE64_INVALID_CHAR;
 *   - '=' in the first or second position of a group, a character other
 *     than '=' after "xx=", or pad bits that are not zero (the unused low
 *     bits of the last character before '=' must be 0: non-canonical
 *     encodings are REJECTED, so each byte string has one encoding up to
 *     whitespace): WAX_ERR_BASE64_BAD_PADDING;
 *   - anything but whitespace after a padded group (also a second '='
 *     after "xxx="): WAX_ERR_BASE64_TRAILING_DATA;
 *   - at close, an unfinished group (1 to 3 characters, or "xx="):
 *     WAX_ERR_BASE64_TRUNCATED.
 * Empty input (or only whitespace) decodes to nothing. Errors are reported
 * at the write that contains the offending character (TRUNCATED at close)
 * and stick; output decoded before the error may already have been pushed
 * to NEXT, so the consumer must treat the stream as failed. close() pushes
 * the rest and closes NEXT. Split points never change output or error.
 * Fields other than sink are private.
 */
struct wax_b64_decoder {
    wax_sink sink; /* must stay first */
    wax_sink *next;
    uint32_t acc;      /* 6-bit values of the unfinished group */
    uint8_t num_chars; /* characters of the unfinished group, pads included */
    uint8_t num_pads;  /* '=' seen in the unfinished or final group */
    bool done;         /* a padded group ended the data */
    bool closed;
    wax_err err;
    size_t out_used;
    uint8_t out[WAX_CODEC_BUF_LEN];
};

/* wax_b64_decoder_init prepares DEC to push into NEXT. Cannot fail. */
WAX_API void wax_b64_decoder_init(struct wax_b64_decoder *dec, wax_sink *next);

/* Longest encoded line the quoted-printable encoder writes, soft-break '='
 * included, CRLF excluded (RFC 2045 section 6.7 rule 5). */
#define WAX_QP_ENCODED_LINE_LEN 76

/* Longest line the quoted-printable decoder accepts, CRLF excluded
 * (RFC 5322's 998; rule 5 asks for 76 but real mail exceeds it). */
#define WAX_MAX_QP_LINE_LEN 998

enum wax_qp_mode {
    /*
     * Text: the input is lines. CRLF and bare LF in the input become hard
     * line breaks (CRLF) of the output; a CR not followed by LF is encoded
     * as "=0D". Space and tab are literal except where they would end an
     * encoded line (before a hard or soft line break, or at the end of the
     * input): there they are "=20" / "=09".
     */
    WAX_QP_TEXT = 0,
    /*
     * Binary: every input byte is data; CR and LF are encoded as "=0D" and
     * "=0A", so the output has soft line breaks only and decodes to exactly
     * the input bytes.
     */
    WAX_QP_BINARY = 1,
};

/*
 * struct wax_qp_encoder is a streaming quoted-printable encoder (a sink)
 * pushing into NEXT. Bytes 33..126 other than '=' are literal; so are space
 * and tab, unless they would end an encoded line; every other byte ('=',
 * controls, 127..255; CR and LF as the mode says) becomes "=XX" (upper-case
 * hex). Soft
 * line breaks ("=" CRLF) keep every output line within
 * WAX_QP_ENCODED_LINE_LEN characters and never split an "=XX". The output
 * ends exactly where the input ends: with a CRLF if the text-mode input
 * ended with a line break, else without (no soft break is added at the
 * end). close() flushes and closes NEXT. Split points never change the
 * output. Errors stick; writes after close are WAX_ERR_SINK_CLOSED. Fields
 * other than sink are private.
 */
struct wax_qp_encoder {
    wax_sink sink; /* must stay first */
    wax_sink *next;
    enum wax_qp_mode mode;
    size_t col; /* characters on the current output line */
    size_t out_used;
    int pending_ws;  /* a space or tab not written yet, or -1 */
    bool pending_cr; /* text mode: a CR whose LF may follow */
    bool closed;
    wax_err err;
    uint8_t out[WAX_CODEC_BUF_LEN];
};

/* wax_qp_encoder_init prepares ENC to push into NEXT in MODE. A MODE that
 * is not a wax_qp_mode makes every call fail with
 * WAX_ERR_INVALID_ARGUMENT. Cannot fail otherwise. */
WAX_API void wax_qp_encoder_init(struct wax_qp_encoder *enc, wax_sink *next,
                                 enum wax_qp_mode mode);

/*
 * struct wax_qp_decoder is a strict streaming quoted-printable decoder (a
 * sink) pushing into NEXT. Rules (RFC 2045 section 6.7):
 *   - "=XX" with two hex digits, upper- or lower-case, is the byte XX;
 *     '=' followed by anything else (or by one hex digit and then a
 *     non-hex) is WAX_ERR_QP_BAD_ESCAPE;
 *   - '=' followed by optional spaces/tabs and then a line break (CRLF or
 *     bare LF), or by optional spaces/tabs and the end of input, is a soft
 *     line break and decodes to nothing;
 *   - a hard line break in the input, CRLF or bare LF, decodes to CRLF
 *     (the canonical form the encoded text stands for);
 *   - spaces and tabs at the end of a line (before a line break or the end
 *     of input) are dropped (rule 3); elsewhere they are literal;
 *   - a CR not followed by LF, anywhere (also after '='), and any byte that
 *     is not 33..126, space, tab, CR or LF is WAX_ERR_QP_INVALID_CHAR;
 *   - a line longer than WAX_MAX_QP_LINE_LEN bytes (line break excluded,
 *     everything else counted) is WAX_ERR_QP_LINE_TOO_LONG.
 * Errors are reported at the write that contains the offending byte
 * (a dangling "=X" or CR: at close) and stick; output decoded before the error
 * may already have reached NEXT. close() flushes and closes NEXT. Split
 * points never change output or error. Fields other than sink are private.
 */
struct wax_qp_decoder {
    wax_sink sink; /* must stay first */
    wax_sink *next;
    int state;
    uint8_t hi; /* first hex digit of an escape */
    bool closed;
    wax_err err;
    size_t line_len; /* bytes of the current input line */
    size_t num_ws;   /* pending spaces/tabs in ws */
    size_t out_used;
    uint8_t ws[WAX_MAX_QP_LINE_LEN];
    uint8_t out[WAX_CODEC_BUF_LEN];
};

/* wax_qp_decoder_init prepares DEC to push into NEXT. Cannot fail. */
WAX_API void wax_qp_decoder_init(struct wax_qp_decoder *dec, wax_sink *next);

/*
 * wax_qp_encode and wax_qp_decode are one-shot forms of the streaming
 * codecs above, writing to OUT (at most OUT_CAP bytes; more is
 * WAX_ERR_BUF_TOO_SMALL). WAX_QP_ENCODED_MAX_LEN(n) bounds the encoded
 * length of N bytes in either mode; decoding never lengthens text except
 * that a bare LF line break becomes CRLF, so 2 * in_len always suffices
 * (in_len when the input uses CRLF). On failure *OUT_LEN is 0 and OUT's
 * content is unspecified.
 */
#define WAX_QP_ENCODED_MAX_LEN(n) ((size_t)(n)*3 + (size_t)(n) / 8 + 3)
WAX_API WAX_MUST_CHECK wax_err wax_qp_encode(uint8_t *out, size_t out_cap,
                                             size_t *out_len, const uint8_t *in,
                                             size_t in_len,
                                             enum wax_qp_mode mode);
WAX_API WAX_MUST_CHECK wax_err wax_qp_decode(uint8_t *out, size_t out_cap,
                                             size_t *out_len, const uint8_t *in,
                                             size_t in_len);

#endif
