/* The option parser of the wax commands. */
#include <string.h>

#include "cli.h"
#include "opts.h"

void
cli_parser_init(struct cli_parser *p, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
}

static const struct cli_option *
find_long(const struct cli_option *opts, const char *name, size_t name_len)
{
    for (; opts->long_name != NULL; opts++) {
        if (strlen(opts->long_name) == name_len &&
            memcmp(opts->long_name, name, name_len) == 0) {
            return opts;
        }
    }
    return NULL;
}

static const struct cli_option *
find_short(const struct cli_option *opts, char c)
{
    for (; opts->long_name != NULL; opts++) {
        if (opts->short_name != 0 && opts->short_name == c) {
            return opts;
        }
    }
    return NULL;
}

int
cli_parse_next(struct cli_parser *p, const struct cli_option *opts,
               struct cli_ctx *ctx, const char **arg)
{
    *arg = NULL;
    if (p->next >= p->argc) {
        return CLI_OPT_END;
    }
    char *a = p->argv[p->next++];
    if (p->only_operands || a[0] != '-' || a[1] == '\0') {
        *arg = a;
        return CLI_OPT_OPERAND;
    }
    if (strcmp(a, "--") == 0) {
        p->only_operands = true;
        return cli_parse_next(p, opts, ctx, arg);
    }
    const struct cli_option *o;
    const char *value = NULL;
    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        o = find_long(opts, name, name_len);
        if (o == NULL) {
            cli_usage_error(ctx, "unknown option '--%.*s'", (int)name_len,
                            name);
            return CLI_OPT_ERROR;
        }
        if (eq != NULL) {
            if (!o->has_arg) {
                cli_usage_error(ctx, "option '--%s' takes no value",
                                o->long_name);
                return CLI_OPT_ERROR;
            }
            value = eq + 1;
        }
    } else {
        o = find_short(opts, a[1]);
        if (o == NULL) {
            cli_usage_error(ctx, "unknown option '-%c'", a[1]);
            return CLI_OPT_ERROR;
        }
        if (a[2] != '\0') {
            if (!o->has_arg) {
                cli_usage_error(ctx, "unknown option '%s'", a);
                return CLI_OPT_ERROR;
            }
            value = a + 2;
        }
    }
    if (o->has_arg && value == NULL) {
        if (p->next >= p->argc) {
            cli_usage_error(ctx, "option '--%s' needs a value", o->long_name);
            return CLI_OPT_ERROR;
        }
        value = p->argv[p->next++];
    }
    *arg = value;
    return o->id;
}

bool
cli_argv_has_json(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "--json") == 0) {
            return true;
        }
    }
    return false;
}
