/*
 * tests/smime_pki.h - a small certificate maker for the path and smime
 * tests, built on wax's DER builder and crypto keys. Unlike a real CA it
 * makes anything asked for (non-CA issuers, SHA-1 signatures, unknown
 * critical extensions, v1 certificates), so each negative test changes
 * exactly one thing.
 */
#ifndef WAX_TESTS_SMIME_PKI_H
#define WAX_TESTS_SMIME_PKI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>

#define TP_UNUSED __attribute__((unused))

/* 2024-01-01T00:00:00Z and a year. */
#define TP_T0 ((int64_t)1704067200)
#define TP_YEAR ((int64_t)365 * 86400)

/* What to put into a certificate (zero: a v3 end-entity certificate for
 * TP_T0 - 1 year .. TP_T0 + 10 years, basicConstraints absent). */
struct tp_spec {
    const char *cn;
    const char *san_email;         /* rfc822Name SAN */
    const char *san_email2;        /* a second one */
    const char *utf8_mailbox;      /* SmtpUTF8Mailbox otherName SAN */
    const char *subject_email;     /* emailAddress in the subject */
    int64_t not_before, not_after; /* 0: defaults */
    bool ca;
    bool basic_constraints; /* write it even for non-CA (cA FALSE) */
    int path_len;           /* -1: none (only when ca) */
    uint32_t key_usage;     /* 0: absent */
    enum wax_oid_id ekus[4];
    size_t num_ekus;
    bool unknown_critical;
    enum wax_digest_alg sig_digest; /* NONE: SHA-256 (RSA/EC) */
    bool v1;
    bool no_ski;
    uint8_t serial; /* 0: 1 */
};

/* A key with its SPKI and a certificate made for it. */
struct tp_ident {
    struct wax_privkey *key;
    uint8_t *spki;
    size_t spki_len;
    uint8_t *cert;
    size_t cert_len;
};

static TP_UNUSED struct wax_privkey *
tp_keygen(enum wax_keygen kind)
{
    struct wax_privkey *k = NULL;
    if (wax_privkey_generate(&k, kind) != WAX_OK) {
        fprintf(stderr, "smime_pki: keygen failed\n");
        abort();
    }
    return k;
}

static TP_UNUSED void
tp_ident_init(struct tp_ident *id, struct wax_privkey *key)
{
    memset(id, 0, sizeof *id);
    id->key = key;
    struct wax_pubkey *pub = NULL;
    struct wax_buf b;
    wax_buf_init(&b, 1 << 16);
    if (wax_privkey_public(key, &pub) != WAX_OK ||
        wax_pubkey_to_spki(pub, &b) != WAX_OK) {
        abort();
    }
    wax_pubkey_free(pub);
    id->spki = b.data;
    id->spki_len = b.len;
}

static TP_UNUSED void
tp_ident_free(struct tp_ident *id)
{
    wax_privkey_free(id->key);
    free(id->spki);
    free(id->cert);
    memset(id, 0, sizeof *id);
}

#define TP_CK(expr)                                                            \
    do {                                                                       \
        wax_err tp_e_ = (expr);                                                \
        if (tp_e_ != WAX_OK) {                                                 \
            fprintf(stderr, "smime_pki: %s: %s\n", #expr,                      \
                    wax_err_name(tp_e_));                                      \
            abort();                                                           \
        }                                                                      \
    } while (0)

static TP_UNUSED void
tp_add_oid(struct wax_der_builder *b, enum wax_oid_id id)
{
    struct wax_span o = wax_oid_span(id);
    TP_CK(wax_der_builder_add_oid(b, o.p, o.len));
}

/* Name: SEQUENCE { SET { SEQUENCE { CN, UTF8 } } [, emailAddress] } */
static TP_UNUSED void
tp_add_name(struct wax_der_builder *b, const char *cn, const char *email)
{
    struct wax_der_builder seq, set, atv;
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    if (email != NULL) {
        TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
        TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
        tp_add_oid(&atv, WAX_OID_PKCS9_EMAIL_ADDRESS);
        TP_CK(wax_der_builder_add_string(
            &atv, WAX_DER_IA5_STRING, (const uint8_t *)email, strlen(email)));
        TP_CK(wax_der_builder_close(&atv));
        TP_CK(wax_der_builder_close(&set));
    }
    TP_CK(wax_der_builder_open(&seq, WAX_DER_SET, &set));
    TP_CK(wax_der_builder_open(&set, WAX_DER_SEQUENCE, &atv));
    tp_add_oid(&atv, WAX_OID_AT_COMMON_NAME);
    TP_CK(wax_der_builder_add_string(&atv, WAX_DER_UTF8_STRING,
                                     (const uint8_t *)cn, strlen(cn)));
    TP_CK(wax_der_builder_close(&atv));
    TP_CK(wax_der_builder_close(&set));
    TP_CK(wax_der_builder_close(&seq));
}

/* The signature algorithm for signing with KEY over DIGEST. */
static TP_UNUSED void
tp_sig_alg(const struct wax_privkey *key, enum wax_digest_alg digest,
           struct wax_sig_alg *alg, enum wax_oid_id *oid, bool *null_params)
{
    memset(alg, 0, sizeof *alg);
    if (digest == WAX_DIGEST_NONE) {
        digest = WAX_DIGEST_SHA256;
    }
    *null_params = false;
    switch (wax_privkey_type(key)) {
    case WAX_KEY_RSA:
        alg->scheme = WAX_SIG_RSA_PKCS1;
        alg->digest = digest;
        *null_params = true;
        *oid = digest == WAX_DIGEST_SHA1     ? WAX_OID_SHA1_WITH_RSA
               : digest == WAX_DIGEST_SHA384 ? WAX_OID_SHA384_WITH_RSA
               : digest == WAX_DIGEST_SHA512 ? WAX_OID_SHA512_WITH_RSA
                                             : WAX_OID_SHA256_WITH_RSA;
        break;
    case WAX_KEY_EC:
        alg->scheme = WAX_SIG_ECDSA;
        alg->digest = digest;
        *oid = digest == WAX_DIGEST_SHA1     ? WAX_OID_ECDSA_WITH_SHA1
               : digest == WAX_DIGEST_SHA384 ? WAX_OID_ECDSA_WITH_SHA384
               : digest == WAX_DIGEST_SHA512 ? WAX_OID_ECDSA_WITH_SHA512
                                             : WAX_OID_ECDSA_WITH_SHA256;
        break;
    case WAX_KEY_ED25519:
        alg->scheme = WAX_SIG_ED25519;
        alg->digest = WAX_DIGEST_NONE;
        *oid = WAX_OID_ED25519;
        break;
    default:
        abort();
    }
}

static TP_UNUSED void
tp_add_algid(struct wax_der_builder *b, enum wax_oid_id oid, bool null_params)
{
    struct wax_der_builder seq;
    TP_CK(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    tp_add_oid(&seq, oid);
    if (null_params) {
        TP_CK(wax_der_builder_add_null(&seq));
    }
    TP_CK(wax_der_builder_close(&seq));
}

/* Opens Extension { extnID, [critical], extnValue OCTET STRING { ... } }:
 * the caller writes into *VAL, then calls tp_ext_close. */
struct tp_ext {
    struct wax_der_builder ext, oct;
};
static TP_UNUSED void
tp_ext_open(struct wax_der_builder *exts, struct tp_ext *e, enum wax_oid_id id,
            bool critical)
{
    TP_CK(wax_der_builder_open(exts, WAX_DER_SEQUENCE, &e->ext));
    tp_add_oid(&e->ext, id);
    if (critical) {
        TP_CK(wax_der_builder_add_bool(&e->ext, true));
    }
    TP_CK(wax_der_builder_open(&e->ext, WAX_DER_OCTET_STRING, &e->oct));
}
static TP_UNUSED void
tp_ext_close(struct tp_ext *e)
{
    TP_CK(wax_der_builder_close(&e->oct));
    TP_CK(wax_der_builder_close(&e->ext));
}

/* A key identifier: the first 20 bytes of SHA-256 of the SPKI. */
static TP_UNUSED void
tp_key_id(const uint8_t *spki, size_t spki_len, uint8_t out[20])
{
    uint8_t md[32];
    size_t n = 0;
    TP_CK(wax_digest_compute(WAX_DIGEST_SHA256, md, sizeof md, &n, spki,
                             spki_len));
    memcpy(out, md, 20);
}

/*
 * tp_make makes SUBJECT's certificate (into SUBJECT->cert) as SPEC says,
 * signed by ISSUER (NULL: self-signed with SUBJECT's key).
 */
static TP_UNUSED void
tp_make(struct tp_ident *subject, const struct tp_spec *spec,
        const struct tp_ident *issuer)
{
    const struct tp_ident *signer = issuer != NULL ? issuer : subject;
    struct wax_x509_cert icert;
    const uint8_t *issuer_name = NULL;
    size_t issuer_name_len = 0;
    if (issuer != NULL) {
        TP_CK(wax_x509_cert_parse(&icert, issuer->cert, issuer->cert_len));
        issuer_name = icert.subject.p;
        issuer_name_len = icert.subject.len;
    }
    struct wax_sig_alg alg;
    enum wax_oid_id alg_oid;
    bool null_params;
    tp_sig_alg(signer->key, spec->sig_digest, &alg, &alg_oid, &null_params);

    struct wax_der_builder tbs;
    wax_der_builder_init(&tbs, 1 << 16);
    struct wax_der_builder t, v, val, exts_outer, exts, seq;
    TP_CK(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &t));
    if (!spec->v1) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_CONTEXT_CONS(0), &v));
        TP_CK(wax_der_builder_add_u64(&v, 2));
        TP_CK(wax_der_builder_close(&v));
    }
    TP_CK(wax_der_builder_add_u64(&t, spec->serial ? spec->serial : 1));
    tp_add_algid(&t, alg_oid, null_params);
    if (issuer != NULL) {
        TP_CK(wax_der_builder_add_element(&t, issuer_name, issuer_name_len));
    } else {
        tp_add_name(&t, spec->cn, spec->subject_email);
    }
    TP_CK(wax_der_builder_open(&t, WAX_DER_SEQUENCE, &val));
    TP_CK(wax_der_builder_add_time(&val, spec->not_before ? spec->not_before
                                                          : TP_T0 - TP_YEAR));
    TP_CK(wax_der_builder_add_time(
        &val, spec->not_after ? spec->not_after : TP_T0 + 10 * TP_YEAR));
    TP_CK(wax_der_builder_close(&val));
    tp_add_name(&t, spec->cn, spec->subject_email);
    TP_CK(wax_der_builder_add_element(&t, subject->spki, subject->spki_len));
    if (!spec->v1) {
        TP_CK(wax_der_builder_open(&t, WAX_DER_CONTEXT_CONS(3), &exts_outer));
        TP_CK(wax_der_builder_open(&exts_outer, WAX_DER_SEQUENCE, &exts));
        struct tp_ext e;
        if (spec->ca || spec->basic_constraints) {
            tp_ext_open(&exts, &e, WAX_OID_CE_BASIC_CONSTRAINTS, true);
            TP_CK(wax_der_builder_open(&e.oct, WAX_DER_SEQUENCE, &seq));
            if (spec->ca) {
                TP_CK(wax_der_builder_add_bool(&seq, true));
                if (spec->path_len >= 0) {
                    TP_CK(wax_der_builder_add_u64(&seq,
                                                  (uint64_t)spec->path_len));
                }
            }
            TP_CK(wax_der_builder_close(&seq));
            tp_ext_close(&e);
        }
        if (spec->key_usage != 0) {
            tp_ext_open(&exts, &e, WAX_OID_CE_KEY_USAGE, true);
            TP_CK(wax_der_builder_add_named_bits(&e.oct, spec->key_usage));
            tp_ext_close(&e);
        }
        if (spec->num_ekus > 0) {
            tp_ext_open(&exts, &e, WAX_OID_CE_EXT_KEY_USAGE, false);
            TP_CK(wax_der_builder_open(&e.oct, WAX_DER_SEQUENCE, &seq));
            for (size_t i = 0; i < spec->num_ekus; i++) {
                tp_add_oid(&seq, spec->ekus[i]);
            }
            TP_CK(wax_der_builder_close(&seq));
            tp_ext_close(&e);
        }
        if (spec->san_email || spec->utf8_mailbox) {
            tp_ext_open(&exts, &e, WAX_OID_CE_SUBJECT_ALT_NAME, false);
            TP_CK(wax_der_builder_open(&e.oct, WAX_DER_SEQUENCE, &seq));
            const char *em[2] = {spec->san_email, spec->san_email2};
            for (int i = 0; i < 2; i++) {
                if (em[i]) {
                    TP_CK(wax_der_builder_add_primitive(
                        &seq, WAX_DER_CONTEXT_TAG(1), (const uint8_t *)em[i],
                        strlen(em[i])));
                }
            }
            if (spec->utf8_mailbox) {
                struct wax_der_builder on, ex;
                TP_CK(wax_der_builder_open(&seq, WAX_DER_CONTEXT_CONS(0), &on));
                tp_add_oid(&on, WAX_OID_ON_SMTP_UTF8_MAILBOX);
                TP_CK(wax_der_builder_open(&on, WAX_DER_CONTEXT_CONS(0), &ex));
                TP_CK(wax_der_builder_add_string(
                    &ex, WAX_DER_UTF8_STRING,
                    (const uint8_t *)spec->utf8_mailbox,
                    strlen(spec->utf8_mailbox)));
                TP_CK(wax_der_builder_close(&ex));
                TP_CK(wax_der_builder_close(&on));
            }
            TP_CK(wax_der_builder_close(&seq));
            tp_ext_close(&e);
        }
        uint8_t kid[20];
        if (!spec->no_ski) {
            tp_key_id(subject->spki, subject->spki_len, kid);
            tp_ext_open(&exts, &e, WAX_OID_CE_SUBJECT_KEY_IDENTIFIER, false);
            TP_CK(wax_der_builder_add_octet_string(&e.oct, kid, sizeof kid));
            tp_ext_close(&e);
            tp_key_id(signer->spki, signer->spki_len, kid);
            tp_ext_open(&exts, &e, WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER, false);
            TP_CK(wax_der_builder_open(&e.oct, WAX_DER_SEQUENCE, &seq));
            TP_CK(wax_der_builder_add_primitive(&seq, WAX_DER_CONTEXT_TAG(0),
                                                kid, sizeof kid));
            TP_CK(wax_der_builder_close(&seq));
            tp_ext_close(&e);
        }
        if (spec->unknown_critical) {
            /* 1.3.6.1.4.1.99999.1, critical, value NULL */
            static const uint8_t oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                          0x86, 0x8d, 0x1f, 0x01};
            struct wax_der_builder ext, oct;
            TP_CK(wax_der_builder_open(&exts, WAX_DER_SEQUENCE, &ext));
            TP_CK(wax_der_builder_add_oid(&ext, oid, sizeof oid));
            TP_CK(wax_der_builder_add_bool(&ext, true));
            TP_CK(wax_der_builder_open(&ext, WAX_DER_OCTET_STRING, &oct));
            TP_CK(wax_der_builder_add_null(&oct));
            TP_CK(wax_der_builder_close(&oct));
            TP_CK(wax_der_builder_close(&ext));
        }
        TP_CK(wax_der_builder_close(&exts));
        TP_CK(wax_der_builder_close(&exts_outer));
    }
    TP_CK(wax_der_builder_close(&t));
    uint8_t *tbs_der = NULL;
    size_t tbs_len = 0;
    TP_CK(wax_der_builder_finish(&tbs, &tbs_der, &tbs_len));
    wax_der_builder_cleanup(&tbs);

    uint8_t sig[WAX_MAX_SIG_BYTES];
    size_t sig_len = 0;
    TP_CK(wax_privkey_sign(signer->key, &alg, sig, sizeof sig, &sig_len,
                           tbs_der, tbs_len));
    struct wax_der_builder cb, c;
    wax_der_builder_init(&cb, 1 << 16);
    TP_CK(wax_der_builder_open(&cb, WAX_DER_SEQUENCE, &c));
    TP_CK(wax_der_builder_add_element(&c, tbs_der, tbs_len));
    tp_add_algid(&c, alg_oid, null_params);
    TP_CK(wax_der_builder_add_bit_string(&c, sig, sig_len, 0));
    TP_CK(wax_der_builder_close(&c));
    free(subject->cert);
    subject->cert = NULL;
    TP_CK(wax_der_builder_finish(&cb, &subject->cert, &subject->cert_len));
    wax_der_builder_cleanup(&cb);
    free(tbs_der);
    struct wax_x509_cert check;
    TP_CK(wax_x509_cert_parse(&check, subject->cert, subject->cert_len));
}

/* A spec for a CA with the usual extensions. */
static TP_UNUSED struct tp_spec
tp_ca_spec(const char *cn)
{
    struct tp_spec s;
    memset(&s, 0, sizeof s);
    s.cn = cn;
    s.ca = true;
    s.path_len = -1;
    s.key_usage = WAX_KU_KEY_CERT_SIGN | WAX_KU_CRL_SIGN;
    return s;
}

/* A spec for an S/MIME end entity (signing and encryption). */
static TP_UNUSED struct tp_spec
tp_ee_spec(const char *cn, const char *email)
{
    struct tp_spec s;
    memset(&s, 0, sizeof s);
    s.cn = cn;
    s.san_email = email;
    s.path_len = -1;
    s.key_usage = WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION |
                  WAX_KU_KEY_ENCIPHERMENT;
    s.ekus[0] = WAX_OID_KP_EMAIL_PROTECTION;
    s.num_ekus = 1;
    return s;
}

#endif
