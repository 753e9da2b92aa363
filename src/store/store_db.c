/* The store layer's SQLite plumbing: opening with 0600, schema migrations,
 * transactions with bounded retries, statement helpers, error mapping. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

/* 'wax1': marks a wax store file. */
#define STORE_APPLICATION_ID 0x77617831

/* The migration steps: step i takes the schema from version i to i + 1.
 * Never edit a released step; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE certs("
    " id INTEGER PRIMARY KEY,"
    " fp BLOB NOT NULL UNIQUE,"
    " der BLOB NOT NULL,"
    " subject BLOB NOT NULL,"
    " issuer BLOB NOT NULL,"
    " serial BLOB NOT NULL,"
    " ski BLOB,"
    " spki BLOB NOT NULL,"
    " not_before INTEGER NOT NULL,"
    " not_after INTEGER NOT NULL,"
    " can_sign INTEGER NOT NULL,"
    " can_encrypt INTEGER NOT NULL,"
    " is_ca INTEGER NOT NULL);"
    "CREATE INDEX certs_subject ON certs(subject);"
    "CREATE INDEX certs_issuer_serial ON certs(issuer, serial);"
    "CREATE INDEX certs_ski ON certs(ski);"
    "CREATE TABLE cert_emails("
    " cert_id INTEGER NOT NULL REFERENCES certs(id) ON DELETE CASCADE,"
    " email TEXT NOT NULL,"
    " preferred INTEGER NOT NULL,"
    " enc_pref INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(cert_id, email));"
    "CREATE INDEX cert_emails_email ON cert_emails(email);"
    "CREATE TABLE trust("
    " cert_id INTEGER PRIMARY KEY REFERENCES certs(id) ON DELETE CASCADE,"
    " purposes INTEGER NOT NULL);"
    "CREATE TABLE crls("
    " id INTEGER PRIMARY KEY,"
    " fp BLOB NOT NULL UNIQUE,"
    " issuer BLOB NOT NULL,"
    " number BLOB NOT NULL,"
    " this_update INTEGER NOT NULL,"
    " next_update INTEGER,"
    " der BLOB NOT NULL);"
    "CREATE INDEX crls_issuer ON crls(issuer, number, this_update);"
    "CREATE TABLE identities("
    " cert_id INTEGER PRIMARY KEY REFERENCES certs(id),"
    " key BLOB NOT NULL,"
    " encrypted INTEGER NOT NULL);"
    "CREATE TABLE identity_chain("
    " identity INTEGER NOT NULL REFERENCES identities(cert_id)"
    "  ON DELETE CASCADE,"
    " pos INTEGER NOT NULL,"
    " cert_id INTEGER NOT NULL REFERENCES certs(id),"
    " PRIMARY KEY(identity, pos));"
    "CREATE INDEX identity_chain_cert ON identity_chain(cert_id);"
    "CREATE TABLE capabilities("
    " email TEXT PRIMARY KEY,"
    " cert_id INTEGER NOT NULL REFERENCES certs(id) ON DELETE CASCADE,"
    " caps BLOB NOT NULL,"
    " enc_pref BLOB NOT NULL,"
    " at INTEGER NOT NULL);"
    "PRAGMA application_id = 2002876465;",
    /* 1 -> 2: keys of wax req waiting for their certificate */
    "CREATE TABLE pending_keys("
    " id INTEGER PRIMARY KEY,"
    " spki_hash BLOB NOT NULL UNIQUE,"
    " key BLOB NOT NULL,"
    " encrypted INTEGER NOT NULL,"
    " created INTEGER NOT NULL);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] ==
                   WAX_STORE_SCHEMA_VERSION,
               "one migration step per schema version");
_Static_assert(STORE_APPLICATION_ID == 2002876465, "application id");

wax_err
wax_store_map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return WAX_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return WAX_ERR_STORE_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return WAX_ERR_STORE_CORRUPT;
    case SQLITE_NOMEM:
        return WAX_ERR_NOMEM;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
        return WAX_ERR_STORE_OPEN;
    default:
        return WAX_ERR_STORE_IO;
    }
}

wax_err
wax_store_exec(struct wax_store *s, const char *sql)
{
    return wax_store_map_rc(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

wax_err
wax_store_prep(struct wax_store *s, const char *sql, sqlite3_stmt **out)
{
    *out = NULL;
    return wax_store_map_rc(sqlite3_prepare_v2(s->db, sql, -1, out, NULL));
}

wax_err
wax_store_bind_blob(sqlite3_stmt *st, int idx, struct wax_span v)
{
    int rc;
    if (v.len == 0) {
        rc = sqlite3_bind_zeroblob(st, idx, 0);
    } else {
        WAX_ENSURE(v.len <= (size_t)0x7fffffff, WAX_ERR_LIMIT_EXCEEDED);
        rc = sqlite3_bind_blob(st, idx, v.p, (int)v.len, SQLITE_STATIC);
    }
    return wax_store_map_rc(rc);
}

wax_err
wax_store_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    return wax_store_map_rc(sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC));
}

wax_err
wax_store_bind_int(sqlite3_stmt *st, int idx, int64_t v)
{
    return wax_store_map_rc(sqlite3_bind_int64(st, idx, v));
}

wax_err
wax_store_step(sqlite3_stmt *st, bool *out_row)
{
    int rc = sqlite3_step(st);
    if (out_row != NULL) {
        *out_row = rc == SQLITE_ROW;
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        return WAX_OK;
    }
    return wax_store_map_rc(rc);
}

struct wax_span
wax_store_col_blob(sqlite3_stmt *st, int col)
{
    struct wax_span v;
    const void *p = sqlite3_column_blob(st, col);
    int n = sqlite3_column_bytes(st, col);
    wax_span_init(&v, p, (p != NULL && n > 0) ? (size_t)n : 0);
    return v;
}

static void
nap(int attempt)
{
    struct timespec ts = {0, (long)(attempt + 1) * 5000000L};
    nanosleep(&ts, NULL);
}

wax_err
wax_store_tx_begin(struct wax_store *s)
{
    for (int i = 0; i < WAX_STORE_MAX_RETRIES; i++) {
        wax_err err = wax_store_exec(s, "BEGIN IMMEDIATE");
        if (err != WAX_ERR_STORE_BUSY) {
            return err;
        }
        nap(i);
    }
    return WAX_ERR_STORE_BUSY;
}

wax_err
wax_store_tx_end(struct wax_store *s, wax_err err)
{
    if (err == WAX_OK) {
        for (int i = 0; i < WAX_STORE_MAX_RETRIES; i++) {
            err = wax_store_exec(s, "COMMIT");
            if (err != WAX_ERR_STORE_BUSY) {
                break;
            }
            nap(i);
        }
        if (err == WAX_OK) {
            return WAX_OK;
        }
    }
    if (!sqlite3_get_autocommit(s->db)) {
        (void)wax_store_exec(s, "ROLLBACK");
    }
    return err;
}

static wax_err
pragma_int(struct wax_store *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    bool row = false;
    wax_err err = wax_store_prep(s, sql, &st);
    if (err == WAX_OK) {
        err = wax_store_step(st, &row);
    }
    if (err == WAX_OK) {
        *out = row ? sqlite3_column_int64(st, 0) : 0;
    }
    sqlite3_finalize(st);
    return err;
}

static wax_err
migrate_locked(struct wax_store *s)
{
    int64_t v = 0;
    int64_t app = 0;
    WAX_TRY(pragma_int(s, "PRAGMA user_version", &v));
    WAX_TRY(pragma_int(s, "PRAGMA application_id", &app));
    WAX_ENSURE(v >= 0 && v <= WAX_STORE_SCHEMA_VERSION, WAX_ERR_STORE_SCHEMA);
    WAX_ENSURE(app == 0 || app == STORE_APPLICATION_ID, WAX_ERR_STORE_SCHEMA);
    WAX_ENSURE(v == 0 || app == STORE_APPLICATION_ID, WAX_ERR_STORE_SCHEMA);
    for (int64_t i = v; i < WAX_STORE_SCHEMA_VERSION; i++) {
        char sql[64];
        wax_err err = wax_store_exec(s, migrations[i]);
        if (err != WAX_OK) {
            return err == WAX_ERR_STORE_IO ? WAX_ERR_STORE_SCHEMA : err;
        }
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", (int)(i + 1));
        WAX_TRY(wax_store_exec(s, sql));
    }
    return WAX_OK;
}

static wax_err
migrate(struct wax_store *s)
{
    int64_t v = 0;
    int64_t app = 0;
    WAX_TRY(pragma_int(s, "PRAGMA user_version", &v));
    WAX_TRY(pragma_int(s, "PRAGMA application_id", &app));
    if (v == WAX_STORE_SCHEMA_VERSION && app == STORE_APPLICATION_ID) {
        return WAX_OK;
    }
    WAX_ENSURE(v >= 0 && v <= WAX_STORE_SCHEMA_VERSION, WAX_ERR_STORE_SCHEMA);
    WAX_TRY(wax_store_tx_begin(s));
    return wax_store_tx_end(s, migrate_locked(s));
}

static wax_err
create_file(const char *path, uint32_t flags)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        WAX_ENSURE(S_ISREG(sb.st_mode), WAX_ERR_STORE_OPEN);
        return WAX_OK;
    }
    WAX_ENSURE(errno == ENOENT && (flags & WAX_STORE_CREATE) != 0,
               WAX_ERR_STORE_OPEN);
    int fd =
        open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        /* Another process created it first: use theirs. */
        WAX_ENSURE(errno == EEXIST, WAX_ERR_STORE_OPEN);
        return WAX_OK;
    }
    /* The umask may have removed bits (0400): set exactly 0600. */
    int rc = fchmod(fd, 0600);
    close(fd);
    WAX_ENSURE(rc == 0, WAX_ERR_STORE_OPEN);
    return WAX_OK;
}

static wax_err
open_db(struct wax_store *s, const char *path)
{
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        wax_err err = wax_store_map_rc(rc);
        return err == WAX_ERR_STORE_IO ? WAX_ERR_STORE_OPEN : err;
    }
    WAX_TRY(wax_store_map_rc(
        sqlite3_busy_timeout(s->db, WAX_STORE_BUSY_TIMEOUT_MS)));
    wax_err err = WAX_ERR_STORE_BUSY;
    for (int i = 0; i < WAX_STORE_MAX_RETRIES && err == WAX_ERR_STORE_BUSY;
         i++) {
        err = wax_store_exec(s, "PRAGMA journal_mode=WAL");
        if (err == WAX_ERR_STORE_BUSY) {
            nap(i);
        }
    }
    WAX_TRY(err);
    WAX_TRY(wax_store_exec(s, "PRAGMA foreign_keys=ON"));
    return migrate(s);
}

wax_err
wax_store_open(struct wax_store **out, const char *path, uint32_t flags)
{
    WAX_ENSURE(out != NULL && path != NULL && path[0] != '\0',
               WAX_ERR_INVALID_ARGUMENT);
    WAX_ENSURE((flags & ~WAX_STORE_CREATE) == 0, WAX_ERR_INVALID_ARGUMENT);
    *out = NULL;
    WAX_TRY(create_file(path, flags));
    struct wax_store *s = calloc(1, sizeof *s);
    WAX_ENSURE(s != NULL, WAX_ERR_NOMEM);
    wax_err err = open_db(s, path);
    if (err != WAX_OK) {
        wax_store_close(s);
        return err;
    }
    *out = s;
    return WAX_OK;
}

void
wax_store_close(struct wax_store *s)
{
    if (s == NULL) {
        return;
    }
    sqlite3_close_v2(s->db);
    free(s);
}

wax_err
wax_store_schema_version(struct wax_store *s, int *out_version)
{
    WAX_ENSURE(s != NULL && out_version != NULL, WAX_ERR_INVALID_ARGUMENT);
    int64_t v = 0;
    WAX_TRY(pragma_int(s, "PRAGMA user_version", &v));
    *out_version = (int)v;
    return WAX_OK;
}
