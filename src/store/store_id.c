/* The store layer: identities, harvesting, accepting keys, recipients. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_priv.h"

/* Largest PKCS#8 blob written or read (an RSA-16384 key fits). */
#define STORE_MAX_KEY_BYTES 65536

/* ------------------------------------------------------------------ */
/* Identities.                                                         */

static wax_err
insert_identity(struct wax_store *s, int64_t cert_id, struct wax_span key,
                bool encrypted)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s, "INSERT INTO identities(cert_id, key, encrypted) VALUES(?,?,?)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 2, key);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, encrypted);
    }
    if (err == WAX_OK) {
        int rc = sqlite3_step(st);
        err = (rc & 0xff) == SQLITE_CONSTRAINT ? WAX_ERR_STORE_DUPLICATE
                                               : wax_store_map_rc(rc);
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
insert_chain_link(struct wax_store *s, int64_t identity, int64_t pos,
                  int64_t cert_id)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s, "INSERT INTO identity_chain(identity, pos, cert_id) VALUES(?,?,?)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, identity);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, pos);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
identity_add_locked(struct wax_store *s, const uint8_t *cert, size_t cert_len,
                    const struct wax_span *chain, size_t num_chain,
                    struct wax_span key, bool encrypted,
                    struct store_cert_facts *f, uint8_t *fp)
{
    int64_t id = 0;
    bool added = false;
    WAX_TRY(wax_store_add_cert_locked(s, cert, cert_len, f, &id, &added, NULL));
    memcpy(fp, f->fp, WAX_STORE_FP_BYTES);
    WAX_TRY(insert_identity(s, id, key, encrypted));
    for (size_t i = 0; i < num_chain; i++) {
        int64_t cid = 0;
        WAX_TRY(wax_store_add_cert_locked(s, chain[i].p, chain[i].len, f, &cid,
                                          &added, NULL));
        WAX_TRY(insert_chain_link(s, id, (int64_t)i, cid));
    }
    return WAX_OK;
}

wax_err
wax_store_identity_add(struct wax_store *s, const struct wax_privkey *key,
                       const uint8_t *cert, size_t cert_len,
                       const struct wax_span *chain, size_t num_chain,
                       const char *passphrase, bool no_passphrase,
                       uint8_t out_fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && key != NULL && cert != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(chain != NULL || num_chain == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(num_chain <= WAX_MAX_STORE_CHAIN, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE((passphrase != NULL) != no_passphrase,
               WAX_ERR_STORE_NO_PASSPHRASE);
    struct store_cert_facts *f = malloc(sizeof *f);
    WAX_ENSURE(f != NULL, WAX_ERR_NOMEM);
    struct wax_buf pk;
    wax_buf_init_secret(&pk, STORE_MAX_KEY_BYTES);
    uint8_t fp[WAX_STORE_FP_BYTES];
    wax_err err = wax_store_cert_facts(cert, cert_len, f);
    if (err == WAX_OK) {
        err = wax_privkey_match_spki(key, f->cert.spki.der.p,
                                     f->cert.spki.der.len);
    }
    if (err == WAX_OK) {
        err = passphrase != NULL
                  ? wax_privkey_to_pkcs8_encrypted(key, &pk, passphrase, 0)
                  : wax_privkey_to_pkcs8(key, &pk);
    }
    if (err == WAX_OK) {
        err = wax_store_tx_begin(s);
        if (err == WAX_OK) {
            struct wax_span k;
            wax_span_init(&k, pk.data, pk.len);
            err = wax_store_tx_end(
                s, identity_add_locked(s, cert, cert_len, chain, num_chain, k,
                                       passphrase != NULL, f, fp));
        }
    }
    if (err == WAX_OK && out_fp != NULL) {
        memcpy(out_fp, fp, sizeof fp);
    }
    wax_buf_cleanup(&pk);
    free(f);
    return err;
}

static wax_err
usage_clause(enum wax_store_usage usage, const char **out)
{
    switch (usage) {
    case WAX_STORE_USAGE_SIGN:
        *out = " AND c.can_sign = 1";
        return WAX_OK;
    case WAX_STORE_USAGE_ENCRYPT:
        *out = " AND c.can_encrypt = 1";
        return WAX_OK;
    case WAX_STORE_USAGE_ANY:
        *out = "";
        return WAX_OK;
    }
    return WAX_ERR_INVALID_ARGUMENT;
}

wax_err
wax_store_identity_find(struct wax_store *s, const char *address, int64_t at,
                        enum wax_store_usage usage,
                        uint8_t out_fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && out_fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    char a[WAX_MAX_STORE_ADDRESS + 1];
    const char *clause = NULL;
    WAX_TRY(wax_store_query_address(address, a));
    WAX_TRY(usage_clause(usage, &clause));
    char sql[512];
    int n = snprintf(
        sql, sizeof sql, "%s%s%s",
        "SELECT c.fp FROM identities i JOIN certs c ON c.id = i.cert_id"
        " JOIN cert_emails e ON e.cert_id = c.id WHERE e.email = ?"
        " AND c.not_before <= ?2 AND c.not_after >= ?2",
        clause, " ORDER BY c.not_before DESC, c.id DESC LIMIT 1");
    WAX_ENSURE(n > 0 && (size_t)n < sizeof sql, WAX_ERR_INTERNAL);
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 1, a);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, at);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK && !row) {
        err = WAX_ERR_STORE_NOT_FOUND;
    }
    if (err == WAX_OK) {
        struct wax_span fp = wax_store_col_blob(st, 0);
        if (fp.len == WAX_STORE_FP_BYTES) {
            memcpy(out_fp, fp.p, fp.len);
        } else {
            err = WAX_ERR_STORE_CORRUPT;
        }
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_identity_list(struct wax_store *s, const char *address, size_t limit,
                        wax_store_identity_fn fn, void *ctx)
{
    WAX_ENSURE(s != NULL && fn != NULL, WAX_ERR_INVALID_ARGUMENT);
    char a[WAX_MAX_STORE_ADDRESS + 1];
    if (address != NULL) {
        WAX_TRY(wax_store_query_address(address, a));
    }
    if (limit == 0 || limit > WAX_MAX_STORE_LIST) {
        limit = WAX_MAX_STORE_LIST;
    }
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s,
        address == NULL
            ? "SELECT c.fp, c.der, i.encrypted FROM identities i"
              " JOIN certs c ON c.id = i.cert_id"
              " ORDER BY c.not_before DESC, c.id DESC"
            : "SELECT c.fp, c.der, i.encrypted FROM identities i"
              " JOIN certs c ON c.id = i.cert_id"
              " JOIN cert_emails e ON e.cert_id = c.id WHERE e.email = ?"
              " ORDER BY c.not_before DESC, c.id DESC",
        &st);
    if (err == WAX_OK && address != NULL) {
        err = wax_store_bind_text(st, 1, a);
    }
    for (size_t n = 0; err == WAX_OK && n < limit; n++) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_store_identity id;
        struct wax_span fp = wax_store_col_blob(st, 0);
        if (fp.len != WAX_STORE_FP_BYTES) {
            err = WAX_ERR_STORE_CORRUPT;
            break;
        }
        memcpy(id.fp, fp.p, fp.len);
        id.cert = wax_store_col_blob(st, 1);
        id.encrypted = sqlite3_column_int(st, 2) != 0;
        err = fn(ctx, &id);
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
append_chain(struct wax_store *s, int64_t id, struct wax_buf *out)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s,
        "SELECT c.der FROM identity_chain l JOIN certs c ON c.id = l.cert_id"
        " WHERE l.identity = ? ORDER BY l.pos",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    for (size_t n = 0; err == WAX_OK && n <= WAX_MAX_STORE_CHAIN; n++) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_span d = wax_store_col_blob(st, 0);
        err = wax_buf_append(out, d.p, d.len);
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_identity_load(struct wax_store *s,
                        const uint8_t fp[WAX_STORE_FP_BYTES],
                        const char *passphrase, struct wax_privkey **out_key,
                        struct wax_buf *out_chain)
{
    WAX_ENSURE(s != NULL && fp != NULL && out_key != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    *out_key = NULL;
    sqlite3_stmt *st = NULL;
    struct wax_span v;
    wax_span_init(&v, fp, WAX_STORE_FP_BYTES);
    bool row = false;
    struct wax_privkey *key = NULL;
    int64_t id = 0;
    wax_err err = wax_store_prep(
        s,
        "SELECT i.key, i.encrypted, c.der, c.spki, c.id FROM identities i"
        " JOIN certs c ON c.id = i.cert_id WHERE c.fp = ?",
        &st);
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
        struct wax_span k = wax_store_col_blob(st, 0);
        bool encrypted = sqlite3_column_int(st, 1) != 0;
        struct wax_span spki = wax_store_col_blob(st, 3);
        id = sqlite3_column_int64(st, 4);
        err = wax_privkey_load(
            &key, k.p, k.len,
            encrypted ? (passphrase != NULL ? passphrase : NULL) : NULL);
        if (err == WAX_ERR_CRYPTO_BAD_PASSWORD && encrypted) {
            /* reported as is: wrong or missing passphrase */
        } else if (err != WAX_OK && err != WAX_ERR_NOMEM) {
            err = WAX_ERR_STORE_CORRUPT;
        }
        if (err == WAX_OK &&
            wax_privkey_match_spki(key, spki.p, spki.len) != WAX_OK) {
            err = WAX_ERR_STORE_CORRUPT;
        }
        if (err == WAX_OK && out_chain != NULL) {
            struct wax_span d = wax_store_col_blob(st, 2);
            err = wax_buf_append(out_chain, d.p, d.len);
        }
    }
    sqlite3_finalize(st);
    if (err == WAX_OK && out_chain != NULL) {
        err = append_chain(s, id, out_chain);
    }
    if (err != WAX_OK) {
        wax_privkey_free(key);
        return err;
    }
    *out_key = key;
    return WAX_OK;
}

static wax_err
identity_remove_locked(struct wax_store *s,
                       const uint8_t fp[WAX_STORE_FP_BYTES])
{
    int64_t id = 0;
    WAX_TRY(wax_store_find_cert_id(s, fp, &id));
    sqlite3_stmt *st = NULL;
    wax_err err =
        wax_store_prep(s, "DELETE FROM identities WHERE cert_id = ?", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    WAX_TRY(err);
    WAX_ENSURE(sqlite3_changes(s->db) > 0, WAX_ERR_STORE_NOT_FOUND);
    return WAX_OK;
}

wax_err
wax_store_identity_remove(struct wax_store *s,
                          const uint8_t fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, identity_remove_locked(s, fp));
}

/* ------------------------------------------------------------------ */
/* Harvesting.                                                         */

static wax_err
store_caps(struct wax_store *s, const char *email, int64_t cert_id,
           const struct wax_store_harvest_in *in)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s,
        "INSERT OR REPLACE INTO capabilities(email, cert_id, caps, enc_pref,"
        " at) VALUES(?,?,?,?,?)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 1, email);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 3, in->caps);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 4, in->enc_pref);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 5, in->at);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    return err;
}

/* Marks CERT_ID as the harvested encryption-key preference of EMAIL. */
static wax_err
set_enc_pref(struct wax_store *s, const char *email, int64_t cert_id)
{
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s, "UPDATE cert_emails SET enc_pref = (cert_id = ?) WHERE email = ?",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, cert_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 2, email);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    return err;
}

/* The encryption certificate a VALID signature of the accepted signer
 * (SIGNER_ID) named for EMAIL is accepted with it: marked preferred when
 * the signer's certificate is the preferred one for EMAIL (*OUT_DONE). */
static wax_err
accept_enc_cert(struct wax_store *s, const char *email, int64_t signer_id,
                int64_t enc_id, bool *out_done)
{
    sqlite3_stmt *st = NULL;
    *out_done = false;
    wax_err err = wax_store_prep(
        s,
        "UPDATE cert_emails SET preferred = 1 WHERE cert_id = ?1 AND "
        "email = ?2 AND EXISTS (SELECT 1 FROM cert_emails WHERE cert_id = ?3 "
        "AND email = ?2 AND preferred = 1)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, enc_id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 2, email);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, signer_id);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    if (err == WAX_OK) {
        *out_done = sqlite3_changes(s->db) > 0;
    }
    return err;
}

static wax_err
record_outcome(struct wax_store_harvest_outcome *out,
               const struct store_cert_facts *f,
               const enum wax_store_harvest_status *status)
{
    for (size_t i = 0; i < f->num_emails; i++) {
        size_t j = 0;
        while (j < out->num &&
               (strcmp(out->addr[j].address, f->emails[i]) ||
                memcmp(out->addr[j].fp, f->fp, WAX_STORE_FP_BYTES))) {
            j++;
        }
        if (j < out->num) {
            continue;
        }
        WAX_ENSURE(out->num < WAX_MAX_STORE_EMAILS, WAX_ERR_LIMIT_EXCEEDED);
        memcpy(out->addr[j].address, f->emails[i], sizeof out->addr[j].address);
        memcpy(out->addr[j].fp, f->fp, WAX_STORE_FP_BYTES);
        out->addr[j].status = status[i];
        out->num++;
        if (status[i] == WAX_STORE_HARVEST_NEW_KEY) {
            out->any_new_key = true;
        }
    }
    return WAX_OK;
}

static wax_err
harvest_locked(struct wax_store *s, const struct wax_store_harvest_in *in,
               struct store_cert_facts *f,
               enum wax_store_harvest_status *status,
               struct wax_store_harvest_outcome *out)
{
    int64_t signer_id = 0;
    bool added = false;
    WAX_TRY(wax_store_add_cert_locked(s, in->signer.p, in->signer.len, f,
                                      &signer_id, &added, status));
    WAX_TRY(record_outcome(out, f, status));
    bool have_caps = in->caps.len > 0 || in->enc_pref.len > 0;
    for (size_t i = 0; i < f->num_emails && have_caps; i++) {
        /* A key not accepted yet must not steer the algorithms used for
         * the accepted one. */
        if (status[i] != WAX_STORE_HARVEST_NEW_KEY) {
            WAX_TRY(store_caps(s, f->emails[i], signer_id, in));
        }
    }
    for (size_t i = 0; i < in->num_chain; i++) {
        int64_t cid = 0;
        WAX_TRY(wax_store_add_cert_locked(s, in->chain[i].p, in->chain[i].len,
                                          f, &cid, &added, status));
    }
    if (in->enc_cert.len > 0) {
        int64_t eid = 0;
        WAX_TRY(wax_store_add_cert_locked(s, in->enc_cert.p, in->enc_cert.len,
                                          f, &eid, &added, status));
        for (size_t i = 0; i < f->num_emails; i++) {
            bool done = false;
            if (status[i] == WAX_STORE_HARVEST_NEW_KEY) {
                WAX_TRY(
                    accept_enc_cert(s, f->emails[i], signer_id, eid, &done));
            }
            if (done) {
                status[i] = WAX_STORE_HARVEST_KNOWN;
            }
        }
        WAX_TRY(record_outcome(out, f, status));
        for (size_t i = 0; i < f->num_emails; i++) {
            if (status[i] != WAX_STORE_HARVEST_NEW_KEY) {
                WAX_TRY(set_enc_pref(s, f->emails[i], eid));
            }
        }
    }
    return WAX_OK;
}

wax_err
wax_store_harvest(struct wax_store *s, const struct wax_store_harvest_in *in,
                  struct wax_store_harvest_outcome *out)
{
    WAX_ENSURE(s != NULL && in != NULL && out != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in->chain != NULL || in->num_chain == 0,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(in->num_chain <= WAX_MAX_STORE_CHAIN, WAX_ERR_LIMIT_EXCEEDED);
    WAX_ENSURE(in->caps.len <= WAX_MAX_STORE_CAPS &&
                   in->enc_pref.len <= WAX_MAX_STORE_CAPS,
               WAX_ERR_LIMIT_EXCEEDED);
    memset(out, 0, sizeof *out);
    struct store_cert_facts *f = malloc(sizeof *f);
    WAX_ENSURE(f != NULL, WAX_ERR_NOMEM);
    enum wax_store_harvest_status status[WAX_MAX_STORE_EMAILS];
    wax_err err = wax_store_tx_begin(s);
    if (err == WAX_OK) {
        err = wax_store_tx_end(s, harvest_locked(s, in, f, status, out));
    }
    if (err != WAX_OK) {
        memset(out, 0, sizeof *out);
    }
    free(f);
    return err;
}

static wax_err
accept_locked(struct wax_store *s, const char *email,
              const uint8_t fp[WAX_STORE_FP_BYTES])
{
    int64_t id = 0;
    WAX_TRY(wax_store_find_cert_id(s, fp, &id));
    sqlite3_stmt *st = NULL;
    wax_err err = wax_store_prep(
        s,
        "UPDATE cert_emails SET preferred = (cert_id = ?1) WHERE email = ?2"
        " AND EXISTS (SELECT 1 FROM cert_emails WHERE cert_id = ?1"
        " AND email = ?2)",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 1, id);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 2, email);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    WAX_TRY(err);
    WAX_ENSURE(sqlite3_changes(s->db) > 0, WAX_ERR_STORE_NOT_FOUND);
    return WAX_OK;
}

wax_err
wax_store_accept(struct wax_store *s, const char *address,
                 const uint8_t fp[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    char a[WAX_MAX_STORE_ADDRESS + 1];
    WAX_TRY(wax_store_query_address(address, a));
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, accept_locked(s, a, fp));
}

wax_err
wax_store_capabilities(struct wax_store *s, const char *address,
                       struct wax_buf *out)
{
    WAX_ENSURE(s != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    char a[WAX_MAX_STORE_ADDRESS + 1];
    WAX_TRY(wax_store_query_address(address, a));
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err =
        wax_store_prep(s, "SELECT caps FROM capabilities WHERE email = ?", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 1, a);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK && !row) {
        err = WAX_ERR_STORE_NOT_FOUND;
    }
    if (err == WAX_OK) {
        struct wax_span c = wax_store_col_blob(st, 0);
        err = wax_buf_append(out, c.p, c.len);
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_recipient(struct wax_store *s, const char *address, int64_t at,
                    uint8_t out_fp[WAX_STORE_FP_BYTES], struct wax_buf *out)
{
    WAX_ENSURE(s != NULL && out_fp != NULL, WAX_ERR_INVALID_ARGUMENT);
    char a[WAX_MAX_STORE_ADDRESS + 1];
    WAX_TRY(wax_store_query_address(address, a));
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err = wax_store_prep(
        s,
        "SELECT c.fp, c.der, e.preferred FROM cert_emails e"
        " JOIN certs c ON c.id = e.cert_id WHERE e.email = ?1"
        " AND c.not_before <= ?2 AND c.not_after >= ?2 AND c.can_encrypt = 1"
        " AND c.is_ca = 0"
        " ORDER BY e.preferred DESC, e.enc_pref DESC, c.not_before DESC,"
        " c.id DESC LIMIT 1",
        &st);
    if (err == WAX_OK) {
        err = wax_store_bind_text(st, 1, a);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 2, at);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK && !row) {
        err = WAX_ERR_STORE_NOT_FOUND;
    }
    if (err == WAX_OK && sqlite3_column_int(st, 2) == 0) {
        err = WAX_ERR_STORE_KEY_NOT_ACCEPTED;
    }
    if (err == WAX_OK) {
        struct wax_span fp = wax_store_col_blob(st, 0);
        if (fp.len != WAX_STORE_FP_BYTES) {
            err = WAX_ERR_STORE_CORRUPT;
        } else {
            memcpy(out_fp, fp.p, fp.len);
        }
    }
    if (err == WAX_OK && out != NULL) {
        struct wax_span d = wax_store_col_blob(st, 1);
        err = wax_buf_append(out, d.p, d.len);
    }
    sqlite3_finalize(st);
    return err;
}

/* ------------------------------------------------------------------ */
/* Pending keys.                                                       */

/* The SHA-256 of an SPKI as wax_pubkey_to_spki writes it, so that a key
 * and a certificate encoding the same public key hash alike. */
static wax_err
spki_hash_pub(const struct wax_pubkey *pub, uint8_t *out)
{
    struct wax_buf b;
    wax_buf_init(&b, STORE_MAX_KEY_BYTES);
    size_t n = 0;
    wax_err err = wax_pubkey_to_spki(pub, &b);
    if (err == WAX_OK) {
        err = wax_digest_compute(WAX_DIGEST_SHA256, out, WAX_STORE_FP_BYTES, &n,
                                 b.data, b.len);
    }
    wax_buf_cleanup(&b);
    return err;
}

static wax_err
spki_hash_key(const struct wax_privkey *key, uint8_t *out)
{
    struct wax_pubkey *pub = NULL;
    WAX_TRY(wax_privkey_public(key, &pub));
    wax_err err = spki_hash_pub(pub, out);
    wax_pubkey_free(pub);
    return err;
}

wax_err
wax_store_pending_key_add(struct wax_store *s, const struct wax_privkey *key,
                          const char *passphrase, bool no_passphrase,
                          uint8_t out_hash[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && key != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE((passphrase != NULL) != no_passphrase,
               WAX_ERR_STORE_NO_PASSPHRASE);
    uint8_t h[WAX_STORE_FP_BYTES];
    WAX_TRY(spki_hash_key(key, h));
    struct wax_buf pk;
    wax_buf_init_secret(&pk, STORE_MAX_KEY_BYTES);
    wax_err err = passphrase != NULL
                      ? wax_privkey_to_pkcs8_encrypted(key, &pk, passphrase, 0)
                      : wax_privkey_to_pkcs8(key, &pk);
    sqlite3_stmt *st = NULL;
    if (err == WAX_OK) {
        err = wax_store_prep(s,
                             "INSERT INTO pending_keys(spki_hash, key,"
                             " encrypted, created) VALUES(?,?,?,?)",
                             &st);
    }
    if (err == WAX_OK) {
        struct wax_span v;
        wax_span_init(&v, h, sizeof h);
        err = wax_store_bind_blob(st, 1, v);
    }
    if (err == WAX_OK) {
        struct wax_span k;
        wax_span_init(&k, pk.data, pk.len);
        err = wax_store_bind_blob(st, 2, k);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 3, passphrase != NULL);
    }
    if (err == WAX_OK) {
        err = wax_store_bind_int(st, 4, (int64_t)time(NULL));
    }
    if (err == WAX_OK) {
        int rc = sqlite3_step(st);
        err = (rc & 0xff) == SQLITE_CONSTRAINT ? WAX_ERR_STORE_DUPLICATE
                                               : wax_store_map_rc(rc);
    }
    sqlite3_finalize(st);
    wax_buf_cleanup(&pk);
    if (err == WAX_OK && out_hash != NULL) {
        memcpy(out_hash, h, sizeof h);
    }
    return err;
}

static wax_err
pending_delete(struct wax_store *s, const uint8_t *h)
{
    sqlite3_stmt *st = NULL;
    struct wax_span v;
    wax_span_init(&v, h, WAX_STORE_FP_BYTES);
    wax_err err =
        wax_store_prep(s, "DELETE FROM pending_keys WHERE spki_hash = ?", &st);
    if (err == WAX_OK) {
        err = wax_store_bind_blob(st, 1, v);
    }
    if (err == WAX_OK) {
        err = wax_store_step(st, NULL);
    }
    sqlite3_finalize(st);
    WAX_TRY(err);
    WAX_ENSURE(sqlite3_changes(s->db) > 0, WAX_ERR_STORE_NOT_FOUND);
    return WAX_OK;
}

static wax_err
claim_locked(struct wax_store *s, const uint8_t *cert, size_t cert_len,
             const struct wax_span *chain, size_t num_chain,
             const char *passphrase, const uint8_t *h,
             struct store_cert_facts *f, uint8_t *fp, bool *encrypted)
{
    sqlite3_stmt *st = NULL;
    struct wax_span v;
    wax_span_init(&v, h, WAX_STORE_FP_BYTES);
    bool row = false;
    struct wax_buf kb;
    wax_buf_init_secret(&kb, STORE_MAX_KEY_BYTES);
    wax_err err = wax_store_prep(
        s, "SELECT key, encrypted FROM pending_keys WHERE spki_hash = ?", &st);
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
        struct wax_span k = wax_store_col_blob(st, 0);
        *encrypted = sqlite3_column_int(st, 1) != 0;
        err = wax_buf_append(&kb, k.p, k.len);
    }
    sqlite3_finalize(st);
    struct wax_privkey *key = NULL;
    if (err == WAX_OK) {
        err = wax_privkey_load(&key, kb.data, kb.len,
                               *encrypted ? passphrase : NULL);
        if (err != WAX_OK && err != WAX_ERR_NOMEM &&
            !(err == WAX_ERR_CRYPTO_BAD_PASSWORD && *encrypted)) {
            err = WAX_ERR_STORE_CORRUPT;
        }
    }
    if (err == WAX_OK) {
        err = wax_privkey_match_spki(key, f->cert.spki.der.p,
                                     f->cert.spki.der.len);
        if (err != WAX_OK && err != WAX_ERR_NOMEM) {
            err = WAX_ERR_STORE_CORRUPT;
        }
    }
    wax_privkey_free(key);
    if (err == WAX_OK) {
        struct wax_span k;
        wax_span_init(&k, kb.data, kb.len);
        err = identity_add_locked(s, cert, cert_len, chain, num_chain, k,
                                  *encrypted, f, fp);
    }
    if (err == WAX_OK) {
        err = pending_delete(s, h);
    }
    wax_buf_cleanup(&kb);
    return err;
}

wax_err
wax_store_pending_key_claim(struct wax_store *s, const uint8_t *cert,
                            size_t cert_len, const struct wax_span *chain,
                            size_t num_chain, const char *passphrase,
                            uint8_t out_fp[WAX_STORE_FP_BYTES],
                            bool *out_encrypted)
{
    WAX_ENSURE(s != NULL && cert != NULL && out_fp != NULL,
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(chain != NULL || num_chain == 0, WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE(num_chain <= WAX_MAX_STORE_CHAIN, WAX_ERR_LIMIT_EXCEEDED);
    struct store_cert_facts *f = malloc(sizeof *f);
    WAX_ENSURE(f != NULL, WAX_ERR_NOMEM);
    uint8_t h[WAX_STORE_FP_BYTES];
    uint8_t fp[WAX_STORE_FP_BYTES];
    bool encrypted = false;
    struct wax_pubkey *pub = NULL;
    wax_err err = wax_store_cert_facts(cert, cert_len, f);
    if (err == WAX_OK) {
        err = wax_pubkey_from_spki(&pub, f->cert.spki.der.p,
                                   f->cert.spki.der.len);
    }
    if (err == WAX_OK) {
        err = spki_hash_pub(pub, h);
    }
    wax_pubkey_free(pub);
    if (err == WAX_OK) {
        err = wax_store_tx_begin(s);
        if (err == WAX_OK) {
            err = wax_store_tx_end(s, claim_locked(s, cert, cert_len, chain,
                                                   num_chain, passphrase, h, f,
                                                   fp, &encrypted));
        }
    }
    if (err == WAX_OK) {
        memcpy(out_fp, fp, sizeof fp);
        if (out_encrypted != NULL) {
            *out_encrypted = encrypted;
        }
    }
    free(f);
    return err;
}

wax_err
wax_store_pending_key_list(struct wax_store *s,
                           wax_err (*cb)(void *ctx,
                                         const struct wax_store_pending *p),
                           void *ctx)
{
    WAX_ENSURE(s != NULL && cb != NULL, WAX_ERR_INVALID_ARGUMENT);
    sqlite3_stmt *st = NULL;
    WAX_TRY(wax_store_prep(s,
                           "SELECT spki_hash, encrypted, created FROM"
                           " pending_keys ORDER BY created, id",
                           &st));
    wax_err err = WAX_OK;
    for (;;) {
        bool row = false;
        err = wax_store_step(st, &row);
        if (err != WAX_OK || !row) {
            break;
        }
        struct wax_store_pending p;
        struct wax_span h = wax_store_col_blob(st, 0);
        if (h.len != WAX_STORE_FP_BYTES) {
            err = WAX_ERR_STORE_CORRUPT;
            break;
        }
        memcpy(p.spki_hash, h.p, h.len);
        p.encrypted = sqlite3_column_int(st, 1) != 0;
        p.created = sqlite3_column_int64(st, 2);
        err = cb(ctx, &p);
        if (err != WAX_OK) {
            break;
        }
    }
    sqlite3_finalize(st);
    return err;
}

wax_err
wax_store_pending_key_remove(struct wax_store *s,
                             const uint8_t spki_hash[WAX_STORE_FP_BYTES])
{
    WAX_ENSURE(s != NULL && spki_hash != NULL, WAX_ERR_INVALID_ARGUMENT);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, pending_delete(s, spki_hash));
}
