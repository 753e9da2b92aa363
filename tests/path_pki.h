/*
 * tests/path_pki.h - certificates and CRLs for the path tests, made with
 * wax's DER builder and the keys of tests/smime_pki.h. Every extension is
 * given explicitly (with its criticality), so each negative test changes
 * one thing: a certificate is a subject, a validity, a serial and a list
 * of extensions; subjectKeyIdentifier and authorityKeyIdentifier are
 * added unless NO_IDS.
 */
#ifndef WAX_TESTS_PATH_PKI_H
#define WAX_TESTS_PATH_PKI_H

#include <wax/path.h>

#include "smime_pki.h"

#define PP_MAX_EXTS 16
#define PP_MAX_VAL 4096
#define PP_MAX_NAMES 16

/* A raw OID (contents octets). */
struct pp_oid {
    uint8_t b[16];
    size_t len;
};

/* 1.3.6.1.4.1.99999.2.N: test certificate policies. */
static TP_UNUSED struct pp_oid
pp_policy(uint8_t n)
{
    struct pp_oid o = {{0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x02,
                        n},
                       10};
    return o;
}

static TP_UNUSED struct pp_oid
pp_oid_of(enum wax_oid_id id)
{
    struct pp_oid o;
    struct wax_span s = wax_oid_span(id);
    memcpy(o.b, s.p, s.len);
    o.len = s.len;
    return o;
}

/* A list of GeneralName TLVs (for SANs and name constraints). */
struct pp_names {
    uint8_t der[PP_MAX_NAMES][512];
    size_t len[PP_MAX_NAMES];
    size_t num;
};

static TP_UNUSED void
pp_names_prim(struct pp_names *n, unsigned tag, const void *v, size_t len)
{
    struct wax_der_builder b;
    uint8_t *out;
    size_t out_len;
    wax_der_builder_init_fixed(&b, n->der[n->num], sizeof n->der[0]);
    TP_CK(wax_der_builder_add_primitive(&b, WAX_DER_CONTEXT_TAG(tag), v, len));
    TP_CK(wax_der_builder_finish(&b, &out, &out_len));
    n->len[n->num++] = out_len;
}

static TP_UNUSED void
pp_names_dns(struct pp_names *n, const char *s)
{
    pp_names_prim(n, 2, s, strlen(s));
}

static TP_UNUSED void
pp_names_email(struct pp_names *n, const char *s)
{
    pp_names_prim(n, 1, s, strlen(s));
}

static TP_UNUSED void
pp_names_uri(struct pp_names *n, const char *s)
{
    pp_names_prim(n, 6, s, strlen(s));
}

static TP_UNUSED void
pp_names_ip(struct pp_names *n, const uint8_t *ip, size_t len)
{
    pp_names_prim(n, 7, ip, len);
}

/* A Name with one CN (NULL: the empty Name) and an optional
 * emailAddress. */
static TP_UNUSED size_t
pp_name(uint8_t *out, size_t cap, const char *cn, const char *email)
{
    struct wax_der_builder b, seq, set, atv;
    uint8_t *p;
    size_t len;
    wax_der_builder_init_fixed(&b, out, cap);
    TP_CK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    if (email != NULL) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
        TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
        tp_add_oid(&atv, WAX_OID_PKCS9_EMAIL_ADDRESS);
        TP_CK(wax_der_builder_add_string(&atv, WAX_DER_IA5_STRING,
                                         (const uint8_t *)email, strlen(email)));
        TP_CK(wax_der_builder_close(&atv));
        TP_CK(wax_der_builder_close(&set));
    }
    if (cn != NULL) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
        TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
        tp_add_oid(&atv, WAX_OID_AT_COMMON_NAME);
        TP_CK(wax_der_builder_add_string(&atv, WAX_DER_UTF8_STRING,
                                         (const uint8_t *)cn, strlen(cn)));
        TP_CK(wax_der_builder_close(&atv));
        TP_CK(wax_der_builder_close(&set));
    }
    TP_CK(wax_der_builder_close(&seq));
    TP_CK(wax_der_builder_finish(&b, &p, &len));
    return len;
}

/* A Name "O=ORG[,CN=CN]" (the organization first in DER order). */
static TP_UNUSED size_t
pp_name_o(uint8_t *out, size_t cap, const char *org, const char *cn)
{
    struct wax_der_builder b, seq, set, atv;
    uint8_t *p;
    size_t len;
    wax_der_builder_init_fixed(&b, out, cap);
    TP_CK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
    TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
    tp_add_oid(&atv, WAX_OID_AT_ORGANIZATION);
    TP_CK(wax_der_builder_add_string(&atv, WAX_DER_UTF8_STRING,
                                     (const uint8_t *)org, strlen(org)));
    TP_CK(wax_der_builder_close(&atv));
    TP_CK(wax_der_builder_close(&set));
    if (cn != NULL) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
        TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
        tp_add_oid(&atv, WAX_OID_AT_COMMON_NAME);
        TP_CK(wax_der_builder_add_string(&atv, WAX_DER_UTF8_STRING,
                                         (const uint8_t *)cn, strlen(cn)));
        TP_CK(wax_der_builder_close(&atv));
        TP_CK(wax_der_builder_close(&set));
    }
    TP_CK(wax_der_builder_close(&seq));
    TP_CK(wax_der_builder_finish(&b, &p, &len));
    return len;
}

/* directoryName [4] EXPLICIT Name, from a Name TLV */
static TP_UNUSED void
pp_names_dn_der(struct pp_names *n, const uint8_t *name, size_t len)
{
    struct wax_der_builder b, d;
    uint8_t *out;
    size_t out_len;
    wax_der_builder_init_fixed(&b, n->der[n->num], sizeof n->der[0]);
    TP_CK(wax_der_builder_open(&b, WAX_DER_CONTEXT_CONS(4), &d));
    TP_CK(wax_der_builder_add_element(&d, name, len));
    TP_CK(wax_der_builder_close(&d));
    TP_CK(wax_der_builder_finish(&b, &out, &out_len));
    n->len[n->num++] = out_len;
}

/* directoryName [4] EXPLICIT Name */
static TP_UNUSED void
pp_names_dn(struct pp_names *n, const char *cn)
{
    uint8_t name[256];
    size_t len = pp_name(name, sizeof name, cn, NULL);
    struct wax_der_builder b, d;
    uint8_t *out;
    size_t out_len;
    wax_der_builder_init_fixed(&b, n->der[n->num], sizeof n->der[0]);
    TP_CK(wax_der_builder_open(&b, WAX_DER_CONTEXT_CONS(4), &d));
    TP_CK(wax_der_builder_add_element(&d, name, len));
    TP_CK(wax_der_builder_close(&d));
    TP_CK(wax_der_builder_finish(&b, &out, &out_len));
    n->len[n->num++] = out_len;
}

/* otherName: type-id OID, value [0] EXPLICIT UTF8String */
static TP_UNUSED void
pp_names_other(struct pp_names *n, struct pp_oid type, const char *utf8)
{
    struct wax_der_builder b, on, ex;
    uint8_t *out;
    size_t out_len;
    wax_der_builder_init_fixed(&b, n->der[n->num], sizeof n->der[0]);
    TP_CK(wax_der_builder_open(&b, WAX_DER_CONTEXT_CONS(0), &on));
    TP_CK(wax_der_builder_add_oid(&on, type.b, type.len));
    TP_CK(wax_der_builder_open(&on, WAX_DER_CONTEXT_CONS(0), &ex));
    TP_CK(wax_der_builder_add_string(&ex, WAX_DER_UTF8_STRING,
                                     (const uint8_t *)utf8, strlen(utf8)));
    TP_CK(wax_der_builder_close(&ex));
    TP_CK(wax_der_builder_close(&on));
    TP_CK(wax_der_builder_finish(&b, &out, &out_len));
    n->len[n->num++] = out_len;
}

struct pp_ext {
    struct pp_oid oid;
    bool critical;
    uint8_t val[PP_MAX_VAL];
    size_t val_len;
};

/* What a certificate holds. */
struct pp_cert {
    uint8_t subject[512];
    size_t subject_len;
    uint8_t serial[24];
    size_t serial_len;
    bool serial_raw; /* SERIAL is INTEGER contents as is (negative...) */
    int64_t not_before, not_after;
    enum wax_digest_alg digest;
    bool v1;
    bool no_ids;
    struct pp_ext ext[PP_MAX_EXTS];
    size_t num_ext;
};

/* A v3 certificate for CN, valid TP_T0 - 1 year .. TP_T0 + 10 years,
 * serial 1, no extensions yet. */
static TP_UNUSED void
pp_init(struct pp_cert *c, const char *cn)
{
    memset(c, 0, sizeof *c);
    c->subject_len = pp_name(c->subject, sizeof c->subject, cn, NULL);
    c->serial[0] = 1;
    c->serial_len = 1;
    c->not_before = TP_T0 - TP_YEAR;
    c->not_after = TP_T0 + 10 * TP_YEAR;
}

/* Opens an extension whose value the caller builds into *VAL; close with
 * pp_ext_close. */
struct pp_ext_build {
    struct pp_ext *e;
    struct wax_der_builder b;
};

static TP_UNUSED struct wax_der_builder *
pp_ext_open(struct pp_cert *c, struct pp_ext_build *eb, struct pp_oid oid,
            bool critical)
{
    if (c->num_ext == PP_MAX_EXTS) {
        abort();
    }
    eb->e = &c->ext[c->num_ext++];
    eb->e->oid = oid;
    eb->e->critical = critical;
    wax_der_builder_init_fixed(&eb->b, eb->e->val, sizeof eb->e->val);
    return &eb->b;
}

static TP_UNUSED void
pp_ext_close(struct pp_ext_build *eb)
{
    uint8_t *p;
    TP_CK(wax_der_builder_finish(&eb->b, &p, &eb->e->val_len));
}

static TP_UNUSED void
pp_ext_raw(struct pp_cert *c, struct pp_oid oid, bool critical,
           const uint8_t *val, size_t len)
{
    struct pp_ext_build eb;
    struct wax_der_builder *b = pp_ext_open(c, &eb, oid, critical);
    TP_CK(wax_der_builder_add_bytes(b, val, len));
    pp_ext_close(&eb);
}

/* BasicConstraints { cA, pathLen (-1: none) } */
static TP_UNUSED void
pp_bc(struct pp_cert *c, bool critical, bool ca, int path_len)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_BASIC_CONSTRAINTS),
                         critical);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    if (ca) {
        TP_CK(wax_der_builder_add_bool(&seq, true));
    }
    if (path_len >= 0) {
        TP_CK(wax_der_builder_add_u64(&seq, (uint64_t)path_len));
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

static TP_UNUSED void
pp_ku(struct pp_cert *c, bool critical, uint32_t bits)
{
    struct pp_ext_build eb;
    struct wax_der_builder *b =
        pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_KEY_USAGE), critical);
    TP_CK(wax_der_builder_add_named_bits(b, bits));
    pp_ext_close(&eb);
}

/* A CA: basicConstraints cA TRUE (critical), keyUsage keyCertSign and
 * cRLSign (critical). */
static TP_UNUSED void
pp_ca(struct pp_cert *c, int path_len)
{
    pp_bc(c, true, true, path_len);
    pp_ku(c, true, WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN);
}

static TP_UNUSED void
pp_eku(struct pp_cert *c, bool critical, enum wax_oid_id a, enum wax_oid_id b2)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_EXT_KEY_USAGE), critical);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    tp_add_oid(&seq, a);
    if (b2 != WAX_OID_UNKNOWN) {
        tp_add_oid(&seq, b2);
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

static TP_UNUSED void
pp_add_names(struct wax_der_builder *seq, const struct pp_names *n,
             bool subtrees)
{
    for (size_t i = 0; i < n->num; i++) {
        if (subtrees) {
            struct wax_der_builder st;
            TP_CK(wax_der_builder_open(seq, WAX_DER_SEQUENCE, &st));
            TP_CK(wax_der_builder_add_element(&st, n->der[i], n->len[i]));
            TP_CK(wax_der_builder_close(&st));
        } else {
            TP_CK(wax_der_builder_add_element(seq, n->der[i], n->len[i]));
        }
    }
}

static TP_UNUSED void
pp_san(struct pp_cert *c, bool critical, const struct pp_names *n)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_SUBJECT_ALT_NAME),
                         critical);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    pp_add_names(&seq, n, false);
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

/* NameConstraints { [0] permitted, [1] excluded } (NULL or empty: absent) */
static TP_UNUSED void
pp_nc(struct pp_cert *c, bool critical, const struct pp_names *permitted,
      const struct pp_names *excluded)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq, t,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_NAME_CONSTRAINTS),
                         critical);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    if (permitted != NULL && permitted->num > 0) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &t));
        pp_add_names(&t, permitted, true);
        TP_CK(wax_der_builder_close(&t));
    }
    if (excluded != NULL && excluded->num > 0) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(1), &t));
        pp_add_names(&t, excluded, true);
        TP_CK(wax_der_builder_close(&t));
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

/* certificatePolicies with N policy OIDs */
static TP_UNUSED void
pp_policies(struct pp_cert *c, const struct pp_oid *oids, size_t n)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq, pi,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_CERTIFICATE_POLICIES),
                         false);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    for (size_t i = 0; i < n; i++) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &pi));
        TP_CK(wax_der_builder_add_oid(&pi, oids[i].b, oids[i].len));
        TP_CK(wax_der_builder_close(&pi));
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

/* policyMappings: N pairs (issuer, subject) */
static TP_UNUSED void
pp_mappings(struct pp_cert *c, const struct pp_oid *pairs, size_t n)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq, m,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_POLICY_MAPPINGS), true);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    for (size_t i = 0; i < n; i++) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &m));
        TP_CK(wax_der_builder_add_oid(&m, pairs[2 * i].b, pairs[2 * i].len));
        TP_CK(wax_der_builder_add_oid(&m, pairs[2 * i + 1].b,
                                      pairs[2 * i + 1].len));
        TP_CK(wax_der_builder_close(&m));
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

/* policyConstraints { [0] require (-1: none), [1] inhibit (-1: none) } */
static TP_UNUSED void
pp_policy_constraints(struct pp_cert *c, bool critical, int require,
                      int inhibit)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_POLICY_CONSTRAINTS),
                         critical);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    if (require >= 0) {
        TP_CK(wax_der_builder_add_u64_tagged(&seq, WAX_DER_CONTEXT_TAG(0),
                                             (uint64_t)require));
    }
    if (inhibit >= 0) {
        TP_CK(wax_der_builder_add_u64_tagged(&seq, WAX_DER_CONTEXT_TAG(1),
                                             (uint64_t)inhibit));
    }
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

static TP_UNUSED void
pp_inhibit_any(struct pp_cert *c, unsigned skip)
{
    struct pp_ext_build eb;
    struct wax_der_builder *b = pp_ext_open(
        c, &eb, pp_oid_of(WAX_OID_CE_INHIBIT_ANY_POLICY), true);
    TP_CK(wax_der_builder_add_u64(b, skip));
    pp_ext_close(&eb);
}

/* cRLDistributionPoints: one point with a fullName URI, and optionally a
 * cRLIssuer directoryName (CRL_ISSUER_CN). */
static TP_UNUSED void
pp_crldp(struct pp_cert *c, const char *uri, const char *crl_issuer_cn)
{
    struct pp_ext_build eb;
    struct wax_der_builder seq, dp, dpn, full, ci,
        *b = pp_ext_open(c, &eb, pp_oid_of(WAX_OID_CE_CRL_DISTRIBUTION_POINTS),
                         false);
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    TP_CK(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &dp));
    if (uri != NULL) {
        TP_CK(wax_der_builder_open(&dp, WAX_DER_CONTEXT_CONS(0), &dpn));
        TP_CK(wax_der_builder_open(&dpn, WAX_DER_CONTEXT_CONS(0), &full));
        TP_CK(wax_der_builder_add_primitive(&full, WAX_DER_CONTEXT_TAG(6),
                                            (const uint8_t *)uri,
                                            strlen(uri)));
        TP_CK(wax_der_builder_close(&full));
        TP_CK(wax_der_builder_close(&dpn));
    }
    if (crl_issuer_cn != NULL) {
        struct pp_names n = {0};
        pp_names_dn(&n, crl_issuer_cn);
        TP_CK(wax_der_builder_open(&dp, WAX_DER_CONTEXT_CONS(2), &ci));
        pp_add_names(&ci, &n, false);
        TP_CK(wax_der_builder_close(&ci));
    }
    TP_CK(wax_der_builder_close(&dp));
    TP_CK(wax_der_builder_close(&seq));
    pp_ext_close(&eb);
}

static TP_UNUSED void
pp_add_ext(struct wax_der_builder *exts, const struct pp_ext *e)
{
    struct wax_der_builder ext, oct;
    TP_CK(wax_der_builder_open(exts, WAX_DER_SEQUENCE, &ext));
    TP_CK(wax_der_builder_add_oid(&ext, e->oid.b, e->oid.len));
    if (e->critical) {
        TP_CK(wax_der_builder_add_bool(&ext, true));
    }
    TP_CK(wax_der_builder_open(&ext, WAX_DER_OCTET_STRING, &oct));
    TP_CK(wax_der_builder_add_bytes(&oct, e->val, e->val_len));
    TP_CK(wax_der_builder_close(&oct));
    TP_CK(wax_der_builder_close(&ext));
}

/* Signs TBS with SIGNER's key into a Certificate / CertificateList. */
static TP_UNUSED void
pp_sign(const struct tp_ident *signer, enum wax_digest_alg digest,
        const uint8_t *tbs, size_t tbs_len, uint8_t **out, size_t *out_len)
{
    struct wax_sig_alg alg;
    enum wax_oid_id alg_oid;
    bool null_params;
    tp_sig_alg(signer->key, digest, &alg, &alg_oid, &null_params);
    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t sig_len = 0;
    TP_CK(wax_privkey_sign(signer->key, &alg, sig, sizeof sig, &sig_len, tbs,
                           tbs_len));
    struct wax_der_builder cb, c;
    wax_der_builder_init(&cb, 1 << 20);
    TP_CK(wax_der_builder_open(&cb, WAX_DER_SEQUENCE, &c));
    TP_CK(wax_der_builder_add_element(&c, tbs, tbs_len));
    tp_add_algid(&c, alg_oid, null_params);
    TP_CK(wax_der_builder_add_bit_string(&c, sig, sig_len, 0));
    TP_CK(wax_der_builder_close(&c));
    TP_CK(wax_der_builder_finish(&cb, out, out_len));
    wax_der_builder_cleanup(&cb);
}

/* The subject Name of a certificate. */
static TP_UNUSED struct wax_span
pp_subject_of(const uint8_t *cert, size_t len, struct wax_x509_cert *tmp)
{
    TP_CK(wax_x509_cert_parse(tmp, cert, len));
    return tmp->subject;
}

/*
 * pp_make makes SUBJECT's certificate as SPEC says, signed by ISSUER (NULL:
 * self-signed with SUBJECT's key; ISSUER may be SUBJECT's own identity
 * with another certificate for a self-issued one).
 */
static TP_UNUSED void
pp_make(struct tp_ident *subject, const struct pp_cert *spec,
        const struct tp_ident *issuer)
{
    const struct tp_ident *signer = issuer != NULL ? issuer : subject;
    struct wax_x509_cert icert;
    struct wax_span issuer_name = {spec->subject, spec->subject_len};
    if (issuer != NULL) {
        issuer_name = pp_subject_of(issuer->cert, issuer->cert_len, &icert);
    }
    struct wax_sig_alg alg;
    enum wax_oid_id alg_oid;
    bool null_params;
    tp_sig_alg(signer->key, spec->digest, &alg, &alg_oid, &null_params);
    struct wax_der_builder tbs, t, v, val, exts_outer, exts;
    wax_der_builder_init(&tbs, 1 << 20);
    TP_CK(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &t));
    if (!spec->v1) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_CONTEXT_CONS(0), &v));
        TP_CK(wax_der_builder_add_u64(&v, 2));
        TP_CK(wax_der_builder_close(&v));
    }
    if (spec->serial_raw) {
        TP_CK(wax_der_builder_add_primitive(&t, WAX_DER_INTEGER, spec->serial,
                                            spec->serial_len));
    } else {
        TP_CK(wax_der_builder_add_integer(&t, spec->serial, spec->serial_len));
    }
    tp_add_algid(&t, alg_oid, null_params);
    TP_CK(wax_der_builder_add_element(&t, issuer_name.p, issuer_name.len));
    TP_CK(wax_der_builder_open(&t, WAX_DER_SEQUENCE, &val));
    TP_CK(wax_der_builder_add_time(&val, spec->not_before));
    TP_CK(wax_der_builder_add_time(&val, spec->not_after));
    TP_CK(wax_der_builder_close(&val));
    TP_CK(wax_der_builder_add_element(&t, spec->subject, spec->subject_len));
    TP_CK(wax_der_builder_add_element(&t, subject->spki, subject->spki_len));
    if (!spec->v1 && (spec->num_ext > 0 || !spec->no_ids)) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_CONTEXT_CONS(3), &exts_outer));
        TP_CK(wax_der_builder_open(&exts_outer, WAX_DER_SEQUENCE, &exts));
        for (size_t i = 0; i < spec->num_ext; i++) {
            pp_add_ext(&exts, &spec->ext[i]);
        }
        if (!spec->no_ids) {
            struct pp_ext e;
            uint8_t kid[20];
            struct wax_der_builder b, seq;
            uint8_t *p;
            memset(&e, 0, sizeof e);
            tp_key_id(subject->spki, subject->spki_len, kid);
            e.oid = pp_oid_of(WAX_OID_CE_SUBJECT_KEY_IDENTIFIER);
            wax_der_builder_init_fixed(&b, e.val, sizeof e.val);
            TP_CK(wax_der_builder_add_octet_string(&b, kid, sizeof kid));
            TP_CK(wax_der_builder_finish(&b, &p, &e.val_len));
            pp_add_ext(&exts, &e);
            tp_key_id(signer->spki, signer->spki_len, kid);
            e.oid = pp_oid_of(WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER);
            wax_der_builder_init_fixed(&b, e.val, sizeof e.val);
            TP_CK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
            TP_CK(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(0),
                                                kid, sizeof kid));
            TP_CK(wax_der_builder_close(&seq));
            TP_CK(wax_der_builder_finish(&b, &p, &e.val_len));
            pp_add_ext(&exts, &e);
        }
        TP_CK(wax_der_builder_close(&exts));
        TP_CK(wax_der_builder_close(&exts_outer));
    }
    TP_CK(wax_der_builder_close(&t));
    uint8_t *tbs_der = NULL;
    size_t tbs_len = 0;
    TP_CK(wax_der_builder_finish(&tbs, &tbs_der, &tbs_len));
    wax_der_builder_cleanup(&tbs);
    free(subject->cert);
    subject->cert = NULL;
    pp_sign(signer, spec->digest, tbs_der, tbs_len, &subject->cert,
            &subject->cert_len);
    free(tbs_der);
    struct wax_x509_cert check;
    TP_CK(wax_x509_cert_parse(&check, subject->cert, subject->cert_len));
}

/* ---- CRLs -------------------------------------------------------- */

struct pp_crl_entry {
    uint8_t serial[24];
    size_t serial_len;
    int reason; /* -1: none */
    const char *cert_issuer_cn; /* certificateIssuer (indirect CRLs) */
};

struct pp_crl {
    int64_t this_update, next_update; /* next 0: absent */
    struct pp_crl_entry entries[8];
    size_t num_entries;
    int crl_number;             /* -1: absent */
    bool crl_number_critical;
    int delta_base;             /* -1: not a delta CRL */
    uint8_t idp[512];           /* IssuingDistributionPoint value */
    size_t idp_len;             /* 0: absent */
    bool v1;
    enum wax_digest_alg digest;
    bool unknown_critical;
};

static TP_UNUSED void
pp_crl_init(struct pp_crl *c)
{
    memset(c, 0, sizeof *c);
    c->this_update = TP_T0 - 86400;
    c->next_update = TP_T0 + 30 * 86400;
    c->crl_number = 1;
    c->delta_base = -1;
}

static TP_UNUSED void
pp_crl_revoke(struct pp_crl *c, const uint8_t *cert, size_t cert_len,
              int reason)
{
    struct wax_x509_cert x;
    TP_CK(wax_x509_cert_parse(&x, cert, cert_len));
    struct pp_crl_entry *e = &c->entries[c->num_entries++];
    memcpy(e->serial, x.serial.p, x.serial.len);
    e->serial_len = x.serial.len;
    e->reason = reason;
}

/* IDP { [0] fullName URI?, [1] onlyUser?, [2] onlyCA?, [4] indirect? } */
static TP_UNUSED void
pp_crl_idp(struct pp_crl *c, const char *uri, bool only_user, bool only_ca,
           bool indirect)
{
    struct wax_der_builder b, seq, dpn, full;
    uint8_t *p;
    static const uint8_t t = 0xff;
    wax_der_builder_init_fixed(&b, c->idp, sizeof c->idp);
    TP_CK(wax_der_builder_open(&b, WAX_DER_SEQUENCE, &seq));
    if (uri != NULL) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &dpn));
        TP_CK(wax_der_builder_open(&dpn, WAX_DER_CONTEXT_CONS(0), &full));
        TP_CK(wax_der_builder_add_primitive(&full, WAX_DER_CONTEXT_TAG(6),
                                            (const uint8_t *)uri,
                                            strlen(uri)));
        TP_CK(wax_der_builder_close(&full));
        TP_CK(wax_der_builder_close(&dpn));
    }
    if (only_user) {
        TP_CK(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(1), &t, 1));
    }
    if (only_ca) {
        TP_CK(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(2), &t, 1));
    }
    if (indirect) {
        TP_CK(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(4), &t, 1));
    }
    TP_CK(wax_der_builder_close(&seq));
    TP_CK(wax_der_builder_finish(&b, &p, &c->idp_len));
}

static TP_UNUSED void
pp_crl_ext(struct wax_der_builder *exts, enum wax_oid_id id, bool critical,
           const uint8_t *val, size_t len)
{
    struct pp_ext e;
    memset(&e, 0, sizeof e);
    e.oid = pp_oid_of(id);
    e.critical = critical;
    memcpy(e.val, val, len);
    e.val_len = len;
    pp_add_ext(exts, &e);
}

/* pp_make_crl makes a CRL as SPEC says, issued and signed by ISSUER. */
static TP_UNUSED void
pp_make_crl(uint8_t **out, size_t *out_len, const struct pp_crl *spec,
            const struct tp_ident *issuer)
{
    struct wax_x509_cert icert;
    struct wax_span name = pp_subject_of(issuer->cert, issuer->cert_len, &icert);
    struct wax_sig_alg alg;
    enum wax_oid_id alg_oid;
    bool null_params;
    tp_sig_alg(issuer->key, spec->digest, &alg, &alg_oid, &null_params);
    struct wax_der_builder tbs, t, list, ent, eexts, outer, exts;
    wax_der_builder_init(&tbs, 1 << 20);
    TP_CK(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &t));
    if (!spec->v1) {
        TP_CK(wax_der_builder_add_u64(&t, 1));
    }
    tp_add_algid(&t, alg_oid, null_params);
    TP_CK(wax_der_builder_add_element(&t, name.p, name.len));
    TP_CK(wax_der_builder_add_time(&t, spec->this_update));
    if (spec->next_update != 0) {
        TP_CK(wax_der_builder_add_time(&t, spec->next_update));
    }
    if (spec->num_entries > 0) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_SEQUENCE, &list));
        for (size_t i = 0; i < spec->num_entries; i++) {
            const struct pp_crl_entry *e = &spec->entries[i];
            TP_CK(wax_der_builder_open(&list, WAX_DER_SEQUENCE, &ent));
            TP_CK(wax_der_builder_add_primitive(&ent, WAX_DER_INTEGER, e->serial,
                                                e->serial_len));
            TP_CK(wax_der_builder_add_time(&ent, spec->this_update - 60));
            if (e->reason >= 0 || e->cert_issuer_cn != NULL) {
                TP_CK(wax_der_builder_open(&ent, WAX_DER_SEQUENCE, &eexts));
                if (e->reason >= 0) {
                    uint8_t v[8];
                    struct wax_der_builder vb;
                    uint8_t *p;
                    size_t n;
                    wax_der_builder_init_fixed(&vb, v, sizeof v);
                    TP_CK(wax_der_builder_add_enumerated(&vb,
                                                         (uint64_t)e->reason));
                    TP_CK(wax_der_builder_finish(&vb, &p, &n));
                    pp_crl_ext(&eexts, WAX_OID_CE_CRL_REASON, false, v, n);
                }
                if (e->cert_issuer_cn != NULL) {
                    struct pp_names gn = {0};
                    uint8_t v[600];
                    struct wax_der_builder vb, seq;
                    uint8_t *p;
                    size_t n;
                    pp_names_dn(&gn, e->cert_issuer_cn);
                    wax_der_builder_init_fixed(&vb, v, sizeof v);
                    TP_CK(wax_der_builder_open(&vb, WAX_DER_SEQUENCE, &seq));
                    pp_add_names(&seq, &gn, false);
                    TP_CK(wax_der_builder_close(&seq));
                    TP_CK(wax_der_builder_finish(&vb, &p, &n));
                    pp_crl_ext(&eexts, WAX_OID_CE_CERTIFICATE_ISSUER, true, v, n);
                }
                TP_CK(wax_der_builder_close(&eexts));
            }
            TP_CK(wax_der_builder_close(&ent));
        }
        TP_CK(wax_der_builder_close(&list));
    }
    if (!spec->v1 && (spec->crl_number >= 0 || spec->delta_base >= 0 ||
                      spec->idp_len > 0 || spec->unknown_critical)) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_CONTEXT_CONS(0), &outer));
        TP_CK(wax_der_builder_open(&outer, WAX_DER_SEQUENCE, &exts));
        uint8_t v[16];
        struct wax_der_builder vb;
        uint8_t *p;
        size_t n;
        if (spec->crl_number >= 0) {
            wax_der_builder_init_fixed(&vb, v, sizeof v);
            TP_CK(wax_der_builder_add_u64(&vb, (uint64_t)spec->crl_number));
            TP_CK(wax_der_builder_finish(&vb, &p, &n));
            pp_crl_ext(&exts, WAX_OID_CE_CRL_NUMBER, spec->crl_number_critical,
                       v, n);
        }
        if (spec->delta_base >= 0) {
            wax_der_builder_init_fixed(&vb, v, sizeof v);
            TP_CK(wax_der_builder_add_u64(&vb, (uint64_t)spec->delta_base));
            TP_CK(wax_der_builder_finish(&vb, &p, &n));
            pp_crl_ext(&exts, WAX_OID_CE_DELTA_CRL_INDICATOR, true, v, n);
        }
        if (spec->idp_len > 0) {
            pp_crl_ext(&exts, WAX_OID_CE_ISSUING_DISTRIBUTION_POINT, true,
                       spec->idp, spec->idp_len);
        }
        if (spec->unknown_critical) {
            static const uint8_t nul[] = {0x05, 0x00};
            struct pp_ext e;
            memset(&e, 0, sizeof e);
            e.oid = pp_policy(77);
            e.critical = true;
            memcpy(e.val, nul, sizeof nul);
            e.val_len = sizeof nul;
            pp_add_ext(&exts, &e);
        }
        TP_CK(wax_der_builder_close(&exts));
        TP_CK(wax_der_builder_close(&outer));
    }
    TP_CK(wax_der_builder_close(&t));
    uint8_t *tbs_der = NULL;
    size_t tbs_len = 0;
    TP_CK(wax_der_builder_finish(&tbs, &tbs_der, &tbs_len));
    wax_der_builder_cleanup(&tbs);
    pp_sign(issuer, spec->digest, tbs_der, tbs_len, out, out_len);
    free(tbs_der);
    struct wax_x509_crl check;
    TP_CK(wax_x509_crl_parse(&check, *out, *out_len));
}

/* ---- a three-certificate fixture --------------------------------- */

/*
 * struct pp_chain: a root (trusted), an intermediate (untrusted) and a
 * leaf, each with its key (P-256, made once) and its spec. pp_chain_init
 * gives the usual specs: CAs with critical basicConstraints and keyUsage,
 * an S/MIME leaf (alice@example.org, digitalSignature, nonRepudiation,
 * keyAgreement, emailProtection). Change a spec, then pp_chain_make.
 */
struct pp_chain {
    struct tp_ident root, ica, leaf;
    struct pp_cert rs, is, ls;
    /* the input pp_chain_run builds */
    const uint8_t *anchors[8];
    size_t anchor_lens[8];
    size_t num_anchors;
    const uint8_t *untrusted[16];
    size_t untrusted_lens[16];
    size_t num_untrusted;
    const uint8_t *crls[8];
    size_t crl_lens[8];
    size_t num_crls;
    struct wax_path_input in;
    struct wax_path_result res;
    struct wax_path_diag diag;
};

static TP_UNUSED void
pp_leaf_spec(struct pp_cert *ls)
{
    pp_init(ls, "Alice");
    struct pp_names n = {0};
    pp_names_email(&n, "alice@example.org");
    pp_san(ls, false, &n);
    pp_ku(ls, true,
          WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION |
              WAX_KU_KEY_AGREEMENT);
    pp_eku(ls, false, WAX_OID_KP_EMAIL_PROTECTION, WAX_OID_UNKNOWN);
}

/* Back to the usual specs (the keys stay). */
static TP_UNUSED void
pp_chain_specs(struct pp_chain *c)
{
    pp_init(&c->rs, "Test Root");
    pp_ca(&c->rs, -1);
    pp_init(&c->is, "Test ICA");
    pp_ca(&c->is, -1);
    c->is.serial[0] = 2;
    pp_leaf_spec(&c->ls);
    c->ls.serial[0] = 3;
}

static TP_UNUSED void
pp_chain_init(struct pp_chain *c)
{
    memset(c, 0, sizeof *c);
    tp_ident_init(&c->root, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&c->ica, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&c->leaf, tp_keygen(WAX_KEYGEN_P256));
    pp_chain_specs(c);
}

static TP_UNUSED void
pp_chain_make(struct pp_chain *c)
{
    pp_make(&c->root, &c->rs, NULL);
    pp_make(&c->ica, &c->is, &c->root);
    pp_make(&c->leaf, &c->ls, &c->ica);
}

static TP_UNUSED void
pp_chain_clear_crls(struct pp_chain *c)
{
    for (size_t i = 0; i < c->num_crls; i++) {
        free((void *)c->crls[i]);
    }
    c->num_crls = 0;
}

static TP_UNUSED void
pp_chain_free(struct pp_chain *c)
{
    tp_ident_free(&c->root);
    tp_ident_free(&c->ica);
    tp_ident_free(&c->leaf);
    pp_chain_clear_crls(c);
}

/* Adds a CRL (the chain frees it). */
static TP_UNUSED void
pp_chain_crl(struct pp_chain *c, const struct pp_crl *spec,
             const struct tp_ident *issuer)
{
    uint8_t *der;
    size_t len;
    pp_make_crl(&der, &len, spec, issuer);
    c->crls[c->num_crls] = der;
    c->crl_lens[c->num_crls++] = len;
}

/* The input: the root trusted, the intermediate untrusted, the CRLs,
 * TP_T0, PURPOSE. The caller may change c->in before pp_chain_go. */
static TP_UNUSED void
pp_chain_input(struct pp_chain *c, enum wax_path_purpose purpose)
{
    c->anchors[0] = c->root.cert;
    c->anchor_lens[0] = c->root.cert_len;
    c->num_anchors = 1;
    c->untrusted[0] = c->ica.cert;
    c->untrusted_lens[0] = c->ica.cert_len;
    c->num_untrusted = 1;
    memset(&c->in, 0, sizeof c->in);
    c->in.leaf = c->leaf.cert;
    c->in.leaf_len = c->leaf.cert_len;
    c->in.time = TP_T0;
    c->in.purpose = purpose;
    c->in.diag = &c->diag;
}

static TP_UNUSED wax_err
pp_chain_go(struct pp_chain *c)
{
    c->in.anchors =
        (struct wax_path_certs){c->anchors, c->anchor_lens, c->num_anchors};
    c->in.untrusted = (struct wax_path_certs){c->untrusted, c->untrusted_lens,
                                              c->num_untrusted};
    c->in.crls = (struct wax_path_certs){c->crls, c->crl_lens, c->num_crls};
    return wax_path_validate(&c->in, &c->res);
}

/* Makes the chain and validates it for PURPOSE with the defaults. */
static TP_UNUSED wax_err
pp_chain_run(struct pp_chain *c, enum wax_path_purpose purpose)
{
    pp_chain_make(c);
    pp_chain_input(c, purpose);
    return pp_chain_go(c);
}

#endif
