/*
 * cli/cli.h - what the S/MIME commands (sign, verify, encrypt, decrypt,
 * inspect) share: the command context (its name, --json), the parsed
 * arguments, error reporting in text or JSON, the resolution of -i / -r /
 * --trust / --certs / --at into the smime layer's inputs, running an
 * operation over the input and the output, and the reports.
 */
#ifndef WAX_CLI_CLI_H
#define WAX_CLI_CLI_H

#include <wax/smime.h>

#include "io.h"
#include "opts.h"
#include "ui.h"

/* ------------------------------------------------------------------ */
/* The command context and errors.                                     */

struct cli_ctx {
    const char *cmd; /* "sign", "verify", ... */
    bool json;       /* --json: one JSON object on stderr, nothing else */
    bool reported;   /* that object (or an error) was written */
    /* called by cli_run before the report (verify --harvest), or NULL */
    void (*before_report)(struct cli_ctx *ctx, struct wax_smime_report *rep);
    int64_t harvest_at; /* the verification time, for before_report */
};

/*
 * cli_usage_error reports a usage error with the hint "run 'wax CMD
 * --help'" and returns WAX_EXIT_USAGE. cli_fail reports ERR (WAX_OK: none)
 * with a message and an optional HINT (NULL: none) and returns EXIT. With
 * --json both write {"error": "WAX_ERR_...", "message": "...", "hint":
 * "..."} instead of the text lines. Messages are escaped (they may name
 * files).
 */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_fail(struct cli_ctx *ctx, int exit_status, wax_err err,
             const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ------------------------------------------------------------------ */
/* Arguments.                                                          */

/* Most files one repeatable option (--trust, --certs, --crl) takes. */
#define CLI_MAX_FILE_ARGS 64

enum cli_opt_id {
    OPT_HELP = 0,
    OPT_OUT,
    OPT_IDENTITY,
    OPT_RECIPIENT,
    OPT_PASS,
    OPT_TRUST,
    OPT_CERTS,
    OPT_CRL,
    OPT_AT,
    OPT_FROM,
    OPT_ALLOW_WEAK,
    OPT_REQUIRE_AUTH,
    OPT_REVOCATION,
    OPT_JSON,
    OPT_FORMAT,
    OPT_OPAQUE,
    OPT_DETACHED,
    OPT_DIGEST,
    OPT_CIPHER,
    OPT_RSA_OAEP,
    OPT_CONTENT,
    OPT_HARVEST,
};

enum cli_revocation {
    CLI_REVOCATION_PREFER = 0,
    CLI_REVOCATION_REQUIRE,
    CLI_REVOCATION_OFF,
};

/* Everything the five commands accept; a command's option table decides
 * which of these it takes. */
struct cli_args {
    const char *in_path;  /* the FILE operand, NULL: standard input */
    const char *out_path; /* -o, NULL: standard output */
    const char *ids[WAX_MAX_SMIME_IDENTITIES];
    size_t num_ids;
    const char *rcpts[WAX_MAX_CMS_RECIPIENTS];
    size_t num_rcpts;
    const char *pass_spec;
    const char *trust[CLI_MAX_FILE_ARGS];
    size_t num_trust;
    const char *certs[CLI_MAX_FILE_ARGS];
    size_t num_certs;
    const char *crls[CLI_MAX_FILE_ARGS];
    size_t num_crls;
    bool has_at;
    int64_t at;
    const char *from;
    bool allow_weak;
    bool require_auth;
    enum cli_revocation revocation;
    bool has_format;
    enum wax_smime_format format;
    bool opaque;
    bool detached;
    enum wax_digest_alg digest;
    bool has_cipher;
    enum wax_smime_cipher cipher;
    bool rsa_oaep;
    bool has_content;         /* --content given */
    const char *content_path; /* ... NULL: standard input */
    bool harvest;             /* verify --harvest */
};

/*
 * cli_parse_args parses ARGV (argv[0] is the command name) with the
 * command's option table OPTS (terminated by a zero row) into A, checking
 * values (--at, --format, --digest, --cipher, --revocation), repeats of
 * options that are not repeatable, and at most one FILE. HELP is printed
 * to standard output for --help. Returns -1 to go on, else the exit status
 * (WAX_EXIT_OK after --help, WAX_EXIT_USAGE after an error).
 */
int cli_parse_args(struct cli_ctx *ctx, int argc, char **argv,
                   const struct cli_option *opts, const char *help,
                   struct cli_args *a);

/* ------------------------------------------------------------------ */
/* Certificates, identities, trust (cli/certs.c, cli/identity.c).      */

/* A list of DER certificates (or CRLs: cli_crls_load) read from files
 * (each one parsed once to check it). */
struct cli_certlist {
    uint8_t **der;
    size_t *lens;
    size_t num;
    size_t cap;
};

void cli_certlist_free(struct cli_certlist *l);
struct wax_smime_certs cli_certlist_view(const struct cli_certlist *l);

/* cli_certlist_add_der appends a copy of one DER certificate (parsed to
 * check it); cli_certlist_add_pem the CERTIFICATE blocks of a PEM text
 * (*ADDED counts them; FIRST_ONLY stops after one). */
wax_err cli_certlist_add_der(struct cli_certlist *l, const uint8_t *der,
                             size_t len);
wax_err cli_certlist_add_pem(struct cli_certlist *l, const uint8_t *text,
                             size_t len, bool first_only, size_t *added);

/* cli_certlist_add_file appends every certificate of PATH (a PEM bundle,
 * or one DER certificate); a file without any is an error. Reports the
 * error through CTX and returns the exit status, or -1 on success.
 * FIRST_ONLY keeps only the first certificate of the file. */
int cli_certlist_add_file(struct cli_ctx *ctx, struct cli_certlist *l,
                          const char *path, const char *what, bool first_only);

/* The trust of verify and encrypt: --trust anchors, --certs
 * intermediates, --at (else the current time), --allow-weak. */
struct cli_trust {
    struct cli_certlist anchors;
    struct cli_certlist untrusted;
    struct wax_smime_trust view;
};

int cli_trust_load(struct cli_ctx *ctx, const struct cli_args *a,
                   struct cli_trust *t);
void cli_trust_free(struct cli_trust *t);

/* What -i identities are used for. */
enum cli_id_use {
    CLI_ID_SIGN,    /* one signing key per file */
    CLI_ID_DECRYPT, /* every key with its certificate */
};

/* Most keys taken from one identity file. */
#define CLI_MAX_KEYS_PER_FILE 8

struct cli_id_file {
    struct cli_certlist certs;
    struct wax_privkey *keys[CLI_MAX_KEYS_PER_FILE];
    size_t num_keys;
    const uint8_t *chain_der[WAX_MAX_PATH_CERTS];
    size_t chain_lens[WAX_MAX_PATH_CERTS];
    size_t num_chain;
};

struct cli_identities {
    struct cli_id_file files[WAX_MAX_SMIME_IDENTITIES];
    size_t num_files;
    struct wax_smime_identity ids[WAX_MAX_SMIME_IDENTITIES];
    size_t num_ids;
};

/*
 * cli_identities_load resolves every -i of A for USE: a PKCS#12 file (DER,
 * or PEM "PKCS12"), or a PEM (or DER) file with a private key and
 * certificates. Each key is matched to its certificate; the other
 * certificates are the chain. Passwords: --pass, else the empty password,
 * else a prompt when standard input is a terminal. An address or a
 * fingerprint loads the store's identities (cli/store.h). Returns -1 on
 * success, else the exit status (the error reported through CTX).
 */
int cli_identities_load(struct cli_ctx *ctx, const struct cli_args *a,
                        enum cli_id_use use, struct cli_identities *out);
void cli_identities_free(struct cli_identities *ids);

/* cli_is_store_ref: S names no file but looks like an address or a
 * certificate fingerprint (a store look-up, cli/store.h);
 * cli_store_ref_error reports such a reference where none is taken. */
bool cli_is_store_ref(const char *s);
int cli_store_ref_error(struct cli_ctx *ctx, const char *ref, const char *hint);

/* cli_recipients_load reads the -r certificate files (the first
 * certificate of each). */
int cli_recipients_load(struct cli_ctx *ctx, const struct cli_args *a,
                        struct cli_certlist *out);

/* cli_crls_load reads the --crl files into OUT (DER CRLs): every "X509
 * CRL" block of a PEM file, or the whole file as one DER CRL; each is
 * parsed to check it. An unreadable file, a file without a CRL, or a CRL
 * that does not parse (its WAX_ERR_X509_CRL_* code; a file that is not
 * DER at all: WAX_ERR_X509_CRL_MALFORMED) is reported and ends the
 * command (exit 2). At most WAX_MAX_PATH_CRLS CRLs in all. Returns -1 on
 * success, else the exit status. Free OUT with cli_certlist_free. */
int cli_crls_load(struct cli_ctx *ctx, const struct cli_args *a,
                  struct cli_certlist *out);

/* cli_revocation_mode: --revocation as the path layer's mode. */
enum wax_path_revocation cli_revocation_mode(const struct cli_args *a);

/* ------------------------------------------------------------------ */
/* Running an operation (cli/run.c) and reports (cli/report.c).        */

/* How the output of a command is treated on a terminal. */
enum cli_out_kind {
    CLI_OUT_TEXT,   /* MIME or PEM: fine on a terminal */
    CLI_OUT_BINARY, /* DER: refused on a terminal before any work */
    CLI_OUT_SNIFF,  /* content: refused on a terminal if it is binary */
};

/*
 * cli_output_prepare checks -o (not the input file) and, for BINARY,
 * refuses a terminal before any work. Returns -1 to go on, else the exit
 * status.
 */
int cli_output_prepare(struct cli_ctx *ctx, const struct cli_args *a,
                       enum cli_out_kind kind, struct cli_output *out);

/*
 * cli_run pushes the input (A->in_path, and A->content_path into the
 * content sink for a detached verify) into OP, which writes to OUT and
 * fills REP; then commits OUT on success or removes it, writes the report
 * (text through TEXT_REPORT, or JSON) and returns the exit status.
 */
typedef void (*cli_text_report_fn)(struct cli_ctx *ctx,
                                   const struct wax_smime_report *rep,
                                   int exit_status);
int cli_run(struct cli_ctx *ctx, const struct cli_args *a,
            struct wax_smime_op *op, struct cli_output *out,
            struct wax_smime_report *rep, cli_text_report_fn text_report);

/* cli_report_constructor_error reports a failed wax_smime_*_new (REP
 * filled by it) and returns the exit status. The report's err_index names
 * NAMES[i] (the -i or -r argument) as KIND ("recipient"), or "KIND i+1"
 * when I is past NUM_NAMES. */
int cli_report_constructor_error(struct cli_ctx *ctx,
                                 struct wax_smime_report *rep, wax_err err,
                                 const char *kind, const char *const *names,
                                 size_t num_names);

/* cli_report_json writes REP as the one JSON object on standard error. */
void cli_report_json(struct cli_ctx *ctx, const struct wax_smime_report *rep);

/* Text reports of each command (cli/report.c). */
void cli_report_sign(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                     int exit_status);
void cli_report_verify(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                       int exit_status);
void cli_report_decrypt(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                        int exit_status);
void cli_report_inspect(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                        int exit_status);

/* cli_err_hint: a hint for an error of the smime layer, or NULL. */
const char *cli_err_hint(wax_err err);

/* cli_exit_status maps a finished operation to the exit status. */
int cli_exit_status(const struct wax_smime_report *rep, wax_err err);

#endif
