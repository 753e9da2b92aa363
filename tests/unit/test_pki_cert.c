/* Unit tests: the pki layer (wax/pki.h): DN strings, certificates made
 * with the DER builder and read back with the x509 parser, profiles, PEM
 * writing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/pki.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

/* Keys generated once per run (RSA generation is the slow part). */
static struct wax_privkey *
cached_key(enum wax_keygen kind, int slot)
{
    static struct wax_privkey *cache[WAX_KEYGEN_X448 + 1][3];
    if (kind < WAX_KEYGEN_RSA2048 || kind > WAX_KEYGEN_X448 || slot < 0 ||
        slot > 2) {
        return NULL;
    }
    if (cache[kind][slot] == NULL &&
        wax_privkey_generate(&cache[kind][slot], kind) != WAX_OK) {
        return NULL;
    }
    return cache[kind][slot];
}

static struct wax_pubkey *
public_of(const struct wax_privkey *k)
{
    struct wax_pubkey *pub = NULL;
    if (k == NULL || wax_privkey_public(k, &pub) != WAX_OK) {
        return NULL;
    }
    return pub;
}

static struct wax_span
span_of(const struct wax_buf *b)
{
    struct wax_span s;
    wax_span_init(&s, b->data, b->len);
    return s;
}

/* ------------------------------------------------------------------ */
/* DN strings: each valid row lists the attributes the x509 name walker */
/* must find, in DER order.                                            */

struct want_attr {
    enum wax_oid_id id; /* WAX_OID_UNKNOWN: compare OID_DOTTED */
    const char *oid_dotted;
    uint32_t tag;
    const char *value;
    size_t rdn;
};

struct dn_row {
    const char *text;
    struct want_attr attrs[12];
    size_t num;
};

#define U WAX_DER_UTF8_STRING
#define P WAX_DER_PRINTABLE_STRING
#define I WAX_DER_IA5_STRING

static const struct dn_row dn_valid[] = {
    {"", {{0}}, 0},
    {"/", {{0}}, 0},
    {"CN=Alice Lovelace,O=Example,C=DE",
     {{WAX_OID_AT_COUNTRY, NULL, P, "DE", 0},
      {WAX_OID_AT_ORGANIZATION, NULL, U, "Example", 1},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "Alice Lovelace", 2}},
     3},
    {"/C=DE/O=Example/CN=Alice Lovelace",
     {{WAX_OID_AT_COUNTRY, NULL, P, "DE", 0},
      {WAX_OID_AT_ORGANIZATION, NULL, U, "Example", 1},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "Alice Lovelace", 2}},
     3},
    /* case-insensitive names, long names, spaces before types */
    {"cn=x,  organizationName=y, countryName=FR",
     {{WAX_OID_AT_COUNTRY, NULL, P, "FR", 0},
      {WAX_OID_AT_ORGANIZATION, NULL, U, "y", 1},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "x", 2}},
     3},
    /* RFC 4514 escapes */
    {"CN=a\\,b\\+c\\\"d\\\\e\\;f\\<g\\>h",
     {{WAX_OID_AT_COMMON_NAME, NULL, U, "a,b+c\"d\\e;f<g>h", 0}},
     1},
    {"CN=\\ lead,O=trail\\ ",
     {{WAX_OID_AT_ORGANIZATION, NULL, U, "trail ", 0},
      {WAX_OID_AT_COMMON_NAME, NULL, U, " lead", 1}},
     2},
    {"CN=\\#hash,O=a#b=c d",
     {{WAX_OID_AT_ORGANIZATION, NULL, U, "a#b=c d", 0},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "#hash", 1}},
     2},
    {"CN=J\\C3\\bcrgen \\3D\\2c",
     {{WAX_OID_AT_COMMON_NAME, NULL, U, "J\xC3\xBCrgen =,", 0}},
     1},
    {"CN=J\xC3\xBCrgen M\xC3\xBCller",
     {{WAX_OID_AT_COMMON_NAME, NULL, U, "J\xC3\xBCrgen M\xC3\xBCller", 0}},
     1},
    /* hexstring: the value's DER, used as given (tag kept) */
    {"CN=#0C03416263,O=#130141",
     {{WAX_OID_AT_ORGANIZATION, NULL, P, "A", 0},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "Abc", 1}},
     2},
    /* multi-valued RDN: the SET is sorted (OU's encoding is shorter) */
    {"CN=J. Smith+OU=Sales,O=Example",
     {{WAX_OID_AT_ORGANIZATION, NULL, U, "Example", 0},
      {WAX_OID_AT_ORGANIZATIONAL_UNIT, NULL, U, "Sales", 1},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "J. Smith", 1}},
     3},
    {"/O=Example/CN=J. Smith+OU=Sales",
     {{WAX_OID_AT_ORGANIZATION, NULL, U, "Example", 0},
      {WAX_OID_AT_ORGANIZATIONAL_UNIT, NULL, U, "Sales", 1},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "J. Smith", 1}},
     3},
    /* OpenSSL escapes, and spaces kept in that form */
    {"/CN=a\\/b\\+c\\\\d/O= spaced ",
     {{WAX_OID_AT_COMMON_NAME, NULL, U, "a/b+c\\d", 0},
      {WAX_OID_AT_ORGANIZATION, NULL, U, " spaced ", 1}},
     2},
    /* dotted OIDs: known ones keep their encoding, unknown ones UTF8 */
    {"2.5.4.6=DE,1.2.3.4=x,0.9.2342.19200300.100.1.25=org",
     {{WAX_OID_AT_DOMAIN_COMPONENT, NULL, I, "org", 0},
      {WAX_OID_UNKNOWN, "1.2.3.4", U, "x", 1},
      {WAX_OID_AT_COUNTRY, NULL, P, "DE", 2}},
     3},
    {"unstructuredName=host.example,1.2.840.113549.1.9.8=Street 1",
     {{WAX_OID_PKCS9_UNSTRUCTURED_ADDRESS, NULL, U, "Street 1", 0},
      {WAX_OID_PKCS9_UNSTRUCTURED_NAME, NULL, U, "host.example", 1}},
     2},
    {"2.999.1=big", {{WAX_OID_UNKNOWN, "2.999.1", U, "big", 0}}, 1},
    /* every attribute type of the brief, with its encoding */
    {"CN=c,O=o,OU=ou,C=DE,ST=st,L=l,emailAddress=a@b.example,"
     "serialNumber=12 34,DC=example,UID=jdoe,GN=Ada,SN=Lovelace",
     {{WAX_OID_AT_SURNAME, NULL, U, "Lovelace", 0},
      {WAX_OID_AT_GIVEN_NAME, NULL, U, "Ada", 1},
      {WAX_OID_AT_USER_ID, NULL, U, "jdoe", 2},
      {WAX_OID_AT_DOMAIN_COMPONENT, NULL, I, "example", 3},
      {WAX_OID_AT_SERIAL_NUMBER, NULL, P, "12 34", 4},
      {WAX_OID_PKCS9_EMAIL_ADDRESS, NULL, I, "a@b.example", 5},
      {WAX_OID_AT_LOCALITY, NULL, U, "l", 6},
      {WAX_OID_AT_STATE, NULL, U, "st", 7},
      {WAX_OID_AT_COUNTRY, NULL, P, "DE", 8},
      {WAX_OID_AT_ORGANIZATIONAL_UNIT, NULL, U, "ou", 9},
      {WAX_OID_AT_ORGANIZATION, NULL, U, "o", 10},
      {WAX_OID_AT_COMMON_NAME, NULL, U, "c", 11}},
     12},
    {"title=Countess,E=x@y.example,street=1 Main St,postalCode=10115",
     {{WAX_OID_AT_POSTAL_CODE, NULL, U, "10115", 0},
      {WAX_OID_AT_STREET, NULL, U, "1 Main St", 1},
      {WAX_OID_PKCS9_EMAIL_ADDRESS, NULL, I, "x@y.example", 2},
      {WAX_OID_AT_TITLE, NULL, U, "Countess", 3}},
     4},
};

struct dn_bad_row {
    const char *text;
    size_t len; /* 0: strlen */
    wax_err err;
};

static const struct dn_bad_row dn_invalid[] = {
    {"CN", 0, WAX_ERR_PKI_BAD_DN},
    {"=Alice", 0, WAX_ERR_PKI_BAD_DN},
    {"CN =Alice", 0, WAX_ERR_PKI_BAD_DN},
    {"C N=x", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice,", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice, ", 0, WAX_ERR_PKI_BAD_DN},
    {",CN=Alice", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice,,O=x", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a+", 0, WAX_ERR_PKI_BAD_DN},
    {" cn=x,\tO=y", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Al\"ice", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a;b", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a<b", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a>b", 0, WAX_ERR_PKI_BAD_DN},
    {"CN= Alice", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice ", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice ,O=x", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=Alice\\", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=\\x41", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=\\4", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=\\4g", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=#", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=#0C0", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=#0C01 41", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a+CN=b", 0, WAX_ERR_PKI_BAD_DN},
    {"/CN=a+cn=b", 0, WAX_ERR_PKI_BAD_DN},
    {"CN=a\0b", 5, WAX_ERR_PKI_BAD_DN},
    {"1.=x", 0, WAX_ERR_PKI_BAD_DN},
    {"01.2=x", 0, WAX_ERR_PKI_BAD_DN},
    {"1.02=x", 0, WAX_ERR_PKI_BAD_DN},
    {"3.1=x", 0, WAX_ERR_PKI_BAD_DN},
    {"1.40=x", 0, WAX_ERR_PKI_BAD_DN},
    {"5=x", 0, WAX_ERR_PKI_BAD_DN},
    {"1..2=x", 0, WAX_ERR_PKI_BAD_DN},
    {"1.2.99999999999999999999=x", 0, WAX_ERR_PKI_BAD_DN},
    {"/CN=a/", 0, WAX_ERR_PKI_BAD_DN},
    {"//CN=a", 0, WAX_ERR_PKI_BAD_DN},
    {"/CN", 0, WAX_ERR_PKI_BAD_DN},
    {"/CN=a\\", 0, WAX_ERR_PKI_BAD_DN},
    {"XX=Alice", 0, WAX_ERR_PKI_DN_UNKNOWN_ATTR},
    {"CN=x,fooBar=y", 0, WAX_ERR_PKI_DN_UNKNOWN_ATTR},
    {"CN-1=x", 0, WAX_ERR_PKI_DN_UNKNOWN_ATTR},
    {"/Q=x", 0, WAX_ERR_PKI_DN_UNKNOWN_ATTR},
    {"CN=", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=a,O=", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"/CN=", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"C=D", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"C=D\xC3\xA9", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"C=D_", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"emailAddress=j\xC3\xB6rg@example.org", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"DC=b\xC3\xBC", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"serialNumber=a_b", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=\\00", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=a\x01", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=a\\7F", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=\xFF", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=\\C3", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=#0C0241", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"CN=#0C014141", 0, WAX_ERR_PKI_DN_BAD_VALUE},
    {"C=DEU", 0, WAX_ERR_PKI_DN_VALUE_TOO_LONG},
};

/* check_name walks NAME with the x509 parser and compares with ROW. */
static bool
name_matches(struct wax_span name, const struct dn_row *row, char *why,
             size_t why_cap)
{
    struct wax_x509_name_iter it;
    struct wax_x509_name_attr a;
    bool present = true;
    size_t n = 0;
    if (wax_x509_name_iter_init(&it, name) != WAX_OK) {
        snprintf(why, why_cap, "not a Name");
        return false;
    }
    while (true) {
        if (wax_x509_name_next(&it, &a, &present) != WAX_OK) {
            snprintf(why, why_cap, "walk failed at %zu", n);
            return false;
        }
        if (!present) {
            break;
        }
        if (n >= row->num) {
            snprintf(why, why_cap, "more than %zu attributes", row->num);
            return false;
        }
        const struct want_attr *w = &row->attrs[n];
        char dotted[64];
        bool type_ok =
            w->id != WAX_OID_UNKNOWN
                ? a.type_id == w->id
                : a.type_id == WAX_OID_UNKNOWN &&
                      wax_oid_to_dotted(a.type, dotted, sizeof dotted) &&
                      strcmp(dotted, w->oid_dotted) == 0;
        bool value_ok = a.value.len == strlen(w->value) &&
                        memcmp(a.value.p, w->value, a.value.len) == 0;
        if (!type_ok || a.value_tag != w->tag || !value_ok ||
            a.rdn_index != w->rdn) {
            snprintf(why, why_cap,
                     "attribute %zu: type %s tag %u rdn %zu value \"%.*s\"", n,
                     type_ok ? "ok" : "wrong", (unsigned)a.value_tag,
                     a.rdn_index, (int)a.value.len, (const char *)a.value.p);
            return false;
        }
        n++;
    }
    if (n != row->num) {
        snprintf(why, why_cap, "%zu attributes, want %zu", n, row->num);
        return false;
    }
    return true;
}

TEST(dn_parse_valid_rows)
{
    for (size_t i = 0; i < sizeof dn_valid / sizeof dn_valid[0]; i++) {
        const struct dn_row *row = &dn_valid[i];
        struct wax_buf b;
        char why[200];
        wax_buf_init(&b, 1 << 16);
        wax_err err = wax_pki_dn_parse(&b, row->text, strlen(row->text));
        bool ok =
            err == WAX_OK && name_matches(span_of(&b), row, why, sizeof why);
        wax_buf_cleanup(&b);
        CHECK_MSG(err == WAX_OK, "row %zu \"%s\": %s", i, row->text,
                  wax_err_name(err));
        CHECK_MSG(ok, "row %zu \"%s\": %s", i, row->text, why);
    }
}

TEST(dn_parse_invalid_rows)
{
    for (size_t i = 0; i < sizeof dn_invalid / sizeof dn_invalid[0]; i++) {
        const struct dn_bad_row *row = &dn_invalid[i];
        size_t len = row->len ? row->len : strlen(row->text);
        struct wax_buf b;
        wax_buf_init(&b, 1 << 16);
        CHECK_OK(wax_buf_append(&b, (const uint8_t *)"keep", 4));
        wax_err err = wax_pki_dn_parse(&b, row->text, len);
        bool unchanged = b.len == 4 && memcmp(b.data, "keep", 4) == 0;
        wax_buf_cleanup(&b);
        CHECK_MSG(err == row->err, "row %zu \"%s\": got %s, want %s", i,
                  row->text, wax_err_name(err), wax_err_name(row->err));
        CHECK_MSG(unchanged, "row %zu: OUT changed on error", i);
    }
}

/* One name spelled out byte for byte (X.690 by hand). */
TEST(dn_parse_exact_der)
{
    static const uint8_t want[] = {0x30, 0x0C, 0x31, 0x0A, 0x30, 0x08, 0x06,
                                   0x03, 0x55, 0x04, 0x03, 0x0C, 0x01, 0x41};
    static const uint8_t want_empty[] = {0x30, 0x00};
    struct wax_buf b;
    wax_buf_init(&b, 1024);
    CHECK_OK(wax_pki_dn_parse(&b, "CN=A", 4));
    CHECK_MEM(b.data, b.len, want, sizeof want);
    wax_buf_reset(&b);
    CHECK_OK(wax_pki_dn_parse(&b, NULL, 0));
    CHECK_MEM(b.data, b.len, want_empty, sizeof want_empty);
    wax_buf_cleanup(&b);
    CHECK_ERR(wax_pki_dn_parse(NULL, "CN=A", 4), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_dn_parse(&b, NULL, 1), WAX_ERR_INVALID_ARGUMENT);
}

/* Upper bounds count characters, not bytes; limits on the whole text. */
TEST(dn_parse_bounds_and_limits)
{
    char text[WAX_MAX_PKI_DN_TEXT + 2];
    struct wax_buf b;
    wax_buf_init(&b, 1 << 16);

    /* CN: 64 characters pass, 65 do not; 64 two-byte characters pass */
    memcpy(text, "CN=", 3);
    memset(text + 3, 'x', 65);
    CHECK_OK(wax_pki_dn_parse(&b, text, 3 + 64));
    CHECK_ERR(wax_pki_dn_parse(&b, text, 3 + 65),
              WAX_ERR_PKI_DN_VALUE_TOO_LONG);
    for (size_t i = 0; i < 64; i++) {
        memcpy(text + 3 + 2 * i, "\xC3\xA9", 2);
    }
    CHECK_OK(wax_pki_dn_parse(&b, text, 3 + 128));
    memcpy(text + 3 + 128, "\xC3\xA9", 2);
    CHECK_ERR(wax_pki_dn_parse(&b, text, 3 + 130),
              WAX_ERR_PKI_DN_VALUE_TOO_LONG);

    /* emailAddress: 255 characters */
    memcpy(text, "emailAddress=", 13);
    memset(text + 13, 'a', 256);
    CHECK_OK(wax_pki_dn_parse(&b, text, 13 + 255));
    CHECK_ERR(wax_pki_dn_parse(&b, text, 13 + 256),
              WAX_ERR_PKI_DN_VALUE_TOO_LONG);

    /* the text cap */
    memcpy(text, "CN=", 3);
    memset(text + 3, 'x', sizeof text - 3);
    CHECK_ERR(wax_pki_dn_parse(&b, text, WAX_MAX_PKI_DN_TEXT + 1),
              WAX_ERR_LIMIT_EXCEEDED);

    /* WAX_MAX_NAME_ATTRIBUTES attributes pass, one more does not */
    size_t len = 0;
    for (size_t i = 0; i <= WAX_MAX_NAME_ATTRIBUTES; i++) {
        memcpy(text + len, i ? ",DC=x" : "DC=x", i ? 5 : 4);
        len += i ? 5 : 4;
        if (i == WAX_MAX_NAME_ATTRIBUTES - 1) {
            CHECK_OK(wax_pki_dn_parse(&b, text, len));
        }
    }
    CHECK_ERR(wax_pki_dn_parse(&b, text, len), WAX_ERR_LIMIT_EXCEEDED);
    wax_buf_cleanup(&b);
}

/* The x509 formatter's RFC 4514 output parses back to the same DER. */
TEST(dn_parse_format_round_trip)
{
    for (size_t i = 0; i < sizeof dn_valid / sizeof dn_valid[0]; i++) {
        struct wax_buf a, b;
        char text[1024];
        size_t text_len = 0;
        wax_buf_init(&a, 1 << 16);
        wax_buf_init(&b, 1 << 16);
        wax_err e1 =
            wax_pki_dn_parse(&a, dn_valid[i].text, strlen(dn_valid[i].text));
        wax_err e2 = e1 == WAX_OK ? wax_x509_name_format(span_of(&a), text,
                                                         sizeof text, &text_len)
                                  : e1;
        wax_err e3 = e2 == WAX_OK ? wax_pki_dn_parse(&b, text, text_len) : e2;
        bool same = e3 == WAX_OK && a.len == b.len &&
                    memcmp(a.data, b.data, a.len) == 0;
        wax_buf_cleanup(&a);
        wax_buf_cleanup(&b);
        CHECK_MSG(e3 == WAX_OK, "row %zu: %s (text \"%s\")", i,
                  wax_err_name(e3), e2 == WAX_OK ? text : "");
        /* hexstring rows keep a PrintableString where the formatter
         * writes text; only the pure-text rows must match exactly */
        if (strchr(dn_valid[i].text, '#') == NULL ||
            strstr(dn_valid[i].text, "\\#") != NULL) {
            CHECK_MSG(same, "row %zu: \"%s\" -> \"%s\" differs", i,
                      dn_valid[i].text, text);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Certificates.                                                       */

static const char *const alice_emails[] = {"alice@example.org",
                                           "a.lovelace@mail.example.com"};

/* make_name parses TEXT into a new buffer B. */
static wax_err
make_name(struct wax_buf *b, const char *text)
{
    wax_buf_init(b, WAX_MAX_PKI_NAME_BYTES);
    return wax_pki_dn_parse(b, text, strlen(text));
}

/* spki_of gives KEY's SubjectPublicKeyInfo in a new buffer B. */
static wax_err
spki_of(struct wax_buf *b, const struct wax_pubkey *key)
{
    wax_buf_init(b, 1 << 16);
    return wax_pubkey_to_spki(key, b);
}

/* key_id_of: SHA-1 of the subjectPublicKey bits, computed here with the
 * x509 SPKI parser and the digest (independent of the pki code). */
static bool
key_id_of(struct wax_span spki, uint8_t out[20])
{
    struct wax_x509_spki parsed;
    size_t len;
    return wax_x509_spki_parse(spki, &parsed) == WAX_OK &&
           wax_digest_compute(WAX_DIGEST_SHA1, out, 20, &len, parsed.key.p,
                              parsed.key.len) == WAX_OK &&
           len == 20;
}

/* make_root makes a self-signed CA certificate for KEY into B. */
static wax_err
make_root(struct wax_buf *b, const struct wax_privkey *key, const char *dn)
{
    struct wax_buf name;
    struct wax_pki_cert_template t;
    struct wax_pubkey *pub = public_of(key);
    wax_err err = make_name(&name, dn);
    wax_pki_cert_template_init(&t);
    if (err == WAX_OK && pub != NULL) {
        err = wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_CA, pub);
    }
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = 1700000000;
    t.not_after = 1700000000 + 86400 * 3650;
    wax_buf_init(b, WAX_MAX_PKI_CERT_BYTES);
    if (err == WAX_OK) {
        err = pub != NULL ? wax_pki_cert_make(b, &t, key, NULL, 0, pub)
                          : WAX_ERR_NOMEM;
    }
    wax_pubkey_free(pub);
    wax_buf_cleanup(&name);
    return err;
}

/* The issuers the brief asks for, with the algorithm they must give. */
static const struct {
    enum wax_keygen kind;
    enum wax_sig_scheme scheme;
    enum wax_digest_alg digest;
    enum wax_oid_id oid;
    bool null_params;
} issuers[] = {
    {WAX_KEYGEN_RSA2048, WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256,
     WAX_OID_SHA256_WITH_RSA, true},
    {WAX_KEYGEN_P256, WAX_SIG_ECDSA, WAX_DIGEST_SHA256,
     WAX_OID_ECDSA_WITH_SHA256, false},
    {WAX_KEYGEN_P384, WAX_SIG_ECDSA, WAX_DIGEST_SHA384,
     WAX_OID_ECDSA_WITH_SHA384, false},
    {WAX_KEYGEN_ED25519, WAX_SIG_ED25519, WAX_DIGEST_NONE, WAX_OID_ED25519,
     false},
};

/*
 * A root per issuer kind, then a leaf under it; the leaf parses back with
 * exactly the requested fields and its signature verifies with the
 * issuer's key (and not with another).
 */
TEST(cert_make_issued_leaf_fields)
{
    for (size_t i = 0; i < sizeof issuers / sizeof issuers[0]; i++) {
        struct wax_privkey *ca_key = cached_key(issuers[i].kind, 0);
        struct wax_privkey *leaf_key = cached_key(WAX_KEYGEN_P256, 1);
        CHECK(ca_key != NULL && leaf_key != NULL);
        struct wax_buf root, name, leaf, leaf_spki;
        struct wax_x509_cert rc, lc;
        struct wax_pubkey *leaf_pub = public_of(leaf_key);
        CHECK(leaf_pub != NULL);

        CHECK_OK(make_root(&root, ca_key, "CN=Test Root,O=Example,C=DE"));
        CHECK_OK(wax_x509_cert_parse(&rc, root.data, root.len));
        CHECK_OK(make_name(&name, "CN=Alice Lovelace,O=Example,C=DE"));
        CHECK_OK(spki_of(&leaf_spki, leaf_pub));

        struct wax_pki_cert_template t;
        wax_pki_cert_template_init(&t);
        CHECK_OK(
            wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_DUAL, leaf_pub));
        t.subject = name.data;
        t.subject_len = name.len;
        t.not_before = 1750000000;
        t.not_after = 1750000000 + 86400 * 365;
        t.emails = alice_emails;
        t.num_emails = 2;
        t.crl_uri = "http://crl.example.org/root.crl";
        wax_buf_init(&leaf, WAX_MAX_PKI_CERT_BYTES);
        CHECK_OK(wax_pki_cert_make(&leaf, &t, ca_key, root.data, root.len,
                                   leaf_pub));
        CHECK_OK(wax_x509_cert_parse(&lc, leaf.data, leaf.len));

        /* version, serial, algorithms */
        CHECK_EQ_U64(lc.version, 3);
        CHECK_EQ_U64(lc.flags, 0); /* positive, non-zero */
        CHECK(lc.serial.len >= 1 && lc.serial.len <= WAX_PKI_SERIAL_BYTES);
        CHECK((lc.serial.p[0] & 0x80) == 0);
        CHECK_OK(lc.sig_alg_err);
        CHECK_EQ_U64(lc.sig_alg.scheme, issuers[i].scheme);
        CHECK_EQ_U64(lc.sig_alg.digest, issuers[i].digest);
        CHECK_EQ_U64(lc.sig_alg_id.id, issuers[i].oid);
        CHECK_EQ_U64(lc.sig_alg_id.has_params, issuers[i].null_params);
        if (issuers[i].null_params) {
            CHECK(lc.sig_alg_id.params.len == 2 &&
                  lc.sig_alg_id.params.p[0] == 0x05 &&
                  lc.sig_alg_id.params.p[1] == 0x00);
        }
        /* names, validity, key */
        CHECK_MEM(lc.issuer.p, lc.issuer.len, rc.subject.p, rc.subject.len);
        CHECK_MEM(lc.subject.p, lc.subject.len, name.data, name.len);
        CHECK_EQ_I64(lc.not_before, 1750000000);
        CHECK_EQ_I64(lc.not_after, 1750000000 + 86400 * 365);
        CHECK_MEM(lc.spki.der.p, lc.spki.der.len, leaf_spki.data,
                  leaf_spki.len);
        /* extensions: exactly these seven, in this order */
        static const struct {
            enum wax_oid_id id;
            bool critical;
        } want_exts[] = {
            {WAX_OID_CE_BASIC_CONSTRAINTS, true},
            {WAX_OID_CE_KEY_USAGE, true},
            {WAX_OID_CE_EXT_KEY_USAGE, false},
            {WAX_OID_CE_SUBJECT_ALT_NAME, false},
            {WAX_OID_CE_SUBJECT_KEY_IDENTIFIER, false},
            {WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER, false},
            {WAX_OID_CE_CRL_DISTRIBUTION_POINTS, false},
        };
        CHECK_EQ_U64(lc.exts.num, 7);
        for (size_t k = 0; k < 7; k++) {
            CHECK_EQ_U64(lc.exts.ext[k].id, want_exts[k].id);
            CHECK_EQ_U64(lc.exts.ext[k].critical, want_exts[k].critical);
        }
        CHECK_OK(wax_x509_cert_check_critical(&lc));
        CHECK(lc.info.has_basic_constraints && !lc.info.ca &&
              !lc.info.has_path_len);
        CHECK(lc.info.has_key_usage && !lc.info.key_usage_not_minimal);
        CHECK_EQ_U64(lc.info.key_usage, WAX_KU_DIGITAL_SIGNATURE |
                                            WAX_KU_NON_REPUDIATION |
                                            WAX_KU_KEY_AGREEMENT);
        /* EKU: exactly emailProtection */
        struct wax_x509_iter it;
        struct wax_span oid;
        enum wax_oid_id id;
        bool present;
        wax_x509_eku_iter(&lc.info, &it);
        CHECK_OK(wax_x509_oid_next(&it, &oid, &id, &present));
        CHECK(present && id == WAX_OID_KP_EMAIL_PROTECTION);
        CHECK_OK(wax_x509_oid_next(&it, &oid, &id, &present));
        CHECK(!present);
        /* SAN: exactly the two rfc822Names */
        struct wax_x509_general_name gn;
        wax_x509_san_iter(&lc.info, &it);
        for (size_t k = 0; k < 2; k++) {
            CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
            CHECK(present && gn.type == WAX_GN_RFC822);
            CHECK_MEM(gn.value.p, gn.value.len, alice_emails[k],
                      strlen(alice_emails[k]));
        }
        CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
        CHECK(!present);
        /* key identifiers: SKI by RFC 5280 method 1, AKI = issuer's SKI */
        uint8_t kid[20];
        CHECK(key_id_of(span_of(&leaf_spki), kid));
        CHECK(lc.info.has_ski);
        CHECK_MEM(lc.info.ski.p, lc.info.ski.len, kid, 20);
        CHECK(rc.info.has_ski && lc.info.aki.present &&
              lc.info.aki.has_key_id && !lc.info.aki.has_issuer &&
              !lc.info.aki.has_serial);
        CHECK_MEM(lc.info.aki.key_id.p, lc.info.aki.key_id.len, rc.info.ski.p,
                  rc.info.ski.len);
        /* CRL distribution point: one fullName URI */
        struct wax_x509_dist_point dp;
        wax_x509_crl_dps_iter(&lc.info, &it);
        CHECK_OK(wax_x509_dist_point_next(&it, &dp, &present));
        CHECK(present && dp.has_full_name && !dp.has_reasons &&
              !dp.has_crl_issuer);
        struct wax_x509_iter git;
        wax_x509_gn_iter(&git, dp.full_name);
        CHECK_OK(wax_x509_gn_next(&git, &gn, &present));
        CHECK(present && gn.type == WAX_GN_URI);
        CHECK_MEM(gn.value.p, gn.value.len, t.crl_uri, strlen(t.crl_uri));
        CHECK_OK(wax_x509_dist_point_next(&it, &dp, &present));
        CHECK(!present);

        /* the signature: good with the issuer's key, bad with another */
        CHECK_OK(wax_x509_cert_verify_signature(&lc, rc.spki.der));
        CHECK_OK(wax_x509_cert_verify_signature(&rc, rc.spki.der));
        wax_err other = wax_x509_cert_verify_signature(&lc, lc.spki.der);
        CHECK_MSG(other != WAX_OK, "verified with the wrong key");

        wax_pubkey_free(leaf_pub);
        wax_buf_cleanup(&root);
        wax_buf_cleanup(&name);
        wax_buf_cleanup(&leaf);
        wax_buf_cleanup(&leaf_spki);
    }
}

/* A self-signed root: CA fields, issuer = subject, AKI = own SKI. */
TEST(cert_make_self_signed_root)
{
    struct wax_privkey *key = cached_key(WAX_KEYGEN_RSA2048, 0);
    CHECK(key != NULL);
    struct wax_buf root, name;
    struct wax_x509_cert c;
    CHECK_OK(make_root(&root, key, "/C=DE/O=Example/CN=Root"));
    CHECK_OK(make_name(&name, "/C=DE/O=Example/CN=Root"));
    CHECK_OK(wax_x509_cert_parse(&c, root.data, root.len));
    CHECK_MEM(c.subject.p, c.subject.len, name.data, name.len);
    CHECK_MEM(c.issuer.p, c.issuer.len, name.data, name.len);
    CHECK(wax_x509_cert_is_self_issued(&c));
    CHECK(c.info.has_basic_constraints && c.info.ca && !c.info.has_path_len);
    CHECK_EQ_U64(c.info.key_usage, WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN);
    CHECK(wax_x509_has_eku(&c.info, WAX_OID_KP_EMAIL_PROTECTION));
    CHECK(!c.info.has_san && !c.info.has_crl_dps);
    CHECK(c.info.aki.present && c.info.aki.has_key_id);
    CHECK_MEM(c.info.aki.key_id.p, c.info.aki.key_id.len, c.info.ski.p,
              c.info.ski.len);
    CHECK_EQ_U64(c.exts.num, 5);
    CHECK_OK(wax_x509_cert_verify_signature(&c, c.spki.der));
    wax_buf_cleanup(&root);
    wax_buf_cleanup(&name);
}

/* Serials are random: two certificates from one template differ. */
TEST(cert_make_serials_differ)
{
    struct wax_privkey *key = cached_key(WAX_KEYGEN_ED25519, 0);
    CHECK(key != NULL);
    struct wax_buf a, b;
    struct wax_x509_cert ca, cb;
    CHECK_OK(make_root(&a, key, "CN=Serial Root"));
    CHECK_OK(make_root(&b, key, "CN=Serial Root"));
    CHECK_OK(wax_x509_cert_parse(&ca, a.data, a.len));
    CHECK_OK(wax_x509_cert_parse(&cb, b.data, b.len));
    CHECK(!wax_span_equal(ca.serial, cb.serial));
    CHECK(ca.serial.len <= WAX_PKI_SERIAL_BYTES &&
          cb.serial.len <= WAX_PKI_SERIAL_BYTES);
    /* everything but serial and signature is the same */
    CHECK_MEM(ca.subject.p, ca.subject.len, cb.subject.p, cb.subject.len);
    CHECK_EQ_I64(ca.not_after, cb.not_after);
    wax_buf_cleanup(&a);
    wax_buf_cleanup(&b);
}

/* A chain root (RSA) -> intermediate (P-256, pathLen 0) -> person
 * (Ed25519): each link verifies, and the pathLen 0 intermediate refuses
 * to certify another CA. */
TEST(cert_make_chain_and_path_len)
{
    struct wax_privkey *root_key = cached_key(WAX_KEYGEN_RSA2048, 0);
    struct wax_privkey *int_key = cached_key(WAX_KEYGEN_P256, 0);
    struct wax_privkey *leaf_key = cached_key(WAX_KEYGEN_ED25519, 1);
    CHECK(root_key != NULL && int_key != NULL && leaf_key != NULL);
    struct wax_pubkey *int_pub = public_of(int_key);
    struct wax_pubkey *leaf_pub = public_of(leaf_key);
    CHECK(int_pub != NULL && leaf_pub != NULL);
    struct wax_buf root, iname, lname, inter, leaf, sub;
    struct wax_x509_cert rc, ic, lc;
    CHECK_OK(make_root(&root, root_key, "CN=Chain Root"));
    CHECK_OK(make_name(&iname, "CN=Chain Intermediate"));
    CHECK_OK(make_name(&lname, "CN=Chain Person"));

    struct wax_pki_cert_template t;
    wax_pki_cert_template_init(&t);
    CHECK_OK(wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_CA, int_pub));
    t.subject = iname.data;
    t.subject_len = iname.len;
    t.not_before = 1700000000;
    t.not_after = 1800000000;
    t.has_path_len = true;
    t.path_len = 0;
    wax_buf_init(&inter, WAX_MAX_PKI_CERT_BYTES);
    CHECK_OK(
        wax_pki_cert_make(&inter, &t, root_key, root.data, root.len, int_pub));

    /* another CA under a pathLen 0 CA: refused */
    t.has_path_len = false;
    wax_buf_init(&sub, WAX_MAX_PKI_CERT_BYTES);
    CHECK_ERR(
        wax_pki_cert_make(&sub, &t, int_key, inter.data, inter.len, leaf_pub),
        WAX_ERR_PKI_ISSUER_PATH_LEN);
    CHECK_EQ_U64(sub.len, 0);

    CHECK_OK(wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_SIGN, leaf_pub));
    t.subject = lname.data;
    t.subject_len = lname.len;
    static const char *const one[] = {"person@example.org"};
    t.emails = one;
    t.num_emails = 1;
    wax_buf_init(&leaf, WAX_MAX_PKI_CERT_BYTES);
    CHECK_OK(
        wax_pki_cert_make(&leaf, &t, int_key, inter.data, inter.len, leaf_pub));

    CHECK_OK(wax_x509_cert_parse(&rc, root.data, root.len));
    CHECK_OK(wax_x509_cert_parse(&ic, inter.data, inter.len));
    CHECK_OK(wax_x509_cert_parse(&lc, leaf.data, leaf.len));
    CHECK(ic.info.ca && ic.info.has_path_len && ic.info.path_len == 0);
    CHECK_EQ_U64(lc.info.key_usage,
                 WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION);
    CHECK_EQ_U64(ic.sig_alg.scheme, WAX_SIG_RSA_PKCS1);
    CHECK_EQ_U64(lc.sig_alg.scheme, WAX_SIG_ECDSA);
    CHECK_MEM(lc.issuer.p, lc.issuer.len, ic.subject.p, ic.subject.len);
    CHECK_MEM(ic.issuer.p, ic.issuer.len, rc.subject.p, rc.subject.len);
    CHECK_MEM(lc.info.aki.key_id.p, lc.info.aki.key_id.len, ic.info.ski.p,
              ic.info.ski.len);
    CHECK_OK(wax_x509_cert_verify_signature(&ic, rc.spki.der));
    CHECK_OK(wax_x509_cert_verify_signature(&lc, ic.spki.der));
    CHECK_ERR(wax_x509_cert_verify_signature(&lc, rc.spki.der),
              WAX_ERR_CRYPTO_KEY_MISMATCH);

    wax_pubkey_free(int_pub);
    wax_pubkey_free(leaf_pub);
    wax_buf_cleanup(&root);
    wax_buf_cleanup(&iname);
    wax_buf_cleanup(&lname);
    wax_buf_cleanup(&inter);
    wax_buf_cleanup(&leaf);
    wax_buf_cleanup(&sub);
}

/* Non-ASCII local parts become SmtpUTF8Mailbox; an empty subject makes
 * the SAN critical; times from 2050 are GeneralizedTime. */
TEST(cert_make_smtputf8_empty_subject_generalized_time)
{
    struct wax_privkey *ca_key = cached_key(WAX_KEYGEN_P256, 0);
    struct wax_privkey *key = cached_key(WAX_KEYGEN_X25519, 0);
    CHECK(ca_key != NULL && key != NULL);
    struct wax_pubkey *pub = public_of(key);
    CHECK(pub != NULL);
    struct wax_buf root, empty, cert;
    struct wax_x509_cert c;
    CHECK_OK(make_root(&root, ca_key, "CN=UTF8 Root"));
    CHECK_OK(make_name(&empty, ""));

    static const char *const emails[] = {"j\xC3\xB6rg@example.org",
                                         "joerg@xn--bcher-kva.example",
                                         "\xE5\xBC\xA0\xE4\xB8\x89@example.cn"};
    struct wax_pki_cert_template t;
    wax_pki_cert_template_init(&t);
    CHECK_OK(wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_ENCRYPT, pub));
    CHECK_EQ_U64(t.key_usage, WAX_KU_KEY_AGREEMENT);
    t.subject = empty.data;
    t.subject_len = empty.len;
    t.not_before = 2524608000; /* 2050-01-01T00:00:00Z */
    t.not_after = 2524608000 + 86400;
    t.emails = emails;
    t.num_emails = 3;
    wax_buf_init(&cert, WAX_MAX_PKI_CERT_BYTES);
    CHECK_OK(wax_pki_cert_make(&cert, &t, ca_key, root.data, root.len, pub));
    CHECK_OK(wax_x509_cert_parse(&c, cert.data, cert.len));
    CHECK(wax_x509_name_is_empty(c.subject));
    CHECK_EQ_I64(c.not_before, 2524608000);
    /* GeneralizedTime tag (0x18) in the TBS */
    static const uint8_t gt[] = {0x18, 0x0F, '2', '0', '5', '0', '0', '1', '0',
                                 '1',  '0',  '0', '0', '0', '0', '0', 'Z'};
    bool found = false;
    for (size_t i = 0; i + sizeof gt <= cert.len && !found; i++) {
        found = memcmp(cert.data + i, gt, sizeof gt) == 0;
    }
    CHECK(found);
    const struct wax_x509_ext *san =
        wax_x509_exts_find(&c.exts, WAX_OID_CE_SUBJECT_ALT_NAME);
    CHECK(san != NULL && san->critical);
    struct wax_x509_iter it;
    struct wax_x509_general_name gn;
    bool present;
    wax_x509_san_iter(&c.info, &it);
    CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
    CHECK(present && gn.type == WAX_GN_OTHER_NAME && gn.is_smtp_utf8 &&
          gn.other_type_id == WAX_OID_ON_SMTP_UTF8_MAILBOX);
    CHECK_MEM(gn.value.p, gn.value.len, emails[0], strlen(emails[0]));
    CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
    CHECK(present && gn.type == WAX_GN_RFC822);
    CHECK_MEM(gn.value.p, gn.value.len, emails[1], strlen(emails[1]));
    CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
    CHECK(present && gn.is_smtp_utf8);
    CHECK_MEM(gn.value.p, gn.value.len, emails[2], strlen(emails[2]));
    CHECK_OK(wax_x509_gn_next(&it, &gn, &present));
    CHECK(!present);
    wax_pubkey_free(pub);
    wax_buf_cleanup(&root);
    wax_buf_cleanup(&empty);
    wax_buf_cleanup(&cert);
}

/* Profiles: bits per key type, and the keys that cannot take a profile. */
TEST(cert_template_profiles)
{
    static const struct {
        enum wax_keygen kind;
        enum wax_pki_profile profile;
        wax_err err;
        uint32_t ku;
        bool ca;
    } rows[] = {
        {WAX_KEYGEN_RSA2048, WAX_PKI_PROFILE_CA, WAX_OK,
         WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN, true},
        {WAX_KEYGEN_RSA2048, WAX_PKI_PROFILE_SIGN, WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION, false},
        {WAX_KEYGEN_RSA2048, WAX_PKI_PROFILE_ENCRYPT, WAX_OK,
         WAX_KU_KEY_ENCIPHERMENT, false},
        {WAX_KEYGEN_RSA2048, WAX_PKI_PROFILE_DUAL, WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION |
             WAX_KU_KEY_ENCIPHERMENT,
         false},
        {WAX_KEYGEN_P256, WAX_PKI_PROFILE_ENCRYPT, WAX_OK, WAX_KU_KEY_AGREEMENT,
         false},
        {WAX_KEYGEN_P384, WAX_PKI_PROFILE_DUAL, WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION |
             WAX_KU_KEY_AGREEMENT,
         false},
        {WAX_KEYGEN_X25519, WAX_PKI_PROFILE_ENCRYPT, WAX_OK,
         WAX_KU_KEY_AGREEMENT, false},
        {WAX_KEYGEN_ED25519, WAX_PKI_PROFILE_SIGN, WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION, false},
        {WAX_KEYGEN_ED25519, WAX_PKI_PROFILE_CA, WAX_OK,
         WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN, true},
        {WAX_KEYGEN_ED25519, WAX_PKI_PROFILE_ENCRYPT,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH, 0, false},
        {WAX_KEYGEN_ED25519, WAX_PKI_PROFILE_DUAL,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH, 0, false},
        {WAX_KEYGEN_X25519, WAX_PKI_PROFILE_SIGN,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH, 0, false},
        {WAX_KEYGEN_X25519, WAX_PKI_PROFILE_CA, WAX_ERR_PKI_KEY_USAGE_MISMATCH,
         0, false},
        {WAX_KEYGEN_X25519, WAX_PKI_PROFILE_DUAL,
         WAX_ERR_PKI_KEY_USAGE_MISMATCH, 0, false},
        {WAX_KEYGEN_P256, (enum wax_pki_profile)99, WAX_ERR_INVALID_ARGUMENT, 0,
         false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct wax_privkey *key = cached_key(rows[i].kind, 2);
        struct wax_pubkey *pub = public_of(key);
        CHECK(pub != NULL);
        struct wax_pki_cert_template t;
        wax_pki_cert_template_init(&t);
        t.key_usage = 0x1234; /* must stay on error */
        t.has_path_len = true;
        wax_err err = wax_pki_cert_template_profile(&t, rows[i].profile, pub);
        wax_pubkey_free(pub);
        CHECK_MSG(err == rows[i].err, "row %zu: got %s", i, wax_err_name(err));
        if (err != WAX_OK) {
            CHECK_MSG(t.key_usage == 0x1234 && t.has_path_len && !t.ca &&
                          t.num_ekus == 0,
                      "row %zu: template changed on error", i);
            continue;
        }
        CHECK_MSG(t.key_usage == rows[i].ku && t.ca == rows[i].ca &&
                      !t.has_path_len && t.num_ekus == 1 &&
                      t.ekus[0] == WAX_OID_KP_EMAIL_PROTECTION,
                  "row %zu: ku %x ca %d", i, t.key_usage, t.ca);
    }
    CHECK_ERR(wax_pki_cert_template_profile(NULL, WAX_PKI_PROFILE_CA, NULL),
              WAX_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* Certificate errors: one good template, one change per row.          */

enum mutation {
    M_NONE,
    M_BAD_SUBJECT,
    M_SUBJECT_TRAILING,
    M_AFTER_BEFORE,
    M_YEAR_10000,
    M_PATH_LEN_NO_CA,
    M_CA_NO_CERT_SIGN,
    M_CERT_SIGN_NO_CA,
    M_KU_BIT_9,
    M_EMPTY_NO_EMAIL,
    M_EMPTY_CA,
    M_EKU_UNKNOWN,
    M_EKU_NULL,
    M_TOO_MANY_EKUS,
    M_EMAIL,
    M_EMAILS_NULL,
    M_TOO_MANY_EMAILS,
    M_URI,
    M_KU_ENCIPHER_EC,
};

static const struct {
    enum mutation m;
    const char *arg;
    wax_err err;
} cert_bad[] = {
    {M_BAD_SUBJECT, NULL, WAX_ERR_X509_BAD_NAME},
    {M_SUBJECT_TRAILING, NULL, WAX_ERR_X509_BAD_NAME},
    {M_AFTER_BEFORE, NULL, WAX_ERR_PKI_BAD_VALIDITY},
    {M_YEAR_10000, NULL, WAX_ERR_PKI_BAD_VALIDITY},
    {M_PATH_LEN_NO_CA, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_CA_NO_CERT_SIGN, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_CERT_SIGN_NO_CA, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_KU_BIT_9, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_EMPTY_NO_EMAIL, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_EMPTY_CA, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_EKU_UNKNOWN, NULL, WAX_ERR_PKI_BAD_TEMPLATE},
    {M_EKU_NULL, NULL, WAX_ERR_INVALID_ARGUMENT},
    {M_TOO_MANY_EKUS, NULL, WAX_ERR_LIMIT_EXCEEDED},
    {M_EMAILS_NULL, NULL, WAX_ERR_INVALID_ARGUMENT},
    {M_TOO_MANY_EMAILS, NULL, WAX_ERR_LIMIT_EXCEEDED},
    {M_KU_ENCIPHER_EC, NULL, WAX_ERR_PKI_KEY_USAGE_MISMATCH},
    {M_EMAIL, "noat.example.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "@example.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@-x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@x-.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@x..org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@x.org.", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@x_y.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@[192.0.2.1]", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a@b@c.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, ".a@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a.@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a..b@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a b@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "\"a\"@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "a\x01@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL, "\xFF@x.org", WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaa@x.org",
     WAX_ERR_PKI_BAD_EMAIL},
    {M_EMAIL,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org",
     WAX_ERR_PKI_BAD_EMAIL}, /* local part of 65 */
    {M_EMAIL,
     "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
     WAX_ERR_PKI_BAD_EMAIL}, /* label of 64 */
    {M_EMAIL,
     "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
     WAX_ERR_PKI_BAD_EMAIL}, /* domain of 255 */
    {M_EMAIL,
     "a@b\xC3\xBC"
     "cher.example",
     WAX_ERR_PKI_EMAIL_NEEDS_IDNA},
    {M_EMAIL, "j\xC3\xB6rg@xn--bcher-kva.example",
     WAX_ERR_PKI_EMAIL_NEEDS_IDNA},
    {M_EMAIL,
     "j\xC3\xB6rg@b\xC3\xBC"
     "cher.example",
     WAX_ERR_PKI_EMAIL_NEEDS_IDNA},
    /* edges that pass */
    {M_EMAIL,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org",
     WAX_OK},
    {M_EMAIL, "a!#$%&'*+-/=?^_`{|}~.z@a-1.b2.example", WAX_OK},
    {M_EMAIL, "a@xn--bcher-kva.example", WAX_OK},
    {M_URI, "ldap://ldap.example.org/cn=CA,o=Example?certificateRevocationList",
     WAX_OK},
    {M_URI, "", WAX_ERR_PKI_BAD_URI},
    {M_URI, "nocolon", WAX_ERR_PKI_BAD_URI},
    {M_URI, "http:", WAX_ERR_PKI_BAD_URI},
    {M_URI, "1http://x", WAX_ERR_PKI_BAD_URI},
    {M_URI, ":x", WAX_ERR_PKI_BAD_URI},
    {M_URI, "http://a b/c.crl", WAX_ERR_PKI_BAD_URI},
    {M_URI,
     "http://b\xC3\xBC"
     "cher.example/c.crl",
     WAX_ERR_PKI_BAD_URI},
    {M_NONE, NULL, WAX_OK},
};

TEST(cert_make_template_errors)
{
    struct wax_privkey *key = cached_key(WAX_KEYGEN_P256, 2);
    CHECK(key != NULL);
    struct wax_pubkey *pub = public_of(key);
    CHECK(pub != NULL);
    struct wax_privkey *ca_key = cached_key(WAX_KEYGEN_P256, 0);
    CHECK(ca_key != NULL);
    struct wax_buf root, name, empty, out;
    CHECK_OK(make_root(&root, ca_key, "CN=Errors Root"));
    CHECK_OK(make_name(&name, "CN=Errors"));
    CHECK_OK(make_name(&empty, ""));
    uint8_t trailing[128];
    memcpy(trailing, name.data, name.len);
    trailing[name.len] = 0x00;
    static const uint8_t not_a_name[] = {0x31, 0x00};
    static const enum wax_oid_id unknown_eku[] = {WAX_OID_UNKNOWN};
    enum wax_oid_id many_ekus[WAX_MAX_PKI_EKUS + 1];
    for (size_t i = 0; i <= WAX_MAX_PKI_EKUS; i++) {
        many_ekus[i] = WAX_OID_KP_EMAIL_PROTECTION;
    }
    const char *many_emails[WAX_MAX_PKI_EMAILS + 1];
    for (size_t i = 0; i <= WAX_MAX_PKI_EMAILS; i++) {
        many_emails[i] = "a@example.org";
    }
    wax_buf_init(&out, WAX_MAX_PKI_CERT_BYTES);
    CHECK_OK(wax_buf_append(&out, (const uint8_t *)"keep", 4));

    for (size_t i = 0; i < sizeof cert_bad / sizeof cert_bad[0]; i++) {
        struct wax_pki_cert_template t;
        const char *one[1] = {cert_bad[i].arg};
        wax_pki_cert_template_init(&t);
        CHECK_OK(wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_SIGN, pub));
        t.subject = name.data;
        t.subject_len = name.len;
        t.not_before = 1700000000;
        t.not_after = 1700086400;
        switch (cert_bad[i].m) {
        case M_NONE:
            break;
        case M_BAD_SUBJECT:
            t.subject = not_a_name;
            t.subject_len = sizeof not_a_name;
            break;
        case M_SUBJECT_TRAILING:
            t.subject = trailing;
            t.subject_len = name.len + 1;
            break;
        case M_AFTER_BEFORE:
            t.not_after = t.not_before - 1;
            break;
        case M_YEAR_10000:
            t.not_after = 253402300800; /* 10000-01-01 */
            break;
        case M_PATH_LEN_NO_CA:
            t.has_path_len = true;
            break;
        case M_CA_NO_CERT_SIGN:
            t.ca = true;
            break;
        case M_CERT_SIGN_NO_CA:
            t.key_usage |= WAX_KU_KEY_CERT_SIGN;
            break;
        case M_KU_BIT_9:
            t.key_usage |= 1u << 9;
            break;
        case M_EMPTY_NO_EMAIL:
            t.subject = empty.data;
            t.subject_len = empty.len;
            break;
        case M_EMPTY_CA:
            t.subject = empty.data;
            t.subject_len = empty.len;
            t.ca = true;
            t.key_usage = WAX_KU_KEY_CERT_SIGN;
            one[0] = "ca@example.org";
            t.emails = one;
            t.num_emails = 1;
            break;
        case M_EKU_UNKNOWN:
            t.ekus = unknown_eku;
            break;
        case M_EKU_NULL:
            t.ekus = NULL;
            break;
        case M_TOO_MANY_EKUS:
            t.ekus = many_ekus;
            t.num_ekus = WAX_MAX_PKI_EKUS + 1;
            break;
        case M_EMAIL:
            t.emails = one;
            t.num_emails = 1;
            break;
        case M_EMAILS_NULL:
            t.num_emails = 1;
            break;
        case M_TOO_MANY_EMAILS:
            t.emails = many_emails;
            t.num_emails = WAX_MAX_PKI_EMAILS + 1;
            break;
        case M_URI:
            t.crl_uri = cert_bad[i].arg;
            break;
        case M_KU_ENCIPHER_EC:
            t.key_usage |= WAX_KU_KEY_ENCIPHERMENT;
            break;
        }
        /* issued by a root (the empty-subject rows need an issuer) */
        wax_err err =
            wax_pki_cert_make(&out, &t, ca_key, root.data, root.len, pub);
        if (cert_bad[i].err == WAX_OK) {
            CHECK_MSG(err == WAX_OK, "row %zu (%s): %s", i,
                      cert_bad[i].arg ? cert_bad[i].arg : "-",
                      wax_err_name(err));
            wax_buf_reset(&out);
            CHECK_OK(wax_buf_append(&out, (const uint8_t *)"keep", 4));
            continue;
        }
        CHECK_MSG(err == cert_bad[i].err, "row %zu (%s): got %s, want %s", i,
                  cert_bad[i].arg ? cert_bad[i].arg : "-", wax_err_name(err),
                  wax_err_name(cert_bad[i].err));
        CHECK_MSG(out.len == 4, "row %zu: OUT changed on error", i);
    }
    wax_pubkey_free(pub);
    wax_buf_cleanup(&root);
    wax_buf_cleanup(&name);
    wax_buf_cleanup(&empty);
    wax_buf_cleanup(&out);
}

/* Errors about the issuer and the keys. */
TEST(cert_make_issuer_errors)
{
    struct wax_privkey *ca_key = cached_key(WAX_KEYGEN_P256, 0);
    struct wax_privkey *other = cached_key(WAX_KEYGEN_P256, 1);
    struct wax_privkey *xkey = cached_key(WAX_KEYGEN_X25519, 0);
    CHECK(ca_key != NULL && other != NULL && xkey != NULL);
    struct wax_pubkey *ca_pub = public_of(ca_key);
    struct wax_pubkey *other_pub = public_of(other);
    struct wax_pubkey *xpub = public_of(xkey);
    CHECK(ca_pub != NULL && other_pub != NULL && xpub != NULL);
    struct wax_buf root, name, leaf, out;
    CHECK_OK(make_root(&root, ca_key, "CN=Issuer Errors Root"));
    CHECK_OK(make_name(&name, "CN=Issuer Errors Leaf"));
    wax_buf_init(&leaf, WAX_MAX_PKI_CERT_BYTES);
    wax_buf_init(&out, WAX_MAX_PKI_CERT_BYTES);

    struct wax_pki_cert_template t;
    wax_pki_cert_template_init(&t);
    CHECK_OK(
        wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_SIGN, other_pub));
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = 1700000000;
    t.not_after = 1700086400;
    CHECK_OK(
        wax_pki_cert_make(&leaf, &t, ca_key, root.data, root.len, other_pub));

    /* the issuer key is not the issuer certificate's */
    CHECK_ERR(
        wax_pki_cert_make(&out, &t, other, root.data, root.len, other_pub),
        WAX_ERR_PKI_ISSUER_KEY_MISMATCH);
    /* a leaf cannot issue */
    CHECK_ERR(
        wax_pki_cert_make(&out, &t, other, leaf.data, leaf.len, other_pub),
        WAX_ERR_PKI_ISSUER_NOT_CA);
    /* self-signed: the subject key must be the issuer key */
    CHECK_ERR(wax_pki_cert_make(&out, &t, ca_key, NULL, 0, other_pub),
              WAX_ERR_PKI_ISSUER_KEY_MISMATCH);
    /* self-signed with an empty subject */
    static const char *const one[] = {"a@example.org"};
    struct wax_pki_cert_template e = t;
    struct wax_buf empty;
    CHECK_OK(make_name(&empty, ""));
    e.subject = empty.data;
    e.subject_len = empty.len;
    e.emails = one;
    e.num_emails = 1;
    CHECK_ERR(wax_pki_cert_make(&out, &e, other, NULL, 0, other_pub),
              WAX_ERR_PKI_BAD_TEMPLATE);
    /* an X25519 key cannot sign */
    struct wax_pki_cert_template x = t;
    CHECK_OK(wax_pki_cert_template_profile(&x, WAX_PKI_PROFILE_ENCRYPT, xpub));
    CHECK_ERR(wax_pki_cert_make(&out, &x, xkey, NULL, 0, xpub),
              WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY);
    /* a broken issuer certificate: the parser's exact code */
    struct wax_x509_cert c;
    uint8_t broken[64];
    memcpy(broken, root.data, sizeof broken);
    wax_err parse_err = wax_x509_cert_parse(&c, broken, sizeof broken);
    CHECK(parse_err != WAX_OK);
    CHECK_ERR(
        wax_pki_cert_make(&out, &t, ca_key, broken, sizeof broken, other_pub),
        parse_err);
    /* NULL arguments */
    CHECK_ERR(wax_pki_cert_make(NULL, &t, ca_key, NULL, 0, ca_pub),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_cert_make(&out, NULL, ca_key, NULL, 0, ca_pub),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_cert_make(&out, &t, NULL, NULL, 0, ca_pub),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_cert_make(&out, &t, ca_key, NULL, 0, NULL),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_cert_make(&out, &t, ca_key, NULL, 5, ca_pub),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U64(out.len, 0);

    wax_pubkey_free(ca_pub);
    wax_pubkey_free(other_pub);
    wax_pubkey_free(xpub);
    wax_buf_cleanup(&root);
    wax_buf_cleanup(&name);
    wax_buf_cleanup(&leaf);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&empty);
}

/* ------------------------------------------------------------------ */
/* PEM writing.                                                        */

TEST(pem_write_exact_and_round_trip)
{
    static const uint8_t three[] = {0x00, 0x01, 0x02};
    static const char want[] =
        "-----BEGIN TEST-----\nAAEC\n-----END TEST-----\n";
    static const char want_empty[] =
        "-----BEGIN X 509-----\n-----END X 509-----\n";
    struct wax_buf b;
    wax_buf_init(&b, 1 << 16);
    CHECK_OK(wax_pki_pem_write(&b, "TEST", three, sizeof three));
    CHECK_MEM(b.data, b.len, want, strlen(want));
    wax_buf_reset(&b);
    CHECK_OK(wax_pki_pem_write(&b, "X 509", NULL, 0));
    CHECK_MEM(b.data, b.len, want_empty, strlen(want_empty));

    static const size_t lens[] = {1, 47, 48, 49, 96, 100, 1000};
    uint8_t data[1000];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        wax_buf_reset(&b);
        CHECK_OK(wax_pki_pem_write(&b, "CERTIFICATE", data, lens[k]));
        /* lines of at most 64 characters, all ending in LF, none CR */
        size_t line = 0, num_lines = 0;
        for (size_t i = 0; i < b.len; i++) {
            CHECK(b.data[i] != '\r');
            if (b.data[i] == '\n') {
                num_lines++;
                line = 0;
            } else {
                line++;
                CHECK(line <= 64);
            }
        }
        CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
        CHECK_EQ_U64(num_lines, 2 + (lens[k] + 47) / 48);
        /* the x509 PEM reader gets the bytes back */
        struct wax_pem_reader r;
        struct wax_pem_block blk;
        bool present;
        uint8_t back[1000];
        size_t back_len;
        wax_pem_reader_init(&r, b.data, b.len);
        CHECK_OK(wax_pem_next(&r, &blk, &present));
        CHECK(present && wax_pem_label_is(&blk, "CERTIFICATE"));
        CHECK_OK(wax_pem_decode(&blk, back, sizeof back, &back_len));
        CHECK_MEM(back, back_len, data, lens[k]);
        CHECK_OK(wax_pem_next(&r, &blk, &present));
        CHECK(!present);
    }

    /* bad labels leave OUT alone */
    static const char *const bad_labels[] = {
        "-X",
        "X-",
        "A--B",
        "A  B",
        "A\nB",
        " A",
        "A\x7F",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
    wax_buf_reset(&b);
    for (size_t i = 0; i < sizeof bad_labels / sizeof bad_labels[0]; i++) {
        CHECK_MSG(wax_pki_pem_write(&b, bad_labels[i], three, 3) ==
                      WAX_ERR_INVALID_ARGUMENT,
                  "label %zu accepted", i);
    }
    CHECK_ERR(wax_pki_pem_write(&b, NULL, three, 3), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_pem_write(&b, "X", NULL, 3), WAX_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U64(b.len, 0);
    /* a full buffer: its error, OUT unchanged */
    struct wax_buf small;
    wax_buf_init(&small, 40);
    CHECK_ERR(wax_pki_pem_write(&small, "CERTIFICATE", data, 100),
              WAX_ERR_LIMIT_EXCEEDED);
    CHECK_EQ_U64(small.len, 0);
    wax_buf_cleanup(&small);
    wax_buf_cleanup(&b);
}
