/*
 * fuzz_der_roundtrip: the DER round-trip oracle (STYLE.md rule 23).
 *
 * Whatever wax_der_validate accepts is walked with the strict reader's
 * getters and re-encoded with the builder through the typed adders; the
 * result must be the input, byte for byte, in both builder modes. The
 * streaming BER reader must also see it as DER: wax_ber_to_der gives the
 * same bytes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#define FUZZ_MAX ((size_t)1 << 20)

/* MUST aborts with the failing line, so a crash names its oracle. */
#define MUST(cond)                                                             \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: MUST(%s) failed\n", __FILE__, __LINE__,    \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)
#define MUST_OK(expr) MUST((expr) == WAX_OK)

/* set_sorted: the elements of CONTENTS are in DER SET OF order. */
static bool
set_sorted(struct wax_span contents)
{
    struct wax_span prev = {NULL, 0}, e;
    while (contents.len > 0) {
        MUST(wax_der_get_any(&contents, NULL, NULL, &e));
        if (prev.p != NULL) {
            size_t common = prev.len < e.len ? prev.len : e.len;
            int c = memcmp(prev.p, e.p, common);
            if (c > 0) {
                return false;
            }
            if (c == 0 && prev.len > e.len) {
                /* the shorter is padded with zeros */
                for (size_t i = common; i < prev.len; i++) {
                    if (prev.p[i] != 0) {
                        return false;
                    }
                }
            }
        }
        prev = e;
    }
    return true;
}

static void build_elements(struct wax_der_builder *b, struct wax_span s);

/* build_primitive re-encodes the primitive ELEMENT with tag TAG. */
static void
build_primitive(struct wax_der_builder *b, uint32_t tag,
                struct wax_span element, struct wax_span contents)
{
    struct wax_span e = element;
    switch (tag) {
    case WAX_DER_BOOLEAN: {
        bool v;
        MUST(wax_der_get_bool(&e, &v));
        MUST_OK(wax_der_builder_add_bool(b, v));
        break;
    }
    case WAX_DER_INTEGER: {
        uint64_t u;
        int64_t i;
        struct wax_span bytes;
        bool negative;
        struct wax_span e2 = element, e3 = element;
        if (wax_der_get_u64(&e2, &u)) {
            MUST_OK(wax_der_builder_add_u64(b, u));
        } else if (wax_der_get_i64(&e3, &i)) {
            MUST_OK(wax_der_builder_add_i64(b, i));
        } else {
            MUST(wax_der_get_integer(&e, &bytes, &negative));
            if (negative) {
                MUST_OK(
                    wax_der_builder_add_primitive(b, tag, bytes.p, bytes.len));
            } else {
                MUST_OK(wax_der_builder_add_integer(b, bytes.p, bytes.len));
            }
        }
        break;
    }
    case WAX_DER_ENUMERATED: {
        uint64_t u;
        if (wax_der_get_enumerated(&e, &u)) {
            MUST_OK(wax_der_builder_add_enumerated(b, u));
        } else {
            MUST_OK(wax_der_builder_add_primitive(b, tag, contents.p,
                                                  contents.len));
        }
        break;
    }
    case WAX_DER_BIT_STRING: {
        struct wax_span bytes;
        uint8_t unused;
        MUST(wax_der_get_bit_string(&e, &bytes, &unused));
        MUST_OK(wax_der_builder_add_bit_string(b, bytes.p, bytes.len, unused));
        /* where the NamedBitList rule holds, named bits round-trip too */
        uint32_t bits;
        struct wax_span e2 = element;
        if (wax_der_get_named_bits(&e2, &bits)) {
            uint8_t buf[16];
            struct wax_der_builder nb;
            uint8_t *out;
            size_t out_len;
            wax_der_builder_init_fixed(&nb, buf, sizeof buf);
            MUST_OK(wax_der_builder_add_named_bits(&nb, bits));
            MUST_OK(wax_der_builder_finish(&nb, &out, &out_len));
            MUST(out_len == element.len &&
                 memcmp(out, element.p, out_len) == 0);
        }
        break;
    }
    case WAX_DER_NULL:
        MUST(wax_der_get_null(&e));
        MUST_OK(wax_der_builder_add_null(b));
        break;
    case WAX_DER_OID: {
        struct wax_span oid;
        MUST(wax_der_get_oid(&e, &oid));
        MUST_OK(wax_der_builder_add_oid(b, oid.p, oid.len));
        break;
    }
    case WAX_DER_UTC_TIME:
    case WAX_DER_GENERALIZED_TIME: {
        int64_t t;
        MUST(wax_der_get_time(&e, &t));
        struct wax_civil_time ct;
        MUST(wax_time_to_civil(t, &ct));
        bool rfc5280_choice =
            (tag == WAX_DER_UTC_TIME) == (ct.year >= 1950 && ct.year <= 2049);
        if (rfc5280_choice) {
            MUST_OK(wax_der_builder_add_time(b, t));
        } else {
            MUST(tag == WAX_DER_GENERALIZED_TIME);
            MUST_OK(wax_der_builder_add_generalized_time(b, t));
        }
        break;
    }
    case WAX_DER_OCTET_STRING:
        MUST_OK(wax_der_builder_add_octet_string(b, contents.p, contents.len));
        break;
    case WAX_DER_UTF8_STRING:
    case WAX_DER_PRINTABLE_STRING:
    case WAX_DER_IA5_STRING:
    case WAX_DER_NUMERIC_STRING:
    case WAX_DER_VISIBLE_STRING:
    case WAX_DER_T61_STRING:
    case WAX_DER_BMP_STRING:
    case WAX_DER_UNIVERSAL_STRING:
        MUST_OK(wax_der_builder_add_string(b, tag, contents.p, contents.len));
        break;
    default:
        MUST_OK(
            wax_der_builder_add_primitive(b, tag, contents.p, contents.len));
        break;
    }
}

static void
build_elements(struct wax_der_builder *b, struct wax_span s)
{
    while (s.len > 0) {
        uint32_t tag;
        struct wax_span contents, element;
        MUST(wax_der_get_any(&s, &tag, &contents, &element));
        if (!(tag & WAX_DER_CONSTRUCTED)) {
            build_primitive(b, tag, element, contents);
            continue;
        }
        struct wax_der_builder child;
        MUST_OK(wax_der_builder_open(b, tag, &child));
        build_elements(&child, contents);
        if (tag == WAX_DER_SET && set_sorted(contents)) {
            /* sorting a sorted SET OF changes nothing */
            MUST_OK(wax_der_builder_sort_set(&child));
        }
        MUST_OK(wax_der_builder_close(&child));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX ||
        wax_der_validate(data, size, WAX_MAX_DER_DEPTH) != WAX_OK) {
        return 0;
    }
    struct wax_span in;
    wax_span_init(&in, data, size);
    uint8_t *out;
    size_t out_len;

    /* growable, capped at exactly the input size */
    struct wax_der_builder b;
    wax_der_builder_init(&b, size);
    build_elements(&b, in);
    MUST_OK(wax_der_builder_finish(&b, &out, &out_len));
    MUST(out_len == size && memcmp(out, data, size) == 0);
    free(out);
    wax_der_builder_cleanup(&b);

    /* fixed, into a buffer of exactly the input size */
    uint8_t *buf = malloc(size);
    MUST(buf != NULL);
    wax_der_builder_init_fixed(&b, buf, size);
    build_elements(&b, in);
    MUST_OK(wax_der_builder_finish(&b, &out, &out_len));
    MUST(out == buf && out_len == size && memcmp(out, data, size) == 0);
    free(buf);

    /* one byte short: the builder reports the overflow */
    if (size > 0) {
        wax_der_builder_init(&b, size - 1);
        uint32_t tag;
        struct wax_span contents, element, s = in;
        MUST(wax_der_get_any(&s, &tag, &contents, &element));
        wax_err err = wax_der_builder_add_element(&b, element.p, element.len);
        MUST(err == WAX_ERR_DER_BUILDER_OVERFLOW);
        wax_der_builder_cleanup(&b);
    }

    /* the BER reader agrees that this is DER */
    struct wax_buf der;
    wax_buf_init(&der, FUZZ_MAX);
    MUST_OK(wax_ber_to_der(data, size, FUZZ_MAX, &der));
    MUST(der.len == size && memcmp(der.data, data, size) == 0);
    wax_buf_cleanup(&der);
    return 0;
}
