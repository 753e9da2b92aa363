/*
 * The store on the command line: its path, opening it, fingerprints, and
 * the look-ups of the S/MIME commands (-r, anchors and CRLs, --harvest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define STORE_HINT                                                             \
    "the store is --store PATH, else $WAX_STORE, else "                        \
    "$XDG_DATA_HOME/wax/store.db, else ~/.local/share/wax/store.db"

/* The global --store option (one per process, set by main). */
static const char *store_path_option;

void
cli_store_set_path(const char *path)
{
    store_path_option = path;
}

static wax_err
join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s%s", a, b);
    WAX_ENSURE(n > 0 && (size_t)n < cap, WAX_ERR_LIMIT_EXCEEDED);
    return WAX_OK;
}

wax_err
cli_store_path(char *out, size_t cap)
{
    if (store_path_option != NULL) {
        return join(out, cap, store_path_option, "");
    }
    const char *env = getenv("WAX_STORE");
    if (env != NULL && env[0] != '\0') {
        return join(out, cap, env, "");
    }
    env = getenv("XDG_DATA_HOME");
    if (env != NULL && env[0] == '/') {
        return join(out, cap, env, "/wax/store.db");
    }
    env = getenv("HOME");
    WAX_ENSURE(env != NULL && env[0] != '\0', WAX_ERR_STORE_OPEN);
    return join(out, cap, env, "/.local/share/wax/store.db");
}

/* make_dirs creates the missing directories above the file PATH, 0700. */
static wax_err
make_dirs(const char *path)
{
    char dir[CLI_MAX_STORE_PATH];
    WAX_TRY(join(dir, sizeof dir, path, ""));
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) {
        return WAX_OK;
    }
    *slash = '\0';
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/') {
            continue;
        }
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            return WAX_ERR_STORE_OPEN;
        }
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return WAX_ERR_STORE_OPEN;
    }
    return WAX_OK;
}

int
cli_store_open(struct cli_ctx *ctx, bool write, struct wax_store **out)
{
    *out = NULL;
    char path[CLI_MAX_STORE_PATH];
    wax_err err = cli_store_path(path, sizeof path);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, STORE_HINT,
                        "cannot find the store's path");
    }
    if (!write && access(path, F_OK) != 0) {
        return -1; /* nothing stored yet */
    }
    if (write) {
        err = make_dirs(path);
        if (err != WAX_OK) {
            return cli_fail(ctx, WAX_EXIT_USAGE, err, STORE_HINT,
                            "cannot create the directory of store '%s'", path);
        }
    }
    err = wax_store_open(out, path, write ? WAX_STORE_CREATE : 0);
    if (err != WAX_OK) {
        *out = NULL;
        return cli_fail(ctx, WAX_EXIT_USAGE, err, STORE_HINT, "store '%s'",
                        path);
    }
    return -1;
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool
cli_fp_parse(const char *s, uint8_t fp[WAX_STORE_FP_BYTES])
{
    size_t n = 0;
    int hi = -1;
    for (; *s != '\0'; s++) {
        if (*s == ':') {
            continue;
        }
        int v = hex_value(*s);
        if (v < 0 || n >= WAX_STORE_FP_BYTES) {
            return false;
        }
        if (hi < 0) {
            hi = v;
        } else {
            fp[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n == WAX_STORE_FP_BYTES && hi < 0;
}

void
cli_fp_put(FILE *f, const uint8_t fp[WAX_STORE_FP_BYTES])
{
    for (size_t i = 0; i < WAX_STORE_FP_BYTES; i++) {
        fprintf(f, "%02x", fp[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Look-ups.                                                           */

int
cli_store_recipient(struct cli_ctx *ctx, struct wax_store *store,
                    const char *ref, int64_t at, struct cli_certlist *l)
{
    static const char hint[] = "import the recipient's certificate with "
                               "'wax cert import FILE', or harvest it with "
                               "'wax verify --harvest'";
    if (store == NULL) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_STORE_NOT_FOUND, hint,
                        "recipient '%s': the store is empty", ref);
    }
    struct wax_buf der;
    wax_buf_init(&der, WAX_MAX_STORE_OBJECT);
    uint8_t fp[WAX_STORE_FP_BYTES];
    wax_err err;
    if (strchr(ref, '@') != NULL) {
        err = wax_store_recipient(store, ref, at, fp, &der);
    } else if (cli_fp_parse(ref, fp)) {
        err = wax_store_cert_get(store, fp, &der);
    } else {
        err = WAX_ERR_STORE_NOT_FOUND;
    }
    if (err == WAX_OK) {
        err = cli_certlist_add_der(l, der.data, der.len);
    }
    wax_buf_cleanup(&der);
    if (err == WAX_ERR_STORE_KEY_NOT_ACCEPTED) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "list the keys with 'wax cert list --email ADDRESS' "
                        "and accept one with 'wax cert accept FP ADDRESS'",
                        "recipient '%s'", ref);
    }
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, hint, "recipient '%s'", ref);
    }
    return -1;
}

static wax_err
push_copy(struct cli_certlist *l, const uint8_t *der, size_t len)
{
    if (l->num == l->cap) {
        size_t cap = l->cap == 0 ? 8 : l->cap * 2;
        uint8_t **d = realloc(l->der, cap * sizeof *d);
        WAX_ENSURE(d != NULL, WAX_ERR_NOMEM);
        l->der = d;
        size_t *n = realloc(l->lens, cap * sizeof *n);
        WAX_ENSURE(n != NULL, WAX_ERR_NOMEM);
        l->lens = n;
        l->cap = cap;
    }
    uint8_t *copy = malloc(len == 0 ? 1 : len);
    WAX_ENSURE(copy != NULL, WAX_ERR_NOMEM);
    memcpy(copy, der, len);
    l->der[l->num] = copy;
    l->lens[l->num++] = len;
    return WAX_OK;
}

static wax_err
anchor_cb(void *ctx, const struct wax_store_cert *c)
{
    struct cli_certlist *l = ctx;
    if (l->num >= WAX_MAX_PATH_CERTS) {
        return WAX_OK; /* --trust files first; the rest are dropped */
    }
    return push_copy(l, c->der.p, c->der.len);
}

static wax_err
crl_cb(void *ctx, const struct wax_store_crl *c)
{
    struct cli_certlist *l = ctx;
    if (l->num >= WAX_MAX_PATH_CRLS) {
        return WAX_OK;
    }
    return push_copy(l, c->der.p, c->der.len);
}

int
cli_store_add_anchors(struct cli_ctx *ctx, struct cli_trust *t,
                      struct cli_certlist *crls)
{
    struct wax_store *store;
    int status = cli_store_open(ctx, false, &store);
    if (status >= 0 || store == NULL) {
        return status;
    }
    wax_err err = wax_store_anchors(store, WAX_STORE_TRUST_SMIME, 0, anchor_cb,
                                    &t->anchors);
    if (err == WAX_OK) {
        err = wax_store_crl_list(store, 0, crl_cb, crls);
    }
    wax_store_close(store);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                        "reading anchors and CRLs from the store");
    }
    t->view.anchors = cli_certlist_view(&t->anchors);
    return -1;
}

/* ------------------------------------------------------------------ */
/* --harvest.                                                          */

static void
add_warning(struct wax_smime_report *rep, const char *text)
{
    if (rep->num_warnings >= WAX_MAX_SMIME_WARNINGS) {
        rep->num_dropped_warnings++;
        return;
    }
    char *copy = strdup(text);
    if (copy != NULL) {
        rep->warnings[rep->num_warnings++] = copy;
    }
}

void
cli_harvest(struct cli_ctx *ctx, struct wax_smime_report *rep)
{
    if (rep->verdict != WAX_SMIME_VALID) {
        return;
    }
    struct cli_ctx quiet = *ctx;
    struct wax_store *store;
    char msg[512];
    quiet.reported = true; /* errors become warnings, below */
    if (cli_store_open(&quiet, true, &store) >= 0) {
        add_warning(rep, "--harvest: cannot open the store");
        return;
    }
    for (size_t i = 0; i < rep->num_signers; i++) {
        const struct wax_smime_signer_report *s = &rep->signers[i];
        if (s->verdict != WAX_SMIME_VALID || s->cert_der == NULL) {
            continue;
        }
        struct wax_store_harvest_in in;
        memset(&in, 0, sizeof in);
        in.signer.p = s->cert_der;
        in.signer.len = s->cert_len;
        in.caps.p = s->smime_capabilities;
        in.caps.len = s->smime_capabilities_len;
        in.enc_pref.p = s->enc_pref;
        in.enc_pref.len = s->enc_pref_len;
        in.enc_cert.p = s->enc_cert;
        in.enc_cert.len = s->enc_cert_len;
        struct wax_span chain[WAX_MAX_PATH_DEPTH];
        size_t nch = s->num_chain_der;
        if (nch > WAX_MAX_STORE_CHAIN) {
            nch = WAX_MAX_STORE_CHAIN;
        }
        for (size_t k = 0; k < nch; k++) {
            chain[k].p = s->chain_der[k];
            chain[k].len = s->chain_der_lens[k];
        }
        in.chain = chain;
        in.num_chain = nch;
        in.at = ctx->harvest_at;
        struct wax_store_harvest_outcome *out = malloc(sizeof *out);
        if (out == NULL) {
            add_warning(rep, "--harvest: out of memory");
            continue;
        }
        wax_err err = wax_store_harvest(store, &in, out);
        if (err != WAX_OK) {
            snprintf(msg, sizeof msg, "--harvest: %s (%s)", wax_err_str(err),
                     wax_err_name(err));
            add_warning(rep, msg);
        }
        for (size_t a = 0; err == WAX_OK && a < out->num; a++) {
            if (out->addr[a].status != WAX_STORE_HARVEST_NEW_KEY) {
                continue;
            }
            char fp[2 * WAX_STORE_FP_BYTES + 1];
            for (size_t k = 0; k < WAX_STORE_FP_BYTES; k++) {
                snprintf(fp + 2 * k, 3, "%02x", out->addr[a].fp[k]);
            }
            snprintf(msg, sizeof msg,
                     "new key for %s: certificate %s stored but not used "
                     "until 'wax cert accept %s %s'",
                     out->addr[a].address, fp, fp, out->addr[a].address);
            add_warning(rep, msg);
        }
        free(out);
    }
    wax_store_close(store);
}
