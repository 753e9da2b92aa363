/*
 * Names (RFC 5280 §4.1.2.4): checking and walking RDNSequences, comparing
 * them (RFC 5280 §7.1 with the RFC 4518 string preparation), and the
 * RFC 4514 string form.
 */
#include "x509_int.h"

/* ------------------------------------------------------------------ */
/* UTF-8.                                                              */

size_t
x509_utf8_decode(const uint8_t *p, size_t len, uint32_t *out_cp)
{
    if (len == 0) {
        return 0;
    }
    uint8_t c = p[0];
    size_t n;
    uint32_t min, cp;
    if (c < 0x80) {
        *out_cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, cp = c & 0x07u;
    } else {
        return 0;
    }
    if (len < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    *out_cp = cp;
    return n;
}

bool
x509_utf8_valid(const uint8_t *p, size_t len)
{
    while (len > 0) {
        uint32_t cp;
        size_t n = x509_utf8_decode(p, len, &cp);
        if (n == 0) {
            return false;
        }
        p += n, len -= n;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Walking.                                                            */

/*
 *   Name ::= CHOICE { rdnSequence RDNSequence }
 *   RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 */
wax_err
wax_x509_name_iter_init(struct wax_x509_name_iter *it, struct wax_span name)
{
    struct wax_span s = name, rdns;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &rdns) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_NAME);
    it->rdns = rdns;
    it->rdn.p = NULL;
    it->rdn.len = 0;
    it->rdn_index = 0;
    it->num_attrs = 0;
    it->started = false;
    return WAX_OK;
}

/* check_value: a universal primitive value obeys its type's DER rules. */
static bool
check_value(uint32_t tag, struct wax_span contents)
{
    if ((tag & WAX_DER_CLASS_MASK) != WAX_DER_UNIVERSAL ||
        (tag & WAX_DER_CONSTRUCTED) != 0) {
        return true;
    }
    return wax_der_check_primitive(tag, contents) == WAX_OK;
}

/*
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type AttributeType,
 *                                        value AttributeValue }
 *   AttributeType ::= OBJECT IDENTIFIER
 *   AttributeValue ::= ANY -- DEFINED BY AttributeType
 */
wax_err
wax_x509_name_next(struct wax_x509_name_iter *it,
                   struct wax_x509_name_attr *out, bool *out_present)
{
    struct wax_x509_name_iter next = *it;
    struct wax_x509_name_attr a = {0};
    struct wax_span atv;

    if (next.rdn.len == 0) {
        if (next.rdns.len == 0) {
            *out_present = false;
            return WAX_OK;
        }
        WAX_ENSURE(wax_der_get(&next.rdns, WAX_DER_SET, &next.rdn) &&
                       next.rdn.len > 0,
                   WAX_ERR_X509_BAD_NAME);
        if (next.started) {
            next.rdn_index++;
        }
        next.started = true;
    } else {
        a.continues_rdn = true;
    }
    WAX_ENSURE(wax_der_get(&next.rdn, WAX_DER_SEQUENCE, &atv),
               WAX_ERR_X509_BAD_NAME);
    WAX_ENSURE(wax_der_get_oid(&atv, &a.type), WAX_ERR_X509_BAD_NAME);
    WAX_ENSURE(wax_der_get_any(&atv, &a.value_tag, &a.value, &a.value_der) &&
                   wax_der_expect_end(&atv),
               WAX_ERR_X509_BAD_NAME);
    WAX_ENSURE(check_value(a.value_tag, a.value), WAX_ERR_X509_BAD_NAME);
    WAX_ENSURE(next.num_attrs < WAX_MAX_NAME_ATTRIBUTES,
               WAX_ERR_LIMIT_EXCEEDED);
    next.num_attrs++;
    a.type_id = x509_oid_id(a.type);
    a.rdn_index = next.rdn_index;
    *it = next;
    *out = a;
    *out_present = true;
    return WAX_OK;
}

wax_err
wax_x509_name_check(struct wax_span name)
{
    struct wax_x509_name_iter it;
    struct wax_x509_name_attr a;
    bool present = true;
    WAX_TRY(wax_x509_name_iter_init(&it, name));
    while (present) {
        WAX_TRY(wax_x509_name_next(&it, &a, &present));
    }
    return WAX_OK;
}

wax_err
x509_get_name(struct wax_span *in, struct wax_span *out)
{
    struct wax_span s = *in, name;
    WAX_ENSURE(wax_der_get_element(&s, WAX_DER_SEQUENCE, &name),
               WAX_ERR_X509_BAD_NAME);
    WAX_TRY(wax_x509_name_check(name));
    *out = name;
    *in = s;
    return WAX_OK;
}

bool
wax_x509_name_is_empty(struct wax_span name)
{
    struct wax_x509_name_iter it;
    return wax_x509_name_check(name) == WAX_OK &&
           wax_x509_name_iter_init(&it, name) == WAX_OK && it.rdns.len == 0;
}

/* collect_attrs reads every attribute of NAME into ATTRS. */
static wax_err
collect_attrs(struct wax_span name, struct wax_x509_name_attr *attrs,
              size_t *out_num, size_t *out_num_rdns)
{
    struct wax_x509_name_iter it;
    bool present = true;
    size_t n = 0;
    WAX_TRY(wax_x509_name_iter_init(&it, name));
    for (;;) {
        struct wax_x509_name_attr a;
        WAX_TRY(wax_x509_name_next(&it, &a, &present));
        if (!present) {
            break;
        }
        attrs[n++] = a; /* the iterator caps N at WAX_MAX_NAME_ATTRIBUTES */
    }
    *out_num = n;
    *out_num_rdns = n == 0 ? 0 : attrs[n - 1].rdn_index + 1;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Comparison: RFC 5280 §7.1, RFC 4518.                                */

static bool
is_prep_string(uint32_t tag)
{
    return tag == WAX_DER_PRINTABLE_STRING || tag == WAX_DER_UTF8_STRING ||
           tag == WAX_DER_IA5_STRING;
}

/* RFC 4518 §2.2 map: returns the mapped code point, ' ' for the
 * characters mapped to SPACE, or UINT32_MAX for those mapped to nothing. */
static uint32_t
prep_map(uint32_t cp)
{
    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85) {
        return ' ';
    }
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
        return UINT32_MAX; /* other control codes */
    }
    switch (cp) {
    case 0x00AD: /* soft hyphen */
    case 0x034F:
    case 0x1806:
    case 0x180B:
    case 0x180C:
    case 0x180D:
    case 0x200B: /* zero width space */
    case 0x200C:
    case 0x200D:
    case 0xFEFF:
    case 0xFFFC:
        return UINT32_MAX;
    case 0x00A0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return ' ';
    default:
        break;
    }
    if (cp >= 0xFE00 && cp <= 0xFE0F) {
        return UINT32_MAX;
    }
    if (cp >= 0x2000 && cp <= 0x200A) {
        return ' ';
    }
    if (cp >= 'A' && cp <= 'Z') {
        return cp + ('a' - 'A');
    }
    return cp;
}

/* A prepared-string cursor: gives the code points of the string after
 * mapping, case folding and the insignificant-space rule. */
struct prep {
    const uint8_t *p;
    size_t len;
    bool started;
    bool space_pending;
    bool have_held;
    uint32_t held;
    bool bad;
};

/* prep_next: true and *OUT with the next code point, false at the end (or
 * on malformed UTF-8, which sets BAD). */
static bool
prep_next(struct prep *s, uint32_t *out)
{
    if (s->have_held) {
        s->have_held = false;
        *out = s->held;
        return true;
    }
    while (s->len > 0) {
        uint32_t cp;
        size_t n = x509_utf8_decode(s->p, s->len, &cp);
        if (n == 0) {
            s->bad = true;
            return false;
        }
        s->p += n, s->len -= n;
        cp = prep_map(cp);
        if (cp == UINT32_MAX) {
            continue;
        }
        if (cp == ' ') {
            s->space_pending = s->started;
            continue;
        }
        s->started = true;
        if (s->space_pending) {
            s->space_pending = false;
            s->have_held = true;
            s->held = cp;
            *out = ' ';
            return true;
        }
        *out = cp;
        return true;
    }
    return false; /* trailing spaces are dropped */
}

static bool
prep_equal(struct wax_span a, struct wax_span b)
{
    struct prep pa = {a.p, a.len, false, false, false, 0, false};
    struct prep pb = {b.p, b.len, false, false, false, 0, false};
    for (;;) {
        uint32_t ca, cb;
        bool ha = prep_next(&pa, &ca);
        bool hb = prep_next(&pb, &cb);
        if (pa.bad || pb.bad) {
            return false;
        }
        if (!ha || !hb) {
            return ha == hb;
        }
        if (ca != cb) {
            return false;
        }
    }
}

static bool
attr_equal(const struct wax_x509_name_attr *a,
           const struct wax_x509_name_attr *b)
{
    if (!wax_span_equal(a->type, b->type)) {
        return false;
    }
    if (is_prep_string(a->value_tag) && is_prep_string(b->value_tag)) {
        return prep_equal(a->value, b->value);
    }
    return wax_span_equal(a->value_der, b->value_der);
}

bool
wax_x509_name_equal(struct wax_span a, struct wax_span b)
{
    struct wax_x509_name_attr aa[WAX_MAX_NAME_ATTRIBUTES];
    struct wax_x509_name_attr ba[WAX_MAX_NAME_ATTRIBUTES];
    size_t na, nb, ra, rb;
    if (collect_attrs(a, aa, &na, &ra) != WAX_OK ||
        collect_attrs(b, ba, &nb, &rb) != WAX_OK || na != nb || ra != rb) {
        return false;
    }
    /* Same attribute counts overall; compare RDN by RDN as sets. */
    size_t i = 0;
    while (i < na) {
        size_t rdn = aa[i].rdn_index;
        size_t a_end = i, b_end = i;
        while (a_end < na && aa[a_end].rdn_index == rdn) {
            a_end++;
        }
        while (b_end < nb && ba[b_end].rdn_index == rdn) {
            b_end++;
        }
        if (a_end != b_end) {
            return false;
        }
        bool used[WAX_MAX_NAME_ATTRIBUTES] = {false};
        for (size_t x = i; x < a_end; x++) {
            bool found = false;
            for (size_t y = i; y < b_end && !found; y++) {
                if (!used[y] && attr_equal(&aa[x], &ba[y])) {
                    used[y] = true;
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        i = a_end;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* RFC 4514 strings.                                                   */

static const struct {
    enum wax_oid_id id;
    const char *name;
} short_names[] = {
    {WAX_OID_AT_COMMON_NAME, "CN"},
    {WAX_OID_AT_SURNAME, "SN"},
    {WAX_OID_AT_SERIAL_NUMBER, "serialNumber"},
    {WAX_OID_AT_COUNTRY, "C"},
    {WAX_OID_AT_LOCALITY, "L"},
    {WAX_OID_AT_STATE, "ST"},
    {WAX_OID_AT_STREET, "street"},
    {WAX_OID_AT_ORGANIZATION, "O"},
    {WAX_OID_AT_ORGANIZATIONAL_UNIT, "OU"},
    {WAX_OID_AT_TITLE, "title"},
    {WAX_OID_AT_DESCRIPTION, "description"},
    {WAX_OID_AT_POSTAL_CODE, "postalCode"},
    {WAX_OID_AT_NAME, "name"},
    {WAX_OID_AT_GIVEN_NAME, "GN"},
    {WAX_OID_AT_INITIALS, "initials"},
    {WAX_OID_AT_GENERATION_QUALIFIER, "generationQualifier"},
    {WAX_OID_AT_DN_QUALIFIER, "dnQualifier"},
    {WAX_OID_AT_PSEUDONYM, "pseudonym"},
    {WAX_OID_AT_ORGANIZATION_IDENTIFIER, "organizationIdentifier"},
    {WAX_OID_AT_DOMAIN_COMPONENT, "DC"},
    {WAX_OID_AT_USER_ID, "UID"},
    {WAX_OID_PKCS9_EMAIL_ADDRESS, "emailAddress"},
    {WAX_OID_PKCS9_UNSTRUCTURED_NAME, "unstructuredName"},
    {WAX_OID_PKCS9_UNSTRUCTURED_ADDRESS, "unstructuredAddress"},
};

const char *
wax_x509_attr_short_name(enum wax_oid_id type)
{
    if (type == WAX_OID_UNKNOWN) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof short_names / sizeof short_names[0]; i++) {
        if (short_names[i].id == type) {
            return short_names[i].name;
        }
    }
    return NULL;
}

struct out {
    char *p;
    size_t cap;
    size_t len;
    bool overflow;
};

static void
put_char(struct out *o, char c)
{
    if (o->len + 1 < o->cap) {
        o->p[o->len] = c;
    } else {
        o->overflow = true;
    }
    o->len++;
}

static void
put_str(struct out *o, const char *s)
{
    while (*s != '\0') {
        put_char(o, *s++);
    }
}

static void
put_hex_byte(struct out *o, uint8_t b)
{
    static const char hex[] = "0123456789ABCDEF";
    put_char(o, hex[b >> 4]);
    put_char(o, hex[b & 15]);
}

/* put_dotted writes an OID's contents (already validated) in dotted
 * form. */
static void
put_dotted(struct out *o, struct wax_span oid)
{
    uint64_t v = 0;
    bool first = true;
    char digits[24];
    for (size_t i = 0; i < oid.len; i++) {
        v = (v << 7) | (oid.p[i] & 0x7Fu);
        if (oid.p[i] & 0x80) {
            continue;
        }
        uint64_t parts[2];
        size_t num_parts = 1;
        if (first) {
            parts[0] = v < 40 ? 0 : v < 80 ? 1 : 2;
            parts[1] = v - parts[0] * 40;
            num_parts = 2;
            first = false;
        } else {
            parts[0] = v;
            put_char(o, '.');
        }
        for (size_t k = 0; k < num_parts; k++) {
            if (k > 0) {
                put_char(o, '.');
            }
            size_t n = 0;
            uint64_t x = parts[k];
            do {
                digits[n++] = (char)('0' + x % 10);
                x /= 10;
            } while (x != 0);
            while (n > 0) {
                put_char(o, digits[--n]);
            }
        }
        v = 0;
    }
}

static void
put_utf8(struct out *o, uint32_t cp)
{
    if (cp < 0x80) {
        put_char(o, (char)cp);
    } else if (cp < 0x800) {
        put_char(o, (char)(0xC0 | (cp >> 6)));
        put_char(o, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        put_char(o, (char)(0xE0 | (cp >> 12)));
        put_char(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put_char(o, (char)(0x80 | (cp & 0x3F)));
    } else {
        put_char(o, (char)(0xF0 | (cp >> 18)));
        put_char(o, (char)(0x80 | ((cp >> 12) & 0x3F)));
        put_char(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put_char(o, (char)(0x80 | (cp & 0x3F)));
    }
}

/* put_escaped_cp writes one code point of a value with RFC 4514 §2.4
 * escaping (control characters as \XX of their UTF-8 bytes). */
static void
put_escaped_cp(struct out *o, uint32_t cp, bool first, bool last)
{
    if ((first && (cp == '#' || cp == ' ')) || (last && cp == ' ') ||
        cp == ',' || cp == '+' || cp == '"' || cp == '\\' || cp == '<' ||
        cp == '>' || cp == ';') {
        put_char(o, '\\');
        put_char(o, (char)cp);
        return;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
        struct out tmp = {(char[8]){0}, 8, 0, false};
        put_utf8(&tmp, cp);
        for (size_t i = 0; i < tmp.len; i++) {
            put_char(o, '\\');
            put_hex_byte(o, (uint8_t)tmp.p[i]);
        }
        return;
    }
    put_utf8(o, cp);
}

/* string_width: octets per character of a string type wax renders as
 * text (4 for UCS-4, 2 for UCS-2, 1 for the 8-bit sets, 0 for UTF-8), or
 * -1 when the type is rendered as hex. */
static int
string_width(uint32_t tag)
{
    switch (tag) {
    case WAX_DER_UTF8_STRING:
        return 0;
    case WAX_DER_PRINTABLE_STRING:
    case WAX_DER_IA5_STRING:
    case WAX_DER_VISIBLE_STRING:
    case WAX_DER_NUMERIC_STRING:
    case WAX_DER_T61_STRING:
        return 1;
    case WAX_DER_BMP_STRING:
        return 2;
    case WAX_DER_UNIVERSAL_STRING:
        return 4;
    default:
        return -1;
    }
}

/* next_cp decodes the character at *POS of a string value. */
static bool
next_cp(struct wax_span v, int width, size_t *pos, uint32_t *out)
{
    size_t i = *pos;
    uint32_t cp = 0;
    if (width == 0) {
        size_t n = x509_utf8_decode(v.p + i, v.len - i, &cp);
        if (n == 0) {
            return false;
        }
        *pos = i + n;
    } else {
        if (v.len - i < (size_t)width) {
            return false;
        }
        for (int k = 0; k < width; k++) {
            cp = (cp << 8) | v.p[i + (size_t)k];
        }
        *pos = i + (size_t)width;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
    }
    *out = cp;
    return true;
}

static bool
value_decodes(struct wax_span v, int width)
{
    size_t pos = 0;
    uint32_t cp;
    while (pos < v.len) {
        if (!next_cp(v, width, &pos, &cp)) {
            return false;
        }
    }
    return true;
}

/* put_value writes a value as text, or as '#' and the hex of its DER when
 * it is not a string wax can decode or when the type is shown dotted
 * (RFC 4514 §2.4 asks for the hex form then). */
static void
put_value(struct out *o, const struct wax_x509_name_attr *a, bool dotted)
{
    int width = string_width(a->value_tag);
    if (dotted || width < 0 || !value_decodes(a->value, width)) {
        put_char(o, '#');
        for (size_t i = 0; i < a->value_der.len; i++) {
            put_hex_byte(o, a->value_der.p[i]);
        }
        return;
    }
    size_t pos = 0;
    bool first = true;
    while (pos < a->value.len) {
        uint32_t cp;
        (void)next_cp(a->value, width, &pos, &cp);
        put_escaped_cp(o, cp, first, pos == a->value.len);
        first = false;
    }
}

wax_err
wax_x509_name_format(struct wax_span name, char *out, size_t out_cap,
                     size_t *out_len)
{
    struct wax_x509_name_attr attrs[WAX_MAX_NAME_ATTRIBUTES];
    size_t n, num_rdns;
    WAX_TRY(collect_attrs(name, attrs, &n, &num_rdns));
    struct out o = {out, out_cap, 0, false};
    /* RDNs from the last to the first (RFC 4514 §2.1). */
    size_t end = n;
    while (end > 0) {
        size_t start = end;
        while (start > 0 &&
               attrs[start - 1].rdn_index == attrs[end - 1].rdn_index) {
            start--;
        }
        if (end != n) {
            put_char(&o, ',');
        }
        for (size_t i = start; i < end; i++) {
            if (i != start) {
                put_char(&o, '+');
            }
            const char *sn = wax_x509_attr_short_name(attrs[i].type_id);
            if (sn != NULL) {
                put_str(&o, sn);
            } else {
                put_dotted(&o, attrs[i].type);
            }
            put_char(&o, '=');
            put_value(&o, &attrs[i], sn == NULL);
        }
        end = start;
    }
    if (out_cap > 0) {
        out[o.overflow ? 0 : o.len] = '\0';
    }
    WAX_ENSURE(!o.overflow && out_cap > 0, WAX_ERR_BUF_TOO_SMALL);
    *out_len = o.len;
    return WAX_OK;
}
