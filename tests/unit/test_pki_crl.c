/* Unit tests: CRLs made by the pki layer (wax_pki_crl_make) read back
 * with the x509 parser, checked with the issuer's key and used by the
 * path layer; the CRLReason name table. */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>
#include <wax/pki.h>

#include "../harness.h"
#include "pki_test.h"

#define T_THIS 1700000000 /* 2023-11-14 */
#define T_NEXT 1700604800 /* a week later */

/* ------------------------------------------------------------------ */
/* Reason names.                                                       */

TEST(pki_crl_reason_names)
{
    static const struct {
        enum wax_crl_reason reason;
        const char *name;
    } rows[] = {
        {WAX_CRL_REASON_UNSPECIFIED, "unspecified"},
        {WAX_CRL_REASON_KEY_COMPROMISE, "keyCompromise"},
        {WAX_CRL_REASON_CA_COMPROMISE, "cACompromise"},
        {WAX_CRL_REASON_AFFILIATION_CHANGED, "affiliationChanged"},
        {WAX_CRL_REASON_SUPERSEDED, "superseded"},
        {WAX_CRL_REASON_CESSATION_OF_OPERATION, "cessationOfOperation"},
        {WAX_CRL_REASON_CERTIFICATE_HOLD, "certificateHold"},
        {WAX_CRL_REASON_REMOVE_FROM_CRL, "removeFromCRL"},
        {WAX_CRL_REASON_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn"},
        {WAX_CRL_REASON_AA_COMPROMISE, "aACompromise"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum wax_crl_reason r = (enum wax_crl_reason)99;
        CHECK_STR(wax_pki_crl_reason_name(rows[i].reason), rows[i].name);
        CHECK_OK(wax_pki_crl_reason_parse(rows[i].name, &r));
        CHECK_EQ_U64(r, rows[i].reason);
    }
    enum wax_crl_reason r;
    CHECK(wax_pki_crl_reason_name((enum wax_crl_reason)7) == NULL);
    CHECK(wax_pki_crl_reason_name((enum wax_crl_reason)11) == NULL);
    CHECK(wax_pki_crl_reason_name((enum wax_crl_reason) - 1) == NULL);
    CHECK_OK(wax_pki_crl_reason_parse("KEYCOMPROMISE", &r));
    CHECK_EQ_U64(r, WAX_CRL_REASON_KEY_COMPROMISE);
    CHECK_ERR(wax_pki_crl_reason_parse("key-compromise", &r),
              WAX_ERR_PKI_CRL_BAD_REASON);
    CHECK_ERR(wax_pki_crl_reason_parse("", &r), WAX_ERR_PKI_CRL_BAD_REASON);
    CHECK_ERR(wax_pki_crl_reason_parse("keyCompromise ", &r),
              WAX_ERR_PKI_CRL_BAD_REASON);
    CHECK_ERR(wax_pki_crl_reason_parse(NULL, &r), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_pki_crl_reason_parse("superseded", NULL),
              WAX_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* CRLs back through wax_x509_crl_parse.                               */

struct sig_row {
    enum wax_keygen kind;
    enum wax_oid_id want;
};

TEST(pki_crl_fields)
{
    static const struct sig_row sig_rows[] = {
        {WAX_KEYGEN_RSA2048, WAX_OID_SHA256_WITH_RSA},
        {WAX_KEYGEN_P256, WAX_OID_ECDSA_WITH_SHA256},
        {WAX_KEYGEN_P384, WAX_OID_ECDSA_WITH_SHA384},
        {WAX_KEYGEN_ED25519, WAX_OID_ED25519},
    };
    static const uint8_t s1[] = {0x01};
    static const uint8_t s2[] = {0x00, 0x80, 0x11};
    static const uint8_t s3[] = {0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
                                 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13};
    static const uint8_t s4[] = {0x00, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05,
                                 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
                                 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13};
    const struct wax_pki_crl_entry entries[] = {
        {s1, sizeof s1, 1690000000, true, WAX_CRL_REASON_KEY_COMPROMISE},
        {s2, sizeof s2, 1690000001, false, WAX_CRL_REASON_UNSPECIFIED},
        /* unspecified: no reasonCode (RFC 5280 §5.3.1) */
        {s3, sizeof s3, 1690000002, true, WAX_CRL_REASON_UNSPECIFIED},
        {s4, sizeof s4, 1690000003, true, WAX_CRL_REASON_CERTIFICATE_HOLD},
        {s1, sizeof s1, 1690000004, true, WAX_CRL_REASON_AA_COMPROMISE},
    };
    const size_t n = sizeof entries / sizeof entries[0];
    for (size_t k = 0; k < sizeof sig_rows / sizeof sig_rows[0]; k++) {
        struct wax_privkey *key = pt_key(sig_rows[k].kind, 1);
        /* another key of the same type: the signature does not verify */
        struct wax_privkey *other = pt_key(sig_rows[k].kind, 2);
        CHECK(key != NULL && other != NULL);
        struct wax_buf ca, crl, other_spki;
        CHECK_OK(pt_cert(&ca, "CN=CRL Test CA,O=Wax", NULL, WAX_PKI_PROFILE_CA,
                         key, NULL, NULL));
        struct wax_x509_cert cac;
        CHECK_OK(wax_x509_cert_parse(&cac, ca.data, ca.len));
        wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
        wax_buf_init(&other_spki, 4096);
        CHECK_OK(pt_spki(other, &other_spki));
        CHECK_OK(wax_pki_crl_make(&crl, ca.data, ca.len, key, 0x80, T_THIS,
                                  T_NEXT, entries, n));
        struct wax_x509_crl *c = malloc(sizeof *c);
        CHECK(c != NULL);
        wax_err perr = wax_x509_crl_parse(c, crl.data, crl.len);
        CHECK_MSG(perr == WAX_OK, "row %zu: %s", k, wax_err_name(perr));
        static const uint8_t num[] = {0x00, 0x80};
        struct wax_span other_s;
        wax_span_init(&other_s, other_spki.data, other_spki.len);
        bool ok =
            c->version == 2 && c->sig_alg_id.id == sig_rows[k].want &&
            c->issuer.len == cac.subject.len &&
            memcmp(c->issuer.p, cac.subject.p, cac.subject.len) == 0 &&
            c->this_update == T_THIS && c->has_next_update &&
            c->next_update == T_NEXT && c->num_revoked == n &&
            c->has_crl_number && c->crl_number.len == sizeof num &&
            memcmp(c->crl_number.p, num, sizeof num) == 0 &&
            !c->has_delta_crl_indicator && !c->idp.present && c->aki.present &&
            c->aki.has_key_id && !c->aki.has_issuer &&
            c->aki.key_id.len == cac.info.ski.len &&
            memcmp(c->aki.key_id.p, cac.info.ski.p, cac.info.ski.len) == 0 &&
            c->exts.num == 2 && !c->exts.ext[0].critical &&
            !c->exts.ext[1].critical && c->num_unknown_critical_entry_exts == 0;
        wax_err verr = wax_x509_crl_verify_signature(c, cac.spki.der);
        wax_err wrong = wax_x509_crl_verify_signature(c, other_s);
        struct wax_x509_iter it;
        struct wax_x509_crl_entry e;
        bool present;
        wax_x509_crl_entries(c, &it);
        for (size_t i = 0; ok && i <= n; i++) {
            ok = wax_x509_crl_entry_next(&it, &e, &present) == WAX_OK;
            if (ok && i == n) {
                ok = !present;
                break;
            }
            bool want_reason = entries[i].has_reason &&
                               entries[i].reason != WAX_CRL_REASON_UNSPECIFIED;
            ok = ok && present && e.serial.len == entries[i].serial_len &&
                 memcmp(e.serial.p, entries[i].serial, e.serial.len) == 0 &&
                 e.revocation_date == entries[i].revocation_time &&
                 e.has_reason == want_reason &&
                 (!want_reason || e.reason == entries[i].reason) &&
                 e.exts.num == (want_reason ? 1u : 0u) &&
                 !e.has_invalidity_date && !e.has_certificate_issuer;
        }
        struct wax_span find;
        bool found = false;
        wax_span_init(&find, s2, sizeof s2);
        wax_err ferr = wax_x509_crl_find(c, find, &e, &found);
        free(c);
        wax_buf_cleanup(&ca);
        wax_buf_cleanup(&crl);
        wax_buf_cleanup(&other_spki);
        CHECK_MSG(ok, "row %zu: fields differ", k);
        CHECK_MSG(verr == WAX_OK, "row %zu: %s", k, wax_err_name(verr));
        CHECK_ERR(wrong, WAX_ERR_X509_SIGNATURE_INVALID);
        CHECK_OK(ferr);
        CHECK(found && e.revocation_date == 1690000001);
    }
}

/* No entries: revokedCertificates is left out; times from 2050 are
 * GeneralizedTime; CRL number 0 and 2^64-1. */
TEST(pki_crl_empty_and_far_times)
{
    struct wax_privkey *key = pt_key(WAX_KEYGEN_P256, 1);
    CHECK(key != NULL);
    struct wax_buf ca, crl;
    CHECK_OK(pt_cert(&ca, "CN=CRL Test CA", NULL, WAX_PKI_PROFILE_CA, key, NULL,
                     NULL));
    wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
    struct wax_x509_crl c;
    static const int64_t far = 2556144000;        /* 2051-01-01 */
    static const int64_t far_next = 253402300799; /* 9999-12-31T23:59:59 */
    CHECK_OK(wax_pki_crl_make(&crl, ca.data, ca.len, key, 0, far, far_next,
                              NULL, 0));
    CHECK_OK(wax_x509_crl_parse(&c, crl.data, crl.len));
    CHECK_EQ_U64(c.num_revoked, 0);
    CHECK_EQ_U64(c.revoked.len, 0);
    CHECK_EQ_I64(c.this_update, far);
    CHECK_EQ_I64(c.next_update, far_next);
    CHECK_MEM(c.crl_number.p, c.crl_number.len, "\x00", 1);

    wax_buf_reset(&crl);
    CHECK_OK(wax_pki_crl_make(&crl, ca.data, ca.len, key, UINT64_MAX, T_THIS,
                              T_THIS, NULL, 0));
    CHECK_OK(wax_x509_crl_parse(&c, crl.data, crl.len));
    CHECK_MEM(c.crl_number.p, c.crl_number.len,
              "\x00\xff\xff\xff\xff\xff\xff\xff\xff", 9);
    CHECK_EQ_I64(c.next_update, T_THIS);
    wax_buf_cleanup(&ca);
    wax_buf_cleanup(&crl);
}

/* Every refusal, OUT unchanged. */
TEST(pki_crl_errors)
{
    struct wax_privkey *key = pt_key(WAX_KEYGEN_P256, 1);
    struct wax_privkey *other = pt_key(WAX_KEYGEN_P256, 2);
    struct wax_privkey *x25519 = pt_key(WAX_KEYGEN_X25519, 0);
    CHECK(key && other && x25519);
    struct wax_buf ca, leaf, nocrl, out;
    CHECK_OK(pt_cert(&ca, "CN=CRL Test CA", NULL, WAX_PKI_PROFILE_CA, key, NULL,
                     NULL));
    CHECK_OK(pt_cert(&leaf, "CN=Leaf", "leaf@example.org", WAX_PKI_PROFILE_SIGN,
                     other, key, &ca));
    /* a CA whose keyUsage is keyCertSign alone */
    {
        struct wax_buf name;
        struct wax_pubkey *pub = pt_public(key);
        struct wax_pki_cert_template t;
        CHECK(pub != NULL);
        CHECK_OK(pt_dn(&name, "CN=No CRL Sign"));
        wax_pki_cert_template_init(&t);
        t.subject = name.data;
        t.subject_len = name.len;
        t.not_before = 1577836800;
        t.not_after = 2208988800;
        t.ca = true;
        t.key_usage = WAX_KU_KEY_CERT_SIGN;
        wax_buf_init(&nocrl, WAX_MAX_PKI_CERT_BYTES);
        wax_err err = wax_pki_cert_make(&nocrl, &t, key, NULL, 0, pub);
        wax_pubkey_free(pub);
        wax_buf_cleanup(&name);
        CHECK_OK(err);
    }
    wax_buf_init(&out, WAX_MAX_PKI_CRL_BYTES);

    static const uint8_t one[] = {0x01};
    static const uint8_t nonminimal[] = {0x00, 0x01};
    static const uint8_t ff_nonminimal[] = {0xff, 0x80};
    static const uint8_t too_long[22] = {0x01};
    static const uint8_t max_len[21] = {0x00, 0x80};
#define E(s, len, t, has, r)                                                   \
    {                                                                          \
        s, len, t, has, (enum wax_crl_reason)(r)                               \
    }
    static const struct wax_pki_crl_entry e_ok = E(one, 1, T_THIS, true, 1);
    static const struct wax_pki_crl_entry e_null = E(NULL, 1, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_empty = E(one, 0, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_nonmin =
        E(nonminimal, 2, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_ffnonmin =
        E(ff_nonminimal, 2, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_long =
        E(too_long, 22, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_maxlen =
        E(max_len, 21, T_THIS, 0, 0);
    static const struct wax_pki_crl_entry e_time =
        E(one, 1, 253402300800, 0, 0);
    static const struct wax_pki_crl_entry e_r7 = E(one, 1, T_THIS, true, 7);
    static const struct wax_pki_crl_entry e_r11 = E(one, 1, T_THIS, true, 11);
    static const struct wax_pki_crl_entry e_remove =
        E(one, 1, T_THIS, true, WAX_CRL_REASON_REMOVE_FROM_CRL);
    static const struct wax_pki_crl_entry e_r7_unused =
        E(one, 1, T_THIS, false, 7); /* no reason asked: ignored */
#undef E
    static const uint8_t garbage[] = {0x30, 0x03, 0x02, 0x01};

    struct {
        const char *what;
        const uint8_t *cert;
        size_t cert_len;
        const struct wax_privkey *key;
        int64_t this_update, next_update;
        const struct wax_pki_crl_entry *e;
        size_t n;
        wax_err want;
    } rows[] = {
        {"ok", ca.data, ca.len, key, T_THIS, T_NEXT, &e_ok, 1, WAX_OK},
        {"max serial", ca.data, ca.len, key, T_THIS, T_NEXT, &e_maxlen, 1,
         WAX_OK},
        {"reason unused", ca.data, ca.len, key, T_THIS, T_NEXT, &e_r7_unused, 1,
         WAX_OK},
        {"null cert", NULL, 0, key, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_INVALID_ARGUMENT},
        {"null key", ca.data, ca.len, NULL, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_INVALID_ARGUMENT},
        {"null entries", ca.data, ca.len, key, T_THIS, T_NEXT, NULL, 1,
         WAX_ERR_INVALID_ARGUMENT},
        {"null serial", ca.data, ca.len, key, T_THIS, T_NEXT, &e_null, 1,
         WAX_ERR_INVALID_ARGUMENT},
        {"next before this", ca.data, ca.len, key, T_NEXT, T_THIS, &e_ok, 1,
         WAX_ERR_PKI_CRL_BAD_TIME},
        {"this before year 0", ca.data, ca.len, key, -62167219201, T_NEXT,
         &e_ok, 1, WAX_ERR_PKI_CRL_BAD_TIME},
        {"next after 9999", ca.data, ca.len, key, T_THIS, 253402300800, &e_ok,
         1, WAX_ERR_PKI_CRL_BAD_TIME},
        {"revocation after 9999", ca.data, ca.len, key, T_THIS, T_NEXT, &e_time,
         1, WAX_ERR_PKI_CRL_BAD_TIME},
        {"empty serial", ca.data, ca.len, key, T_THIS, T_NEXT, &e_empty, 1,
         WAX_ERR_PKI_CRL_BAD_SERIAL},
        {"non-minimal serial", ca.data, ca.len, key, T_THIS, T_NEXT, &e_nonmin,
         1, WAX_ERR_PKI_CRL_BAD_SERIAL},
        {"non-minimal negative", ca.data, ca.len, key, T_THIS, T_NEXT,
         &e_ffnonmin, 1, WAX_ERR_PKI_CRL_BAD_SERIAL},
        {"22-octet serial", ca.data, ca.len, key, T_THIS, T_NEXT, &e_long, 1,
         WAX_ERR_PKI_CRL_BAD_SERIAL},
        {"reason 7", ca.data, ca.len, key, T_THIS, T_NEXT, &e_r7, 1,
         WAX_ERR_PKI_CRL_BAD_REASON},
        {"reason 11", ca.data, ca.len, key, T_THIS, T_NEXT, &e_r11, 1,
         WAX_ERR_PKI_CRL_BAD_REASON},
        {"removeFromCRL", ca.data, ca.len, key, T_THIS, T_NEXT, &e_remove, 1,
         WAX_ERR_PKI_CRL_BAD_REASON},
        {"too many entries", ca.data, ca.len, key, T_THIS, T_NEXT, &e_ok,
         WAX_MAX_CRL_ENTRIES + 1, WAX_ERR_LIMIT_EXCEEDED},
        {"x25519 key", ca.data, ca.len, x25519, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_PKI_UNSUPPORTED_ISSUER_KEY},
        {"leaf issuer", leaf.data, leaf.len, other, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_PKI_ISSUER_NOT_CA},
        {"no cRLSign", nocrl.data, nocrl.len, key, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_PKI_ISSUER_NO_CRL_SIGN},
        {"wrong key", ca.data, ca.len, other, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_PKI_ISSUER_KEY_MISMATCH},
        {"garbage cert", garbage, sizeof garbage, key, T_THIS, T_NEXT, &e_ok, 1,
         WAX_ERR_DER_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        wax_buf_reset(&out);
        wax_err got = wax_pki_crl_make(
            &out, rows[i].cert, rows[i].cert_len, rows[i].key, 1,
            rows[i].this_update, rows[i].next_update, rows[i].e, rows[i].n);
        CHECK_MSG(got == rows[i].want, "%s: got %s, want %s", rows[i].what,
                  wax_err_name(got), wax_err_name(rows[i].want));
        CHECK_MSG((out.len == 0) == (got != WAX_OK), "%s: output",
                  rows[i].what);
    }
    CHECK_ERR(wax_pki_crl_make(NULL, ca.data, ca.len, key, 1, T_THIS, T_NEXT,
                               NULL, 0),
              WAX_ERR_INVALID_ARGUMENT);
    wax_buf_cleanup(&ca);
    wax_buf_cleanup(&leaf);
    wax_buf_cleanup(&nocrl);
    wax_buf_cleanup(&out);
}

/* ------------------------------------------------------------------ */
/* The path layer reads wax's CRLs.                                    */

TEST(pki_crl_path_revoked)
{
    struct wax_privkey *ca_key = pt_key(WAX_KEYGEN_RSA2048, 1);
    struct wax_privkey *k1 = pt_key(WAX_KEYGEN_P256, 0);
    struct wax_privkey *k2 = pt_key(WAX_KEYGEN_P256, 2);
    CHECK(ca_key && k1 && k2);
    struct wax_buf ca, revoked, good, crl;
    CHECK_OK(pt_cert(&ca, "CN=Path CA,O=Wax", NULL, WAX_PKI_PROFILE_CA, ca_key,
                     NULL, NULL));
    CHECK_OK(pt_cert(&revoked, "CN=Revoked", "r@example.org",
                     WAX_PKI_PROFILE_SIGN, k1, ca_key, &ca));
    CHECK_OK(pt_cert(&good, "CN=Good", "g@example.org", WAX_PKI_PROFILE_SIGN,
                     k2, ca_key, &ca));
    struct wax_x509_cert rc;
    CHECK_OK(wax_x509_cert_parse(&rc, revoked.data, revoked.len));
    struct wax_pki_crl_entry e = {rc.serial.p, rc.serial.len, T_THIS - 60, true,
                                  WAX_CRL_REASON_KEY_COMPROMISE};
    wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
    CHECK_OK(wax_pki_crl_make(&crl, ca.data, ca.len, ca_key, 7, T_THIS, T_NEXT,
                              &e, 1));

    const uint8_t *anchors[] = {ca.data};
    size_t anchor_lens[] = {ca.len};
    const uint8_t *crls[] = {crl.data};
    size_t crl_lens[] = {crl.len};
    struct wax_path_input in = {0};
    struct wax_path_result *res = malloc(sizeof *res);
    CHECK(res != NULL);
    in.anchors.der = anchors;
    in.anchors.lens = anchor_lens;
    in.anchors.num = 1;
    in.crls.der = crls;
    in.crls.lens = crl_lens;
    in.crls.num = 1;
    in.time = T_THIS + 3600;
    in.purpose = WAX_PATH_PURPOSE_SMIME_SIGN;
    in.revocation = WAX_PATH_REVOCATION_REQUIRE;

    in.leaf = revoked.data;
    in.leaf_len = revoked.len;
    wax_err r1 = wax_path_validate(&in, res);
    enum wax_path_rev_status st1 = res->revocation[0];
    in.leaf = good.data;
    in.leaf_len = good.len;
    wax_err r2 = wax_path_validate(&in, res);
    bool complete = res->revocation_complete;
    size_t used = res->num_crls_used;
    /* after nextUpdate the CRL is stale: revocation unknown */
    in.time = T_NEXT + 1;
    wax_err r3 = wax_path_validate(&in, res);
    free(res);
    CHECK_ERR(r1, WAX_ERR_PATH_REVOKED);
    CHECK_EQ_U64(st1, WAX_PATH_REV_REVOKED);
    CHECK_OK(r2);
    CHECK(complete);
    CHECK_EQ_U64(used, 1);
    CHECK_ERR(r3, WAX_ERR_PATH_CRL_EXPIRED);
    wax_buf_cleanup(&ca);
    wax_buf_cleanup(&revoked);
    wax_buf_cleanup(&good);
    wax_buf_cleanup(&crl);
}
