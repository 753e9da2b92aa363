/* Unit tests: the DER builder (exact bytes, caps, sticky errors, SET OF). */
#include <stdlib.h>
#include <string.h>

#include <wax/der.h>

#include "../harness.h"

/* FINISH_EQ finishes growable builder B and compares with the bytes. */
#define FINISH_EQ(b, ...)                                                      \
    do {                                                                       \
        static const uint8_t want_[] = {__VA_ARGS__};                          \
        uint8_t *got_ = NULL;                                                  \
        size_t got_len_ = 0;                                                   \
        CHECK_OK(wax_der_builder_finish((b), &got_, &got_len_));               \
        wax_der_builder_cleanup(b);                                            \
        int same_ = got_len_ == sizeof want_ &&                                \
                    memcmp(got_, want_, sizeof want_) == 0;                    \
        free(got_);                                                            \
        CHECK_MSG(same_, "encoding differs (got %zu bytes, want %zu)",         \
                  got_len_, sizeof want_);                                     \
    } while (0)

/* ------------------------------------------------------------------ */
/* Lengths at the X.690 §8.1.3 boundaries, direct and back-filled.     */

static const struct {
    size_t len;
    uint8_t hdr[5];
    size_t hdr_len;
} length_cases[] = {
    {0, {0x00}, 1},
    {1, {0x01}, 1},
    {127, {0x7F}, 1},
    {128, {0x81, 0x80}, 2},
    {255, {0x81, 0xFF}, 2},
    {256, {0x82, 0x01, 0x00}, 3},
    {65535, {0x82, 0xFF, 0xFF}, 3},
    {65536, {0x83, 0x01, 0x00, 0x00}, 4},
    {16777216, {0x84, 0x01, 0x00, 0x00, 0x00}, 5},
};

TEST(length_boundaries_primitive_and_backfilled)
{
    size_t max_len = 16777216;
    uint8_t *payload = malloc(max_len);
    CHECK(payload != NULL);
    for (size_t i = 0; i < max_len; i++) {
        payload[i] = (uint8_t)(i * 7 + 1);
    }
    for (size_t k = 0; k < sizeof length_cases / sizeof length_cases[0]; k++) {
        size_t len = length_cases[k].len;
        for (int mode = 0; mode < 2; mode++) {
            struct wax_der_builder b, seq;
            wax_der_builder_init(&b, len + 16);
            uint8_t tag0;
            if (mode == 0) {
                tag0 = 0x04;
                CHECK_OK(wax_der_builder_add_octet_string(&b, payload, len));
            } else {
                tag0 = 0x30;
                CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
                /* in two pieces, so the back-fill has to move data */
                CHECK_OK(wax_der_builder_add_bytes(&seq, payload, len / 2));
                CHECK_OK(wax_der_builder_add_bytes(&seq, payload + len / 2,
                                                   len - len / 2));
                CHECK_OK(wax_der_builder_close(&seq));
            }
            uint8_t *out;
            size_t out_len;
            CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
            wax_der_builder_cleanup(&b);
            size_t hl = length_cases[k].hdr_len;
            bool ok = out_len == 1 + hl + len && out[0] == tag0 &&
                      memcmp(out + 1, length_cases[k].hdr, hl) == 0 &&
                      (len == 0 || memcmp(out + 1 + hl, payload, len) == 0);
            free(out);
            CHECK_MSG(ok, "length %zu mode %d", len, mode);
        }
    }
    free(payload);
}

/* ------------------------------------------------------------------ */
/* INTEGER.                                                            */

TEST(integer_i64_minimal_encodings)
{
    static const struct {
        int64_t v;
        uint8_t enc[11];
        size_t len;
    } cases[] = {
        {0, {0x02, 0x01, 0x00}, 3},
        {1, {0x02, 0x01, 0x01}, 3},
        {127, {0x02, 0x01, 0x7F}, 3},
        {128, {0x02, 0x02, 0x00, 0x80}, 4},
        {255, {0x02, 0x02, 0x00, 0xFF}, 4},
        {256, {0x02, 0x02, 0x01, 0x00}, 4},
        {32767, {0x02, 0x02, 0x7F, 0xFF}, 4},
        {32768, {0x02, 0x03, 0x00, 0x80, 0x00}, 5},
        {-1, {0x02, 0x01, 0xFF}, 3},
        {-128, {0x02, 0x01, 0x80}, 3},
        {-129, {0x02, 0x02, 0xFF, 0x7F}, 4},
        {-256, {0x02, 0x02, 0xFF, 0x00}, 4},
        {-32768, {0x02, 0x02, 0x80, 0x00}, 4},
        {-32769, {0x02, 0x03, 0xFF, 0x7F, 0xFF}, 5},
        {INT64_MAX,
         {0x02, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
         10},
        {INT64_MIN,
         {0x02, 0x08, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
         10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[16];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        CHECK_OK(wax_der_builder_add_i64(&b, cases[i].v));
        uint8_t *out;
        size_t out_len;
        CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
        CHECK(out == buf);
        CHECK_MSG(out_len == cases[i].len &&
                      memcmp(out, cases[i].enc, out_len) == 0,
                  "i64 case %zu (%lld)", i, (long long)cases[i].v);
    }
}

TEST(integer_u64_and_enumerated)
{
    struct wax_der_builder b;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_add_u64(&b, 0));
    CHECK_OK(wax_der_builder_add_u64(&b, 128));
    CHECK_OK(wax_der_builder_add_u64(&b, UINT64_MAX));
    CHECK_OK(wax_der_builder_add_u64(&b, (uint64_t)1 << 63));
    CHECK_OK(wax_der_builder_add_enumerated(&b, 5));
    CHECK_OK(wax_der_builder_add_u64_tagged(&b, WAX_DER_CONTEXT_TAG(1), 200));
    FINISH_EQ(&b, 0x02, 0x01, 0x00,   /* 0 */
              0x02, 0x02, 0x00, 0x80, /* 128 */
              0x02, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, /* 2^64-1 */
              0x02, 0x09, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
              0x00,                    /* 2^63 */
              0x0A, 0x01, 0x05,        /* ENUMERATED 5 */
              0x81, 0x02, 0x00, 0xC8); /* [1] 200 */
}

TEST(integer_big_magnitudes)
{
    static const uint8_t high_bit[] = {0x80, 0x01};
    static const uint8_t leading_zeros[] = {0x00, 0x00, 0x80, 0x01};
    static const uint8_t low[] = {0x00, 0x7F};
    static const uint8_t zeros[] = {0x00, 0x00, 0x00};
    uint8_t big[32];
    memset(big, 0xFF, sizeof big);
    struct wax_der_builder b;
    wax_der_builder_init(&b, 128);
    CHECK_OK(wax_der_builder_add_integer(&b, high_bit, sizeof high_bit));
    CHECK_OK(
        wax_der_builder_add_integer(&b, leading_zeros, sizeof leading_zeros));
    CHECK_OK(wax_der_builder_add_integer(&b, low, sizeof low));
    CHECK_OK(wax_der_builder_add_integer(&b, zeros, sizeof zeros));
    CHECK_OK(wax_der_builder_add_integer(&b, NULL, 0));
    CHECK_OK(wax_der_builder_add_integer(&b, big, sizeof big));
    CHECK_OK(wax_der_builder_add_integer_tagged(&b, WAX_DER_CONTEXT_TAG(2),
                                                high_bit, sizeof high_bit));
    FINISH_EQ(&b, 0x02, 0x03, 0x00, 0x80, 0x01, /* */
              0x02, 0x03, 0x00, 0x80, 0x01,     /* */
              0x02, 0x01, 0x7F,                 /* */
              0x02, 0x01, 0x00,                 /* */
              0x02, 0x01, 0x00,                 /* */
              0x02, 0x21, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, 0xFF, /* 32 x FF */
              0x82, 0x03, 0x00, 0x80, 0x01);
}

TEST(integer_big_magnitude_with_long_length)
{
    uint8_t mag[200];
    memset(mag, 0xA5, sizeof mag);
    struct wax_der_builder b;
    wax_der_builder_init(&b, 1024);
    CHECK_OK(wax_der_builder_add_integer(&b, mag, sizeof mag));
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    bool ok = out_len == 3 + 201 && out[0] == 0x02 && out[1] == 0x81 &&
              out[2] == 201 && out[3] == 0x00 &&
              memcmp(out + 4, mag, sizeof mag) == 0;
    free(out);
    CHECK(ok);
}

/* ------------------------------------------------------------------ */
/* BOOLEAN, NULL, OID, strings of bits and octets.                     */

TEST(bool_null_oid_octets)
{
    static const uint8_t rsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                  0x0D, 0x01, 0x01, 0x01};
    struct wax_der_builder b;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_add_bool(&b, true));
    CHECK_OK(wax_der_builder_add_bool(&b, false));
    CHECK_OK(wax_der_builder_add_null(&b));
    CHECK_OK(wax_der_builder_add_oid(&b, rsa, sizeof rsa));
    CHECK_OK(wax_der_builder_add_octet_string(&b, (const uint8_t *)"ab", 2));
    CHECK_OK(wax_der_builder_add_octet_string(&b, NULL, 0));
    FINISH_EQ(&b, 0x01, 0x01, 0xFF, 0x01, 0x01, 0x00, 0x05, 0x00, 0x06, 0x09,
              0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x04, 0x02,
              'a', 'b', 0x04, 0x00);
}

TEST(bad_oids_are_rejected)
{
    static const struct {
        uint8_t oid[4];
        size_t len;
    } bad[] = {
        {{0}, 0},                /* empty */
        {{0x2A, 0x86}, 2},       /* last arc unterminated */
        {{0x2A, 0x80, 0x01}, 3}, /* non-minimal arc */
        {{0x80, 0x01}, 2},       /* non-minimal first arc */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t buf[16];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        CHECK_ERR(wax_der_builder_add_oid(&b, bad[i].oid, bad[i].len),
                  WAX_ERR_DER_BAD_OID);
        CHECK_EQ_U64(wax_der_builder_len(&b), 0);
    }
}

TEST(bit_strings)
{
    static const uint8_t a0 = 0xA0, ff = 0xFF;
    struct wax_der_builder b;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_add_bit_string(&b, &a0, 1, 5));
    CHECK_OK(wax_der_builder_add_bit_string(&b, &ff, 1, 0));
    CHECK_OK(wax_der_builder_add_bit_string(&b, NULL, 0, 0));
    FINISH_EQ(&b, 0x03, 0x02, 0x05, 0xA0, 0x03, 0x02, 0x00, 0xFF, 0x03, 0x01,
              0x00);

    static const struct {
        uint8_t byte;
        size_t len;
        uint8_t unused;
    } bad[] = {
        {0x00, 1, 8}, /* too many unused bits */
        {0x00, 0, 1}, /* unused bits in an empty string */
        {0x01, 1, 1}, /* an unused bit set */
        {0xA8, 1, 4}, /* an unused bit set */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wax_der_builder_init(&b, 64);
        CHECK_ERR(wax_der_builder_add_bit_string(&b, &bad[i].byte, bad[i].len,
                                                 bad[i].unused),
                  WAX_ERR_DER_BAD_BIT_STRING);
        wax_der_builder_cleanup(&b);
    }
}

TEST(named_bits_trim_trailing_zeros)
{
    static const struct {
        uint32_t bits;
        uint8_t enc[7];
        size_t len;
    } cases[] = {
        {0, {0x03, 0x01, 0x00}, 3},
        {1u << 0, {0x03, 0x02, 0x07, 0x80}, 4}, /* digitalSignature */
        {0x05, {0x03, 0x02, 0x05, 0xA0}, 4},    /* bits 0 and 2 */
        {1u << 5, {0x03, 0x02, 0x02, 0x04}, 4}, /* keyCertSign */
        {(1u << 5) | (1u << 6), {0x03, 0x02, 0x01, 0x06}, 4},
        {1u << 7, {0x03, 0x02, 0x00, 0x01}, 4},       /* encipherOnly */
        {1u << 8, {0x03, 0x03, 0x07, 0x00, 0x80}, 5}, /* decipherOnly */
        {(1u << 0) | (1u << 8), {0x03, 0x03, 0x07, 0x80, 0x80}, 5},
        {1u << 31, {0x03, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01}, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[8];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        CHECK_OK(wax_der_builder_add_named_bits(&b, cases[i].bits));
        uint8_t *out;
        size_t out_len;
        CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
        CHECK_MSG(out_len == cases[i].len &&
                      memcmp(out, cases[i].enc, out_len) == 0,
                  "named bits 0x%x", cases[i].bits);
    }
}

/* ------------------------------------------------------------------ */
/* Times: RFC 5280 §4.1.2.5.                                           */

TEST(times_switch_at_1950_and_2050)
{
    static const struct {
        int64_t t;
        const char *text;
        uint8_t tag;
    } cases[] = {
        {0, "700101000000Z", 0x17},
        {-1, "691231235959Z", 0x17},
        {-631152000, "500101000000Z", 0x17},
        {-631152001, "19491231235959Z", 0x18},
        {2524607999, "491231235959Z", 0x17},
        {2524608000, "20500101000000Z", 0x18},
        {951827696, "000229123456Z", 0x17},
        {253402300799, "99991231235959Z", 0x18},
        {-62167219200, "00000101000000Z", 0x18},
        {-62135596800, "00010101000000Z", 0x18},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[32];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        CHECK_OK(wax_der_builder_add_time(&b, cases[i].t));
        uint8_t *out;
        size_t out_len;
        CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
        size_t tl = strlen(cases[i].text);
        CHECK_MSG(out_len == 2 + tl && out[0] == cases[i].tag && out[1] == tl &&
                      memcmp(out + 2, cases[i].text, tl) == 0,
                  "time %lld: %.*s", (long long)cases[i].t,
                  (int)(out_len > 2 ? out_len - 2 : 0), (const char *)out + 2);
    }
    struct wax_der_builder b;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_add_generalized_time(&b, 0));
    FINISH_EQ(&b, 0x18, 0x0F, '1', '9', '7', '0', '0', '1', '0', '1', '0', '0',
              '0', '0', '0', '0', 'Z');
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_add_time(&b, 253402300800), WAX_ERR_DER_BAD_TIME);
    wax_der_builder_cleanup(&b);
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_add_time(&b, -62167219201), WAX_ERR_DER_BAD_TIME);
    wax_der_builder_cleanup(&b);
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_add_generalized_time(&b, INT64_MIN),
              WAX_ERR_DER_BAD_TIME);
    wax_der_builder_cleanup(&b);
}

/* ------------------------------------------------------------------ */
/* Character strings.                                                  */

TEST(strings_checked_against_their_type)
{
    static const struct {
        uint32_t tag;
        const char *s;
        size_t len;
        wax_err want;
    } cases[] = {
        {WAX_DER_PRINTABLE_STRING, "Alice Smith (Test) 1+2=3?", 25, WAX_OK},
        {WAX_DER_PRINTABLE_STRING, "a@b", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_PRINTABLE_STRING, "a*b", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_PRINTABLE_STRING, "a\0b", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_IA5_STRING, "alice@example.com", 17, WAX_OK},
        {WAX_DER_IA5_STRING, "\x80", 1, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_NUMERIC_STRING, "123 456", 7, WAX_OK},
        {WAX_DER_NUMERIC_STRING, "12a", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_VISIBLE_STRING, "~ok~", 4, WAX_OK},
        {WAX_DER_VISIBLE_STRING, "tab\t", 4, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "caf\xC3\xA9", 5, WAX_OK},
        {WAX_DER_UTF8_STRING, "\xF0\x9F\x98\x80", 4, WAX_OK},
        {WAX_DER_UTF8_STRING, "\xC0\x80", 2, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "\xE0\x80\xAF", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "\xED\xA0\x80", 3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "\xF4\x90\x80\x80", 4, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "\xC3", 1, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UTF8_STRING, "\xFF", 1, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_BMP_STRING,
         "\x00"
         "A",
         2, WAX_OK},
        {WAX_DER_BMP_STRING,
         "\x00"
         "A\x00",
         3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_UNIVERSAL_STRING,
         "\x00\x00\x00"
         "A",
         4, WAX_OK},
        {WAX_DER_UNIVERSAL_STRING,
         "\x00\x00"
         "A",
         3, WAX_ERR_DER_BAD_STRING},
        {WAX_DER_T61_STRING, "\xFF\x01", 2, WAX_OK},
        {WAX_DER_OCTET_STRING, "x", 1, WAX_ERR_DER_BAD_TAG},
        {WAX_DER_INTEGER, "x", 1, WAX_ERR_DER_BAD_TAG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[64];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        wax_err got = wax_der_builder_add_string(
            &b, cases[i].tag, (const uint8_t *)cases[i].s, cases[i].len);
        CHECK_MSG(got == cases[i].want, "string case %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(cases[i].want));
        if (got == WAX_OK) {
            CHECK_EQ_U64(wax_der_builder_len(&b), 2 + cases[i].len);
            CHECK_EQ_U64(buf[0], cases[i].tag);
            CHECK_EQ_U64(buf[1], cases[i].len);
            CHECK(memcmp(buf + 2, cases[i].s, cases[i].len) == 0);
        } else {
            CHECK_EQ_U64(wax_der_builder_len(&b), 0);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Nesting, tags, pre-encoded elements.                                */

TEST(nested_scopes_and_tags)
{
    struct wax_der_builder b, seq, inner, expl, app;
    wax_der_builder_init(&b, 256);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    CHECK_OK(wax_der_builder_add_u64(&seq, 1));
    CHECK_OK(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &inner));
    CHECK_OK(wax_der_builder_add_null(&inner));
    CHECK_OK(wax_der_builder_close(&inner));
    CHECK_OK(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &expl));
    CHECK_OK(wax_der_builder_add_u64(&expl, 5));
    CHECK_OK(wax_der_builder_close(&expl));
    CHECK_OK(wax_der_builder_close(&seq));
    CHECK_OK(wax_der_builder_open(
        &b, WAX_DER_APPLICATION | WAX_DER_CONSTRUCTED | 31, &app));
    CHECK_OK(wax_der_builder_close(&app));
    CHECK_OK(wax_der_builder_add_primitive(&b, WAX_DER_CONTEXT_TAG(200),
                                           (const uint8_t *)"z", 1));
    CHECK_OK(wax_der_builder_add_primitive(
        &b, WAX_DER_PRIVATE | WAX_DER_TAG_NUMBER_MASK, NULL, 0));
    FINISH_EQ(&b, 0x30, 0x0C, 0x02, 0x01, 0x01, 0x30, 0x02, 0x05, 0x00, 0xA0,
              0x03, 0x02, 0x01, 0x05,      /* */
              0x7F, 0x1F, 0x00,            /* [APPLICATION 31] {} */
              0x9F, 0x81, 0x48, 0x01, 'z', /* [200] */
              0xDF, 0x81, 0xFF, 0xFF, 0xFF, 0x7F, 0x00);
}

TEST(primitive_scope_writes_a_value_in_pieces)
{
    struct wax_der_builder b, os;
    wax_der_builder_init(&b, 512);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_OCTET_STRING, &os));
    for (int i = 0; i < 200; i++) {
        uint8_t c = (uint8_t)i;
        CHECK_OK(wax_der_builder_add_bytes(&os, &c, 1));
    }
    CHECK_OK(wax_der_builder_close(&os));
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    bool ok = out_len == 203 && out[0] == 0x04 && out[1] == 0x81 &&
              out[2] == 200 && out[3] == 0 && out[202] == 199;
    free(out);
    CHECK(ok);
}

TEST(universal_tag_zero_is_refused)
{
    struct wax_der_builder b, c;
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_open(&b, WAX_DER_CONSTRUCTED, &c),
              WAX_ERR_DER_BAD_TAG);
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BAD_TAG); /* sticks */
    wax_der_builder_cleanup(&b);
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_add_primitive(&b, 0, NULL, 0),
              WAX_ERR_DER_BAD_TAG);
    wax_der_builder_cleanup(&b);
}

TEST(pre_encoded_elements_are_framed_checked)
{
    static const struct {
        uint8_t der[12];
        size_t len;
        wax_err want;
    } cases[] = {
        {{0x30, 0x03, 0x02, 0x01, 0x05}, 5, WAX_OK},
        {{0x9F, 0x81, 0x48, 0x00}, 4, WAX_OK},
        {{0x30, 0x00, 0x00}, 3, WAX_ERR_DER_TRAILING_DATA},
        {{0x30, 0x05, 0x02}, 3, WAX_ERR_DER_TRUNCATED},
        {{0x30}, 1, WAX_ERR_DER_TRUNCATED},
        {{0x30, 0x80, 0x00, 0x00}, 4, WAX_ERR_DER_INDEFINITE_LENGTH},
        {{0x04, 0x89, 0, 0, 0, 0, 0, 0, 0}, 9, WAX_ERR_DER_BAD_LENGTH},
        {{0x04, 0x82, 0x01}, 3, WAX_ERR_DER_TRUNCATED},
        {{0x9F, 0x81}, 2, WAX_ERR_DER_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[16];
        struct wax_der_builder b;
        wax_der_builder_init_fixed(&b, buf, sizeof buf);
        wax_err got =
            wax_der_builder_add_element(&b, cases[i].der, cases[i].len);
        CHECK_MSG(got == cases[i].want, "element case %zu: got %s", i,
                  wax_err_name(got));
        if (got == WAX_OK) {
            CHECK_MEM(buf, wax_der_builder_len(&b), cases[i].der, cases[i].len);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Caps, states and sticky errors.                                     */

TEST(fixed_buffer_overflow_sticks)
{
    uint8_t buf[4];
    struct wax_der_builder b;
    wax_der_builder_init_fixed(&b, buf, sizeof buf);
    CHECK_OK(wax_der_builder_add_u64(&b, 0));
    CHECK_ERR(wax_der_builder_add_u64(&b, 0), WAX_ERR_DER_BUILDER_OVERFLOW);
    CHECK_EQ_U64(wax_der_builder_len(&b), 3); /* nothing partial written */
    CHECK_ERR(wax_der_builder_add_bytes(&b, NULL, 0),
              WAX_ERR_DER_BUILDER_OVERFLOW);
    uint8_t *out;
    size_t out_len;
    CHECK_ERR(wax_der_builder_finish(&b, &out, &out_len),
              WAX_ERR_DER_BUILDER_OVERFLOW);

    /* NULL buffer: nothing fits */
    wax_der_builder_init_fixed(&b, NULL, 0);
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BUILDER_OVERFLOW);
}

TEST(fixed_buffer_backfill_needs_room)
{
    uint8_t payload[128];
    memset(payload, 0x11, sizeof payload);
    uint8_t buf[131];
    struct wax_der_builder b, seq;
    /* exactly 131 bytes: 30 81 80 + 128 */
    wax_der_builder_init_fixed(&b, buf, sizeof buf);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    CHECK_OK(wax_der_builder_add_bytes(&seq, payload, sizeof payload));
    CHECK_OK(wax_der_builder_close(&seq));
    CHECK_EQ_U64(wax_der_builder_len(&b), 131);
    CHECK(buf[0] == 0x30 && buf[1] == 0x81 && buf[2] == 0x80 &&
          buf[3] == 0x11 && buf[130] == 0x11);
    /* one byte less: the long length does not fit at close */
    wax_der_builder_init_fixed(&b, buf, 130);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    CHECK_OK(wax_der_builder_add_bytes(&seq, payload, sizeof payload));
    CHECK_ERR(wax_der_builder_close(&seq), WAX_ERR_DER_BUILDER_OVERFLOW);
    uint8_t *out;
    size_t out_len;
    CHECK_ERR(wax_der_builder_finish(&b, &out, &out_len),
              WAX_ERR_DER_BUILDER_OVERFLOW);
}

TEST(growable_cap_overflow_sticks)
{
    uint8_t data[200];
    memset(data, 0x22, sizeof data);
    struct wax_der_builder b;
    wax_der_builder_init(&b, 100);
    CHECK_OK(wax_der_builder_add_octet_string(&b, data, 98));
    CHECK_EQ_U64(wax_der_builder_len(&b), 100);
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BUILDER_OVERFLOW);
    CHECK_EQ_U64(wax_der_builder_len(&b), 100);
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BUILDER_OVERFLOW);
    wax_der_builder_cleanup(&b);

    wax_der_builder_init(&b, 100);
    CHECK_ERR(wax_der_builder_add_octet_string(&b, data, sizeof data),
              WAX_ERR_DER_BUILDER_OVERFLOW);
    CHECK_EQ_U64(wax_der_builder_len(&b), 0);
    uint8_t *out;
    size_t out_len;
    CHECK_ERR(wax_der_builder_finish(&b, &out, &out_len),
              WAX_ERR_DER_BUILDER_OVERFLOW);
    wax_der_builder_cleanup(&b);
    wax_der_builder_cleanup(&b); /* twice is safe */
}

TEST(growable_builds_large_output)
{
    struct wax_der_builder b, seq;
    wax_der_builder_init(&b, (size_t)8 << 20);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    for (uint64_t i = 0; i < 100000; i++) {
        CHECK_OK(wax_der_builder_add_u64(&seq, i));
    }
    CHECK_OK(wax_der_builder_close(&seq));
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    wax_der_builder_cleanup(&b); /* does not free what finish handed over */
    /* 128 one-byte values, 32640 two-byte, 67232 three-byte */
    size_t body = 128 * 3 + 32640 * 4 + 67232 * 5;
    bool ok = out_len == 5 + body && out[0] == 0x30 && out[1] == 0x83 &&
              out[2] == (uint8_t)(body >> 16) &&
              out[3] == (uint8_t)(body >> 8) && out[4] == (uint8_t)body &&
              out[5] == 0x02 && out[7] == 0x00;
    free(out);
    CHECK(ok);
}

TEST(parent_in_use_while_child_open_is_state_error)
{
    struct wax_der_builder b, c1, c2;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BUILDER_STATE);
    /* sticky, even for the child that was fine */
    CHECK_ERR(wax_der_builder_add_null(&c1), WAX_ERR_DER_BUILDER_STATE);
    uint8_t *out;
    size_t out_len;
    CHECK_ERR(wax_der_builder_finish(&b, &out, &out_len),
              WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);

    /* a second child while one is open */
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_ERR(wax_der_builder_open(&b, WAX_DER_SET, &c2),
              WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);
}

TEST(closed_or_stale_children_are_state_errors)
{
    struct wax_der_builder b, c1, stale;
    uint8_t *out;
    size_t out_len;

    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_OK(wax_der_builder_close(&c1));
    CHECK_ERR(wax_der_builder_add_null(&c1), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);

    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_OK(wax_der_builder_close(&c1));
    CHECK_ERR(wax_der_builder_close(&c1), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);

    /* a copy of an old handle stays stale after a new child opens */
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    stale = c1;
    CHECK_OK(wax_der_builder_close(&c1));
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_ERR(wax_der_builder_add_null(&stale), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);

    /* closing the top level, finishing through a child */
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_close(&b), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &c1));
    CHECK_ERR(wax_der_builder_finish(&c1, &out, &out_len),
              WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);

    /* using the builder after finish */
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_add_null(&b));
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    free(out);
    CHECK_ERR(wax_der_builder_add_null(&b), WAX_ERR_DER_BUILDER_STATE);
    CHECK_ERR(wax_der_builder_finish(&b, &out, &out_len),
              WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);
}

TEST(sorting_a_child_that_is_not_innermost_is_state_error)
{
    struct wax_der_builder b, set, inner;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    CHECK_OK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &inner));
    CHECK_ERR(wax_der_builder_sort_set(&set), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);
    wax_der_builder_init(&b, 64);
    CHECK_ERR(wax_der_builder_sort_set(&b), WAX_ERR_DER_BUILDER_STATE);
    wax_der_builder_cleanup(&b);
}

TEST(depth_cap)
{
    struct wax_der_builder b;
    static struct wax_der_builder scopes[WAX_MAX_DER_BUILDER_DEPTH + 1];
    wax_der_builder_init(&b, 4096);
    struct wax_der_builder *parent = &b;
    for (size_t i = 0; i < WAX_MAX_DER_BUILDER_DEPTH; i++) {
        CHECK_OK(wax_der_builder_open(parent, WAX_DER_SEQUENCE, &scopes[i]));
        parent = &scopes[i];
    }
    CHECK_ERR(wax_der_builder_open(parent, WAX_DER_SEQUENCE,
                                   &scopes[WAX_MAX_DER_BUILDER_DEPTH]),
              WAX_ERR_DER_TOO_DEEP);
    wax_der_builder_cleanup(&b);

    /* at the cap, closing everything gives nested empty-ish SEQUENCEs */
    wax_der_builder_init(&b, 4096);
    parent = &b;
    for (size_t i = 0; i < WAX_MAX_DER_BUILDER_DEPTH; i++) {
        CHECK_OK(wax_der_builder_open(parent, WAX_DER_SEQUENCE, &scopes[i]));
        parent = &scopes[i];
    }
    for (size_t i = WAX_MAX_DER_BUILDER_DEPTH; i > 0; i--) {
        CHECK_OK(wax_der_builder_close(&scopes[i - 1]));
    }
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    CHECK_EQ_U64(out_len, 2 * WAX_MAX_DER_BUILDER_DEPTH);
    bool ok = out[0] == 0x30 && out[1] == 2 * WAX_MAX_DER_BUILDER_DEPTH - 2 &&
              out[out_len - 2] == 0x30 && out[out_len - 1] == 0x00;
    free(out);
    CHECK(ok);
}

/* ------------------------------------------------------------------ */
/* SET OF sorting (X.690 §11.6).                                       */

TEST(set_of_sorted_in_der_order)
{
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, 256);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    CHECK_OK(wax_der_builder_add_u64(&set, 3));
    CHECK_OK(wax_der_builder_add_u64(&set, 1));
    CHECK_OK(wax_der_builder_add_octet_string(&set, (const uint8_t *)"a", 1));
    CHECK_OK(wax_der_builder_add_u64(&set, 256));
    CHECK_OK(wax_der_builder_add_bool(&set, true));
    CHECK_OK(wax_der_builder_add_u64(&set, 1)); /* duplicates stay */
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_close(&set));
    FINISH_EQ(&b, 0x31, 0x13, 0x01, 0x01, 0xFF,   /* BOOLEAN */
              0x02, 0x01, 0x01, 0x02, 0x01, 0x01, /* 1, 1 */
              0x02, 0x01, 0x03,                   /* 3 */
              0x02, 0x02, 0x01, 0x00,             /* 256 */
              0x04, 0x01, 'a');
}

TEST(set_of_signed_attributes_sorted)
{
    /* The three attributes of RFC 5652 §11 added in the order a signer
     * might write them; DER order puts the shortest encoding first here. */
    static const uint8_t oid_ct[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                     0x0D, 0x01, 0x09, 0x03};
    static const uint8_t oid_md[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                     0x0D, 0x01, 0x09, 0x04};
    static const uint8_t oid_st[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                     0x0D, 0x01, 0x09, 0x05};
    static const uint8_t oid_data[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                       0x0D, 0x01, 0x07, 0x01};
    uint8_t digest[32];
    memset(digest, 0xAB, sizeof digest);
    struct wax_der_builder b, set, attr, vals;
    wax_der_builder_init(&b, 1024);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_CONTEXT_CONS(0), &set));
    /* messageDigest */
    CHECK_OK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &attr));
    CHECK_OK(wax_der_builder_add_oid(&attr, oid_md, sizeof oid_md));
    CHECK_OK(wax_der_builder_open(&attr, WAX_DER_SET, &vals));
    CHECK_OK(wax_der_builder_add_octet_string(&vals, digest, sizeof digest));
    CHECK_OK(wax_der_builder_close(&vals));
    CHECK_OK(wax_der_builder_close(&attr));
    /* signingTime */
    CHECK_OK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &attr));
    CHECK_OK(wax_der_builder_add_oid(&attr, oid_st, sizeof oid_st));
    CHECK_OK(wax_der_builder_open(&attr, WAX_DER_SET, &vals));
    CHECK_OK(wax_der_builder_add_time(&vals, 0));
    CHECK_OK(wax_der_builder_close(&vals));
    CHECK_OK(wax_der_builder_close(&attr));
    /* contentType */
    CHECK_OK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &attr));
    CHECK_OK(wax_der_builder_add_oid(&attr, oid_ct, sizeof oid_ct));
    CHECK_OK(wax_der_builder_open(&attr, WAX_DER_SET, &vals));
    CHECK_OK(wax_der_builder_add_oid(&vals, oid_data, sizeof oid_data));
    CHECK_OK(wax_der_builder_close(&vals));
    CHECK_OK(wax_der_builder_close(&attr));
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_close(&set));
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    wax_der_builder_cleanup(&b);
    /* contentType 30 18, signingTime 30 1C, messageDigest 30 2F */
    static const uint8_t want_head[] = {0xA0, 0x69, 0x30, 0x18, 0x06, 0x09};
    bool ok = out_len == 2 + 0x1A + 0x1E + 0x31 &&
              memcmp(out, want_head, sizeof want_head) == 0 &&
              out[14] == 0x03 && out[28] == 0x30 && out[29] == 0x1C &&
              out[40] == 0x05 && out[58] == 0x30 && out[59] == 0x2F &&
              out[70] == 0x04;
    free(out);
    CHECK(ok);
}

TEST(set_of_padding_rule_and_edge_cases)
{
    /* raw elements with high tag numbers: the second identifier octet
     * decides before the lengths do */
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    static const uint8_t e1[] = {0x5F, 0x21, 0x00};
    static const uint8_t e2[] = {0x5F, 0x20, 0x01, 0x00};
    static const uint8_t e3[] = {0x04, 0x00};
    CHECK_OK(wax_der_builder_add_bytes(&set, e1, sizeof e1));
    CHECK_OK(wax_der_builder_add_bytes(&set, e2, sizeof e2));
    CHECK_OK(wax_der_builder_add_bytes(&set, e3, sizeof e3));
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_close(&set));
    FINISH_EQ(&b, 0x31, 0x09, 0x04, 0x00, 0x5F, 0x20, 0x01, 0x00, 0x5F, 0x21,
              0x00);

    /* empty and single-element sets are left alone */
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_add_u64(&set, 9));
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_close(&set));
    FINISH_EQ(&b, 0x31, 0x03, 0x02, 0x01, 0x09);

    /* contents that are not whole elements */
    wax_der_builder_init(&b, 64);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    CHECK_OK(wax_der_builder_add_u64(&set, 9));
    static const uint8_t partial[] = {0x02, 0x05, 0x01};
    CHECK_OK(wax_der_builder_add_bytes(&set, partial, sizeof partial));
    CHECK_ERR(wax_der_builder_sort_set(&set), WAX_ERR_DER_TRUNCATED);
    CHECK_ERR(wax_der_builder_close(&set), WAX_ERR_DER_TRUNCATED);
    wax_der_builder_cleanup(&b);
}

TEST(set_of_many_elements_sorted)
{
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, 1 << 20);
    CHECK_OK(wax_der_builder_open(&b, WAX_DER_SET, &set));
    /* a permutation of 0..999 */
    for (uint64_t i = 0; i < 1000; i++) {
        CHECK_OK(wax_der_builder_add_u64(&set, (i * 337) % 1000));
    }
    CHECK_OK(wax_der_builder_sort_set(&set));
    CHECK_OK(wax_der_builder_close(&set));
    uint8_t *out;
    size_t out_len;
    CHECK_OK(wax_der_builder_finish(&b, &out, &out_len));
    wax_der_builder_cleanup(&b);
    /* DER order: first by length octet, then by value bytes; check that
     * every neighbour pair is in order */
    size_t off = 4, prev_off = 0, prev_len = 0, n = 0;
    bool ok = out[0] == 0x31 && out[1] == 0x82;
    while (ok && off < out_len) {
        size_t len = 2 + out[off + 1];
        if (prev_len != 0) {
            size_t common = prev_len < len ? prev_len : len;
            int c = memcmp(out + prev_off, out + off, common);
            ok = c < 0 || (c == 0 && prev_len <= len);
        }
        prev_off = off;
        prev_len = len;
        off += len;
        n++;
    }
    free(out);
    CHECK(ok);
    CHECK_EQ_U64(n, 1000);
}
