/*
 * wax_path_validate: parse (parse.c), build (build.c), verify (verify*.c,
 * revocation.c), policy (smime_policy.c, tls_policy.c) - and the result:
 * the valid path, or the best failure with every problem of it.
 */
#include "path_int.h"

const char *
wax_path_purpose_name(enum wax_path_purpose purpose)
{
    switch (purpose) {
    case WAX_PATH_PURPOSE_ANY:
        return "any";
    case WAX_PATH_PURPOSE_SMIME_SIGN:
        return "smime-sign";
    case WAX_PATH_PURPOSE_SMIME_ENCRYPT:
        return "smime-encrypt";
    case WAX_PATH_PURPOSE_SMIME:
        return "smime";
    case WAX_PATH_PURPOSE_TLS_SERVER:
        return "tls-server";
    case WAX_PATH_PURPOSE_TLS_CLIENT:
        return "tls-client";
    }
    return "unknown";
}

wax_err
wax_path_purpose_parse(const char *name, enum wax_path_purpose *out)
{
    static const enum wax_path_purpose all[] = {
        WAX_PATH_PURPOSE_ANY,           WAX_PATH_PURPOSE_SMIME_SIGN,
        WAX_PATH_PURPOSE_SMIME_ENCRYPT, WAX_PATH_PURPOSE_SMIME,
        WAX_PATH_PURPOSE_TLS_SERVER,    WAX_PATH_PURPOSE_TLS_CLIENT,
    };
    WAX_ENSURE(name != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, wax_path_purpose_name(all[i])) == 0) {
            *out = all[i];
            return WAX_OK;
        }
    }
    return WAX_ERR_INVALID_ARGUMENT;
}

wax_err
wax_path_revocation_parse(const char *name, enum wax_path_revocation *out)
{
    WAX_ENSURE(name != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    if (strcmp(name, "prefer") == 0) {
        *out = WAX_PATH_REVOCATION_PREFER;
    } else if (strcmp(name, "require") == 0) {
        *out = WAX_PATH_REVOCATION_REQUIRE;
    } else if (strcmp(name, "off") == 0) {
        *out = WAX_PATH_REVOCATION_OFF;
    } else {
        return WAX_ERR_INVALID_ARGUMENT;
    }
    return WAX_OK;
}

const char *
wax_path_rev_status_name(enum wax_path_rev_status s)
{
    switch (s) {
    case WAX_PATH_REV_NOT_CHECKED:
        return "not-checked";
    case WAX_PATH_REV_GOOD:
        return "good";
    case WAX_PATH_REV_REVOKED:
        return "revoked";
    case WAX_PATH_REV_NO_CRL:
        return "no-crl";
    case WAX_PATH_REV_CRL_INVALID:
        return "crl-invalid";
    }
    return "unknown";
}

/* The options that are not certificates. */
static wax_err
check_options(const struct wax_path_input *in, struct path_ctx *ctx)
{
    switch (in->purpose) {
    case WAX_PATH_PURPOSE_ANY:
    case WAX_PATH_PURPOSE_SMIME_SIGN:
    case WAX_PATH_PURPOSE_SMIME_ENCRYPT:
    case WAX_PATH_PURPOSE_SMIME:
    case WAX_PATH_PURPOSE_TLS_SERVER:
    case WAX_PATH_PURPOSE_TLS_CLIENT:
        break;
    default:
        return WAX_ERR_INVALID_ARGUMENT;
    }
    switch (in->revocation) {
    case WAX_PATH_REVOCATION_PREFER:
    case WAX_PATH_REVOCATION_REQUIRE:
    case WAX_PATH_REVOCATION_OFF:
        break;
    default:
        return WAX_ERR_INVALID_ARGUMENT;
    }
    if (in->dns_name != NULL) {
        size_t len = strlen(in->dns_name);
        if (len > 0 && in->dns_name[len - 1] == '.') {
            len--;
        }
        struct wax_span name = {(const uint8_t *)in->dns_name, len};
        WAX_ENSURE(path_dns_syntax_ok(name, false), WAX_ERR_INVALID_ARGUMENT);
    }
    if (in->ip_address != NULL) {
        WAX_ENSURE(
            wax_path_ip_parse(in->ip_address, ctx->peer_ip, &ctx->peer_ip_len),
            WAX_ERR_INVALID_ARGUMENT);
    }
    WAX_ENSURE(
        in->num_initial_policies <= WAX_MAX_PATH_INITIAL_POLICIES &&
            (in->num_initial_policies == 0 || in->initial_policies != NULL),
        WAX_ERR_INVALID_ARGUMENT);
    return WAX_OK;
}

static void
fill_result(const struct path_ctx *ctx, const struct path_best *best,
            struct wax_path_result *out)
{
    out->err = best->err;
    out->num_certs = best->n;
    for (size_t i = 0; i < best->n; i++) {
        const struct path_cert *pc = &ctx->pool[best->chain[i]];
        out->certs[i] = pc->der;
        out->cert_lens[i] = pc->len;
        out->revocation[i] =
            best->anchored ? best->outcome.rev[i] : WAX_PATH_REV_NOT_CHECKED;
    }
    out->failed_index = best->err == WAX_OK ? SIZE_MAX : best->failed_index;
    out->reached_anchor = best->anchored;
    out->weak = best->err == WAX_OK && best->outcome.weak;
    out->num_steps = ctx->steps;
    out->num_crls_used = best->anchored ? best->outcome.num_crls_used : 0;
    bool complete = best->anchored && best->n > 0;
    for (size_t i = 0; i + 1 < best->n; i++) {
        complete = complete && out->revocation[i] == WAX_PATH_REV_GOOD;
    }
    out->revocation_complete = complete;
}

static void
fill_diag(const struct path_ctx *ctx, const struct path_problems *pr,
          struct wax_path_diag *diag)
{
    if (diag == NULL) {
        return;
    }
    memset(diag, 0, sizeof *diag);
    diag->num_problems = pr->num;
    memcpy(diag->problems, pr->p, pr->num * sizeof pr->p[0]);
    diag->truncated = pr->truncated;
    diag->num_paths = ctx->num_paths;
}

wax_err
path_validate_nested(const struct wax_path_input *in,
                     struct wax_path_result *out, unsigned nesting)
{
    WAX_ENSURE(out != NULL, WAX_ERR_INVALID_ARGUMENT);
    memset(out, 0, sizeof *out);
    out->failed_index = SIZE_MAX;
    out->err = WAX_ERR_INVALID_ARGUMENT;
    WAX_ENSURE(in != NULL && in->leaf != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct path_problems none;
    memset(&none, 0, sizeof none);
    struct path_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        out->err = WAX_ERR_NOMEM;
        return out->err;
    }
    ctx->in = in;
    ctx->nesting = nesting;
    ctx->max_depth = in->max_depth == 0 || in->max_depth > WAX_MAX_PATH_DEPTH
                         ? WAX_MAX_PATH_DEPTH
                         : in->max_depth;
    wax_err err = check_options(in, ctx);
    if (err == WAX_OK) {
        err = path_pool_load(ctx);
        if (err != WAX_OK && err != WAX_ERR_INVALID_ARGUMENT &&
            err != WAX_ERR_NOMEM && err != WAX_ERR_LIMIT_EXCEEDED) {
            /* the leaf does not parse */
            out->failed_index = 0;
        }
    }
    if (err != WAX_OK) {
        out->err = err;
        path_problems_add(&none, out->failed_index, err);
        fill_diag(ctx, &none, in->diag);
        path_pool_free(ctx);
        free(ctx);
        return err;
    }
    struct path_best *best = malloc(sizeof *best);
    if (best == NULL) {
        path_pool_free(ctx);
        free(ctx);
        out->err = WAX_ERR_NOMEM;
        return out->err;
    }
    path_search(ctx, best);
    fill_result(ctx, best, out);
    fill_diag(ctx, &best->outcome.problems, in->diag);
    free(best);
    path_pool_free(ctx);
    free(ctx);
    return out->err;
}

wax_err
wax_path_validate(const struct wax_path_input *in, struct wax_path_result *out)
{
    return path_validate_nested(in, out, 0);
}
