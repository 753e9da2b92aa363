/*
 * wax verify: check a signed message and write the signed content only
 * when the verdict is VALID (SECURITY.md rule 1).
 */
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "store.h"

static const char help[] =
    "usage: wax verify [--trust FILE]... [--certs FILE]... [--crl FILE]...\n"
    "                  [--at TIME] [--from ADDR] [--allow-weak]\n"
    "                  [--revocation require|prefer|off] [--content FILE]\n"
    "                  [--harvest] [--json] [-o FILE] [FILE]\n"
    "\n"
    "Verifies the signed message (multipart/signed, application/pkcs7-mime,\n"
    "or a DER/PEM CMS object) in FILE (or standard input). Only when the\n"
    "verdict is VALID is the signed content written to -o FILE (or standard\n"
    "output). The report goes to standard error.\n"
    "\n"
    "  --trust FILE       trust anchors (PEM bundle or DER certificate;\n"
    "                     repeatable), besides the store's (wax cert trust).\n"
    "                     The system's TLS bundle is never used\n"
    "  --certs FILE       extra intermediate certificates (repeatable)\n"
    "  --crl FILE         CRLs (PEM bundle or DER CRL; repeatable). The\n"
    "                     CRLs the message carries are used too\n"
    "  --at TIME          validate as of TIME (RFC 3339; default: now)\n"
    "  --from ADDR        the address the signer must be bound to, instead\n"
    "                     of the message's From:/Sender:\n"
    "  --allow-weak       accept SHA-1, MD5 and RSA under 2048 bits (old\n"
    "                     mail; the report marks it)\n"
    "  --revocation R     prefer (default: use the CRLs there are, warn\n"
    "                     when none covers a certificate of the chain),\n"
    "                     require (a certificate without a current CRL\n"
    "                     makes the signer UNTRUSTED) or off\n"
    "  --content FILE     the signed content of a detached signature given as\n"
    "                     a bare DER/PEM CMS object\n"
    "  --harvest          after a VALID verdict, store the signer's\n"
    "                     certificate and capabilities; a different key\n"
    "                     for a known address is stored but not used\n"
    "                     until 'wax cert accept FP ADDRESS' (warned)\n"
    "  --json             the report as one JSON object on standard error\n"
    "  -o, --output FILE  where the signed content goes\n"
    "\n"
    "verdicts: VALID (exit 0); VALID_SIGNER_MISMATCH, VALID_UNBOUND,\n"
    "UNTRUSTED, PARTIALLY_SIGNED, NOT_SIGNED, INVALID (exit 1).\n"
    "\n"
    "examples:\n"
    "  wax verify --trust ca.pem signed.eml -o content.eml\n"
    "  wax verify --trust ca.pem --json < signed.eml > /dev/null\n"
    "  wax verify --trust ca.pem --content report.pdf report.p7s\n"
    "  wax verify --trust ca.pem --crl ca.crl --revocation require "
    "signed.eml\n";

static const struct cli_option opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"trust", 0, true, OPT_TRUST},
    {"certs", 0, true, OPT_CERTS},
    {"crl", 0, true, OPT_CRL},
    {"at", 0, true, OPT_AT},
    {"from", 0, true, OPT_FROM},
    {"allow-weak", 0, false, OPT_ALLOW_WEAK},
    {"revocation", 0, true, OPT_REVOCATION},
    {"content", 0, true, OPT_CONTENT},
    {"harvest", 0, false, OPT_HARVEST},
    {"json", 0, false, OPT_JSON},
    {"output", 'o', true, OPT_OUT},
    {NULL, 0, false, 0},
};

int
cmd_verify(int argc, char **argv)
{
    struct cli_ctx ctx = {"verify", false, false};
    struct cli_args a;
    int status = cli_parse_args(&ctx, argc, argv, opts, help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.has_content && a.content_path == NULL && a.in_path == NULL) {
        return cli_usage_error(&ctx, "the signature and --content cannot "
                                     "both come from standard input");
    }
    struct cli_certlist crls;
    status = cli_crls_load(&ctx, &a, &crls);
    if (status >= 0) {
        cli_certlist_free(&crls);
        return status;
    }
    struct cli_output out;
    status = cli_output_prepare(&ctx, &a, CLI_OUT_SNIFF, &out);
    if (status >= 0) {
        cli_certlist_free(&crls);
        return status;
    }
    struct cli_trust trust;
    status = cli_trust_load(&ctx, &a, &trust);
    if (status < 0) {
        status = cli_store_add_anchors(&ctx, &trust, &crls);
    }
    if (status < 0 && a.harvest) {
        ctx.before_report = cli_harvest;
        ctx.harvest_at = trust.view.time;
    }
    if (status < 0) {
        struct wax_smime_verify_opts vo = {0};
        vo.trust = trust.view;
        vo.from = a.from;
        vo.detached_content = a.has_content;
        vo.crls = cli_certlist_view(&crls);
        vo.revocation = cli_revocation_mode(&a);
        struct wax_smime_report rep;
        wax_smime_report_init(&rep);
        struct wax_smime_op *op = NULL;
        wax_err err =
            wax_smime_verify_new(&op, &vo, cli_output_sink(&out), &rep);
        if (err != WAX_OK) {
            status =
                cli_report_constructor_error(&ctx, &rep, err, NULL, NULL, 0);
        } else {
            status = cli_run(&ctx, &a, op, &out, &rep, cli_report_verify);
        }
        wax_smime_op_free(op);
        wax_smime_report_cleanup(&rep);
    }
    cli_output_abort(&out);
    cli_trust_free(&trust);
    cli_certlist_free(&crls);
    return status;
}
