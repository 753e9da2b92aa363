/* Unit tests: certificates (RFC 5280 §4.1), extensions, algorithm
 * identifiers and issuer signatures, on certificates built in the test. */
#include "../harness.h"
#include "x509_build.h"

static struct wax_x509_cert cert; /* large: not on the stack */
static struct xb parsed;          /* the bytes CERT views into */

static wax_err
parse(struct xb der)
{
    parsed = der;
    return wax_x509_cert_parse(&cert, parsed.p, parsed.n);
}

TEST(x509_cert_default_parses)
{
    struct cert_parts c = cert_default();
    struct xb der = cert_build(&c);
    CHECK_OK(parse(der));
    CHECK_EQ_U64(cert.version, 3);
    CHECK_MEM(cert.serial.p, cert.serial.len, "\x01", 1);
    CHECK_EQ_U64(cert.flags, 0);
    CHECK_EQ_I64(cert.not_before, 1577836800); /* 2020-01-01 */
    CHECK_EQ_I64(cert.not_after, 1893456000);  /* 2030-01-01 */
    CHECK_ERR(cert.sig_alg_err, WAX_OK);
    CHECK_EQ_U64(cert.sig_alg.scheme, WAX_SIG_ED25519);
    CHECK_EQ_U64(cert.spki.type, WAX_X509_KEY_ED25519);
    CHECK_EQ_U64(cert.spki.bits, 256);
    CHECK_EQ_U64(cert.signature.len, 64);
    CHECK(cert.info.has_basic_constraints && cert.info.ca);
    CHECK(!cert.info.has_path_len);
    CHECK_EQ_U64(cert.exts.num, 1);
    CHECK(cert.exts.ext[0].critical && cert.exts.ext[0].known);
    CHECK_OK(wax_x509_cert_check_critical(&cert));
    CHECK(wax_x509_cert_is_self_issued(&cert));
    CHECK(cert.der.p == parsed.p && cert.der.len == der.n);
    /* the TBS starts right after the outer SEQUENCE header (30 81 LL) */
    CHECK(parsed.p[1] == 0x81 && cert.tbs.p == parsed.p + 3);
}

TEST(x509_cert_v1_without_version_parses)
{
    struct cert_parts c = cert_default();
    c.version = NONE;
    c.exts = NONE;
    CHECK_OK(parse(cert_build(&c)));
    CHECK_EQ_U64(cert.version, 1);
    CHECK_EQ_U64(cert.exts.num, 0);
    CHECK(!cert.info.has_basic_constraints);
}

/* Invalid certificates: each changes one field of the default. */
TEST(x509_cert_invalid_table)
{
    struct cert_parts c;
    c = cert_default();
    c.trailer = H("00");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_TRAILING_DATA);

    c = cert_default();
    c.version = NONE; /* v1 with extensions */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_EXTENSIONS_IN_V1);

    c = cert_default();
    c.version = H("A0 03 02 01 01"); /* v2 with extensions */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_EXTENSIONS_IN_V1);

    c = cert_default();
    c.version = H("A0 03 02 01 00"); /* explicit v1: a DEFAULT encoded */
    c.exts = NONE;
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_DEFAULT_ENCODED);

    c = cert_default();
    c.version = H("A0 03 02 01 03"); /* "v4" */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_VERSION);

    c = cert_default();
    c.version = H("A0 03 04 01 02"); /* version not an INTEGER */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_VERSION);

    c = cert_default();
    c.alg_out = ALG_ED448;
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_SIG_ALG_MISMATCH);

    c = cert_default();
    c.alg_in = H("30 0B 06 09 2A 86 48 86 F7 0D 01 01 0B"); /* params absent */
    c.alg_out = ALG_SHA256_RSA; /* same algorithm, other bytes */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_SIG_ALG_MISMATCH);

    c = cert_default();
    c.exts = EXTS(2, EXT(OID_SKI, false, H("04 01 01")),
                  EXT(OID_SKI, false, H("04 01 02")));
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_DUPLICATE_EXTENSION);

    c = cert_default();
    c.exts = EXTS(2, EXT("2A 03 04", false, H("05 00")),
                  EXT("2A 03 04", true, H("05 00")));
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_DUPLICATE_EXTENSION);

    c = cert_default();
    c.exts = T(0xA3, 1, H("30 00")); /* Extensions SIZE (1..MAX) */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_EXTENSIONS);

    c = cert_default(); /* critical FALSE encoded */
    c.exts = EXTS(
        1, SEQ(3, H("06 03 55 1D 0E"), H("01 01 00"), H("04 03 04 01 01")));
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_DEFAULT_ENCODED);

    c = cert_default();
    c.serial = H("02 01 FF"); /* -1 parses, flagged: see below */
    CHECK_OK(parse(cert_build(&c)));

    c = cert_default(); /* 21 magnitude octets */
    c.serial = H("02 15 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12"
                 " 13 14 15");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_SERIAL);

    c = cert_default();
    c.serial = H("02 02 00 01"); /* not minimal */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_BAD_INTEGER);

    c = cert_default();
    c.serial = H("02 00");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_BAD_INTEGER);

    c = cert_default();
    c.version = NONE;
    c.exts = NONE;
    c.uids = H("81 02 00 AA"); /* issuerUniqueID in v1 */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_UNIQUE_ID);

    c = cert_default();
    c.validity = H("30 0F 17 0D 32 30 30 31 30 31 30 30 30 30 30 30 5A");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_VALIDITY);

    c = cert_default();
    c.subject = H("30 02 31 00"); /* empty RDN */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_NAME);

    c = cert_default();
    c.spki = SEQ(1, ALG_ED25519); /* no key */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_SPKI);

    c = cert_default();
    c.sig = H("03 02 01 80"); /* signature not whole octets */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_MALFORMED);

    c = cert_default();
    c.issuer = NONE; /* a field missing */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_NAME);

    /* A non-minimal length anywhere is the validator's exact code. */
    c = cert_default();
    c.serial = H("02 81 01 01");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_DER_NON_MINIMAL_LENGTH);

    CHECK_ERR(wax_x509_cert_parse(&cert, NULL, 0), WAX_ERR_DER_TRUNCATED);
}

TEST(x509_cert_serial_flags)
{
    struct cert_parts c = cert_default();
    c.serial = H("02 01 FF");
    CHECK_OK(parse(cert_build(&c)));
    CHECK_EQ_U64(cert.flags, WAX_X509_FLAG_SERIAL_NEGATIVE);
    c.serial = H("02 01 00");
    CHECK_OK(parse(cert_build(&c)));
    CHECK_EQ_U64(cert.flags, WAX_X509_FLAG_SERIAL_ZERO);
    /* 20 magnitude octets with the sign octet: the RFC 5280 maximum */
    c.serial = H("02 15 00 81 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11"
                 " 12 13 14");
    CHECK_OK(parse(cert_build(&c)));
    CHECK_EQ_U64(cert.flags, 0);
    CHECK_EQ_U64(cert.serial.len, 21);
}

TEST(x509_cert_unique_ids_in_v2)
{
    struct cert_parts c = cert_default();
    c.version = H("A0 03 02 01 01");
    c.exts = NONE;
    c.uids = H("81 02 00 AA 82 03 04 BB C0");
    CHECK_OK(parse(cert_build(&c)));
    CHECK_EQ_U64(cert.version, 2);
    CHECK(cert.has_issuer_uid && cert.has_subject_uid);
    CHECK_MEM(cert.issuer_uid.p, cert.issuer_uid.len, "\xAA", 1);
    CHECK_MEM(cert.subject_uid.p, cert.subject_uid.len, "\xBB\xC0", 2);
    c.uids = H("82 02 04 BB"); /* unused bits not zero */
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_UNIQUE_ID);
}

TEST(x509_cert_unknown_critical_extension_reported)
{
    struct xb der = cert_with_exts(EXTS(3, EXT("2A 03 04", true, H("05 00")),
                                        EXT("2A 03 05", false, H("05 00")),
                                        EXT(OID_KU, true, H("03 02 07 80"))));
    CHECK_OK(parse(der));
    CHECK_EQ_U64(cert.exts.num, 3);
    CHECK_EQ_U64(cert.exts.num_unknown_critical, 1);
    CHECK(cert.exts.ext[0].critical && !cert.exts.ext[0].known);
    CHECK(!cert.exts.ext[1].critical && !cert.exts.ext[1].known);
    CHECK(cert.exts.ext[2].known);
    CHECK_ERR(wax_x509_cert_check_critical(&cert),
              WAX_ERR_X509_UNKNOWN_CRITICAL_EXTENSION);
    CHECK(wax_x509_exts_find(&cert.exts, WAX_OID_CE_KEY_USAGE) ==
          &cert.exts.ext[2]);
    CHECK(wax_x509_exts_find(&cert.exts, WAX_OID_CE_SUBJECT_ALT_NAME) == NULL);
    CHECK(wax_x509_exts_find(&cert.exts, WAX_OID_UNKNOWN) == NULL);
}

TEST(x509_cert_key_usage_table)
{
    static const struct {
        const char *value;
        wax_err err;
        uint32_t bits;
        bool not_minimal;
    } cases[] = {
        {"03 02 07 80", WAX_OK, WAX_KU_DIGITAL_SIGNATURE, false},
        {"03 02 05 A0", WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_KEY_ENCIPHERMENT, false},
        {"03 02 01 06", WAX_OK, WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN, false},
        {"03 03 07 00 80", WAX_OK, WAX_KU_DECIPHER_ONLY, false},
        /* trailing zero bits: accepted, reported */
        {"03 03 07 C0 00", WAX_OK,
         WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION, true},
        {"03 02 00 80", WAX_OK, WAX_KU_DIGITAL_SIGNATURE, true},
        /* no bit set */
        {"03 01 00", WAX_ERR_X509_BAD_KEY_USAGE, 0, false},
        {"03 02 00 00", WAX_ERR_X509_BAD_KEY_USAGE, 0, false},
        /* a bit past decipherOnly */
        {"03 03 06 00 40", WAX_ERR_X509_BAD_KEY_USAGE, 0, false},
        {"03 04 07 80 00 80", WAX_ERR_X509_BAD_KEY_USAGE, 0, false},
        /* not a BIT STRING, trailing data, unused bits set */
        {"04 01 80", WAX_ERR_X509_BAD_KEY_USAGE, 0, false},
        {"03 02 07 80 05 00", WAX_ERR_DER_TRAILING_DATA, 0, false},
        {"03 02 07 81", WAX_ERR_DER_BAD_BIT_STRING, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct xb der =
            cert_with_exts(EXTS(1, EXT(OID_KU, true, H(cases[i].value))));
        wax_err err = parse(der);
        CHECK_MSG(err == cases[i].err, "case %zu (%s): got %s, want %s", i,
                  cases[i].value, wax_err_name(err),
                  wax_err_name(cases[i].err));
        if (err == WAX_OK) {
            CHECK_MSG(cert.info.has_key_usage &&
                          cert.info.key_usage == cases[i].bits &&
                          cert.info.key_usage_not_minimal ==
                              cases[i].not_minimal,
                      "case %zu: bits %x", i, cert.info.key_usage);
        }
    }
    CHECK_STR(wax_x509_ku_bit_name(WAX_KU_CRL_SIGN), "cRLSign");
    CHECK(wax_x509_ku_bit_name(1u << 9) == NULL);
}

TEST(x509_cert_basic_constraints_table)
{
    static const struct {
        const char *value;
        wax_err err;
        bool ca, has_path_len;
        uint64_t path_len;
    } cases[] = {
        {"30 00", WAX_OK, false, false, 0},
        {"30 03 01 01 FF", WAX_OK, true, false, 0},
        {"30 06 01 01 FF 02 01 03", WAX_OK, true, true, 3},
        {"30 03 01 01 00", WAX_ERR_DER_DEFAULT_ENCODED, false, false, 0},
        {"30 06 01 01 FF 02 01 FF", WAX_ERR_X509_BAD_BASIC_CONSTRAINTS, 0, 0,
         0},
        {"30 06 02 01 03 01 01 FF", WAX_ERR_X509_BAD_BASIC_CONSTRAINTS, 0, 0,
         0},
        {"31 00", WAX_ERR_X509_BAD_BASIC_CONSTRAINTS, 0, 0, 0},
        {"30 03 01 01 01", WAX_ERR_DER_BAD_BOOLEAN, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct xb der =
            cert_with_exts(EXTS(1, EXT(OID_BC, true, H(cases[i].value))));
        wax_err err = parse(der);
        CHECK_MSG(err == cases[i].err, "case %zu (%s): got %s, want %s", i,
                  cases[i].value, wax_err_name(err),
                  wax_err_name(cases[i].err));
        if (err == WAX_OK) {
            CHECK_MSG(cert.info.ca == cases[i].ca &&
                          cert.info.has_path_len == cases[i].has_path_len &&
                          cert.info.path_len == cases[i].path_len,
                      "case %zu", i);
        }
    }
}

/* A SAN with every GeneralName form. */
TEST(x509_cert_san_all_forms)
{
    struct xb san = SEQ(
        9, H("81 0C 61 6C 69 63 65 40 65 78 2E 6F 72 67"), /* alice@ex.org */
        H("82 06 65 78 2E 6F 72 67"),                      /* ex.org */
        H("86 08 68 74 74 70 3A 2F 2F 78"),                /* http://x */
        H("87 04 C0 00 02 01"),                            /* 192.0.2.1 */
        H("87 10 20 01 0D B8 00 00 00 00 00 00 00 00 00 00 00 01"),
        T(0xA4, 1, NAME_TEST),                         /* directoryName */
        H("88 03 2A 03 04"),                           /* registeredID */
        T(0xA0, 2, H("06 08 2B 06 01 05 05 07 08 09"), /* SmtpUTF8Mailbox */
          T(0xA0, 1, H("0C 08 C3 A9 40 65 78 2E 66 72"))),
        T(0xA0, 2, H("06 03 2A 03 04"), T(0xA0, 1, H("02 01 05"))));
    CHECK_OK(parse(cert_with_exts(EXTS(1, EXT(OID_SAN, false, san)))));
    CHECK(cert.info.has_san);

    static const enum wax_x509_gn_type want[] = {WAX_GN_RFC822,
                                                 WAX_GN_DNS,
                                                 WAX_GN_URI,
                                                 WAX_GN_IP,
                                                 WAX_GN_IP,
                                                 WAX_GN_DIRECTORY,
                                                 WAX_GN_REGISTERED_ID,
                                                 WAX_GN_OTHER_NAME,
                                                 WAX_GN_OTHER_NAME};
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present;
    wax_x509_san_iter(&cert.info, &it);
    for (size_t i = 0; i < 9; i++) {
        CHECK_OK(wax_x509_gn_next(&it, &g, &present));
        CHECK_MSG(present && g.type == want[i], "entry %zu: type %d", i,
                  (int)g.type);
        if (i == 0) {
            CHECK_MEM(g.value.p, g.value.len, "alice@ex.org", 12);
        } else if (i == 3) {
            CHECK_MEM(g.value.p, g.value.len, "\xC0\x00\x02\x01", 4);
        } else if (i == 5) {
            struct xb nt = NAME_TEST;
            CHECK(wax_x509_name_equal(g.value, (struct wax_span){nt.p, nt.n}));
        } else if (i == 7) {
            CHECK(g.is_smtp_utf8);
            CHECK_EQ_U64(g.other_type_id, WAX_OID_ON_SMTP_UTF8_MAILBOX);
            CHECK_MEM(g.value.p, g.value.len, "\xC3\xA9@ex.fr", 8);
        } else if (i == 8) {
            CHECK(!g.is_smtp_utf8);
            CHECK_MEM(g.value.p, g.value.len, "\x02\x01\x05", 3);
        }
    }
    CHECK_OK(wax_x509_gn_next(&it, &g, &present));
    CHECK(!present);
}

TEST(x509_cert_malformed_san_table)
{
    static const struct {
        const char *san;
        wax_err err;
    } cases[] = {
        {"30 00", WAX_ERR_X509_BAD_SAN},                      /* empty */
        {"30 03 89 01 41", WAX_ERR_X509_BAD_SAN},             /* no [9] */
        {"30 07 87 05 01 02 03 04 05", WAX_ERR_X509_BAD_SAN}, /* IP 5 */
        {"30 0A 87 08 01 02 03 04 FF FF FF 00", WAX_ERR_X509_BAD_SAN},
        {"30 03 81 01 C1", WAX_ERR_X509_BAD_SAN},    /* 8-bit */
        {"30 03 A1 01 41", WAX_ERR_DER_TRUNCATED},   /* constructed */
        {"30 04 A1 02 04 00", WAX_ERR_X509_BAD_SAN}, /* constructed */
        {"30 04 A4 02 31 00", WAX_ERR_X509_BAD_SAN}, /* not a Name */
        /* SmtpUTF8Mailbox as an IA5String */
        {"30 13 A0 11 06 08 2B 06 01 05 05 07 08 09 A0 05 16 03 61 40 62",
         WAX_ERR_X509_BAD_SAN},
        /* otherName without its [0] value */
        {"30 07 A0 05 06 03 2A 03 04", WAX_ERR_X509_BAD_SAN},
        {"30 03 88 01 80", WAX_ERR_X509_BAD_SAN}, /* bad OID */
        {"30 03 82 01 41 00", WAX_ERR_DER_TRAILING_DATA},
        {"30 04 82 81 01 41", WAX_ERR_DER_NON_MINIMAL_LENGTH},
        /* SmtpUTF8Mailbox with bad UTF-8: the validator sees it first */
        {"30 13 A0 11 06 08 2B 06 01 05 05 07 08 09 A0 05 0C 03 61 C0 62",
         WAX_ERR_DER_BAD_STRING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wax_err err = parse(
            cert_with_exts(EXTS(1, EXT(OID_SAN, false, H(cases[i].san)))));
        CHECK_MSG(err == cases[i].err, "case %zu (%s): got %s, want %s", i,
                  cases[i].san, wax_err_name(err), wax_err_name(cases[i].err));
    }
}

TEST(x509_cert_other_extensions_table)
{
    static const struct {
        const char *oid;
        const char *value;
        wax_err err;
    } cases[] = {
        {OID_EKU, "30 0A 06 08 2B 06 01 05 05 07 03 04", WAX_OK},
        {OID_EKU, "30 00", WAX_ERR_X509_BAD_EKU},
        {OID_EKU, "30 02 05 00", WAX_ERR_X509_BAD_EKU},
        {OID_SKI, "04 02 01 02", WAX_OK},
        {OID_SKI, "03 02 00 02", WAX_ERR_X509_BAD_KEY_ID},
        {OID_AKI, "30 04 80 02 01 02", WAX_OK},
        /* issuer without serial */
        {OID_AKI, "30 0F A1 0D A4 0B 30 09 31 07 30 05 06 01 00 05 00",
         WAX_ERR_X509_BAD_KEY_ID},
        {OID_AKI, "30 03 82 01 05", WAX_ERR_X509_BAD_KEY_ID},
        /* name constraints: IP with mask; IP without mask; min/max */
        {OID_NC, "30 0C A0 0A 30 08 87 06 0A 00 00 00 FF 00",
         WAX_ERR_X509_BAD_NAME_CONSTRAINTS},
        {OID_NC, "30 0E A0 0C 30 0A 87 08 0A 00 00 00 FF 00 00 00", WAX_OK},
        {OID_NC, "30 0A A1 08 30 06 87 04 0A 00 00 00",
         WAX_ERR_X509_BAD_NAME_CONSTRAINTS},
        {OID_NC, "30 0B A0 09 30 07 82 02 78 79 80 01 00",
         WAX_ERR_X509_BAD_NAME_CONSTRAINTS},
        {OID_NC, "30 00", WAX_ERR_X509_BAD_NAME_CONSTRAINTS},
        {OID_NC, "30 02 A0 00", WAX_ERR_X509_BAD_NAME_CONSTRAINTS},
        /* policies: qualifiers skipped; duplicates refused */
        {OID_CP,
         "30 1B 30 19 06 03 2A 03 04 30 12 30 10 06 08 2B 06 01 05 05 07 02 "
         "01 16 04 68 74 74 70",
         WAX_OK},
        {OID_CP, "30 0A 30 03 06 01 2A 30 03 06 01 2A",
         WAX_ERR_X509_BAD_POLICIES},
        {OID_CP, "30 07 30 05 06 01 2A 30 00", WAX_ERR_X509_BAD_POLICIES},
        {OID_CP, "30 09 30 07 06 01 2A 30 02 05 00", WAX_ERR_X509_BAD_POLICIES},
        {OID_PM, "30 08 30 06 06 01 2A 06 01 2B", WAX_OK},
        {OID_PM, "30 05 30 03 06 01 2A", WAX_ERR_X509_BAD_POLICIES},
        {OID_PC, "30 03 80 01 00", WAX_OK},
        {OID_PC, "30 00", WAX_ERR_X509_BAD_POLICY_CONSTRAINTS},
        {OID_PC, "30 03 80 01 FF", WAX_ERR_X509_BAD_POLICY_CONSTRAINTS},
        {OID_IAP, "02 01 02", WAX_OK},
        {OID_IAP, "02 01 FE", WAX_ERR_X509_BAD_POLICY_CONSTRAINTS},
        /* CRL distribution points */
        {OID_CRLDP, "30 0C 30 0A A0 08 A0 06 86 04 68 74 74 70", WAX_OK},
        {OID_CRLDP, "30 02 30 00", WAX_ERR_X509_BAD_CRL_DP},
        {OID_CRLDP, "30 06 30 04 81 02 05 60", WAX_ERR_X509_BAD_CRL_DP},
        {OID_CRLDP, "30 0D 30 0B A0 09 A1 07 30 05 06 01 2A 13 00", WAX_OK},
        /* authority information access */
        {OID_AIA,
         "30 16 30 14 06 08 2B 06 01 05 05 07 30 01 86 08 68 74 74 70 3A 2F "
         "2F 78",
         WAX_OK},
        {OID_AIA, "30 0C 30 0A 06 08 2B 06 01 05 05 07 30 01",
         WAX_ERR_X509_BAD_AIA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wax_err err = parse(cert_with_exts(
            EXTS(1, EXT(cases[i].oid, false, H(cases[i].value)))));
        CHECK_MSG(err == cases[i].err, "case %zu (%s %s): got %s, want %s", i,
                  cases[i].oid, cases[i].value, wax_err_name(err),
                  wax_err_name(cases[i].err));
    }
}

TEST(x509_cert_extension_iterators)
{
    struct xb der = cert_with_exts(EXTS(
        6,
        EXT(OID_EKU, false,
            H("30 14 06 08 2B 06 01 05 05 07 03 04 06 08 2B 06 01 05 05 07 "
              "03 02")),
        EXT(OID_CP, false,
            H("30 1B 30 19 06 03 2A 03 04 30 12 30 10 06 08 2B 06 01 05 05 "
              "07 02 01 16 04 68 74 74 70")),
        EXT(OID_PC, true, H("30 06 80 01 00 81 01 02")),
        EXT(OID_IAP, true, H("02 01 02")),
        EXT(OID_CRLDP, false,
            H("30 10 30 0E A0 08 A0 06 86 04 68 74 74 70 81 02 05 60")),
        EXT(OID_AKI, false,
            H("30 16 80 02 01 02 A1 0D A4 0B 30 09 31 07 30 05 06 01 00 05 00 "
              "82 01 07"))));
    CHECK_OK(parse(der));
    CHECK(wax_x509_has_eku(&cert.info, WAX_OID_KP_EMAIL_PROTECTION));
    CHECK(wax_x509_has_eku(&cert.info, WAX_OID_KP_CLIENT_AUTH));
    CHECK(!wax_x509_has_eku(&cert.info, WAX_OID_KP_SERVER_AUTH));

    struct wax_x509_iter it;
    bool present;
    struct wax_x509_policy p;
    wax_x509_policies_iter(&cert.info, &it);
    CHECK_OK(wax_x509_policy_next(&it, &p, &present));
    CHECK(present && p.has_qualifiers);
    CHECK_MEM(p.oid.p, p.oid.len, "\x2A\x03\x04", 3);
    CHECK_OK(wax_x509_policy_next(&it, &p, &present));
    CHECK(!present);

    CHECK(cert.info.has_policy_constraints && cert.info.has_require_explicit &&
          cert.info.require_explicit == 0 && cert.info.has_inhibit_mapping &&
          cert.info.inhibit_mapping == 2);
    CHECK(cert.info.has_inhibit_any_policy &&
          cert.info.inhibit_any_policy == 2);

    struct wax_x509_dist_point d;
    wax_x509_crl_dps_iter(&cert.info, &it);
    CHECK_OK(wax_x509_dist_point_next(&it, &d, &present));
    CHECK(present && d.has_full_name && !d.has_crl_issuer && d.has_reasons);
    CHECK_EQ_U64(d.reasons, WAX_REASON_FLAG_KEY_COMPROMISE |
                                WAX_REASON_FLAG_CA_COMPROMISE);
    struct wax_x509_iter names;
    struct wax_x509_general_name g;
    wax_x509_gn_iter(&names, d.full_name);
    CHECK_OK(wax_x509_gn_next(&names, &g, &present));
    CHECK(present && g.type == WAX_GN_URI);
    CHECK_MEM(g.value.p, g.value.len, "http", 4);

    CHECK(cert.info.aki.present && cert.info.aki.has_key_id &&
          cert.info.aki.has_issuer && cert.info.aki.has_serial);
    CHECK_MEM(cert.info.aki.serial.p, cert.info.aki.serial.len, "\x07", 1);
}

TEST(x509_algid_table)
{
    static const struct {
        const char *alg;
        wax_err err;
        enum wax_sig_scheme scheme;
        enum wax_digest_alg digest, mgf1;
        size_t salt;
    } cases[] = {
        {"30 0D 06 09 2A 86 48 86 F7 0D 01 01 0B 05 00", WAX_OK,
         WAX_SIG_RSA_PKCS1, WAX_DIGEST_SHA256, 0, 0},
        {"30 0B 06 09 2A 86 48 86 F7 0D 01 01 05", WAX_OK, WAX_SIG_RSA_PKCS1,
         WAX_DIGEST_SHA1, 0, 0},
        {"30 0D 06 09 2A 86 48 86 F7 0D 01 01 04 05 00", WAX_OK,
         WAX_SIG_RSA_PKCS1, WAX_DIGEST_MD5, 0, 0},
        {"30 0E 06 09 2A 86 48 86 F7 0D 01 01 0D 02 01 00",
         WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
        {"30 0A 06 08 2A 86 48 CE 3D 04 03 02", WAX_OK, WAX_SIG_ECDSA,
         WAX_DIGEST_SHA256, 0, 0},
        {"30 0C 06 08 2A 86 48 CE 3D 04 03 03 05 00",
         WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
        {"30 09 06 07 2A 86 48 CE 38 04 03", WAX_OK, WAX_SIG_DSA,
         WAX_DIGEST_SHA1, 0, 0},
        {"30 0B 06 09 60 86 48 01 65 03 04 03 02", WAX_OK, WAX_SIG_DSA,
         WAX_DIGEST_SHA256, 0, 0},
        {"30 05 06 03 2B 65 71", WAX_OK, WAX_SIG_ED448, WAX_DIGEST_NONE, 0, 0},
        {"30 07 06 03 2B 65 70 05 00", WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
        /* md2WithRSA, an unknown OID: decoded as unsupported */
        {"30 0D 06 09 2A 86 48 86 F7 0D 01 01 02 05 00",
         WAX_ERR_X509_UNSUPPORTED_SIG_ALG, 0, 0, 0, 0},
        {"30 04 06 02 2A 03", WAX_ERR_X509_UNSUPPORTED_SIG_ALG, 0, 0, 0, 0},
        /* RSASSA-PSS: SHA-256, MGF1-SHA-256, salt 32 */
        {"30 41 06 09 2A 86 48 86 F7 0D 01 01 0A 30 34 A0 0F 30 0D 06 09 60 "
         "86 48 01 65 03 04 02 01 05 00 A1 1C 30 1A 06 09 2A 86 48 86 F7 0D "
         "01 01 08 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 A2 03 02 01 "
         "20",
         WAX_OK, WAX_SIG_RSA_PSS, WAX_DIGEST_SHA256, WAX_DIGEST_SHA256, 32},
        /* all defaults: SHA-1, MGF1-SHA-1, salt 20 */
        {"30 0D 06 09 2A 86 48 86 F7 0D 01 01 0A 30 00", WAX_OK,
         WAX_SIG_RSA_PSS, WAX_DIGEST_SHA1, WAX_DIGEST_SHA1, 20},
        /* parameters absent */
        {"30 0B 06 09 2A 86 48 86 F7 0D 01 01 0A", WAX_ERR_X509_BAD_ALGORITHM,
         0, 0, 0, 0},
        /* SHA-1 encoded although it is the DEFAULT */
        {"30 1A 06 09 2A 86 48 86 F7 0D 01 01 0A 30 0D A0 0B 30 09 06 05 2B "
         "0E 03 02 1A 05 00",
         WAX_ERR_DER_DEFAULT_ENCODED, 0, 0, 0, 0},
        /* salt 20 encoded */
        {"30 14 06 09 2A 86 48 86 F7 0D 01 01 0A 30 07 A2 05 02 03 00 00 14",
         WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
        {"30 12 06 09 2A 86 48 86 F7 0D 01 01 0A 30 05 A2 03 02 01 14",
         WAX_ERR_DER_DEFAULT_ENCODED, 0, 0, 0, 0},
        /* trailerField 2, and 1 encoded */
        {"30 12 06 09 2A 86 48 86 F7 0D 01 01 0A 30 05 A3 03 02 01 02",
         WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
        {"30 12 06 09 2A 86 48 86 F7 0D 01 01 0A 30 05 A3 03 02 01 01",
         WAX_ERR_DER_DEFAULT_ENCODED, 0, 0, 0, 0},
        /* MD5 as the PSS hash */
        {"30 1D 06 09 2A 86 48 86 F7 0D 01 01 0A 30 10 A0 0E 30 0C 06 08 2A "
         "86 48 86 F7 0D 02 05 05 00",
         WAX_ERR_X509_BAD_ALGORITHM, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct xb der = H(cases[i].alg);
        struct wax_span s = {der.p, der.n};
        struct wax_x509_algid a;
        struct wax_sig_alg sa;
        wax_err err = wax_x509_algid_parse(&s, &a);
        if (err == WAX_OK) {
            err = wax_x509_sig_alg_decode(&a, &sa);
        }
        CHECK_MSG(err == cases[i].err, "case %zu: got %s, want %s", i,
                  wax_err_name(err), wax_err_name(cases[i].err));
        if (err == WAX_OK) {
            CHECK_MSG(sa.scheme == cases[i].scheme &&
                          sa.digest == cases[i].digest,
                      "case %zu: scheme %d digest %d", i, (int)sa.scheme,
                      (int)sa.digest);
            if (sa.scheme == WAX_SIG_RSA_PSS) {
                CHECK_MSG(sa.mgf1_digest == cases[i].mgf1 &&
                              sa.salt_len == cases[i].salt,
                          "case %zu: mgf1 %d salt %zu", i, (int)sa.mgf1_digest,
                          sa.salt_len);
            }
        }
    }
}

TEST(x509_cert_unsupported_sig_alg_parses)
{
    struct cert_parts c = cert_default();
    c.alg_in = c.alg_out = H("30 0D 06 09 2A 86 48 86 F7 0D 01 01 02 05 00");
    CHECK_OK(parse(cert_build(&c)));
    CHECK_ERR(cert.sig_alg_err, WAX_ERR_X509_UNSUPPORTED_SIG_ALG);
    CHECK_ERR(wax_x509_cert_verify_signature(&cert, cert.spki.der),
              WAX_ERR_X509_UNSUPPORTED_SIG_ALG);
    c.alg_in = c.alg_out = H("30 07 06 03 2B 65 70 05 00");
    CHECK_ERR(parse(cert_build(&c)), WAX_ERR_X509_BAD_ALGORITHM);
}

TEST(x509_spki_key_info_table)
{
    struct wax_x509_spki k;
    struct xb p256 = SEQ(2,
                         H("30 13 06 07 2A 86 48 CE 3D 02 01 06 08 2A 86 48 CE "
                           "3D 03 01 07"),
                         H("03 03 00 04 01"));
    CHECK_OK(wax_x509_spki_parse((struct wax_span){p256.p, p256.n}, &k));
    CHECK_EQ_U64(k.type, WAX_X509_KEY_EC);
    CHECK_EQ_U64(k.curve, WAX_OID_SECP256R1);
    CHECK_EQ_U64(k.bits, 256);
    /* RSA: 1024-bit modulus 0x00C0..., exponent 3 */
    struct xb n = H("00 C0");
    for (int i = 0; i < 127; i++) {
        uint8_t b = 0x11;
        xb_put(&n, &b, 1);
    }
    struct xb rsa =
        SEQ(2, H("30 0D 06 09 2A 86 48 86 F7 0D 01 01 01 05 00"),
            T(0x03, 2, H("00"), SEQ(2, T(0x02, 1, n), H("02 01 03"))));
    CHECK_OK(wax_x509_spki_parse((struct wax_span){rsa.p, rsa.n}, &k));
    CHECK_EQ_U64(k.type, WAX_X509_KEY_RSA);
    CHECK_EQ_U64(k.bits, 1024);
    CHECK_STR(wax_x509_key_type_name(k.type), "rsa");
    struct xb x448 = H("30 0A 30 05 06 03 2B 65 6F 03 01 00");
    CHECK_OK(wax_x509_spki_parse((struct wax_span){x448.p, x448.n}, &k));
    CHECK_EQ_U64(k.type, WAX_X509_KEY_X448);
    struct xb bad = H("30 07 30 05 06 03 2B 65 6F");
    CHECK_ERR(wax_x509_spki_parse((struct wax_span){bad.p, bad.n}, &k),
              WAX_ERR_X509_BAD_SPKI);
    struct xb trailing = H("30 0A 30 05 06 03 2B 65 6F 03 01 00 00");
    CHECK_ERR(
        wax_x509_spki_parse((struct wax_span){trailing.p, trailing.n}, &k),
        WAX_ERR_X509_BAD_SPKI);
}

/* Signatures: a certificate signed here with a fresh Ed25519 key. */
TEST(x509_cert_signature_checks)
{
    struct wax_privkey *key = NULL;
    struct wax_pubkey *pub = NULL;
    struct wax_buf spki;
    wax_buf_init(&spki, 4096);
    CHECK_OK(wax_privkey_generate(&key, WAX_KEYGEN_ED25519));
    wax_err err = wax_privkey_public(key, &pub);
    if (err == WAX_OK) {
        err = wax_pubkey_to_spki(pub, &spki);
    }
    wax_pubkey_free(pub);
    struct cert_parts c = cert_default();
    c.spki.n = 0;
    xb_put(&c.spki, spki.data, spki.len);
    struct xb tbs = cert_tbs(&c);
    uint8_t sig[128];
    size_t sig_len = 0;
    struct wax_sig_alg alg = {WAX_SIG_ED25519, WAX_DIGEST_NONE, 0, 0};
    if (err == WAX_OK) {
        err = wax_privkey_sign(key, &alg, sig, sizeof sig, &sig_len, tbs.p,
                               tbs.n);
    }
    wax_privkey_free(key);
    struct wax_span issuer_spki = {spki.data, spki.len};
    CHECK_OK(err);
    struct xb bits = H("00");
    xb_put(&bits, sig, sig_len);
    c.sig = T(0x03, 1, bits);
    struct xb der = cert_build(&c);
    err = parse(der);
    if (err == WAX_OK) {
        err = wax_x509_cert_verify_signature(&cert, issuer_spki);
    }
    CHECK_OK(err);
    /* one bit of the signed part flipped: the last byte of the issuer's
     * "Test" */
    size_t at = 0;
    while (at + 4 <= der.n && memcmp(der.p + at, "Test", 4) != 0) {
        at++;
    }
    CHECK(at + 4 <= der.n);
    der.p[at + 3] ^= 1;
    err = parse(der);
    if (err == WAX_OK) {
        err = wax_x509_cert_verify_signature(&cert, issuer_spki);
    }
    struct xb other = spki_dummy();
    wax_err wrong_key = wax_x509_cert_verify_signature(
        &cert, (struct wax_span){other.p, other.n});
    wax_buf_cleanup(&spki);
    CHECK_ERR(err, WAX_ERR_X509_SIGNATURE_INVALID);
    CHECK(wrong_key == WAX_ERR_X509_SIGNATURE_INVALID ||
          wrong_key == WAX_ERR_CRYPTO_BAD_KEY);
}
