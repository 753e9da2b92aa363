/* Unit tests: the store layer (wax/store.h) on temporary SQLite files,
 * with certificates made by the pki layer. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wax/pki.h>
#include <wax/store.h>

#include "../harness.h"

/* ------------------------------------------------------------------ */
/* Helpers.                                                            */

#define T0 1700000000LL
#define DAY 86400LL
#define CHECK_FP(got, want)                                                    \
    CHECK_MEM(got, WAX_STORE_FP_BYTES, want, WAX_STORE_FP_BYTES)

static struct wax_privkey *
key_slot(int slot)
{
    static struct wax_privkey *cache[8];
    if (slot < 0 || slot >= 8) {
        return NULL;
    }
    if (cache[slot] == NULL &&
        wax_privkey_generate(&cache[slot], WAX_KEYGEN_P256) != WAX_OK) {
        return NULL;
    }
    return cache[slot];
}

/* A fresh directory per test; PATH gets DIR/store.db. */
struct tmp {
    char dir[64];
    char path[96];
};

static bool
tmp_make(struct tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/wax-store-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        return false;
    }
    snprintf(t->path, sizeof t->path, "%s/store.db", t->dir);
    return true;
}

static void
tmp_drop(struct tmp *t)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

struct certbuf {
    uint8_t der[4096];
    size_t len;
};

/* make_cert: a certificate for KEY (slot), issued by the root (slot 0;
 * ROOT NULL makes the root itself). */
static wax_err
make_cert(struct certbuf *out, int slot, const char *dn,
          const char *const *emails, size_t num_emails,
          enum wax_pki_profile profile, int64_t nb, int64_t na,
          const struct certbuf *root)
{
    struct wax_buf name;
    struct wax_buf b;
    struct wax_pki_cert_template t;
    struct wax_pubkey *pub = NULL;
    struct wax_privkey *key = key_slot(slot);
    struct wax_privkey *issuer = root != NULL ? key_slot(0) : key;
    if (key == NULL || issuer == NULL ||
        wax_privkey_public(key, &pub) != WAX_OK) {
        return WAX_ERR_NOMEM;
    }
    wax_buf_init(&name, WAX_MAX_PKI_NAME_BYTES);
    wax_buf_init(&b, WAX_MAX_PKI_CERT_BYTES);
    wax_err err = wax_pki_dn_parse(&name, dn, strlen(dn));
    wax_pki_cert_template_init(&t);
    if (err == WAX_OK) {
        err = wax_pki_cert_template_profile(&t, profile, pub);
    }
    t.subject = name.data;
    t.subject_len = name.len;
    t.not_before = nb;
    t.not_after = na;
    t.emails = emails;
    t.num_emails = num_emails;
    if (err == WAX_OK) {
        err = wax_pki_cert_make(&b, &t, issuer, root != NULL ? root->der : NULL,
                                root != NULL ? root->len : 0, pub);
    }
    if (err == WAX_OK && b.len > sizeof out->der) {
        err = WAX_ERR_LIMIT_EXCEEDED;
    }
    if (err == WAX_OK) {
        memcpy(out->der, b.data, b.len);
        out->len = b.len;
    }
    wax_buf_cleanup(&b);
    wax_buf_cleanup(&name);
    wax_pubkey_free(pub);
    return err;
}

static struct certbuf root_cert;

static const struct certbuf *
root(void)
{
    if (root_cert.len == 0 &&
        make_cert(&root_cert, 0, "CN=Store Test Root", NULL, 0,
                  WAX_PKI_PROFILE_CA, T0 - 10 * DAY, T0 + 3650 * DAY,
                  NULL) != WAX_OK) {
        return NULL;
    }
    return &root_cert;
}

static wax_err
leaf(struct certbuf *out, int slot, const char *dn, const char *email,
     enum wax_pki_profile profile, int64_t nb, int64_t na)
{
    const struct certbuf *r = root();
    if (r == NULL) {
        return WAX_ERR_NOMEM;
    }
    const char *emails[1] = {email};
    return make_cert(out, slot, dn, emails, email != NULL ? 1 : 0, profile, nb,
                     na, r);
}

static void
fp_of(const struct certbuf *c, uint8_t fp[WAX_STORE_FP_BYTES])
{
    size_t n = 0;
    if (wax_digest_compute(WAX_DIGEST_SHA256, fp, WAX_STORE_FP_BYTES, &n,
                           c->der, c->len) != WAX_OK) {
        memset(fp, 0, WAX_STORE_FP_BYTES);
    }
}

static struct wax_span
sp(const struct certbuf *c)
{
    struct wax_span s;
    wax_span_init(&s, c->der, c->len);
    return s;
}

/* A walk collector: counts rows and keeps the last fingerprints. */
struct collect {
    size_t n;
    uint8_t fp[8][WAX_STORE_FP_BYTES];
    bool preferred[8];
    uint32_t trust[8];
};

static wax_err
collect_cb(void *ctx, const struct wax_store_cert *c)
{
    struct collect *col = ctx;
    if (col->n < 8) {
        memcpy(col->fp[col->n], c->fp, WAX_STORE_FP_BYTES);
        col->preferred[col->n] = c->preferred;
        col->trust[col->n] = c->trust;
    }
    col->n++;
    return WAX_OK;
}

static bool
has_fp(const struct collect *col, const struct certbuf *c)
{
    uint8_t fp[WAX_STORE_FP_BYTES];
    fp_of(c, fp);
    for (size_t i = 0; i < col->n && i < 8; i++) {
        if (memcmp(col->fp[i], fp, sizeof fp) == 0) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Opening, modes, migrations.                                         */

TEST(store_open_creates_0600_whatever_the_umask)
{
    struct tmp t;
    CHECK(tmp_make(&t));
    struct wax_store *s = NULL;
    CHECK_ERR(wax_store_open(&s, t.path, 0), WAX_ERR_STORE_OPEN);
    CHECK(s == NULL);
    CHECK_ERR(wax_store_open(&s, t.dir, WAX_STORE_CREATE), WAX_ERR_STORE_OPEN);
    mode_t old = umask(0277);
    wax_err err = wax_store_open(&s, t.path, WAX_STORE_CREATE);
    umask(old);
    CHECK_OK(err);
    struct stat sb;
    CHECK(stat(t.path, &sb) == 0);
    CHECK_MSG((sb.st_mode & 0777) == 0600, "mode %o",
              (unsigned)(sb.st_mode & 0777));
    int v = 0;
    CHECK_OK(wax_store_schema_version(s, &v));
    CHECK(v == WAX_STORE_SCHEMA_VERSION);
    /* a write, then the WAL file has the same mode */
    const struct certbuf *r = root();
    CHECK(r != NULL);
    CHECK_OK(wax_store_cert_add(s, r->der, r->len, NULL, NULL));
    char wal[128];
    snprintf(wal, sizeof wal, "%s-wal", t.path);
    if (stat(wal, &sb) == 0) {
        CHECK_MSG((sb.st_mode & 0777) == 0600, "wal mode %o",
                  (unsigned)(sb.st_mode & 0777));
    }
    wax_store_close(s);
    /* reopening without CREATE keeps the data */
    CHECK_OK(wax_store_open(&s, t.path, 0));
    struct collect col = {0};
    CHECK_OK(wax_store_cert_list(s, 0, collect_cb, &col));
    CHECK(col.n == 1);
    wax_store_close(s);
    CHECK_ERR(wax_store_open(&s, t.path, 0x80), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_store_open(&s, "", WAX_STORE_CREATE),
              WAX_ERR_INVALID_ARGUMENT);
    tmp_drop(&t);
}

TEST(store_migrates_empty_file_and_refuses_others)
{
    struct tmp t;
    CHECK(tmp_make(&t));
    int fd = open(t.path, O_CREAT | O_WRONLY | O_EXCL, 0600);
    CHECK(fd >= 0);
    close(fd);
    struct wax_store *s = NULL;
    CHECK_OK(wax_store_open(&s, t.path, 0));
    int v = 0;
    CHECK_OK(wax_store_schema_version(s, &v));
    CHECK(v == WAX_STORE_SCHEMA_VERSION);
    wax_store_close(s);
    tmp_drop(&t);

    /* not an SQLite file */
    CHECK(tmp_make(&t));
    fd = open(t.path, O_CREAT | O_WRONLY | O_EXCL, 0600);
    CHECK(fd >= 0);
    char junk[4096];
    memset(junk, 'x', sizeof junk);
    CHECK(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk);
    close(fd);
    CHECK_ERR(wax_store_open(&s, t.path, 0), WAX_ERR_STORE_CORRUPT);
    tmp_drop(&t);

    /* a newer schema, and a foreign SQLite database */
    static const char *const sql[] = {
        "PRAGMA application_id = 2002876465; PRAGMA user_version = 99;",
        "CREATE TABLE certs(x); PRAGMA user_version = 0;",
        "PRAGMA application_id = 1234; PRAGMA user_version = 1;",
    };
    for (size_t i = 0; i < 3; i++) {
        CHECK(tmp_make(&t));
        sqlite3 *db = NULL;
        CHECK(sqlite3_open(t.path, &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db, sql[i], NULL, NULL, NULL) == SQLITE_OK);
        sqlite3_close(db);
        CHECK_ERR(wax_store_open(&s, t.path, 0), WAX_ERR_STORE_SCHEMA);
        tmp_drop(&t);
    }
}

/* ------------------------------------------------------------------ */
/* Certificates.                                                       */

TEST(store_cert_insert_lookup_remove)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf a, b;
    CHECK_OK(leaf(&a, 1, "CN=Alice", "Alice@Example.ORG", WAX_PKI_PROFILE_DUAL,
                  T0, T0 + 365 * DAY));
    CHECK_OK(leaf(&b, 2, "CN=Bob,emailAddress=bob@Mail.Example.com", NULL,
                  WAX_PKI_PROFILE_SIGN, T0 + DAY, T0 + 365 * DAY));
    uint8_t fp[WAX_STORE_FP_BYTES], want[WAX_STORE_FP_BYTES];
    bool added = false;
    CHECK_OK(wax_store_cert_add(s, a.der, a.len, fp, &added));
    CHECK(added);
    fp_of(&a, want);
    CHECK_FP(fp, want);
    CHECK_OK(wax_store_cert_add(s, a.der, a.len, fp, &added));
    CHECK(!added);
    CHECK_OK(wax_store_cert_add(s, b.der, b.len, NULL, &added));
    CHECK(added);

    struct wax_buf out;
    wax_buf_init(&out, 1 << 16);
    CHECK_OK(wax_store_cert_get(s, want, &out));
    CHECK(out.len == a.len && memcmp(out.data, a.der, a.len) == 0);
    wax_buf_cleanup(&out);

    struct wax_x509_cert pa;
    CHECK_OK(wax_x509_cert_parse(&pa, a.der, a.len));
    struct collect col = {0};
    CHECK_OK(wax_store_certs_by_subject(s, pa.subject, 0, collect_cb, &col));
    CHECK(col.n == 1 && has_fp(&col, &a));
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_certs_by_issuer_serial(s, pa.issuer, pa.serial, 0,
                                              collect_cb, &col));
    CHECK(col.n == 1 && has_fp(&col, &a));
    memset(&col, 0, sizeof col);
    CHECK(pa.info.has_ski);
    CHECK_OK(wax_store_certs_by_ski(s, pa.info.ski, 0, collect_cb, &col));
    CHECK(col.n == 1 && has_fp(&col, &a));
    /* emails: the local part exact, the domain case-insensitive */
    memset(&col, 0, sizeof col);
    CHECK_OK(
        wax_store_certs_by_email(s, "Alice@example.org", 0, collect_cb, &col));
    CHECK(col.n == 1 && has_fp(&col, &a) && col.preferred[0]);
    memset(&col, 0, sizeof col);
    CHECK_OK(
        wax_store_certs_by_email(s, "alice@example.org", 0, collect_cb, &col));
    CHECK(col.n == 0);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_certs_by_email(s, "bob@MAIL.example.COM", 0, collect_cb,
                                      &col));
    CHECK(col.n == 1 && has_fp(&col, &b));
    CHECK_ERR(wax_store_certs_by_email(s, "nobody", 0, collect_cb, &col),
              WAX_ERR_STORE_BAD_ADDRESS);
    CHECK_ERR(wax_store_certs_by_email(s, "@x.org", 0, collect_cb, &col),
              WAX_ERR_STORE_BAD_ADDRESS);

    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_cert_list(s, 0, collect_cb, &col));
    CHECK(col.n == 2);
    CHECK(has_fp(&col, &b) && memcmp(col.fp[0], col.fp[1], 32) != 0);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_cert_list(s, 1, collect_cb, &col));
    CHECK(col.n == 1);

    /* a malformed certificate: the parser's exact error, nothing stored */
    struct wax_x509_cert junk;
    uint8_t bad[64];
    memcpy(bad, a.der, sizeof bad);
    wax_err want_err = wax_x509_cert_parse(&junk, bad, sizeof bad);
    CHECK(want_err != WAX_OK);
    CHECK_ERR(wax_store_cert_add(s, bad, sizeof bad, NULL, NULL), want_err);

    CHECK_OK(wax_store_cert_remove(s, want));
    wax_buf_init(&out, 1 << 16);
    CHECK_ERR(wax_store_cert_get(s, want, &out), WAX_ERR_STORE_NOT_FOUND);
    wax_buf_cleanup(&out);
    CHECK_ERR(wax_store_cert_remove(s, want), WAX_ERR_STORE_NOT_FOUND);
    memset(&col, 0, sizeof col);
    CHECK_OK(
        wax_store_certs_by_email(s, "Alice@example.org", 0, collect_cb, &col));
    CHECK(col.n == 0);
    wax_store_close(s);
    tmp_drop(&t);
}

static wax_err
stop_cb(void *ctx, const struct wax_store_cert *c)
{
    (void)c;
    ++*(int *)ctx;
    return WAX_ERR_LIMIT_EXCEEDED;
}

TEST(store_trust_anchors)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    const struct certbuf *r = root();
    CHECK(r != NULL);
    uint8_t fp[WAX_STORE_FP_BYTES];
    fp_of(r, fp);
    CHECK_ERR(wax_store_trust(s, fp, WAX_STORE_TRUST_SMIME),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_cert_add(s, r->der, r->len, NULL, NULL));
    CHECK_ERR(wax_store_trust(s, fp, 0), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_store_trust(s, fp, 1u << 7), WAX_ERR_INVALID_ARGUMENT);
    CHECK_ERR(wax_store_untrust(s, fp), WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_trust(s, fp, WAX_STORE_TRUST_SMIME));
    struct collect col = {0};
    CHECK_OK(wax_store_anchors(s, WAX_STORE_TRUST_SMIME, 0, collect_cb, &col));
    CHECK(col.n == 1 && col.trust[0] == WAX_STORE_TRUST_SMIME);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_anchors(s, WAX_STORE_TRUST_TLS, 0, collect_cb, &col));
    CHECK(col.n == 0);
    CHECK_OK(wax_store_trust(s, fp, WAX_STORE_TRUST_ANY));
    CHECK_OK(wax_store_anchors(s, WAX_STORE_TRUST_TLS, 0, collect_cb, &col));
    CHECK(col.n == 1);
    CHECK_ERR(wax_store_anchors(s, WAX_STORE_TRUST_TLS | WAX_STORE_TRUST_SMIME,
                                0, collect_cb, &col),
              WAX_ERR_INVALID_ARGUMENT);
    int calls = 0;
    CHECK_ERR(wax_store_anchors(s, WAX_STORE_TRUST_SMIME, 0, stop_cb, &calls),
              WAX_ERR_LIMIT_EXCEEDED);
    CHECK(calls == 1);
    CHECK_OK(wax_store_untrust(s, fp));
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_anchors(s, WAX_STORE_TRUST_SMIME, 0, collect_cb, &col));
    CHECK(col.n == 0);
    CHECK_ERR(wax_store_untrust(s, fp), WAX_ERR_STORE_NOT_FOUND);
    /* removing the certificate removes its trust */
    CHECK_OK(wax_store_trust(s, fp, WAX_STORE_TRUST_SMIME));
    CHECK_OK(wax_store_cert_remove(s, fp));
    CHECK_OK(wax_store_cert_add(s, r->der, r->len, NULL, NULL));
    CHECK_OK(wax_store_anchors(s, WAX_STORE_TRUST_SMIME, 0, collect_cb, &col));
    CHECK(col.n == 0);
    wax_store_close(s);
    tmp_drop(&t);
}

/* ------------------------------------------------------------------ */
/* CRLs.                                                               */

struct crl_col {
    size_t n;
    int64_t this_update[8];
    size_t number_len[8];
};

static wax_err
crl_cb(void *ctx, const struct wax_store_crl *c)
{
    struct crl_col *col = ctx;
    if (col->n < 8) {
        col->this_update[col->n] = c->this_update;
        col->number_len[col->n] = c->number.len;
    }
    col->n++;
    return WAX_OK;
}

TEST(store_crls)
{
    static const char *const files[] = {
        "rfc4134-examples/CarlRSACRLEmpty.crl",
        "rfc4134-examples/CarlRSACRLForAll.crl",
        "rfc4134-examples/CarlRSACRLForCarl.crl",
    };
    uint8_t *der[3] = {NULL};
    size_t len[3];
    for (size_t i = 0; i < 3; i++) {
        der[i] = wax_test_read_file(wax_test_data_path(files[i]), &len[i]);
        if (der[i] == NULL) {
            for (size_t j = 0; j < i; j++) {
                free(der[j]);
            }
            SKIP("missing %s", files[i]);
        }
    }
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    bool added = false;
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(wax_store_crl_add(s, der[i], len[i], &added));
        CHECK(added);
    }
    CHECK_OK(wax_store_crl_add(s, der[1], len[1], &added));
    CHECK(!added);
    struct wax_x509_crl crl;
    CHECK_OK(wax_x509_crl_parse(&crl, der[0], len[0]));
    struct crl_col col = {0};
    CHECK_OK(wax_store_crls_by_issuer(s, crl.issuer, 0, crl_cb, &col));
    CHECK(col.n == 3);
    for (size_t i = 1; i < 3; i++) {
        /* newest first */
        CHECK(col.number_len[i] <= col.number_len[i - 1]);
        if (col.number_len[i] == col.number_len[i - 1]) {
            CHECK(col.this_update[i] <= col.this_update[i - 1]);
        }
    }
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_crls_by_issuer(s, crl.issuer, 1, crl_cb, &col));
    CHECK(col.n == 1);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_crls_by_issuer(s, crl.tbs, 0, crl_cb, &col));
    CHECK(col.n == 0);
    CHECK_OK(wax_store_crl_list(s, 0, crl_cb, &col));
    CHECK(col.n == 3);
    uint8_t junk[8] = {0x30, 0x03, 0x02, 0x01, 0x01};
    CHECK_ERR(wax_store_crl_add(s, junk, 5, &added),
              wax_x509_crl_parse(&crl, junk, 5));
    wax_store_close(s);
    tmp_drop(&t);
    for (size_t i = 0; i < 3; i++) {
        free(der[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Identities.                                                         */

static wax_err
id_count_cb(void *ctx, const struct wax_store_identity *id)
{
    struct collect *col = ctx;
    if (col->n < 8) {
        memcpy(col->fp[col->n], id->fp, WAX_STORE_FP_BYTES);
        col->preferred[col->n] = id->encrypted;
    }
    col->n++;
    return WAX_OK;
}

TEST(store_identities_encrypted_and_plain)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    const struct certbuf *r = root();
    CHECK(r != NULL);
    struct certbuf old, cur, sig;
    /* old key (expired after renewal), current key, a signing-only key */
    CHECK_OK(leaf(&old, 1, "CN=Carol", "carol@example.org",
                  WAX_PKI_PROFILE_DUAL, T0 - 400 * DAY, T0 - DAY));
    CHECK_OK(leaf(&cur, 2, "CN=Carol", "carol@example.org",
                  WAX_PKI_PROFILE_ENCRYPT, T0 - 2 * DAY, T0 + 365 * DAY));
    CHECK_OK(leaf(&sig, 3, "CN=Carol", "carol@example.org",
                  WAX_PKI_PROFILE_SIGN, T0 - DAY, T0 + 365 * DAY));
    struct wax_span chain[1] = {sp(r)};
    uint8_t fp_old[32], fp_cur[32], fp_sig[32], fp[32];

    CHECK_ERR(wax_store_identity_add(s, key_slot(1), old.der, old.len, chain, 1,
                                     NULL, false, fp_old),
              WAX_ERR_STORE_NO_PASSPHRASE);
    CHECK_ERR(wax_store_identity_add(s, key_slot(1), old.der, old.len, chain, 1,
                                     "pw", true, fp_old),
              WAX_ERR_STORE_NO_PASSPHRASE);
    CHECK_ERR(wax_store_identity_add(s, key_slot(2), old.der, old.len, chain, 1,
                                     "pw", false, fp_old),
              WAX_ERR_CRYPTO_KEY_MISMATCH);
    CHECK_OK(wax_store_identity_add(s, key_slot(1), old.der, old.len, chain, 1,
                                    "correct horse", false, fp_old));
    CHECK_ERR(wax_store_identity_add(s, key_slot(1), old.der, old.len, chain, 1,
                                     NULL, true, fp),
              WAX_ERR_STORE_DUPLICATE);
    CHECK_OK(wax_store_identity_add(s, key_slot(2), cur.der, cur.len, chain, 1,
                                    NULL, true, fp_cur));
    CHECK_OK(wax_store_identity_add(s, key_slot(3), sig.der, sig.len, NULL, 0,
                                    NULL, true, fp_sig));

    /* load: the encrypted one needs the exact passphrase */
    struct wax_privkey *k = NULL;
    CHECK_ERR(wax_store_identity_load(s, fp_old, "wrong", &k, NULL),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK(k == NULL);
    CHECK_ERR(wax_store_identity_load(s, fp_old, NULL, &k, NULL),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    struct wax_buf chain_out;
    wax_buf_init(&chain_out, 1 << 16);
    CHECK_OK(
        wax_store_identity_load(s, fp_old, "correct horse", &k, &chain_out));
    struct wax_x509_cert pc;
    CHECK_OK(wax_x509_cert_parse(&pc, old.der, old.len));
    CHECK_OK(wax_privkey_match_spki(k, pc.spki.der.p, pc.spki.der.len));
    wax_privkey_free(k);
    k = NULL;
    CHECK(chain_out.len == old.len + r->len);
    CHECK(memcmp(chain_out.data, old.der, old.len) == 0);
    CHECK(memcmp(chain_out.data + old.len, r->der, r->len) == 0);
    wax_buf_cleanup(&chain_out);
    CHECK_OK(wax_store_identity_load(s, fp_cur, NULL, &k, NULL));
    wax_privkey_free(k);
    k = NULL;
    CHECK_OK(wax_store_identity_load(s, fp_cur, "ignored", &k, NULL));
    wax_privkey_free(k);
    k = NULL;

    /* find by address, time and usage */
    CHECK_OK(wax_store_identity_find(s, "carol@EXAMPLE.org", T0,
                                     WAX_STORE_USAGE_ENCRYPT, fp));
    CHECK_FP(fp, fp_cur);
    CHECK_OK(wax_store_identity_find(s, "carol@example.org", T0,
                                     WAX_STORE_USAGE_SIGN, fp));
    CHECK_FP(fp, fp_sig);
    CHECK_OK(wax_store_identity_find(s, "carol@example.org", T0 - 100 * DAY,
                                     WAX_STORE_USAGE_ENCRYPT, fp));
    CHECK_FP(fp, fp_old);
    CHECK_ERR(wax_store_identity_find(s, "carol@example.org", T0 + 400 * DAY,
                                      WAX_STORE_USAGE_ANY, fp),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_ERR(wax_store_identity_find(s, "dave@example.org", T0,
                                      WAX_STORE_USAGE_ANY, fp),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_ERR(wax_store_identity_find(s, "carol@example.org", T0,
                                      (enum wax_store_usage)9, fp),
              WAX_ERR_INVALID_ARGUMENT);

    struct collect col = {0};
    CHECK_OK(
        wax_store_identity_list(s, "carol@example.org", 0, id_count_cb, &col));
    CHECK(col.n == 3);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_identity_list(s, NULL, 0, id_count_cb, &col));
    CHECK(col.n == 3);
    size_t enc = 0;
    for (size_t i = 0; i < 3; i++) {
        enc += col.preferred[i];
    }
    CHECK(enc == 1);

    /* the certificates of an identity cannot be removed under it */
    uint8_t fp_root[32];
    fp_of(r, fp_root);
    CHECK_ERR(wax_store_cert_remove(s, fp_old), WAX_ERR_STORE_DUPLICATE);
    CHECK_ERR(wax_store_cert_remove(s, fp_root), WAX_ERR_STORE_DUPLICATE);
    CHECK_OK(wax_store_identity_remove(s, fp_old));
    CHECK_ERR(wax_store_identity_remove(s, fp_old), WAX_ERR_STORE_NOT_FOUND);
    CHECK_ERR(wax_store_identity_load(s, fp_old, "correct horse", &k, NULL),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_cert_remove(s, fp_old));
    wax_store_close(s);
    tmp_drop(&t);
}

/* ------------------------------------------------------------------ */
/* Harvest, accept, recipients.                                        */

TEST(store_harvest_new_key_is_not_silently_preferred)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    const struct certbuf *r = root();
    CHECK(r != NULL);
    struct certbuf a1, a1b, a2;
    CHECK_OK(leaf(&a1, 1, "CN=Alice", "alice@example.org", WAX_PKI_PROFILE_DUAL,
                  T0 - 10 * DAY, T0 + 365 * DAY));
    /* the same key renewed, and an attacker's different key */
    CHECK_OK(leaf(&a1b, 1, "CN=Alice", "alice@example.org",
                  WAX_PKI_PROFILE_DUAL, T0 - 5 * DAY, T0 + 700 * DAY));
    CHECK_OK(leaf(&a2, 4, "CN=Alice", "alice@example.org", WAX_PKI_PROFILE_DUAL,
                  T0 - DAY, T0 + 365 * DAY));
    uint8_t f1[32], f1b[32], f2[32], fp[32];
    fp_of(&a1, f1);
    fp_of(&a1b, f1b);
    fp_of(&a2, f2);
    struct wax_span chain[1] = {sp(r)};
    static const uint8_t caps1[] = {0x30, 0x03, 0x06, 0x01, 0x2a};
    static const uint8_t caps2[] = {0x30, 0x03, 0x06, 0x01, 0x2b};
    struct wax_store_harvest_in in = {0};
    struct wax_store_harvest_outcome out;
    in.signer = sp(&a1);
    in.chain = chain;
    in.num_chain = 1;
    wax_span_init(&in.caps, caps1, sizeof caps1);
    in.at = T0;
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.num == 1 && !out.any_new_key);
    CHECK(strcmp(out.addr[0].address, "alice@example.org") == 0);
    CHECK(out.addr[0].status == WAX_STORE_HARVEST_NEW_ADDRESS);
    CHECK_FP(out.addr[0].fp, f1);
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.num == 1 && out.addr[0].status == WAX_STORE_HARVEST_KNOWN);
    CHECK_OK(wax_store_recipient(s, "alice@example.org", T0, fp, NULL));
    CHECK_FP(fp, f1);

    /* the attacker's key: reported, stored, not used */
    in.signer = sp(&a2);
    wax_span_init(&in.caps, caps2, sizeof caps2);
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.num == 1 && out.any_new_key);
    CHECK(out.addr[0].status == WAX_STORE_HARVEST_NEW_KEY);
    CHECK_FP(out.addr[0].fp, f2);
    CHECK_OK(wax_store_recipient(s, "alice@example.org", T0, fp, NULL));
    CHECK_FP(fp, f1);
    struct wax_buf caps;
    wax_buf_init(&caps, 1024);
    CHECK_OK(wax_store_capabilities(s, "alice@example.org", &caps));
    CHECK(caps.len == sizeof caps1 && memcmp(caps.data, caps1, 5) == 0);
    wax_buf_reset(&caps);
    CHECK_ERR(wax_store_capabilities(s, "bob@example.org", &caps),
              WAX_ERR_STORE_NOT_FOUND);
    struct collect col = {0};
    CHECK_OK(
        wax_store_certs_by_email(s, "alice@example.org", 0, collect_cb, &col));
    CHECK(col.n == 2);
    for (size_t i = 0; i < 2; i++) {
        CHECK(col.preferred[i] == (memcmp(col.fp[i], f1, 32) == 0));
    }
    /* an import does not override either */
    CHECK_OK(wax_store_cert_add(s, a2.der, a2.len, NULL, NULL));
    CHECK_OK(wax_store_recipient(s, "alice@example.org", T0, fp, NULL));
    CHECK_FP(fp, f1);

    /* renewal with the same key: accepted, newest wins */
    in.signer = sp(&a1b);
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.num == 1 && out.addr[0].status == WAX_STORE_HARVEST_RENEWED);
    CHECK_OK(wax_store_recipient(s, "alice@example.org", T0, fp, NULL));
    CHECK_FP(fp, f1b);
    wax_buf_reset(&caps);
    CHECK_OK(wax_store_capabilities(s, "alice@example.org", &caps));
    CHECK(caps.len == sizeof caps2 && memcmp(caps.data, caps2, 5) == 0);
    wax_buf_cleanup(&caps);

    /* the user accepts the new key */
    CHECK_ERR(wax_store_accept(s, "bob@example.org", f2),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_ERR(wax_store_accept(s, "bad", f2), WAX_ERR_STORE_BAD_ADDRESS);
    CHECK_OK(wax_store_accept(s, "alice@EXAMPLE.ORG", f2));
    struct wax_buf der;
    wax_buf_init(&der, 1 << 16);
    CHECK_OK(wax_store_recipient(s, "alice@example.org", T0, fp, &der));
    CHECK_FP(fp, f2);
    CHECK(der.len == a2.len && memcmp(der.data, a2.der, a2.len) == 0);
    wax_buf_cleanup(&der);
    /* after that, the old key is the "new" one */
    in.signer = sp(&a1);
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.addr[0].status == WAX_STORE_HARVEST_NEW_KEY);
    wax_store_close(s);
    tmp_drop(&t);
}

TEST(store_recipient_by_time_and_usage)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf sign, enc_old, enc_new, enc_pref;
    CHECK_OK(leaf(&sign, 1, "CN=Bob", "bob@example.org", WAX_PKI_PROFILE_SIGN,
                  T0, T0 + 900 * DAY));
    CHECK_OK(leaf(&enc_old, 1, "CN=Bob", "bob@example.org",
                  WAX_PKI_PROFILE_ENCRYPT, T0 - 100 * DAY, T0 + 10 * DAY));
    CHECK_OK(leaf(&enc_new, 1, "CN=Bob", "bob@example.org",
                  WAX_PKI_PROFILE_ENCRYPT, T0 + 5 * DAY, T0 + 300 * DAY));
    CHECK_OK(leaf(&enc_pref, 1, "CN=Bob", "bob@example.org",
                  WAX_PKI_PROFILE_DUAL, T0 - 200 * DAY, T0 + 300 * DAY));
    uint8_t fo[32], fn[32], fpref[32], fp[32];
    fp_of(&enc_old, fo);
    fp_of(&enc_new, fn);
    fp_of(&enc_pref, fpref);
    CHECK_ERR(wax_store_recipient(s, "bob@example.org", T0, fp, NULL),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_cert_add(s, sign.der, sign.len, NULL, NULL));
    /* a signing-only certificate is never a recipient */
    CHECK_ERR(wax_store_recipient(s, "bob@example.org", T0, fp, NULL),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_cert_add(s, enc_old.der, enc_old.len, NULL, NULL));
    CHECK_OK(wax_store_cert_add(s, enc_new.der, enc_new.len, NULL, NULL));
    CHECK_OK(wax_store_recipient(s, "bob@example.org", T0, fp, NULL));
    CHECK_FP(fp, fo);
    CHECK_OK(wax_store_recipient(s, "bob@example.org", T0 + 6 * DAY, fp, NULL));
    CHECK_FP(fp, fn);
    CHECK_OK(
        wax_store_recipient(s, "bob@example.org", T0 + 20 * DAY, fp, NULL));
    CHECK_FP(fp, fn);
    CHECK_ERR(
        wax_store_recipient(s, "bob@example.org", T0 + 400 * DAY, fp, NULL),
        WAX_ERR_STORE_NOT_FOUND);
    CHECK_ERR(
        wax_store_recipient(s, "bob@example.org", T0 - 150 * DAY, fp, NULL),
        WAX_ERR_STORE_NOT_FOUND);
    /* the harvested encryption-key preference wins among accepted ones */
    struct wax_store_harvest_in in = {0};
    struct wax_store_harvest_outcome out;
    in.signer = sp(&sign);
    in.enc_cert = sp(&enc_pref);
    in.at = T0;
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(!out.any_new_key && out.num == 2);
    CHECK_OK(wax_store_recipient(s, "bob@example.org", T0 + 6 * DAY, fp, NULL));
    CHECK_FP(fp, fpref);
    wax_store_close(s);
    tmp_drop(&t);

    /* only a not-accepted key fits: said so */
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf first, attacker;
    CHECK_OK(leaf(&first, 1, "CN=Eve", "eve@example.org",
                  WAX_PKI_PROFILE_ENCRYPT, T0 - 100 * DAY, T0 - DAY));
    CHECK_OK(leaf(&attacker, 4, "CN=Eve", "eve@example.org",
                  WAX_PKI_PROFILE_DUAL, T0 - DAY, T0 + 100 * DAY));
    CHECK_OK(wax_store_cert_add(s, first.der, first.len, NULL, NULL));
    in = (struct wax_store_harvest_in){0};
    in.signer = sp(&attacker);
    in.at = T0;
    CHECK_OK(wax_store_harvest(s, &in, &out));
    CHECK(out.any_new_key);
    CHECK_ERR(wax_store_recipient(s, "eve@example.org", T0, fp, NULL),
              WAX_ERR_STORE_KEY_NOT_ACCEPTED);
    wax_store_close(s);
    tmp_drop(&t);
}

/* ------------------------------------------------------------------ */
/* Atomicity.                                                          */

TEST(store_failed_transaction_leaves_nothing)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf a;
    CHECK_OK(leaf(&a, 1, "CN=Frank", "frank@example.org", WAX_PKI_PROFILE_DUAL,
                  T0, T0 + DAY));
    uint8_t fa[32];
    fp_of(&a, fa);
    static const uint8_t junk_der[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    struct wax_span chain[2];
    chain[0] = sp(root());
    wax_span_init(&chain[1], junk_der, sizeof junk_der);
    struct wax_x509_cert pc;
    wax_err want = wax_x509_cert_parse(&pc, junk_der, sizeof junk_der);
    CHECK(want != WAX_OK);
    static const uint8_t caps[] = {0x30, 0x00};
    struct wax_store_harvest_in in = {0};
    struct wax_store_harvest_outcome out;
    in.signer = sp(&a);
    in.chain = chain;
    in.num_chain = 2;
    wax_span_init(&in.caps, caps, sizeof caps);
    CHECK_ERR(wax_store_harvest(s, &in, &out), want);
    CHECK(out.num == 0);
    /* identity with a broken chain element: no key, no certificate */
    CHECK_ERR(wax_store_identity_add(s, key_slot(1), a.der, a.len, chain, 2,
                                     NULL, true, NULL),
              want);
    struct collect col = {0};
    CHECK_OK(wax_store_cert_list(s, 0, collect_cb, &col));
    CHECK_MSG(col.n == 0, "%zu certificates left", col.n);
    CHECK_OK(wax_store_identity_list(s, NULL, 0, id_count_cb, &col));
    CHECK(col.n == 0);
    struct wax_buf b;
    wax_buf_init(&b, 64);
    CHECK_ERR(wax_store_capabilities(s, "frank@example.org", &b),
              WAX_ERR_STORE_NOT_FOUND);
    wax_buf_cleanup(&b);
    CHECK_ERR(wax_store_harvest(
                  s, &(struct wax_store_harvest_in){.num_chain = 17}, &out),
              WAX_ERR_INVALID_ARGUMENT);
    wax_store_close(s);
    tmp_drop(&t);
}

/* ------------------------------------------------------------------ */
/* Two processes at once.                                              */

#define N_EACH 200

TEST(store_two_processes_lose_nothing)
{
    struct certbuf *h = calloc(N_EACH, sizeof *h);
    struct certbuf *ids = calloc(N_EACH, sizeof *ids);
    CHECK(h != NULL && ids != NULL);
    for (int i = 0; i < N_EACH; i++) {
        char e[64];
        snprintf(e, sizeof e, "h%d@example.org", i);
        if (leaf(&h[i], 5, "CN=Harvested", e, WAX_PKI_PROFILE_DUAL, T0,
                 T0 + DAY) != WAX_OK) {
            free(h);
            free(ids);
            CHECK(false);
        }
        snprintf(e, sizeof e, "me%d@example.org", i);
        if (leaf(&ids[i], 6, "CN=Me", e, WAX_PKI_PROFILE_DUAL, T0, T0 + DAY) !=
            WAX_OK) {
            free(h);
            free(ids);
            CHECK(false);
        }
    }
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    wax_store_close(s);
    s = NULL;
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct wax_store *cs = NULL;
        int rc = 0;
        if (wax_store_open(&cs, t.path, 0) != WAX_OK) {
            _exit(10);
        }
        for (int i = 0; i < N_EACH && rc == 0; i++) {
            struct wax_store_harvest_in in = {0};
            struct wax_store_harvest_outcome out;
            in.signer = sp(&h[i]);
            in.at = T0;
            if (wax_store_harvest(cs, &in, &out) != WAX_OK ||
                out.addr[0].status != WAX_STORE_HARVEST_NEW_ADDRESS) {
                rc = 11;
            }
        }
        wax_store_close(cs);
        _exit(rc);
    }
    wax_err err = wax_store_open(&s, t.path, 0);
    size_t lookups = 0;
    for (int i = 0; i < N_EACH && err == WAX_OK; i++) {
        err = wax_store_identity_add(s, key_slot(6), ids[i].der, ids[i].len,
                                     NULL, 0, NULL, true, NULL);
        uint8_t fp[32];
        char e[64];
        snprintf(e, sizeof e, "h%d@example.org", i / 2);
        wax_err le = wax_store_recipient(s, e, T0, fp, NULL);
        if (err == WAX_OK && le != WAX_OK && le != WAX_ERR_STORE_NOT_FOUND) {
            err = le;
        }
        lookups += le == WAX_OK;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK_OK(err);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
              status);
    struct collect col = {0};
    CHECK_OK(wax_store_cert_list(s, 0, collect_cb, &col));
    CHECK_MSG(col.n == 2 * N_EACH, "%zu certificates", col.n);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_identity_list(s, NULL, 0, id_count_cb, &col));
    CHECK(col.n == N_EACH);
    for (int i = 0; i < N_EACH; i++) {
        uint8_t fp[32], want[32];
        char e[64];
        snprintf(e, sizeof e, "h%d@example.org", i);
        CHECK_OK(wax_store_recipient(s, e, T0, fp, NULL));
        fp_of(&h[i], want);
        CHECK_FP(fp, want);
        snprintf(e, sizeof e, "me%d@example.org", i);
        CHECK_OK(wax_store_identity_find(s, e, T0, WAX_STORE_USAGE_ANY, fp));
        fp_of(&ids[i], want);
        CHECK_FP(fp, want);
    }
    (void)lookups;
    wax_store_close(s);
    tmp_drop(&t);
    free(h);
    free(ids);
}

/* ------------------------------------------------------------------ */
/* Every address of a certificate; damaged rows.                       */

TEST(store_indexes_every_address_kind)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    const struct certbuf *r = root();
    CHECK(r != NULL);
    static const char *const emails[] = {"j\xC3\xB6rg@Example.org",
                                         "plain@example.org"};
    struct certbuf c;
    CHECK_OK(make_cert(&c, 1, "CN=J,emailAddress=subj@EXAMPLE.net", emails, 2,
                       WAX_PKI_PROFILE_DUAL, T0, T0 + DAY, r));
    CHECK_OK(wax_store_cert_add(s, c.der, c.len, NULL, NULL));
    static const char *const find[] = {"j\xC3\xB6rg@example.ORG",
                                       "plain@EXAMPLE.org", "subj@example.net"};
    for (size_t i = 0; i < 3; i++) {
        struct collect col = {0};
        CHECK_OK(wax_store_certs_by_email(s, find[i], 0, collect_cb, &col));
        CHECK_MSG(col.n == 1 && has_fp(&col, &c), "%s: %zu", find[i], col.n);
    }
    struct collect col = {0};
    CHECK_OK(wax_store_certs_by_email(s, "J\xC3\xB6rg@example.org", 0,
                                      collect_cb, &col));
    CHECK(col.n == 0);
    wax_store_close(s);
    tmp_drop(&t);
}

TEST(store_damaged_identity_row_is_corrupt)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf a, b;
    CHECK_OK(leaf(&a, 1, "CN=G", "g@example.org", WAX_PKI_PROFILE_DUAL, T0,
                  T0 + DAY));
    CHECK_OK(leaf(&b, 2, "CN=H", "h@example.org", WAX_PKI_PROFILE_DUAL, T0,
                  T0 + DAY));
    uint8_t fa[32], fb[32];
    CHECK_OK(wax_store_identity_add(s, key_slot(1), a.der, a.len, NULL, 0, NULL,
                                    true, fa));
    CHECK_OK(wax_store_identity_add(s, key_slot(2), b.der, b.len, NULL, 0, NULL,
                                    true, fb));
    wax_store_close(s);
    /* swap the keys behind the store's back, and break one */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(t.path, &db) == SQLITE_OK);
    int rc = sqlite3_exec(
        db,
        "UPDATE identities SET key = (SELECT key FROM identities i2"
        " WHERE i2.cert_id != identities.cert_id);",
        NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK(rc == SQLITE_OK);
    CHECK_OK(wax_store_open(&s, t.path, 0));
    struct wax_privkey *k = NULL;
    CHECK_ERR(wax_store_identity_load(s, fa, NULL, &k, NULL),
              WAX_ERR_STORE_CORRUPT);
    CHECK(k == NULL);
    wax_store_close(s);
    CHECK(sqlite3_open(t.path, &db) == SQLITE_OK);
    rc = sqlite3_exec(db, "UPDATE identities SET key = x'3000';", NULL, NULL,
                      NULL);
    sqlite3_close(db);
    CHECK(rc == SQLITE_OK);
    CHECK_OK(wax_store_open(&s, t.path, 0));
    CHECK_ERR(wax_store_identity_load(s, fb, NULL, &k, NULL),
              WAX_ERR_STORE_CORRUPT);
    wax_store_close(s);
    tmp_drop(&t);
}

/* ------------------------------------------------------------------ */
/* Pending keys (wax req).                                             */

static wax_err
pending_cb(void *ctx, const struct wax_store_pending *p)
{
    struct collect *col = ctx;
    if (col->n < 8) {
        memcpy(col->fp[col->n], p->spki_hash, WAX_STORE_FP_BYTES);
        col->preferred[col->n] = p->encrypted;
    }
    col->n++;
    return WAX_OK;
}

TEST(store_migration_from_v1_keeps_identities)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    struct certbuf a;
    CHECK_OK(leaf(&a, 1, "CN=Dan", "dan@example.org", WAX_PKI_PROFILE_DUAL,
                  T0 - DAY, T0 + 365 * DAY));
    uint8_t fa[32], fp[32];
    CHECK_OK(wax_store_identity_add(s, key_slot(1), a.der, a.len, NULL, 0, NULL,
                                    true, fa));
    wax_store_close(s);
    /* back to schema 1: as a store written before pending keys existed */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(t.path, &db) == SQLITE_OK);
    int rc =
        sqlite3_exec(db, "DROP TABLE pending_keys; PRAGMA user_version = 1;",
                     NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK(rc == SQLITE_OK);
    CHECK_OK(wax_store_open(&s, t.path, 0));
    int v = 0;
    CHECK_OK(wax_store_schema_version(s, &v));
    CHECK(v == 2);
    CHECK_OK(wax_store_identity_find(s, "dan@example.org", T0,
                                     WAX_STORE_USAGE_ANY, fp));
    CHECK_MEM(fp, 32, fa, 32);
    struct wax_privkey *k = NULL;
    CHECK_OK(wax_store_identity_load(s, fa, NULL, &k, NULL));
    wax_privkey_free(k);
    /* the new table works */
    CHECK_OK(wax_store_pending_key_add(s, key_slot(2), NULL, true, NULL));
    wax_store_close(s);
    tmp_drop(&t);
}

TEST(store_pending_key_becomes_identity)
{
    struct tmp t;
    struct wax_store *s = NULL;
    CHECK(tmp_make(&t));
    CHECK_OK(wax_store_open(&s, t.path, WAX_STORE_CREATE));
    const struct certbuf *r = root();
    CHECK(r != NULL);
    struct certbuf a, b, c;
    CHECK_OK(leaf(&a, 4, "CN=Erin", "erin@example.org", WAX_PKI_PROFILE_DUAL,
                  T0 - DAY, T0 + 365 * DAY));
    CHECK_OK(leaf(&b, 5, "CN=Finn", "finn@example.org", WAX_PKI_PROFILE_SIGN,
                  T0 - DAY, T0 + 365 * DAY));
    CHECK_OK(leaf(&c, 6, "CN=Gus", "gus@example.org", WAX_PKI_PROFILE_SIGN,
                  T0 - DAY, T0 + 365 * DAY));
    struct wax_span chain[1] = {sp(r)};
    uint8_t h4[32], h5[32], fp[32], fp2[32];
    bool enc = false;

    CHECK_ERR(wax_store_pending_key_add(s, key_slot(4), NULL, false, h4),
              WAX_ERR_STORE_NO_PASSPHRASE);
    CHECK_ERR(wax_store_pending_key_add(s, key_slot(4), "pw", true, h4),
              WAX_ERR_STORE_NO_PASSPHRASE);
    CHECK_OK(wax_store_pending_key_add(s, key_slot(4), "secret", false, h4));
    CHECK_ERR(wax_store_pending_key_add(s, key_slot(4), NULL, true, NULL),
              WAX_ERR_STORE_DUPLICATE);
    CHECK_OK(wax_store_pending_key_add(s, key_slot(5), NULL, true, h5));
    CHECK(memcmp(h4, h5, 32) != 0);
    struct collect col;
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_pending_key_list(s, pending_cb, &col));
    CHECK(col.n == 2);
    CHECK(col.preferred[0] != col.preferred[1]);

    /* no pending key for slot 6's certificate */
    CHECK_ERR(
        wax_store_pending_key_claim(s, c.der, c.len, NULL, 0, NULL, fp, &enc),
        WAX_ERR_STORE_NOT_FOUND);
    /* encrypted: a missing or wrong passphrase changes nothing */
    CHECK_ERR(
        wax_store_pending_key_claim(s, a.der, a.len, chain, 1, NULL, fp, &enc),
        WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK_ERR(wax_store_pending_key_claim(s, a.der, a.len, chain, 1, "wrong",
                                          fp, &enc),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK_ERR(wax_store_identity_find(s, "erin@example.org", T0,
                                      WAX_STORE_USAGE_ANY, fp2),
              WAX_ERR_STORE_NOT_FOUND);
    CHECK_OK(wax_store_pending_key_claim(s, a.der, a.len, chain, 1, "secret",
                                         fp, &enc));
    CHECK(enc);
    CHECK_OK(wax_store_identity_find(s, "erin@example.org", T0,
                                     WAX_STORE_USAGE_ANY, fp2));
    CHECK_MEM(fp, 32, fp2, 32);
    struct wax_privkey *k = NULL;
    struct wax_buf ch;
    wax_buf_init(&ch, 1 << 20);
    CHECK_ERR(wax_store_identity_load(s, fp, "wrong", &k, NULL),
              WAX_ERR_CRYPTO_BAD_PASSWORD);
    CHECK_OK(wax_store_identity_load(s, fp, "secret", &k, &ch));
    CHECK(ch.len == a.len + r->len);
    wax_buf_cleanup(&ch);
    wax_privkey_free(k);
    /* the pending row is gone: a second claim finds nothing */
    CHECK_ERR(wax_store_pending_key_claim(s, a.der, a.len, chain, 1, "secret",
                                          fp, &enc),
              WAX_ERR_STORE_NOT_FOUND);
    /* a plain one needs no passphrase */
    CHECK_OK(
        wax_store_pending_key_claim(s, b.der, b.len, NULL, 0, NULL, fp, &enc));
    CHECK(!enc);
    memset(&col, 0, sizeof col);
    CHECK_OK(wax_store_pending_key_list(s, pending_cb, &col));
    CHECK(col.n == 0);
    /* remove */
    CHECK_OK(wax_store_pending_key_add(s, key_slot(6), NULL, true, h5));
    CHECK_OK(wax_store_pending_key_remove(s, h5));
    CHECK_ERR(wax_store_pending_key_remove(s, h5), WAX_ERR_STORE_NOT_FOUND);
    wax_store_close(s);
    tmp_drop(&t);
}
