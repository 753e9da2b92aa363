/*
 * Unit tests of revocation in verify (src/smime/verify.c with the path
 * layer's CRL checks): a signer revoked by a CRL the caller gives, or by
 * one the SignedData carries in its crls field, is UNTRUSTED with
 * WAX_ERR_PATH_REVOKED and nothing is released; REQUIRE without a CRL is
 * UNTRUSTED with WAX_ERR_PATH_REVOCATION_UNKNOWN; PREFER without a CRL is
 * VALID with the report's warning; OFF ignores even a revoking CRL. CRLs
 * are made with the DER builder (tests/path_pki.h), signed by the
 * fixture's root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "../harness.h"
#include "../path_pki.h"
#include "../smime_fixture.h"

static const char warn_alice[] = "revocation not checked: no CRL for CN=Alice";

/* A SignedData of "hello" (encapsulated, with From: bound by the caller)
 * signed by T, definite-length DER. */
static void
sign_raw(const struct tp_ident *t, struct wax_buf *out)
{
    struct wax_cms_signer_params sp;
    memset(&sp, 0, sizeof sp);
    sp.key = t->key;
    sp.cert = t->cert;
    sp.cert_len = t->cert_len;
    struct wax_cms_sign_params p;
    memset(&p, 0, sizeof p);
    p.signers = &sp;
    p.num_signers = 1;
    sf_out_init(out);
    struct wax_cms_sign *s = NULL;
    TP_CK(wax_cms_sign_new(&s, &p, wax_buf_sink(out)));
    TP_CK(wax_sink_write(wax_cms_sign_sink(s), (const uint8_t *)"hello", 5));
    TP_CK(wax_sink_close(wax_cms_sign_sink(s)));
    wax_cms_sign_free(s);
}

/*
 * with_crl rebuilds the ContentInfo IN with CRL (DER) in the SignedData's
 * crls [1] field, right after the certificates (the signature does not
 * cover it). Returns a malloc'd buffer in *OUT.
 */
static void
with_crl(const uint8_t *in, size_t in_len, const uint8_t *crl, size_t crl_len,
         uint8_t **out, size_t *out_len)
{
    struct wax_span all = {in, in_len}, ci, oid, explicit0, sd;
    if (!wax_der_get(&all, WAX_DER_SEQUENCE, &ci) ||
        !wax_der_get_element(&ci, WAX_DER_OID, &oid) ||
        !wax_der_get(&ci, WAX_DER_CONTEXT_CONS(0), &explicit0) ||
        !wax_der_get(&explicit0, WAX_DER_SEQUENCE, &sd)) {
        abort();
    }
    struct wax_der_builder b, cib, e0, sdb, crls;
    wax_der_builder_init(&b, 1 << 20);
    TP_CK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &cib));
    TP_CK(wax_der_builder_add_element(&cib, oid.p, oid.len));
    TP_CK(wax_der_builder_open(&cib, WAX_DER_CONTEXT_CONS(0), &e0));
    TP_CK(wax_der_builder_open(&e0, WAX_DER_SEQUENCE, &sdb));
    bool added = false;
    while (sd.len > 0) {
        uint32_t tag;
        struct wax_span el;
        if (!wax_der_get_any(&sd, &tag, NULL, &el)) {
            abort();
        }
        if (tag == WAX_DER_SET && !added) {
            /* digestAlgorithms is the first SET: skip it, add before the
             * signerInfos (the last SET) */
            if (sd.len > 0) {
                TP_CK(wax_der_builder_add_element(&sdb, el.p, el.len));
                continue;
            }
            TP_CK(wax_der_builder_open(&sdb, WAX_DER_CONTEXT_CONS(1), &crls));
            TP_CK(wax_der_builder_add_element(&crls, crl, crl_len));
            TP_CK(wax_der_builder_close(&crls));
            added = true;
        }
        TP_CK(wax_der_builder_add_element(&sdb, el.p, el.len));
    }
    TP_CK(wax_der_builder_close(&sdb));
    TP_CK(wax_der_builder_close(&e0));
    TP_CK(wax_der_builder_close(&cib));
    TP_CK(wax_der_builder_finish(&b, out, out_len));
    wax_der_builder_cleanup(&b);
    if (!added) {
        abort();
    }
}

/* A CRL by the fixture's root; REVOKED (NULL: none) is listed. */
static void
make_crl(const struct tp_ident *revoked, uint8_t **out, size_t *out_len)
{
    struct pp_crl spec;
    pp_crl_init(&spec);
    if (revoked != NULL) {
        pp_crl_revoke(&spec, revoked->cert, revoked->cert_len, 1);
    }
    pp_make_crl(out, out_len, &spec, &sf_pki()->root);
}

static bool
has_warning(const struct wax_smime_report *rep, const char *text)
{
    for (size_t i = 0; i < rep->num_warnings; i++) {
        if (strcmp(rep->warnings[i], text) == 0) {
            return true;
        }
    }
    return false;
}

struct rev_case {
    const char *name;
    bool crl_by_caller;  /* the CRL goes into opts.crls */
    bool crl_in_message; /* ... or into the SignedData */
    bool crl_revokes;    /* the CRL lists alice (else it lists bob) */
    enum wax_path_revocation mode;
    wax_err want; /* WAX_OK: VALID */
    bool warned;  /* the "no CRL" warning */
};

TEST(smime_verify_revocation)
{
    struct sf_pki *p = sf_pki();
    uint8_t *revoking = NULL, *other = NULL;
    size_t revoking_len = 0, other_len = 0;
    make_crl(&p->alice, &revoking, &revoking_len);
    make_crl(&p->bob, &other, &other_len);
    struct wax_buf plain;
    sign_raw(&p->alice, &plain);

    static const struct rev_case rows[] = {
        {"caller-revoked", true, false, true, WAX_PATH_REVOCATION_PREFER,
         WAX_ERR_PATH_REVOKED, false},
        {"message-revoked", false, true, true, WAX_PATH_REVOCATION_PREFER,
         WAX_ERR_PATH_REVOKED, false},
        {"caller-revoked-require", true, false, true,
         WAX_PATH_REVOCATION_REQUIRE, WAX_ERR_PATH_REVOKED, false},
        {"message-revoked-require", false, true, true,
         WAX_PATH_REVOCATION_REQUIRE, WAX_ERR_PATH_REVOKED, false},
        {"caller-not-listed", true, false, false, WAX_PATH_REVOCATION_PREFER,
         WAX_OK, false},
        {"message-not-listed-require", false, true, false,
         WAX_PATH_REVOCATION_REQUIRE, WAX_OK, false},
        {"no-crl-require", false, false, false, WAX_PATH_REVOCATION_REQUIRE,
         WAX_ERR_PATH_REVOCATION_UNKNOWN, false},
        {"no-crl-prefer", false, false, false, WAX_PATH_REVOCATION_PREFER,
         WAX_OK, true},
        {"off-caller-revoked", true, false, true, WAX_PATH_REVOCATION_OFF,
         WAX_OK, false},
        {"off-message-revoked", false, true, true, WAX_PATH_REVOCATION_OFF,
         WAX_OK, false},
        {"off-no-crl", false, false, false, WAX_PATH_REVOCATION_OFF, WAX_OK,
         false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct rev_case *r = &rows[i];
        const uint8_t *crl = r->crl_revokes ? revoking : other;
        size_t crl_len = r->crl_revokes ? revoking_len : other_len;
        struct sf_list anchors;
        struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
        vo.from = "alice@example.org";
        vo.revocation = r->mode;
        const uint8_t *crl_der[1] = {crl};
        size_t crl_lens[1] = {crl_len};
        if (r->crl_by_caller) {
            vo.crls.der = crl_der;
            vo.crls.lens = crl_lens;
            vo.crls.num = 1;
        }
        uint8_t *msg = plain.data;
        size_t msg_len = plain.len;
        uint8_t *spliced = NULL;
        if (r->crl_in_message) {
            with_crl(plain.data, plain.len, crl, crl_len, &spliced, &msg_len);
            msg = spliced;
        }
        struct wax_buf out;
        sf_out_init(&out);
        struct wax_smime_report rep;
        wax_err got = wax_smime_verify(&vo, msg, msg_len, NULL, 0,
                                       wax_buf_sink(&out), &rep);
        CHECK_MSG(got == r->want, "%s: got %s want %s", r->name,
                  wax_err_name(got), wax_err_name(r->want));
        CHECK_MSG(rep.num_signers == 1, "%s", r->name);
        if (r->want == WAX_OK) {
            CHECK_MSG(rep.verdict == WAX_SMIME_VALID, "%s: %s", r->name,
                      wax_smime_verdict_name(rep.verdict));
            CHECK_MSG(rep.released && out.closed && out.len == 5 &&
                          memcmp(out.data, "hello", 5) == 0,
                      "%s", r->name);
        } else {
            CHECK_MSG(rep.verdict == WAX_SMIME_UNTRUSTED, "%s: %s", r->name,
                      wax_smime_verdict_name(rep.verdict));
            CHECK_MSG(rep.err == r->want, "%s", r->name);
            CHECK_MSG(rep.signers[0].verdict == WAX_SMIME_UNTRUSTED &&
                          rep.signers[0].err == r->want,
                      "%s", r->name);
            CHECK_MSG(rep.status == WAX_SMIME_STATUS_REJECTED, "%s", r->name);
            CHECK_MSG(!rep.released && out.len == 0 && !out.closed, "%s",
                      r->name);
            /* the chain is still reported */
            CHECK_MSG(rep.signers[0].num_chain == 2, "%s", r->name);
        }
        CHECK_MSG(has_warning(&rep, warn_alice) == r->warned, "%s: warning %s",
                  r->name, r->warned ? "missing" : "extra");
        /* no other revocation warning ever (the root is the anchor) */
        for (size_t w = 0; w < rep.num_warnings; w++) {
            CHECK_MSG(strcmp(rep.warnings[w], warn_alice) == 0 ||
                          strstr(rep.warnings[w], "revocation") == NULL,
                      "%s: %s", r->name, rep.warnings[w]);
        }
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
        free(spliced);
    }
    wax_buf_cleanup(&plain);
    free(revoking);
    free(other);
}

/* A valid chain with a CRL that covers it: no warning; a stale CRL under
 * REQUIRE: WAX_ERR_PATH_CRL_EXPIRED; a CRL that does not parse counts as
 * none. */
TEST(smime_verify_revocation_crl_states)
{
    struct sf_pki *p = sf_pki();
    struct wax_buf sm;
    sign_raw(&p->alice, &sm);
    struct pp_crl spec;
    pp_crl_init(&spec);
    spec.this_update = SF_NOW - 60 * 86400;
    spec.next_update = SF_NOW - 30 * 86400;
    uint8_t *stale = NULL;
    size_t stale_len = 0;
    pp_make_crl(&stale, &stale_len, &spec, &p->root);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    struct {
        const uint8_t *crl;
        size_t len;
        enum wax_path_revocation mode;
        wax_err want;
        bool warned;
    } rows[] = {
        {stale, stale_len, WAX_PATH_REVOCATION_REQUIRE,
         WAX_ERR_PATH_CRL_EXPIRED, false},
        {stale, stale_len, WAX_PATH_REVOCATION_PREFER, WAX_OK, true},
        {junk, sizeof junk, WAX_PATH_REVOCATION_REQUIRE,
         WAX_ERR_PATH_REVOCATION_UNKNOWN, false},
        {junk, sizeof junk, WAX_PATH_REVOCATION_PREFER, WAX_OK, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sf_list anchors;
        struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
        vo.from = "alice@example.org";
        vo.revocation = rows[i].mode;
        const uint8_t *der[1] = {rows[i].crl};
        size_t lens[1] = {rows[i].len};
        vo.crls.der = der;
        vo.crls.lens = lens;
        vo.crls.num = 1;
        struct wax_buf out;
        sf_out_init(&out);
        struct wax_smime_report rep;
        wax_err got = wax_smime_verify(&vo, sm.data, sm.len, NULL, 0,
                                       wax_buf_sink(&out), &rep);
        CHECK_MSG(got == rows[i].want, "row %zu: got %s", i, wax_err_name(got));
        CHECK_MSG(has_warning(&rep, warn_alice) == rows[i].warned, "row %zu",
                  i);
        if (rows[i].want != WAX_OK) {
            CHECK(rep.verdict == WAX_SMIME_UNTRUSTED);
            CHECK(out.len == 0 && !out.closed);
        }
        wax_smime_report_cleanup(&rep);
        wax_buf_cleanup(&out);
    }
    free(stale);
    wax_buf_cleanup(&sm);
}

/* The constructor checks the CRL list and the mode. */
TEST(smime_verify_revocation_options)
{
    struct sf_list anchors;
    struct wax_smime_verify_opts vo = sf_verify_opts(&anchors);
    struct wax_buf out;
    sf_out_init(&out);
    struct wax_smime_report rep;
    struct wax_smime_op *op = NULL;
    vo.crls.num = 1; /* no arrays */
    CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK(op == NULL && rep.status == WAX_SMIME_STATUS_ERROR);
    wax_smime_report_cleanup(&rep);

    static const uint8_t junk[] = {0x30, 0x00};
    const uint8_t *der[WAX_MAX_PATH_CRLS + 1];
    size_t lens[WAX_MAX_PATH_CRLS + 1];
    for (size_t i = 0; i <= WAX_MAX_PATH_CRLS; i++) {
        der[i] = junk;
        lens[i] = sizeof junk;
    }
    vo.crls.der = der;
    vo.crls.lens = lens;
    vo.crls.num = WAX_MAX_PATH_CRLS + 1;
    CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep),
              WAX_ERR_LIMIT_EXCEEDED);
    CHECK(op == NULL && rep.err == WAX_ERR_LIMIT_EXCEEDED);
    wax_smime_report_cleanup(&rep);
    vo.crls.num = WAX_MAX_PATH_CRLS;
    CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep), WAX_OK);
    wax_smime_op_free(op);
    wax_smime_report_cleanup(&rep);

    vo.crls.num = 0;
    vo.revocation = (enum wax_path_revocation)7;
    CHECK_ERR(wax_smime_verify_new(&op, &vo, wax_buf_sink(&out), &rep),
              WAX_ERR_INVALID_ARGUMENT);
    wax_smime_report_cleanup(&rep);
    wax_buf_cleanup(&out);
}
