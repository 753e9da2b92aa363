/*
 * cli/store.h - the store on the command line: where it is (--store,
 * $WAX_STORE, $XDG_DATA_HOME/wax/store.db, ~/.local/share/wax/store.db),
 * opening it (created, with its directory 0700, only by commands that
 * write), fingerprints as arguments, and the look-ups the S/MIME commands
 * make (-r ADDRESS|FP, -i ADDRESS|FP, anchors and CRLs for verify,
 * --harvest).
 */
#ifndef WAX_CLI_STORE_H
#define WAX_CLI_STORE_H

#include <wax/store.h>

#include "cli.h"

/* Longest store path. */
#define CLI_MAX_STORE_PATH 4096

/* cli_store_set_path: the global --store PATH (main.c). */
void cli_store_set_path(const char *path);

/* cli_store_path resolves the store's path into OUT. */
wax_err cli_store_path(char *out, size_t cap);

/*
 * cli_store_open opens the store. WRITE creates the file (0600) and its
 * directory (0700) when missing. Without WRITE a missing store leaves
 * *OUT NULL and succeeds (commands that only read never create it).
 * Returns -1 on success, else the exit status (reported through CTX).
 */
int cli_store_open(struct cli_ctx *ctx, bool write, struct wax_store **out);

/* cli_fp_parse: 64 hex digits (colons allowed) into FP. */
bool cli_fp_parse(const char *s, uint8_t fp[WAX_STORE_FP_BYTES]);
void cli_fp_put(FILE *f, const uint8_t fp[WAX_STORE_FP_BYTES]);

/* cli_store_recipient resolves one -r ADDRESS|FP into L (the store is
 * opened by the caller, may be NULL). Returns -1 or the exit status. */
int cli_store_recipient(struct cli_ctx *ctx, struct wax_store *store,
                        const char *ref, int64_t at, struct cli_certlist *l);

/* cli_store_add_anchors adds the store's S/MIME trust anchors to T and
 * its CRLs to CRLS (verify). Returns -1 or the exit status. */
int cli_store_add_anchors(struct cli_ctx *ctx, struct cli_trust *t,
                          struct cli_certlist *crls);

/* cli_harvest (verify --harvest, called before the report): stores what
 * a VALID verdict taught and adds "new key for ADDRESS" warnings. */
void cli_harvest(struct cli_ctx *ctx, struct wax_smime_report *rep);

/* cli_prompt_password reads a password without echo when standard input
 * is a terminal (WAX_ERR_CLI_NO_PASSWORD otherwise); WHAT is named in the
 * prompt (cli/identity.c). */
wax_err cli_prompt_password(const char *what, char *out, size_t cap);

/* The command groups of the store (cli/cmd_store.c). cmd_cert_store runs
 * the store's cert subcommands (import, list, export, trust, untrust, rm,
 * accept), returning -1 when argv[1] is none of them. */
int cmd_cert_store(int argc, char **argv);
int cmd_crl(int argc, char **argv);
int cmd_id(int argc, char **argv);

#endif
