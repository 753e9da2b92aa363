/* The store layer: certificates, their indexes, trust anchors and CRLs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/store_priv.h"

/* ------------------------------------------------------------------ */
/* Email addresses.                                                    */

wax_err
wax_store_normalize_address(const uint8_t *p, size_t len,
                            char out[WAX_MAX_STORE_ADDRESS + 1])
{
    WAX_ENSURE(len > 0 && len <= WAX_MAX_STORE_ADDRESS,
               WAX_ERR_STORE_BAD_ADDRESS);
    size_t at = len;
    for (size_t i = 0; i < len; i++) {
        WAX_ENSURE(p[i] != 0 && p[i] > 0x20 && p[i] != 0x7f,
                   WAX_ERR_STORE_BAD_ADDRESS);
        if (p[i] == '@') {
            at = i;
        }
    }
    WAX_ENSURE(at > 0 && at + 1 < len, WAX_ERR_STORE_BAD_ADDRESS);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (i > at && c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c - 'A' + 'a');
        }
        out[i] = (char)c;
    }
    out[len] = '\0';
    return WAX_OK;
}

wax_err
wax_store_query_address(const char *address,
                        char out[WAX_MAX_STORE_ADDRESS + 1])
{
    WAX_ENSURE(address != NULL, WAX_ERR_INVALID_ARGUMENT);
    size_t len = strnlen(address, WAX_MAX_STORE_ADDRESS + 1);
    return wax_store_normalize_address((const uint8_t *)address, len, out);
}

static wax_err
add_email(struct store_cert_facts *f, const uint8_t *p, size_t len)
{
    char a[WAX_MAX_STORE_ADDRESS + 1];
    if (wax_store_normalize_address(p, len, a) != WAX_OK) {
        return WAX_OK; /* not an address wax can index: skipped */
    }
    for (size_t i = 0; i < f->num_emails; i++) {
        if (strcmp(f->emails[i], a) == 0) {
            return WAX_OK;
        }
    }
    WAX_ENSURE(f->num_emails < WAX_MAX_STORE_EMAILS, WAX_ERR_LIMIT_EXCEEDED);
    memcpy(f->emails[f->num_emails++], a, sizeof a);
    return WAX_OK;
}

static bool
eku_allows_email(const struct wax_x509_cert *c)
{
    if (!c->info.has_eku) {
        return true;
    }
    struct wax_x509_iter it;
    wax_x509_iter_init(&it, c->info.eku, WAX_ERR_X509_BAD_EXTENSIONS);
    for (;;) {
        struct wax_span oid;
        enum wax_oid_id id;
        bool present = false;
        if (wax_x509_oid_next(&it, &oid, &id, &present) != WAX_OK || !present) {
            return false;
        }
        if (id == WAX_OID_KP_EMAIL_PROTECTION ||
            id == WAX_OID_ANY_EXTENDED_KEY_USAGE) {
            return true;
        }
    }
}

wax_err
wax_store_cert_facts(const uint8_t *der, size_t len, struct store_cert_facts *f)
{
    WAX_ENSURE(der != NULL && len > 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(len <= WAX_MAX_STORE_OBJECT, WAX_ERR_LIMIT_EXCEEDED);
    memset(f, 0, sizeof *f);
    struct wax_x509_cert *c = &f->cert;
    WAX_TRY(wax_x509_cert_parse(c, der, len));
    size_t fp_len = 0;
    WAX_TRY(wax_digest_compute(WAX_DIGEST_SHA256, f->fp, sizeof f->fp, &fp_len,
                               der, len));
    WAX_ENSURE(fp_len == WAX_STORE_FP_BYTES, WAX_ERR_INTERNAL);

    enum wax_x509_key_type kt = c->spki.type;
    bool key_signs = kt == WAX_X509_KEY_RSA || kt == WAX_X509_KEY_RSA_PSS ||
                     kt == WAX_X509_KEY_EC || kt == WAX_X509_KEY_ED25519 ||
                     kt == WAX_X509_KEY_ED448;
    bool key_encrypts = kt == WAX_X509_KEY_RSA || kt == WAX_X509_KEY_EC ||
                        kt == WAX_X509_KEY_X25519 || kt == WAX_X509_KEY_X448;
    uint32_t ku = c->info.key_usage;
    bool has_ku = c->info.has_key_usage;
    bool email_ok = eku_allows_email(c);
    f->can_sign =
        email_ok && key_signs &&
        (!has_ku ||
         (ku & (WAX_KU_DIGITAL_SIGNATURE | WAX_KU_NON_REPUDIATION)) != 0);
    uint32_t enc_bit =
        kt == WAX_X509_KEY_RSA ? WAX_KU_KEY_ENCIPHERMENT : WAX_KU_KEY_AGREEMENT;
    f->can_encrypt = email_ok && key_encrypts && (!has_ku || (ku & enc_bit));
    f->is_ca = c->info.has_basic_constraints && c->info.ca;

    if (c->info.has_san) {
        struct wax_x509_iter it;
        wax_x509_gn_iter(&it, c->info.san);
        for (;;) {
            struct wax_x509_general_name gn;
            bool present = false;
            WAX_TRY(wax_x509_gn_next(&it, &gn, &present));
            if (!present) {
                break;
            }
            if (gn.type == WAX_GN_RFC822 ||
                (gn.type == WAX_GN_OTHER_NAME && gn.is_smtp_utf8)) {
                WAX_TRY(add_email(f, gn.value.p, gn.value.len));
            }
        }
    }
    struct wax_x509_name_iter nit;
    WAX_TRY(wax_x509_name_iter_init(&nit, c->subject));
    for (;;) {
        struct wax_x509_name_attr a;
        bool present = false;
        WAX_TRY(wax_x509_name_next(&nit, &a, &present));
        if (!present) {
            break;
        }
        if (a.type_id == WAX_OID_PKCS9_EMAIL_ADDRESS) {
            WAX_TRY(add_email(f, a.value.p, a.value.len));
        }
    }
    return WAX_OK;
}

/* ------------------------------------------------------------------ */
/* Adding certificates.                                                */

static wax_err
cert_id_by_fp(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES],
              int64_t *out_id, bool *out_found)
{
    sqlite3_stmt *st = NULL;
    struct wax_span v;
    wax_span_init(&v, fp, WAX_STORE_FP_BYTES);
    bool row = false;
    wax_err err = wax_store_prep(s, "SELECT id FROM certs WHERE fp = ?", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 1, v);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK) {
        *out_found = row;
        *out_id = row ? sqlite3_column_int64(st, 0) : 0;
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_find_cert_id(struct wax_store *s,
                       const uint8_t fp[WAX_STORE_FP_BYTES], int64_t *out_id)
{
    bool found = false;
    WAX_TRY(cert_id_by_fp(s, fp, out_id, &found));
    WAX_ENSURE(found, WAX_ERR_STORE_NOT_FOUND);
    return WAX_OK;
}

static wax_err
insert_cert(struct wax_store *s, const struct store_cert_facts *f,
            int64_t *out_id)
{
    static const char sql[] =
        "INSERT INTO certs(fp, der, subject, issuer, serial, ski, spki,"
        " not_before, not_after, can_sign, can_encrypt, is_ca)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)";
    const struct wax_x509_cert *c = &f->cert;
    sqlite3_stmt *st = NULL;
    struct wax_span fp;
    wax_span_init(&fp, f->fp, sizeof f->fp);
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 1, fp);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 2, c->der);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 3, c->subject);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 4, c->issuer);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 5, c->serial);
    }
    if (err == WAX_OK) {
        err = c->info.has_ski ? wax_store_bind_blob(st, 6, c->info.ski)
                              : wax_store_map_rc(sqlite3_bind_null(st, 6));
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 7, c->spki.der);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 8, c->not_before);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 9, c->not_after);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 10, f->can_sign);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 11, f->can_encrypt);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 12, f->is_ca);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    if (err == WAX_OK) {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
    return err;
}

/* Whether a certificate other than CERT_ID is preferred for EMAIL, and
 * whether one of those has the public key SPKI. */
static wax_err
preferred_others(struct wax_store *s, const char *email, int64_t cert_id,
                 struct wax_span spki, bool *out_any, bool *out_same_key)
{
    static const char sql[] =
        "SELECT c.spki FROM cert_emails e JOIN certs c ON c.id = e.cert_id"
        " WHERE e.email = ? AND e.preferred = 1 AND e.cert_id != ?";
    sqlite3_stmt *st = NULL;
    *out_any = false;
    *out_same_key = false;
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 1, email);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, cert_id);
    }
    while (err == WAX_OK) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_span k = wax_store_col_blob(st, 0);
        *out_any = true;
        if (k.len == spki.len && memcmp(k.p, spki.p, k.len) == 0) {
            *out_same_key = true;
        }
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
email_row(struct wax_store *s, int64_t cert_id, const char *email,
          bool *out_exists, bool *out_preferred)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err = wax_store_prep(
        s, "SELECT preferred FROM cert_emails WHERE cert_id = ? AND email = ?",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 2, email);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK) {
        *out_exists = row;
        *out_preferred = row && sqlite3_column_int(st, 0) != 0;
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
set_email(struct wax_store *s, int64_t cert_id, const char *email,
          bool preferred)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s,
        "INSERT INTO cert_emails(cert_id, email, preferred) VALUES(?,?,?)"
        " ON CONFLICT(cert_id, email) DO UPDATE SET preferred = excluded."
        "preferred",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 2, email);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, preferred);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_add_cert_locked(struct wax_store *s, const uint8_t *der, size_t len,
                          struct store_cert_facts *f, int64_t *out_id,
                          bool *out_added, enum wax_store_harvest_status *st)
{
    WAX_TRY(wax_store_cert_facts(der, len, f));
    bool found = false;
    WAX_TRY(cert_id_by_fp(s, f->fp, out_id, &found));
    *out_added = !found;
    if (!found) {
        WAX_TRY(insert_cert(s, f, out_id));
    }
    for (size_t i = 0; i < f->num_emails; i++) {
        bool exists = false;
        bool preferred = false;
        bool any = false;
        bool same_key = false;
        WAX_TRY(email_row(s, *out_id, f->emails[i], &exists, &preferred));
        WAX_TRY(preferred_others(s, f->emails[i], *out_id, f->cert.spki.der,
                                 &any, &same_key));
        enum wax_store_harvest_status status;
        if (exists && preferred) {
            status = WAX_STORE_HARVEST_KNOWN;
        } else if (!any) {
            status = WAX_STORE_HARVEST_NEW_ADDRESS;
            WAX_TRY(set_email(s, *out_id, f->emails[i], true));
        } else if (same_key) {
            status = WAX_STORE_HARVEST_RENEWED;
            WAX_TRY(set_email(s, *out_id, f->emails[i], true));
        } else {
            status = WAX_STORE_HARVEST_NEW_KEY;
            if (!exists) {
                WAX_TRY(set_email(s, *out_id, f->emails[i], false));
            }
        }
        if (st != NULL) {
            st[i] = status;
        }
    }
    return WAX_OK;
}

wax_err
wax_store_cert_add(struct wax_store *s, const uint8_t *der, size_t len,
                   uint8_t out_fp[WAX_STORE_FP_BYTES], bool *out_added)
{
    WAX_ENSURE(s != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct store_cert_facts *f = malloc(sizeof *f);
    WAX_ENSURE(f != NULL, WAX_ERR_NOMEM);
    int64_t id = 0;
    bool added = false;
    wax_err err = wax_store_tx_begin(s);
    if (err == WAX_OK) {
        err = wax_store_tx_end(
            s, wax_store_add_cert_locked(s, der, len, f, &id, &added, NULL));
    }
    if (err == WAX_OK) {
        if (out_fp != NULL) {
            memcpy(out_fp, f->fp, WAX_STORE_FP_BYTES);
        }
        if (out_added != NULL) {
            *out_added = added;
        }
    }
    free(f);
    return err;
}

wax_err
wax_store_cert_get(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES],
                   struct wax_buf *out)
{
    WAX_ENSURE(s != NULL && fp != NULL && out != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    sqlite3_stmt *st = NULL;
    struct wax_span v;
    wax_span_init(&v, fp, WAX_STORE_FP_BYTES);
    bool row = false;
    wax_err err = wax_store_prep(s, "SELECT der FROM certs WHERE fp = ?", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 1, v);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK && !row) {
        err = WAX_ERR_STORE_NOT_FOUND;
    }
    if (err == WAX_OK) {
        struct wax_span d = wax_store_col_blob(st, 0);
        err = wax_buf_append(out, d.p, d.len);
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
exec_id(struct wax_store *s, const char *sql, int64_t id, int *out_changes)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    if (err == WAX_OK && out_changes != NULL) {
        *out_changes = sqlite3_changes(s->db);
    }
    return err;
}

static wax_err
remove_locked(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES])
{
    int64_t id = 0;
    WAX_TRY(wax_store_find_cert_id(s, fp, &id));
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err =
        wax_store_prep(s,
                       "SELECT 1 FROM identities WHERE cert_id = ?1 UNION ALL"
                       " SELECT 1 FROM identity_chain WHERE cert_id = ?1",
                       &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    sqlite3_finalize(st);
    WAX_TRY(err);
    WAX_ENSURE(!row, WAX_ERR_STORE_DUPLICATE);
    return exec_id(s, "DELETE FROM certs WHERE id = ?", id, NULL);
}

wax_err
wax_store_cert_remove(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, remove_locked(s, fp));
}

/* ------------------------------------------------------------------ */
/* Walks.                                                              */

#define CERT_COLS                                                              \
    "SELECT c.fp, c.der, c.not_before, c.not_after,"                           \
    " COALESCE((SELECT purposes FROM trust t WHERE t.cert_id = c.id), 0),"

wax_err
wax_store_walk_certs(struct wax_store *s, const char *sql,
                     const struct store_bind *b, size_t nb, size_t limit,
                     wax_store_cert_fn fn, void *ctx)
{
    WAX_ENSURE(s != NULL && fn != NULL, WAX_ERR_INVALID_ARGUMENT);
    if (limit == 0 || limit > WAX_MAX_STORE_LIST) {
        limit = WAX_MAX_STORE_LIST;
    }
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(s, sql, &st);
    for (size_t i = 0; i < nb && err == WAX_OK; i++) {
        int idx = (int)i + 1;
        if (b[i].text != NULL) {
            err = wax_store_bind_text(st, idx, b[i].text);
        } else if (b[i].is_int) {
            err = wax_store_bind_int(st, idx, b[i].i);
        } else {
            err = wax_store_bind_blob(st, idx, b[i].blob);
        }
    }
    for (size_t n = 0; err == WAX_OK && n < limit; n++) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_store_cert c;
        memset(&c, 0, sizeof c);
        struct wax_span fp = wax_store_col_blob(st, 0);
        if (fp.len != WAX_STORE_FP_BYTES) {
            err = WAX_ERR_STORE_CORRUPT;
            break;
        }
        memcpy(c.fp, fp.p, fp.len);
        c.der = wax_store_col_blob(st, 1);
        c.not_before = sqlite3_column_int64(st, 2);
        c.not_after = sqlite3_column_int64(st, 3);
        c.trust = (uint32_t)sqlite3_column_int64(st, 4);
        c.preferred = sqlite3_column_int(st, 5) != 0;
        c.can_encrypt = sqlite3_column_int(st, 6) != 0;
        c.can_sign = sqlite3_column_int(st, 7) != 0;
        c.is_ca = sqlite3_column_int(st, 8) != 0;
        err = fn(ctx, &c);
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_cert_list(struct wax_store *s, size_t limit, wax_store_cert_fn fn,
                    void *ctx)
{
    return wax_store_walk_certs(
        s,
        CERT_COLS " 1, c.can_encrypt, c.can_sign, c.is_ca FROM certs c"
                  " ORDER BY c.not_before DESC, c.id DESC",
        NULL, 0, limit, fn, ctx);
}

wax_err
wax_store_certs_by_subject(struct wax_store *s, struct wax_span subject,
                           size_t limit, wax_store_cert_fn fn, void *ctx)
{
    struct store_bind b = {.blob = subject};
    return wax_store_walk_certs(
        s,
        CERT_COLS " 1, c.can_encrypt, c.can_sign, c.is_ca FROM certs c"
                  " WHERE c.subject = ? ORDER BY c.not_before DESC, c.id DESC",
        &b, 1, limit, fn, ctx);
}

wax_err
wax_store_certs_by_issuer_serial(struct wax_store *s, struct wax_span issuer,
                                 struct wax_span serial, size_t limit,
                                 wax_store_cert_fn fn, void *ctx)
{
    struct store_bind b[2] = {{.blob = issuer}, {.blob = serial}};
    return wax_store_walk_certs(
        s,
        CERT_COLS " 1, c.can_encrypt, c.can_sign, c.is_ca FROM certs c"
                  " WHERE c.issuer = ? AND c.serial = ?"
                  " ORDER BY c.not_before DESC, c.id DESC",
        b, 2, limit, fn, ctx);
}

wax_err
wax_store_certs_by_ski(struct wax_store *s, struct wax_span ski, size_t limit,
                       wax_store_cert_fn fn, void *ctx)
{
    struct store_bind b = {.blob = ski};
    return wax_store_walk_certs(
        s,
        CERT_COLS " 1, c.can_encrypt, c.can_sign, c.is_ca FROM certs c"
                  " WHERE c.ski = ? ORDER BY c.not_before DESC, c.id DESC",
        &b, 1, limit, fn, ctx);
}

wax_err
wax_store_certs_by_email(struct wax_store *s, const char *address, size_t limit,
                         wax_store_cert_fn fn, void *ctx)
{
    char a[WAX_MAX_STORE_ADDRESS + 1];
    WAX_TRY(wax_store_query_address(address, a));
    struct store_bind b = {.text = a};
    return wax_store_walk_certs(
        s,
        CERT_COLS " e.preferred, c.can_encrypt, c.can_sign, c.is_ca"
                  " FROM cert_emails e JOIN certs c ON c.id = e.cert_id"
                  " WHERE e.email = ? ORDER BY c.not_before DESC, c.id DESC",
        &b, 1, limit, fn, ctx);
}

/* ------------------------------------------------------------------ */
/* Trust.                                                              */

static wax_err
trust_locked(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES],
             uint32_t purposes)
{
    int64_t id = 0;
    WAX_TRY(wax_store_find_cert_id(s, fp, &id));
    if (purposes == 0) {
        int changes = 0;
        WAX_TRY(
            exec_id(s, "DELETE FROM trust WHERE cert_id = ?", id, &changes));
        WAX_ENSURE(changes > 0, WAX_ERR_STORE_NOT_FOUND);
        return WAX_OK;
    }
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s, "INSERT OR REPLACE INTO trust(cert_id, purposes) VALUES(?, ?)", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, purposes);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    return err;
}

#define TRUST_ALL                                                              \
    (WAX_STORE_TRUST_SMIME | WAX_STORE_TRUST_TLS | WAX_STORE_TRUST_ANY)

wax_err
wax_store_trust(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES],
                uint32_t purposes)
{
    WAX_ENSURE(s != NULL && fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(purposes != 0 && (purposes & ~TRUST_ALL) == 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, trust_locked(s, fp, purposes));
}

wax_err
wax_store_untrust(struct wax_store *s, const uint8_t fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, trust_locked(s, fp, 0));
}

wax_err
wax_store_anchors(struct wax_store *s, uint32_t purpose, size_t limit,
                  wax_store_cert_fn fn, void *ctx)
{
    WAX_ENSURE(purpose != 0 && (purpose & (purpose - 1)) == 0 &&
                   (purpose & ~TRUST_ALL) == 0,
               WAX_ERR_INVALID_ARGUMENT);
    struct store_bind b = {.is_int = true,
                           .i = (int64_t)(purpose | WAX_STORE_TRUST_ANY)};
    return wax_store_walk_certs(
        s,
        CERT_COLS " 1, c.can_encrypt, c.can_sign, c.is_ca"
                  " FROM trust t0 JOIN certs c ON c.id = t0.cert_id"
                  " WHERE (t0.purposes & ?) != 0"
                  " ORDER BY c.not_before DESC, c.id DESC",
        &b, 1, limit, fn, ctx);
}

/* ------------------------------------------------------------------ */
/* CRLs.                                                               */

static wax_err
crl_add_locked(struct wax_store *s, const struct wax_x509_crl *crl,
               bool *out_added)
{
    sqlite3_stmt *st = NULL;
    struct wax_span number = crl->crl_number;
    if (!crl->has_crl_number) {
        number.len = 0;
    }
    wax_err err = wax_store_prep(
        s,
        "INSERT OR IGNORE INTO crls(issuer, number, this_update, next_update,"
        " der, fp) VALUES(?,?,?,?,?,?)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 1, crl->issuer);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 2, number);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, crl->this_update);
    }
    if (err == WAX_OK) {
        err = crl->has_next_update ? wax_store_bind_int(st, 4, crl->next_update)
                                   : wax_store_map_rc(sqlite3_bind_null(st, 4));
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 5, crl->der);
    }
    uint8_t fp[WAX_STORE_FP_BYTES];
    size_t fp_len = 0;
    if (err == WAX_OK) {
        err = wax_digest_compute(WAX_DIGEST_SHA256, fp, sizeof fp, &fp_len,
                                 crl->der.p, crl->der.len);
    }
    if (err == WAX_OK) {
        struct wax_span v;
        wax_span_init(&v, fp, fp_len);
        err = wax_store_bind_blob(st, 6, v);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    if (err == WAX_OK) {
        *out_added = sqlite3_changes(s->db) > 0;
    }
    return err;
}

wax_err
wax_store_crl_add(struct wax_store *s, const uint8_t *der, size_t len,
                  bool *out_added)
{
    WAX_ENSURE(s != NULL && der != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(len <= WAX_MAX_STORE_OBJECT, WAX_ERR_LIMIT_EXCEEDED);
    struct wax_x509_crl *crl = malloc(sizeof *crl);
    WAX_ENSURE(crl != NULL, WAX_ERR_NOMEM);
    bool added = false;
    wax_err err = wax_x509_crl_parse(crl, der, len);
    if (err == WAX_OK) {
        err = wax_store_tx_begin(s);
        if (err == WAX_OK) {
            err = wax_store_tx_end(s, crl_add_locked(s, crl, &added));
        }
    }
    free(crl);
    if (err == WAX_OK && out_added != NULL) {
        *out_added = added;
    }
    return err;
}

static wax_err
walk_crls(struct wax_store *s, const char *sql, const struct wax_span *issuer,
          size_t limit, wax_store_crl_fn fn, void *ctx)
{
    WAX_ENSURE(s != NULL && fn != NULL, WAX_ERR_INVALID_ARGUMENT);
    if (limit == 0 || limit > WAX_MAX_STORE_LIST) {
        limit = WAX_MAX_STORE_LIST;
    }
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK && issuer != NULL) {
        err = wax_store_bind_blob(st, 1, *issuer);
    }
    for (size_t n = 0; err == WAX_OK && n < limit; n++) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_store_crl c;
        c.der = wax_store_col_blob(st, 0);
        c.issuer = wax_store_col_blob(st, 1);
        c.number = wax_store_col_blob(st, 2);
        c.this_update = sqlite3_column_int64(st, 3);
        c.has_next_update = sqlite3_column_type(st, 4) != SQLITE_NULL;
        c.next_update = c.has_next_update ? sqlite3_column_int64(st, 4) : 0;
        err = fn(ctx, &c);
    }
    sqlite3_finalize(st);
    return err;
}

/* cRLNumber contents are minimal non-negative INTEGERs: a longer one is
 * larger, and equal lengths compare as bytes. */
#define CRL_COLS                                                               \
    "SELECT der, issuer, number, this_update, next_update FROM crls"
#define CRL_ORDER                                                              \
    " ORDER BY length(number) DESC, number DESC, this_update DESC, id DESC"

wax_err
wax_store_crl_list(struct wax_store *s, size_t limit, wax_store_crl_fn fn,
                   void *ctx)
{
    return walk_crls(s, CRL_COLS " ORDER BY issuer, id", NULL, limit, fn, ctx);
}

wax_err
wax_store_crls_by_issuer(struct wax_store *s, struct wax_span issuer,
                         size_t limit, wax_store_crl_fn fn, void *ctx)
{
    return walk_crls(s, CRL_COLS " WHERE issuer = ?" CRL_ORDER, &issuer, limit,
                     fn, ctx);
}
