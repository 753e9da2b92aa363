/*
 * -i identities: PKCS#12 files and PEM files with a private key and
 * certificates, their passwords (--pass, or a prompt without echo), and
 * the matching of keys to certificates.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

#define PASS_HINT                                                              \
    "give the password with --pass env:VAR, --pass file:PATH or --pass "       \
    "pass:TEXT"
#define ID_HINT                                                                \
    "-i takes a PKCS#12 file, or a PEM file with the private key and its "     \
    "certificate"
/* Password prompts before giving up on one file. */
#define CLI_MAX_PROMPTS 3

/* ------------------------------------------------------------------ */
/* Store references (a later issue) and passwords.                     */

/* is_store_ref: S names no file and looks like an address or a
 * certificate fingerprint (hex, colons allowed). */
static bool
is_store_ref(const char *s)
{
    if (access(s, F_OK) == 0) {
        return false;
    }
    if (strchr(s, '@') != NULL) {
        return true;
    }
    size_t hex = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
            (*p >= 'A' && *p <= 'F')) {
            hex++;
        } else if (*p != ':') {
            return false;
        }
    }
    return hex == 40 || hex == 64;
}

int
cli_store_ref_error(struct cli_ctx *ctx, const char *ref, const char *hint)
{
    return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_STORE_UNAVAILABLE, hint,
                    "'%s' is not a file", ref);
}

bool
cli_is_store_ref(const char *s)
{
    return is_store_ref(s);
}

struct password {
    char text[CLI_MAX_PASSWORD + 1];
    bool given; /* from --pass */
};

static void
password_wipe(struct password *pw)
{
    wax_wipe(pw->text, sizeof pw->text);
}

/* prompt reads a password from the terminal without echo; only when
 * standard input is a terminal (otherwise scripts would hang). */
static wax_err
prompt(const char *path, char *out, size_t out_cap)
{
    WAX_ENSURE(isatty(STDIN_FILENO), WAX_ERR_CLI_NO_PASSWORD);
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    WAX_ENSURE(fd >= 0, WAX_ERR_CLI_NO_PASSWORD);
    FILE *tty = fdopen(fd, "r+");
    if (tty == NULL) {
        close(fd);
        return WAX_ERR_CLI_NO_PASSWORD;
    }
    setvbuf(tty, NULL, _IONBF, 0);
    fputs("wax: password for '", tty);
    ui_put_escaped(tty, (const uint8_t *)path, strlen(path));
    fputs("': ", tty);
    struct termios old, noecho;
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        noecho.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &noecho);
    }
    size_t len = 0;
    wax_err err = WAX_OK;
    for (;;) {
        int c = fgetc(tty);
        if (c == EOF && len == 0) {
            err = WAX_ERR_CLI_NO_PASSWORD;
            break;
        }
        if (c == EOF || c == '\n' || c == '\r') {
            break;
        }
        if (len + 1 >= out_cap) {
            err = WAX_ERR_LIMIT_EXCEEDED;
            continue; /* swallow the rest of the line */
        }
        out[len++] = (char)c;
    }
    out[len < out_cap ? len : out_cap - 1] = '\0';
    if (restore) {
        tcsetattr(fd, TCSAFLUSH, &old);
    }
    fclose(tty);
    if (err != WAX_OK) {
        wax_wipe(out, out_cap);
    }
    return err;
}

wax_err
cli_prompt_password(const char *what, char *out, size_t cap)
{
    return prompt(what, out, cap);
}

/* A loader tried with one password: WAX_ERR_CRYPTO_BAD_PASSWORD asks for
 * another. */
typedef wax_err (*load_fn)(void *state, const char *password);

/*
 * with_password runs LOAD with --pass, or with no password and then with
 * prompted ones. Reports the error itself; returns -1 on success, or
 * CLI_QUIET_FAILURE when the first try fails with QUIET_ERR (WAX_OK:
 * none).
 */
/* Returned by with_password for QUIET_ERR on the first try (unreported). */
#define CLI_QUIET_FAILURE (-2)

static int
with_password(struct cli_ctx *ctx, const char *path, struct password *pw,
              load_fn load, void *state, wax_err quiet_err)
{
    wax_err err = load(state, pw->given ? pw->text : NULL);
    if (quiet_err != WAX_OK && err == quiet_err) {
        return CLI_QUIET_FAILURE;
    }
    if (err == WAX_ERR_CRYPTO_BAD_PASSWORD && pw->given) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err,
                        "check the password given with --pass", "identity '%s'",
                        path);
    }
    for (int i = 0; err == WAX_ERR_CRYPTO_BAD_PASSWORD && i < CLI_MAX_PROMPTS;
         i++) {
        char typed[CLI_MAX_PASSWORD + 1];
        wax_err perr = prompt(path, typed, sizeof typed);
        if (perr != WAX_OK) {
            wax_wipe(typed, sizeof typed);
            if (i == 0 && perr == WAX_ERR_CLI_NO_PASSWORD) {
                return cli_fail(ctx, WAX_EXIT_USAGE, perr, PASS_HINT,
                                "identity '%s' is protected by a password",
                                path);
            }
            return cli_fail(ctx, WAX_EXIT_USAGE, perr, PASS_HINT,
                            "identity '%s'", path);
        }
        err = load(state, typed);
        wax_wipe(typed, sizeof typed);
    }
    if (err != WAX_OK) {
        return cli_fail(ctx, WAX_EXIT_USAGE, err, ID_HINT, "identity '%s'",
                        path);
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Loading one file.                                                   */

struct pkcs12_state {
    const uint8_t *der;
    size_t len;
    struct wax_pkcs12_contents contents;
};

static wax_err
load_pkcs12(void *state, const char *password)
{
    struct pkcs12_state *s = state;
    wax_pkcs12_contents_cleanup(&s->contents);
    return wax_pkcs12_load(&s->contents, s->der, s->len, password);
}

struct key_state {
    const uint8_t *data;
    size_t len;
    struct wax_privkey *key;
};

static wax_err
load_key(void *state, const char *password)
{
    struct key_state *s = state;
    wax_privkey_free(s->key);
    s->key = NULL;
    return wax_privkey_load(&s->key, s->data, s->len, password);
}

static int
add_key(struct cli_ctx *ctx, const char *path, struct cli_id_file *f,
        struct wax_privkey *key)
{
    if (f->num_keys >= CLI_MAX_KEYS_PER_FILE) {
        wax_privkey_free(key);
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_LIMIT_EXCEEDED, NULL,
                        "identity '%s' holds more than %d keys", path,
                        CLI_MAX_KEYS_PER_FILE);
    }
    f->keys[f->num_keys++] = key;
    return -1;
}

/* from_pkcs12 takes the keys and certificates of a PFX; with PROBE, input
 * that is not a PFX at all returns CLI_QUIET_FAILURE unreported. */
static int
from_pkcs12(struct cli_ctx *ctx, const char *path, struct password *pw,
            const uint8_t *der, size_t len, struct cli_id_file *f, bool probe)
{
    struct pkcs12_state s = {der, len, {0}};
    int status = with_password(ctx, path, pw, load_pkcs12, &s,
                               probe ? WAX_ERR_CRYPTO_PKCS12_FORMAT : WAX_OK);
    for (size_t i = 0; status < 0 && i < s.contents.num_keys; i++) {
        struct wax_privkey *key = NULL;
        wax_err err = wax_privkey_load(&key, s.contents.keys[i].der,
                                       s.contents.keys[i].der_len, NULL);
        if (err != WAX_OK) {
            status = cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                              "identity '%s': key %zu", path, i + 1);
            break;
        }
        status = add_key(ctx, path, f, key);
    }
    for (size_t i = 0; status < 0 && i < s.contents.num_certs; i++) {
        const struct wax_pkcs12_item *it = &s.contents.certs[i];
        wax_err err = cli_certlist_add_der(&f->certs, it->der, it->der_len);
        if (err != WAX_OK) {
            status = cli_fail(ctx, WAX_EXIT_USAGE, err, NULL,
                              "identity '%s': certificate %zu", path, i + 1);
        }
    }
    wax_pkcs12_contents_cleanup(&s.contents);
    return status;
}

/* pem_pkcs12 decodes a "PKCS12" PEM block into BUF, if the text has one. */
static wax_err
pem_pkcs12(const uint8_t *text, size_t len, struct wax_buf *buf, bool *found)
{
    struct wax_pem_reader r;
    wax_pem_reader_init(&r, text, len);
    *found = false;
    for (;;) {
        struct wax_pem_block b;
        bool present;
        WAX_TRY(wax_pem_next(&r, &b, &present));
        if (!present) {
            return WAX_OK;
        }
        if (wax_pem_label_is(&b, "PKCS12")) {
            uint8_t *dst;
            size_t n;
            WAX_TRY(wax_buf_reserve(buf, wax_pem_decoded_max(&b) + 1, &dst));
            WAX_TRY(wax_pem_decode(&b, dst, buf->cap - buf->len, &n));
            wax_buf_advance(buf, n);
            *found = true;
            return WAX_OK;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Identities of the store (-i ADDRESS or -i FINGERPRINT).             */

struct store_state {
    struct wax_store *store;
    const uint8_t *fp;
    struct wax_privkey *key;
    struct wax_buf chain;
};

static wax_err
load_stored(void *state, const char *password)
{
    struct store_state *s = state;
    wax_privkey_free(s->key);
    s->key = NULL;
    s->chain.len = 0;
    return wax_store_identity_load(s->store, s->fp, password, &s->key,
                                   &s->chain);
}

/* Room for the fingerprints of one address's identities. */
struct fp_list {
    uint8_t fp[CLI_MAX_KEYS_PER_FILE][WAX_STORE_FP_BYTES];
    size_t num;
    bool more;
};

static wax_err
collect_fp(void *ctx, const struct wax_store_identity *id)
{
    struct fp_list *l = ctx;
    if (l->num >= CLI_MAX_KEYS_PER_FILE) {
        l->more = true;
        return WAX_OK;
    }
    memcpy(l->fp[l->num++], id->fp, WAX_STORE_FP_BYTES);
    return WAX_OK;
}

/* load_one_stored adds identity FP's key and chain to F; with QUIET
 * (WAX_ERR_CRYPTO_BAD_PASSWORD) a key the password does not open returns
 * CLI_QUIET_FAILURE unreported. */
static int
load_one_stored(struct cli_ctx *ctx, const char *ref, struct password *pw,
                struct wax_store *store, const uint8_t *fp,
                struct cli_id_file *f, wax_err quiet)
{
    struct store_state s;
    memset(&s, 0, sizeof s);
    s.store = store;
    s.fp = fp;
    wax_buf_init(&s.chain, (size_t)WAX_MAX_STORE_CHAIN * WAX_MAX_STORE_OBJECT);
    int status = with_password(ctx, ref, pw, load_stored, &s, quiet);
    if (status < 0) {
        status = add_key(ctx, ref, f, s.key);
        s.key = NULL;
    }
    struct wax_span rest = {s.chain.data, s.chain.len};
    while (status < 0 && rest.len > 0) {
        struct wax_span cert;
        wax_err err = wax_der_get_element(&rest, WAX_DER_SEQUENCE, &cert)
                          ? cli_certlist_add_der(&f->certs, cert.p, cert.len)
                          : WAX_ERR_STORE_CORRUPT;
        if (err != WAX_OK) {
            status =
                cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "identity '%s'", ref);
        }
    }
    wax_privkey_free(s.key);
    wax_buf_cleanup(&s.chain);
    return status;
}

static int
load_stored_ids(struct cli_ctx *ctx, const char *ref, struct password *pw,
                enum cli_id_use use, struct cli_id_file *f)
{
    static const char hint[] =
        "import the identity with 'wax id import FILE'; 'wax id list' "
        "shows the stored ones";
    struct wax_store *store;
    int status = cli_store_open(ctx, false, &store);
    if (status >= 0) {
        return status;
    }
    if (store == NULL) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_STORE_NOT_FOUND, hint,
                        "identity '%s': the store is empty", ref);
    }
    struct fp_list *l = calloc(1, sizeof *l);
    wax_err err = l == NULL ? WAX_ERR_NOMEM : WAX_OK;
    if (err == WAX_OK && strchr(ref, '@') == NULL) {
        err = cli_fp_parse(ref, l->fp[0]) ? WAX_OK : WAX_ERR_STORE_NOT_FOUND;
        l->num = 1;
    } else if (err == WAX_OK && use == CLI_ID_SIGN) {
        err = wax_store_identity_find(store, ref, (int64_t)time(NULL),
                                      WAX_STORE_USAGE_SIGN, l->fp[0]);
        l->num = 1;
    } else if (err == WAX_OK) {
        /* decrypt: every key of the address, old ones included */
        err = wax_store_identity_list(store, ref, 0, collect_fp, l);
        if (err == WAX_OK && l->num == 0) {
            err = WAX_ERR_STORE_NOT_FOUND;
        }
    }
    if (err != WAX_OK) {
        status = cli_fail(ctx, WAX_EXIT_USAGE, err, hint, "identity '%s'", ref);
    }
    /* several keys of an address (decrypt): those the password opens;
     * only when it opens none, the first is asked for */
    wax_err quiet = l->num > 1 ? WAX_ERR_CRYPTO_BAD_PASSWORD : WAX_OK;
    size_t loaded = 0, first_locked = SIZE_MAX;
    for (size_t i = 0; status < 0 && i < l->num; i++) {
        status = load_one_stored(ctx, ref, pw, store, l->fp[i], f, quiet);
        if (status == CLI_QUIET_FAILURE) {
            first_locked = first_locked == SIZE_MAX ? i : first_locked;
            status = -1;
        } else if (status < 0) {
            loaded++;
        }
    }
    if (status < 0 && loaded == 0 && first_locked != SIZE_MAX) {
        status = load_one_stored(ctx, ref, pw, store, l->fp[first_locked], f,
                                 WAX_OK);
    }
    free(l);
    wax_store_close(store);
    return status;
}

/* The private-key blocks of a PEM identity after the first (a signing key
 * and a separate encryption key in one file): each is loaded from its own
 * BEGIN line on (wax_privkey_load takes the first key block it sees). */
static int
more_pem_keys(struct cli_ctx *ctx, const char *path, struct password *pw,
              const struct wax_buf *data, struct cli_id_file *f)
{
    static const char begin[] = "-----BEGIN ";
    static const char suffix[] = "PRIVATE KEY";
    const size_t sl = sizeof suffix - 1;
    struct wax_pem_reader r;
    wax_pem_reader_init(&r, data->data, data->len);
    size_t seen = 0;
    for (;;) {
        struct wax_pem_block b;
        bool present = false;
        if (wax_pem_next(&r, &b, &present) != WAX_OK || !present) {
            return -1; /* the first load already judged the file */
        }
        if (b.label.len < sl ||
            memcmp(b.label.p + b.label.len - sl, suffix, sl) != 0 ||
            seen++ == 0) {
            continue;
        }
        const uint8_t *start = b.label.p - (sizeof begin - 1);
        if (start < data->data) {
            continue;
        }
        struct key_state ks = {start, data->len - (size_t)(start - data->data),
                               NULL};
        int status = with_password(ctx, path, pw, load_key, &ks, WAX_OK);
        if (status < 0) {
            status = add_key(ctx, path, f, ks.key);
        }
        if (status >= 0) {
            return status;
        }
    }
}

static int
load_file(struct cli_ctx *ctx, const char *path, struct password *pw,
          enum cli_id_use use, struct cli_id_file *f)
{
    if (is_store_ref(path)) {
        return load_stored_ids(ctx, path, pw, use, f);
    }
    struct wax_buf data;
    wax_buf_init_secret(&data, WAX_MAX_KEY_FILE_BYTES);
    wax_err err = cli_read_file(path, &data);
    if (err != WAX_OK) {
        wax_buf_cleanup(&data);
        return cli_fail(ctx, WAX_EXIT_USAGE, err, NULL, "identity '%s'", path);
    }
    int status = -1;
    if (wax_pem_looks_like(data.data, data.len)) {
        struct wax_buf p12;
        bool found;
        wax_buf_init_secret(&p12, WAX_MAX_KEY_FILE_BYTES);
        err = pem_pkcs12(data.data, data.len, &p12, &found);
        if (err != WAX_OK) {
            status = cli_fail(ctx, WAX_EXIT_USAGE, err, ID_HINT,
                              "identity '%s'", path);
        } else if (found) {
            status = from_pkcs12(ctx, path, pw, p12.data, p12.len, f, false);
        } else {
            struct key_state ks = {data.data, data.len, NULL};
            status = with_password(ctx, path, pw, load_key, &ks, WAX_OK);
            if (status < 0) {
                status = add_key(ctx, path, f, ks.key);
            }
            if (status < 0) {
                status = more_pem_keys(ctx, path, pw, &data, f);
            }
            if (status < 0) {
                size_t added = 0;
                err = cli_certlist_add_pem(&f->certs, data.data, data.len,
                                           false, &added);
                if (err != WAX_OK) {
                    status = cli_fail(ctx, WAX_EXIT_USAGE, err, ID_HINT,
                                      "identity '%s'", path);
                }
            }
        }
        wax_buf_cleanup(&p12);
    } else {
        /* DER: a PFX, else a bare key (which lacks its certificate) */
        status = from_pkcs12(ctx, path, pw, data.data, data.len, f, true);
        if (status == CLI_QUIET_FAILURE) {
            struct wax_privkey *key = NULL;
            err = wax_privkey_load(&key, data.data, data.len, NULL);
            wax_privkey_free(key);
            status = cli_fail(
                ctx, WAX_EXIT_USAGE,
                err == WAX_OK ? WAX_ERR_CLI_NO_CERTIFICATE : err,
                "put the key and its certificate into one PEM file, or use "
                "a PKCS#12 file",
                "identity '%s'", path);
        }
    }
    wax_buf_cleanup(&data);
    return status;
}

/* ------------------------------------------------------------------ */
/* Keys to certificates.                                               */

static bool
cert_allows(const uint8_t *der, size_t len, uint32_t bits)
{
    struct wax_x509_cert cert;
    if (wax_x509_cert_parse(&cert, der, len) != WAX_OK) {
        return false;
    }
    return !cert.info.has_key_usage || (cert.info.key_usage & bits) != 0;
}

static int
build(struct cli_ctx *ctx, const char *path, struct cli_id_file *f,
      enum cli_id_use use, struct cli_identities *out)
{
    if (f->num_keys == 0) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_NO_KEY, ID_HINT,
                        "identity '%s'", path);
    }
    if (f->certs.num == 0) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_NO_CERTIFICATE,
                        ID_HINT, "identity '%s'", path);
    }
    size_t match[CLI_MAX_KEYS_PER_FILE];
    bool used[WAX_MAX_PATH_CERTS] = {false};
    size_t num_matched = 0;
    for (size_t k = 0; k < f->num_keys; k++) {
        match[k] = SIZE_MAX;
        for (size_t c = 0; c < f->certs.num; c++) {
            struct wax_x509_cert cert;
            if (wax_x509_cert_parse(&cert, f->certs.der[c], f->certs.lens[c]) !=
                WAX_OK) {
                continue;
            }
            if (wax_privkey_match_spki(f->keys[k], cert.spki.der.p,
                                       cert.spki.der.len) == WAX_OK) {
                match[k] = c;
                used[c] = true;
                num_matched++;
                break;
            }
        }
    }
    if (num_matched == 0) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_NO_MATCHING_CERT,
                        ID_HINT, "identity '%s'", path);
    }
    for (size_t c = 0; c < f->certs.num; c++) {
        if (!used[c]) {
            f->chain_der[f->num_chain] = f->certs.der[c];
            f->chain_lens[f->num_chain++] = f->certs.lens[c];
        }
    }
    const uint32_t sign_bits =
        WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION;
    const uint32_t enc_bits = WAX_KU_KEY_ENCIPHERMENT | WAX_KU_KEY_AGREEMENT;
    for (size_t k = 0; k < f->num_keys; k++) {
        if (match[k] == SIZE_MAX) {
            continue;
        }
        const uint8_t *der = f->certs.der[match[k]];
        size_t len = f->certs.lens[match[k]];
        if (use == CLI_ID_SIGN && !cert_allows(der, len, sign_bits)) {
            continue;
        }
        if (out->num_ids >= WAX_MAX_SMIME_IDENTITIES) {
            return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_LIMIT_EXCEEDED, NULL,
                            "more than %d identities",
                            (int)WAX_MAX_SMIME_IDENTITIES);
        }
        struct wax_smime_identity *id = &out->ids[out->num_ids++];
        memset(id, 0, sizeof *id);
        id->key = f->keys[k];
        id->cert = der;
        id->cert_len = len;
        id->chain.der = f->chain_der;
        id->chain.lens = f->chain_lens;
        id->chain.num = f->num_chain;
        if (use == CLI_ID_DECRYPT) {
            continue;
        }
        /* a separate encryption certificate of the same file is named in
         * SMIMEEncryptionKeyPreference */
        if (!cert_allows(der, len, enc_bits)) {
            for (size_t e = 0; e < f->num_keys; e++) {
                if (e != k && match[e] != SIZE_MAX &&
                    cert_allows(f->certs.der[match[e]], f->certs.lens[match[e]],
                                enc_bits)) {
                    id->encryption_cert = f->certs.der[match[e]];
                    id->encryption_cert_len = f->certs.lens[match[e]];
                    break;
                }
            }
        }
        return -1; /* one signing key per file */
    }
    if (use == CLI_ID_SIGN) {
        return cli_fail(ctx, WAX_EXIT_USAGE, WAX_ERR_CLI_NO_SIGNING_KEY,
                        "the key usage of the certificate must allow "
                        "digitalSignature or nonRepudiation",
                        "identity '%s'", path);
    }
    return -1;
}

int
cli_identities_load(struct cli_ctx *ctx, const struct cli_args *a,
                    enum cli_id_use use, struct cli_identities *out)
{
    memset(out, 0, sizeof *out);
    struct password pw;
    memset(&pw, 0, sizeof pw);
    if (a->pass_spec != NULL) {
        wax_err err = cli_password(a->pass_spec, pw.text, sizeof pw.text);
        if (err != WAX_OK) {
            password_wipe(&pw);
            return cli_fail(ctx, WAX_EXIT_USAGE, err,
                            "--pass takes env:VAR (a set variable), "
                            "file:PATH (its first line) or pass:TEXT",
                            "--pass");
        }
        pw.given = true;
    }
    int status = -1;
    for (size_t i = 0; status < 0 && i < a->num_ids; i++) {
        struct cli_id_file *f = &out->files[out->num_files++];
        status = load_file(ctx, a->ids[i], &pw, use, f);
        if (status < 0) {
            status = build(ctx, a->ids[i], f, use, out);
        }
    }
    password_wipe(&pw);
    return status;
}

void
cli_identities_free(struct cli_identities *ids)
{
    for (size_t i = 0; i < ids->num_files; i++) {
        struct cli_id_file *f = &ids->files[i];
        for (size_t k = 0; k < f->num_keys; k++) {
            wax_privkey_free(f->keys[k]);
        }
        cli_certlist_free(&f->certs);
    }
    memset(ids, 0, sizeof *ids);
}
