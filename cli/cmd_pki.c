/*
 * wax req, wax ca (init, issue, revoke, crl, export) and wax id new: a
 * small certification authority kept in the store, built on the pki layer.
 *
 * Limitations of this first version (the store has no place for them):
 *  - a request's key waits in the store's pending keys (encrypted, or
 *    plain with --no-passphrase) until wax cert import meets its
 *    certificate;
 *  - a CA's NAME is kept in the text file STORE.ca-names ("NAME HEXFP"
 *    lines, mode 0600) next to the store; the CA itself (key and
 *    certificate) is a store identity, known by its certificate's
 *    fingerprint;
 *  - revocations are kept only as the CA's CRLs in the store: each revoke
 *    re-signs the newest CRL with one more entry and the next cRLNumber.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <wax/pki.h>
#include <wax/store.h>

#include "cli.h"
#include "store.h"
#include "commands.h"

enum {
    P_HELP = 0,
    P_OUT,
    P_SUBJECT,
    P_EMAIL,
    P_KEY,
    P_USAGE,
    P_PASS,
    P_NO_PASS,
    P_CA_PASS,
    P_NAME,
    P_ISSUER,
    P_DAYS,
    P_CA,
    P_PROFILE,
    P_REASON,
    P_STORE,
    P_CRL_URL,
};

#define PKI_MAX_EMAILS 16
#define PKI_MAX_DAYS 36500
#define PKI_CA_NAME_MAX 64
#define PKI_CRL_DEFAULT_DAYS 30

struct pki_args {
    const char *out;
    const char *subject;
    const char *emails[PKI_MAX_EMAILS];
    size_t num_emails;
    const char *key;
    const char *usage;
    const char *pass;
    bool no_pass;
    const char *ca_pass;
    const char *name;
    const char *issuer;
    long days;
    bool has_days;
    const char *ca;
    const char *profile;
    const char *reason;
    const char *store;
    const char *crl_url;
    const char *operand;
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

static int
pki_parse(struct cli_ctx *ctx, int argc, char **argv,
          const struct cli_option *opts, const char *help, struct pki_args *a)
{
    memset(a, 0, sizeof *a);
    struct cli_parser p;
    cli_parser_init(&p, argc, argv);
    for (;;) {
        const char *arg = NULL;
        int id = cli_parse_next(&p, opts, ctx, &arg);
        if (id == CLI_OPT_END) {
            return -1;
        }
        if (id == CLI_OPT_ERROR) {
            return WAX_EXIT_USAGE;
        }
        switch (id) {
        case CLI_OPT_OPERAND:
            if (a->operand != NULL) {
                return cli_usage_error(ctx, "more than one operand ('%s')",
                                       arg);
            }
            a->operand = arg;
            break;
        case P_HELP:
            fputs(help, stdout);
            return WAX_EXIT_OK;
        case P_OUT:
            a->out = arg;
            break;
        case P_SUBJECT:
            a->subject = arg;
            break;
        case P_EMAIL:
            if (a->num_emails == PKI_MAX_EMAILS) {
                return cli_usage_error(ctx, "more than %d --email",
                                       PKI_MAX_EMAILS);
            }
            a->emails[a->num_emails++] = arg;
            break;
        case P_KEY:
            a->key = arg;
            break;
        case P_USAGE:
            a->usage = arg;
            break;
        case P_PASS:
            a->pass = arg;
            break;
        case P_NO_PASS:
            a->no_pass = true;
            break;
        case P_CA_PASS:
            a->ca_pass = arg;
            break;
        case P_NAME:
            a->name = arg;
            break;
        case P_ISSUER:
            a->issuer = arg;
            break;
        case P_DAYS: {
            char *end = NULL;
            errno = 0;
            long d = strtol(arg, &end, 10);
            if (errno != 0 || end == arg || *end != '\0' || d < 1 ||
                d > PKI_MAX_DAYS) {
                return cli_usage_error(ctx, "--days takes 1..%d, not '%s'",
                                       PKI_MAX_DAYS, arg);
            }
            a->days = d;
            a->has_days = true;
            break;
        }
        case P_CA:
            a->ca = arg;
            break;
        case P_PROFILE:
            a->profile = arg;
            break;
        case P_REASON:
            a->reason = arg;
            break;
        case P_STORE:
            a->store = arg;
            break;
        case P_CRL_URL:
            a->crl_url = arg;
            break;
        default:
            return cli_usage_error(ctx, "unexpected option");
        }
    }
}

static bool
key_kind(const char *name, enum wax_keygen *out)
{
    static const struct {
        const char *name;
        enum wax_keygen kind;
    } kinds[] = {
        {"rsa2048", WAX_KEYGEN_RSA2048}, {"rsa3072", WAX_KEYGEN_RSA3072},
        {"rsa4096", WAX_KEYGEN_RSA4096}, {"p256", WAX_KEYGEN_P256},
        {"p384", WAX_KEYGEN_P384},       {"ed25519", WAX_KEYGEN_ED25519},
    };
    if (name == NULL) {
        *out = WAX_KEYGEN_RSA2048;
        return true;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(name, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    }
    return false;
}

/* store_open opens the store for writing where cli/store_open.c says it
 * is (--store, $WAX_STORE, the XDG default) and gives its path in PATH (the
 * CA names live beside it). */
static int
store_open(struct cli_ctx *ctx, const struct pki_args *a, char *path,
           size_t cap, struct wax_store **out)
{
    if (a->store != NULL) {
        cli_store_set_path(a->store);
    }
    wax_err err = cli_store_path(path, cap);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "give --store PATH or set WAX_STORE",
                        "cannot find the store's path");
    }
    return cli_store_open(ctx, true, out);
}

/* write_file writes LEN bytes to PATH (NULL or "-": standard output)
 * through a temporary file renamed into place, with MODE. */
static wax_err
write_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            return WAX_ERR_CLI_FILE;
        }
        return WAX_OK;
    }
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >=
        sizeof tmp) {
        return WAX_ERR_CLI_FILE;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        return WAX_ERR_CLI_FILE;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return WAX_ERR_CLI_FILE;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, mode) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return WAX_ERR_CLI_FILE;
    }
    return WAX_OK;
}

static wax_err
write_pem(const char *path, const char *label, const uint8_t *der, size_t len,
          bool secret)
{
    struct wax_buf pem;
    if (secret) {
        wax_buf_init_secret(&pem, (size_t)1 << 28);
    } else {
        wax_buf_init(&pem, (size_t)1 << 28);
    }
    wax_err err = wax_pki_pem_write(&pem, label, der, len);
    if (err == WAX_OK) {
        err = write_file(path, pem.data, pem.len, secret ? 0600 : 0644);
    }
    wax_buf_cleanup(&pem);
    return err;
}

/* read_der reads PATH and gives the DER of its first LABEL block (PEM),
 * or the whole file. */
static wax_err
read_der(const char *path, const char *label, struct wax_buf *out)
{
    struct wax_buf raw;
    wax_buf_init(&raw, CLI_MAX_SMALL_FILE);
    wax_err err = cli_read_file(path, &raw);
    if (err != WAX_OK) {
        wax_buf_cleanup(&raw);
        return err;
    }
    struct wax_pem_reader r;
    wax_pem_reader_init(&r, raw.data, raw.len);
    struct wax_pem_block b;
    bool present = false;
    bool found = false;
    while (wax_pem_next(&r, &b, &present) == WAX_OK && present) {
        if (!wax_pem_label_is(&b, label)) {
            continue;
        }
        size_t max = wax_pem_decoded_max(&b);
        uint8_t *tmp = malloc(max > 0 ? max : 1);
        size_t n = 0;
        if (tmp == NULL) {
            err = WAX_ERR_NOMEM;
        } else {
            err = wax_pem_decode(&b, tmp, max, &n);
            if (err == WAX_OK) {
                err = wax_buf_append(out, tmp, n);
            }
        }
        free(tmp);
        found = true;
        break;
    }
    if (!found) {
        err = wax_buf_append(out, raw.data, raw.len);
    }
    wax_buf_cleanup(&raw);
    return err;
}

static int
get_pass(struct cli_ctx *ctx, const char *spec, bool no_pass, char *out,
         size_t cap, const char **pass_out)
{
    *pass_out = NULL;
    if (spec != NULL && no_pass) {
        return cli_usage_error(ctx, "--pass and --no-passphrase exclude "
                                    "each other");
    }
    if (spec == NULL) {
        if (!no_pass) {
            return cli_usage_error(ctx, "give --pass SPEC for the new key "
                                        "or --no-passphrase");
        }
        return -1;
    }
    wax_err err = cli_password(spec, out, cap);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "--pass takes env:VAR, file:PATH or pass:TEXT",
                        "cannot read the password '%s'", spec);
    }
    *pass_out = out;
    return -1;
}

static int64_t
now_time(void)
{
    return (int64_t)time(NULL);
}

/* ------------------------------------------------------------------ */
/* CA names: STORE.ca-names, "NAME HEXFP" lines.                       */

static void
hex_fp(const uint8_t fp[WAX_STORE_FP_BYTES],
       char out[2 * WAX_STORE_FP_BYTES + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < WAX_STORE_FP_BYTES; i++) {
        out[2 * i] = digits[fp[i] >> 4];
        out[2 * i + 1] = digits[fp[i] & 15];
    }
    out[2 * WAX_STORE_FP_BYTES] = '\0';
}

static bool
unhex_fp(const char *s, uint8_t fp[WAX_STORE_FP_BYTES])
{
    if (strlen(s) != 2 * WAX_STORE_FP_BYTES) {
        return false;
    }
    for (size_t i = 0; i < 2 * WAX_STORE_FP_BYTES; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (v < 0) {
            return false;
        }
        if (i % 2 == 0) {
            fp[i / 2] = (uint8_t)(v << 4);
        } else {
            fp[i / 2] |= (uint8_t)v;
        }
    }
    return true;
}

static bool
valid_ca_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > PKI_CA_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
            return false;
        }
    }
    return true;
}

/* ca_lookup: the fingerprint of CA NAME; false when unknown. */
static bool
ca_lookup(const char *store, const char *name, uint8_t fp[WAX_STORE_FP_BYTES])
{
    char path[4200];
    snprintf(path, sizeof path, "%s.ca-names", store);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *sp = strchr(line, ' ');
        if (sp == NULL) {
            continue;
        }
        *sp = '\0';
        char *hex = sp + 1;
        hex[strcspn(hex, "\r\n")] = '\0';
        if (strcmp(line, name) == 0 && unhex_fp(hex, fp)) {
            found = true;
        }
    }
    fclose(f);
    return found;
}

static wax_err
ca_record(const char *store, const char *name,
          const uint8_t fp[WAX_STORE_FP_BYTES])
{
    char path[4200];
    snprintf(path, sizeof path, "%s.ca-names", store);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return WAX_ERR_CLI_FILE;
    }
    char hex[2 * WAX_STORE_FP_BYTES + 1];
    hex_fp(fp, hex);
    char line[256];
    int n = snprintf(line, sizeof line, "%s %s\n", name, hex);
    bool ok = n > 0 && write(fd, line, (size_t)n) == (ssize_t)n;
    ok = close(fd) == 0 && ok;
    return ok ? WAX_OK : WAX_ERR_CLI_FILE;
}

/* A loaded CA: key, certificate and chain (the certificate first). */
struct ca {
    struct wax_privkey *key;
    struct wax_buf chain; /* consecutive DER certificates */
    struct wax_span cert;
    struct wax_x509_cert parsed;
    uint8_t fp[WAX_STORE_FP_BYTES];
};

static void
ca_free(struct ca *c)
{
    wax_privkey_free(c->key);
    c->key = NULL;
    wax_buf_cleanup(&c->chain);
}

static size_t
der_tlv_len(const uint8_t *p, size_t n)
{
    /* a DER certificate: SEQUENCE with a definite length */
    if (n < 2 || p[0] != 0x30) {
        return 0;
    }
    size_t len;
    size_t hdr;
    if (p[1] < 0x80) {
        len = p[1];
        hdr = 2;
    } else {
        size_t k = p[1] & 0x7f;
        if (k == 0 || k > 4 || n < 2 + k) {
            return 0;
        }
        len = 0;
        for (size_t i = 0; i < k; i++) {
            len = (len << 8) | p[2 + i];
        }
        hdr = 2 + k;
    }
    return hdr + len <= n ? hdr + len : 0;
}

static int
ca_load(struct cli_ctx *ctx, struct wax_store *st, const char *store,
        const char *name, const char *pass_spec, struct ca *c)
{
    memset(c, 0, sizeof *c);
    wax_buf_init(&c->chain, (size_t)16 << 20);
    if (!ca_lookup(store, name, c->fp)) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_STORE_NOT_FOUND,
                        "make one with 'wax ca init --name NAME'",
                        "no CA named '%s' in the store", name);
    }
    char pwbuf[CLI_MAX_PASSWORD + 1];
    const char *pw = NULL;
    if (pass_spec != NULL) {
        wax_err err = cli_password(pass_spec, pwbuf, sizeof pwbuf);
        if (err != WAX_OK) {
            return cli_fail(ctx, WAX_EXIT_USAGE, err,
                            "it takes env:VAR, file:PATH or pass:TEXT",
                            "cannot read the CA password '%s'", pass_spec);
        }
        pw = pwbuf;
    }
    wax_err err = wax_store_identity_load(st, c->fp, pw, &c->key, &c->chain);
    explicit_bzero(pwbuf, sizeof pwbuf);
    if (err != WAX_OK) {
        return cli_fail(
            ctx, WAX_EXIT_USAGE, err,
            err == WAX_ERR_CRYPTO_BAD_PASSWORD
                ? (pw != NULL ? "check the password given with --ca-pass"
                              : "give the CA's password with --ca-pass SPEC")
                : NULL,
            "CA '%s'", name);
    }
    size_t n = der_tlv_len(c->chain.data, c->chain.len);
    c->cert.p = c->chain.data;
    c->cert.len = n;
    err = wax_x509_cert_parse(&c->parsed, c->cert.p, c->cert.len);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                        "CA '%s': its certificate", name);
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* wax req                                                             */

static const char req_help[] =
    "usage: wax req --subject DN --email ADDRESS... [--key KIND]\n"
    "               [--usage sign|encrypt|both] (--pass SPEC | "
    "--no-passphrase)\n"
    "               -o REQ\n"
    "\n"
    "Makes a new key and a PKCS#10 certification request (PEM) for it. The\n"
    "key waits in the store (encrypted PKCS#8 with --pass, plain with\n"
    "--no-passphrase) until 'wax cert import CERT' makes it an identity.\n"
    "KIND: rsa2048 (default), rsa3072, rsa4096, p256, p384, ed25519.\n"
    "USAGE: both (default; sign for ed25519), sign, encrypt.\n";

static const struct cli_option req_opts[] = {
    {"help", 'h', false, P_HELP},
    {"out", 'o', true, P_OUT},
    {"subject", 0, true, P_SUBJECT},
    {"email", 0, true, P_EMAIL},
    {"key", 0, true, P_KEY},
    {"usage", 0, true, P_USAGE},
    {"pass", 0, true, P_PASS},
    {"no-passphrase", 0, false, P_NO_PASS},
    {NULL, 0, false, 0},
};

/* make_req: a new key and its request (DER in REQ). */
static int
make_req(struct cli_ctx *ctx, const char *subject, const char *const *emails,
         size_t num_emails, const char *key_name, enum wax_pki_usage usage,
         struct wax_privkey **key, struct wax_buf *req)
{
    enum wax_keygen kind;
    if (!key_kind(key_name, &kind)) {
        return cli_usage_error(ctx,
                               "--key takes rsa2048, rsa3072, rsa4096, p256, "
                               "p384 or ed25519, not '%s'",
                               key_name);
    }
    struct wax_buf name;
    wax_buf_init(&name, WAX_MAX_PKI_NAME_BYTES);
    wax_err err = wax_pki_dn_parse(&name, subject, strlen(subject));
    if (err != WAX_OK) {
        wax_buf_cleanup(&name);
        return cli_fail(ctx, WAX_EXIT_REJECTED, err, NULL,
                        "--subject '%s' is not a distinguished name", subject);
    }
    err = wax_privkey_generate(key, kind);
    if (err == WAX_OK) {
        err = wax_pki_req_make(req, name.data, name.len, emails, num_emails,
                               usage, *key);
    }
    wax_buf_cleanup(&name);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_REJECTED, err, NULL,
                        "cannot make the request");
    }
    return -1;
}

int
cmd_req(int argc, char **argv)
{
    struct cli_ctx ctx = {"req", false, false};
    struct pki_args a;
    int status = pki_parse(&ctx, argc, argv, req_opts, req_help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.subject == NULL || a.num_emails == 0 || a.out == NULL ||
        a.operand != NULL) {
        return cli_usage_error(&ctx,
                               "wax req needs --subject, --email and -o REQ");
    }
    enum wax_pki_usage usage = a.key != NULL && strcmp(a.key, "ed25519") == 0
                                   ? WAX_PKI_USAGE_SIGN
                                   : WAX_PKI_USAGE_BOTH;
    if (a.usage != NULL && wax_pki_usage_parse(a.usage, &usage) != WAX_OK) {
        return cli_usage_error(&ctx,
                               "--usage takes sign, encrypt or both, "
                               "not '%s'",
                               a.usage);
    }
    char pwbuf[CLI_MAX_PASSWORD + 1];
    const char *pw = NULL;
    status = get_pass(&ctx, a.pass, a.no_pass, pwbuf, sizeof pwbuf, &pw);
    if (status >= 0) {
        return status;
    }
    struct wax_privkey *key = NULL;
    struct wax_buf req;
    wax_buf_init(&req, WAX_MAX_PKI_REQ_BYTES);
    char path[4200];
    struct wax_store *store = NULL;
    status = store_open(&ctx, &a, path, sizeof path, &store);
    if (status < 0) {
        status = make_req(&ctx, a.subject, a.emails, a.num_emails, a.key, usage,
                          &key, &req);
    }
    if (status < 0) {
        /* the request first: a failed write leaves no pending key */
        uint8_t h[WAX_STORE_FP_BYTES];
        wax_err err =
            write_pem(a.out, "CERTIFICATE REQUEST", req.data, req.len, false);
        if (err != WAX_OK) {
            status = cli_fail(&ctx, WAX_EXIT_USAGE, err, NULL,
                              "cannot write '%s'", a.out);
        } else {
            err = wax_store_pending_key_add(store, key, pw, pw == NULL, h);
            if (err != WAX_OK) {
                (void)unlink(a.out);
                status = cli_fail(&ctx, WAX_EXIT_USAGE, err, NULL,
                                  "cannot keep the key in the store");
            }
        }
        if (err == WAX_OK) {
            fprintf(stderr,
                    "wax: request in '%s'; its key waits in the store until "
                    "'wax cert import' of its certificate\n",
                    a.out);
            printf("pending ");
            cli_fp_put(stdout, h);
            printf("\n");
            status = WAX_EXIT_OK;
        }
    }
    wax_store_close(store);
    explicit_bzero(pwbuf, sizeof pwbuf);
    wax_privkey_free(key);
    wax_buf_cleanup(&req);
    return status;
}

/* ------------------------------------------------------------------ */
/* wax ca                                                              */

static const char ca_help[] =
    "usage: wax ca init --name NAME --subject DN [--issuer CA] [--key KIND]\n"
    "                   [--days N] (--pass SPEC | --no-passphrase) "
    "[--ca-pass SPEC]\n"
    "       wax ca issue --ca NAME [--profile smime-sign|smime-encrypt|"
    "smime-dual]\n"
    "                   [--days N] [--crl-url URI] [--ca-pass SPEC] REQ -o CERT\n"
    "       wax ca revoke --ca NAME [--reason R] [--ca-pass SPEC] CERT\n"
    "       wax ca crl --ca NAME [--days N] [--ca-pass SPEC] -o CRL\n"
    "       wax ca export NAME -o CERT\n"
    "\n"
    "A certification authority kept in the store (--store PATH, else\n"
    "$WAX_STORE, else $XDG_DATA_HOME/wax/store.db). init makes a root CA\n"
    "(trusted for S/MIME in the store), or an intermediate under --issuer.\n"
    "CA names are kept in STORE.ca-names. Revocations live in the CA's CRLs\n"
    "in the store: revoke signs a new CRL (the next cRLNumber), crl\n"
    "re-signs the newest one and writes it. Default days: 3650 (init),\n"
    "365 (issue), 30 (crl).\n";

static const struct cli_option ca_opts[] = {
    {"help", 'h', false, P_HELP},
    {"out", 'o', true, P_OUT},
    {"name", 0, true, P_NAME},
    {"subject", 0, true, P_SUBJECT},
    {"issuer", 0, true, P_ISSUER},
    {"key", 0, true, P_KEY},
    {"days", 0, true, P_DAYS},
    {"pass", 0, true, P_PASS},
    {"no-passphrase", 0, false, P_NO_PASS},
    {"ca-pass", 0, true, P_CA_PASS},
    {"ca", 0, true, P_CA},
    {"profile", 0, true, P_PROFILE},
    {"reason", 0, true, P_REASON},
    {"store", 0, true, P_STORE},
    {"crl-url", 0, true, P_CRL_URL},
    {NULL, 0, false, 0},
};

static int
ca_init(struct cli_ctx *ctx, const struct pki_args *a)
{
    if (a->name == NULL || a->subject == NULL || a->operand != NULL) {
        return cli_usage_error(ctx, "wax ca init needs --name and --subject");
    }
    if (!valid_ca_name(a->name)) {
        return cli_usage_error(ctx,
                               "--name takes 1..%d letters, digits, "
                               "'-', '_' or '.', not '%s'",
                               PKI_CA_NAME_MAX, a->name);
    }
    enum wax_keygen kind;
    if (!key_kind(a->key, &kind)) {
        return cli_usage_error(ctx,
                               "--key takes rsa2048, rsa3072, rsa4096, "
                               "p256, p384 or ed25519, not '%s'",
                               a->key);
    }
    char pwbuf[CLI_MAX_PASSWORD + 1];
    const char *pw = NULL;
    int status = get_pass(ctx, a->pass, a->no_pass, pwbuf, sizeof pwbuf, &pw);
    if (status >= 0) {
        return status;
    }
    char store[4096];
    struct wax_store *st = NULL;
    status = store_open(ctx, a, store, sizeof store, &st);
    if (status >= 0) {
        return status;
    }
    uint8_t fp[WAX_STORE_FP_BYTES];
    if (ca_lookup(store, a->name, fp)) {
        wax_store_close(st);
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_STORE_DUPLICATE, NULL,
                        "a CA named '%s' exists already", a->name);
    }
    struct ca issuer = {0};
    wax_buf_init(&issuer.chain, 1);
    if (a->issuer != NULL) {
        wax_buf_cleanup(&issuer.chain);
        status = ca_load(ctx, st, store, a->issuer, a->ca_pass, &issuer);
        if (status >= 0) {
            ca_free(&issuer);
            wax_store_close(st);
            return status;
        }
    }
    struct wax_buf name;
    wax_buf_init(&name, WAX_MAX_PKI_NAME_BYTES);
    struct wax_buf cert;
    wax_buf_init(&cert, WAX_MAX_PKI_CERT_BYTES);
    struct wax_privkey *key = NULL;
    struct wax_pubkey *pub = NULL;
    const char *what = "--subject";
    wax_err err = wax_pki_dn_parse(&name, a->subject, strlen(a->subject));
    if (err == WAX_OK) {
        what = "the CA certificate";
        err = wax_privkey_generate(&key, kind);
    }
    if (err == WAX_OK) {
        err = wax_privkey_public(key, &pub);
    }
    struct wax_pki_cert_template t;
    wax_pki_cert_template_init(&t);
    if (err == WAX_OK) {
        err = wax_pki_cert_template_profile(&t, WAX_PKI_PROFILE_CA, pub);
    }
    if (err == WAX_OK) {
        int64_t now = now_time();
        t.subject = name.data;
        t.subject_len = name.len;
        t.not_before = now - 60;
        t.not_after = now + 86400 * (int64_t)(a->has_days ? a->days : 3650);
        if (a->issuer != NULL && t.not_after > issuer.parsed.not_after) {
            t.not_after = issuer.parsed.not_after;
        }
        err = wax_pki_cert_make(&cert, &t, a->issuer != NULL ? issuer.key : key,
                                a->issuer != NULL ? issuer.cert.p : NULL,
                                a->issuer != NULL ? issuer.cert.len : 0, pub);
    }
    /* the chain: the issuer's certificate and its chain */
    struct wax_span chain[WAX_MAX_STORE_CHAIN];
    size_t num_chain = 0;
    if (err == WAX_OK && a->issuer != NULL) {
        size_t off = 0;
        while (off < issuer.chain.len && num_chain < WAX_MAX_STORE_CHAIN) {
            size_t n =
                der_tlv_len(issuer.chain.data + off, issuer.chain.len - off);
            if (n == 0) {
                break;
            }
            chain[num_chain].p = issuer.chain.data + off;
            chain[num_chain].len = n;
            num_chain++;
            off += n;
        }
    }
    if (err == WAX_OK) {
        what = "the store";
        err = wax_store_identity_add(st, key, cert.data, cert.len, chain,
                                     num_chain, pw, pw == NULL, fp);
    }
    if (err == WAX_OK && a->issuer == NULL) {
        err = wax_store_trust(st, fp, WAX_STORE_TRUST_SMIME);
    }
    if (err == WAX_OK) {
        what = "the CA names file";
        err = ca_record(store, a->name, fp);
    }
    if (err != WAX_OK) {
        status = cli_fail(ctx,
                          strcmp(what, "the store") == 0 ||
                                  strcmp(what, "the CA names file") == 0
                              ? WAX_EXIT_USAGE
                              : WAX_EXIT_REJECTED,
                          err, NULL, "ca init: %s", what);
    } else {
        char hex[2 * WAX_STORE_FP_BYTES + 1];
        hex_fp(fp, hex);
        printf("%s CA '%s' %s\n", a->issuer != NULL ? "intermediate" : "root",
               a->name, hex);
        status = WAX_EXIT_OK;
    }
    explicit_bzero(pwbuf, sizeof pwbuf);
    wax_pubkey_free(pub);
    wax_privkey_free(key);
    wax_buf_cleanup(&name);
    wax_buf_cleanup(&cert);
    ca_free(&issuer);
    wax_store_close(st);
    return status;
}

/* issue: a certificate for the request REQ (DER) signed by CA. */
static wax_err
issue(struct ca *c, const struct wax_buf *req, enum wax_pki_profile profile,
      long days, const char *crl_url, struct wax_buf *out)
{
    int64_t now = now_time();
    int64_t not_after = now + 86400 * (int64_t)days;
    if (not_after > c->parsed.not_after) {
        not_after = c->parsed.not_after;
    }
    return wax_pki_cert_from_req(out, req->data, req->len, profile, now - 60,
                                 not_after, crl_url, c->key, c->cert.p,
                                 c->cert.len);
}

static int
ca_issue(struct cli_ctx *ctx, const struct pki_args *a)
{
    if (a->ca == NULL || a->operand == NULL || a->out == NULL) {
        return cli_usage_error(ctx, "wax ca issue needs --ca NAME, REQ and "
                                    "-o CERT");
    }
    enum wax_pki_profile profile = WAX_PKI_PROFILE_DUAL;
    if (a->profile != NULL &&
        (wax_pki_profile_parse(a->profile, &profile) != WAX_OK ||
         profile == WAX_PKI_PROFILE_CA)) {
        return cli_usage_error(ctx,
                               "--profile takes smime-sign, "
                               "smime-encrypt or smime-dual, not '%s'",
                               a->profile);
    }
    struct wax_buf req;
    wax_buf_init(&req, CLI_MAX_SMALL_FILE);
    wax_err err = read_der(a->operand, "CERTIFICATE REQUEST", &req);
    if (err != WAX_OK) {
        wax_buf_cleanup(&req);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "cannot read '%s'",
                        a->operand);
    }
    char store[4096];
    struct wax_store *st = NULL;
    int status = store_open(ctx, a, store, sizeof store, &st);
    if (status >= 0) {
        wax_buf_cleanup(&req);
        return status;
    }
    struct ca c;
    status = ca_load(ctx, st, store, a->ca, a->ca_pass, &c);
    struct wax_buf cert;
    wax_buf_init(&cert, WAX_MAX_PKI_CERT_BYTES);
    if (status < 0) {
        err = issue(&c, &req, profile, a->has_days ? a->days : 365, a->crl_url,
                    &cert);
        if (err == WAX_OK) {
            err = wax_store_cert_add(st, cert.data, cert.len, NULL, NULL);
        }
        if (err == WAX_OK) {
            err = write_pem(a->out, "CERTIFICATE", cert.data, cert.len, false);
        }
        status = err == WAX_OK ? WAX_EXIT_OK
                               : cli_fail(ctx, WAX_EXIT_REJECTED, err, NULL,
                                          "cannot issue a certificate for '%s'",
                                          a->operand);
    }
    ca_free(&c);
    wax_buf_cleanup(&cert);
    wax_buf_cleanup(&req);
    wax_store_close(st);
    return status;
}

/* new_crl: the newest CRL of C in the store plus EXTRA (may be NULL),
 * re-signed with the next cRLNumber, stored and given in OUT. */
struct crl_find {
    struct wax_buf der;
    bool found;
};

static wax_err
crl_first(void *vctx, const struct wax_store_crl *crl)
{
    struct crl_find *f = vctx;
    if (f->found) {
        return WAX_OK;
    }
    f->found = true;
    return wax_buf_append(&f->der, crl->der.p, crl->der.len);
}

static int
new_crl(struct cli_ctx *ctx, struct wax_store *st, struct ca *c,
        const struct wax_pki_crl_entry *extra, long days, struct wax_buf *out)
{
    struct crl_find f = {.found = false};
    wax_buf_init(&f.der, WAX_MAX_STORE_OBJECT);
    wax_err err =
        wax_store_crls_by_issuer(st, c->parsed.subject, 1, crl_first, &f);
    struct wax_x509_crl old;
    uint64_t number = 1;
    size_t num = 0;
    struct wax_pki_crl_entry *entries = NULL;
    if (err == WAX_OK && f.found) {
        err = wax_x509_crl_parse(&old, f.der.data, f.der.len);
    }
    if (err == WAX_OK && f.found) {
        if (old.has_crl_number && old.crl_number.len <= 8) {
            uint64_t n = 0;
            for (size_t i = 0; i < old.crl_number.len; i++) {
                n = (n << 8) | old.crl_number.p[i];
            }
            number = n + 1;
        }
        entries = calloc(old.num_revoked + 1, sizeof *entries);
        if (entries == NULL) {
            err = WAX_ERR_NOMEM;
        }
        struct wax_x509_iter it;
        wax_x509_crl_entries(&old, &it);
        struct wax_x509_crl_entry e;
        bool present = false;
        while (err == WAX_OK &&
               (err = wax_x509_crl_entry_next(&it, &e, &present)) == WAX_OK &&
               present) {
            if (extra != NULL && e.serial.len == extra->serial_len &&
                memcmp(e.serial.p, extra->serial, e.serial.len) == 0) {
                extra = NULL; /* revoked already */
            }
            entries[num].serial = e.serial.p;
            entries[num].serial_len = e.serial.len;
            entries[num].revocation_time = e.revocation_date;
            entries[num].has_reason = e.has_reason;
            entries[num].reason = e.reason;
            num++;
        }
    } else if (err == WAX_OK) {
        entries = calloc(1, sizeof *entries);
        if (entries == NULL) {
            err = WAX_ERR_NOMEM;
        }
    }
    if (err == WAX_OK && extra != NULL) {
        entries[num++] = *extra;
    }
    if (err == WAX_OK) {
        int64_t now = now_time();
        err = wax_pki_crl_make(out, c->cert.p, c->cert.len, c->key, number, now,
                               now + 86400 * (int64_t)days, entries, num);
    }
    if (err == WAX_OK) {
        err = wax_store_crl_add(st, out->data, out->len, NULL);
    }
    free(entries);
    wax_buf_cleanup(&f.der);
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "cannot make the CRL");
    }
    return -1;
}

static int
ca_revoke(struct cli_ctx *ctx, const struct pki_args *a)
{
    if (a->ca == NULL || a->operand == NULL) {
        return cli_usage_error(ctx, "wax ca revoke needs --ca NAME and CERT");
    }
    enum wax_crl_reason reason = WAX_CRL_REASON_UNSPECIFIED;
    if (a->reason != NULL &&
        wax_pki_crl_reason_parse(a->reason, &reason) != WAX_OK) {
        return cli_usage_error(ctx,
                               "--reason takes a CRLReason name "
                               "(keyCompromise, superseded, ...), not "
                               "'%s'",
                               a->reason);
    }
    struct wax_buf der;
    wax_buf_init(&der, CLI_MAX_SMALL_FILE);
    struct wax_x509_cert cert;
    wax_err err = read_der(a->operand, "CERTIFICATE", &der);
    if (err == WAX_OK) {
        err = wax_x509_cert_parse(&cert, der.data, der.len);
    }
    if (err != WAX_OK) {
        wax_buf_cleanup(&der);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                        "'%s' is not a certificate", a->operand);
    }
    char store[4096];
    struct wax_store *st = NULL;
    int status = store_open(ctx, a, store, sizeof store, &st);
    if (status >= 0) {
        wax_buf_cleanup(&der);
        return status;
    }
    struct ca c;
    status = ca_load(ctx, st, store, a->ca, a->ca_pass, &c);
    if (status < 0 &&
        (cert.issuer.len != c.parsed.subject.len ||
         memcmp(cert.issuer.p, c.parsed.subject.p, cert.issuer.len) != 0)) {
        status =
            cli_fail(ctx, WAX_EXIT_REJECTED, WAX_ERR_INVALID_ARGUMENT, NULL,
                     "'%s' was not issued by CA '%s'", a->operand, a->ca);
    }
    struct wax_buf crl;
    wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
    if (status < 0) {
        struct wax_pki_crl_entry e = {
            .serial = cert.serial.p,
            .serial_len = cert.serial.len,
            .revocation_time = now_time(),
            .has_reason = a->reason != NULL,
            .reason = reason,
        };
        status = new_crl(ctx, st, &c, &e, PKI_CRL_DEFAULT_DAYS, &crl);
        if (status < 0) {
            printf("revoked %s\n", a->operand);
            status = WAX_EXIT_OK;
        }
    }
    ca_free(&c);
    wax_buf_cleanup(&crl);
    wax_buf_cleanup(&der);
    wax_store_close(st);
    return status;
}

static int
ca_crl(struct cli_ctx *ctx, const struct pki_args *a)
{
    if (a->ca == NULL || a->out == NULL || a->operand != NULL) {
        return cli_usage_error(ctx, "wax ca crl needs --ca NAME and -o CRL");
    }
    char store[4096];
    struct wax_store *st = NULL;
    int status = store_open(ctx, a, store, sizeof store, &st);
    if (status >= 0) {
        return status;
    }
    struct ca c;
    status = ca_load(ctx, st, store, a->ca, a->ca_pass, &c);
    struct wax_buf crl;
    wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
    if (status < 0) {
        status = new_crl(ctx, st, &c, NULL,
                         a->has_days ? a->days : PKI_CRL_DEFAULT_DAYS, &crl);
    }
    if (status < 0) {
        wax_err err = write_pem(a->out, "X509 CRL", crl.data, crl.len, false);
        status = err == WAX_OK ? WAX_EXIT_OK
                               : cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                                          "cannot write '%s'", a->out);
    }
    ca_free(&c);
    wax_buf_cleanup(&crl);
    wax_store_close(st);
    return status;
}

static int
ca_export(struct cli_ctx *ctx, const struct pki_args *a)
{
    if (a->operand == NULL) {
        return cli_usage_error(ctx, "wax ca export needs NAME");
    }
    char store[4096];
    struct wax_store *st = NULL;
    int status = store_open(ctx, a, store, sizeof store, &st);
    if (status >= 0) {
        return status;
    }
    uint8_t fp[WAX_STORE_FP_BYTES];
    struct wax_buf cert;
    wax_buf_init(&cert, WAX_MAX_STORE_OBJECT);
    if (!ca_lookup(store, a->operand, fp)) {
        status = cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_STORE_NOT_FOUND, NULL,
                          "no CA named '%s' in the store", a->operand);
    } else {
        wax_err err = wax_store_cert_get(st, fp, &cert);
        if (err == WAX_OK) {
            err = write_pem(a->out, "CERTIFICATE", cert.data, cert.len, false);
        }
        status = err == WAX_OK ? WAX_EXIT_OK
                               : cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                                          "cannot export CA '%s'", a->operand);
    }
    wax_buf_cleanup(&cert);
    wax_store_close(st);
    return status;
}

int
cmd_ca(int argc, char **argv)
{
    struct cli_ctx ctx = {"ca", false, false};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(ca_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? WAX_EXIT_USAGE : WAX_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(struct cli_ctx *, const struct pki_args *);
    } subs[] = {
        {"init", ca_init}, {"issue", ca_issue},   {"revoke", ca_revoke},
        {"crl", ca_crl},   {"export", ca_export},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) == 0) {
            struct pki_args a;
            int status =
                pki_parse(&ctx, argc - 1, argv + 1, ca_opts, ca_help, &a);
            if (status >= 0) {
                return status;
            }
            return subs[i].fn(&ctx, &a);
        }
    }
    return cli_usage_error(&ctx, "unknown 'wax ca' command '%s'", argv[1]);
}

/* ------------------------------------------------------------------ */
/* wax id new                                                          */

static const char id_help[] =
    "usage: wax id new --email ADDRESS --ca NAME [--subject DN] [--key KIND]\n"
    "                  (--pass SPEC | --no-passphrase) [--ca-pass SPEC]\n"
    "\n"
    "Makes a key, a request, has CA NAME issue a certificate (smime-dual;\n"
    "smime-sign for ed25519) and stores the identity (key, certificate and\n"
    "the CA's chain). The subject defaults to CN=ADDRESS. Prints the\n"
    "identity's fingerprint.\n";

static const struct cli_option id_opts[] = {
    {"help", 'h', false, P_HELP},
    {"email", 0, true, P_EMAIL},
    {"ca", 0, true, P_CA},
    {"subject", 0, true, P_SUBJECT},
    {"key", 0, true, P_KEY},
    {"pass", 0, true, P_PASS},
    {"no-passphrase", 0, false, P_NO_PASS},
    {"ca-pass", 0, true, P_CA_PASS},
    {"days", 0, true, P_DAYS},
    {"store", 0, true, P_STORE},
    {NULL, 0, false, 0},
};

int
cmd_id_new(int argc, char **argv)
{
    struct cli_ctx ctx = {"id", false, false};
    if (argc < 2 || strcmp(argv[1], "new") != 0) {
        if (argc >= 2 &&
            (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(id_help, stdout);
            return WAX_EXIT_OK;
        }
        fputs(id_help, stderr);
        return WAX_EXIT_USAGE;
    }
    struct pki_args a;
    int status = pki_parse(&ctx, argc - 1, argv + 1, id_opts, id_help, &a);
    if (status >= 0) {
        return status;
    }
    if (a.num_emails != 1 || a.ca == NULL || a.operand != NULL) {
        return cli_usage_error(&ctx, "wax id new needs one --email and --ca");
    }
    char subject[WAX_MAX_PKI_EMAIL_LEN + 8];
    if (a.subject == NULL) {
        snprintf(subject, sizeof subject, "CN=%s", a.emails[0]);
    }
    char pwbuf[CLI_MAX_PASSWORD + 1];
    const char *pw = NULL;
    status = get_pass(&ctx, a.pass, a.no_pass, pwbuf, sizeof pwbuf, &pw);
    if (status >= 0) {
        return status;
    }
    bool ed = a.key != NULL && strcmp(a.key, "ed25519") == 0;
    struct wax_privkey *key = NULL;
    struct wax_buf req;
    wax_buf_init(&req, WAX_MAX_PKI_REQ_BYTES);
    struct wax_buf cert;
    wax_buf_init(&cert, WAX_MAX_PKI_CERT_BYTES);
    char store[4096];
    struct wax_store *st = NULL;
    struct ca c = {0};
    wax_buf_init(&c.chain, 1);
    status = make_req(&ctx, a.subject != NULL ? a.subject : subject, a.emails,
                      1, a.key, ed ? WAX_PKI_USAGE_SIGN : WAX_PKI_USAGE_BOTH,
                      &key, &req);
    if (status < 0) {
        status = store_open(&ctx, &a, store, sizeof store, &st);
    }
    if (status < 0) {
        wax_buf_cleanup(&c.chain);
        status = ca_load(&ctx, st, store, a.ca, a.ca_pass, &c);
    }
    if (status < 0) {
        wax_err err =
            issue(&c, &req, ed ? WAX_PKI_PROFILE_SIGN : WAX_PKI_PROFILE_DUAL,
                  a.has_days ? a.days : 365, NULL, &cert);
        struct wax_span chain[WAX_MAX_STORE_CHAIN];
        size_t num_chain = 0;
        size_t off = 0;
        while (off < c.chain.len && num_chain < WAX_MAX_STORE_CHAIN) {
            size_t n = der_tlv_len(c.chain.data + off, c.chain.len - off);
            if (n == 0) {
                break;
            }
            chain[num_chain].p = c.chain.data + off;
            chain[num_chain].len = n;
            num_chain++;
            off += n;
        }
        uint8_t fp[WAX_STORE_FP_BYTES];
        if (err == WAX_OK) {
            err = wax_store_identity_add(st, key, cert.data, cert.len, chain,
                                         num_chain, pw, pw == NULL, fp);
        }
        if (err != WAX_OK) {
            status = cli_fail(&ctx, WAX_EXIT_USAGE, err, NULL,
                              "cannot make the identity for '%s'", a.emails[0]);
        } else {
            char hex[2 * WAX_STORE_FP_BYTES + 1];
            hex_fp(fp, hex);
            printf("identity %s %s\n", a.emails[0], hex);
            status = WAX_EXIT_OK;
        }
    }
    explicit_bzero(pwbuf, sizeof pwbuf);
    ca_free(&c);
    wax_privkey_free(key);
    wax_buf_cleanup(&req);
    wax_buf_cleanup(&cert);
    wax_store_close(st);
    return status;
}
