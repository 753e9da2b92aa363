/* Unit tests: CRLs (RFC 5280 §5) and PKCS#10 requests (RFC 2986), built and
 * signed in the test with a fresh Ed25519 key. */
#include "../harness.h"
#include "x509_build.h"

static struct wax_x509_crl crl;
static struct wax_x509_req req;
static struct xb parsed;

#define THIS_UPDATE H("17 0D 32 30 30 31 30 31 30 30 30 30 30 30 5A")
#define NEXT_UPDATE H("17 0D 32 30 30 32 30 31 30 30 30 30 30 30 5A")
#define GEN_TIME H("18 0F 32 30 31 39 31 32 33 31 30 30 30 30 30 30 5A")

static struct xb
entry(const char *serial_hex, struct xb exts)
{
    return SEQ(3, T(0x02, 1, H(serial_hex)), THIS_UPDATE, exts);
}

/* crl_der: a CRL with the given pieces and a dummy signature. */
static struct xb
crl_der(struct xb version, struct xb revoked, struct xb exts)
{
    return SEQ(3,
               SEQ(7, version, ALG_ED25519, NAME_TEST, THIS_UPDATE, NEXT_UPDATE,
                   revoked, exts),
               ALG_ED25519, sig_dummy());
}

static wax_err
parse_crl(struct xb der)
{
    parsed = der;
    return wax_x509_crl_parse(&crl, parsed.p, parsed.n);
}

#define V2 H("02 01 01")
#define REASON(r) EXT("55 1D 15", false, H("0A 01 " r))

TEST(x509_crl_v2_entries)
{
    struct xb revoked = SEQ(
        3, entry("01", NONE),
        entry("02", SEQ(2, REASON("01"), EXT("55 1D 18", false, GEN_TIME))),
        entry("00 FF",
              SEQ(1, EXT("55 1D 1D", true, SEQ(1, T(0xA4, 1, NAME_TEST))))));
    struct xb exts = T(0xA0, 1,
                       SEQ(2, EXT("55 1D 14", false, H("02 01 2A")),
                           EXT(OID_AKI, false, H("30 04 80 02 01 02"))));
    CHECK_OK(parse_crl(crl_der(V2, revoked, exts)));
    CHECK_EQ_U64(crl.version, 2);
    CHECK_EQ_I64(crl.this_update, 1577836800);
    CHECK(crl.has_next_update);
    CHECK_EQ_I64(crl.next_update, 1580515200);
    CHECK_EQ_U64(crl.num_revoked, 3);
    CHECK(crl.has_crl_number);
    CHECK_MEM(crl.crl_number.p, crl.crl_number.len, "\x2A", 1);
    CHECK(crl.aki.present && crl.aki.has_key_id);
    CHECK_OK(wax_x509_crl_check_critical(&crl));

    struct wax_x509_iter it;
    static struct wax_x509_crl_entry e;
    bool present;
    wax_x509_crl_entries(&crl, &it);
    CHECK_OK(wax_x509_crl_entry_next(&it, &e, &present));
    CHECK(present && !e.has_reason && e.exts.num == 0);
    CHECK_OK(wax_x509_crl_entry_next(&it, &e, &present));
    CHECK(present && e.has_reason &&
          e.reason == WAX_CRL_REASON_KEY_COMPROMISE && e.has_invalidity_date);
    CHECK_EQ_I64(e.invalidity_date, 1577750400);
    CHECK_OK(wax_x509_crl_entry_next(&it, &e, &present));
    CHECK(present && e.has_certificate_issuer);
    CHECK_MEM(e.serial.p, e.serial.len, "\x00\xFF", 2);
    CHECK_OK(wax_x509_crl_entry_next(&it, &e, &present));
    CHECK(!present);

    bool found;
    CHECK_OK(wax_x509_crl_find(
        &crl, (struct wax_span){(const uint8_t *)"\x02", 1}, &e, &found));
    CHECK(found && e.reason == WAX_CRL_REASON_KEY_COMPROMISE);
    CHECK_OK(wax_x509_crl_find(
        &crl, (struct wax_span){(const uint8_t *)"\x03", 1}, NULL, &found));
    CHECK(!found);
}

TEST(x509_crl_v1_and_unknown_critical)
{
    CHECK_OK(parse_crl(crl_der(NONE, SEQ(1, entry("05", NONE)), NONE)));
    CHECK_EQ_U64(crl.version, 1);
    CHECK_EQ_U64(crl.num_revoked, 1);
    CHECK(!crl.has_crl_number);
    CHECK_OK(parse_crl(crl_der(NONE, NONE, NONE)));
    CHECK_EQ_U64(crl.num_revoked, 0);
    CHECK_OK(parse_crl(crl_der(
        V2, SEQ(1, entry("05", SEQ(1, EXT("2A 03 04", true, H("05 00"))))),
        NONE)));
    CHECK_EQ_U64(crl.num_unknown_critical_entry_exts, 1);
    CHECK_ERR(wax_x509_crl_check_critical(&crl),
              WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION);
}

TEST(x509_crl_invalid_table)
{
    static struct {
        struct xb der;
        wax_err err;
    } cases[16];
    size_t n = 0;
    /* version present but v1 (it is OPTIONAL, "if present, MUST be v2") */
    cases[n].der = crl_der(H("02 01 00"), NONE, NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_VERSION;
    cases[n].der = crl_der(H("02 01 02"), NONE, NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_VERSION;
    /* extensions in a v1 CRL, entry extensions in a v1 CRL */
    cases[n].der = crl_der(
        NONE, NONE, T(0xA0, 1, SEQ(1, EXT("55 1D 14", false, H("02 01 01")))));
    cases[n++].err = WAX_ERR_X509_CRL_BAD_VERSION;
    cases[n].der =
        crl_der(NONE, SEQ(1, entry("01", SEQ(1, REASON("01")))), NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_VERSION;
    /* reason 7 is unused; 11 does not exist */
    cases[n].der = crl_der(V2, SEQ(1, entry("01", SEQ(1, REASON("07")))), NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_ENTRY;
    cases[n].der = crl_der(V2, SEQ(1, entry("01", SEQ(1, REASON("0B")))), NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_ENTRY;
    /* invalidityDate as UTCTime */
    cases[n].der = crl_der(
        V2, SEQ(1, entry("01", SEQ(1, EXT("55 1D 18", false, THIS_UPDATE)))),
        NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_ENTRY;
    /* duplicate CRL extension, duplicate entry extension */
    cases[n].der = crl_der(V2, NONE,
                           T(0xA0, 1,
                             SEQ(2, EXT("55 1D 14", false, H("02 01 01")),
                                 EXT("55 1D 14", false, H("02 01 02")))));
    cases[n++].err = WAX_ERR_X509_DUPLICATE_EXTENSION;
    cases[n].der = crl_der(
        V2, SEQ(1, entry("01", SEQ(2, REASON("01"), REASON("02")))), NONE);
    cases[n++].err = WAX_ERR_X509_DUPLICATE_EXTENSION;
    /* negative CRL number */
    cases[n].der = crl_der(
        V2, NONE, T(0xA0, 1, SEQ(1, EXT("55 1D 14", false, H("02 01 FF")))));
    cases[n++].err = WAX_ERR_X509_CRL_BAD_EXTENSIONS;
    /* issuingDistributionPoint: FALSE encoded; two "only" flags; empty */
    cases[n].der =
        crl_der(V2, NONE,
                T(0xA0, 1, SEQ(1, EXT("55 1D 1C", true, H("30 03 81 01 00")))));
    cases[n++].err = WAX_ERR_DER_DEFAULT_ENCODED;
    cases[n].der =
        crl_der(V2, NONE,
                T(0xA0, 1,
                  SEQ(1, EXT("55 1D 1C", true, H("30 06 81 01 FF 82 01 FF")))));
    cases[n++].err = WAX_ERR_X509_CRL_BAD_EXTENSIONS;
    cases[n].der = crl_der(
        V2, NONE, T(0xA0, 1, SEQ(1, EXT("55 1D 1C", true, H("30 00")))));
    cases[n++].err = WAX_ERR_X509_CRL_BAD_EXTENSIONS;
    /* an entry without its date */
    cases[n].der = crl_der(V2, SEQ(1, SEQ(1, H("02 01 01"))), NONE);
    cases[n++].err = WAX_ERR_X509_CRL_BAD_ENTRY;
    /* trailing data after the CRL */
    cases[n].der = CAT(2, crl_der(NONE, NONE, NONE), H("00 00"));
    cases[n++].err = WAX_ERR_DER_TRAILING_DATA;
    for (size_t i = 0; i < n; i++) {
        wax_err err = parse_crl(cases[i].der);
        CHECK_MSG(err == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(err), wax_err_name(cases[i].err));
    }
}

TEST(x509_crl_idp)
{
    struct xb idp = H("30 0D A0 08 A0 06 86 04 68 74 74 70 81 01 FF");
    CHECK_OK(parse_crl(
        crl_der(V2, NONE, T(0xA0, 1, SEQ(1, EXT("55 1D 1C", true, idp))))));
    CHECK(crl.idp.present && crl.idp.has_full_name && crl.idp.only_user_certs);
    CHECK(!crl.idp.only_ca_certs && !crl.idp.indirect_crl);
}

/* ------------------------------------------------------------------ */
/* Signing helpers.                                                    */

struct signer {
    struct wax_privkey *key;
    struct xb spki;
};

static wax_err
signer_new(struct signer *s)
{
    struct wax_pubkey *pub = NULL;
    struct wax_buf b;
    wax_buf_init(&b, 4096);
    s->key = NULL;
    wax_err err = wax_privkey_generate(&s->key, WAX_KEYGEN_ED25519);
    if (err == WAX_OK) {
        err = wax_privkey_public(s->key, &pub);
    }
    if (err == WAX_OK) {
        err = wax_pubkey_to_spki(pub, &b);
    }
    if (err == WAX_OK) {
        s->spki.n = 0;
        xb_put(&s->spki, b.data, b.len);
    }
    wax_pubkey_free(pub);
    wax_buf_cleanup(&b);
    return err;
}

/* signed_object: SEQUENCE { TBS, Ed25519, BIT STRING sig(TBS) } */
static wax_err
signed_object(const struct signer *s, struct xb tbs, struct xb *out)
{
    static const struct wax_sig_alg alg = {WAX_SIG_ED25519, WAX_DIGEST_NONE, 0,
                                           0};
    uint8_t sig[128];
    size_t sig_len;
    WAX_TRY(wax_privkey_sign(s->key, &alg, sig, sizeof sig, &sig_len, tbs.p,
                             tbs.n));
    struct xb bits = H("00");
    xb_put(&bits, sig, sig_len);
    *out = SEQ(3, tbs, ALG_ED25519, T(0x03, 1, bits));
    return WAX_OK;
}

TEST(x509_crl_signature)
{
    struct signer s;
    CHECK_OK(signer_new(&s));
    struct xb der;
    wax_err err = signed_object(&s,
                                SEQ(6, V2, ALG_ED25519, NAME_TEST, THIS_UPDATE,
                                    SEQ(1, entry("01", NONE)), NONE),
                                &der);
    wax_privkey_free(s.key);
    CHECK_OK(err);
    CHECK_OK(parse_crl(der));
    CHECK_OK(wax_x509_crl_verify_signature(
        &crl, (struct wax_span){s.spki.p, s.spki.n}));
    /* revoke serial 2 instead of 1: same length, signature breaks */
    size_t at = 0;
    while (at + 3 <= parsed.n &&
           memcmp(parsed.p + at, "\x02\x01\x01\x17", 4) != 0) {
        at++;
    }
    CHECK(at + 3 <= parsed.n);
    parsed.p[at + 2] = 2;
    CHECK_OK(wax_x509_crl_parse(&crl, parsed.p, parsed.n));
    CHECK_ERR(wax_x509_crl_verify_signature(
                  &crl, (struct wax_span){s.spki.p, s.spki.n}),
              WAX_ERR_X509_SIGNATURE_INVALID);
}

/* ------------------------------------------------------------------ */
/* PKCS#10.                                                            */

#define EXT_REQ_OID H("06 09 2A 86 48 86 F7 0D 01 09 0E")
#define CHALLENGE_OID H("06 09 2A 86 48 86 F7 0D 01 09 07")

static struct xb
req_info(struct xb version, struct xb spki, struct xb attrs)
{
    return SEQ(4, version, NAME_TEST, spki, attrs);
}

static wax_err
parse_req(struct xb der)
{
    parsed = der;
    return wax_x509_req_parse(&req, parsed.p, parsed.n);
}

TEST(x509_req_signed_with_extension_request)
{
    struct signer s;
    CHECK_OK(signer_new(&s));
    struct xb san = SEQ(1, H("81 07 61 40 62 2E 6F 72 67")); /* a@b.org */
    struct xb attrs =
        T(0xA0, 2, SEQ(2, CHALLENGE_OID, SET(1, T(0x0C, 1, S("secret")))),
          SEQ(2, EXT_REQ_OID,
              SET(1, SEQ(2, EXT(OID_SAN, false, san),
                         EXT(OID_KU, true, H("03 02 07 80"))))));
    struct xb der;
    wax_err err =
        signed_object(&s, req_info(H("02 01 00"), s.spki, attrs), &der);
    wax_privkey_free(s.key);
    CHECK_OK(err);
    CHECK_OK(parse_req(der));
    CHECK_EQ_U64(req.version, 1);
    CHECK_EQ_U64(req.num_attributes, 2);
    CHECK(req.has_extension_request);
    CHECK_EQ_U64(req.exts.num, 2);
    CHECK(req.info_ext.has_san && req.info_ext.has_key_usage);
    CHECK_EQ_U64(req.info_ext.key_usage, WAX_KU_DIGITAL_SIGNATURE);
    CHECK_EQ_U64(req.spki.type, WAX_X509_KEY_ED25519);
    CHECK_OK(wax_x509_req_verify_signature(&req));

    struct wax_x509_iter it;
    struct wax_x509_attribute a;
    bool present;
    wax_x509_req_attributes(&req, &it);
    CHECK_OK(wax_x509_attribute_next(&it, &a, &present));
    CHECK(present && a.id == WAX_OID_PKCS9_CHALLENGE_PASSWORD);

    /* tamper with the SAN: the request's own signature breaks */
    size_t at = 0;
    while (at + 3 <= parsed.n && memcmp(parsed.p + at, "a@b", 3) != 0) {
        at++;
    }
    CHECK(at + 3 <= parsed.n);
    parsed.p[at] = 'c';
    CHECK_OK(wax_x509_req_parse(&req, parsed.p, parsed.n));
    CHECK_ERR(wax_x509_req_verify_signature(&req),
              WAX_ERR_X509_SIGNATURE_INVALID);
}

TEST(x509_req_invalid_table)
{
    struct xb spki = spki_dummy();
    struct xb ext_req = SEQ(
        2, EXT_REQ_OID, SET(1, SEQ(1, EXT(OID_KU, true, H("03 02 07 80")))));
    static struct {
        struct xb info;
        wax_err err;
    } cases[10];
    size_t n = 0;
    cases[n].info = req_info(H("02 01 01"), spki, H("A0 00"));
    cases[n++].err = WAX_ERR_X509_REQ_BAD_VERSION;
    cases[n].info = req_info(NONE, spki, H("A0 00"));
    cases[n++].err = WAX_ERR_X509_REQ_BAD_VERSION;
    cases[n].info = req_info(H("02 01 00"), spki, NONE); /* no [0] */
    cases[n++].err = WAX_ERR_X509_REQ_BAD_ATTRIBUTES;
    cases[n].info = req_info(H("02 01 00"), spki, T(0xA0, 2, ext_req, ext_req));
    cases[n++].err = WAX_ERR_X509_REQ_BAD_ATTRIBUTES;
    cases[n].info = req_info(H("02 01 00"), spki,
                             T(0xA0, 1, SEQ(2, CHALLENGE_OID, H("31 00"))));
    cases[n++].err = WAX_ERR_X509_REQ_BAD_ATTRIBUTES; /* no value */
    cases[n].info = req_info(
        H("02 01 00"), spki,
        T(0xA0, 1, SEQ(2, EXT_REQ_OID, SET(2, H("30 00"), H("30 00")))));
    cases[n++].err = WAX_ERR_X509_REQ_BAD_ATTRIBUTES; /* two values */
    cases[n].info =
        req_info(H("02 01 00"), spki,
                 T(0xA0, 1,
                   SEQ(2, EXT_REQ_OID,
                       SET(1, SEQ(1, EXT(OID_KU, true, H("03 01 00")))))));
    cases[n++].err = WAX_ERR_X509_BAD_KEY_USAGE;
    cases[n].info = req_info(H("02 01 00"), SEQ(1, ALG_ED25519), H("A0 00"));
    cases[n++].err = WAX_ERR_X509_BAD_SPKI;
    for (size_t i = 0; i < n; i++) {
        struct xb der = SEQ(3, cases[i].info, ALG_ED25519, sig_dummy());
        wax_err err = parse_req(der);
        CHECK_MSG(err == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(err), wax_err_name(cases[i].err));
    }
    /* more than WAX_MAX_REQ_ATTRIBUTES attributes */
    struct xb many = {{0}, 0};
    for (int i = 0; i <= WAX_MAX_REQ_ATTRIBUTES; i++) {
        struct xb a = SEQ(2, CHALLENGE_OID, SET(1, T(0x0C, 1, S("x"))));
        xb_put(&many, a.p, a.n);
    }
    struct xb der = SEQ(3, req_info(H("02 01 00"), spki, T(0xA0, 1, many)),
                        ALG_ED25519, sig_dummy());
    CHECK_ERR(parse_req(der), WAX_ERR_LIMIT_EXCEEDED);
}
