/*
 * The DER builder (STYLE.md rule 6, after BoringSSL's CBB): one output
 * buffer, child scopes with back-filled minimal lengths, a size cap and a
 * sticky error.
 *
 * Scopes are checked by serial numbers rather than by pointers between
 * scopes: the top-level builder knows the serial of the innermost open
 * scope, and a handle is usable only when its serial is that one. A
 * stale or closed handle is therefore detected without the builder ever
 * writing through a pointer to a scope that may no longer exist.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "der/reader_internal.h"

/* Growable mode: the first allocation. */
#define BUILDER_MIN_ALLOC 256

/* ------------------------------------------------------------------ */
/* Storage and scope checks.                                           */

static wax_err
builder_fail(struct wax_der_builder *root, wax_err err)
{
    if (root->err == WAX_OK) {
        root->err = err;
    }
    return root->err;
}

/* builder_use checks that B may be written to now and gives its root. */
static wax_err
builder_use(struct wax_der_builder *b, struct wax_der_builder **out_root)
{
    struct wax_der_builder *root = b->root;
    if (root == NULL) {
        return WAX_ERR_DER_BUILDER_STATE;
    }
    WAX_TRY(root->err);
    if (root->finished || b->serial == 0 || b->serial != root->open_serial) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_STATE);
    }
    *out_root = root;
    return WAX_OK;
}

/* builder_reserve makes room for N more bytes in ROOT. */
static wax_err
builder_reserve(struct wax_der_builder *root, size_t n)
{
    if (n <= root->cap - root->len) {
        return WAX_OK;
    }
    if (!root->growable || n > root->max - root->len) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_OVERFLOW);
    }
    size_t need = root->len + n;
    size_t new_cap =
        root->cap < BUILDER_MIN_ALLOC ? BUILDER_MIN_ALLOC : root->cap;
    while (new_cap < need) {
        new_cap = new_cap > SIZE_MAX / 2 ? SIZE_MAX : new_cap * 2;
    }
    if (new_cap > root->max) {
        new_cap = root->max;
    }
    uint8_t *p = realloc(root->data, new_cap);
    if (p == NULL) {
        return builder_fail(root, WAX_ERR_NOMEM);
    }
    root->data = p;
    root->cap = new_cap;
    return WAX_OK;
}

static wax_err
builder_put(struct wax_der_builder *root, const uint8_t *data, size_t len)
{
    if (len == 0) {
        return WAX_OK;
    }
    WAX_TRY(builder_reserve(root, len));
    memcpy(root->data + root->len, data, len);
    root->len += len;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Encoding helpers.                                                   */

/* encode_tag writes the identifier octets of TAG into OUT (at most 6) and
 * gives their number. */
static wax_err
encode_tag(uint32_t tag, uint8_t out[6], size_t *out_len)
{
    uint32_t number = tag & WAX_DER_TAG_NUMBER_MASK;
    uint8_t first = (uint8_t)((tag >> 24) & 0xE0u);
    if ((tag & WAX_DER_CLASS_MASK) == WAX_DER_UNIVERSAL && number == 0) {
        return WAX_ERR_DER_BAD_TAG; /* reserved for end-of-contents */
    }
    if (number < 31) {
        out[0] = (uint8_t)(first | number);
        *out_len = 1;
        return WAX_OK;
    }
    out[0] = (uint8_t)(first | 0x1Fu);
    size_t n = 0;
    for (uint32_t v = number; v != 0; v >>= 7) {
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t septet = (uint8_t)((number >> (7 * (n - 1 - i))) & 0x7Fu);
        out[1 + i] = (uint8_t)(septet | (i + 1 < n ? 0x80u : 0x00u));
    }
    *out_len = 1 + n;
    return WAX_OK;
}

/* encode_length writes the minimal definite length LEN into OUT (at most 9
 * octets) and gives their number. */
static size_t
encode_length(uint64_t len, uint8_t out[9])
{
    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    size_t n = 0;
    for (uint64_t v = len; v != 0; v >>= 8) {
        n++;
    }
    out[0] = (uint8_t)(0x80u | n);
    for (size_t i = 0; i < n; i++) {
        out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
    }
    return 1 + n;
}

/* builder_put_tlv appends TAG, the length, then PRE_LEN bytes of PRE and
 * LEN bytes of CONTENTS as the contents. */
static wax_err
builder_put_tlv2(struct wax_der_builder *root, uint32_t tag, const uint8_t *pre,
                 size_t pre_len, const uint8_t *contents, size_t len)
{
    uint8_t hdr[6 + 9];
    size_t tag_len, hdr_len;
    wax_err err = encode_tag(tag, hdr, &tag_len);
    if (err != WAX_OK) {
        return builder_fail(root, err);
    }
    if (len > SIZE_MAX - pre_len) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_OVERFLOW);
    }
    size_t body = pre_len + len;
    hdr_len = tag_len + encode_length(body, hdr + tag_len);
    if (hdr_len > SIZE_MAX - body) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_OVERFLOW);
    }
    /* reserve the whole element first, so that a failure writes nothing */
    WAX_TRY(builder_reserve(root, hdr_len + body));
    WAX_TRY(builder_put(root, hdr, hdr_len));
    WAX_TRY(builder_put(root, pre, pre_len));
    return builder_put(root, contents, len);
}

static wax_err
builder_put_tlv(struct wax_der_builder *root, uint32_t tag,
                const uint8_t *contents, size_t len)
{
    return builder_put_tlv2(root, tag, NULL, 0, contents, len);
}

/* element_size gives the size of the strict-DER element header and
 * contents at the start of IN (LEN bytes), which must fit. */
static wax_err
element_size(const uint8_t *in, size_t len, size_t *out_size)
{
    struct wax_span s;
    uint32_t tag;
    size_t header_len, body;
    wax_span_init(&s, in, len);
    WAX_TRY(wax_der_read_header(&s, &tag, &header_len, &body));
    *out_size = header_len + body;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Lifecycle and scopes.                                               */

static void
builder_init(struct wax_der_builder *b, uint8_t *buf, size_t cap, size_t max,
             bool growable)
{
    b->root = b;
    b->serial = 1;
    b->parent_serial = 0;
    b->start = 0;
    b->data = buf;
    b->len = 0;
    b->cap = cap;
    b->max = max;
    b->open_serial = 1;
    b->next_serial = 2;
    b->depth = 0;
    b->err = WAX_OK;
    b->growable = growable;
    b->finished = false;
}

void
wax_der_builder_init_fixed(struct wax_der_builder *b, uint8_t *buf, size_t cap)
{
    builder_init(b, buf, buf == NULL ? 0 : cap, cap, false);
}

void
wax_der_builder_init(struct wax_der_builder *b, size_t max)
{
    builder_init(b, NULL, 0, max, true);
}

void
wax_der_builder_cleanup(struct wax_der_builder *b)
{
    if (b->root != b) {
        return;
    }
    if (b->growable) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
        b->len = 0;
    }
}

wax_err
wax_der_builder_finish(struct wax_der_builder *b, uint8_t **out_data,
                       size_t *out_len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    if (root != b) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_STATE);
    }
    *out_data = b->data;
    *out_len = b->len;
    if (b->growable) {
        /* the caller owns the buffer now */
        b->data = NULL;
        b->cap = 0;
        b->len = 0;
    }
    b->finished = true;
    return WAX_OK;
}

size_t
wax_der_builder_len(const struct wax_der_builder *b)
{
    return b->root == NULL ? 0 : b->root->len;
}

wax_err
wax_der_builder_open(struct wax_der_builder *b, uint32_t tag,
                     struct wax_der_builder *out_child)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    if (root->depth >= WAX_MAX_DER_BUILDER_DEPTH) {
        return builder_fail(root, WAX_ERR_DER_TOO_DEEP);
    }
    uint8_t hdr[6 + 1];
    size_t tag_len;
    wax_err err = encode_tag(tag, hdr, &tag_len);
    if (err != WAX_OK) {
        return builder_fail(root, err);
    }
    hdr[tag_len] = 0; /* the length, back-filled at close */
    WAX_TRY(builder_put(root, hdr, tag_len + 1));
    memset(out_child, 0, sizeof *out_child);
    out_child->root = root;
    out_child->serial = root->next_serial++;
    out_child->parent_serial = b->serial;
    out_child->start = root->len - 1;
    out_child->err = WAX_OK;
    root->open_serial = out_child->serial;
    root->depth++;
    return WAX_OK;
}

wax_err
wax_der_builder_close(struct wax_der_builder *child)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(child, &root));
    if (root == child) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_STATE);
    }
    size_t contents_start = child->start + 1;
    size_t body = root->len - contents_start;
    uint8_t len_octets[9];
    size_t n = encode_length(body, len_octets);
    if (n > 1) {
        /* the long form needs N-1 more octets: move the contents up */
        WAX_TRY(builder_reserve(root, n - 1));
        memmove(root->data + contents_start + n - 1,
                root->data + contents_start, body);
        root->len += n - 1;
    }
    memcpy(root->data + child->start, len_octets, n);
    root->open_serial = child->parent_serial;
    root->depth--;
    child->serial = 0;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* SET OF sorting (X.690 §11.6).                                       */

struct set_elem {
    size_t off;
    size_t len;
};

/* der_set_cmp compares two encodings as octet strings, the shorter padded
 * at its end with zero octets. */
static int
der_set_cmp(const uint8_t *base, const struct set_elem *a,
            const struct set_elem *b)
{
    size_t common = a->len < b->len ? a->len : b->len;
    int c = common == 0 ? 0 : memcmp(base + a->off, base + b->off, common);
    if (c != 0) {
        return c;
    }
    const struct set_elem *longer = a->len > b->len ? a : b;
    for (size_t i = common; i < longer->len; i++) {
        if (base[longer->off + i] != 0) {
            return longer == a ? 1 : -1;
        }
    }
    return 0;
}

/* merge_sort sorts N elements of V stably, using TMP (N entries). */
static void
merge_sort(const uint8_t *base, struct set_elem *v, struct set_elem *tmp,
           size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                if (der_set_cmp(base, &v[j], &v[i]) < 0) {
                    tmp[k++] = v[j++];
                } else {
                    tmp[k++] = v[i++];
                }
            }
            while (i < mid) {
                tmp[k++] = v[i++];
            }
            while (j < hi) {
                tmp[k++] = v[j++];
            }
        }
        memcpy(v, tmp, n * sizeof *v);
        if (width > SIZE_MAX / 4) {
            break;
        }
    }
}

wax_err
wax_der_builder_sort_set(struct wax_der_builder *set)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(set, &root));
    if (root == set) {
        return builder_fail(root, WAX_ERR_DER_BUILDER_STATE);
    }
    size_t start = set->start + 1;
    size_t body = root->len - start;
    const uint8_t *p = root->data + start;
    size_t num_elems = 0;
    for (size_t off = 0; off < body;) {
        size_t sz;
        wax_err err = element_size(p + off, body - off, &sz);
        if (err != WAX_OK) {
            return builder_fail(root, err);
        }
        off += sz;
        num_elems++;
    }
    if (num_elems < 2) {
        return WAX_OK;
    }
    struct set_elem *elems = calloc(2 * num_elems, sizeof *elems);
    uint8_t *copy = malloc(body);
    if (elems == NULL || copy == NULL) {
        free(elems);
        free(copy);
        return builder_fail(root, WAX_ERR_NOMEM);
    }
    memcpy(copy, p, body);
    size_t i = 0;
    for (size_t off = 0; off < body; i++) {
        size_t sz = 0;
        /* cannot fail: the same walk succeeded above */
        (void)element_size(copy + off, body - off, &sz);
        elems[i].off = off;
        elems[i].len = sz;
        off += sz;
    }
    merge_sort(copy, elems, elems + num_elems, num_elems);
    uint8_t *dst = root->data + start;
    for (i = 0; i < num_elems; i++) {
        memcpy(dst, copy + elems[i].off, elems[i].len);
        dst += elems[i].len;
    }
    free(elems);
    free(copy);
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Adders.                                                             */

wax_err
wax_der_builder_add_bytes(struct wax_der_builder *b, const uint8_t *data,
                          size_t len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    return builder_put(root, data, len);
}

wax_err
wax_der_builder_add_element(struct wax_der_builder *b, const uint8_t *der,
                            size_t der_len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    size_t sz;
    wax_err err = element_size(der, der_len, &sz);
    if (err == WAX_OK && sz != der_len) {
        err = WAX_ERR_DER_TRAILING_DATA;
    }
    if (err != WAX_OK) {
        return builder_fail(root, err);
    }
    return builder_put(root, der, der_len);
}

wax_err
wax_der_builder_add_primitive(struct wax_der_builder *b, uint32_t tag,
                              const uint8_t *contents, size_t len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    return builder_put_tlv(root, tag, contents, len);
}

/* add_twos_complement appends TAG with the 8-byte big-endian two's
 * complement value in BE, shortened to its minimal form. */
static wax_err
add_twos_complement(struct wax_der_builder *b, uint32_t tag,
                    const uint8_t be[8])
{
    size_t i = 0;
    while (i < 7 && ((be[i] == 0x00 && !(be[i + 1] & 0x80)) ||
                     (be[i] == 0xFF && (be[i + 1] & 0x80)))) {
        i++;
    }
    return wax_der_builder_add_primitive(b, tag, be + i, 8 - i);
}

static void
put_be64(uint8_t out[8], uint64_t v)
{
    for (size_t i = 0; i < 8; i++) {
        out[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

wax_err
wax_der_builder_add_u64_tagged(struct wax_der_builder *b, uint32_t tag,
                               uint64_t v)
{
    uint8_t be[8];
    put_be64(be, v);
    return wax_der_builder_add_integer_tagged(b, tag, be, sizeof be);
}

wax_err
wax_der_builder_add_u64(struct wax_der_builder *b, uint64_t v)
{
    return wax_der_builder_add_u64_tagged(b, WAX_DER_INTEGER, v);
}

wax_err
wax_der_builder_add_i64(struct wax_der_builder *b, int64_t v)
{
    uint8_t be[8];
    put_be64(be, (uint64_t)v);
    return add_twos_complement(b, WAX_DER_INTEGER, be);
}

wax_err
wax_der_builder_add_enumerated(struct wax_der_builder *b, uint64_t v)
{
    return wax_der_builder_add_u64_tagged(b, WAX_DER_ENUMERATED, v);
}

wax_err
wax_der_builder_add_integer_tagged(struct wax_der_builder *b, uint32_t tag,
                                   const uint8_t *mag, size_t len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    while (len > 0 && mag[0] == 0) {
        mag++;
        len--;
    }
    if (len == 0) {
        static const uint8_t zero_int = 0;
        return builder_put_tlv(root, tag, &zero_int, 1);
    }
    if (!(mag[0] & 0x80)) {
        return builder_put_tlv(root, tag, mag, len);
    }
    /* a leading 0x00 keeps the value positive */
    static const uint8_t zero = 0;
    return builder_put_tlv2(root, tag, &zero, 1, mag, len);
}

wax_err
wax_der_builder_add_integer(struct wax_der_builder *b, const uint8_t *mag,
                            size_t len)
{
    return wax_der_builder_add_integer_tagged(b, WAX_DER_INTEGER, mag, len);
}

wax_err
wax_der_builder_add_bool(struct wax_der_builder *b, bool v)
{
    uint8_t octet = v ? 0xFF : 0x00;
    return wax_der_builder_add_primitive(b, WAX_DER_BOOLEAN, &octet, 1);
}

wax_err
wax_der_builder_add_null(struct wax_der_builder *b)
{
    return wax_der_builder_add_primitive(b, WAX_DER_NULL, NULL, 0);
}

/* check_contents applies the strict reader's rules for TAG to the LEN
 * contents bytes at P (wax_der_check_primitive). */
static wax_err
check_contents(uint32_t tag, const uint8_t *p, size_t len)
{
    struct wax_span contents;
    wax_span_init(&contents, p, len);
    return wax_der_check_primitive(tag, contents);
}

wax_err
wax_der_builder_add_oid(struct wax_der_builder *b, const uint8_t *oid,
                        size_t len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    wax_err err = check_contents(WAX_DER_OID, oid, len);
    if (err != WAX_OK) {
        return builder_fail(root, err);
    }
    return builder_put_tlv(root, WAX_DER_OID, oid, len);
}

wax_err
wax_der_builder_add_octet_string(struct wax_der_builder *b, const uint8_t *data,
                                 size_t len)
{
    return wax_der_builder_add_primitive(b, WAX_DER_OCTET_STRING, data, len);
}

wax_err
wax_der_builder_add_bit_string(struct wax_der_builder *b, const uint8_t *data,
                               size_t len, uint8_t unused_bits)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    if (unused_bits > 7 || (len == 0 && unused_bits != 0) ||
        (len > 0 && (data[len - 1] & ((1u << unused_bits) - 1u)) != 0)) {
        return builder_fail(root, WAX_ERR_DER_BAD_BIT_STRING);
    }
    return builder_put_tlv2(root, WAX_DER_BIT_STRING, &unused_bits, 1, data,
                            len);
}

wax_err
wax_der_builder_add_named_bits(struct wax_der_builder *b, uint32_t bits)
{
    uint8_t bytes[4] = {0, 0, 0, 0};
    size_t highest = 0;
    for (size_t i = 0; i < 32; i++) {
        if (bits & ((uint32_t)1 << i)) {
            bytes[i / 8] |= (uint8_t)(0x80u >> (i % 8));
            highest = i;
        }
    }
    if (bits == 0) {
        return wax_der_builder_add_bit_string(b, NULL, 0, 0);
    }
    return wax_der_builder_add_bit_string(b, bytes, highest / 8 + 1,
                                          (uint8_t)(7 - highest % 8));
}

/* ------------------------------------------------------------------ */
/* Times.                                                              */

static void
put_digits(uint8_t *out, int64_t v, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        out[i - 1] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
}

static wax_err
add_time(struct wax_der_builder *b, int64_t t, bool force_generalized)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    struct wax_civil_time ct;
    if (!wax_time_to_civil(t, &ct)) {
        return builder_fail(root, WAX_ERR_DER_BAD_TIME);
    }
    uint8_t text[15];
    size_t n = 0;
    uint32_t tag;
    if (!force_generalized && ct.year >= 1950 && ct.year <= 2049) {
        tag = WAX_DER_UTC_TIME;
        put_digits(text, ct.year % 100, 2);
        n = 2;
    } else {
        tag = WAX_DER_GENERALIZED_TIME;
        put_digits(text, ct.year, 4);
        n = 4;
    }
    put_digits(text + n, ct.month, 2);
    put_digits(text + n + 2, ct.day, 2);
    put_digits(text + n + 4, ct.hour, 2);
    put_digits(text + n + 6, ct.minute, 2);
    put_digits(text + n + 8, ct.second, 2);
    text[n + 10] = 'Z';
    return builder_put_tlv(root, tag, text, n + 11);
}

wax_err
wax_der_builder_add_time(struct wax_der_builder *b, int64_t t)
{
    return add_time(b, t, false);
}

wax_err
wax_der_builder_add_generalized_time(struct wax_der_builder *b, int64_t t)
{
    return add_time(b, t, true);
}

/* ------------------------------------------------------------------ */
/* Character strings.                                                  */

wax_err
wax_der_builder_add_string(struct wax_der_builder *b, uint32_t tag,
                           const uint8_t *data, size_t len)
{
    struct wax_der_builder *root;
    WAX_TRY(builder_use(b, &root));
    switch (tag) {
    case WAX_DER_UTF8_STRING:
    case WAX_DER_PRINTABLE_STRING:
    case WAX_DER_IA5_STRING:
    case WAX_DER_NUMERIC_STRING:
    case WAX_DER_VISIBLE_STRING:
    case WAX_DER_T61_STRING:
    case WAX_DER_BMP_STRING:
    case WAX_DER_UNIVERSAL_STRING:
        break;
    default:
        return builder_fail(root, WAX_ERR_DER_BAD_TAG);
    }
    wax_err err = check_contents(tag, data, len);
    if (err != WAX_OK) {
        return builder_fail(root, err);
    }
    return builder_put_tlv(root, tag, data, len);
}
