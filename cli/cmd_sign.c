/*
 * wax sign: sign a message (multipart/signed by default; --opaque
 * application/pkcs7-mime; --format der|pem the bare CMS SignedData;
 * --format der|pem --detached a raw detached signature of the input
 * bytes).
 */
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "commands.h"

static const char help[] =
    "usage: wax sign -i ID [-i ID...] [--pass SPEC] [--opaque]\n"
    "                [--digest sha256|sha384|sha512] [--format mime|der|pem]\n"
    "                [--detached] [--at TIME] [--json] [-o FILE] [FILE]\n"
    "\n"
    "Signs the message in FILE (or standard input) and writes the signed\n"
    "message to -o FILE (or standard output).\n"
    "\n"
    "  -i, --identity ID  the signer: a PKCS#12 file, or a PEM file with the\n"
    "                     private key and its certificate (and the chain);\n"
    "                     repeat for several signers. An address or a\n"
    "                     fingerprint takes the identity from the store\n"
    "  --pass SPEC        the identity's password: env:VAR, file:PATH or\n"
    "                     pass:TEXT (else a prompt when standard input is a\n"
    "                     terminal)\n"
    "  --opaque           application/pkcs7-mime signed-data instead of\n"
    "                     multipart/signed\n"
    "  --digest ALG       sha256 (default), sha384 or sha512\n"
    "  --format F         mime (default), der or pem: the bare CMS object\n"
    "  --detached         with --format der|pem: a detached signature of the\n"
    "                     input bytes exactly as given (checked with\n"
    "                     'wax verify --content FILE')\n"
    "  --at TIME          the signing time (RFC 3339; default: now)\n"
    "  --json             the report as one JSON object on standard error\n"
    "  -o, --output FILE  where the signed message goes\n"
    "\n"
    "examples:\n"
    "  wax sign -i alice.p12 --pass env:ALICE_PASS mail.eml -o signed.eml\n"
    "  wax sign -i alice.pem --opaque < mail.eml > signed.eml\n"
    "  wax sign -i alice.pem --format der --detached report.pdf -o "
    "report.p7s\n";

static const struct cli_option opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"identity", 'i', true, OPT_IDENTITY},
    {"pass", 0, true, OPT_PASS},
    {"opaque", 0, false, OPT_OPAQUE},
    {"digest", 0, true, OPT_DIGEST},
    {"format", 0, true, OPT_FORMAT},
    {"detached", 0, false, OPT_DETACHED},
    {"at", 0, true, OPT_AT},
    {"json", 0, false, OPT_JSON},
    {"output", 'o', true, OPT_OUT},
    {NULL, 0, false, 0},
};

int
cmd_sign(int argc, char **argv)
{
    struct cli_ctx ctx = {"sign", false, false};
    struct cli_args a;
    int status = cli_parse_args(&ctx, argc, argv, opts, help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.num_ids == 0) {
        return cli_usage_error(&ctx, "sign needs the signer: -i ID");
    }
    bool mime = a.format == WAX_SMIME_FORMAT_MIME;
    if (a.detached && mime) {
        return cli_usage_error(
            &ctx, "--detached goes with --format der or pem (a MIME "
                  "signature is multipart/signed, already detached)");
    }
    if (a.opaque && !mime) {
        return cli_usage_error(&ctx, "--opaque goes with --format mime");
    }
    struct cli_output out;
    status = cli_output_prepare(
        &ctx, &a,
        a.format == WAX_SMIME_FORMAT_DER ? CLI_OUT_BINARY : CLI_OUT_TEXT, &out);
    if (status >= 0) {
        return status;
    }
    struct cli_identities *ids = calloc(1, sizeof *ids);
    if (ids == NULL) {
        return cli_fail(&ctx, WAX_EXIT_USAGE, WAX_ERR_NOMEM, NULL, "sign");
    }
    status = cli_identities_load(&ctx, &a, CLI_ID_SIGN, ids);
    if (status < 0) {
        struct wax_smime_sign_opts so = {0};
        so.signers = ids->ids;
        so.num_signers = ids->num_ids;
        so.digest = a.digest;
        so.opaque = a.opaque;
        so.format = a.format;
        so.detached = a.detached;
        so.raw_content = a.detached;
        so.has_signing_time = true;
        so.signing_time = a.has_at ? a.at : (int64_t)time(NULL);
        struct wax_smime_report rep;
        wax_smime_report_init(&rep);
        struct wax_smime_op *op = NULL;
        wax_err err = wax_smime_sign_new(&op, &so, cli_output_sink(&out), &rep);
        if (err != WAX_OK) {
            status = cli_report_constructor_error(&ctx, &rep, err, "identity",
                                                  a.ids, a.num_ids);
        } else {
            status = cli_run(&ctx, &a, op, &out, &rep, cli_report_sign);
        }
        wax_smime_op_free(op);
        wax_smime_report_cleanup(&rep);
    }
    cli_output_abort(&out);
    cli_identities_free(ids);
    free(ids);
    return status;
}
