/*
 * tools/wax-mkcert - make a throwaway certificate and key with libwax's own
 * DER builder (the pki layer), for the demo and the test suites: no
 * `openssl` command needed. Keys are written unencrypted; this is a test
 * and demo tool, not a CA.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/pki.h>
#include <wax/util.h>
#include <wax/x509.h>

/* Largest input file (certificate or key). */
#define MKCERT_MAX_FILE (1u << 20)
/* How far notBefore is set back from now, for clocks a little behind. */
#define MKCERT_BACKDATE 300
#define MKCERT_DEFAULT_DAYS 365
#define MKCERT_MAX_DAYS 36500

static const char usage_text[] =
    "usage: wax-mkcert --subject DN [--email ADDR]... [--ca]\n"
    "                  [--profile sign|encrypt|dual|ca]\n"
    "                  [--key rsa2048|rsa3072|rsa4096|p256|p384|p521|ed25519|"
    "x25519]\n"
    "                  [--subject-key FILE] [--issuer CERT --issuer-key KEY]\n"
    "                  [--days N] [--not-before TIME] [--not-after TIME]\n"
    "                  [--path-len N] [--crl-url URI]\n"
    "                  --out-cert FILE [--out-key FILE]\n"
    "       wax-mkcert --subject DN [--email ADDR]... [--usage sign|encrypt|"
    "both]\n"
    "                  [--key TYPE | --subject-key FILE] --out-req FILE\n"
    "                  [--out-key FILE]\n"
    "       wax-mkcert --from-req REQ [--profile sign|encrypt|dual]\n"
    "                  --issuer CERT --issuer-key KEY [--days N] [--crl-url "
    "URI]\n"
    "                  --out-cert FILE\n"
    "       wax-mkcert --out-crl FILE --issuer CERT --issuer-key KEY\n"
    "                  [--revoke CERT]... [--reason R] [--crl-number N] "
    "[--days N]\n"
    "\n"
    "Makes an X.509 v3 certificate with libwax (no openssl command needed).\n"
    "THIS IS A TEST AND DEMO TOOL: the private key is written as plain,\n"
    "unencrypted PEM PKCS#8 (mode 0600). Do not use it for real keys.\n"
    "\n"
    "  --subject DN        RFC 4514 \"CN=Alice,O=Example,C=DE\" or OpenSSL\n"
    "                      \"/C=DE/O=Example/CN=Alice\" (\"\" with --email: "
    "an\n"
    "                      empty subject)\n"
    "  --email ADDR        subjectAltName email (repeatable; non-ASCII local\n"
    "                      parts become SmtpUTF8Mailbox)\n"
    "  --ca                same as --profile ca\n"
    "  --profile P         ca (keyCertSign, cRLSign), sign (digitalSignature,\n"
    "                      nonRepudiation), encrypt (keyEncipherment for RSA,\n"
    "                      keyAgreement for EC/X25519), dual (both); every\n"
    "                      profile has EKU emailProtection. Default: ca with\n"
    "                      --ca, else dual\n"
    "  --key TYPE          key to generate (default rsa2048)\n"
    "  --subject-key FILE  use this existing private key instead\n"
    "  --issuer CERT       issuing CA certificate (PEM or DER); with\n"
    "  --issuer-key KEY    its private key. Without both: self-signed\n"
    "  --days N            validity in days from now (default 365); notBefore\n"
    "                      is 5 minutes ago\n"
    "  --not-before TIME   RFC 3339 time, e.g. 2020-01-01T00:00:00Z\n"
    "  --not-after TIME    RFC 3339 time (overrides --days)\n"
    "  --path-len N        pathLenConstraint of a CA certificate\n"
    "  --crl-url URI       cRLDistributionPoints URI\n"
    "  --out-cert FILE     where the PEM certificate goes\n"
    "  --out-key FILE      where the PEM PKCS#8 key goes (required unless\n"
    "                      --subject-key is given)\n"
    "  --out-req FILE      make a PKCS#10 request (PEM) instead, for the key\n"
    "                      usage --usage asks (default both)\n"
    "  --from-req REQ      issue from this request (PEM or DER): its subject,\n"
    "                      key and emails; the profile decides key usage\n"
    "  --out-crl FILE      make a CRL (PEM) of the --issuer instead: the\n"
    "                      --revoke certificates (revoked now) with reason\n"
    "                      --reason (RFC 5280 name, e.g. keyCompromise),\n"
    "                      cRLNumber --crl-number (default 1), nextUpdate in\n"
    "                      --days (default 30)\n"
    "\n"
    "Exit status: 0 success, 1 libwax refused (error code printed), 2 usage\n"
    "or file error.\n";

struct options {
    const char *subject;
    const char *emails[WAX_MAX_PKI_EMAILS];
    size_t num_emails;
    const char *profile;
    bool ca_flag;
    const char *key_type;
    const char *subject_key_file;
    const char *issuer_file;
    const char *issuer_key_file;
    const char *days;
    const char *not_before;
    const char *not_after;
    const char *path_len;
    const char *crl_url;
    const char *out_cert;
    const char *out_key;
    const char *out_req;
    const char *usage;
    const char *from_req;
    const char *out_crl;
    const char *crl_number;
    const char *reason;
    const char *revoke[WAX_MAX_PKI_EMAILS];
    size_t num_revoke;
};

static int
usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "wax-mkcert: error: %s%s%s\n", msg, arg ? ": " : "",
            arg ? arg : "");
    fprintf(stderr, "wax-mkcert: hint: run wax-mkcert --help\n");
    return 2;
}

static int
wax_error(const char *what, wax_err err)
{
    fprintf(stderr, "wax-mkcert: error: %s: %s (%s)\n", what, wax_err_str(err),
            wax_err_name(err));
    return 1;
}

/* parse_uint reads a decimal number up to MAX. */
static bool
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max) {
            return false;
        }
    }
    *out = v;
    return true;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
    static const struct {
        const char *name;
        size_t offset;
    } value_opts[] = {
        {"--subject", offsetof(struct options, subject)},
        {"--profile", offsetof(struct options, profile)},
        {"--key", offsetof(struct options, key_type)},
        {"--subject-key", offsetof(struct options, subject_key_file)},
        {"--issuer", offsetof(struct options, issuer_file)},
        {"--issuer-key", offsetof(struct options, issuer_key_file)},
        {"--days", offsetof(struct options, days)},
        {"--not-before", offsetof(struct options, not_before)},
        {"--not-after", offsetof(struct options, not_after)},
        {"--path-len", offsetof(struct options, path_len)},
        {"--crl-url", offsetof(struct options, crl_url)},
        {"--out-cert", offsetof(struct options, out_cert)},
        {"--out-key", offsetof(struct options, out_key)},
        {"--out-req", offsetof(struct options, out_req)},
        {"--usage", offsetof(struct options, usage)},
        {"--from-req", offsetof(struct options, from_req)},
        {"--out-crl", offsetof(struct options, out_crl)},
        {"--crl-number", offsetof(struct options, crl_number)},
        {"--reason", offsetof(struct options, reason)},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (strcmp(a, "--ca") == 0) {
            o->ca_flag = true;
            continue;
        }
        if (i + 1 >= argc) {
            return usage_error("unknown option or missing value", a);
        }
        if (strcmp(a, "--email") == 0) {
            if (o->num_emails == WAX_MAX_PKI_EMAILS) {
                return usage_error("too many --email options", NULL);
            }
            o->emails[o->num_emails++] = argv[++i];
            continue;
        }
        if (strcmp(a, "--revoke") == 0) {
            if (o->num_revoke == WAX_MAX_PKI_EMAILS) {
                return usage_error("too many --revoke options", NULL);
            }
            o->revoke[o->num_revoke++] = argv[++i];
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < sizeof value_opts / sizeof value_opts[0]; k++) {
            if (strcmp(a, value_opts[k].name) == 0) {
                const char **slot =
                    (const char **)((char *)o + value_opts[k].offset);
                if (*slot != NULL) {
                    return usage_error("option given twice", a);
                }
                *slot = argv[++i];
                found = true;
                break;
            }
        }
        if (!found) {
            return usage_error("unknown option", a);
        }
    }
    if ((o->out_req != NULL) + (o->from_req != NULL) + (o->out_crl != NULL) >
        1) {
        return usage_error("--out-req, --from-req and --out-crl exclude each "
                           "other",
                           NULL);
    }
    if ((o->from_req != NULL || o->out_crl != NULL) && o->issuer_file == NULL) {
        return usage_error("--from-req and --out-crl need --issuer", NULL);
    }
    if (o->out_crl != NULL || o->from_req != NULL) {
        if ((o->issuer_file == NULL) != (o->issuer_key_file == NULL)) {
            return usage_error("--issuer and --issuer-key go together", NULL);
        }
        if (o->from_req != NULL && o->out_cert == NULL) {
            return usage_error("--out-cert is required", NULL);
        }
        return 0;
    }
    if (o->subject == NULL) {
        return usage_error("--subject is required", NULL);
    }
    if (o->out_cert == NULL && o->out_req == NULL) {
        return usage_error("--out-cert is required", NULL);
    }
    if (o->out_key == NULL && o->subject_key_file == NULL) {
        return usage_error("--out-key is required (or --subject-key)", NULL);
    }
    if ((o->issuer_file == NULL) != (o->issuer_key_file == NULL)) {
        return usage_error("--issuer and --issuer-key go together", NULL);
    }
    if (o->key_type != NULL && o->subject_key_file != NULL) {
        return usage_error("--key and --subject-key exclude each other", NULL);
    }
    if (o->days != NULL && o->not_after != NULL) {
        return usage_error("--days and --not-after exclude each other", NULL);
    }
    if (o->ca_flag && o->profile != NULL && strcmp(o->profile, "ca") != 0) {
        return usage_error("--ca contradicts --profile", o->profile);
    }
    return 0;
}

/* read_file reads a whole file of at most MKCERT_MAX_FILE bytes. */
static uint8_t *
read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "wax-mkcert: error: cannot open %s: %s\n", path,
                strerror(errno));
        return NULL;
    }
    uint8_t *data = malloc(MKCERT_MAX_FILE + 1);
    size_t len = data != NULL ? fread(data, 1, MKCERT_MAX_FILE + 1, f) : 0;
    bool bad = data == NULL || ferror(f) || len > MKCERT_MAX_FILE;
    fclose(f);
    if (bad) {
        fprintf(stderr,
                "wax-mkcert: error: cannot read %s (or over %u "
                "bytes)\n",
                path, MKCERT_MAX_FILE);
        free(data);
        return NULL;
    }
    *out_len = len;
    return data;
}

/* write_file writes DATA to PATH (created with MODE, truncated). */
static bool
write_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        fprintf(stderr, "wax-mkcert: error: cannot create %s: %s\n", path,
                strerror(errno));
        return false;
    }
    /* An existing file keeps its mode through O_TRUNC: a key file must
     * not stay readable by others. */
    if ((mode & 077) == 0 && fchmod(fd, mode) != 0) {
        fprintf(stderr, "wax-mkcert: error: cannot chmod %s: %s\n", path,
                strerror(errno));
        close(fd);
        return false;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "wax-mkcert: error: cannot write %s: %s\n", path,
                    strerror(errno));
            close(fd);
            return false;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fprintf(stderr, "wax-mkcert: error: cannot write %s: %s\n", path,
                strerror(errno));
        return false;
    }
    return true;
}

/* load_der turns a PEM (first block labelled LABEL) or DER file into DER
 * in OUT. */
static wax_err
load_der(struct wax_buf *out, const uint8_t *data, size_t len,
         const char *label)
{
    if (!wax_pem_looks_like(data, len)) {
        return wax_buf_append(out, data, len);
    }
    struct wax_pem_reader r;
    struct wax_pem_block block;
    bool present = true;
    wax_pem_reader_init(&r, data, len);
    while (true) {
        WAX_TRY(wax_pem_next(&r, &block, &present));
        WAX_ENSURE(present, WAX_ERR_PEM_NO_OBJECT);
        if (wax_pem_label_is(&block, label)) {
            break;
        }
    }
    size_t max = wax_pem_decoded_max(&block), n;
    uint8_t *p;
    WAX_TRY(wax_buf_reserve(out, max, &p));
    WAX_TRY(wax_pem_decode(&block, p, max, &n));
    wax_buf_advance(out, n);
    return WAX_OK;
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
        {"p384", WAX_KEYGEN_P384},       {"p521", WAX_KEYGEN_P521},
        {"ed25519", WAX_KEYGEN_ED25519}, {"x25519", WAX_KEYGEN_X25519},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(name, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    }
    return false;
}

static bool
profile_kind(const char *name, enum wax_pki_profile *out)
{
    static const struct {
        const char *name;
        enum wax_pki_profile profile;
    } profiles[] = {
        {"ca", WAX_PKI_PROFILE_CA},
        {"sign", WAX_PKI_PROFILE_SIGN},
        {"encrypt", WAX_PKI_PROFILE_ENCRYPT},
        {"dual", WAX_PKI_PROFILE_DUAL},
    };
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        if (strcmp(name, profiles[i].name) == 0) {
            *out = profiles[i].profile;
            return true;
        }
    }
    return false;
}

/* load_key reads a private key file (plain PEM or DER). */
static int
load_key(const char *path, struct wax_privkey **out)
{
    size_t len;
    uint8_t *data = read_file(path, &len);
    if (data == NULL) {
        return 2;
    }
    wax_err err = wax_privkey_load(out, data, len, NULL);
    wax_wipe(data, len);
    free(data);
    if (err != WAX_OK) {
        fprintf(stderr, "wax-mkcert: error: %s: %s (%s)\n", path,
                wax_err_str(err), wax_err_name(err));
        return 1;
    }
    return 0;
}

/* The state of one run, freed at the end whatever happened. */
struct run {
    struct options opt;
    struct wax_privkey *subject_priv;
    struct wax_privkey *issuer_priv;
    struct wax_pubkey *subject_pub;
    struct wax_buf subject_der;
    struct wax_buf issuer_der;
    struct wax_buf cert_der;
    struct wax_buf cert_pem;
    struct wax_buf key_der;
    struct wax_buf key_pem;
};

static int
set_validity(const struct options *o, struct wax_pki_cert_template *t)
{
    int64_t now = (int64_t)time(NULL);
    uint64_t days = MKCERT_DEFAULT_DAYS;
    t->not_before = now - MKCERT_BACKDATE;
    if (o->not_before != NULL &&
        !wax_time_parse_rfc3339(o->not_before, &t->not_before)) {
        return usage_error("--not-before is not an RFC 3339 time",
                           o->not_before);
    }
    if (o->days != NULL && !parse_uint(o->days, MKCERT_MAX_DAYS, &days)) {
        return usage_error("--days wants a number of days", o->days);
    }
    t->not_after = now + (int64_t)days * 86400;
    if (o->not_after != NULL &&
        !wax_time_parse_rfc3339(o->not_after, &t->not_after)) {
        return usage_error("--not-after is not an RFC 3339 time", o->not_after);
    }
    return 0;
}

/* load_file_der reads PATH (PEM block LABEL, or DER) into OUT. */
static int
load_file_der(const char *path, const char *label, struct wax_buf *out)
{
    size_t len;
    uint8_t *data = read_file(path, &len);
    if (data == NULL) {
        return 2;
    }
    wax_err err = load_der(out, data, len, label);
    free(data);
    return err == WAX_OK ? 0 : wax_error(path, err);
}

/* load_issuer reads --issuer and --issuer-key. */
static int
load_issuer(struct run *r)
{
    int rc = load_file_der(r->opt.issuer_file, "CERTIFICATE", &r->issuer_der);
    if (rc != 0) {
        return rc;
    }
    return load_key(r->opt.issuer_key_file, &r->issuer_priv);
}

/* write_pem writes DER under LABEL to PATH. */
static int
write_pem(const char *path, const char *label, const struct wax_buf *der)
{
    struct wax_buf pem;
    wax_buf_init(&pem, 2 * der->len + 256);
    wax_err err = wax_pki_pem_write(&pem, label, der->data, der->len);
    int rc = err != WAX_OK ? wax_error("PEM output", err)
             : write_file(path, pem.data, pem.len, 0644) ? 0
                                                         : 2;
    wax_buf_cleanup(&pem);
    return rc;
}

/* make_req: --out-req, a request for the subject key (and its key). */
static int
make_req(struct run *r)
{
    const struct options *o = &r->opt;
    enum wax_pki_usage usage = WAX_PKI_USAGE_BOTH;
    if (o->usage != NULL && wax_pki_usage_parse(o->usage, &usage) != WAX_OK) {
        return usage_error("unknown --usage", o->usage);
    }
    struct wax_buf req;
    wax_buf_init(&req, WAX_MAX_PKI_REQ_BYTES);
    wax_err err =
        wax_pki_req_make(&req, r->subject_der.data, r->subject_der.len,
                         o->emails, o->num_emails, usage, r->subject_priv);
    int rc = err != WAX_OK ? wax_error("making the request", err) : 0;
    if (rc == 0 && o->out_key != NULL) {
        err = wax_privkey_to_pkcs8(r->subject_priv, &r->key_der);
        if (err == WAX_OK) {
            err = wax_pki_pem_write(&r->key_pem, "PRIVATE KEY", r->key_der.data,
                                    r->key_der.len);
        }
        if (err != WAX_OK) {
            rc = wax_error("PEM output", err);
        } else if (!write_file(o->out_key, r->key_pem.data, r->key_pem.len,
                               0600)) {
            rc = 2;
        }
    }
    if (rc == 0) {
        rc = write_pem(o->out_req, "CERTIFICATE REQUEST", &req);
    }
    wax_buf_cleanup(&req);
    return rc;
}

/* make_from_req: --from-req, a certificate from a request. */
static int
make_from_req(struct run *r)
{
    const struct options *o = &r->opt;
    struct wax_pki_cert_template t;
    enum wax_pki_profile profile = WAX_PKI_PROFILE_DUAL;
    struct wax_buf req;
    int rc;
    if (o->profile != NULL && !profile_kind(o->profile, &profile)) {
        return usage_error("unknown --profile", o->profile);
    }
    wax_pki_cert_template_init(&t);
    if ((rc = set_validity(o, &t)) != 0 || (rc = load_issuer(r)) != 0) {
        return rc;
    }
    wax_buf_init(&req, MKCERT_MAX_FILE);
    rc = load_file_der(o->from_req, "CERTIFICATE REQUEST", &req);
    if (rc == 0) {
        wax_err err = wax_pki_cert_from_req(
            &r->cert_der, req.data, req.len, profile, t.not_before, t.not_after,
            o->crl_url, r->issuer_priv, r->issuer_der.data, r->issuer_der.len);
        rc = err != WAX_OK
                 ? wax_error("issuing from the request", err)
                 : write_pem(o->out_cert, "CERTIFICATE", &r->cert_der);
    }
    wax_buf_cleanup(&req);
    return rc;
}

/* make_crl: --out-crl, a CRL revoking the --revoke certificates now. */
static int
make_crl(struct run *r)
{
    const struct options *o = &r->opt;
    struct wax_pki_crl_entry entries[WAX_MAX_PKI_EMAILS];
    struct wax_buf certs[WAX_MAX_PKI_EMAILS];
    uint64_t number = 1, days = 30;
    enum wax_crl_reason reason = WAX_CRL_REASON_UNSPECIFIED;
    int64_t now = (int64_t)time(NULL);
    wax_err err;
    int rc;
    if (o->crl_number != NULL &&
        !parse_uint(o->crl_number, UINT64_MAX / 10, &number)) {
        return usage_error("--crl-number wants a number", o->crl_number);
    }
    if (o->days != NULL && !parse_uint(o->days, MKCERT_MAX_DAYS, &days)) {
        return usage_error("--days wants a number of days", o->days);
    }
    if (o->reason != NULL &&
        (err = wax_pki_crl_reason_parse(o->reason, &reason)) != WAX_OK) {
        return wax_error("--reason", err);
    }
    if ((rc = load_issuer(r)) != 0) {
        return rc;
    }
    size_t n = 0;
    for (; n < o->num_revoke && rc == 0; n++) {
        struct wax_x509_cert *c = malloc(sizeof *c);
        wax_buf_init(&certs[n], MKCERT_MAX_FILE);
        rc = c == NULL ? 2
                       : load_file_der(o->revoke[n], "CERTIFICATE", &certs[n]);
        if (rc == 0 && (err = wax_x509_cert_parse(c, certs[n].data,
                                                  certs[n].len)) != WAX_OK) {
            rc = wax_error(o->revoke[n], err);
        }
        if (rc == 0) {
            entries[n].serial = c->serial.p;
            entries[n].serial_len = c->serial.len;
            entries[n].revocation_time = now - MKCERT_BACKDATE;
            entries[n].has_reason = o->reason != NULL;
            entries[n].reason = reason;
        }
        free(c);
    }
    if (rc == 0) {
        struct wax_buf crl;
        wax_buf_init(&crl, WAX_MAX_PKI_CRL_BYTES);
        err = wax_pki_crl_make(&crl, r->issuer_der.data, r->issuer_der.len,
                               r->issuer_priv, number, now - MKCERT_BACKDATE,
                               now + (int64_t)days * 86400, entries, n);
        rc = err != WAX_OK ? wax_error("making the CRL", err)
                           : write_pem(o->out_crl, "X509 CRL", &crl);
        wax_buf_cleanup(&crl);
    }
    for (size_t i = 0; i < n; i++) {
        wax_buf_cleanup(&certs[i]);
    }
    return rc;
}

static int
make(struct run *r)
{
    const struct options *o = &r->opt;
    struct wax_pki_cert_template t;
    enum wax_pki_profile profile = WAX_PKI_PROFILE_DUAL;
    enum wax_keygen kind = WAX_KEYGEN_RSA2048;
    wax_err err;
    int rc;

    if (o->from_req != NULL) {
        return make_from_req(r);
    }
    if (o->out_crl != NULL) {
        return make_crl(r);
    }
    wax_pki_cert_template_init(&t);
    if (o->ca_flag) {
        profile = WAX_PKI_PROFILE_CA;
    }
    if (o->profile != NULL && !profile_kind(o->profile, &profile)) {
        return usage_error("unknown --profile", o->profile);
    }
    if (o->key_type != NULL && !key_kind(o->key_type, &kind)) {
        return usage_error("unknown --key", o->key_type);
    }
    if ((rc = set_validity(o, &t)) != 0) {
        return rc;
    }

    /* The subject key. */
    if (o->subject_key_file != NULL) {
        if ((rc = load_key(o->subject_key_file, &r->subject_priv)) != 0) {
            return rc;
        }
    } else if ((err = wax_privkey_generate(&r->subject_priv, kind)) != WAX_OK) {
        return wax_error("key generation", err);
    }
    if ((err = wax_privkey_public(r->subject_priv, &r->subject_pub)) !=
        WAX_OK) {
        return wax_error("public key", err);
    }

    /* The issuer. */
    const struct wax_privkey *signer = r->subject_priv;
    if (o->issuer_file != NULL && o->out_req == NULL) {
        if ((rc = load_issuer(r)) != 0) {
            return rc;
        }
        signer = r->issuer_priv;
    }

    /* The template. */
    err = wax_pki_dn_parse(&r->subject_der, o->subject, strlen(o->subject));
    if (err != WAX_OK) {
        return wax_error("--subject", err);
    }
    t.subject = r->subject_der.data;
    t.subject_len = r->subject_der.len;
    if (o->out_req != NULL) {
        return make_req(r);
    }
    if ((err = wax_pki_cert_template_profile(&t, profile, r->subject_pub)) !=
        WAX_OK) {
        return wax_error("--profile for this key", err);
    }
    t.emails = o->emails;
    t.num_emails = o->num_emails;
    t.crl_uri = o->crl_url;
    if (o->path_len != NULL) {
        if (!parse_uint(o->path_len, 255, &t.path_len)) {
            return usage_error("--path-len wants a number", o->path_len);
        }
        t.has_path_len = true;
    }

    err = wax_pki_cert_make(&r->cert_der, &t, signer,
                            o->issuer_file ? r->issuer_der.data : NULL,
                            r->issuer_der.len, r->subject_pub);
    if (err != WAX_OK) {
        return wax_error("making the certificate", err);
    }
    err = wax_pki_pem_write(&r->cert_pem, "CERTIFICATE", r->cert_der.data,
                            r->cert_der.len);
    if (err == WAX_OK && o->out_key != NULL) {
        err = wax_privkey_to_pkcs8(r->subject_priv, &r->key_der);
        if (err == WAX_OK) {
            err = wax_pki_pem_write(&r->key_pem, "PRIVATE KEY", r->key_der.data,
                                    r->key_der.len);
        }
    }
    if (err != WAX_OK) {
        return wax_error("PEM output", err);
    }
    if (o->out_key != NULL &&
        !write_file(o->out_key, r->key_pem.data, r->key_pem.len, 0600)) {
        return 2;
    }
    if (!write_file(o->out_cert, r->cert_pem.data, r->cert_pem.len, 0644)) {
        return 2;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct run r = {0};
    int rc = parse_args(argc, argv, &r.opt);
    if (rc != 0) {
        return rc;
    }
    wax_buf_init(&r.subject_der, WAX_MAX_PKI_NAME_BYTES);
    wax_buf_init(&r.issuer_der, MKCERT_MAX_FILE);
    wax_buf_init(&r.cert_der, WAX_MAX_PKI_CERT_BYTES);
    wax_buf_init(&r.cert_pem, 2 * WAX_MAX_PKI_CERT_BYTES);
    wax_buf_init_secret(&r.key_der, MKCERT_MAX_FILE);
    wax_buf_init_secret(&r.key_pem, 2 * MKCERT_MAX_FILE);
    rc = make(&r);
    wax_buf_cleanup(&r.subject_der);
    wax_buf_cleanup(&r.issuer_der);
    wax_buf_cleanup(&r.cert_der);
    wax_buf_cleanup(&r.cert_pem);
    wax_buf_cleanup(&r.key_der);
    wax_buf_cleanup(&r.key_pem);
    wax_pubkey_free(r.subject_pub);
    wax_privkey_free(r.subject_priv);
    wax_privkey_free(r.issuer_priv);
    return rc;
}
