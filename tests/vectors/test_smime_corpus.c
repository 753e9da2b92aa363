/*
 * Vector tests of the smime layer over real messages:
 *
 *  - tests/vectors/smime_corpus.tsv: RFC 4134 examples and real-world
 *    messages, each row with its trust, keys, time and the expected
 *    verdict of every layer;
 *  - the Thunderbird/NSS messages (thunderbird-nss-smime): our verdict is
 *    compared with Thunderbird's (expected-thunderbird-*.tsv); every
 *    disagreement must be listed, with its reason, in
 *    tests/vectors/smime_thunderbird.expect, and every listed one must
 *    still disagree.
 *
 * Messages are opened layer by layer like `wax open`: an enveloped layer
 * is decrypted, a signed layer verified (its content taken out even when
 * the verdict is negative, to look further inside), until plain content.
 * A layer is written "S:VERDICT[/WAX_ERR_...]" or "E:VERDICT[/...]",
 * outermost first, separated by spaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wax/smime.h>

#include "../harness.h"

#define MAX_ITEMS 16
#define MAX_LAYERS 8

struct corpus {
    uint8_t *anchor_der[MAX_ITEMS];
    const uint8_t *anchors[MAX_ITEMS];
    size_t anchor_lens[MAX_ITEMS];
    size_t num_anchors;
    struct wax_privkey *keys[MAX_ITEMS];
    uint8_t *key_certs[MAX_ITEMS];
    size_t key_cert_lens[MAX_ITEMS];
    size_t num_keys;
    int64_t time;
    bool allow_weak;
    const char *from;
    char why[256]; /* what failed while loading */
};

static void
corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->num_anchors; i++) {
        free(c->anchor_der[i]);
    }
    for (size_t i = 0; i < c->num_keys; i++) {
        wax_privkey_free(c->keys[i]);
        free(c->key_certs[i]);
    }
    memset(c, 0, sizeof *c);
}

static uint8_t *
dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d != NULL) {
        memcpy(d, p, n);
    }
    return d;
}

static void
add_anchor(struct corpus *c, const uint8_t *der, size_t len)
{
    if (c->num_anchors < MAX_ITEMS) {
        c->anchor_der[c->num_anchors] = dup_bytes(der, len);
        c->anchors[c->num_anchors] = c->anchor_der[c->num_anchors];
        c->anchor_lens[c->num_anchors++] = len;
    }
}

/* Every certificate of a PEM or DER file (relative to the corpus). */
static bool
load_certs(struct corpus *c, const char *rel, bool only_self_issued)
{
    size_t len = 0;
    uint8_t *data = wax_test_read_file(wax_test_data_path(rel), &len);
    if (data == NULL) {
        snprintf(c->why, sizeof c->why, "missing %s", rel);
        return false;
    }
    bool ok = true;
    if (wax_pem_looks_like(data, len)) {
        struct wax_pem_reader r;
        wax_pem_reader_init(&r, data, len);
        for (;;) {
            struct wax_pem_block b;
            bool present = false;
            if (wax_pem_next(&r, &b, &present) != WAX_OK || !present) {
                break;
            }
            if (!wax_pem_label_is(&b, "CERTIFICATE")) {
                continue;
            }
            size_t cap = wax_pem_decoded_max(&b), n = 0;
            uint8_t *der = malloc(cap);
            if (der != NULL && wax_pem_decode(&b, der, cap, &n) == WAX_OK) {
                add_anchor(c, der, n);
            }
            free(der);
        }
    } else {
        struct wax_x509_cert cert;
        if (wax_x509_cert_parse(&cert, data, len) == WAX_OK &&
            (!only_self_issued || wax_x509_cert_is_self_issued(&cert))) {
            add_anchor(c, data, len);
        } else {
            ok = false;
        }
    }
    free(data);
    return ok;
}

/* Keys and certificates of a PKCS#12 file: every key with the
 * certificate that matches it; CA certificates (self-issued) become
 * anchors when ANCHORS is set. */
static bool
load_p12(struct corpus *c, const char *rel, const char *pass, bool keys,
         bool anchors)
{
    size_t len = 0;
    uint8_t *data = wax_test_read_file(wax_test_data_path(rel), &len);
    if (data == NULL) {
        snprintf(c->why, sizeof c->why, "missing %s", rel);
        return false;
    }
    struct wax_pkcs12_contents p12;
    wax_err err = wax_pkcs12_load(&p12, data, len, pass);
    free(data);
    if (err != WAX_OK) {
        snprintf(c->why, sizeof c->why, "%s: %s", rel, wax_err_name(err));
        return false;
    }
    for (size_t i = 0; anchors && i < p12.num_certs; i++) {
        struct wax_x509_cert cert;
        if (wax_x509_cert_parse(&cert, p12.certs[i].der,
                                p12.certs[i].der_len) == WAX_OK &&
            wax_x509_cert_is_self_issued(&cert)) {
            add_anchor(c, p12.certs[i].der, p12.certs[i].der_len);
        }
    }
    for (size_t k = 0; keys && k < p12.num_keys && c->num_keys < MAX_ITEMS;
         k++) {
        struct wax_privkey *key = NULL;
        if (wax_privkey_load(&key, p12.keys[k].der, p12.keys[k].der_len,
                             NULL) != WAX_OK) {
            continue;
        }
        for (size_t i = 0; i < p12.num_certs; i++) {
            struct wax_x509_cert cert;
            if (wax_x509_cert_parse(&cert, p12.certs[i].der,
                                    p12.certs[i].der_len) == WAX_OK &&
                wax_privkey_match_spki(key, cert.spki.der.p,
                                       cert.spki.der.len) == WAX_OK) {
                c->keys[c->num_keys] = key;
                c->key_certs[c->num_keys] =
                    dup_bytes(p12.certs[i].der, p12.certs[i].der_len);
                c->key_cert_lens[c->num_keys++] = p12.certs[i].der_len;
                key = NULL;
                break;
            }
        }
        wax_privkey_free(key);
    }
    wax_pkcs12_contents_cleanup(&p12);
    return true;
}

/* A key file (PEM or DER, PASS may be NULL) with its certificate file. */
static bool
load_key(struct corpus *c, const char *key_rel, const char *pass,
         const char *cert_rel)
{
    size_t klen = 0, clen = 0;
    uint8_t *k = wax_test_read_file(wax_test_data_path(key_rel), &klen);
    uint8_t *cd = wax_test_read_file(wax_test_data_path(cert_rel), &clen);
    bool ok = false;
    struct wax_privkey *key = NULL;
    if (k != NULL && cd != NULL &&
        wax_privkey_load(&key, k, klen, pass) == WAX_OK &&
        c->num_keys < MAX_ITEMS) {
        struct corpus tmp;
        memset(&tmp, 0, sizeof tmp);
        if (load_certs(&tmp, cert_rel, false) && tmp.num_anchors > 0) {
            c->keys[c->num_keys] = key;
            c->key_certs[c->num_keys] =
                dup_bytes(tmp.anchor_der[0], tmp.anchor_lens[0]);
            c->key_cert_lens[c->num_keys++] = tmp.anchor_lens[0];
            key = NULL;
            ok = true;
        }
        corpus_free(&tmp);
    }
    if (!ok) {
        snprintf(c->why, sizeof c->why, "cannot load key %s", key_rel);
    }
    wax_privkey_free(key);
    free(k);
    free(cd);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Opening a message layer by layer.                                   */

struct opened {
    char summary[512];
    size_t num_layers;
    bool any_signed;
    bool signed_bad; /* crypto or chain failed in a signed layer */
    uint8_t *content;
    size_t content_len;
};

static void
add_summary(struct opened *o, char kind, const struct wax_smime_report *r)
{
    size_t n = strlen(o->summary);
    snprintf(o->summary + n, sizeof o->summary - n, "%s%c:%s", n ? " " : "",
             kind, wax_smime_verdict_name(r->verdict));
    if (r->err != WAX_OK) {
        n = strlen(o->summary);
        snprintf(o->summary + n, sizeof o->summary - n, "/%s",
                 wax_err_name(r->err));
    }
    o->num_layers++;
}

static void
open_msg(const struct corpus *c, const uint8_t *in, size_t len,
         struct opened *o, int depth)
{
    struct wax_smime_report rep;
    wax_err ierr = wax_smime_inspect(NULL, in, len, &rep);
    (void)ierr;
    bool layered = rep.num_layers > 0 && depth < MAX_LAYERS;
    enum wax_smime_layer_type type =
        rep.num_layers > 0 ? rep.layers[0].type : WAX_SMIME_LAYER_SIGNED;
    wax_smime_report_cleanup(&rep);
    if (!layered) {
        free(o->content);
        o->content = dup_bytes(in, len);
        o->content_len = len;
        return;
    }
    struct wax_buf out;
    wax_buf_init(&out, (size_t)64 << 20);
    if (type == WAX_SMIME_LAYER_ENVELOPED ||
        type == WAX_SMIME_LAYER_AUTH_ENVELOPED) {
        struct wax_smime_identity ids[MAX_ITEMS];
        memset(ids, 0, sizeof ids);
        for (size_t i = 0; i < c->num_keys; i++) {
            ids[i].key = c->keys[i];
            ids[i].cert = c->key_certs[i];
            ids[i].cert_len = c->key_cert_lens[i];
        }
        struct wax_smime_decrypt_opts d;
        memset(&d, 0, sizeof d);
        d.identities = ids;
        d.num_identities = c->num_keys;
        d.allow_weak = c->allow_weak;
        if (c->num_keys == 0) {
            /* no key: report what inspect saw */
            size_t n = strlen(o->summary);
            snprintf(o->summary + n, sizeof o->summary - n, "%sE:NOKEY",
                     n ? " " : "");
            wax_buf_cleanup(&out);
            return;
        }
        wax_err err = wax_smime_decrypt(&d, in, len, wax_buf_sink(&out), &rep);
        (void)err; /* the report says it all */
        add_summary(o, 'E', &rep);
    } else {
        struct wax_smime_verify_opts v;
        memset(&v, 0, sizeof v);
        v.trust.anchors.der = c->anchors;
        v.trust.anchors.lens = c->anchor_lens;
        v.trust.anchors.num = c->num_anchors;
        v.trust.time = c->time;
        v.trust.allow_weak = c->allow_weak;
        v.from = c->from;
        v.release_unverified = true;
        v.with_outer_headers = true;
        wax_err err =
            wax_smime_verify(&v, in, len, NULL, 0, wax_buf_sink(&out), &rep);
        (void)err; /* the report says it all */
        add_summary(o, 'S', &rep);
        o->any_signed = true;
        bool good = rep.verdict == WAX_SMIME_VALID ||
                    rep.verdict == WAX_SMIME_VALID_SIGNER_MISMATCH ||
                    rep.verdict == WAX_SMIME_VALID_UNBOUND;
        o->signed_bad = o->signed_bad || !good;
    }
    bool released = rep.released;
    wax_smime_report_cleanup(&rep);
    if (released) {
        open_msg(c, out.data, out.len, o, depth + 1);
    }
    wax_buf_cleanup(&out);
}

static void
opened_free(struct opened *o)
{
    free(o->content);
    memset(o, 0, sizeof *o);
}

static bool
contains(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; hay != NULL && n <= len && i <= len - n; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* TSV reading.                                                        */

/* Splits LINE (modified) at tabs into at most MAX fields. */
static size_t
split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (t == NULL) {
            break;
        }
        *t = 0;
        p = t + 1;
    }
    char *nl = strpbrk(f[n - 1], "\r\n");
    if (nl != NULL) {
        *nl = 0;
    }
    return n;
}

/* Next line of the buffer, NUL-terminated in place; NULL at the end. */
static char *
next_line(char **cursor)
{
    char *p = *cursor;
    if (p == NULL || *p == 0) {
        return NULL;
    }
    char *nl = strchr(p, '\n');
    if (nl != NULL) {
        *nl = 0;
        *cursor = nl + 1;
    } else {
        *cursor = p + strlen(p);
    }
    return p;
}

/*
 * Sets up C from the specification fields of smime_corpus.tsv:
 *   anchors: "-" or a ','-list of cert files (PEM or DER) or
 *            "p12ca:FILE:PASS" (the self-issued certificates of a PKCS#12)
 *   keys:    "-" or a ','-list of "p12:FILE:PASS" or
 *            "key:KEYFILE:PASS-or-empty:CERTFILE"
 */
static bool
setup_corpus(struct corpus *c, char *anchors, char *keys)
{
    char *save = NULL;
    if (strcmp(anchors, "-") != 0) {
        for (char *a = strtok_r(anchors, ",", &save); a != NULL;
             a = strtok_r(NULL, ",", &save)) {
            if (strncmp(a, "p12ca:", 6) == 0) {
                char *file = a + 6, *pass = strchr(file, ':');
                if (pass == NULL) {
                    return false;
                }
                *pass++ = 0;
                if (!load_p12(c, file, pass, false, true)) {
                    return false;
                }
            } else if (!load_certs(c, a, false)) {
                return false;
            }
        }
    }
    if (strcmp(keys, "-") != 0) {
        for (char *k = strtok_r(keys, ",", &save); k != NULL;
             k = strtok_r(NULL, ",", &save)) {
            if (strncmp(k, "p12:", 4) == 0) {
                char *file = k + 4, *pass = strchr(file, ':');
                if (pass == NULL) {
                    return false;
                }
                *pass++ = 0;
                if (!load_p12(c, file, pass, true, false)) {
                    return false;
                }
            } else if (strncmp(k, "key:", 4) == 0) {
                char *file = k + 4, *pass = strchr(file, ':');
                char *cert = pass != NULL ? strchr(pass + 1, ':') : NULL;
                if (cert == NULL) {
                    return false;
                }
                *pass++ = 0;
                *cert++ = 0;
                if (!load_key(c, file, *pass ? pass : NULL, cert)) {
                    return false;
                }
            } else {
                return false;
            }
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* smime_corpus.tsv                                                    */

TEST(smime_corpus_rows)
{
    size_t len = 0;
    char *tsv =
        (char *)wax_test_read_file("tests/vectors/smime_corpus.tsv", &len);
    CHECK_MSG(tsv != NULL, "tests/vectors/smime_corpus.tsv missing");
    char *cursor = tsv;
    size_t num = 0, skipped = 0;
    char first_skip[300] = "";
    for (char *line = next_line(&cursor); line != NULL;
         line = next_line(&cursor)) {
        if (line[0] == '#' || line[0] == 0) {
            continue;
        }
        /* file, weak, time, from, anchors, keys, expected, note */
        char *f[8];
        size_t n = split_tabs(line, f, 8);
        CHECK_MSG(n >= 7, "bad row: %s", line);
        struct corpus c;
        memset(&c, 0, sizeof c);
        c.allow_weak = strcmp(f[1], "1") == 0;
        c.time = strtoll(f[2], NULL, 10);
        c.from = strcmp(f[3], "-") == 0 ? NULL : f[3];
        if (!setup_corpus(&c, f[4], f[5])) {
            /* a missing corpus file is a skip, not a pass */
            skipped++;
            if (first_skip[0] == 0) {
                snprintf(first_skip, sizeof first_skip, "%s: %s", f[0], c.why);
            }
            corpus_free(&c);
            continue;
        }
        size_t mlen = 0;
        uint8_t *m = wax_test_read_file(wax_test_data_path(f[0]), &mlen);
        if (m == NULL) {
            skipped++;
            if (first_skip[0] == 0) {
                snprintf(first_skip, sizeof first_skip, "%s missing", f[0]);
            }
            corpus_free(&c);
            continue;
        }
        struct opened o;
        memset(&o, 0, sizeof o);
        open_msg(&c, m, mlen, &o, 0);
        if (getenv("WAX_SMIME_CORPUS_VERBOSE") != NULL) {
            fprintf(stderr, "%s\t%s\n", f[0], o.summary);
        }
        if (strcmp(o.summary, f[6]) != 0) {
            wax_test_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"",
                          f[0], o.summary, f[6]);
        }
        num++;
        opened_free(&o);
        free(m);
        corpus_free(&c);
    }
    free(tsv);
    if (num == 0 && skipped > 0) {
        SKIP("no corpus file found (%s)", first_skip);
    }
    CHECK_MSG(skipped == 0, "%zu rows skipped: %s", skipped, first_skip);
}

/* ------------------------------------------------------------------ */
/* Thunderbird agreement.                                              */

/* 2027-06-01T00:00:00Z: inside the validity of the NSS test certificates
 * (2026-01-26 .. 2031-01-26). */
#define TB_TIME ((int64_t)1811808000)

static const char tb_dir[] = "thunderbird-nss-smime/smime/";

/* The expectations file: "mode\tfile\tours\treason" rows. */
struct tb_expect {
    char *text;
    char *rows[256][4];
    size_t num;
    bool used[256];
};

static void
tb_expect_load(struct tb_expect *e)
{
    memset(e, 0, sizeof *e);
    size_t len = 0;
    e->text = (char *)wax_test_read_file(
        "tests/vectors/smime_thunderbird.expect", &len);
    char *cursor = e->text;
    for (char *line = next_line(&cursor); line != NULL && e->num < 256;
         line = next_line(&cursor)) {
        if (line[0] == '#' || line[0] == 0) {
            continue;
        }
        size_t n = split_tabs(line, e->rows[e->num], 4);
        if (n == 4) {
            e->num++;
        }
    }
}

static const char *
tb_expected(struct tb_expect *e, const char *mode, const char *file)
{
    for (size_t i = 0; i < e->num; i++) {
        if (strcmp(e->rows[i][0], mode) == 0 &&
            strcmp(e->rows[i][1], file) == 0) {
            e->used[i] = true;
            return e->rows[i][2];
        }
    }
    return NULL;
}

static void
tb_run(const char *tsv_name, const char *mode, bool allow_weak)
{
    char rel[256];
    snprintf(rel, sizeof rel, "thunderbird-nss-smime/%s", tsv_name);
    size_t len = 0;
    char *tsv = (char *)wax_test_read_file(wax_test_data_path(rel), &len);
    if (tsv == NULL) {
        SKIP("%s missing", rel);
    }
    struct corpus c;
    memset(&c, 0, sizeof c);
    c.time = TB_TIME;
    c.allow_weak = allow_weak;
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%sTestCA.pem", tb_dir);
    bool ok = load_certs(&c, tmp, false);
    snprintf(tmp, sizeof tmp, "%sAlice-ec.p12", tb_dir);
    ok = ok && load_p12(&c, tmp, "nss", false, true);
    snprintf(tmp, sizeof tmp, "%sBob.p12", tb_dir);
    ok = ok && load_p12(&c, tmp, "nss", true, false);
    if (!ok) {
        free(tsv);
        corpus_free(&c);
        CHECK_MSG(false, "cannot load the Thunderbird keys: %s", c.why);
    }
    struct tb_expect ex;
    tb_expect_load(&ex);
    size_t agree = 0, disagree = 0, skipped = 0, rows = 0;
    char *cursor = tsv;
    (void)next_line(&cursor); /* the column names */
    bool failed = false;
    for (char *line = next_line(&cursor); line != NULL;
         line = next_line(&cursor)) {
        char *f[7];
        if (line[0] == 0 || split_tabs(line, f, 7) < 7) {
            continue;
        }
        rows++;
        char path[512];
        snprintf(path, sizeof path, "%s%s", tb_dir, f[0]);
        size_t mlen = 0;
        uint8_t *m = wax_test_read_file(wax_test_data_path(path), &mlen);
        if (m == NULL) {
            skipped++;
            continue;
        }
        struct opened o;
        memset(&o, 0, sizeof o);
        open_msg(&c, m, mlen, &o, 0);
        bool tb_good = strcmp(f[3], "true") == 0;
        bool ours_good = o.any_signed && !o.signed_bad;
        /* Thunderbird's check_text: the text must be in what we opened
         * (when it is a text; the allow-sha1 table has booleans there) */
        bool text_ok = true;
        if (f[6][0] != 0 && strcmp(f[6], "true") != 0 &&
            strcmp(f[6], "false") != 0) {
            text_ok = contains(o.content, o.content_len, f[6]);
        }
        const char *listed = tb_expected(&ex, mode, f[0]);
        bool agrees = ours_good == tb_good && text_ok;
        if (agrees) {
            agree++;
            if (listed != NULL) {
                wax_test_fail(__FILE__, __LINE__,
                              "%s %s: listed as a disagreement but agrees "
                              "now (%s)",
                              mode, f[0], o.summary);
                failed = true;
            }
        } else {
            disagree++;
            if (listed == NULL || strcmp(listed, o.summary) != 0) {
                wax_test_fail(__FILE__, __LINE__,
                              "%s %s: Thunderbird sig_good=%s, ours \"%s\"%s "
                              "(listed: %s)",
                              mode, f[0], f[3], o.summary,
                              text_ok ? "" : ", text missing",
                              listed != NULL ? listed : "no");
                failed = true;
            }
        }
        if (getenv("WAX_SMIME_CORPUS_VERBOSE") != NULL) {
            fprintf(stderr, "%s\t%s\t%s\t%s\t%s\n", mode, f[0], f[3], o.summary,
                    agrees ? "agree" : "DISAGREE");
        }
        opened_free(&o);
        free(m);
    }
    fprintf(stderr,
            "# thunderbird %s: %zu rows, %zu agree, %zu disagree (listed), "
            "%zu files missing\n",
            mode, rows, agree, disagree, skipped);
    free(ex.text);
    free(tsv);
    corpus_free(&c);
    if (failed) {
        return;
    }
    CHECK(agree + disagree > 0);
}

TEST(smime_thunderbird_default)
{
    tb_run("expected-thunderbird-default.tsv", "default", false);
}

TEST(smime_thunderbird_allow_sha1)
{
    tb_run("expected-thunderbird-allow-sha1.tsv", "allow-sha1", true);
}
