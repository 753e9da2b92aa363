/*
 * der/reader.c - the strict DER reader (X.690 §8 and §10/§11 restrictions).
 *
 * Every getter works on a copy of the caller's span and commits it only on
 * success, so a failed call leaves the caller's state as it was (STYLE.md
 * rule 11). The content rules live in wax_der_check_primitive so that the
 * getters and wax_der_validate agree on what is valid.
 */
#include <string.h>

#include <wax/der.h>

#include "der/reader_internal.h"

/* ------------------------------------------------------------------ */
/* Identifier and length octets.                                       */

/* See reader_internal.h. */
bool
wax_der_is_string_type(uint32_t number)
{
    switch (number) {
    case 3:  /* BIT STRING */
    case 4:  /* OCTET STRING */
    case 12: /* UTF8String */
    case 18: /* NumericString */
    case 19: /* PrintableString */
    case 20: /* TeletexString */
    case 21: /* VideotexString */
    case 22: /* IA5String */
    case 23: /* UTCTime */
    case 24: /* GeneralizedTime */
    case 25: /* GraphicString */
    case 26: /* VisibleString */
    case 27: /* GeneralString */
    case 28: /* UniversalString */
    case 30: /* BMPString */
        return true;
    default:
        return false;
    }
}

/* Universal types that are primitive in every encoding rule. */
static bool
is_always_primitive(uint32_t number)
{
    switch (number) {
    case 1:  /* BOOLEAN */
    case 2:  /* INTEGER */
    case 5:  /* NULL */
    case 6:  /* OBJECT IDENTIFIER */
    case 9:  /* REAL */
    case 10: /* ENUMERATED */
    case 13: /* RELATIVE-OID */
        return true;
    default:
        return false;
    }
}

/* Universal types that are constructed in every encoding rule. */
static bool
is_always_constructed(uint32_t number)
{
    switch (number) {
    case 8:  /* EXTERNAL */
    case 11: /* EMBEDDED PDV */
    case 16: /* SEQUENCE */
    case 17: /* SET */
    case 29: /* CHARACTER STRING */
        return true;
    default:
        return false;
    }
}

/*
 * Identifier octets (X.690 §8.1.2): class and constructed bits and a tag
 * number, in one octet for numbers up to 30 and in the high-tag form
 * (number 31 then base-128 octets) otherwise. DER has one encoding per
 * tag, so the high-tag form must be minimal: no leading 0x80 octet and only
 * for numbers >= 31.
 */
static wax_err
read_tag(const uint8_t *p, size_t n, size_t *io_pos, uint32_t *out_tag)
{
    size_t i = *io_pos;
    WAX_ENSURE(i < n, WAX_ERR_DER_TRUNCATED);
    uint8_t first = p[i++];
    uint32_t number = first & 0x1Fu;
    if (number == 0x1Fu) {
        number = 0;
        bool leading = true;
        for (;;) {
            WAX_ENSURE(i < n, WAX_ERR_DER_TRUNCATED);
            uint8_t b = p[i++];
            WAX_ENSURE(!(leading && b == 0x80), WAX_ERR_DER_BAD_TAG);
            leading = false;
            WAX_ENSURE(number <= (WAX_DER_TAG_NUMBER_MASK >> 7),
                       WAX_ERR_DER_TAG_TOO_LARGE);
            number = (number << 7) | (b & 0x7Fu);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        WAX_ENSURE(number >= 0x1Fu, WAX_ERR_DER_BAD_TAG);
    }
    uint32_t tag = ((uint32_t)(first & 0xE0u) << 24) | number;
    if ((tag & WAX_DER_CLASS_MASK) == WAX_DER_UNIVERSAL) {
        bool constructed = (tag & WAX_DER_CONSTRUCTED) != 0;
        /* [UNIVERSAL 0] is the end-of-contents marker of BER only */
        WAX_ENSURE(number != 0, WAX_ERR_DER_BAD_TAG);
        WAX_ENSURE(!(constructed && wax_der_is_string_type(number)),
                   WAX_ERR_DER_CONSTRUCTED_STRING);
        WAX_ENSURE(!(constructed && is_always_primitive(number)),
                   WAX_ERR_DER_BAD_TAG);
        WAX_ENSURE(constructed || !is_always_constructed(number),
                   WAX_ERR_DER_BAD_TAG);
    }
    *io_pos = i;
    *out_tag = tag;
    return WAX_OK;
}

/*
 * Length octets (X.690 §8.1.3, §10.1): definite only; the short form for
 * lengths below 128; the long form in the fewest octets (no leading zero
 * octet). 0xFF is reserved (§8.1.3.5 c).
 */
static wax_err
read_length(const uint8_t *p, size_t n, size_t *io_pos, size_t *out_len)
{
    size_t i = *io_pos;
    WAX_ENSURE(i < n, WAX_ERR_DER_TRUNCATED);
    uint8_t first = p[i++];
    uint64_t len;
    if (first < 0x80) {
        len = first;
    } else {
        WAX_ENSURE(first != 0x80, WAX_ERR_DER_INDEFINITE_LENGTH);
        WAX_ENSURE(first != 0xFF, WAX_ERR_DER_BAD_LENGTH);
        size_t num_octets = first & 0x7Fu;
        WAX_ENSURE(num_octets <= sizeof(uint64_t), WAX_ERR_DER_BAD_LENGTH);
        len = 0;
        for (size_t k = 0; k < num_octets; k++) {
            WAX_ENSURE(i < n, WAX_ERR_DER_TRUNCATED);
            uint8_t b = p[i++];
            WAX_ENSURE(!(k == 0 && b == 0), WAX_ERR_DER_NON_MINIMAL_LENGTH);
            len = (len << 8) | b;
        }
        WAX_ENSURE(len >= 0x80, WAX_ERR_DER_NON_MINIMAL_LENGTH);
    }
    WAX_ENSURE(len <= n - i, WAX_ERR_DER_TRUNCATED);
    *io_pos = i;
    *out_len = (size_t)len;
    return WAX_OK;
}

wax_err
wax_der_read_header(const struct wax_span *in, uint32_t *out_tag,
                    size_t *out_header_len, size_t *out_len)
{
    size_t pos = 0;
    uint32_t tag;
    size_t len;
    WAX_TRY(read_tag(in->p, in->len, &pos, &tag));
    WAX_TRY(read_length(in->p, in->len, &pos, &len));
    *out_tag = tag;
    *out_header_len = pos;
    *out_len = len;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Content rules of the primitive universal types.                     */

/* BOOLEAN (X.690 §11.1): one octet, FALSE 0x00, TRUE 0xFF. */
static wax_err
check_boolean(struct wax_span c)
{
    WAX_ENSURE(c.len == 1 && (c.p[0] == 0x00 || c.p[0] == 0xFF),
               WAX_ERR_DER_BAD_BOOLEAN);
    return WAX_OK;
}

/* INTEGER and ENUMERATED (X.690 §8.3.2): at least one octet; the first
 * nine bits are not all ones or all zeros. */
static wax_err
check_integer(struct wax_span c)
{
    WAX_ENSURE(c.len > 0, WAX_ERR_DER_BAD_INTEGER);
    if (c.len > 1) {
        bool zeros = c.p[0] == 0x00 && (c.p[1] & 0x80) == 0;
        bool ones = c.p[0] == 0xFF && (c.p[1] & 0x80) != 0;
        WAX_ENSURE(!zeros && !ones, WAX_ERR_DER_BAD_INTEGER);
    }
    return WAX_OK;
}

/* BIT STRING (X.690 §8.6.2, §11.2.1): the unused-bits octet is 0..7, 0 for
 * an empty string, and the unused bits are zero. */
static wax_err
check_bit_string(struct wax_span c)
{
    WAX_ENSURE(c.len > 0, WAX_ERR_DER_BAD_BIT_STRING);
    uint8_t unused = c.p[0];
    WAX_ENSURE(unused <= 7, WAX_ERR_DER_BAD_BIT_STRING);
    if (c.len == 1) {
        WAX_ENSURE(unused == 0, WAX_ERR_DER_BAD_BIT_STRING);
    } else {
        uint8_t mask = (uint8_t)((1u << unused) - 1);
        WAX_ENSURE((c.p[c.len - 1] & mask) == 0, WAX_ERR_DER_BAD_BIT_STRING);
    }
    return WAX_OK;
}

/* OBJECT IDENTIFIER (X.690 §8.19): non-empty; each subidentifier in the
 * fewest base-128 octets (never a leading 0x80); the last octet ends a
 * subidentifier. Arcs of any size are valid. */
static wax_err
check_oid(struct wax_span c)
{
    WAX_ENSURE(c.len > 0, WAX_ERR_DER_BAD_OID);
    bool arc_start = true;
    for (size_t i = 0; i < c.len; i++) {
        WAX_ENSURE(!(arc_start && c.p[i] == 0x80), WAX_ERR_DER_BAD_OID);
        arc_start = (c.p[i] & 0x80) == 0;
    }
    WAX_ENSURE(arc_start, WAX_ERR_DER_BAD_OID);
    return WAX_OK;
}

static wax_err
check_null(struct wax_span c)
{
    WAX_ENSURE(c.len == 0, WAX_ERR_DER_BAD_NULL);
    return WAX_OK;
}

/* PrintableString (X.680 §41.4, table 10). */
static bool
is_printable_char(uint8_t ch)
{
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
        (ch >= '0' && ch <= '9')) {
        return true;
    }
    switch (ch) {
    case ' ':
    case '\'':
    case '(':
    case ')':
    case '+':
    case ',':
    case '-':
    case '.':
    case '/':
    case ':':
    case '=':
    case '?':
        return true;
    default:
        return false;
    }
}

/* UTF-8 (RFC 3629 §4): shortest form, no surrogates, at most U+10FFFF. */
static bool
is_valid_utf8(struct wax_span c)
{
    size_t i = 0;
    while (i < c.len) {
        uint8_t b = c.p[i];
        size_t extra;
        uint32_t cp, min;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            extra = 1;
            cp = b & 0x1Fu;
            min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            extra = 2;
            cp = b & 0x0Fu;
            min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            extra = 3;
            cp = b & 0x07u;
            min = 0x10000;
        } else {
            return false;
        }
        if (c.len - i - 1 < extra) {
            return false;
        }
        for (size_t k = 1; k <= extra; k++) {
            uint8_t cb = c.p[i + k];
            if ((cb & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cb & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += 1 + extra;
    }
    return true;
}

static wax_err
check_string(uint32_t tag, struct wax_span c)
{
    bool ok = true;
    switch (tag) {
    case WAX_DER_UTF8_STRING:
        ok = is_valid_utf8(c);
        break;
    case WAX_DER_NUMERIC_STRING:
        for (size_t i = 0; ok && i < c.len; i++) {
            ok = (c.p[i] >= '0' && c.p[i] <= '9') || c.p[i] == ' ';
        }
        break;
    case WAX_DER_PRINTABLE_STRING:
        for (size_t i = 0; ok && i < c.len; i++) {
            ok = is_printable_char(c.p[i]);
        }
        break;
    case WAX_DER_IA5_STRING:
        for (size_t i = 0; ok && i < c.len; i++) {
            ok = c.p[i] < 0x80;
        }
        break;
    case WAX_DER_VISIBLE_STRING:
        for (size_t i = 0; ok && i < c.len; i++) {
            ok = c.p[i] >= 0x20 && c.p[i] <= 0x7E;
        }
        break;
    case WAX_DER_BMP_STRING:
        ok = c.len % 2 == 0;
        break;
    case WAX_DER_UNIVERSAL_STRING:
        ok = c.len % 4 == 0;
        break;
    default:
        break;
    }
    WAX_ENSURE(ok, WAX_ERR_DER_BAD_STRING);
    return WAX_OK;
}

wax_err
wax_der_check_primitive(uint32_t tag, struct wax_span contents)
{
    switch (tag) {
    case WAX_DER_BOOLEAN:
        return check_boolean(contents);
    case WAX_DER_INTEGER:
    case WAX_DER_ENUMERATED:
        return check_integer(contents);
    case WAX_DER_BIT_STRING:
        return check_bit_string(contents);
    case WAX_DER_OID:
        return check_oid(contents);
    case WAX_DER_NULL:
        return check_null(contents);
    case WAX_DER_UTC_TIME:
    case WAX_DER_GENERALIZED_TIME: {
        int64_t t;
        WAX_ENSURE(wax_der_parse_time(tag, contents, &t), WAX_ERR_DER_BAD_TIME);
        return WAX_OK;
    }
    case WAX_DER_UTF8_STRING:
    case WAX_DER_NUMERIC_STRING:
    case WAX_DER_PRINTABLE_STRING:
    case WAX_DER_IA5_STRING:
    case WAX_DER_VISIBLE_STRING:
    case WAX_DER_BMP_STRING:
    case WAX_DER_UNIVERSAL_STRING:
        return check_string(tag, contents);
    default:
        return WAX_OK;
    }
}

/* ------------------------------------------------------------------ */
/* Elements.                                                           */

bool
wax_der_peek_tag(const struct wax_span *in, uint32_t *out_tag)
{
    size_t pos = 0;
    uint32_t tag;
    if (read_tag(in->p, in->len, &pos, &tag) != WAX_OK) {
        return false;
    }
    *out_tag = tag;
    return true;
}

bool
wax_der_peek(const struct wax_span *in, uint32_t tag)
{
    uint32_t got;
    return wax_der_peek_tag(in, &got) && got == tag;
}

bool
wax_der_get_any(struct wax_span *in, uint32_t *out_tag,
                struct wax_span *out_contents, struct wax_span *out_element)
{
    uint32_t tag;
    size_t header_len, len;
    if (wax_der_read_header(in, &tag, &header_len, &len) != WAX_OK) {
        return false;
    }
    struct wax_span element;
    if (!wax_span_get_bytes(in, &element, header_len + len)) {
        return false; /* unreachable: the header checked the length */
    }
    if (out_tag != NULL) {
        *out_tag = tag;
    }
    if (out_contents != NULL) {
        out_contents->p = element.p + header_len;
        out_contents->len = len;
    }
    if (out_element != NULL) {
        *out_element = element;
    }
    return true;
}

/* get_tagged reads one element with tag TAG, giving contents and element. */
static bool
get_tagged(struct wax_span *in, uint32_t tag, struct wax_span *out_contents,
           struct wax_span *out_element)
{
    struct wax_span s = *in, contents, element;
    uint32_t got;
    if (!wax_der_get_any(&s, &got, &contents, &element) || got != tag) {
        return false;
    }
    if (out_contents != NULL) {
        *out_contents = contents;
    }
    if (out_element != NULL) {
        *out_element = element;
    }
    *in = s;
    return true;
}

bool
wax_der_get(struct wax_span *in, uint32_t tag, struct wax_span *out_contents)
{
    return get_tagged(in, tag, out_contents, NULL);
}

bool
wax_der_get_element(struct wax_span *in, uint32_t tag,
                    struct wax_span *out_element)
{
    return get_tagged(in, tag, NULL, out_element);
}

bool
wax_der_get_optional(struct wax_span *in, uint32_t tag,
                     struct wax_span *out_contents, bool *out_present)
{
    if (!wax_der_peek(in, tag)) {
        *out_present = false;
        return true;
    }
    if (!get_tagged(in, tag, out_contents, NULL)) {
        return false;
    }
    *out_present = true;
    return true;
}

bool
wax_der_expect_end(const struct wax_span *s)
{
    return s->len == 0;
}

/* get_checked reads an element with tag TAG whose contents pass the
 * primitive content rules of CHECK_TAG. */
static bool
get_checked(struct wax_span *in, uint32_t tag, uint32_t check_tag,
            struct wax_span *out_contents)
{
    struct wax_span s = *in, contents;
    if (!get_tagged(&s, tag, &contents, NULL) ||
        wax_der_check_primitive(check_tag, contents) != WAX_OK) {
        return false;
    }
    *out_contents = contents;
    *in = s;
    return true;
}

bool
wax_der_get_bool(struct wax_span *in, bool *out)
{
    struct wax_span c;
    if (!get_checked(in, WAX_DER_BOOLEAN, WAX_DER_BOOLEAN, &c)) {
        return false;
    }
    *out = c.p[0] != 0;
    return true;
}

bool
wax_der_get_null(struct wax_span *in)
{
    struct wax_span c;
    return get_checked(in, WAX_DER_NULL, WAX_DER_NULL, &c);
}

bool
wax_der_get_integer(struct wax_span *in, struct wax_span *out_bytes,
                    bool *out_negative)
{
    struct wax_span c;
    if (!get_checked(in, WAX_DER_INTEGER, WAX_DER_INTEGER, &c)) {
        return false;
    }
    *out_bytes = c;
    if (out_negative != NULL) {
        *out_negative = (c.p[0] & 0x80) != 0;
    }
    return true;
}

/* u64_from_integer converts minimal INTEGER contents C that are
 * non-negative and fit 64 bits. */
static bool
u64_from_integer(struct wax_span c, uint64_t *out)
{
    if ((c.p[0] & 0x80) != 0) {
        return false;
    }
    size_t i = 0;
    if (c.p[0] == 0x00 && c.len > 1) {
        i = 1; /* the sign octet of a value with its top bit set */
    }
    if (c.len - i > 8) {
        return false;
    }
    uint64_t v = 0;
    for (; i < c.len; i++) {
        v = (v << 8) | c.p[i];
    }
    *out = v;
    return true;
}

bool
wax_der_get_u64(struct wax_span *in, uint64_t *out)
{
    struct wax_span s = *in, c;
    uint64_t v;
    if (!get_checked(&s, WAX_DER_INTEGER, WAX_DER_INTEGER, &c) ||
        !u64_from_integer(c, &v)) {
        return false;
    }
    *out = v;
    *in = s;
    return true;
}

bool
wax_der_get_i64(struct wax_span *in, int64_t *out)
{
    struct wax_span s = *in, c;
    if (!get_checked(&s, WAX_DER_INTEGER, WAX_DER_INTEGER, &c) || c.len > 8) {
        return false;
    }
    /* sign-extend, then shift the octets in as an unsigned value */
    uint64_t v = (c.p[0] & 0x80) != 0 ? UINT64_MAX : 0;
    for (size_t i = 0; i < c.len; i++) {
        v = (v << 8) | c.p[i];
    }
    /* two's complement reinterpretation without implementation-defined
     * conversion */
    if (v > (uint64_t)INT64_MAX) {
        *out = -(int64_t)(UINT64_MAX - v) - 1;
    } else {
        *out = (int64_t)v;
    }
    *in = s;
    return true;
}

bool
wax_der_get_enumerated(struct wax_span *in, uint64_t *out)
{
    struct wax_span s = *in, c;
    uint64_t v;
    if (!get_checked(&s, WAX_DER_ENUMERATED, WAX_DER_ENUMERATED, &c) ||
        !u64_from_integer(c, &v)) {
        return false;
    }
    *out = v;
    *in = s;
    return true;
}

bool
wax_der_get_bit_string(struct wax_span *in, struct wax_span *out_bytes,
                       uint8_t *out_unused_bits)
{
    struct wax_span c;
    if (!get_checked(in, WAX_DER_BIT_STRING, WAX_DER_BIT_STRING, &c)) {
        return false;
    }
    *out_unused_bits = c.p[0];
    out_bytes->p = c.p + 1;
    out_bytes->len = c.len - 1;
    return true;
}

bool
wax_der_get_bit_string_octets(struct wax_span *in, struct wax_span *out_bytes)
{
    struct wax_span s = *in, bytes;
    uint8_t unused;
    if (!wax_der_get_bit_string(&s, &bytes, &unused) || unused != 0) {
        return false;
    }
    *out_bytes = bytes;
    *in = s;
    return true;
}

/*
 * NamedBitList (X.680 §22.7, X.690 §11.2.2): DER removes every trailing zero
 * bit, so a non-empty string ends with a one bit. Named bits above 31 do not
 * fit the result and are refused.
 */
bool
wax_der_get_named_bits(struct wax_span *in, uint32_t *out_bits)
{
    struct wax_span s = *in, bytes;
    uint8_t unused;
    if (!wax_der_get_bit_string(&s, &bytes, &unused)) {
        return false;
    }
    if (bytes.len > 0) {
        /* the last bit present must be one */
        if ((bytes.p[bytes.len - 1] & (1u << unused)) == 0) {
            return false;
        }
        if (bytes.len > 4) {
            return false;
        }
    }
    uint32_t bits = 0;
    for (size_t i = 0; i < bytes.len; i++) {
        for (unsigned k = 0; k < 8; k++) {
            if ((bytes.p[i] & (0x80u >> k)) != 0) {
                bits |= 1u << (i * 8 + k);
            }
        }
    }
    *out_bits = bits;
    *in = s;
    return true;
}

bool
wax_der_get_oid(struct wax_span *in, struct wax_span *out_oid)
{
    return get_checked(in, WAX_DER_OID, WAX_DER_OID, out_oid);
}

bool
wax_der_get_time(struct wax_span *in, int64_t *out_time)
{
    struct wax_span s = *in, c;
    uint32_t tag;
    int64_t t;
    if (!wax_der_peek_tag(&s, &tag) ||
        (tag != WAX_DER_UTC_TIME && tag != WAX_DER_GENERALIZED_TIME) ||
        !wax_der_get(&s, tag, &c) || !wax_der_parse_time(tag, c, &t)) {
        return false;
    }
    *out_time = t;
    *in = s;
    return true;
}
