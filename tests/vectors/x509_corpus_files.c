/* See x509_corpus_files.h. */
#include "x509_corpus_files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <wax/x509.h>

#include "../harness.h"

static bool
has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcmp(name + n - k, suffix) == 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static wax_err
add(struct corpus *c, const char *rel, const char *path, size_t index, bool pem,
    enum corpus_kind kind, uint8_t *der, size_t len)
{
    struct corpus_obj *bigger =
        realloc(c->objs, (c->num + 1) * sizeof *c->objs);
    if (bigger == NULL) {
        free(der);
        return WAX_ERR_NOMEM;
    }
    c->objs = bigger;
    struct corpus_obj *o = &c->objs[c->num++];
    snprintf(o->rel, sizeof o->rel, "%s", rel);
    snprintf(o->path, sizeof o->path, "%s", path);
    o->index = index;
    o->pem = pem;
    o->kind = kind;
    o->der = der;
    o->der_len = len;
    return WAX_OK;
}

static wax_err
load_file(struct corpus *c, const char *rel, const char *path, char *why,
          size_t why_cap)
{
    size_t len;
    uint8_t *data = wax_test_read_file(path, &len);
    if (data == NULL) {
        snprintf(why, why_cap, "cannot read %s", path);
        return WAX_ERR_CLI_FILE;
    }
    wax_err err = WAX_OK;
    if (wax_pem_looks_like(data, len)) {
        struct wax_pem_reader r;
        struct wax_pem_block b;
        bool present;
        size_t index = 0;
        wax_pem_reader_init(&r, data, len);
        for (;;) {
            err = wax_pem_next(&r, &b, &present);
            if (err != WAX_OK || !present) {
                break;
            }
            enum corpus_kind kind;
            if (wax_pem_label_is(&b, "CERTIFICATE")) {
                kind = CORPUS_CERT;
            } else if (wax_pem_label_is(&b, "X509 CRL")) {
                kind = CORPUS_CRL;
            } else if (wax_pem_label_is(&b, "CERTIFICATE REQUEST") ||
                       wax_pem_label_is(&b, "NEW CERTIFICATE REQUEST")) {
                kind = CORPUS_REQ;
            } else {
                index++;
                continue;
            }
            size_t cap = wax_pem_decoded_max(&b), der_len;
            uint8_t *der = malloc(cap + 1);
            if (der == NULL) {
                err = WAX_ERR_NOMEM;
                break;
            }
            err = wax_pem_decode(&b, der, cap, &der_len);
            if (err != WAX_OK) {
                free(der);
                break;
            }
            err = add(c, rel, path, index++, true, kind, der, der_len);
            if (err != WAX_OK) {
                break;
            }
        }
        if (err != WAX_OK) {
            snprintf(why, why_cap, "%s: %s", rel, wax_err_name(err));
        }
        free(data);
        return err;
    }
    enum corpus_kind kind;
    if (has_suffix(path, ".cer") || has_suffix(path, ".crt")) {
        kind = CORPUS_CERT;
    } else if (has_suffix(path, ".crl")) {
        kind = CORPUS_CRL;
    } else if (has_suffix(path, ".csr") || has_suffix(path, ".req")) {
        kind = CORPUS_REQ;
    } else {
        free(data);
        return WAX_OK;
    }
    return add(c, rel, path, 0, false, kind, data, len);
}

static wax_err
walk(struct corpus *c, const char *rel, char *why, size_t why_cap)
{
    char dir_path[4096];
    snprintf(dir_path, sizeof dir_path, "%s", wax_test_data_path(rel));
    DIR *dir = opendir(dir_path);
    if (dir == NULL) {
        snprintf(why, why_cap, "cannot open %s (set WAX_TESTDATA)", dir_path);
        return WAX_ERR_CLI_FILE;
    }
    char *names[1024];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL && n < 1024) {
        if (de->d_name[0] == '.') {
            continue;
        }
        names[n] = strdup(de->d_name);
        if (names[n] != NULL) {
            n++;
        }
    }
    closedir(dir);
    qsort(names, n, sizeof names[0], cmp_names);
    wax_err err = WAX_OK;
    for (size_t i = 0; i < n; i++) {
        char sub_rel[512], sub_path[4600];
        struct stat st;
        snprintf(sub_rel, sizeof sub_rel, "%s/%s", rel, names[i]);
        snprintf(sub_path, sizeof sub_path, "%s/%s", dir_path, names[i]);
        if (err == WAX_OK && stat(sub_path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                err = walk(c, sub_rel, why, why_cap);
            } else if (S_ISREG(st.st_mode)) {
                err = load_file(c, sub_rel, sub_path, why, why_cap);
            }
        }
        free(names[i]);
    }
    return err;
}

wax_err
corpus_load(const char *rel, struct corpus *out, char *why, size_t why_cap)
{
    out->objs = NULL;
    out->num = 0;
    why[0] = '\0';
    wax_err err = walk(out, rel, why, why_cap);
    if (err != WAX_OK) {
        corpus_free(out);
    }
    return err;
}

void
corpus_free(struct corpus *c)
{
    for (size_t i = 0; i < c->num; i++) {
        free(c->objs[i].der);
    }
    free(c->objs);
    c->objs = NULL;
    c->num = 0;
}
