/*
 * Vectors: the C2SP x509-limbo path-validation suite
 * (x509-limbo/limbo-regenerated-nobettertls.json, 208 testcases, and
 * x509-limbo/limbo-upstream-2023-12-02.json, 135 testcases).
 *
 * Each testcase goes to wax_path_validate: trusted_certs as anchors,
 * untrusted_intermediates, peer_certificate as the leaf, crls,
 * validation_time (the clock when absent), validation_kind SERVER or
 * CLIENT as the tls-server / tls-client purpose, expected_peer_name (DNS
 * or IP), max_chain_depth as max_intermediates; the verdict is compared
 * with expected_result. Every testcase wax does not agree with must be
 * listed with its reason in tests/vectors/limbo.expect ("regen" or
 * "2023", the id, the reason); the test fails on a disagreement that is
 * not listed and on a listed testcase that now agrees, so the list stays
 * true.
 *
 * A second test runs `openssl verify` (the peer on this machine) over the
 * same testcases and reports its agreement counts next to wax's, for the
 * figures of the closing note; it fails only when openssl cannot be run
 * as the harness expects.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wax/path.h>

#include "../harness.h"
#include "json.h"

#define LIMBO_MAX_CERTS 4096
#define LIMBO_MAX_EXPECT 512

struct limbo_file {
    const char *tag;
    const char *path;
    size_t want_cases;
};

static const struct limbo_file limbo_files[] = {
    {"regen", "x509-limbo/limbo-regenerated-nobettertls.json", 208},
    {"2023", "x509-limbo/limbo-upstream-2023-12-02.json", 135},
};

/* ---- DER lists from PEM strings ---------------------------------- */

struct der_list {
    uint8_t *buf[LIMBO_MAX_CERTS];
    const uint8_t *der[LIMBO_MAX_CERTS];
    size_t lens[LIMBO_MAX_CERTS];
    size_t num;
};

static void
der_list_free(struct der_list *l)
{
    for (size_t i = 0; i < l->num; i++) {
        free(l->buf[i]);
    }
    l->num = 0;
}

/* Appends every PEM block of TEXT; false when one does not decode. */
static bool
der_list_add_pem(struct der_list *l, const char *text)
{
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    wax_pem_reader_init(&r, (const uint8_t *)text, strlen(text));
    for (;;) {
        if (wax_pem_next(&r, &b, &present) != WAX_OK) {
            return false;
        }
        if (!present) {
            return true;
        }
        if (l->num == LIMBO_MAX_CERTS) {
            return false;
        }
        size_t cap = wax_pem_decoded_max(&b) + 1, len = 0;
        uint8_t *der = malloc(cap);
        if (der == NULL || wax_pem_decode(&b, der, cap, &len) != WAX_OK) {
            free(der);
            return false;
        }
        l->buf[l->num] = der;
        l->der[l->num] = der;
        l->lens[l->num] = len;
        l->num++;
    }
}

static bool
der_list_add_array(struct der_list *l, const struct json_value *arr)
{
    for (size_t i = 0; i < json_array_len(arr); i++) {
        const struct json_value *v = json_at(arr, i);
        if (v == NULL || v->type != JSON_STRING ||
            !der_list_add_pem(l, v->string)) {
            return false;
        }
    }
    return true;
}

/* ---- one testcase ------------------------------------------------ */

struct limbo_case {
    const char *id;
    bool expect_success;
    struct der_list trusted, untrusted, leaf, crls;
    bool server;
    bool has_time;
    int64_t time;
    const char *time_text;
    char dns[256];
    char ip[64];
    bool has_depth;
    size_t depth;
};

static void
case_free(struct limbo_case *c)
{
    der_list_free(&c->trusted);
    der_list_free(&c->untrusted);
    der_list_free(&c->leaf);
    der_list_free(&c->crls);
}

/* Reads testcase T; false (with WHY) when the harness cannot use it. */
static bool
case_load(struct limbo_case *c, const struct json_value *t, char *why,
          size_t why_cap)
{
    memset(c, 0, sizeof *c);
    c->id = json_get_string(t, "id");
    const char *expected = json_get_string(t, "expected_result");
    const char *kind = json_get_string(t, "validation_kind");
    const char *peer = json_get_string(t, "peer_certificate");
    if (c->id == NULL || expected == NULL || kind == NULL || peer == NULL) {
        snprintf(why, why_cap, "a required field is missing");
        return false;
    }
    c->expect_success = strcmp(expected, "SUCCESS") == 0;
    c->server = strcmp(kind, "SERVER") == 0;
    if (!der_list_add_array(&c->trusted, json_get(t, "trusted_certs")) ||
        !der_list_add_array(&c->untrusted,
                            json_get(t, "untrusted_intermediates")) ||
        !der_list_add_pem(&c->leaf, peer) || c->leaf.num != 1) {
        snprintf(why, why_cap, "%s: a PEM certificate does not decode",
                 c->id);
        return false;
    }
    const struct json_value *crls = json_get(t, "crls");
    if (crls != NULL && crls->type == JSON_ARRAY &&
        !der_list_add_array(&c->crls, crls)) {
        snprintf(why, why_cap, "%s: a PEM CRL does not decode", c->id);
        return false;
    }
    c->time_text = json_get_string(t, "validation_time");
    if (c->time_text != NULL) {
        if (!wax_time_parse_rfc3339(c->time_text, &c->time)) {
            snprintf(why, why_cap, "%s: bad validation_time", c->id);
            return false;
        }
        c->has_time = true;
    } else {
        c->time = (int64_t)time(NULL);
    }
    const struct json_value *pn = json_get(t, "expected_peer_name");
    if (pn != NULL && pn->type == JSON_OBJECT) {
        const char *pk = json_get_string(pn, "kind");
        const char *pv = json_get_string(pn, "value");
        if (pk == NULL || pv == NULL) {
            snprintf(why, why_cap, "%s: bad expected_peer_name", c->id);
            return false;
        }
        if (strcmp(pk, "DNS") == 0) {
            snprintf(c->dns, sizeof c->dns, "%s", pv);
        } else if (strcmp(pk, "IP") == 0) {
            snprintf(c->ip, sizeof c->ip, "%s", pv);
        } else {
            snprintf(why, why_cap, "%s: peer name kind %s", c->id, pk);
            return false;
        }
    }
    long long depth;
    if (json_get_int(t, "max_chain_depth", &depth) && depth >= 0) {
        c->has_depth = true;
        c->depth = (size_t)depth;
    }
    return true;
}

static bool
wax_says_success_diag(const struct limbo_case *c, wax_err *out_err,
                      struct wax_path_diag *diag)
{
    struct wax_path_input in;
    struct wax_path_result res;
    memset(&in, 0, sizeof in);
    in.diag = diag;
    in.leaf = c->leaf.der[0];
    in.leaf_len = c->leaf.lens[0];
    in.anchors = (struct wax_path_certs){c->trusted.der, c->trusted.lens,
                                         c->trusted.num};
    in.untrusted = (struct wax_path_certs){c->untrusted.der,
                                           c->untrusted.lens,
                                           c->untrusted.num};
    in.crls = (struct wax_path_certs){c->crls.der, c->crls.lens, c->crls.num};
    in.time = c->time;
    in.purpose = c->server ? WAX_PATH_PURPOSE_TLS_SERVER
                           : WAX_PATH_PURPOSE_TLS_CLIENT;
    in.dns_name = c->dns[0] != '\0' ? c->dns : NULL;
    in.ip_address = c->ip[0] != '\0' ? c->ip : NULL;
    in.has_max_intermediates = c->has_depth;
    in.max_intermediates = c->depth;
    *out_err = wax_path_validate(&in, &res);
    return *out_err == WAX_OK;
}

static bool
wax_says_success(const struct limbo_case *c, wax_err *out_err)
{
    return wax_says_success_diag(c, out_err, NULL);
}

/* Every problem wax found, for the log. */
static void
log_problems(const struct wax_path_diag *d)
{
    for (size_t i = 0; i < d->num_problems; i++) {
        fprintf(stderr, "    cert %zu: %s\n", d->problems[i].index,
                wax_err_name(d->problems[i].err));
    }
}

/* ---- the expectations file --------------------------------------- */

struct expect {
    char *text;
    const char *tag[LIMBO_MAX_EXPECT];
    const char *id[LIMBO_MAX_EXPECT];
    bool seen[LIMBO_MAX_EXPECT];
    size_t num;
};

/* "TAG ID REASON..." lines; '#' comments. */
static bool
expect_load(struct expect *e)
{
    memset(e, 0, sizeof *e);
    size_t len;
    e->text = (char *)wax_test_read_file("tests/vectors/limbo.expect", &len);
    if (e->text == NULL) {
        return false;
    }
    char *line = e->text;
    while (line != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        if (line[0] != '#' && line[0] != '\0' && e->num < LIMBO_MAX_EXPECT) {
            char *sp = strchr(line, ' ');
            if (sp != NULL) {
                *sp = '\0';
                char *id = sp + 1;
                char *sp2 = strchr(id, ' ');
                if (sp2 != NULL) {
                    *sp2 = '\0';
                }
                e->tag[e->num] = line;
                e->id[e->num] = id;
                e->num++;
            }
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    return true;
}

static bool
expect_listed(struct expect *e, const char *tag, const char *id)
{
    for (size_t i = 0; i < e->num; i++) {
        if (strcmp(e->tag[i], tag) == 0 && strcmp(e->id[i], id) == 0) {
            e->seen[i] = true;
            return true;
        }
    }
    return false;
}

static void
limbo_wax_file(const struct limbo_file *lf)
{
    char err[256];
    struct json_value *doc =
        json_load_file(wax_test_data_path(lf->path), err, sizeof err);
    if (doc == NULL) {
        SKIP("%s: %s", lf->path, err);
    }
    struct expect *ex = malloc(sizeof *ex);
    struct limbo_case *c = malloc(sizeof *c);
    CHECK(ex != NULL && c != NULL);
    CHECK_MSG(expect_load(ex), "cannot read tests/vectors/limbo.expect");
    const struct json_value *cases = json_get(doc, "testcases");
    size_t n = json_array_len(cases), agree = 0, bad = 0;
    char first_bad[512] = "";
    for (size_t i = 0; i < n; i++) {
        char why[256];
        bool loaded = case_load(c, json_at(cases, i), why, sizeof why);
        if (!loaded) {
            case_free(c);
            json_free(doc);
            free(ex->text);
            free(ex);
            free(c);
            CHECK_MSG(false, "%s", why);
        }
        wax_err got_err;
        struct wax_path_diag diag;
        bool got = wax_says_success_diag(c, &got_err, &diag);
        bool same = got == c->expect_success;
        bool listed = expect_listed(ex, lf->tag, c->id);
        agree += same;
        if (same == listed) {
            if (bad++ == 0) {
                snprintf(first_bad, sizeof first_bad,
                         "%s %s: expected %s, wax %s (%s)%s", lf->tag, c->id,
                         c->expect_success ? "SUCCESS" : "FAILURE",
                         got ? "SUCCESS" : "FAILURE", wax_err_name(got_err),
                         listed ? ", but listed in limbo.expect" : "");
            }
            fprintf(stderr, "limbo: %s %s: expected %s, wax %s (%s)%s\n",
                    lf->tag, c->id, c->expect_success ? "SUCCESS" : "FAILURE",
                    got ? "SUCCESS" : "FAILURE", wax_err_name(got_err),
                    listed ? " [listed but agrees]" : " [not listed]");
            log_problems(&diag);
        }
        case_free(c);
    }
    printf("# limbo %s: wax agrees on %zu of %zu testcases\n", lf->tag, agree,
           n);
    json_free(doc);
    free(ex->text);
    free(ex);
    free(c);
    CHECK_MSG(n == lf->want_cases, "%s: %zu testcases, want %zu", lf->path, n,
              lf->want_cases);
    CHECK_MSG(bad == 0, "%zu testcases disagree with limbo.expect; first: %s",
              bad, first_bad);
}

TEST(limbo_wax_regenerated)
{
    limbo_wax_file(&limbo_files[0]);
}

TEST(limbo_wax_upstream_2023)
{
    limbo_wax_file(&limbo_files[1]);
}

/* Every listed testcase exists in its file. */
TEST(limbo_expect_ids_exist)
{
    struct expect *ex = malloc(sizeof *ex);
    CHECK(ex != NULL);
    CHECK_MSG(expect_load(ex), "cannot read tests/vectors/limbo.expect");
    for (size_t f = 0; f < 2; f++) {
        char err[256];
        struct json_value *doc = json_load_file(
            wax_test_data_path(limbo_files[f].path), err, sizeof err);
        if (doc == NULL) {
            free(ex->text);
            free(ex);
            SKIP("%s: %s", limbo_files[f].path, err);
        }
        const struct json_value *cases = json_get(doc, "testcases");
        for (size_t i = 0; i < json_array_len(cases); i++) {
            const char *id = json_get_string(json_at(cases, i), "id");
            if (id != NULL) {
                (void)expect_listed(ex, limbo_files[f].tag, id);
            }
        }
        json_free(doc);
    }
    for (size_t i = 0; i < ex->num; i++) {
        if (!ex->seen[i]) {
            fprintf(stderr, "limbo.expect: unknown testcase %s %s\n",
                    ex->tag[i], ex->id[i]);
        }
        CHECK_MSG(ex->seen[i], "limbo.expect lists unknown %s %s", ex->tag[i],
                  ex->id[i]);
    }
    free(ex->text);
    free(ex);
}

/* ---- openssl verify over the same testcases ---------------------- */

static bool
write_pems(const char *path, const struct der_list *l, const char *label)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < l->num && ok; i++) {
        size_t cap = (l->lens[i] + 2) / 3 * 4 + 1;
        char *b64 = malloc(cap);
        size_t n = 0;
        ok = b64 != NULL && wax_b64_encode((uint8_t *)b64, cap, &n, l->der[i],
                                           l->lens[i], 0) == WAX_OK;
        if (ok) {
            fprintf(f, "-----BEGIN %s-----\n", label);
            for (size_t o = 0; o < n; o += 64) {
                fprintf(f, "%.*s\n", (int)(n - o < 64 ? n - o : 64), b64 + o);
            }
            fprintf(f, "-----END %s-----\n", label);
        }
        free(b64);
    }
    return fclose(f) == 0 && ok;
}

/* Runs ARGV; returns the exit status, -1 when it could not run. */
static int
run_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/* openssl verify's verdict: 1 success, 0 failure, -1 harness error. */
static int
openssl_says(const struct limbo_case *c, const char *dir)
{
    char trusted[512], untrusted[512], leaf[512], crls[512], at[32],
        depth[32];
    snprintf(trusted, sizeof trusted, "%s/trusted.pem", dir);
    snprintf(untrusted, sizeof untrusted, "%s/untrusted.pem", dir);
    snprintf(leaf, sizeof leaf, "%s/leaf.pem", dir);
    snprintf(crls, sizeof crls, "%s/crls.pem", dir);
    if (!write_pems(trusted, &c->trusted, "CERTIFICATE") ||
        !write_pems(untrusted, &c->untrusted, "CERTIFICATE") ||
        !write_pems(leaf, &c->leaf, "CERTIFICATE") ||
        !write_pems(crls, &c->crls, "X509 CRL")) {
        return -1;
    }
    char *argv[40];
    size_t n = 0;
    argv[n++] = "openssl";
    argv[n++] = "verify";
    argv[n++] = "-x509_strict";
    argv[n++] = "-no-CApath";
    argv[n++] = "-no-CAstore";
    if (c->trusted.num > 0) {
        argv[n++] = "-CAfile";
        argv[n++] = trusted;
    } else {
        argv[n++] = "-no-CAfile";
    }
    if (c->untrusted.num > 0) {
        argv[n++] = "-untrusted";
        argv[n++] = untrusted;
    }
    if (c->has_time) {
        snprintf(at, sizeof at, "%lld", (long long)c->time);
        argv[n++] = "-attime";
        argv[n++] = at;
    }
    argv[n++] = "-purpose";
    argv[n++] = c->server ? "sslserver" : "sslclient";
    if (c->dns[0] != '\0') {
        argv[n++] = "-verify_hostname";
        argv[n++] = (char *)c->dns;
    }
    if (c->ip[0] != '\0') {
        argv[n++] = "-verify_ip";
        argv[n++] = (char *)c->ip;
    }
    if (c->crls.num > 0) {
        argv[n++] = "-crl_check";
        argv[n++] = "-CRLfile";
        argv[n++] = crls;
    }
    if (c->has_depth) {
        snprintf(depth, sizeof depth, "%zu", c->depth);
        argv[n++] = "-verify_depth";
        argv[n++] = depth;
    }
    argv[n++] = leaf;
    argv[n] = NULL;
    int rc = run_quiet(argv);
    if (rc < 0 || rc == 127) {
        return -1;
    }
    return rc == 0 ? 1 : 0;
}

static bool
have_openssl(void)
{
    char *argv[] = {"openssl", "version", NULL};
    return run_quiet(argv) == 0;
}

static void
limbo_openssl_file(const struct limbo_file *lf)
{
    if (!have_openssl()) {
        SKIP("no openssl command: the peer figures are not measured");
    }
    char err[256];
    struct json_value *doc =
        json_load_file(wax_test_data_path(lf->path), err, sizeof err);
    if (doc == NULL) {
        SKIP("%s: %s", lf->path, err);
    }
    char dir[] = "/tmp/wax-limbo-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct limbo_case *c = malloc(sizeof *c);
    CHECK(c != NULL);
    const struct json_value *cases = json_get(doc, "testcases");
    size_t n = json_array_len(cases), openssl_agree = 0, wax_agree = 0;
    size_t broken = 0;
    for (size_t i = 0; i < n; i++) {
        char why[256];
        if (!case_load(c, json_at(cases, i), why, sizeof why)) {
            broken++;
            case_free(c);
            continue;
        }
        int o = openssl_says(c, dir);
        wax_err got_err;
        bool w = wax_says_success(c, &got_err);
        if (o < 0) {
            broken++;
        } else if ((o == 1) == c->expect_success) {
            openssl_agree++;
        }
        wax_agree += w == c->expect_success;
        case_free(c);
    }
    const char *names[] = {"trusted.pem", "untrusted.pem", "leaf.pem",
                           "crls.pem"};
    for (size_t i = 0; i < 4; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    free(c);
    json_free(doc);
    printf("# limbo %s: wax agrees on %zu of %zu, openssl verify on %zu of "
           "%zu\n",
           lf->tag, wax_agree, n, openssl_agree, n);
    fprintf(stderr,
            "limbo %s: wax agrees on %zu of %zu, openssl verify on %zu of "
            "%zu\n",
            lf->tag, wax_agree, n, openssl_agree, n);
    CHECK_MSG(broken == 0, "%zu testcases could not be run through openssl",
              broken);
}

TEST(limbo_openssl_regenerated)
{
    limbo_openssl_file(&limbo_files[0]);
}

TEST(limbo_openssl_upstream_2023)
{
    limbo_openssl_file(&limbo_files[1]);
}
