/*
 * wax inspect: the structure of a message or CMS object (layers,
 * algorithms, recipients, signers, certificates) without keys and without
 * verifying anything.
 */
#include "cli.h"
#include "commands.h"

static const char help[] =
    "usage: wax inspect [--json] [FILE]\n"
    "\n"
    "Shows the structure of the S/MIME message or CMS object (DER or PEM) in\n"
    "FILE (or standard input): its layers, algorithms, recipients, signers\n"
    "and certificates. Nothing is decrypted or verified. The report goes to\n"
    "standard output; with --json, as one JSON object to standard error.\n"
    "Exit status 1 when the input is malformed.\n"
    "\n"
    "examples:\n"
    "  wax inspect signed.eml\n"
    "  wax inspect --json encrypted.p7m 2>&1 >/dev/null | jq .layers\n";

static const struct cli_option opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"json", 0, false, OPT_JSON},
    {NULL, 0, false, 0},
};

int
cmd_inspect(int argc, char **argv)
{
    struct cli_ctx ctx = {"inspect", false, false};
    struct cli_args a;
    int status = cli_parse_args(&ctx, argc, argv, opts, help, &a);
    if (status >= 0) {
        return status;
    }
    struct wax_smime_inspect_opts io = {0};
    struct wax_smime_report rep;
    wax_smime_report_init(&rep);
    struct wax_smime_op *op = NULL;
    wax_err err = wax_smime_inspect_new(&op, &io, &rep);
    if (err != WAX_OK) {
        status = cli_report_constructor_error(&ctx, &rep, err, NULL, NULL, 0);
    } else {
        status = cli_run(&ctx, &a, op, NULL, &rep, cli_report_inspect);
    }
    wax_smime_op_free(op);
    wax_smime_report_cleanup(&rep);
    return status;
}
