/*
 * cli/opts.h - a small option parser for the wax commands: long options
 * ("--name", "--name VALUE", "--name=VALUE"), short ones ("-o FILE",
 * "-oFILE"), "--" to end the options, "-" as an operand (standard input),
 * options and operands in any order. Repeatable options are simply seen
 * again. Errors are reported through cli_usage_error (cli/cli.h).
 */
#ifndef WAX_CLI_OPTS_H
#define WAX_CLI_OPTS_H

#include <stdbool.h>

struct cli_ctx;

struct cli_option {
    const char *long_name; /* without "--" */
    char short_name;       /* 0: none */
    bool has_arg;
    int id; /* >= 0 */
};

#define CLI_OPT_END (-1)     /* no more arguments */
#define CLI_OPT_OPERAND (-2) /* *ARG is an operand (FILE) */
#define CLI_OPT_ERROR (-3)   /* reported; exit WAX_EXIT_USAGE */

struct cli_parser {
    int argc;
    char **argv;
    int next;           /* index of the next argument */
    bool only_operands; /* after "--" */
};

/* cli_parser_init starts after argv[0] (the command name). */
void cli_parser_init(struct cli_parser *p, int argc, char **argv);

/* cli_parse_next returns the id of the next option (its value in *ARG),
 * CLI_OPT_OPERAND, CLI_OPT_END, or CLI_OPT_ERROR after printing the error
 * and hint through CTX. */
int cli_parse_next(struct cli_parser *p, const struct cli_option *opts,
                   struct cli_ctx *ctx, const char **arg);

/* cli_argv_has_json: "--json" appears among the options (before "--"), so
 * that even a usage error is reported as JSON. */
bool cli_argv_has_json(int argc, char **argv);

#endif
