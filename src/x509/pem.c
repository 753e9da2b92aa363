/*
 * PEM (RFC 7468): finding "-----BEGIN LABEL-----" ... "-----END LABEL-----"
 * blocks in text and decoding their base64 bodies with the util decoder.
 */
#include <string.h>

#include "x509_int.h"

static const char begin_prefix[] = "-----BEGIN ";
static const char end_prefix[] = "-----END ";
static const char dashes[] = "-----";

void
wax_pem_reader_init(struct wax_pem_reader *r, const uint8_t *text,
                    size_t text_len)
{
    wax_span_init(&r->in, text, text_len);
    r->num_blocks = 0;
}

static bool
has_at(struct wax_span t, size_t i, const char *s)
{
    size_t n = strlen(s);
    return i <= t.len && t.len - i >= n && memcmp(t.p + i, s, n) == 0;
}

/* line_end: index just past the end of the line that starts at I (past its
 * CRLF, CR or LF), and in *CONTENT_END the index of its line break. */
static size_t
line_end(struct wax_span t, size_t i, size_t *content_end)
{
    while (i < t.len && t.p[i] != '\n' && t.p[i] != '\r') {
        i++;
    }
    *content_end = i;
    if (i < t.len && t.p[i] == '\r') {
        i++;
    }
    if (i < t.len && t.p[i] == '\n') {
        i++;
    }
    return i;
}

/* label_ok: RFC 7468 §3
 *   label = [ labelchar *( ["-" / SP] labelchar ) ]
 *   labelchar = %x21-2C / %x2E-7E ; any printable character except "-" */
static bool
label_ok(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        bool labelchar = c >= 0x21 && c <= 0x7E && c != '-';
        if (labelchar) {
            continue;
        }
        if ((c != '-' && c != ' ') || i == 0 || i + 1 == len) {
            return false;
        }
        if (!(p[i + 1] >= 0x21 && p[i + 1] <= 0x7E && p[i + 1] != '-')) {
            return false;
        }
    }
    return true;
}

/* boundary parses "<PREFIX>LABEL-----" followed by optional spaces/tabs in
 * the line [I, CONTENT_END); *LABEL gets the label. */
static bool
boundary(struct wax_span t, size_t i, size_t content_end, const char *prefix,
         struct wax_span *label)
{
    size_t start = i + strlen(prefix);
    size_t end = content_end;
    while (end > start && (t.p[end - 1] == ' ' || t.p[end - 1] == '\t')) {
        end--;
    }
    if (end < start + strlen(dashes) ||
        !has_at(t, end - strlen(dashes), dashes)) {
        return false;
    }
    size_t label_end = end - strlen(dashes);
    if (!label_ok(t.p + start, label_end - start)) {
        return false;
    }
    label->p = t.p + start;
    label->len = label_end - start;
    return true;
}

wax_err
wax_pem_next(struct wax_pem_reader *r, struct wax_pem_block *out,
             bool *out_present)
{
    struct wax_span t = r->in;
    size_t i = 0;
    /* Find a line that starts with the pre-encapsulation boundary; text
     * outside blocks is ignored (RFC 7468 §2). */
    for (;;) {
        size_t content_end;
        if (i >= t.len) {
            r->in.p = t.p + t.len;
            r->in.len = 0;
            *out_present = false;
            return WAX_OK;
        }
        size_t next = line_end(t, i, &content_end);
        if (has_at(t, i, begin_prefix)) {
            WAX_ENSURE(r->num_blocks < WAX_MAX_PEM_BLOCKS, WAX_ERR_PEM_LIMIT);
            struct wax_span label;
            WAX_ENSURE(boundary(t, i, content_end, begin_prefix, &label),
                       WAX_ERR_PEM_MALFORMED);
            size_t body_start = next;
            size_t j = next;
            /* Find the post-encapsulation boundary. */
            for (;;) {
                size_t end_content;
                WAX_ENSURE(j < t.len, WAX_ERR_PEM_MALFORMED);
                size_t after = line_end(t, j, &end_content);
                WAX_ENSURE(!has_at(t, j, begin_prefix), WAX_ERR_PEM_MALFORMED);
                if (has_at(t, j, end_prefix)) {
                    struct wax_span end_label;
                    WAX_ENSURE(
                        boundary(t, j, end_content, end_prefix, &end_label) &&
                            wax_span_equal(label, end_label),
                        WAX_ERR_PEM_MALFORMED);
                    out->label = label;
                    out->body.p = t.p + body_start;
                    out->body.len = j - body_start;
                    r->in.p = t.p + after;
                    r->in.len = t.len - after;
                    r->num_blocks++;
                    *out_present = true;
                    return WAX_OK;
                }
                j = after;
            }
        }
        i = next;
    }
}

bool
wax_pem_label_is(const struct wax_pem_block *b, const char *label)
{
    return wax_span_equal_bytes(b->label, (const uint8_t *)label,
                                strlen(label));
}

size_t
wax_pem_decoded_max(const struct wax_pem_block *b)
{
    return WAX_B64_DECODED_MAX_LEN(b->body.len);
}

wax_err
wax_pem_decode(const struct wax_pem_block *b, uint8_t *out, size_t out_cap,
               size_t *out_len)
{
    size_t n = 0;
    /* RFC 1421 headers ("Proc-Type: ...") are not base64: the decoder
     * rejects the ':' with its own code. */
    WAX_TRY(wax_b64_decode(out, out_cap, &n, b->body.p, b->body.len));
    WAX_ENSURE(n > 0, WAX_ERR_PEM_MALFORMED);
    *out_len = n;
    return WAX_OK;
}

bool
wax_pem_looks_like(const uint8_t *text, size_t text_len)
{
    /* A boundary anywhere decides: a damaged PEM file must get a PEM error,
     * not be mistaken for DER. */
    static const char begin[] = "-----BEGIN ";
    const size_t n = sizeof begin - 1;
    for (size_t i = 0; i + n <= text_len; i++) {
        if (text[i] == '-' && memcmp(text + i, begin, n) == 0) {
            return true;
        }
    }
    return false;
}
