/*
 * Unit tests of revocation (src/path/revocation.c, RFC 5280 6.3) with
 * generated chains and CRLs (tests/path_pki.h): listed and not listed,
 * the three modes, CRL validity (signature, cRLSign, cRLNumber,
 * criticality, weak digests), currency, issuingDistributionPoint scope,
 * delta CRLs, certificateHold and removeFromCRL, indirect CRLs.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "../harness.h"
#include "../path_pki.h"

/* The chain made, the root's and the intermediate's CRLs as given. */
static wax_err
run_with(struct pp_chain *c, const struct pp_crl *root_crl,
         const struct pp_crl *ica_crl, enum wax_path_revocation mode)
{
    pp_chain_clear_crls(c);
    pp_chain_make(c);
    if (root_crl != NULL) {
        pp_chain_crl(c, root_crl, &c->root);
    }
    if (ica_crl != NULL) {
        pp_chain_crl(c, ica_crl, &c->ica);
    }
    pp_chain_input(c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c->in.revocation = mode;
    return pp_chain_go(c);
}

TEST(crl_listed_and_not)
{
    struct pp_chain c;
    pp_chain_init(&c);
    struct pp_crl rc, ic;
    pp_crl_init(&rc);
    pp_crl_init(&ic);
    /* nothing listed, both CRLs there: complete */
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    CHECK(c.res.revocation_complete);
    CHECK(c.res.revocation[0] == WAX_PATH_REV_GOOD);
    CHECK(c.res.revocation[1] == WAX_PATH_REV_GOOD);
    CHECK(c.res.revocation[2] == WAX_PATH_REV_NOT_CHECKED);
    CHECK_EQ_U64(c.res.num_crls_used, 2);
    /* the leaf listed */
    pp_chain_make(&c);
    pp_crl_revoke(&ic, c.leaf.cert, c.leaf.cert_len, -1);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_REVOKED);
    CHECK_EQ_U64(c.res.failed_index, 0);
    CHECK(c.res.revocation[0] == WAX_PATH_REV_REVOKED);
    /* ... whatever the reason, hold included */
    ic.entries[0].reason = WAX_CRL_REASON_CERTIFICATE_HOLD;
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_REVOKED);
    /* ... and mode off does not look */
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_OFF));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_NOT_CHECKED);
    CHECK(!c.res.revocation_complete);
    /* the intermediate listed in the root's CRL */
    pp_crl_init(&ic);
    pp_crl_revoke(&rc, c.ica.cert, c.ica.cert_len,
                  WAX_CRL_REASON_KEY_COMPROMISE);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_REVOKED);
    CHECK_EQ_U64(c.res.failed_index, 1);
    /* the same serial in a CRL of another issuer does not count */
    pp_crl_init(&rc);
    pp_crl_init(&ic);
    pp_chain_make(&c);
    pp_crl_revoke(&rc, c.leaf.cert, c.leaf.cert_len, -1); /* root's CRL */
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    pp_chain_free(&c);
}

TEST(crl_modes)
{
    struct pp_chain c;
    pp_chain_init(&c);
    struct pp_crl rc, ic;
    pp_crl_init(&rc);
    pp_crl_init(&ic);
    /* no CRL at all: prefer accepts and says so */
    CHECK_OK(run_with(&c, NULL, NULL, WAX_PATH_REVOCATION_PREFER));
    CHECK(!c.res.revocation_complete);
    CHECK(c.res.revocation[0] == WAX_PATH_REV_NO_CRL);
    CHECK_EQ_U64(c.res.num_crls_used, 0);
    /* require: the leaf's first */
    CHECK_ERR(run_with(&c, NULL, NULL, WAX_PATH_REVOCATION_REQUIRE),
              WAX_ERR_PATH_REVOCATION_UNKNOWN);
    CHECK_EQ_U64(c.res.failed_index, 0);
    CHECK_EQ_U64(c.diag.num_problems, 2);
    /* require with the intermediate's CRL only */
    CHECK_ERR(run_with(&c, NULL, &ic, WAX_PATH_REVOCATION_REQUIRE),
              WAX_ERR_PATH_REVOCATION_UNKNOWN);
    CHECK_EQ_U64(c.res.failed_index, 1);
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE));
    /* stale CRLs: not used; require says so */
    ic.next_update = TP_T0 - 1;
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_NO_CRL);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE),
              WAX_ERR_PATH_CRL_EXPIRED);
    CHECK_EQ_U64(c.res.failed_index, 0);
    pp_crl_init(&ic);
    ic.this_update = TP_T0 + 1; /* from the future */
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE),
              WAX_ERR_PATH_CRL_EXPIRED);
    /* no nextUpdate: current */
    pp_crl_init(&ic);
    ic.next_update = 0;
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE));
    /* a stale CRL listing the leaf still revokes nothing */
    pp_chain_make(&c);
    pp_crl_init(&ic);
    pp_crl_revoke(&ic, c.leaf.cert, c.leaf.cert_len, -1);
    ic.next_update = TP_T0 - 1;
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    pp_chain_free(&c);
}

TEST(crl_invalid)
{
    struct pp_chain c;
    pp_chain_init(&c);
    struct pp_crl rc, ic;
    pp_crl_init(&rc);
    /* no cRLNumber in a v2 CRL */
    pp_crl_init(&ic);
    ic.crl_number = -1;
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_CRL_INVALID);
    CHECK_EQ_U64(c.res.failed_index, 0);
    CHECK(c.res.revocation[0] == WAX_PATH_REV_CRL_INVALID);
    /* a critical cRLNumber */
    pp_crl_init(&ic);
    ic.crl_number_critical = true;
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_CRL_INVALID);
    /* an unknown critical extension */
    pp_crl_init(&ic);
    ic.unknown_critical = true;
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_CRL_INVALID);
    /* a v1 CRL has no extensions to miss */
    pp_crl_init(&ic);
    ic.v1 = true;
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE));
    /* SHA-1 */
    pp_crl_init(&ic);
    ic.digest = WAX_DIGEST_SHA1;
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_WEAK_ALGORITHM);
    c.in.allow_weak = true;
    CHECK_OK(pp_chain_go(&c));
    CHECK(c.res.weak);
    /* signed by another key under the intermediate's name */
    pp_crl_init(&ic);
    pp_chain_clear_crls(&c);
    pp_chain_make(&c);
    struct tp_ident other;
    tp_ident_init(&other, tp_keygen(WAX_KEYGEN_P256));
    other.cert = malloc(c.ica.cert_len);
    CHECK(other.cert != NULL);
    memcpy(other.cert, c.ica.cert, c.ica.cert_len);
    other.cert_len = c.ica.cert_len;
    pp_chain_crl(&c, &ic, &other);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_CRL_INVALID);
    tp_ident_free(&other);
    /* the issuer may not sign CRLs (keyUsage without cRLSign) */
    pp_init(&c.is, "Test ICA");
    pp_bc(&c.is, true, true, -1);
    pp_ku(&c.is, true, WAX_KU_KEY_CERT_SIGN);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_CRL_INVALID);
    /* ... no keyUsage at all: nothing to check */
    pp_init(&c.is, "Test ICA");
    pp_bc(&c.is, true, true, -1);
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_REQUIRE));
    pp_chain_free(&c);
}

TEST(crl_scope)
{
    struct pp_chain c;
    pp_chain_init(&c);
    struct pp_crl rc, ic;
    pp_crl_init(&rc);
    pp_chain_make(&c);
    /* onlyContainsCACerts: the leaf is not covered */
    pp_crl_init(&ic);
    pp_crl_revoke(&ic, c.leaf.cert, c.leaf.cert_len, -1);
    pp_crl_idp(&ic, NULL, false, true, false);
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_NO_CRL);
    /* onlyContainsUserCerts: it is */
    pp_crl_idp(&ic, NULL, true, false, false);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_REVOKED);
    /* a distribution point name: only for certificates that name it */
    pp_crl_idp(&ic, "http://crl.example/ica.crl", false, false, false);
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    pp_crldp(&c.ls, "http://crl.example/other.crl", NULL);
    CHECK_OK(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER));
    pp_chain_specs(&c);
    pp_crldp(&c.ls, "http://crl.example/ica.crl", NULL);
    pp_chain_make(&c);
    pp_crl_init(&ic);
    pp_crl_revoke(&ic, c.leaf.cert, c.leaf.cert_len, -1);
    pp_crl_idp(&ic, "http://crl.example/ica.crl", false, false, false);
    CHECK_ERR(run_with(&c, &rc, &ic, WAX_PATH_REVOCATION_PREFER),
              WAX_ERR_PATH_REVOKED);
    pp_chain_free(&c);
}

TEST(crl_delta)
{
    struct pp_chain c;
    pp_chain_init(&c);
    pp_chain_make(&c);
    struct pp_crl rc, base, delta;
    pp_crl_init(&rc);
    pp_crl_init(&base);
    base.crl_number = 10;
    pp_crl_init(&delta);
    delta.crl_number = 11;
    delta.delta_base = 10;
    pp_crl_revoke(&delta, c.leaf.cert, c.leaf.cert_len,
                  WAX_CRL_REASON_KEY_COMPROMISE);
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &base, &c.ica);
    pp_chain_crl(&c, &delta, &c.ica);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_REVOKED);
    /* a delta alone is not used */
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &delta, &c.ica);
    CHECK_OK(pp_chain_go(&c));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_NO_CRL);
    /* nor on a base older than its BaseCRLNumber */
    base.crl_number = 9;
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &base, &c.ica);
    pp_chain_crl(&c, &delta, &c.ica);
    CHECK_OK(pp_chain_go(&c));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_GOOD);
    /* a hold in the base lifted by removeFromCRL in the delta */
    base.crl_number = 10;
    pp_crl_revoke(&base, c.leaf.cert, c.leaf.cert_len,
                  WAX_CRL_REASON_CERTIFICATE_HOLD);
    delta.entries[0].reason = WAX_CRL_REASON_REMOVE_FROM_CRL;
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &base, &c.ica);
    pp_chain_crl(&c, &delta, &c.ica);
    CHECK_OK(pp_chain_go(&c));
    /* without the delta the hold stands */
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &base, &c.ica);
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_REVOKED);
    pp_chain_free(&c);
}

TEST(crl_indirect)
{
    /* a CRL signer certified by the root issues the CRL for the
     * intermediate's leaf: the leaf's distribution point names it */
    struct pp_chain c;
    pp_chain_init(&c);
    pp_crldp(&c.ls, NULL, "CRL Signer");
    pp_chain_make(&c);
    struct tp_ident signer;
    tp_ident_init(&signer, tp_keygen(WAX_KEYGEN_P256));
    struct pp_cert ss;
    pp_init(&ss, "CRL Signer");
    pp_ku(&ss, true, WAX_KU_CRL_SIGN);
    ss.serial[0] = 7;
    pp_make(&signer, &ss, &c.root);
    struct pp_crl ind, rc;
    pp_crl_init(&rc);
    pp_crl_init(&ind);
    pp_crl_idp(&ind, NULL, false, false, true);
    pp_crl_revoke(&ind, c.leaf.cert, c.leaf.cert_len, -1);
    ind.entries[0].cert_issuer_cn = "Test ICA";
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &ind, &signer);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.untrusted[1] = signer.cert;
    c.untrusted_lens[1] = signer.cert_len;
    c.num_untrusted = 2;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_REVOKED);
    /* the entry names another certificate issuer: not this leaf */
    ind.entries[0].cert_issuer_cn = "Someone Else";
    pp_chain_clear_crls(&c);
    pp_chain_crl(&c, &rc, &c.root);
    pp_chain_crl(&c, &ind, &signer);
    CHECK_OK(pp_chain_go(&c));
    CHECK(c.res.revocation[0] == WAX_PATH_REV_GOOD);
    /* the signer's certificate not available: its CRL cannot be checked */
    c.num_untrusted = 1;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_CRL_INVALID);
    tp_ident_free(&signer);
    pp_chain_free(&c);
}
