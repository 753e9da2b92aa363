/*
 * fuzz_der - the strict DER reader on arbitrary input.
 *
 * Oracles: wax_der_validate and a recursive walk with the span getters
 * must agree (validate OK exactly when the walk succeeds); every failed
 * getter leaves its span unchanged; sub-spans stay inside the input
 * (ASan checks every byte read); times survive an RFC 3339 round trip;
 * OIDs found in the table are recognised by wax_oid_is.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            abort();                                                           \
        }                                                                      \
    } while (0)

#define SAME(a, b) ((a).p == (b).p && (a).len == (b).len)

static bool walk_elements(struct wax_span s, size_t depth);

static bool
inside(struct wax_span inner, struct wax_span outer)
{
    return inner.len == 0 ||
           (inner.p >= outer.p && inner.len <= outer.len &&
            (size_t)(inner.p - outer.p) <= outer.len - inner.len);
}

static bool
check_integer(struct wax_span el)
{
    struct wax_span s = el, bytes;
    bool negative;
    if (!wax_der_get_integer(&s, &bytes, &negative)) {
        ASSERT(SAME(s, el));
        return false;
    }
    ASSERT(s.len == 0 && bytes.len > 0 && inside(bytes, el));
    ASSERT(negative == ((bytes.p[0] & 0x80) != 0));
    /* u64 / i64 succeed exactly when the value fits */
    size_t significant = bytes.len;
    if (bytes.len > 1 && bytes.p[0] == 0x00) {
        significant--;
    }
    uint64_t u;
    s = el;
    bool ok_u = wax_der_get_u64(&s, &u);
    ASSERT(ok_u == (!negative && significant <= 8));
    ASSERT(ok_u ? s.len == 0 : SAME(s, el));
    int64_t v;
    s = el;
    bool ok_i = wax_der_get_i64(&s, &v);
    ASSERT(ok_i == (bytes.len <= 8));
    ASSERT(ok_i ? s.len == 0 : SAME(s, el));
    if (ok_u && ok_i) {
        ASSERT((uint64_t)v == u);
    }
    if (ok_i) {
        ASSERT((v < 0) == negative);
    }
    return true;
}

static bool
check_bit_string(struct wax_span el)
{
    struct wax_span s = el, bytes;
    uint8_t unused;
    if (!wax_der_get_bit_string(&s, &bytes, &unused)) {
        ASSERT(SAME(s, el));
        return false;
    }
    ASSERT(s.len == 0 && unused <= 7 && inside(bytes, el));
    s = el;
    bool ok_octets = wax_der_get_bit_string_octets(&s, &bytes);
    ASSERT(ok_octets == (unused == 0));
    s = el;
    uint32_t bits;
    if (wax_der_get_named_bits(&s, &bits)) {
        ASSERT(s.len == 0 && bytes.len <= 4);
        ASSERT(bytes.len == 0 || bits != 0);
    } else {
        ASSERT(SAME(s, el));
    }
    return true;
}

static bool
check_oid(struct wax_span el)
{
    struct wax_span s = el, oid;
    if (!wax_der_get_oid(&s, &oid)) {
        ASSERT(SAME(s, el));
        return false;
    }
    ASSERT(s.len == 0 && oid.len > 0 && inside(oid, el));
    char text[256];
    if (wax_oid_to_dotted(oid, text, sizeof text)) {
        ASSERT(strlen(text) >= 3 && strlen(text) < sizeof text);
    } else {
        ASSERT(text[0] == '\0');
    }
    enum wax_oid_id id = wax_oid_find(oid);
    if (id != WAX_OID_UNKNOWN) {
        ASSERT(wax_oid_is(oid, id));
        ASSERT(strcmp(text, wax_oid_dotted(id)) == 0);
    }
    return true;
}

static bool
check_time(struct wax_span el)
{
    struct wax_span s = el;
    int64_t t;
    if (!wax_der_get_time(&s, &t)) {
        ASSERT(SAME(s, el));
        return false;
    }
    ASSERT(s.len == 0);
    char text[WAX_RFC3339_LEN + 1];
    int64_t back;
    ASSERT(wax_time_format_rfc3339(t, text, sizeof text));
    ASSERT(wax_time_parse_rfc3339(text, &back) && back == t);
    return true;
}

/* check_primitive runs the typed getter of TAG on the element EL. */
static bool
check_primitive(uint32_t tag, struct wax_span el, struct wax_span contents)
{
    struct wax_span s = el;
    switch (tag) {
    case WAX_DER_BOOLEAN: {
        bool b;
        if (!wax_der_get_bool(&s, &b)) {
            ASSERT(SAME(s, el));
            return false;
        }
        return s.len == 0;
    }
    case WAX_DER_NULL:
        if (!wax_der_get_null(&s)) {
            ASSERT(SAME(s, el));
            return false;
        }
        return s.len == 0;
    case WAX_DER_INTEGER:
        return check_integer(el);
    case WAX_DER_ENUMERATED: {
        uint64_t v;
        bool ok = wax_der_get_enumerated(&s, &v);
        ASSERT(ok ? s.len == 0 : SAME(s, el));
        return wax_der_check_primitive(tag, contents) == WAX_OK;
    }
    case WAX_DER_BIT_STRING:
        return check_bit_string(el);
    case WAX_DER_OID:
        return check_oid(el);
    case WAX_DER_UTC_TIME:
    case WAX_DER_GENERALIZED_TIME:
        return check_time(el);
    default:
        /* strings and everything without a typed getter */
        return wax_der_check_primitive(tag, contents) == WAX_OK;
    }
}

static bool
walk_one(struct wax_span *s, size_t depth)
{
    struct wax_span before = *s, contents, element;
    uint32_t tag, peeked;
    bool peek_ok = wax_der_peek_tag(s, &peeked);
    if (!wax_der_get_any(s, &tag, &contents, &element)) {
        ASSERT(SAME(*s, before));
        return false;
    }
    ASSERT(peek_ok && peeked == tag && wax_der_peek(&before, tag));
    ASSERT(element.p == before.p && element.len == before.len - s->len);
    ASSERT(inside(contents, element) &&
           contents.p + contents.len == element.p + element.len);
    /* the tag-specific getters see the same element */
    struct wax_span again = before, c2;
    bool present;
    ASSERT(wax_der_get(&again, tag, &c2) && SAME(c2, contents));
    again = before;
    ASSERT(wax_der_get_element(&again, tag, &c2) && SAME(c2, element));
    again = before;
    ASSERT(wax_der_get_optional(&again, tag, &c2, &present) && present);
    if (depth > WAX_MAX_DER_DEPTH) {
        return false;
    }
    if ((tag & WAX_DER_CONSTRUCTED) != 0) {
        return walk_elements(contents, depth + 1);
    }
    return check_primitive(tag, element, contents);
}

static bool
walk_elements(struct wax_span s, size_t depth)
{
    while (s.len > 0) {
        if (!walk_one(&s, depth)) {
            return false;
        }
    }
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wax_err err = wax_der_validate(data, size, WAX_MAX_DER_DEPTH);
    struct wax_span s;
    wax_span_init(&s, data, size);
    bool walked = walk_one(&s, 1) && wax_der_expect_end(&s);
    ASSERT((err == WAX_OK) == walked);
    /* a clean error code from the der block, never a crash */
    ASSERT(err == WAX_OK ||
           (err >= WAX_ERR_DER_TRUNCATED && err <= WAX_ERR_DER_TAG_TOO_LARGE));

    /* the input as OID contents, DER time contents and RFC 3339 text */
    struct wax_span raw;
    wax_span_init(&raw, data, size);
    char text[64];
    bool dotted_ok = wax_oid_to_dotted(raw, text, sizeof text);
    ASSERT(dotted_ok || text[0] == '\0');
    int64_t t;
    if (wax_der_parse_time(WAX_DER_GENERALIZED_TIME, raw, &t) ||
        wax_der_parse_time(WAX_DER_UTC_TIME, raw, &t)) {
        struct wax_civil_time ct;
        ASSERT(wax_time_to_civil(t, &ct));
    }
    char *str = malloc(size + 1);
    if (str != NULL) {
        if (size > 0) {
            memcpy(str, data, size);
        }
        str[size] = '\0';
        if (wax_time_parse_rfc3339(str, &t)) {
            ASSERT(wax_time_format_rfc3339(t, text, sizeof text));
        }
        free(str);
    }
    return 0;
}
