/* Helpers shared by the files of the mime layer (not part of the API). */
#ifndef WAX_MIME_INTERNAL_H
#define WAX_MIME_INTERNAL_H

#include <wax/mime.h>

static inline uint8_t
wax_mime_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

static inline bool
wax_mime_is_wsp(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* wax_mime_span_ieq: S equals the LEN bytes at P, ASCII case-insensitive. */
bool wax_mime_span_ieq(struct wax_span s, const char *p, size_t len);

/*
 * wax_mime_hscan looks for the end of a header section in DATA, carrying
 * its state (*LINE_LEN, *PENDING_CR) across calls. *OUT_USED is the number
 * of bytes that belong to the header (all of DATA unless *OUT_DONE, then
 * up to and including the LF of the empty line). Checks the line length
 * as bytes arrive (WAX_ERR_MIME_HEADER_LINE_TOO_LONG).
 */
wax_err wax_mime_hscan(size_t *line_len, bool *pending_cr, size_t *out_used,
                       bool *out_done, const uint8_t *data, size_t len);

/* wax_mime_write_str writes a NUL-terminated string to OUT. */
wax_err wax_mime_write_str(wax_sink *out, const char *s);

/* wax_mime_write_crlf_lines writes DATA to OUT with every bare LF made
 * CRLF (header bytes, already free of bare CRs). */
wax_err wax_mime_write_crlf_lines(wax_sink *out, const uint8_t *data,
                                  size_t len);

/* wax_mime_ct_of gives the parsed Content-Type of H: *OUT_PRESENT false
 * when there is no such field. */
wax_err wax_mime_ct_of(struct wax_mime_content_type *out, bool *out_present,
                       const struct wax_mime_header *h);

#endif
