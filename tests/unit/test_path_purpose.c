/*
 * Unit tests of the purposes of wax_path_validate: the S/MIME policy
 * (RFC 8550 4.4, SECURITY.md rule 6: key usage for signing and for
 * encryption, EKU in the leaf and in the CAs), the TLS purposes (the CA/B
 * Forum profile and peer names), and the public name helpers
 * (wax_path_dns_match, wax_path_ip_parse) and option names.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "../harness.h"
#include "../path_pki.h"

struct leaf_row {
    uint32_t ku; /* 0: absent */
    enum wax_oid_id eku;
    bool eku_critical;
    enum wax_path_purpose purpose;
    wax_err want;
};

TEST(purpose_smime_leaf)
{
    const struct leaf_row rows[] = {
        /* EC leaf: keyAgreement is the encryption bit */
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_EMAIL_PROTECTION, false,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_NON_REPUDIATION, WAX_OID_UNKNOWN, false,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_UNKNOWN, false,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_KEY_USAGE},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_UNKNOWN, false,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_OK},
        {WAX_KU_KEY_ENCIPHERMENT, WAX_OID_UNKNOWN, false,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_ERR_PATH_BAD_KEY_USAGE},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_UNKNOWN, false, WAX_PATH_PURPOSE_SMIME,
         WAX_OK},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_UNKNOWN, false,
         WAX_PATH_PURPOSE_SMIME, WAX_OK},
        {WAX_KU_CRL_SIGN, WAX_OID_UNKNOWN, false, WAX_PATH_PURPOSE_SMIME,
         WAX_ERR_PATH_BAD_KEY_USAGE},
        {0, WAX_OID_UNKNOWN, false, WAX_PATH_PURPOSE_SMIME, WAX_OK},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_ANY_EXTENDED_KEY_USAGE, false,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_CLIENT_AUTH, false,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_EKU},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_SERVER_AUTH, false,
         WAX_PATH_PURPOSE_SMIME, WAX_ERR_PATH_BAD_EKU},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_SERVER_AUTH, false,
         WAX_PATH_PURPOSE_ANY, WAX_OK},
    };
    struct pp_chain c;
    pp_chain_init(&c);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pp_init(&c.ls, "Alice");
        struct pp_names san = {0};
        pp_names_email(&san, "alice@example.org");
        pp_san(&c.ls, false, &san);
        if (rows[i].ku != 0) {
            pp_ku(&c.ls, true, rows[i].ku);
        }
        if (rows[i].eku != WAX_OID_UNKNOWN) {
            pp_eku(&c.ls, rows[i].eku_critical, rows[i].eku, WAX_OID_UNKNOWN);
        }
        wax_err got = pp_chain_run(&c, rows[i].purpose);
        CHECK_MSG(got == rows[i].want, "row %zu: got %s, want %s", i,
                  wax_err_name(got), wax_err_name(rows[i].want));
        if (got != WAX_OK) {
            CHECK(c.res.failed_index == 0);
        }
        /* the leaf check alone agrees */
        struct wax_x509_cert leaf;
        CHECK_OK(wax_x509_cert_parse(&leaf, c.leaf.cert, c.leaf.cert_len));
        CHECK_ERR(wax_path_check_leaf(&leaf, rows[i].purpose), rows[i].want);
    }
    pp_chain_free(&c);
}

TEST(purpose_smime_ca_eku)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* a CA limited to TLS cannot vouch for mail */
    pp_eku(&c.is, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_KP_CLIENT_AUTH);
    CHECK_ERR(pp_chain_run(&c, WAX_PATH_PURPOSE_SMIME_SIGN),
              WAX_ERR_PATH_BAD_EKU);
    CHECK_EQ_U64(c.res.failed_index, 1);
    CHECK_OK(pp_chain_run(&c, WAX_PATH_PURPOSE_ANY));
    /* the anchor too */
    pp_chain_specs(&c);
    pp_eku(&c.rs, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_UNKNOWN);
    CHECK_ERR(pp_chain_run(&c, WAX_PATH_PURPOSE_SMIME_ENCRYPT),
              WAX_ERR_PATH_BAD_EKU);
    CHECK_EQ_U64(c.res.failed_index, 2);
    /* emailProtection or any: fine */
    pp_chain_specs(&c);
    pp_eku(&c.is, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_KP_EMAIL_PROTECTION);
    pp_eku(&c.rs, false, WAX_OID_ANY_EXTENDED_KEY_USAGE, WAX_OID_UNKNOWN);
    CHECK_OK(pp_chain_run(&c, WAX_PATH_PURPOSE_SMIME));
    pp_chain_free(&c);
}

/* A TLS server leaf for NAME (dNSName SAN and CN). */
static void
tls_leaf(struct pp_cert *ls, const char *cn, const char *dns)
{
    pp_init(ls, cn);
    ls->serial[0] = 3;
    struct pp_names san = {0};
    if (dns != NULL) {
        pp_names_dns(&san, dns);
        pp_san(ls, false, &san);
    }
    pp_ku(ls, true, WAX_KU_DIGITAL_SIGNATURE);
    pp_eku(ls, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_UNKNOWN);
}

static wax_err
tls_run(struct pp_chain *c, const char *dns)
{
    pp_chain_make(c);
    pp_chain_input(c, WAX_PATH_PURPOSE_TLS_SERVER);
    c->in.dns_name = dns;
    return pp_chain_go(c);
}

TEST(purpose_tls_leaf)
{
    struct pp_chain c;
    pp_chain_init(&c);
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    CHECK_OK(tls_run(&c, "www.example.com"));
    CHECK_OK(tls_run(&c, "WWW.Example.COM."));
    CHECK_ERR(tls_run(&c, "example.com"), WAX_ERR_PATH_NAME_MISMATCH);
    CHECK_EQ_U64(c.res.failed_index, 0);
    /* the EKU: serverAuth, not only clientAuth, never anyEKU, not
     * critical; absent is any purpose */
    pp_init(&c.ls, "www.example.com");
    struct pp_names san = {0};
    pp_names_dns(&san, "www.example.com");
    pp_san(&c.ls, false, &san);
    CHECK_OK(tls_run(&c, "www.example.com"));
    pp_eku(&c.ls, false, WAX_OID_KP_CLIENT_AUTH, WAX_OID_UNKNOWN);
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_EKU);
    c.ls.num_ext--;
    pp_eku(&c.ls, false, WAX_OID_KP_SERVER_AUTH,
           WAX_OID_ANY_EXTENDED_KEY_USAGE);
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_EKU);
    c.ls.num_ext--;
    pp_eku(&c.ls, true, WAX_OID_KP_SERVER_AUTH, WAX_OID_UNKNOWN);
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_EKU);
    c.ls.num_ext--;
    pp_eku(&c.ls, false, WAX_OID_KP_CLIENT_AUTH, WAX_OID_UNKNOWN);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_TLS_CLIENT);
    CHECK_OK(pp_chain_go(&c));
    /* an intermediate limited to email */
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    pp_eku(&c.is, false, WAX_OID_KP_EMAIL_PROTECTION, WAX_OID_UNKNOWN);
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_EKU);
    CHECK_EQ_U64(c.res.failed_index, 1);
    pp_chain_free(&c);
}

TEST(purpose_tls_profile)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* no subjectAltName */
    tls_leaf(&c.ls, "www.example.com", NULL);
    CHECK_ERR(tls_run(&c, NULL), WAX_ERR_PATH_TLS_PROFILE);
    /* a CN that spells the SAN otherwise */
    tls_leaf(&c.ls, "WWW.example.com", "www.example.com");
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_TLS_PROFILE);
    tls_leaf(&c.ls, "192.0.2.001", "www.example.com");
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_TLS_PROFILE);
    /* a wildcard right on a TLD */
    tls_leaf(&c.ls, "x", "*.com");
    CHECK_ERR(tls_run(&c, "example.com"), WAX_ERR_PATH_TLS_PROFILE);
    /* a serial number of zero below the anchor */
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    c.ls.serial_len = 0;
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_TLS_PROFILE);
    /* an anchor with an EKU */
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    pp_eku(&c.rs, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_UNKNOWN);
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_TLS_PROFILE);
    CHECK_EQ_U64(c.res.failed_index, 2);
    /* no key identifiers: TLS only */
    pp_chain_specs(&c);
    c.is.no_ids = true;
    CHECK_OK(pp_chain_run(&c, WAX_PATH_PURPOSE_SMIME_SIGN));
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_KEY_ID);
    CHECK_EQ_U64(c.res.failed_index, 1);
    /* basicConstraints of a CA not critical: TLS only */
    pp_chain_specs(&c);
    pp_init(&c.is, "Test ICA");
    pp_bc(&c.is, false, true, -1);
    pp_ku(&c.is, true, WAX_KU_KEY_CERT_SIGN);
    CHECK_OK(pp_chain_run(&c, WAX_PATH_PURPOSE_SMIME_SIGN));
    tls_leaf(&c.ls, "www.example.com", "www.example.com");
    CHECK_ERR(tls_run(&c, "www.example.com"), WAX_ERR_PATH_BAD_CRITICALITY);
    /* a malformed dNSName SAN */
    pp_chain_specs(&c);
    tls_leaf(&c.ls, "x", "under_score.example.com");
    CHECK_ERR(tls_run(&c, NULL), WAX_ERR_PATH_BAD_SAN);
    pp_chain_free(&c);
}

TEST(purpose_peer_ip)
{
    static const uint8_t v4[4] = {192, 0, 2, 1};
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    struct pp_chain c;
    pp_chain_init(&c);
    pp_init(&c.ls, "192.0.2.1");
    struct pp_names san = {0};
    pp_names_ip(&san, v4, 4);
    pp_names_ip(&san, v6, 16);
    pp_san(&c.ls, false, &san);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_TLS_SERVER);
    c.in.ip_address = "192.0.2.1";
    CHECK_OK(pp_chain_go(&c));
    c.in.ip_address = "2001:DB8::1";
    CHECK_OK(pp_chain_go(&c));
    c.in.ip_address = "192.0.2.2";
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_NAME_MISMATCH);
    c.in.ip_address = "192.0.2.256";
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_INVALID_ARGUMENT);
    c.in.ip_address = NULL;
    c.in.dns_name = "not a name";
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_INVALID_ARGUMENT);
    c.in.dns_name = NULL;
    c.in.purpose = (enum wax_path_purpose)77;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_INVALID_ARGUMENT);
    c.in.purpose = WAX_PATH_PURPOSE_ANY;
    c.in.revocation = (enum wax_path_revocation)9;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_INVALID_ARGUMENT);
    pp_chain_free(&c);
}

TEST(purpose_dns_match)
{
    static const struct {
        const char *presented, *reference;
        bool want;
    } rows[] = {
        {"example.com", "example.com", true},
        {"Example.COM", "example.com", true},
        {"example.com", "example.com.", true},
        {"example.com", "www.example.com", false},
        {"www.example.com", "example.com", false},
        {"*.example.com", "foo.example.com", true},
        {"*.example.com", "FOO.example.com", true},
        {"*.example.com", "example.com", false},
        {"*.example.com", "a.b.example.com", false},
        {"*.com", "example.com", false},
        {"*", "com", false},
        {"f*.example.com", "foo.example.com", false},
        {"foo.*.com", "foo.example.com", false},
        {"xn--*-abc.example.com", "xn--a-abc.example.com", false},
        {"under_score.com", "under_score.com", false},
        {"example.com", "exa mple.com", false},
        {"", "example.com", false},
        {"example..com", "example..com", false},
        {"-a.com", "-a.com", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bool got = wax_path_dns_match((const uint8_t *)rows[i].presented,
                                      strlen(rows[i].presented),
                                      rows[i].reference);
        CHECK_MSG(got == rows[i].want, "%s vs %s: got %d", rows[i].presented,
                  rows[i].reference, got);
    }
    CHECK(!wax_path_dns_match(NULL, 0, "a.com"));
}

TEST(purpose_ip_parse)
{
    static const struct {
        const char *text;
        size_t len;
        uint8_t want[16];
    } good[] = {
        {"192.0.2.1", 4, {192, 0, 2, 1}},
        {"0.0.0.0", 4, {0}},
        {"255.255.255.255", 4, {255, 255, 255, 255}},
        {"::", 16, {0}},
        {"::1", 16, {[15] = 1}},
        {"1::", 16, {0, 1}},
        {"2001:db8::8a2e:370:7334", 16,
         {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70,
          0x73, 0x34}},
        {"2001:DB8:0:0:0:0:0:1", 16, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
        {"::ffff:192.0.2.1", 16,
         {[10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 1}},
    };
    static const char *bad[] = {
        "",           "1.2.3",        "1.2.3.4.5",  "256.0.0.1", "01.2.3.4",
        "1.2.3.4 ",   "a.b.c.d",      ":::",        "1:2",       "1::2::3",
        "1:2:3:4:5:6:7:8:9", "12345::", "::1.2.3",  "1:",        ":1",
        "g::1",       "1.2.3.4::",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t out[16];
        size_t len = 0;
        CHECK_MSG(wax_path_ip_parse(good[i].text, out, &len), "%s",
                  good[i].text);
        CHECK_MEM(out, len, good[i].want, good[i].len);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t len = 0;
        CHECK_MSG(!wax_path_ip_parse(bad[i], out, &len), "%s parsed", bad[i]);
    }
}

TEST(purpose_names)
{
    static const enum wax_path_purpose all[] = {
        WAX_PATH_PURPOSE_ANY,           WAX_PATH_PURPOSE_SMIME_SIGN,
        WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_PATH_PURPOSE_SMIME,
        WAX_PATH_PURPOSE_TLS_SERVER,    WAX_PATH_PURPOSE_TLS_CLIENT,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        enum wax_path_purpose p;
        CHECK_OK(wax_path_purpose_parse(wax_path_purpose_name(all[i]), &p));
        CHECK(p == all[i]);
    }
    enum wax_path_purpose p;
    CHECK_ERR(wax_path_purpose_parse("smtp", &p), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_path_purpose_parse(NULL, &p), WAX_ERR_INVALID_ARGUMENT);
    CHECK_STR(wax_path_purpose_name((enum wax_path_purpose)99), "unknown");
    enum wax_path_revocation m;
    CHECK_OK(wax_path_revocation_parse("require", &m));
    CHECK(m == WAX_PATH_REVOCATION_REQUIRE);
    CHECK_OK(wax_path_revocation_parse("prefer", &m));
    CHECK(m == WAX_PATH_REVOCATION_PREFER);
    CHECK_OK(wax_path_revocation_parse("off", &m));
    CHECK(m == WAX_PATH_REVOCATION_OFF);
    CHECK_ERR(wax_path_revocation_parse("maybe", &m), WAX_ERR_INVALID_ARGUMENT);
    CHECK_STR(wax_path_rev_status_name(WAX_PATH_REV_GOOD), "good");
    CHECK_STR(wax_path_rev_status_name(WAX_PATH_REV_REVOKED), "revoked");
    CHECK_STR(wax_path_rev_status_name(WAX_PATH_REV_NO_CRL), "no-crl");
    CHECK_STR(wax_path_rev_status_name((enum wax_path_rev_status)9),
              "unknown");
}
