/*
 * wax cert verify: path validation of one certificate, for scripts and
 * test suites (DESIGN.md).
 *
 *   wax cert verify [--purpose smime|smime-sign|smime-encrypt|tls-server|
 *                    tls-client|any] [--email A] [--dns N] [--ip I]
 *                   [--max-depth N] [--trust FILE]... [--certs FILE]...
 *                   [--crl FILE]... [--revocation require|prefer|off]
 *                   [--at TIME] [--allow-weak] [--json] LEAF
 *
 * LEAF is a PEM or DER certificate ("-": standard input); more
 * certificates after the first one in a PEM LEAF file are intermediates.
 * --trust files hold the trust anchors, --certs files intermediates,
 * --crl files CRLs (PEM bundles or single DER objects). --max-depth N
 * allows N intermediates that are not self-issued. --email binds the
 * certificate to an address as SECURITY.md rule 5 says (the smime layer's
 * wax_smime_cert_emails / wax_smime_address_equal: rfc822Name and
 * SmtpUTF8Mailbox SANs, else the subject's emailAddress); --dns and --ip
 * are matched against the subjectAltNames (RFC 6125, wildcards).
 *
 * Output: "VALID" or "INVALID: <reason>" with the chain on standard
 * output, every problem on standard error; with --json one JSON object on
 * standard error and nothing else. Exit status 0 only when the path is
 * valid (and the address bound), 1 when it is not, 2 for usage and I/O
 * errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wax/wax.h>

#include "commands.h"
#include "io.h"

/* Most certificates or CRLs one verification loads from its files. */
#define CLI_MAX_VERIFY_OBJECTS 512
/* Most files per repeatable option. */
#define CLI_MAX_VERIFY_FILES 64
/* Longest subject / issuer text reported. */
#define CLI_MAX_VERIFY_NAME 4096

static const char verify_usage[] =
    "usage: wax cert verify [--purpose smime|smime-sign|smime-encrypt|"
    "tls-server|tls-client|any]\n"
    "                       [--email ADDR] [--dns NAME] [--ip ADDR] "
    "[--max-depth N]\n"
    "                       [--trust FILE]... [--certs FILE]... "
    "[--crl FILE]...\n"
    "                       [--revocation require|prefer|off] [--at TIME] "
    "[--allow-weak]\n"
    "                       [--json] LEAF\n";

/* DER objects loaded from files (owned). */
struct der_set {
    uint8_t *buf[CLI_MAX_VERIFY_OBJECTS];
    const uint8_t *der[CLI_MAX_VERIFY_OBJECTS];
    size_t lens[CLI_MAX_VERIFY_OBJECTS];
    size_t num;
};

struct verify_opts {
    enum wax_path_purpose purpose;
    const char *email, *dns, *ip;
    bool has_max_depth;
    size_t max_depth;
    const char *trust[CLI_MAX_VERIFY_FILES];
    size_t num_trust;
    const char *certs[CLI_MAX_VERIFY_FILES];
    size_t num_certs;
    const char *crls[CLI_MAX_VERIFY_FILES];
    size_t num_crls;
    enum wax_path_revocation revocation;
    bool has_at;
    int64_t at;
    bool allow_weak;
    bool json;
    const char *leaf;
};

static void
der_set_free(struct der_set *s)
{
    for (size_t i = 0; i < s->num; i++) {
        free(s->buf[i]);
    }
    s->num = 0;
}

static wax_err
der_set_add(struct der_set *s, const uint8_t *p, size_t len)
{
    WAX_ENSURE(s->num < CLI_MAX_VERIFY_OBJECTS, WAX_ERR_LIMIT_EXCEEDED);
    uint8_t *copy = malloc(len > 0 ? len : 1);
    WAX_ENSURE(copy != NULL, WAX_ERR_NOMEM);
    memcpy(copy, p, len);
    s->buf[s->num] = copy;
    s->der[s->num] = copy;
    s->lens[s->num] = len;
    s->num++;
    return WAX_OK;
}

/* Loads the certificates (CRLS: the CRLs) of PATH: every PEM block with
 * the right label, or the whole file as one DER object. */
static wax_err
load_file(const char *path, bool crls, struct der_set *out)
{
    struct wax_buf b;
    wax_buf_init(&b, CLI_MAX_SMALL_FILE);
    wax_err err = cli_read_file(path, &b);
    if (err == WAX_OK && !wax_pem_looks_like(b.data, b.len)) {
        err =
            b.len > 0 ? der_set_add(out, b.data, b.len) : WAX_ERR_PEM_NO_OBJECT;
        wax_buf_cleanup(&b);
        return err;
    }
    size_t found = 0;
    struct wax_pem_reader r;
    struct wax_pem_block blk;
    bool present = err == WAX_OK;
    if (err == WAX_OK) {
        wax_pem_reader_init(&r, b.data, b.len);
    }
    while (err == WAX_OK) {
        err = wax_pem_next(&r, &blk, &present);
        if (err != WAX_OK || !present) {
            break;
        }
        bool want = crls ? wax_pem_label_is(&blk, "X509 CRL")
                         : wax_pem_label_is(&blk, "CERTIFICATE") ||
                               wax_pem_label_is(&blk, "X509 CERTIFICATE");
        if (!want) {
            continue;
        }
        size_t cap = wax_pem_decoded_max(&blk) + 1, len = 0;
        uint8_t *der = malloc(cap);
        err =
            der == NULL ? WAX_ERR_NOMEM : wax_pem_decode(&blk, der, cap, &len);
        if (err == WAX_OK) {
            err = der_set_add(out, der, len);
        }
        free(der);
        found++;
    }
    wax_buf_cleanup(&b);
    if (err == WAX_OK && found == 0) {
        err = WAX_ERR_PEM_NO_OBJECT;
    }
    return err;
}

/* ---- arguments --------------------------------------------------- */

static bool
add_path(const char **list, size_t *num, const char *path)
{
    if (*num == CLI_MAX_VERIFY_FILES) {
        return false;
    }
    list[(*num)++] = path;
    return true;
}

/* Parses the size N of --max-depth (decimal, at most 6 digits). */
static bool
parse_count(const char *s, size_t *out)
{
    size_t v = 0, n = 0;
    for (; s[n] != '\0'; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 6) {
            return false;
        }
        v = v * 10 + (size_t)(s[n] - '0');
    }
    *out = v;
    return n > 0;
}

/* "wax: error: MSG 'ARG'" (ARG NULL: MSG alone) and the usage. */
static int
usage_error(const char *msg, const char *arg)
{
    if (arg != NULL) {
        ui_error("%s '%s'", msg, arg);
    } else {
        ui_error("%s", msg);
    }
    fputs(verify_usage, stderr);
    return WAX_EXIT_USAGE;
}

/* Returns -1 to go on, else an exit status. */
static int
parse_args(int argc, char **argv, struct verify_opts *o)
{
    memset(o, 0, sizeof *o);
    o->purpose = WAX_PATH_PURPOSE_SMIME;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (strcmp(a, "--help") == 0) {
            fputs(verify_usage, stdout);
            return WAX_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true, takes = false;
        } else if (strcmp(a, "--allow-weak") == 0) {
            o->allow_weak = true, takes = false;
        } else if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->leaf != NULL) {
                return usage_error("more than one certificate given:", a);
            }
            o->leaf = a;
            takes = false;
        } else if (v == NULL) {
            return usage_error("this option needs a value:", a);
        } else if (strcmp(a, "--purpose") == 0) {
            if (wax_path_purpose_parse(v, &o->purpose) != WAX_OK) {
                return usage_error("unknown purpose", v);
            }
        } else if (strcmp(a, "--email") == 0) {
            o->email = v;
        } else if (strcmp(a, "--dns") == 0) {
            o->dns = v;
        } else if (strcmp(a, "--ip") == 0) {
            o->ip = v;
        } else if (strcmp(a, "--max-depth") == 0) {
            if (!parse_count(v, &o->max_depth)) {
                return usage_error("--max-depth wants a number, not", v);
            }
            o->has_max_depth = true;
        } else if (strcmp(a, "--trust") == 0) {
            if (!add_path(o->trust, &o->num_trust, v)) {
                return usage_error("too many --trust files at", v);
            }
        } else if (strcmp(a, "--certs") == 0) {
            if (!add_path(o->certs, &o->num_certs, v)) {
                return usage_error("too many --certs files at", v);
            }
        } else if (strcmp(a, "--crl") == 0) {
            if (!add_path(o->crls, &o->num_crls, v)) {
                return usage_error("too many --crl files at", v);
            }
        } else if (strcmp(a, "--revocation") == 0) {
            if (wax_path_revocation_parse(v, &o->revocation) != WAX_OK) {
                return usage_error(
                    "--revocation is require, prefer or off, not", v);
            }
        } else if (strcmp(a, "--at") == 0) {
            if (!wax_time_parse_rfc3339(v, &o->at)) {
                return usage_error("--at wants an RFC 3339 time "
                                   "(2024-05-01T12:00:00Z), not",
                                   v);
            }
            o->has_at = true;
        } else {
            return usage_error("unknown option", a);
        }
        if (takes) {
            i++;
        }
    }
    if (o->leaf == NULL) {
        return usage_error("no certificate to verify", NULL);
    }
    if (o->dns != NULL && o->ip != NULL) {
        return usage_error("give --dns or --ip, not both", NULL);
    }
    return -1;
}

/* ---- the report -------------------------------------------------- */

struct chain_info {
    char subject[CLI_MAX_VERIFY_NAME];
    char issuer[CLI_MAX_VERIFY_NAME];
    char sha256[65];
    char serial[2 * WAX_MAX_SERIAL_OCTETS + 8];
};

static void
hex(char *out, const uint8_t *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

static void
describe(const uint8_t *der, size_t len, struct chain_info *ci)
{
    struct wax_x509_cert c;
    size_t n;
    memset(ci, 0, sizeof *ci);
    uint8_t md[32];
    if (wax_digest_compute(WAX_DIGEST_SHA256, md, sizeof md, &n, der, len) ==
        WAX_OK) {
        hex(ci->sha256, md, n);
    }
    if (wax_x509_cert_parse(&c, der, len) != WAX_OK) {
        return;
    }
    if (wax_x509_name_format(c.subject, ci->subject, sizeof ci->subject, &n) !=
        WAX_OK) {
        ci->subject[0] = '\0';
    }
    if (wax_x509_name_format(c.issuer, ci->issuer, sizeof ci->issuer, &n) !=
        WAX_OK) {
        ci->issuer[0] = '\0';
    }
    if (c.serial.len <= WAX_MAX_SERIAL_OCTETS + 1) {
        hex(ci->serial, c.serial.p, c.serial.len);
    }
}

static void
json_str(const char *s)
{
    ui_put_json_string(stderr, (const uint8_t *)s, strlen(s));
}

static void
report_json(const struct verify_opts *o, wax_err err,
            const struct wax_path_result *res, const struct wax_path_diag *d,
            bool bound)
{
    struct chain_info *ci = malloc(sizeof *ci);
    fprintf(stderr, "{\"verdict\": \"%s\"",
            err == WAX_OK ? "VALID" : "INVALID");
    if (err != WAX_OK) {
        fprintf(stderr, ", \"error\": \"%s\"", wax_err_name(err));
    }
    fprintf(stderr, ", \"purpose\": \"%s\"", wax_path_purpose_name(o->purpose));
    fprintf(stderr, ", \"reached_anchor\": %s",
            res->reached_anchor ? "true" : "false");
    fprintf(stderr, ", \"revocation_complete\": %s",
            res->revocation_complete ? "true" : "false");
    fprintf(stderr, ", \"weak\": %s", res->weak ? "true" : "false");
    if (o->email != NULL) {
        fprintf(stderr, ", \"email_match\": %s", bound ? "true" : "false");
    }
    fputs(", \"chain\": [", stderr);
    for (size_t i = 0; i < res->num_certs && ci != NULL; i++) {
        describe(res->certs[i], res->cert_lens[i], ci);
        fputs(i > 0 ? ", {\"subject\": " : "{\"subject\": ", stderr);
        json_str(ci->subject);
        fputs(", \"issuer\": ", stderr);
        json_str(ci->issuer);
        fprintf(stderr, ", \"serial\": \"%s\", \"sha256\": \"%s\"", ci->serial,
                ci->sha256);
        fprintf(stderr, ", \"revocation\": \"%s\"}",
                wax_path_rev_status_name(res->revocation[i]));
    }
    fputs("], \"problems\": [", stderr);
    for (size_t i = 0; i < d->num_problems; i++) {
        fprintf(stderr, "%s{\"certificate\": %zu, \"error\": \"%s\", ",
                i > 0 ? ", " : "", d->problems[i].index,
                wax_err_name(d->problems[i].err));
        fputs("\"message\": ", stderr);
        json_str(wax_err_str(d->problems[i].err));
        fputc('}', stderr);
    }
    fputs("], \"warnings\": [", stderr);
    bool first = true;
    if (err == WAX_OK && !res->revocation_complete &&
        o->revocation != WAX_PATH_REVOCATION_OFF) {
        fputs("\"no CRL for some certificates of the chain\"", stderr);
        first = false;
    }
    if (res->weak) {
        fprintf(stderr, "%s\"weak algorithms or keys accepted (--allow-weak)\"",
                first ? "" : ", ");
    }
    fputs("]}\n", stderr);
    free(ci);
}

static void
report_text(const struct verify_opts *o, wax_err err,
            const struct wax_path_result *res, const struct wax_path_diag *d)
{
    struct chain_info *ci = malloc(sizeof *ci);
    if (err == WAX_OK) {
        printf("VALID\n");
    } else {
        printf("INVALID: %s (%s)\n", wax_err_str(err), wax_err_name(err));
    }
    printf("chain%s:\n", res->reached_anchor ? "" : " (no trust anchor)");
    for (size_t i = 0; i < res->num_certs && ci != NULL; i++) {
        describe(res->certs[i], res->cert_lens[i], ci);
        printf("  %zu ", i);
        ui_put_escaped(stdout, (const uint8_t *)ci->subject,
                       strlen(ci->subject));
        if (res->reached_anchor && i + 1 < res->num_certs &&
            o->revocation != WAX_PATH_REVOCATION_OFF) {
            printf(" [revocation: %s]",
                   wax_path_rev_status_name(res->revocation[i]));
        }
        putchar('\n');
    }
    for (size_t i = 0; i < d->num_problems; i++) {
        ui_error("certificate %zu: %s (%s)", d->problems[i].index,
                 wax_err_str(d->problems[i].err),
                 wax_err_name(d->problems[i].err));
    }
    if (err == WAX_OK && !res->revocation_complete &&
        o->revocation != WAX_PATH_REVOCATION_OFF) {
        ui_warning("no CRL for some certificates of the chain (revocation "
                   "not checked for them; --crl, --revocation require)");
    }
    if (res->weak) {
        ui_warning("weak algorithms or keys accepted (--allow-weak)");
    }
    free(ci);
}

/* --email: the address of SECURITY.md rule 5. */
static bool
email_bound(const struct verify_opts *o, const uint8_t *der, size_t len)
{
    struct wax_x509_cert c;
    char(*addrs)[WAX_MAX_SMIME_ADDRESS + 1] =
        calloc(WAX_MAX_SMIME_EMAILS, sizeof *addrs);
    size_t num = 0;
    bool bound = false;
    if (addrs != NULL && wax_x509_cert_parse(&c, der, len) == WAX_OK &&
        wax_smime_cert_emails(addrs, WAX_MAX_SMIME_EMAILS, &num, &c) ==
            WAX_OK) {
        for (size_t i = 0; i < num && !bound; i++) {
            bound = wax_smime_address_equal(addrs[i], o->email);
        }
    }
    free(addrs);
    return bound;
}

/* ---- the command ------------------------------------------------- */

struct verify_state {
    struct verify_opts o;
    struct der_set leaf, anchors, untrusted, crls;
    struct wax_path_input in;
    struct wax_path_result res;
    struct wax_path_diag diag;
};

static int
load_all(struct verify_state *s)
{
    struct {
        const char *const *paths;
        size_t num;
        bool crl;
        struct der_set *set;
    } groups[] = {
        {&s->o.leaf, 1, false, &s->leaf},
        {s->o.trust, s->o.num_trust, false, &s->anchors},
        {s->o.certs, s->o.num_certs, false, &s->untrusted},
        {s->o.crls, s->o.num_crls, true, &s->crls},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (size_t i = 0; i < groups[g].num; i++) {
            const char *path = groups[g].paths[i];
            wax_err err = load_file(path, groups[g].crl, groups[g].set);
            if (err != WAX_OK) {
                if (err == WAX_ERR_CLI_FILE) {
                    ui_error("%s: %s", path, strerror(errno));
                } else {
                    ui_error_code(err, path);
                }
                return WAX_EXIT_USAGE;
            }
        }
    }
    return -1;
}

int
cmd_cert_verify(int argc, char **argv)
{
    struct verify_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        ui_error("out of memory");
        return WAX_EXIT_USAGE;
    }
    int status = parse_args(argc, argv, &s->o);
    if (status < 0) {
        status = load_all(s);
    }
    if (status >= 0) {
        der_set_free(&s->leaf);
        der_set_free(&s->anchors);
        der_set_free(&s->untrusted);
        der_set_free(&s->crls);
        free(s);
        return status;
    }
    /* the leaf file's other certificates are intermediates */
    for (size_t i = 1; i < s->leaf.num && status < 0; i++) {
        if (der_set_add(&s->untrusted, s->leaf.der[i], s->leaf.lens[i]) !=
            WAX_OK) {
            ui_error("too many certificates");
            status = WAX_EXIT_USAGE;
        }
    }
    struct wax_path_input *in = &s->in;
    in->leaf = s->leaf.der[0];
    in->leaf_len = s->leaf.lens[0];
    in->anchors = (struct wax_path_certs){s->anchors.der, s->anchors.lens,
                                          s->anchors.num};
    in->untrusted = (struct wax_path_certs){s->untrusted.der, s->untrusted.lens,
                                            s->untrusted.num};
    in->crls = (struct wax_path_certs){s->crls.der, s->crls.lens, s->crls.num};
    in->time = s->o.has_at ? s->o.at : (int64_t)time(NULL);
    in->purpose = s->o.purpose;
    in->allow_weak = s->o.allow_weak;
    in->revocation = s->o.revocation;
    in->has_max_intermediates = s->o.has_max_depth;
    in->max_intermediates = s->o.max_depth;
    in->dns_name = s->o.dns;
    in->ip_address = s->o.ip;
    in->diag = &s->diag;
    wax_err err =
        status < 0 ? wax_path_validate(in, &s->res) : WAX_ERR_LIMIT_EXCEEDED;
    if (err == WAX_ERR_INVALID_ARGUMENT &&
        (s->o.dns != NULL || s->o.ip != NULL)) {
        ui_error("--dns / --ip: not a DNS name or an IP address");
        status = WAX_EXIT_USAGE;
    }
    bool bound = true;
    if (err == WAX_OK && s->o.email != NULL) {
        bound = email_bound(&s->o, in->leaf, in->leaf_len);
        if (!bound) {
            /* the one problem of an otherwise valid path */
            err = WAX_ERR_PATH_NAME_MISMATCH;
            s->diag.problems[0].index = 0;
            s->diag.problems[0].err = err;
            s->diag.num_problems = 1;
        }
    }
    if (status < 0) {
        if (s->o.json) {
            report_json(&s->o, err, &s->res, &s->diag, bound);
        } else {
            report_text(&s->o, err, &s->res, &s->diag);
            if (s->anchors.num == 0 && err != WAX_OK) {
                ui_hint("no trust anchor was given: --trust FILE");
            }
        }
        status = err == WAX_OK ? WAX_EXIT_OK : WAX_EXIT_REJECTED;
        if (fflush(stdout) != 0) {
            status = WAX_EXIT_USAGE;
        }
    }
    der_set_free(&s->leaf);
    der_set_free(&s->anchors);
    der_set_free(&s->untrusted);
    der_set_free(&s->crls);
    free(s);
    return status;
}
