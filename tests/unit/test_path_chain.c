/*
 * Unit tests of wax_path_validate as the smime layer uses it: path
 * building (anchors, backtracking, loops, the depth limit and the step
 * budget), validity, the issuer checks, weak algorithms and the S/MIME
 * leaf policy, with the exact error and the certificate it is about;
 * certificates made with tests/smime_pki.h. The RFC 5280 steps one by one
 * are in test_path_steps.c, CRLs in test_path_crl.c, purposes and names
 * in test_path_purpose.c.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "../harness.h"
#include "../smime_pki.h"

/* A root, an intermediate and a leaf, EC P-256 (fast). */
struct pki3 {
    struct tp_ident root, inter, leaf;
};

static void
pki3_make(struct pki3 *p, const struct tp_spec *root_spec,
          const struct tp_spec *inter_spec, const struct tp_spec *leaf_spec)
{
    tp_ident_init(&p->root, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&p->inter, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&p->leaf, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec rs = tp_ca_spec("Test Root");
    struct tp_spec is = tp_ca_spec("Test Intermediate");
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    tp_make(&p->root, root_spec ? root_spec : &rs, NULL);
    tp_make(&p->inter, inter_spec ? inter_spec : &is, &p->root);
    tp_make(&p->leaf, leaf_spec ? leaf_spec : &ls, &p->inter);
}

static void
pki3_free(struct pki3 *p)
{
    tp_ident_free(&p->root);
    tp_ident_free(&p->inter);
    tp_ident_free(&p->leaf);
}

/* Validation with ROOT as the anchor and INTER untrusted. */
static wax_err
pki3_validate(const struct pki3 *p, enum wax_path_purpose purpose, int64_t time,
              bool allow_weak, struct wax_path_result *res)
{
    const uint8_t *anchors[1] = {p->root.cert};
    size_t anchor_lens[1] = {p->root.cert_len};
    const uint8_t *untrusted[1] = {p->inter.cert};
    size_t untrusted_lens[1] = {p->inter.cert_len};
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = p->leaf.cert;
    in.leaf_len = p->leaf.cert_len;
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, 1};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 1};
    in.time = time;
    in.purpose = purpose;
    in.allow_weak = allow_weak;
    return wax_path_validate(&in, res);
}

TEST(path_good_chain)
{
    struct pki3 p;
    pki3_make(&p, NULL, NULL, NULL);
    struct wax_path_result res;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_OK);
    CHECK(res.err == WAX_OK);
    CHECK(res.num_certs == 3);
    CHECK(res.certs[0] == p.leaf.cert);
    CHECK(res.certs[1] == p.inter.cert);
    CHECK(res.certs[2] == p.root.cert);
    CHECK(res.reached_anchor);
    CHECK(!res.weak);
    CHECK(res.failed_index == SIZE_MAX);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_ENCRYPT, TP_T0, false, &res),
        WAX_ERR_PATH_BAD_KEY_USAGE); /* EC key: keyAgreement needed */
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_ANY, TP_T0, false, &res),
              WAX_OK);
    pki3_free(&p);
}

TEST(path_validity)
{
    struct pki3 p;
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    ls.not_before = TP_T0 - 2 * TP_YEAR;
    ls.not_after = TP_T0 - TP_YEAR;
    pki3_make(&p, NULL, NULL, &ls);
    struct wax_path_result res;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_EXPIRED);
    CHECK(res.failed_index == 0);
    CHECK(res.reached_anchor);
    CHECK(res.num_certs == 3);
    /* inside the leaf's validity but before the intermediate's */
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN,
                            TP_T0 - TP_YEAR - 10, false, &res),
              WAX_ERR_PATH_NOT_YET_VALID);
    CHECK(res.failed_index == 1);
    /* the boundaries are inclusive */
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0 - TP_YEAR,
                            false, &res),
              WAX_OK);
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN,
                            TP_T0 - TP_YEAR + 1, false, &res),
              WAX_ERR_PATH_EXPIRED);
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN,
                            TP_T0 - 3 * TP_YEAR, false, &res),
              WAX_ERR_PATH_NOT_YET_VALID);
    CHECK(res.failed_index == 0);
    pki3_free(&p);

    /* an expired intermediate */
    struct tp_spec is = tp_ca_spec("Test Intermediate");
    is.not_before = TP_T0 - 2 * TP_YEAR;
    is.not_after = TP_T0 - 1;
    pki3_make(&p, NULL, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_EXPIRED);
    CHECK(res.failed_index == 1);
    pki3_free(&p);

    /* an expired anchor */
    struct tp_spec rs = tp_ca_spec("Test Root");
    rs.not_after = TP_T0 - 1;
    pki3_make(&p, &rs, NULL, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_EXPIRED);
    CHECK(res.failed_index == 2);
    pki3_free(&p);
}

TEST(path_unknown_anchor)
{
    struct pki3 p;
    pki3_make(&p, NULL, NULL, NULL);
    struct tp_ident other;
    tp_ident_init(&other, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec os = tp_ca_spec("Other Root");
    tp_make(&other, &os, NULL);
    const uint8_t *anchors[1] = {other.cert};
    size_t anchor_lens[1] = {other.cert_len};
    const uint8_t *untrusted[2] = {p.inter.cert, p.root.cert};
    size_t untrusted_lens[2] = {p.inter.cert_len, p.root.cert_len};
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = p.leaf.cert;
    in.leaf_len = p.leaf.cert_len;
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, 1};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 2};
    in.time = TP_T0;
    in.purpose = WAX_PATH_PURPOSE_SMIME_SIGN;
    struct wax_path_result res;
    /* the root is there but not trusted */
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_UNTRUSTED_ROOT);
    CHECK(res.num_certs == 3);
    CHECK(res.failed_index == 2);
    CHECK(!res.reached_anchor);
    /* without the root: no issuer for the intermediate */
    in.untrusted.num = 1;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_NO_ISSUER);
    CHECK(res.num_certs == 2);
    CHECK(res.failed_index == 1);
    /* without the intermediate: no issuer for the leaf */
    in.untrusted.num = 0;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_NO_ISSUER);
    CHECK(res.num_certs == 1);
    CHECK(res.failed_index == 0);
    /* no anchors at all */
    in.anchors.num = 0;
    in.untrusted.num = 2;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_UNTRUSTED_ROOT);
    /* a self-signed leaf that is not trusted, and then trusted itself */
    in.leaf = other.cert;
    in.leaf_len = other.cert_len;
    in.purpose = WAX_PATH_PURPOSE_ANY;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_UNTRUSTED_ROOT);
    in.anchors.num = 1;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_OK);
    CHECK(res.num_certs == 1);
    CHECK(res.reached_anchor);
    tp_ident_free(&other);
    pki3_free(&p);
}

TEST(path_leaf_policy)
{
    struct {
        uint32_t ku;
        enum wax_oid_id eku;
        bool has_eku;
        enum wax_path_purpose purpose;
        wax_err want;
    } rows[] = {
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_EMAIL_PROTECTION, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_NON_REPUDIATION, WAX_OID_KP_EMAIL_PROTECTION, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {0, WAX_OID_UNKNOWN, false, WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_EMAIL_PROTECTION, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_KEY_USAGE},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_SERVER_AUTH, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_EKU},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_CLIENT_AUTH, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_EKU},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_ANY_EXTENDED_KEY_USAGE, true,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_OK},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_EMAIL_PROTECTION, true,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_OK},
        {WAX_KU_DIGITAL_SIGNATURE, WAX_OID_KP_EMAIL_PROTECTION, true,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_ERR_PATH_BAD_KEY_USAGE},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_SERVER_AUTH, true,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_ERR_PATH_BAD_EKU},
        {WAX_KU_KEY_AGREEMENT, WAX_OID_KP_SERVER_AUTH, true,
         WAX_PATH_PURPOSE_ANY, WAX_OK},
    };
    struct pki3 p;
    pki3_make(&p, NULL, NULL, NULL);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
        ls.key_usage = rows[i].ku;
        ls.num_ekus = rows[i].has_eku ? 1 : 0;
        ls.ekus[0] = rows[i].eku;
        tp_make(&p.leaf, &ls, &p.inter);
        struct wax_path_result res;
        wax_err got = pki3_validate(&p, rows[i].purpose, TP_T0, false, &res);
        CHECK_MSG(got == rows[i].want, "row %zu: got %s want %s", i,
                  wax_err_name(got), wax_err_name(rows[i].want));
        if (got != WAX_OK) {
            CHECK(res.failed_index == 0);
        }
        /* the leaf check alone agrees */
        struct wax_x509_cert c;
        CHECK_ERR(wax_x509_cert_parse(&c, p.leaf.cert, p.leaf.cert_len),
                  WAX_OK);
        CHECK_ERR(wax_path_check_leaf(&c, rows[i].purpose), rows[i].want);
    }
    pki3_free(&p);

    /* RSA: keyEncipherment is the encryption bit */
    struct tp_ident root, leaf;
    tp_ident_init(&root, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&leaf, tp_keygen(WAX_KEYGEN_RSA2048));
    struct tp_spec rs = tp_ca_spec("R");
    tp_make(&root, &rs, NULL);
    struct tp_spec ls = tp_ee_spec("Bob", "bob@example.org");
    ls.key_usage = WAX_KU_KEY_AGREEMENT;
    tp_make(&leaf, &ls, &root);
    struct wax_x509_cert c;
    CHECK_ERR(wax_x509_cert_parse(&c, leaf.cert, leaf.cert_len), WAX_OK);
    CHECK_ERR(wax_path_check_leaf(&c, WAX_PATH_PURPOSE_SMIME_ENCRYPT),
              WAX_ERR_PATH_BAD_KEY_USAGE);
    ls.key_usage = WAX_KU_KEY_ENCIPHERMENT;
    tp_make(&leaf, &ls, &root);
    CHECK_ERR(wax_x509_cert_parse(&c, leaf.cert, leaf.cert_len), WAX_OK);
    CHECK_ERR(wax_path_check_leaf(&c, WAX_PATH_PURPOSE_SMIME_ENCRYPT), WAX_OK);
    CHECK_ERR(wax_path_check_leaf(&c, WAX_PATH_PURPOSE_SMIME_SIGN),
              WAX_ERR_PATH_BAD_KEY_USAGE);
    CHECK_ERR(wax_path_check_time(&c, TP_T0), WAX_OK);
    CHECK_ERR(wax_path_check_leaf(NULL, WAX_PATH_PURPOSE_ANY),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_path_check_leaf(&c, (enum wax_path_purpose)42),
              WAX_ERR_INVALID_ARGUMENT);
    tp_ident_free(&root);
    tp_ident_free(&leaf);
}

TEST(path_issuer_checks)
{
    struct pki3 p;
    /* an intermediate that is not a CA */
    struct tp_spec is = tp_ca_spec("Test Intermediate");
    is.ca = false;
    is.basic_constraints = true;
    is.key_usage = 0;
    pki3_make(&p, NULL, &is, NULL);
    struct wax_path_result res;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_NOT_CA);
    CHECK(res.failed_index == 1);
    pki3_free(&p);

    /* no basicConstraints at all */
    is.basic_constraints = false;
    pki3_make(&p, NULL, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_NOT_CA);
    pki3_free(&p);

    /* a CA whose key usage lacks keyCertSign */
    is = tp_ca_spec("Test Intermediate");
    is.key_usage = WAX_KU_CRL_SIGN | WAX_KU_DIGITAL_SIGNATURE;
    pki3_make(&p, NULL, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_ISSUER_KEY_USAGE);
    CHECK(res.failed_index == 1);
    pki3_free(&p);

    /* pathLen 0 at the root, one intermediate below: exceeded */
    struct tp_spec rs = tp_ca_spec("Test Root");
    rs.path_len = 0;
    pki3_make(&p, &rs, NULL, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_LEN_EXCEEDED);
    CHECK(res.failed_index == 2);
    pki3_free(&p);
    /* pathLen 1 is enough; pathLen 0 on the intermediate too */
    rs.path_len = 1;
    is = tp_ca_spec("Test Intermediate");
    is.path_len = 0;
    pki3_make(&p, &rs, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_OK);
    pki3_free(&p);

    /* an unknown critical extension in the leaf, in the intermediate, and
     * in the anchor (RFC 5937: an anchor certificate is held to it too) */
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    ls.unknown_critical = true;
    pki3_make(&p, NULL, NULL, &ls);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION);
    CHECK(res.failed_index == 0);
    pki3_free(&p);
    is = tp_ca_spec("Test Intermediate");
    is.unknown_critical = true;
    pki3_make(&p, NULL, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION);
    CHECK(res.failed_index == 1);
    pki3_free(&p);
    rs = tp_ca_spec("Test Root");
    rs.unknown_critical = true;
    pki3_make(&p, &rs, NULL, NULL);
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false,
                            &res),
              WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION);
    CHECK(res.failed_index == 2);
    CHECK(res.reached_anchor);
    pki3_free(&p);
}

TEST(path_v1_certificates)
{
    /* a v1 root is accepted as the anchor, a v1 intermediate is not a CA */
    struct pki3 p;
    struct tp_spec rs = tp_ca_spec("Test Root");
    rs.v1 = true;
    pki3_make(&p, &rs, NULL, NULL);
    struct wax_path_result res;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_OK);
    pki3_free(&p);
    struct tp_spec is = tp_ca_spec("Test Intermediate");
    is.v1 = true;
    pki3_make(&p, NULL, &is, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_NOT_CA);
    pki3_free(&p);
}

TEST(path_weak_and_bad_signatures)
{
    struct pki3 p;
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    ls.sig_digest = WAX_DIGEST_SHA1;
    pki3_make(&p, NULL, NULL, &ls);
    struct wax_path_result res;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_WEAK_ALGORITHM);
    CHECK(res.failed_index == 0);
    CHECK_ERR(pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, true, &res),
              WAX_OK);
    CHECK(res.weak);
    pki3_free(&p);

    /* a SHA-1 self-signature of the anchor does not matter */
    struct tp_spec rs = tp_ca_spec("Test Root");
    rs.sig_digest = WAX_DIGEST_SHA1;
    pki3_make(&p, &rs, NULL, NULL);
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_OK);
    CHECK(!res.weak);
    pki3_free(&p);

    /* a corrupted signature on the leaf */
    pki3_make(&p, NULL, NULL, NULL);
    p.leaf.cert[p.leaf.cert_len - 5] ^= 0x01;
    CHECK_ERR(
        pki3_validate(&p, WAX_PATH_PURPOSE_SMIME_SIGN, TP_T0, false, &res),
        WAX_ERR_PATH_SIGNATURE_INVALID);
    CHECK(res.failed_index == 0);
    pki3_free(&p);

    /* an impostor root: same name, other key (and no key identifiers to
     * tell them apart) */
    struct tp_spec nos = tp_ca_spec("Test Root");
    nos.no_ski = true;
    struct tp_spec nois = tp_ca_spec("Test Intermediate");
    nois.no_ski = true;
    pki3_make(&p, &nos, &nois, NULL);
    struct tp_ident impostor;
    tp_ident_init(&impostor, tp_keygen(WAX_KEYGEN_P256));
    tp_make(&impostor, &nos, NULL);
    const uint8_t *anchors[1] = {impostor.cert};
    size_t anchor_lens[1] = {impostor.cert_len};
    const uint8_t *untrusted[1] = {p.inter.cert};
    size_t untrusted_lens[1] = {p.inter.cert_len};
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = p.leaf.cert;
    in.leaf_len = p.leaf.cert_len;
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, 1};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 1};
    in.time = TP_T0;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_SIGNATURE_INVALID);
    CHECK(res.failed_index == 1);
    tp_ident_free(&impostor);
    pki3_free(&p);
}

TEST(path_backtracking)
{
    /* two intermediates with the same name and key: the first (expired)
     * fails, the search goes on to the second */
    struct pki3 p;
    struct tp_spec is = tp_ca_spec("Test Intermediate");
    is.not_after = TP_T0 - 1;
    is.serial = 7;
    pki3_make(&p, NULL, &is, NULL);
    uint8_t *expired = p.inter.cert;
    size_t expired_len = p.inter.cert_len;
    p.inter.cert = NULL;
    is.not_after = 0;
    is.serial = 8;
    tp_make(&p.inter, &is, &p.root);
    const uint8_t *anchors[1] = {p.root.cert};
    size_t anchor_lens[1] = {p.root.cert_len};
    const uint8_t *untrusted[2] = {expired, p.inter.cert};
    size_t untrusted_lens[2] = {expired_len, p.inter.cert_len};
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = p.leaf.cert;
    in.leaf_len = p.leaf.cert_len;
    in.anchors = (struct wax_path_certs){anchors, anchor_lens, 1};
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 2};
    in.time = TP_T0;
    struct wax_path_result res;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_OK);
    CHECK(res.certs[1] == p.inter.cert);
    /* only the expired one: its error is reported */
    in.untrusted.num = 1;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_EXPIRED);
    CHECK(res.failed_index == 1);
    /* depth limit */
    in.untrusted.num = 2;
    in.max_depth = 2;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_TOO_LONG);
    in.max_depth = 3;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_OK);
    free(expired);
    pki3_free(&p);
}

TEST(path_loops)
{
    /* 24 self-issued certificates named X with one key: each verifies
     * every other, but two certificates of one subject and key are one CA,
     * so no path holds two of them: the search ends at once */
    struct tp_ident x[24];
    struct wax_privkey *k = tp_keygen(WAX_KEYGEN_P256);
    const uint8_t *untrusted[24];
    size_t untrusted_lens[24];
    for (size_t i = 0; i < 24; i++) {
        tp_ident_init(&x[i], k);
        struct tp_spec s = tp_ca_spec("X");
        s.no_ski = true;
        s.serial = (uint8_t)(i + 1);
        tp_make(&x[i], &s, NULL);
        untrusted[i] = x[i].cert;
        untrusted_lens[i] = x[i].cert_len;
    }
    struct tp_ident leaf;
    tp_ident_init(&leaf, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    ls.no_ski = true;
    tp_make(&leaf, &ls, &x[0]);
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = leaf.cert;
    in.leaf_len = leaf.cert_len;
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, 24};
    in.time = TP_T0;
    struct wax_path_result res;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_UNTRUSTED_ROOT);
    CHECK(res.num_steps == 24);
    CHECK(res.num_certs == 2);
    /* trusted: the first X is taken */
    in.anchors = (struct wax_path_certs){untrusted, untrusted_lens, 1};
    CHECK_ERR(wax_path_validate(&in, &res), WAX_OK);
    CHECK(res.num_certs == 2);
    for (size_t i = 0; i < 24; i++) {
        x[i].key = NULL; /* shared */
        tp_ident_free(&x[i]);
    }
    wax_privkey_free(k);
    tp_ident_free(&leaf);
}

/* Layers of W CAs; every CA of layer J has one certificate from each CA
 * of layer J + 1, so a leaf under layer 1 has W^L paths up, none trusted:
 * the step budget stops the search. */
#define BUDGET_LAYERS 6
#define BUDGET_WIDTH 3
TEST(path_search_budget)
{
    static struct tp_ident ca[BUDGET_LAYERS + 1][BUDGET_WIDTH];
    static struct tp_ident certs[BUDGET_LAYERS][BUDGET_WIDTH][BUDGET_WIDTH];
    const uint8_t *untrusted[BUDGET_LAYERS * BUDGET_WIDTH * BUDGET_WIDTH];
    size_t untrusted_lens[BUDGET_LAYERS * BUDGET_WIDTH * BUDGET_WIDTH];
    size_t num = 0;
    char name[32];
    for (size_t j = 0; j <= BUDGET_LAYERS; j++) {
        for (size_t w = 0; w < BUDGET_WIDTH; w++) {
            tp_ident_init(&ca[j][w], tp_keygen(WAX_KEYGEN_P256));
            snprintf(name, sizeof name, "Layer %zu", j);
            struct tp_spec s = tp_ca_spec(name);
            s.serial = (uint8_t)(w + 1);
            tp_make(&ca[j][w], &s, NULL); /* a stand-in to sign with */
        }
    }
    for (size_t j = 0; j < BUDGET_LAYERS; j++) {
        for (size_t w = 0; w < BUDGET_WIDTH; w++) {
            for (size_t u = 0; u < BUDGET_WIDTH; u++) {
                struct tp_ident *c = &certs[j][w][u];
                tp_ident_init(c, ca[j][w].key);
                snprintf(name, sizeof name, "Layer %zu", j);
                struct tp_spec s = tp_ca_spec(name);
                s.serial = (uint8_t)(10 + u);
                tp_make(c, &s, &ca[j + 1][u]);
                untrusted[num] = c->cert;
                untrusted_lens[num++] = c->cert_len;
            }
        }
    }
    struct tp_ident leaf;
    tp_ident_init(&leaf, tp_keygen(WAX_KEYGEN_P256));
    struct tp_spec ls = tp_ee_spec("Alice", "alice@example.org");
    tp_make(&leaf, &ls, &ca[0][0]);
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = leaf.cert;
    in.leaf_len = leaf.cert_len;
    in.untrusted = (struct wax_path_certs){untrusted, untrusted_lens, num};
    in.time = TP_T0;
    struct wax_path_result res;
    struct wax_path_diag diag;
    in.diag = &diag;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_SEARCH_BUDGET);
    CHECK(res.num_steps == WAX_MAX_PATH_STEPS);
    CHECK(diag.num_problems == 1);
    CHECK(diag.problems[0].err == WAX_ERR_PATH_SEARCH_BUDGET);
    for (size_t j = 0; j < BUDGET_LAYERS; j++) {
        for (size_t w = 0; w < BUDGET_WIDTH; w++) {
            for (size_t u = 0; u < BUDGET_WIDTH; u++) {
                certs[j][w][u].key = NULL; /* shared with ca[j][w] */
                tp_ident_free(&certs[j][w][u]);
            }
        }
    }
    for (size_t j = 0; j <= BUDGET_LAYERS; j++) {
        for (size_t w = 0; w < BUDGET_WIDTH; w++) {
            tp_ident_free(&ca[j][w]);
        }
    }
    tp_ident_free(&leaf);
}

TEST(path_bad_input)
{
    struct wax_path_result res;
    CHECK_ERR(wax_path_validate(NULL, &res), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_path_validate(NULL, NULL), WAX_ERR_INVALID_ARGUMENT);
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_INVALID_ARGUMENT);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    in.leaf = junk;
    in.leaf_len = sizeof junk;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_X509_MALFORMED);
    CHECK(res.err == WAX_ERR_X509_MALFORMED);
    CHECK(res.failed_index == 0);
    in.untrusted.num = WAX_MAX_PATH_CERTS + 1;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_LIMIT_EXCEEDED);
    CHECK(strcmp(wax_path_purpose_name(WAX_PATH_PURPOSE_SMIME_SIGN),
                 "smime-sign") == 0);
    CHECK(strcmp(wax_path_purpose_name((enum wax_path_purpose)9), "unknown") ==
          0);
}
