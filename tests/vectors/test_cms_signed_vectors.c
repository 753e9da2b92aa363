/*
 * SignedData against external corpora and the openssl command:
 *  - RFC 4134 examples (README: every SignedData verifies; SHA-1, DSA and
 *    RSA-1024 need allow_weak),
 *  - draft-ireland-examples-cms objects made with the RFC 9216 keys (RSA,
 *    RSA-PSS, Ed25519, a detached Ed25519 signature without signed
 *    attributes, two signers without certificates),
 *  - OpenSSL's malformed-attribute objects (80-test_cms_data),
 *  - interop both ways with `openssl cms` (SKIP when openssl is missing).
 * Every row names its exact expected error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wax/cms.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

static uint8_t *
read_data(const char *rel, size_t *len)
{
    return wax_test_read_file(wax_test_data_path(rel), len);
}

/* abs_data_path writes the absolute path of corpus file REL (the openssl
 * commands run in a temporary directory). */
static bool
abs_data_path(const char *rel, char *out, size_t cap)
{
    char *p = realpath(wax_test_data_path(rel), NULL);
    if (p == NULL) {
        return false;
    }
    bool ok = (size_t)snprintf(out, cap, "%s", p) < cap;
    free(p);
    return ok;
}

/* pem_cert appends the DER of the first CERTIFICATE block of the PEM
 * file REL (corpus-relative) to OUT. */
static bool
pem_cert(const char *rel, struct wax_buf *out)
{
    size_t len;
    uint8_t *text = read_data(rel, &len);
    bool ok = false;
    if (text == NULL) {
        return false;
    }
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    wax_pem_reader_init(&r, text, len);
    while (!ok && wax_pem_next(&r, &b, &present) == WAX_OK && present) {
        if (!wax_pem_label_is(&b, "CERTIFICATE")) {
            continue;
        }
        size_t max = wax_pem_decoded_max(&b), n = 0;
        uint8_t *p;
        if (wax_buf_reserve(out, max, &p) == WAX_OK &&
            wax_pem_decode(&b, p, max, &n) == WAX_OK) {
            wax_buf_advance(out, n);
            ok = true;
        }
    }
    free(text);
    return ok;
}

struct vin {
    const uint8_t *cms;
    size_t cms_len;
    const uint8_t *content; /* detached content, or NULL */
    size_t content_len;
    bool allow_weak;
    const uint8_t *const *extra;
    const size_t *extra_lens;
    size_t num_extra;
};

/* verify_bytes verifies IN (in chunks of 1000) into RES and OUT; returns
 * the first streaming error, else finish's verdict. */
static wax_err
verify_bytes(const struct vin *in, struct wax_cms_signed_result *res,
             struct wax_buf *out)
{
    struct wax_cms_verify_params p = {0};
    struct wax_cms_verify *v = NULL;
    p.detached = in->content != NULL;
    p.allow_weak = in->allow_weak;
    p.extra_certs = in->extra;
    p.extra_cert_lens = in->extra_lens;
    p.num_extra_certs = in->num_extra;
    p.content_out = out != NULL ? wax_buf_sink(out) : NULL;
    WAX_TRY(wax_cms_verify_new(&v, &p));
    wax_err err = WAX_OK;
    for (size_t off = 0; err == WAX_OK && off < in->cms_len; off += 1000) {
        size_t n = in->cms_len - off < 1000 ? in->cms_len - off : 1000;
        err = wax_sink_write(wax_cms_verify_cms_sink(v), in->cms + off, n);
    }
    if (err == WAX_OK) {
        err = wax_sink_close(wax_cms_verify_cms_sink(v));
    }
    if (err == WAX_OK && in->content != NULL) {
        err = wax_sink_write(wax_cms_verify_content_sink(v), in->content,
                             in->content_len);
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

/* ------------------------------------------------------------------ */
/* Corpus objects.                                                     */

struct cms_vec {
    const char *path;
    const char *content; /* detached content file */
    bool allow_weak;
    wax_err want;
    size_t num_signers;
    wax_err signer_want[2];
    const char *expected_content; /* file the content must equal, or NULL */
    const char *note;             /* why a row expects a failure */
};

#define R4134 "rfc4134-examples/"
#define IREL "draft-ireland-examples-cms/"
#define OSSL "openssl-smime-cms/80-test_cms_data/"

static const struct cms_vec k_vectors[] = {
    /* RFC 4134: SHA-1 (and DSA/RSA-1024) needs allow_weak */
    {R4134 "4.1.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.1.bin",
     NULL,
     false,
     WAX_ERR_CMS_WEAK_DIGEST,
     1,
     {WAX_ERR_CMS_WEAK_DIGEST},
     NULL,
     "SHA-1 is refused by default"},
    {R4134 "4.2.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.2.bin",
     NULL,
     false,
     WAX_ERR_CMS_WEAK_DIGEST,
     1,
     {WAX_ERR_CMS_WEAK_DIGEST},
     NULL,
     "SHA-1 is refused by default"},
    {R4134 "4.3.bin",
     R4134 "ExContent.bin",
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.4.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.5.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.6.bin",
     NULL,
     true,
     WAX_ERR_CRYPTO_BAD_KEY,
     2,
     {WAX_OK, WAX_ERR_CRYPTO_BAD_KEY},
     R4134 "ExContent.bin",
     "Diane's DSA certificate inherits p, q, g from CarlDSS: parameter "
     "inheritance is not supported (OpenSSL fails the same way)"},
    {R4134 "4.7.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.10.bin",
     NULL,
     true,
     WAX_OK,
     1,
     {WAX_OK},
     R4134 "ExContent.bin",
     NULL},
    {R4134 "4.11.bin",
     NULL,
     true,
     WAX_ERR_CMS_NO_CONTENT,
     0,
     {WAX_OK},
     NULL,
     "certificates-only SignedData: no content"},
    {R4134 "4.11.bin",
     R4134 "ExContent.bin",
     true,
     WAX_ERR_CMS_NO_SIGNERS,
     0,
     {WAX_OK},
     NULL,
     "certificates-only SignedData: no signers"},
    /* draft-ireland-examples-cms (RFC 9216 keys) */
    {IREL "signedByAliceRSA.p7m",
     NULL,
     false,
     WAX_OK,
     1,
     {WAX_OK},
     IREL "content.txt",
     NULL},
    {IREL "signedByAliceRSAPSS.p7m",
     NULL,
     false,
     WAX_OK,
     1,
     {WAX_OK},
     IREL "content.txt",
     NULL},
    {IREL "signedByCarlosEd25519.p7m",
     NULL,
     false,
     WAX_OK,
     1,
     {WAX_OK},
     IREL "content.txt",
     NULL},
    {IREL "signedByCarlosDetached.p7m",
     IREL "content.txt",
     false,
     WAX_OK,
     1,
     {WAX_OK},
     IREL "content.txt",
     NULL},
    {IREL "signedByAliceAndCarlosNoCerts.p7m",
     NULL,
     false,
     WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND,
     2,
     {WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND, WAX_ERR_CMS_SIGNER_CERT_NOT_FOUND},
     IREL "content.txt",
     "no certificates and none given"},
    /* OpenSSL's malformed signed attributes */
    {OSSL "no_ct_attr.cms",
     NULL,
     false,
     WAX_ERR_CMS_NO_CONTENT_TYPE_ATTR,
     1,
     {WAX_ERR_CMS_NO_CONTENT_TYPE_ATTR},
     NULL,
     "no content-type attribute"},
    {OSSL "no_md_attr.cms",
     NULL,
     false,
     WAX_ERR_CMS_NO_MESSAGE_DIGEST_ATTR,
     1,
     {WAX_ERR_CMS_NO_MESSAGE_DIGEST_ATTR},
     NULL,
     "no message-digest attribute"},
    {OSSL "ct_multiple_attr.cms",
     NULL,
     false,
     WAX_ERR_CMS_DUPLICATE_ATTR,
     1,
     {WAX_ERR_CMS_DUPLICATE_ATTR},
     NULL,
     "two content-type attributes"},
    {OSSL "bad_signtime_attr.cms",
     NULL,
     false,
     WAX_ERR_CMS_UNSIGNED_ATTR_NOT_ALLOWED,
     1,
     {WAX_ERR_CMS_UNSIGNED_ATTR_NOT_ALLOWED},
     NULL,
     "signingTime among the unsigned attributes (RFC 5652 §11.3)"},
};

TEST(corpus_signed_data)
{
    size_t missing = 0;
    for (size_t i = 0; i < sizeof(k_vectors) / sizeof(k_vectors[0]); i++) {
        const struct cms_vec *c = &k_vectors[i];
        struct vin in = {0};
        size_t want_len = 0;
        uint8_t *cms = read_data(c->path, &in.cms_len);
        uint8_t *content =
            c->content ? read_data(c->content, &in.content_len) : NULL;
        uint8_t *want = c->expected_content
                            ? read_data(c->expected_content, &want_len)
                            : NULL;
        if (cms == NULL || (c->content && content == NULL) ||
            (c->expected_content && want == NULL)) {
            free(cms);
            free(content);
            free(want);
            missing++;
            continue;
        }
        in.cms = cms;
        in.content = content;
        in.allow_weak = c->allow_weak;
        struct wax_cms_signed_result res = {0};
        struct wax_buf out;
        wax_buf_init(&out, 1 << 20);
        wax_err err = verify_bytes(&in, &res, &out);
        bool ok = err == c->want && res.num_signers == c->num_signers;
        for (size_t s = 0; ok && s < res.num_signers; s++) {
            /* every weak-allowed row is SHA-1: flagged once accepted */
            ok = res.signers[s].err == c->signer_want[s] &&
                 res.signers[s].weak ==
                     (c->allow_weak &&
                      c->signer_want[s] != WAX_ERR_CMS_WEAK_DIGEST);
        }
        bool content_ok =
            want == NULL ||
            (out.len == want_len && memcmp(out.data, want, want_len) == 0);
        wax_cms_signed_result_cleanup(&res);
        wax_buf_cleanup(&out);
        free(cms);
        free(content);
        free(want);
        CHECK_MSG(ok, "%s (weak=%d): got %s, want %s", c->path, c->allow_weak,
                  wax_err_name(err), wax_err_name(c->want));
        CHECK_MSG(content_ok, "%s: content differs", c->path);
    }
    if (missing > 0) {
        SKIP("%zu corpus files missing under %s", missing, wax_test_data_dir());
    }
}

/* RFC 4134 §4.4 and §4.10: the attributes, certificates and CRLs seen. */
TEST(rfc4134_details)
{
    struct vin in = {0};
    uint8_t *cms = read_data(R4134 "4.4.bin", &in.cms_len);
    if (cms == NULL) {
        SKIP("rfc4134-examples missing");
    }
    in.cms = cms;
    in.allow_weak = true;
    struct wax_cms_signed_result res = {0};
    CHECK_OK(verify_bytes(&in, &res, NULL));
    free(cms);
    CHECK_EQ_U64(res.num_certs, 3);
    CHECK_EQ_U64(res.num_crls, 1);
    CHECK(res.signers[0].has_signing_time);
    /* signingTime UTCTime 030514153900Z */
    char when[WAX_RFC3339_LEN + 1];
    CHECK(wax_time_format_rfc3339(res.signers[0].signing_time, when,
                                  sizeof(when)));
    CHECK_STR(when, "2003-05-14T15:39:00Z");
    CHECK_EQ_U64(res.signers[0].sig_alg.scheme, WAX_SIG_DSA);
    CHECK_EQ_U64(res.signers[0].digest, WAX_DIGEST_SHA1);
    wax_cms_signed_result_cleanup(&res);

    cms = read_data(R4134 "4.10.bin", &in.cms_len);
    CHECK(cms != NULL);
    in.cms = cms;
    CHECK_OK(verify_bytes(&in, &res, NULL));
    free(cms);
    CHECK(res.signers[0].smime_capabilities.len > 0);
    CHECK(res.signers[0].encryption_key_preference.len > 0);
    wax_cms_signed_result_cleanup(&res);

    cms = read_data(R4134 "4.7.bin", &in.cms_len);
    CHECK(cms != NULL);
    in.cms = cms;
    CHECK_OK(verify_bytes(&in, &res, NULL));
    free(cms);
    CHECK(res.signers[0].sid_is_ski);
    CHECK_EQ_U64(res.version, 3);
    wax_cms_signed_result_cleanup(&res);
}

/* The object without certificates verifies with the two signer
 * certificates given by the caller. */
TEST(ireland_no_certs_with_extra_certs)
{
    struct wax_buf alice, carlos;
    wax_buf_init(&alice, 1 << 16);
    wax_buf_init(&carlos, 1 << 16);
    struct vin in = {0};
    uint8_t *cms =
        read_data(IREL "signedByAliceAndCarlosNoCerts.p7m", &in.cms_len);
    bool have = cms != NULL &&
                pem_cert("rfc9216-samples/alice.sign.crt", &alice) &&
                pem_cert("rfc9216-samples/carlos.sign.crt", &carlos);
    if (!have) {
        free(cms);
        wax_buf_cleanup(&alice);
        wax_buf_cleanup(&carlos);
        SKIP("draft-ireland-examples-cms or rfc9216-samples missing");
    }
    const uint8_t *extra[2] = {carlos.data, alice.data};
    size_t extra_lens[2] = {carlos.len, alice.len};
    in.cms = cms;
    in.extra = extra;
    in.extra_lens = extra_lens;
    in.num_extra = 2;
    struct wax_cms_signed_result res = {0};
    struct wax_buf out;
    wax_buf_init(&out, 1 << 16);
    wax_err err = verify_bytes(&in, &res, &out);
    free(cms);
    CHECK_OK(err);
    CHECK_EQ_U64(res.num_signers, 2);
    CHECK_EQ_U64(res.num_certs, 0);
    for (size_t i = 0; i < 2; i++) {
        CHECK_ERR(res.signers[i].err, WAX_OK);
        bool is_alice =
            res.signers[i].cert.len == alice.len &&
            memcmp(res.signers[i].cert.der, alice.data, alice.len) == 0;
        CHECK_EQ_U64(res.signers[i].sig_alg.scheme,
                     is_alice ? WAX_SIG_RSA_PKCS1 : WAX_SIG_ED25519);
    }
    CHECK_MEM(out.data, out.len, "This is some sample content.", 28);
    wax_cms_signed_result_cleanup(&res);
    wax_buf_cleanup(&out);
    wax_buf_cleanup(&alice);
    wax_buf_cleanup(&carlos);
}

/* ------------------------------------------------------------------ */
/* Interop with the openssl command.                                   */

static bool
have_openssl(void)
{
    return system("command -v openssl >/dev/null 2>&1") == 0;
}

static int
run_in(const char *dir, const char *cmd)
{
    char line[4096];
    snprintf(line, sizeof(line), "cd '%s' && { %s ; } >/dev/null 2>err.txt",
             dir, cmd);
    return system(line);
}

static bool
write_file(const char *dir, const char *name, const uint8_t *p, size_t len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return false;
    }
    bool ok = fwrite(p, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static uint8_t *
read_in(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return wax_test_read_file(path, len);
}

static void
remove_dir(const char *dir)
{
    char line[1100];
    snprintf(line, sizeof(line), "rm -rf '%s'", dir);
    if (system(line) != 0) {
        /* nothing more to do */
    }
}

/* A signing identity from the corpus: key file and certificate file. */
struct ident {
    const char *name;
    const char *key;  /* corpus-relative PEM private key */
    const char *cert; /* corpus-relative PEM certificate */
};

static const struct ident k_alice = {"alice-rsa",
                                     "rfc9216-samples/alice.sign.key",
                                     "rfc9216-samples/alice.sign.crt"};
static const struct ident k_smec1 = {"smec1-p256",
                                     "openssl-smime-cms/smime-certs/smec1.pem",
                                     "openssl-smime-cms/smime-certs/smec1.pem"};
static const struct ident k_carlos = {"carlos-ed25519",
                                      "rfc9216-samples/carlos.sign.key",
                                      "rfc9216-samples/carlos.sign.crt"};

static bool
load_ident(const struct ident *id, struct wax_privkey **key,
           struct wax_buf *cert)
{
    size_t len;
    uint8_t *pem = read_data(id->key, &len);
    if (pem == NULL) {
        return false;
    }
    wax_err err = wax_privkey_load(key, pem, len, NULL);
    free(pem);
    return err == WAX_OK && pem_cert(id->cert, cert);
}

static uint8_t *
make_content(size_t len)
{
    uint8_t *c = malloc(len);
    for (size_t i = 0; c != NULL && i < len; i++) {
        /* binary, with CR, LF and NUL bytes in it */
        c[i] = (uint8_t)((i * 131) ^ (i >> 7));
    }
    return c;
}

struct interop_mode {
    const char *name;
    bool detached;
    size_t threshold; /* 0: default (DER); small: streamed BER */
    bool pss;
};

static const struct interop_mode k_modes[] = {
    {"encapsulated DER", false, 0, false},
    {"encapsulated BER", false, 1000, false},
    {"detached", true, 0, false},
    {"encapsulated RSA-PSS", false, 0, true},
};

/*
 * wax_to_openssl signs CONTENT with ID in MODE and has `openssl cms
 * -verify -noverify -binary` check it; *OUT_OPENSSL_LIMIT is set when
 * openssl's error says it cannot do the algorithm (OpenSSL 3.0 and
 * Ed25519 SignedData). Returns a description of the failure or NULL.
 */
static const char *
wax_to_openssl(const char *dir, const struct ident *id,
               const struct interop_mode *mode, const uint8_t *content,
               size_t len, bool *out_openssl_limit)
{
    static char why[256];
    struct wax_privkey *key = NULL;
    struct wax_buf cert, cms;
    wax_buf_init(&cert, 1 << 16);
    wax_buf_init(&cms, len + (1 << 20));
    *out_openssl_limit = false;
    const char *fail = NULL;
    if (!load_ident(id, &key, &cert)) {
        fail = "cannot load the identity";
    }
    if (fail == NULL) {
        struct wax_cms_signer_params sp = {0};
        sp.key = key;
        sp.cert = cert.data;
        sp.cert_len = cert.len;
        sp.rsa_pss = mode->pss;
        struct wax_cms_sign_params p = {0};
        p.signers = &sp;
        p.num_signers = 1;
        p.detached = mode->detached;
        p.der_threshold = mode->threshold;
        p.has_signing_time = true;
        p.signing_time = 1700000000;
        struct wax_cms_sign *s = NULL;
        wax_err err = wax_cms_sign_new(&s, &p, wax_buf_sink(&cms));
        for (size_t off = 0; err == WAX_OK && off < len; off += 4096) {
            err = wax_sink_write(wax_cms_sign_sink(s), content + off,
                                 len - off < 4096 ? len - off : 4096);
        }
        if (err == WAX_OK) {
            err = wax_sink_close(wax_cms_sign_sink(s));
        }
        wax_cms_sign_free(s);
        if (err != WAX_OK) {
            snprintf(why, sizeof(why), "wax sign: %s", wax_err_name(err));
            fail = why;
        } else if ((cms.data[1] == 0x80) != (mode->threshold != 0)) {
            fail = "unexpected output framing";
        }
    }
    if (fail == NULL && (!write_file(dir, "sig.der", cms.data, cms.len) ||
                         !write_file(dir, "content.bin", content, len))) {
        fail = "cannot write files";
    }
    if (fail == NULL) {
        int rc = run_in(dir, mode->detached
                                 ? "rm -f out.bin; openssl cms -verify "
                                   "-noverify -binary -inform DER -in sig.der "
                                   "-content content.bin -out out.bin"
                                 : "rm -f out.bin; openssl cms -verify "
                                   "-noverify -binary -inform DER -in sig.der "
                                   "-out out.bin");
        size_t out_len = 0, err_len = 0;
        uint8_t *out = read_in(dir, "out.bin", &out_len);
        uint8_t *errtxt = read_in(dir, "err.txt", &err_len);
        for (size_t i = 0; errtxt != NULL && i < err_len; i++) {
            if (errtxt[i] == '\n' || errtxt[i] == '\r') {
                errtxt[i] = ' ';
            }
        }
        if (rc != 0) {
            *out_openssl_limit =
                errtxt != NULL &&
                (strstr((char *)errtxt, "invalid digest") != NULL ||
                 strstr((char *)errtxt, "not supported") != NULL);
            snprintf(why, sizeof(why), "openssl cms -verify failed: %.150s",
                     errtxt != NULL ? (char *)errtxt : "");
            fail = why;
        } else if (out == NULL || out_len != len ||
                   memcmp(out, content, len) != 0) {
            fail = "openssl output differs from the content";
        }
        free(out);
        free(errtxt);
    }
    wax_privkey_free(key);
    wax_buf_cleanup(&cert);
    wax_buf_cleanup(&cms);
    return fail;
}

static bool
make_tmpdir(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/wax-cms-XXXXXX");
    return mkdtemp(dir) != NULL;
}

TEST(wax_signed_verifies_with_openssl)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[64];
    CHECK(make_tmpdir(dir, sizeof(dir)));
    size_t len = 70000;
    uint8_t *content = make_content(len);
    CHECK(content != NULL);
    const struct ident *ids[2] = {&k_alice, &k_smec1};
    const char *fail = NULL;
    char what[128] = "";
    for (size_t i = 0; i < 2 && fail == NULL; i++) {
        for (size_t m = 0; m < sizeof(k_modes) / sizeof(k_modes[0]); m++) {
            if (k_modes[m].pss && ids[i] != &k_alice) {
                continue;
            }
            bool limit;
            fail =
                wax_to_openssl(dir, ids[i], &k_modes[m], content, len, &limit);
            if (fail != NULL) {
                snprintf(what, sizeof(what), "%s, %s", ids[i]->name,
                         k_modes[m].name);
                break;
            }
        }
    }
    free(content);
    remove_dir(dir);
    CHECK_MSG(fail == NULL, "%s: %s", what, fail);
}

/* Ed25519 SignedData: OpenSSL 3.0 cannot verify it (README of
 * draft-ireland-examples-cms); then this is a visible SKIP. */
TEST(wax_ed25519_signed_verifies_with_openssl)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[64];
    CHECK(make_tmpdir(dir, sizeof(dir)));
    size_t len = 5000;
    uint8_t *content = make_content(len);
    CHECK(content != NULL);
    bool limit = false;
    const char *fail = NULL;
    for (size_t m = 0; m < 3 && fail == NULL; m++) {
        fail =
            wax_to_openssl(dir, &k_carlos, &k_modes[m], content, len, &limit);
    }
    free(content);
    remove_dir(dir);
    if (fail != NULL && limit) {
        SKIP("this openssl cannot verify Ed25519 SignedData (%s)", fail);
    }
    CHECK_MSG(fail == NULL, "%s", fail);
}

struct ossl_case {
    const char *name;
    const struct ident *id;
    const char *opts; /* extra `openssl cms -sign` options */
    bool detached;
    enum wax_digest_alg digest;
    enum wax_sig_scheme scheme;
};

static const struct ossl_case k_ossl[] = {
    {"RSA, -nodetach (DER)", &k_alice, "-nodetach", false, WAX_DIGEST_SHA256,
     WAX_SIG_RSA_PKCS1},
    {"RSA, -nodetach -stream (BER)", &k_alice, "-nodetach -stream", false,
     WAX_DIGEST_SHA256, WAX_SIG_RSA_PKCS1},
    {"RSA, -nodetach -indef (BER)", &k_alice, "-nodetach -indef", false,
     WAX_DIGEST_SHA256, WAX_SIG_RSA_PKCS1},
    {"RSA, detached", &k_alice, "", true, WAX_DIGEST_SHA256, WAX_SIG_RSA_PKCS1},
    {"RSA-PSS, -nodetach", &k_alice, "-nodetach -keyopt rsa_padding_mode:pss",
     false, WAX_DIGEST_SHA256, WAX_SIG_RSA_PSS},
    {"RSA, SHA-512, detached", &k_alice, "-md sha512", true, WAX_DIGEST_SHA512,
     WAX_SIG_RSA_PKCS1},
    {"ECDSA, -nodetach", &k_smec1, "-nodetach", false, WAX_DIGEST_SHA256,
     WAX_SIG_ECDSA},
    {"ECDSA, -nodetach -stream", &k_smec1, "-nodetach -stream", false,
     WAX_DIGEST_SHA256, WAX_SIG_ECDSA},
    {"ECDSA, SHA-384, detached", &k_smec1, "-md sha384", true,
     WAX_DIGEST_SHA384, WAX_SIG_ECDSA},
};

TEST(openssl_signed_verifies_with_wax)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[64];
    CHECK(make_tmpdir(dir, sizeof(dir)));
    size_t len = 70000;
    uint8_t *content = make_content(len);
    CHECK(content != NULL);
    CHECK(write_file(dir, "content.bin", content, len));
    for (size_t i = 0; i < sizeof(k_ossl) / sizeof(k_ossl[0]); i++) {
        const struct ossl_case *c = &k_ossl[i];
        char cmd[1500];
        char key[512], cert[512];
        if (!abs_data_path(c->id->key, key, sizeof(key)) ||
            !abs_data_path(c->id->cert, cert, sizeof(cert))) {
            free(content);
            remove_dir(dir);
            SKIP("%s: corpus files missing", c->name);
        }
        snprintf(cmd, sizeof(cmd),
                 "openssl cms -sign -binary -in content.bin -signer '%s' "
                 "-inkey '%s' -outform DER -out sig.der %s",
                 cert, key, c->opts);
        int rc = run_in(dir, cmd);
        size_t sig_len = 0;
        uint8_t *sig = rc == 0 ? read_in(dir, "sig.der", &sig_len) : NULL;
        if (sig == NULL) {
            free(content);
            remove_dir(dir);
            CHECK_MSG(false, "%s: openssl cms -sign failed (%d)", c->name, rc);
        }
        struct vin in = {0};
        in.cms = sig;
        in.cms_len = sig_len;
        in.content = c->detached ? content : NULL;
        in.content_len = c->detached ? len : 0;
        struct wax_cms_signed_result res = {0};
        struct wax_buf out;
        wax_buf_init(&out, len + 1);
        wax_err err = verify_bytes(&in, &res, &out);
        bool same = out.len == len && memcmp(out.data, content, len) == 0;
        bool algs = res.num_signers == 1 &&
                    res.signers[0].digest == c->digest &&
                    res.signers[0].sig_alg.scheme == c->scheme &&
                    res.signers[0].has_signing_time &&
                    res.signers[0].smime_capabilities.len > 0;
        bool ber = sig_len > 2 && sig[1] == 0x80;
        wax_cms_signed_result_cleanup(&res);
        wax_buf_cleanup(&out);
        free(sig);
        if (err != WAX_OK || !same || !algs ||
            ber != (strstr(c->opts, "-stream") != NULL ||
                    strstr(c->opts, "-indef") != NULL)) {
            free(content);
            remove_dir(dir);
            CHECK_MSG(false, "%s: %s, content %s, algorithms %s, ber %d",
                      c->name, wax_err_name(err), same ? "ok" : "differs",
                      algs ? "ok" : "differ", ber);
        }
    }
    free(content);
    remove_dir(dir);
}

/* An RSA-1024 key (RFC 4134 Alice) with SHA-256, signed by openssl: the
 * key alone is weak. */
TEST(openssl_signed_weak_key)
{
    if (!have_openssl()) {
        SKIP("openssl command not found");
    }
    char dir[64];
    CHECK(make_tmpdir(dir, sizeof(dir)));
    char cmd[2048], key[512], cert[512];
    if (!abs_data_path(R4134 "AlicePrivRSASign.pri", key, sizeof(key)) ||
        !abs_data_path(R4134 "AliceRSASignByCarl.cer", cert, sizeof(cert))) {
        remove_dir(dir);
        SKIP("rfc4134-examples missing");
    }
    snprintf(cmd, sizeof(cmd),
             "printf 'weak key' > content.txt && openssl x509 -inform DER "
             "-in '%s' -out cert.pem && openssl pkey -inform DER -in '%s' "
             "-out key.pem && openssl cms -sign -binary -nodetach -md sha256 "
             "-in content.txt -signer cert.pem -inkey key.pem -outform DER "
             "-out sig.der",
             cert, key);
    int rc = run_in(dir, cmd);
    size_t len = 0;
    uint8_t *sig = rc == 0 ? read_in(dir, "sig.der", &len) : NULL;
    remove_dir(dir);
    if (sig == NULL) {
        SKIP("openssl could not sign with the RFC 4134 RSA-1024 key (%d)", rc);
    }
    struct vin in = {0};
    in.cms = sig;
    in.cms_len = len;
    struct wax_cms_signed_result res = {0};
    wax_err strict = verify_bytes(&in, &res, NULL);
    wax_cms_signed_result_cleanup(&res);
    in.allow_weak = true;
    wax_err weak = verify_bytes(&in, &res, NULL);
    bool flagged = res.num_signers == 1 && res.signers[0].weak;
    wax_cms_signed_result_cleanup(&res);
    free(sig);
    CHECK_ERR(strict, WAX_ERR_CMS_WEAK_KEY);
    CHECK_ERR(weak, WAX_OK);
    CHECK(flagged);
}
