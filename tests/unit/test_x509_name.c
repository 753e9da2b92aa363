/* Unit tests: names - checking, RFC 5280 §7.1 comparison tables and the
 * RFC 4514 string form. */
#include "../harness.h"
#include "x509_build.h"

/* ATV: an AttributeTypeAndValue with OID contents and a value TLV. */
static struct xb
ATV(const char *oid_hex, struct xb value) {
    return SEQ(2, T(0x06, 1, H(oid_hex)), value);
}

#define CN "55 04 03"
#define O "55 04 0A"
#define OU "55 04 0B"
#define C "55 04 06"
#define EMAIL "2A 86 48 86 F7 0D 01 09 01"
#define DC "09 92 26 89 93 F2 2C 64 01 19"

static struct xb
UTF8(const char *s) {
    return T(0x0C, 1, S(s));
}

static struct xb
PRINTABLE(const char *s) {
    return T(0x13, 1, S(s));
}

static struct xb
IA5(const char *s) {
    return T(0x16, 1, S(s));
}

static struct wax_span
span_of(const struct xb *b)
{
    return (struct wax_span){b->p, b->n};
}

TEST(x509_name_equal_table)
{
    static struct {
        struct xb a, b;
        bool equal;
    } cases[16];
    size_t n = 0;
    /* case and whitespace folding (RFC 4518) */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("Alice Lovelace"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("  alice   LOVELACE "))));
    cases[n++].equal = true;
    /* PrintableString against UTF8String */
    cases[n].a = SEQ(1, SET(1, ATV(O, PRINTABLE("IETF"))));
    cases[n].b = SEQ(1, SET(1, ATV(O, UTF8("ietf"))));
    cases[n++].equal = true;
    /* inner space is significant as one space */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("AliceLovelace"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("Alice Lovelace"))));
    cases[n++].equal = false;
    /* other characters differ */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("Alice"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("Alicf"))));
    cases[n++].equal = false;
    /* non-ASCII: no Unicode folding, code points compared */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("\xC3\xA9t\xC3\xA9"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("\xC3\xA9T\xC3\xA9"))));
    cases[n++].equal = true;
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("\xC3\xA9t\xC3\xA9"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("\xC3\x89t\xC3\xA9"))));
    cases[n++].equal = false;
    /* soft hyphen maps to nothing, no-break space to space */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("Ali\xC2\xAD"
                                            "ce A"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, UTF8("Alice\xC2\xA0"
                                            "A"))));
    cases[n++].equal = true;
    /* other string types compare as bytes: BMPString "A" vs "a" */
    cases[n].a = SEQ(1, SET(1, ATV(CN, H("1E 02 00 41"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, H("1E 02 00 61"))));
    cases[n++].equal = false;
    cases[n].a = SEQ(1, SET(1, ATV(CN, H("1E 02 00 41"))));
    cases[n].b = SEQ(1, SET(1, ATV(CN, H("1E 02 00 41"))));
    cases[n++].equal = true;
    /* different attribute types */
    cases[n].a = SEQ(1, SET(1, ATV(CN, UTF8("x"))));
    cases[n].b = SEQ(1, SET(1, ATV(OU, UTF8("x"))));
    cases[n++].equal = false;
    /* multi-valued RDN: order inside the SET does not matter */
    cases[n].a = SEQ(1, SET(2, ATV(CN, UTF8("a")), ATV(OU, UTF8("b"))));
    cases[n].b = SEQ(1, SET(2, ATV(OU, UTF8("B")), ATV(CN, UTF8("A"))));
    cases[n++].equal = true;
    /* but the RDN structure does */
    cases[n].a = SEQ(1, SET(2, ATV(CN, UTF8("a")), ATV(OU, UTF8("b"))));
    cases[n].b = SEQ(2, SET(1, ATV(CN, UTF8("a"))), SET(1, ATV(OU, UTF8("b"))));
    cases[n++].equal = false;
    /* RDN order matters */
    cases[n].a =
        SEQ(2, SET(1, ATV(C, PRINTABLE("UK"))), SET(1, ATV(CN, UTF8("a"))));
    cases[n].b =
        SEQ(2, SET(1, ATV(CN, UTF8("a"))), SET(1, ATV(C, PRINTABLE("UK"))));
    cases[n++].equal = false;
    /* IA5String (emailAddress, DC) folds case too */
    cases[n].a = SEQ(1, SET(1, ATV(EMAIL, IA5("Alice@Example.COM"))));
    cases[n].b = SEQ(1, SET(1, ATV(EMAIL, IA5("alice@example.com"))));
    cases[n++].equal = true;
    /* empty names */
    cases[n].a = H("30 00");
    cases[n].b = H("30 00");
    cases[n++].equal = true;
    /* malformed names are never equal */
    cases[n].a = H("30 02 31 00");
    cases[n].b = H("30 02 31 00");
    cases[n++].equal = false;
    for (size_t i = 0; i < n; i++) {
        bool got =
            wax_x509_name_equal(span_of(&cases[i].a), span_of(&cases[i].b));
        bool rev =
            wax_x509_name_equal(span_of(&cases[i].b), span_of(&cases[i].a));
        CHECK_MSG(got == cases[i].equal && rev == got,
                  "case %zu: got %d/%d, want %d", i, got, rev, cases[i].equal);
    }
    CHECK(wax_x509_name_is_empty(span_of(&cases[14].a)));
    CHECK(!wax_x509_name_is_empty(span_of(&cases[0].a)));
}

TEST(x509_name_format_table)
{
    static struct {
        struct xb name;
        const char *want;
    } cases[16];
    size_t n = 0;
    cases[n].name =
        SEQ(3, SET(1, ATV(O, UTF8("IETF"))), SET(1, ATV(OU, UTF8("LAMPS WG"))),
            SET(1, ATV(CN, UTF8("Alice Lovelace"))));
    cases[n++].want = "CN=Alice Lovelace,OU=LAMPS WG,O=IETF";
    cases[n].name = SEQ(1, SET(2, ATV(CN, UTF8("a")), ATV(OU, UTF8("b"))));
    cases[n++].want = "CN=a+OU=b";
    /* RFC 4514 §2.4 escapes */
    cases[n].name = SEQ(1, SET(1, ATV(CN, UTF8("a,b+c\"d\\e<f>g;h"))));
    cases[n++].want = "CN=a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h";
    cases[n].name = SEQ(1, SET(1, ATV(CN, UTF8("#x "))));
    cases[n++].want = "CN=\\#x\\ ";
    cases[n].name = SEQ(1, SET(1, ATV(CN, UTF8(" x#"))));
    cases[n++].want = "CN=\\ x#";
    /* control characters as \XX, also in the middle */
    cases[n].name = SEQ(1, SET(1, ATV(CN, UTF8("a\nb\x7F"))));
    cases[n++].want = "CN=a\\0Ab\\7F";
    /* UTF-8 passes through; BMP and Universal are decoded */
    cases[n].name = SEQ(1, SET(1, ATV(CN, UTF8("\xC3\xA9"))));
    cases[n++].want = "CN=\xC3\xA9";
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("1E 04 00 E9 00 41"))));
    cases[n++].want = "CN=\xC3\xA9"
                      "A";
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("1C 04 00 01 F6 00"))));
    cases[n++].want = "CN=\xF0\x9F\x98\x80";
    /* T61String read as Latin-1 */
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("14 01 E9"))));
    cases[n++].want = "CN=\xC3\xA9";
    /* unknown attribute type: dotted; non-string value: #hex of DER */
    cases[n].name = SEQ(1, SET(1, ATV("2A 03 04", H("02 01 05"))));
    cases[n++].want = "1.2.3.4=#020105";
    cases[n].name = SEQ(1, SET(1, ATV("88 37 03", UTF8("x"))));
    cases[n++].want = "2.999.3=#0C0178";
    cases[n].name =
        SEQ(2, SET(1, ATV(DC, IA5("org"))), SET(1, ATV(EMAIL, IA5("a@b.org"))));
    cases[n++].want = "emailAddress=a@b.org,DC=org";
    cases[n].name = H("30 00");
    cases[n++].want = "";
    for (size_t i = 0; i < n; i++) {
        char out[256];
        size_t len = 0;
        wax_err err = wax_x509_name_format(span_of(&cases[i].name), out,
                                           sizeof out, &len);
        CHECK_MSG(err == WAX_OK, "case %zu: %s", i, wax_err_name(err));
        CHECK_MSG(strcmp(out, cases[i].want) == 0 &&
                      len == strlen(cases[i].want),
                  "case %zu: got \"%s\", want \"%s\"", i, out, cases[i].want);
    }
    /* a buffer one byte short */
    char small[9];
    size_t len;
    struct xb nm = SEQ(1, SET(1, ATV(CN, UTF8("Alice"))));
    CHECK_ERR(wax_x509_name_format(span_of(&nm), small, 8, &len),
              WAX_ERR_BUF_TOO_SMALL);
    CHECK_OK(wax_x509_name_format(span_of(&nm), small, 9, &len));
    CHECK_STR(small, "CN=Alice");
}

TEST(x509_name_invalid_table)
{
    static struct {
        struct xb name;
        wax_err err;
    } cases[12];
    size_t n = 0;
    cases[n].name = H("30 02 31 00"); /* empty RDN */
    cases[n++].err = WAX_ERR_X509_BAD_NAME;
    cases[n].name = H("31 00"); /* not a SEQUENCE */
    cases[n++].err = WAX_ERR_X509_BAD_NAME;
    cases[n].name = H("30 00 00"); /* trailing */
    cases[n++].err = WAX_ERR_X509_BAD_NAME;
    cases[n].name = SEQ(1, SET(1, SEQ(1, T(0x06, 1, H(CN)))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* no value */
    cases[n].name =
        SEQ(1, SET(1, SEQ(3, T(0x06, 1, H(CN)), UTF8("a"), UTF8("b"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* two values */
    cases[n].name = SEQ(1, SET(1, SEQ(2, H("04 01 00"), UTF8("a"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* type not an OID */
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("0C 02 C3 28"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* bad UTF-8 */
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("13 01 40"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* '@' not printable */
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("1E 03 00 41 00"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* odd BMPString */
    cases[n].name = SEQ(1, SET(1, ATV(CN, H("16 01 80"))));
    cases[n++].err = WAX_ERR_X509_BAD_NAME; /* 8-bit IA5String */
    for (size_t i = 0; i < n; i++) {
        wax_err err = wax_x509_name_check(span_of(&cases[i].name));
        CHECK_MSG(err == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(err), wax_err_name(cases[i].err));
    }
    /* more than WAX_MAX_NAME_ATTRIBUTES attributes */
    struct xb many = {{0}, 0};
    for (int i = 0; i <= WAX_MAX_NAME_ATTRIBUTES; i++) {
        struct xb rdn = SET(1, ATV(CN, UTF8("x")));
        xb_put(&many, rdn.p, rdn.n);
    }
    struct xb name = SEQ(1, many);
    CHECK_ERR(wax_x509_name_check(span_of(&name)), WAX_ERR_LIMIT_EXCEEDED);
}

TEST(x509_name_iterator)
{
    struct xb name = SEQ(2, SET(1, ATV(C, PRINTABLE("UK"))),
                         SET(2, ATV(CN, UTF8("a")), ATV(OU, UTF8("b"))));
    struct wax_x509_name_iter it;
    struct wax_x509_name_attr a;
    bool present;
    CHECK_OK(wax_x509_name_iter_init(&it, span_of(&name)));
    CHECK_OK(wax_x509_name_next(&it, &a, &present));
    CHECK(present && a.type_id == WAX_OID_AT_COUNTRY && a.rdn_index == 0 &&
          !a.continues_rdn && a.value_tag == WAX_DER_PRINTABLE_STRING);
    CHECK_MEM(a.value.p, a.value.len, "UK", 2);
    CHECK_OK(wax_x509_name_next(&it, &a, &present));
    CHECK(present && a.type_id == WAX_OID_AT_COMMON_NAME && a.rdn_index == 1 &&
          !a.continues_rdn);
    CHECK_OK(wax_x509_name_next(&it, &a, &present));
    CHECK(present && a.type_id == WAX_OID_AT_ORGANIZATIONAL_UNIT &&
          a.rdn_index == 1 && a.continues_rdn);
    CHECK_OK(wax_x509_name_next(&it, &a, &present));
    CHECK(!present);
    CHECK_STR(wax_x509_attr_short_name(WAX_OID_AT_STATE), "ST");
    CHECK(wax_x509_attr_short_name(WAX_OID_SHA256) == NULL);
}
