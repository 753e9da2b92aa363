/*
 * Stage 1 of wax_path_validate, parse: the leaf, the trust anchors, the
 * untrusted certificates and the CRLs of one call, each parsed once into
 * a pool the search and the verification share. Duplicates (byte-
 * identical) are kept once, an anchor winning over an untrusted copy;
 * certificates and CRLs that do not parse are skipped (they cannot be
 * part of a path, and their bytes were attacker-chosen).
 */
#include "path_int.h"

static bool
same_bytes(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* Adds the parsable certificates of LIST to the pool. */
static wax_err
add_certs(struct path_ctx *ctx, const struct wax_path_certs *list, bool anchor)
{
    if (list->num == 0) {
        return WAX_OK;
    }
    WAX_ENSURE(list->der != NULL && list->lens != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < list->num; i++) {
        if (list->der[i] == NULL) {
            continue;
        }
        /* The leaf given again (as an anchor: it is then trusted itself). */
        if (same_bytes(list->der[i], list->lens[i], ctx->pool[0].der,
                       ctx->pool[0].len)) {
            ctx->pool[0].anchor = ctx->pool[0].anchor || anchor;
            continue;
        }
        bool dup = false;
        for (size_t j = 1; j < ctx->num_pool && !dup; j++) {
            dup = same_bytes(list->der[i], list->lens[i], ctx->pool[j].der,
                             ctx->pool[j].len);
        }
        if (dup) {
            continue;
        }
        struct path_cert *pc = &ctx->pool[ctx->num_pool];
        if (wax_x509_cert_parse(&pc->cert, list->der[i], list->lens[i]) !=
            WAX_OK) {
            continue;
        }
        pc->der = list->der[i];
        pc->len = list->lens[i];
        pc->anchor = anchor;
        pc->self_issued = wax_x509_cert_is_self_issued(&pc->cert);
        ctx->num_pool++;
    }
    return WAX_OK;
}

static wax_err
add_crls(struct path_ctx *ctx, const struct wax_path_certs *list)
{
    if (list->num == 0) {
        return WAX_OK;
    }
    WAX_ENSURE(list->der != NULL && list->lens != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < list->num; i++) {
        if (list->der[i] == NULL) {
            continue;
        }
        struct path_crl *pc = &ctx->crls[ctx->num_crls];
        if (wax_x509_crl_parse(&pc->crl, list->der[i], list->lens[i]) !=
            WAX_OK) {
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < ctx->num_crls && !dup; j++) {
            dup = wax_span_equal(ctx->crls[j].crl.der, pc->crl.der);
        }
        if (!dup) {
            pc->sig_signer = SIZE_MAX;
            ctx->num_crls++;
        }
    }
    return WAX_OK;
}

wax_err
path_pool_load(struct path_ctx *ctx)
{
    const struct wax_path_input *in = ctx->in;
    size_t total = in->untrusted.num + in->anchors.num;
    WAX_ENSURE(in->untrusted.num <= WAX_MAX_PATH_CERTS &&
                   in->anchors.num <= WAX_MAX_PATH_CERTS &&
                   total <= WAX_MAX_PATH_CERTS,
               WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(in->crls.num <= WAX_MAX_PATH_CRLS, WAX_ERR_LIMIT_EXCEEDED);
    ctx->pool = calloc(total + 1, sizeof *ctx->pool);
    WAX_ENSURE(ctx->pool != NULL, WAX_ERR_NOMEM);
    if (in->crls.num > 0) {
        ctx->crls = calloc(in->crls.num, sizeof *ctx->crls);
        WAX_ENSURE(ctx->crls != NULL, WAX_ERR_NOMEM);
    }
    struct path_cert *leaf = &ctx->pool[0];
    WAX_TRY(wax_x509_cert_parse(&leaf->cert, in->leaf, in->leaf_len));
    leaf->der = in->leaf;
    leaf->len = in->leaf_len;
    leaf->self_issued = wax_x509_cert_is_self_issued(&leaf->cert);
    ctx->num_pool = 1;
    /* Anchors first: they are tried first as issuers, and an untrusted
     * certificate byte-identical to an anchor is the anchor. */
    WAX_TRY(add_certs(ctx, &in->anchors, true));
    WAX_TRY(add_certs(ctx, &in->untrusted, false));
    WAX_TRY(add_crls(ctx, &in->crls));
    return WAX_OK;
}

void
path_pool_free(struct path_ctx *ctx)
{
    free(ctx->pool);
    free(ctx->crls);
    ctx->pool = NULL;
    ctx->crls = NULL;
    ctx->num_pool = 0;
    ctx->num_crls = 0;
}
