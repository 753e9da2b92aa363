/* Internal to the store layer: the handle and SQLite helpers. */
#ifndef WAX_STORE_INT_H
#define WAX_STORE_INT_H

#include <sqlite3.h>

#include <wax/store.h>

struct wax_store {
    sqlite3 *db;
};

wax_err wax_store_map_rc(int rc);
wax_err wax_store_exec(struct wax_store *s, const char *sql);
wax_err wax_store_prep(struct wax_store *s, const char *sql,
                       sqlite3_stmt **out);
wax_err wax_store_bind_blob(sqlite3_stmt *st, int idx, struct wax_span v);
wax_err wax_store_bind_text(sqlite3_stmt *st, int idx, const char *v);
wax_err wax_store_bind_int(sqlite3_stmt *st, int idx, int64_t v);
/* Steps ST; *OUT_ROW (may be NULL) tells whether a row came. */
wax_err wax_store_step(sqlite3_stmt *st, bool *out_row);
struct wax_span wax_store_col_blob(sqlite3_stmt *st, int col);
wax_err wax_store_tx_begin(struct wax_store *s);
/* Commits when ERR is WAX_OK, else rolls back; returns the final error. */
wax_err wax_store_tx_end(struct wax_store *s, wax_err err);

#endif
