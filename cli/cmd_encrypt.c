/*
 * wax encrypt: encrypt a message to the -r recipients (EnvelopedData with
 * AES-CBC, AuthEnvelopedData with AES-GCM).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char help[] =
    "usage: wax encrypt -r R [-r R...]\n"
    "                   [--cipher aes128-gcm|aes256-gcm|aes128-cbc|aes192-cbc|"
    "aes256-cbc]\n"
    "                   [--rsa-oaep] [--format mime|der|pem] [--trust "
    "FILE]...\n"
    "                   [--certs FILE]... [--at TIME] [--allow-weak] [--json]\n"
    "                   [-o FILE] [FILE]\n"
    "\n"
    "Encrypts the message in FILE (or standard input) to every recipient and\n"
    "writes the encrypted message to -o FILE (or standard output).\n"
    "\n"
    "  -r, --recipient R  a recipient's certificate file (PEM or DER; the\n"
    "                     first certificate of the file); an address (the\n"
    "                     store's accepted certificate for it) or a stored\n"
    "                     certificate's fingerprint; repeatable\n"
    "  --cipher C         aes256-cbc (default: what every client reads),\n"
    "                     aes128-cbc, aes192-cbc, or aes128-gcm / aes256-gcm\n"
    "                     (authenticated, AuthEnvelopedData)\n"
    "  --rsa-oaep         RSAES-OAEP key transport (default PKCS#1 v1.5)\n"
    "  --format F         mime (default), der or pem: the bare CMS object\n"
    "  --trust FILE       also validate the recipients' certificates up to\n"
    "                     these anchors (PEM bundle; repeatable)\n"
    "  --certs FILE       intermediate certificates for that (repeatable)\n"
    "  --at TIME          the time the certificates must be valid at (RFC\n"
    "                     3339; default: now)\n"
    "  --allow-weak       accept RSA keys under 2048 bits\n"
    "  --json             the report as one JSON object on standard error\n"
    "  -o, --output FILE  where the encrypted message goes\n"
    "\n"
    "examples:\n"
    "  wax encrypt -r bob.crt mail.eml -o encrypted.eml\n"
    "  wax encrypt -r bob.crt -r carol.pem --cipher aes256-gcm < mail.eml\n";

static const struct cli_option opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"recipient", 'r', true, OPT_RECIPIENT},
    {"cipher", 0, true, OPT_CIPHER},
    {"rsa-oaep", 0, false, OPT_RSA_OAEP},
    {"format", 0, true, OPT_FORMAT},
    {"trust", 0, true, OPT_TRUST},
    {"certs", 0, true, OPT_CERTS},
    {"at", 0, true, OPT_AT},
    {"allow-weak", 0, false, OPT_ALLOW_WEAK},
    {"json", 0, false, OPT_JSON},
    {"output", 'o', true, OPT_OUT},
    {NULL, 0, false, 0},
};

int
cmd_encrypt(int argc, char **argv)
{
    struct cli_ctx ctx = {"encrypt", false, false};
    struct cli_args a;
    int status = cli_parse_args(&ctx, argc, argv, opts, help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.num_rcpts == 0) {
        return cli_usage_error(&ctx, "encrypt needs a recipient: -r R");
    }
    struct cli_output out;
    status = cli_output_prepare(
        &ctx, &a,
        a.format == WAX_SMIME_FORMAT_DER ? CLI_OUT_BINARY : CLI_OUT_TEXT, &out);
    if (status >= 0) {
        return status;
    }
    struct cli_certlist rcpts;
    struct cli_trust trust;
    status = cli_recipients_load(&ctx, &a, &rcpts);
    memset(&trust, 0, sizeof trust);
    if (status < 0) {
        status = cli_trust_load(&ctx, &a, &trust);
    }
    if (status < 0) {
        struct wax_smime_certs rc = cli_certlist_view(&rcpts);
        struct wax_smime_encrypt_opts eo = {0};
        eo.recipients = &rc;
        eo.cipher = a.has_cipher ? a.cipher : WAX_SMIME_CIPHER_AES256_CBC;
        eo.rsa_oaep = a.rsa_oaep;
        eo.format = a.format;
        eo.trust = trust.view;
        struct wax_smime_report rep;
        wax_smime_report_init(&rep);
        struct wax_smime_op *op = NULL;
        wax_err err =
            wax_smime_encrypt_new(&op, &eo, cli_output_sink(&out), &rep);
        if (err != WAX_OK) {
            status = cli_report_constructor_error(&ctx, &rep, err, "recipient",
                                                  a.rcpts, a.num_rcpts);
        } else {
            status = cli_run(&ctx, &a, op, &out, &rep, cli_report_sign);
        }
        wax_smime_op_free(op);
        wax_smime_report_cleanup(&rep);
    }
    cli_output_abort(&out);
    cli_certlist_free(&rcpts);
    cli_trust_free(&trust);
    return status;
}
