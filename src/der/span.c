/*
 * der/span.c - struct wax_span, the one reader of untrusted bytes
 * (STYLE.md rule 1). Every getter checks bounds once and advances only on
 * success.
 */
#include <string.h>

#include <wax/der.h>

void
wax_span_init(struct wax_span *s, const uint8_t *p, size_t len)
{
    s->p = p;
    s->len = len;
}

bool
wax_span_skip(struct wax_span *s, size_t n)
{
    if (n > s->len) {
        return false;
    }
    s->p += n;
    s->len -= n;
    return true;
}

bool
wax_span_get_u8(struct wax_span *s, uint8_t *out)
{
    if (s->len < 1) {
        return false;
    }
    *out = s->p[0];
    s->p++;
    s->len--;
    return true;
}

bool
wax_span_get_bytes(struct wax_span *s, struct wax_span *out, size_t n)
{
    if (n > s->len) {
        return false;
    }
    out->p = s->p;
    out->len = n;
    s->p += n;
    s->len -= n;
    return true;
}

bool
wax_span_equal(struct wax_span a, struct wax_span b)
{
    return wax_span_equal_bytes(a, b.p, b.len);
}

bool
wax_span_equal_bytes(struct wax_span a, const uint8_t *p, size_t len)
{
    if (a.len != len) {
        return false;
    }
    /* memcmp with a NULL pointer is undefined even for zero bytes */
    return len == 0 || memcmp(a.p, p, len) == 0;
}
