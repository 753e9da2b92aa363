/*
 * Distinguished-name strings to DER Names: RFC 4514 ("CN=Alice,O=Example,
 * C=DE") and the OpenSSL form ("/C=DE/O=Example/CN=Alice").
 *
 *   Name ::= CHOICE { rdnSequence RDNSequence }
 *   RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }
 *
 * The text is read in one pass into a table of attributes whose decoded
 * values live in one scratch buffer no longer than the text; the Name is
 * then built with the DER builder in DER order.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/pki.h>

#include "pki_int.h"

/* Longest dotted OID accepted as an attribute type, as DER contents. */
#define DN_MAX_OID_BYTES 64

/* ------------------------------------------------------------------ */
/* Attribute types.                                                    */

struct attr_type {
    const char *name;  /* RFC 4514 / OpenSSL short name */
    const char *alias; /* long name, or NULL */
    enum wax_oid_id id;
    uint32_t tag;     /* value encoding */
    size_t min_chars; /* lower bound, in characters */
    size_t max_chars; /* upper bound (RFC 5280 Appendix A), 0: none */
};

static const struct attr_type attr_types[] = {
    {"CN", "commonName", WAX_OID_AT_COMMON_NAME, WAX_DER_UTF8_STRING, 1, 64},
    {"SN", "surname", WAX_OID_AT_SURNAME, WAX_DER_UTF8_STRING, 1, 32768},
    {"serialNumber", NULL, WAX_OID_AT_SERIAL_NUMBER, WAX_DER_PRINTABLE_STRING,
     1, 64},
    {"C", "countryName", WAX_OID_AT_COUNTRY, WAX_DER_PRINTABLE_STRING, 2, 2},
    {"L", "localityName", WAX_OID_AT_LOCALITY, WAX_DER_UTF8_STRING, 1, 128},
    {"ST", "stateOrProvinceName", WAX_OID_AT_STATE, WAX_DER_UTF8_STRING, 1,
     128},
    {"street", "streetAddress", WAX_OID_AT_STREET, WAX_DER_UTF8_STRING, 1, 128},
    {"O", "organizationName", WAX_OID_AT_ORGANIZATION, WAX_DER_UTF8_STRING, 1,
     64},
    {"OU", "organizationalUnitName", WAX_OID_AT_ORGANIZATIONAL_UNIT,
     WAX_DER_UTF8_STRING, 1, 64},
    {"title", NULL, WAX_OID_AT_TITLE, WAX_DER_UTF8_STRING, 1, 64},
    {"description", NULL, WAX_OID_AT_DESCRIPTION, WAX_DER_UTF8_STRING, 1, 1024},
    {"postalCode", NULL, WAX_OID_AT_POSTAL_CODE, WAX_DER_UTF8_STRING, 1, 40},
    {"name", NULL, WAX_OID_AT_NAME, WAX_DER_UTF8_STRING, 1, 32768},
    {"GN", "givenName", WAX_OID_AT_GIVEN_NAME, WAX_DER_UTF8_STRING, 1, 32768},
    {"initials", NULL, WAX_OID_AT_INITIALS, WAX_DER_UTF8_STRING, 1, 32768},
    {"generationQualifier", NULL, WAX_OID_AT_GENERATION_QUALIFIER,
     WAX_DER_UTF8_STRING, 1, 32768},
    {"dnQualifier", NULL, WAX_OID_AT_DN_QUALIFIER, WAX_DER_PRINTABLE_STRING, 1,
     0},
    {"pseudonym", NULL, WAX_OID_AT_PSEUDONYM, WAX_DER_UTF8_STRING, 1, 128},
    {"organizationIdentifier", NULL, WAX_OID_AT_ORGANIZATION_IDENTIFIER,
     WAX_DER_UTF8_STRING, 1, 0},
    {"DC", "domainComponent", WAX_OID_AT_DOMAIN_COMPONENT, WAX_DER_IA5_STRING,
     1, 0},
    {"UID", "userId", WAX_OID_AT_USER_ID, WAX_DER_UTF8_STRING, 1, 256},
    {"emailAddress", "E", WAX_OID_PKCS9_EMAIL_ADDRESS, WAX_DER_IA5_STRING, 1,
     255},
    /* PKCS#9 (RFC 2985): PKCS9String, of which wax writes UTF8String */
    {"unstructuredName", NULL, WAX_OID_PKCS9_UNSTRUCTURED_NAME,
     WAX_DER_UTF8_STRING, 1, 255},
    {"unstructuredAddress", NULL, WAX_OID_PKCS9_UNSTRUCTURED_ADDRESS,
     WAX_DER_UTF8_STRING, 1, 0},
};

/* An unknown dotted OID: any non-empty UTF-8 value. */
static const struct attr_type unknown_type = {
    NULL, NULL, WAX_OID_UNKNOWN, WAX_DER_UTF8_STRING, 1, 0};

static bool
ascii_ieq(const uint8_t *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    if (n != len) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t a = p[i], b = (uint8_t)s[i];
        if (a >= 'A' && a <= 'Z') {
            a = (uint8_t)(a - 'A' + 'a');
        }
        if (b >= 'A' && b <= 'Z') {
            b = (uint8_t)(b - 'A' + 'a');
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

static const struct attr_type *
type_by_name(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < sizeof attr_types / sizeof attr_types[0]; i++) {
        const struct attr_type *t = &attr_types[i];
        if (ascii_ieq(p, len, t->name) ||
            (t->alias != NULL && ascii_ieq(p, len, t->alias))) {
            return t;
        }
    }
    return NULL;
}

static const struct attr_type *
type_by_id(enum wax_oid_id id)
{
    for (size_t i = 0; i < sizeof attr_types / sizeof attr_types[0]; i++) {
        if (attr_types[i].id == id) {
            return &attr_types[i];
        }
    }
    return &unknown_type;
}

/* ------------------------------------------------------------------ */
/* The scanner.                                                        */

struct dn_attr {
    const struct attr_type *type;
    uint8_t oid[DN_MAX_OID_BYTES];
    size_t oid_len;
    size_t val_off; /* in the scratch buffer */
    size_t val_len;
    bool raw_der; /* an RFC 4514 hexstring: the value's DER */
    size_t rdn;
};

struct dn_scan {
    const uint8_t *p;
    size_t len;
    size_t i;
    bool openssl; /* the "/C=../CN=.." form */
    uint8_t *val; /* scratch for decoded values */
    size_t val_len;
    struct dn_attr attrs[WAX_MAX_NAME_ATTRIBUTES];
    size_t num_attrs;
    size_t num_rdns;
};

static bool
is_alpha(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int
hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* hex_pair_at: P[I] and P[I+1] are hex digits; *OUT their byte. */
static bool
hex_pair_at(const struct dn_scan *s, size_t i, uint8_t *out)
{
    if (i + 1 >= s->len) {
        return false;
    }
    int hi = hex_value(s->p[i]), lo = hex_value(s->p[i + 1]);
    if (hi < 0 || lo < 0) {
        return false;
    }
    *out = (uint8_t)(hi << 4 | lo);
    return true;
}

/* put_base128 appends V in base 128 (X.690 §8.19.2) to OUT at *LEN. */
static bool
put_base128(uint8_t *out, size_t *len, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)(v & 0x7F);
        v >>= 7;
    } while (v != 0);
    if (n > DN_MAX_OID_BYTES - *len) {
        return false;
    }
    while (n > 0) {
        n--;
        out[(*len)++] = (uint8_t)(tmp[n] | (n > 0 ? 0x80 : 0));
    }
    return true;
}

/*
 * parse_numeric_oid encodes the dotted OID P[0..LEN) (RFC 4512
 * numericoid: number 1*( "." number ), no leading zeros) as DER contents.
 */
static wax_err
parse_numeric_oid(const uint8_t *p, size_t len, struct dn_attr *a)
{
    uint64_t arcs[2] = {0, 0};
    size_t num_arcs = 0, i = 0;
    a->oid_len = 0;
    while (true) {
        size_t start = i;
        uint64_t v = 0;
        while (i < len && is_digit(p[i])) {
            uint64_t d = (uint64_t)(p[i] - '0');
            WAX_ENSURE(v <= (UINT64_MAX - d) / 10, WAX_ERR_PKI_BAD_DN);
            v = v * 10 + d;
            i++;
        }
        WAX_ENSURE(i > start, WAX_ERR_PKI_BAD_DN);
        WAX_ENSURE(p[start] != '0' || i - start == 1, WAX_ERR_PKI_BAD_DN);
        if (num_arcs < 2) {
            arcs[num_arcs] = v;
            if (num_arcs == 1) {
                WAX_ENSURE(arcs[0] <= 2, WAX_ERR_PKI_BAD_DN);
                WAX_ENSURE(arcs[0] == 2 || arcs[1] < 40, WAX_ERR_PKI_BAD_DN);
                WAX_ENSURE(arcs[1] <= UINT64_MAX - 80, WAX_ERR_PKI_BAD_DN);
                WAX_ENSURE(
                    put_base128(a->oid, &a->oid_len, arcs[0] * 40 + arcs[1]),
                    WAX_ERR_PKI_BAD_DN);
            }
        } else {
            WAX_ENSURE(put_base128(a->oid, &a->oid_len, v), WAX_ERR_PKI_BAD_DN);
        }
        num_arcs++;
        if (i == len) {
            break;
        }
        WAX_ENSURE(p[i] == '.', WAX_ERR_PKI_BAD_DN);
        i++;
    }
    WAX_ENSURE(num_arcs >= 2, WAX_ERR_PKI_BAD_DN);
    struct wax_span oid;
    wax_span_init(&oid, a->oid, a->oid_len);
    a->type = type_by_id(wax_oid_find(oid));
    return WAX_OK;
}

/*
 * scan_type reads an attribute type and the '=' after it:
 *   attributeType = descr / numericoid
 *   descr = ALPHA *( ALPHA / DIGIT / "-" )
 */
static wax_err
scan_type(struct dn_scan *s, struct dn_attr *a)
{
    size_t start = s->i;
    WAX_ENSURE(s->i < s->len, WAX_ERR_PKI_BAD_DN);
    uint8_t first = s->p[s->i];
    if (is_alpha(first)) {
        while (s->i < s->len && (is_alpha(s->p[s->i]) || is_digit(s->p[s->i]) ||
                                 s->p[s->i] == '-')) {
            s->i++;
        }
    } else if (is_digit(first)) {
        while (s->i < s->len && (is_digit(s->p[s->i]) || s->p[s->i] == '.')) {
            s->i++;
        }
    } else {
        WAX_FAIL(WAX_ERR_PKI_BAD_DN);
    }
    WAX_ENSURE(s->i < s->len && s->p[s->i] == '=', WAX_ERR_PKI_BAD_DN);
    const uint8_t *name = s->p + start;
    size_t name_len = s->i - start;
    s->i++; /* '=' */
    if (is_digit(first)) {
        return parse_numeric_oid(name, name_len, a);
    }
    const struct attr_type *t = type_by_name(name, name_len);
    WAX_ENSURE(t != NULL, WAX_ERR_PKI_DN_UNKNOWN_ATTR);
    struct wax_span oid = wax_oid_span(t->id);
    memcpy(a->oid, oid.p, oid.len);
    a->oid_len = oid.len;
    a->type = t;
    return WAX_OK;
}

static void
put_val(struct dn_scan *s, uint8_t c)
{
    /* The scratch buffer is as long as the text and no value byte is
     * produced without consuming at least one text byte. */
    s->val[s->val_len++] = c;
}

/*
 * scan_value_rfc4514 reads an attributeValue (RFC 4514 §3):
 *   attributeValue = string / hexstring
 *   string = [ ( leadchar / pair ) [ *( stringchar / pair )
 *              ( trailchar / pair ) ] ]
 *   pair = ESC ( ESC / special / hexpair )
 *   special = escaped / SPACE / SHARP / EQUALS
 *   escaped = DQUOTE / PLUS / COMMA / SEMI / LANGLE / RANGLE
 *   hexstring = SHARP 1*hexpair
 * stringchar excludes the escaped characters and ESC; leadchar also
 * excludes SPACE and SHARP, trailchar SPACE.
 */
static wax_err
scan_value_rfc4514(struct dn_scan *s, struct dn_attr *a)
{
    a->val_off = s->val_len;
    if (s->i < s->len && s->p[s->i] == '#') {
        s->i++;
        uint8_t b;
        while (hex_pair_at(s, s->i, &b)) {
            put_val(s, b);
            s->i += 2;
        }
        WAX_ENSURE(s->val_len > a->val_off, WAX_ERR_PKI_BAD_DN);
        WAX_ENSURE(s->i == s->len || s->p[s->i] == ',' || s->p[s->i] == '+',
                   WAX_ERR_PKI_BAD_DN);
        a->raw_der = true;
        a->val_len = s->val_len - a->val_off;
        return WAX_OK;
    }
    bool first = true, last_plain_space = false;
    while (s->i < s->len && s->p[s->i] != ',' && s->p[s->i] != '+') {
        uint8_t c = s->p[s->i];
        if (c == '\\') {
            uint8_t b;
            if (hex_pair_at(s, s->i + 1, &b)) {
                s->i += 3;
            } else {
                WAX_ENSURE(s->i + 1 < s->len, WAX_ERR_PKI_BAD_DN);
                b = s->p[s->i + 1];
                WAX_ENSURE(strchr("\"+,;<> #=\\", b) != NULL && b != '\0',
                           WAX_ERR_PKI_BAD_DN);
                s->i += 2;
            }
            put_val(s, b);
            last_plain_space = false;
        } else {
            WAX_ENSURE(strchr("\";<>", c) == NULL, WAX_ERR_PKI_BAD_DN);
            WAX_ENSURE(!(first && c == ' '), WAX_ERR_PKI_BAD_DN);
            put_val(s, c);
            s->i++;
            last_plain_space = c == ' ';
        }
        first = false;
    }
    WAX_ENSURE(!last_plain_space, WAX_ERR_PKI_BAD_DN);
    a->val_len = s->val_len - a->val_off;
    return WAX_OK;
}

/* scan_value_openssl reads a value of the "/C=../CN=.." form: up to an
 * unescaped '/' or '+', "\c" standing for c. */
static wax_err
scan_value_openssl(struct dn_scan *s, struct dn_attr *a)
{
    a->val_off = s->val_len;
    while (s->i < s->len && s->p[s->i] != '/' && s->p[s->i] != '+') {
        if (s->p[s->i] == '\\') {
            WAX_ENSURE(s->i + 1 < s->len, WAX_ERR_PKI_BAD_DN);
            s->i++;
        }
        put_val(s, s->p[s->i]);
        s->i++;
    }
    a->val_len = s->val_len - a->val_off;
    return WAX_OK;
}

/* check_value: the decoded value fits its type (see wax/pki.h). */
static wax_err
check_value(const struct dn_scan *s, const struct dn_attr *a)
{
    struct wax_span v;
    wax_span_init(&v, s->val + a->val_off, a->val_len);
    if (a->raw_der) {
        WAX_ENSURE(wax_der_validate(v.p, v.len, WAX_MAX_DER_DEPTH) == WAX_OK,
                   WAX_ERR_PKI_DN_BAD_VALUE);
        return WAX_OK;
    }
    WAX_ENSURE(v.len > 0, WAX_ERR_PKI_DN_BAD_VALUE);
    WAX_ENSURE(wax_der_check_primitive(WAX_DER_UTF8_STRING, v) == WAX_OK,
               WAX_ERR_PKI_DN_BAD_VALUE);
    WAX_ENSURE(wax_der_check_primitive(a->type->tag, v) == WAX_OK,
               WAX_ERR_PKI_DN_BAD_VALUE);
    size_t chars = 0;
    for (size_t i = 0; i < v.len; i++) {
        WAX_ENSURE(v.p[i] >= 0x20 && v.p[i] != 0x7F, WAX_ERR_PKI_DN_BAD_VALUE);
        chars += (v.p[i] & 0xC0) != 0x80;
    }
    WAX_ENSURE(chars >= a->type->min_chars, WAX_ERR_PKI_DN_BAD_VALUE);
    WAX_ENSURE(a->type->max_chars == 0 || chars <= a->type->max_chars,
               WAX_ERR_PKI_DN_VALUE_TOO_LONG);
    return WAX_OK;
}

/* scan_attr reads one "type=value" and checks it; *OUT_SEP is the
 * separator after it (0 at the end of the text). */
static wax_err
scan_attr(struct dn_scan *s, uint8_t *out_sep)
{
    WAX_ENSURE(s->num_attrs < WAX_MAX_NAME_ATTRIBUTES, WAX_ERR_LIMIT_EXCEEDED);
    struct dn_attr *a = &s->attrs[s->num_attrs];
    memset(a, 0, sizeof *a);
    if (!s->openssl) {
        while (s->i < s->len && s->p[s->i] == ' ') {
            s->i++;
        }
    }
    WAX_TRY(scan_type(s, a));
    if (s->openssl) {
        WAX_TRY(scan_value_openssl(s, a));
    } else {
        WAX_TRY(scan_value_rfc4514(s, a));
    }
    *out_sep = s->i < s->len ? s->p[s->i] : 0;
    if (*out_sep != 0) {
        s->i++;
        /* A separator must be followed by another attribute. */
        WAX_ENSURE(s->i < s->len, WAX_ERR_PKI_BAD_DN);
    }
    a->rdn = s->num_rdns;
    for (size_t j = s->num_attrs; j > 0 && s->attrs[j - 1].rdn == a->rdn; j--) {
        const struct dn_attr *b = &s->attrs[j - 1];
        WAX_ENSURE(b->oid_len != a->oid_len ||
                       memcmp(b->oid, a->oid, a->oid_len) != 0,
                   WAX_ERR_PKI_BAD_DN);
    }
    WAX_TRY(check_value(s, a));
    s->num_attrs++;
    return WAX_OK;
}

static wax_err
scan_dn(struct dn_scan *s)
{
    if (s->len == 0 || (s->openssl && s->len == 1)) {
        return WAX_OK; /* "" and "/": the empty Name */
    }
    if (s->openssl) {
        s->i = 1;
    }
    uint8_t rdn_sep = s->openssl ? '/' : ',';
    while (true) {
        uint8_t sep;
        WAX_TRY(scan_attr(s, &sep));
        if (sep == 0) {
            s->num_rdns++;
            return WAX_OK;
        }
        if (sep == rdn_sep) {
            s->num_rdns++;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Building the Name.                                                  */

static wax_err
build_rdn(struct wax_der_builder *seq, const struct dn_scan *s, size_t rdn)
{
    struct wax_der_builder set, atv;
    WAX_TRY(wax_der_builder_open(seq, WAX_DER_SET, &set));
    for (size_t i = 0; i < s->num_attrs; i++) {
        const struct dn_attr *a = &s->attrs[i];
        if (a->rdn != rdn) {
            continue;
        }
        WAX_TRY(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
        WAX_TRY(wax_der_builder_add_oid(&atv, a->oid, a->oid_len));
        if (a->raw_der) {
            WAX_TRY(wax_der_builder_add_element(&atv, s->val + a->val_off,
                                                a->val_len));
        } else {
            WAX_TRY(wax_der_builder_add_string(
                &atv, a->type->tag, s->val + a->val_off, a->val_len));
        }
        WAX_TRY(wax_der_builder_close(&atv));
    }
    WAX_TRY(wax_der_builder_sort_set(&set));
    return wax_der_builder_close(&set);
}

static wax_err
build_name(struct wax_der_builder *b, const struct dn_scan *s)
{
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    for (size_t k = 0; k < s->num_rdns; k++) {
        /* RFC 4514 writes the most specific RDN first: DER order is the
         * reverse. */
        size_t rdn = s->openssl ? k : s->num_rdns - 1 - k;
        WAX_TRY(build_rdn(&seq, s, rdn));
    }
    return wax_der_builder_close(&seq);
}

wax_err
wax_pki_dn_parse(struct wax_buf *out, const char *text, size_t text_len)
{
    WAX_ENSURE(out != NULL && (text != NULL || text_len == 0),
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(text_len <= WAX_MAX_PKI_DN_TEXT, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(text_len == 0 || memchr(text, '\0', text_len) == NULL,
               WAX_ERR_PKI_BAD_DN);

    struct dn_scan *s = calloc(1, sizeof *s);
    WAX_ENSURE(s != NULL, WAX_ERR_NOMEM);
    s->p = (const uint8_t *)text;
    s->len = text_len;
    s->openssl = text_len > 0 && text[0] == '/';
    s->val = malloc(text_len + 1);
    wax_err err = s->val != NULL ? scan_dn(s) : WAX_ERR_NOMEM;

    uint8_t *der = NULL;
    size_t der_len = 0;
    if (err == WAX_OK) {
        struct wax_der_builder b;
        wax_der_builder_init(&b, WAX_MAX_PKI_NAME_BYTES);
        err = build_name(&b, s);
        if (err == WAX_OK) {
            err = wax_der_builder_finish(&b, &der, &der_len);
        }
        wax_der_builder_cleanup(&b);
    }
    if (err == WAX_OK) {
        struct wax_span name;
        wax_span_init(&name, der, der_len);
        /* What we built must be what the parser accepts. */
        err = wax_x509_name_check(name);
    }
    if (err == WAX_OK) {
        err = wax_buf_append(out, der, der_len);
    }
    free(der);
    free(s->val);
    free(s);
    return err;
}
