/*
 * Unit tests of the SignedData encoder and verifier (src/cms/signed_*.c):
 * round trips for every signature algorithm, detached and encapsulated,
 * DER and streamed BER output, several signers, SKI signer identifiers,
 * and one hand-built structure per decoder rule with its exact error.
 *
 * Keys are generated once per run and their self-signed certificates are
 * built here with the DER builder, so these tests need no corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/cms.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Keys and certificates.                                              */

enum { K_RSA, K_RSA2, K_EC, K_P384, K_ED, NUM_KEYS };

static struct wax_privkey *g_key[NUM_KEYS];
static uint8_t *g_cert[NUM_KEYS];
static size_t g_cert_len[NUM_KEYS];
static uint8_t *g_cert_noski; /* K_RSA2's key, no SKI extension */
static size_t g_cert_noski_len;
static bool g_ready;

static struct wax_sig_alg
key_sig_alg(int k, enum wax_digest_alg d)
{
    struct wax_sig_alg a = {0};
    switch (wax_privkey_type(g_key[k])) {
    case WAX_KEY_EC:
        a.scheme = WAX_SIG_ECDSA;
        a.digest = d;
        break;
    case WAX_KEY_ED25519:
        a.scheme = WAX_SIG_ED25519;
        a.digest = WAX_DIGEST_NONE;
        break;
    default:
        a.scheme = WAX_SIG_RSA_PKCS1;
        a.digest = d;
        break;
    }
    return a;
}

static wax_err
add_oid(struct wax_der_builder *b, enum wax_oid_id id)
{
    struct wax_span s = wax_oid_span(id);
    return wax_der_builder_add_oid(b, s.p, s.len);
}

/* The certificate signature AlgorithmIdentifier for key K (SHA-256). */
static wax_err
add_cert_sig_alg(struct wax_der_builder *b, int k)
{
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    switch (wax_privkey_type(g_key[k])) {
    case WAX_KEY_EC:
        WAX_TRY(add_oid(&seq, WAX_OID_ECDSA_WITH_SHA256));
        break;
    case WAX_KEY_ED25519:
        WAX_TRY(add_oid(&seq, WAX_OID_ED25519));
        break;
    default:
        WAX_TRY(add_oid(&seq, WAX_OID_SHA256_WITH_RSA));
        WAX_TRY(wax_der_builder_add_null(&seq));
        break;
    }
    return wax_der_builder_close(&seq);
}

static wax_err
add_name(struct wax_der_builder *b, const char *cn)
{
    struct wax_der_builder name, rdn, atv;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &name));
    WAX_TRY(wax_der_builder_open(&name, WAX_DER_SET, &rdn));
    WAX_TRY(wax_der_builder_open(&rdn, WAX_DER_SEQUENCE, &atv));
    WAX_TRY(add_oid(&atv, WAX_OID_AT_COMMON_NAME));
    WAX_TRY(wax_der_builder_add_string(&atv, WAX_DER_UTF8_STRING,
                                       (const uint8_t *)cn, strlen(cn)));
    WAX_TRY(wax_der_builder_close(&atv));
    WAX_TRY(wax_der_builder_close(&rdn));
    return wax_der_builder_close(&name);
}

/*
 * make_cert builds a self-signed v3 certificate for key K: serial SERIAL,
 * CN=CN as issuer and subject, valid 2020-2040, with a subjectKeyIdentifier
 * of 20 bytes derived from SERIAL when WITH_SKI.
 */
static wax_err
make_cert(int k, const char *cn, uint64_t serial, bool with_ski, uint8_t **out,
          size_t *out_len)
{
    struct wax_pubkey *pub = NULL;
    struct wax_buf spki;
    struct wax_der_builder tb, cb, tbs, v, val, exts, seq, ext, ev;
    uint8_t *tbs_der = NULL, sig[WAX_MAX_SIG_BYTES];
    size_t tbs_len = 0, sig_len = 0;
    wax_buf_init(&spki, 4096);
    wax_der_builder_init(&tb, 8192);
    wax_der_builder_init(&cb, 16384);
    wax_err err = wax_privkey_public(g_key[k], &pub);
    if (err == WAX_OK) {
        err = wax_pubkey_to_spki(pub, &spki);
    }
#define T(x)                                                                   \
    if (err == WAX_OK)                                                         \
    err = (x)
    T(wax_der_builder_open(&tb, WAX_DER_SEQUENCE, &tbs));
    T(wax_der_builder_open(&tbs, WAX_DER_CONTEXT_CONS(0), &v));
    T(wax_der_builder_add_u64(&v, 2));
    T(wax_der_builder_close(&v));
    T(wax_der_builder_add_u64(&tbs, serial));
    T(add_cert_sig_alg(&tbs, k));
    T(add_name(&tbs, cn));
    T(wax_der_builder_open(&tbs, WAX_DER_SEQUENCE, &val));
    T(wax_der_builder_add_time(&val, 1577836800));
    T(wax_der_builder_add_time(&val, 2208988800));
    T(wax_der_builder_close(&val));
    T(add_name(&tbs, cn));
    T(wax_der_builder_add_element(&tbs, spki.data, spki.len));
    if (with_ski) {
        uint8_t ski[20];
        for (size_t i = 0; i < sizeof(ski); i++) {
            ski[i] = (uint8_t)(serial * 31 + i);
        }
        T(wax_der_builder_open(&tbs, WAX_DER_CONTEXT_CONS(3), &exts));
        T(wax_der_builder_open(&exts, WAX_DER_SEQUENCE, &seq));
        T(wax_der_builder_open(&seq, WAX_DER_SEQUENCE, &ext));
        T(add_oid(&ext, WAX_OID_CE_SUBJECT_KEY_IDENTIFIER));
        T(wax_der_builder_open(&ext, WAX_DER_OCTET_STRING, &ev));
        T(wax_der_builder_add_octet_string(&ev, ski, sizeof(ski)));
        T(wax_der_builder_close(&ev));
        T(wax_der_builder_close(&ext));
        T(wax_der_builder_close(&seq));
        T(wax_der_builder_close(&exts));
    }
    T(wax_der_builder_close(&tbs));
    T(wax_der_builder_finish(&tb, &tbs_der, &tbs_len));
    struct wax_sig_alg alg = key_sig_alg(k, WAX_DIGEST_SHA256);
    T(wax_privkey_sign(g_key[k], &alg, sig, sizeof(sig), &sig_len, tbs_der,
                       tbs_len));
    T(wax_der_builder_open(&cb, WAX_DER_SEQUENCE, &seq));
    T(wax_der_builder_add_element(&seq, tbs_der, tbs_len));
    T(add_cert_sig_alg(&seq, k));
    T(wax_der_builder_add_bit_string(&seq, sig, sig_len, 0));
    T(wax_der_builder_close(&seq));
    T(wax_der_builder_finish(&cb, out, out_len));
#undef T
    free(tbs_der);
    wax_der_builder_cleanup(&tb);
    wax_der_builder_cleanup(&cb);
    wax_buf_cleanup(&spki);
    wax_pubkey_free(pub);
    return err;
}

static bool
setup(void)
{
    static const enum wax_keygen kinds[NUM_KEYS] = {
        WAX_KEYGEN_RSA2048, WAX_KEYGEN_RSA2048, WAX_KEYGEN_P256,
        WAX_KEYGEN_P384,    WAX_KEYGEN_ED25519,
    };
    static const char *const names[NUM_KEYS] = {"rsa", "rsa2", "p256", "p384",
                                                "ed25519"};
    if (g_ready) {
        return true;
    }
    for (int k = 0; k < NUM_KEYS; k++) {
        if (wax_privkey_generate(&g_key[k], kinds[k]) != WAX_OK ||
            make_cert(k, names[k], 100 + (uint64_t)k, true, &g_cert[k],
                      &g_cert_len[k]) != WAX_OK) {
            return false;
        }
    }
    if (make_cert(K_RSA2, "rsa2-noski", 200, false, &g_cert_noski,
                  &g_cert_noski_len) != WAX_OK) {
        return false;
    }
    g_ready = true;
    return true;
}

#define SETUP() CHECK_MSG(setup(), "key or certificate generation failed")

/* ------------------------------------------------------------------ */
/* Signing and verifying with the library.                             */

static uint32_t g_rand = 12345;

static size_t
next_chunk(size_t max)
{
    g_rand = g_rand * 1103515245u + 12345u;
    return 1 + (g_rand >> 8) % max;
}

/* Pushes LEN bytes into SINK in random chunks of 1..MAX_CHUNK. */
static wax_err
push(wax_sink *sink, const uint8_t *p, size_t len, size_t max_chunk)
{
    size_t off = 0;
    while (off < len) {
        size_t n = next_chunk(max_chunk);
        if (n > len - off) {
            n = len - off;
        }
        WAX_TRY(wax_sink_write(sink, p + off, n));
        off += n;
    }
    return WAX_OK;
}

static struct wax_cms_signer_params
signer(int k)
{
    struct wax_cms_signer_params p = {0};
    p.key = g_key[k];
    p.cert = g_cert[k];
    p.cert_len = g_cert_len[k];
    return p;
}

/* sign_into signs CONTENT with PARAMS into OUT (a capped buffer). */
static wax_err
sign_into(const struct wax_cms_sign_params *params, const uint8_t *content,
          size_t len, struct wax_buf *out)
{
    struct wax_cms_sign *s = NULL;
    WAX_TRY(wax_cms_sign_new(&s, params, wax_buf_sink(out)));
    wax_err err = push(wax_cms_sign_sink(s), content, len, 5000);
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_sign_sink(s));
    }
    wax_cms_sign_free(s);
    return err;
}

static wax_err
sign_simple(const struct wax_cms_signer_params *signers, size_t n,
            bool detached, const uint8_t *content, size_t len,
            struct wax_buf *out)
{
    struct wax_cms_sign_params p = {0};
    p.signers = signers;
    p.num_signers = n;
    p.detached = detached;
    p.has_signing_time = true;
    p.signing_time = 1700000000;
    return sign_into(&p, content, len, out);
}

struct vopts {
    bool detached;
    bool allow_weak;
    bool content_first; /* detached: push the content before the object */
    const enum wax_digest_alg *digests;
    size_t num_digests;
    const uint8_t *const *extra;
    const size_t *extra_lens;
    size_t num_extra;
    size_t chunk;
};

/*
 * verify_with verifies CMS (with CONTENT for detached objects) and fills
 * RES and OUT (the content output). Returns the first error of the
 * streaming calls, else finish's result.
 */
static wax_err
verify_with(const struct vopts *o, const uint8_t *cms, size_t cms_len,
            const uint8_t *content, size_t content_len,
            struct wax_cms_signed_result *res, struct wax_buf *out)
{
    struct wax_cms_verify_params p = {0};
    struct wax_cms_verify *v = NULL;
    size_t chunk = o->chunk != 0 ? o->chunk : 3000;
    p.detached = o->detached;
    p.allow_weak = o->allow_weak;
    p.digests = o->digests;
    p.num_digests = o->num_digests;
    p.extra_certs = o->extra;
    p.extra_cert_lens = o->extra_lens;
    p.num_extra_certs = o->num_extra;
    p.content_out = out != NULL ? wax_buf_sink(out) : NULL;
    WAX_TRY(wax_cms_verify_new(&v, &p));
    wax_err err = WAX_OK;
    if (o->detached && o->content_first) {
        err = push(wax_cms_verify_content_sink(v), content, content_len, chunk);
        if (err == WAX_OK) {
            err = wax_sink_close(wax_cms_verify_content_sink(v));
        }
    }
    if (err == WAX_OK) {
        err = push(wax_cms_verify_cms_sink(v), cms, cms_len, chunk);
    }
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_verify_cms_sink(v));
    }
    if (err == WAX_OK && o->detached && !o->content_first) {
        err = push(wax_cms_verify_content_sink(v), content, content_len, chunk);
        if (err == WAX_OK) {
            err = wax_sink_close(wax_cms_verify_content_sink(v));
        }
    }
    if (err == WAX_OK) {
        err = wax_cms_verify_finish(v, res);
    }
    wax_cms_verify_free(v);
    return err;
}

static wax_err
verify_simple(const uint8_t *cms, size_t len, struct wax_cms_signed_result *res,
              struct wax_buf *out)
{
    struct vopts o = {0};
    return verify_with(&o, cms, len, NULL, 0, res, out);
}

static const uint8_t k_msg[] =
    "Content-Type: text/plain\r\n\r\nHello, wax.\r\n";
#define MSG k_msg, sizeof(k_msg) - 1

/* ------------------------------------------------------------------ */
/* Round trips.                                                        */

struct rt_case {
    const char *name;
    int key;
    bool pss;
    bool ski;
    enum wax_digest_alg digest;
    enum wax_digest_alg want_digest;
    enum wax_sig_scheme want_scheme;
};

static const struct rt_case k_rt[] = {
    {"rsa-pkcs1", K_RSA, false, false, WAX_DIGEST_NONE, WAX_DIGEST_SHA256,
     WAX_SIG_RSA_PKCS1},
    {"rsa-pkcs1-sha512", K_RSA, false, false, WAX_DIGEST_SHA512,
     WAX_DIGEST_SHA512, WAX_SIG_RSA_PKCS1},
    {"rsa-pss", K_RSA, true, false, WAX_DIGEST_NONE, WAX_DIGEST_SHA256,
     WAX_SIG_RSA_PSS},
    {"rsa-pss-sha384-ski", K_RSA, true, true, WAX_DIGEST_SHA384,
     WAX_DIGEST_SHA384, WAX_SIG_RSA_PSS},
    {"ecdsa-p256", K_EC, false, false, WAX_DIGEST_NONE, WAX_DIGEST_SHA256,
     WAX_SIG_ECDSA},
    {"ecdsa-p384", K_P384, false, true, WAX_DIGEST_NONE, WAX_DIGEST_SHA384,
     WAX_SIG_ECDSA},
    {"ed25519", K_ED, false, false, WAX_DIGEST_NONE, WAX_DIGEST_SHA512,
     WAX_SIG_ED25519},
    {"ed25519-ski", K_ED, false, true, WAX_DIGEST_SHA512, WAX_DIGEST_SHA512,
     WAX_SIG_ED25519},
};

TEST(round_trip_every_algorithm_detached_and_encapsulated)
{
    SETUP();
    for (size_t i = 0; i < sizeof(k_rt) / sizeof(k_rt[0]); i++) {
        const struct rt_case *c = &k_rt[i];
        for (int detached = 0; detached < 2; detached++) {
            struct wax_cms_signer_params sp = signer(c->key);
            sp.rsa_pss = c->pss;
            sp.sid_ski = c->ski;
            sp.digest = c->digest;
            CHECK_EQ_U64(wax_cms_signer_digest(&sp), c->want_digest);
            struct wax_buf cms, out;
            wax_buf_init(&cms, 1 << 20);
            wax_buf_init(&out, 1 << 20);
            wax_err err = sign_simple(&sp, 1, detached, MSG, &cms);
            CHECK_MSG(err == WAX_OK, "%s: sign %s", c->name, wax_err_name(err));
            CHECK(cms.closed);
            /* definite-length DER output */
            CHECK(cms.len > 4 && cms.data[0] == 0x30 && cms.data[1] == 0x82);
            CHECK_OK(wax_der_validate(cms.data, cms.len, WAX_MAX_DER_DEPTH));
            struct wax_cms_signed_result res = {0};
            struct vopts o = {0};
            o.detached = detached;
            /* content before the object: only the hinted digests (micalg)
             * and SHA-256 are computed */
            o.content_first = (i % 2) == 0;
            o.digests = &c->want_digest;
            o.num_digests = 1;
            err = verify_with(&o, cms.data, cms.len, MSG, &res, &out);
            CHECK_MSG(err == WAX_OK, "%s detached=%d: %s", c->name, detached,
                      wax_err_name(err));
            CHECK_MEM(out.data, out.len, k_msg, sizeof(k_msg) - 1);
            CHECK(out.closed);
            CHECK_EQ_U64(res.num_signers, 1);
            const struct wax_cms_signer_result *r = &res.signers[0];
            CHECK_ERR(r->err, WAX_OK);
            CHECK_EQ_U64(r->digest, c->want_digest);
            CHECK_EQ_U64(r->sig_alg.scheme, c->want_scheme);
            CHECK_EQ_U64(r->version, c->ski ? 3 : 1);
            CHECK_EQ_U64(res.version, c->ski ? 3 : 1);
            CHECK(r->sid_is_ski == c->ski);
            CHECK(!r->weak && r->has_signed_attrs && !r->attrs_reordered);
            CHECK(r->has_signing_time);
            CHECK_EQ_I64(r->signing_time, 1700000000);
            CHECK_MEM(r->cert.der, r->cert.len, g_cert[c->key],
                      g_cert_len[c->key]);
            CHECK(r->smime_capabilities.len > 0);
            CHECK(r->encryption_key_preference.der == NULL);
            CHECK(res.detached == (detached != 0));
            CHECK_EQ_U64(res.content_len, sizeof(k_msg) - 1);
            CHECK_EQ_U64(res.econtent_type, WAX_OID_CT_DATA);
            CHECK_EQ_U64(res.num_certs, 1);
            CHECK_EQ_U64(res.num_crls, 0);
            wax_cms_signed_result_cleanup(&res);
            wax_buf_cleanup(&cms);
            wax_buf_cleanup(&out);
        }
    }
}

/* Hashing empty content, signing-time absent, a GeneralizedTime date. */
TEST(round_trip_empty_content_and_times)
{
    SETUP();
    struct wax_cms_signer_params sp = signer(K_EC);
    int64_t times[] = {0, 2524608000 /* 2050: GeneralizedTime */};
    for (int i = 0; i < 3; i++) {
        struct wax_cms_sign_params p = {0};
        p.signers = &sp;
        p.num_signers = 1;
        p.has_signing_time = i < 2;
        p.signing_time = i < 2 ? times[i] : 0;
        struct wax_buf cms;
        wax_buf_init(&cms, 1 << 20);
        CHECK_OK(sign_into(&p, NULL, 0, &cms));
        struct wax_cms_signed_result res = {0};
        CHECK_OK(verify_simple(cms.data, cms.len, &res, NULL));
        CHECK(res.signers[0].has_signing_time == (i < 2));
        if (i < 2) {
            CHECK_EQ_I64(res.signers[0].signing_time, times[i]);
        }
        CHECK_EQ_U64(res.content_len, 0);
        wax_cms_signed_result_cleanup(&res);
        wax_buf_cleanup(&cms);
    }
}

/* A sink that records how many bytes arrived before close. */
struct count_sink {
    wax_sink sink;
    struct wax_buf *buf;
    size_t before_close;
    bool closed;
};

static wax_err
count_write(wax_sink *self, const uint8_t *p, size_t len)
{
    struct count_sink *c = (struct count_sink *)self;
    return wax_buf_append(c->buf, p, len);
}

static wax_err
count_close(wax_sink *self)
{
    struct count_sink *c = (struct count_sink *)self;
    c->before_close = c->buf->len;
    c->closed = true;
    return WAX_OK;
}

/* Above the threshold the output is indefinite-length BER and streams. */
TEST(large_content_streams_as_ber)
{
    SETUP();
    const size_t len = 3 * 1024 * 1024 + 12345;
    uint8_t *content = malloc(len);
    CHECK(content != NULL);
    for (size_t i = 0; i < len; i++) {
        content[i] = (uint8_t)(i * 7 + (i >> 13));
    }
    struct wax_cms_signer_params sps[2] = {signer(K_RSA), signer(K_ED)};
    struct wax_cms_sign_params p = {0};
    p.signers = sps;
    p.num_signers = 2;
    struct wax_buf cms, out;
    wax_buf_init(&cms, len + (1 << 20));
    wax_buf_init(&out, len + 1);
    struct count_sink cs = {{count_write, count_close}, &cms, 0, false};
    struct wax_cms_sign *s = NULL;
    CHECK_OK(wax_cms_sign_new(&s, &p, &cs.sink));
    wax_err err = push(wax_cms_sign_sink(s), content, len, 70000);
    size_t streamed = cms.len;
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_sign_sink(s));
    }
    wax_cms_sign_free(s);
    CHECK_OK(err);
    CHECK(cs.closed);
    /* most of the content left before close, in 16 KiB chunks */
    CHECK(streamed > len - WAX_CMS_CHUNK_BYTES - 4096);
    static const uint8_t head[] = {0x30, 0x80, 0x06, 0x09};
    CHECK_MEM(cms.data, 4, head, 4);
    /* eContent is [0] { OCTET STRING constructed, indefinite } */
    static const uint8_t chunk_head[] = {0xA0, 0x80, 0x24, 0x80,
                                         0x04, 0x82, 0x40, 0x00};
    bool found = false;
    for (size_t i = 0; i + sizeof(chunk_head) < 200 && !found; i++) {
        found = memcmp(cms.data + i, chunk_head, sizeof(chunk_head)) == 0;
    }
    CHECK(found);
    struct wax_cms_signed_result res = {0};
    struct vopts o = {0};
    o.chunk = 100000;
    CHECK_OK(verify_with(&o, cms.data, cms.len, NULL, 0, &res, &out));
    CHECK_MEM(out.data, out.len, content, len);
    CHECK_EQ_U64(res.num_signers, 2);
    CHECK_ERR(res.signers[0].err, WAX_OK);
    CHECK_ERR(res.signers[1].err, WAX_OK);
    CHECK_EQ_U64(res.content_len, len);
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
    wax_buf_cleanup(&out);
    free(content);
}

/* The threshold decides: content of exactly THRESHOLD bytes is DER, one
 * more byte is BER; both verify. */
TEST(threshold_boundary)
{
    SETUP();
    uint8_t content[301];
    memset(content, 'x', sizeof(content));
    struct wax_cms_signer_params sp = signer(K_EC);
    for (size_t n = 299; n <= 301; n++) {
        struct wax_cms_sign_params p = {0};
        p.signers = &sp;
        p.num_signers = 1;
        p.der_threshold = 300;
        struct wax_buf cms, out;
        wax_buf_init(&cms, 1 << 20);
        wax_buf_init(&out, 1 << 20);
        CHECK_OK(sign_into(&p, content, n, &cms));
        CHECK(cms.data[1] == (n <= 300 ? 0x82 : 0x80));
        struct wax_cms_signed_result res = {0};
        CHECK_OK(verify_simple(cms.data, cms.len, &res, &out));
        CHECK_MEM(out.data, out.len, content, n);
        wax_cms_signed_result_cleanup(&res);
        wax_buf_cleanup(&cms);
        wax_buf_cleanup(&out);
    }
}

TEST(multiple_signers_and_chain_certs)
{
    SETUP();
    struct wax_cms_signer_params sps[4] = {signer(K_RSA), signer(K_EC),
                                           signer(K_ED), signer(K_RSA2)};
    sps[1].sid_ski = true;
    sps[3].rsa_pss = true;
    const uint8_t *chain[2] = {g_cert[K_P384], g_cert[K_RSA]};
    size_t chain_lens[2] = {g_cert_len[K_P384], g_cert_len[K_RSA]};
    struct wax_cms_sign_params p = {0};
    p.signers = sps;
    p.num_signers = 4;
    p.certs = chain;
    p.cert_lens = chain_lens;
    p.num_certs = 2;
    struct wax_buf cms, out;
    wax_buf_init(&cms, 1 << 20);
    wax_buf_init(&out, 1 << 20);
    CHECK_OK(sign_into(&p, MSG, &cms));
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_simple(cms.data, cms.len, &res, &out));
    CHECK_EQ_U64(res.num_signers, 4);
    /* signer certs once each, plus the one new chain certificate */
    CHECK_EQ_U64(res.num_certs, 5);
    CHECK_EQ_U64(res.version, 3);
    int seen_ski = 0;
    for (size_t i = 0; i < 4; i++) {
        CHECK_ERR(res.signers[i].err, WAX_OK);
        seen_ski += res.signers[i].sid_is_ski;
    }
    CHECK_EQ_U64(seen_ski, 1);
    /* the certificates SET is in DER order */
    for (size_t i = 1; i < res.num_certs; i++) {
        const struct wax_cms_blob *a = &res.certs[i - 1], *b = &res.certs[i];
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->der, b->der, n);
        CHECK(c < 0 || (c == 0 && a->len <= b->len));
    }
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
    wax_buf_cleanup(&out);
}

TEST(encryption_key_preference_and_capabilities)
{
    SETUP();
    struct wax_cms_signer_params sp = signer(K_RSA);
    sp.encryption_cert = g_cert[K_RSA2];
    sp.encryption_cert_len = g_cert_len[K_RSA2];
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_simple(&sp, 1, true, MSG, &cms));
    struct wax_cms_signed_result res = {0};
    struct vopts o = {0};
    o.detached = true;
    CHECK_OK(verify_with(&o, cms.data, cms.len, MSG, &res, NULL));
    const struct wax_cms_signer_result *r = &res.signers[0];
    /* [0] IMPLICIT IssuerAndSerialNumber of the encryption certificate */
    struct wax_x509_cert enc;
    CHECK_OK(wax_x509_cert_parse(&enc, g_cert[K_RSA2], g_cert_len[K_RSA2]));
    struct wax_span ekp, body, issuer, serial;
    wax_span_init(&ekp, r->encryption_key_preference.der,
                  r->encryption_key_preference.len);
    CHECK(wax_der_get(&ekp, WAX_DER_CONTEXT_CONS(0), &body));
    CHECK(wax_der_expect_end(&ekp));
    CHECK(wax_der_get_element(&body, WAX_DER_SEQUENCE, &issuer));
    CHECK(wax_der_get_integer(&body, &serial, NULL));
    CHECK(wax_span_equal(issuer, enc.issuer));
    CHECK(wax_span_equal(serial, enc.serial));
    /* SMIMECapabilities: AES-256-GCM first, RSAES-OAEP last */
    struct wax_span caps, list, cap, oid;
    wax_span_init(&caps, r->smime_capabilities.der, r->smime_capabilities.len);
    CHECK(wax_der_get(&caps, WAX_DER_SEQUENCE, &list));
    static const enum wax_oid_id want[] = {
        WAX_OID_AES256_GCM, WAX_OID_AES128_GCM, WAX_OID_AES256_CBC,
        WAX_OID_AES192_CBC, WAX_OID_AES128_CBC, WAX_OID_RSAES_OAEP,
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK(wax_der_get(&list, WAX_DER_SEQUENCE, &cap));
        CHECK(wax_der_get_oid(&cap, &oid));
        CHECK(wax_oid_is(oid, want[i]));
        CHECK(want[i] == WAX_OID_RSAES_OAEP ? cap.len > 0 : cap.len == 0);
    }
    CHECK(wax_der_expect_end(&list));
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);

    /* no_smime_capabilities leaves the attribute out */
    sp.no_smime_capabilities = true;
    sp.encryption_cert = NULL;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_simple(&sp, 1, false, MSG, &cms));
    CHECK_OK(verify_simple(cms.data, cms.len, &res, NULL));
    CHECK(res.signers[0].smime_capabilities.der == NULL);
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
}

TEST(econtent_type_other_than_data)
{
    SETUP();
    /* id-ct-receipt as an example of a non-data eContentType */
    struct wax_span receipt = wax_oid_span(WAX_OID_CT_RECEIPT);
    struct wax_cms_signer_params sp = signer(K_EC);
    struct wax_cms_sign_params p = {0};
    p.signers = &sp;
    p.num_signers = 1;
    p.econtent_type = receipt.p;
    p.econtent_type_len = receipt.len;
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_into(&p, MSG, &cms));
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_simple(cms.data, cms.len, &res, NULL));
    CHECK_EQ_U64(res.version, 3);
    CHECK_EQ_U64(res.econtent_type, WAX_OID_CT_RECEIPT);
    CHECK_MEM(res.econtent_type_oid, res.econtent_type_oid_len, receipt.p,
              receipt.len);
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
}

TEST(encoder_rejects_bad_parameters)
{
    SETUP();
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    struct wax_cms_sign *s = (struct wax_cms_sign *)&cms; /* must be reset */
    struct wax_cms_sign_params p = {0};
    CHECK_ERR(wax_cms_sign_new(&s, &p, wax_buf_sink(&cms)),
              WAX_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);

    struct {
        const char *name;
        struct wax_cms_signer_params sp;
        wax_err want;
    } cases[8];
    size_t n = 0;
    cases[n].name = "key does not match the certificate";
    cases[n].sp = signer(K_RSA);
    cases[n].sp.cert = g_cert[K_RSA2];
    cases[n].sp.cert_len = g_cert_len[K_RSA2];
    cases[n++].want = WAX_ERR_CRYPTO_KEY_MISMATCH;
    cases[n].name = "SHA-1 digest";
    cases[n].sp = signer(K_RSA);
    cases[n].sp.digest = WAX_DIGEST_SHA1;
    cases[n++].want = WAX_ERR_CMS_WEAK_DIGEST;
    cases[n].name = "MD5 digest";
    cases[n].sp = signer(K_EC);
    cases[n].sp.digest = WAX_DIGEST_MD5;
    cases[n++].want = WAX_ERR_CMS_WEAK_DIGEST;
    cases[n].name = "Ed25519 with SHA-256";
    cases[n].sp = signer(K_ED);
    cases[n].sp.digest = WAX_DIGEST_SHA256;
    cases[n++].want = WAX_ERR_INVALID_ARGUMENT;
    cases[n].name = "SKI requested, certificate without SKI";
    cases[n].sp = signer(K_RSA2);
    cases[n].sp.cert = g_cert_noski;
    cases[n].sp.cert_len = g_cert_noski_len;
    cases[n].sp.sid_ski = true;
    cases[n++].want = WAX_ERR_CMS_NO_SKI;
    cases[n].name = "no key";
    cases[n].sp = signer(K_RSA);
    cases[n].sp.key = NULL;
    cases[n++].want = WAX_ERR_INVALID_ARGUMENT;
    cases[n].name = "certificate that does not parse";
    cases[n].sp = signer(K_RSA);
    cases[n].sp.cert_len = 10;
    cases[n++].want = WAX_ERR_DER_TRUNCATED;
    cases[n].name = "digest out of range";
    cases[n].sp = signer(K_RSA);
    cases[n].sp.digest = (enum wax_digest_alg)42;
    cases[n++].want = WAX_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++) {
        p.signers = &cases[i].sp;
        p.num_signers = 1;
        wax_err err = wax_cms_sign_new(&s, &p, wax_buf_sink(&cms));
        CHECK_MSG(err == cases[i].want, "%s: got %s, want %s", cases[i].name,
                  wax_err_name(err), wax_err_name(cases[i].want));
        CHECK(s == NULL);
    }
    /* the certificate without SKI signs fine by issuer and serial */
    struct wax_cms_signer_params ok = signer(K_RSA2);
    ok.cert = g_cert_noski;
    ok.cert_len = g_cert_noski_len;
    CHECK_OK(sign_simple(&ok, 1, false, MSG, &cms));
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_simple(cms.data, cms.len, &res, NULL));
    wax_cms_signed_result_cleanup(&res);

    /* too many signers and a bad eContentType OID */
    struct wax_cms_signer_params many[WAX_MAX_CMS_SIGNERS + 1];
    for (size_t i = 0; i <= WAX_MAX_CMS_SIGNERS; i++) {
        many[i] = signer(K_EC);
    }
    p.signers = many;
    p.num_signers = WAX_MAX_CMS_SIGNERS + 1;
    CHECK_ERR(wax_cms_sign_new(&s, &p, wax_buf_sink(&cms)),
              WAX_ERR_INVALID_ARGUMENT);
    static const uint8_t bad_oid[] = {0x80, 0x01};
    p.num_signers = 1;
    p.econtent_type = bad_oid;
    p.econtent_type_len = sizeof(bad_oid);
    CHECK_ERR(wax_cms_sign_new(&s, &p, wax_buf_sink(&cms)),
              WAX_ERR_INVALID_ARGUMENT);
    wax_buf_cleanup(&cms);
}

/* Errors stick and writes after close fail. */
TEST(encoder_sink_states)
{
    SETUP();
    struct wax_cms_signer_params sp = signer(K_EC);
    struct wax_cms_sign_params p = {0};
    p.signers = &sp;
    p.num_signers = 1;
    struct wax_buf cms;
    wax_buf_init(&cms, 100); /* too small for the output */
    struct wax_cms_sign *s = NULL;
    CHECK_OK(wax_cms_sign_new(&s, &p, wax_buf_sink(&cms)));
    CHECK_OK(wax_sink_write(wax_cms_sign_sink(s), MSG));
    CHECK_ERR(wax_sink_close(wax_cms_sign_sink(s)), WAX_ERR_LIMIT_EXCEEDED);
    CHECK_ERR(wax_sink_write(wax_cms_sign_sink(s), MSG),
              WAX_ERR_LIMIT_EXCEEDED);
    CHECK(!cms.closed);
    wax_cms_sign_free(s);
    wax_buf_cleanup(&cms);

    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(wax_cms_sign_new(&s, &p, wax_buf_sink(&cms)));
    CHECK_OK(wax_sink_close(wax_cms_sign_sink(s)));
    CHECK_ERR(wax_sink_write(wax_cms_sign_sink(s), MSG), WAX_ERR_SINK_CLOSED);
    CHECK_ERR(wax_sink_close(wax_cms_sign_sink(s)), WAX_ERR_SINK_CLOSED);
    wax_cms_sign_free(s);
    wax_cms_sign_free(NULL);
    wax_buf_cleanup(&cms);
}

/* ------------------------------------------------------------------ */
/* Hand-built structures for the decoder rules.                        */

struct blob {
    uint8_t d[4096];
    size_t len;
};

static struct blob
b_build(wax_err (*fn)(struct wax_der_builder *, const void *), const void *arg)
{
    struct blob b = {{0}, 0};
    struct wax_der_builder db;
    uint8_t *out;
    wax_der_builder_init_fixed(&db, b.d, sizeof(b.d));
    if (fn(&db, arg) != WAX_OK ||
        wax_der_builder_finish(&db, &out, &b.len) != WAX_OK) {
        b.len = 0;
    }
    return b;
}

static wax_err
fn_oid(struct wax_der_builder *b, const void *arg)
{
    return add_oid(b, *(const enum wax_oid_id *)arg);
}

static struct blob
b_oid(enum wax_oid_id id)
{
    return b_build(fn_oid, &id);
}

static struct blob
b_raw(const uint8_t *p, size_t len)
{
    struct blob b = {{0}, 0};
    memcpy(b.d, p, len);
    b.len = len;
    return b;
}

static struct blob
b_octets(const uint8_t *p, size_t len)
{
    struct blob b = {{0}, 0};
    struct wax_der_builder db;
    uint8_t *out;
    wax_der_builder_init_fixed(&db, b.d, sizeof(b.d));
    if (wax_der_builder_add_octet_string(&db, p, len) != WAX_OK ||
        wax_der_builder_finish(&db, &out, &b.len) != WAX_OK) {
        b.len = 0;
    }
    return b;
}

static struct blob
b_time(uint32_t tag, const char *text)
{
    struct blob b = {{0}, 0};
    b.d[0] = (uint8_t)tag;
    b.d[1] = (uint8_t)strlen(text);
    memcpy(b.d + 2, text, strlen(text));
    b.len = 2 + strlen(text);
    return b;
}

/* Attribute { TYPE, SET { VALUES... } } with N values (unsorted). */
static struct blob
b_attr(enum wax_oid_id type, const struct blob *values, size_t n)
{
    struct blob b = {{0}, 0};
    struct wax_der_builder db, seq, set;
    uint8_t *out;
    wax_der_builder_init_fixed(&db, b.d, sizeof(b.d));
    wax_err err = wax_der_builder_open(&db, WAX_DER_SEQUENCE, &seq);
    if (err == WAX_OK) {
        err = add_oid(&seq, type);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_open(&seq, WAX_DER_SET, &set);
    }
    for (size_t i = 0; i < n && err == WAX_OK; i++) {
        err = wax_der_builder_add_bytes(&set, values[i].d, values[i].len);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&seq);
    }
    if (err != WAX_OK || wax_der_builder_finish(&db, &out, &b.len) != WAX_OK) {
        b.len = 0;
    }
    return b;
}

static struct blob
b_attr1(enum wax_oid_id type, struct blob value)
{
    return b_attr(type, &value, 1);
}

/* One signer of a forged SignedData. */
struct fsigner {
    int key;
    int version;                 /* 0: 1, or 3 with SKI */
    bool ski;                    /* sid subjectKeyIdentifier */
    enum wax_digest_alg digest;  /* 0: SHA-256 (SHA-512 for Ed25519) */
    const struct blob *dig_alg;  /* digestAlgorithm override */
    const struct blob *sig_alg;  /* signatureAlgorithm override */
    struct wax_sig_alg sign_alg; /* how to sign (scheme 0: the key's) */
    bool no_attrs;
    const struct blob *attrs; /* NULL: content-type and message-digest */
    size_t num_attrs;
    bool sorted;          /* sort ATTRS in the encoding */
    bool sign_as_encoded; /* sign the encoding, not the DER re-encoding */
    bool attrs_long_len;  /* [0] with a non-minimal length */
    const struct blob *unsigned_attrs;
    size_t num_unsigned;
    bool corrupt_sig;
    const struct blob *sid; /* SignerIdentifier override */
};

struct forge {
    struct fsigner *signers;
    size_t num_signers;
    int version;            /* 0: 1 (or 3 when a signer uses the SKI) */
    const struct blob *ect; /* eContentType OID TLV; NULL: id-data */
    bool detached;
    bool no_certs;
    const struct blob *econtent;    /* the [0] contents; NULL: OCTET STRING */
    const struct blob *outer_ct;    /* ContentInfo contentType override */
    const struct blob *digest_algs; /* SET override */
    size_t cert_copies;             /* more copies of the first cert */
    size_t num_crls;                /* dummy RevocationInfoChoices */
    const uint8_t *content;
    size_t content_len;
};

static enum wax_digest_alg
fs_digest(const struct fsigner *s)
{
    if (s->digest != WAX_DIGEST_NONE) {
        return s->digest;
    }
    return s->key == K_ED ? WAX_DIGEST_SHA512 : WAX_DIGEST_SHA256;
}

static wax_err
add_algid(struct wax_der_builder *b, enum wax_oid_id id, bool null_params)
{
    struct wax_der_builder seq;
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &seq));
    WAX_TRY(add_oid(&seq, id));
    if (null_params) {
        WAX_TRY(wax_der_builder_add_null(&seq));
    }
    return wax_der_builder_close(&seq);
}

static enum wax_oid_id
digest_oid(enum wax_digest_alg d)
{
    switch (d) {
    case WAX_DIGEST_MD5:
        return WAX_OID_MD5;
    case WAX_DIGEST_SHA1:
        return WAX_OID_SHA1;
    case WAX_DIGEST_SHA224:
        return WAX_OID_SHA224;
    case WAX_DIGEST_SHA384:
        return WAX_OID_SHA384;
    case WAX_DIGEST_SHA512:
        return WAX_OID_SHA512;
    default:
        return WAX_OID_SHA256;
    }
}

/* The signed attributes of S as a SET TLV: sorted when SORTED. */
static wax_err
fs_attrs(const struct forge *f, const struct fsigner *s, bool sorted,
         uint8_t **out, size_t *out_len)
{
    struct blob defaults[2];
    const struct blob *attrs = s->attrs;
    size_t n = s->num_attrs;
    if (attrs == NULL) {
        uint8_t md[WAX_MAX_DIGEST_BYTES];
        size_t md_len;
        WAX_TRY(wax_digest_compute(fs_digest(s), md, sizeof(md), &md_len,
                                   f->content, f->content_len));
        defaults[0] = b_attr1(WAX_OID_PKCS9_CONTENT_TYPE,
                              f->ect ? *f->ect : b_oid(WAX_OID_CT_DATA));
        defaults[1] =
            b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, b_octets(md, md_len));
        attrs = defaults;
        n = 2;
    }
    struct wax_der_builder b, set;
    wax_der_builder_init(&b, 1 << 16);
    wax_err err = wax_der_builder_open(&b, WAX_DER_SET, &set);
    for (size_t i = 0; i < n && err == WAX_OK; i++) {
        err = wax_der_builder_add_bytes(&set, attrs[i].d, attrs[i].len);
    }
    if (err == WAX_OK && sorted) {
        err = wax_der_builder_sort_set(&set);
    }
    if (err == WAX_OK) {
        err = wax_der_builder_close(&set);
    }
    wax_err ferr = wax_der_builder_finish(&b, out, out_len);
    wax_der_builder_cleanup(&b);
    return err != WAX_OK ? err : ferr;
}

static wax_err
fs_sig_alg(struct wax_der_builder *b, const struct fsigner *s)
{
    if (s->sig_alg != NULL) {
        return wax_der_builder_add_bytes(b, s->sig_alg->d, s->sig_alg->len);
    }
    switch (wax_privkey_type(g_key[s->key])) {
    case WAX_KEY_EC:
        return add_algid(b,
                         fs_digest(s) == WAX_DIGEST_SHA384
                             ? WAX_OID_ECDSA_WITH_SHA384
                             : WAX_OID_ECDSA_WITH_SHA256,
                         false);
    case WAX_KEY_ED25519:
        return add_algid(b, WAX_OID_ED25519, false);
    default:
        return add_algid(b, WAX_OID_RSA_ENCRYPTION, true);
    }
}

static wax_err
fs_signer_info(const struct forge *f, const struct fsigner *s,
               struct wax_der_builder *set)
{
    struct wax_x509_cert cert;
    struct wax_der_builder si, sid;
    uint8_t *enc = NULL, *signed_der = NULL, sig[WAX_MAX_SIG_BYTES];
    size_t enc_len = 0, signed_len = 0, sig_len = 0;
    WAX_TRY(wax_x509_cert_parse(&cert, g_cert[s->key], g_cert_len[s->key]));
    struct wax_sig_alg alg = s->sign_alg;
    if (alg.scheme == WAX_SIG_NONE) {
        alg = key_sig_alg(s->key, fs_digest(s));
    }
    wax_err err = WAX_OK;
    if (s->no_attrs) {
        err = wax_privkey_sign(g_key[s->key], &alg, sig, sizeof(sig), &sig_len,
                               f->content, f->content_len);
    } else {
        err = fs_attrs(f, s, s->sorted, &enc, &enc_len);
        if (err == WAX_OK) {
            err = fs_attrs(f, s, !s->sign_as_encoded, &signed_der, &signed_len);
        }
        if (err == WAX_OK) {
            err = wax_privkey_sign(g_key[s->key], &alg, sig, sizeof(sig),
                                   &sig_len, signed_der, signed_len);
        }
    }
    if (s->corrupt_sig && sig_len > 0) {
        sig[sig_len / 2] ^= 0x01;
    }
#define T(x)                                                                   \
    if (err == WAX_OK)                                                         \
    err = (x)
    T(wax_der_builder_open(set, WAX_DER_SEQUENCE, &si));
    T(wax_der_builder_add_u64(&si, s->version ? (uint64_t)s->version
                                              : (s->ski ? 3 : 1)));
    if (s->sid != NULL) {
        T(wax_der_builder_add_bytes(&si, s->sid->d, s->sid->len));
    } else if (s->ski) {
        T(wax_der_builder_add_primitive(&si, WAX_DER_CONTEXT_TAG(0),
                                        cert.info.ski.p, cert.info.ski.len));
    } else {
        T(wax_der_builder_open(&si, WAX_DER_SEQUENCE, &sid));
        T(wax_der_builder_add_element(&sid, cert.issuer.p, cert.issuer.len));
        T(wax_der_builder_add_primitive(&sid, WAX_DER_INTEGER, cert.serial.p,
                                        cert.serial.len));
        T(wax_der_builder_close(&sid));
    }
    if (s->dig_alg != NULL) {
        T(wax_der_builder_add_bytes(&si, s->dig_alg->d, s->dig_alg->len));
    } else {
        T(add_algid(&si, digest_oid(fs_digest(s)), false));
    }
    if (!s->no_attrs && enc != NULL) {
        struct wax_span a, body;
        wax_span_init(&a, enc, enc_len);
        if (!wax_der_get(&a, WAX_DER_SET, &body)) {
            err = WAX_ERR_INTERNAL;
        }
        if (s->attrs_long_len && body.len < 256) {
            uint8_t h[3] = {0xA0, 0x81, (uint8_t)body.len};
            T(wax_der_builder_add_bytes(&si, h, 3));
            T(wax_der_builder_add_bytes(&si, body.p, body.len));
        } else {
            T(wax_der_builder_add_primitive(&si, WAX_DER_CONTEXT_CONS(0),
                                            body.p, body.len));
        }
    }
    T(fs_sig_alg(&si, s));
    T(wax_der_builder_add_octet_string(&si, sig, sig_len));
    if (s->num_unsigned > 0) {
        struct wax_der_builder u;
        T(wax_der_builder_open(&si, WAX_DER_CONTEXT_CONS(1), &u));
        for (size_t i = 0; i < s->num_unsigned; i++) {
            T(wax_der_builder_add_bytes(&u, s->unsigned_attrs[i].d,
                                        s->unsigned_attrs[i].len));
        }
        T(wax_der_builder_close(&u));
    }
    T(wax_der_builder_close(&si));
#undef T
    free(enc);
    free(signed_der);
    return err;
}

static wax_err
forge_build(const struct forge *f, struct wax_der_builder *b)
{
    struct wax_der_builder ci, x, sd, set, encap, ec, certs;
    int version = f->version;
    if (version == 0) {
        version = 1;
        for (size_t i = 0; i < f->num_signers; i++) {
            if (f->signers[i].ski) {
                version = 3;
            }
        }
        if (f->ect != NULL) {
            version = 3;
        }
    }
    WAX_TRY(wax_der_builder_open(b, WAX_DER_SEQUENCE, &ci));
    if (f->outer_ct != NULL) {
        WAX_TRY(
            wax_der_builder_add_bytes(&ci, f->outer_ct->d, f->outer_ct->len));
    } else {
        WAX_TRY(add_oid(&ci, WAX_OID_CT_SIGNED_DATA));
    }
    WAX_TRY(wax_der_builder_open(&ci, WAX_DER_CONTEXT_CONS(0), &x));
    WAX_TRY(wax_der_builder_open(&x, WAX_DER_SEQUENCE, &sd));
    WAX_TRY(wax_der_builder_add_u64(&sd, (uint64_t)version));
    if (f->digest_algs != NULL) {
        WAX_TRY(wax_der_builder_add_bytes(&sd, f->digest_algs->d,
                                          f->digest_algs->len));
    } else {
        bool have[8] = {false};
        WAX_TRY(wax_der_builder_open(&sd, WAX_DER_SET, &set));
        for (size_t i = 0; i < f->num_signers; i++) {
            enum wax_digest_alg d = fs_digest(&f->signers[i]);
            if (!have[d]) {
                have[d] = true;
                WAX_TRY(add_algid(&set, digest_oid(d), false));
            }
        }
        WAX_TRY(wax_der_builder_sort_set(&set));
        WAX_TRY(wax_der_builder_close(&set));
    }
    WAX_TRY(wax_der_builder_open(&sd, WAX_DER_SEQUENCE, &encap));
    if (f->ect != NULL) {
        WAX_TRY(wax_der_builder_add_bytes(&encap, f->ect->d, f->ect->len));
    } else {
        WAX_TRY(add_oid(&encap, WAX_OID_CT_DATA));
    }
    if (!f->detached) {
        WAX_TRY(wax_der_builder_open(&encap, WAX_DER_CONTEXT_CONS(0), &ec));
        if (f->econtent != NULL) {
            WAX_TRY(wax_der_builder_add_bytes(&ec, f->econtent->d,
                                              f->econtent->len));
        } else {
            WAX_TRY(wax_der_builder_add_octet_string(&ec, f->content,
                                                     f->content_len));
        }
        WAX_TRY(wax_der_builder_close(&ec));
    }
    WAX_TRY(wax_der_builder_close(&encap));
    if (!f->no_certs) {
        bool have[NUM_KEYS] = {false};
        WAX_TRY(wax_der_builder_open(&sd, WAX_DER_CONTEXT_CONS(0), &certs));
        for (size_t i = 0; i < f->num_signers; i++) {
            int k = f->signers[i].key;
            if (!have[k]) {
                have[k] = true;
                WAX_TRY(wax_der_builder_add_element(&certs, g_cert[k],
                                                    g_cert_len[k]));
            }
        }
        for (size_t i = 0; i < f->cert_copies; i++) {
            int k = f->signers[0].key;
            WAX_TRY(
                wax_der_builder_add_element(&certs, g_cert[k], g_cert_len[k]));
        }
        WAX_TRY(wax_der_builder_close(&certs));
    }
    if (f->num_crls > 0) {
        /* opaque to the verifier: copied out for the path layer */
        static const uint8_t dummy[] = {0x30, 0x03, 0x02, 0x01, 0x01};
        WAX_TRY(wax_der_builder_open(&sd, WAX_DER_CONTEXT_CONS(1), &certs));
        for (size_t i = 0; i < f->num_crls; i++) {
            WAX_TRY(wax_der_builder_add_element(&certs, dummy, sizeof(dummy)));
        }
        WAX_TRY(wax_der_builder_close(&certs));
    }
    WAX_TRY(wax_der_builder_open(&sd, WAX_DER_SET, &set));
    for (size_t i = 0; i < f->num_signers; i++) {
        WAX_TRY(fs_signer_info(f, &f->signers[i], &set));
    }
    WAX_TRY(wax_der_builder_close(&set));
    WAX_TRY(wax_der_builder_close(&sd));
    WAX_TRY(wax_der_builder_close(&x));
    return wax_der_builder_close(&ci);
}

static wax_err
forge_der(const struct forge *f, uint8_t **out, size_t *out_len)
{
    struct wax_der_builder b;
    wax_der_builder_init(&b, 4 << 20);
    wax_err err = forge_build(f, &b);
    wax_err ferr = wax_der_builder_finish(&b, out, out_len);
    wax_der_builder_cleanup(&b);
    return err != WAX_OK ? err : ferr;
}

/* forge_verify builds F and verifies it with options O: the result of
 * finish (or of the stream), *OUT_SIGNER0 the first signer's error. */
static wax_err
forge_verify(const struct forge *f, const struct vopts *o,
             struct wax_cms_signed_result *res)
{
    uint8_t *der = NULL;
    size_t len = 0;
    WAX_TRY(forge_der(f, &der, &len));
    struct vopts def = {0};
    def.detached = f->detached;
    wax_err err = verify_with(o != NULL ? o : &def, der, len, f->content,
                              f->content_len, res, NULL);
    free(der);
    return err;
}

static const uint8_t k_content[] = "forged content";

static struct forge
forge1(struct fsigner *s)
{
    struct forge f = {0};
    f.signers = s;
    f.num_signers = 1;
    f.content = k_content;
    f.content_len = sizeof(k_content) - 1;
    return f;
}

static struct blob
md_of(enum wax_digest_alg d, const uint8_t *p, size_t len)
{
    uint8_t md[WAX_MAX_DIGEST_BYTES];
    size_t md_len = 0;
    if (wax_digest_compute(d, md, sizeof(md), &md_len, p, len) != WAX_OK) {
        md_len = 0;
    }
    return b_octets(md, md_len);
}

TEST(forged_baseline_verifies)
{
    SETUP();
    for (int k = 0; k < NUM_KEYS; k++) {
        struct fsigner s = {0};
        s.key = k;
        s.sorted = true;
        struct forge f = forge1(&s);
        struct wax_cms_signed_result res = {0};
        wax_err err = forge_verify(&f, NULL, &res);
        CHECK_MSG(err == WAX_OK, "key %d: %s", k, wax_err_name(err));
        wax_cms_signed_result_cleanup(&res);
    }
}

/* One row per signed-attribute rule: the attributes and the error. */
TEST(signed_attribute_rules)
{
    SETUP();
    struct blob md = md_of(WAX_DIGEST_SHA256, k_content, sizeof(k_content) - 1);
    struct blob wrong_md = md_of(WAX_DIGEST_SHA256, (const uint8_t *)"x", 1);
    struct blob ct =
        b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA));
    struct blob mda = b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, md);
    struct blob two_oids[2] = {b_oid(WAX_OID_CT_DATA), b_oid(WAX_OID_CT_DATA)};
    struct blob two_mds[2] = {md, wrong_md};
    struct blob ct_receipt =
        b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_RECEIPT));
    struct blob st_utc = b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                                 b_time(WAX_DER_UTC_TIME, "231114221320Z"));
    struct blob st_gen_2023 =
        b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                b_time(WAX_DER_GENERALIZED_TIME, "20231114221320Z"));
    struct blob st_gen_2050 =
        b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                b_time(WAX_DER_GENERALIZED_TIME, "20500101000000Z"));
    struct blob st_bad = b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                                 b_time(WAX_DER_UTC_TIME, "231314221320Z"));
    struct blob st_int = b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                                 b_raw((const uint8_t *)"\x02\x01\x05", 3));
    struct blob two_times[2] = {b_time(WAX_DER_UTC_TIME, "231114221320Z"),
                                b_time(WAX_DER_UTC_TIME, "231114221321Z")};
    struct blob md_int = b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST,
                                 b_raw((const uint8_t *)"\x02\x01\x05", 3));
    struct blob ct_octets = b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, md);
    struct blob empty_values = b_attr(WAX_OID_AA_CONTENT_HINT, NULL, 0);
    struct blob caps_bad = b_attr1(WAX_OID_PKCS9_SMIME_CAPABILITIES,
                                   b_raw((const uint8_t *)"\x05\x00", 2));
    struct blob ekp_bad = b_attr1(WAX_OID_AA_ENCRYPTION_KEY_PREFERENCE,
                                  b_raw((const uint8_t *)"\x05\x00", 2));
    struct blob unknown =
        b_attr1(WAX_OID_AA_CONTENT_HINT, b_raw((const uint8_t *)"\x30\x00", 2));
    struct blob scv2_bad;
    {
        /* SigningCertificateV2 naming another certificate's hash */
        uint8_t h[32];
        size_t hl;
        struct wax_der_builder db, a, c, id;
        uint8_t *out;
        struct blob v = {{0}, 0};
        if (wax_digest_compute(WAX_DIGEST_SHA256, h, sizeof(h), &hl,
                               g_cert[K_EC], g_cert_len[K_EC]) != WAX_OK) {
            hl = 0;
        }
        wax_der_builder_init_fixed(&db, v.d, sizeof(v.d));
        if (wax_der_builder_open(&db, WAX_DER_SEQUENCE, &a) != WAX_OK ||
            wax_der_builder_open(&a, WAX_DER_SEQUENCE, &c) != WAX_OK ||
            wax_der_builder_open(&c, WAX_DER_SEQUENCE, &id) != WAX_OK ||
            wax_der_builder_add_octet_string(&id, h, hl) != WAX_OK ||
            wax_der_builder_close(&id) != WAX_OK ||
            wax_der_builder_close(&c) != WAX_OK ||
            wax_der_builder_close(&a) != WAX_OK ||
            wax_der_builder_finish(&db, &out, &v.len) != WAX_OK) {
            v.len = 0;
        }
        scv2_bad = b_attr1(WAX_OID_AA_SIGNING_CERTIFICATE_V2, v);
    }

    struct {
        const char *name;
        struct blob attrs[4];
        size_t n;
        wax_err want;
    } rows[] = {
        {"baseline", {ct, mda}, 2, WAX_OK},
        {"with UTCTime signing-time", {ct, mda, st_utc}, 3, WAX_OK},
        {"GeneralizedTime from 2050", {ct, mda, st_gen_2050}, 3, WAX_OK},
        {"unknown attribute", {ct, mda, unknown}, 3, WAX_OK},
        {"no content-type", {mda}, 1, WAX_ERR_CMS_NO_CONTENT_TYPE_ATTR},
        {"no message-digest", {ct}, 1, WAX_ERR_CMS_NO_MESSAGE_DIGEST_ATTR},
        {"two content-type attributes",
         {ct, ct, mda},
         3,
         WAX_ERR_CMS_DUPLICATE_ATTR},
        {"two message-digest attributes",
         {ct, mda, mda},
         3,
         WAX_ERR_CMS_DUPLICATE_ATTR},
        {"content-type with two values",
         {b_attr(WAX_OID_PKCS9_CONTENT_TYPE, two_oids, 2), mda},
         2,
         WAX_ERR_CMS_ATTR_NOT_SINGLE_VALUED},
        {"message-digest with two values",
         {ct, b_attr(WAX_OID_PKCS9_MESSAGE_DIGEST, two_mds, 2)},
         2,
         WAX_ERR_CMS_ATTR_NOT_SINGLE_VALUED},
        {"content-type differs",
         {ct_receipt, mda},
         2,
         WAX_ERR_CMS_CONTENT_TYPE_MISMATCH},
        {"content-type not an OID", {ct_octets, mda}, 2, WAX_ERR_CMS_BAD_ATTR},
        {"message-digest not an OCTET STRING",
         {ct, md_int},
         2,
         WAX_ERR_CMS_BAD_ATTR},
        {"wrong message digest",
         {ct, b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, wrong_md)},
         2,
         WAX_ERR_CMS_DIGEST_MISMATCH},
        {"GeneralizedTime before 2050",
         {ct, mda, st_gen_2023},
         3,
         WAX_ERR_CMS_BAD_SIGNING_TIME},
        /* the BER reader checks every captured primitive value: a
         * month 13 fails the whole object with the DER code */
        {"invalid UTCTime", {ct, mda, st_bad}, 3, WAX_ERR_DER_BAD_TIME},
        {"signing-time not a time",
         {ct, mda, st_int},
         3,
         WAX_ERR_CMS_BAD_SIGNING_TIME},
        {"signing-time with two values",
         {ct, mda, b_attr(WAX_OID_PKCS9_SIGNING_TIME, two_times, 2)},
         3,
         WAX_ERR_CMS_ATTR_NOT_SINGLE_VALUED},
        {"two signing-time attributes",
         {ct, mda, st_utc, st_utc},
         4,
         WAX_ERR_CMS_DUPLICATE_ATTR},
        {"attribute without values",
         {ct, mda, empty_values},
         3,
         WAX_ERR_CMS_BAD_ATTR},
        {"SMIMECapabilities not a SEQUENCE",
         {ct, mda, caps_bad},
         3,
         WAX_ERR_CMS_BAD_ATTR},
        {"SMIMEEncryptionKeyPreference not a CHOICE arm",
         {ct, mda, ekp_bad},
         3,
         WAX_ERR_CMS_BAD_ATTR},
        {"signingCertificateV2 of another certificate",
         {ct, mda, scv2_bad},
         3,
         WAX_ERR_CMS_SIGNING_CERT_MISMATCH},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct fsigner s = {0};
        s.key = K_RSA;
        s.attrs = rows[i].attrs;
        s.num_attrs = rows[i].n;
        s.sorted = true;
        struct forge f = forge1(&s);
        struct wax_cms_signed_result res = {0};
        wax_err err = forge_verify(&f, NULL, &res);
        CHECK_MSG(err == rows[i].want, "%s: got %s, want %s", rows[i].name,
                  wax_err_name(err), wax_err_name(rows[i].want));
        CHECK_MSG(
            rows[i].want == WAX_ERR_DER_BAD_TIME ||
                (res.num_signers == 1 && res.signers[0].err == rows[i].want),
            "%s: signer result", rows[i].name);
        wax_cms_signed_result_cleanup(&res);
    }
}

TEST(signing_time_value_reported)
{
    SETUP();
    struct blob md = md_of(WAX_DIGEST_SHA256, k_content, sizeof(k_content) - 1);
    struct blob attrs[3] = {
        b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA)),
        b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, md),
        b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                b_time(WAX_DER_UTC_TIME, "491231235959Z")),
    };
    struct fsigner s = {0};
    s.key = K_EC;
    s.attrs = attrs;
    s.num_attrs = 3;
    s.sorted = true;
    struct forge f = forge1(&s);
    struct wax_cms_signed_result res = {0};
    CHECK_OK(forge_verify(&f, NULL, &res));
    CHECK(res.signers[0].has_signing_time);
    CHECK_EQ_I64(res.signers[0].signing_time, 2524607999);
    wax_cms_signed_result_cleanup(&res);
}

/* SET OF order: unsorted attributes are checked over the DER re-encoding
 * (RFC 5652 §5.4), so a signature over the unsorted bytes fails. */
TEST(unsorted_signed_attributes)
{
    SETUP();
    struct blob md = md_of(WAX_DIGEST_SHA256, k_content, sizeof(k_content) - 1);
    /* messageDigest (…9.4) sorts after contentType (…9.3): put it first,
     * and signingTime (…9.5) in the middle */
    struct blob attrs[3] = {
        b_attr1(WAX_OID_PKCS9_SIGNING_TIME,
                b_time(WAX_DER_UTC_TIME, "231114221320Z")),
        b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, md),
        b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA)),
    };
    for (int as_encoded = 0; as_encoded < 2; as_encoded++) {
        struct fsigner s = {0};
        s.key = K_RSA;
        s.attrs = attrs;
        s.num_attrs = 3;
        s.sorted = false;
        s.sign_as_encoded = as_encoded;
        struct forge f = forge1(&s);
        struct wax_cms_signed_result res = {0};
        CHECK_ERR(forge_verify(&f, NULL, &res),
                  as_encoded ? WAX_ERR_CMS_SIGNATURE_INVALID : WAX_OK);
        CHECK(res.signers[0].attrs_reordered);
        wax_cms_signed_result_cleanup(&res);
    }
    /* a sorted encoding signed as is: not reordered */
    struct fsigner s = {0};
    s.key = K_RSA;
    s.attrs = attrs;
    s.num_attrs = 3;
    s.sorted = true;
    struct forge f = forge1(&s);
    struct wax_cms_signed_result res = {0};
    CHECK_OK(forge_verify(&f, NULL, &res));
    CHECK(!res.signers[0].attrs_reordered);
    wax_cms_signed_result_cleanup(&res);
}

TEST(signer_info_rules)
{
    SETUP();
    struct blob sha1_id = {{0}, 0}, md5_id, sha3_id, sha384_rsa, ecdsa_id,
                unknown_sig;
    {
        /* AlgorithmIdentifiers built by hand */
        static const uint8_t sha1[] = {0x30, 0x07, 0x06, 0x05, 0x2B,
                                       0x0E, 0x03, 0x02, 0x1A};
        static const uint8_t md5[] = {0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48,
                                      0x86, 0xF7, 0x0D, 0x02, 0x05, 0x05, 0x00};
        static const uint8_t sha3[] = {0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48,
                                       0x01, 0x65, 0x03, 0x04, 0x02, 0x08};
        static const uint8_t s384rsa[] = {0x30, 0x0D, 0x06, 0x09, 0x2A,
                                          0x86, 0x48, 0x86, 0xF7, 0x0D,
                                          0x01, 0x01, 0x0C, 0x05, 0x00};
        static const uint8_t ecdsa256[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86,
                                           0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
        static const uint8_t unk[] = {0x30, 0x05, 0x06, 0x03, 0x2A, 0x03, 0x04};
        sha1_id = b_raw(sha1, sizeof(sha1));
        md5_id = b_raw(md5, sizeof(md5));
        sha3_id = b_raw(sha3, sizeof(sha3));
        sha384_rsa = b_raw(s384rsa, sizeof(s384rsa));
        ecdsa_id = b_raw(ecdsa256, sizeof(ecdsa256));
        unknown_sig = b_raw(unk, sizeof(unk));
    }
    struct blob st_unsigned = b_attr1(
        WAX_OID_PKCS9_SIGNING_TIME, b_time(WAX_DER_UTC_TIME, "231114221320Z"));
    struct blob ct_unsigned =
        b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA));
    struct blob hint_unsigned =
        b_attr1(WAX_OID_AA_CONTENT_HINT, b_raw((const uint8_t *)"\x30\x00", 2));

    struct row {
        const char *name;
        struct fsigner s;
        bool allow_weak;
        wax_err want;
        bool want_weak;
    } rows[20];
    size_t n = 0;
    memset(rows, 0, sizeof(rows));
#define ROW(nm, want_err)                                                      \
    rows[n].name = nm;                                                         \
    rows[n].s.key = K_RSA;                                                     \
    rows[n].s.sorted = true;                                                   \
    rows[n].want = want_err;                                                   \
    struct fsigner *s_ = &rows[n++].s;                                         \
    (void)s_
    {
        ROW("SHA-1 digest refused", WAX_ERR_CMS_WEAK_DIGEST);
        s_->digest = WAX_DIGEST_SHA1;
    }
    {
        ROW("SHA-1 digest with allow_weak", WAX_OK);
        s_->digest = WAX_DIGEST_SHA1;
        rows[n - 1].allow_weak = true;
        rows[n - 1].want_weak = true;
    }
    {
        ROW("MD5 digest refused", WAX_ERR_CMS_WEAK_DIGEST);
        s_->digest = WAX_DIGEST_MD5;
        s_->dig_alg = &md5_id;
    }
    {
        ROW("SHA-1 digestAlgorithm with SHA-256 hashing",
            WAX_ERR_CMS_WEAK_DIGEST);
        s_->dig_alg = &sha1_id;
    }
    {
        ROW("unknown digest algorithm", WAX_ERR_CMS_UNSUPPORTED_DIGEST);
        s_->dig_alg = &sha3_id;
    }
    {
        ROW("sha384WithRSA with a SHA-256 digest",
            WAX_ERR_CMS_SIG_DIGEST_MISMATCH);
        s_->sig_alg = &sha384_rsa;
    }
    {
        ROW("unknown signature algorithm", WAX_ERR_CMS_UNSUPPORTED_SIG_ALG);
        s_->sig_alg = &unknown_sig;
    }
    {
        ROW("ECDSA algorithm with an RSA key", WAX_ERR_CMS_KEY_ALG_MISMATCH);
        s_->sig_alg = &ecdsa_id;
    }
    {
        ROW("corrupted signature", WAX_ERR_CMS_SIGNATURE_INVALID);
        s_->corrupt_sig = true;
    }
    {
        ROW("SignerInfo v3 with issuerAndSerialNumber",
            WAX_ERR_CMS_BAD_VERSION);
        s_->version = 3;
    }
    {
        ROW("SignerInfo v1 with subjectKeyIdentifier", WAX_ERR_CMS_BAD_VERSION);
        s_->version = 1;
        s_->ski = true;
    }
    {
        ROW("SignerInfo v2", WAX_ERR_CMS_BAD_VERSION);
        s_->version = 2;
    }
    {
        ROW("signed attributes not DER", WAX_ERR_CMS_SIGNED_ATTRS_NOT_DER);
        s_->attrs_long_len = true;
    }
    {
        ROW("signing-time among the unsigned attributes",
            WAX_ERR_CMS_UNSIGNED_ATTR_NOT_ALLOWED);
        s_->unsigned_attrs = &st_unsigned;
        s_->num_unsigned = 1;
    }
    {
        ROW("content-type among the unsigned attributes",
            WAX_ERR_CMS_UNSIGNED_ATTR_NOT_ALLOWED);
        s_->unsigned_attrs = &ct_unsigned;
        s_->num_unsigned = 1;
    }
    {
        ROW("other unsigned attribute", WAX_OK);
        s_->unsigned_attrs = &hint_unsigned;
        s_->num_unsigned = 1;
    }
    {
        ROW("no signed attributes, id-data, RSA", WAX_OK);
        s_->no_attrs = true;
    }
    {
        ROW("no signed attributes, id-data, Ed25519", WAX_OK);
        s_->no_attrs = true;
        s_->key = K_ED;
    }
    {
        ROW("no signed attributes, bad signature",
            WAX_ERR_CMS_SIGNATURE_INVALID);
        s_->no_attrs = true;
        s_->key = K_EC;
        s_->corrupt_sig = true;
    }
#undef ROW
    for (size_t i = 0; i < n; i++) {
        struct forge f = forge1(&rows[i].s);
        struct vopts o = {0};
        o.allow_weak = rows[i].allow_weak;
        struct wax_cms_signed_result res = {0};
        wax_err err = forge_verify(&f, &o, &res);
        CHECK_MSG(err == rows[i].want, "%s: got %s, want %s", rows[i].name,
                  wax_err_name(err), wax_err_name(rows[i].want));
        CHECK_MSG(res.num_signers == 1 && res.signers[0].err == rows[i].want,
                  "%s: signer result", rows[i].name);
        CHECK_MSG(res.signers[0].weak == rows[i].want_weak, "%s: weak flag",
                  rows[i].name);
        wax_cms_signed_result_cleanup(&res);
    }
}

/* Without signed attributes only id-data is allowed (RFC 5652 §5.3). */
TEST(no_signed_attributes_needs_id_data)
{
    SETUP();
    struct blob receipt = b_oid(WAX_OID_CT_RECEIPT);
    struct fsigner s = {0};
    s.key = K_RSA;
    s.no_attrs = true;
    struct forge f = forge1(&s);
    f.ect = &receipt;
    struct wax_cms_signed_result res = {0};
    CHECK_ERR(forge_verify(&f, NULL, &res), WAX_ERR_CMS_NO_SIGNED_ATTRS);
    wax_cms_signed_result_cleanup(&res);
}

/* An EdDSA signer without signed attributes needs the whole content. */
TEST(eddsa_without_attributes_content_limit)
{
    SETUP();
    size_t len = WAX_MAX_CMS_EDDSA_CONTENT_BYTES + 1;
    uint8_t *content = calloc(1, len);
    CHECK(content != NULL);
    struct fsigner s = {0};
    s.key = K_ED;
    s.no_attrs = true;
    struct forge f = forge1(&s);
    f.content = content;
    f.content_len = len;
    f.detached = true;
    struct wax_cms_signed_result res = {0};
    wax_err err = forge_verify(&f, NULL, &res);
    wax_cms_signed_result_cleanup(&res);
    CHECK_ERR(err, WAX_ERR_CMS_CONTENT_TOO_LARGE);
    f.content_len = len - 1;
    err = forge_verify(&f, NULL, &res);
    wax_cms_signed_result_cleanup(&res);
    free(content);
    CHECK_ERR(err, WAX_OK);
}

TEST(signed_data_structure_rules)
{
    SETUP();
    struct blob enveloped = b_oid(WAX_OID_CT_ENVELOPED_DATA);
    struct blob not_octets = b_raw((const uint8_t *)"\x30\x00", 2);
    struct blob two_octets = b_raw((const uint8_t *)"\x04\x01x\x04\x01y", 6);
    struct blob seg_wrong = b_raw((const uint8_t *)"\x24\x03\x0C\x01x", 5);
    struct blob many_digests;
    {
        many_digests.len = 0;
        uint8_t *p = many_digests.d;
        size_t count = WAX_MAX_CMS_DIGEST_ALGS + 1;
        p[0] = 0x31;
        p[1] = 0x81;
        p[2] = (uint8_t)(count * 13);
        for (size_t i = 0; i < count; i++) {
            static const uint8_t sha256[] = {0x30, 0x0B, 0x06, 0x09, 0x60,
                                             0x86, 0x48, 0x01, 0x65, 0x03,
                                             0x04, 0x02, 0x01};
            memcpy(p + 3 + i * 13, sha256, 13);
        }
        many_digests.len = 3 + count * 13;
    }
    struct {
        const char *name;
        int version;
        const struct blob *outer_ct;
        const struct blob *econtent;
        const struct blob *digest_algs;
        bool detached_object;
        bool detached_param;
        bool no_certs;
        size_t num_signers;
        wax_err want;
    } rows[] = {
        {"baseline", 0, NULL, NULL, NULL, false, false, false, 1, WAX_OK},
        {"SignedData version 3 for v1 contents", 3, NULL, NULL, NULL, false,
         false, false, 1, WAX_ERR_CMS_BAD_VERSION},
        {"SignedData version 2", 2, NULL, NULL, NULL, false, false, false, 1,
         WAX_ERR_CMS_BAD_VERSION},
        {"SignedData version 5 for v1 contents", 5, NULL, NULL, NULL, false,
         false, false, 1, WAX_ERR_CMS_BAD_VERSION},
        {"not SignedData", 0, &enveloped, NULL, NULL, false, false, false, 1,
         WAX_ERR_CMS_UNSUPPORTED_CONTENT},
        {"eContent not an OCTET STRING", 0, NULL, &not_octets, NULL, false,
         false, false, 1, WAX_ERR_CMS_BAD_CONTENT},
        {"two eContent OCTET STRINGs", 0, NULL, &two_octets, NULL, false, false,
         false, 1, WAX_ERR_CMS_BAD_CONTENT},
        {"constructed eContent with a UTF8String segment", 0, NULL, &seg_wrong,
         NULL, false, false, false, 1, WAX_ERR_CMS_BAD_CONTENT},
        {"no content, not detached", 0, NULL, NULL, NULL, true, false, false, 1,
         WAX_ERR_CMS_NO_CONTENT},
        {"content where detached expected", 0, NULL, NULL, NULL, false, true,
         false, 1, WAX_ERR_CMS_CONTENT_PRESENT},
        {"no signers", 0, NULL, NULL, NULL, false, false, false, 0,
         WAX_ERR_CMS_NO_SIGNERS},
        {"no certificates", 0, NULL, NULL, NULL, false, false, true, 1,
         WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND},
        {"too many signers", 0, NULL, NULL, NULL, false, false, false,
         WAX_MAX_CMS_SIGNERS + 1, WAX_ERR_CMS_TOO_MANY_SIGNERS},
        {"too many digest algorithms", 0, NULL, NULL, &many_digests, false,
         false, false, 1, WAX_ERR_CMS_TOO_MANY_DIGEST_ALGS},
    };
    struct fsigner signers[WAX_MAX_CMS_SIGNERS + 1];
    memset(signers, 0, sizeof(signers));
    for (size_t i = 0; i <= WAX_MAX_CMS_SIGNERS; i++) {
        signers[i].key = K_EC;
        signers[i].sorted = true;
    }
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct forge f = forge1(signers);
        f.num_signers = rows[i].num_signers;
        f.version = rows[i].version;
        f.outer_ct = rows[i].outer_ct;
        f.econtent = rows[i].econtent;
        f.digest_algs = rows[i].digest_algs;
        f.detached = rows[i].detached_object;
        f.no_certs = rows[i].no_certs;
        uint8_t *der = NULL;
        size_t len = 0;
        CHECK_OK(forge_der(&f, &der, &len));
        struct vopts o = {0};
        o.detached = rows[i].detached_param;
        struct wax_cms_signed_result res = {0};
        wax_err err =
            verify_with(&o, der, len, f.content, f.content_len, &res, NULL);
        free(der);
        wax_cms_signed_result_cleanup(&res);
        CHECK_MSG(err == rows[i].want, "%s: got %s, want %s", rows[i].name,
                  wax_err_name(err), wax_err_name(rows[i].want));
    }
}

/* The signer certificate may come from the caller (EXTRA_CERTS). */
TEST(signer_certificate_from_extra_certs)
{
    SETUP();
    struct fsigner s[2] = {{0}, {0}};
    s[0].key = K_RSA;
    s[0].sorted = true;
    s[1].key = K_ED;
    s[1].ski = true;
    s[1].sorted = true;
    struct forge f = forge1(s);
    f.num_signers = 2;
    f.no_certs = true;
    const uint8_t *extra[3] = {g_cert[K_EC], g_cert[K_ED], g_cert[K_RSA]};
    size_t extra_lens[3] = {g_cert_len[K_EC], g_cert_len[K_ED],
                            g_cert_len[K_RSA]};
    struct vopts o = {0};
    o.extra = extra;
    o.extra_lens = extra_lens;
    o.num_extra = 3;
    struct wax_cms_signed_result res = {0};
    CHECK_OK(forge_verify(&f, &o, &res));
    CHECK_MEM(res.signers[0].cert.der, res.signers[0].cert.len, g_cert[K_RSA],
              g_cert_len[K_RSA]);
    CHECK_MEM(res.signers[1].cert.der, res.signers[1].cert.len, g_cert[K_ED],
              g_cert_len[K_ED]);
    CHECK_EQ_U64(res.num_certs, 0);
    wax_cms_signed_result_cleanup(&res);
    /* only one of the two available: that signer's error */
    o.num_extra = 1;
    CHECK_ERR(forge_verify(&f, &o, &res), WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND);
    CHECK_ERR(res.signers[0].err, WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND);
    CHECK_ERR(res.signers[1].err, WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND);
    o.extra = extra + 1;
    o.extra_lens = extra_lens + 1;
    CHECK_ERR(forge_verify(&f, &o, &res), WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND);
    CHECK_ERR(res.signers[0].err, WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND);
    CHECK_ERR(res.signers[1].err, WAX_OK);
    wax_cms_signed_result_cleanup(&res);
}

/* One bad signer among two: its error, the other's WAX_OK, and the
 * overall verdict fails with the bad signer's error. */
TEST(one_bad_signer_among_two)
{
    SETUP();
    for (int bad = 0; bad < 2; bad++) {
        struct fsigner s[2] = {{0}, {0}};
        s[0].key = K_RSA;
        s[0].sorted = true;
        s[1].key = K_EC;
        s[1].sorted = true;
        s[bad].corrupt_sig = true;
        struct forge f = forge1(s);
        f.num_signers = 2;
        struct wax_cms_signed_result res = {0};
        CHECK_ERR(forge_verify(&f, NULL, &res), WAX_ERR_CMS_SIGNATURE_INVALID);
        CHECK_ERR(res.err, WAX_ERR_CMS_SIGNATURE_INVALID);
        CHECK_EQ_U64(res.num_signers, 2);
        CHECK_ERR(res.signers[bad].err, WAX_ERR_CMS_SIGNATURE_INVALID);
        CHECK_ERR(res.signers[1 - bad].err, WAX_OK);
        wax_cms_signed_result_cleanup(&res);
    }
}

/* Detached content hashed before the object with only the hinted
 * digests: the SHA-384 signer waits, and recheck completes it. */
TEST(digest_not_computed_and_recheck)
{
    SETUP();
    struct wax_cms_signer_params sps[2] = {signer(K_P384), signer(K_RSA)};
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_simple(sps, 2, true, MSG, &cms));
    for (int variant = 0; variant < 3; variant++) {
        struct wax_cms_verify_params p = {0};
        struct wax_cms_verify *v = NULL;
        p.detached = true;
        CHECK_OK(wax_cms_verify_new(&v, &p));
        CHECK_OK(wax_sink_write(wax_cms_verify_content_sink(v), MSG));
        CHECK_OK(wax_sink_close(wax_cms_verify_content_sink(v)));
        CHECK_OK(push(wax_cms_verify_cms_sink(v), cms.data, cms.len, 999));
        CHECK_OK(wax_sink_close(wax_cms_verify_cms_sink(v)));
        struct wax_cms_signed_result res = {0};
        CHECK_ERR(wax_cms_verify_finish(v, &res),
                  WAX_ERR_CMS_DIGEST_NOT_COMPUTED);
        CHECK_EQ_U64(res.missing_digests, 1u << WAX_DIGEST_SHA384);
        CHECK_ERR(res.signers[0].err, WAX_ERR_CMS_DIGEST_NOT_COMPUTED);
        CHECK_ERR(res.signers[1].err, WAX_OK);
        uint8_t md[64];
        size_t md_len;
        CHECK_OK(wax_digest_compute(WAX_DIGEST_SHA384, md, sizeof(md), &md_len,
                                    variant == 1 ? k_msg + 1 : k_msg,
                                    sizeof(k_msg) - 1 - (variant == 1)));
        /* a digest of another algorithm changes nothing */
        CHECK_ERR(wax_cms_verify_recheck(v, &res, WAX_DIGEST_SHA512, md, 64),
                  WAX_ERR_CMS_DIGEST_NOT_COMPUTED);
        CHECK_ERR(wax_cms_verify_recheck(v, &res, WAX_DIGEST_SHA384, md, 20),
                  WAX_ERR_INVALID_ARGUMENT);
        if (variant == 2) {
            /* the caller's hint makes the digest computed in the stream */
            wax_cms_signed_result_cleanup(&res);
            wax_cms_verify_free(v);
            enum wax_digest_alg hint = WAX_DIGEST_SHA384;
            struct vopts o = {0};
            o.detached = true;
            o.content_first = true;
            o.digests = &hint;
            o.num_digests = 1;
            CHECK_OK(verify_with(&o, cms.data, cms.len, MSG, &res, NULL));
            wax_cms_signed_result_cleanup(&res);
            continue;
        }
        wax_err want = variant == 0 ? WAX_OK : WAX_ERR_CMS_DIGEST_MISMATCH;
        CHECK_ERR(
            wax_cms_verify_recheck(v, &res, WAX_DIGEST_SHA384, md, md_len),
            want);
        CHECK_ERR(res.signers[0].err, want);
        CHECK_EQ_U64(res.missing_digests, 0);
        wax_cms_signed_result_cleanup(&res);
        wax_cms_verify_free(v);
    }
    /* the object first: its digestAlgorithms are hashed too */
    struct vopts o = {0};
    o.detached = true;
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_with(&o, cms.data, cms.len, MSG, &res, NULL));
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
}

TEST(verifier_states_and_stream_errors)
{
    SETUP();
    struct wax_cms_signer_params sp = signer(K_EC);
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_simple(&sp, 1, false, MSG, &cms));
    struct wax_cms_verify_params p = {0};
    struct wax_cms_verify *v = NULL;
    struct wax_cms_signed_result res = {0};

    CHECK_ERR(wax_cms_verify_new(NULL, &p), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_cms_verify_new(&v, NULL), WAX_ERR_INVALID_ARGUMENT);
    CHECK(v == NULL);

    /* finish before close, content sink without DETACHED, finish twice */
    CHECK_OK(wax_cms_verify_new(&v, &p));
    CHECK_ERR(wax_sink_write(wax_cms_verify_content_sink(v), MSG),
              WAX_ERR_CMS_STATE);
    CHECK_OK(wax_sink_write(wax_cms_verify_cms_sink(v), cms.data, cms.len));
    CHECK_ERR(wax_cms_verify_finish(v, &res), WAX_ERR_CMS_STATE);
    CHECK_ERR(wax_cms_verify_recheck(v, &res, WAX_DIGEST_SHA256, cms.data, 32),
              WAX_ERR_CMS_STATE);
    CHECK_OK(wax_sink_close(wax_cms_verify_cms_sink(v)));
    CHECK_ERR(wax_sink_write(wax_cms_verify_cms_sink(v), cms.data, 1),
              WAX_ERR_SINK_CLOSED);
    CHECK_OK(wax_cms_verify_finish(v, &res));
    CHECK_ERR(wax_cms_verify_finish(v, &res), WAX_ERR_CMS_STATE);
    wax_cms_signed_result_cleanup(&res);
    wax_cms_verify_free(v);

    /* detached: finish needs the content closed */
    p.detached = true;
    struct wax_buf det;
    wax_buf_init(&det, 1 << 20);
    CHECK_OK(sign_simple(&sp, 1, true, MSG, &det));
    CHECK_OK(wax_cms_verify_new(&v, &p));
    CHECK_OK(wax_sink_write(wax_cms_verify_cms_sink(v), det.data, det.len));
    CHECK_OK(wax_sink_close(wax_cms_verify_cms_sink(v)));
    CHECK_OK(wax_sink_write(wax_cms_verify_content_sink(v), MSG));
    CHECK_ERR(wax_cms_verify_finish(v, &res), WAX_ERR_CMS_STATE);
    wax_cms_signed_result_cleanup(&res);
    wax_cms_verify_free(v);
    wax_buf_cleanup(&det);

    /* truncated, trailing bytes, not BER at all */
    struct vopts o = {0};
    CHECK_ERR(verify_with(&o, cms.data, cms.len - 1, NULL, 0, &res, NULL),
              WAX_ERR_BER_TRUNCATED);
    CHECK_OK(wax_buf_append_byte(&cms, 0));
    CHECK_ERR(verify_with(&o, cms.data, cms.len, NULL, 0, &res, NULL),
              WAX_ERR_BER_TRAILING_DATA);
    static const uint8_t junk[] = {0x04, 0x02, 'h', 'i'};
    CHECK_ERR(verify_with(&o, junk, sizeof(junk), NULL, 0, &res, NULL),
              WAX_ERR_CMS_MALFORMED);
    /* a finish after a stream error reports it */
    CHECK_OK(wax_cms_verify_new(&v, &(struct wax_cms_verify_params){0}));
    CHECK_ERR(wax_sink_write(wax_cms_verify_cms_sink(v), junk, sizeof(junk)),
              WAX_ERR_CMS_MALFORMED);
    CHECK_ERR(wax_cms_verify_finish(v, &res), WAX_ERR_CMS_MALFORMED);
    CHECK_ERR(res.err, WAX_ERR_CMS_MALFORMED);
    wax_cms_signed_result_cleanup(&res);
    wax_cms_verify_free(v);
    wax_cms_verify_free(NULL);
    wax_cms_signed_result_cleanup(NULL);
    wax_buf_cleanup(&cms);
}

/* Output of one byte at a time and one huge write gives the same result:
 * the BER reader and the capture buffers do not care about chunking. */
TEST(verify_byte_by_byte)
{
    SETUP();
    struct wax_cms_signer_params sps[2] = {signer(K_RSA), signer(K_ED)};
    sps[0].sid_ski = true;
    struct wax_buf cms, out;
    wax_buf_init(&cms, 1 << 20);
    wax_buf_init(&out, 1 << 20);
    CHECK_OK(sign_simple(sps, 2, false, MSG, &cms));
    struct vopts o = {0};
    o.chunk = 1;
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_with(&o, cms.data, cms.len, NULL, 0, &res, &out));
    CHECK_MEM(out.data, out.len, k_msg, sizeof(k_msg) - 1);
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&cms);
    wax_buf_cleanup(&out);
}

/* Errors of the content sink stop the verifier (the spool failed). */
static wax_err
failing_write(wax_sink *self, const uint8_t *p, size_t len)
{
    (void)self;
    (void)p;
    (void)len;
    return WAX_ERR_IO;
}

static wax_err
failing_close(wax_sink *self)
{
    (void)self;
    return WAX_ERR_IO;
}

TEST(content_sink_errors_stick)
{
    SETUP();
    struct wax_cms_signer_params sp = signer(K_EC);
    struct wax_buf cms;
    wax_buf_init(&cms, 1 << 20);
    CHECK_OK(sign_simple(&sp, 1, false, MSG, &cms));
    wax_sink failing = {failing_write, failing_close};
    struct wax_cms_verify_params p = {0};
    p.content_out = &failing;
    struct wax_cms_verify *v = NULL;
    CHECK_OK(wax_cms_verify_new(&v, &p));
    CHECK_ERR(wax_sink_write(wax_cms_verify_cms_sink(v), cms.data, cms.len),
              WAX_ERR_IO);
    CHECK_ERR(wax_sink_close(wax_cms_verify_cms_sink(v)), WAX_ERR_IO);
    struct wax_cms_signed_result res = {0};
    CHECK_ERR(wax_cms_verify_finish(v, &res), WAX_ERR_IO);
    wax_cms_signed_result_cleanup(&res);
    wax_cms_verify_free(v);
    wax_buf_cleanup(&cms);
}

/* Counted limits of the object and malformed signer identifiers. */
TEST(limits_and_identifiers)
{
    SETUP();
    struct fsigner s = {0};
    s.key = K_EC;
    s.sorted = true;
    struct wax_cms_signed_result res = {0};

    struct forge f = forge1(&s);
    f.cert_copies = WAX_MAX_CMS_CERTS - 1;
    CHECK_OK(forge_verify(&f, NULL, &res));
    CHECK_EQ_U64(res.num_certs, WAX_MAX_CMS_CERTS);
    f.cert_copies = WAX_MAX_CMS_CERTS;
    CHECK_ERR(forge_verify(&f, NULL, &res), WAX_ERR_CMS_TOO_MANY_CERTS);

    f = forge1(&s);
    f.num_crls = WAX_MAX_CMS_CRLS;
    CHECK_OK(forge_verify(&f, NULL, &res));
    CHECK_EQ_U64(res.num_crls, WAX_MAX_CMS_CRLS);
    CHECK_MEM(res.crls[0].der, res.crls[0].len, "\x30\x03\x02\x01\x01", 5);
    f.num_crls = WAX_MAX_CMS_CRLS + 1;
    CHECK_ERR(forge_verify(&f, NULL, &res), WAX_ERR_CMS_TOO_MANY_CRLS);

    /* attributes: WAX_MAX_CMS_ATTRS in all is the limit */
    static struct blob attrs[WAX_MAX_CMS_ATTRS + 1];
    struct blob md = md_of(WAX_DIGEST_SHA256, k_content, sizeof(k_content) - 1);
    attrs[0] = b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA));
    attrs[1] = b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, md);
    for (size_t i = 2; i <= WAX_MAX_CMS_ATTRS; i++) {
        attrs[i] = b_attr1(WAX_OID_AA_CONTENT_HINT,
                           b_raw((const uint8_t *)"\x30\x00", 2));
    }
    s.attrs = attrs;
    s.num_attrs = WAX_MAX_CMS_ATTRS;
    f = forge1(&s);
    CHECK_OK(forge_verify(&f, NULL, &res));
    s.num_attrs = WAX_MAX_CMS_ATTRS + 1;
    CHECK_ERR(forge_verify(&f, NULL, &res), WAX_ERR_CMS_TOO_MANY_ATTRS);
    s.attrs = NULL;
    s.num_attrs = 0;

    /* signer identifiers */
    struct {
        const char *name;
        struct blob sid;
        wax_err want;
    } rows[] = {
        {"[1] is no SignerIdentifier",
         b_raw((const uint8_t *)"\x81\x01\x01", 3), WAX_ERR_CMS_BAD_SID},
        {"empty subjectKeyIdentifier", b_raw((const uint8_t *)"\x80\x00", 2),
         WAX_ERR_CMS_BAD_SID},
        {"issuerAndSerialNumber without serial",
         b_raw((const uint8_t *)"\x30\x02\x30\x00", 4), WAX_ERR_CMS_BAD_SID},
        {"issuerAndSerialNumber with a bad Name",
         b_raw((const uint8_t *)"\x30\x07\x30\x02\x05\x00\x02\x01\x01", 9),
         WAX_ERR_CMS_BAD_SID},
        {"unknown subjectKeyIdentifier",
         b_raw((const uint8_t *)"\x80\x02"
                                "ab",
               4),
         WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND},
        {"unknown issuer and serial",
         b_raw((const uint8_t *)"\x30\x05\x30\x00\x02\x01\x07", 7),
         WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        s.sid = &rows[i].sid;
        s.version = rows[i].sid.d[0] == 0x80 ? 3 : 1;
        f = forge1(&s);
        f.version = s.version;
        wax_err err = forge_verify(&f, NULL, &res);
        CHECK_MSG(err == rows[i].want && res.num_signers == 1 &&
                      res.signers[0].err == rows[i].want,
                  "%s: got %s, want %s", rows[i].name, wax_err_name(err),
                  wax_err_name(rows[i].want));
    }
    wax_cms_signed_result_cleanup(&res);
}

/* ESS signingCertificate (v1, SHA-1 hash) naming the signer certificate
 * or another one; the hash identifies, so SHA-1 is fine here. */
TEST(ess_signing_certificate_v1)
{
    SETUP();
    struct blob md = md_of(WAX_DIGEST_SHA256, k_content, sizeof(k_content) - 1);
    for (int other = 0; other < 2; other++) {
        uint8_t h[20];
        size_t hl = 0;
        int k = other ? K_RSA2 : K_RSA;
        CHECK_OK(wax_digest_compute(WAX_DIGEST_SHA1, h, sizeof(h), &hl,
                                    g_cert[k], g_cert_len[k]));
        /* SigningCertificate { certs { ESSCertID { certHash } } } */
        uint8_t v[40] = {0x30, 0x1A, 0x30, 0x18, 0x30, 0x16, 0x04, 0x14};
        memcpy(v + 8, h, 20);
        struct blob attrs[3] = {
            b_attr1(WAX_OID_PKCS9_CONTENT_TYPE, b_oid(WAX_OID_CT_DATA)),
            b_attr1(WAX_OID_PKCS9_MESSAGE_DIGEST, md),
            b_attr1(WAX_OID_AA_SIGNING_CERTIFICATE, b_raw(v, 28)),
        };
        struct fsigner s = {0};
        s.key = K_RSA;
        s.attrs = attrs;
        s.num_attrs = 3;
        s.sorted = true;
        struct forge f = forge1(&s);
        struct wax_cms_signed_result res = {0};
        CHECK_ERR(forge_verify(&f, NULL, &res),
                  other ? WAX_ERR_CMS_SIGNING_CERT_MISMATCH : WAX_OK);
        wax_cms_signed_result_cleanup(&res);
    }
}
