/*
 * The store's commands:
 *
 *   wax cert import FILE... [--trust] [--purpose smime|tls|any]
 *   wax cert list [--json] [--email ADDRESS]
 *   wax cert export FP [-o FILE] [--format pem|der]
 *   wax cert trust FP|FILE [--purpose smime|tls|any]
 *   wax cert untrust FP        wax cert rm FP
 *   wax cert accept FP ADDRESS (use a harvested new key for ADDRESS)
 *   wax crl import FILE...     wax crl list [--json]
 *   wax id import FILE [--pass SPEC] [--store-pass SPEC | --no-passphrase]
 *   wax id list [--json]
 *   wax id export FP -o FILE.p12 [--legacy] [--pass SPEC] [--store-pass SPEC]
 *   wax id rm FP
 *
 * Listings go to standard output; errors to standard error.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wax/pki.h>

#include "commands.h"
#include "store.h"

enum {
    S_HELP = 0,
    S_JSON,
    S_TRUST,
    S_PURPOSE,
    S_EMAIL,
    S_OUT,
    S_FORMAT,
    S_PASS,
    S_STORE_PASS,
    S_NO_PASS,
    S_LEGACY,
};

static const struct cli_option sopts[] = {
    {"help", 'h', false, S_HELP},
    {"json", 0, false, S_JSON},
    {"trust", 0, false, S_TRUST},
    {"purpose", 0, true, S_PURPOSE},
    {"email", 0, true, S_EMAIL},
    {"output", 'o', true, S_OUT},
    {"format", 0, true, S_FORMAT},
    {"pass", 0, true, S_PASS},
    {"store-pass", 0, true, S_STORE_PASS},
    {"no-passphrase", 0, false, S_NO_PASS},
    {"legacy", 0, false, S_LEGACY},
    {NULL, 0, false, 0},
};

#define MAX_OPERANDS 64

struct sargs {
    const char *ops[MAX_OPERANDS];
    size_t num_ops;
    bool json, trust, der, no_pass, legacy;
    uint32_t purpose;
    const char *email, *out, *pass, *store_pass;
};

static const char usage_text[] =
    "usage: wax cert import FILE... [--trust] [--purpose smime|tls|any]\n"
    "       wax cert list [--json] [--email ADDRESS]\n"
    "       wax cert show [--json] FILE|FP...\n"
    "       wax cert export FP [-o FILE] [--format pem|der]\n"
    "       wax cert trust FP|FILE [--purpose smime|tls|any]\n"
    "       wax cert untrust FP\n"
    "       wax cert rm FP\n"
    "       wax cert accept FP ADDRESS\n"
    "       wax cert verify [OPTIONS] LEAF   (wax cert verify --help)\n"
    "       wax crl import FILE...\n"
    "       wax crl list [--json]\n"
    "       wax id import FILE [--pass SPEC] [--store-pass SPEC | "
    "--no-passphrase]\n"
    "       wax id list [--json]\n"
    "       wax id export FP -o FILE.p12 [--legacy] [--pass SPEC] "
    "[--store-pass SPEC]\n"
    "       wax id rm FP\n"
    "\n"
    "FP is a certificate's SHA-256 fingerprint (64 hex digits, as 'wax cert\n"
    "list' shows). The store is --store PATH, else $WAX_STORE, else\n"
    "$XDG_DATA_HOME/wax/store.db, else ~/.local/share/wax/store.db.\n";

static int
parse(struct cli_ctx *ctx, int argc, char **argv, struct sargs *a)
{
    memset(a, 0, sizeof *a);
    a->purpose = WAX_STORE_TRUST_SMIME;
    ctx->json = cli_argv_has_json(argc, argv);
    struct cli_parser p;
    cli_parser_init(&p, argc - 1, argv + 1); /* argv[1] is the subcommand */
    for (;;) {
        const char *arg;
        int id = cli_parse_next(&p, sopts, ctx, &arg);
        switch (id) {
        case CLI_OPT_END:
            return -1;
        case CLI_OPT_ERROR:
            return WAX_EXIT_USAGE;
        case CLI_OPT_OPERAND:
            if (a->num_ops >= MAX_OPERANDS) {
                return cli_usage_error(ctx, "too many operands");
            }
            a->ops[a->num_ops++] = arg;
            break;
        case S_HELP:
            fputs(usage_text, stdout);
            return WAX_EXIT_OK;
        case S_JSON:
            a->json = true;
            break;
        case S_TRUST:
            a->trust = true;
            break;
        case S_PURPOSE:
            if (strcmp(arg, "smime") == 0) {
                a->purpose = WAX_STORE_TRUST_SMIME;
            } else if (strcmp(arg, "tls") == 0) {
                a->purpose = WAX_STORE_TRUST_TLS;
            } else if (strcmp(arg, "any") == 0) {
                a->purpose = WAX_STORE_TRUST_ANY;
            } else {
                return cli_usage_error(ctx, "--purpose takes smime, tls or "
                                            "any");
            }
            break;
        case S_EMAIL:
            a->email = arg;
            break;
        case S_OUT:
            a->out = strcmp(arg, "-") == 0 ? NULL : arg;
            break;
        case S_FORMAT:
            if (strcmp(arg, "der") == 0) {
                a->der = true;
            } else if (strcmp(arg, "pem") != 0) {
                return cli_usage_error(ctx, "--format takes pem or der");
            }
            break;
        case S_PASS:
            a->pass = arg;
            break;
        case S_STORE_PASS:
            a->store_pass = arg;
            break;
        case S_NO_PASS:
            a->no_pass = true;
            break;
        case S_LEGACY:
            a->legacy = true;
            break;
        default:
            return cli_usage_error(ctx, "unhandled option");
        }
    }
}

static int
need_ops(struct cli_ctx *ctx, const struct sargs *a, size_t min, size_t max)
{
    if (a->num_ops < min || a->num_ops > max) {
        return cli_usage_error(ctx, "wrong number of operands");
    }
    return -1;
}

static int
get_fp(struct cli_ctx *ctx, const char *s, uint8_t fp[WAX_STORE_FP_BYTES])
{
    if (!cli_fp_parse(s, fp)) {
        return cli_usage_error(ctx, "'%s' is not a SHA-256 fingerprint", s);
    }
    return -1;
}

static int
store_err(struct cli_ctx *ctx, wax_err err, const char *what)
{
    return cli_fail(ctx,
                    err == WAX_ERR_STORE_NOT_FOUND ? WAX_EXIT_REJECTED
                                                   : WAX_EXIT_USAGE,
                    err, NULL, "%s", what);
}

/* ------------------------------------------------------------------ */
/* Listing certificates.                                               */

struct lister {
    bool json;
    size_t n;
    bool by_email; /* "preferred" means something only then */
};

static void
put_emails(FILE *f, const struct wax_x509_cert *c, bool json)
{
    size_t n = 0;
    if (json) {
        fputs("[", f);
    }
    if (c->info.has_san) {
        struct wax_x509_iter it;
        struct wax_x509_general_name g;
        bool present;
        wax_x509_san_iter(&c->info, &it);
        while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
            if (g.type != WAX_GN_RFC822 && !g.is_smtp_utf8) {
                continue;
            }
            fputs(n++ > 0 ? (json ? "," : " ") : "", f);
            if (json) {
                ui_put_json_string(f, g.value.p, g.value.len);
            } else {
                ui_put_escaped(f, g.value.p, g.value.len);
            }
        }
    }
    if (json) {
        fputs("]", f);
    } else if (n == 0) {
        fputs("-", f);
    }
}

static void
put_subject(FILE *f, struct wax_span name, bool json)
{
    char text[4096];
    size_t len;
    if (wax_x509_name_format(name, text, sizeof text, &len) != WAX_OK) {
        memcpy(text, "?", 2);
        len = 1;
    }
    if (json) {
        ui_put_json_string(f, (const uint8_t *)text, len);
    } else {
        ui_put_escaped(f, (const uint8_t *)text, len);
    }
}

static const char *
trust_name(uint32_t t)
{
    if (t & WAX_STORE_TRUST_ANY) {
        return "any";
    }
    if (t & WAX_STORE_TRUST_SMIME) {
        return (t & WAX_STORE_TRUST_TLS) ? "smime,tls" : "smime";
    }
    return (t & WAX_STORE_TRUST_TLS) ? "tls" : "-";
}

static wax_err
list_cert(void *ctx, const struct wax_store_cert *c)
{
    struct lister *l = ctx;
    struct wax_x509_cert *cert = malloc(sizeof *cert);
    WAX_ENSURE(cert != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(cert, c->der.p, c->der.len);
    if (err != WAX_OK) {
        free(cert);
        return err;
    }
    char nb[WAX_RFC3339_LEN + 1], na[WAX_RFC3339_LEN + 1];
    if (!wax_time_format_rfc3339(c->not_before, nb, sizeof nb)) {
        snprintf(nb, sizeof nb, "?");
    }
    if (!wax_time_format_rfc3339(c->not_after, na, sizeof na)) {
        snprintf(na, sizeof na, "?");
    }
    if (l->json) {
        fputs(l->n > 0 ? ",\n  {\"sha256\":\"" : "\n  {\"sha256\":\"", stdout);
        cli_fp_put(stdout, c->fp);
        fputs("\",\"subject\":", stdout);
        put_subject(stdout, cert->subject, true);
        fputs(",\"emails\":", stdout);
        put_emails(stdout, cert, true);
        printf(",\"not_before\":\"%s\",\"not_after\":\"%s\",\"trust\":\"%s\"",
               nb, na, trust_name(c->trust));
        if (l->by_email) {
            printf(",\"preferred\":%s", c->preferred ? "true" : "false");
        }
        printf(",\"can_encrypt\":%s,\"can_sign\":%s,\"ca\":%s}",
               c->can_encrypt ? "true" : "false",
               c->can_sign ? "true" : "false", c->is_ca ? "true" : "false");
    } else {
        cli_fp_put(stdout, c->fp);
        printf(" %s%s%s%s trust=%s until=%s ", c->is_ca ? "C" : "-",
               c->can_sign ? "S" : "-", c->can_encrypt ? "E" : "-",
               !l->by_email   ? "."
               : c->preferred ? "P"
                              : "-",
               trust_name(c->trust), na);
        put_emails(stdout, cert, false);
        fputs(" ", stdout);
        put_subject(stdout, cert->subject, false);
        fputc('\n', stdout);
    }
    l->n++;
    free(cert);
    return WAX_OK;
}

static int
list_end(struct cli_ctx *ctx, struct lister *l, wax_err err)
{
    if (l->json) {
        fputs(l->n > 0 ? "\n]\n" : "]\n", stdout);
    }
    if (err != WAX_OK) {
        return store_err(ctx, err, "listing the store");
    }
    if (fflush(stdout) != 0) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_FILE, NULL,
                        "cannot write the listing");
    }
    return WAX_EXIT_OK;
}

static int
cert_list(struct cli_ctx *ctx, const struct sargs *a)
{
    struct wax_store *store;
    int status = need_ops(ctx, a, 0, 0);
    if (status < 0) {
        status = cli_store_open(ctx, false, &store);
    }
    if (status >= 0) {
        return status;
    }
    struct lister l = {a->json, 0, a->email != NULL};
    if (l.json) {
        fputc('[', stdout);
    }
    wax_err err = WAX_OK;
    if (store != NULL && a->email != NULL) {
        err = wax_store_certs_by_email(store, a->email, 0, list_cert, &l);
    } else if (store != NULL) {
        err = wax_store_cert_list(store, 0, list_cert, &l);
    }
    wax_store_close(store);
    return list_end(ctx, &l, err);
}

/* ------------------------------------------------------------------ */
/* Importing, exporting, trust.                                        */

/* claim_pending: when a key of wax req waits for the first certificate of
 * L, it becomes an identity with the rest of L as chain. */
static int
claim_pending(struct cli_ctx *ctx, struct wax_store *store,
              const struct cli_certlist *l, const char *path,
              const struct sargs *a)
{
    char pw[CLI_MAX_PASSWORD + 1];
    pw[0] = '\0';
    if (a->pass != NULL) {
        wax_err perr = cli_password(a->pass, pw, sizeof pw);
        if (perr != WAX_OK) {
            return cli_fail(ctx, WAX_EXIT_USAGE, perr,
                            "--pass takes env:VAR, file:PATH or pass:TEXT",
                            "cannot read the password");
        }
    }
    struct wax_span chain[WAX_MAX_STORE_CHAIN];
    size_t n = 0;
    for (size_t i = 1; i < l->num && n < WAX_MAX_STORE_CHAIN; i++) {
        chain[n].p = l->der[i];
        chain[n++].len = l->lens[i];
    }
    uint8_t fp[WAX_STORE_FP_BYTES];
    bool enc = false;
    wax_err err =
        wax_store_pending_key_claim(store, l->der[0], l->lens[0], chain, n,
                                    a->pass != NULL ? pw : NULL, fp, &enc);
    wax_wipe(pw, sizeof pw);
    if (err == WAX_ERR_STORE_NOT_FOUND) {
        return -1;
    }
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        err == WAX_ERR_CRYPTO_BAD_PASSWORD
                            ? (a->pass != NULL
                                   ? "check the password given with --pass"
                                   : "give the key's password with --pass SPEC")
                            : NULL,
                        "the key of wax req for '%s'", path);
    }
    struct wax_x509_cert *cert = malloc(sizeof *cert);
    fputs("wax: identity ", stderr);
    if (cert != NULL &&
        wax_x509_cert_parse(cert, l->der[0], l->lens[0]) == WAX_OK) {
        put_emails(stderr, cert, false);
        fputc(' ', stderr);
    }
    free(cert);
    cli_fp_put(stderr, fp);
    fputs(" (key from wax req)\n", stderr);
    return -1;
}

static int
import_file(struct cli_ctx *ctx, struct wax_store *store, const char *path,
            const struct sargs *a, bool first_only)
{
    struct cli_certlist l;
    memset(&l, 0, sizeof l);
    int status =
        cli_certlist_add_file(ctx, &l, path, "certificate file", first_only);
    if (status < 0 && l.num > 0) {
        status = claim_pending(ctx, store, &l, path, a);
    }
    for (size_t i = 0; status < 0 && i < l.num; i++) {
        uint8_t fp[WAX_STORE_FP_BYTES];
        bool added;
        wax_err err =
            wax_store_cert_add(store, l.der[i], l.lens[i], fp, &added);
        if (err == WAX_OK && a->trust) {
            err = wax_store_trust(store, fp, a->purpose);
        }
        if (err != WAX_OK) {
            status = cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                              "certificate file '%s'", path);
            break;
        }
        cli_fp_put(stdout, fp);
        printf(" %s%s\n", added ? "imported" : "already stored",
               a->trust ? ", trusted" : "");
    }
    cli_certlist_free(&l);
    return status;
}

static int
cert_import(struct cli_ctx *ctx, const struct sargs *a)
{
    struct wax_store *store;
    int status = need_ops(ctx, a, 1, MAX_OPERANDS);
    if (status < 0) {
        status = cli_store_open(ctx, true, &store);
    }
    if (status >= 0) {
        return status;
    }
    for (size_t i = 0; status < 0 && i < a->num_ops; i++) {
        status = import_file(ctx, store, a->ops[i], a, false);
    }
    wax_store_close(store);
    return status < 0 ? WAX_EXIT_OK : status;
}

static int
write_out(struct cli_ctx *ctx, const char *path, bool binary,
          const uint8_t *data, size_t len)
{
    struct cli_output out;
    cli_output_init(&out, path, binary);
    wax_err err = wax_sink_write(cli_output_sink(&out), data, len);
    if (err == WAX_OK) {
        err = out.err != WAX_OK ? out.err : cli_output_commit(&out, true);
    }
    if (err != WAX_OK) {
        cli_output_abort(&out);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "output '%s'",
                        path == NULL ? "standard output" : path);
    }
    return WAX_EXIT_OK;
}

static int
cert_export(struct cli_ctx *ctx, const struct sargs *a)
{
    uint8_t fp[WAX_STORE_FP_BYTES];
    struct wax_store *store = NULL;
    int status = need_ops(ctx, a, 1, 1);
    if (status < 0) {
        status = get_fp(ctx, a->ops[0], fp);
    }
    if (status < 0) {
        status = cli_store_open(ctx, false, &store);
    }
    if (status >= 0) {
        return status;
    }
    struct wax_buf der, pem;
    wax_buf_init(&der, WAX_MAX_STORE_OBJECT);
    wax_buf_init(&pem, 2 * WAX_MAX_STORE_OBJECT);
    wax_err err = store == NULL ? WAX_ERR_STORE_NOT_FOUND
                                : wax_store_cert_get(store, fp, &der);
    if (err == WAX_OK && !a->der) {
        err = wax_pki_pem_write(&pem, "CERTIFICATE", der.data, der.len);
    }
    if (err != WAX_OK) {
        status = store_err(ctx, err, a->ops[0]);
    } else if (a->der) {
        status = write_out(ctx, a->out, true, der.data, der.len);
    } else {
        status = write_out(ctx, a->out, false, pem.data, pem.len);
    }
    wax_buf_cleanup(&der);
    wax_buf_cleanup(&pem);
    wax_store_close(store);
    return status;
}

enum fp_op { OP_TRUST, OP_UNTRUST, OP_RM, OP_ACCEPT, OP_ID_RM };

static int
cert_fp_op(struct cli_ctx *ctx, const struct sargs *a, enum fp_op op)
{
    uint8_t fp[WAX_STORE_FP_BYTES];
    struct wax_store *store;
    int status =
        need_ops(ctx, a, op == OP_ACCEPT ? 2 : 1, op == OP_ACCEPT ? 2 : 1);
    if (status >= 0) {
        return status;
    }
    bool from_file = op == OP_TRUST && access(a->ops[0], F_OK) == 0;
    if (!from_file) {
        status = get_fp(ctx, a->ops[0], fp);
    }
    if (status < 0) {
        /* only an import creates the store; the rest need an entry */
        status = cli_store_open(ctx, from_file, &store);
    }
    if (status >= 0) {
        return status;
    }
    if (store == NULL) {
        return store_err(ctx, WAX_ERR_STORE_NOT_FOUND, a->ops[0]);
    }
    if (from_file) {
        struct sargs b = *a;
        b.trust = true;
        status = import_file(ctx, store, a->ops[0], &b, true);
        wax_store_close(store);
        return status < 0 ? WAX_EXIT_OK : status;
    }
    wax_err err = WAX_OK;
    switch (op) {
    case OP_TRUST:
        err = wax_store_trust(store, fp, a->purpose);
        break;
    case OP_UNTRUST:
        err = wax_store_untrust(store, fp);
        break;
    case OP_RM:
        err = wax_store_cert_remove(store, fp);
        break;
    case OP_ACCEPT:
        err = wax_store_accept(store, a->ops[1], fp);
        break;
    case OP_ID_RM:
        err = wax_store_identity_remove(store, fp);
        break;
    }
    wax_store_close(store);
    if (err == WAX_ERR_STORE_DUPLICATE && op == OP_RM) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "an identity uses it: remove it with 'wax id rm FP' "
                        "first",
                        "%s", a->ops[0]);
    }
    return err == WAX_OK ? WAX_EXIT_OK : store_err(ctx, err, a->ops[0]);
}

int
cmd_cert_store(int argc, char **argv)
{
    static const char *const names[] = {"import",  "list", "export", "trust",
                                        "untrust", "rm",   "accept"};
    size_t which = 0;
    while (which < sizeof names / sizeof names[0] &&
           strcmp(argv[1], names[which]) != 0) {
        which++;
    }
    if (which == sizeof names / sizeof names[0]) {
        return -1;
    }
    struct cli_ctx ctx = {"cert", false, false, NULL, 0};
    struct sargs a;
    int status = parse(&ctx, argc, argv, &a);
    if (status >= 0) {
        return status;
    }
    switch (which) {
    case 0:
        return cert_import(&ctx, &a);
    case 1:
        return cert_list(&ctx, &a);
    case 2:
        return cert_export(&ctx, &a);
    case 3:
        return cert_fp_op(&ctx, &a, OP_TRUST);
    case 4:
        return cert_fp_op(&ctx, &a, OP_UNTRUST);
    case 5:
        return cert_fp_op(&ctx, &a, OP_RM);
    default:
        return cert_fp_op(&ctx, &a, OP_ACCEPT);
    }
}

/* ------------------------------------------------------------------ */
/* CRLs.                                                               */

static wax_err
list_crl(void *ctx, const struct wax_store_crl *c)
{
    struct lister *l = ctx;
    char tu[WAX_RFC3339_LEN + 1], nu[WAX_RFC3339_LEN + 1];
    if (!wax_time_format_rfc3339(c->this_update, tu, sizeof tu)) {
        snprintf(tu, sizeof tu, "?");
    }
    if (!c->has_next_update ||
        !wax_time_format_rfc3339(c->next_update, nu, sizeof nu)) {
        snprintf(nu, sizeof nu, "-");
    }
    if (l->json) {
        fputs(l->n > 0 ? ",\n  {\"issuer\":" : "\n  {\"issuer\":", stdout);
        put_subject(stdout, c->issuer, true);
        fputs(",\"number\":\"", stdout);
        for (size_t i = 0; i < c->number.len; i++) {
            printf("%02x", c->number.p[i]);
        }
        printf("\",\"this_update\":\"%s\",\"next_update\":\"%s\"}", tu, nu);
    } else {
        printf("this_update=%s next_update=%s number=", tu, nu);
        for (size_t i = 0; i < c->number.len; i++) {
            printf("%02x", c->number.p[i]);
        }
        fputs(c->number.len == 0 ? "- " : " ", stdout);
        put_subject(stdout, c->issuer, false);
        fputc('\n', stdout);
    }
    l->n++;
    return WAX_OK;
}

int
cmd_crl(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? WAX_EXIT_USAGE : WAX_EXIT_OK;
    }
    struct cli_ctx ctx = {"crl", false, false, NULL, 0};
    struct sargs a;
    bool import = strcmp(argv[1], "import") == 0;
    if (!import && strcmp(argv[1], "list") != 0) {
        return cli_usage_error(&ctx, "unknown crl command '%s'", argv[1]);
    }
    int status = parse(&ctx, argc, argv, &a);
    if (status < 0) {
        status = need_ops(&ctx, &a, import ? 1 : 0, import ? MAX_OPERANDS : 0);
    }
    struct wax_store *store;
    if (status < 0) {
        status = cli_store_open(&ctx, import, &store);
    }
    if (status >= 0) {
        return status;
    }
    if (!import) {
        struct lister l = {a.json, 0, false};
        if (l.json) {
            fputc('[', stdout);
        }
        wax_err err =
            store == NULL ? WAX_OK : wax_store_crl_list(store, 0, list_crl, &l);
        wax_store_close(store);
        return list_end(&ctx, &l, err);
    }
    for (size_t i = 0; status < 0 && i < a.num_ops; i++) {
        struct cli_args ca;
        struct cli_certlist crls;
        memset(&ca, 0, sizeof ca);
        ca.crls[0] = a.ops[i];
        ca.num_crls = 1;
        status = cli_crls_load(&ctx, &ca, &crls);
        for (size_t k = 0; status < 0 && k < crls.num; k++) {
            bool added;
            wax_err err =
                wax_store_crl_add(store, crls.der[k], crls.lens[k], &added);
            if (err != WAX_OK) {
                status = cli_fail(&ctx, WAX_EXIT_USAGE, err, NULL,
                                  "CRL file '%s'", a.ops[i]);
            } else {
                printf("%s: %s\n", a.ops[i],
                       added ? "imported" : "already stored");
            }
        }
        cli_certlist_free(&crls);
    }
    wax_store_close(store);
    return status < 0 ? WAX_EXIT_OK : status;
}

/* ------------------------------------------------------------------ */
/* Identities.                                                         */

/* get_secret resolves SPEC, else prompts (naming WHAT) on a terminal. */
static int
get_secret(struct cli_ctx *ctx, const char *spec, const char *what,
           const char *opt, char *out, size_t cap)
{
    wax_err err = spec != NULL ? cli_password(spec, out, cap)
                               : cli_prompt_password(what, out, cap);
    if (err != WAX_OK) {
        char hint[200];
        snprintf(hint, sizeof hint,
                 "give it with %s env:VAR, file:PATH or pass:TEXT", opt);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, hint, "%s", what);
    }
    return -1;
}

static int
id_import(struct cli_ctx *ctx, const struct sargs *a)
{
    int status = need_ops(ctx, a, 1, 1);
    if (status >= 0) {
        return status;
    }
    if (a->no_pass && a->store_pass != NULL) {
        return cli_usage_error(ctx, "--store-pass and --no-passphrase "
                                    "exclude each other");
    }
    struct cli_args ca;
    memset(&ca, 0, sizeof ca);
    ca.ids[0] = a->ops[0];
    ca.num_ids = 1;
    ca.pass_spec = a->pass;
    struct cli_identities *ids = calloc(1, sizeof *ids);
    if (ids == NULL) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_NOMEM, NULL, "import");
    }
    char secret[CLI_MAX_PASSWORD + 1] = "";
    status = cli_identities_load(ctx, &ca, CLI_ID_DECRYPT, ids);
    if (status < 0 && !a->no_pass) {
        status = get_secret(ctx, a->store_pass,
                            "the passphrase protecting the key in the store",
                            "--store-pass", secret, sizeof secret);
    }
    struct wax_store *store = NULL;
    if (status < 0) {
        status = cli_store_open(ctx, true, &store);
    }
    for (size_t i = 0; status < 0 && i < ids->num_ids; i++) {
        const struct wax_smime_identity *id = &ids->ids[i];
        struct wax_span chain[WAX_MAX_STORE_CHAIN];
        size_t n = 0;
        for (size_t c = 0; c < id->chain.num && n < WAX_MAX_STORE_CHAIN; c++) {
            chain[n].p = id->chain.der[c];
            chain[n++].len = id->chain.lens[c];
        }
        uint8_t fp[WAX_STORE_FP_BYTES];
        wax_err err = wax_store_identity_add(
            store, id->key, id->cert, id->cert_len, chain, n,
            a->no_pass ? NULL : secret, a->no_pass, fp);
        if (err != WAX_OK) {
            status = cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "identity '%s'",
                              a->ops[0]);
            break;
        }
        cli_fp_put(stdout, fp);
        printf(" identity imported%s\n",
               a->no_pass ? " (key NOT protected by a passphrase)" : "");
    }
    wax_wipe(secret, sizeof secret);
    wax_store_close(store);
    cli_identities_free(ids);
    free(ids);
    return status < 0 ? WAX_EXIT_OK : status;
}

static wax_err
list_id(void *ctx, const struct wax_store_identity *id)
{
    struct lister *l = ctx;
    struct wax_x509_cert *cert = malloc(sizeof *cert);
    WAX_ENSURE(cert != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(cert, id->cert.p, id->cert.len);
    if (err != WAX_OK) {
        free(cert);
        return err;
    }
    char na[WAX_RFC3339_LEN + 1];
    if (!wax_time_format_rfc3339(cert->not_after, na, sizeof na)) {
        snprintf(na, sizeof na, "?");
    }
    if (l->json) {
        fputs(l->n > 0 ? ",\n  {\"sha256\":\"" : "\n  {\"sha256\":\"", stdout);
        cli_fp_put(stdout, id->fp);
        fputs("\",\"subject\":", stdout);
        put_subject(stdout, cert->subject, true);
        fputs(",\"emails\":", stdout);
        put_emails(stdout, cert, true);
        printf(",\"not_after\":\"%s\",\"encrypted\":%s}", na,
               id->encrypted ? "true" : "false");
    } else {
        cli_fp_put(stdout, id->fp);
        printf(" %s until=%s ", id->encrypted ? "protected" : "PLAIN", na);
        put_emails(stdout, cert, false);
        fputc(' ', stdout);
        put_subject(stdout, cert->subject, false);
        fputc('\n', stdout);
    }
    l->n++;
    free(cert);
    return WAX_OK;
}

static int
id_export(struct cli_ctx *ctx, const struct sargs *a)
{
    uint8_t fp[WAX_STORE_FP_BYTES];
    struct wax_store *store = NULL;
    int status = need_ops(ctx, a, 1, 1);
    if (status < 0 && a->out == NULL) {
        status = cli_usage_error(ctx, "id export needs -o FILE.p12");
    }
    if (status < 0) {
        status = get_fp(ctx, a->ops[0], fp);
    }
    if (status < 0) {
        status = cli_store_open(ctx, false, &store);
    }
    if (status >= 0) {
        return status;
    }
    char store_pw[CLI_MAX_PASSWORD + 1] = "",
                                     file_pw[CLI_MAX_PASSWORD + 1] = "";
    struct wax_privkey *key = NULL;
    struct wax_buf chain, p12;
    wax_buf_init(&chain, (size_t)WAX_MAX_STORE_CHAIN * WAX_MAX_STORE_OBJECT);
    wax_buf_init_secret(&p12, WAX_MAX_KEY_FILE_BYTES);
    wax_err err = WAX_ERR_STORE_NOT_FOUND;
    if (store != NULL) {
        err = wax_store_identity_load(store, fp, NULL, &key, &chain);
    }
    if (err == WAX_ERR_CRYPTO_BAD_PASSWORD) {
        const char *spec = a->store_pass != NULL ? a->store_pass : a->pass;
        status = get_secret(ctx, spec, "the key's passphrase in the store",
                            "--store-pass", store_pw, sizeof store_pw);
        chain.len = 0;
        err = status < 0
                  ? wax_store_identity_load(store, fp, store_pw, &key, &chain)
                  : WAX_OK;
    }
    if (status < 0 && err != WAX_OK) {
        status = store_err(ctx, err, a->ops[0]);
    }
    if (status < 0) {
        status = get_secret(ctx, a->pass, "the password of the PKCS#12 file",
                            "--pass", file_pw, sizeof file_pw);
    }
    if (status < 0) {
        const uint8_t *certs[WAX_MAX_STORE_CHAIN + 1];
        size_t lens[WAX_MAX_STORE_CHAIN + 1], n = 0;
        struct wax_span rest = {chain.data, chain.len}, c;
        while (n < WAX_MAX_STORE_CHAIN + 1 &&
               wax_der_get_element(&rest, WAX_DER_SEQUENCE, &c)) {
            certs[n] = c.p;
            lens[n++] = c.len;
        }
        err = wax_pkcs12_export(&p12, key, certs, lens, n, NULL, file_pw,
                                a->legacy ? WAX_PKCS12_LEGACY
                                          : WAX_PKCS12_MODERN);
        status = err != WAX_OK
                     ? cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "export")
                     : write_out(ctx, a->out, true, p12.data, p12.len);
    }
    wax_wipe(store_pw, sizeof store_pw);
    wax_wipe(file_pw, sizeof file_pw);
    wax_privkey_free(key);
    wax_buf_cleanup(&chain);
    wax_buf_cleanup(&p12);
    wax_store_close(store);
    return status < 0 ? WAX_EXIT_OK : status;
}

int
cmd_id(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? WAX_EXIT_USAGE : WAX_EXIT_OK;
    }
    if (strcmp(argv[1], "new") == 0) {
        return cmd_id_new(argc, argv);
    }
    struct cli_ctx ctx = {"id", false, false, NULL, 0};
    struct sargs a;
    const char *sub = argv[1];
    if (strcmp(sub, "import") != 0 && strcmp(sub, "list") != 0 &&
        strcmp(sub, "export") != 0 && strcmp(sub, "rm") != 0) {
        return cli_usage_error(&ctx, "unknown id command '%s'", sub);
    }
    int status = parse(&ctx, argc, argv, &a);
    if (status >= 0) {
        return status;
    }
    if (strcmp(sub, "import") == 0) {
        return id_import(&ctx, &a);
    }
    if (strcmp(sub, "export") == 0) {
        return id_export(&ctx, &a);
    }
    if (strcmp(sub, "rm") == 0) {
        return cert_fp_op(&ctx, &a, OP_ID_RM);
    }
    struct wax_store *store;
    status = need_ops(&ctx, &a, 0, 0);
    if (status < 0) {
        status = cli_store_open(&ctx, false, &store);
    }
    if (status >= 0) {
        return status;
    }
    struct lister l = {a.json, 0, false};
    if (l.json) {
        fputc('[', stdout);
    }
    wax_err err = store == NULL
                      ? WAX_OK
                      : wax_store_identity_list(store, NULL, 0, list_id, &l);
    wax_store_close(store);
    return list_end(&ctx, &l, err);
}
