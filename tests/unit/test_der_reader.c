/* Unit tests: the strict DER reader (span, tags, lengths, typed getters)
 * and wax_der_validate. Encodings are written out by hand from X.690. */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "../harness.h"

/* hex decodes HEX (spaces ignored) into BUF; returns the length, or
 * SIZE_MAX on a malformed string (a broken table row). */
static size_t
hex(const char *hex, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p != '\0'; p++) {
        int v;
        if (*p == ' ') {
            continue;
        } else if (*p >= '0' && *p <= '9') {
            v = *p - '0';
        } else if (*p >= 'a' && *p <= 'f') {
            v = *p - 'a' + 10;
        } else if (*p >= 'A' && *p <= 'F') {
            v = *p - 'A' + 10;
        } else {
            return SIZE_MAX;
        }
        if (hi < 0) {
            hi = v;
        } else {
            if (n == cap) {
                return SIZE_MAX;
            }
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return hi < 0 ? n : SIZE_MAX;
}

#define SPAN_SAME(a, b) ((a).p == (b).p && (a).len == (b).len)

/* ------------------------------------------------------------------ */
/* Spans.                                                              */

TEST(span_getters_check_bounds)
{
    static const uint8_t data[] = {1, 2, 3};
    struct wax_span s, sub;
    uint8_t b;
    wax_span_init(&s, data, sizeof data);
    CHECK(wax_span_get_u8(&s, &b) && b == 1 && s.len == 2);
    CHECK(!wax_span_get_bytes(&s, &sub, 3));
    CHECK(s.len == 2 && s.p == data + 1);
    CHECK(wax_span_get_bytes(&s, &sub, 2) && sub.p == data + 1 && sub.len == 2);
    CHECK(s.len == 0);
    CHECK(!wax_span_get_u8(&s, &b));
    CHECK(wax_span_skip(&s, 0));
    CHECK(!wax_span_skip(&s, 1));
    wax_span_init(&s, data, sizeof data);
    CHECK(!wax_span_skip(&s, 4) && s.len == 3);
    CHECK(wax_span_skip(&s, 3) && s.len == 0);
}

TEST(span_equal)
{
    static const uint8_t a[] = {1, 2, 3}, b[] = {1, 2, 3}, c[] = {1, 2, 4};
    struct wax_span sa = {a, 3}, sb = {b, 3}, sc = {c, 3}, sshort = {a, 2};
    struct wax_span empty1 = {NULL, 0}, empty2 = {a, 0};
    CHECK(wax_span_equal(sa, sb));
    CHECK(!wax_span_equal(sa, sc));
    CHECK(!wax_span_equal(sa, sshort));
    CHECK(wax_span_equal(empty1, empty2));
    CHECK(wax_span_equal_bytes(sa, b, 3));
    CHECK(!wax_span_equal_bytes(sa, b, 2));
    CHECK(wax_span_equal_bytes(empty1, NULL, 0));
}

/* ------------------------------------------------------------------ */
/* wax_der_validate: every strict-DER rule with its exact error.       */

struct validate_row {
    const char *hex;
    wax_err want;
};

static const struct validate_row validate_rows[] = {
    /* X.690 examples */
    {"0101FF", WAX_OK},                      /* §8.2 BOOLEAN TRUE */
    {"300A 1605 536D697468 0101FF", WAX_OK}, /* §8.9.3 SEQUENCE */
    {"0307 040A3B5F291CD0", WAX_OK},         /* §8.6.4.2 BIT STRING */
    {"0603 883703", WAX_OK},                 /* §8.19.5 {2 999 3} */
    {"0500", WAX_OK},                        /* §8.8 NULL */
    {"3000", WAX_OK},
    {"3100", WAX_OK},
    {"0400", WAX_OK},
    {"A003 020101", WAX_OK}, /* [0] EXPLICIT INTEGER */
    {"8001 FF", WAX_OK},     /* [0] IMPLICIT, no rules */
    {"4000", WAX_OK},        /* [APPLICATION 0] */
    {"C000", WAX_OK},        /* [PRIVATE 0] */
    {"0A0100", WAX_OK},
    {"1400", WAX_OK}, /* T61String: anything */
    {"1401 FF", WAX_OK},
    /* truncation */
    {"", WAX_ERR_DER_TRUNCATED},
    {"30", WAX_ERR_DER_TRUNCATED},
    {"3001", WAX_ERR_DER_TRUNCATED},
    {"0402 00", WAX_ERR_DER_TRUNCATED},
    {"0481", WAX_ERR_DER_TRUNCATED},
    {"048201", WAX_ERR_DER_TRUNCATED},
    {"0481FF 00", WAX_ERR_DER_TRUNCATED},
    {"0484 7FFFFFFF 00", WAX_ERR_DER_TRUNCATED},
    {"0488 7FFFFFFFFFFFFFFF", WAX_ERR_DER_TRUNCATED},
    {"3002 0403", WAX_ERR_DER_TRUNCATED},    /* child overruns parent */
    {"3003 0500 04", WAX_ERR_DER_TRUNCATED}, /* child header cut */
    {"9F", WAX_ERR_DER_TRUNCATED},
    {"9F81", WAX_ERR_DER_TRUNCATED},
    {"9F1F", WAX_ERR_DER_TRUNCATED},
    /* tags */
    {"0000", WAX_ERR_DER_BAD_TAG}, /* [UNIVERSAL 0], EOC */
    {"2000", WAX_ERR_DER_BAD_TAG},
    {"1000", WAX_ERR_DER_BAD_TAG},        /* primitive SEQUENCE */
    {"1100", WAX_ERR_DER_BAD_TAG},        /* primitive SET */
    {"0800", WAX_ERR_DER_BAD_TAG},        /* primitive EXTERNAL */
    {"2101 FF", WAX_ERR_DER_BAD_TAG},     /* constructed BOOLEAN */
    {"2203 020100", WAX_ERR_DER_BAD_TAG}, /* constructed INTEGER */
    {"2500", WAX_ERR_DER_BAD_TAG},        /* constructed NULL */
    {"2600", WAX_ERR_DER_BAD_TAG},        /* constructed OID */
    {"2A00", WAX_ERR_DER_BAD_TAG},        /* constructed ENUMERATED */
    {"2900", WAX_ERR_DER_BAD_TAG},        /* constructed REAL */
    {"2D00", WAX_ERR_DER_BAD_TAG},        /* constructed RELATIVE-OID */
    {"0B00", WAX_ERR_DER_BAD_TAG},        /* primitive EMBEDDED PDV */
    {"1D00", WAX_ERR_DER_BAD_TAG},        /* primitive CHARACTER STRING */
    {"2800", WAX_OK},                     /* constructed EXTERNAL */
    {"0900", WAX_OK},                     /* primitive REAL: no content rule */
    {"3200", WAX_ERR_DER_CONSTRUCTED_STRING}, /* NumericString */
    {"3400", WAX_ERR_DER_CONSTRUCTED_STRING}, /* TeletexString */
    {"3500", WAX_ERR_DER_CONSTRUCTED_STRING}, /* VideotexString */
    {"3900", WAX_ERR_DER_CONSTRUCTED_STRING}, /* GraphicString */
    {"3A00", WAX_ERR_DER_CONSTRUCTED_STRING}, /* VisibleString */
    {"3B00", WAX_ERR_DER_CONSTRUCTED_STRING}, /* GeneralString */
    {"3C00", WAX_ERR_DER_CONSTRUCTED_STRING}, /* UniversalString */
    {"A400", WAX_OK}, /* [4] constructed: other classes have no rules */
    {"BF2300", WAX_OK},
    {"9F1E00", WAX_ERR_DER_BAD_TAG},   /* 30 in high-tag form */
    {"9F0000", WAX_ERR_DER_BAD_TAG},   /* 0 in high-tag form */
    {"9F801F00", WAX_ERR_DER_BAD_TAG}, /* leading 0x80 */
    {"9F1F00", WAX_OK},                /* [31] */
    {"BF1F00", WAX_OK},
    {"9F7F00", WAX_OK},                             /* [127] */
    {"9F810000", WAX_OK},                           /* [128] */
    {"9F8180808000 00", WAX_OK},                    /* [2^28] */
    {"9F81FFFFFF7F 00", WAX_OK},                    /* [2^29 - 1] */
    {"9F8280808000 00", WAX_ERR_DER_TAG_TOO_LARGE}, /* [2^29] */
    {"9FFFFFFFFFFF 00", WAX_ERR_DER_TAG_TOO_LARGE},
    {"9F8FFFFFFFFF", WAX_ERR_DER_TAG_TOO_LARGE},
    /* constructed strings */
    {"2300", WAX_ERR_DER_CONSTRUCTED_STRING}, /* BIT STRING */
    {"2400", WAX_ERR_DER_CONSTRUCTED_STRING}, /* OCTET STRING */
    {"2403 040100", WAX_ERR_DER_CONSTRUCTED_STRING},
    {"2480 0000", WAX_ERR_DER_CONSTRUCTED_STRING},
    {"2C00", WAX_ERR_DER_CONSTRUCTED_STRING}, /* UTF8String */
    {"3300", WAX_ERR_DER_CONSTRUCTED_STRING}, /* PrintableString */
    {"3600", WAX_ERR_DER_CONSTRUCTED_STRING}, /* IA5String */
    {"3700", WAX_ERR_DER_CONSTRUCTED_STRING}, /* UTCTime */
    {"3800", WAX_ERR_DER_CONSTRUCTED_STRING}, /* GeneralizedTime */
    {"3E00", WAX_ERR_DER_CONSTRUCTED_STRING}, /* BMPString */
    {"3004 2402 0400", WAX_ERR_DER_CONSTRUCTED_STRING},
    /* lengths */
    {"3080 0000", WAX_ERR_DER_INDEFINITE_LENGTH},
    {"0480", WAX_ERR_DER_INDEFINITE_LENGTH},
    {"3004 3080 0000", WAX_ERR_DER_INDEFINITE_LENGTH},
    {"04FF", WAX_ERR_DER_BAD_LENGTH},
    {"0489 010000000000000000", WAX_ERR_DER_BAD_LENGTH},
    {"04FE", WAX_ERR_DER_BAD_LENGTH},
    {"0481 05 0102030405", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    {"0481 00", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    {"0481 7F", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    {"048200 05 0102030405", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    {"048200", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    {"0482 007F", WAX_ERR_DER_NON_MINIMAL_LENGTH},
    /* trailing data */
    {"0400 00", WAX_ERR_DER_TRAILING_DATA},
    {"0500 0500", WAX_ERR_DER_TRAILING_DATA},
    {"3000 FF", WAX_ERR_DER_TRAILING_DATA},
    /* BOOLEAN */
    {"010100", WAX_OK},
    {"010101", WAX_ERR_DER_BAD_BOOLEAN},
    {"01017F", WAX_ERR_DER_BAD_BOOLEAN},
    {"0100", WAX_ERR_DER_BAD_BOOLEAN},
    {"0102 FFFF", WAX_ERR_DER_BAD_BOOLEAN},
    {"3003 010101", WAX_ERR_DER_BAD_BOOLEAN},
    {"A003 010101", WAX_ERR_DER_BAD_BOOLEAN},
    /* INTEGER, ENUMERATED */
    {"020100", WAX_OK},
    {"0201FF", WAX_OK},
    {"020200FF", WAX_OK},
    {"0202FF7F", WAX_OK},
    {"0200", WAX_ERR_DER_BAD_INTEGER},
    {"02020000", WAX_ERR_DER_BAD_INTEGER},
    {"0202007F", WAX_ERR_DER_BAD_INTEGER},
    {"0202FF80", WAX_ERR_DER_BAD_INTEGER},
    {"0202FFFF", WAX_ERR_DER_BAD_INTEGER},
    {"0A00", WAX_ERR_DER_BAD_INTEGER},
    {"0A020001", WAX_ERR_DER_BAD_INTEGER},
    /* BIT STRING */
    {"030100", WAX_OK},
    {"03020780", WAX_OK},
    {"03020700", WAX_OK}, /* general rules only: no NamedBitList rule */
    {"0300", WAX_ERR_DER_BAD_BIT_STRING},
    {"030101", WAX_ERR_DER_BAD_BIT_STRING},
    {"030107", WAX_ERR_DER_BAD_BIT_STRING},
    {"03020800", WAX_ERR_DER_BAD_BIT_STRING},
    {"0302FF00", WAX_ERR_DER_BAD_BIT_STRING},
    {"03020701", WAX_ERR_DER_BAD_BIT_STRING},
    {"03020140", WAX_OK},
    {"03020101", WAX_ERR_DER_BAD_BIT_STRING},
    {"0303 04 FF08", WAX_ERR_DER_BAD_BIT_STRING},
    /* OBJECT IDENTIFIER */
    {"0603 2A8648", WAX_OK}, /* 1.2.840 */
    {"0601 00", WAX_OK},     /* 0.0 */
    {"0600", WAX_ERR_DER_BAD_OID},
    {"0602 2A86", WAX_ERR_DER_BAD_OID}, /* ends inside an arc */
    {"0601 80", WAX_ERR_DER_BAD_OID},
    {"0602 8001", WAX_ERR_DER_BAD_OID},      /* leading 0x80, first arc */
    {"0603 2A8001", WAX_ERR_DER_BAD_OID},    /* leading 0x80, later arc */
    {"060A 2A 8180808080808080 01", WAX_OK}, /* a huge arc is valid */
    /* NULL */
    {"050100", WAX_ERR_DER_BAD_NULL},
    {"0502 0000", WAX_ERR_DER_BAD_NULL},
    /* strings */
    {"1303 616263", WAX_OK},
    {"130B 41207A20302027282B2C2D", WAX_OK},
    {"1306 2E2F3A3D3F20", WAX_OK},
    {"13012A", WAX_ERR_DER_BAD_STRING}, /* '*' */
    {"130140", WAX_ERR_DER_BAD_STRING}, /* '@' */
    {"130126", WAX_ERR_DER_BAD_STRING}, /* '&' */
    {"13015F", WAX_ERR_DER_BAD_STRING}, /* '_' */
    {"130100", WAX_ERR_DER_BAD_STRING},
    {"1300", WAX_OK},
    {"1601 7F", WAX_OK},
    {"1601 00", WAX_OK},
    {"1601 80", WAX_ERR_DER_BAD_STRING},
    {"1202 3120", WAX_OK},
    {"1201 41", WAX_ERR_DER_BAD_STRING},
    {"1201 2D", WAX_ERR_DER_BAD_STRING},
    {"1A01 20", WAX_OK},
    {"1A01 7E", WAX_OK},
    {"1A01 7F", WAX_ERR_DER_BAD_STRING},
    {"1A01 1F", WAX_ERR_DER_BAD_STRING},
    {"0C02 C3A9", WAX_OK},                     /* U+00E9 */
    {"0C03 E282AC", WAX_OK},                   /* U+20AC */
    {"0C04 F09F9880", WAX_OK},                 /* U+1F600 */
    {"0C04 F48FBFBF", WAX_OK},                 /* U+10FFFF */
    {"0C03 EFBFBF", WAX_OK},                   /* U+FFFF */
    {"0C02 C080", WAX_ERR_DER_BAD_STRING},     /* overlong NUL */
    {"0C02 C1BF", WAX_ERR_DER_BAD_STRING},     /* overlong */
    {"0C03 E08080", WAX_ERR_DER_BAD_STRING},   /* overlong */
    {"0C04 F0808080", WAX_ERR_DER_BAD_STRING}, /* overlong */
    {"0C03 EDA080", WAX_ERR_DER_BAD_STRING},   /* surrogate U+D800 */
    {"0C03 EDBFBF", WAX_ERR_DER_BAD_STRING},   /* surrogate U+DFFF */
    {"0C04 F4908080", WAX_ERR_DER_BAD_STRING}, /* U+110000 */
    {"0C01 FF", WAX_ERR_DER_BAD_STRING},
    {"0C01 80", WAX_ERR_DER_BAD_STRING}, /* lone continuation */
    {"0C01 C3", WAX_ERR_DER_BAD_STRING}, /* cut sequence */
    {"0C02 E282", WAX_ERR_DER_BAD_STRING},
    {"0C02 C341", WAX_ERR_DER_BAD_STRING},       /* bad continuation */
    {"0C05 F888808080", WAX_ERR_DER_BAD_STRING}, /* 5-octet form */
    {"1E02 0041", WAX_OK},
    {"1E00", WAX_OK},
    {"1E01 00", WAX_ERR_DER_BAD_STRING},
    {"1E03 004100", WAX_ERR_DER_BAD_STRING},
    {"1C04 00000041", WAX_OK},
    {"1C02 0041", WAX_ERR_DER_BAD_STRING},
    /* times (more in test_der_time.c) */
    {"170D 3439313233313233353935395A", WAX_OK},
    {"180F 32303530303130313030303030305A", WAX_OK},
    {"170D 3439313333313233353935395A", WAX_ERR_DER_BAD_TIME},
    {"170B 343931323331323335395A", WAX_ERR_DER_BAD_TIME},
    {"1811 32303530303130313030303030302E355A", WAX_ERR_DER_BAD_TIME},
    /* the first problem in document order wins */
    {"3006 010102 0481FF", WAX_ERR_DER_BAD_BOOLEAN},
    {"3006 020100 0200 FF", WAX_ERR_DER_BAD_INTEGER},
    {"3003 020100 0481", WAX_ERR_DER_TRAILING_DATA},
    {"3005 0500 0500 00", WAX_ERR_DER_BAD_TAG},
};

TEST(validate_table)
{
    for (size_t i = 0; i < sizeof validate_rows / sizeof validate_rows[0];
         i++) {
        uint8_t buf[64];
        size_t len = hex(validate_rows[i].hex, buf, sizeof buf);
        CHECK_MSG(len != SIZE_MAX, "bad row %zu", i);
        wax_err got = wax_der_validate(buf, len, WAX_MAX_DER_DEPTH);
        CHECK_MSG(got == validate_rows[i].want, "row %zu (%s): got %s, want %s",
                  i, validate_rows[i].hex, wax_err_name(got),
                  wax_err_name(validate_rows[i].want));
    }
}

TEST(validate_null_input)
{
    CHECK_ERR(wax_der_validate(NULL, 0, 8), WAX_ERR_DER_TRUNCATED);
    CHECK_ERR(wax_der_validate(NULL, 1, 8), WAX_ERR_INVALID_ARGUMENT);
}

TEST(validate_long_form_lengths)
{
    static uint8_t buf[70000];
    /* 128 bytes need the long form with one octet */
    buf[0] = 0x04;
    buf[1] = 0x81;
    buf[2] = 0x80;
    memset(buf + 3, 'a', 128);
    CHECK_OK(wax_der_validate(buf, 3 + 128, 8));
    CHECK_ERR(wax_der_validate(buf, 3 + 127, 8), WAX_ERR_DER_TRUNCATED);
    CHECK_ERR(wax_der_validate(buf, 3 + 129, 8), WAX_ERR_DER_TRAILING_DATA);
    /* 255 in one octet, 256 in two */
    buf[2] = 0xFF;
    CHECK_OK(wax_der_validate(buf, 3 + 255, 8));
    buf[1] = 0x82;
    buf[2] = 0x01;
    buf[3] = 0x00;
    CHECK_OK(wax_der_validate(buf, 4 + 256, 8));
    /* 255 in two octets is not minimal */
    buf[2] = 0x00;
    buf[3] = 0xFF;
    CHECK_ERR(wax_der_validate(buf, 4 + 255, 8),
              WAX_ERR_DER_NON_MINIMAL_LENGTH);
    /* 65536 in three octets */
    buf[1] = 0x83;
    buf[2] = 0x01;
    buf[3] = 0x00;
    buf[4] = 0x00;
    CHECK_OK(wax_der_validate(buf, 5 + 65536, 8));
    CHECK_ERR(wax_der_validate(buf, 5 + 65535, 8), WAX_ERR_DER_TRUNCATED);
}

/* nest builds LEVELS SEQUENCEs around a NULL (LEVELS + 1 levels), from
 * the inside out, at the end of BUF; *OUT points at the result. */
static size_t
nest(uint8_t *buf, size_t cap, size_t levels, uint8_t **out)
{
    size_t start = cap - 2, len = 2;
    buf[start] = 0x05;
    buf[start + 1] = 0x00;
    for (size_t i = 0; i < levels; i++) {
        if (len < 0x80) {
            start -= 2;
            buf[start + 1] = (uint8_t)len;
        } else {
            start -= 3;
            buf[start + 1] = 0x81;
            buf[start + 2] = (uint8_t)len;
        }
        buf[start] = 0x30;
        len = cap - start;
    }
    *out = buf + start;
    return len;
}

TEST(validate_depth)
{
    uint8_t buf[256], *der;
    size_t len = nest(buf, sizeof buf, 2, &der); /* 30 04 30 02 05 00 */
    CHECK_MEM(der, len, "\x30\x04\x30\x02\x05\x00", 6);
    CHECK_OK(wax_der_validate(der, len, 3));
    CHECK_ERR(wax_der_validate(der, len, 2), WAX_ERR_DER_TOO_DEEP);
    CHECK_ERR(wax_der_validate(der, len, 0), WAX_ERR_DER_TOO_DEEP);
    len = nest(buf, sizeof buf, 0, &der);
    CHECK_OK(wax_der_validate(der, len, 1));
    CHECK_ERR(wax_der_validate(der, len, 0), WAX_ERR_DER_TOO_DEEP);
    len = nest(buf, sizeof buf, WAX_MAX_DER_DEPTH - 1, &der);
    CHECK_OK(wax_der_validate(der, len, WAX_MAX_DER_DEPTH));
    CHECK_ERR(wax_der_validate(der, len, WAX_MAX_DER_DEPTH - 1),
              WAX_ERR_DER_TOO_DEEP);
    /* a larger cap counts as WAX_MAX_DER_DEPTH */
    len = nest(buf, sizeof buf, WAX_MAX_DER_DEPTH, &der);
    CHECK_ERR(wax_der_validate(der, len, SIZE_MAX), WAX_ERR_DER_TOO_DEEP);
    CHECK_ERR(wax_der_validate(der, len, WAX_MAX_DER_DEPTH + 1),
              WAX_ERR_DER_TOO_DEEP);
    len = nest(buf, sizeof buf, WAX_MAX_DER_DEPTH - 1, &der);
    CHECK_OK(wax_der_validate(der, len, SIZE_MAX));
    /* an element's header is read before its depth is judged */
    len = nest(buf, sizeof buf, 3, &der); /* the NULL is at level 4 */
    buf[sizeof buf - 1] = 0x80;
    CHECK_ERR(wax_der_validate(der, len, 3), WAX_ERR_DER_INDEFINITE_LENGTH);
    CHECK_ERR(wax_der_validate(der, len, 2), WAX_ERR_DER_TOO_DEEP);
}

TEST(check_primitive_ignores_other_tags)
{
    static const uint8_t junk[] = {0xFF, 0x80};
    struct wax_span s = {junk, sizeof junk};
    CHECK_OK(wax_der_check_primitive(WAX_DER_OCTET_STRING, s));
    CHECK_OK(wax_der_check_primitive(WAX_DER_CONTEXT_TAG(1), s));
    CHECK_OK(wax_der_check_primitive(WAX_DER_SEQUENCE, s));
    CHECK_OK(wax_der_check_primitive(WAX_DER_T61_STRING, s));
    CHECK_ERR(wax_der_check_primitive(WAX_DER_OID, s), WAX_ERR_DER_BAD_OID);
    CHECK_ERR(wax_der_check_primitive(WAX_DER_IA5_STRING, s),
              WAX_ERR_DER_BAD_STRING);
}

/* ------------------------------------------------------------------ */
/* Element getters.                                                    */

/* load points S at the bytes of HEX kept in BUF. */
#define LOAD(s, buf, hexstr)                                                   \
    do {                                                                       \
        size_t load_len_ = hex((hexstr), (buf), sizeof(buf));                  \
        CHECK_MSG(load_len_ != SIZE_MAX, "bad hex %s", (hexstr));              \
        wax_span_init(&(s), (buf), load_len_);                                 \
    } while (0)

TEST(get_any_gives_tag_contents_element)
{
    uint8_t buf[32];
    struct wax_span s, c, e;
    uint32_t tag;
    LOAD(s, buf, "A003 020105 0500");
    CHECK(wax_der_get_any(&s, &tag, &c, &e));
    CHECK_EQ_U64(tag, WAX_DER_CONTEXT_CONS(0));
    CHECK(c.p == buf + 2 && c.len == 3);
    CHECK(e.p == buf && e.len == 5);
    CHECK(s.p == buf + 5 && s.len == 2);
    CHECK(wax_der_get_any(&s, &tag, NULL, NULL) && tag == WAX_DER_NULL);
    CHECK(wax_der_expect_end(&s));
    CHECK(!wax_der_get_any(&s, &tag, &c, &e));

    LOAD(s, buf, "9F8148 02 ABCD");
    CHECK(wax_der_get_any(&s, &tag, &c, NULL));
    CHECK_EQ_U64(tag, WAX_DER_CONTEXT | 200u);
    CHECK_MEM(c.p, c.len, "\xAB\xCD", 2);

    LOAD(s, buf, "7F81FFFFFF7F 00");
    CHECK(wax_der_get_any(&s, &tag, &c, NULL));
    CHECK_EQ_U64(tag, WAX_DER_APPLICATION | WAX_DER_CONSTRUCTED |
                          WAX_DER_TAG_NUMBER_MASK);
}

/* Every header rule makes get_any fail and leave the span as it was. */
TEST(get_any_rejects_and_leaves_span)
{
    static const char *bad[] = {
        "",          "30",
        "3001",      "0000",
        "1000",      "2201 00",
        "2400",      "3080 0000",
        "04FF",      "0481 05 0102030405",
        "048200 80", "9F1E00",
        "9F801F00",  "9F8280808000 00",
        "0402 00",   "0489 010000000000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t buf[32];
        struct wax_span s, before, c = {NULL, 7}, e = {NULL, 9};
        uint32_t tag = 0x1234;
        LOAD(s, buf, bad[i]);
        before = s;
        CHECK_MSG(!wax_der_get_any(&s, &tag, &c, &e), "row %zu", i);
        CHECK_MSG(SPAN_SAME(s, before), "row %zu moved the span", i);
        CHECK_MSG(tag == 0x1234 && c.len == 7 && e.len == 9,
                  "row %zu wrote outputs", i);
    }
}

TEST(peek_and_get_by_tag)
{
    uint8_t buf[32];
    struct wax_span s, before, c;
    uint32_t tag;
    LOAD(s, buf, "3003 020101 BF2000");
    CHECK(wax_der_peek(&s, WAX_DER_SEQUENCE));
    CHECK(!wax_der_peek(&s, WAX_DER_SET));
    CHECK(wax_der_peek_tag(&s, &tag) && tag == WAX_DER_SEQUENCE);
    before = s;
    CHECK(!wax_der_get(&s, WAX_DER_SET, &c));
    CHECK(SPAN_SAME(s, before));
    CHECK(!wax_der_get_element(&s, WAX_DER_INTEGER, &c));
    CHECK(SPAN_SAME(s, before));
    CHECK(wax_der_get_element(&s, WAX_DER_SEQUENCE, &c));
    CHECK(c.p == buf && c.len == 5);
    CHECK(wax_der_peek_tag(&s, &tag));
    CHECK_EQ_U64(tag, WAX_DER_CONTEXT_CONS(32));
    CHECK(wax_der_get(&s, WAX_DER_CONTEXT_CONS(32), &c) && c.len == 0);
    CHECK(wax_der_expect_end(&s));
    CHECK(!wax_der_peek_tag(&s, &tag));
    CHECK(!wax_der_peek(&s, WAX_DER_SEQUENCE));
    /* peek fails on a malformed tag */
    LOAD(s, buf, "9F801F00");
    CHECK(!wax_der_peek_tag(&s, &tag));
}

TEST(get_optional)
{
    uint8_t buf[32];
    struct wax_span s, before, c;
    bool present = true;
    LOAD(s, buf, "A003 020102 0500");
    CHECK(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(1), &c, &present));
    CHECK(!present && s.len == 7);
    CHECK(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &c, &present));
    CHECK(present && c.len == 3 && s.len == 2);
    CHECK(wax_der_get_optional(&s, WAX_DER_NULL, NULL, &present) && present);
    CHECK(wax_der_get_optional(&s, WAX_DER_NULL, NULL, &present) && !present);
    /* a malformed element with the wanted tag fails, span unchanged */
    LOAD(s, buf, "A005 020102");
    before = s;
    CHECK(!wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &c, &present));
    CHECK(SPAN_SAME(s, before));
    LOAD(s, buf, "A081 03 020102");
    before = s;
    CHECK(!wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &c, &present));
    CHECK(SPAN_SAME(s, before));
    /* another tag, even malformed, is simply absent */
    LOAD(s, buf, "0405 00");
    CHECK(wax_der_get_optional(&s, WAX_DER_CONTEXT_CONS(0), &c, &present));
    CHECK(!present && s.len == 3);
}

/* ------------------------------------------------------------------ */
/* Typed getters: table rows of (encoding, success, value).            */

struct bool_row {
    const char *hex;
    bool ok;
    bool value;
};

TEST(get_bool_table)
{
    static const struct bool_row rows[] = {
        {"0101FF", true, true},   {"010100", true, false},
        {"010101", false, false}, {"0101FE", false, false},
        {"0100", false, false},   {"0102FFFF", false, false},
        {"2101FF", false, false}, {"0201FF", false, false},
        {"8101FF", false, false}, {"0101", false, false},
        {"", false, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[16];
        struct wax_span s, before;
        bool v = !rows[i].value;
        LOAD(s, buf, rows[i].hex);
        before = s;
        bool ok = wax_der_get_bool(&s, &v);
        CHECK_MSG(ok == rows[i].ok, "row %zu", i);
        if (ok) {
            CHECK_MSG(v == rows[i].value && s.len == 0, "row %zu", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before), "row %zu moved the span", i);
        }
    }
}

TEST(get_null)
{
    uint8_t buf[16];
    struct wax_span s, before;
    LOAD(s, buf, "0500");
    CHECK(wax_der_get_null(&s) && s.len == 0);
    static const char *bad[] = {"050100", "0400", "2500", "05", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        LOAD(s, buf, bad[i]);
        before = s;
        CHECK_MSG(!wax_der_get_null(&s), "row %zu", i);
        CHECK_MSG(SPAN_SAME(s, before), "row %zu moved the span", i);
    }
}

struct int_row {
    const char *hex;
    bool ok_integer; /* wax_der_get_integer */
    bool negative;
    bool ok_u64;
    uint64_t u64;
    bool ok_i64;
    int64_t i64;
};

TEST(get_integer_table)
{
    static const struct int_row rows[] = {
        {"020100", true, false, true, 0, true, 0},
        {"02017F", true, false, true, 127, true, 127},
        {"02020080", true, false, true, 128, true, 128},
        {"02020100", true, false, true, 256, true, 256},
        {"020180", true, true, false, 0, true, -128},
        {"0201FF", true, true, false, 0, true, -1},
        {"0202FF7F", true, true, false, 0, true, -129},
        {"02087FFFFFFFFFFFFFFF", true, false, true, INT64_MAX, true, INT64_MAX},
        {"02088000000000000000", true, true, false, 0, true, INT64_MIN},
        {"0209008000000000000000", true, false, true, 1ull << 63, false, 0},
        {"020900FFFFFFFFFFFFFFFF", true, false, true, UINT64_MAX, false, 0},
        {"0209010000000000000000", true, false, false, 0, false, 0},
        {"0209FF7FFFFFFFFFFFFFFF", true, true, false, 0, false, 0},
        {"0200", false, false, false, 0, false, 0},
        {"02020000", false, false, false, 0, false, 0},
        {"0202007F", false, false, false, 0, false, 0},
        {"0202FF80", false, false, false, 0, false, 0},
        {"2203020100", false, false, false, 0, false, 0},
        {"0A0101", false, false, false, 0, false, 0}, /* ENUMERATED */
        {"0202", false, false, false, 0, false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct int_row *r = &rows[i];
        uint8_t buf[32];
        struct wax_span s, before, bytes;
        bool neg = !r->negative;
        LOAD(s, buf, r->hex);
        before = s;
        bool ok = wax_der_get_integer(&s, &bytes, &neg);
        CHECK_MSG(ok == r->ok_integer, "row %zu integer", i);
        if (ok) {
            CHECK_MSG(neg == r->negative && s.len == 0, "row %zu", i);
            CHECK_MSG(bytes.p == before.p + 2 && bytes.len == before.len - 2,
                      "row %zu bytes", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before), "row %zu moved", i);
        }
        s = before;
        uint64_t u = 0xDEAD;
        ok = wax_der_get_u64(&s, &u);
        CHECK_MSG(ok == r->ok_u64, "row %zu u64", i);
        if (ok) {
            CHECK_MSG(u == r->u64 && s.len == 0, "row %zu u64 value", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && u == 0xDEAD, "row %zu moved", i);
        }
        s = before;
        int64_t v = 0xBEEF;
        ok = wax_der_get_i64(&s, &v);
        CHECK_MSG(ok == r->ok_i64, "row %zu i64", i);
        if (ok) {
            CHECK_MSG(v == r->i64 && s.len == 0, "row %zu i64 value", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && v == 0xBEEF, "row %zu moved", i);
        }
    }
    /* OUT_NEGATIVE may be NULL */
    uint8_t buf[8];
    struct wax_span s, bytes;
    LOAD(s, buf, "020105");
    CHECK(wax_der_get_integer(&s, &bytes, NULL) && bytes.len == 1);
}

TEST(get_enumerated)
{
    static const struct {
        const char *hex;
        bool ok;
        uint64_t value;
    } rows[] = {
        {"0A0100", true, 0},     {"0A0105", true, 5},
        {"0A020080", true, 128}, {"0A0180", false, 0},
        {"0A020001", false, 0},  {"0A00", false, 0},
        {"020101", false, 0},    {"0A09010000000000000000", false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[32];
        struct wax_span s, before;
        uint64_t v = 77;
        LOAD(s, buf, rows[i].hex);
        before = s;
        bool ok = wax_der_get_enumerated(&s, &v);
        CHECK_MSG(ok == rows[i].ok, "row %zu", i);
        if (ok) {
            CHECK_MSG(v == rows[i].value && s.len == 0, "row %zu", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && v == 77, "row %zu moved", i);
        }
    }
}

TEST(get_bit_string_table)
{
    static const struct {
        const char *hex;
        bool ok;
        uint8_t unused;
        size_t num_bytes;
        bool ok_octets;
    } rows[] = {
        {"030100", true, 0, 0, true},
        {"0303 00ABCD", true, 0, 2, true},
        {"0302 0780", true, 7, 1, false},
        {"0307 040A3B5F291CD0", true, 4, 6, false},
        {"0300", false, 0, 0, false},
        {"030101", false, 0, 0, false},
        {"0302 0800", false, 0, 0, false},
        {"0302 0701", false, 0, 0, false},
        {"0302 0418", false, 0, 0, false},
        {"2300", false, 0, 0, false},
        {"0403 00ABCD", false, 0, 0, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[32];
        struct wax_span s, before, bytes = {NULL, 99};
        uint8_t unused = 99;
        LOAD(s, buf, rows[i].hex);
        before = s;
        bool ok = wax_der_get_bit_string(&s, &bytes, &unused);
        CHECK_MSG(ok == rows[i].ok, "row %zu", i);
        if (ok) {
            CHECK_MSG(unused == rows[i].unused &&
                          bytes.len == rows[i].num_bytes && s.len == 0,
                      "row %zu values", i);
            CHECK_MSG(bytes.p == before.p + 3, "row %zu bytes", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && unused == 99 && bytes.len == 99,
                      "row %zu moved", i);
        }
        s = before;
        bytes.len = 99;
        ok = wax_der_get_bit_string_octets(&s, &bytes);
        CHECK_MSG(ok == rows[i].ok_octets, "row %zu octets", i);
        if (ok) {
            CHECK_MSG(bytes.len == rows[i].num_bytes && s.len == 0,
                      "row %zu octets", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && bytes.len == 99,
                      "row %zu octets moved", i);
        }
    }
}

TEST(get_named_bits_table)
{
    static const struct {
        const char *hex;
        bool ok;
        uint32_t bits;
    } rows[] = {
        {"030100", true, 0},
        {"0302 0780", true, 1u << 0}, /* digitalSignature */
        {"0302 05A0", true, (1u << 0) | (1u << 2)},
        {"0302 0560", true, (1u << 1) | (1u << 2)},
        {"0302 0640", true, 1u << 1},
        {"0302 0186", true, (1u << 0) | (1u << 5) | (1u << 6)},
        {"0302 00FF", true, 0xFFu},
        {"0303 07 0080", true, 1u << 8}, /* decipherOnly */
        {"0303 07 8080", true, (1u << 0) | (1u << 8)},
        {"0305 00 00000001", true, 1u << 31},
        {"0305 00 FFFFFFFF", true, 0xFFFFFFFFu},
        /* trailing zero bits must have been removed (X.690 §11.2.2) */
        {"0302 0700", false, 0},
        {"0302 0000", false, 0},
        {"0302 0540", false, 0},
        {"0302 00FE", false, 0},
        {"0303 00 8000", false, 0},
        {"0303 07 8000", false, 0},
        /* bit 32 and beyond do not fit */
        {"0306 07 0000000080", false, 0},
        {"0306 00 00000000FF", false, 0},
        /* general BIT STRING errors */
        {"0302 0701", false, 0},
        {"0300", false, 0},
        {"030107", false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[32];
        struct wax_span s, before;
        uint32_t bits = 0x5A5A;
        LOAD(s, buf, rows[i].hex);
        before = s;
        bool ok = wax_der_get_named_bits(&s, &bits);
        CHECK_MSG(ok == rows[i].ok, "row %zu (%s)", i, rows[i].hex);
        if (ok) {
            CHECK_MSG(bits == rows[i].bits && s.len == 0,
                      "row %zu: bits 0x%x, want 0x%x", i, (unsigned)bits,
                      (unsigned)rows[i].bits);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && bits == 0x5A5A, "row %zu moved",
                      i);
        }
    }
}

TEST(get_oid_table)
{
    static const struct {
        const char *hex;
        bool ok;
    } rows[] = {
        {"0603 2A8648", true},  {"0601 00", true},      {"0603 883703", true},
        {"0600", false},        {"0602 2A86", false},   {"0602 8001", false},
        {"0603 2A8001", false}, {"2603 2A8648", false}, {"0403 2A8648", false},
        {"0604 2A8648", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t buf[16];
        struct wax_span s, before, oid = {NULL, 42};
        LOAD(s, buf, rows[i].hex);
        before = s;
        bool ok = wax_der_get_oid(&s, &oid);
        CHECK_MSG(ok == rows[i].ok, "row %zu", i);
        if (ok) {
            CHECK_MSG(oid.p == buf + 2 && oid.len == before.len - 2 &&
                          s.len == 0,
                      "row %zu", i);
        } else {
            CHECK_MSG(SPAN_SAME(s, before) && oid.len == 42, "row %zu moved",
                      i);
        }
    }
}

TEST(get_time_by_tag)
{
    uint8_t buf[64];
    struct wax_span s, before;
    int64_t t = 5;
    /* 700101000000Z is the epoch */
    LOAD(s, buf, "170D 3730303130313030303030305A");
    CHECK(wax_der_get_time(&s, &t) && t == 0 && s.len == 0);
    LOAD(s, buf, "180F 31393730303130313030303030315A");
    CHECK(wax_der_get_time(&s, &t) && t == 1 && s.len == 0);
    static const char *bad[] = {
        /* a GeneralizedTime body under the UTCTime tag and the reverse */
        "170F 31393730303130313030303030315A",
        "180D 3730303130313030303030305A",
        /* OCTET STRING, constructed UTCTime, bad month */
        "040D 3730303130313030303030305A",
        "370F 170D 3730303130313030303030305A",
        "170D 3730313330313030303030305A",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 5;
        LOAD(s, buf, bad[i]);
        before = s;
        CHECK_MSG(!wax_der_get_time(&s, &t), "row %zu", i);
        CHECK_MSG(SPAN_SAME(s, before) && t == 5, "row %zu moved", i);
    }
}

/* A small walk of a certificate-shaped structure, as callers do it. */
TEST(walk_structure_with_expect_end)
{
    uint8_t buf[64];
    struct wax_span s, seq, inner;
    uint64_t version;
    bool critical;
    /* SEQUENCE { [0] { INTEGER 2 }, BOOLEAN TRUE, OID 2.5.29.15 } */
    LOAD(s, buf, "300D A003 020102 0101FF 0603 551D0F");
    CHECK(wax_der_get(&s, WAX_DER_SEQUENCE, &seq));
    CHECK(wax_der_expect_end(&s));
    CHECK(wax_der_get(&seq, WAX_DER_CONTEXT_CONS(0), &inner));
    CHECK(wax_der_get_u64(&inner, &version) && version == 2);
    CHECK(wax_der_expect_end(&inner));
    CHECK(wax_der_get_bool(&seq, &critical) && critical);
    CHECK(wax_der_get_oid(&seq, &inner));
    CHECK_MEM(inner.p, inner.len, "\x55\x1D\x0F", 3);
    CHECK(wax_der_expect_end(&seq));
}
