/* Certificate files: -r recipients, --trust anchors, --certs, --crl. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store.h"

void
cli_certlist_free(struct cli_certlist *l)
{
    for (size_t i = 0; i < l->num; i++) {
        free(l->der[i]);
    }
    free(l->der);
    free(l->lens);
    memset(l, 0, sizeof *l);
}

struct wax_smime_certs
cli_certlist_view(const struct cli_certlist *l)
{
    struct wax_smime_certs v = {(const uint8_t *const *)l->der, l->lens,
                                l->num};
    return v;
}

/* Appends a copy of LEN bytes at DER, at most MAX entries. */
static wax_err
list_push(struct cli_certlist *l, const uint8_t *der, size_t len, size_t max)
{
    WAX_ENSURE(l->num < max, WAX_ERR_LIMIT_EXCEEDED);
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
    uint8_t *copy = malloc(len);
    WAX_ENSURE(copy != NULL, WAX_ERR_NOMEM);
    memcpy(copy, der, len);
    l->der[l->num] = copy;
    l->lens[l->num] = len;
    l->num++;
    return WAX_OK;
}

wax_err
cli_certlist_add_der(struct cli_certlist *l, const uint8_t *der, size_t len)
{
    struct wax_x509_cert cert;
    WAX_TRY(wax_x509_cert_parse(&cert, der, len));
    return list_push(l, der, len, WAX_MAX_PATH_CERTS);
}

wax_err
cli_certlist_add_pem(struct cli_certlist *l, const uint8_t *text, size_t len,
                     bool first_only, size_t *added)
{
    struct wax_pem_reader r;
    wax_pem_reader_init(&r, text, len);
    for (;;) {
        struct wax_pem_block b;
        bool present;
        WAX_TRY(wax_pem_next(&r, &b, &present));
        if (!present || (first_only && *added > 0)) {
            return WAX_OK;
        }
        if (!wax_pem_label_is(&b, "CERTIFICATE") &&
            !wax_pem_label_is(&b, "X509 CERTIFICATE")) {
            continue;
        }
        size_t cap = wax_pem_decoded_max(&b);
        uint8_t *der = malloc(cap == 0 ? 1 : cap);
        WAX_ENSURE(der != NULL, WAX_ERR_NOMEM);
        size_t der_len;
        wax_err err = wax_pem_decode(&b, der, cap, &der_len);
        if (err == WAX_OK) {
            err = cli_certlist_add_der(l, der, der_len);
        }
        free(der);
        WAX_TRY(err);
        (*added)++;
    }
}

int
cli_certlist_add_file(struct cli_ctx *ctx, struct cli_certlist *l,
                      const char *path, const char *what, bool first_only)
{
    struct wax_buf buf;
    wax_buf_init(&buf, CLI_MAX_SMALL_FILE);
    wax_err err = cli_read_file(path, &buf);
    if (err != WAX_OK) {
        wax_buf_cleanup(&buf);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "%s '%s'", what, path);
    }
    size_t added = 0;
    if (wax_pem_looks_like(buf.data, buf.len)) {
        err = cli_certlist_add_pem(l, buf.data, buf.len, first_only, &added);
    } else if (buf.len > 0 && buf.data[0] == 0x30) {
        err = cli_certlist_add_der(l, buf.data, buf.len);
        added = err == WAX_OK ? 1 : 0;
    }
    wax_buf_cleanup(&buf);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "give a PEM file of certificates or one DER "
                        "certificate",
                        "%s '%s'", what, path);
    }
    if (added == 0) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_NO_CERTIFICATE,
                        "give a PEM file of certificates or one DER "
                        "certificate",
                        "%s '%s'", what, path);
    }
    return -1;
}

int
cli_trust_load(struct cli_ctx *ctx, const struct cli_args *a,
               struct cli_trust *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < a->num_trust; i++) {
        int status = cli_certlist_add_file(ctx, &t->anchors, a->trust[i],
                                           "trust anchors", false);
        if (status >= 0) {
            return status;
        }
    }
    for (size_t i = 0; i < a->num_certs; i++) {
        int status = cli_certlist_add_file(ctx, &t->untrusted, a->certs[i],
                                           "certificates", false);
        if (status >= 0) {
            return status;
        }
    }
    t->view.anchors = cli_certlist_view(&t->anchors);
    t->view.untrusted = cli_certlist_view(&t->untrusted);
    t->view.time = a->has_at ? a->at : (int64_t)time(NULL);
    t->view.allow_weak = a->allow_weak;
    return -1;
}

void
cli_trust_free(struct cli_trust *t)
{
    cli_certlist_free(&t->anchors);
    cli_certlist_free(&t->untrusted);
}

int
cli_recipients_load(struct cli_ctx *ctx, const struct cli_args *a,
                    struct cli_certlist *out)
{
    memset(out, 0, sizeof *out);
    struct wax_store *store = NULL;
    bool opened = false;
    int status = -1;
    int64_t at = a->has_at ? a->at : (int64_t)time(NULL);
    for (size_t i = 0; status < 0 && i < a->num_rcpts; i++) {
        const char *r = a->rcpts[i];
        if (cli_is_store_ref(r)) {
            if (!opened) {
                status = cli_store_open(ctx, false, &store);
                opened = true;
            }
            if (status < 0) {
                status = cli_store_recipient(ctx, store, r, at, out);
            }
            continue;
        }
        status = cli_certlist_add_file(ctx, out, r, "recipient", true);
    }
    wax_store_close(store);
    return status;
}

/* One DER CRL: parsed to check it (a DER error means the file is no CRL:
 * WAX_ERR_X509_CRL_MALFORMED), then kept. */
static wax_err
crl_add_der(struct cli_certlist *l, const uint8_t *der, size_t len)
{
    struct wax_x509_crl *crl = malloc(sizeof *crl);
    WAX_ENSURE(crl != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_crl_parse(crl, der, len);
    free(crl);
    if (err != WAX_OK) {
        return strncmp(wax_err_name(err), "WAX_ERR_DER_", 12) == 0
                   ? WAX_ERR_X509_CRL_MALFORMED
                   : err;
    }
    return list_push(l, der, len, WAX_MAX_PATH_CRLS);
}

/* The "X509 CRL" blocks of a PEM text; *ADDED counts them. */
static wax_err
crl_add_pem(struct cli_certlist *l, const uint8_t *text, size_t len,
            size_t *added)
{
    struct wax_pem_reader r;
    wax_pem_reader_init(&r, text, len);
    for (;;) {
        struct wax_pem_block b;
        bool present;
        WAX_TRY(wax_pem_next(&r, &b, &present));
        if (!present) {
            return WAX_OK;
        }
        if (!wax_pem_label_is(&b, "X509 CRL")) {
            continue;
        }
        size_t cap = wax_pem_decoded_max(&b);
        uint8_t *der = malloc(cap == 0 ? 1 : cap);
        WAX_ENSURE(der != NULL, WAX_ERR_NOMEM);
        size_t der_len;
        wax_err err = wax_pem_decode(&b, der, cap, &der_len);
        if (err == WAX_OK) {
            err = crl_add_der(l, der, der_len);
        }
        free(der);
        WAX_TRY(err);
        (*added)++;
    }
}

int
cli_crls_load(struct cli_ctx *ctx, const struct cli_args *a,
              struct cli_certlist *out)
{
    static const char hint[] = "give a PEM file of CRLs (X509 CRL) or one "
                               "DER CRL";
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < a->num_crls; i++) {
        struct wax_buf buf;
        wax_buf_init(&buf, CLI_MAX_SMALL_FILE);
        wax_err err = cli_read_file(a->crls[i], &buf);
        if (err != WAX_OK) {
            wax_buf_cleanup(&buf);
            return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "CRL file '%s'",
                            a->crls[i]);
        }
        size_t added = 0;
        if (wax_pem_looks_like(buf.data, buf.len)) {
            err = crl_add_pem(out, buf.data, buf.len, &added);
            if (err == WAX_OK && added == 0) {
                err = WAX_ERR_PEM_NO_OBJECT;
            }
        } else {
            err = crl_add_der(out, buf.data, buf.len);
        }
        wax_buf_cleanup(&buf);
        if (err != WAX_OK) {
            return cli_fail(ctx, WAX_EXIT_USAGE, err, hint, "CRL file '%s'",
                            a->crls[i]);
        }
    }
    return -1;
}

enum wax_path_revocation
cli_revocation_mode(const struct cli_args *a)
{
    switch (a->revocation) {
    case CLI_REVOCATION_REQUIRE:
        return WAX_PATH_REVOCATION_REQUIRE;
    case CLI_REVOCATION_OFF:
        return WAX_PATH_REVOCATION_OFF;
    case CLI_REVOCATION_PREFER:
        break;
    }
    return WAX_PATH_REVOCATION_PREFER;
}
