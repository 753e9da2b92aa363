/*
 * Vectors: differential test against the openssl command. For every
 * certificate of the corpora, `openssl x509` prints serial, subject,
 * issuer (RFC 2253 form, UTF-8 unescaped), validity and the SAN, key
 * usage, extended key usage and basic constraints extensions; each must
 * equal what wax parsed. Any difference fails, naming file and field.
 * Skipped (visibly) when there is no openssl command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wax/x509.h>

#include "../harness.h"
#include "x509_corpus_files.h"

#define FIELD_MAX 4096

struct fields {
    char serial[FIELD_MAX];
    char subject[FIELD_MAX];
    char issuer[FIELD_MAX];
    char not_before[FIELD_MAX];
    char not_after[FIELD_MAX];
    char emails[FIELD_MAX];
    char key_usage[FIELD_MAX];
    char eku[FIELD_MAX];
    char basic_constraints[FIELD_MAX];
};

static void
append(char *dst, size_t cap, const char *sep, const char *s)
{
    size_t n = strlen(dst);
    snprintf(dst + n, cap - n, "%s%s", n > 0 ? sep : "", s);
}

/* ---- what openssl says ------------------------------------------------ */

static void
chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) {
        s[--n] = '\0';
    }
}

static const char *
skip_spaces(const char *s)
{
    while (*s == ' ') {
        s++;
    }
    return s;
}

/* split_list turns "a, b, c" into the same list with ", " separators,
 * keeping only entries that start with PREFIX (which is dropped). */
static void
split_list(const char *line, const char *prefix, char *out, size_t cap)
{
    char buf[FIELD_MAX];
    snprintf(buf, sizeof buf, "%s", line);
    char *p = buf;
    while (p != NULL && *p != '\0') {
        char *comma = strstr(p, ", ");
        if (comma != NULL) {
            *comma = '\0';
        }
        const char *item = skip_spaces(p);
        if (prefix == NULL) {
            append(out, cap, ", ", item);
        } else if (strncmp(item, prefix, strlen(prefix)) == 0) {
            append(out, cap, ", ", item + strlen(prefix));
        }
        p = comma != NULL ? comma + 2 : NULL;
    }
}

static bool
run_openssl(const char *der_path, struct fields *f)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "openssl x509 -inform DER -in '%s' -noout -serial -subject "
             "-issuer -startdate -enddate -nameopt RFC2253,-esc_msb "
             "-ext subjectAltName,keyUsage,extendedKeyUsage,basicConstraints "
             "2>/dev/null",
             der_path);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        return false;
    }
    memset(f, 0, sizeof *f);
    char line[FIELD_MAX];
    char ext[FIELD_MAX] = "";
    while (fgets(line, sizeof line, p) != NULL) {
        chomp(line);
        if (strncmp(line, "serial=", 7) == 0) {
            snprintf(f->serial, sizeof f->serial, "%s", line + 7);
        } else if (strncmp(line, "subject=", 8) == 0) {
            snprintf(f->subject, sizeof f->subject, "%s", line + 8);
        } else if (strncmp(line, "issuer=", 7) == 0) {
            snprintf(f->issuer, sizeof f->issuer, "%s", line + 7);
        } else if (strncmp(line, "notBefore=", 10) == 0) {
            snprintf(f->not_before, sizeof f->not_before, "%s", line + 10);
        } else if (strncmp(line, "notAfter=", 9) == 0) {
            snprintf(f->not_after, sizeof f->not_after, "%s", line + 9);
        } else if (strncmp(line, "X509v3 ", 7) == 0) {
            snprintf(ext, sizeof ext, "%s", line + 7);
        } else if (line[0] == ' ') {
            const char *v = skip_spaces(line);
            if (strncmp(ext, "Subject Alternative Name:", 25) == 0) {
                split_list(v, "email:", f->emails, sizeof f->emails);
            } else if (strncmp(ext, "Key Usage:", 10) == 0) {
                split_list(v, NULL, f->key_usage, sizeof f->key_usage);
            } else if (strncmp(ext, "Extended Key Usage:", 19) == 0) {
                split_list(v, NULL, f->eku, sizeof f->eku);
            } else if (strncmp(ext, "Basic Constraints:", 18) == 0) {
                split_list(v, NULL, f->basic_constraints,
                           sizeof f->basic_constraints);
            }
        }
    }
    return pclose(p) == 0;
}

/* ---- what wax says, in openssl's words --------------------------------- */

static const char *
ku_text(uint32_t bit)
{
    switch (bit) {
    case WAX_KU_DIGITAL_SIGNATURE:
        return "Digital Signature";
    case WAX_KU_NON_REPUDIATION:
        return "Non Repudiation";
    case WAX_KU_KEY_ENCIPHERMENT:
        return "Key Encipherment";
    case WAX_KU_DATA_ENCIPHERMENT:
        return "Data Encipherment";
    case WAX_KU_KEY_AGREEMENT:
        return "Key Agreement";
    case WAX_KU_KEY_CERT_SIGN:
        return "Certificate Sign";
    case WAX_KU_CRL_SIGN:
        return "CRL Sign";
    case WAX_KU_ENCIPHER_ONLY:
        return "Encipher Only";
    case WAX_KU_DECIPHER_ONLY:
        return "Decipher Only";
    default:
        return "?";
    }
}

static const char *
eku_text(enum wax_oid_id id, struct wax_span oid, char *buf, size_t cap)
{
    switch (id) {
    case WAX_OID_KP_SERVER_AUTH:
        return "TLS Web Server Authentication";
    case WAX_OID_KP_CLIENT_AUTH:
        return "TLS Web Client Authentication";
    case WAX_OID_KP_CODE_SIGNING:
        return "Code Signing";
    case WAX_OID_KP_EMAIL_PROTECTION:
        return "E-mail Protection";
    case WAX_OID_KP_TIME_STAMPING:
        return "Time Stamping";
    case WAX_OID_KP_OCSP_SIGNING:
        return "OCSP Signing";
    case WAX_OID_ANY_EXTENDED_KEY_USAGE:
        return "Any Extended Key Usage";
    default:
        return wax_oid_to_dotted(oid, buf, cap) ? buf : "?";
    }
}

static void
openssl_time(int64_t t, char *out, size_t cap)
{
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct wax_civil_time ct;
    if (!wax_time_to_civil(t, &ct) || ct.month < 1 || ct.month > 12) {
        snprintf(out, cap, "?");
        return;
    }
    snprintf(out, cap, "%s %2d %02d:%02d:%02d %d GMT", months[ct.month - 1],
             ct.day, ct.hour, ct.minute, ct.second, ct.year);
}

static void
serial_text(struct wax_span v, char *out, size_t cap)
{
    uint8_t mag[64];
    size_t n = v.len < sizeof mag ? v.len : sizeof mag;
    memcpy(mag, v.p, n);
    out[0] = '\0';
    if (n > 0 && (mag[0] & 0x80)) {
        append(out, cap, "", "-");
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
    for (; i < n; i++) {
        char hex[3];
        snprintf(hex, sizeof hex, "%02X", mag[i]);
        append(out, cap, "", hex);
    }
}

static wax_err
wax_fields(const struct wax_x509_cert *c, struct fields *f)
{
    size_t len;
    memset(f, 0, sizeof *f);
    serial_text(c->serial, f->serial, sizeof f->serial);
    WAX_TRY(
        wax_x509_name_format(c->subject, f->subject, sizeof f->subject, &len));
    WAX_TRY(wax_x509_name_format(c->issuer, f->issuer, sizeof f->issuer, &len));
    openssl_time(c->not_before, f->not_before, sizeof f->not_before);
    openssl_time(c->not_after, f->not_after, sizeof f->not_after);

    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    for (;;) {
        WAX_TRY(wax_x509_gn_next(&it, &g, &present));
        if (!present) {
            break;
        }
        if (g.type == WAX_GN_RFC822) {
            char email[1024];
            snprintf(email, sizeof email, "%.*s", (int)g.value.len,
                     (const char *)g.value.p);
            append(f->emails, sizeof f->emails, ", ", email);
        }
    }
    if (c->info.has_key_usage) {
        for (uint32_t bit = 1; bit <= WAX_KU_DECIPHER_ONLY; bit <<= 1) {
            if (c->info.key_usage & bit) {
                append(f->key_usage, sizeof f->key_usage, ", ", ku_text(bit));
            }
        }
    }
    struct wax_span oid;
    enum wax_oid_id id;
    wax_x509_eku_iter(&c->info, &it);
    for (;;) {
        char dotted[128];
        WAX_TRY(wax_x509_oid_next(&it, &oid, &id, &present));
        if (!present) {
            break;
        }
        append(f->eku, sizeof f->eku, ", ",
               eku_text(id, oid, dotted, sizeof dotted));
    }
    if (c->info.has_basic_constraints) {
        snprintf(f->basic_constraints, sizeof f->basic_constraints, "CA:%s",
                 c->info.ca ? "TRUE" : "FALSE");
        if (c->info.has_path_len) {
            char pl[64];
            snprintf(pl, sizeof pl, "pathlen:%llu",
                     (unsigned long long)c->info.path_len);
            append(f->basic_constraints, sizeof f->basic_constraints, ", ", pl);
        }
    }
    return WAX_OK;
}

/* ---- the comparison ------------------------------------------------------ */

static struct wax_x509_cert cert;

static void
diff_corpus(const char *folder, size_t want_certs)
{
    if (system("openssl version >/dev/null 2>&1") != 0) {
        SKIP("no openssl command: differential test not run");
    }
    struct corpus c;
    char why[1024];
    wax_err err = corpus_load(folder, &c, why, sizeof why);
    if (err == WAX_ERR_CLI_FILE) {
        SKIP("%s", why);
    }
    CHECK_MSG(err == WAX_OK, "%s", why);

    char tmp[] = "/tmp/wax-x509-diff-XXXXXX";
    int fd = mkstemp(tmp);
    CHECK_MSG(fd >= 0, "cannot create a temporary file");
    close(fd);

    char fail[8192] = "";
    size_t num_compared = 0;
    static struct fields ours, theirs;
    for (size_t i = 0; i < c.num && fail[0] == '\0'; i++) {
        const struct corpus_obj *o = &c.objs[i];
        if (o->kind != CORPUS_CERT) {
            continue;
        }
        FILE *f = fopen(tmp, "wb");
        if (f == NULL || fwrite(o->der, 1, o->der_len, f) != o->der_len) {
            snprintf(fail, sizeof fail, "%s: cannot write %s", o->rel, tmp);
            if (f != NULL) {
                fclose(f);
            }
            break;
        }
        fclose(f);
        err = wax_x509_cert_parse(&cert, o->der, o->der_len);
        if (err == WAX_OK) {
            err = wax_fields(&cert, &ours);
        }
        if (err != WAX_OK) {
            snprintf(fail, sizeof fail, "%s: wax: %s", o->rel,
                     wax_err_name(err));
            break;
        }
        if (!run_openssl(tmp, &theirs) || theirs.serial[0] == '\0' ||
            theirs.not_after[0] == '\0') {
            /* empty against empty would prove nothing */
            snprintf(fail, sizeof fail, "%s: openssl x509 failed", o->rel);
            break;
        }
        static const struct {
            const char *name;
            size_t offset;
            bool nocase;
        } cmp[] = {
            {"serial", offsetof(struct fields, serial), true},
            {"subject", offsetof(struct fields, subject), false},
            {"issuer", offsetof(struct fields, issuer), false},
            {"notBefore", offsetof(struct fields, not_before), false},
            {"notAfter", offsetof(struct fields, not_after), false},
            {"SAN emails", offsetof(struct fields, emails), false},
            {"keyUsage", offsetof(struct fields, key_usage), false},
            {"extendedKeyUsage", offsetof(struct fields, eku), false},
            {"basicConstraints", offsetof(struct fields, basic_constraints),
             false},
        };
        for (size_t k = 0; k < sizeof cmp / sizeof cmp[0]; k++) {
            const char *a = (const char *)&ours + cmp[k].offset;
            const char *b = (const char *)&theirs + cmp[k].offset;
            bool same =
                cmp[k].nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
            if (!same) {
                snprintf(fail, sizeof fail,
                         "%s: %s differs: wax \"%s\", openssl \"%s\"", o->rel,
                         cmp[k].name, a, b);
                break;
            }
        }
        num_compared++;
    }
    unlink(tmp);
    corpus_free(&c);
    printf("# %s: %zu certificates compared with openssl x509\n", folder,
           num_compared);
    CHECK_MSG(fail[0] == '\0', "%s", fail);
    CHECK_MSG(num_compared == want_certs, "%s: compared %zu, want %zu", folder,
              num_compared, want_certs);
}

TEST(x509_openssl_diff_rfc9216)
{
    diff_corpus("rfc9216-samples", 12);
}

TEST(x509_openssl_diff_rfc4134)
{
    diff_corpus("rfc4134-examples", 7);
}

TEST(x509_openssl_diff_openssl_smime)
{
    diff_corpus("openssl-smime-cms", 21);
}
