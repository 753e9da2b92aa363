/*
 * Vectors: path validation over the published sample PKIs.
 *
 *  - RFC 9216 (rfc9216-samples): the RSA and Ed25519 LAMPS sample CAs.
 *    Each end entity validates to its own CA for its purpose (signing,
 *    encryption with RSA and X25519 keys); through the cross-certificates
 *    (ca.rsa.cross.crt, ca.25519.cross.crt) each validates to the other
 *    CA too; without the cross-certificate it does not ("transvalid").
 *  - RFC 4134 (rfc4134-examples): Carl's RSA and DSA CAs with Alice and
 *    Bob (1999, SHA-1 and 1024-bit keys, MD5-signed CRLs): valid at a time
 *    inside the validity with allow_weak, refused without it, not yet
 *    valid before it; Carl's CRLs revoke Alice (CRLForAll) or nobody
 *    (CRLEmpty).
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "../harness.h"

#define MAX_LOADED 16

struct loaded {
    uint8_t *der[MAX_LOADED];
    size_t len[MAX_LOADED];
    size_t num;
};

static void
loaded_free(struct loaded *l)
{
    for (size_t i = 0; i < l->num; i++) {
        free(l->der[i]);
    }
    l->num = 0;
}

/* Loads one certificate or CRL file (PEM or DER); the index or -1. */
static int
load(struct loaded *l, const char *rel)
{
    size_t len;
    uint8_t *data = wax_test_read_file(wax_test_data_path(rel), &len);
    if (data == NULL || l->num == MAX_LOADED) {
        free(data);
        return -1;
    }
    if (wax_pem_looks_like(data, len)) {
        struct wax_pem_reader r;
        struct wax_pem_block b;
        bool present;
        wax_pem_reader_init(&r, data, len);
        if (wax_pem_next(&r, &b, &present) != WAX_OK || !present) {
            free(data);
            return -1;
        }
        size_t cap = wax_pem_decoded_max(&b) + 1, n = 0;
        uint8_t *der = malloc(cap);
        if (der == NULL || wax_pem_decode(&b, der, cap, &n) != WAX_OK) {
            free(der);
            free(data);
            return -1;
        }
        free(data);
        data = der;
        len = n;
    }
    l->der[l->num] = data;
    l->len[l->num] = len;
    return (int)l->num++;
}

struct run {
    const uint8_t *anchors[4];
    size_t anchor_lens[4];
    size_t num_anchors;
    const uint8_t *untrusted[4];
    size_t untrusted_lens[4];
    size_t num_untrusted;
    const uint8_t *crls[4];
    size_t crl_lens[4];
    size_t num_crls;
};

static wax_err
validate(const struct loaded *l, int leaf, const struct run *r, int64_t time,
         enum wax_path_purpose purpose, bool allow_weak,
         struct wax_path_result *res)
{
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = l->der[leaf];
    in.leaf_len = l->len[leaf];
    in.anchors = (struct wax_path_certs){r->anchors, r->anchor_lens,
                                         r->num_anchors};
    in.untrusted = (struct wax_path_certs){r->untrusted, r->untrusted_lens,
                                           r->num_untrusted};
    in.crls = (struct wax_path_certs){r->crls, r->crl_lens, r->num_crls};
    in.time = time;
    in.purpose = purpose;
    in.allow_weak = allow_weak;
    return wax_path_validate(&in, res);
}

static void
add(const struct loaded *l, int i, const uint8_t **der, size_t *lens,
    size_t *num)
{
    der[*num] = l->der[i];
    lens[*num] = l->len[i];
    (*num)++;
}

/* 2024-01-01T00:00:00Z */
#define T_2024 ((int64_t)1704067200)

TEST(rfc9216_chains)
{
    struct loaded l = {0};
    int ca_rsa = load(&l, "rfc9216-samples/ca.rsa.crt");
    int ca_ed = load(&l, "rfc9216-samples/ca.25519.crt");
    int rsa_cross = load(&l, "rfc9216-samples/ca.rsa.cross.crt");
    int ed_cross = load(&l, "rfc9216-samples/ca.25519.cross.crt");
    int alice_sign = load(&l, "rfc9216-samples/alice.sign.crt");
    int alice_enc = load(&l, "rfc9216-samples/alice.encrypt.crt");
    int bob_sign = load(&l, "rfc9216-samples/bob.sign.crt");
    int carlos_sign = load(&l, "rfc9216-samples/carlos.sign.crt");
    int carlos_enc = load(&l, "rfc9216-samples/carlos.encrypt.crt");
    int dana_sign = load(&l, "rfc9216-samples/dana.sign.crt");
    if (dana_sign < 0 || ca_rsa < 0 || ca_ed < 0 || rsa_cross < 0 ||
        ed_cross < 0 || alice_sign < 0 || alice_enc < 0 || bob_sign < 0 ||
        carlos_sign < 0 || carlos_enc < 0) {
        loaded_free(&l);
        SKIP("rfc9216-samples: a certificate is missing");
    }
    struct wax_path_result res;
    struct run rsa = {0}, ed = {0};
    add(&l, ca_rsa, rsa.anchors, rsa.anchor_lens, &rsa.num_anchors);
    add(&l, ca_ed, ed.anchors, ed.anchor_lens, &ed.num_anchors);
    /* each to its own CA, for its purpose and not another */
    struct {
        int leaf;
        bool ed;
        enum wax_path_purpose purpose, other;
        wax_err other_err;
    } direct[] = {
        {alice_sign, false, WAX_PATH_PURPOSE_SMIME_SIGN,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_ERR_PATH_BAD_KEY_USAGE},
        {alice_enc, false, WAX_PATH_PURPOSE_SMIME_ENCRYPT,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_KEY_USAGE},
        {bob_sign, false, WAX_PATH_PURPOSE_SMIME_SIGN,
         WAX_PATH_PURPOSE_TLS_CLIENT, WAX_ERR_PATH_BAD_EKU},
        {carlos_sign, true, WAX_PATH_PURPOSE_SMIME_SIGN,
         WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_ERR_PATH_BAD_KEY_USAGE},
        {carlos_enc, true, WAX_PATH_PURPOSE_SMIME_ENCRYPT,
         WAX_PATH_PURPOSE_SMIME_SIGN, WAX_ERR_PATH_BAD_KEY_USAGE},
        {dana_sign, true, WAX_PATH_PURPOSE_SMIME, WAX_PATH_PURPOSE_TLS_SERVER,
         WAX_ERR_PATH_BAD_EKU},
    };
    for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++) {
        const struct run *r = direct[i].ed ? &ed : &rsa;
        CHECK_OK(validate(&l, direct[i].leaf, r, T_2024, direct[i].purpose,
                          false, &res));
        CHECK_EQ_U64(res.num_certs, 2);
        CHECK(res.reached_anchor && !res.weak);
        CHECK_ERR(validate(&l, direct[i].leaf, r, T_2024, direct[i].other,
                           false, &res),
                  direct[i].other_err);
        CHECK_EQ_U64(res.failed_index, 0);
    }

    /* through the cross-certificates */
    struct run ed_via = ed, rsa_via = rsa;
    add(&l, rsa_cross, ed_via.untrusted, ed_via.untrusted_lens,
        &ed_via.num_untrusted);
    add(&l, ed_cross, rsa_via.untrusted, rsa_via.untrusted_lens,
        &rsa_via.num_untrusted);
    CHECK_OK(validate(&l, alice_sign, &ed_via, T_2024,
                      WAX_PATH_PURPOSE_SMIME_SIGN, false, &res));
    CHECK_EQ_U64(res.num_certs, 3);
    CHECK(res.certs[1] == l.der[rsa_cross] && res.certs[2] == l.der[ca_ed]);
    CHECK_OK(validate(&l, carlos_sign, &rsa_via, T_2024,
                      WAX_PATH_PURPOSE_SMIME_SIGN, false, &res));
    CHECK_EQ_U64(res.num_certs, 3);
    CHECK(res.certs[1] == l.der[ed_cross] && res.certs[2] == l.der[ca_rsa]);
    /* the cross-certificates themselves are CA certificates */
    CHECK_OK(validate(&l, rsa_cross, &ed, T_2024, WAX_PATH_PURPOSE_ANY, false,
                      &res));
    /* both anchors and both cross-certificates: the direct path first */
    struct run both = rsa_via;
    add(&l, ca_ed, both.anchors, both.anchor_lens, &both.num_anchors);
    add(&l, rsa_cross, both.untrusted, both.untrusted_lens,
        &both.num_untrusted);
    CHECK_OK(validate(&l, alice_sign, &both, T_2024,
                      WAX_PATH_PURPOSE_SMIME_SIGN, false, &res));
    CHECK_EQ_U64(res.num_certs, 2);
    /* transvalid: the other CA without the cross-certificate */
    CHECK_ERR(validate(&l, alice_sign, &ed, T_2024,
                       WAX_PATH_PURPOSE_SMIME_SIGN, false, &res),
              WAX_ERR_PATH_NO_ISSUER);
    CHECK_ERR(validate(&l, carlos_sign, &rsa, T_2024,
                       WAX_PATH_PURPOSE_SMIME_SIGN, false, &res),
              WAX_ERR_PATH_NO_ISSUER);
    /* before the Ed25519 CA existed (2020-12-15) */
    CHECK_ERR(validate(&l, carlos_sign, &ed, (int64_t)1577836800,
                       WAX_PATH_PURPOSE_SMIME_SIGN, false, &res),
              WAX_ERR_PATH_NOT_YET_VALID);
    loaded_free(&l);
}

/* 2010-01-01T00:00:00Z, inside the RFC 4134 validity (1999..2039) */
#define T_2010 ((int64_t)1262304000)

TEST(rfc4134_chains)
{
    struct loaded l = {0};
    int carl_rsa = load(&l, "rfc4134-examples/CarlRSASelf.cer");
    int alice_rsa = load(&l, "rfc4134-examples/AliceRSASignByCarl.cer");
    int bob_rsa = load(&l, "rfc4134-examples/BobRSASignByCarl.cer");
    int carl_dss = load(&l, "rfc4134-examples/CarlDSSSelf.cer");
    int alice_dss = load(&l, "rfc4134-examples/AliceDSSSignByCarlNoInherit.cer");
    int crl_all = load(&l, "rfc4134-examples/CarlRSACRLForAll.crl");
    int crl_empty = load(&l, "rfc4134-examples/CarlRSACRLEmpty.crl");
    if (carl_rsa < 0 || alice_rsa < 0 || bob_rsa < 0 || carl_dss < 0 ||
        alice_dss < 0 || crl_all < 0 || crl_empty < 0) {
        loaded_free(&l);
        SKIP("rfc4134-examples: a file is missing");
    }
    struct wax_path_result res;
    struct run rsa = {0}, dss = {0};
    add(&l, carl_rsa, rsa.anchors, rsa.anchor_lens, &rsa.num_anchors);
    add(&l, carl_dss, dss.anchors, dss.anchor_lens, &dss.num_anchors);
    CHECK_OK(validate(&l, alice_rsa, &rsa, T_2010, WAX_PATH_PURPOSE_SMIME_SIGN,
                      true, &res));
    CHECK_EQ_U64(res.num_certs, 2);
    CHECK(res.weak);
    CHECK_OK(validate(&l, bob_rsa, &rsa, T_2010, WAX_PATH_PURPOSE_ANY, true,
                      &res));
    CHECK_OK(validate(&l, alice_dss, &dss, T_2010, WAX_PATH_PURPOSE_SMIME_SIGN,
                      true, &res));
    CHECK(res.weak);
    /* the weak-algorithm policy: 1024-bit keys (the leaf's is named
     * first), SHA-1 signatures */
    struct wax_path_diag diag;
    struct wax_path_input in;
    memset(&in, 0, sizeof in);
    in.leaf = l.der[alice_rsa];
    in.leaf_len = l.len[alice_rsa];
    in.anchors = (struct wax_path_certs){rsa.anchors, rsa.anchor_lens, 1};
    in.time = T_2010;
    in.purpose = WAX_PATH_PURPOSE_SMIME_SIGN;
    in.diag = &diag;
    CHECK_ERR(wax_path_validate(&in, &res), WAX_ERR_PATH_WEAK_KEY);
    CHECK_EQ_U64(res.failed_index, 0);
    CHECK_EQ_U64(diag.num_problems, 3);
    CHECK_ERR(diag.problems[1].err, WAX_ERR_PATH_WEAK_ALGORITHM);
    CHECK_EQ_U64(diag.problems[1].index, 0);
    CHECK_ERR(diag.problems[2].err, WAX_ERR_PATH_WEAK_KEY);
    CHECK_EQ_U64(diag.problems[2].index, 1);
    /* outside the validity */
    CHECK_ERR(validate(&l, alice_rsa, &rsa, (int64_t)915148800 /* 1999 */,
                       WAX_PATH_PURPOSE_SMIME_SIGN, true, &res),
              WAX_ERR_PATH_NOT_YET_VALID);
    /* Carl's CRLs (v1, MD5): Alice is on CRLForAll */
    struct run with_all = rsa, with_empty = rsa;
    add(&l, crl_all, with_all.crls, with_all.crl_lens, &with_all.num_crls);
    add(&l, crl_empty, with_empty.crls, with_empty.crl_lens,
        &with_empty.num_crls);
    CHECK_ERR(validate(&l, alice_rsa, &with_all, T_2010,
                       WAX_PATH_PURPOSE_SMIME_SIGN, true, &res),
              WAX_ERR_PATH_REVOKED);
    CHECK(res.revocation[0] == WAX_PATH_REV_REVOKED);
    CHECK_OK(validate(&l, alice_rsa, &with_empty, T_2010,
                      WAX_PATH_PURPOSE_SMIME_SIGN, true, &res));
    CHECK(res.revocation[0] == WAX_PATH_REV_GOOD);
    CHECK(res.revocation_complete);
    CHECK(res.weak);
    CHECK_EQ_U64(res.num_crls_used, 1);
    loaded_free(&l);
}
