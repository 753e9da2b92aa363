/*
 * der/oid.c - look-ups in the generated OID table (oid_table.c) and the
 * dotted-decimal form of any OID (X.690 §8.19).
 */
#include <string.h>

#include <wax/der.h>

#include "der/oid_internal.h"

static bool
is_known(enum wax_oid_id id)
{
    return id > WAX_OID_UNKNOWN && (unsigned)id < WAX_NUM_OID_IDS;
}

struct wax_span
wax_oid_span(enum wax_oid_id id)
{
    struct wax_span s = {NULL, 0};
    if (is_known(id)) {
        const struct wax_oid_entry *e = &wax_oid_entries[id];
        wax_span_init(&s, wax_oid_bytes + e->offset, e->len);
    }
    return s;
}

const char *
wax_oid_name(enum wax_oid_id id)
{
    return is_known(id) ? wax_oid_entries[id].name : NULL;
}

const char *
wax_oid_dotted(enum wax_oid_id id)
{
    return is_known(id) ? wax_oid_entries[id].dotted : NULL;
}

bool
wax_oid_is(struct wax_span oid_contents, enum wax_oid_id id)
{
    return is_known(id) && wax_span_equal(oid_contents, wax_oid_span(id));
}

/* compare orders A and B as the generator sorted them: memcmp over the
 * common length, then the shorter first. */
static int
compare(struct wax_span a, struct wax_span b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n == 0 ? 0 : memcmp(a.p, b.p, n);
    if (c != 0) {
        return c;
    }
    return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

enum wax_oid_id
wax_oid_find(struct wax_span oid_contents)
{
    size_t lo = 0, hi = WAX_NUM_OID_IDS - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        enum wax_oid_id id = (enum wax_oid_id)wax_oid_sorted[mid];
        int c = compare(wax_oid_span(id), oid_contents);
        if (c == 0) {
            return id;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return WAX_OID_UNKNOWN;
}

/* put_u64 appends the decimal V at *IO_POS, leaving room for a NUL. */
static bool
put_u64(char *out, size_t out_cap, size_t *io_pos, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (out_cap - *io_pos <= n) {
        return false;
    }
    while (n > 0) {
        out[(*io_pos)++] = digits[--n];
    }
    return true;
}

static bool
put_char(char *out, size_t out_cap, size_t *io_pos, char ch)
{
    if (out_cap - *io_pos <= 1) {
        return false;
    }
    out[(*io_pos)++] = ch;
    return true;
}

/* dotted does the work of wax_oid_to_dotted without the clean-up. */
static bool
dotted(struct wax_span oid, char *out, size_t out_cap)
{
    if (out_cap == 0 || wax_der_check_primitive(WAX_DER_OID, oid) != WAX_OK) {
        return false;
    }
    struct wax_span s = oid;
    size_t pos = 0;
    bool first = true;
    while (s.len > 0) {
        uint64_t v = 0;
        uint8_t b;
        do {
            if (!wax_span_get_u8(&s, &b) || v > (UINT64_MAX >> 7)) {
                return false;
            }
            v = (v << 7) | (b & 0x7Fu);
        } while ((b & 0x80) != 0);
        if (first) {
            /* X.690 §8.19.4: the first subidentifier is 40 * X + Y */
            uint64_t x = v < 40 ? 0 : (v < 80 ? 1 : 2);
            if (!put_u64(out, out_cap, &pos, x) ||
                !put_char(out, out_cap, &pos, '.') ||
                !put_u64(out, out_cap, &pos, v - 40 * x)) {
                return false;
            }
            first = false;
        } else if (!put_char(out, out_cap, &pos, '.') ||
                   !put_u64(out, out_cap, &pos, v)) {
            return false;
        }
    }
    out[pos] = '\0';
    return true;
}

bool
wax_oid_to_dotted(struct wax_span oid_contents, char *out, size_t out_cap)
{
    if (!dotted(oid_contents, out, out_cap)) {
        if (out_cap > 0) {
            out[0] = '\0';
        }
        return false;
    }
    return true;
}
