/* Arguments of the S/MIME commands, and how their errors are reported. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

/* Longest error message formatted (they name files and options). */
#define CLI_MAX_MESSAGE 1024

static void
json_error(const char *code, const char *message, const char *hint)
{
    fputs("{\"error\":", stderr);
    ui_put_json_string(stderr, (const uint8_t *)code, strlen(code));
    fputs(",\"message\":", stderr);
    ui_put_json_string(stderr, (const uint8_t *)message, strlen(message));
    if (hint != NULL) {
        fputs(",\"hint\":", stderr);
        ui_put_json_string(stderr, (const uint8_t *)hint, strlen(hint));
    }
    fputs("}\n", stderr);
}

static void
text_line(const char *kind, const char *text)
{
    fprintf(stderr, "wax: %s: ", kind);
    ui_put_escaped(stderr, (const uint8_t *)text, strlen(text));
    fputc('\n', stderr);
}

static void
say(struct cli_ctx *ctx, wax_err err, const char *hint, const char *fmt,
    va_list ap)
{
    char msg[CLI_MAX_MESSAGE];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (ctx->reported) {
        return; /* one report only: the first error wins */
    }
    ctx->reported = true;
    if (ctx->json) {
        json_error(err == WAX_OK ? "WAX_ERR_CLI_USAGE" : wax_err_name(err), msg,
                   hint);
        return;
    }
    if (err != WAX_OK) {
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof msg - n, ": %s (%s)", wax_err_str(err),
                 wax_err_name(err));
    }
    text_line("error", msg);
    if (hint != NULL) {
        text_line("hint", hint);
    }
}

int
cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
    char hint[128];
    snprintf(hint, sizeof hint, "run 'wax %s --help' for the options",
             ctx->cmd);
    va_list ap;
    va_start(ap, fmt);
    say(ctx, WAX_OK, hint, fmt, ap);
    va_end(ap);
    return WAX_EXIT_USAGE;
}

int
cli_fail(struct cli_ctx *ctx, int exit_status, wax_err err, const char *hint,
         const char *fmt, ...)
{
    /* a file that cannot be read: say why (errno of the failed call) */
    int saved = errno;
    char why[CLI_MAX_MESSAGE];
    if (err == WAX_ERR_CLI_FILE && saved != 0) {
        snprintf(why, sizeof why, "%s (%s)", fmt, strerror(saved));
        fmt = why;
    }
    va_list ap;
    va_start(ap, fmt);
    say(ctx, err, hint, fmt, ap);
    va_end(ap);
    return exit_status;
}

/* ------------------------------------------------------------------ */
/* Values.                                                             */

static bool
parse_format(const char *s, enum wax_smime_format *out)
{
    if (strcmp(s, "mime") == 0) {
        *out = WAX_SMIME_FORMAT_MIME;
    } else if (strcmp(s, "der") == 0) {
        *out = WAX_SMIME_FORMAT_DER;
    } else if (strcmp(s, "pem") == 0) {
        *out = WAX_SMIME_FORMAT_PEM;
    } else {
        return false;
    }
    return true;
}

static bool
parse_digest(const char *s, enum wax_digest_alg *out)
{
    if (strcmp(s, "sha256") == 0) {
        *out = WAX_DIGEST_SHA256;
    } else if (strcmp(s, "sha384") == 0) {
        *out = WAX_DIGEST_SHA384;
    } else if (strcmp(s, "sha512") == 0) {
        *out = WAX_DIGEST_SHA512;
    } else {
        return false;
    }
    return true;
}

static bool
parse_revocation(const char *s, enum cli_revocation *out)
{
    if (strcmp(s, "prefer") == 0) {
        *out = CLI_REVOCATION_PREFER;
    } else if (strcmp(s, "require") == 0) {
        *out = CLI_REVOCATION_REQUIRE;
    } else if (strcmp(s, "off") == 0) {
        *out = CLI_REVOCATION_OFF;
    } else {
        return false;
    }
    return true;
}

static const char *
long_name_of(const struct cli_option *opts, int id)
{
    for (; opts->long_name != NULL; opts++) {
        if (opts->id == id) {
            return opts->long_name;
        }
    }
    return "?";
}

/* push appends ARG to a repeatable option's list. */
static bool
push(const char **list, size_t *num, size_t max, const char *arg)
{
    if (*num >= max) {
        return false;
    }
    list[(*num)++] = arg;
    return true;
}

static int
take_option(struct cli_ctx *ctx, struct cli_args *a, int id, const char *arg)
{
    switch ((enum cli_opt_id)id) {
    case OPT_HELP:
    case OPT_JSON:
        return -1; /* handled by the caller */
    case OPT_OUT:
        a->out_path = arg;
        return -1;
    case OPT_IDENTITY:
        if (!push(a->ids, &a->num_ids, WAX_MAX_SMIME_IDENTITIES, arg)) {
            return cli_usage_error(ctx, "too many -i identities (at most %d)",
                                   (int)WAX_MAX_SMIME_IDENTITIES);
        }
        return -1;
    case OPT_RECIPIENT:
        if (!push(a->rcpts, &a->num_rcpts, WAX_MAX_CMS_RECIPIENTS, arg)) {
            return cli_usage_error(ctx, "too many -r recipients (at most %d)",
                                   (int)WAX_MAX_CMS_RECIPIENTS);
        }
        return -1;
    case OPT_PASS:
        if (strncmp(arg, "env:", 4) != 0 && strncmp(arg, "file:", 5) != 0 &&
            strncmp(arg, "pass:", 5) != 0) {
            return cli_usage_error(
                ctx, "--pass takes env:VAR, file:PATH or pass:TEXT");
        }
        a->pass_spec = arg;
        return -1;
    case OPT_TRUST:
        if (!push(a->trust, &a->num_trust, CLI_MAX_FILE_ARGS, arg)) {
            return cli_usage_error(ctx, "too many --trust files");
        }
        return -1;
    case OPT_CERTS:
        if (!push(a->certs, &a->num_certs, CLI_MAX_FILE_ARGS, arg)) {
            return cli_usage_error(ctx, "too many --certs files");
        }
        return -1;
    case OPT_CRL:
        if (!push(a->crls, &a->num_crls, CLI_MAX_FILE_ARGS, arg)) {
            return cli_usage_error(ctx, "too many --crl files");
        }
        return -1;
    case OPT_AT:
        if (!wax_time_parse_rfc3339(arg, &a->at)) {
            return cli_usage_error(ctx, "--at '%s' is not an RFC 3339 time",
                                   arg);
        }
        a->has_at = true;
        return -1;
    case OPT_FROM:
        if (strchr(arg, '@') == NULL) {
            return cli_usage_error(ctx, "--from '%s' is not an address", arg);
        }
        a->from = arg;
        return -1;
    case OPT_ALLOW_WEAK:
        a->allow_weak = true;
        return -1;
    case OPT_REQUIRE_AUTH:
        a->require_auth = true;
        return -1;
    case OPT_REVOCATION:
        if (!parse_revocation(arg, &a->revocation)) {
            return cli_usage_error(ctx,
                                   "--revocation takes require, prefer or off");
        }
        return -1;
    case OPT_FORMAT:
        if (!parse_format(arg, &a->format)) {
            return cli_usage_error(ctx, "--format takes mime, der or pem");
        }
        a->has_format = true;
        return -1;
    case OPT_OPAQUE:
        a->opaque = true;
        return -1;
    case OPT_DETACHED:
        a->detached = true;
        return -1;
    case OPT_DIGEST:
        if (!parse_digest(arg, &a->digest)) {
            return cli_usage_error(ctx,
                                   "--digest takes sha256, sha384 or sha512");
        }
        return -1;
    case OPT_CIPHER:
        if (wax_smime_cipher_parse(&a->cipher, arg) != WAX_OK) {
            return cli_usage_error(ctx,
                                   "--cipher takes aes128-gcm, aes256-gcm, "
                                   "aes128-cbc, aes192-cbc or aes256-cbc");
        }
        a->has_cipher = true;
        return -1;
    case OPT_RSA_OAEP:
        a->rsa_oaep = true;
        return -1;
    case OPT_CONTENT:
        a->content_path = arg;
        a->has_content = true;
        return -1;
    case OPT_HARVEST:
        a->harvest = true;
        return -1;
    }
    return cli_usage_error(ctx, "unhandled option");
}

/* Options that may be given more than once. */
static bool
repeatable(int id)
{
    return id == OPT_IDENTITY || id == OPT_RECIPIENT || id == OPT_TRUST ||
           id == OPT_CERTS || id == OPT_CRL;
}

int
cli_parse_args(struct cli_ctx *ctx, int argc, char **argv,
               const struct cli_option *opts, const char *help,
               struct cli_args *a)
{
    memset(a, 0, sizeof *a);
    ctx->json = cli_argv_has_json(argc, argv);
    bool seen[OPT_HARVEST + 1] = {false};
    struct cli_parser p;
    cli_parser_init(&p, argc, argv);
    for (;;) {
        const char *arg;
        int id = cli_parse_next(&p, opts, ctx, &arg);
        if (id == CLI_OPT_END) {
            break;
        }
        if (id == CLI_OPT_ERROR) {
            return WAX_EXIT_USAGE;
        }
        if (id == CLI_OPT_OPERAND) {
            if (a->in_path != NULL) {
                return cli_usage_error(ctx, "more than one input FILE ('%s')",
                                       arg);
            }
            a->in_path = arg;
            continue;
        }
        if (id == OPT_HELP) {
            fputs(help, stdout);
            return WAX_EXIT_OK;
        }
        if (seen[id] && !repeatable(id)) {
            return cli_usage_error(ctx, "option '--%s' given twice",
                                   long_name_of(opts, id));
        }
        seen[id] = true;
        int status = take_option(ctx, a, id, arg);
        if (status >= 0) {
            return status;
        }
    }
    if (a->in_path != NULL && strcmp(a->in_path, "-") == 0) {
        a->in_path = NULL;
    }
    if (a->content_path != NULL && strcmp(a->content_path, "-") == 0) {
        a->content_path = NULL;
    }
    if (a->out_path != NULL && strcmp(a->out_path, "-") == 0) {
        a->out_path = NULL;
    }
    return -1;
}
