/*
 * wax decrypt: decrypt a message with the -i identities and write the
 * plaintext only once all of it checked (CBC padding, or the GCM tag).
 */
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

static const char help[] =
    "usage: wax decrypt -i ID [-i ID...] [--pass SPEC] [--require-auth]\n"
    "                   [--allow-weak] [--json] [-o FILE] [FILE]\n"
    "\n"
    "Decrypts the encrypted message (application/pkcs7-mime, or a DER/PEM\n"
    "CMS object) in FILE (or standard input) and writes the plaintext to\n"
    "-o FILE (or standard output). Nothing is written unless decryption\n"
    "succeeds completely. The report goes to standard error.\n"
    "\n"
    "  -i, --identity ID  a recipient: a PKCS#12 file, or a PEM file with the\n"
    "                     private key and its certificate; every key of the\n"
    "                     file is tried; repeatable. An address takes every\n"
    "                     identity of the store for it (old keys too), a\n"
    "                     fingerprint one\n"
    "  --pass SPEC        the identity's password: env:VAR, file:PATH or\n"
    "                     pass:TEXT (else a prompt when standard input is a\n"
    "                     terminal)\n"
    "  --require-auth     fail unless the content is authenticated (AES-GCM)\n"
    "  --allow-weak       also decrypt DES and RC2 (old mail; warned)\n"
    "  --json             the report as one JSON object on standard error\n"
    "  -o, --output FILE  where the plaintext goes\n"
    "\n"
    "verdicts: DECRYPTED_AUTHENTICATED (exit 0), DECRYPTED_UNAUTHENTICATED\n"
    "(CBC: exit 0 with a warning, exit 1 with --require-auth), DECRYPT_FAILED\n"
    "(exit 1).\n"
    "\n"
    "examples:\n"
    "  wax decrypt -i bob.p12 --pass file:bob.pass encrypted.eml -o mail.eml\n"
    "  wax decrypt -i bob.pem --require-auth < encrypted.eml\n";

static const struct cli_option opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"identity", 'i', true, OPT_IDENTITY},
    {"pass", 0, true, OPT_PASS},
    {"require-auth", 0, false, OPT_REQUIRE_AUTH},
    {"allow-weak", 0, false, OPT_ALLOW_WEAK},
    {"json", 0, false, OPT_JSON},
    {"output", 'o', true, OPT_OUT},
    {NULL, 0, false, 0},
};

int
cmd_decrypt(int argc, char **argv)
{
    struct cli_ctx ctx = {"decrypt", false, false};
    struct cli_args a;
    int status = cli_parse_args(&ctx, argc, argv, opts, help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.num_ids == 0) {
        return cli_usage_error(&ctx, "decrypt needs the recipient: -i ID");
    }
    struct cli_output out;
    status = cli_output_prepare(&ctx, &a, CLI_OUT_SNIFF, &out);
    if (status >= 0) {
        return status;
    }
    struct cli_identities *ids = calloc(1, sizeof *ids);
    if (ids == NULL) {
        return cli_fail(&ctx, WAX_EXIT_USAGE, WAX_ERR_NOMEM, NULL, "decrypt");
    }
    status = cli_identities_load(&ctx, &a, CLI_ID_DECRYPT, ids);
    if (status < 0) {
        struct wax_smime_decrypt_opts dopts = {0};
        dopts.identities = ids->ids;
        dopts.num_identities = ids->num_ids;
        dopts.require_auth = a.require_auth;
        dopts.allow_weak = a.allow_weak;
        struct wax_smime_report rep;
        wax_smime_report_init(&rep);
        struct wax_smime_op *op = NULL;
        wax_err err =
            wax_smime_decrypt_new(&op, &dopts, cli_output_sink(&out), &rep);
        if (err != WAX_OK) {
            status = cli_report_constructor_error(&ctx, &rep, err, "identity",
                                                  NULL, 0);
        } else {
            status = cli_run(&ctx, &a, op, &out, &rep, cli_report_decrypt);
        }
        wax_smime_op_free(op);
        wax_smime_report_cleanup(&rep);
    }
    cli_output_abort(&out);
    cli_identities_free(ids);
    free(ids);
    return status;
}
