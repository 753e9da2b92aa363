/*
 * wax cert: certificate commands.
 *
 *   wax cert show [--json] FILE|FP...
 *
 * prints every certificate of each FILE (a PEM bundle - blocks other than
 * CERTIFICATE, such as keys, are skipped - or one DER certificate). Every
 * string taken from a certificate is escaped (SECURITY.md rule 11).
 * Exit status: 0 all shown, 1 a malformed certificate (or a file without
 * one), 2 usage or a file that cannot be read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wax/x509.h>

#include "commands.h"
#include "store.h"

/* Largest certificate file wax cert show reads. */
#define CLI_MAX_CERT_FILE_BYTES ((size_t)16 << 20)

/* Longest RFC 4514 name string shown (longer ones are an error). */
#define CLI_MAX_NAME_TEXT 8192

static wax_err
read_file(const char *path, uint8_t **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return WAX_ERR_CLI_FILE;
    }
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap);
    wax_err err = buf == NULL ? WAX_ERR_NOMEM : WAX_OK;
    while (err == WAX_OK) {
        if (len == cap) {
            if (cap >= CLI_MAX_CERT_FILE_BYTES) {
                err = WAX_ERR_LIMIT_EXCEEDED;
                break;
            }
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                err = WAX_ERR_NOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                err = WAX_ERR_CLI_FILE;
            }
            break;
        }
    }
    fclose(f);
    if (err != WAX_OK) {
        free(buf);
        return err;
    }
    *out = buf;
    *out_len = len;
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Field rendering.                                                    */

static void
put_hex(FILE *f, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        fprintf(f, "%02x", p[i]);
    }
}

/* put_serial writes an INTEGER's value in hex: leading zero octets dropped,
 * a negative value as '-' and its magnitude. */
static void
put_serial(FILE *f, struct wax_span v)
{
    uint8_t mag[WAX_MAX_SERIAL_OCTETS + 1];
    size_t n = v.len < sizeof mag ? v.len : sizeof mag;
    memcpy(mag, v.p, n);
    if (n > 0 && (mag[0] & 0x80)) {
        /* two's complement negation */
        fputc('-', f);
        unsigned carry = 1;
        for (size_t i = n; i-- > 0;) {
            unsigned x = (uint8_t)~mag[i] + carry;
            mag[i] = (uint8_t)x;
            carry = x >> 8;
        }
    }
    size_t i = 0;
    while (i + 1 < n && mag[i] == 0) {
        i++;
    }
    put_hex(f, mag + i, n - i);
}

struct name_text {
    char text[CLI_MAX_NAME_TEXT];
    size_t len;
};

static wax_err
format_name(struct wax_span name, struct name_text *out)
{
    return wax_x509_name_format(name, out->text, sizeof out->text, &out->len);
}

static const char *
sig_scheme_name(enum wax_sig_scheme s)
{
    switch (s) {
    case WAX_SIG_NONE:
        return "none";
    case WAX_SIG_RSA_PKCS1:
        return "rsa-pkcs1";
    case WAX_SIG_RSA_PSS:
        return "rsa-pss";
    case WAX_SIG_ECDSA:
        return "ecdsa";
    case WAX_SIG_ED25519:
        return "ed25519";
    case WAX_SIG_ED448:
        return "ed448";
    case WAX_SIG_DSA:
        return "dsa";
    }
    return "none";
}

/* oid_text: the table's name of OID, else its dotted form. */
static const char *
oid_text(struct wax_span oid, char *buf, size_t cap)
{
    const char *name = wax_oid_name(wax_oid_find(oid));
    if (name != NULL) {
        return name;
    }
    if (!wax_oid_to_dotted(oid, buf, cap)) {
        return "?";
    }
    return buf;
}

/* The output shape: human "key: value" lines or JSON members. */
struct out {
    FILE *f;
    bool json;
    bool first_member;
};

static void
key(struct out *o, const char *name)
{
    if (o->json) {
        fprintf(o->f, "%s\n    \"%s\": ", o->first_member ? "" : ",", name);
    } else {
        fprintf(o->f, "%s: ", name);
    }
    o->first_member = false;
}

static void
end_line(struct out *o)
{
    if (!o->json) {
        fputc('\n', o->f);
    }
}

static void
field_text(struct out *o, const char *name, const uint8_t *p, size_t len)
{
    key(o, name);
    if (o->json) {
        ui_put_json_string(o->f, p, len);
    } else {
        ui_put_escaped(o->f, p, len);
    }
    end_line(o);
}

static void
field_str(struct out *o, const char *name, const char *s)
{
    field_text(o, name, (const uint8_t *)s, strlen(s));
}

/* A list field: JSON array, or values separated by ", ". */
static void
list_begin(struct out *o, const char *name)
{
    key(o, name);
    if (o->json) {
        fputc('[', o->f);
    }
}

static void
list_item(struct out *o, size_t index, const uint8_t *p, size_t len)
{
    if (index > 0) {
        fputs(", ", o->f);
    }
    if (o->json) {
        ui_put_json_string(o->f, p, len);
    } else {
        ui_put_escaped(o->f, p, len);
    }
}

static void
list_end(struct out *o)
{
    if (o->json) {
        fputc(']', o->f);
    }
    end_line(o);
}

static void
field_hex(struct out *o, const char *name, struct wax_span v)
{
    key(o, name);
    if (o->json) {
        fputc('"', o->f);
    }
    put_hex(o->f, v.p, v.len);
    if (o->json) {
        fputc('"', o->f);
    }
    end_line(o);
}

static void
field_time(struct out *o, const char *name, int64_t t)
{
    char buf[WAX_RFC3339_LEN + 1];
    if (!wax_time_format_rfc3339(t, buf, sizeof buf)) {
        buf[0] = '?', buf[1] = '\0';
    }
    field_str(o, name, buf);
}

/* show_names lists the SAN entries of TYPE (rfc822 also takes
 * SmtpUTF8Mailbox otherNames). */
static void
show_names(struct out *o, const struct wax_x509_cert *c,
           enum wax_x509_gn_type type, const char *name)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present;
    size_t n = 0;
    if (!c->info.has_san) {
        return;
    }
    wax_x509_san_iter(&c->info, &it);
    while (wax_x509_gn_next(&it, &g, &present) == WAX_OK && present) {
        if (g.type == type || (type == WAX_GN_RFC822 && g.is_smtp_utf8)) {
            if (n == 0) {
                list_begin(o, name);
            }
            list_item(o, n++, g.value.p, g.value.len);
        }
    }
    if (n > 0) {
        list_end(o);
    }
}

static void
show_cert(struct out *o, const char *path, const struct wax_x509_cert *c,
          const struct name_text *subject, const struct name_text *issuer)
{
    char dotted[128];
    o->first_member = true;
    if (o->json) {
        fputs("  {", o->f);
    }
    field_str(o, "file", path);
    field_text(o, "subject", (const uint8_t *)subject->text, subject->len);
    field_text(o, "issuer", (const uint8_t *)issuer->text, issuer->len);

    key(o, "serial");
    if (o->json) {
        fputc('"', o->f);
    }
    put_serial(o->f, c->serial);
    if (o->json) {
        fputc('"', o->f);
    }
    end_line(o);

    field_time(o, "not_before", c->not_before);
    field_time(o, "not_after", c->not_after);

    const char *kt = c->spki.type == WAX_X509_KEY_UNKNOWN
                         ? oid_text(c->spki.alg.oid, dotted, sizeof dotted)
                         : wax_x509_key_type_name(c->spki.type);
    if (o->json) {
        field_str(o, "key_type", kt);
        key(o, "key_bits");
        fprintf(o->f, "%zu", c->spki.bits);
    } else {
        key(o, "key");
        ui_put_escaped(o->f, (const uint8_t *)kt, strlen(kt));
        fprintf(o->f, " %zu", c->spki.bits);
        end_line(o);
    }

    if (c->sig_alg_err == WAX_OK) {
        if (o->json) {
            field_str(o, "signature_algorithm",
                      sig_scheme_name(c->sig_alg.scheme));
            field_str(o, "signature_digest",
                      wax_digest_name(c->sig_alg.digest));
        } else {
            key(o, "signature");
            fprintf(o->f, "%s %s", sig_scheme_name(c->sig_alg.scheme),
                    wax_digest_name(c->sig_alg.digest));
            end_line(o);
        }
    } else {
        field_str(o, "signature_algorithm",
                  oid_text(c->sig_alg_id.oid, dotted, sizeof dotted));
    }

    uint8_t fp[32];
    size_t fp_len;
    if (wax_digest_compute(WAX_DIGEST_SHA256, fp, sizeof fp, &fp_len, c->der.p,
                           c->der.len) == WAX_OK) {
        struct wax_span s = {fp, fp_len};
        field_hex(o, "sha256", s);
    }

    show_names(o, c, WAX_GN_RFC822, "emails");
    show_names(o, c, WAX_GN_DNS, "dns");

    if (c->info.has_key_usage) {
        size_t n = 0;
        list_begin(o, "key_usage");
        for (uint32_t bit = 1; bit <= WAX_KU_DECIPHER_ONLY; bit <<= 1) {
            const char *name = wax_x509_ku_bit_name(bit);
            if ((c->info.key_usage & bit) && name != NULL) {
                list_item(o, n++, (const uint8_t *)name, strlen(name));
            }
        }
        list_end(o);
    }
    if (c->info.has_eku) {
        struct wax_x509_iter it;
        struct wax_span oid;
        enum wax_oid_id id;
        bool present;
        size_t n = 0;
        list_begin(o, "eku");
        wax_x509_eku_iter(&c->info, &it);
        while (wax_x509_oid_next(&it, &oid, &id, &present) == WAX_OK &&
               present) {
            const char *t = oid_text(oid, dotted, sizeof dotted);
            list_item(o, n++, (const uint8_t *)t, strlen(t));
        }
        list_end(o);
    }
    if (c->info.has_basic_constraints) {
        key(o, o->json ? "ca" : "basic_constraints");
        if (o->json) {
            fputs(c->info.ca ? "true" : "false", o->f);
            if (c->info.has_path_len) {
                key(o, "path_len");
                fprintf(o->f, "%llu", (unsigned long long)c->info.path_len);
            }
        } else {
            fprintf(o->f, "ca=%s", c->info.ca ? "true" : "false");
            if (c->info.has_path_len) {
                fprintf(o->f, " pathlen=%llu",
                        (unsigned long long)c->info.path_len);
            }
            end_line(o);
        }
    }
    if (c->info.has_ski) {
        field_hex(o, "ski", c->info.ski);
    }
    if (c->info.aki.present && c->info.aki.has_key_id) {
        field_hex(o, "aki", c->info.aki.key_id);
    }
    if (c->exts.num_unknown_critical > 0) {
        size_t n = 0;
        list_begin(o, "unknown_critical_extensions");
        for (size_t i = 0; i < c->exts.num; i++) {
            const struct wax_x509_ext *e = &c->exts.ext[i];
            if (e->critical && !e->known) {
                const char *t = oid_text(e->oid, dotted, sizeof dotted);
                list_item(o, n++, (const uint8_t *)t, strlen(t));
            }
        }
        list_end(o);
    }
    if (o->json) {
        fputs("\n  }", o->f);
    }
}

/* show_one parses DER and prints it; *OUT_SHOWN counts certificates for the
 * JSON separators. */
static wax_err
show_one(struct out *o, const char *path, const uint8_t *der, size_t len,
         size_t *num_shown)
{
    static struct wax_x509_cert cert;
    static struct name_text subject, issuer;
    WAX_TRY(wax_x509_cert_parse(&cert, der, len));
    WAX_TRY(format_name(cert.subject, &subject));
    WAX_TRY(format_name(cert.issuer, &issuer));
    if (o->json) {
        fputs(*num_shown > 0 ? ",\n" : "\n", o->f);
    } else if (*num_shown > 0) {
        fputc('\n', o->f);
    }
    show_cert(o, path, &cert, &subject, &issuer);
    (*num_shown)++;
    return WAX_OK;
}

static wax_err
show_pem(struct out *o, const char *path, const uint8_t *text, size_t len,
         size_t *num_shown)
{
    struct wax_pem_reader r;
    struct wax_pem_block b;
    bool present;
    size_t found = 0;
    wax_pem_reader_init(&r, text, len);
    for (;;) {
        WAX_TRY(wax_pem_next(&r, &b, &present));
        if (!present) {
            break;
        }
        if (!wax_pem_label_is(&b, "CERTIFICATE") &&
            !wax_pem_label_is(&b, "X509 CERTIFICATE")) {
            continue; /* keys, parameters, CRLs... */
        }
        size_t cap = wax_pem_decoded_max(&b), der_len;
        uint8_t *der = malloc(cap > 0 ? cap : 1);
        WAX_ENSURE(der != NULL, WAX_ERR_NOMEM);
        wax_err err = wax_pem_decode(&b, der, cap, &der_len);
        if (err == WAX_OK) {
            err = show_one(o, path, der, der_len, num_shown);
        }
        free(der);
        WAX_TRY(err);
        found++;
    }
    WAX_ENSURE(found > 0, WAX_ERR_PEM_NO_OBJECT);
    return WAX_OK;
}

/* show_stored shows the stored certificate FP (wax cert show FP). */
static wax_err
show_stored(struct out *o, const char *ref, const uint8_t *fp,
            size_t *num_shown)
{
    struct cli_ctx ctx = {"cert", false, true, NULL, 0}; /* errors: below */
    struct wax_store *store = NULL;
    if (cli_store_open(&ctx, false, &store) >= 0 || store == NULL) {
        return WAX_ERR_STORE_NOT_FOUND;
    }
    struct wax_buf der;
    wax_buf_init(&der, WAX_MAX_STORE_OBJECT);
    wax_err err = wax_store_cert_get(store, fp, &der);
    if (err == WAX_OK) {
        err = show_one(o, ref, der.data, der.len, num_shown);
    }
    wax_buf_cleanup(&der);
    wax_store_close(store);
    return err;
}

static int
cmd_cert_show(int argc, char **argv)
{
    struct out o = {stdout, false, true};
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            o.json = true;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            ui_error("unknown option '%s'", argv[i]);
            ui_hint("usage: wax cert show [--json] FILE...");
            return WAX_EXIT_USAGE;
        }
    }
    if (i == argc) {
        ui_error("no certificate file given");
        ui_hint("usage: wax cert show [--json] FILE...");
        return WAX_EXIT_USAGE;
    }
    int status = WAX_EXIT_OK;
    size_t num_shown = 0;
    if (o.json) {
        fputc('[', stdout);
    }
    for (; i < argc; i++) {
        const char *path = argv[i];
        uint8_t *data;
        size_t len;
        uint8_t fp[WAX_STORE_FP_BYTES];
        if (access(path, F_OK) != 0 && cli_fp_parse(path, fp)) {
            wax_err serr = show_stored(&o, path, fp, &num_shown);
            if (serr != WAX_OK) {
                ui_error_code(serr, path);
                status = WAX_EXIT_REJECTED;
            }
            continue;
        }
        wax_err err = read_file(path, &data, &len);
        if (err != WAX_OK) {
            ui_error("%s: %s (%s)", path,
                     err == WAX_ERR_CLI_FILE ? strerror(errno)
                                             : wax_err_str(err),
                     wax_err_name(err));
            status = WAX_EXIT_USAGE;
            continue;
        }
        if (wax_pem_looks_like(data, len)) {
            err = show_pem(&o, path, data, len, &num_shown);
        } else {
            err = show_one(&o, path, data, len, &num_shown);
        }
        free(data);
        if (err != WAX_OK) {
            ui_error_code(err, path);
            if (status == WAX_EXIT_OK) {
                status = WAX_EXIT_REJECTED;
            }
        }
    }
    if (o.json) {
        fputs(num_shown > 0 ? "\n]\n" : "]\n", stdout);
    }
    if (fflush(stdout) != 0) {
        ui_error("cannot write the output");
        return WAX_EXIT_USAGE;
    }
    return status;
}

int
cmd_cert(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: wax cert show [--json] FILE|FP...\n"
                "       wax cert verify [OPTIONS] LEAF   (wax cert verify "
                "--help)\n"
                "       wax cert import|list|export|trust|untrust|rm|accept "
                "(wax id --help)\n");
        return argc < 2 ? WAX_EXIT_USAGE : WAX_EXIT_OK;
    }
    if (strcmp(argv[1], "show") == 0) {
        return cmd_cert_show(argc, argv);
    }
    if (strcmp(argv[1], "verify") == 0) {
        return cmd_cert_verify(argc, argv);
    }
    int status = cmd_cert_store(argc, argv);
    if (status >= 0) {
        return status;
    }
    ui_error("unknown cert command '%s'", argv[1]);
    ui_hint("run 'wax cert --help'");
    return WAX_EXIT_USAGE;
}
